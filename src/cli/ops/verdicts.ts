/**
 * Thresholds → verdicts, for every ops check. No I/O: each function takes what a runner
 * measured and says PASS/FAIL/WARN/SKIP with the figure, so the rules are tested exhaustively.
 * The numbers are the launch runbook's (../shared/seed/launch-readiness-infrastructure.md).
 */
import { check, count, ms, pct, type CheckResult, type Status } from './report.js';
import type { QuantileRange, QueueDepth, RequestCounts } from './prometheus.js';

export const TARGETS = {
  /** "Response Time: <200ms P95 in Argentina". */
  p95Seconds: 0.2,
  /** "Error Rate: <0.1% of requests". */
  maxErrorRate: 0.001,
  /** "Queue depth >100 requests" is a scale-out trigger. */
  queueScaleOut: 100,
  /** "95% of queries < 100 ms". */
  queryMs: 100,
  queryShare: 0.95,
  /** Certificates: renew well before expiry. */
  certWarnDays: 21,
} as const;

/**
 * Regional P95 targets in seconds. The seed names cities; regions are what providers type,
 * so the demo's region names map onto the same numbers.
 */
export const REGION_P95_SECONDS: Readonly<Record<string, number>> = {
  'buenos aires': 0.1,
  amba: 0.1,
  caba: 0.1,
  córdoba: 0.15,
  cordoba: 0.15,
  centro: 0.15,
  rosario: 0.12,
  litoral: 0.12,
  mendoza: 0.18,
  cuyo: 0.18,
};

const sec = (s: number) => (s === Infinity ? '+Inf' : s >= 1 ? `${s} s` : `${Math.round(s * 1000)} ms`);

/**
 * A quantile against a target from histogram buckets: the buckets prove that it lies in
 * (lower, upper]; when the target falls inside that bucket they cannot decide, and the
 * verdict says so instead of trusting the interpolated estimate.
 */
export function judgeQuantile(id: string, title: string, range: QuantileRange | undefined, targetSeconds: number, q = 0.95): CheckResult {
  const label = `p${Math.round(q * 100)}`;
  if (!range) return check.skip(id, title, 'no requests observed yet');
  const figure = `${label} in (${sec(range.lower)}, ${sec(range.upper)}], ≈ ${ms(range.estimate * 1000)} over ${count(range.total)} requests (target < ${sec(targetSeconds)})`;
  const data = { ...range, targetSeconds };
  if (range.upper <= targetSeconds) return check.pass(id, title, figure, { data });
  if (range.lower >= targetSeconds) return check.fail(id, title, figure, { data });
  return check.warn(id, title, figure, { data, details: [`the histogram's buckets cannot tell whether ${label} is under ${sec(targetSeconds)}: it lies between ${sec(range.lower)} and ${sec(range.upper)}`] });
}

/** Server errors (5xx) against "< 0.1 % of requests"; too few requests cannot show it. */
export function judgeErrorRate(id: string, title: string, counts: RequestCounts, maxRate: number = TARGETS.maxErrorRate): CheckResult {
  if (counts.total <= 0) return check.skip(id, title, 'no requests observed yet');
  const rate = counts.serverErrors / counts.total;
  const figure = `${pct(rate)} (${count(counts.serverErrors)} 5xx of ${count(counts.total)} requests; target < ${pct(maxRate)})`;
  const details = counts.clientErrors > 0 ? [`${count(counts.clientErrors)} 4xx answers (refused or invalid requests) are not server errors and are not counted`] : [];
  const data = { ...counts, rate, maxRate };
  if (rate >= maxRate) return check.fail(id, title, figure, { data, details });
  if (counts.total < 1 / maxRate)
    return check.warn(id, title, figure, { data, details: [...details, `only ${count(counts.total)} requests: fewer than ${count(Math.ceil(1 / maxRate))} cannot show a rate under ${pct(maxRate)}`] });
  return check.pass(id, title, figure, { data, details });
}

