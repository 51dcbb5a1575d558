/**
 * Background jobs. The database stays the source of truth for anything that must not be
 * lost (outbox rows, reminders, invoices); jobs are how the work gets done promptly and
 * retried. BullMQ on Redis in production; an in-process runner only on the embedded default.
 */
export const JOB_NAMES = [
  'holds.expire',
  'notifications.dispatch',
  'rollups.daily',
  'payments.reconcile',
  'invoices.issue',
  'webhooks.process',
  'incidents.escalate',
  'privacy.retention',
] as const;
export type JobName = (typeof JOB_NAMES)[number];

export interface JobOptions {
  /** Jobs with the same id are enqueued once (deduplication across instances). */
  jobId?: string;
  delayMs?: number;
  attempts?: number;
}

export interface JobContext {
  jobId: string;
  attempt: number;
}

export type JobHandler<T = unknown> = (data: T, context: JobContext) => Promise<void>;

export interface QueueDepth {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

export interface FailedJob {
  id: string;
  name: JobName;
  data: unknown;
  failedReason: string;
  attemptsMade: number;
  failedAt: Date | null;
}

export interface JobQueue {
  readonly kind: 'bullmq' | 'in-process';
  /** Declares what runs a job; only processes that call start() run handlers. */
  register<T>(name: JobName, handler: JobHandler<T>, options?: { concurrency?: number }): void;
  enqueue<T>(name: JobName, data: T, options?: JobOptions): Promise<void>;
  /** A repeating job, scheduled once for the whole fleet. */
  every(name: JobName, intervalMs: number, data?: unknown): Promise<void>;
  start(): Promise<void>;
  depths(): Promise<Record<JobName, QueueDepth>>;
  /** Jobs that used up their attempts: the dead letters operators look at. */
  failed(name: JobName, limit?: number): Promise<FailedJob[]>;
  retryFailed(name: JobName): Promise<number>;
  close(): Promise<void>;
}

export const DEFAULT_ATTEMPTS = 5;
/** Exponential backoff: 1 s, 2 s, 4 s, 8 s … */
export function backoffMs(attempt: number): number {
  return 1_000 * 2 ** Math.max(0, attempt - 1);
}
