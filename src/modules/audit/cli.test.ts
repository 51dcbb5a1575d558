import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabase, type Database } from '../../platform/db/database.js';
import { migrateToLatest } from '../../platform/db/migrator.js';
import type { DB } from '../../platform/db/schema.js';
import { AuditTrail } from './service.js';

const BIN = fileURLToPath(new URL('../../../bin/barberpro.mjs', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node bin/barberpro.mjs audit verify …` as an operator runs it, against the given database only. */
function auditVerify(args: string[], env: Record<string, string>): Promise<CliResult> {
  const base = { ...process.env };
  delete base.DATABASE_URL;
  delete base.DATA_DIR;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'audit', 'verify', ...args], { cwd: ROOT, env: { ...base, LOG_LEVEL: 'silent', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function fill(db: Kysely<DB>, count: number): Promise<void> {
  const audit = new AuditTrail(db);
  for (let i = 1; i <= count; i++)
    await db.transaction().execute((trx) =>
      audit.append(trx, {
        eventType: 'payment.approved',
        entityType: 'payment',
        entityId: `p-${i}`,
        actor: 'mercadopago',
        payload: { amountCents: 100_000 * i },
        dedupeKey: `cli:${i}`,
        occurredAt: new Date(Date.UTC(2026, 11, 1, 12, i)),
      }),
    );
}

async function tamperRow(db: Kysely<DB>, seq: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`alter table audit_log disable trigger audit_log_append_only`.execute(trx);
    await sql`update audit_log set payload = '{"amountCents":1}'::jsonb where seq = ${seq}`.execute(trx);
    await sql`alter table audit_log enable trigger audit_log_append_only`.execute(trx);
  });
}

describe('npx barberpro audit verify on the embedded database (PGlite data directory)', () => {
  let dataDir: string;
  /** Where the server keeps PGlite inside DATA_DIR. */
  const pgliteDir = () => join(dataDir, 'pglite');
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'barberpro-audit-'));
    const database = await createDatabase({ kind: 'pglite', dataDir: pgliteDir() });
    try {
      await migrateToLatest(database.db);
      await fill(database.db, 6);
    } finally {
      await database.close();
    }
  }, 120_000);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('reports an intact chain and exits 0', async () => {
    const result = await auditVerify([], { DATA_DIR: dataDir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/intact, 6 rows checked/);
    expect(result.stdout).toMatch(/Head: seq 6, hash [0-9a-f]{64}/);
  }, 120_000);

  it('refuses while a server holds the data directory, with the lock’s message', async () => {
    // This test process is alive and is not the CLI: to the CLI, the directory is in use.
    writeFileSync(join(pgliteDir(), 'barberpro.lock'), String(process.pid));
    try {
      const result = await auditVerify(['--json'], { DATA_DIR: dataDir });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`is in use by process ${process.pid}`);
      expect(result.stderr).toContain('GET /api/v1/admin/audit/verify');
    } finally {
      rmSync(join(pgliteDir(), 'barberpro.lock'), { force: true });
    }
  }, 120_000);

  it('names the tampered row and exits 1', async () => {
    const database = await createDatabase({ kind: 'pglite', dataDir: pgliteDir() });
    try {
      await tamperRow(database.db, 4);
    } finally {
      await database.close();
    }
    const json = await auditVerify(['--json', '--batch-size', '2'], { DATA_DIR: dataDir });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, rowsChecked: 3, firstBrokenSeq: 4, reason: 'content', head: { seq: 3 } });
    const human = await auditVerify([], { DATA_DIR: dataDir });
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/BROKEN at seq 4: its stored hash does not match its content/);
    expect(human.stdout).toMatch(/3 rows before it are intact/);
  }, 180_000);
});

const templateUrl = inject('templateDatabaseUrl');

describe.skipIf(!templateUrl)('npx barberpro audit verify on PostgreSQL (DATABASE_URL)', () => {
  let url: string;
  let database: Database;
  const name = `bp_audit_cli_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const adminUrl = () => templateUrl!.replace(new URL(templateUrl!).pathname, '/postgres');

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    await admin.query(`create database "${name}" template "${new URL(templateUrl!).pathname.slice(1)}"`);
    await admin.end();
    const target = new URL(templateUrl!);
    target.pathname = `/${name}`;
    url = target.toString();
    database = await createDatabase({ kind: 'postgres', url, poolMax: 2 });
    await fill(database.db, 5);
  });
  afterAll(async () => {
    await database?.close();
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
  });

  it('exits 0 on the intact chain, 1 once a row is tampered with, naming it', async () => {
    const intact = await auditVerify(['--json'], { DATABASE_URL: url });
    expect(intact.code).toBe(0);
    expect(JSON.parse(intact.stdout)).toMatchObject({ ok: true, rowsChecked: 5, firstBrokenSeq: null, head: { seq: 5 } });
    await tamperRow(database.db, 2);
    const broken = await auditVerify(['--json'], { DATABASE_URL: url });
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.stdout)).toMatchObject({ ok: false, rowsChecked: 1, firstBrokenSeq: 2, reason: 'content' });
  }, 120_000);

  it('says so when the database was never migrated', async () => {
    const empty = `${name}_empty`;
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    await admin.query(`create database "${empty}"`);
    try {
      const target = new URL(templateUrl!);
      target.pathname = `/${empty}`;
      const result = await auditVerify([], { DATABASE_URL: target.toString() });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/no audit_log table: run `npx barberpro migrate` first/);
    } finally {
      await admin.query(`drop database if exists "${empty}" with (force)`);
      await admin.end();
    }
  }, 120_000);
});
