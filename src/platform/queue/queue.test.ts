import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BullMQJobQueue } from './bullmq-queue.js';
import { InProcessJobQueue } from './in-process-queue.js';
import type { JobQueue } from './queue.js';
import { jobConnection } from '../redis.js';
import { waitFor } from '../../../test/helpers.js';

/** The same contract for both runners; BullMQ runs against the real Redis when REDIS_URL is set. */
const redisUrl = process.env.REDIS_URL;
const implementations: Array<[string, () => JobQueue]> = [['in-process', () => new InProcessJobQueue()]];
if (redisUrl) implementations.push([`BullMQ on ${new URL(redisUrl).host}`, () => new BullMQJobQueue(jobConnection(redisUrl), undefined, `bp-test-${randomUUID().slice(0, 8)}`)]);
else implementations.push(['BullMQ (skipped: REDIS_URL is not set)', () => null as never]);

// BullMQ keeps finished and failed jobs; remove this run's namespaces from the shared Redis.
afterAll(async () => {
  if (!redisUrl) return;
  const redis = new Redis(redisUrl);
  const keys = await redis.keys('{bp-test-*');
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});


describe.each(implementations)('job queue: %s', (name, make) => {
  const skip = name.includes('skipped');
  let queue: JobQueue | undefined;
  afterEach(async () => {
    await queue?.close();
    queue = undefined;
  });

  it.skipIf(skip)('runs a job with its data', async () => {
    queue = make();
    const seen: unknown[] = [];
    queue.register('rollups.daily', async (data) => void seen.push(data));
    await queue.start();
    await queue.enqueue('rollups.daily', { day: '2026-12-01' });
    await waitFor(() => seen.length === 1);
    expect(seen).toEqual([{ day: '2026-12-01' }]);
  });

  it.skipIf(skip)('enqueues a job id once while it is pending', async () => {
    queue = make();
    let runs = 0;
    queue.register('rollups.daily', async () => void runs++);
    await queue.enqueue('rollups.daily', {}, { jobId: 'once', delayMs: 300 });
    await queue.enqueue('rollups.daily', {}, { jobId: 'once', delayMs: 300 });
    await queue.start();
    await waitFor(() => runs >= 1);
    await new Promise((r) => setTimeout(r, 800));
    expect(runs).toBe(1);
  });

  it.skipIf(skip)('takes the job ids the app gives (a webhook notification id is one per notification)', async () => {
    queue = make();
    const seen: string[] = [];
    queue.register('webhooks.process', async (data: { notificationId: string }) => void seen.push(data.notificationId));
    await queue.start();
    const notificationId = randomUUID();
    // The shape PaymentsService.receiveNotification uses; BullMQ refuses ids with a ':'.
    await queue.enqueue('webhooks.process', { notificationId }, { jobId: `mp-notification-${notificationId}` });
    await waitFor(() => seen.length === 1);
    expect(seen).toEqual([notificationId]);
  });

  it.skipIf(skip)('retries a failing job, then keeps it as a dead letter that can be retried', async () => {
    queue = make();
    let attempts = 0;
    let healthy = false;
    queue.register('rollups.daily', async () => {
      attempts++;
      if (!healthy) throw new Error('dependency down');
    });
    await queue.start();
    await queue.enqueue('rollups.daily', { n: 1 }, { attempts: 2 });
    await waitFor(async () => (await queue!.failed('rollups.daily')).length === 1);
    expect(attempts).toBe(2);
    const [dead] = await queue.failed('rollups.daily');
    expect(dead).toMatchObject({ failedReason: 'dependency down', attemptsMade: 2, data: { n: 1 } });
    expect((await queue.depths())['rollups.daily'].failed).toBe(1);

    healthy = true;
    expect(await queue.retryFailed('rollups.daily')).toBe(1);
    await waitFor(() => attempts === 3);
    await waitFor(async () => (await queue!.depths())['rollups.daily'].failed === 0);
  });
});