/** Exact percentile of measured latencies (the load scenario keeps every sample). */
export function judgeSampledP95(id: string, title: string, p95Ms: number | undefined, samples: number, targetMs = TARGETS.p95Seconds * 1000): CheckResult {
  if (p95Ms === undefined || samples === 0) return check.fail(id, title, 'no response received');
  const figure = `p95 ${ms(p95Ms)} over ${count(samples)} responses (target < ${ms(targetMs)})`;
  return p95Ms < targetMs ? check.pass(id, title, figure) : check.fail(id, title, figure);
}

export interface LoadErrors {
  responses: number;
  non2xx: number;
  timeouts: number;
  socketErrors: number;
  statusCodes: Record<string, number>;
}

/** Load-test errors: any non-2xx, timeout or socket error counts (the scenario sends only valid requests). */
export function judgeLoadErrors(id: string, title: string, e: LoadErrors, maxRate: number = TARGETS.maxErrorRate): CheckResult {
  const attempts = e.responses + e.timeouts + e.socketErrors;
  if (attempts === 0) return check.fail(id, title, 'no request completed');
  const errors = e.non2xx + e.timeouts + e.socketErrors;
  const rate = errors / attempts;
  const figure = `${pct(rate)} (${count(errors)} of ${count(attempts)}: ${count(e.non2xx)} non-2xx, ${count(e.timeouts)} timeouts, ${count(e.socketErrors)} socket errors; target < ${pct(maxRate)})`;
  const details: string[] = [];
  if ((e.statusCodes['429'] ?? 0) > 0)
    details.push(`${count(e.statusCodes['429']!)} answers were 429 (rate limited): the load comes from one address; raise RATE_LIMIT_PER_MINUTE on the target for the test or spread the load`);
  const data = { ...e, errors, rate, maxRate };
  if (rate >= maxRate) return check.fail(id, title, figure, { data, details });
  if (attempts < 1 / maxRate) return check.warn(id, title, figure, { data, details: [...details, `only ${count(attempts)} requests: run longer to show a rate under ${pct(maxRate)}`] });
  return check.pass(id, title, figure, { data, details });
}

export function judgeLiveness(status: number | undefined, body: unknown, latencyMs: number | undefined, error?: string): CheckResult {
  const title = 'GET /healthz (liveness)';
  if (status === undefined) return check.fail('healthz', title, `no answer: ${error ?? 'unreachable'}`);
  const ok = status === 200 && (body as { status?: unknown } | null)?.status === 'ok';
  const figure = `${status}${latencyMs !== undefined ? ` in ${ms(latencyMs)}` : ''}`;
  return ok ? check.pass('healthz', title, figure) : check.fail('healthz', title, `${figure}: expected 200 {"status":"ok"}`);
}

interface ReadinessBody {
  status?: string;
  checks?: Record<string, { status?: string; latencyMs?: number; error?: string }>;
}

export function judgeReadiness(status: number | undefined, body: unknown, error?: string): CheckResult {
  const title = 'GET /readyz (readiness)';
  if (status === undefined) return check.fail('readyz', title, `no answer: ${error ?? 'unreachable'}`);
  const b = (body ?? {}) as ReadinessBody;
  const parts = Object.entries(b.checks ?? {}).map(([name, c]) => `${name} ${c.status ?? '?'}${c.latencyMs !== undefined ? ` ${c.latencyMs} ms` : ''}${c.error ? ` (${c.error})` : ''}`);
  const figure = `${status} ${b.status ?? '?'}${parts.length ? ` — ${parts.join(', ')}` : ''}`;
  const data = { status, body };
  if (status === 503) return check.fail('readyz', title, figure, { data, details: ['the database does not answer: this instance is out of the load balancer'] });
  if (status !== 200) return check.fail('readyz', title, figure, { data });
  if (b.status === 'ok') return check.pass('readyz', title, figure, { data });
  if (b.status === 'degraded') return check.warn('readyz', title, figure, { data, details: ['Redis does not answer: reads go to PostgreSQL and rate limits count per instance'] });
  return check.fail('readyz', title, figure, { data });
}

