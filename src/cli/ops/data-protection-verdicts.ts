/**
 * Verdicts of `barberpro ops data-protection-check`, pure: figures in, checks out. The figures
 * are measured by the server (GET /api/v1/admin/ops/data-protection) or on the database.
 */
import type { DataProtectionFigures } from '../../modules/ops/data-protection.js';
import { check, count, type CheckResult } from './report.js';

/** The runbook's daily check: a retention run older than this is a failure. */
export const RETENTION_MAX_AGE_MS = 2 * 86_400_000;

const pct = (n: number, d: number) => (d === 0 ? '100 %' : `${((100 * n) / d).toFixed(1).replace(/\.0$/, '')} %`);

function ageText(ms: number): string {
  const hours = ms / 3_600_000;
  return hours < 48 ? `${hours.toFixed(1)} h` : `${(hours / 24).toFixed(1)} days`;
}

export function judgeEncryptionCoverage(f: DataProtectionFigures, via: string): CheckResult[] {
  const out: CheckResult[] = [];
  for (const personal of [true, false]) {
    const columns = f.columns.filter((c) => c.personal === personal);
    const id = personal ? 'encryption.personal-data' : 'encryption.secrets';
    const title = personal ? 'Personal data encrypted at rest (share of values sealed, per column)' : 'Secrets encrypted at rest (MercadoPago tokens, AFIP keys and tickets)';
    const total = columns.reduce((n, c) => n + c.total, 0);
    const plaintext = columns.reduce((n, c) => n + c.plaintext, 0);
    const details = columns.map((c) => `${c.table}.${c.column}: ${count(c.total - c.plaintext)} of ${count(c.total)} sealed (${pct(c.total - c.plaintext, c.total)})${c.plaintext ? ` — ${count(c.plaintext)} PLAINTEXT` : ''}`);
    const data = columns.map((c) => ({ column: `${c.table}.${c.column}`, total: c.total, sealed: c.total - c.plaintext, plaintext: c.plaintext }));
    if (plaintext > 0) {
      const offending = columns.filter((c) => c.plaintext > 0).map((c) => `${c.table}.${c.column} (${count(c.plaintext)} of ${count(c.total)})`);
      out.push(
        check.fail(id, title, `${count(plaintext)} plaintext value(s) in encrypted columns: ${offending.join(', ')}; ${pct(total - plaintext, total)} sealed overall (${via}). Run \`npx barberpro keys rotate\` to seal them and find the code that wrote them`, {
          details,
          data,
        }),
      );
    } else out.push(check.pass(id, title, `${count(total)} value(s) in ${columns.length} columns, 100 % sealed (${via})`, { details, data }));
  }
  return out;
}

export function judgeKeys(f: DataProtectionFigures): CheckResult {
  const id = 'encryption.keys';
  const title = 'Encryption keys in use';
  const byKey: Record<string, number> = {};
  let legacy = 0;
  for (const c of f.columns) {
    for (const [k, n] of Object.entries(c.byKeyId)) byKey[k] = (byKey[k] ?? 0) + n;
    legacy += c.legacy;
  }
  const inUse = Object.entries(byKey).sort(([a], [b]) => a.localeCompare(b));
  const measured = inUse.length ? inUse.map(([k, n]) => `${k}: ${count(n)}`).join(', ') : 'no sealed values yet';
  const data = { byKeyId: byKey, legacy, keyRing: f.keyRing ?? null };
  if (!f.keyRing) return check.info(id, title, `${measured} (the key ring is the server's: read from the database alone, unreadable keys cannot be told)`, { data });
  const missing = inUse.filter(([k]) => !f.keyRing!.configured.includes(k)).map(([k]) => k);
  if (missing.length) return check.fail(id, title, `values sealed with ${missing.join(', ')}, which the server's key ring (${f.keyRing.configured.join(', ')}) does not have: they cannot be decrypted`, { data });
  const old = inUse.filter(([k]) => k !== f.keyRing!.current);
  if (old.length || legacy)
    return check.warn(id, title, `${measured}; current key ${f.keyRing.current}: ${[old.length ? `${count(old.reduce((n, [, v]) => n + v, 0))} value(s) under older keys` : '', legacy ? `${count(legacy)} pre-envelope (v1) value(s)` : ''].filter(Boolean).join(', ')} — run \`npx barberpro keys rotate\``, { data });
  return check.pass(id, title, `${measured}; all under the current key ${f.keyRing.current}`, { data });
}

export function judgeRetention(f: DataProtectionFigures, now: Date): CheckResult {
  const id = 'retention.last-run';
  const title = 'Retention job ran in the last 2 days';
  const run = f.lastRetentionRun;
  if (!run) return check.fail(id, title, 'the retention job never ran (no row in retention_runs): is the privacy.retention job scheduled and a worker running?');
  const age = now.getTime() - new Date(run.startedAt).getTime();
  const counts = Object.entries(run.counts).map(([k, n]) => `${k} ${count(n)}`).join(', ');
  const data = run;
  if (!run.finishedAt) return check.fail(id, title, `the last run started ${ageText(age)} ago and never finished`, { data });
  if (age > RETENTION_MAX_AGE_MS) return check.fail(id, title, `last run ${ageText(age)} ago (limit 2 days): ${counts}`, { data });
  const failed = Object.entries(run.errors);
  if (failed.length) return check.warn(id, title, `last run ${ageText(age)} ago, but ${failed.map(([k, e]) => `${k} failed: ${e}`).join('; ')}`, { data });
  return check.pass(id, title, `last run ${ageText(age)} ago: ${counts}`, { data });
}

/**
 * Data-subject requests near or past their legal deadline, from the privacy module's summary
 * (`GET /api/v1/admin/privacy/summary`), with consent coverage as context. Its shape is read
 * defensively: only numbers it states are judged.
 */
export function judgePrivacyRequests(status: number | undefined, body: unknown, error?: string): CheckResult {
  const id = 'privacy.requests';
  const title = 'Data-subject requests near or past their legal deadline';
  if (status === 404) return check.skip(id, title, 'not available: this server has no GET /api/v1/admin/privacy/summary (data-subject requests are not tracked here yet)');
  if (status === undefined) return check.fail(id, title, `GET /api/v1/admin/privacy/summary: no answer (${error ?? 'unknown error'})`);
  if (status !== 200) return check.fail(id, title, `GET /api/v1/admin/privacy/summary answered ${status}`);
  const summary = (body ?? {}) as { requests?: Record<string, unknown>; consent?: Record<string, unknown> };
  const number = (v: unknown) => (typeof v === 'number' ? v : undefined);
  const overdue = number(summary.requests?.overdue);
  const dueSoon = number(summary.requests?.dueSoon);
  const coverage = number(summary.consent?.coverage);
  const consent = coverage === undefined ? '' : `; ${(coverage * 100).toFixed(1)} % of accounts accepted the texts in force`;
  if (overdue === undefined) return check.warn(id, title, 'the privacy summary answered, but without an "overdue" count this check can judge', { data: body });
  if (overdue > 0) return check.fail(id, title, `${count(overdue)} request(s) past their legal deadline${dueSoon ? `, ${count(dueSoon)} due soon` : ''}${consent}`, { data: body });
  if (dueSoon) return check.warn(id, title, `none overdue; ${count(dueSoon)} due within 24 hours${consent}`, { data: body });
  return check.pass(id, title, `none overdue or due soon${consent}`, { data: body });
}
