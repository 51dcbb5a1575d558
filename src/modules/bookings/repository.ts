import { sql, type Insertable, type Kysely, type SelectQueryBuilder, type Transaction } from 'kysely';
import type { BookingStatus, BookingsTable, DB } from '../../platform/db/schema.js';

type Executor = Kysely<DB> | Transaction<DB>;

export interface BookingView {
  id: string;
  shop_id: string;
  shop_name: string;
  timezone: string;
  cancellation_cutoff_minutes: number;
  barber_id: string;
  barber_name: string;
  barber_user_id: string | null;
  service_id: string;
  service_name: string;
  customer_id: string;
  customer_name: string;
  status: BookingStatus;
  starts_at: Date;
  ends_at: Date;
  blocked_from: Date;
  blocked_to: Date;
  price_cents: number;
  deposit_cents: number;
  hold_expires_at: Date | null;
  customer_note: string;
  cancelled_at: Date | null;
  cancelled_by: string | null;
  cancel_reason: string | null;
  reschedule_count: number;
  created_at: Date;
  has_review: boolean;
}

export interface BookingListFilter {
  customerId?: string;
  shopIds?: readonly string[];
  shopId?: string | undefined;
  barberId?: string | undefined;
  status?: readonly BookingStatus[] | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  page: number;
  pageSize: number;
}

export const EXCLUSION_VIOLATION = '23P01';

export function isExclusionViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === EXCLUSION_VIOLATION;
}

/** A booking as the API shows it: its row with the names of its shop, barber, service and customer. */
const VIEW_COLUMNS = [
  'b.id',
  'b.shop_id',
  's.name as shop_name',
  's.timezone',
  's.cancellation_cutoff_minutes',
  'b.barber_id',
  'br.display_name as barber_name',
  'br.user_id as barber_user_id',
  'b.service_id',
  'sv.name as service_name',
  'b.customer_id',
  'u.full_name as customer_name',
  'b.status',
  'b.starts_at',
  'b.ends_at',
  'b.blocked_from',
  'b.blocked_to',
  'b.price_cents',
  'b.deposit_cents',
  'b.hold_expires_at',
  'b.customer_note',
  'b.cancelled_at',
  'b.cancelled_by',
  'b.cancel_reason',
  'b.reschedule_count',
  'b.created_at',
] as const;

/**
 * A booking row (aliased `b`: the table, or the row an INSERT … RETURNING just wrote) with the
 * names of its shop, barber, service and customer. Kysely cannot type joins over a generic
 * database, hence the cast to the one shape both callers have.
 */
function withNames<D extends DB & { b: DB['bookings'] }>(query: SelectQueryBuilder<D, 'b', object>) {
  return (query as unknown as SelectQueryBuilder<DB & { b: DB['bookings'] }, 'b', object>)
    .innerJoin('shops as s', 's.id', 'b.shop_id')
    .innerJoin('barbers as br', 'br.id', 'b.barber_id')
    .innerJoin('services as sv', 'sv.id', 'b.service_id')
    .innerJoin('users as u', 'u.id', 'b.customer_id')
    .select(VIEW_COLUMNS);
}

export class BookingsRepository {
  constructor(readonly db: Kysely<DB>) {}

  private viewQuery(db: Executor) {
    return withNames(db.selectFrom('bookings as b')).select(sql<boolean>`exists (select 1 from reviews r where r.booking_id = b.id)`.as('has_review'));
  }

  findView(id: string, db: Executor = this.db): Promise<BookingView | undefined> {
    return this.viewQuery(db).where('b.id', '=', id).executeTakeFirst();
  }

  /** Locks the booking row for a state change in this transaction. */
  async lockForUpdate(trx: Transaction<DB>, id: string): Promise<BookingView | undefined> {
    await trx.selectFrom('bookings').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
    return this.findView(id, trx);
  }

  async list(filter: BookingListFilter): Promise<{ rows: BookingView[]; total: number }> {
    let q = this.viewQuery(this.db);
    if (filter.customerId) q = q.where('b.customer_id', '=', filter.customerId);
    if (filter.shopIds) q = filter.shopIds.length ? q.where('b.shop_id', 'in', [...filter.shopIds]) : q.where(sql<boolean>`false`);
    if (filter.shopId) q = q.where('b.shop_id', '=', filter.shopId);
    if (filter.barberId) q = q.where('b.barber_id', '=', filter.barberId);
    if (filter.status?.length) q = q.where('b.status', 'in', [...filter.status]);
    if (filter.from) q = q.where('b.starts_at', '>=', filter.from);
    if (filter.to) q = q.where('b.starts_at', '<', filter.to);
    const countRow = await q
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    const rows = await q
      .orderBy('b.starts_at', 'desc')
      .orderBy('b.id')
      .limit(filter.pageSize)
      .offset((filter.page - 1) * filter.pageSize)
      .execute();
    return { rows, total: Number(countRow?.n ?? 0) };
  }

