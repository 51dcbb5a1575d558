import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scalingDecision, scalingQueries, toSeries } from './scaling.js';

const task = { cpu: 1024, memoryMiB: 2048, min: 3, max: 20 };
const now = new Date('2026-12-01T15:00:30Z');
const end = Math.floor(now.getTime() / 60_000) * 60;

/** A Prometheus answering query_range from per-metric value lists (oldest first). */
let answers: Record<string, Array<number | null>> = {};
let failWith: number | undefined;
let server: Server;
let url: string;
const seen: URLSearchParams[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const params = new URL(req.url!, 'http://x').searchParams;
    seen.push(params);
    if (failWith) return res.writeHead(failWith, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'error', error: 'bad_data: parse error' }));
    const query = params.get('query')!;
    const key = Object.keys(answers).find((k) => query.includes(k))!;
    const start = Number(params.get('start'));
    const values = (answers[key] ?? []).flatMap((v, i) => (v === null ? [] : [[start + i * 60, String(v)]]));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: values.length ? [{ metric: {}, values }] : [] } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => server?.close());

const flat = (v: number | null) => Array.from({ length: 15 }, () => v);
const calm = () => ({
  process_cpu_seconds_total: flat(0.45), // 45 % of one vCPU
  process_resident_memory_bytes: flat(0.5 * 2048 * 1024 * 1024), // 50 %
  http_request_duration_seconds_sum: flat(0.08),
  barberpro_queue_jobs: flat(0),
  up: flat(5),
});
// The fake answers the whole expression's value; the rate()/division happen in Prometheus, so hand it final figures.
const asFinal = (a: Record<string, Array<number | null>>) => ({
  process_cpu_seconds_total: a.process_cpu_seconds_total!.map((v) => (v === null ? null : v * 100)),
  process_resident_memory_bytes: a.process_resident_memory_bytes!.map((v) => (v === null ? null : (100 * v) / (2048 * 1024 * 1024))),
  http_request_duration_seconds_sum: a.http_request_duration_seconds_sum!,
  barberpro_queue_jobs: a.barberpro_queue_jobs!,
  up: a.up!,
});

describe('scaling-decision over Prometheus', () => {
  it('asks Prometheus for the last 15 minutes at one-minute steps', async () => {
    answers = asFinal(calm());
    const r = await scalingDecision({ prometheus: url, job: 'barberpro', task, timeoutMs: 5_000, now });
    expect(r.checks.find((c) => c.id === 'scaling.decision')).toMatchObject({ status: 'pass', measured: 'hold — 5 → 5 tasks' });
    const last = seen.at(-1)!;
    expect(Number(last.get('end')) - Number(last.get('start'))).toBe(14 * 60);
    expect(last.get('step')).toBe('60');
    expect(Number(last.get('end'))).toBe(end);
  });

  it('CPU above 60 % for 5 minutes scales out by 2', async () => {
    const a = calm();
    a.process_cpu_seconds_total = [...flat(0.45).slice(0, 10), 0.61, 0.62, 0.7, 0.75, 0.65];
    answers = asFinal(a);
    const r = await scalingDecision({ prometheus: url, job: 'barberpro', task, timeoutMs: 5_000, now });
    expect(r.checks.find((c) => c.id === 'scaling.decision')).toMatchObject({ status: 'warn', measured: 'scale-out — 5 → 7 tasks' });
  });

  it('all low for their durations scales in by one, never below 3; a missing minute holds', async () => {
    const idle = { process_cpu_seconds_total: flat(0.1), process_resident_memory_bytes: flat(0.2 * 2048 * 1024 * 1024), http_request_duration_seconds_sum: flat(0.05), barberpro_queue_jobs: flat(0), up: flat(5) };
    answers = asFinal(idle);
    expect((await scalingDecision({ prometheus: url, job: 'barberpro', task, timeoutMs: 5_000, now })).checks.at(-1)!.measured).toBe('scale-in — 5 → 4 tasks');
    answers = asFinal({ ...idle, up: flat(3) });
    expect((await scalingDecision({ prometheus: url, job: 'barberpro', task, timeoutMs: 5_000, now })).checks.at(-1)!.measured).toBe('hold — 3 → 3 tasks (held by min-tasks)');
    const gap = flat(0.05);
    gap[3] = null;
    answers = asFinal({ ...idle, http_request_duration_seconds_sum: gap });
    expect((await scalingDecision({ prometheus: url, job: 'barberpro', task, timeoutMs: 5_000, now })).checks.at(-1)!.measured).toBe('hold — 5 → 5 tasks');
  });

  it('a Prometheus error fails; without Prometheus nothing is decided', async () => {
    failWith = 400;
    const r = await scalingDecision({ prometheus: url, job: 'barberpro', task, timeoutMs: 5_000, now });
    failWith = undefined;
    expect(r.checks[0]).toMatchObject({ status: 'fail' });
    expect(r.checks[0]!.measured).toContain('bad_data');
    expect((await scalingDecision({ prometheus: undefined, job: 'barberpro', task, timeoutMs: 5_000, now })).checks[0]!.status).toBe('skip');
  });

  it('queries are per task against the CDK task size', () => {
    const q = scalingQueries('barberpro', task);
    expect(q.cpuPercent).toBe('100 * avg(rate(process_cpu_seconds_total{job="barberpro"}[1m])) / 1');
    expect(q.memoryPercent).toContain(`/ ${2048 * 1024 * 1024}`);
    expect(toSeries([{ values: [[end - 60, '1'], [end, 'NaN']] }], end - 60, 2)).toEqual([1, null]);
  });
});
