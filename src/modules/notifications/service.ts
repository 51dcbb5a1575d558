import { randomUUID } from 'node:crypto';
import type { Insertable, Transaction } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import type { DB, NotificationChannel, NotificationKind, NotificationsTable } from '../../platform/db/schema.js';
import { problems } from '../../platform/http/problem.js';
import type { AgendaEvent } from '../bookings/service.js';
import type { EmailSender } from './email.js';
import { mailbox } from './email.js';
import { buildIcs } from './ics.js';
import { DEFAULT_PREFERENCES, type NotificationRow, type NotificationsRepository, type Preferences, type SendContext } from './repository.js';
import { SendError } from './send-error.js';
import { emailContent, whatsappContent, type MessageFacts } from './templates.js';
import type { WhatsAppSender } from './whatsapp.js';

export type NotificationLog = (msg: string, data?: Record<string, unknown>) => void;

export const REMINDERS: ReadonlyArray<{ kind: NotificationKind; beforeMs: number }> = [
  { kind: 'reminder_24h', beforeMs: 24 * 3_600_000 },
  { kind: 'reminder_2h', beforeMs: 2 * 3_600_000 },
];
const REMINDER_KINDS = REMINDERS.map((r) => r.kind);
const ALL_BUT_CANCELLATION: NotificationKind[] = ['confirmation', 'rescheduled', ...REMINDER_KINDS];

export interface DispatchOptions {
  /** Attempts (claims) before a retryable failure becomes final. */
  maxAttempts: number;
  /** First retry delay; doubles with each attempt up to maxRetryDelayMs. */
  retryBaseMs: number;
  maxRetryDelayMs: number;
  /** A "sending" row older than this is stuck (its dispatcher died or hung). */
  stuckAfterMs: number;
}

export const DEFAULT_DISPATCH_OPTIONS: DispatchOptions = {
  maxAttempts: 8,
  retryBaseMs: 60_000,
  maxRetryDelayMs: 3_600_000,
  // Well above the senders' own timeouts (SMTP 30 s of silence, WhatsApp 15 s).
  stuckAfterMs: 10 * 60_000,
};

export interface DispatchReport {
  claimed: number;
  sent: number;
  skipped: number;
  retried: number;
  failed: number;
  requeued: number;
  unknownOutcome: number;
}

export interface Senders {
  email: EmailSender;
  whatsapp: WhatsAppSender;
}

export interface PreferencesDto {
  email: boolean;
  whatsapp: boolean;
  whatsappPhone: string | null;
}

/** "+54 9 11 4000-0000" → "+5491140000000"; null when it is not a full international number. */
export function normalizePhone(input: string): string | null {
  const trimmed = input.trim();
  if (!trimmed.startsWith('+')) return null;
  const digits = trimmed.replace(/[\s()-]/g, '').slice(1);
  return /^[1-9][0-9]{7,14}$/.test(digits) ? `+${digits}` : null;
}

/**
 * Booking notifications. Rows are written to the outbox inside the booking's transaction
 * (`onAgendaTransaction`), so a notification exists exactly when its booking change
 * committed; `dispatchDue` then sends what is due, at most once per row.
 *
 * A pending hold (a booking waiting for its deposit) gets nothing: it becomes either
 * confirmed (the confirmation and reminders go out then) or expires within minutes.
 */
export class NotificationService {
  private readonly options: DispatchOptions;
  private readonly organizer: { name: string; email: string };
  /**
   * Ley 25.326 blocking: while the customer's rectification or deletion is under review their
   * data is not processed, so nothing is sent to them (set by the privacy module).
   */
  isProcessingBlocked: ((customerId: string) => Promise<boolean>) | undefined;

  constructor(
    private readonly repo: NotificationsRepository,
    private readonly clock: Clock,
    private readonly senders: Senders,
    private readonly log: NotificationLog,
    mailFrom: string,
    options: Partial<DispatchOptions> = {},
  ) {
    this.options = { ...DEFAULT_DISPATCH_OPTIONS, ...options };
    this.organizer = mailbox(mailFrom);
  }

  // Writing the outbox ------------------------------------------------------------------

  /** Register with `bookings.onAgendaTransaction`: runs inside the booking's transaction. */
  readonly onAgendaTransaction = async (trx: Transaction<DB>, event: AgendaEvent): Promise<void> => {
    switch (event.type) {
      case 'created':
      case 'confirmed':
        return this.onConfirmed(trx, event.bookingId);
      case 'rescheduled':
        return this.onRescheduled(trx, event.bookingId);
      case 'cancelled':
        return this.onCancelled(trx, event.bookingId);
      case 'completed':
      case 'no_show':
        await this.repo.skipPending(trx, event.bookingId, REMINDER_KINDS, `booking ${event.type}`, this.clock.now());
        return;
      default:
        return;
    }
  };

