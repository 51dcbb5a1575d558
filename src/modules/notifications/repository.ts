import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import type { PersonalDataCipher } from '../../platform/crypto/personal-data.js';
import { contextOf } from '../../platform/crypto/sealed-columns.js';
import type { BookingStatus, DB, NotificationChannel, NotificationKind, NotificationsTable } from '../../platform/db/schema.js';

type Executor = Kysely<DB> | Transaction<DB>;

export interface Preferences {
  email: boolean;
  whatsapp: boolean;
  whatsappPhone: string | null;
}

export const DEFAULT_PREFERENCES: Preferences = { email: true, whatsapp: false, whatsappPhone: null };

export interface NotificationRow {
  id: string;
  booking_id: string;
  customer_id: string;
  kind: NotificationKind;
  channel: NotificationChannel;
  sequence: number;
  status: string;
  due_at: Date;
  attempts: number;
}

/** Everything a message says, read fresh at send time. */
export interface SendContext {
  booking_id: string;
  status: BookingStatus;
  starts_at: Date;
  ends_at: Date;
  reschedule_count: number;
  price_cents: number;
  deposit_cents: number;
  cancelled_by: string | null;
  customer_id: string;
  customer_name: string;
  customer_email: string;
  shop_name: string;
  shop_address: string;
  shop_city: string;
  timezone: string;
  cancellation_cutoff_minutes: number;
  service_name: string;
  barber_name: string;
  pref_email: boolean | null;
  pref_whatsapp: boolean | null;
  whatsapp_phone: string | null;
}

const ROW_COLUMNS = ['id', 'booking_id', 'customer_id', 'kind', 'channel', 'sequence', 'status', 'due_at', 'attempts'] as const;

export class NotificationsRepository {
  constructor(
    readonly db: Kysely<DB>,
    private readonly personalData: PersonalDataCipher,
  ) {}

  private whatsappPhone(stored: string | null | undefined, userId: string): string | null {
    return this.personalData.openNullable(stored, contextOf('notification_preferences', 'whatsapp_phone', userId));
  }

  // Preferences -------------------------------------------------------------------------

  async preferences(userId: string, db: Executor = this.db): Promise<Preferences> {
    const row = await db
      .selectFrom('notification_preferences')
      .select(['email', 'whatsapp', 'whatsapp_phone'])
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row ? { email: row.email, whatsapp: row.whatsapp, whatsappPhone: this.whatsappPhone(row.whatsapp_phone, userId) } : { ...DEFAULT_PREFERENCES };
  }

  async savePreferences(userId: string, prefs: Preferences, now: Date): Promise<void> {
    const whatsappPhone = this.personalData.sealNullable(prefs.whatsappPhone, contextOf('notification_preferences', 'whatsapp_phone', userId));
    const values = { email: prefs.email, whatsapp: prefs.whatsapp, whatsapp_phone: whatsappPhone, updated_at: now };
    await this.db
      .insertInto('notification_preferences')
      .values({ user_id: userId, ...values })
      .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
      .execute();
  }

  async userPhone(userId: string): Promise<string | null> {
    const row = await this.db.selectFrom('users').select('phone').where('id', '=', userId).executeTakeFirst();
    return this.personalData.openNullable(row?.phone, contextOf('users', 'phone', userId));
  }

  // Writing the outbox (inside the booking's transaction) -------------------------------

  /** The booking's state and its customer's channel preferences, in one round trip. */
  async bookingWithPreferences(trx: Transaction<DB>, bookingId: string) {
    const row = await trx
      .selectFrom('bookings')
      .leftJoin('notification_preferences as p', 'p.user_id', 'bookings.customer_id')
      .select(['bookings.id', 'bookings.customer_id', 'bookings.status', 'bookings.starts_at', 'bookings.reschedule_count', 'p.email', 'p.whatsapp', 'p.whatsapp_phone', 'p.user_id as has_preferences'])
      .where('bookings.id', '=', bookingId)
      .executeTakeFirst();
    if (!row) return undefined;
    const { email, whatsapp, whatsapp_phone, has_preferences, ...booking } = row;
    const preferences: Preferences = has_preferences ? { email: email!, whatsapp: whatsapp!, whatsappPhone: this.whatsappPhone(whatsapp_phone, booking.customer_id) } : { ...DEFAULT_PREFERENCES };
    return { booking, preferences };
  }

