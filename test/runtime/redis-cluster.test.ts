import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { ManualClock } from '../../src/platform/clock.js';
import { loadConfig } from '../../src/platform/config.js';
import { BullMQJobQueue } from '../../src/platform/queue/bullmq-queue.js';
import { createRequestRedis, jobConnection, parseRedisTarget, type RedisClient } from '../../src/platform/redis.js';
import type { CacheResult } from '../../src/platform/cache.js';
import { createShopFixture, type ShopFixture } from '../fixtures.js';
import { createTestContext, freePort, json, waitFor, TEST_ENV, TEST_JWT_SECRET, type TestContext } from '../helpers.js';

/**
 * On AWS the cache, rate limits and job queues live on ElastiCache in cluster mode (3 shards).
 * Here: a real 3-node Redis Cluster on this machine, two app instances and a BullMQ runner on
 * it. A command whose keys span slots fails on a cluster (CROSSSLOT), and the cache would
 * then silently fall back to PostgreSQL — so these tests count cache errors, not just answers.
 */
const hasRedis = spawnSync('redis-server', ['--version']).status === 0 && spawnSync('redis-cli', ['--version']).status === 0;

async function clusterPorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = await freePort();
    // The cluster bus listens on port + 10000.
    if (port + 10_000 <= 65_535 && !ports.includes(port)) ports.push(port);
  }
  return ports;
}

async function startCluster(dir: string): Promise<{ ports: number[]; processes: ChildProcess[] }> {
  const ports = await clusterPorts(3);
  const processes = ports.map((port) =>
    spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--dir', dir, '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    ),
  );
  for (const port of ports) await waitFor(() => spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG', Boolean, 10_000);
  const created = spawnSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8' });
  if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
  for (const port of ports)
    await waitFor(() => spawnSync('redis-cli', ['-p', String(port), 'cluster', 'info'], { encoding: 'utf8' }).stdout.includes('cluster_state:ok'), Boolean, 15_000);
  return { ports, processes };
}