  private async channelsFor(customerId: string, trx: Transaction<DB>): Promise<NotificationChannel[]> {
    const prefs = await this.repo.preferences(customerId, trx);
    return enabledChannels(prefs);
  }

  private rows(
    booking: { id: string; customer_id: string; reschedule_count: number },
    kind: NotificationKind,
    channels: NotificationChannel[],
    dueAt: Date,
  ): Array<Insertable<NotificationsTable>> {
    return channels.map((channel) => ({
      booking_id: booking.id,
      customer_id: booking.customer_id,
      kind,
      channel,
      sequence: booking.reschedule_count,
      due_at: dueAt,
    }));
  }

  private reminderRows(booking: { id: string; customer_id: string; reschedule_count: number; starts_at: Date }, channels: NotificationChannel[], now: Date) {
    return REMINDERS.flatMap(({ kind, beforeMs }) => {
      const due = new Date(booking.starts_at.getTime() - beforeMs);
      return due.getTime() > now.getTime() ? this.rows(booking, kind, channels, due) : [];
    });
  }

  private async onConfirmed(trx: Transaction<DB>, bookingId: string): Promise<void> {
    const found = await this.repo.bookingWithPreferences(trx, bookingId);
    if (!found || found.booking.status !== 'confirmed') return; // a pending hold: see the class comment
    const { booking } = found;
    const now = this.clock.now();
    const channels = enabledChannels(found.preferences);
    await this.repo.insert(trx, [...this.rows(booking, 'confirmation', channels, now), ...this.reminderRows(booking, channels, now)]);
  }

  private async onRescheduled(trx: Transaction<DB>, bookingId: string): Promise<void> {
    const booking = await this.repo.bookingState(trx, bookingId);
    if (!booking) return;
    const now = this.clock.now();
    const channels = await this.channelsFor(booking.customer_id, trx);
    // An unsent confirmation or earlier change notice is superseded by this one, which says it all.
    await this.repo.skipPending(trx, bookingId, ['confirmation', 'rescheduled'], 'superseded by a reschedule', now);
    await this.repo.insert(trx, this.rows(booking, 'rescheduled', channels, now));
    if (booking.status !== 'confirmed') return;
    for (const { kind, beforeMs } of REMINDERS) {
      const due = new Date(booking.starts_at.getTime() - beforeMs);
      if (due.getTime() > now.getTime()) await this.repo.movePending(trx, bookingId, kind, due, booking.reschedule_count, now);
      else await this.repo.skipPending(trx, bookingId, [kind], 'rescheduled: reminder time already passed', now);
    }
    // Reminders already sent (or skipped) for the old time get new ones for the new time.
    await this.repo.insert(trx, this.reminderRows(booking, channels, now));
  }

  private async onCancelled(trx: Transaction<DB>, bookingId: string): Promise<void> {
    const booking = await this.repo.bookingState(trx, bookingId);
    if (!booking) return;
    const now = this.clock.now();
    await this.repo.skipPending(trx, bookingId, ALL_BUT_CANCELLATION, 'booking cancelled', now);
    await this.repo.insert(trx, this.rows(booking, 'cancelled', await this.channelsFor(booking.customer_id, trx), now));
  }

  // Dispatching -------------------------------------------------------------------------

  /**
   * Sends what is due. Each row is claimed (pending → sending) in a short transaction of its
   * own before anything is sent, so concurrent dispatchers never share a row and a claimed
   * row is never claimed again: at most once, whatever happens to this process.
   */
  async dispatchDue(now: Date, limit = 50): Promise<DispatchReport> {
    const report: DispatchReport = { claimed: 0, sent: 0, skipped: 0, retried: 0, failed: 0, requeued: 0, unknownOutcome: 0 };
    const stuck = await this.repo.recoverStuck(now, new Date(now.getTime() - this.options.stuckAfterMs));
    report.requeued = stuck.requeued.length;
    report.unknownOutcome = stuck.failed.length;
    for (const row of stuck.requeued) this.log('notification requeued: its dispatcher stopped before sending', ids(row));
    for (const row of stuck.failed) this.log('notification failed: unknown outcome, not resent', ids(row));

    const claimToken = randomUUID();
    const rows = await this.repo.claimDue(now, limit, claimToken);
    report.claimed = rows.length;
    let firstError: unknown;
    for (const row of rows) {
      try {
        report[await this.dispatchOne(row, claimToken, now)]++;
      } catch (error) {
        // The database failed us mid-row. The row stays "sending" and the stuck-row sweep
        // settles it: back to pending if it never reached a provider, failed otherwise.
        firstError ??= error;
        this.log('notification dispatch error', { ...ids(row), error: error instanceof Error ? error.name : 'error' });
      }
    }
    if (firstError) throw firstError;
    return report;
  }

