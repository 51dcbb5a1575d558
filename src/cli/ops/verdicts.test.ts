import { describe, expect, it } from 'vitest';
import { bucketDelta, countsDelta, failedCollectors, histogramBuckets, parsePrometheusText, quantileRange, queueDepths, regionsOf, requestCounts, type Bucket } from './prometheus.js';
import { EXIT, exitCodeOf, pct, renderHuman, renderJson, summarize, type CheckResult, type Status } from './report.js';
import {
  assessSeverity,
  centsOf,
  judgeAnonymousAccess,
  judgeAuditChain,
  judgeCertificateExpiry,
  judgeCollectors,
  judgeCoverage,
  judgeErrorRate,
  judgeLedger,
  judgeLegacyTls,
  judgeLiveness,
  judgeLoadErrors,
  judgeLoginBurst,
  judgeQuantile,
  judgeQueryShare,
  judgeQueues,
  judgeRateLimitHeaders,
  judgeReadiness,
  judgeSampledP95,
  judgeSecurityHeaders,
  judgeSequentialScans,
  judgeSlowStatements,
  judgeTlsProtocol,
  judgeUnusedIndexes,
  judgeWebhookSignature,
  statusOfSeverity,
} from './verdicts.js';
import { judgeArchiver, parseSeconds } from './checks/dr.js';
import { concretePath, protectedRoutes } from './checks/security.js';
import { percentileOf } from './checks/performance.js';
import { sourceFor, redactUrl, createContext } from './context.js';

const c = (id: string, status: Status): CheckResult => ({ id, title: id, status, measured: '' });

describe('report summary and exit code', () => {
  it('fail wins, then warn, then pass; all skipped is nothing verified', () => {
    expect(summarize([c('a', 'pass'), c('b', 'fail'), c('c', 'warn')]).overall).toBe('fail');
    expect(summarize([c('a', 'pass'), c('c', 'warn'), c('d', 'skip')]).overall).toBe('warn');
    expect(summarize([c('a', 'pass'), c('d', 'skip'), c('e', 'info')]).overall).toBe('pass');
    expect(summarize([c('d', 'skip'), c('e', 'info')]).overall).toBe('skip');
    expect(summarize([]).overall).toBe('skip');
  });
  it('exit codes: 1 on any failure, 4 when nothing was verified, strict fails warnings and skips', () => {
    expect(exitCodeOf([c('a', 'pass'), c('b', 'fail')])).toBe(EXIT.failed);
    expect(exitCodeOf([c('a', 'pass'), c('b', 'warn'), c('s', 'skip')])).toBe(EXIT.ok);
    expect(exitCodeOf([c('s', 'skip')])).toBe(EXIT.nothingVerified);
    expect(exitCodeOf([c('a', 'pass'), c('b', 'warn')], { strict: true })).toBe(EXIT.failed);
    expect(exitCodeOf([c('a', 'pass'), c('s', 'skip')], { strict: true })).toBe(EXIT.failed);
    expect(exitCodeOf([c('a', 'pass'), c('i', 'info')], { strict: true })).toBe(EXIT.ok);
  });
  it('the human report labels every check and never calls a skip a pass', () => {
    const text = renderHuman({ command: 'x', target: 'http://t', startedAt: 'now', durationMs: 1234, checks: [{ ...c('a', 'pass'), measured: '12 ms' }, { ...c('s', 'skip'), measured: 'no DATABASE_URL', details: ['why'] }] });
    expect(text).toMatch(/PASS {2}a +12 ms/);
    expect(text).toMatch(/SKIP {2}s +no DATABASE_URL/);
    expect(text).toContain('· why');
    expect(text).toContain('Result: PASS (incomplete: 1 skipped) — 1 passed, 0 failed, 0 warnings, 1 skipped (not counted as passed)');
    expect(renderHuman({ command: 'x', target: 't', startedAt: 'n', durationMs: 0, checks: [c('s', 'skip')] })).toContain('Result: NOTHING VERIFIED');
    expect(JSON.parse(renderJson({ command: 'x', target: 't', startedAt: 'n', durationMs: 0, checks: [c('a', 'fail')] })).summary).toMatchObject({ fail: 1, overall: 'fail' });
  });
  it('percentages keep integer digits', () => {
    expect(pct(1, 0)).toBe('100 %');
    expect(pct(0.0012)).toBe('0.12 %');
    expect(pct(0)).toBe('0 %');
    expect(pct(0.1)).toBe('10 %');
  });
});

