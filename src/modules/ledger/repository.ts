import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB, LedgerAccountKind } from '../../platform/db/schema.js';
import type { AccountDefinition, Posting } from './postings.js';

export interface NewLedgerEntry {
  kind: string;
  idempotencyKey: string;
  occurredAt: Date;
  bookingId: string | null;
  paymentRef: string | null;
  description: string;
}

export interface StoredEntry {
  id: string;
  kind: string;
  postings: Posting[];
}

export interface AccountBalance {
  code: string;
  kind: LedgerAccountKind;
  shopId: string | null;
  balanceCents: number;
}

export interface UnbalancedEntry {
  entryId: string;
  idempotencyKey: string;
  kind: string;
  postings: number;
  sumCents: number;
}

export interface PaymentWithoutPostings {
  paymentId: string;
  mpPaymentId: string | null;
  status: string;
}

/** Approved-once statuses: a payment in any of them must have its collection entry. */
export const COLLECTED_PAYMENT_STATUSES = ['approved', 'refunded', 'partially_refunded', 'charged_back', 'disputed', 'in_mediation'] as const;

/** All SQL of the ledger. Writes take the caller's transaction; reports read committed data. */
export class LedgerRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** Inserts the entry unless its idempotency key exists; undefined means it did (or a racing transaction just committed it). */
  async insertEntry(trx: Transaction<DB>, entry: NewLedgerEntry): Promise<string | undefined> {
    const row = await trx
      .insertInto('ledger_entries')
      .values({
        kind: entry.kind,
        idempotency_key: entry.idempotencyKey,
        occurred_at: entry.occurredAt,
        booking_id: entry.bookingId,
        payment_ref: entry.paymentRef,
        description: entry.description,
      })
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .returning('id')
      .executeTakeFirst();
    return row?.id;
  }

  async entryByKey(trx: Transaction<DB>, idempotencyKey: string): Promise<StoredEntry | undefined> {
    const entry = await trx.selectFrom('ledger_entries').select(['id', 'kind']).where('idempotency_key', '=', idempotencyKey).executeTakeFirst();
    if (!entry) return undefined;
    const postings = await trx
      .selectFrom('ledger_postings')
      .select(['account_code', 'amount_cents', 'line_type'])
      .where('entry_id', '=', entry.id)
      .orderBy('id')
      .execute();
    return {
      id: entry.id,
      kind: entry.kind,
      postings: postings.map((p) => ({ accountCode: p.account_code, amountCents: Number(p.amount_cents), lineType: p.line_type as Posting['lineType'] })),
    };
  }

  async ensureAccounts(trx: Transaction<DB>, accounts: AccountDefinition[]): Promise<void> {
    if (accounts.length === 0) return;
    await trx
      .insertInto('ledger_accounts')
      .values(accounts.map((a) => ({ code: a.code, kind: a.kind, shop_id: a.shopId })))
      .onConflict((oc) => oc.column('code').doNothing())
      .execute();
  }

  async insertPostings(trx: Transaction<DB>, entryId: string, postings: readonly Posting[]): Promise<void> {
    await trx
      .insertInto('ledger_postings')
      .values(postings.map((p) => ({ entry_id: entryId, account_code: p.accountCode, amount_cents: p.amountCents, line_type: p.lineType })))
      .execute();
  }

  /** Balance of one account at an instant (exclusive), or now. */
  async accountBalance(code: string, before?: Date): Promise<number> {
    let query = this.db
      .selectFrom('ledger_postings as p')
      .innerJoin('ledger_entries as e', 'e.id', 'p.entry_id')
      .select(sql<number>`coalesce(sum(p.amount_cents), 0)::bigint`.as('balance'))
      .where('p.account_code', '=', code);
    if (before) query = query.where('e.occurred_at', '<', before);
    const row = await query.executeTakeFirstOrThrow();
    return Number(row.balance);
  }

  /** Sum of one account's postings per line type, for entries that occurred in [from, to). */
  async lineTotals(code: string, from: Date, to: Date): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('ledger_postings as p')
      .innerJoin('ledger_entries as e', 'e.id', 'p.entry_id')
      .select(['p.line_type', sql<number>`sum(p.amount_cents)::bigint`.as('total')])
      .where('p.account_code', '=', code)
      .where('e.occurred_at', '>=', from)
      .where('e.occurred_at', '<', to)
      .groupBy('p.line_type')
      .execute();
    return new Map(rows.map((r) => [r.line_type, Number(r.total)]));
  }

  async shopTimezone(shopId: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('shops').select('timezone').where('id', '=', shopId).executeTakeFirst();
    return row?.timezone;
  }

  async trialBalance(): Promise<AccountBalance[]> {
    const rows = await this.db
      .selectFrom('ledger_accounts as a')
      .leftJoin('ledger_postings as p', 'p.account_code', 'a.code')
      .select(['a.code', 'a.kind', 'a.shop_id', sql<number>`coalesce(sum(p.amount_cents), 0)::bigint`.as('balance')])
      .groupBy(['a.code', 'a.kind', 'a.shop_id'])
      .orderBy('a.code')
      .execute();
    return rows.map((r) => ({ code: r.code, kind: r.kind, shopId: r.shop_id, balanceCents: Number(r.balance) }));
  }

  /** The sum of every posting ever made: zero when every entry balances. */
  async totalOfAllPostings(): Promise<number> {
    const row = await this.db
      .selectFrom('ledger_postings')
      .select(sql<number>`coalesce(sum(amount_cents), 0)::bigint`.as('total'))
      .executeTakeFirstOrThrow();
    return Number(row.total);
  }

  /** Entries with fewer than two postings or postings that do not sum to zero (impossible while the triggers stand). */
  async unbalancedEntries(limit = 100): Promise<UnbalancedEntry[]> {
    const result = await sql<{ id: string; idempotency_key: string; kind: string; postings: number; sum_cents: number }>`
      select e.id, e.idempotency_key, e.kind, count(p.id)::int as postings, coalesce(sum(p.amount_cents), 0)::bigint as sum_cents
      from ledger_entries e
      left join ledger_postings p on p.entry_id = e.id
      group by e.id, e.idempotency_key, e.kind
      having count(p.id) < 2 or coalesce(sum(p.amount_cents), 0) <> 0
      order by e.occurred_at, e.id
      limit ${limit}`.execute(this.db);
    return result.rows.map((r) => ({ entryId: r.id, idempotencyKey: r.idempotency_key, kind: r.kind, postings: Number(r.postings), sumCents: Number(r.sum_cents) }));
  }

  /**
   * Payments MercadoPago collected that have no collection posting. Reads `payments` only if
   * that table exists; a payment matches an entry by payment_ref = its id, its MercadoPago id,
   * or `mp:<MercadoPago id>`.
   */
  async paymentsWithoutPostings(limit = 100): Promise<{ paymentsTable: boolean; rows: PaymentWithoutPostings[] }> {
    const exists = await sql<{ present: boolean }>`select to_regclass('public.payments') is not null as present`.execute(this.db);
    if (!exists.rows[0]?.present) return { paymentsTable: false, rows: [] };
    const statuses = sql.join(COLLECTED_PAYMENT_STATUSES.map((s) => sql.lit(s)));
    const result = await sql<{ id: string; mp_payment_id: string | null; status: string }>`
      select p.id::text as id, p.mp_payment_id::text as mp_payment_id, p.status::text as status
      from payments p
      where p.status::text in (${statuses})
        and not exists (
          select 1
          from ledger_entries e
          join ledger_postings lp on lp.entry_id = e.id and lp.line_type = 'collection'
          where e.payment_ref in (p.id::text, p.mp_payment_id::text, 'mp:' || p.mp_payment_id::text)
        )
      order by p.id
      limit ${limit}`.execute(this.db);
    return { paymentsTable: true, rows: result.rows.map((r) => ({ paymentId: r.id, mpPaymentId: r.mp_payment_id, status: r.status })) };
  }
}
