/**
 * Reading the service's Prometheus counters across cluster workers.
 *
 * Counters are per process and GET /metrics is answered by whichever worker gets the
 * connection. The cluster primary hands new connections to workers in strict rotation, so 2N
 * scrapes on fresh connections (no other traffic) visit each of N workers twice, in order. That
 * is checked, not assumed: each worker counts its own /metrics requests, so scrape i + N must
 * show exactly one more than scrape i. The last N scrapes, summed, are the service's totals.
 */
import { sleep } from './env.js';
import { httpGet } from './service.js';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parsePrometheus(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    if (m[2]) for (const l of m[2].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, '$1');
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** What the benchmark needs from one scrape of one worker. */
export interface WorkerCounters {
  /** cache → result → count */
  cache: Record<string, Record<string, number>>;
  /** "METHOD route" → server-side count, sum of seconds, and count ≤ 50 ms. */
  routes: Record<string, { count: number; sumSeconds: number; under50ms: number }>;
  /** GET /metrics requests this worker has answered (before this one). */
  metricsRequests: number;
  processStart: number;
}

export function countersOf(samples: Sample[]): WorkerCounters {
  const counters: WorkerCounters = { cache: {}, routes: {}, metricsRequests: 0, processStart: 0 };
  for (const s of samples) {
    if (s.name === 'barberpro_cache_requests_total') {
      const cache = (counters.cache[s.labels.cache ?? '?'] ??= {});
      cache[s.labels.result ?? '?'] = (cache[s.labels.result ?? '?'] ?? 0) + s.value;
    } else if (s.name.startsWith('http_request_duration_seconds_')) {
      const key = `${s.labels.method} ${s.labels.route}`;
      const route = (counters.routes[key] ??= { count: 0, sumSeconds: 0, under50ms: 0 });
      if (s.name === 'http_request_duration_seconds_count') {
        route.count += s.value;
        if (s.labels.route === '/metrics') counters.metricsRequests += s.value;
      } else if (s.name === 'http_request_duration_seconds_sum') route.sumSeconds += s.value;
      else if (s.name === 'http_request_duration_seconds_bucket' && s.labels.le === '0.05') route.under50ms += s.value;
    } else if (s.name === 'process_start_time_seconds') counters.processStart = s.value;
  }
  return counters;
}

export type ScrapeOutcome =
  | { ok: true; workers: WorkerCounters[]; total: WorkerCounters; attempts: number }
  | { ok: false; reason: string };

export function sumCounters(list: readonly WorkerCounters[]): WorkerCounters {
  const total: WorkerCounters = { cache: {}, routes: {}, metricsRequests: 0, processStart: 0 };
  for (const w of list) {
    for (const [cache, results] of Object.entries(w.cache))
      for (const [result, n] of Object.entries(results)) (total.cache[cache] ??= {})[result] = (total.cache[cache]?.[result] ?? 0) + n;
    for (const [key, r] of Object.entries(w.routes)) {
      const t = (total.routes[key] ??= { count: 0, sumSeconds: 0, under50ms: 0 });
      t.count += r.count;
      t.sumSeconds += r.sumSeconds;
      t.under50ms += r.under50ms;
    }
    total.metricsRequests += w.metricsRequests;
  }
  return total;
}

/** Counters of every worker (see the module comment). Retries while workers are still starting. */
export async function scrapeAllWorkers(baseUrl: string, token: string, workers: number, maxAttempts = 8): Promise<ScrapeOutcome> {
  let reason = '';
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const scrapes: WorkerCounters[] = [];
    for (let i = 0; i < 2 * workers; i++) {
      const res = await httpGet(`${baseUrl}/metrics?scope=process`, { authorization: `Bearer ${token}` });
      if (res.status === 404) return { ok: false, reason: 'GET /metrics answered 404: the endpoint is not there' };
      if (res.status !== 200) return { ok: false, reason: `GET /metrics answered ${res.status}` };
      if (!res.body.includes('barberpro_cache_requests_total'))
        return { ok: false, reason: 'GET /metrics has no barberpro_cache_requests_total counter' };
      const samples = parsePrometheus(res.body);
      scrapes.push(countersOf(samples));
    }
    const rotates = scrapes.slice(0, workers).every((s, i) => scrapes[i + workers]!.metricsRequests === s.metricsRequests + 1);
    if (rotates) {
      const latest = scrapes.slice(workers);
      return { ok: true, workers: latest, total: sumCounters(latest), attempts: attempt };
    }
    reason = `scrapes did not rotate over ${workers} workers (/metrics counts: ${scrapes.map((s) => s.metricsRequests).join(', ')})`;
    await sleep(1_000);
  }
  return { ok: false, reason };
}

/** after − before, per cache and result. */
export function cacheDelta(before: WorkerCounters, after: WorkerCounters): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [cache, results] of Object.entries(after.cache))
    for (const [result, n] of Object.entries(results)) {
      const d = n - (before.cache[cache]?.[result] ?? 0);
      if (d !== 0) (out[cache] ??= {})[result] = d;
    }
  return out;
}

export function routeDelta(before: WorkerCounters, after: WorkerCounters): WorkerCounters['routes'] {
  const out: WorkerCounters['routes'] = {};
  for (const [key, r] of Object.entries(after.routes)) {
    const b = before.routes[key] ?? { count: 0, sumSeconds: 0, under50ms: 0 };
    const count = r.count - b.count;
    if (count > 0 && !key.endsWith(' /metrics')) out[key] = { count, sumSeconds: r.sumSeconds - b.sumSeconds, under50ms: r.under50ms - b.under50ms };
  }
  return out;
}

/**
 * Requests each worker has served since it started (scrapes cannot tell which worker is which
 * from one round to the next, so this is cumulative, not per stage).
 */
export function requestsPerWorker(workers: readonly WorkerCounters[]): number[] {
  return workers.map((w) => Object.entries(w.routes).filter(([k]) => !k.endsWith(' /metrics')).reduce((a, [, r]) => a + r.count, 0));
}

export interface HitRate {
  hits: number;
  misses: number;
  errors: number;
  bypass: number;
  lookups: number;
  rate: number | null;
}

/** hits / (hits + misses + errors + bypass) over the given caches. */
export function hitRate(delta: Record<string, Record<string, number>>, caches: readonly string[]): HitRate {
  let hits = 0;
  let misses = 0;
  let errors = 0;
  let bypass = 0;
  for (const cache of caches) {
    const r = delta[cache] ?? {};
    hits += r.hit ?? 0;
    misses += r.miss ?? 0;
    errors += r.error ?? 0;
    bypass += r.bypass ?? 0;
  }
  const lookups = hits + misses + errors + bypass;
  return { hits, misses, errors, bypass, lookups, rate: lookups === 0 ? null : hits / lookups };
}

/** barberpro_queue_jobs{queue,state} from one scrape (queue depths are read from Redis, the same on every worker). */
export async function queueDepths(baseUrl: string, token: string): Promise<Record<string, Record<string, number>> | undefined> {
  try {
    const res = await httpGet(`${baseUrl}/metrics?scope=process`, { authorization: `Bearer ${token}` });
    if (res.status !== 200) return undefined;
    const out: Record<string, Record<string, number>> = {};
    for (const s of parsePrometheus(res.body)) {
      if (s.name !== 'barberpro_queue_jobs' || !s.labels.queue || !s.labels.state) continue;
      (out[s.labels.queue] ??= {})[s.labels.state] = s.value;
    }
    return out;
  } catch {
    return undefined;
  }
}