const EXPOSITION = `# HELP http_request_duration_seconds Server time
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.1",method="GET",route="/api/v1/shops",status_code="200",region="none"} 90
http_request_duration_seconds_bucket{le="0.2",method="GET",route="/api/v1/shops",status_code="200",region="none"} 96
http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/api/v1/shops",status_code="200",region="none"} 100
http_request_duration_seconds_count{method="GET",route="/api/v1/shops",status_code="200",region="none"} 100
http_request_duration_seconds_bucket{le="0.1",method="GET",route="/api/v1/shops/:shopId",status_code="500",region="amba"} 1
http_request_duration_seconds_bucket{le="0.2",method="GET",route="/api/v1/shops/:shopId",status_code="500",region="amba"} 2
http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/api/v1/shops/:shopId",status_code="500",region="amba"} 2
http_request_duration_seconds_count{method="GET",route="/api/v1/shops/:shopId",status_code="500",region="amba"} 2
http_request_duration_seconds_count{method="POST",route="/api/v1/auth/login",status_code="401",region="none"} 3
http_request_duration_seconds_bucket{le="0.1",method="GET",route="/metrics",status_code="200",region="none"} 1000
http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/metrics",status_code="200",region="none"} 1000
http_request_duration_seconds_count{method="GET",route="/metrics",status_code="200",region="none"} 1000
barberpro_queue_jobs{queue="holds.expire",state="waiting"} 70
barberpro_queue_jobs{queue="notifications",state="waiting"} 40
barberpro_queue_jobs{queue="notifications",state="failed"} 2
barberpro_metrics_collector_success{collector="bookings"} 1
barberpro_metrics_collector_success{collector="queue"} 0
weird_label{a="x\\"y\\\\z",b="line\\nbreak"} NaN 1712345678
`;

describe('Prometheus text parsing and figures', () => {
  const samples = parsePrometheusText(EXPOSITION);
  it('parses names, escaped labels, special values and timestamps', () => {
    const weird = samples.find((s) => s.name === 'weird_label')!;
    expect(weird.labels).toEqual({ a: 'x"y\\z', b: 'line\nbreak' });
    expect(weird.value).toBeNaN();
    expect(samples.find((s) => s.labels.le === '+Inf')).toBeDefined();
    expect(parsePrometheusText('# only comments\n\n')).toEqual([]);
  });
  it('sums buckets by le over traffic, leaving out /metrics and probes', () => {
    expect(histogramBuckets(samples, 'http_request_duration_seconds')).toEqual([
      { le: 0.1, count: 91 },
      { le: 0.2, count: 98 },
      { le: Infinity, count: 102 },
    ]);
  });
  it('counts requests by status class, without scrapes', () => {
    expect(requestCounts(samples)).toEqual({ total: 105, serverErrors: 2, clientErrors: 3 });
    expect(countsDelta({ total: 5, serverErrors: 1, clientErrors: 0 }, { total: 15, serverErrors: 1, clientErrors: 2 })).toEqual({ total: 10, serverErrors: 0, clientErrors: 2 });
    // A restarted instance: counters went down, so the new values stand alone.
    expect(countsDelta({ total: 50, serverErrors: 1, clientErrors: 0 }, { total: 10, serverErrors: 0, clientErrors: 0 })).toEqual({ total: 10, serverErrors: 0, clientErrors: 0 });
  });
  it('queues, collectors, regions', () => {
    expect(queueDepths(samples)).toEqual([
      { queue: 'holds.expire', waiting: 70, active: 0, delayed: 0, failed: 0 },
      { queue: 'notifications', waiting: 40, active: 0, delayed: 0, failed: 2 },
    ]);
    expect(failedCollectors(samples)).toEqual(['queue']);
    expect(regionsOf(samples)).toEqual(['amba', 'none']);
  });
  it('bucket deltas, and a reset falls back to the new counts', () => {
    const a: Bucket[] = [{ le: 0.1, count: 10 }, { le: Infinity, count: 12 }];
    const b: Bucket[] = [{ le: 0.1, count: 15 }, { le: Infinity, count: 20 }];
    expect(bucketDelta(a, b)).toEqual([{ le: 0.1, count: 5 }, { le: Infinity, count: 8 }]);
    expect(bucketDelta(b, a)).toEqual(a);
  });
});

