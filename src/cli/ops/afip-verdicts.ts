/**
 * afip-health-check's thresholds → verdicts. No I/O: each function takes the figures the server
 * measured (GET /api/v1/admin/invoicing/health, see src/modules/invoicing/health.ts) and says
 * PASS/FAIL/WARN/SKIP/INFO with them, so every boundary is tested.
 *
 * Thresholds, and why:
 * - Oldest waiting voucher: WARN above 15 minutes (the issuer retries with backoff capped at
 *   5 minutes, so a healthy AFIP clears a voucher within a few runs), FAIL above 24 hours (a sale
 *   a day old still has no legal invoice). Age counts from when the voucher became due, so one
 *   deferred on purpose (paid ahead of AFIP's issue window) is not late before its day.
 * - Queue depth (pending + issuing): WARN above 100, the runbook's queue-depth trigger.
 * - FEDummy: all three servers "OK", else FAIL; WARN when it took longer than 2 s.
 * - Numbering: AFIP's last number must equal our last authorized one. One more at AFIP is only a
 *   WARN when that number is ours, sent and being confirmed (status issuing); anything else is
 *   drift and FAILs, naming the sequence and both numbers.
 * - Rejected vouchers: WARN while any waits for the provider to fix and retry it.
 * - Certificates: FAIL once expired, WARN within 21 days of expiry (TARGETS.certWarnDays).
 */
import type { InvoicingHealth } from '../../modules/invoicing/health.js';
import { check, count, ms, type CheckResult } from './report.js';
import { TARGETS } from './verdicts.js';

export const AFIP_TARGETS = {
  oldestWarnSeconds: 15 * 60,
  oldestFailSeconds: 24 * 3600,
  queueWarnDepth: 100,
  dummyWarnMs: 2000,
  certWarnDays: TARGETS.certWarnDays,
} as const;

export type Afip = InvoicingHealth['afip'];
export type Queue = InvoicingHealth['queue'];
export type Sequence = InvoicingHealth['sequences'][number];
export type Certificate = InvoicingHealth['certificates'][number];

/** "45 s", "14 min", "3 h 05 min", "2 d 4 h". */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(Math.abs(seconds)));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
}

/** CUIT, point of sale and voucher type, short enough for the report's title column. */
export function sequenceLabel(s: Pick<Sequence, 'cuit' | 'pointOfSale' | 'voucher'>): string {
  return `${s.cuit} PV ${String(s.pointOfSale).padStart(5, '0')} ${s.voucher}`;
}

export function judgeAfipReachable(afip: Afip): CheckResult {
  const id = 'afip.reachable';
  const title = 'AFIP reachable (WSFEv1 FEDummy)';
  if (!afip.consulted) return check.skip(id, title, afip.reason);
  const d = afip.dummy;
  const where = `${afip.wsfeUrl} (${afip.environment})`;
  const data = { ...d, wsfeUrl: afip.wsfeUrl, environment: afip.environment };
  if (d.error) return check.fail(id, title, `AFIP unreachable: ${d.error} after ${ms(d.latencyMs)}`, { data, details: [where] });
  const servers = `AppServer ${d.appServer || '—'}, DbServer ${d.dbServer || '—'}, AuthServer ${d.authServer || '—'} in ${ms(d.latencyMs)}`;
  if (!d.ok) return check.fail(id, title, `AFIP unreachable: not every server is OK — ${servers}`, { data, details: [where] });
  if (d.latencyMs > AFIP_TARGETS.dummyWarnMs) return check.warn(id, title, `${servers} (slower than ${ms(AFIP_TARGETS.dummyWarnMs)})`, { data, details: [where] });
  return check.pass(id, title, servers, { data, details: [where] });
}

