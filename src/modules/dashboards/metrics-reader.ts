import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import { mergeBuckets, quantileFromBuckets, type CumulativeBucket } from './quantiles.js';

/**
 * Figures for the dashboards read from a prom-client registry's JSON (this process's, or the
 * cluster's merged one). Pure: it takes the JSON and computes, so it is tested with real
 * registries filled with known observations.
 */

export type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];

export const HTTP_DURATION = 'http_request_duration_seconds';
export const HTTP_ERRORS = 'http_requests_errors_total';
export const LOGIN_LOCKOUTS = 'barberpro_account_lockouts_total';
export const WEBHOOK_SIGNATURE_FAILURES = 'barberpro_webhook_signature_failures_total';
export const LOGIN_ROUTE = '/api/v1/auth/login';

type Labels = Record<string, string | number>;

interface Series {
  labels: Labels;
  buckets: CumulativeBucket[];
  count: number;
}

/** The duration histogram as one cumulative bucket list per label set (le removed). */
function histogramSeries(json: MetricsJson, name: string): Series[] {
  const metric = json.find((m) => m.name === name);
  if (!metric) return [];
  const series = new Map<string, Series>();
  for (const value of metric.values) {
    const { le, ...labels } = value.labels as Labels;
    const key = JSON.stringify(Object.entries(labels).sort());
    let entry = series.get(key);
    if (!entry) {
      entry = { labels, buckets: [], count: 0 };
      series.set(key, entry);
    }
    const metricName = (value as { metricName?: string }).metricName;
    if (metricName === `${name}_bucket` && le !== undefined) entry.buckets.push({ le: le === '+Inf' ? Infinity : Number(le), count: value.value });
    else if (metricName === `${name}_count`) entry.count = value.value;
  }
  return [...series.values()];
}

function counterValues(json: MetricsJson, name: string): Array<{ labels: Labels; value: number }> {
  const metric = json.find((m) => m.name === name);
  return metric ? metric.values.map((v) => ({ labels: v.labels as Labels, value: v.value })) : [];
}

export interface LatencyFigures {
  requests: number;
  /** Seconds; null when nothing was observed. */
  p50Seconds: number | null;
  p95Seconds: number | null;
  /** True when the 95th percentile fell past the last finite bucket: the real value is higher. */
  p95AboveLastBucket: boolean;
  serverErrors: number;
  clientErrors: number;
  /** 5xx / requests; null without requests. */
  serverErrorRate: number | null;
}

function figures(series: readonly Series[]): LatencyFigures {
  const merged = mergeBuckets(series.map((s) => s.buckets));
  const requests = series.reduce((sum, s) => sum + s.count, 0);
  const status = (s: Series) => Number(s.labels.status_code);
  const serverErrors = series.filter((s) => status(s) >= 500).reduce((sum, s) => sum + s.count, 0);
  const clientErrors = series.filter((s) => status(s) >= 400 && status(s) < 500).reduce((sum, s) => sum + s.count, 0);
  const finite = merged.filter((b) => b.le !== Infinity);
  const lastFinite = finite.length > 0 ? finite[finite.length - 1]! : undefined;
  const p95 = requests > 0 ? quantileFromBuckets(merged, 0.95) : null;
  return {
    requests,
    p50Seconds: requests > 0 ? quantileFromBuckets(merged, 0.5) : null,
    p95Seconds: p95,
    p95AboveLastBucket: p95 !== null && lastFinite !== undefined && lastFinite.count < 0.95 * requests,
    serverErrors,
    clientErrors,
    serverErrorRate: requests > 0 ? serverErrors / requests : null,
  };
}

export function httpOverview(json: MetricsJson): LatencyFigures {
  return figures(histogramSeries(json, HTTP_DURATION));
}

/** Latency and errors per provider region (the shop a request concerns; "none" for the rest). */
export function httpByRegion(json: MetricsJson): Array<{ region: string } & LatencyFigures> {
  const groups = new Map<string, Series[]>();
  for (const s of histogramSeries(json, HTTP_DURATION)) {
    const region = String(s.labels.region ?? 'none');
    groups.set(region, [...(groups.get(region) ?? []), s]);
  }
  return [...groups.entries()].map(([region, series]) => ({ region, ...figures(series) })).sort((a, b) => a.region.localeCompare(b.region));
}

/** Responses by status class (2xx, 3xx, 4xx, 5xx). */
export function responsesByStatusClass(json: MetricsJson): Array<{ statusClass: string; count: number }> {
  const counts = new Map<string, number>();
  for (const s of histogramSeries(json, HTTP_DURATION)) {
    const cls = `${String(s.labels.status_code).charAt(0)}xx`;
    counts.set(cls, (counts.get(cls) ?? 0) + s.count);
  }
  return [...counts.entries()].map(([statusClass, count]) => ({ statusClass, count })).sort((a, b) => a.statusClass.localeCompare(b.statusClass));
}

/** Error responses by route, method, class and problem code, most frequent first. */
export function errorsByRoute(json: MetricsJson, limit = 10): Array<{ method: string; route: string; statusClass: string; code: string; count: number }> {
  return counterValues(json, HTTP_ERRORS)
    .filter((v) => v.value > 0)
    .map((v) => ({ method: String(v.labels.method), route: String(v.labels.route), statusClass: String(v.labels.status_class), code: String(v.labels.code), count: v.value }))
    .sort((a, b) => b.count - a.count || a.route.localeCompare(b.route))
    .slice(0, limit);
}

export interface SecurityFigures {
  /** 401 answers to POST /api/v1/auth/login: wrong email or password. */
  failedLogins: number;
  /** 429 answers to logins refused while an account or address was locked out. */
  lockedOutAttempts: number;
  /** Lockouts started, by scope (account, ip). */
  lockouts: { account: number; ip: number };
  /** 429 answers from the rate limiter, all routes. */
  rateLimited: number;
  rateLimitedByRoute: Array<{ route: string; count: number }>;
  /** MercadoPago webhooks refused for their x-signature, by reason. */
  signatureFailures: Array<{ reason: string; count: number }>;
}

export function securityFigures(json: MetricsJson): SecurityFigures {
  const errors = counterValues(json, HTTP_ERRORS);
  const sum = (pick: (labels: Labels) => boolean) => errors.filter((e) => pick(e.labels)).reduce((s, e) => s + e.value, 0);
  const rateLimitedRoutes = new Map<string, number>();
  for (const e of errors) if (e.labels.code === 'rate_limited') rateLimitedRoutes.set(String(e.labels.route), (rateLimitedRoutes.get(String(e.labels.route)) ?? 0) + e.value);
  const lockouts = { account: 0, ip: 0 };
  for (const v of counterValues(json, LOGIN_LOCKOUTS)) if (v.labels.scope === 'account' || v.labels.scope === 'ip') lockouts[v.labels.scope] += v.value;
  return {
    failedLogins: sum((l) => l.route === LOGIN_ROUTE && l.method === 'POST' && l.code === 'unauthorized'),
    lockedOutAttempts: sum((l) => l.route === LOGIN_ROUTE && l.code === 'login_locked'),
    lockouts,
    rateLimited: sum((l) => l.code === 'rate_limited'),
    rateLimitedByRoute: [...rateLimitedRoutes.entries()].map(([route, count]) => ({ route, count })).sort((a, b) => b.count - a.count),
    signatureFailures: counterValues(json, WEBHOOK_SIGNATURE_FAILURES)
      .map((v) => ({ reason: String(v.labels.reason), count: v.value }))
      .filter((v) => v.count > 0)
      .sort((a, b) => b.count - a.count),
  };
}