/** Queue depth (waiting jobs, all queues) against the scale-out trigger, and dead letters. */
export function judgeQueues(depths: readonly QueueDepth[], trigger: number = TARGETS.queueScaleOut): CheckResult[] {
  if (depths.length === 0) return [check.skip('queue.depth', 'Queue depth (waiting jobs)', 'barberpro_queue_jobs is absent from this scrape (the queue could not be read)')];
  const waiting = depths.reduce((a, d) => a + d.waiting, 0);
  const failed = depths.reduce((a, d) => a + d.failed, 0);
  const busiest = [...depths].sort((a, b) => b.waiting - a.waiting)[0]!;
  const depthFigure = `${count(waiting)} waiting across ${depths.length} queues (busiest ${busiest.queue}: ${count(busiest.waiting)}; scale out above ${trigger})`;
  const depth =
    waiting > trigger
      ? check.warn('queue.depth', 'Queue depth (waiting jobs)', depthFigure, { data: depths, details: ['the runbook’s scale-out trigger is reached: add instances'] })
      : check.pass('queue.depth', 'Queue depth (waiting jobs)', depthFigure, { data: depths });
  const deadFigure = `${count(failed)} failed jobs kept${failed ? `: ${depths.filter((d) => d.failed > 0).map((d) => `${d.queue} ${d.failed}`).join(', ')}` : ''}`;
  const dead = failed > 0 ? check.warn('queue.failed', 'Dead letters (failed jobs)', deadFigure, { details: ['inspect and retry or discard them'] }) : check.pass('queue.failed', 'Dead letters (failed jobs)', deadFigure);
  return [depth, dead];
}

export function judgeCollectors(failed: readonly string[]): CheckResult {
  const title = 'Metrics sources read at scrape';
  return failed.length
    ? check.fail('metrics.collectors', title, `${failed.length} failed: ${failed.join(', ')}`, { details: ['barberpro_metrics_collector_success is 0: the server could not read them (database or queue down or too slow)'] })
    : check.pass('metrics.collectors', title, 'every source read (barberpro_metrics_collector_success = 1)');
}

// ——— security ———

export interface HeaderMap {
  [name: string]: string | undefined;
}

export function judgeSecurityHeaders(headers: HeaderMap, https: boolean): CheckResult[] {
  const h = (name: string) => headers[name.toLowerCase()];
  const out: CheckResult[] = [];
  const csp = h('content-security-policy');
  out.push(
    csp && /default-src/.test(csp)
      ? check.pass('headers.csp', 'Content-Security-Policy', truncate(csp))
      : check.fail('headers.csp', 'Content-Security-Policy', csp ? `no default-src: ${truncate(csp)}` : 'absent'),
  );
  const nosniff = h('x-content-type-options');
  out.push(
    nosniff?.toLowerCase() === 'nosniff'
      ? check.pass('headers.nosniff', 'X-Content-Type-Options', nosniff)
      : check.fail('headers.nosniff', 'X-Content-Type-Options', nosniff ? `"${nosniff}", expected nosniff` : 'absent'),
  );
  const frame = h('x-frame-options');
  const frameAncestors = csp ? /frame-ancestors\s+([^;]+)/.exec(csp)?.[1]?.trim() : undefined;
  out.push(
    frame && /^(deny|sameorigin)$/i.test(frame)
      ? check.pass('headers.frame', 'Framing (X-Frame-Options / frame-ancestors)', `X-Frame-Options ${frame}${frameAncestors ? `, frame-ancestors ${frameAncestors}` : ''}`)
      : frameAncestors && !frameAncestors.includes('*')
        ? check.pass('headers.frame', 'Framing (X-Frame-Options / frame-ancestors)', `frame-ancestors ${frameAncestors}`)
        : check.fail('headers.frame', 'Framing (X-Frame-Options / frame-ancestors)', 'neither X-Frame-Options DENY/SAMEORIGIN nor a restrictive frame-ancestors'),
  );
  const hsts = h('strict-transport-security');
  if (!https) out.push(check.skip('headers.hsts', 'Strict-Transport-Security', 'target is plain http: HSTS only applies over https'));
  else {
    const maxAge = Number(/max-age=(\d+)/i.exec(hsts ?? '')?.[1] ?? NaN);
    out.push(
      !hsts
        ? check.fail('headers.hsts', 'Strict-Transport-Security', 'absent on an https target')
        : maxAge >= 15_552_000
          ? check.pass('headers.hsts', 'Strict-Transport-Security', hsts)
          : check.fail('headers.hsts', 'Strict-Transport-Security', `${hsts}: max-age under 180 days`),
    );
  }
  const powered = h('x-powered-by');
  if (powered) out.push(check.warn('headers.powered-by', 'X-Powered-By not disclosed', `present: ${powered}`));
  return out;
}

