/**
 * The live signals several commands read (infrastructure-health-check, incident-assessment,
 * post-deployment-validation): probes, dependencies and the /metrics figures.
 */
import pg from 'pg';
import { Cluster } from 'ioredis';
import { createProbeRedis, parseRedisTarget } from '../../platform/redis.js';
import { bearer, describeError, redactUrl, type OpsContext } from './context.js';
import { check, count, ms, type CheckResult } from './report.js';
import {
  bucketDelta,
  countsDelta,
  failedCollectors,
  histogramBuckets,
  parsePrometheusText,
  quantileRange,
  queueDepths,
  regionsOf,
  requestCounts,
  type Sample,
} from './prometheus.js';
import { judgeCollectors, judgeErrorRate, judgeLiveness, judgeQuantile, judgeQueues, judgeReadiness, REGION_P95_SECONDS, TARGETS } from './verdicts.js';

const HISTOGRAM = 'http_request_duration_seconds';

export async function probeLiveness(ctx: OpsContext): Promise<CheckResult> {
  const res = await ctx.http('GET', '/healthz');
  return judgeLiveness(res.status, res.json, res.status === undefined ? undefined : res.ms, res.error);
}

export async function probeReadiness(ctx: OpsContext): Promise<CheckResult> {
  const res = await ctx.http('GET', '/readyz');
  return judgeReadiness(res.status, res.json, res.error);
}

