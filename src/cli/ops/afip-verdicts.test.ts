import { describe, expect, it } from 'vitest';
import type { InvoicingHealth } from '../../modules/invoicing/health.js';
import {
  AFIP_TARGETS,
  duration,
  judgeAfipHealth,
  judgeAfipReachable,
  judgeCertificate,
  judgeOldestPending,
  judgeQueueDepth,
  judgeRejected,
  judgeSequence,
  judgeTicket,
  type Afip,
  type Certificate,
  type Queue,
  type Sequence,
} from './afip-verdicts.js';

const NOW = new Date('2026-12-01T12:00:00Z');

const afipUp = (dummy: Partial<Extract<Afip, { consulted: true }>['dummy']> = {}): Afip => ({
  consulted: true,
  environment: 'sandbox',
  wsaaUrl: 'http://127.0.0.1:1/ws/services/LoginCms',
  wsfeUrl: 'http://127.0.0.1:1/wsfev1/service.asmx',
  dummy: { ok: true, appServer: 'OK', dbServer: 'OK', authServer: 'OK', latencyMs: 12.5, error: null, ...dummy },
});
const notAsked: Afip = { consulted: false, reason: 'AFIP is not configured' };

function seq(local: Partial<Sequence['local']> = {}, afip: Partial<Sequence['afip']> = {}): Sequence {
  return {
    cuit: '20123456786',
    pointOfSale: 3,
    cbteTipo: 11,
    voucher: 'Factura C',
    local: { lastAuthorized: 10, issuingNumber: null, pending: 0, issuing: 0, rejected: 0, failures: 0, retryAt: null, lastError: null, ...local },
    afip: { lastAuthorized: 10, latencyMs: 4, error: null, skipped: null, ...afip },
  };
}

function queue(overrides: Partial<Queue> = {}, ageSeconds?: number): Queue {
  return {
    pending: 0,
    issuing: 0,
    rejected: 0,
    deferred: 0,
    withoutPointOfSale: 0,
    oldest:
      ageSeconds === undefined
        ? null
        : { invoiceId: 'inv-1', shopId: 'shop-1', status: 'pending', kind: 'invoice', voucher: 'Factura C', dueSince: NOW.toISOString(), ageSeconds, reason: 'AFIP no responde' },
    ...overrides,
  };
}

const ticket = (state: 'valid' | 'expired' | 'none', seconds: number | null = null) => ({ state, expiresAt: seconds === null ? null : new Date(NOW.getTime() + seconds * 1000).toISOString(), expiresInSeconds: seconds });

function cert(overrides: Partial<Certificate> = {}): Certificate {
  return {
    cuit: '20123456786',
    shopIds: ['shop-1'],
    pointsOfSale: [3],
    fingerprint: '0123456789abcdef',
    notAfter: new Date(NOW.getTime() + 365 * 86_400_000).toISOString(),
    ticketBefore: ticket('valid', 3 * 3600 + 600),
    ticketAfter: ticket('valid', 3 * 3600 + 600),
    login: 'ok',
    loginError: null,
    ...overrides,
  };
}

describe('duration', () => {
  it.each([
    [0, '0 s'],
    [59, '59 s'],
    [60, '1 min'],
    [3599, '59 min'],
    [3600, '1 h 00 min'],
    [3 * 3600 + 5 * 60, '3 h 05 min'],
    [86_399, '23 h 59 min'],
    [86_400, '1 d 0 h'],
    [2 * 86_400 + 4 * 3600, '2 d 4 h'],
    [-90, '1 min'],
  ])('%d s → %s', (s, text) => expect(duration(s)).toBe(text));
});

describe('judgeOldestPending (WARN > 15 min, FAIL > 24 h)', () => {
  const W = AFIP_TARGETS.oldestWarnSeconds;
  const F = AFIP_TARGETS.oldestFailSeconds;
  it('thresholds are the documented ones', () => {
    expect(W).toBe(900);
    expect(F).toBe(86_400);
  });
  it.each([
    [0, 'pass'],
    [W - 1, 'pass'],
    [W, 'pass'],
    [W + 1, 'warn'],
    [F - 1, 'warn'],
    [F, 'warn'],
    [F + 1, 'fail'],
    [10 * F, 'fail'],
  ])('waiting %d s → %s', (age, status) => expect(judgeOldestPending(queue({ pending: 1 }, age)).status).toBe(status));

  it('nothing due is a pass, and a late one says which voucher and why', () => {
    expect(judgeOldestPending(queue()).measured).toBe('none due (WARN > 15 min, FAIL > 1 d 0 h)');
    const late = judgeOldestPending(queue({ pending: 1 }, 20 * 60));
    expect(late.measured).toBe(`20 min (Factura C inv-1, pending since ${NOW.toISOString()}; WARN > 15 min, FAIL > 1 d 0 h)`);
    expect(late.details).toEqual(['shop shop-1', 'waiting because: AFIP no responde']);
  });
});

