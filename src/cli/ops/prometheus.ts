/**
 * Reading what GET /metrics exports: the Prometheus text format, and the figures the ops
 * checks judge (error rate, latency quantiles from histogram buckets, queue depth).
 *
 * Hand-written parser: prom-client only writes the format, and no parser is among the
 * project's dependencies; the subset prom-client emits (no timestamps needed, no exemplars)
 * is a few lines, and a dependency for it would not be worth an install.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?\s*$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/g;

function unescapeLabel(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

function parseValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text); // NaN stays NaN
}

export function parsePrometheusText(text: string): Sample[] {
  const out: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    if (m[2]) for (const l of m[2].matchAll(LABEL)) labels[l[1]!] = unescapeLabel(l[2]!);
    out.push({ name: m[1]!, labels, value: parseValue(m[3]!) });
  }
  return out;
}

/** Probes and scrapes are not traffic: they would dilute the latency and error figures. */
export const NON_TRAFFIC_ROUTES = new Set(['/metrics', '/healthz', '/readyz']);

export interface Bucket {
  /** Upper bound in seconds (Infinity for +Inf). */
  le: number;
  /** Cumulative count of observations ≤ le. */
  count: number;
}

export type SampleFilter = (labels: Record<string, string>) => boolean;

const isTraffic: SampleFilter = (labels) => !NON_TRAFFIC_ROUTES.has(labels.route ?? '');

/** Sums a histogram's buckets over every series the filter keeps (like `sum by (le)`). */
export function histogramBuckets(samples: readonly Sample[], metric: string, filter: SampleFilter = isTraffic): Bucket[] {
  const byLe = new Map<number, number>();
  for (const s of samples) {
    if (s.name !== `${metric}_bucket` || s.labels.le === undefined || !filter(s.labels)) continue;
    const le = parseValue(s.labels.le);
    byLe.set(le, (byLe.get(le) ?? 0) + s.value);
  }
  return [...byLe].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
}

/** after − before, bucket by bucket (counters reset when an instance restarts: then `after` alone). */
export function bucketDelta(before: readonly Bucket[], after: readonly Bucket[]): Bucket[] {
  const prior = new Map(before.map((b) => [b.le, b.count]));
  const delta = after.map((b) => ({ le: b.le, count: b.count - (prior.get(b.le) ?? 0) }));
  return delta.some((b) => b.count < 0) ? after.map((b) => ({ ...b })) : delta;
}

export interface QuantileRange {
  /** Observations in the histogram. */
  total: number;
  /** The quantile lies in (lower, upper] seconds: what the buckets can prove. */
  lower: number;
  upper: number;
  /** Linear interpolation inside that bucket, as PromQL's histogram_quantile does: an estimate. */
  estimate: number;
}

/** Where the q-quantile lies, from cumulative buckets; undefined with no observations. */
export function quantileRange(buckets: readonly Bucket[], q: number): QuantileRange | undefined {
  if (!(q > 0 && q <= 1)) throw new RangeError('q must be in (0, 1]');
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.find((b) => b.le === Infinity)?.count ?? sorted[sorted.length - 1]?.count ?? 0;
  if (total <= 0) return undefined;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const b of sorted) {
    if (b.count >= rank) {
      if (b.le === Infinity) return { total, lower, upper: Infinity, estimate: lower };
      const inBucket = b.count - below;
      const estimate = inBucket > 0 ? lower + ((b.le - lower) * (rank - below)) / inBucket : b.le;
      return { total, lower, upper: b.le, estimate };
    }
    lower = b.le;
    below = b.count;
  }
  return { total, lower, upper: Infinity, estimate: lower };
}

export interface RequestCounts {
  total: number;
  /** 5xx responses: the server's failures. */
  serverErrors: number;
  /** 4xx responses: refused or wrong requests (not counted against the error SLO). */
  clientErrors: number;
}

/** Requests by status class, from the histogram's `_count` series (every response is observed there). */
export function requestCounts(samples: readonly Sample[], metric = 'http_request_duration_seconds', filter: SampleFilter = isTraffic): RequestCounts {
  const out: RequestCounts = { total: 0, serverErrors: 0, clientErrors: 0 };
  for (const s of samples) {
    if (s.name !== `${metric}_count` || !filter(s.labels)) continue;
    out.total += s.value;
    const status = Number(s.labels.status_code);
    if (status >= 500) out.serverErrors += s.value;
    else if (status >= 400) out.clientErrors += s.value;
  }
  return out;
}

export function countsDelta(before: RequestCounts, after: RequestCounts): RequestCounts {
  const d = { total: after.total - before.total, serverErrors: after.serverErrors - before.serverErrors, clientErrors: after.clientErrors - before.clientErrors };
  return d.total < 0 || d.serverErrors < 0 || d.clientErrors < 0 ? { ...after } : d;
}

/** Regions seen on the latency histogram. */
export function regionsOf(samples: readonly Sample[], metric = 'http_request_duration_seconds'): string[] {
  const set = new Set<string>();
  for (const s of samples) if (s.name === `${metric}_count` && s.labels.region) set.add(s.labels.region);
  return [...set].sort();
}

export interface QueueDepth {
  queue: string;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

export function queueDepths(samples: readonly Sample[]): QueueDepth[] {
  const byQueue = new Map<string, QueueDepth>();
  for (const s of samples) {
    if (s.name !== 'barberpro_queue_jobs' || !s.labels.queue || !s.labels.state) continue;
    const q = byQueue.get(s.labels.queue) ?? { queue: s.labels.queue, waiting: 0, active: 0, delayed: 0, failed: 0 };
    const state = s.labels.state as keyof Omit<QueueDepth, 'queue'>;
    if (state in q) q[state] += s.value;
    byQueue.set(s.labels.queue, q);
  }
  return [...byQueue.values()].sort((a, b) => a.queue.localeCompare(b.queue));
}

/** barberpro_metrics_collector_success: sources the server could not read in this scrape. */
export function failedCollectors(samples: readonly Sample[]): string[] {
  return samples.filter((s) => s.name === 'barberpro_metrics_collector_success' && s.value === 0).map((s) => s.labels.collector ?? '?');
}

export function gaugeValue(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const hit = samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return hit?.value;
}
