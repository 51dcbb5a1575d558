import { randomUUID } from 'node:crypto';
import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import type { PersonalDataCipher } from '../../platform/crypto/personal-data.js';
import { contextOf } from '../../platform/crypto/sealed-columns.js';
import type { ConsentDocument, ConsentSource, DB, PrivacyRequestKind, PrivacyRequestStatus, PrivacyRequestsTable } from '../../platform/db/schema.js';

type Executor = Kysely<DB> | Transaction<DB>;

/** What the requester wrote themselves: sealed at rest, in the clear here. */
export interface PersonalDetails {
  fullName?: string;
  description?: string;
}

export const OPEN_STATUSES: readonly PrivacyRequestStatus[] = ['received', 'in_review'];

export interface PrivacyRequestRow {
  id: string;
  procedure_code: string;
  kind: PrivacyRequestKind;
  status: PrivacyRequestStatus;
  user_id: string | null;
  contact_email: string | null;
  booking_id: string | null;
  /** Field names, reasons and flags only: never what the requester wrote (see personal_details). */
  details: unknown;
  personal_details: PersonalDetails | null;
  received_at: Date;
  due_at: Date;
  answered_at: Date | null;
  answer: string | null;
}

const REQUEST_COLUMNS = [
  'id',
  'procedure_code',
  'kind',
  'status',
  'user_id',
  'contact_email',
  'booking_id',
  'details',
  'personal_details',
  'received_at',
  'due_at',
  'answered_at',
  'answer',
] as const;

export type RequestFilter = 'open' | 'overdue' | 'due_soon' | 'all' | PrivacyRequestStatus;

export type NewPrivacyRequest = Omit<Insertable<PrivacyRequestsTable>, 'id' | 'contact_email' | 'personal_details'> & {
  contact_email: string | null;
  personal_details: PersonalDetails | null;
};

type StoredRequest = Omit<PrivacyRequestRow, 'personal_details'> & { personal_details: unknown };

export class PrivacyRepository {
  constructor(
    readonly db: Kysely<DB>,
    private readonly personalData: PersonalDataCipher,
  ) {}

  /** The row with its sealed columns opened (values from before sealing pass through). */
  private opened(row: StoredRequest): PrivacyRequestRow;
  private opened(row: StoredRequest | undefined): PrivacyRequestRow | undefined;
  private opened(row: StoredRequest | undefined): PrivacyRequestRow | undefined {
    if (!row) return undefined;
    return {
      ...row,
      contact_email: this.personalData.openNullable(row.contact_email, contextOf('privacy_requests', 'contact_email', row.id)),
      personal_details:
        row.personal_details === null || row.personal_details === undefined
          ? null
          : (this.personalData.openJson(row.personal_details, contextOf('privacy_requests', 'personal_details', row.id)) as PersonalDetails),
    };
  }

  transaction<T>(work: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(work);
  }

  // Requests -----------------------------------------------------------------------------

  /** Undefined when the procedure code is already taken (the caller draws another). */
  async insertRequest(db: Executor, row: NewPrivacyRequest): Promise<PrivacyRequestRow | undefined> {
    // The id is the sealed values' context, so it is drawn here rather than by the database.
    const id = randomUUID();
    const personal = row.personal_details && Object.keys(row.personal_details).length > 0 ? row.personal_details : null;
    const stored = await db
      .insertInto('privacy_requests')
      .values({
        ...row,
        id,
        contact_email: this.personalData.sealNullable(row.contact_email, contextOf('privacy_requests', 'contact_email', id)),
        personal_details: personal ? this.personalData.sealJson(personal, contextOf('privacy_requests', 'personal_details', id)) : null,
      })
      .onConflict((oc) => oc.column('procedure_code').doNothing())
      .returning(REQUEST_COLUMNS)
      .executeTakeFirst();
    return this.opened(stored);
  }

  async findRequest(id: string, db: Executor = this.db): Promise<PrivacyRequestRow | undefined> {
    return this.opened(await db.selectFrom('privacy_requests').select(REQUEST_COLUMNS).where('id', '=', id).executeTakeFirst());
  }