  bookingState(trx: Transaction<DB>, bookingId: string) {
    return trx
      .selectFrom('bookings')
      .select(['id', 'customer_id', 'status', 'starts_at', 'reschedule_count'])
      .where('id', '=', bookingId)
      .executeTakeFirst();
  }

  async insert(trx: Transaction<DB>, rows: Array<Insertable<NotificationsTable>>): Promise<number> {
    if (rows.length === 0) return 0;
    const inserted = await trx
      .insertInto('notifications')
      .values(rows)
      .onConflict((oc) => oc.columns(['booking_id', 'kind', 'channel', 'sequence']).doNothing())
      .returning('id')
      .execute();
    return inserted.length;
  }

  /** Moves a booking's pending reminders of one kind to a new time (after a reschedule). */
  async movePending(trx: Transaction<DB>, bookingId: string, kind: NotificationKind, dueAt: Date, sequence: number, now: Date): Promise<number> {
    const rows = await trx
      .updateTable('notifications')
      .set({ due_at: dueAt, sequence, attempts: 0, last_error: null, updated_at: now })
      .where('booking_id', '=', bookingId)
      .where('kind', '=', kind)
      .where('status', '=', 'pending')
      .returning('id')
      .execute();
    return rows.length;
  }

  async skipPending(trx: Transaction<DB>, bookingId: string, kinds: readonly NotificationKind[], reason: string, now: Date): Promise<number> {
    const rows = await trx
      .updateTable('notifications')
      .set({ status: 'skipped', last_error: reason, updated_at: now })
      .where('booking_id', '=', bookingId)
      .where('kind', 'in', [...kinds])
      .where('status', '=', 'pending')
      .returning('id')
      .execute();
    return rows.length;
  }

  // Dispatching -------------------------------------------------------------------------

  /**
   * Rows claimed before `claimedBefore` whose dispatcher never reported back (it died or
   * hung). Those never handed to a provider go back to pending; those that were may or may
   * not have gone out, so they fail ("unknown outcome") rather than risk a second send.
   */
  async recoverStuck(now: Date, claimedBefore: Date): Promise<{ requeued: NotificationRow[]; failed: NotificationRow[] }> {
    const requeued = await this.db
      .updateTable('notifications')
      .set({ status: 'pending', claimed_by: null, claimed_at: null, last_error: 'requeued: claimed and never handed to a provider', updated_at: now })
      .where('status', '=', 'sending')
      .where('claimed_at', '<', claimedBefore)
      .where('send_started_at', 'is', null)
      .returning(ROW_COLUMNS)
      .execute();
    const failed = await this.db
      .updateTable('notifications')
      .set({ status: 'failed', last_error: 'unknown outcome: handed to the provider and never confirmed', updated_at: now })
      .where('status', '=', 'sending')
      .where('claimed_at', '<', claimedBefore)
      .where('send_started_at', 'is not', null)
      .returning(ROW_COLUMNS)
      .execute();
    return { requeued: requeued as NotificationRow[], failed: failed as NotificationRow[] };
  }

