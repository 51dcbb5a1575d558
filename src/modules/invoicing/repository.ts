import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { PersonalDataCipher } from '../../platform/crypto/personal-data.js';
import { contextOf, receiverDocumentOf } from '../../platform/crypto/sealed-columns.js';
import type { AfipEnvironmentName, DB, InvoiceStatus, InvoicesTable, ShopFiscalSettingsTable } from '../../platform/db/schema.js';

type Executor = Kysely<DB> | Transaction<DB>;
export type InvoiceRow = Selectable<InvoicesTable>;
export type FiscalSettingsRow = Selectable<ShopFiscalSettingsTable>;

export interface SequenceKey {
  cuit: string;
  pointOfSale: number;
  cbteTipo: number;
}

/** What issuing needs to know about the booking behind an invoice. */
export interface InvoiceContext {
  shop_id: string;
  shop_cuit: string;
  tax_condition: 'monotributo' | 'responsable_inscripto';
  shop_address: string;
  booking_id: string | null;
  starts_at: Date | null;
  price_cents: number | null;
  service_name: string | null;
  paid_at: Date | null;
}

export interface NewInvoice {
  shop_id: string;
  booking_id: string;
  payment_id: string;
  kind: 'invoice' | 'credit_note';
  source_ref: string;
  associated_invoice_id: string | null;
  cbte_tipo: number;
  point_of_sale: number | null;
  cuit: string;
  total_cents: number;
  net_cents: number;
  iva_cents: number;
  iva_rate_id: number | null;
  receiver: unknown;
  status?: InvoiceStatus;
  last_error?: string | null;
}

/**
 * All of invoicing's SQL. The customer's billing data — booking_billing.receiver, and the
 * receiver and authorized document of each invoice — is personal data sealed at rest (the whole
 * JSON, with a keyed hash of the document number for lookups): written sealed here and opened on
 * every read, so the rest of invoicing, the PDF included, sees plain receivers.
 *
 * An issued Factura A/B is a legal record kept ten years (Ley 11.683, RG 1415): its receiver stays
 * readable because key rotation re-wraps it under the current key like every other value, and a
 * key leaves DATA_ENCRYPTION_KEYS only once `keys status` shows no value under it. Deleting a
 * customer's data never touches these fields (tax law keeps them).
 */
export class InvoicingRepository {
  constructor(
    readonly db: Kysely<DB>,
    private readonly personalData: PersonalDataCipher,
  ) {}

  private sealReceiver(table: 'booking_billing' | 'invoices', key: string, receiver: unknown) {
    const json = JSON.stringify(receiver);
    const hash = this.personalData.keyedHash('document', receiverDocumentOf(json));
    return { receiver: this.personalData.sealJson(receiver, contextOf(table, 'receiver', key)), hash };
  }

  /** The row with its receiver and document opened. */
  private opened<T extends { id: string; receiver: unknown; document: unknown }>(row: T): T {
    return {
      ...row,
      receiver: this.personalData.openJson(row.receiver, contextOf('invoices', 'receiver', row.id)),
      document: row.document === null ? null : this.personalData.openJson(row.document, contextOf('invoices', 'document', row.id)),
    };
  }

  private openedOrUndefined<T extends { id: string; receiver: unknown; document: unknown }>(row: T | undefined): T | undefined {
    return row && this.opened(row);
  }

  /** Invoices whose receiver has this DNI/CUIL/CUIT (matched on the keyed hash). */
  async invoiceIdsForReceiverDocument(documentNumber: string): Promise<string[]> {
    const hash = this.personalData.keyedHash('document', documentNumber);
    if (!hash) return [];
    const rows = await this.db.selectFrom('invoices').select('id').where('receiver_document_hash', '=', hash).orderBy('created_at').execute();
    return rows.map((r) => r.id);
  }

  // Recording (in the payment's transaction) ------------------------------------------------

