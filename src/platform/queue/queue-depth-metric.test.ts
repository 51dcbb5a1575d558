import { describe, expect, it } from 'vitest';
import { JOB_NAMES, type JobName, type QueueDepth } from './queue.js';
import { publishQueueDepth, queueDepthEmfLine } from './queue-depth-metric.js';

const depths = (overrides: Partial<Record<JobName, Partial<QueueDepth>>> = {}) =>
  Object.fromEntries(JOB_NAMES.map((n) => [n, { waiting: 0, active: 0, delayed: 0, failed: 0, ...overrides[n] }])) as Record<JobName, QueueDepth>;

describe('queue depth as a CloudWatch embedded metric', () => {
  it('counts waiting and delayed jobs over every queue, not running or dead ones', () => {
    const line = JSON.parse(
      queueDepthEmfLine(
        'production',
        depths({ 'invoices.issue': { waiting: 70, active: 3, failed: 9 }, 'notifications.dispatch': { waiting: 20, delayed: 15 } }),
        new Date('2026-12-01T12:00:00Z'),
      ),
    );
    expect(line).toEqual({
      _aws: {
        Timestamp: Date.parse('2026-12-01T12:00:00Z'),
        CloudWatchMetrics: [{ Namespace: 'BarberPro', Dimensions: [['Environment']], Metrics: [{ Name: 'QueueDepth', Unit: 'Count' }] }],
      },
      Environment: 'production',
      QueueDepth: 105,
    });
  });

  it('publishes on its interval and skips a point when the queues cannot be read', async () => {
    const lines: string[] = [];
    let fail = false;
    const stop = publishQueueDepth('staging', async () => (fail ? Promise.reject(new Error('redis down')) : depths({ 'holds.expire': { waiting: 2 } })), (l) => lines.push(l), 20);
    await new Promise((r) => setTimeout(r, 70));
    fail = true;
    const before = lines.length;
    await new Promise((r) => setTimeout(r, 60));
    stop();
    expect(before).toBeGreaterThanOrEqual(2);
    expect(lines.length).toBe(before);
    expect(JSON.parse(lines[0]!).QueueDepth).toBe(2);
  });
});