function truncate(s: string, n = 80): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

export function judgeRateLimitHeaders(path: string, status: number, headers: HeaderMap): CheckResult {
  const title = 'Rate limit headers';
  const limit = headers['x-ratelimit-limit'];
  const remaining = headers['x-ratelimit-remaining'];
  if (limit !== undefined && remaining !== undefined)
    return check.pass('ratelimit.headers', title, `GET ${path} → ${status}: x-ratelimit-limit ${limit}, remaining ${remaining}, reset ${headers['x-ratelimit-reset'] ?? '?'} s`);
  return check.fail('ratelimit.headers', title, `GET ${path} → ${status} without x-ratelimit-limit/remaining: requests are not being limited`);
}

/** The failed-login burst: some attempt must be refused with 429 (rate limit or lockout). */
export function judgeLoginBurst(statuses: readonly number[], maxAttempts: number, codes: readonly (string | undefined)[] = []): CheckResult {
  const title = 'Login burst is refused (429 / lockout)';
  const first = statuses.findIndex((s) => s === 429);
  const unexpected = statuses.filter((s) => s !== 401 && s !== 429 && s !== 400);
  if (first >= 0) {
    const code = codes[first];
    return check.pass('login.lockout', title, `attempt ${first + 1} of at most ${maxAttempts} answered 429${code ? ` (${code})` : ''}; the ${first} before it 401`, {
      data: { statuses, firstRefusal: first + 1, code },
    });
  }
  const why = unexpected.length ? `; unexpected answers: ${[...new Set(unexpected)].join(', ')}` : '';
  return check.fail('login.lockout', title, `${statuses.length} failed logins in a row, none refused with 429${why}`, { data: { statuses } });
}

export interface AnonymousProbe {
  method: string;
  /** The route pattern (OpenAPI path). */
  route: string;
  status: number | undefined;
  error?: string;
}

/** Every protected route must answer 401 to a caller without credentials. */
export function judgeAnonymousAccess(probes: readonly AnonymousProbe[]): CheckResult {
  const title = 'Protected routes refuse anonymous callers';
  if (probes.length === 0) return check.fail('routes.anonymous', title, 'no protected route found in the OpenAPI document: cannot be right for BarberPro');
  const bad = probes.filter((p) => p.status !== 401);
  const figure = `${count(probes.length - bad.length)} of ${count(probes.length)} answered 401`;
  if (bad.length === 0) return check.pass('routes.anonymous', title, figure);
  return check.fail('routes.anonymous', title, figure, {
    details: bad.map((p) => `${p.method} ${p.route} answered ${p.status ?? `nothing (${p.error ?? 'error'})`} without credentials`),
    data: bad,
  });
}

