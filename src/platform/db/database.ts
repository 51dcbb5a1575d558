import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { AppConfig } from '../config.js';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.js';
import { PGliteDialect } from './pglite-dialect.js';
import type { DB } from './schema.js';

export const ARGENTINA_TIMEZONE = 'America/Argentina/Buenos_Aires';

const OID = { int8: 20, date: 1082, numeric: 1700 } as const;

/** One parsing policy for both engines: int8 → number, numeric and date → string. */
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === OID.int8) return (value: string) => Number(value);
    if (oid === OID.date || oid === OID.numeric) return (value: string) => value;
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

export interface Database {
  readonly db: Kysely<DB>;
  readonly kind: 'postgres' | 'pglite';
  /** A human description without credentials, for logs and test output. */
  readonly description: string;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type DatabaseTarget = AppConfig['database'] | { kind: 'pglite-memory' };

export async function createDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.kind === 'postgres') return createPostgres(target.url, target.poolMax);
  if (target.kind === 'pglite') return createPGlite(target.dataDir);
  return createPGlite(undefined);
}

function createPostgres(url: string, poolMax: number): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolMax,
    types: pgTypes,
    options: `-c TimeZone=${ARGENTINA_TIMEZONE}`,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its server must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const parsed = new URL(url);
  return {
    db,
    kind: 'postgres',
    description: `PostgreSQL ${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: async () => {
      await db.destroy();
    },
  };
}

async function createPGlite(dataDir: string | undefined): Promise<Database> {
  let lock: DataDirLock | undefined;
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    lock = acquireDataDirLock(dataDir);
  }
  try {
    const pglite = await PGlite.create({
      ...(dataDir ? { dataDir } : {}),
      extensions: { btree_gist },
      parsers: {
        [OID.int8]: (value: string) => Number(value),
        [OID.date]: (value: string) => value,
        [OID.numeric]: (value: string) => value,
      },
    });
    await pglite.exec(`set time zone '${ARGENTINA_TIMEZONE}'`);
    const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
    return {
      db,
      kind: 'pglite',
      description: dataDir ? `PGlite (embedded) at ${dataDir}` : 'PGlite (in-memory)',
      ping: async () => {
        await sql`select 1`.execute(db);
      },
      close: async () => {
        await db.destroy();
        await pglite.close();
        lock?.release();
      },
    };
  } catch (error) {
    lock?.release();
    throw error;
  }
}
