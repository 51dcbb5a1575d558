import { Queue, Worker, type Job } from 'bullmq';
import type { Cluster } from 'ioredis';
import type { JobConnection } from '../redis.js';
import { withJobSpan } from '../tracing.js';
import { DEFAULT_ATTEMPTS, JOB_NAMES, type FailedJob, type JobHandler, type JobName, type JobOptions, type JobQueue, type QueueDepth } from './queue.js';

/**
 * BullMQ queues, one per job name. Each queue's prefix is a Redis Cluster hash tag of its
 * own, so a queue's keys share a slot while different queues spread over the shards.
 */
export class BullMQJobQueue implements JobQueue {
  readonly kind = 'bullmq' as const;
  private readonly queues = new Map<JobName, Queue>();
  private readonly handlers = new Map<JobName, { handler: JobHandler<any>; concurrency: number }>();
  private readonly workers: Worker[] = [];
  private readonly clusters: Cluster[] = [];

  constructor(
    private readonly connection: JobConnection,
    private readonly onError: (error: unknown, job: { name: JobName; id: string }) => void = () => undefined,
    private readonly namespace = 'bp',
  ) {}

  /** A server's options (BullMQ connects itself), or a cluster client of this queue's own. */
  private connect() {
    if (this.connection.kind === 'server') return this.connection.options;
    const cluster = this.connection.create();
    this.clusters.push(cluster);
    return cluster;
  }

  private prefix(name: JobName): string {
    return `{${this.namespace}:${name}}`;
  }

  private queue(name: JobName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, {
        connection: this.connect(),
        prefix: this.prefix(name),
        defaultJobOptions: {
          attempts: DEFAULT_ATTEMPTS,
          backoff: { type: 'exponential', delay: 1_000 },
          removeOnComplete: { count: 1_000 },
          // Failed jobs are kept: they are the dead letters operators inspect and retry.
          removeOnFail: false,
        },
      });
      queue.on('error', () => undefined);
      this.queues.set(name, queue);
    }
    return queue;
  }

  register<T>(name: JobName, handler: JobHandler<T>, options: { concurrency?: number } = {}): void {
    this.handlers.set(name, { handler: handler as JobHandler<any>, concurrency: options.concurrency ?? 1 });
  }

  async enqueue<T>(name: JobName, data: T, options: JobOptions = {}): Promise<void> {
    await this.queue(name).add(name, data, {
      ...(options.jobId ? { jobId: options.jobId } : {}),
      ...(options.delayMs ? { delay: options.delayMs } : {}),
      ...(options.attempts ? { attempts: options.attempts } : {}),
    });
  }

  async every(name: JobName, intervalMs: number, data: unknown = {}): Promise<void> {
    await this.queue(name).upsertJobScheduler(`${name}:every`, { every: intervalMs }, { name, data });
  }

  async start(): Promise<void> {
    for (const [name, { handler, concurrency }] of this.handlers) {
      const worker = new Worker(
        name,
        async (job: Job) => {
          const context = { jobId: String(job.id), attempt: job.attemptsMade + 1 };
          return withJobSpan(name, { queue: this.kind, id: context.jobId, attempt: context.attempt }, () => handler(job.data, context));
        },
        { connection: this.connect(), prefix: this.prefix(name), concurrency },
      );
      worker.on('failed', (job, error) => this.onError(error, { name, id: String(job?.id ?? '') }));
      worker.on('error', () => undefined);
      this.workers.push(worker);
    }
  }

  async depths(): Promise<Record<JobName, QueueDepth>> {
    const entries = await Promise.all(
      JOB_NAMES.map(async (name) => {
        const c = await this.queue(name).getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
        return [name, { waiting: (c.waiting ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0 }] as const;
      }),
    );
    return Object.fromEntries(entries) as Record<JobName, QueueDepth>;
  }

  async failed(name: JobName, limit = 50): Promise<FailedJob[]> {
    const jobs = await this.queue(name).getFailed(0, limit - 1);
    return jobs.map((j) => ({
      id: String(j.id),
      name,
      data: j.data,
      failedReason: j.failedReason ?? '',
      attemptsMade: j.attemptsMade,
      failedAt: j.finishedOn ? new Date(j.finishedOn) : null,
    }));
  }

  async retryFailed(name: JobName): Promise<number> {
    const count = await this.queue(name).getFailedCount();
    await this.queue(name).retryJobs({ state: 'failed' });
    return count;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    // BullMQ leaves a client it was handed open; these are ours.
    await Promise.all(this.clusters.map((c) => c.quit().catch(() => c.disconnect())));
  }
}