describe('judgeQueueDepth (WARN above 100)', () => {
  it.each([
    [0, 0, 'pass'],
    [100, 0, 'pass'],
    [60, 40, 'pass'],
    [100, 1, 'warn'],
    [101, 0, 'warn'],
  ])('%d pending + %d issuing → %s', (pending, issuing, status) => expect(judgeQueueDepth(queue({ pending, issuing })).status).toBe(status));

  it('explains deferred and unconfigured vouchers', () => {
    const r = judgeQueueDepth(queue({ pending: 5, deferred: 2, withoutPointOfSale: 1 }));
    expect(r.measured).toBe('5 waiting (5 pending, 0 issuing)');
    expect(r.details).toEqual(["2 of the pending are deferred on purpose (paid ahead of AFIP's issue window)", "1 wait for their shop's fiscal settings (no point of sale)"]);
  });
});

describe('judgeRejected', () => {
  it.each([
    [0, 'pass'],
    [1, 'warn'],
    [250, 'warn'],
  ])('%d rejected → %s', (n, status) => expect(judgeRejected(queue({ rejected: n })).status).toBe(status));
});

describe('judgeAfipReachable', () => {
  it('all three servers OK → PASS with the latency', () => {
    const r = judgeAfipReachable(afipUp());
    expect(r.status).toBe('pass');
    expect(r.measured).toBe('AppServer OK, DbServer OK, AuthServer OK in 12.5 ms');
  });
  it('slower than 2 s → WARN; exactly 2 s still passes', () => {
    expect(judgeAfipReachable(afipUp({ latencyMs: AFIP_TARGETS.dummyWarnMs })).status).toBe('pass');
    expect(judgeAfipReachable(afipUp({ latencyMs: AFIP_TARGETS.dummyWarnMs + 1 })).status).toBe('warn');
  });
  it.each([
    [{ dbServer: 'ERROR', ok: false }, 'AFIP unreachable: not every server is OK — AppServer OK, DbServer ERROR, AuthServer OK in 12.5 ms'],
    [{ ok: false, appServer: null, dbServer: null, authServer: null, error: 'AFIP FEDummy unavailable (http_status): HTTP 503' }, 'AFIP unreachable: AFIP FEDummy unavailable (http_status): HTTP 503 after 12.5 ms'],
  ])('%o → FAIL', (dummy, measured) => {
    const r = judgeAfipReachable(afipUp(dummy));
    expect(r.status).toBe('fail');
    expect(r.measured).toBe(measured);
  });
  it('not consulted → SKIP with the reason', () => {
    expect(judgeAfipReachable(notAsked)).toMatchObject({ status: 'skip', measured: 'AFIP is not configured' });
  });
});

describe('judgeSequence', () => {
  it('equal numbers → PASS', () => {
    const r = judgeSequence(seq(), NOW);
    expect(r).toMatchObject({ id: 'afip.sequence.20123456786-3-11', status: 'pass', measured: 'AFIP 10 = ours 10 (4.0 ms)', title: 'Numbering 20123456786 PV 00003 Factura C' });
  });
  it('AFIP ahead → FAIL (drift) naming both numbers', () => {
    const r = judgeSequence(seq({}, { lastAuthorized: 13 }), NOW);
    expect(r.status).toBe('fail');
    expect(r.measured).toBe('numbering drift: AFIP 13, ours 10 (4.0 ms)');
    expect(r.details?.[0]).toMatch(/^AFIP is 3 ahead/);
  });
  it('AFIP behind → FAIL (drift)', () => {
    const r = judgeSequence(seq({}, { lastAuthorized: 7 }), NOW);
    expect(r.status).toBe('fail');
    expect(r.details?.[0]).toMatch(/^AFIP is 3 behind/);
  });
  it('AFIP one ahead with our next number in flight → WARN, not drift', () => {
    const r = judgeSequence(seq({ issuingNumber: 11, issuing: 1 }, { lastAuthorized: 11 }), NOW);
    expect(r.status).toBe('warn');
    expect(r.measured).toMatch(/number 11 was sent and is being confirmed/);
  });
  it('in flight but AFIP further ahead → still drift', () => {
    expect(judgeSequence(seq({ issuingNumber: 11, issuing: 1 }, { lastAuthorized: 12 }), NOW).status).toBe('fail');
  });
  it('a sequence paused by failures → WARN even when numbers agree; a past retry time is not a pause', () => {
    const paused = judgeSequence(seq({ failures: 2, retryAt: new Date(NOW.getTime() + 60_000).toISOString(), lastError: 'AFIP no responde' }), NOW);
    expect(paused.status).toBe('warn');
    expect(paused.details).toEqual([`paused after 2 failed attempt(s) until ${new Date(NOW.getTime() + 60_000).toISOString()}: AFIP no responde`]);
    expect(judgeSequence(seq({ failures: 2, retryAt: new Date(NOW.getTime() - 1).toISOString() }), NOW).status).toBe('pass');
  });
  it('FECompUltimoAutorizado failed → FAIL; AFIP not asked → SKIP with our number', () => {
    expect(judgeSequence(seq({}, { lastAuthorized: null, error: 'AFIP FECompUltimoAutorizado failed: 600 token' }), NOW)).toMatchObject({
      status: 'fail',
      measured: 'FECompUltimoAutorizado failed: AFIP FECompUltimoAutorizado failed: 600 token; ours 10',
    });
    expect(judgeSequence(seq({}, { lastAuthorized: null, skipped: 'AFIP is not configured' }), NOW)).toMatchObject({ status: 'skip', measured: 'ours 10; AFIP not asked: AFIP is not configured' });
  });
});