/** Unsigned and forged MercadoPago notifications must both be refused with 401. */
export function judgeWebhookSignature(unsigned: number | undefined, forged: number | undefined): CheckResult {
  const title = 'MercadoPago webhook signature enforced';
  const figure = `unsigned → ${unsigned ?? 'no answer'}, forged x-signature → ${forged ?? 'no answer'}`;
  if (unsigned === 404 && forged === 404) return check.fail('webhook.signature', title, `${figure}: the webhook route is not served`);
  return unsigned === 401 && forged === 401 ? check.pass('webhook.signature', title, figure) : check.fail('webhook.signature', title, `${figure} (expected 401 for both)`);
}

export function judgeTlsProtocol(protocol: string | undefined, authorized: boolean, authorizationError?: string): CheckResult {
  const title = 'TLS protocol and certificate chain';
  if (!protocol) return check.fail('tls.protocol', title, `handshake failed${authorizationError ? `: ${authorizationError}` : ''}`);
  const modern = protocol === 'TLSv1.2' || protocol === 'TLSv1.3';
  const figure = `${protocol}, chain ${authorized ? 'trusted' : `NOT trusted (${authorizationError ?? 'unknown'})`}`;
  return modern && authorized ? check.pass('tls.protocol', title, figure) : check.fail('tls.protocol', title, figure);
}

export function judgeLegacyTls(accepted: boolean | undefined, protocol?: string): CheckResult {
  const title = 'TLS 1.0/1.1 refused';
  if (accepted === undefined) return check.skip('tls.legacy', title, 'this Node.js build cannot offer TLS 1.1 to test it');
  return accepted ? check.fail('tls.legacy', title, `the server accepted ${protocol ?? 'a legacy protocol'}`) : check.pass('tls.legacy', title, 'handshake with TLS ≤ 1.1 refused');
}

export function judgeCertificateExpiry(validTo: Date, now: Date, warnDays: number = TARGETS.certWarnDays): CheckResult {
  const title = 'Certificate expiry';
  const days = Math.floor((validTo.getTime() - now.getTime()) / 86_400_000);
  const figure = `expires ${validTo.toISOString()} (${days} days left)`;
  if (days < 0) return check.fail('tls.expiry', title, figure);
  if (days < warnDays) return check.warn('tls.expiry', title, figure, { details: [`renew: under ${warnDays} days left`] });
  return check.pass('tls.expiry', title, figure);
}

// ——— database ———

export interface StatementStats {
  query: string;
  calls: number;
  meanMs: number;
  minMs: number;
  maxMs: number;
  totalMs: number;
}

/**
 * "95 % of queries < 100 ms" from pg_stat_statements. It keeps per-statement min, max and
 * mean, not percentiles, so the share of calls under 100 ms can only be bounded: calls of
 * statements whose max is under 100 ms were all fast (lower bound); calls of statements
 * whose min is 100 ms or more were all slow (so at most the rest were fast: upper bound).
 */
export function judgeQueryShare(statements: readonly Omit<StatementStats, 'query'>[], thresholdMs: number = TARGETS.queryMs, share: number = TARGETS.queryShare): CheckResult {
  const title = `Queries under ${thresholdMs} ms (target ${pct(share, 0)})`;
  const total = statements.reduce((a, s) => a + s.calls, 0);
  if (total === 0) return check.skip('queries.share', title, 'pg_stat_statements has recorded no calls yet');
  const surelyFast = statements.filter((s) => s.maxMs < thresholdMs).reduce((a, s) => a + s.calls, 0);
  const surelySlow = statements.filter((s) => s.minMs >= thresholdMs).reduce((a, s) => a + s.calls, 0);
  const lower = surelyFast / total;
  const upper = (total - surelySlow) / total;
  const byMean = statements.filter((s) => s.meanMs < thresholdMs).reduce((a, s) => a + s.calls, 0) / total;
  const figure = `between ${pct(lower, 2)} and ${pct(upper, 2)} of ${count(total)} calls (${pct(byMean, 2)} are calls of statements whose mean is under ${thresholdMs} ms)`;
  const details = ['pg_stat_statements keeps min/mean/max per statement, not percentiles: the share is bounded, not measured exactly'];
  const data = { totalCalls: total, lowerBound: lower, upperBound: upper, shareByMean: byMean, thresholdMs, share };
  if (lower >= share) return check.pass('queries.share', title, figure, { data, details });
  if (upper < share) return check.fail('queries.share', title, figure, { data, details });
  return check.warn('queries.share', title, figure, { data, details: [...details, `cannot decide: ${pct(share, 0)} lies between the bounds`] });
}

