import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DB, PaymentRowStatus, PaymentsTable } from '../../platform/db/schema.js';

type Executor = Kysely<DB> | Transaction<DB>;
export type PaymentRow = Selectable<PaymentsTable>;

export class PaymentsRepository {
  constructor(readonly db: Kysely<DB>) {}

  merchantAccount(shopId: string, db: Executor = this.db) {
    return db.selectFrom('merchant_accounts').selectAll().where('shop_id', '=', shopId).where('status', '=', 'linked').executeTakeFirst();
  }

  /** The shop's MercadoPago link whatever its state, without its sealed tokens. */
  merchantLinkStatus(shopId: string) {
    return this.db
      .selectFrom('merchant_accounts')
      .select(['status', 'linked_at', 'refreshed_at'])
      .where('shop_id', '=', shopId)
      .executeTakeFirst();
  }

  merchantByMpUser(mpUserId: string) {
    return this.db.selectFrom('merchant_accounts').selectAll().where('mp_user_id', '=', mpUserId).executeTakeFirst();
  }

  async upsertMerchantAccount(values: {
    shop_id: string;
    mp_user_id: string;
    access_token_sealed: string;
    refresh_token_sealed: string | null;
    public_key: string | null;
    token_expires_at: Date | null;
  }): Promise<void> {
    await this.db
      .insertInto('merchant_accounts')
      .values(values)
      .onConflict((oc) =>
        oc.column('shop_id').doUpdateSet({
          mp_user_id: values.mp_user_id,
          access_token_sealed: values.access_token_sealed,
          refresh_token_sealed: values.refresh_token_sealed,
          public_key: values.public_key,
          token_expires_at: values.token_expires_at,
          refreshed_at: new Date(),
          status: 'linked',
        }),
      )
      .execute();
  }

  accountsExpiringBefore(before: Date) {
    return this.db
      .selectFrom('merchant_accounts')
      .selectAll()
      .where('status', '=', 'linked')
      .where('refresh_token_sealed', 'is not', null)
      .where('token_expires_at', '<', before)
      .execute();
  }

  /** The open checkout of a booking, if one was started and has not expired. */
  openCheckout(bookingId: string, now: Date) {
    return this.db
      .selectFrom('payments')
      .selectAll()
      .where('booking_id', '=', bookingId)
      .where('status', '=', 'checkout')
      .where('checkout_expires_at', '>', now)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
  }

