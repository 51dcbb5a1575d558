/**
 * One load stage through autocannon's programmatic API: a fixed number of connections for a
 * fixed time, each request built by `next()` just before it is written (`setupRequest`), and
 * every outcome attributed to its request kind: status, latency (all responses, not just the
 * 2xx autocannon keeps), socket errors and timeouts.
 */
import autocannon, { type Client, type RequestParams } from 'autocannon';
import { percentile } from '../stats.js';

/** What the driver sends; scenario.ts builds these for the mixed stages. */
export interface BuiltRequest {
  kind: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** A placeholder sent after the booking pool ran out: not counted, and the stage stops. */
  ignore?: boolean;
}

export interface StageOptions {
  url: string;
  connections: number;
  durationSeconds: number;
  next: () => BuiltRequest;
  timeoutSeconds?: number;
}

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
}

export interface KindResult {
  /** Requests written to a connection. */
  sent: number;
  /** Responses received (any status). */
  responses: number;
  ok: number;
  non2xx: number;
  timeouts: number;
  socketErrors: number;
  /** non2xx + timeouts + socket errors. */
  errors: number;
  /** errors / (responses + timeouts + socket errors). */
  errorRate: number;
  statusCodes: Record<string, number>;
  /** Responses per second over the stage. */
  throughput: number;
  /** Over every response, whatever its status. */
  latencyMs: LatencySummary | null;
  /** A few distinct error bodies, to see what went wrong. */
  errorSamples: string[];
}

export interface StageResult {
  connections: number;
  durationSeconds: number;
  total: KindResult;
  byKind: Record<string, KindResult>;
  /** Requests still in flight when the stage stopped (or lost with a closed connection). */
  unanswered: number;
  /** The booking pool ran out and the stage was stopped early. */
  stoppedEarly: boolean;
  /** autocannon's own counters, as a cross-check. */
  autocannon: { completed: number; non2xx: number; errors: number; timeouts: number; p50: number; p99: number };
}

export interface Tally {
  sent: number;
  responses: number;
  ok: number;
  non2xx: number;
  timeouts: number;
  socketErrors: number;
  statusCodes: Record<string, number>;
  latencies: number[];
  errorSamples: Set<string>;
}

export const newTally = (): Tally => ({ sent: 0, responses: 0, ok: 0, non2xx: 0, timeouts: 0, socketErrors: 0, statusCodes: {}, latencies: [], errorSamples: new Set() });

interface ConnectionState {
  /** The request written last (the one a response or socket error belongs to). */
  inflight?: BuiltRequest;
  /** The one before: a timeout is reported after the replacement request was built. */
  previous?: BuiltRequest;
}

export function summarizeLatency(samples: number[]): LatencySummary | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  let sum = 0;
  for (const x of sorted) sum += x;
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    mean: sum / sorted.length,
    max: sorted[sorted.length - 1]!,
  };
}

export function finish(t: Tally, seconds: number): KindResult {
  const errors = t.non2xx + t.timeouts + t.socketErrors;
  const attempts = t.responses + t.timeouts + t.socketErrors;
  return {
    sent: t.sent,
    responses: t.responses,
    ok: t.ok,
    non2xx: t.non2xx,
    timeouts: t.timeouts,
    socketErrors: t.socketErrors,
    errors,
    errorRate: attempts === 0 ? 0 : errors / attempts,
    statusCodes: t.statusCodes,
    throughput: t.responses / seconds,
    latencyMs: summarizeLatency(t.latencies),
    errorSamples: [...t.errorSamples],
  };
}