describe('quantile ranges from buckets', () => {
  const b = (pairs: Array<[number, number]>): Bucket[] => pairs.map(([le, count]) => ({ le, count }));
  it('finds the bucket holding the rank and interpolates inside it', () => {
    const r = quantileRange(b([[0.1, 50], [0.2, 100], [Infinity, 100]]), 0.95)!;
    expect(r).toMatchObject({ total: 100, lower: 0.1, upper: 0.2 });
    expect(r.estimate).toBeCloseTo(0.19);
  });
  it('exactly on a bucket boundary stays in that bucket', () => {
    expect(quantileRange(b([[0.1, 95], [0.2, 100], [Infinity, 100]]), 0.95)).toMatchObject({ lower: 0, upper: 0.1 });
    expect(quantileRange(b([[0.1, 94], [0.2, 100], [Infinity, 100]]), 0.95)).toMatchObject({ lower: 0.1, upper: 0.2 });
  });
  it('the +Inf bucket has no upper bound', () => {
    expect(quantileRange(b([[0.1, 1], [5, 2], [Infinity, 100]]), 0.95)).toMatchObject({ lower: 5, upper: Infinity, estimate: 5 });
  });
  it('no observations, and unsorted input', () => {
    expect(quantileRange(b([[0.1, 0], [Infinity, 0]]), 0.95)).toBeUndefined();
    expect(quantileRange([], 0.5)).toBeUndefined();
    expect(quantileRange(b([[Infinity, 10], [0.1, 10]]), 0.5)).toMatchObject({ lower: 0, upper: 0.1 });
    expect(() => quantileRange(b([[0.1, 1]]), 0)).toThrow(RangeError);
    expect(() => quantileRange(b([[0.1, 1]]), 1.5)).toThrow(RangeError);
  });
});

