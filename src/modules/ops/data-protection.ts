import { sql, type Kysely } from 'kysely';
import { sealedCoverage, type ColumnCoverage } from '../../platform/crypto/rotation.js';
import type { DB } from '../../platform/db/schema.js';

export interface DataProtectionFigures {
  checkedAt: string;
  /** Every sealed column, measured: values per key id, legacy v1 values, plaintext values. */
  columns: ColumnCoverage[];
  /** The server's key ring; absent when read from the database alone (the keys are the server's). */
  keyRing?: { current: string; configured: string[] };
  /** The retention job's latest run; null when it never ran (or migration 0007 is missing). */
  lastRetentionRun: { startedAt: string; finishedAt: string | null; counts: Record<string, number>; errors: Record<string, string> } | null;
}

/** Measured from the database: encryption coverage per column and the last retention run. */
export async function inspectDataProtection(db: Kysely<DB>, now: Date, keyRing?: { current: string; configured: string[] }): Promise<DataProtectionFigures> {
  const present = await sql<{ present: boolean }>`select to_regclass('retention_runs') is not null as present`.execute(db);
  const columns = await sealedCoverage(db);
  let lastRetentionRun: DataProtectionFigures['lastRetentionRun'] = null;
  if (present.rows[0]?.present) {
    const row = await db.selectFrom('retention_runs').selectAll().orderBy('started_at', 'desc').limit(1).executeTakeFirst();
    if (row)
      lastRetentionRun = {
        startedAt: new Date(row.started_at).toISOString(),
        finishedAt: row.finished_at ? new Date(row.finished_at).toISOString() : null,
        counts: row.counts,
        errors: row.errors,
      };
  }
  return { checkedAt: now.toISOString(), columns, ...(keyRing ? { keyRing } : {}), lastRetentionRun };
}