  async lockRequest(trx: Transaction<DB>, id: string): Promise<PrivacyRequestRow | undefined> {
    return this.opened(await trx.selectFrom('privacy_requests').select(REQUEST_COLUMNS).where('id', '=', id).forUpdate().executeTakeFirst());
  }

  async requestsOf(userId: string, db: Executor = this.db): Promise<PrivacyRequestRow[]> {
    const rows = await db.selectFrom('privacy_requests').select(REQUEST_COLUMNS).where('user_id', '=', userId).orderBy('received_at', 'desc').execute();
    return rows.map((row) => this.opened(row));
  }

  async openRequestOf(userId: string, kind: PrivacyRequestKind, db: Executor = this.db): Promise<PrivacyRequestRow | undefined> {
    return this.opened(
      await db
        .selectFrom('privacy_requests')
        .select(REQUEST_COLUMNS)
        .where('user_id', '=', userId)
        .where('kind', '=', kind)
        .where('status', 'in', [...OPEN_STATUSES])
        .executeTakeFirst(),
    );
  }

  async listRequests(filter: RequestFilter, kind: PrivacyRequestKind | undefined, now: Date, soon: Date, limit: number, offset: number) {
    let query = this.db.selectFrom('privacy_requests').select(REQUEST_COLUMNS);
    if (filter === 'open') query = query.where('status', 'in', [...OPEN_STATUSES]);
    else if (filter === 'overdue') query = query.where('status', 'in', [...OPEN_STATUSES]).where('due_at', '<', now);
    else if (filter === 'due_soon') query = query.where('status', 'in', [...OPEN_STATUSES]).where('due_at', '>=', now).where('due_at', '<=', soon);
    else if (filter !== 'all') query = query.where('status', '=', filter);
    if (kind) query = query.where('kind', '=', kind);
    // Most urgent first: what is open, by deadline; then the answered, latest first.
    const rows = await query
      .orderBy(sql`case when status in ('received', 'in_review') then 0 else 1 end`)
      .orderBy(sql`case when status in ('received', 'in_review') then due_at end`, 'asc')
      .orderBy('received_at', 'desc')
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map((row) => this.opened(row));
  }

  async closeRequest(trx: Transaction<DB>, id: string, outcome: 'completed' | 'rejected', answer: string, answeredBy: string | null, now: Date): Promise<PrivacyRequestRow | undefined> {
    return this.opened(
      await trx
        .updateTable('privacy_requests')
        .set({ status: outcome, answer, answered_by: answeredBy, answered_at: now })
        .where('id', '=', id)
        .where('status', 'in', [...OPEN_STATUSES])
        .returning(REQUEST_COLUMNS)
        .executeTakeFirst(),
    );
  }

  /** Blocking (Ley 25.326 art. 16.6): a rectification or deletion under review. */
  async hasRequestUnderReview(userId: string): Promise<boolean> {
    const row = await this.db.selectFrom('privacy_requests').select('id').where('user_id', '=', userId).where('status', '=', 'in_review').executeTakeFirst();
    return row !== undefined;
  }

  async requestCounts(now: Date, soon: Date) {
    const row = await this.db
      .selectFrom('privacy_requests')
      .select([
        sql<string>`count(*) filter (where status in ('received', 'in_review'))`.as('open'),
        sql<string>`count(*) filter (where status = 'in_review')`.as('in_review'),
        sql<string>`count(*) filter (where status in ('received', 'in_review') and due_at < ${now})`.as('overdue'),
        sql<string>`count(*) filter (where status in ('received', 'in_review') and due_at >= ${now} and due_at <= ${soon})`.as('due_soon'),
        sql<string>`count(*) filter (where answered_at is not null and answered_at > due_at)`.as('answered_late'),
        sql<string>`count(*) filter (where answered_at is not null)`.as('answered'),
      ])
      .executeTakeFirstOrThrow();
    const byKind = await this.db
      .selectFrom('privacy_requests')
      .select(['kind', sql<string>`count(*)`.as('n')])
      .where('status', 'in', [...OPEN_STATUSES])
      .groupBy('kind')
      .execute();
    const mostOverdue = await this.db
      .selectFrom('privacy_requests')
      .select(['procedure_code', 'kind', 'due_at'])
      .where('status', 'in', [...OPEN_STATUSES])
      .where('due_at', '<', now)
      .orderBy('due_at')
      .limit(1)
      .executeTakeFirst();
    return { counts: row, byKind, mostOverdue };
  }