describe('latency and error verdicts', () => {
  const range = (lower: number, upper: number) => ({ total: 100, lower, upper, estimate: (lower + upper) / 2 });
  it.each([
    [range(0.1, 0.2), 0.2, 'pass'],
    [range(0, 0.1), 0.2, 'pass'],
    [range(0.2, 0.3), 0.2, 'fail'],
    [range(0.5, Infinity), 0.2, 'fail'],
    [range(0.1, 0.2), 0.15, 'warn'],
    [range(0.1, 0.2), 0.1, 'fail'],
    [range(0.05, 0.1), 0.1, 'pass'],
  ] as const)('p95 in %o against %s s → %s', (r, target, status) => {
    expect(judgeQuantile('x', 'x', r, target).status).toBe(status);
  });
  it('no requests is a skip', () => expect(judgeQuantile('x', 'x', undefined, 0.2).status).toBe('skip'));

  it.each([
    [{ total: 0, serverErrors: 0, clientErrors: 0 }, 'skip'],
    [{ total: 999, serverErrors: 0, clientErrors: 0 }, 'warn'],
    [{ total: 1000, serverErrors: 0, clientErrors: 0 }, 'pass'],
    [{ total: 10_000, serverErrors: 9, clientErrors: 500 }, 'pass'],
    [{ total: 10_000, serverErrors: 10, clientErrors: 0 }, 'fail'],
    [{ total: 100, serverErrors: 1, clientErrors: 0 }, 'fail'],
  ] as const)('error rate %o → %s', (counts, status) => {
    expect(judgeErrorRate('e', 'e', counts).status).toBe(status);
  });
  it('4xx answers are reported but not counted', () => {
    expect(judgeErrorRate('e', 'e', { total: 2000, serverErrors: 0, clientErrors: 700 }).details?.[0]).toContain('700 4xx');
  });

  it('sampled p95 is strict under the target', () => {
    expect(judgeSampledP95('p', 'p', 199.9, 10).status).toBe('pass');
    expect(judgeSampledP95('p', 'p', 200, 10).status).toBe('fail');
    expect(judgeSampledP95('p', 'p', undefined, 0).status).toBe('fail');
  });
  it('load errors count non-2xx, timeouts and socket errors, and name rate limiting', () => {
    const base = { responses: 5000, non2xx: 0, timeouts: 0, socketErrors: 0, statusCodes: { 200: 5000 } };
    expect(judgeLoadErrors('l', 'l', base).status).toBe('pass');
    expect(judgeLoadErrors('l', 'l', { ...base, timeouts: 6 }).status).toBe('fail'); // 6 of 5,006
    expect(judgeLoadErrors('l', 'l', { ...base, timeouts: 5 }).status).toBe('pass'); // 5 of 5,005: just under 0.1 %
    expect(judgeLoadErrors('l', 'l', { ...base, socketErrors: 4 }).status).toBe('pass');
    expect(judgeLoadErrors('l', 'l', { ...base, responses: 500, statusCodes: { 200: 500 } }).status).toBe('warn');
    const limited = judgeLoadErrors('l', 'l', { ...base, non2xx: 100, statusCodes: { 200: 4900, 429: 100 } });
    expect(limited.status).toBe('fail');
    expect(limited.details?.[0]).toContain('429');
    expect(judgeLoadErrors('l', 'l', { responses: 0, non2xx: 0, timeouts: 0, socketErrors: 0, statusCodes: {} }).status).toBe('fail');
  });
  it('percentiles by nearest rank', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentileOf(xs, 95)).toBe(95);
    expect(percentileOf(xs, 100)).toBe(100);
    expect(percentileOf([7], 50)).toBe(7);
    expect(percentileOf([], 95)).toBeUndefined();
  });
});

describe('probes', () => {
  it('liveness', () => {
    expect(judgeLiveness(200, { status: 'ok' }, 3).status).toBe('pass');
    expect(judgeLiveness(200, { status: 'nope' }, 3).status).toBe('fail');
    expect(judgeLiveness(500, undefined, 3).status).toBe('fail');
    expect(judgeLiveness(undefined, undefined, undefined, 'ECONNREFUSED').measured).toContain('ECONNREFUSED');
  });
  it('readiness: ok passes, degraded warns, 503 and oddities fail', () => {
    expect(judgeReadiness(200, { status: 'ok', checks: { database: { status: 'ok', latencyMs: 2 } } }).status).toBe('pass');
    const degraded = judgeReadiness(200, { status: 'degraded', checks: { database: { status: 'ok' }, redis: { status: 'down', error: 'ECONNREFUSED' } } });
    expect(degraded.status).toBe('warn');
    expect(degraded.measured).toContain('redis down (ECONNREFUSED)');
    expect(judgeReadiness(503, { status: 'unavailable', checks: { database: { status: 'down' } } }).status).toBe('fail');
    expect(judgeReadiness(200, { status: 'weird' }).status).toBe('fail');
    expect(judgeReadiness(404, undefined).status).toBe('fail');
    expect(judgeReadiness(undefined, undefined, 'timeout').status).toBe('fail');
  });
  it('queues: over 100 waiting is the scale-out trigger; dead letters warn', () => {
    const q = (waiting: number, failed = 0) => [{ queue: 'a', waiting, active: 0, delayed: 0, failed }];
    expect(judgeQueues(q(100)).map((r) => r.status)).toEqual(['pass', 'pass']);
    expect(judgeQueues(q(101)).map((r) => r.status)).toEqual(['warn', 'pass']);
    expect(judgeQueues(q(0, 3)).map((r) => r.status)).toEqual(['pass', 'warn']);
    expect(judgeQueues([])[0]!.status).toBe('skip');
  });
  it('collectors', () => {
    expect(judgeCollectors([]).status).toBe('pass');
    expect(judgeCollectors(['queue']).status).toBe('fail');
  });
});

