/**
 * data-protection-check: encryption coverage measured per column, keys in use, the retention
 * job's last run (through GET /api/v1/admin/ops/data-protection, or the database directly) and,
 * when the server tracks them, data-subject requests near or past their deadline.
 */
import { inspectDataProtection, type DataProtectionFigures } from '../../../modules/ops/data-protection.js';
import { bearer, sourceFor, type OpsContext } from '../context.js';
import { judgeEncryptionCoverage, judgeKeys, judgePrivacyRequests, judgeRetention } from '../data-protection-verdicts.js';
import { check, type CheckResult } from '../report.js';
import { fetchAdmin } from './admin.js';

export const DATA_PROTECTION_PATH = '/api/v1/admin/ops/data-protection';
export const PRIVACY_SUMMARY_PATH = '/api/v1/admin/privacy/summary';

export async function runDataProtectionCheck(ctx: OpsContext, now: () => Date = () => new Date()): Promise<CheckResult[]> {
  ctx.progress('measuring encryption at rest per column and reading the last retention run');
  const source = sourceFor(ctx);
  const got = await fetchAdmin<DataProtectionFigures>(ctx, source, DATA_PROTECTION_PATH, (database) => inspectDataProtection(database.db, now()));
  const checks: CheckResult[] = got.ok
    ? [...judgeEncryptionCoverage(got.value, got.via), judgeKeys(got.value), judgeRetention(got.value, now())]
    : [got.result('encryption.personal-data', 'Personal data encrypted at rest'), got.result('retention.last-run', 'Retention job ran in the last 2 days')];
  if (source.kind === 'api') {
    ctx.progress('asking for data-subject requests near their deadline');
    const res = await ctx.http('GET', PRIVACY_SUMMARY_PATH, { headers: bearer(source.token) });
    checks.push(judgePrivacyRequests(res.status, res.json, res.error));
  } else checks.push(check.skip('privacy.requests', 'Data-subject requests near or past their legal deadline', 'not available without BARBERPRO_ADMIN_TOKEN (the server answers it)'));
  return checks;
}
