import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { PersonalDataCipher } from './personal-data.js';
import { sealedOf } from './personal-data.js';
import { SEALED_COLUMNS, sealContext, type SealedColumn } from './sealed-columns.js';
import { isSealed } from './secret-box.js';

/** What one column holds: values per key id (v2 envelopes and legacy v1), and plaintext ones. */
export interface ColumnCoverage {
  table: string;
  column: string;
  personal: boolean;
  /** Non-null values. */
  total: number;
  /** Sealed values per key id (v1 and v2 together). */
  byKeyId: Record<string, number>;
  /** Sealed values still in the pre-envelope v1 format (in total, and per key id). */
  legacy: number;
  legacyByKeyId: Record<string, number>;
  plaintext: number;
}

export interface ColumnRotation {
  table: string;
  column: string;
  /** Values re-wrapped under the current key, per key id they were under. */
  rotatedFrom: Record<string, number>;
  /** Plaintext values sealed (rows written before encryption, or by code that forgot to seal). */
  sealedPlaintext: number;
  /** Values a concurrent write changed between read and update: already written by the app, under the current key. */
  skippedConcurrent: number;
  /** Values that could not be opened (unknown key, wrong context, corrupt); left as they are. */
  failed: number;
  firstError?: string;
}

export interface RotationOptions {
  batchSize?: number;
  /** Only seal plaintext (the migrate-time step); sealed values are left under their key. */
  plaintextOnly?: boolean;
  onProgress?: (progress: ColumnRotation & { scanned: number }) => void;
  columns?: readonly SealedColumn[];
}

/** The sealed string as SQL text: the column itself, or the "sealed" member of the jsonb. */
function valueExpr(c: SealedColumn): RawBuilder<string | null> {
  return c.format === 'json' ? sql<string | null>`(${sql.ref(c.column)} ->> 'sealed')` : sql<string | null>`${sql.ref(c.column)}`;
}

const SEALED_SQL_PATTERN = '^v[12]\\.[A-Za-z0-9_-]+\\.';

/**
 * Re-encrypts every sealed value under the key ring's current key, and seals any plaintext it
 * finds. Online: each row is updated on its own with a compare-and-set on the value it read, so
 * application writes are never overwritten and readers see either version (both decrypt while
 * the old key stays in the ring). Idempotent and resumable: it only touches values not yet
 * under the current key, so a second run (or a run after an interruption) does what is left.
 */
export async function rotateSealedValues(db: Kysely<any>, cipher: PersonalDataCipher, options: RotationOptions = {}): Promise<ColumnRotation[]> {
  const batchSize = options.batchSize ?? 500;
  const current = cipher.box.currentKeyId;
  const reports: ColumnRotation[] = [];
  for (const c of options.columns ?? SEALED_COLUMNS) {
    const report: ColumnRotation = { table: c.table, column: c.column, rotatedFrom: {}, sealedPlaintext: 0, skippedConcurrent: 0, failed: 0 };
    const value = valueExpr(c);
    const pending = options.plaintextOnly
      ? sql`(${value} is null or ${value} !~ ${SEALED_SQL_PATTERN})`
      : sql`(${value} is null or ${value} not like ${`v2.${current}.%`})`;
    // Keyset pagination on the primary key (index order): a value that fails stays behind the cursor.
    let cursor: string | undefined;
    let scanned = 0;
    for (;;) {
      const after = cursor === undefined ? sql`true` : sql`${sql.ref(c.key)} > ${cursor}`;
      const { rows } = await sql<{ k: string; v: string }>`
        select ${sql.ref(c.key)}::text as k, ${sql.ref(c.column)}::text as v
        from ${sql.table(c.table)}
        where ${sql.ref(c.column)} is not null and ${pending} and ${after}
        order by ${sql.ref(c.key)}
        limit ${batchSize}`.execute(db);
      if (rows.length === 0) break;
      for (const row of rows) {
        cursor = row.k;
        await rotateOne(db, cipher, c, row, report);
      }
      scanned += rows.length;
      options.onProgress?.({ ...report, scanned });
    }
    reports.push(report);
  }
  return reports;
}