describe('security verdicts', () => {
  const helmet = {
    'content-security-policy': "default-src 'self';frame-ancestors 'self'",
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'SAMEORIGIN',
    'strict-transport-security': 'max-age=31536000; includeSubDomains',
  };
  const statuses = (h: Record<string, string | undefined>, https: boolean) => Object.fromEntries(judgeSecurityHeaders(h, https).map((r) => [r.id, r.status]));
  it('helmet defaults pass; HSTS is judged only over https', () => {
    expect(statuses(helmet, true)).toEqual({ 'headers.csp': 'pass', 'headers.nosniff': 'pass', 'headers.frame': 'pass', 'headers.hsts': 'pass' });
    expect(statuses(helmet, false)['headers.hsts']).toBe('skip');
  });
  it('each missing or weak header fails', () => {
    expect(statuses({ ...helmet, 'content-security-policy': undefined, 'x-frame-options': undefined }, true)).toMatchObject({ 'headers.csp': 'fail', 'headers.frame': 'fail' });
    expect(statuses({ ...helmet, 'content-security-policy': 'script-src x' }, true)['headers.csp']).toBe('fail');
    expect(statuses({ ...helmet, 'x-content-type-options': 'sniff' }, true)['headers.nosniff']).toBe('fail');
    expect(statuses({ ...helmet, 'strict-transport-security': undefined }, true)['headers.hsts']).toBe('fail');
    expect(statuses({ ...helmet, 'strict-transport-security': 'max-age=300' }, true)['headers.hsts']).toBe('fail');
    expect(statuses({ ...helmet, 'x-frame-options': 'ALLOWALL', 'content-security-policy': "default-src 'self';frame-ancestors *" }, false)['headers.frame']).toBe('fail');
    expect(statuses({ ...helmet, 'x-frame-options': undefined }, false)['headers.frame']).toBe('pass');
    expect(statuses({ ...helmet, 'x-powered-by': 'Express' }, false)['headers.powered-by']).toBe('warn');
  });
  it('rate limit headers', () => {
    expect(judgeRateLimitHeaders('/x', 200, { 'x-ratelimit-limit': '600', 'x-ratelimit-remaining': '599' }).status).toBe('pass');
    expect(judgeRateLimitHeaders('/x', 200, {}).status).toBe('fail');
  });
  it('login burst: a 429 passes and says when; none fails', () => {
    const ok = judgeLoginBurst([401, 401, 401, 401, 401, 429], 30, [undefined, undefined, undefined, undefined, undefined, 'login_locked']);
    expect(ok.status).toBe('pass');
    expect(ok.measured).toContain('attempt 6');
    expect(ok.measured).toContain('login_locked');
    const none = judgeLoginBurst(Array(30).fill(401), 30);
    expect(none.status).toBe('fail');
    expect(judgeLoginBurst([401, 500, 500], 3).measured).toContain('unexpected answers: 500');
  });
  it('anonymous access: everything 401 passes; anything else names the route', () => {
    expect(judgeAnonymousAccess([{ method: 'GET', route: '/a', status: 401 }]).status).toBe('pass');
    const leak = judgeAnonymousAccess([{ method: 'GET', route: '/a', status: 401 }, { method: 'GET', route: '/api/v1/admin/leak', status: 200 }, { method: 'POST', route: '/b', status: undefined, error: 'reset' }]);
    expect(leak.status).toBe('fail');
    expect(leak.details).toEqual(['GET /api/v1/admin/leak answered 200 without credentials', 'POST /b answered nothing (reset) without credentials']);
    expect(judgeAnonymousAccess([]).status).toBe('fail');
  });
  it('webhook signatures', () => {
    expect(judgeWebhookSignature(401, 401).status).toBe('pass');
    expect(judgeWebhookSignature(200, 401).status).toBe('fail');
    expect(judgeWebhookSignature(401, 200).status).toBe('fail');
    expect(judgeWebhookSignature(404, 404).measured).toContain('not served');
    expect(judgeWebhookSignature(undefined, undefined).status).toBe('fail');
  });
  it('TLS', () => {
    expect(judgeTlsProtocol('TLSv1.3', true).status).toBe('pass');
    expect(judgeTlsProtocol('TLSv1.2', true).status).toBe('pass');
    expect(judgeTlsProtocol('TLSv1.1', true).status).toBe('fail');
    expect(judgeTlsProtocol('TLSv1.3', false, 'SELF_SIGNED_CERT_IN_CHAIN').status).toBe('fail');
    expect(judgeTlsProtocol(undefined, false, 'ECONNRESET').status).toBe('fail');
    expect(judgeLegacyTls(false).status).toBe('pass');
    expect(judgeLegacyTls(true, 'TLSv1.1').status).toBe('fail');
    expect(judgeLegacyTls(undefined).status).toBe('skip');
    const now = new Date('2026-12-01T00:00:00Z');
    expect(judgeCertificateExpiry(new Date('2027-03-01T00:00:00Z'), now).status).toBe('pass');
    expect(judgeCertificateExpiry(new Date('2026-12-10T00:00:00Z'), now).status).toBe('warn');
    expect(judgeCertificateExpiry(new Date('2026-11-30T00:00:00Z'), now).status).toBe('fail');
  });
  it('protected routes come from the OpenAPI security declarations, plus anything under /admin and /metrics', () => {
    const doc = {
      paths: {
        '/api/v1/shops': { get: {}, post: { security: [{ bearerAuth: [] }] } },
        '/api/v1/admin/leak': { get: {} },
        '/api/v1/shops/{shopId}/barbers/{barberId}/overrides/{date}': { delete: { security: [{ bearerAuth: [] }] }, parameters: {} },
      },
    };
    expect(protectedRoutes(doc as never)).toEqual([
      { method: 'POST', route: '/api/v1/shops' },
      { method: 'GET', route: '/api/v1/admin/leak' },
      { method: 'DELETE', route: '/api/v1/shops/{shopId}/barbers/{barberId}/overrides/{date}' },
      { method: 'GET', route: '/metrics' },
    ]);
    expect(concretePath('/api/v1/shops/{shopId}/barbers/{barberId}/overrides/{date}')).toMatch(/^\/api\/v1\/shops\/[0-9a-f-]{36}\/barbers\/[0-9a-f-]{36}\/overrides\/2026-12-01$/);
  });
});

