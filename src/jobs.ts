import type { AnalyticsRepository } from './modules/analytics/repository.js';
import { addDays, localDateOf } from './modules/availability/slot-engine.js';
import type { BookingsService } from './modules/bookings/service.js';
import type { Clock } from './platform/clock.js';
import { ARGENTINA_TIMEZONE } from './platform/db/database.js';
import type { JobQueue } from './platform/queue/queue.js';
import type { RetentionService } from './modules/retention/service.js';

export const HOLD_SWEEP_INTERVAL_MS = 30_000;
export const ROLLUP_INTERVAL_MS = 60 * 60_000;
export const PAYMENT_RECONCILE_INTERVAL_MS = 60_000;
/** Invoices catch-up: vouchers whose immediate job was lost, deferred ones, retries after AFIP outages. */
export const INVOICE_ISSUE_INTERVAL_MS = 30_000;
/** Retention runs every 6 hours: a missed or failed run is caught up long before data-protection-check's 2-day limit. */
export const RETENTION_INTERVAL_MS = 6 * 60 * 60_000;

/**
 * Handlers for the platform's periodic jobs. Each is idempotent: a retry, or two instances
 * running the same tick, converge on the same result.
 */
export function registerCoreJobs(queue: JobQueue, deps: { bookings: BookingsService; analytics: AnalyticsRepository; clock: Clock; retention: RetentionService }): void {
  queue.register('holds.expire', async () => {
    await deps.bookings.expireHolds();
  });
  // Today's figures refresh every hour; yesterday's are recomputed too so late changes
  // (a cancellation after midnight) land in the right day.
  queue.register('privacy.retention', async () => {
    await deps.retention.run();
  });
  queue.register('rollups.daily', async (data: { day?: string }) => {
    const today = localDateOf(deps.clock.now().getTime(), ARGENTINA_TIMEZONE);
    for (const day of data.day ? [data.day] : [addDays(today, -1), today]) await deps.analytics.rollUpDay(day);
  });
}

/** Schedules the periodic jobs once for the whole fleet (BullMQ job schedulers are upserts). */
export async function scheduleCoreJobs(queue: JobQueue): Promise<void> {
  await queue.every('holds.expire', HOLD_SWEEP_INTERVAL_MS);
  await queue.every('rollups.daily', ROLLUP_INTERVAL_MS);
  await queue.every('payments.reconcile', PAYMENT_RECONCILE_INTERVAL_MS);
  await queue.every('invoices.issue', INVOICE_ISSUE_INTERVAL_MS);
  await queue.every('privacy.retention', RETENTION_INTERVAL_MS);
}
