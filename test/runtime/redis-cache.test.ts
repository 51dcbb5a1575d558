import type { ChildProcess } from 'node:child_process';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { ManualClock } from '../../src/platform/clock.js';
import { loadConfig } from '../../src/platform/config.js';
import type { Database } from '../../src/platform/db/database.js';
import { createRequestRedis, type RedisClient } from '../../src/platform/redis.js';
import { createShopFixture, type ShopFixture } from '../fixtures.js';
import { createTestContext, freePort, hasRedisServer, json, startRedisServer as startRedis, waitFor, TEST_JWT_SECRET, type TestContext, type TestUser } from '../helpers.js';

/**
 * Two instances sharing PostgreSQL and a private Redis server that the test can kill:
 * the cache must never offer a slot booked through the other instance, and losing Redis
 * must cost speed, not answers.
 */



describe.skipIf(!hasRedisServer)('two instances, one Redis', () => {
  let ctx: TestContext;
  let database: Database;
  let port: number;
  let redisProcess: ChildProcess;
  let redisA: RedisClient;
  let redisB: RedisClient;
  let appA: FastifyInstance;
  let appB: FastifyInstance;
  let shop: ShopFixture;
  const clock = new ManualClock('2026-12-01T12:00:00Z');

  beforeAll(async () => {
    // ctx only provides the fixture helpers and users; the two apps under test share its database.
    ctx = await createTestContext({ clock });
    database = ctx.database;
    port = await freePort();
    redisProcess = await startRedis(port);
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', JWT_SECRET: TEST_JWT_SECRET });
    redisA = createRequestRedis(`redis://127.0.0.1:${port}`);
    redisB = createRequestRedis(`redis://127.0.0.1:${port}`);
    appA = await buildApp({ config, database, jwtSecret: TEST_JWT_SECRET, clock, redis: redisA });
    appB = await buildApp({ config, database, jwtSecret: TEST_JWT_SECRET, clock, redis: redisB });
    await waitFor(() => redisA.status === 'ready' && redisB.status === 'ready');
    shop = await createShopFixture(ctx, { barbers: 1, slotStepMinutes: 30, services: [{ key: 'cut', durationMinutes: 30, priceCents: 1_000_000 }] });
  });

  afterAll(async () => {
    await appA?.close();
    await appB?.close();
    redisA?.disconnect();
    redisB?.disconnect();
    redisProcess?.kill('SIGKILL');
    await ctx?.close();
  });

  const availabilityUrl = (day: string) => `/api/v1/shops/${shop.shopId}/availability?serviceId=${shop.services.cut!.id}&from=${day}&to=${day}`;
  const starts = async (app: FastifyInstance, day: string) => {
    const res = await app.inject({ url: availabilityUrl(day) });
    expect(res.statusCode).toBe(200);
    return json(res).slots.map((s: { start: string }) => s.start) as string[];
  };
  const book = (user: TestUser, start: string) =>
    appA.inject({ method: 'POST', url: '/api/v1/bookings', headers: user.auth, payload: { shopId: shop.shopId, serviceId: shop.services.cut!.id, start } });

  it('serves repeated reads from Redis', async () => {
    const hits = { n: 0 };
    appB.cacheObservers.push((_, r) => r === 'hit' && hits.n++);
    await starts(appB, '2026-12-02');
    await starts(appB, '2026-12-02');
    expect(hits.n).toBeGreaterThanOrEqual(1);
  });

  it('a booking committed on instance A is never offered by instance B afterwards, even while B reads concurrently', async () => {
    const customer = await ctx.createUser('customer');
    const day = '2026-12-03';
    const before = await starts(appB, day);
    expect(before.length).toBeGreaterThan(4);
    for (const start of before.slice(0, 4)) {
      // B keeps reading (and re-filling its cache) while A books.
      let stop = false;
      const reader = (async () => {
        while (!stop) await starts(appB, day);
      })();
      const res = await book(customer, start);
      expect(res.statusCode).toBe(201);
      stop = true;
      await reader;
      expect(await starts(appB, day)).not.toContain(start);
      expect(await starts(appA, day)).not.toContain(start);
    }
  });

  // A different unknown account each time, so the failed-login lockout stays out of the way.
  let n = 0;
  const attempt = (app: FastifyInstance, ip: string) =>
    app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: `nobody${++n}@example.com`, password: 'wrong-password' }, remoteAddress: ip });

  it('shares the login rate limit across instances through Redis', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await attempt(i % 2 ? appA : appB, '203.0.113.5')).statusCode);
    // 10 a minute per address in total, whichever instance answers.
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });

  it('with Redis killed, reads still answer 200 from PostgreSQL, readiness says degraded, bookings still invalidate once it is back', async () => {
    const day = '2026-12-04';
    const warm = await starts(appB, day);
    redisProcess.kill('SIGKILL');
    await waitFor(() => redisA.status !== 'ready' && redisB.status !== 'ready');

    for (let i = 0; i < 20; i++) expect((await appB.inject({ url: availabilityUrl(day) })).statusCode).toBe(200);
    expect((await appB.inject({ url: '/api/v1/shops?city=Rosario' })).statusCode).toBe(200);
    const ready = await appB.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(json(ready)).toMatchObject({ status: 'degraded', checks: { database: { status: 'ok' }, redis: { status: 'down' } } });

    // Rate limiting falls back to each instance's own counters instead of failing or opening up.
    const local: number[] = [];
    for (let i = 0; i < 11; i++) local.push((await attempt(appA, '203.0.113.77')).statusCode);
    expect(local.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(local[10]).toBe(429);

    // A booking while Redis is down is still never offered afterwards.
    const customer = await ctx.createUser('customer');
    expect((await book(customer, warm[0]!)).statusCode).toBe(201);
    expect(await starts(appB, day)).not.toContain(warm[0]);

    redisProcess = await startRedis(port);
    await waitFor(() => redisA.status === 'ready' && redisB.status === 'ready', Boolean, 10_000);
    expect(await starts(appB, day)).not.toContain(warm[0]);
    expect(json(await appB.inject({ url: '/readyz' })).status).toBe('ok');
  });
});

