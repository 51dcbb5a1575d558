import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShopFixture, type ShopFixture } from '../../../test/fixtures.js';
import { createTestContext, createTestDatabase, type TestContext } from '../../../test/helpers.js';
import type { DB } from '../../platform/db/schema.js';
import { AuditTrail } from '../audit/service.js';
import {
  chargebackPostings,
  chargebackReversalPostings,
  COMMISSION_REVENUE,
  MP_CLEARING,
  paymentApprovedPostings,
  payoutPostings,
  refundPostings,
  shopPayableAccount,
  type Posting,
} from './postings.js';
import { LedgerConflictError, LedgerService, LedgerValidationError, type RecordEntryInput } from './service.js';

const ENGINE = process.env.DATABASE_URL ? 'real PostgreSQL' : 'PGlite';

let ctx: TestContext;
let db: Kysely<DB>;
let ledger: LedgerService;
let audit: AuditTrail;

beforeAll(async () => {
  ctx = await createTestContext();
  db = ctx.database.db;
  audit = new AuditTrail(db);
  ledger = new LedgerService(db, audit);
});
afterAll(async () => ctx.close());

async function counts() {
  const one = async (table: 'ledger_entries' | 'ledger_postings' | 'ledger_accounts' | 'audit_log') =>
    Number((await db.selectFrom(table).select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n);
  return { entries: await one('ledger_entries'), postings: await one('ledger_postings'), accounts: await one('ledger_accounts'), audit: await one('audit_log') };
}

function record(input: RecordEntryInput) {
  return db.transaction().execute((trx) => ledger.record(trx, input));
}

let n = 0;
function paymentEntry(shopId: string, amounts: { gross: number; fee: number; commission: number }, at = '2026-12-01T12:00:00Z'): RecordEntryInput {
  n += 1;
  const ref = `mp:${1000 + n}`;
  return {
    kind: 'payment_collected',
    idempotencyKey: `${ref}:collected`,
    occurredAt: new Date(at),
    paymentRef: ref,
    description: 'Seña',
    postings: paymentApprovedPostings({ shopId, paymentRef: ref, amountCents: amounts.gross, mercadopagoFeeCents: amounts.fee, platformCommissionCents: amounts.commission }),
  };
}

describe(`recording entries (${ENGINE})`, () => {
  let shop: ShopFixture;
  beforeAll(async () => {
    shop = await createShopFixture(ctx);
  });

  it('writes the entry, its postings, the accounts it needs and one audit row', async () => {
    const before = await counts();
    const input = paymentEntry(shop.shopId, { gross: 1_000_000, fee: 62_990, commission: 100_000 });
    const result = await record(input);
    expect(result.created).toBe(true);
    const after = await counts();
    expect(after.entries - before.entries).toBe(1);
    expect(after.postings - before.postings).toBe(6);
    expect(after.audit - before.audit).toBe(1);
    const accounts = await db.selectFrom('ledger_accounts').selectAll().where('code', 'in', [MP_CLEARING, COMMISSION_REVENUE, shopPayableAccount(shop.shopId)]).orderBy('code').execute();
    expect(accounts.map((a) => [a.code, a.kind, a.shop_id])).toEqual([
      [MP_CLEARING, 'asset', null],
      [COMMISSION_REVENUE, 'revenue', null],
      [shopPayableAccount(shop.shopId), 'liability', shop.shopId],
    ]);
    const [row] = await audit.history('ledger_entry', result.entryId);
    expect(row).toMatchObject({ eventType: 'ledger.payment_collected', dedupeKey: `ledger:${input.idempotencyKey}`, actor: 'system' });
    expect((row!.payload as { postings: unknown[] }).postings).toHaveLength(6);
    expect(await ledger.shopBalance(shop.shopId)).toEqual({ shopId: shop.shopId, balanceCents: 1_000_000 - 62_990 - 100_000 });
  });

  it('is idempotent by key: a replay (also inside one transaction, also concurrent) writes nothing more', async () => {
    const input = paymentEntry(shop.shopId, { gross: 500_000, fee: 30_000, commission: 50_000 });
    const first = await record(input);
    const before = await counts();
    expect(await record(input)).toEqual({ created: false, entryId: first.entryId });
    // A redelivered webhook may carry a later time and other words: same movement, same entry.
    expect(await record({ ...input, occurredAt: new Date('2026-12-05T00:00:00Z'), description: 'otra' })).toEqual({ created: false, entryId: first.entryId });
    await db.transaction().execute(async (trx) => {
      expect((await ledger.record(trx, input)).created).toBe(false);
      expect((await ledger.record(trx, input)).created).toBe(false);
    });
    const fresh = paymentEntry(shop.shopId, { gross: 200_000, fee: 0, commission: 20_000 });
    const racing = await Promise.all(Array.from({ length: 10 }, () => record(fresh)));
    expect(racing.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(racing.map((r) => r.entryId)).size).toBe(1);
    const after = await counts();
    expect(after.entries - before.entries).toBe(1);
    expect(after.postings - before.postings).toBe(4);
    expect(after.audit - before.audit).toBe(1);
  });

  it('refuses a key reused for a different movement, and writes nothing', async () => {
    const input = paymentEntry(shop.shopId, { gross: 300_000, fee: 10_000, commission: 30_000 });
    await record(input);
    const before = await counts();
    const other = paymentApprovedPostings({ shopId: shop.shopId, paymentRef: 'x', amountCents: 300_000, mercadopagoFeeCents: 10_001, platformCommissionCents: 30_000 });
    await expect(record({ ...input, postings: other })).rejects.toThrow(LedgerConflictError);
    await expect(record({ ...input, kind: 'refund' })).rejects.toThrow(LedgerConflictError);
    expect(await counts()).toEqual(before);
  });

  const payable = () => shopPayableAccount(shop.shopId);
  const bad: Array<[string, () => Posting[]]> = [
    ['postings that do not sum to zero', () => [{ accountCode: MP_CLEARING, amountCents: 100, lineType: 'collection' }, { accountCode: payable(), amountCents: -99, lineType: 'collection' }]],
    ['a single posting', () => [{ accountCode: MP_CLEARING, amountCents: 0, lineType: 'collection' }]],
    ['no postings', () => []],
    ['a zero line', () => [{ accountCode: MP_CLEARING, amountCents: 0, lineType: 'collection' }, { accountCode: payable(), amountCents: 0, lineType: 'collection' }]],
    ['fractional centavos', () => [{ accountCode: MP_CLEARING, amountCents: 100.5, lineType: 'collection' }, { accountCode: payable(), amountCents: -100.5, lineType: 'collection' }]],
    ['an account outside the chart', () => [{ accountCode: 'cash', amountCents: 100, lineType: 'collection' }, { accountCode: payable(), amountCents: -100, lineType: 'collection' }]],
    ['an unknown line type', () => [{ accountCode: MP_CLEARING, amountCents: 100, lineType: 'gift' as never }, { accountCode: payable(), amountCents: -100, lineType: 'gift' as never }]],
  ];
  it.each(bad)('refuses %s before writing anything', async (_name, postings) => {
    const before = await counts();
    await expect(record({ kind: 'payment_collected', idempotencyKey: `bad:${_name}`, occurredAt: new Date(), description: '', postings: postings() })).rejects.toThrow(LedgerValidationError);
    expect(await counts()).toEqual(before);
  });

  it('needs the caller’s transaction', async () => {
    await expect(ledger.record(db as never, paymentEntry(shop.shopId, { gross: 100, fee: 0, commission: 0 }))).rejects.toThrow(/transaction/);
  });
});

describe(`the database guards the books (${ENGINE})`, () => {
  let shop: ShopFixture;
  beforeAll(async () => {
    shop = await createShopFixture(ctx);
    await record(paymentEntry(shop.shopId, { gross: 100_000, fee: 5_000, commission: 10_000 }));
  });

  it('refuses at commit an entry whose postings do not balance, and an entry without postings', async () => {
    const before = await counts();
    const unbalanced = db.transaction().execute(async (trx) => {
      const entry = await trx.insertInto('ledger_entries').values({ kind: 'manual', idempotency_key: 'raw-unbalanced', occurred_at: new Date(), booking_id: null, payment_ref: null }).returning('id').executeTakeFirstOrThrow();
      await trx.insertInto('ledger_postings').values([
        { entry_id: entry.id, account_code: MP_CLEARING, amount_cents: 100, line_type: 'collection' },
        { entry_id: entry.id, account_code: shopPayableAccount(shop.shopId), amount_cents: -90, line_type: 'collection' },
      ]).execute();
    });
    await expect(unbalanced).rejects.toThrow(/unbalanced/);
    const empty = db.transaction().execute(async (trx) => {
      await trx.insertInto('ledger_entries').values({ kind: 'manual', idempotency_key: 'raw-empty', occurred_at: new Date(), booking_id: null, payment_ref: null }).execute();
    });
    await expect(empty).rejects.toThrow(/unbalanced/);
    await expect(
      db.transaction().execute(async (trx) => {
        const entry = await trx.insertInto('ledger_entries').values({ kind: 'manual', idempotency_key: 'raw-zero', occurred_at: new Date(), booking_id: null, payment_ref: null }).returning('id').executeTakeFirstOrThrow();
        await trx.insertInto('ledger_postings').values({ entry_id: entry.id, account_code: MP_CLEARING, amount_cents: 0, line_type: 'collection' }).execute();
      }),
    ).rejects.toThrow(/check constraint/);
    expect(await counts()).toEqual(before);
  });

  it.each(['ledger_entries', 'ledger_postings', 'ledger_accounts'] as const)('%s is append-only: UPDATE, DELETE and TRUNCATE raise', async (table) => {
    await expect(sql`update ${sql.table(table)} set ${sql.ref(table === 'ledger_accounts' ? 'kind' : table === 'ledger_entries' ? 'kind' : 'line_type')} = 'payout'`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from ${sql.table(table)}`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate ${sql.table(table)} cascade`.execute(db)).rejects.toThrow(/append-only/);
  });
});

describe(`payout report (${ENGINE})`, () => {
  it('adds up a month of payments, refunds, a chargeback and payouts, with the opening balance', async () => {
    const shop = await createShopFixture(ctx);
    const s = shop.shopId;
    const at = (iso: string) => new Date(iso);
    const entries: RecordEntryInput[] = [
      // November (before the period): one payment, partly paid out.
      { kind: 'payment_collected', idempotencyKey: `${s}:p0`, occurredAt: at('2026-11-20T15:00:00-03:00'), description: '', postings: paymentApprovedPostings({ shopId: s, paymentRef: 'p0', amountCents: 400_000, mercadopagoFeeCents: 20_000, platformCommissionCents: 40_000 }) },
      { kind: 'payout', idempotencyKey: `${s}:po0`, occurredAt: at('2026-11-25T10:00:00-03:00'), description: '', postings: payoutPostings({ shopId: s, amountCents: 300_000, payoutRef: 'po0' }) },
      // December.
      { kind: 'payment_collected', idempotencyKey: `${s}:p1`, occurredAt: at('2026-12-01T00:00:00-03:00'), description: '', postings: paymentApprovedPostings({ shopId: s, paymentRef: 'p1', amountCents: 1_000_000, mercadopagoFeeCents: 62_990, platformCommissionCents: 100_000 }) },
      { kind: 'payment_collected', idempotencyKey: `${s}:p2`, occurredAt: at('2026-12-03T11:00:00-03:00'), description: '', postings: paymentApprovedPostings({ shopId: s, paymentRef: 'p2', amountCents: 800_000, mercadopagoFeeCents: 50_392, platformCommissionCents: 80_000 }) },
      { kind: 'payment_collected', idempotencyKey: `${s}:p3`, occurredAt: at('2026-12-04T11:00:00-03:00'), description: '', postings: paymentApprovedPostings({ shopId: s, paymentRef: 'p3', amountCents: 600_000, mercadopagoFeeCents: 37_794, platformCommissionCents: 60_000 }) },
      // p1 refunded in part (a quarter, with its commission share, MercadoPago keeps its fee) …
      { kind: 'refund', idempotencyKey: `${s}:r1`, occurredAt: at('2026-12-05T09:00:00-03:00'), description: '', postings: refundPostings({ shopId: s, refundCents: 250_000, amountCents: 1_000_000, platformCommissionCents: 100_000 }) },
      // … p2 in full, every fee given back …
      { kind: 'refund', idempotencyKey: `${s}:r2`, occurredAt: at('2026-12-06T09:00:00-03:00'), description: '', postings: refundPostings({ shopId: s, refundCents: 800_000, feeRefundedCents: 50_392, commissionRefundedCents: 80_000 }) },
      // … p3 charged back, the dispute lost.
      { kind: 'chargeback', idempotencyKey: `${s}:c3`, occurredAt: at('2026-12-10T09:00:00-03:00'), description: '', postings: chargebackPostings({ shopId: s, amountCents: 600_000 }) },
      { kind: 'payout', idempotencyKey: `${s}:po1`, occurredAt: at('2026-12-15T10:00:00-03:00'), description: '', postings: payoutPostings({ shopId: s, amountCents: 200_000, payoutRef: 'po1' }) },
      // Last instant of December, Argentine time: inside.
      { kind: 'payment_collected', idempotencyKey: `${s}:p4`, occurredAt: at('2026-12-31T23:59:59.999-03:00'), description: '', postings: paymentApprovedPostings({ shopId: s, paymentRef: 'p4', amountCents: 100_000, mercadopagoFeeCents: 6_299, platformCommissionCents: 10_000 }) },
      // January: after the period.
      { kind: 'payment_collected', idempotencyKey: `${s}:p5`, occurredAt: at('2027-01-01T00:00:00-03:00'), description: '', postings: paymentApprovedPostings({ shopId: s, paymentRef: 'p5', amountCents: 999_999, mercadopagoFeeCents: 1, platformCommissionCents: 1 }) },
    ];
    // Recorded out of order: reports go by when things happened, not when they were written.
    for (const entry of [...entries].reverse()) await record(entry);

    const report = await ledger.payoutReport(s, at('2026-12-01T00:00:00-03:00'), at('2027-01-01T00:00:00-03:00'));
    const gross = 1_000_000 + 800_000 + 600_000 + 100_000;
    const fees = 62_990 + 50_392 + 37_794 + 6_299 - 50_392;
    const commission = 100_000 + 80_000 + 60_000 + 10_000 - 25_000 - 80_000;
    const refunds = 250_000 + 800_000;
    const chargebacks = 600_000;
    const opening = 400_000 - 20_000 - 40_000 - 300_000;
    const net = gross - fees - commission - refunds - chargebacks;
    expect(report).toEqual({
      shopId: s,
      from: at('2026-12-01T00:00:00-03:00'),
      to: at('2027-01-01T00:00:00-03:00'),
      openingBalanceCents: opening,
      grossCollectedCents: gross,
      mercadopagoFeesCents: fees,
      platformCommissionCents: commission,
      refundsCents: refunds,
      chargebacksCents: chargebacks,
      otherCents: 0,
      netPayableCents: net,
      paidOutCents: 200_000,
      balanceCents: opening + net - 200_000,
    });
    // The same figures written out: 40.000 + (2.500.000 − 107.083 − 145.000 − 1.050.000 − 600.000) − 200.000.
    expect([report.openingBalanceCents, report.netPayableCents, report.balanceCents]).toEqual([40_000, 597_917, 437_917]);
    expect((await ledger.shopBalance(s)).balanceCents).toBe(report.balanceCents + 999_999 - 2);

    // A chargeback reversed later (dispute won) gives the money back.
    await record({ kind: 'chargeback_reversal', idempotencyKey: `${s}:c3:won`, occurredAt: at('2027-01-10T00:00:00-03:00'), description: '', postings: chargebackReversalPostings({ shopId: s, amountCents: 600_000 }) });
    const january = await ledger.payoutReport(s, at('2027-01-01T00:00:00-03:00'), at('2027-02-01T00:00:00-03:00'));
    expect(january).toMatchObject({ openingBalanceCents: report.balanceCents, grossCollectedCents: 999_999, chargebacksCents: -600_000, balanceCents: report.balanceCents + 999_999 - 2 + 600_000 });
  });
});

describe(`trial balance and check (${ENGINE})`, () => {
  it('the trial balance sums to zero; the check finds nothing wrong with clean books', async () => {
    const trial = await ledger.trialBalance();
    expect(trial.accounts.length).toBeGreaterThan(2);
    expect(trial.totalCents).toBe(0);
    const byCode = Object.fromEntries(trial.accounts.map((a) => [a.code, a]));
    expect(byCode[MP_CLEARING]).toMatchObject({ kind: 'asset', normalSide: 'debit' });
    expect(byCode[MP_CLEARING]!.balanceCents).toBeGreaterThan(0);
    expect(byCode[COMMISSION_REVENUE]).toMatchObject({ kind: 'revenue', normalSide: 'credit' });
    expect(byCode[COMMISSION_REVENUE]!.balanceCents).toBeLessThan(0);
    const check = await ledger.check();
    expect(check).toMatchObject({ ok: true, unbalancedEntries: [], trialBalanceCents: 0, approvedPaymentsWithoutPostings: [] });
  });

  it('names a collected payment that has no postings (payments table or not)', async () => {
    const shop = await createShopFixture(ctx);
    const existed = (await sql<{ present: boolean }>`select to_regclass('public.payments') is not null as present`.execute(db)).rows[0]!.present;
    if (!existed) {
      expect((await ledger.check()).paymentsTable).toBe(false);
      // The shape the payments module gives it: id, status, mp_payment_id.
      await sql`create table payments (id uuid primary key default gen_random_uuid(), status text not null, mp_payment_id text, amount_cents bigint not null default 0)`.execute(db);
    }
    const insert = (status: string, mpId: string) =>
      sql<{ id: string }>`insert into payments (status, mp_payment_id, amount_cents) values (${status}, ${mpId}, 100000) returning id::text as id`.execute(db).then((r) => r.rows[0]!.id);
    const approved = await insert('approved', '555000111');
    const refunded = await insert('refunded', '555000112');
    await insert('rejected', '555000113');
    const check = await ledger.check();
    expect(check.paymentsTable).toBe(true);
    expect(check.ok).toBe(false);
    expect(check.approvedPaymentsWithoutPostings.map((p) => [p.paymentId, p.mpPaymentId, p.status]).sort()).toEqual(
      [[approved, '555000111', 'approved'], [refunded, '555000112', 'refunded']].sort(),
    );
    // Matched by MercadoPago id (as `mp:<id>`) or by our payment id.
    await record({ ...paymentEntry(shop.shopId, { gross: 100_000, fee: 0, commission: 0 }), paymentRef: 'mp:555000111' });
    await record({ ...paymentEntry(shop.shopId, { gross: 100_000, fee: 0, commission: 0 }), paymentRef: refunded });
    expect(await ledger.check()).toMatchObject({ ok: true, approvedPaymentsWithoutPostings: [] });
    await sql`delete from payments where mp_payment_id in ('555000111', '555000112', '555000113')`.execute(db);
  });

  it('names an unbalanced entry that got past disabled triggers (its own database)', async () => {
    const database = await createTestDatabase();
    try {
      const other = new LedgerService(database.db);
      const shopId = (await sql<{ id: string }>`insert into shops (name, slug, cuit, tax_condition, address, city, province, region, latitude, longitude)
        values ('Barbería Rota', 'rota', '20123456786', 'monotributo', 'x', 'Rosario', 'Santa Fe', 'Litoral', -32.9, -60.6) returning id`.execute(database.db)).rows[0]!.id;
      await database.db.transaction().execute((trx) => other.record(trx, paymentEntry(shopId, { gross: 1_000, fee: 10, commission: 100 })));
      const entryId = await database.db.transaction().execute(async (trx) => {
        // As a superuser, bypassing the guard: what the check exists for.
        await sql`alter table ledger_postings disable trigger ledger_postings_balanced`.execute(trx);
        await sql`alter table ledger_entries disable trigger ledger_entries_balanced`.execute(trx);
        const entry = await trx.insertInto('ledger_entries').values({ kind: 'manual', idempotency_key: 'forged', occurred_at: new Date(), booking_id: null, payment_ref: null }).returning('id').executeTakeFirstOrThrow();
        await trx.insertInto('ledger_postings').values({ entry_id: entry.id, account_code: MP_CLEARING, amount_cents: 5_000, line_type: 'collection' }).execute();
        await sql`alter table ledger_postings enable trigger ledger_postings_balanced`.execute(trx);
        await sql`alter table ledger_entries enable trigger ledger_entries_balanced`.execute(trx);
        return entry.id;
      });
      const check = await other.check();
      expect(check.ok).toBe(false);
      expect(check.trialBalanceCents).toBe(5_000);
      expect(check.unbalancedEntries).toEqual([{ entryId, idempotencyKey: 'forged', kind: 'manual', postings: 1, sumCents: 5_000 }]);
      expect((await other.trialBalance()).totalCents).toBe(5_000);
    } finally {
      await database.close();
    }
  });
});