describe('database verdicts', () => {
  const st = (calls: number, minMs: number, meanMs: number, maxMs: number) => ({ calls, minMs, meanMs, maxMs, totalMs: calls * meanMs });
  it('query share is bounded by min and max, not guessed from means', () => {
    expect(judgeQueryShare([st(960, 1, 5, 90), st(40, 100, 300, 900)]).status).toBe('pass');
    expect(judgeQueryShare([st(900, 1, 5, 90), st(100, 150, 300, 900)]).status).toBe('fail');
    const undecided = judgeQueryShare([st(900, 1, 5, 90), st(100, 1, 20, 900)]);
    expect(undecided.status).toBe('warn');
    expect(undecided.data).toMatchObject({ lowerBound: 0.9, upperBound: 1 });
    expect(judgeQueryShare([]).status).toBe('skip');
  });
  it('slow statements by mean warn; none with enough calls skips', () => {
    expect(judgeSlowStatements([{ query: 'select 1', ...st(200, 1, 2, 3) }]).status).toBe('pass');
    expect(judgeSlowStatements([{ query: 'select pg_sleep(1)', ...st(200, 1000, 1000, 1000) }]).status).toBe('warn');
    expect(judgeSlowStatements([]).status).toBe('skip');
  });
  it('unused indexes and sequential scans', () => {
    expect(judgeUnusedIndexes([], null).status).toBe('pass');
    expect(judgeUnusedIndexes([{ table: 't', index: 'i', scans: 0, sizeBytes: 8192 }], '2026-12-01').measured).toContain('since statistics reset 2026-12-01');
    const t = (liveRows: number, seqScans: number, indexScans: number) => ({ table: 't', liveRows, seqScans, seqRowsRead: seqScans * liveRows, indexScans });
    expect(judgeSequentialScans([t(50_000, 10, 1000)]).status).toBe('pass');
    expect(judgeSequentialScans([t(50_000, 1000, 10)]).status).toBe('warn');
    expect(judgeSequentialScans([t(500, 1000, 0)]).status).toBe('pass');
  });
});

