import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import { COLLECTED_PAYMENT_STATUSES } from '../ledger/repository.js';

/**
 * Read-only inspections the ops checks need from the database. One implementation for both
 * ways of reaching it: the server's admin API (the only way on the embedded default, whose
 * database belongs to the server process) and `barberpro ops` with DATABASE_URL.
 */

export interface StatementRow {
  query: string;
  calls: number;
  meanMs: number;
  minMs: number;
  maxMs: number;
  totalMs: number;
}

export interface DbPerformance {
  statsReset: string | null;
  /** pg_stat_statements: absent (with the reason) when the extension is not loaded. */
  statements: { available: true; all: Omit<StatementRow, 'query'>[]; slowest: StatementRow[] } | { available: false; reason: string };
  unusedIndexes: Array<{ table: string; index: string; scans: number; sizeBytes: number }>;
  tables: Array<{ table: string; liveRows: number; seqScans: number; seqRowsRead: number; indexScans: number }>;
  /** The runbook's "Index usage analysis" over pg_stats, first rows. */
  columnStats: Array<{ schemaname: string; tablename: string; attname: string; nDistinct: number | null; correlation: number | null }>;
}

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

async function statementStats(db: Kysely<DB>): Promise<DbPerformance['statements']> {
  const ext = await sql<{ installed: boolean; available: boolean; preload: string }>`
    select exists (select 1 from pg_extension where extname = 'pg_stat_statements') as installed,
           exists (select 1 from pg_available_extensions where name = 'pg_stat_statements') as available,
           current_setting('shared_preload_libraries', true) as preload`.execute(db);
  const row = ext.rows[0];
  if (!row?.installed) {
    const preload = (row?.preload ?? '').includes('pg_stat_statements');
    return {
      available: false,
      reason: !row?.available
        ? 'the pg_stat_statements extension is not available on this server'
        : !preload
          ? 'pg_stat_statements is not in shared_preload_libraries and not created in this database (add it, restart, then CREATE EXTENSION pg_stat_statements)'
          : 'pg_stat_statements is preloaded but not created in this database (CREATE EXTENSION pg_stat_statements)',
    };
  }
  try {
    // PostgreSQL 13 renamed the timing columns: total_time → total_exec_time, mean_time → mean_exec_time …
    const all = await sql<{ calls: string; mean: number; min: number; max: number; total: number }>`
      select calls, mean_exec_time as mean, min_exec_time as min, max_exec_time as max, total_exec_time as total
      from pg_stat_statements
      where dbid = (select oid from pg_database where datname = current_database()) and calls > 0`.execute(db);
    // The runbook's weekly query, with the PostgreSQL 13+ column names.
    const slowest = await sql<{ query: string; mean_exec_time: number; calls: string; total_exec_time: number; min_exec_time: number; max_exec_time: number }>`
      select query, mean_exec_time, calls, total_exec_time, min_exec_time, max_exec_time
      from pg_stat_statements
      where calls > 100 and dbid = (select oid from pg_database where datname = current_database())
      order by mean_exec_time desc limit 10`.execute(db);
    return {
      available: true,
      all: all.rows.map((r) => ({ calls: num(r.calls), meanMs: num(r.mean), minMs: num(r.min), maxMs: num(r.max), totalMs: num(r.total) })),
      slowest: slowest.rows.map((r) => ({ query: r.query, calls: num(r.calls), meanMs: num(r.mean_exec_time), minMs: num(r.min_exec_time), maxMs: num(r.max_exec_time), totalMs: num(r.total_exec_time) })),
    };
  } catch (error) {
    // Created but not preloaded: the view exists and refuses to be read.
    return { available: false, reason: `pg_stat_statements cannot be read: ${error instanceof Error ? error.message : String(error)}` };
  }
}

export async function inspectDbPerformance(db: Kysely<DB>): Promise<DbPerformance> {
  const [statements, reset, unused, tables, columnStats] = await Promise.all([
    statementStats(db),
    sql<{ stats_reset: Date | null }>`select stats_reset from pg_stat_database where datname = current_database()`.execute(db),
    // Unique and constraint indexes enforce rules even when never scanned: not candidates.
    sql<{ table: string; index: string; scans: string; size_bytes: string }>`
      select s.relname as table, s.indexrelname as index, s.idx_scan as scans, pg_relation_size(s.indexrelid) as size_bytes
      from pg_stat_user_indexes s
      join pg_index i on i.indexrelid = s.indexrelid
      where s.schemaname = current_schema() and s.idx_scan = 0 and not i.indisunique and not i.indisprimary
        and not exists (select 1 from pg_constraint c where c.conindid = s.indexrelid)
      order by pg_relation_size(s.indexrelid) desc, s.indexrelname`.execute(db),
    sql<{ table: string; live_rows: string; seq_scan: string; seq_tup_read: string; idx_scan: string | null }>`
      select relname as table, n_live_tup as live_rows, seq_scan, seq_tup_read, idx_scan
      from pg_stat_user_tables where schemaname = current_schema() order by n_live_tup desc`.execute(db),
    // The runbook's "Index usage analysis" (its columns are unchanged in PostgreSQL 13+).
    sql<{ schemaname: string; tablename: string; attname: string; n_distinct: number | null; correlation: number | null }>`
      select schemaname, tablename, attname, n_distinct, correlation
      from pg_stats
      where schemaname = 'public'
      order by n_distinct desc limit 20`.execute(db),
  ]);
  const statsReset = reset.rows[0]?.stats_reset ?? null;
  return {
    statsReset: statsReset ? new Date(statsReset).toISOString() : null,
    statements,
    unusedIndexes: unused.rows.map((r) => ({ table: r.table, index: r.index, scans: num(r.scans), sizeBytes: num(r.size_bytes) })),
    tables: tables.rows.map((r) => ({ table: r.table, liveRows: num(r.live_rows), seqScans: num(r.seq_scan), seqRowsRead: num(r.seq_tup_read), indexScans: num(r.idx_scan) })),
    columnStats: columnStats.rows.map((r) => ({ schemaname: r.schemaname, tablename: r.tablename, attname: r.attname, nDistinct: r.n_distinct === null ? null : Number(r.n_distinct), correlation: r.correlation === null ? null : Number(r.correlation) })),
  };
}