  insertCheckout(values: { booking_id: string; shop_id: string; amount_cents: number; commission_cents: number; checkout_expires_at: Date }) {
    return this.db
      .insertInto('payments')
      .values({ ...values, status: 'checkout' })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async setCheckoutPreference(id: string, preferenceId: string, url: string): Promise<void> {
    await this.db.updateTable('payments').set({ preference_id: preferenceId, checkout_url: url, updated_at: new Date() }).where('id', '=', id).execute();
  }

  async deleteCheckout(id: string): Promise<void> {
    await this.db.deleteFrom('payments').where('id', '=', id).where('status', '=', 'checkout').where('preference_id', 'is', null).execute();
  }

  /**
   * The row for a MercadoPago payment, locked for this transaction: the existing one, or the
   * booking's checkout row it completes, or a new one. Locking serialises concurrent
   * notifications about the same payment; NO KEY UPDATE leaves refunds free to reference it.
   */
  async lockForMpPayment(trx: Transaction<DB>, mpPaymentId: string, bookingId: string | null): Promise<PaymentRow | undefined> {
    const existing = await trx.selectFrom('payments').selectAll().where('mp_payment_id', '=', mpPaymentId).forNoKeyUpdate().executeTakeFirst();
    if (existing) return existing;
    if (!bookingId) return undefined;
    return trx
      .selectFrom('payments')
      .selectAll()
      .where('booking_id', '=', bookingId)
      .where('mp_payment_id', 'is', null)
      .orderBy('created_at', 'desc')
      .forNoKeyUpdate()
      .executeTakeFirst();
  }

  insertPayment(trx: Transaction<DB>, values: { booking_id: string | null; shop_id: string | null; mp_payment_id: string; amount_cents: number; status: PaymentRowStatus }) {
    return trx.insertInto('payments').values(values).returningAll().executeTakeFirstOrThrow();
  }

  async updatePayment(
    trx: Transaction<DB>,
    id: string,
    values: Partial<Pick<PaymentRow, 'mp_payment_id' | 'status' | 'mp_status' | 'mp_status_detail' | 'refunded_cents' | 'mp_fee_cents' | 'review_reason' | 'approved_at' | 'last_synced_at'>>,
  ): Promise<void> {
    await trx.updateTable('payments').set({ ...values, updated_at: new Date() }).where('id', '=', id).execute();
  }

  collectedPaymentForBooking(bookingId: string, db: Executor = this.db) {
    return db
      .selectFrom('payments')
      .selectAll()
      .where('booking_id', '=', bookingId)
      .where('status', 'in', ['approved', 'partially_refunded'])
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
  }

  paymentsForBooking(bookingId: string) {
    return this.db.selectFrom('payments').selectAll().where('booking_id', '=', bookingId).orderBy('created_at').execute();
  }

  /**
   * Checkouts and pending payments of bookings still waiting, for reconciliation: the ones
   * looked at longest ago first, so that each run moves on (see markReconciled). A checkout
   * stops being searched a day after it expired: MercadoPago refuses payments on an expired
   * preference, and one made just before would have been found by then.
   */
  openPayments(limit: number, now: Date) {
    const checkoutsSince = new Date(now.getTime() - 86_400_000);
    return this.db
      .selectFrom('payments')
      .innerJoin('bookings', 'bookings.id', 'payments.booking_id')
      .select(['payments.id', 'payments.booking_id', 'payments.shop_id', 'payments.mp_payment_id', 'payments.status'])
      .where((eb) =>
        eb.or([
          eb('payments.status', '=', 'pending'),
          eb.and([eb('payments.status', '=', 'checkout'), eb('payments.checkout_expires_at', '>', checkoutsSince)]),
        ]),
      )
      .orderBy(sql`coalesce(payments.last_synced_at, payments.created_at)`)
      .limit(limit)
      .execute();
  }

  async markReconciled(id: string, now: Date): Promise<void> {
    await this.db.updateTable('payments').set({ last_synced_at: now }).where('id', '=', id).execute();
  }

  /** What the chargeback entry recorded under this key took from the shop (0 when there is none). */
  async chargebackCents(trx: Transaction<DB>, idempotencyKey: string): Promise<number> {
    const row = await trx
      .selectFrom('ledger_entries as e')
      .innerJoin('ledger_postings as p', 'p.entry_id', 'e.id')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<string>('p.amount_cents'), sql<string>`0`).as('cents'))
      .where('e.idempotency_key', '=', idempotencyKey)
      .where('p.line_type', '=', 'chargeback')
      .where('p.amount_cents', '>', 0)
      .executeTakeFirst();
    return Number(row?.cents ?? 0);
  }

  // Notifications ------------------------------------------------------------------------

  insertNotification(values: { mp_payment_id: string; mp_user_id: string | null; action: string | null; request_id: string | null }) {
    return this.db.insertInto('payment_notifications').values(values).returning('id').executeTakeFirstOrThrow();
  }

  pendingNotifications(limit: number) {
    return this.db
      .selectFrom('payment_notifications')
      .selectAll()
      .where('processed_at', 'is', null)
      .where('attempts', '<', 20)
      .orderBy('received_at')
      .limit(limit)
      .execute();
  }

  findNotification(id: string) {
    return this.db.selectFrom('payment_notifications').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async markNotification(id: string, outcome: { processed: boolean; error?: string }): Promise<void> {
    await this.db
      .updateTable('payment_notifications')
      .set({
        attempts: sql`attempts + 1`,
        ...(outcome.processed ? { processed_at: new Date(), last_error: null } : { last_error: outcome.error ?? 'failed' }),
      })
      .where('id', '=', id)
      .execute();
  }

  /**
   * One fetch settles this notification and every earlier one about the same payment. The
   * bound is read in SQL: a JS Date would truncate the stored microseconds.
   */
  async markPaymentNotificationsProcessed(notificationId: string): Promise<void> {
    await sql`
      update payment_notifications n
      set processed_at = now(), attempts = n.attempts + 1
      from payment_notifications self
      where self.id = ${notificationId}
        and n.mp_payment_id = self.mp_payment_id
        and n.processed_at is null
        and n.received_at <= self.received_at`.execute(this.db);
  }

  // Refunds ------------------------------------------------------------------------------

  insertRefund(trx: Transaction<DB>, values: { payment_id: string; booking_id: string; amount_cents: number; reason: string }) {
    return trx.insertInto('refunds').values(values).returning('id').executeTakeFirstOrThrow();
  }

  pendingRefunds(limit: number) {
    return this.db
      .selectFrom('refunds')
      .innerJoin('payments', 'payments.id', 'refunds.payment_id')
      .select(['refunds.id', 'refunds.amount_cents', 'refunds.attempts', 'payments.mp_payment_id', 'payments.shop_id', 'payments.id as payment_id'])
      .where('refunds.status', '=', 'pending')
      .orderBy('refunds.created_at')
      .limit(limit)
      .execute();
  }

  async completeRefund(id: string, outcome: { mpRefundId: string } | { error: string; final: boolean }): Promise<void> {
    await this.db
      .updateTable('refunds')
      .set(
        'mpRefundId' in outcome
          ? { status: 'succeeded', mp_refund_id: outcome.mpRefundId, completed_at: new Date(), attempts: sql`attempts + 1` }
          : { status: outcome.final ? 'failed' : 'pending', last_error: outcome.error, attempts: sql`attempts + 1` },
      )
      .where('id', '=', id)
      .execute();
  }
}