  async shopForBooking(trx: Executor, bookingId: string) {
    const row = await trx
      .selectFrom('bookings as b')
      .innerJoin('shops as s', 's.id', 'b.shop_id')
      .leftJoin('shop_fiscal_settings as f', 'f.shop_id', 's.id')
      .leftJoin('booking_billing as bb', 'bb.booking_id', 'b.id')
      .select(['s.id as shop_id', 's.cuit', 's.tax_condition', 'f.point_of_sale', 'f.enabled', 'bb.receiver'])
      .where('b.id', '=', bookingId)
      .executeTakeFirst();
    return row && { ...row, receiver: row.receiver === null ? null : this.personalData.openJson(row.receiver, contextOf('booking_billing', 'receiver', bookingId)) };
  }

  async insertInvoice(trx: Executor, values: NewInvoice): Promise<string | undefined> {
    // The id is chosen here because the sealed receiver is bound to it (its encryption context).
    const id = randomUUID();
    const { receiver, hash } = this.sealReceiver('invoices', id, values.receiver);
    const row = await trx
      .insertInto('invoices')
      .values({ ...values, id, receiver, receiver_document_hash: hash })
      .onConflict((oc) => oc.column('source_ref').doNothing())
      .returning('id')
      .executeTakeFirst();
    return row?.id;
  }

  /** The invoice of a payment (the one its collection produced). */
  async invoiceOfPayment(trx: Executor, paymentId: string) {
    return this.openedOrUndefined(await trx.selectFrom('invoices').selectAll().where('payment_id', '=', paymentId).where('kind', '=', 'invoice').orderBy('created_at').executeTakeFirst());
  }

  // Issuing -------------------------------------------------------------------------------

  /** Gives pending vouchers of shops that now have fiscal settings their point of sale. */
  async assignPointsOfSale(): Promise<void> {
    await sql`
      update invoices i set point_of_sale = f.point_of_sale, revision = i.revision + 1
      from shop_fiscal_settings f
      where f.shop_id = i.shop_id and f.enabled and i.status = 'pending' and i.number is null
        and i.point_of_sale is distinct from f.point_of_sale`.execute(this.db);
  }

  async openSequences(): Promise<SequenceKey[]> {
    const rows = await this.db
      .selectFrom('invoices')
      .select(['cuit', 'point_of_sale', 'cbte_tipo'])
      .where('status', 'in', ['pending', 'issuing'])
      .where('point_of_sale', 'is not', null)
      .groupBy(['cuit', 'point_of_sale', 'cbte_tipo'])
      .orderBy(sql`min(created_at)`)
      .execute();
    return rows.map((r) => ({ cuit: r.cuit, pointOfSale: r.point_of_sale!, cbteTipo: r.cbte_tipo }));
  }

  async ensureSequence(key: SequenceKey): Promise<void> {
    await this.db
      .insertInto('invoice_sequences')
      .values({ cuit: key.cuit, point_of_sale: key.pointOfSale, cbte_tipo: key.cbteTipo })
      .onConflict((oc) => oc.columns(['cuit', 'point_of_sale', 'cbte_tipo']).doNothing())
      .execute();
  }

  /** Blocks until no other issuer (in any instance) holds the sequence. */
  lockSequence(trx: Transaction<DB>, key: SequenceKey) {
    return trx
      .selectFrom('invoice_sequences')
      .selectAll()
      .where('cuit', '=', key.cuit)
      .where('point_of_sale', '=', key.pointOfSale)
      .where('cbte_tipo', '=', key.cbteTipo)
      .forUpdate()
      .executeTakeFirstOrThrow();
  }

  readSequence(key: SequenceKey, db: Executor = this.db) {
    return db
      .selectFrom('invoice_sequences')
      .selectAll()
      .where('cuit', '=', key.cuit)
      .where('point_of_sale', '=', key.pointOfSale)
      .where('cbte_tipo', '=', key.cbteTipo)
      .executeTakeFirstOrThrow();
  }