export interface Coverage {
  available: boolean;
  reason?: string;
  expected: number;
  missing: Array<{ id: string; ageMinutes: number }>;
}

export interface FinancialDocuments {
  invoices: Coverage;
  creditNotes: Coverage;
}

const ISSUE = 'issue 4 (AFIP invoices) brings it';

async function columnsOf(db: Kysely<DB>, table: string): Promise<Set<string> | undefined> {
  const present = await sql<{ present: boolean }>`select to_regclass(${`public.${table}`}) is not null as present`.execute(db);
  if (!present.rows[0]?.present) return undefined;
  const cols = await sql<{ column_name: string }>`
    select column_name from information_schema.columns where table_schema = 'public' and table_name = ${table}`.execute(db);
  return new Set(cols.rows.map((r) => r.column_name));
}

const unavailable = (reason: string): Coverage => ({ available: false, reason, expected: 0, missing: [] });

/**
 * Every collected payment has an invoice and every refund a credit note, issued or queued:
 * any `invoices` row of the right kind that AFIP has not rejected. Refunds are the ledger's
 * refund entries (one per MercadoPago refund); a credit note documents one by carrying its
 * ledger key in `source_ref`. The invoices table is new, so its shape is checked first and
 * an unknown shape is reported, never guessed at.
 */
export async function inspectFinancialDocuments(db: Kysely<DB>, limit = 100): Promise<FinancialDocuments> {
  const [payments, invoices] = await Promise.all([columnsOf(db, 'payments'), columnsOf(db, 'invoices')]);
  const collected = sql.join(COLLECTED_PAYMENT_STATUSES.map((s) => sql.lit(s)));
  const needed = ['payment_id', 'kind', 'source_ref'];
  const shape = invoices ? needed.filter((c) => !invoices.has(c)) : needed;
  const live = invoices?.has('status') ? sql`and i.status <> 'rejected'` : sql``;

  let invoiceCoverage: Coverage;
  let creditCoverage: Coverage;
  if (!invoices) {
    invoiceCoverage = creditCoverage = unavailable(`the database has no invoices table yet (${ISSUE})`);
  } else if (shape.length) {
    invoiceCoverage = creditCoverage = unavailable(`the invoices table lacks ${shape.join(', ')}: cannot relate vouchers to payments and refunds`);
  } else {
    if (!payments) invoiceCoverage = unavailable('the database has no payments table');
    else {
      const [expected, missing] = await Promise.all([
        sql<{ n: string }>`select count(*) as n from payments p where p.status::text in (${collected})`.execute(db),
        sql<{ id: string; age_minutes: number }>`
          select p.id::text as id, extract(epoch from (now() - coalesce(p.approved_at, p.created_at))) / 60 as age_minutes
          from payments p
          where p.status::text in (${collected})
            and not exists (select 1 from invoices i where i.payment_id = p.id and i.kind = 'invoice' ${live})
          order by coalesce(p.approved_at, p.created_at) limit ${limit}`.execute(db),
      ]);
      invoiceCoverage = { available: true, expected: num(expected.rows[0]?.n), missing: missing.rows.map((r) => ({ id: `payment ${r.id}`, ageMinutes: Number(r.age_minutes) })) };
    }
    const [expected, missing] = await Promise.all([
      sql<{ n: string }>`select count(*) as n from ledger_entries e where e.kind = 'refund'`.execute(db),
      sql<{ key: string; age_minutes: number }>`
        select e.idempotency_key as key, extract(epoch from (now() - e.created_at)) / 60 as age_minutes
        from ledger_entries e
        where e.kind = 'refund'
          and not exists (select 1 from invoices i where i.source_ref = e.idempotency_key and i.kind = 'credit_note' ${live})
        order by e.created_at limit ${limit}`.execute(db),
    ]);
    creditCoverage = { available: true, expected: num(expected.rows[0]?.n), missing: missing.rows.map((r) => ({ id: `refund ${r.key}`, ageMinutes: Number(r.age_minutes) })) };
  }
  return { invoices: invoiceCoverage, creditNotes: creditCoverage };
}