  // Consents -----------------------------------------------------------------------------

  async insertConsents(
    db: Executor,
    rows: Array<{ user_id: string; document: ConsentDocument; version: string; granted: boolean; source: ConsentSource; recorded_at: Date }>,
  ): Promise<void> {
    if (rows.length) await db.insertInto('consents').values(rows).execute();
  }

  /** The latest decision per document. */
  async latestConsents(userId: string, db: Executor = this.db) {
    return db
      .selectFrom('consents')
      .select(['document', 'version', 'granted', 'source', 'recorded_at'])
      .distinctOn('document')
      .where('user_id', '=', userId)
      .orderBy('document')
      .orderBy('recorded_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
  }

  consentHistory(userId: string) {
    return this.db
      .selectFrom('consents')
      .select(['document', 'version', 'granted', 'source', 'recorded_at'])
      .where('user_id', '=', userId)
      .orderBy('recorded_at')
      .orderBy('id')
      .execute();
  }

  /** Accounts in use, and how many have accepted the given versions and opted in to marketing. */
  async consentCoverage(termsVersion: string, privacyVersion: string) {
    const latest = (document: ConsentDocument) =>
      sql`(select c.version, c.granted from consents c where c.user_id = u.id and c.document = ${document} order by c.recorded_at desc, c.id desc limit 1)`;
    const row = await this.db
      .selectFrom('users as u')
      .select([
        sql<string>`count(*)`.as('users'),
        sql<string>`count(*) filter (where exists (select 1 from ${latest('terms')} t where t.version = ${termsVersion} and t.granted))`.as('terms'),
        sql<string>`count(*) filter (where exists (select 1 from ${latest('privacy_notice')} p where p.version = ${privacyVersion} and p.granted))`.as('privacy'),
        sql<string>`count(*) filter (where exists (select 1 from ${latest('terms')} t where t.version = ${termsVersion} and t.granted)
                                    and exists (select 1 from ${latest('privacy_notice')} p where p.version = ${privacyVersion} and p.granted))`.as('both'),
        sql<string>`count(*) filter (where exists (select 1 from ${latest('marketing')} m where m.granted))`.as('marketing'),
      ])
      .where('u.deleted_at', 'is', null)
      .where('u.role', '!=', 'admin')
      .executeTakeFirstOrThrow();
    return { users: Number(row.users), terms: Number(row.terms), privacy: Number(row.privacy), both: Number(row.both), marketing: Number(row.marketing) };
  }

  // Export -------------------------------------------------------------------------------

  bookingsOf(userId: string) {
    return this.db
      .selectFrom('bookings as b')
      .innerJoin('shops as s', 's.id', 'b.shop_id')
      .innerJoin('services as sv', 'sv.id', 'b.service_id')
      .innerJoin('barbers as br', 'br.id', 'b.barber_id')
      .select([
        'b.id',
        'b.status',
        'b.starts_at',
        'b.ends_at',
        'b.price_cents',
        'b.deposit_cents',
        'b.customer_note',
        'b.cancelled_at',
        'b.cancel_reason',
        'b.created_at',
        's.name as shop_name',
        's.timezone',
        'sv.name as service_name',
        'br.display_name as barber_name',
      ])
      .where('b.customer_id', '=', userId)
      .orderBy('b.starts_at', 'desc')
      .execute();
  }

  reviewsOf(userId: string) {
    return this.db
      .selectFrom('reviews as r')
      .innerJoin('shops as s', 's.id', 'r.shop_id')
      .select(['r.id', 'r.booking_id', 'r.rating', 'r.comment', 'r.created_at', 's.name as shop_name'])
      .where('r.customer_id', '=', userId)
      .orderBy('r.created_at', 'desc')
      .execute();
  }

  paymentsOf(userId: string) {
    return this.db
      .selectFrom('payments as p')
      .innerJoin('bookings as b', 'b.id', 'p.booking_id')
      .select(['p.id', 'p.booking_id', 'p.status', 'p.amount_cents', 'p.refunded_cents', 'p.currency', 'p.created_at', 'p.approved_at'])
      .where('b.customer_id', '=', userId)
      .orderBy('p.created_at', 'desc')
      .execute();
  }

  // Deletion -----------------------------------------------------------------------------

  /** The user's bookings that still hold future time (cancelled under the normal policy first). */
  async openFutureBookings(userId: string, now: Date): Promise<string[]> {
    const rows = await this.db
      .selectFrom('bookings')
      .select('id')
      .where('customer_id', '=', userId)
      .where('status', 'in', ['pending', 'confirmed'])
      .where('starts_at', '>', now)
      .execute();
    return rows.map((r) => r.id);
  }

  /** Money still moving for the user: a deletion waits for a person to look at it. */
  async moneyInFlight(userId: string): Promise<number> {
    const row = await this.db
      .selectFrom('payments as p')
      .innerJoin('bookings as b', 'b.id', 'p.booking_id')
      .select(sql<string>`count(*)`.as('n'))
      .where('b.customer_id', '=', userId)
      .where((eb) =>
        eb.or([
          eb('p.status', 'in', ['review', 'disputed']),
          eb.exists(eb.selectFrom('refunds as r').select('r.id').whereRef('r.payment_id', '=', 'p.id').where('r.status', '=', 'pending')),
        ]),
      )
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * Everything personal about the user outside the users row, in the deletion's transaction.
   * Kept on purpose: invoices (their receiver block is the tax record; see the service), the
   * ledger and audit trail (amounts and ids, append-only by law), ratings (no longer linked to
   * a name), consents (the evidence of what was accepted), and the requests themselves.
   */
  async scrubPersonalData(trx: Transaction<DB>, userId: string, now: Date): Promise<Record<string, number>> {
    const count = (r: { numUpdatedRows?: bigint; numDeletedRows?: bigint } | undefined) => Number(r?.numUpdatedRows ?? r?.numDeletedRows ?? 0);
    const reviews = await trx.updateTable('reviews').set({ comment: '' }).where('customer_id', '=', userId).where('comment', '!=', '').executeTakeFirst();
    const notes = await trx.updateTable('bookings').set({ customer_note: '' }).where('customer_id', '=', userId).where('customer_note', '!=', '').executeTakeFirst();
    const reasons = await trx
      .updateTable('bookings')
      .set({ cancel_reason: null })
      .where('cancelled_by', '=', userId)
      .where('cancel_reason', 'is not', null)
      .executeTakeFirst();
    const events = await trx
      .updateTable('booking_events')
      .set({ data: sql`data - 'reason'` as unknown as string })
      .where('actor_id', '=', userId)
      .where(sql<boolean>`data ? 'reason'`)
      .executeTakeFirst();
    const outbox = await trx
      .updateTable('notifications')
      .set({ status: 'skipped', last_error: 'account deleted at the subject’s request', updated_at: now })
      .where('customer_id', '=', userId)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    const preferences = await trx.deleteFrom('notification_preferences').where('user_id', '=', userId).executeTakeFirst();
    // The invoice rows already hold their own copy of the receiver; this is only the customer's saved choice.
    const billing = await trx
      .deleteFrom('booking_billing')
      .where('booking_id', 'in', (eb) => eb.selectFrom('bookings').select('id').where('customer_id', '=', userId))
      .executeTakeFirst();
    const idempotency = await trx.deleteFrom('idempotency_keys').where('user_id', '=', userId).executeTakeFirst();
    const contacts = await trx
      .updateTable('privacy_requests')
      .set({ contact_email: null, personal_details: null })
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return {
      reviews: count(reviews),
      bookingNotes: count(notes),
      cancelReasons: count(reasons),
      bookingEvents: count(events),
      notificationsSkipped: count(outbox),
      notificationPreferences: count(preferences),
      billingChoices: count(billing),
      idempotencyKeys: count(idempotency),
      requestContacts: count(contacts),
    };
  }

  /** Public requests name a booking; it only counts when it is this account's. */
  async bookingBelongsTo(bookingId: string, userId: string): Promise<boolean> {
    const row = await this.db.selectFrom('bookings').select('id').where('id', '=', bookingId).where('customer_id', '=', userId).executeTakeFirst();
    return row !== undefined;
  }
}