export function judgeTicket(c: Certificate, afip: Afip): CheckResult {
  const id = `afip.ticket.${c.fingerprint}`;
  const title = `WSAA ticket, CUIT ${c.cuit} (cert ${c.fingerprint.slice(0, 8)})`;
  const data = c;
  if (c.login === 'failed') return check.fail(id, title, `WSAA login failed: ${c.loginError ?? 'unknown error'}`, { data });
  if (c.loginError) return check.fail(id, title, `cannot log in: ${c.loginError}`, { data });
  const b = c.ticketBefore;
  if (b.state === 'valid') return check.pass(id, title, `valid, expires in ${duration(b.expiresInSeconds ?? 0)} (${b.expiresAt})`, { data });
  const found = b.state === 'expired' ? `expired ${duration(b.expiresInSeconds ?? 0)} ago` : 'none held';
  const a = c.ticketAfter;
  if (c.login === 'ok' && a.state === 'valid') return check.pass(id, title, `${found}; this check logged in: valid, expires in ${duration(a.expiresInSeconds ?? 0)}`, { data });
  if (c.login === 'ok') return check.fail(id, title, `${found}; the login answered but no valid ticket was stored`, { data });
  const why = afip.consulted ? 'AFIP was not reachable to log in' : 'AFIP not asked';
  return check.info(id, title, `${found} (${why}); the issuer logs in on its next run`, { data });
}

export function judgeCertificate(c: Certificate, now: Date): CheckResult {
  const id = `afip.certificate.${c.fingerprint}`;
  const title = `Certificate, CUIT ${c.cuit} (cert ${c.fingerprint.slice(0, 8)})`;
  if (!c.notAfter) return check.fail(id, title, 'the stored certificate cannot be read', { data: c });
  const left = (Date.parse(c.notAfter) - now.getTime()) / 1000;
  const figure = left <= 0 ? `expired ${duration(left)} ago (${c.notAfter})` : `valid until ${c.notAfter} (${duration(left)} left)`;
  const data = { notAfter: c.notAfter, secondsLeft: Math.round(left), shops: c.shopIds.length };
  if (left <= 0) return check.fail(id, title, figure, { data, details: ['WSAA refuses an expired certificate: the shop must upload a new one (PUT /api/v1/shops/{id}/fiscal-settings)'] });
  if (left <= AFIP_TARGETS.certWarnDays * 86_400) return check.warn(id, title, `${figure}; renew within ${AFIP_TARGETS.certWarnDays} days of expiry`, { data });
  return check.pass(id, title, figure, { data });
}

/** AFIP's last authorized number against ours, for one sequence. */
export function judgeSequence(s: Sequence, now: Date): CheckResult {
  const id = `afip.sequence.${s.cuit}-${s.pointOfSale}-${s.cbteTipo}`;
  const title = `Numbering ${sequenceLabel(s)}`;
  const l = s.local;
  const ours = `ours ${l.lastAuthorized}`;
  const details: string[] = [];
  if (l.pending || l.issuing) details.push(`${count(l.pending)} pending, ${count(l.issuing)} issuing`);
  const paused = l.retryAt !== null && Date.parse(l.retryAt) > now.getTime() && l.failures > 0;
  if (paused) details.push(`paused after ${l.failures} failed attempt(s) until ${l.retryAt}: ${l.lastError ?? 'no detail'}`);
  const data = s;
  if (s.afip.skipped) return check.skip(id, title, `${ours}; AFIP not asked: ${s.afip.skipped}`, { data, details });
  if (s.afip.error || s.afip.lastAuthorized === null) return check.fail(id, title, `FECompUltimoAutorizado failed: ${s.afip.error ?? 'no number'}; ${ours}`, { data, details });
  const theirs = s.afip.lastAuthorized;
  const timing = s.afip.latencyMs !== null ? ` (${ms(s.afip.latencyMs)})` : '';
  if (theirs === l.lastAuthorized) {
    const figure = `AFIP ${theirs} = ${ours}${timing}`;
    return paused ? check.warn(id, title, figure, { data, details }) : check.pass(id, title, figure, { data, details });
  }
  if (l.issuingNumber !== null && theirs === l.issuingNumber && l.issuingNumber === l.lastAuthorized + 1)
    return check.warn(id, title, `AFIP ${theirs}, ${ours}: number ${theirs} was sent and is being confirmed (FECompConsultar on the next run)${timing}`, { data, details });
  const gap = theirs - l.lastAuthorized;
  const why =
    gap > 0
      ? `AFIP is ${gap} ahead: vouchers were authorized that this database does not record as authorized (issued outside BarberPro, or lost here)`
      : `AFIP is ${-gap} behind: numbers recorded here are unknown to AFIP (a reset or different AFIP environment); issuing stops for this sequence`;
  return check.fail(id, title, `numbering drift: AFIP ${theirs}, ${ours}${timing}`, { data, details: [why, ...details] });
}

