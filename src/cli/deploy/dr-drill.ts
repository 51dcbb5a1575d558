/**
 * `barberpro dr drill`: disaster recovery measured on a real PostgreSQL, not asserted.
 *
 * A throwaway primary cluster (initdb, archive_mode=on, archive_command copying each WAL segment
 * to an archive directory that stands for S3, archive_timeout bounding how old the newest
 * unarchived WAL can get) → pg_basebackup → BarberPro's migrations and demo data → a writer
 * recording every acknowledged write with its time and the WAL flush position after it → SIGKILL
 * of every server process at a random moment, and the data directory deleted → a new cluster
 * from the base backup plus the archive (restore_command, recovery to the end of the archive)
 * → BarberPro started on it until /readyz answers 200.
 *
 * RPO = last acknowledged write − last write present after restore. Nothing lost = every write
 * whose WAL was flushed before the end of the last archived segment is present. RTO = kill →
 * BarberPro ready on the restored cluster.
 */
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { appendFileSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { sql } from 'kysely';
import { createDatabase } from '../../platform/db/database.js';
import { migrateToLatest } from '../../platform/db/migrator.js';
import { seedDemoData } from '../../demo/seed.js';
import { AuditTrail } from '../../modules/audit/service.js';
import { freePort } from './local-drill.js';
import { probeReady, startVersion, type LocalVersion } from './local-blue-green.js';

/** The runbook's objectives (launch-readiness, Disaster Recovery Operations). */
export const OBJECTIVES = { databaseRpoSeconds: 15 * 60, databaseRtoSeconds: 60 * 60, drillRpoSeconds: 60 } as const;

export interface DrDrillOptions {
  pgBin: string;
  archiveTimeoutSeconds: number;
  /** The kill comes at a random moment in [min, max] ms after the writer starts. */
  killAfterMs: { min: number; max: number };
  keep?: boolean;
  log?: (line: string) => void;
}

export const DEFAULT_DR_DRILL: DrDrillOptions = {
  pgBin: process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin',
  archiveTimeoutSeconds: 10,
  killAfterMs: { min: 12_000, max: 25_000 },
};

export interface DrDrillReport {
  postgresVersion: string;
  archiveTimeoutSeconds: number;
  writes: { acknowledged: number; present: number; lastAcknowledgedSeq: number; lastPresentSeq: number; unacknowledgedPresent: number };
  /** Acknowledged writes whose WAL was flushed before the end of the last archived segment. */
  coveredByArchive: number;
  lostCovered: number;
  lostUncovered: number;
  rpoSeconds: number;
  rtoSeconds: { databaseAcceptingWrites: number; applicationReady: number };
  timeline: Record<string, string>;
  archive: { segments: number; lastSegment: string | null; lastArchivedAt: string | null };
  /** Data BarberPro wrote before the base backup was replayed back (migrations + demo data). */
  barberpro: { migrations: { before: number; after: number }; rowCounts: Record<string, { before: number; after: number }>; auditChain: string; ready: boolean };
  passed: boolean;
  problems: string[];
}

interface Ack {
  seq: number;
  ackAt: number;
  flushLsn: bigint;
}

function parseLsn(lsn: string): bigint {
  const [hi, lo] = lsn.split('/');
  return (BigInt(`0x${hi}`) << 32n) + BigInt(`0x${lo}`);
}

/** End position of a WAL segment file named TTTTTTTTXXXXXXXXYYYYYYYY. */
export function segmentEndLsn(name: string, segmentBytes: number): bigint {
  const log = BigInt(`0x${name.slice(8, 16)}`);
  const seg = BigInt(`0x${name.slice(16, 24)}`);
  const perLog = 0x1_0000_0000n / BigInt(segmentBytes);
  return log * 0x1_0000_0000n + (seg % perLog + 1n) * BigInt(segmentBytes);
}

const SEGMENT_NAME = /^[0-9A-F]{24}$/;

/** PostgreSQL refuses to run as root: as root, run its tools as the postgres OS user. */
function asPostgres(command: string, args: string[]): { command: string; args: string[] } {
  return process.getuid?.() === 0 ? { command: 'runuser', args: ['-u', 'postgres', '--', command, ...args] } : { command, args };
}

function run(command: string, args: string[]): string {
  const c = asPostgres(command, args);
  const result = spawnSync(c.command, c.args, { encoding: 'utf8', timeout: 180_000 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal}): ${result.stderr || result.stdout}`);
  return result.stdout;
}

function ownByPostgres(path: string): void {
  if (process.getuid?.() !== 0) return;
  const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error('running as root needs a postgres OS user to run the PostgreSQL server');
  chownSync(path, uid, gid);
}

/** The postmaster and every process it started (read from /proc), to kill them all at once. */
function clusterPids(dataDir: string): number[] {
  const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const children = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster;
      } catch {
        return false;
      }
    })
    .map(Number);
  return [postmaster, ...children];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const iso = (ms: number) => new Date(ms).toISOString();

export async function runDrDrill(options: DrDrillOptions = DEFAULT_DR_DRILL): Promise<DrDrillReport> {
  const log = options.log ?? (() => undefined);
  const bin = (name: string) => join(options.pgBin, name);
  if (!existsSync(bin('initdb'))) throw new Error(`no PostgreSQL binaries at ${options.pgBin} (set PG_BIN or --pg-bin)`);

  const work = mkdtempSync(join(tmpdir(), 'barberpro-dr-'));
  ownByPostgres(work);
  const dirs = { primary: join(work, 'primary'), archive: join(work, 'archive'), base: join(work, 'basebackup'), restored: join(work, 'restored') };
  mkdirSync(dirs.archive);
  ownByPostgres(dirs.archive);
  const timeline: Record<string, string> = {};
  const problems: string[] = [];
  let app: LocalVersion | undefined;
  let restoredRunning = false;
  let primaryRunning = false;
  try {
    const primaryPort = await freePort();
    log(`initdb ${dirs.primary} (port ${primaryPort})`);
    run(bin('initdb'), ['-D', dirs.primary, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-instructions']);
    const segmentBytes = 16 * 1024 * 1024;
    appendFileSync(
      join(dirs.primary, 'postgresql.conf'),
      [
        '',
        '# barberpro dr drill',
        `port = ${primaryPort}`,
        "listen_addresses = '127.0.0.1'",
        `unix_socket_directories = '${work}'`,
        'wal_level = replica',
        'archive_mode = on',
        // Never overwrite a segment already archived (the documented safe form).
        `archive_command = 'test ! -f ${dirs.archive}/%f && cp %p ${dirs.archive}/%f'`,
        `archive_timeout = ${options.archiveTimeoutSeconds}`,
        'max_wal_senders = 4',
        "timezone = 'America/Argentina/Buenos_Aires'",
        '',
      ].join('\n'),
    );
    run(bin('pg_ctl'), ['-D', dirs.primary, '-l', join(work, 'primary.log'), '-w', '-t', '60', 'start']);
    primaryRunning = true;
    const admin = `postgres://postgres@127.0.0.1:${primaryPort}/postgres`;
    const url = `postgres://postgres@127.0.0.1:${primaryPort}/barberpro`;
    const bootstrap = new pg.Client({ connectionString: admin });
    await bootstrap.connect();
    const postgresVersion = (await bootstrap.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]!.v;
    await bootstrap.query('create database barberpro');
    await bootstrap.end();

    log('pg_basebackup');
    run(bin('pg_basebackup'), ['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres', '-D', dirs.base, '-Fp', '-X', 'stream', '-c', 'fast']);
    timeline.baseBackup = iso(Date.now());

    // Everything from here on exists only in WAL: the restore must replay it.
    log('BarberPro migrations and demo data on the primary');
    const database = await createDatabase({ kind: 'postgres', url, poolMax: 2 });
    await migrateToLatest(database.db);
    await seedDemoData(database.db);
    const counted = ['users', 'shops', 'barbers', 'services', 'bookings'];
    const countRows = async (db: typeof database.db) =>
      Object.fromEntries(await Promise.all(counted.map(async (t) => [t, Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(t)}`.execute(db)).rows[0]!.n)] as const)));
    const before = await countRows(database.db);
    const migrationsRecorded = async (client: pg.Client) => Number((await client.query<{ n: string }>('select count(*) as n from schema_migrations')).rows[0]!.n);
    await database.close();

    const writer = new pg.Client({ connectionString: url });
    await writer.connect();
    // The kill surfaces as a failed query (handled below) and as this event.
    writer.on('error', () => undefined);
    const migrationsBefore = await migrationsRecorded(writer);
    await writer.query('create table dr_drill_writes (seq bigint primary key, written_at timestamptz not null default clock_timestamp())');
    const acks: Ack[] = [];
    let writing = true;
    const writerStartedAt = Date.now();
    timeline.writerStarted = iso(writerStartedAt);
    const writes = (async () => {
      for (let seq = 1; writing; seq++) {
        try {
          // Autocommit: the insert is acknowledged when it returns. The flush position read
          // after it is at or past its commit record (synchronous_commit = on).
          await writer.query('insert into dr_drill_writes (seq) values ($1)', [seq]);
          const ackAt = Date.now();
          const flushed = await writer.query<{ lsn: string }>('select pg_current_wal_flush_lsn() as lsn');
          acks.push({ seq, ackAt, flushLsn: parseLsn(flushed.rows[0]!.lsn) });
        } catch {
          return; // the server is gone: this write was not acknowledged
        }
        await sleep(5);
      }
    })();

    const killAfter = randomInt(options.killAfterMs.min, options.killAfterMs.max + 1);
    log(`writing; the primary dies in ${killAfter} ms`);
    await sleep(killAfter);
    const pids = clusterPids(dirs.primary);
    const killedAt = Date.now();
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    primaryRunning = false;
    timeline.killed = iso(killedAt);
    writing = false;
    await writes;
    await writer.end().catch(() => undefined);
    // The machine is lost: its data directory with it. Only the base backup and the archive remain.
    rmSync(dirs.primary, { recursive: true, force: true });
    log(`killed ${pids.length} server processes after ${acks.length} acknowledged writes; primary data directory deleted`);

    const segments = readdirSync(dirs.archive).filter((f) => SEGMENT_NAME.test(f)).sort();
    const lastSegment = segments.at(-1) ?? null;
    const lastArchivedAt = lastSegment ? statSync(join(dirs.archive, lastSegment)).mtimeMs : null;
    const archivedEnd = lastSegment ? segmentEndLsn(lastSegment, segmentBytes) : 0n;

    log('restoring: base backup + archived WAL into a new cluster');
    const restoredPort = await freePort();
    cpSync(dirs.base, dirs.restored, { recursive: true });
    // cpSync keeps modes but, as root, not ownership.
    spawnSync('chown', ['-R', 'postgres:postgres', dirs.restored]);
    appendFileSync(
      join(dirs.restored, 'postgresql.conf'),
      ['', '# restored by the dr drill', `port = ${restoredPort}`, `restore_command = 'cp ${dirs.archive}/%f %p'`, "recovery_target_timeline = 'latest'", 'archive_mode = off', ''].join('\n'),
    );
    writeFileSync(join(dirs.restored, 'recovery.signal'), '');
    ownByPostgres(join(dirs.restored, 'recovery.signal'));
    run(bin('pg_ctl'), ['-D', dirs.restored, '-l', join(work, 'restored.log'), '-w', '-t', '300', 'start']);
    restoredRunning = true;
    const restoredUrl = `postgres://postgres@127.0.0.1:${restoredPort}/barberpro`;
    const probe = new pg.Client({ connectionString: restoredUrl });
    await probe.connect();
    // Archive recovery ends (and the server promotes) when restore_command finds no next segment.
    for (;;) {
      if (!(await probe.query<{ r: boolean }>('select pg_is_in_recovery() as r')).rows[0]!.r) break;
      await sleep(100);
    }
    const writableAt = Date.now();
    timeline.databaseAcceptingWrites = iso(writableAt);
    // Read before BarberPro starts, since it migrates at start.
    const migrationsAfter = await migrationsRecorded(probe);
    log('restored cluster promoted; starting BarberPro on it');

    const appEnv: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: restoredUrl, SEED_DEMO: 'false', LOG_LEVEL: 'warn', NODE_ENV: 'development', DATA_DIR: join(work, 'app-data') };
    delete appEnv.REDIS_URL;
    delete appEnv.OTEL_EXPORTER_OTLP_ENDPOINT;
    app = startVersion({ colour: 'green', version: 'restored', port: await freePort(), env: appEnv });
    const readyBy = Date.now() + 180_000;
    let ready = false;
    while (Date.now() < readyBy && app.child.exitCode === null) {
      if ((ready = await probeReady(app.url))) break;
      await sleep(100);
    }
    const readyAt = Date.now();
    timeline.applicationReady = ready ? iso(readyAt) : 'never';
    if (!ready) problems.push(`BarberPro did not become ready on the restored cluster: ${app.output().slice(-500)}`);

    const present = new Set((await probe.query<{ seq: string }>('select seq from dr_drill_writes')).rows.map((r) => Number(r.seq)));
    await probe.end();
    const restored = await createDatabase({ kind: 'postgres', url: restoredUrl, poolMax: 2 });
    const after = await countRows(restored.db);
    const audit = await new AuditTrail(restored.db).verify();
    await restored.close();

    const lastAck = acks.at(-1);
    const lastPresentSeq = present.size ? Math.max(...present) : 0;
    const acked = new Set(acks.map((a) => a.seq));
    const lastPresentAck = [...acks].reverse().find((a) => present.has(a.seq));
    const covered = acks.filter((a) => a.flushLsn <= archivedEnd);
    const lostCovered = covered.filter((a) => !present.has(a.seq)).length;
    const lostUncovered = acks.filter((a) => a.flushLsn > archivedEnd && !present.has(a.seq)).length;
    // A write committed but not acknowledged (in flight at the kill) may be present: that is no loss.
    const rpoSeconds = !lastAck ? 0 : lastPresentSeq >= lastAck.seq ? 0 : (lastAck.ackAt - (lastPresentAck?.ackAt ?? writerStartedAt)) / 1000;

    if (!lastAck) problems.push('the writer got no acknowledgement before the kill');
    if (lostCovered > 0) problems.push(`${lostCovered} acknowledged writes covered by the archive are missing after restore`);
    if (rpoSeconds >= OBJECTIVES.drillRpoSeconds) problems.push(`RPO ${rpoSeconds.toFixed(1)} s is not under ${OBJECTIVES.drillRpoSeconds} s`);
    if (migrationsAfter !== migrationsBefore) problems.push(`the restored database records ${migrationsAfter} migrations, the primary ${migrationsBefore}`);
    for (const t of counted) if (before[t] !== after[t]) problems.push(`${t}: ${before[t]} rows before, ${after[t]} after`);
    if (!audit.ok) problems.push(`audit chain broken at seq ${audit.firstBrokenSeq}`);

    return {
      postgresVersion,
      archiveTimeoutSeconds: options.archiveTimeoutSeconds,
      writes: {
        acknowledged: acks.length,
        present: present.size,
        lastAcknowledgedSeq: lastAck?.seq ?? 0,
        lastPresentSeq,
        unacknowledgedPresent: [...present].filter((s) => !acked.has(s)).length,
      },
      coveredByArchive: covered.length,
      lostCovered,
      lostUncovered,
      rpoSeconds,
      rtoSeconds: { databaseAcceptingWrites: (writableAt - killedAt) / 1000, applicationReady: ready ? (readyAt - killedAt) / 1000 : Number.NaN },
      timeline,
      archive: { segments: segments.length, lastSegment, lastArchivedAt: lastArchivedAt ? iso(lastArchivedAt) : null },
      barberpro: {
        migrations: { before: migrationsBefore, after: migrationsAfter },
        rowCounts: Object.fromEntries(counted.map((t) => [t, { before: before[t]!, after: after[t]! }])),
        auditChain: audit.ok ? `intact (${audit.rows} rows)` : `broken at seq ${audit.firstBrokenSeq}`,
        ready,
      },
      passed: problems.length === 0,
      problems,
    };
  } finally {
    await app?.stop('SIGTERM');
    if (restoredRunning) spawnSync(asPostgres(bin('pg_ctl'), []).command, asPostgres(bin('pg_ctl'), ['-D', dirs.restored, '-m', 'immediate', '-w', 'stop']).args);
    if (primaryRunning) spawnSync(asPostgres(bin('pg_ctl'), []).command, asPostgres(bin('pg_ctl'), ['-D', dirs.primary, '-m', 'immediate', '-w', 'stop']).args);
    if (options.keep) log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

export function renderDrDrill(r: DrDrillReport): string {
  const rows: Array<[string, string]> = [
    ['PostgreSQL', `${r.postgresVersion}, archive_timeout ${r.archiveTimeoutSeconds} s`],
    ['acknowledged writes', `${r.writes.acknowledged} (last seq ${r.writes.lastAcknowledgedSeq})`],
    ['present after restore', `${r.writes.present} (last seq ${r.writes.lastPresentSeq}; ${r.writes.unacknowledgedPresent} committed but not acknowledged)`],
    ['covered by the archive', `${r.coveredByArchive}; lost ${r.lostCovered}`],
    ['lost, newer than the archive', String(r.lostUncovered)],
    ['RPO (measured)', `${r.rpoSeconds.toFixed(2)} s (drill bound ${OBJECTIVES.drillRpoSeconds} s; runbook < ${OBJECTIVES.databaseRpoSeconds / 60} min)`],
    ['RTO database (kill → writable)', `${r.rtoSeconds.databaseAcceptingWrites.toFixed(2)} s`],
    ['RTO application (kill → /readyz 200)', `${Number.isNaN(r.rtoSeconds.applicationReady) ? 'never' : `${r.rtoSeconds.applicationReady.toFixed(2)} s`} (runbook < ${OBJECTIVES.databaseRtoSeconds / 60} min)`],
    ['archive', `${r.archive.segments} segments, last ${r.archive.lastSegment ?? 'none'} at ${r.archive.lastArchivedAt ?? '—'}`],
    ['BarberPro data', `migrations ${r.barberpro.migrations.before}→${r.barberpro.migrations.after}; ${Object.entries(r.barberpro.rowCounts).map(([t, c]) => `${t} ${c.before}→${c.after}`).join(', ')}; audit chain ${r.barberpro.auditChain}`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return [...rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`), '', r.passed ? 'PASS: RPO under 1 minute, nothing acknowledged before the last archived WAL lost, BarberPro ready on the restore' : `FAIL:\n  ${r.problems.join('\n  ')}`].join('\n');
}