  /** Frees time still held by unpaid bookings whose hold ran out, before anyone books over it. */
  async expireStaleHolds(db: Executor, now: Date, barberIds?: readonly string[], from?: Date, to?: Date): Promise<Array<{ id: string; shop_id: string; starts_at: Date }>> {
    let q = db
      .updateTable('bookings')
      .set({ status: 'expired', updated_at: now })
      .where('status', '=', 'pending')
      .where('hold_expires_at', '<=', now);
    if (barberIds) q = q.where('barber_id', 'in', [...barberIds]);
    if (from && to) q = q.where('blocked_from', '<', to).where('blocked_to', '>', from);
    const rows = await q.returning(['id', 'shop_id', 'starts_at']).execute();
    if (rows.length > 0)
      await db
        .insertInto('booking_events')
        .values(rows.map((r) => ({ booking_id: r.id, type: 'hold_expired', actor_id: null, data: '{}' })))
        .execute();
    return rows;
  }

  /**
   * Serializes writers of one barber's agenda for the rest of the transaction. Without it,
   * two concurrent inserts can each see the other's uncommitted row in the exclusion index
   * and deadlock. NO KEY UPDATE does not conflict with the KEY SHARE locks of foreign keys.
   */
  async lockBarberAgenda(trx: Transaction<DB>, barberId: string): Promise<void> {
    await trx.selectFrom('barbers').select('id').where('id', '=', barberId).forNoKeyUpdate().execute();
  }

