import { describe, expect, it } from 'vitest';
import type { DataProtectionFigures } from '../../modules/ops/data-protection.js';
import { judgeEncryptionCoverage, judgeKeys, judgePrivacyRequests, judgeRetention } from './data-protection-verdicts.js';

const NOW = new Date('2026-12-01T12:00:00Z');
const column = (table: string, col: string, byKeyId: Record<string, number>, plaintext = 0, personal = true, legacy = 0) => ({
  table,
  column: col,
  personal,
  total: Object.values(byKeyId).reduce((a, b) => a + b, 0) + plaintext,
  byKeyId,
  legacy,
  legacyByKeyId: legacy ? { [Object.keys(byKeyId)[0]!]: legacy } : {},
  plaintext,
});
const figures = (over: Partial<DataProtectionFigures> = {}): DataProtectionFigures => ({
  checkedAt: NOW.toISOString(),
  columns: [column('users', 'phone', { k2: 8 }), column('merchant_accounts', 'access_token_sealed', { k2: 2 }, 0, false)],
  keyRing: { current: 'k2', configured: ['k2', 'k1'] },
  lastRetentionRun: { startedAt: new Date(NOW.getTime() - 3_600_000).toISOString(), finishedAt: NOW.toISOString(), counts: { expired_holds: 2 }, errors: {} },
  ...over,
});

describe('data-protection verdicts', () => {
  it('coverage: pass at 100 %, fail naming each column with plaintext and the share sealed', () => {
    expect(judgeEncryptionCoverage(figures(), 'db').map((c) => c.status)).toEqual(['pass', 'pass']);
    const [personal, secrets] = judgeEncryptionCoverage(figures({ columns: [column('users', 'phone', { k2: 3 }, 1), column('invoices', 'receiver', { k2: 4 }), column('afip_tickets', 'token_sealed', {}, 2, false)] }), 'db');
    expect(personal!.status).toBe('fail');
    expect(personal!.measured).toMatch(/^1 plaintext value\(s\) in encrypted columns: users\.phone \(1 of 4\); 87\.5 % sealed overall/);
    expect(secrets!.measured).toMatch(/afip_tickets\.token_sealed \(2 of 2\); 0 % sealed/);
  });

  it('keys: fail on a key the ring lacks, warn while values are under an older key or v1, pass when all current', () => {
    expect(judgeKeys(figures()).status).toBe('pass');
    expect(judgeKeys(figures({ columns: [column('users', 'phone', { k2: 1, k1: 3 })] })).measured).toMatch(/3 value\(s\) under older keys/);
    expect(judgeKeys(figures({ columns: [column('users', 'phone', { k2: 2 }, 0, true, 2)] })).status).toBe('warn');
    const missing = judgeKeys(figures({ columns: [column('users', 'phone', { k0: 1 })] }));
    expect(missing).toMatchObject({ status: 'fail', measured: expect.stringMatching(/^values sealed with k0, which the server's key ring \(k2, k1\) does not have/) });
    const { keyRing: _omit, ...withoutRing } = figures();
    expect(judgeKeys(withoutRing).status).toBe('info');
  });

  it('retention: red when never run, unfinished or older than 2 days; amber when a kind failed', () => {
    expect(judgeRetention(figures(), NOW).status).toBe('pass');
    expect(judgeRetention(figures({ lastRetentionRun: null }), NOW).status).toBe('fail');
    const old = figures({ lastRetentionRun: { startedAt: new Date(NOW.getTime() - 49 * 3_600_000).toISOString(), finishedAt: NOW.toISOString(), counts: {}, errors: {} } });
    expect(judgeRetention(old, NOW)).toMatchObject({ status: 'fail', measured: expect.stringMatching(/^last run 2\.0 days ago \(limit 2 days\)/) });
    const just = figures({ lastRetentionRun: { startedAt: new Date(NOW.getTime() - 47 * 3_600_000).toISOString(), finishedAt: NOW.toISOString(), counts: {}, errors: {} } });
    expect(judgeRetention(just, NOW).status).toBe('pass');
    expect(judgeRetention(figures({ lastRetentionRun: { startedAt: NOW.toISOString(), finishedAt: null, counts: {}, errors: {} } }), NOW).status).toBe('fail');
    expect(judgeRetention(figures({ lastRetentionRun: { startedAt: NOW.toISOString(), finishedAt: NOW.toISOString(), counts: {}, errors: { unused_accounts: 'fk' } } }), NOW).status).toBe('warn');
  });

  it('requests: not available on 404 (never green), judged on the counts the summary states', () => {
    expect(judgePrivacyRequests(404, undefined)).toMatchObject({ status: 'skip', measured: expect.stringMatching(/^not available/) });
    expect(judgePrivacyRequests(undefined, undefined, 'ECONNREFUSED').status).toBe('fail');
    expect(judgePrivacyRequests(200, { requests: { overdue: 1, dueSoon: 2 } }).status).toBe('fail');
    expect(judgePrivacyRequests(200, { requests: { overdue: 0, dueSoon: 2 } }).status).toBe('warn');
    expect(judgePrivacyRequests(200, { requests: { overdue: 0, dueSoon: 0 }, consent: { coverage: 0.5 } }).status).toBe('pass');
    expect(judgePrivacyRequests(200, { something: 'else' }).status).toBe('warn');
  });
});