  /**
   * Claims up to `limit` due rows for one dispatcher run (`claimToken`). SKIP LOCKED lets
   * concurrent dispatchers take disjoint rows without waiting; the outer status check drops a
   * row another dispatcher claimed and committed in the meantime. The selection is a
   * MATERIALIZED CTE so it runs exactly once: as an `id IN (subquery)` PostgreSQL may
   * evaluate it again and claim more than `limit` rows.
   */
  async claimDue(now: Date, limit: number, claimToken: string): Promise<NotificationRow[]> {
    const rows = await this.db.transaction().execute((trx) =>
      trx
        .with(
          (cte) => cte('due').materialized(),
          (db) =>
            db
              .selectFrom('notifications')
              .select('id')
              .where('status', '=', 'pending')
              .where('due_at', '<=', now)
              .orderBy('due_at')
              .limit(limit)
              .forUpdate()
              .skipLocked(),
        )
        .updateTable('notifications as n')
        .from('due')
        .set({ status: 'sending', claimed_by: claimToken, claimed_at: now, send_started_at: null, attempts: sql`n.attempts + 1`, updated_at: now })
        .whereRef('n.id', '=', 'due.id')
        .where('n.status', '=', 'pending')
        .returning(['n.id', 'n.booking_id', 'n.customer_id', 'n.kind', 'n.channel', 'n.sequence', 'n.status', 'n.due_at', 'n.attempts'])
        .execute(),
    );
    return (rows as NotificationRow[]).sort((a, b) => a.due_at.getTime() - b.due_at.getTime());
  }

  async sendContext(bookingId: string): Promise<SendContext | undefined> {
    const row = await this.db
      .selectFrom('bookings as b')
      .innerJoin('shops as s', 's.id', 'b.shop_id')
      .innerJoin('barbers as br', 'br.id', 'b.barber_id')
      .innerJoin('services as sv', 'sv.id', 'b.service_id')
      .innerJoin('users as u', 'u.id', 'b.customer_id')
      .leftJoin('notification_preferences as p', 'p.user_id', 'b.customer_id')
      .select([
        'b.id as booking_id',
        'b.status',
        'b.starts_at',
        'b.ends_at',
        'b.reschedule_count',
        'b.price_cents',
        'b.deposit_cents',
        'b.cancelled_by',
        'b.customer_id',
        'u.full_name as customer_name',
        'u.email as customer_email',
        's.name as shop_name',
        's.address as shop_address',
        's.city as shop_city',
        's.timezone',
        's.cancellation_cutoff_minutes',
        'sv.name as service_name',
        'br.display_name as barber_name',
        'p.email as pref_email',
        'p.whatsapp as pref_whatsapp',
        'p.whatsapp_phone',
      ])
      .where('b.id', '=', bookingId)
      .executeTakeFirst();
    return row && { ...row, whatsapp_phone: this.whatsappPhone(row.whatsapp_phone, row.customer_id) };
  }

  private owned(id: string, claimToken: string) {
    return this.db.updateTable('notifications').where('id', '=', id).where('claimed_by', '=', claimToken);
  }

  /** Recorded before the provider is called; false when this run no longer owns the row. */
  async markSendStarted(id: string, claimToken: string, now: Date): Promise<boolean> {
    const row = await this.owned(id, claimToken)
      .set({ send_started_at: now, updated_at: now })
      .where('status', '=', 'sending')
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  }

  async markSent(id: string, claimToken: string, now: Date, providerMessageId: string): Promise<void> {
    // Also over the stuck-row sweep's "unknown outcome": the message did go out after all.
    await this.owned(id, claimToken)
      .set({ status: 'sent', sent_at: now, provider_message_id: providerMessageId, last_error: null, updated_at: now })
      .where('status', 'in', ['sending', 'failed'])
      .execute();
  }

  async markFailed(id: string, claimToken: string, now: Date, reason: string): Promise<void> {
    await this.owned(id, claimToken).set({ status: 'failed', last_error: reason, updated_at: now }).where('status', '=', 'sending').execute();
  }

  async markSkipped(id: string, claimToken: string, now: Date, reason: string): Promise<void> {
    await this.owned(id, claimToken).set({ status: 'skipped', last_error: reason, updated_at: now }).where('status', '=', 'sending').execute();
  }

  /** A failure the provider certainly did not act on: pending again, due later. */
  async markRetry(id: string, claimToken: string, now: Date, dueAt: Date, reason: string): Promise<void> {
    await this.owned(id, claimToken)
      .set({ status: 'pending', due_at: dueAt, last_error: reason, claimed_by: null, claimed_at: null, send_started_at: null, updated_at: now })
      .where('status', '=', 'sending')
      .execute();
  }
}