  async sequenceFailed(key: SequenceKey, retryAt: Date, error: string, db: Executor = this.db): Promise<void> {
    await db
      .updateTable('invoice_sequences')
      .set({ failures: sql`failures + 1`, retry_at: retryAt, last_error: error, updated_at: new Date() })
      .where('cuit', '=', key.cuit)
      .where('point_of_sale', '=', key.pointOfSale)
      .where('cbte_tipo', '=', key.cbteTipo)
      .execute();
  }

  async sequenceSucceeded(key: SequenceKey, db: Executor = this.db): Promise<void> {
    await db
      .updateTable('invoice_sequences')
      .set({ failures: 0, retry_at: null, last_error: null, updated_at: new Date() })
      .where('cuit', '=', key.cuit)
      .where('point_of_sale', '=', key.pointOfSale)
      .where('cbte_tipo', '=', key.cbteTipo)
      .where('failures', '>', 0)
      .execute();
  }

  /**
   * The next voucher of the sequence: one left 'issuing' by an earlier attempt first (it must be
   * resolved before any new number), then the oldest pending one that may go now. A credit note
   * waits until its invoice is authorized and the earlier credit notes of that invoice are done.
   */
  async head(key: SequenceKey, now: Date) {
    const row = await this.db
      .selectFrom('invoices as i')
      .selectAll('i')
      .where('i.cuit', '=', key.cuit)
      .where('i.point_of_sale', '=', key.pointOfSale)
      .where('i.cbte_tipo', '=', key.cbteTipo)
      .where((eb) =>
        eb.or([
          eb('i.status', '=', 'issuing'),
          eb.and([
            eb('i.status', '=', 'pending'),
            eb.or([eb('i.next_attempt_at', 'is', null), eb('i.next_attempt_at', '<=', now)]),
            eb.or([
              eb('i.kind', '=', 'invoice'),
              eb.and([
                eb.exists(eb.selectFrom('invoices as a').select('a.id').whereRef('a.id', '=', 'i.associated_invoice_id').where('a.status', '=', 'authorized')),
                eb.not(
                  eb.exists(
                    eb
                      .selectFrom('invoices as e')
                      .select('e.id')
                      .whereRef('e.associated_invoice_id', '=', 'i.associated_invoice_id')
                      .where('e.status', 'in', ['pending', 'issuing'])
                      .where((x) => x.or([x('e.created_at', '<', x.ref('i.created_at')), x.and([x('e.created_at', '=', x.ref('i.created_at')), x('e.id', '<', x.ref('i.id'))])])),
                  ),
                ),
              ]),
            ]),
          ]),
        ]),
      )
      .orderBy(sql`(i.status = 'issuing')`, 'desc')
      .orderBy('i.created_at')
      .orderBy('i.id')
      .limit(1)
      .executeTakeFirst();
    return this.openedOrUndefined(row);
  }

  context(invoiceId: string): Promise<InvoiceContext | undefined> {
    return this.db
      .selectFrom('invoices as i')
      .innerJoin('shops as s', 's.id', 'i.shop_id')
      .leftJoin('bookings as b', 'b.id', 'i.booking_id')
      .leftJoin('services as sv', 'sv.id', 'b.service_id')
      .leftJoin('payments as p', 'p.id', 'i.payment_id')
      .select([
        's.id as shop_id',
        's.cuit as shop_cuit',
        's.tax_condition',
        's.address as shop_address',
        'b.id as booking_id',
        'b.starts_at',
        'b.price_cents',
        'sv.name as service_name',
        'p.approved_at as paid_at',
      ])
      .where('i.id', '=', invoiceId)
      .executeTakeFirst();
  }

  settings(shopId: string, db: Executor = this.db) {
    return db.selectFrom('shop_fiscal_settings').selectAll().where('shop_id', '=', shopId).executeTakeFirst();
  }

  async findInvoice(id: string, db: Executor = this.db) {
    return this.openedOrUndefined(await db.selectFrom('invoices').selectAll().where('id', '=', id).executeTakeFirst());
  }