function keysOnNode(port: number, pattern: string): string[] {
  return spawnSync('redis-cli', ['-p', String(port), '--scan', '--pattern', pattern], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
}

describe.skipIf(!hasRedis)('on a 3-node Redis Cluster', { timeout: 60_000 }, () => {
  let ctx: TestContext;
  let dir: string;
  let cluster: { ports: number[]; processes: ChildProcess[] };
  let redisA: RedisClient;
  let redisB: RedisClient;
  let appA: FastifyInstance;
  let appB: FastifyInstance;
  let shop: ShopFixture;
  const cacheResults: CacheResult[] = [];
  const clock = new ManualClock('2026-12-01T12:00:00Z');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bp-redis-cluster-'));
    cluster = await startCluster(dir);
    ctx = await createTestContext({ clock });
    // One seed node is enough: the client discovers the others, as with ElastiCache's configuration endpoint.
    const target = parseRedisTarget(`redis://127.0.0.1:${cluster.ports[0]}`, true);
    const config = loadConfig({ ...TEST_ENV, RATE_LIMIT_LOGIN_PER_MINUTE: '6', REDIS_URL: `redis://127.0.0.1:${cluster.ports[0]}`, REDIS_CLUSTER: 'true' });
    redisA = createRequestRedis(target);
    redisB = createRequestRedis(target);
    appA = await buildApp({ config, database: ctx.database, jwtSecret: TEST_JWT_SECRET, clock, redis: redisA });
    appB = await buildApp({ config, database: ctx.database, jwtSecret: TEST_JWT_SECRET, clock, redis: redisB });
    for (const app of [appA, appB]) app.cacheObservers.push((_, result) => cacheResults.push(result));
    await waitFor(() => redisA.status === 'ready' && redisB.status === 'ready', Boolean, 10_000);
    shop = await createShopFixture(ctx, { barbers: 2, slotStepMinutes: 30, services: [{ key: 'cut', durationMinutes: 30, priceCents: 1_000_000 }] });
  }, 60_000);

  afterAll(async () => {
    await appA?.close();
    await appB?.close();
    redisA?.disconnect();
    redisB?.disconnect();
    for (const p of cluster?.processes ?? []) p.kill('SIGKILL');
    await ctx?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const availability = async (app: FastifyInstance, day: string) => {
    const res = await app.inject({ url: `/api/v1/shops/${shop.shopId}/availability?serviceId=${shop.services.cut!.id}&from=${day}&to=${day}` });
    expect(res.statusCode).toBe(200);
    return (json(res).slots as Array<{ start: string }>).map((s) => s.start);
  };

  it('reports ready, and serves shop search, shop pages and availability from the cluster with no cache errors', async () => {
    expect(json(await appA.inject({ url: '/readyz' }))).toMatchObject({ status: 'ok', checks: { redis: { status: 'ok' } } });
    cacheResults.length = 0;
    for (let i = 0; i < 3; i++) {
      for (const app of [appA, appB]) {
        expect((await app.inject({ url: `/api/v1/shops?city=${'Rosario'}` })).statusCode).toBe(200);
        expect((await app.inject({ url: `/api/v1/shops/${shop.shopId}` })).statusCode).toBe(200);
        await availability(app, '2026-12-02');
      }
    }
    expect(cacheResults).not.toContain('error');
    expect(cacheResults.filter((r) => r === 'hit').length).toBeGreaterThan(cacheResults.length / 2);
    // The entries really are on the cluster, spread by hash tag over its nodes.
    const nodesWithCacheKeys = cluster.ports.filter((p) => keysOnNode(p, 'bp:*').length > 0);
    expect(nodesWithCacheKeys.length).toBeGreaterThanOrEqual(1);
  });

  it('never offers a slot booked through the other instance', async () => {
    const customer = await ctx.createUser('customer');
    const day = '2026-12-03';
    const before = await availability(appB, day);
    cacheResults.length = 0;
    for (const start of before.slice(0, 3)) {
      const res = await appA.inject({ method: 'POST', url: '/api/v1/bookings', headers: customer.auth, payload: { shopId: shop.shopId, serviceId: shop.services.cut!.id, start } });
      expect(res.statusCode).toBe(201);
      const after = await availability(appB, day);
      // Two barbers: the slot stays offered until both are taken.
      const other = await ctx.createUser('customer');
      expect((await appA.inject({ method: 'POST', url: '/api/v1/bookings', headers: other.auth, payload: { shopId: shop.shopId, serviceId: shop.services.cut!.id, start } })).statusCode).toBe(after.includes(start) ? 201 : 409);
      expect(await availability(appB, day)).not.toContain(start);
      expect(await availability(appA, day)).not.toContain(start);
    }
    expect(cacheResults).not.toContain('error');
  });

  it('shares the login rate limit across instances through the cluster', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const app = i % 2 ? appA : appB;
      statuses.push((await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: `nobody${i}@example.com`, password: 'wrong-password' }, remoteAddress: '198.51.100.9' })).statusCode);
    }
    expect(statuses.slice(0, 6).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(6)).toEqual([429, 429]);
  });

  it('runs BullMQ jobs on the cluster, each queue under its own hash tag', async () => {
    const queue = new BullMQJobQueue(jobConnection(parseRedisTarget(`redis://127.0.0.1:${cluster.ports[1]}`, true)), undefined, 'bp-cluster-test');
    const seen: string[] = [];
    queue.register('notifications.dispatch', async (data: { id: string }) => void seen.push(`n:${data.id}`));
    queue.register('webhooks.process', async (data: { notificationId: string }) => void seen.push(`w:${data.notificationId}`));
    try {
      await queue.start();
      for (let i = 0; i < 5; i++) {
        await queue.enqueue('notifications.dispatch', { id: String(i) }, { jobId: `n-${i}` });
        await queue.enqueue('webhooks.process', { notificationId: String(i) }, { jobId: `w-${i}` });
      }
      // The same job id again is the same job (idempotent enqueue), on a cluster too.
      await queue.enqueue('notifications.dispatch', { id: '0' }, { jobId: 'n-0' });
      await waitFor(() => seen.length >= 10, Boolean, 20_000);
      await new Promise((r) => setTimeout(r, 300));
      expect(seen.sort()).toEqual([...[0, 1, 2, 3, 4].map((i) => `n:${i}`), ...[0, 1, 2, 3, 4].map((i) => `w:${i}`)].sort());
      const depths = await queue.depths();
      expect(depths['notifications.dispatch']).toMatchObject({ waiting: 0, active: 0, failed: 0 });
      const nodesWithQueues = cluster.ports.filter((p) => keysOnNode(p, '{bp-cluster-test:*').length > 0);
      expect(nodesWithQueues.length).toBeGreaterThanOrEqual(1);
    } finally {
      await queue.close();
    }
  });
});
