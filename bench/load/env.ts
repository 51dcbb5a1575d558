/**
 * The benchmark's surroundings: a scratch PostgreSQL database beside DATABASE_URL, a Redis
 * database index of its own, and a cleanup list that runs on success, failure and Ctrl-C.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import os from 'node:os';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';

const run = promisify(execFile);

type CleanupStep = { name: string; fn: () => Promise<void> };

/** Steps run in reverse order of registration, once, whatever ended the run. */
export class Cleanup {
  private readonly steps: CleanupStep[] = [];
  private running: Promise<void> | undefined;

  add(name: string, fn: () => Promise<void>): void {
    this.steps.push({ name, fn });
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps.reverse()) {
        try {
          await step.fn();
        } catch (error) {
          console.error(`cleanup: ${step.name} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    })();
    return this.running;
  }

  /** Ctrl-C / SIGTERM: clean up, then exit with the conventional code. */
  installSignalHandlers(): void {
    const onSignal = (signal: NodeJS.Signals) => {
      console.error(`\n${signal}: stopping the service and dropping the scratch database…`);
      void this.run().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
}

export interface ScratchDatabase {
  name: string;
  url: string;
  adminUrl: string;
  drop(): Promise<void>;
}

/** Creates `barberpro_bench_<random>` on the server of `baseUrl`. */
export async function createScratchDatabase(baseUrl: string): Promise<ScratchDatabase> {
  const name = `barberpro_bench_${randomBytes(4).toString('hex')}`;
  const admin = new URL(baseUrl);
  admin.pathname = '/postgres';
  const target = new URL(baseUrl);
  target.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
  return {
    name,
    url: target.toString(),
    adminUrl: admin.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: admin.toString() });
      await c.connect();
      try {
        await c.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

export interface RedisNamespace {
  url: string;
  db: number;
  /** Keys found before the first flush (they belonged to someone else, or to a crashed run). */
  keysBefore: number;
  flush(): Promise<void>;
  info(section: string): Promise<Record<string, string>>;
  close(): Promise<void>;
}

export async function openRedisNamespace(url: string): Promise<RedisNamespace> {
  const parsed = new URL(url);
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db === 0)
    throw new Error(`BENCH_REDIS_URL must name a Redis database index other than 0 (e.g. redis://127.0.0.1:6379/7), got ${url}`);
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const keysBefore = await redis.dbsize();
  return {
    url,
    db,
    keysBefore,
    flush: async () => void (await redis.flushdb()),
    info: async (section) => parseInfo(await redis.info(section)),
    close: async () => void (await redis.quit()),
  };
}

function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0 && !line.startsWith('#')) out[line.slice(0, at)] = line.slice(at + 1);
  }
  return out;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function which(binary: string): Promise<string | undefined> {
  try {
    const { stdout } = await run('which', [binary]);
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  kernel: string;
  node: string;
  postgres: string;
  postgresSettings: Record<string, string>;
  redis: string;
  autocannon: string;
  gitCommit: string;
  gitDirty: boolean;
}

export async function machineInfo(adminUrl: string, redis: RedisNamespace, autocannonVersion: string): Promise<MachineInfo> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  let postgres: string;
  const postgresSettings: Record<string, string> = {};
  try {
    postgres = (await client.query<{ v: string }>('select version() as v')).rows[0]!.v;
    for (const setting of ['max_connections', 'shared_buffers', 'synchronous_commit', 'fsync']) {
      postgresSettings[setting] = (await client.query<Record<string, string>>(`show ${setting}`)).rows[0]![setting]!;
    }
  } finally {
    await client.end();
  }
  const server = await redis.info('server');
  const git = async (...args: string[]) => {
    try {
      return (await run('git', args)).stdout.trim();
    } catch {
      return '';
    }
  };
  return {
    cores: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres,
    postgresSettings,
    redis: server.redis_version ?? 'unknown',
    autocannon: autocannonVersion,
    gitCommit: (await git('rev-parse', '--short', 'HEAD')) || 'unknown',
    gitDirty: (await git('status', '--porcelain')).length > 0,
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
