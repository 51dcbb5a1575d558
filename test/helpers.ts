import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createServer } from 'node:net';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { inject } from 'vitest';
import { buildApp, type AppDependencies } from '../src/app.js';
import { hashPassword } from '../src/modules/accounts/passwords.js';
import { TokenService } from '../src/modules/accounts/tokens.js';
import { ManualClock, type Clock } from '../src/platform/clock.js';
import { loadConfig } from '../src/platform/config.js';
import { createPersonalDataCipher, type PersonalDataCipher } from '../src/platform/crypto/personal-data.js';
import { createDatabase, type Database } from '../src/platform/db/database.js';
import { migrateToLatest } from '../src/platform/db/migrator.js';
import type { Role } from '../src/platform/http/access.js';
import type { JobQueue } from '../src/platform/queue/queue.js';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';
export const TEST_PASSWORD = 'correct horse battery';

/** A database of this test file's own: a clone of the migrated template, or an in-memory PGlite. */
export async function createTestDatabase(): Promise<Database> {
  const templateUrl = inject('templateDatabaseUrl');
  if (!templateUrl) {
    const database = await createDatabase({ kind: 'pglite-memory' });
    await migrateToLatest(database.db);
    return database;
  }
  const template = new URL(templateUrl);
  const name = `bp_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: templateUrl.replace(template.pathname, '/postgres') });
  await admin.connect();
  await admin.query(`create database "${name}" template "${template.pathname.slice(1)}"`);
  await admin.end();
  const url = new URL(templateUrl);
  url.pathname = `/${name}`;
  // Two test files run at once; 2 × 40 stays under PostgreSQL's default 100 connections.
  const database = await createDatabase({ kind: 'postgres', url: url.toString(), poolMax: 40 });
  const close = database.close.bind(database);
  return Object.assign(database, {
    close: async () => {
      await close();
      const cleanup = new pg.Client({ connectionString: templateUrl.replace(template.pathname, '/postgres') });
      await cleanup.connect();
      await cleanup.query(`drop database if exists "${name}" with (force)`);
      await cleanup.end();
    },
  });
}

export interface TestUser {
  id: string;
  email: string;
  role: Role;
  token: string;
  auth: { authorization: string };
}

export interface TestContext {
  app: FastifyInstance;
  database: Database;
  clock: ManualClock;
  tokens: TokenService;
  /** Tokens last 60 days unless told otherwise, so tests can move the clock across days. */
  createUser(role: Role, overrides?: { email?: string; fullName?: string; tokenTtlSeconds?: number }): Promise<TestUser>;
  close(): Promise<void>;
}

let passwordHash: Promise<string> | undefined;

/** Test defaults: limits high enough that a suite's many requests from 127.0.0.1 are not throttled. */
export const TEST_ENV = {
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  JWT_SECRET: TEST_JWT_SECRET,
  RATE_LIMIT_PER_MINUTE: '100000',
  RATE_LIMIT_LOGIN_PER_MINUTE: '100000',
  RATE_LIMIT_BOOKINGS_PER_MINUTE: '100000',
  LOGIN_LOCKOUT_IP_FAILURES: '100000',
  IP_BLOCK_FAILURES: '100000',
  MP_WEBHOOK_SECRET: 'test-webhook-secret-0123456789abcdef',
  DATA_ENCRYPTION_KEYS: `test1:${Buffer.alloc(32, 7).toString('base64')}`,
  DATA_HASH_KEY: Buffer.alloc(32, 9).toString('base64'),
} as const;

/** Seals and opens personal data with the test keys (the ones createTestContext's app uses). */
export function testPersonalData(): PersonalDataCipher {
  return createPersonalDataCipher(loadConfig(TEST_ENV));
}

export async function createTestContext(
  options: { now?: string; clock?: Clock; env?: Record<string, string>; queue?: JobQueue; deps?: Pick<AppDependencies, 'mercadopago' | 'webDist'> } = {},
): Promise<TestContext> {
  const database = await createTestDatabase();
  const clock = (options.clock as ManualClock | undefined) ?? new ManualClock(options.now ?? '2026-12-01T12:00:00Z');
  const config = loadConfig({ ...TEST_ENV, ...(options.env ?? {}) });
  const app = await buildApp({ config, database, jwtSecret: TEST_JWT_SECRET, clock, ...(options.queue ? { queue: options.queue } : {}), ...(options.deps ?? {}) });
  await app.ready();
  const tokens = new TokenService(TEST_JWT_SECRET, config.accessTokenTtlSeconds);
  passwordHash ??= hashPassword(TEST_PASSWORD);

  return {
    app,
    database,
    clock,
    tokens,
    async createUser(role, overrides = {}) {
      const email = overrides.email ?? `${role}-${randomUUID().slice(0, 8)}@example.com`;
      const user = await database.db
        .insertInto('users')
        .values({ email, password_hash: await passwordHash!, full_name: overrides.fullName ?? `Test ${role}`, phone: null, role })
        .returning(['id'])
        .executeTakeFirstOrThrow();
      const issuer = new TokenService(TEST_JWT_SECRET, overrides.tokenTtlSeconds ?? 60 * 86_400);
      const { token } = await issuer.issueAccessToken({ userId: user.id, role }, clock.now());
      return { id: user.id, email, role, token, auth: { authorization: `Bearer ${token}` } };
    },
    async close() {
      await app.close();
      await database.close();
    },
  };
}

export function json<T = any>(response: LightMyRequestResponse): T {
  return response.json() as T;
}

export function expectProblem(response: LightMyRequestResponse, status: number, code?: string): any {
  if (response.statusCode !== status) {
    throw new Error(`expected ${status}${code ? ` ${code}` : ''}, got ${response.statusCode}: ${response.body}`);
  }
  if (!String(response.headers['content-type']).startsWith('application/problem+json'))
    throw new Error(`expected problem+json, got ${response.headers['content-type']}`);
  const body = response.json();
  if (code && body.code !== code) throw new Error(`expected code ${code}, got ${body.code}: ${response.body}`);
  return body;
}

/** A port nothing listens on right now, for servers a test starts on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Polls `read` until `done` accepts its value (truthy by default) or `ms` pass, for effects
 * that land asynchronously (jobs, webhooks, reconnections).
 */
export async function waitFor<T>(read: () => T | Promise<T>, done: (value: T) => boolean = Boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > end) throw new Error(`condition not reached within ${ms} ms; last value ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Whether this machine can start private Redis servers (tests that kill one need their own). */
export const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;

/** A private, throwaway redis-server on `port`, answering before this returns. */
export async function startRedisServer(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  for (let i = 0; i < 50; i++) {
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      return child;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error('redis-server did not start');
}