  private async dispatchOne(row: NotificationRow, claimToken: string, now: Date): Promise<'sent' | 'skipped' | 'retried' | 'failed'> {
    let send: () => Promise<{ messageId: string }>;
    try {
      const context = await this.repo.sendContext(row.booking_id);
      const stale = staleReason(row, context, now) ?? ((await this.isProcessingBlocked?.(row.customer_id)) ? 'customer data blocked: privacy request under review' : null);
      if (stale) {
        await this.repo.markSkipped(row.id, claimToken, now, stale);
        this.log('notification skipped', { ...ids(row), reason: stale });
        return 'skipped';
      }
      send = this.prepare(row, context!, now);
    } catch (error) {
      // Nothing was handed to a provider: the row can safely be tried again.
      return this.retryOrFail(row, claimToken, now, `prepare failed: ${error instanceof Error ? error.name : 'error'}`);
    }

    if (!(await this.repo.markSendStarted(row.id, claimToken, now))) {
      this.log('notification no longer held by this dispatcher; not sent', ids(row));
      return 'skipped';
    }
    try {
      const { messageId } = await send();
      await this.repo.markSent(row.id, claimToken, now, messageId);
      this.log('notification sent', ids(row));
      return 'sent';
    } catch (error) {
      const failure = error instanceof SendError ? error : new SendError('unknown', `unexpected ${error instanceof Error ? error.name : 'error'}`);
      if (failure.kind === 'retryable') return this.retryOrFail(row, claimToken, now, failure.reason);
      const reason = failure.kind === 'unknown' ? `unknown outcome: ${failure.reason}` : failure.reason;
      await this.repo.markFailed(row.id, claimToken, now, reason);
      this.log('notification failed', { ...ids(row), reason });
      return 'failed';
    }
  }

  private async retryOrFail(row: NotificationRow, claimToken: string, now: Date, reason: string): Promise<'retried' | 'failed'> {
    if (row.attempts >= this.options.maxAttempts) {
      await this.repo.markFailed(row.id, claimToken, now, `gave up after ${row.attempts} attempts: ${reason}`);
      this.log('notification failed: out of attempts', { ...ids(row), reason, attempts: row.attempts });
      return 'failed';
    }
    const delay = Math.min(this.options.retryBaseMs * 2 ** (row.attempts - 1), this.options.maxRetryDelayMs);
    await this.repo.markRetry(row.id, claimToken, now, new Date(now.getTime() + delay), reason);
    this.log('notification will be retried', { ...ids(row), reason, attempts: row.attempts, retryInMs: delay });
    return 'retried';
  }

  /** Renders the message now (so failures before sending are retryable) and returns the send. */
  private prepare(row: NotificationRow, c: SendContext, now: Date): () => Promise<{ messageId: string }> {
    const facts: MessageFacts = {
      kind: row.kind,
      customerName: c.customer_name,
      shopName: c.shop_name,
      shopAddress: c.shop_address,
      shopCity: c.shop_city,
      timezone: c.timezone,
      serviceName: c.service_name,
      barberName: c.barber_name,
      start: c.starts_at,
      end: c.ends_at,
      priceCents: c.price_cents,
      depositCents: c.deposit_cents,
      cancellationCutoffMinutes: c.cancellation_cutoff_minutes,
      cancelledByCustomer: c.cancelled_by === c.customer_id,
    };
    if (row.channel === 'whatsapp') {
      const to = c.whatsapp_phone!;
      const template = whatsappContent(facts);
      return () => this.senders.whatsapp.send({ notificationId: row.id, to, template });
    }
    const content = emailContent(facts, now);
    const cancelled = row.kind === 'cancelled';
    const calendar = this.calendarEvent(c, now, cancelled);
    return () =>
      this.senders.email.send({
        notificationId: row.id,
        to: c.customer_email,
        ...content,
        calendar: { content: calendar, method: cancelled ? 'CANCEL' : 'REQUEST', filename: 'turno.ics' },
      });
  }

  private calendarEvent(c: SendContext, now: Date, cancelled: boolean): string {
    return buildIcs({
      uid: `booking-${c.booking_id}@barberpro.ar`,
      // Every reschedule raises it; the cancellation goes one past the last version.
      sequence: c.reschedule_count + (cancelled ? 1 : 0),
      method: cancelled ? 'CANCEL' : 'REQUEST',
      start: c.starts_at,
      end: c.ends_at,
      stamp: now,
      summary: `${c.service_name} en ${c.shop_name}`,
      location: `${c.shop_address}, ${c.shop_city}`,
      description: `Barbero: ${c.barber_name}\nReservado con BarberPro`,
      organizer: { name: c.shop_name, email: this.organizer.email },
      attendee: { name: c.customer_name, email: c.customer_email },
      alarmMinutesBefore: 60,
    });
  }

