/**
 * performance-validation: a short, read-only load against the target (shop search and
 * availability, the bulk of the benchmark's mix), judged against p95 < 200 ms and an error
 * rate under 0.1 %. Read-only on purpose: it may be pointed at production, where creating
 * bookings or payments would be real. The full mixed benchmark is `npm run bench`.
 */
import { check, count, ms, type CheckResult } from '../report.js';
import type { OpsContext } from '../context.js';
import { judgeLoadErrors, judgeSampledP95, type LoadErrors } from '../verdicts.js';

export interface PerformanceOptions {
  durationSeconds: number;
  connections: number;
}

interface Request {
  kind: 'search' | 'availability';
  path: string;
}

/** Nearest-rank percentile over sorted samples. */
export function percentileOf(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

function argentinaDate(offsetDays: number): string {
  const d = new Date(Date.now() + offsetDays * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Argentina/Buenos_Aires', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

/** The scenario's requests, from the target's own catalog. */
export async function buildScenario(ctx: OpsContext): Promise<{ requests: Request[]; notes: string[] }> {
  const notes: string[] = [];
  const list = await ctx.http('GET', '/api/v1/shops?page=1&pageSize=50');
  const items = (list.json as { items?: Array<{ id: string; city?: string }> } | undefined)?.items ?? [];
  const requests: Request[] = [];
  const cities = [...new Set(items.map((s) => s.city).filter((c): c is string => Boolean(c)))];
  for (const city of cities.length ? cities : ['']) requests.push({ kind: 'search', path: `/api/v1/shops?${city ? `city=${encodeURIComponent(city)}&` : ''}page=1` });
  for (const shop of items.slice(0, 20)) {
    const detail = await ctx.http('GET', `/api/v1/shops/${shop.id}`);
    const services = (detail.json as { services?: Array<{ id: string }> } | undefined)?.services ?? [];
    for (const service of services.slice(0, 3))
      for (const week of [0, 7]) requests.push({ kind: 'availability', path: `/api/v1/shops/${shop.id}/availability?serviceId=${service.id}&from=${argentinaDate(week)}&to=${argentinaDate(week + 6)}` });
  }
  if (!requests.some((r) => r.kind === 'availability')) notes.push('the catalog has no shop with services: only search requests were sent');
  return { requests, notes };
}

interface AutocannonModule {
  default: (options: Record<string, unknown>, done: (error: Error | null, result: { duration: number }) => void) => { stop(): void };
}

export async function runPerformanceValidation(ctx: OpsContext, options: PerformanceOptions): Promise<CheckResult[]> {
  let autocannon: AutocannonModule['default'];
  try {
    // A development dependency: an image built without them cannot generate load.
    autocannon = ((await import('autocannon' as string)) as AutocannonModule).default;
  } catch {
    return [check.skip('load', 'Load scenario', 'autocannon is not installed here (a development dependency): run from a checkout with `npm install`')];
  }
  const health = await ctx.http('GET', '/healthz');
  if (health.status !== 200) return [check.fail('load', 'Load scenario', `GET /healthz answered ${health.status ?? health.error}: not starting load against a sick target`)];

  ctx.progress('reading the catalog for the scenario');
  const { requests, notes } = await buildScenario(ctx);
  let next = 0;
  const latencies: number[] = [];
  const tally: LoadErrors = { responses: 0, non2xx: 0, timeouts: 0, socketErrors: 0, statusCodes: {} };
  const byKind = new Map<string, number[]>();
  const started = Date.now();
  const ticker = setInterval(() => ctx.progress(`load: ${Math.round((Date.now() - started) / 1000)}/${options.durationSeconds} s, ${count(tally.responses)} responses, ${count(tally.non2xx + tally.timeouts + tally.socketErrors)} errors`), 2_000);
  try {
    await new Promise<void>((resolve, reject) => {
      autocannon(
        {
          url: ctx.baseUrl,
          connections: options.connections,
          duration: options.durationSeconds,
          timeout: 10,
          requests: [
            {
              setupRequest: (request: Record<string, unknown>, context: Record<string, unknown>) => {
                const r = requests[next++ % requests.length]!;
                context.kind = r.kind;
                return { ...request, method: 'GET', path: r.path };
              },
            },
          ],
          setupClient: (client: { on(event: string, listener: (...args: any[]) => void): void; requestIterator: { context: Record<string, unknown> } }) => {
            client.on('response', (status: number, _bytes: number, latency: number) => {
              tally.responses++;
              tally.statusCodes[status] = (tally.statusCodes[status] ?? 0) + 1;
              if (status < 200 || status >= 300) tally.non2xx++;
              latencies.push(latency);
              const kind = String(client.requestIterator.context.kind ?? 'other');
              (byKind.get(kind) ?? byKind.set(kind, []).get(kind)!).push(latency);
            });
            client.on('timeout', () => void tally.timeouts++);
            client.on('connError', () => void tally.socketErrors++);
          },
        },
        (error) => (error ? reject(error) : resolve()),
      );
    });
  } finally {
    clearInterval(ticker);
  }
  latencies.sort((a, b) => a - b);
  const scope = `${options.connections} connections × ${options.durationSeconds} s, read-only mix (search, availability)`;
  const result: CheckResult[] = [
    check.info('load.scenario', 'Load scenario', `${scope}: ${count(tally.responses)} responses, ${(tally.responses / options.durationSeconds).toFixed(0)}/s`, {
      details: [
        ...[...byKind].map(([kind, l]) => {
          const sorted = [...l].sort((a, b) => a - b);
          return `${kind}: ${count(l.length)} responses, p50 ${ms(percentileOf(sorted, 50)!)}, p95 ${ms(percentileOf(sorted, 95)!)}`;
        }),
        ...notes,
      ],
    }),
    judgeSampledP95('load.p95', 'p95 response time under load', percentileOf(latencies, 95), latencies.length),
    judgeLoadErrors('load.errors', 'Error rate under load', tally),
  ];
  return result;
}
