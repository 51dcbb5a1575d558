/**
 * dr-readiness-check: what can be measured from here. WAL archiving (pg_stat_archiver) is the
 * database's own continuous backup; snapshot age and restore-test records live in the cloud
 * account that the deployment issue (#8) sets up, so those are skipped, never assumed.
 */
import pg from 'pg';
import { describeError, redactUrl, type OpsContext } from '../context.js';
import { check, type CheckResult } from '../report.js';

/** The runbook's RPO for the database. */
export const DATABASE_RPO_MINUTES = 15;

export interface ArchiverState {
  archiveMode: string;
  archiveTimeoutSeconds: number;
  archivedCount: number;
  lastArchivedAt: Date | null;
  failedCount: number;
  lastFailedAt: Date | null;
}

export function judgeArchiver(s: ArchiverState, now: Date, rpoMinutes = DATABASE_RPO_MINUTES): CheckResult {
  const title = `WAL archiving vs RPO (< ${rpoMinutes} min)`;
  if (s.archiveMode === 'off') return check.fail('dr.wal', title, 'archive_mode is off: this server keeps no WAL archive, so no point-in-time recovery from it');
  if (s.lastFailedAt && (!s.lastArchivedAt || s.lastFailedAt > s.lastArchivedAt))
    return check.fail('dr.wal', title, `archiving is failing: last failure ${s.lastFailedAt.toISOString()} (${s.failedCount} failures), last success ${s.lastArchivedAt?.toISOString() ?? 'never'}`);
  if (!s.lastArchivedAt) return check.fail('dr.wal', title, 'archive_mode is on but no WAL segment was ever archived');
  const age = (now.getTime() - s.lastArchivedAt.getTime()) / 60_000;
  const figure = `last segment archived ${age.toFixed(1)} min ago (${s.archivedCount} archived, archive_timeout ${s.archiveTimeoutSeconds} s)`;
  if (age <= rpoMinutes) return check.pass('dr.wal', title, figure);
  const hint = s.archiveTimeoutSeconds === 0 || s.archiveTimeoutSeconds > rpoMinutes * 60 ? [`archive_timeout is ${s.archiveTimeoutSeconds} s: a quiet database may leave up to that much unarchived; set it under ${rpoMinutes * 60} s`] : [];
  return check.fail('dr.wal', title, figure, { details: hint });
}

export async function runDrReadiness(ctx: OpsContext): Promise<CheckResult[]> {
  const checks: CheckResult[] = [];
  const ready = await ctx.http('GET', '/readyz');
  checks.push(
    ready.status === 200
      ? check.pass('dr.primary', 'Primary serving (GET /readyz)', `200 ${(ready.json as { status?: string } | undefined)?.status ?? ''}`.trim())
      : check.fail('dr.primary', 'Primary serving (GET /readyz)', `${ready.status ?? ready.error}`),
  );
  if (!ctx.databaseUrl) checks.push(check.skip('dr.wal', `WAL archiving vs RPO (< ${DATABASE_RPO_MINUTES} min)`, 'DATABASE_URL is not set (the embedded database has no WAL archive)'));
  else {
    const client = new pg.Client({ connectionString: ctx.databaseUrl, connectionTimeoutMillis: 5_000 });
    try {
      await client.connect();
      const r = await client.query<{ archive_mode: string; archive_timeout: string; archived_count: string; last_archived_time: Date | null; failed_count: string; last_failed_time: Date | null }>(
        `select current_setting('archive_mode') as archive_mode, current_setting('archive_timeout') as archive_timeout,
                archived_count, last_archived_time, failed_count, last_failed_time from pg_stat_archiver`,
      );
      const row = r.rows[0]!;
      checks.push(
        judgeArchiver(
          {
            archiveMode: row.archive_mode,
            archiveTimeoutSeconds: parseSeconds(row.archive_timeout),
            archivedCount: Number(row.archived_count),
            lastArchivedAt: row.last_archived_time,
            failedCount: Number(row.failed_count),
            lastFailedAt: row.last_failed_time,
          },
          new Date(),
        ),
      );
    } catch (error) {
      checks.push(check.fail('dr.wal', `WAL archiving vs RPO (< ${DATABASE_RPO_MINUTES} min)`, `${redactUrl(ctx.databaseUrl)}: ${describeError(error)}`));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  checks.push(check.skip('dr.snapshot', 'Last backup snapshot age vs RPO', 'needs the deployment issue (#8): snapshots are taken in the cloud account it sets up'));
  checks.push(check.skip('dr.restore-test', 'Last restore test vs the weekly/monthly schedule', 'needs the deployment issue (#8): no restore test is recorded anywhere yet'));
  return checks;
}

/** PostgreSQL shows durations as '0', '60s', '5min', '1h'. */
export function parseSeconds(text: string): number {
  const m = /^(\d+)\s*(ms|s|min|h|d)?$/.exec(text.trim());
  if (!m) return NaN;
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  return unit === 'ms' ? n / 1000 : unit === 's' ? n : unit === 'min' ? n * 60 : unit === 'h' ? n * 3600 : n * 86_400;
}