  /** The application's own overlap check inside the transaction (the exclusion constraint backs it). */
  async overlapsLiveBooking(trx: Transaction<DB>, barberId: string, from: Date, to: Date, excludeId?: string): Promise<boolean> {
    const row = await trx
      .selectFrom('bookings')
      .select('id')
      .where('barber_id', '=', barberId)
      .where('status', 'in', ['pending', 'confirmed', 'completed', 'no_show'])
      .where('blocked_from', '<', to)
      .where('blocked_to', '>', from)
      .$if(excludeId !== undefined, (q) => q.where('id', '<>', excludeId!))
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Under the barber's agenda lock: releases the barber's holds that ran out over [from, to)
   * (recording their events), and tells whether a live booking still overlaps it. One round
   * trip instead of three on every booking; the statement's snapshot still shows the released
   * holds as pending, so the overlap test skips holds that ran out by their time, not status.
   */
  async releaseExpiredAndCheckOverlap(trx: Transaction<DB>, barberId: string, from: Date, to: Date, now: Date, excludeId?: string): Promise<boolean> {
    const result = await sql<{ overlaps: boolean }>`
      with expired as (
        update bookings set status = 'expired', updated_at = ${now}
        where barber_id = ${barberId} and status = 'pending' and hold_expires_at <= ${now}
          and blocked_from < ${to} and blocked_to > ${from}
        returning id
      ), recorded as (
        insert into booking_events (booking_id, type, actor_id, data)
        select id, 'hold_expired', null, '{}'::jsonb from expired
      )
      select exists (
        select 1 from bookings
        where barber_id = ${barberId} and blocked_from < ${to} and blocked_to > ${from}
          and (status in ('confirmed', 'completed', 'no_show') or (status = 'pending' and hold_expires_at > ${now}))
          and id <> ${excludeId ?? '00000000-0000-0000-0000-000000000000'}
      ) as overlaps`.execute(trx);
    return result.rows[0]!.overlaps;
  }

  /**
   * Claims the idempotency key (when there is one) and takes the barber's agenda lock in one
   * round trip. The lock must come before the overlap check's statement, whose snapshot has
   * to include whatever the previous holder of the lock committed.
   */
  async claimKeyAndLockAgenda(trx: Transaction<DB>, barberId: string, idempotency?: { userId: string; scope: string; key: string; requestHash: string }): Promise<boolean> {
    if (!idempotency) {
      await this.lockBarberAgenda(trx, barberId);
      return true;
    }
    const result = await sql<{ claimed: number }>`
      with claim as (
        insert into idempotency_keys (user_id, scope, key, request_hash, status_code, response_body)
        values (${idempotency.userId}, ${idempotency.scope}, ${idempotency.key}, ${idempotency.requestHash}, 0, '{}'::jsonb)
        on conflict (user_id, scope, key) do nothing
        returning 1
      )
      select (select count(*) from claim)::int as claimed
      from (select id from barbers where id = ${barberId} for no key update) locked`.execute(trx);
    return (result.rows[0]?.claimed ?? 0) === 1;
  }

  /**
   * Inserts the booking and its first event and reads it back as the API shows it, in one
   * statement: a booking request is mostly round trips to PostgreSQL, so each one saved counts.
   */
  async insertWithEvent(trx: Transaction<DB>, values: Insertable<BookingsTable>, event: { type: string; actorId: string | null; data: Record<string, unknown> }): Promise<BookingView> {
    return trx
      .with('inserted', (db) => db.insertInto('bookings').values(values).returningAll())
      .with('recorded', (db) =>
        db
          .insertInto('booking_events')
          .columns(['booking_id', 'type', 'actor_id', 'data'])
          .expression((eb) =>
            eb.selectFrom('inserted').select((s) => ['inserted.id', s.val(event.type).as('type'), s.val(event.actorId).as('actor_id'), s.val(JSON.stringify(event.data)).as('data')]),
          ),
      )
      .selectFrom('inserted as b')
      .$call(withNames)
      .select(sql<boolean>`false`.as('has_review'))
      .executeTakeFirstOrThrow();
  }

  async addEvent(db: Executor, bookingId: string, type: string, actorId: string | null, data: Record<string, unknown> = {}): Promise<void> {
    await db.insertInto('booking_events').values({ booking_id: bookingId, type, actor_id: actorId, data: JSON.stringify(data) }).execute();
  }

  async events(bookingId: string) {
    return this.db.selectFrom('booking_events').select(['type', 'actor_id', 'data', 'created_at']).where('booking_id', '=', bookingId).orderBy('id').execute();
  }

  async setStatus(
    trx: Transaction<DB>,
    id: string,
    status: BookingStatus,
    now: Date,
    extra: { cancelled_by?: string; cancel_reason?: string | null } = {},
  ): Promise<void> {
    await trx
      .updateTable('bookings')
      .set({
        status,
        updated_at: now,
        ...(status === 'confirmed' ? { hold_expires_at: null } : {}),
        ...(status === 'cancelled' ? { cancelled_at: now, cancelled_by: extra.cancelled_by ?? null, cancel_reason: extra.cancel_reason ?? null } : {}),
      })
      .where('id', '=', id)
      .execute();
  }

  async moveTo(
    trx: Transaction<DB>,
    id: string,
    values: { barber_id: string; starts_at: Date; ends_at: Date; blocked_from: Date; blocked_to: Date },
    now: Date,
  ): Promise<void> {
    await trx
      .updateTable('bookings')
      .set({ ...values, updated_at: now, reschedule_count: sql`reschedule_count + 1` })
      .where('id', '=', id)
      .execute();
  }

  // Idempotency keys ---------------------------------------------------------------------

  /**
   * Claims a key inside the caller's transaction. A concurrent request with the same key
   * waits on the primary key until this transaction ends, then sees the stored answer.
   */


  findIdempotencyKey(userId: string, scope: string, key: string) {
    return this.db
      .selectFrom('idempotency_keys')
      .select(['request_hash', 'status_code', 'response_body'])
      .where('user_id', '=', userId)
      .where('scope', '=', scope)
      .where('key', '=', key)
      .executeTakeFirst();
  }

  async completeIdempotencyKey(trx: Transaction<DB>, userId: string, scope: string, key: string, status: number, body: unknown): Promise<void> {
    await trx
      .updateTable('idempotency_keys')
      .set({ status_code: status, response_body: JSON.stringify(body) })
      .where('user_id', '=', userId)
      .where('scope', '=', scope)
      .where('key', '=', key)
      .execute();
  }

  // Reviews -------------------------------------------------------------------------------

  async insertReview(
    trx: Transaction<DB>,
    values: { booking_id: string; shop_id: string; barber_id: string; customer_id: string; rating: number; comment: string },
  ) {
    const review = await trx
      .insertInto('reviews')
      .values(values)
      .onConflict((oc) => oc.column('booking_id').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!review) return undefined;
    // Recomputed from the reviews themselves, so the shop's average can never drift.
    await trx
      .updateTable('shops')
      .set({
        rating_avg: sql`(select round(avg(rating)::numeric, 2) from reviews where shop_id = ${values.shop_id})`,
        rating_count: sql`(select count(*) from reviews where shop_id = ${values.shop_id})`,
      })
      .where('id', '=', values.shop_id)
      .execute();
    return review;
  }

  listReviews(shopId: string, page: number, pageSize: number) {
    return this.db
      .selectFrom('reviews as r')
      .innerJoin('users as u', 'u.id', 'r.customer_id')
      .innerJoin('barbers as b', 'b.id', 'r.barber_id')
      .select(['r.id', 'r.rating', 'r.comment', 'r.created_at', 'u.full_name as customer_name', 'b.display_name as barber_name', 'r.barber_id'])
      .where('r.shop_id', '=', shopId)
      .orderBy('r.created_at', 'desc')
      .orderBy('r.id')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute();
  }

  async memberShopIds(userId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('shop_members').select('shop_id').where('user_id', '=', userId).execute();
    return rows.map((r) => r.shop_id);
  }
}
