import type { Kysely } from 'kysely';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Clock } from '../../platform/clock.js';
import type { AppConfig } from '../../platform/config.js';
import { createPersonalDataCipher, type PersonalDataCipher } from '../../platform/crypto/personal-data.js';
import type { DB } from '../../platform/db/schema.js';
import type { JobQueue } from '../../platform/queue/queue.js';
import type { BookingsService } from '../bookings/service.js';
import { createEmailSender } from './email.js';
import { NotificationsRepository } from './repository.js';
import { notificationRoutes } from './routes.js';
import { NotificationService, type DispatchOptions, type DispatchReport, type NotificationLog, type Senders } from './service.js';
import { createWhatsAppSender } from './whatsapp.js';

export const DISPATCH_JOB = 'notifications.dispatch';
/** The periodic run: catches up on reminders as they fall due and on anything an enqueue missed. */
export const DISPATCH_INTERVAL_MS = 15_000;
const BATCH_SIZE = 50;
const MAX_BATCHES_PER_RUN = 20;
/** Agenda events that write outbox rows worth sending right away. */
const NOTIFYING_EVENTS = new Set(['created', 'confirmed', 'rescheduled', 'cancelled']);

export interface NotificationDependencies {
  db: Kysely<DB>;
  config: AppConfig;
  clock: Clock;
  log: NotificationLog;
  /** Seals and opens WhatsApp numbers and phones; from the configured keys when not given. */
  personalData?: PersonalDataCipher;
  /** Tests replace the channels; by default they come from the configuration. */
  senders?: Senders;
  options?: Partial<DispatchOptions>;
}

export function createNotificationService(deps: NotificationDependencies): NotificationService {
  const senders = deps.senders ?? { email: createEmailSender(deps.config), whatsapp: createWhatsAppSender(deps.config) };
  return new NotificationService(new NotificationsRepository(deps.db, deps.personalData ?? createPersonalDataCipher(deps.config)), deps.clock, senders, deps.log, deps.config.mailFrom, deps.options);
}

/** One dispatch job: drains what is due, in batches, up to a bound so one run never hogs a worker. */
export async function runDispatch(service: NotificationService, clock: Clock, log: NotificationLog): Promise<DispatchReport> {
  const total: DispatchReport = { claimed: 0, sent: 0, skipped: 0, retried: 0, failed: 0, requeued: 0, unknownOutcome: 0 };
  for (let i = 0; i < MAX_BATCHES_PER_RUN; i++) {
    const report = await service.dispatchDue(clock.now(), BATCH_SIZE);
    for (const key of Object.keys(total) as Array<keyof DispatchReport>) total[key] += report[key];
    if (report.claimed < BATCH_SIZE) break;
  }
  if (total.claimed > 0 || total.requeued > 0 || total.unknownOutcome > 0) log('notifications dispatched', { ...total });
  return total;
}

/**
 * Wires notifications into the app: outbox rows written in every booking transaction, the
 * dispatch job (every 15 s, and right after each committed agenda change), and the
 * preferences routes it returns. The periodic schedule is set up when those routes are
 * registered, once the app (and the logger behind `log`) exists.
 *
 * Enqueueing is fire-and-forget: a Redis outage must neither fail nor slow down a booking.
 * Nothing is lost meanwhile, because the rows are in PostgreSQL and the periodic run (or the
 * next enqueue that gets through) sends them.
 */
export function setupNotifications(
  deps: {
    db: Kysely<DB>;
    config: AppConfig;
    clock: Clock;
    queue: JobQueue;
    bookings: BookingsService;
    log: NotificationLog;
    /** Ley 25.326 blocking, from the privacy module. */
    isProcessingBlocked?: (customerId: string) => Promise<boolean>;
  } & Pick<NotificationDependencies, 'senders' | 'options' | 'personalData'>,
): FastifyPluginAsyncZod {
  const { queue, bookings, clock, log } = deps;
  const service = createNotificationService(deps);
  service.isProcessingBlocked = deps.isProcessingBlocked;
  bookings.onAgendaTransaction(service.onAgendaTransaction);
  queue.register(DISPATCH_JOB, async () => {
    await runDispatch(service, clock, log);
  });
  bookings.onAgendaChange((event) => {
    if (!NOTIFYING_EVENTS.has(event.type)) return;
    // Unique per change (BullMQ keeps completed job ids, so a reused id would be ignored).
    // One immediate dispatch per second for the whole fleet, however many bookings commit:
    // each run sends everything due, and the periodic run covers whatever a bucket missed.
    const jobId = `notify-now-${Math.floor(Date.now() / 1000)}`;
    queue.enqueue(DISPATCH_JOB, {}, { jobId }).catch((error: unknown) =>
      log('could not enqueue a notifications dispatch; the periodic run will send', { bookingId: event.bookingId, error: errorName(error) }),
    );
  });
  const routes = notificationRoutes(service);
  return async (app, options) => {
    queue.every(DISPATCH_JOB, DISPATCH_INTERVAL_MS).catch((error: unknown) => log('could not schedule the notifications dispatch', { error: errorName(error) }));
    await routes(app, options);
  };
}

function errorName(error: unknown): string {
  return error instanceof Error ? `${error.name}${(error as { code?: string }).code ? ` ${(error as { code?: string }).code}` : ''}` : 'error';
}
