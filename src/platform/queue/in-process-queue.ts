import { withJobSpan } from '../tracing.js';
import { DEFAULT_ATTEMPTS, JOB_NAMES, backoffMs, type FailedJob, type JobHandler, type JobName, type JobOptions, type JobQueue, type QueueDepth } from './queue.js';

interface Pending {
  id: string;
  name: JobName;
  data: unknown;
  attempts: number;
  timer?: NodeJS.Timeout;
}

/**
 * The embedded default's queue: jobs run in this process with the same retry and
 * dead-letter semantics as BullMQ. Not for production, where work must survive restarts
 * and be shared by instances.
 */
export class InProcessJobQueue implements JobQueue {
  readonly kind = 'in-process' as const;
  private readonly handlers = new Map<JobName, JobHandler<any>>();
  private readonly pending = new Map<string, Pending>();
  private readonly active = new Set<string>();
  private readonly dead: FailedJob[] = [];
  private readonly repeats: NodeJS.Timeout[] = [];
  private started = false;
  private closed = false;
  private sequence = 0;

  constructor(private readonly onError: (error: unknown, job: { name: JobName; id: string }) => void = () => undefined) {}

  register<T>(name: JobName, handler: JobHandler<T>): void {
    this.handlers.set(name, handler as JobHandler<any>);
  }

  async enqueue<T>(name: JobName, data: T, options: JobOptions = {}): Promise<void> {
    if (this.closed) return;
    const id = options.jobId ?? `${name}:${++this.sequence}`;
    if (this.pending.has(id) || this.active.has(id)) return;
    const job: Pending = { id, name, data, attempts: options.attempts ?? DEFAULT_ATTEMPTS };
    this.pending.set(id, job);
    this.schedule(job, options.delayMs ?? 0, 1);
  }

  async every(name: JobName, intervalMs: number, data: unknown = {}): Promise<void> {
    const timer = setInterval(() => void this.enqueue(name, data, { jobId: `${name}:repeat` }), intervalMs);
    timer.unref();
    this.repeats.push(timer);
  }

  async start(): Promise<void> {
    this.started = true;
  }

  private schedule(job: Pending, delayMs: number, attempt: number): void {
    job.timer = setTimeout(() => void this.run(job, attempt), delayMs);
    job.timer.unref();
  }

  private async run(job: Pending, attempt: number): Promise<void> {
    const handler = this.handlers.get(job.name);
    if (!this.started || !handler || this.closed) {
      if (!this.closed) this.schedule(job, 1_000, attempt);
      return;
    }
    this.pending.delete(job.id);
    this.active.add(job.id);
    try {
      await withJobSpan(job.name, { queue: this.kind, id: job.id, attempt }, () => handler(job.data, { jobId: job.id, attempt }));
    } catch (error) {
      this.onError(error, job);
      if (attempt < job.attempts && !this.closed) {
        this.pending.set(job.id, job);
        this.schedule(job, backoffMs(attempt), attempt + 1);
      } else {
        this.dead.push({
          id: job.id,
          name: job.name,
          data: job.data,
          failedReason: error instanceof Error ? error.message : String(error),
          attemptsMade: attempt,
          failedAt: new Date(),
        });
      }
    } finally {
      this.active.delete(job.id);
    }
  }

  async depths(): Promise<Record<JobName, QueueDepth>> {
    const out = Object.fromEntries(JOB_NAMES.map((n) => [n, { waiting: 0, active: 0, delayed: 0, failed: 0 }])) as Record<JobName, QueueDepth>;
    for (const job of this.pending.values()) out[job.name].waiting++;
    for (const id of this.active) {
      const name = JOB_NAMES.find((n) => id.startsWith(`${n}:`));
      if (name) out[name].active++;
    }
    for (const job of this.dead) out[job.name].failed++;
    return out;
  }

  async failed(name: JobName, limit = 50): Promise<FailedJob[]> {
    return this.dead.filter((j) => j.name === name).slice(-limit);
  }

  async retryFailed(name: JobName): Promise<number> {
    const retry = this.dead.filter((j) => j.name === name);
    for (const job of retry) {
      this.dead.splice(this.dead.indexOf(job), 1);
      await this.enqueue(job.name, job.data, { jobId: job.id });
    }
    return retry.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.repeats) clearInterval(t);
    for (const job of this.pending.values()) clearTimeout(job.timer);
    this.pending.clear();
  }
}
