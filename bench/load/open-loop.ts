/**
 * An open-loop stage: requests arrive at a steady mean rate, at seeded exponential intervals
 * (a Poisson process, as independent users do), whether or not earlier ones have been
 * answered. At most `connections` are in flight on keep-alive sockets; an arrival that finds
 * them all busy waits in the client, and that wait counts: every latency runs from the
 * request's scheduled arrival, never from when a free socket let it go, so a slow server
 * cannot hide its queue by slowing the generator down (coordinated omission).
 *
 * Hand-written on undici's Pool because neither autocannon nor wrk-style closed loops do
 * this: autocannon's `overallRate` sends each connection's per-second quota back to back
 * and then idles, so its arrivals come in bursts.
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { finish, newTally, summarizeLatency, type BuiltRequest, type KindResult, type LatencySummary, type Tally } from './driver.js';

export interface OpenLoopOptions {
  url: string;
  /** Most requests in flight at once: the keep-alive sockets the users share. */
  connections: number;
  /** Mean arrivals per second. */
  rate: number;
  durationSeconds: number;
  next: () => BuiltRequest;
  /** Draws the arrival intervals, so a run's schedule is reproducible. */
  random: () => number;
  timeoutSeconds?: number;
}

export interface OpenLoopResult {
  connections: number;
  offeredRate: number;
  /** The arrival window; throughput is responses within it ÷ this. */
  durationSeconds: number;
  /** Arrivals scheduled in the window (their mean rate is the offered rate, up to chance). */
  arrivals: number;
  total: KindResult;
  byKind: Record<string, KindResult>;
  /** Still unanswered when the stage gave up waiting for them. */
  unanswered: number;
  /** The booking pool ran out and arrivals stopped early. */
  stoppedEarly: boolean;
  /** Most requests in flight or waiting for a socket at once. */
  maxOutstanding: number;
  /**
   * How late the generator itself handed arrivals to the pool. Large values mean the load
   * generator could not keep the schedule (its CPU was starved), not that the server was slow.
   */
  schedulerLagMs: LatencySummary | null;
}

/** Exponential intervals with mean 1/rate seconds, in ms. */
export function poissonIntervals(rate: number, random: () => number): () => number {
  if (!(rate > 0)) throw new RangeError(`rate must be > 0, got ${rate}`);
  // 1 - u is in (0, 1], so the logarithm is finite.
  return () => (-Math.log(1 - random()) * 1000) / rate;
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_ABORTED', 'ABORT_ERR']);

export async function runOpenLoopStage(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const timeoutMs = (options.timeoutSeconds ?? 10) * 1000;
  const pool = new Pool(options.url, { connections: options.connections, pipelining: 1, keepAliveTimeout: 60_000, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  const tallies = new Map<string, Tally>();
  const total = newTally();
  const tally = (kind: string) => {
    let t = tallies.get(kind);
    if (!t) tallies.set(kind, (t = newTally()));
    return t;
  };
  const record = (kind: string, apply: (t: Tally) => void) => {
    apply(tally(kind));
    apply(total);
  };
  const lags: number[] = [];
  const pending = new Set<Promise<void>>();
  let outstanding = 0;
  let maxOutstanding = 0;
  let arrivals = 0;
  let stoppedEarly = false;

  try {
    // Open the sockets first, so the first arrivals do not pay for connecting.
    await Promise.all(
      Array.from({ length: options.connections }, () => pool.request({ method: 'GET', path: '/healthz' }).then((r) => r.body.dump())),
    );

    const dispatch = (scheduledAt: number, now: number) => {
      const built = options.next();
      if (built.ignore) {
        stoppedEarly = true;
        return;
      }
      arrivals++;
      lags.push(now - scheduledAt);
      record(built.kind, (t) => t.sent++);
      outstanding++;
      maxOutstanding = Math.max(maxOutstanding, outstanding);
      const promise = pool
        .request({
          method: built.method,
          path: built.path,
          headers: built.headers,
          ...(built.body !== undefined ? { body: built.body } : {}),
          // Counted from the arrival: a request that waited for a socket has less time left.
          signal: AbortSignal.timeout(Math.max(1, Math.ceil(timeoutMs - (now - scheduledAt)))),
        })
        .then(
          async (response) => {
            const ok = response.statusCode >= 200 && response.statusCode < 300;
            const text = ok ? (await response.body.dump(), '') : await response.body.text();
            const latency = performance.now() - scheduledAt;
            record(built.kind, (t) => {
              t.responses++;
              t.statusCodes[response.statusCode] = (t.statusCodes[response.statusCode] ?? 0) + 1;
              if (ok) t.ok++;
              else {
                t.non2xx++;
                if (t.errorSamples.size < 5) t.errorSamples.add(`${response.statusCode} ${built.method} ${built.path.replace(/\?.*/, '')}: ${text.slice(0, 300)}`);
              }
              t.latencies.push(latency);
            });
          },
          (error: Error & { code?: string; name?: string }) => {
            const timedOut = TIMEOUT_CODES.has(error.code ?? '') || error.name === 'TimeoutError' || error.name === 'AbortError';
            record(built.kind, (t) => {
              if (timedOut) t.timeouts++;
              else t.socketErrors++;
              if (t.errorSamples.size < 5)
                t.errorSamples.add(timedOut ? `timeout: no answer within ${timeoutMs / 1000} s of arriving (${built.method} ${built.path.replace(/\?.*/, '')})` : `socket: ${error.message}`);
            });
          },
        )
        .finally(() => {
          outstanding--;
          pending.delete(promise);
        });
      pending.add(promise);
    };

    const interval = poissonIntervals(options.rate, options.random);
    const start = performance.now();
    const end = start + options.durationSeconds * 1000;
    let nextAt = start + interval();
    await new Promise<void>((resolve, reject) => {
      const tick = () => {
        try {
          schedule();
        } catch (error) {
          reject(error as Error);
        }
      };
      const schedule = () => {
        const now = performance.now();
        // Timers fire late by a millisecond or more: everything due goes now, each with its own arrival time.
        while (nextAt <= now && nextAt < end && !stoppedEarly) {
          dispatch(nextAt, now);
          nextAt += interval();
        }
        if (nextAt >= end || stoppedEarly) return resolve();
        setTimeout(tick, Math.max(0, Math.floor(nextAt - performance.now())));
      };
      tick();
    });
    const windowSeconds = (Math.min(performance.now(), end) - start) / 1000;
    // Answers still on their way belong to the window's arrivals; each ends within its timeout.
    await Promise.allSettled([...pending]);

    const byKind: Record<string, KindResult> = {};
    for (const [kind, t] of [...tallies].sort(([a], [b]) => a.localeCompare(b))) byKind[kind] = finish(t, windowSeconds);
    return {
      connections: options.connections,
      offeredRate: options.rate,
      durationSeconds: windowSeconds,
      arrivals,
      total: finish(total, windowSeconds),
      byKind,
      unanswered: Math.max(0, total.sent - total.responses - total.timeouts - total.socketErrors),
      stoppedEarly,
      maxOutstanding,
      schedulerLagMs: summarizeLatency(lags),
    };
  } finally {
    await pool.close();
  }
}