export function judgeQueueDepth(q: Queue): CheckResult {
  const id = 'invoices.queue';
  const title = 'Invoice queue depth (pending + issuing)';
  const depth = q.pending + q.issuing;
  const figure = `${count(depth)} waiting (${count(q.pending)} pending, ${count(q.issuing)} issuing)`;
  const details: string[] = [];
  if (q.deferred) details.push(`${count(q.deferred)} of the pending are deferred on purpose (paid ahead of AFIP's issue window)`);
  if (q.withoutPointOfSale) details.push(`${count(q.withoutPointOfSale)} wait for their shop's fiscal settings (no point of sale)`);
  const data = { ...q, depth, warnAbove: AFIP_TARGETS.queueWarnDepth };
  if (depth > AFIP_TARGETS.queueWarnDepth) return check.warn(id, title, `${figure}; above ${AFIP_TARGETS.queueWarnDepth}`, { data, details });
  return check.pass(id, title, figure, { data, details });
}

export function judgeOldestPending(q: Queue): CheckResult {
  const id = 'invoices.oldest';
  const title = 'Oldest voucher waiting for AFIP';
  const o = q.oldest;
  const limits = `WARN > ${duration(AFIP_TARGETS.oldestWarnSeconds)}, FAIL > ${duration(AFIP_TARGETS.oldestFailSeconds)}`;
  if (!o) return check.pass(id, title, `none due (${limits})`, { data: { oldest: null } });
  const figure = `${duration(o.ageSeconds)} (${o.voucher} ${o.invoiceId}, ${o.status} since ${o.dueSince}; ${limits})`;
  const details = [`shop ${o.shopId}`, ...(o.reason ? [`waiting because: ${o.reason}`] : [])];
  const data = { ...o, warnAboveSeconds: AFIP_TARGETS.oldestWarnSeconds, failAboveSeconds: AFIP_TARGETS.oldestFailSeconds };
  if (o.ageSeconds > AFIP_TARGETS.oldestFailSeconds) return check.fail(id, title, figure, { data, details });
  if (o.ageSeconds > AFIP_TARGETS.oldestWarnSeconds) return check.warn(id, title, figure, { data, details });
  return check.pass(id, title, figure, { data, details });
}

export function judgeRejected(q: Queue): CheckResult {
  const id = 'invoices.rejected';
  const title = 'Rejected vouchers awaiting a retry';
  if (q.rejected === 0) return check.pass(id, title, 'none', { data: { rejected: 0 } });
  return check.warn(id, title, `${count(q.rejected)} rejected (AFIP's codes on GET /api/v1/shops/{id}/invoices?status=rejected; retry after fixing)`, { data: { rejected: q.rejected } });
}

/** Every verdict of one health reading, in report order. */
export function judgeAfipHealth(h: InvoicingHealth): CheckResult[] {
  const now = new Date(h.checkedAt);
  return [
    judgeAfipReachable(h.afip),
    ...h.certificates.flatMap((c) => [judgeCertificate(c, now), judgeTicket(c, h.afip)]),
    ...(h.sequences.length ? h.sequences.map((s) => judgeSequence(s, now)) : [check.info('afip.sequences', 'Numbering sequences', 'none: no shop has fiscal settings and no voucher was numbered')]),
    judgeQueueDepth(h.queue),
    judgeOldestPending(h.queue),
    judgeRejected(h.queue),
  ];
}
