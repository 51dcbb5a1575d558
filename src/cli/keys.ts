import type { Command } from 'commander';
import { sql } from 'kysely';
import { parseBatchSize } from '../modules/audit/cli.js';
import { loadConfig, type AppConfig } from '../platform/config.js';
import { createPersonalDataCipher } from '../platform/crypto/personal-data.js';
import { rotateSealedValues, sealedCoverage, type ColumnCoverage, type ColumnRotation } from '../platform/crypto/rotation.js';
import { createDatabase, type Database } from '../platform/db/database.js';
import { DataDirLockedError } from '../platform/db/data-dir-lock.js';

/** Exit codes of `barberpro keys …`. */
export const KEYS_EXIT = { ok: 0, incomplete: 1, cannotRun: 2 } as const;

export interface KeysOptions {
  json?: boolean;
  batchSize?: number;
}

export interface KeysOutput {
  log(line: string): void;
  error(line: string): void;
}

/** Where every sealed column stands against the configured key ring. */
export interface KeyStatus {
  database: string;
  currentKeyId: string;
  configuredKeyIds: string[];
  columns: ColumnCoverage[];
  /** Values per key id over all columns. */
  byKeyId: Record<string, number>;
  /** Key ids values are sealed with that the ring does not have: those values cannot be read. */
  missingKeyIds: string[];
  /** Configured keys no value uses any more: safe to remove from DATA_ENCRYPTION_KEYS. */
  unusedKeyIds: string[];
  plaintext: number;
  legacy: number;
  total: number;
  /** Share of non-null values under the current key (1 when there is nothing). */
  currentShare: number;
}

export function summarizeKeyStatus(database: string, currentKeyId: string, configuredKeyIds: string[], columns: ColumnCoverage[]): KeyStatus {
  const byKeyId: Record<string, number> = {};
  let plaintext = 0;
  let legacy = 0;
  let total = 0;
  for (const c of columns) {
    for (const [k, n] of Object.entries(c.byKeyId)) byKeyId[k] = (byKeyId[k] ?? 0) + n;
    plaintext += c.plaintext;
    legacy += c.legacy;
    total += c.total;
  }
  // v1 values under the current key are not current yet: rotation rewrites them as envelopes.
  const current = (byKeyId[currentKeyId] ?? 0) - columns.reduce((n, c) => n + (c.legacyByKeyId[currentKeyId] ?? 0), 0);
  return {
    database,
    currentKeyId,
    configuredKeyIds,
    columns,
    byKeyId,
    missingKeyIds: Object.keys(byKeyId).filter((k) => !configuredKeyIds.includes(k)),
    unusedKeyIds: configuredKeyIds.filter((k) => k !== currentKeyId && !byKeyId[k]),
    plaintext,
    legacy,
    total,
    currentShare: total === 0 ? 1 : current / total,
  };
}

/** The database to work on: the given one (tests, an embedding process; left open), else the configured one. */
async function open(config: AppConfig, out: KeysOutput, given?: Database): Promise<Database | undefined> {
  try {
    const database = given ? { ...given, close: async () => undefined } : await createDatabase(config.database);
    const present = await sql<{ present: boolean }>`select to_regclass('public.retention_runs') is not null as present`.execute(database.db);
    if (!present.rows[0]?.present) {
      out.error(`${database.description} is not migrated to encryption at rest: run \`npx barberpro migrate\` first.`);
      await database.close();
      return undefined;
    }
    return database;
  } catch (error) {
    if (error instanceof DataDirLockedError) {
      // Online rotation needs a server database; the embedded one belongs to the running server.
      out.error(`${error.message}\nStop the server to rotate the embedded database's keys (with DATABASE_URL, rotation runs while the app serves).`);
      return undefined;
    }
    throw error;
  }
}

export async function runKeysStatus(config: AppConfig, options: KeysOptions, out: KeysOutput = console, given?: Database): Promise<number> {
  const cipher = createPersonalDataCipher(config);
  const database = await open(config, out, given);
  if (!database) return KEYS_EXIT.cannotRun;
  try {
    const status = summarizeKeyStatus(database.description, cipher.box.currentKeyId, cipher.box.keyIds, await sealedCoverage(database.db));
    if (options.json) out.log(JSON.stringify(status));
    else for (const line of statusLines(status)) out.log(line);
    return status.missingKeyIds.length || status.plaintext ? KEYS_EXIT.incomplete : KEYS_EXIT.ok;
  } finally {
    await database.close();
  }
}

