/**
 * The database's ceiling: single-row INSERTs (autocommit, one per transaction) into a scratch
 * table with N parallel connections for a fixed time. `pgbench` when the binary exists (custom
 * script, per-transaction latency log for percentiles); otherwise the same with `pg` from node.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { summarizeLatency, type LatencySummary } from './driver.js';

const run = promisify(execFile);

export const RAW_INSERT_TABLE = 'bench_raw_inserts';

export interface DbCeilingResult {
  tool: 'pgbench' | 'node-pg';
  toolVersion: string;
  /** Connections asked for and actually used (capped by free PostgreSQL connections). */
  requestedClients: number;
  clients: number;
  durationSeconds: number;
  transactions: number;
  failed: number;
  insertsPerSecond: number;
  latencyMs: LatencySummary | null;
}

export async function prepareRawInsertTable(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // Shaped like a small booking row: uuid key, a few columns, a timestamp; one index (the key).
    await client.query(`create table if not exists ${RAW_INSERT_TABLE} (
      id uuid primary key default gen_random_uuid(),
      n bigint not null,
      note text not null,
      created_at timestamptz not null default now()
    )`);
  } finally {
    await client.end();
  }
}

/** Connections PostgreSQL can still give (max_connections − in use − a reserve for others). */
export async function freeConnections(databaseUrl: string, reserve = 20): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const max = Number((await client.query<{ max_connections: string }>('show max_connections')).rows[0]!.max_connections);
    const used = Number((await client.query<{ n: string }>('select count(*) as n from pg_stat_activity')).rows[0]!.n);
    return Math.max(1, max - used - reserve);
  } finally {
    await client.end();
  }
}

export async function runPgbench(binary: string, databaseUrl: string, requested: number, clients: number, seconds: number): Promise<DbCeilingResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'barberpro-pgbench-'));
  try {
    const script = path.join(dir, 'insert.sql');
    writeFileSync(script, `\\set n random(1, 1000000000)\nINSERT INTO ${RAW_INSERT_TABLE} (n, note) VALUES (:n, 'bench');\n`);
    const threads = Math.max(1, Math.min(clients, os.cpus().length));
    const version = (await run(binary, ['--version'])).stdout.trim();
    const { stdout } = await run(
      binary,
      ['-n', '-c', String(clients), '-j', String(threads), '-T', String(seconds), '-f', script, '-l', '--log-prefix', path.join(dir, 'log'), databaseUrl],
      { cwd: dir, maxBuffer: 16 * 1024 * 1024 },
    );
    const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(stdout)?.[1] ?? NaN);
    const processed = Number(/number of transactions actually processed: (\d+)/.exec(stdout)?.[1] ?? NaN);
    const failed = Number(/number of failed transactions: (\d+)/.exec(stdout)?.[1] ?? 0);
    if (!Number.isFinite(tps)) throw new Error(`could not read pgbench's output:\n${stdout}`);
    // Log lines: client_id transaction_no time(µs) script_no epoch epoch_µs
    const latencies: number[] = [];
    for (const file of readdirSync(dir).filter((f) => f.startsWith('log'))) {
      for (const line of readFileSync(path.join(dir, file), 'utf8').split('\n')) {
        const fields = line.split(' ');
        if (fields.length >= 3) latencies.push(Number(fields[2]) / 1000);
      }
    }
    return {
      tool: 'pgbench',
      toolVersion: version,
      requestedClients: requested,
      clients,
      durationSeconds: seconds,
      transactions: processed,
      failed,
      insertsPerSecond: tps,
      latencyMs: summarizeLatency(latencies),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runNodeInserts(databaseUrl: string, requested: number, clients: number, seconds: number): Promise<DbCeilingResult> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: clients });
  const latencies: number[] = [];
  let failed = 0;
  let counter = 0;
  try {
    // Open every connection before the clock starts, as pgbench does.
    const held = await Promise.all(Array.from({ length: clients }, () => pool.connect()));
    const started = performance.now();
    const deadline = started + seconds * 1000;
    await Promise.all(
      held.map(async (client) => {
        try {
          while (performance.now() < deadline) {
            const t = performance.now();
            try {
              await client.query(`INSERT INTO ${RAW_INSERT_TABLE} (n, note) VALUES ($1, 'bench')`, [++counter]);
              latencies.push(performance.now() - t);
            } catch {
              failed++;
            }
          }
        } finally {
          client.release();
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    return {
      tool: 'node-pg',
      toolVersion: 'node-postgres (pg) single-row INSERT loop',
      requestedClients: requested,
      clients,
      durationSeconds: elapsed,
      transactions: latencies.length,
      failed,
      insertsPerSecond: latencies.length / elapsed,
      latencyMs: summarizeLatency(latencies),
    };
  } finally {
    await pool.end();
  }
}