/** The seed's weekly query (calls > 100, slowest mean first): slow statements by mean. */
export function judgeSlowStatements(top: readonly StatementStats[], thresholdMs: number = TARGETS.queryMs): CheckResult {
  const title = `Slowest statements (calls > 100) by mean`;
  if (top.length === 0) return check.skip('queries.slowest', title, 'no statement has more than 100 calls yet');
  const slow = top.filter((s) => s.meanMs >= thresholdMs);
  const details = top.map((s) => `${ms(s.meanMs)} mean, ${ms(s.maxMs)} max, ${count(s.calls)} calls: ${oneLine(s.query)}`);
  const figure = `slowest mean ${ms(top[0]!.meanMs)}; ${slow.length} of the top ${top.length} at or over ${thresholdMs} ms`;
  return slow.length ? check.warn('queries.slowest', title, figure, { details, data: top }) : check.pass('queries.slowest', title, figure, { details, data: top });
}

function oneLine(query: string, n = 110): string {
  return truncate(query.replace(/\s+/g, ' ').trim(), n);
}

export interface IndexUsage {
  table: string;
  index: string;
  scans: number;
  sizeBytes: number;
}

export function judgeUnusedIndexes(unused: readonly IndexUsage[], statsSince: string | null): CheckResult {
  const title = 'Unused indexes (idx_scan = 0, not unique)';
  const since = statsSince ? ` since statistics reset ${statsSince}` : ' since statistics began';
  if (unused.length === 0) return check.pass('indexes.unused', title, `none${since}`);
  const bytes = unused.reduce((a, i) => a + i.sizeBytes, 0);
  return check.warn('indexes.unused', title, `${unused.length} never scanned${since} (${(bytes / 1024 / 1024).toFixed(1)} MiB)`, {
    details: [
      ...unused.slice(0, 12).map((i) => `${i.index} on ${i.table} (${(i.sizeBytes / 1024).toFixed(0)} KiB)`),
      ...(unused.length > 12 ? [`… and ${unused.length - 12} more (--json lists them all)`] : []),
      'each one slows writes; drop it only once the workload that needs it has run since the reset',
    ],
    data: unused,
  });
}

export interface TableScans {
  table: string;
  liveRows: number;
  seqScans: number;
  seqRowsRead: number;
  indexScans: number;
}

/** Big tables read mostly by sequential scans hint at a missing index. */
export function judgeSequentialScans(tables: readonly TableScans[], minRows = 10_000): CheckResult {
  const title = `Sequential scans on tables over ${count(minRows)} rows`;
  const suspects = tables.filter((t) => t.liveRows >= minRows && t.seqScans > t.indexScans && t.seqScans > 0);
  const big = tables.filter((t) => t.liveRows >= minRows).length;
  if (suspects.length === 0) return check.pass('indexes.missing', title, `${big} such tables, none read mostly by sequential scans`);
  return check.warn('indexes.missing', title, `${suspects.length} of ${big} read mostly by sequential scans`, {
    details: suspects.map((t) => `${t.table}: ${count(t.liveRows)} rows, ${count(t.seqScans)} seq scans (${count(Math.round(t.seqRowsRead / t.seqScans))} rows each) vs ${count(t.indexScans)} index scans`),
    data: suspects,
  });
}

