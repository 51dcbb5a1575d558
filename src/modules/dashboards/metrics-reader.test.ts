import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { HTTP_DURATION_BUCKETS } from '../../platform/metrics.js';
import { HTTP_DURATION, HTTP_ERRORS, LOGIN_ROUTE, errorsByRoute, httpByRegion, httpOverview, responsesByStatusClass, securityFigures } from './metrics-reader.js';
import { SecurityCounters } from './security-counters.js';

/** A registry shaped like the app's, filled with known observations. */
function registry() {
  const reg = new Registry();
  const duration = new Histogram({ name: HTTP_DURATION, help: 'h', labelNames: ['method', 'route', 'status_code', 'region'], buckets: HTTP_DURATION_BUCKETS, registers: [reg] });
  const errors = new Counter({ name: HTTP_ERRORS, help: 'e', labelNames: ['method', 'route', 'status_class', 'code'], registers: [reg] });
  const security = new SecurityCounters(reg);
  return { reg, duration, errors, security };
}

describe('dashboard figures from the metrics registry', () => {
  it('has no quantile and no rate before any request', async () => {
    const { reg } = registry();
    const overview = httpOverview(await reg.getMetricsAsJSON());
    expect(overview).toMatchObject({ requests: 0, p95Seconds: null, p50Seconds: null, serverErrorRate: null });
    expect(httpByRegion(await reg.getMetricsAsJSON())).toEqual([]);
  });

  it('computes p95, error rate and per-region figures across label sets', async () => {
    const { reg, duration } = registry();
    // Cuyo: 90 fast (8 ms) and 10 slow (150 ms) requests; Litoral: 20 at 40 ms, one of them a 500.
    for (let i = 0; i < 90; i++) duration.observe({ method: 'GET', route: '/api/v1/shops/:shopId', status_code: '200', region: 'cuyo' }, 0.008);
    for (let i = 0; i < 10; i++) duration.observe({ method: 'POST', route: '/api/v1/bookings', status_code: '201', region: 'cuyo' }, 0.15);
    for (let i = 0; i < 19; i++) duration.observe({ method: 'GET', route: '/api/v1/shops/:shopId', status_code: '200', region: 'litoral' }, 0.04);
    duration.observe({ method: 'GET', route: '/api/v1/shops/:shopId', status_code: '500', region: 'litoral' }, 0.04);
    duration.observe({ method: 'GET', route: '/nope', status_code: '404', region: 'none' }, 0.001);
    const json = await reg.getMetricsAsJSON();

    const byRegion = Object.fromEntries(httpByRegion(json).map((r) => [r.region, r]));
    expect(Object.keys(byRegion)).toEqual(['cuyo', 'litoral', 'none']);
    // Cuyo: rank 95 of 100 falls in (0.1, 0.2] holding 10 → 0.1 + 0.1 × 5/10.
    expect(byRegion.cuyo!.p95Seconds).toBeCloseTo(0.15, 9);
    expect(byRegion.cuyo!.requests).toBe(100);
    // Litoral: all 20 in (0.025, 0.05] → 0.025 + 0.025 × 19/20.
    expect(byRegion.litoral!.p95Seconds).toBeCloseTo(0.04875, 9);
    expect(byRegion.litoral!.serverErrors).toBe(1);
    expect(byRegion.litoral!.serverErrorRate).toBeCloseTo(1 / 20, 12);

    const overview = httpOverview(json);
    expect(overview.requests).toBe(121);
    expect(overview.serverErrors).toBe(1);
    expect(overview.clientErrors).toBe(1);
    expect(overview.serverErrorRate).toBeCloseTo(1 / 121, 12);
    // 121 × 0.95 = 114.95: 91 ≤ 10 ms, 111 ≤ 50 ms, 121 ≤ 200 ms → (0.1, 0.2] with 10 → 0.1 + 0.1 × 3.95/10.
    expect(overview.p95Seconds).toBeCloseTo(0.1395, 9);
    expect(overview.p95AboveLastBucket).toBe(false);

    expect(responsesByStatusClass(json)).toEqual([
      { statusClass: '2xx', count: 119 },
      { statusClass: '4xx', count: 1 },
      { statusClass: '5xx', count: 1 },
    ]);
  });

  it('flags a p95 past the last bucket as a lower bound', async () => {
    const { reg, duration } = registry();
    for (let i = 0; i < 10; i++) duration.observe({ method: 'GET', route: '/x', status_code: '200', region: 'none' }, 9);
    const overview = httpOverview(await reg.getMetricsAsJSON());
    expect(overview.p95Seconds).toBe(5);
    expect(overview.p95AboveLastBucket).toBe(true);
  });

  it('separates failed logins, lockout refusals, rate limiting and signature failures', async () => {
    const { reg, errors, security } = registry();
    errors.inc({ method: 'POST', route: LOGIN_ROUTE, status_class: '4xx', code: 'unauthorized' }, 7);
    errors.inc({ method: 'POST', route: LOGIN_ROUTE, status_class: '4xx', code: 'validation_failed' }, 2);
    errors.inc({ method: 'POST', route: LOGIN_ROUTE, status_class: '4xx', code: 'login_locked' }, 3);
    errors.inc({ method: 'POST', route: LOGIN_ROUTE, status_class: '4xx', code: 'rate_limited' }, 4);
    errors.inc({ method: 'GET', route: '/api/v1/shops', status_class: '4xx', code: 'rate_limited' }, 6);
    errors.inc({ method: 'GET', route: '/api/v1/me', status_class: '4xx', code: 'unauthorized' }, 5);
    security.onLockout('account');
    security.onLockout('account');
    security.onLockout('ip');
    security.onRejectedSignature('mismatch');
    security.onRejectedSignature('mismatch');
    security.onRejectedSignature('stale');
    const figures = securityFigures(await reg.getMetricsAsJSON());
    expect(figures).toEqual({
      failedLogins: 7,
      lockedOutAttempts: 3,
      lockouts: { account: 2, ip: 1 },
      rateLimited: 10,
      rateLimitedByRoute: [
        { route: '/api/v1/shops', count: 6 },
        { route: LOGIN_ROUTE, count: 4 },
      ],
      signatureFailures: [
        { reason: 'mismatch', count: 2 },
        { reason: 'stale', count: 1 },
      ],
    });
    expect(errorsByRoute(await reg.getMetricsAsJSON(), 2)).toEqual([
      { method: 'POST', route: LOGIN_ROUTE, statusClass: '4xx', code: 'unauthorized', count: 7 },
      { method: 'GET', route: '/api/v1/shops', statusClass: '4xx', code: 'rate_limited', count: 6 },
    ]);
  });

  it('reports measured zeros for security when nothing happened', async () => {
    const { reg } = registry();
    expect(securityFigures(await reg.getMetricsAsJSON())).toEqual({
      failedLogins: 0,
      lockedOutAttempts: 0,
      lockouts: { account: 0, ip: 0 },
      rateLimited: 0,
      rateLimitedByRoute: [],
      signatureFailures: [],
    });
  });
});