describe('judgeTicket', () => {
  it('valid as found → PASS with the time left', () => {
    expect(judgeTicket(cert(), afipUp())).toMatchObject({ status: 'pass', measured: expect.stringMatching(/^valid, expires in 3 h 10 min \(/) });
  });
  it('none or expired, and this check logged in → PASS saying so', () => {
    expect(judgeTicket(cert({ ticketBefore: ticket('none'), ticketAfter: ticket('valid', 12 * 3600) }), afipUp()).measured).toBe('none held; this check logged in: valid, expires in 12 h 00 min');
    expect(judgeTicket(cert({ ticketBefore: ticket('expired', -7200), ticketAfter: ticket('valid', 12 * 3600) }), afipUp()).measured).toBe('expired 2 h 00 min ago; this check logged in: valid, expires in 12 h 00 min');
  });
  it('a failed login → FAIL with AFIP’s fault', () => {
    expect(judgeTicket(cert({ login: 'failed', loginError: 'AFIP loginCms fault cms.cert.expired: Certificado expirado' }), afipUp())).toMatchObject({
      status: 'fail',
      measured: 'WSAA login failed: AFIP loginCms fault cms.cert.expired: Certificado expirado',
    });
  });
  it('a certificate for another environment → FAIL', () => {
    expect(judgeTicket(cert({ login: 'not-attempted', loginError: 'the certificate is configured for homologation, this server issues against production' }), afipUp()).status).toBe('fail');
  });
  it('not asked (DATABASE_URL, AFIP down): expired or none is INFO, valid is PASS', () => {
    expect(judgeTicket(cert({ login: 'not-attempted', ticketBefore: ticket('expired', -60), ticketAfter: ticket('expired', -60) }), notAsked)).toMatchObject({
      status: 'info',
      measured: 'expired 1 min ago (AFIP not asked); the issuer logs in on its next run',
    });
    expect(judgeTicket(cert({ login: 'not-attempted', ticketBefore: ticket('none'), ticketAfter: ticket('none') }), afipUp({ ok: false, error: 'down' })).measured).toBe(
      'none held (AFIP was not reachable to log in); the issuer logs in on its next run',
    );
    expect(judgeTicket(cert({ login: 'not-attempted' }), notAsked).status).toBe('pass');
  });
  it('a login that stored no valid ticket → FAIL', () => {
    expect(judgeTicket(cert({ ticketBefore: ticket('none'), ticketAfter: ticket('none') }), afipUp()).status).toBe('fail');
  });
});

describe('judgeCertificate (FAIL expired, WARN within 21 days)', () => {
  const at = (seconds: number) => cert({ notAfter: new Date(NOW.getTime() + seconds * 1000).toISOString() });
  it.each([
    [-1, 'fail'],
    [0, 'fail'],
    [1, 'warn'],
    [21 * 86_400, 'warn'],
    [21 * 86_400 + 1, 'pass'],
  ])('%d s left → %s', (s, status) => expect(judgeCertificate(at(s), NOW).status).toBe(status));
  it('an unreadable certificate → FAIL', () => expect(judgeCertificate(cert({ notAfter: null }), NOW).status).toBe('fail'));
});

describe('judgeAfipHealth', () => {
  it('orders the verdicts: AFIP, certificates and tickets, sequences, queue', () => {
    const h: InvoicingHealth = { checkedAt: NOW.toISOString(), afip: afipUp(), queue: queue(), sequences: [seq()], certificates: [cert()] };
    expect(judgeAfipHealth(h).map((c) => c.id)).toEqual([
      'afip.reachable',
      'afip.certificate.0123456789abcdef',
      'afip.ticket.0123456789abcdef',
      'afip.sequence.20123456786-3-11',
      'invoices.queue',
      'invoices.oldest',
      'invoices.rejected',
    ]);
  });
  it('no sequences at all is said, not passed', () => {
    const checks = judgeAfipHealth({ checkedAt: NOW.toISOString(), afip: notAsked, queue: queue(), sequences: [], certificates: [] });
    expect(checks.find((c) => c.id === 'afip.sequences')).toMatchObject({ status: 'info' });
  });
});