export async function probeDatabase(ctx: OpsContext): Promise<CheckResult> {
  const title = 'PostgreSQL reachable (direct)';
  if (!ctx.databaseUrl) return check.skip('database.direct', title, 'DATABASE_URL is not set (the server’s own view is in /readyz)');
  const client = new pg.Client({ connectionString: ctx.databaseUrl, connectionTimeoutMillis: Math.min(ctx.timeoutMs, 5_000), statement_timeout: 5_000 });
  const where = redactUrl(ctx.databaseUrl);
  const started = performance.now();
  try {
    await client.connect();
    const r = await client.query<{ version: string; connections: number; max: number }>(
      `select current_setting('server_version') as version,
              (select count(*)::int from pg_stat_activity) as connections,
              current_setting('max_connections')::int as max`,
    );
    const row = r.rows[0]!;
    const elapsed = performance.now() - started;
    const share = row.connections / row.max;
    const figure = `${where}: PostgreSQL ${row.version} answered in ${ms(elapsed)}; ${row.connections} of ${row.max} connections in use`;
    return share > 0.8 ? check.warn('database.direct', title, figure, { details: ['over 80 % of max_connections in use'] }) : check.pass('database.direct', title, figure);
  } catch (error) {
    return check.fail('database.direct', title, `${where}: ${describeError(error)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function probeRedis(ctx: OpsContext): Promise<CheckResult> {
  const title = 'Redis reachable (direct)';
  if (!ctx.redisUrl) return check.skip('redis.direct', title, 'REDIS_URL is not set (the server’s own view is in /readyz)');
  const where = redactUrl(ctx.redisUrl);
  const cluster = process.env.REDIS_CLUSTER === 'true';
  const redis = createProbeRedis(parseRedisTarget(ctx.redisUrl, cluster), Math.min(ctx.timeoutMs, 5_000));
  const started = performance.now();
  try {
    await redis.connect();
    await redis.ping();
    const elapsed = performance.now() - started;
    // On a cluster every shard has its own memory: the fullest one is the one that evicts first.
    const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
    const usage = await Promise.all(
      nodes.map(async (node) => {
        const info = await node.info('memory');
        return { used: Number(/used_memory:(\d+)/.exec(info)?.[1] ?? NaN), max: Number(/maxmemory:(\d+)/.exec(info)?.[1] ?? NaN) };
      }),
    );
    const { used, max } = usage.reduce((a, b) => ((b.max > 0 ? b.used / b.max : 0) > (a.max > 0 ? a.used / a.max : 0) || !Number.isFinite(a.used) ? b : a));
    const shards = redis instanceof Cluster ? ` (cluster, ${nodes.length} shards; fullest shown)` : '';
    const memory = Number.isFinite(used) ? `; ${(used / 1024 / 1024).toFixed(1)} MiB used${max > 0 ? ` of ${(max / 1024 / 1024).toFixed(0)} MiB` : ' (no maxmemory)'}${shards}` : '';
    const figure = `${where}: PONG in ${ms(elapsed)}${memory}`;
    return max > 0 && used / max > 0.9 ? check.warn('redis.direct', title, figure, { details: ['over 90 % of maxmemory: evictions are near'] }) : check.pass('redis.direct', title, figure);
  } catch (error) {
    return check.fail('redis.direct', title, `${where}: ${describeError(error)}`);
  } finally {
    redis.disconnect();
  }
}

export type Scrape = { ok: true; samples: Sample[]; ms: number; bytes: number } | { ok: false; result: CheckResult };

export async function scrapeMetrics(ctx: OpsContext): Promise<Scrape> {
  const title = 'GET /metrics (Prometheus scrape)';
  if (!ctx.metricsToken) return { ok: false, result: check.skip('metrics.scrape', title, 'neither METRICS_TOKEN nor BARBERPRO_ADMIN_TOKEN is set: /metrics needs one') };
  const res = await ctx.http('GET', '/metrics', { headers: bearer(ctx.metricsToken) });
  if (res.status === undefined) return { ok: false, result: check.fail('metrics.scrape', title, `no answer: ${res.error}`) };
  if (res.status === 401 || res.status === 403) return { ok: false, result: check.fail('metrics.scrape', title, `${res.status}: the token given was refused (METRICS_TOKEN or BARBERPRO_ADMIN_TOKEN)`) };
  if (res.status !== 200) return { ok: false, result: check.fail('metrics.scrape', title, `answered ${res.status}`) };
  const samples = parsePrometheusText(res.text);
  if (!samples.some((s) => s.name.startsWith(HISTOGRAM))) return { ok: false, result: check.fail('metrics.scrape', title, `200 but no ${HISTOGRAM} series: not BarberPro’s exporter`) };
  return { ok: true, samples, ms: res.ms, bytes: res.text.length };
}

export interface MetricsJudgement {
  checks: CheckResult[];
  samples?: Sample[];
}

/**
 * Error rate, p95 (overall and per region) and queue depth from /metrics. Counters are since
 * each instance started; with a window the figures are the difference of two scrapes.
 * Behind a load balancer a scrape reaches one instance: the report says which figures are per instance.
 */
export async function judgeMetrics(ctx: OpsContext, windowSeconds: number): Promise<MetricsJudgement> {
  const first = await scrapeMetrics(ctx);
  if (!first.ok) return { checks: [first.result, ...dependentSkips(first.result)] };
  let samples = first.samples;
  let before: Sample[] | undefined;
  if (windowSeconds > 0) {
    ctx.progress(`waiting ${windowSeconds} s between two /metrics scrapes`);
    await new Promise((r) => setTimeout(r, windowSeconds * 1000));
    const second = await scrapeMetrics(ctx);
    if (!second.ok) return { checks: [second.result, ...dependentSkips(second.result)] };
    before = samples;
    samples = second.samples;
  }
  const uptime = processUptime(samples);
  const scope = before ? `last ${windowSeconds} s` : `since this instance started${uptime !== undefined ? ` ${formatDuration(uptime)} ago` : ''}`;
  const checks: CheckResult[] = [
    check.pass('metrics.scrape', 'GET /metrics (Prometheus scrape)', `200 in ${ms(first.ms)}: ${count(samples.length)} samples, ${(first.bytes / 1024).toFixed(0)} KiB`),
    judgeCollectors(failedCollectors(samples)),
  ];

  const counts = before ? countsDelta(requestCounts(before), requestCounts(samples)) : requestCounts(samples);
  const errors = judgeErrorRate('errors.rate', `Server error rate (${scope})`, counts);
  checks.push(errors);

  const buckets = (s: Sample[], filter?: (l: Record<string, string>) => boolean) => histogramBuckets(s, HISTOGRAM, filter);
  const overall = before ? bucketDelta(buckets(before), buckets(samples)) : buckets(samples);
  checks.push(judgeQuantile('latency.p95', `p95 response time (${scope})`, quantileRange(overall, 0.95), TARGETS.p95Seconds));

  for (const region of regionsOf(samples)) {
    if (region === 'none') continue;
    const filter = (l: Record<string, string>) => l.region === region && l.route !== '/metrics';
    const b = before ? bucketDelta(buckets(before, filter), buckets(samples, filter)) : buckets(samples, filter);
    const target = REGION_P95_SECONDS[region];
    const range = quantileRange(b, 0.95);
    if (target === undefined) {
      checks.push(
        range
          ? check.info(`latency.region.${region}`, `p95 region "${region}"`, `≈ ${ms(range.estimate * 1000)} over ${count(range.total)} requests (no regional target in the runbook)`)
          : check.skip(`latency.region.${region}`, `p95 region "${region}"`, 'no requests'),
      );
    } else checks.push(judgeQuantile(`latency.region.${region}`, `p95 region "${region}"`, range, target));
  }

  checks.push(...judgeQueues(queueDepths(samples)));
  return { checks, samples };
}

function dependentSkips(cause: CheckResult): CheckResult[] {
  const reason = `needs /metrics (${cause.status === 'skip' ? cause.measured : 'the scrape failed'})`;
  return [
    check.skip('errors.rate', 'Server error rate', reason),
    check.skip('latency.p95', 'p95 response time', reason),
    check.skip('queue.depth', 'Queue depth (waiting jobs)', reason),
  ];
}

function processUptime(samples: readonly Sample[]): number | undefined {
  const start = samples.find((s) => s.name === 'process_start_time_seconds')?.value;
  return start === undefined ? undefined : Date.now() / 1000 - start;
}

function formatDuration(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