// ——— ledger, audit, invoices ———

export interface AuditVerifyBody {
  ok: boolean;
  rowsChecked: number;
  head: { seq: number; hash: string } | null;
  firstBrokenSeq: number | null;
  reason: 'content' | 'link' | null;
  detail: string | null;
}

export function judgeAuditChain(body: AuditVerifyBody, via: string): CheckResult {
  const title = 'Audit trail hash chain';
  if (body.ok) {
    return check.pass('audit.chain', title, body.rowsChecked === 0 ? `empty, nothing to check (${via})` : `intact: ${count(body.rowsChecked)} rows, head seq ${body.head?.seq} (${via})`, { data: body });
  }
  const why = body.reason === 'content' ? 'its stored hash does not match its content (the row was altered)' : 'it does not follow the row before it (altered, removed or inserted rows)';
  return check.fail('audit.chain', title, `BROKEN at seq ${body.firstBrokenSeq}: ${why} (${via})`, {
    details: [`${body.detail ?? ''}`, `${count(body.rowsChecked)} rows before it are intact${body.head ? ` (last good: seq ${body.head.seq})` : ''}`].filter(Boolean),
    data: body,
  });
}

export interface LedgerCheckBody {
  ok: boolean;
  trialBalance: { amountCents: number } | number | string;
  unbalancedEntries: Array<{ entryId: string; idempotencyKey: string; kind: string; postings: number; sum: unknown }>;
  paymentsTable: boolean;
  approvedPaymentsWithoutPostings: Array<{ paymentId: string; mpPaymentId: string | null; status: string }>;
}

/** Centavos from the API's money shape ({ amountCents, currency }) or a bare number. */
export function centsOf(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Number(value);
  if (value && typeof value === 'object' && 'amountCents' in value) return Number((value as { amountCents: unknown }).amountCents);
  return NaN;
}

export function judgeLedger(body: LedgerCheckBody, via: string): CheckResult[] {
  const trial = centsOf(body.trialBalance);
  const out: CheckResult[] = [];
  out.push(
    body.unbalancedEntries.length === 0
      ? check.pass('ledger.entries', 'Every ledger entry balances', `no unbalanced entry (${via})`)
      : check.fail('ledger.entries', 'Every ledger entry balances', `${body.unbalancedEntries.length} unbalanced entries (${via})`, {
          details: body.unbalancedEntries.slice(0, 20).map((e) => `entry ${e.entryId} (${e.kind}, ${e.idempotencyKey}): ${e.postings} postings sum to ${centsOf(e.sum)} centavos`),
          data: body.unbalancedEntries,
        }),
  );
  out.push(
    trial === 0
      ? check.pass('ledger.trial-balance', 'Books sum to zero (trial balance)', `0 centavos (${via})`)
      : check.fail('ledger.trial-balance', 'Books sum to zero (trial balance)', `${Number.isNaN(trial) ? 'unreadable' : `${trial} centavos`} (${via})`),
  );
  if (!body.paymentsTable) out.push(check.skip('ledger.payments', 'Collected payments have postings', 'the database has no payments table yet'));
  else
    out.push(
      body.approvedPaymentsWithoutPostings.length === 0
        ? check.pass('ledger.payments', 'Collected payments have postings', `every collected payment has its postings (${via})`)
        : check.fail('ledger.payments', 'Collected payments have postings', `${body.approvedPaymentsWithoutPostings.length} without postings (${via})`, {
            details: body.approvedPaymentsWithoutPostings.slice(0, 20).map((p) => `payment ${p.paymentId} (MercadoPago ${p.mpPaymentId ?? '—'}, ${p.status})`),
            data: body.approvedPaymentsWithoutPostings,
          }),
    );
  return out;
}

export interface CoverageResult {
  /** false: the table the check needs is absent or has an unknown shape. */
  available: boolean;
  reason?: string;
  /** Items that should be covered (approved payments, succeeded refunds). */
  expected: number;
  missing: Array<{ id: string; ageMinutes: number }>;
}

