import { sql, type Kysely } from 'kysely';
import type { DB } from '../../src/platform/db/schema.js';

/**
 * Row counts of every application table, in one statement: a cheap before/after snapshot
 * proving a refused request wrote nothing anywhere.
 */
export async function tableCounts(db: Kysely<DB>): Promise<Record<string, number>> {
  const tables = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'kysely_%'
    order by table_name`.execute(db);
  if (tables.rows.length === 0) return {};
  const union = sql.join(
    tables.rows.map((t) => sql`select ${t.name}::text as name, count(*)::int as n from ${sql.table(t.name)}`),
    sql` union all `,
  );
  const rows = await sql<{ name: string; n: number }>`${union}`.execute(db);
  return Object.fromEntries(rows.rows.map((r) => [r.name, Number(r.n)]));
}

/** Tables whose counts differ, as `table: before → after`. */
export function countChanges(before: Record<string, number>, after: Record<string, number>): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((t) => before[t] !== after[t]).map((t) => `${t}: ${before[t]} → ${after[t]}`);
}