async function rotateOne(db: Kysely<any>, cipher: PersonalDataCipher, c: SealedColumn, row: { k: string; v: string }, report: ColumnRotation): Promise<void> {
  const context = sealContext(c, row.k);
  const sealed = c.format === 'json' ? sealedOf(JSON.parse(row.v)) : isSealed(row.v) ? row.v : undefined;
  let next: string;
  let hash: string | null | undefined;
  try {
    if (sealed !== undefined) {
      next = cipher.box.rewrap(sealed, context);
      if (next === sealed) return;
    } else {
      next = cipher.seal(row.v, context);
      if (c.hash) hash = cipher.keyedHash(c.hash.kind, c.hash.of(row.v));
    }
  } catch (error) {
    report.failed++;
    // The error names the key or says the tag failed; it never contains the value.
    report.firstError ??= `${c.key} ${row.k}: ${error instanceof Error ? error.message : String(error)}`;
    return;
  }
  const newValue = c.format === 'json' ? sql`${JSON.stringify({ sealed: next })}::jsonb` : sql`${next}`;
  const oldValue = c.format === 'json' ? sql`${row.v}::jsonb` : sql`${row.v}`;
  const setHash = c.hash && hash !== undefined ? sql`, ${sql.ref(c.hash.column)} = ${hash}` : sql``;
  const result = await sql`
    update ${sql.table(c.table)} set ${sql.ref(c.column)} = ${newValue}${setHash}
    where ${sql.ref(c.key)} = ${row.k} and ${sql.ref(c.column)} = ${oldValue}`.execute(db);
  if (Number(result.numAffectedRows ?? 0n) === 0) report.skippedConcurrent++;
  else if (sealed !== undefined) {
    const from = cipher.box.keyIdOf(sealed) ?? '?';
    report.rotatedFrom[from] = (report.rotatedFrom[from] ?? 0) + 1;
  } else report.sealedPlaintext++;
}

/** Measured from the database: what every sealed column holds, per key id and in plaintext. */
export async function sealedCoverage(db: Kysely<any>, columns: readonly SealedColumn[] = SEALED_COLUMNS): Promise<ColumnCoverage[]> {
  const out: ColumnCoverage[] = [];
  for (const c of columns) {
    const value = valueExpr(c);
    const { rows } = await sql<{ version: string | null; key_id: string | null; n: string | number }>`
      select case when ${value} ~ ${SEALED_SQL_PATTERN} then split_part(${value}, '.', 1) end as version,
             case when ${value} ~ ${SEALED_SQL_PATTERN} then split_part(${value}, '.', 2) end as key_id,
             count(*) as n
      from ${sql.table(c.table)}
      where ${sql.ref(c.column)} is not null
      group by 1, 2`.execute(db);
    const coverage: ColumnCoverage = { table: c.table, column: c.column, personal: c.personal, total: 0, byKeyId: {}, legacy: 0, legacyByKeyId: {}, plaintext: 0 };
    for (const r of rows) {
      const n = Number(r.n);
      coverage.total += n;
      if (r.key_id === null) coverage.plaintext += n;
      else {
        coverage.byKeyId[r.key_id] = (coverage.byKeyId[r.key_id] ?? 0) + n;
        if (r.version === 'v1') {
          coverage.legacy += n;
          coverage.legacyByKeyId[r.key_id] = (coverage.legacyByKeyId[r.key_id] ?? 0) + n;
        }
      }
    }
    out.push(coverage);
  }
  return out;
}

/** Seals plaintext left in sealed columns; what `migrate` and `serve` run after the migrations. */
export async function sealPlaintext(db: Kysely<any>, cipher: PersonalDataCipher): Promise<ColumnRotation[]> {
  return rotateSealedValues(db, cipher, { plaintextOnly: true });
}

/**
 * The migrate-time step (migrate, seed, serve): rows written in plaintext before migration 0007,
 * or by the demo seed, are sealed with the configured keys. Returns how many values it sealed;
 * throws when a value could not be processed, so a deploy does not go on half-done.
 */
export async function sealPlaintextAtMigrate(db: Kysely<any>, cipher: PersonalDataCipher): Promise<number> {
  const reports = await sealPlaintext(db, cipher);
  const failed = reports.filter((r) => r.failed > 0);
  if (failed.length) throw new Error(`Sealing plaintext personal data failed: ${failed.map((r) => `${r.table}.${r.column}: ${r.failed} (${r.firstError})`).join('; ')}`);
  return reports.reduce((n, r) => n + r.sealedPlaintext, 0);
}
