import { randomUUID } from 'node:crypto';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createShopFixture, type ShopFixture } from '../../../test/fixtures.js';
import { createTestContext, json, type TestContext, type TestUser } from '../../../test/helpers.js';
import { loadConfig } from '../../platform/config.js';
import { BullMQJobQueue } from '../../platform/queue/bullmq-queue.js';
import { InProcessJobQueue } from '../../platform/queue/in-process-queue.js';
import type { NotificationKind } from '../../platform/db/schema.js';
import type { JobName, JobOptions } from '../../platform/queue/queue.js';
import { jobConnection } from '../../platform/redis.js';
import { createNotificationService } from './setup.js';

/**
 * The dispatch job as the app wires it: scheduled every 15 s and enqueued right after each
 * committed agenda change, on the in-process runner and on BullMQ, and what an outage of the
 * queue does to bookings (nothing) and to notifications (they wait, then go).
 */
const ENGINE = process.env.DATABASE_URL ? 'real PostgreSQL' : 'PGlite';
const REDIS_URL = process.env.REDIS_URL;
const NOW = '2026-12-01T12:00:00Z';

let ctx: TestContext | undefined;
let dataDir: string;
let shop: ShopFixture;
let customer: TestUser;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'bp-jobs-'));
});
afterEach(async () => {
  await ctx?.close();
  ctx = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

async function setUp(options: Parameters<typeof createTestContext>[0] = {}) {
  ctx = await createTestContext({ now: NOW, env: { DATA_DIR: dataDir }, ...options });
  shop = await createShopFixture(ctx, { barbers: 1 });
  customer = await ctx.createUser('customer');
  return ctx;
}

async function book(start: string): Promise<string> {
  const res = await ctx!.app.inject({
    method: 'POST',
    url: '/api/v1/bookings',
    headers: customer.auth,
    payload: { shopId: shop.shopId, serviceId: shop.services.cut!.id, start },
  });
  expect(res.statusCode, res.body).toBe(201);
  return json(res).id;
}

async function notification(bookingId: string, kind: NotificationKind) {
  return ctx!.database.db
    .selectFrom('notifications')
    .select(['id', 'status'])
    .where('booking_id', '=', bookingId)
    .where('kind', '=', kind)
    .executeTakeFirstOrThrow();
}

async function waitUntilSent(bookingId: string, kind: NotificationKind, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await notification(bookingId, kind);
    if (row.status === 'sent') return row.id;
    if (Date.now() > deadline) throw new Error(`${kind} for ${bookingId} still ${row.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const emlExists = (id: string) =>
  access(join(dataDir, 'outbox', `${id}.eml`)).then(
    () => true,
    () => false,
  );

/** A queue whose Redis is gone: enqueues hang (like BullMQ waiting to reconnect) or fail. */
class BrokenQueue extends InProcessJobQueue {
  mode: 'hang' | 'reject' | 'up' = 'hang';
  override enqueue<T>(name: JobName, data: T, options?: JobOptions): Promise<void> {
    if (this.mode === 'hang') return new Promise<void>(() => undefined);
    if (this.mode === 'reject') return Promise.reject(Object.assign(new Error('Connection is closed.'), { code: 'ECONNREFUSED' }));
    return super.enqueue(name, data, options);
  }
  override every(name: JobName, intervalMs: number, data?: unknown): Promise<void> {
    if (this.mode !== 'up') return Promise.reject(new Error('Connection is closed.'));
    return super.every(name, intervalMs, data);
  }
}

describe(`notification jobs (${ENGINE})`, () => {
  it('in-process runner: a booking’s confirmation goes out right after the booking commits', async () => {
    const context = await setUp();
    await context.app.queue.start();
    const bookingId = await book('2026-12-02T10:00:00-03:00');
    const id = await waitUntilSent(bookingId, 'confirmation');
    expect(await emlExists(id)).toBe(true);
    expect((await notification(bookingId, 'reminder_24h')).status).toBe('pending');
  });

  it('a queue outage neither fails nor delays bookings, and loses no notification', async () => {
    const queue = new BrokenQueue();
    const context = await setUp({ queue });
    await queue.start();
    const started = performance.now();
    const first = await book('2026-12-02T10:00:00-03:00'); // enqueue hangs
    queue.mode = 'reject';
    const second = await book('2026-12-02T11:00:00-03:00'); // enqueue fails
    expect(performance.now() - started).toBeLessThan(10_000); // a waiting enqueue would never return
    expect((await notification(first, 'confirmation')).status).toBe('pending');
    expect((await notification(second, 'confirmation')).status).toBe('pending');

    // Redis is back: the next run (periodic or enqueued) sends everything that waited.
    queue.mode = 'up';
    await queue.enqueue('notifications.dispatch', {}, { jobId: 'catch-up' });
    for (const id of [first, second]) expect(await emlExists(await waitUntilSent(id, 'confirmation'))).toBe(true);
    // And a separate worker process (here: another service over the same database) agrees.
    const report = await createNotificationService({ db: context.database.db, config: loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir }), clock: context.clock, log: () => undefined }).dispatchDue(
      context.clock.now(),
    );
    expect(report.claimed).toBe(0);
  });

  describe.skipIf(!REDIS_URL)('BullMQ (REDIS_URL)', () => {
    const namespace = `bp-test-${randomUUID().slice(0, 8)}`;
    let queue: BullMQJobQueue | undefined;
    const jobErrors: unknown[] = [];

    afterAll(async () => {
      await queue?.close();
      const redis = new Redis(REDIS_URL!);
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `{${namespace}:*`, 'COUNT', 500);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
      await redis.quit();
    });

    it('the dispatch job runs on BullMQ workers: right after a booking, and when enqueued', async () => {
      queue = new BullMQJobQueue(jobConnection(REDIS_URL!), (error) => jobErrors.push(error), namespace);
      const context = await setUp({ queue });
      await queue.start();
      // The periodic schedule exists (idempotent upsert).
      await queue.every('notifications.dispatch', 15_000);

      const bookingId = await book('2026-12-03T10:00:00-03:00');
      const confirmation = await waitUntilSent(bookingId, 'confirmation');
      expect(await emlExists(confirmation)).toBe(true);

      context.clock.set('2026-12-02T13:00:00Z');
      await queue.enqueue('notifications.dispatch', {}, { jobId: `manual-${randomUUID()}` });
      const reminder = await waitUntilSent(bookingId, 'reminder_24h');
      expect(await emlExists(reminder)).toBe(true);
      expect((await notification(bookingId, 'reminder_2h')).status).toBe('pending');
      expect(jobErrors).toEqual([]);
      const depths = await queue.depths();
      expect(depths['notifications.dispatch'].failed).toBe(0);
    });
  });

  it.skipIf(REDIS_URL)('BullMQ path skipped: REDIS_URL is not set', () => {
    expect(REDIS_URL).toBeUndefined();
  });
});