export function runStage(options: StageOptions): Promise<StageResult> {
  const tallies = new Map<string, Tally>();
  const tally = (kind: string) => {
    let t = tallies.get(kind);
    if (!t) tallies.set(kind, (t = newTally()));
    return t;
  };
  const total = newTally();
  let stoppedEarly = false;
  let instance: ReturnType<typeof autocannon> | undefined;

  const build = (context: Record<string, unknown>): BuiltRequest => {
    const built = options.next();
    const state = context.connection as ConnectionState | undefined;
    if (state) {
      state.previous = state.inflight;
      state.inflight = built;
    }
    context.built = built;
    if (built.ignore) {
      if (!stoppedEarly) {
        stoppedEarly = true;
        setImmediate(() => instance?.stop());
      }
    } else {
      tally(built.kind).sent++;
      total.sent++;
    }
    return built;
  };

  const record = (built: BuiltRequest | undefined, apply: (t: Tally) => void) => {
    if (!built || built.ignore) return;
    apply(tally(built.kind));
    apply(total);
  };

  return new Promise((resolve, reject) => {
    instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.durationSeconds,
        timeout: options.timeoutSeconds ?? 10,
        requests: [
          {
            setupRequest: (request: RequestParams, context: Record<string, unknown>) => {
              const built = build(context);
              const out: RequestParams = { ...request, method: built.method, path: built.path, headers: built.headers };
              if (built.body !== undefined) out.body = built.body;
              return out;
            },
            onResponse: (status: number, body: string, context: Record<string, unknown>) => {
              if (status >= 200 && status < 300) return;
              const state = context.connection as ConnectionState | undefined;
              const built = state?.inflight ?? (context.built as BuiltRequest | undefined);
              record(built, (t) => {
                if (t.errorSamples.size < 5) t.errorSamples.add(`${status} ${built!.method} ${built!.path.replace(/\?.*/, '')}: ${body.slice(0, 300)}`);
              });
            },
          },
        ],
        setupClient: (client: Client) => {
          const state: ConnectionState = {};
          const iterator = client.requestIterator;
          // The first request was built in the client's constructor, before this hook ran.
          state.inflight = iterator.context.built as BuiltRequest | undefined;
          const reset = iterator.resetContext.bind(iterator);
          iterator.resetContext = () => {
            reset();
            iterator.context.connection = state;
          };
          iterator.context.connection = state;
          client.on('response', (status: number, _bytes: number, ms: number) => {
            record(state.inflight, (t) => {
              t.responses++;
              t.statusCodes[status] = (t.statusCodes[status] ?? 0) + 1;
              if (status >= 200 && status < 300) t.ok++;
              else t.non2xx++;
              t.latencies.push(ms);
            });
          });
          client.on('timeout', () =>
            record(state.previous, (t) => {
              t.timeouts++;
              if (t.errorSamples.size < 5) t.errorSamples.add(`timeout: no answer within ${options.timeoutSeconds ?? 10} s (${state.previous!.method} ${state.previous!.path.replace(/\?.*/, '')})`);
            }),
          );
          client.on('connError', (error: Error) =>
            record(state.inflight, (t) => {
              t.socketErrors++;
              if (t.errorSamples.size < 5) t.errorSamples.add(`socket: ${error.message}`);
            }),
          );
        },
      },
      (error, result) => {
        if (error) return reject(error);
        const seconds = result.duration;
        const byKind: Record<string, KindResult> = {};
        for (const [kind, t] of [...tallies].sort(([a], [b]) => a.localeCompare(b))) byKind[kind] = finish(t, seconds);
        const totalResult = finish(total, seconds);
        resolve({
          connections: options.connections,
          durationSeconds: seconds,
          total: totalResult,
          byKind,
          unanswered: Math.max(0, total.sent - total.responses - total.timeouts - total.socketErrors),
          stoppedEarly,
          autocannon: {
            completed: Object.values(result.statusCodeStats).reduce((a, s) => a + s.count, 0),
            non2xx: result.non2xx,
            errors: result.errors,
            timeouts: result.timeouts,
            p50: result.latency.p50,
            p99: result.latency.p99,
          },
        });
      },
    );
  });
}

/** A constant request (the /healthz ceiling). */
export function constant(path: string): () => BuiltRequest {
  const request: BuiltRequest = { kind: path, method: 'GET', path, headers: {} };
  return () => request;
}