  /** Figures of the authorized credit notes of an invoice (for proportional IVA). */
  async authorizedCreditNotes(invoiceId: string) {
    const rows = await this.db
      .selectFrom('invoices')
      .select(['id', 'document'])
      .where('associated_invoice_id', '=', invoiceId)
      .where('kind', '=', 'credit_note')
      .where('status', '=', 'authorized')
      .orderBy('authorized_at')
      .execute();
    return rows.map((r) => ({ document: r.document === null ? null : this.personalData.openJson(r.document, contextOf('invoices', 'document', r.id)) }));
  }

  /**
   * The intent, committed before FECAESolicitar is sent: a crash after sending is then resolved
   * by consulting AFIP about this number, never by taking another. Only if the row is still the
   * version that was read (false otherwise: someone edited it meanwhile).
   */
  async claimNumber(id: string, revision: number, values: { number: number; issueDate: string; document: unknown; netCents: number; ivaCents: number; ivaRateId: number | null }): Promise<boolean> {
    const result = await this.db
      .updateTable('invoices')
      .set({
        status: 'issuing',
        number: values.number,
        issue_date: values.issueDate,
        document: this.personalData.sealJson(values.document, contextOf('invoices', 'document', id)),
        net_cents: values.netCents,
        iva_cents: values.ivaCents,
        iva_rate_id: values.ivaRateId,
        attempts: sql`attempts + 1`,
        next_attempt_at: null,
      })
      .where('id', '=', id)
      .where('revision', '=', revision)
      .where((eb) => eb.or([eb('status', '=', 'pending'), eb.and([eb('status', '=', 'issuing'), eb('number', '=', values.number)])]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async markAuthorized(trx: Transaction<DB>, id: string, values: { cae: string; caeExpiresOn: string; document: unknown; observations: unknown[]; at: Date }): Promise<void> {
    await trx
      .updateTable('invoices')
      .set({
        status: 'authorized',
        cae: values.cae,
        cae_expires_on: values.caeExpiresOn,
        document: this.personalData.sealJson(values.document, contextOf('invoices', 'document', id)),
        afip_errors: null,
        afip_observations: values.observations.length ? JSON.stringify(values.observations) : null,
        last_error: null,
        next_attempt_at: null,
        authorized_at: values.at,
      })
      .where('id', '=', id)
      .execute();
  }

  /** A rejected voucher consumed no number. */
  async markRejected(trx: Executor, id: string, values: { errors: unknown[] | null; observations: unknown[] | null; reason: string }): Promise<void> {
    await trx
      .updateTable('invoices')
      .set({
        status: 'rejected',
        number: null,
        issue_date: null,
        afip_errors: values.errors?.length ? JSON.stringify(values.errors) : null,
        afip_observations: values.observations?.length ? JSON.stringify(values.observations) : null,
        last_error: values.reason,
        next_attempt_at: null,
      })
      .where('id', '=', id)
      .execute();
  }

  /** Nothing reached AFIP (or AFIP has nothing under the number): pending again, without a number. */
  async releaseNumber(id: string, error: string, nextAttemptAt: Date | null = null): Promise<void> {
    await this.db
      .updateTable('invoices')
      .set({ status: 'pending', number: null, issue_date: null, last_error: error, next_attempt_at: nextAttemptAt, revision: sql`revision + 1` })
      .where('id', '=', id)
      .where('status', 'in', ['pending', 'issuing'])
      .execute();
  }

  /** The outcome is unknown: keep the number and 'issuing' so the next attempt consults AFIP first. */
  async noteIssuingFailure(id: string, error: string): Promise<void> {
    await this.db.updateTable('invoices').set({ last_error: error }).where('id', '=', id).execute();
  }

  async defer(id: string, until: Date, note: string): Promise<void> {
    await this.db.updateTable('invoices').set({ next_attempt_at: until, last_error: note }).where('id', '=', id).where('status', '=', 'pending').execute();
  }

  async noteWaiting(id: string, note: string): Promise<void> {
    await this.db.updateTable('invoices').set({ last_error: note }).where('id', '=', id).where('status', '=', 'pending').execute();
  }

  /** The voucher type changed (shop's tax condition): it moves to that sequence. */
  async reclassify(id: string, revision: number, cbteTipo: number): Promise<void> {
    await this.db
      .updateTable('invoices')
      .set({ cbte_tipo: cbteTipo, revision: sql`revision + 1` })
      .where('id', '=', id)
      .where('revision', '=', revision)
      .where('status', '=', 'pending')
      .execute();
  }

  // Reading --------------------------------------------------------------------------------

  /** An invoice with who may see it. */
  async findView(id: string) {
    const row = await this.db
      .selectFrom('invoices as i')
      .leftJoin('bookings as b', 'b.id', 'i.booking_id')
      .selectAll('i')
      .select(['b.customer_id'])
      .where('i.id', '=', id)
      .executeTakeFirst();
    return this.openedOrUndefined(row);
  }

  async forBooking(bookingId: string) {
    const rows = await this.db.selectFrom('invoices').selectAll().where('booking_id', '=', bookingId).orderBy('created_at').orderBy('id').execute();
    return rows.map((r) => this.opened(r));
  }

  bookingOwner(bookingId: string) {
    return this.db.selectFrom('bookings').select(['id', 'shop_id', 'customer_id', 'status']).where('id', '=', bookingId).executeTakeFirst();
  }

  async forShop(shopId: string, status: InvoiceStatus | undefined, limit: number, offset: number) {
    let q = this.db.selectFrom('invoices').selectAll().where('shop_id', '=', shopId);
    if (status) q = q.where('status', '=', status);
    const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute();
    return rows.map((r) => this.opened(r));
  }

  async countForShop(shopId: string, status: InvoiceStatus | undefined): Promise<number> {
    let q = this.db.selectFrom('invoices').select((eb) => eb.fn.countAll<string>().as('n')).where('shop_id', '=', shopId);
    if (status) q = q.where('status', '=', status);
    return Number((await q.executeTakeFirstOrThrow()).n);
  }

  /** Rejected → pending, once the provider fixed the cause. */
  async retry(id: string): Promise<boolean> {
    const result = await this.db
      .updateTable('invoices')
      .set({ status: 'pending', number: null, issue_date: null, next_attempt_at: null, revision: sql`revision + 1` })
      .where('id', '=', id)
      .where('status', '=', 'rejected')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  // Settings and billing ---------------------------------------------------------------------

  shopTaxInfo(shopId: string) {
    return this.db.selectFrom('shops').select(['id', 'cuit', 'tax_condition']).where('id', '=', shopId).executeTakeFirst();
  }

  async saveSettings(values: {
    shop_id: string;
    point_of_sale: number;
    business_name: string;
    gross_income_registration: string;
    activity_start_date: string;
    certificate_pem: string;
    private_key_sealed: string;
    environment: AfipEnvironmentName;
    enabled: boolean;
  }): Promise<FiscalSettingsRow> {
    return this.db.transaction().execute(async (trx) => {
      const saved = await trx
        .insertInto('shop_fiscal_settings')
        .values({ ...values, updated_at: new Date() })
        .onConflict((oc) => oc.column('shop_id').doUpdateSet({ ...values, updated_at: new Date() }))
        .returningAll()
        .executeTakeFirstOrThrow();
      // Vouchers not numbered yet follow the shop to its (new) point of sale.
      if (values.enabled)
        await trx
          .updateTable('invoices')
          .set({ point_of_sale: values.point_of_sale, revision: sql`revision + 1` })
          .where('shop_id', '=', values.shop_id)
          .where('status', '=', 'pending')
          .where('number', 'is', null)
          .where((eb) => eb.or([eb('point_of_sale', 'is', null), eb('point_of_sale', '!=', values.point_of_sale)]))
          .execute();
      return saved;
    });
  }

  /**
   * Stores the customer's billing data and applies it to the booking's invoice while that is
   * still pending. False when a voucher of the booking is already being issued or was issued.
   */
  async saveBilling(bookingId: string, receiver: unknown, cbteTipo: number | null): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const vouchers = await trx.selectFrom('invoices').select(['id', 'kind', 'status']).where('booking_id', '=', bookingId).forUpdate().execute();
      if (vouchers.some((v) => v.status === 'issuing' || v.status === 'authorized' || v.kind === 'credit_note')) return false;
      const billing = this.sealReceiver('booking_billing', bookingId, receiver);
      await trx
        .insertInto('booking_billing')
        .values({ booking_id: bookingId, receiver: billing.receiver, document_hash: billing.hash })
        .onConflict((oc) => oc.column('booking_id').doUpdateSet({ receiver: billing.receiver, document_hash: billing.hash, updated_at: new Date() }))
        .execute();
      // One update per voucher: each sealed receiver is bound to its own invoice id.
      if (cbteTipo !== null)
        for (const voucher of vouchers.filter((v) => v.status === 'pending' || v.status === 'rejected')) {
          const sealed = this.sealReceiver('invoices', voucher.id, receiver);
          await trx
            .updateTable('invoices')
            .set({ receiver: sealed.receiver, receiver_document_hash: sealed.hash, cbte_tipo: cbteTipo, revision: sql`revision + 1` })
            .where('id', '=', voucher.id)
            .where('status', 'in', ['pending', 'rejected'])
            .execute();
        }
      return true;
    });
  }

  async billing(bookingId: string) {
    const row = await this.db.selectFrom('booking_billing').selectAll().where('booking_id', '=', bookingId).executeTakeFirst();
    return row && { ...row, receiver: this.personalData.openJson(row.receiver, contextOf('booking_billing', 'receiver', bookingId)) };
  }

  // Health (ops) ---------------------------------------------------------------------------

  /** Every sequence the database knows: numbered or queued vouchers, and sequence rows. */
  async knownSequences(): Promise<Array<SequenceKey & { failures: number; retryAt: Date | null; lastError: string | null }>> {
    const rows = await sql<{ cuit: string; point_of_sale: number; cbte_tipo: number; failures: number | null; retry_at: Date | null; last_error: string | null }>`
      select k.cuit, k.point_of_sale, k.cbte_tipo, s.failures, s.retry_at, s.last_error
      from (
        select cuit, point_of_sale, cbte_tipo from invoices where point_of_sale is not null
        union
        select cuit, point_of_sale, cbte_tipo from invoice_sequences
      ) k
      left join invoice_sequences s on s.cuit = k.cuit and s.point_of_sale = k.point_of_sale and s.cbte_tipo = k.cbte_tipo
      order by k.cuit, k.point_of_sale, k.cbte_tipo`.execute(this.db);
    return rows.rows.map((r) => ({
      cuit: r.cuit,
      pointOfSale: Number(r.point_of_sale),
      cbteTipo: Number(r.cbte_tipo),
      failures: Number(r.failures ?? 0),
      retryAt: r.retry_at,
      lastError: r.last_error,
    }));
  }

  /** Per sequence: the last authorized number and the vouchers not settled yet. */
  async sequenceFigures() {
    const rows = await sql<{ cuit: string; point_of_sale: number; cbte_tipo: number; last_authorized: number | null; issuing_number: number | null; pending: string; issuing: string; rejected: string }>`
      select cuit, point_of_sale, cbte_tipo,
             max(number) filter (where status = 'authorized') as last_authorized,
             max(number) filter (where status = 'issuing') as issuing_number,
             count(*) filter (where status = 'pending') as pending,
             count(*) filter (where status = 'issuing') as issuing,
             count(*) filter (where status = 'rejected') as rejected
      from invoices where point_of_sale is not null
      group by cuit, point_of_sale, cbte_tipo`.execute(this.db);
    return rows.rows.map((r) => ({
      cuit: r.cuit,
      pointOfSale: Number(r.point_of_sale),
      cbteTipo: Number(r.cbte_tipo),
      lastAuthorized: r.last_authorized === null ? null : Number(r.last_authorized),
      issuingNumber: r.issuing_number === null ? null : Number(r.issuing_number),
      pending: Number(r.pending),
      issuing: Number(r.issuing),
      rejected: Number(r.rejected),
    }));
  }

  /**
   * The queue as a whole. A voucher deliberately deferred (paid ahead of AFIP's window) is due
   * from next_attempt_at, not from when it was recorded, so it is not counted as late before then.
   */
  async queueFigures(now: Date) {
    const totals = await this.db
      .selectFrom('invoices')
      .select((eb) => [
        eb.fn.countAll<string>().filterWhere('status', '=', 'pending').as('pending'),
        eb.fn.countAll<string>().filterWhere('status', '=', 'issuing').as('issuing'),
        eb.fn.countAll<string>().filterWhere('status', '=', 'rejected').as('rejected'),
        eb.fn.countAll<string>().filterWhere((w) => w.and([w('status', '=', 'pending'), w('next_attempt_at', '>', now)])).as('deferred'),
        eb.fn.countAll<string>().filterWhere((w) => w.and([w('status', '=', 'pending'), w('point_of_sale', 'is', null)])).as('without_point_of_sale'),
      ])
      .executeTakeFirstOrThrow();
    const oldest = await this.db
      .selectFrom('invoices')
      .select(['id', 'shop_id', 'status', 'kind', 'cbte_tipo', 'point_of_sale', 'last_error', sql<Date>`greatest(created_at, coalesce(next_attempt_at, created_at))`.as('due_since')])
      .where('status', 'in', ['pending', 'issuing'])
      .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', now), eb('status', '=', 'issuing')]))
      .orderBy(sql`greatest(created_at, coalesce(next_attempt_at, created_at))`)
      .limit(1)
      .executeTakeFirst();
    return {
      pending: Number(totals.pending),
      issuing: Number(totals.issuing),
      rejected: Number(totals.rejected),
      deferred: Number(totals.deferred),
      withoutPointOfSale: Number(totals.without_point_of_sale),
      oldest: oldest ? { ...oldest, due_since: new Date(oldest.due_since) } : undefined,
    };
  }

  /** The shops that issue (fiscal settings), with what a WSAA login needs. */
  configuredIssuers() {
    return this.db
      .selectFrom('shop_fiscal_settings as f')
      .innerJoin('shops as s', 's.id', 'f.shop_id')
      .select(['f.shop_id', 's.cuit', 's.tax_condition', 'f.point_of_sale', 'f.certificate_pem', 'f.private_key_sealed', 'f.environment', 'f.enabled'])
      .orderBy('s.cuit')
      .orderBy('f.point_of_sale')
      .execute();
  }

  /** When the stored tickets expire (never their contents). */
  async ticketExpiries(keys: string[]): Promise<Map<string, Date>> {
    if (keys.length === 0) return new Map();
    const rows = await this.db.selectFrom('afip_tickets').select(['key', 'expires_at']).where('key', 'in', keys).execute();
    return new Map(rows.map((r) => [r.key, new Date(r.expires_at)]));
  }

  // WSAA tickets --------------------------------------------------------------------------

  ticket(key: string) {
    return this.db.selectFrom('afip_tickets').selectAll().where('key', '=', key).executeTakeFirst();
  }

  async saveTicket(key: string, tokenSealed: string, signSealed: string, expiresAt: Date): Promise<void> {
    const values = { token_sealed: tokenSealed, sign_sealed: signSealed, expires_at: expiresAt, updated_at: new Date() };
    await this.db
      .insertInto('afip_tickets')
      .values({ key, ...values })
      .onConflict((oc) => oc.column('key').doUpdateSet(values))
      .execute();
  }

  async deleteTicket(key: string): Promise<void> {
    await this.db.deleteFrom('afip_tickets').where('key', '=', key).execute();
  }
}