  // Calendar download -------------------------------------------------------------------

  /**
   * The customer's own booking as an .ics file, the same event (uid, sequence) the emails
   * carry, so adding it twice updates one calendar entry. An unpaid hold is not an
   * appointment yet; a cancelled booking downloads as the CANCEL that removes it.
   */
  async calendarFor(customerId: string, bookingId: string): Promise<{ body: string; filename: string }> {
    const c = await this.repo.sendContext(bookingId);
    if (!c || c.customer_id !== customerId) throw problems.notFound('El turno');
    if (c.status === 'pending' || c.status === 'expired')
      throw problems.conflict('booking_not_confirmed', 'El turno todavía no está confirmado: cuando se acredite la seña vas a poder agregarlo al calendario.');
    return { body: this.calendarEvent(c, this.clock.now(), c.status === 'cancelled'), filename: `turno-${c.booking_id.slice(0, 8)}.ics` };
  }

  // Preferences -------------------------------------------------------------------------

  async getPreferences(userId: string): Promise<PreferencesDto> {
    return this.repo.preferences(userId);
  }

  /**
   * Replaces the user's choices. WhatsApp needs a full international number: the one given,
   * else the one already saved, else the account's own phone when it is international.
   */
  async putPreferences(userId: string, input: { email: boolean; whatsapp: boolean; whatsappPhone?: string | null | undefined }): Promise<PreferencesDto> {
    let phone: string | null;
    if (input.whatsappPhone === undefined) {
      const current = await this.repo.preferences(userId);
      phone = current.whatsappPhone;
      if (!phone && input.whatsapp) {
        const account = await this.repo.userPhone(userId);
        phone = account ? normalizePhone(account) : null;
      }
    } else if (input.whatsappPhone === null) phone = null;
    else {
      phone = normalizePhone(input.whatsappPhone);
      if (!phone)
        throw problems.unprocessable('invalid_whatsapp_phone', 'Ingresá el número de WhatsApp con código de país, ej. +54 9 11 1234-5678.');
    }
    if (input.whatsapp && !phone)
      throw problems.unprocessable('whatsapp_phone_required', 'Para recibir avisos por WhatsApp, indicá tu número con código de país (ej. +54 9 11 1234-5678).');
    const prefs: Preferences = { email: input.email, whatsapp: input.whatsapp, whatsappPhone: phone };
    await this.repo.savePreferences(userId, prefs, this.clock.now());
    this.log('notification preferences updated', { userId, emailChannel: prefs.email, whatsappChannel: prefs.whatsapp });
    return prefs;
  }
}

export function enabledChannels(prefs: Preferences = DEFAULT_PREFERENCES): NotificationChannel[] {
  const channels: NotificationChannel[] = [];
  if (prefs.email) channels.push('email');
  if (prefs.whatsapp && prefs.whatsappPhone) channels.push('whatsapp');
  return channels;
}

/** Why a claimed row must not be sent any more, judged on the booking as it is now. */
export function staleReason(row: Pick<NotificationRow, 'kind' | 'channel' | 'sequence'>, c: SendContext | undefined, now: Date): string | null {
  if (!c) return 'booking not found';
  const prefs = { email: c.pref_email ?? DEFAULT_PREFERENCES.email, whatsapp: c.pref_whatsapp ?? DEFAULT_PREFERENCES.whatsapp, whatsappPhone: c.whatsapp_phone };
  if (!enabledChannels(prefs).includes(row.channel)) return 'channel turned off by the customer';
  if (row.kind === 'cancelled') return c.status === 'cancelled' ? null : `booking is ${c.status}, not cancelled`;
  if (c.status === 'cancelled' || c.status === 'expired') return `booking ${c.status}`;
  if (row.sequence !== c.reschedule_count) return 'superseded by a reschedule';
  if (now.getTime() >= c.starts_at.getTime()) return 'booking already started';
  if (row.kind === 'reminder_24h' || row.kind === 'reminder_2h') {
    if (c.status !== 'confirmed') return `booking ${c.status}`;
    if (row.kind === 'reminder_24h' && now.getTime() >= c.starts_at.getTime() - 2 * 3_600_000) return 'too late: the 2 h reminder covers it';
  }
  return null;
}

function ids(row: NotificationRow): Record<string, unknown> {
  return { notificationId: row.id, bookingId: row.booking_id, kind: row.kind, channel: row.channel };
}