describe('books and audit verdicts', () => {
  it('audit chain', () => {
    expect(judgeAuditChain({ ok: true, rowsChecked: 10, head: { seq: 10, hash: 'h' }, firstBrokenSeq: null, reason: null, detail: null }, 'api').status).toBe('pass');
    const broken = judgeAuditChain({ ok: false, rowsChecked: 4, head: { seq: 4, hash: 'h' }, firstBrokenSeq: 5, reason: 'content', detail: 'hash mismatch' }, 'api');
    expect(broken.status).toBe('fail');
    expect(broken.measured).toContain('BROKEN at seq 5');
  });
  it('ledger: each invariant on its own line', () => {
    const good = { ok: true, trialBalance: { amountCents: 0, currency: 'ARS' }, unbalancedEntries: [], paymentsTable: true, approvedPaymentsWithoutPostings: [] };
    expect(judgeLedger(good as never, 'api').map((r) => r.status)).toEqual(['pass', 'pass', 'pass']);
    expect(judgeLedger({ ...good, paymentsTable: false } as never, 'api').map((r) => r.status)).toEqual(['pass', 'pass', 'skip']);
    const bad = { ok: false, trialBalance: 5, unbalancedEntries: [{ entryId: 'e', idempotencyKey: 'k', kind: 'refund', postings: 2, sum: { amountCents: 5 } }], paymentsTable: true, approvedPaymentsWithoutPostings: [{ paymentId: 'p', mpPaymentId: '1', status: 'approved' }] };
    const verdicts = judgeLedger(bad as never, 'api');
    expect(verdicts.map((r) => r.status)).toEqual(['fail', 'fail', 'fail']);
    expect(verdicts[0]!.details?.[0]).toContain('sum to 5 centavos');
    expect(centsOf('12')).toBe(12);
    expect(centsOf(null)).toBeNaN();
  });
  it('vouchers: missing past the grace period fails, newer ones wait, unknown tables skip', () => {
    const what = { item: 'payments', document: 'an invoice' };
    expect(judgeCoverage('i', 'i', what, { available: false, reason: 'no invoices table', expected: 0, missing: [] }, 60).status).toBe('skip');
    expect(judgeCoverage('i', 'i', what, { available: true, expected: 3, missing: [] }, 60).status).toBe('pass');
    expect(judgeCoverage('i', 'i', what, { available: true, expected: 3, missing: [{ id: 'p', ageMinutes: 5 }] }, 60).status).toBe('warn');
    const late = judgeCoverage('i', 'i', what, { available: true, expected: 3, missing: [{ id: 'p', ageMinutes: 61 }] }, 60);
    expect(late.status).toBe('fail');
    expect(late.details).toEqual(['p (61 min old)']);
  });
});