/** Every approved payment has an invoice (issued or queued); every refund a credit note. */
export function judgeCoverage(id: string, title: string, what: { item: string; document: string }, r: CoverageResult, graceMinutes: number): CheckResult {
  if (!r.available) return check.skip(id, title, r.reason ?? 'cannot be checked');
  // Documents are queued after the money moves: the newest items get a grace period.
  const late = r.missing.filter((m) => m.ageMinutes >= graceMinutes);
  if (r.expected === 0) return check.pass(id, title, `no ${what.item} yet: nothing to match`, { data: r });
  const figure = `${count(r.expected - r.missing.length)} of ${count(r.expected)} ${what.item} have ${what.document}`;
  if (late.length) {
    return check.fail(id, title, `${figure}; ${late.length} missing for over ${graceMinutes} min`, {
      details: late.slice(0, 20).map((m) => `${m.id} (${Math.round(m.ageMinutes)} min old)`),
      data: r,
    });
  }
  if (r.missing.length) return check.warn(id, title, `${figure}; ${r.missing.length} newer than ${graceMinutes} min still waiting`, { data: r });
  return check.pass(id, title, figure, { data: r });
}

// ——— incidents ———

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'none';

/** The runbook's incident classification and escalation matrix. */
export const SEVERITY = {
  critical: { label: 'Critical', respondWithin: '5 minutes', escalation: 'DevOps Team → CTO → All Hands' },
  high: { label: 'High', respondWithin: '15 minutes', escalation: 'DevOps Team → Tech Lead → Product' },
  medium: { label: 'Medium', respondWithin: '1 hour', escalation: 'DevOps Team → Engineering' },
  low: { label: 'Low', respondWithin: '24 hours', escalation: 'DevOps Team' },
} as const;

/** Which signal, when failing, means what (Critical: service down or data loss; High: significant degradation …). */
const CRITICAL_IDS = new Set(['healthz', 'audit.chain', 'ledger.entries', 'ledger.trial-balance']);
const HIGH_IDS = new Set(['latency.p95', 'errors.rate', 'ledger.payments', 'metrics.collectors']);

/** Severity from an assessment's checks: the worst signal wins. */
export function assessSeverity(checks: readonly CheckResult[]): { severity: Severity; reasons: string[] } {
  const reasons: Record<Exclude<Severity, 'none'>, string[]> = { critical: [], high: [], medium: [], low: [] };
  for (const c of checks) {
    if (c.status === 'fail' && c.id === 'readyz') reasons.critical.push(`${c.title}: ${c.measured}`);
    else if (c.status === 'fail' && CRITICAL_IDS.has(c.id)) reasons.critical.push(`${c.title}: ${c.measured}`);
    else if (c.status === 'fail' && (HIGH_IDS.has(c.id) || c.id.startsWith('latency.'))) reasons.high.push(`${c.title}: ${c.measured}`);
    else if (c.status === 'fail') reasons.medium.push(`${c.title}: ${c.measured}`);
    // An error rate under target with too few requests to prove it is missing data, not an incident.
    else if (c.status === 'warn' && c.id !== 'errors.rate') reasons.low.push(`${c.title}: ${c.measured}`);
  }
  // A degraded readiness (Redis down) or a reached scale-out trigger is a minor issue, not cosmetic.
  for (const c of checks) if (c.status === 'warn' && (c.id === 'readyz' || c.id === 'queue.depth')) reasons.medium.push(`${c.title}: ${c.measured}`);
  for (const severity of ['critical', 'high', 'medium', 'low'] as const) if (reasons[severity].length) return { severity, reasons: [...new Set(reasons[severity])] };
  return { severity: 'none', reasons: [] };
}

export function statusOfSeverity(severity: Severity): Status {
  return severity === 'none' ? 'pass' : severity === 'low' ? 'warn' : 'fail';
}