export function statusLines(s: KeyStatus): string[] {
  const pct = (n: number, d: number) => (d === 0 ? '—' : `${((100 * n) / d).toFixed(1)}%`);
  const lines = [`Sealed values on ${s.database}: ${s.total}; current key ${s.currentKeyId}; ring ${s.configuredKeyIds.join(', ')}`];
  for (const [k, n] of Object.entries(s.byKeyId).sort()) lines.push(`  key ${k}: ${n} value(s) (${pct(n, s.total)})${s.configuredKeyIds.includes(k) ? '' : ' — NOT IN THE RING: unreadable'}`);
  if (s.plaintext) lines.push(`  plaintext: ${s.plaintext} value(s) in encrypted columns (run \`npx barberpro keys rotate\` to seal them)`);
  if (s.legacy) lines.push(`  legacy v1 (pre-envelope): ${s.legacy} value(s)`);
  lines.push('Per column:');
  for (const c of s.columns) {
    const keys = Object.entries(c.byKeyId).map(([k, n]) => `${k} ${n}`).join(', ') || 'no values';
    lines.push(`  ${c.table}.${c.column}: ${c.total} — ${keys}${c.plaintext ? `, plaintext ${c.plaintext}` : ''}${c.legacy ? `, v1 ${c.legacy}` : ''}`);
  }
  if (s.unusedKeyIds.length) lines.push(`No value uses ${s.unusedKeyIds.join(', ')}: it can be removed from DATA_ENCRYPTION_KEYS.`);
  return lines;
}

export async function runKeysRotate(config: AppConfig, options: KeysOptions, out: KeysOutput = console, given?: Database): Promise<number> {
  const cipher = createPersonalDataCipher(config);
  const database = await open(config, out, given);
  if (!database) return KEYS_EXIT.cannotRun;
  try {
    if (!options.json) out.error(`… re-encrypting every sealed value under ${cipher.box.currentKeyId} on ${database.description}`);
    const started = performance.now();
    const columns = await rotateSealedValues(database.db, cipher, {
      ...(options.batchSize ? { batchSize: options.batchSize } : {}),
      onProgress: options.json ? undefined : (p) => out.error(`… ${p.table}.${p.column}: ${p.scanned} scanned, ${rotatedCount(p)} re-encrypted, ${p.sealedPlaintext} sealed from plaintext${p.failed ? `, ${p.failed} FAILED` : ''}`),
    });
    const after = summarizeKeyStatus(database.description, cipher.box.currentKeyId, cipher.box.keyIds, await sealedCoverage(database.db));
    const failed = columns.reduce((n, c) => n + c.failed, 0);
    const report = { database: database.description, currentKeyId: cipher.box.currentKeyId, seconds: Number(((performance.now() - started) / 1000).toFixed(2)), columns, failed, after };
    if (options.json) out.log(JSON.stringify(report));
    else {
      for (const c of columns) {
        const from = Object.entries(c.rotatedFrom).map(([k, n]) => `${n} from ${k}`).join(', ');
        out.log(`${c.table}.${c.column}: ${from || 'nothing to re-encrypt'}${c.sealedPlaintext ? `; ${c.sealedPlaintext} sealed from plaintext` : ''}${c.skippedConcurrent ? `; ${c.skippedConcurrent} changed meanwhile by the app` : ''}${c.failed ? `; ${c.failed} FAILED (${c.firstError})` : ''}`);
      }
      for (const line of statusLines(after)) out.log(line);
    }
    // Done only when every value is under the current key (a concurrent change is re-checked by the status).
    const complete = failed === 0 && after.plaintext === 0 && Object.keys(after.byKeyId).every((k) => k === cipher.box.currentKeyId) && after.legacy === 0;
    if (!complete && !options.json) out.error('Not every value is under the current key yet: run `npx barberpro keys rotate` again (it resumes); keep the old keys until it completes.');
    return complete ? KEYS_EXIT.ok : KEYS_EXIT.incomplete;
  } finally {
    await database.close();
  }
}

function rotatedCount(c: ColumnRotation): number {
  return Object.values(c.rotatedFrom).reduce((a, b) => a + b, 0);
}

export function registerKeysCommands(program: Command): void {
  const keys = program.command('keys').description('Encryption keys of secrets and personal data at rest (DATA_ENCRYPTION_KEYS)');
  keys
    .command('rotate')
    .description('Re-encrypt every sealed value under the first key of DATA_ENCRYPTION_KEYS, online, in batches (idempotent, resumable); exit 0 when complete')
    .option('--json', 'print the report as JSON')
    .option('--batch-size <n>', 'rows read per query (default 500)', parseBatchSize)
    .action(async (options: KeysOptions) => {
      process.exitCode = await runKeysRotate(loadConfig(), options);
    });
  keys
    .command('status')
    .description('Sealed values per key id and per column, plaintext left in encrypted columns; exit 1 when a value is unreadable or in plaintext')
    .option('--json', 'print the status as JSON')
    .action(async (options: KeysOptions) => {
      process.exitCode = await runKeysStatus(loadConfig(), options);
    });
}