describe('incident severity by the runbook', () => {
  it.each([
    [[c('healthz', 'fail')], 'critical'],
    [[c('readyz', 'fail')], 'critical'],
    [[c('audit.chain', 'fail'), c('latency.p95', 'fail')], 'critical'],
    [[c('latency.p95', 'fail')], 'high'],
    [[c('latency.region.amba', 'fail')], 'high'],
    [[c('errors.rate', 'fail')], 'high'],
    [[c('redis.direct', 'fail')], 'medium'],
    [[c('readyz', 'warn')], 'medium'],
    [[c('queue.depth', 'warn')], 'medium'],
    [[c('queue.failed', 'warn')], 'low'],
    [[c('errors.rate', 'warn')], 'none'],
    [[c('healthz', 'pass'), c('x', 'skip')], 'none'],
  ] as const)('%j → %s', (checks, severity) => {
    expect(assessSeverity(checks).severity).toBe(severity);
  });
  it('status of a severity', () => {
    expect(statusOfSeverity('none')).toBe('pass');
    expect(statusOfSeverity('low')).toBe('warn');
    expect(statusOfSeverity('medium')).toBe('fail');
  });
});

describe('DR: WAL archiving against the RPO', () => {
  const now = new Date('2026-12-01T12:00:00Z');
  const base = { archiveMode: 'on', archiveTimeoutSeconds: 300, archivedCount: 10, lastArchivedAt: new Date('2026-12-01T11:50:00Z'), failedCount: 0, lastFailedAt: null };
  it.each([
    [base, 'pass'],
    [{ ...base, archiveMode: 'off' }, 'fail'],
    [{ ...base, lastArchivedAt: new Date('2026-12-01T11:40:00Z') }, 'fail'],
    [{ ...base, lastArchivedAt: null }, 'fail'],
    [{ ...base, lastFailedAt: new Date('2026-12-01T11:55:00Z'), failedCount: 1 }, 'fail'],
    [{ ...base, lastFailedAt: new Date('2026-12-01T11:00:00Z'), failedCount: 1 }, 'pass'],
  ] as const)('%j → %s', (state, status) => {
    expect(judgeArchiver(state, now).status).toBe(status);
  });
  it('durations as PostgreSQL shows them', () => {
    expect(parseSeconds('0')).toBe(0);
    expect(parseSeconds('60s')).toBe(60);
    expect(parseSeconds('5min')).toBe(300);
    expect(parseSeconds('1h')).toBe(3600);
    expect(parseSeconds('250ms')).toBe(0.25);
    expect(parseSeconds('soon')).toBeNaN();
  });
});

describe('context', () => {
  it('target from --url, BARBERPRO_URL or the default; credentials never in the URL shown', () => {
    expect(createContext({}, {}).baseUrl).toBe('http://localhost:3000');
    expect(createContext({}, { BARBERPRO_URL: 'https://api.example.com/' }).https).toBe(true);
    expect(createContext({ url: 'http://x:1' }, { BARBERPRO_URL: 'http://y' }).baseUrl).toBe('http://x:1');
    expect(() => createContext({ url: 'ftp://x' }, {})).toThrow(/http/);
    expect(createContext({}, { METRICS_TOKEN: 'm', BARBERPRO_ADMIN_TOKEN: 'a' }).metricsToken).toBe('m');
    expect(createContext({}, { BARBERPRO_ADMIN_TOKEN: 'a' }).metricsToken).toBe('a');
    expect(redactUrl('postgres://user:secret@db:5432/bp')).toBe('postgres://db:5432/bp');
    expect(redactUrl('redis://:pw@cache:6379')).toBe('redis://cache:6379');
  });
  it('admin figures come from the API with a token, else the database, else nowhere', () => {
    expect(sourceFor({ adminToken: 't', databaseUrl: 'postgres://x' }).kind).toBe('api');
    expect(sourceFor({ adminToken: undefined, databaseUrl: 'postgres://x' }).kind).toBe('db');
    expect(sourceFor({ adminToken: undefined, databaseUrl: undefined }).kind).toBe('none');
  });
});
