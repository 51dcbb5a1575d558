import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShopFixture, type ShopFixture } from '../../../test/fixtures.js';
import { createTestContext, expectProblem, json, type TestContext, type TestUser } from '../../../test/helpers.js';
import { AuditTrail } from '../audit/service.js';
import { chargebackPostings, paymentApprovedPostings, payoutPostings, refundPostings, type Posting } from './postings.js';
import { LedgerService } from './service.js';

let ctx: TestContext;
let admin: TestUser;
let shop: ShopFixture;
let ledger: LedgerService;

async function record(key: string, kind: string, occurredAt: string, postings: Posting[]) {
  await ctx.database.db.transaction().execute((trx) => ledger.record(trx, { kind, idempotencyKey: key, occurredAt: new Date(occurredAt), description: kind, postings }));
}

beforeAll(async () => {
  ctx = await createTestContext();
  admin = await ctx.createUser('admin');
  // A shop in Santiago de Chile: in July (UTC−4) its days are not Argentina's (UTC−3).
  shop = await createShopFixture(ctx, { timezone: 'America/Santiago' });
  ledger = new LedgerService(ctx.database.db, new AuditTrail(ctx.database.db));
  const s = shop.shopId;
  // 00:30 on July 1st in Buenos Aires is still June 30th, 23:30, in Santiago.
  await record('r:p0', 'payment_collected', '2026-07-01T00:30:00-03:00', paymentApprovedPostings({ shopId: s, paymentRef: 'p0', amountCents: 10_000, mercadopagoFeeCents: 0, platformCommissionCents: 0 }));
  await record('r:p1', 'payment_collected', '2026-12-01T00:30:00-03:00', paymentApprovedPostings({ shopId: s, paymentRef: 'p1', amountCents: 1_000_000, mercadopagoFeeCents: 60_000, platformCommissionCents: 100_000 }));
  await record('r:p2', 'payment_collected', '2026-12-10T12:00:00-03:00', paymentApprovedPostings({ shopId: s, paymentRef: 'p2', amountCents: 500_000, mercadopagoFeeCents: 30_000, platformCommissionCents: 50_000 }));
  await record('r:r2', 'refund', '2026-12-11T12:00:00-03:00', refundPostings({ shopId: s, refundCents: 100_000, amountCents: 500_000, platformCommissionCents: 50_000 }));
  await record('r:c1', 'chargeback', '2026-12-20T12:00:00-03:00', chargebackPostings({ shopId: s, amountCents: 200_000 }));
  await record('r:po', 'payout', '2026-12-21T12:00:00-03:00', payoutPostings({ shopId: s, amountCents: 300_000 }));
});
afterAll(async () => ctx.close());

describe('payout statement route', () => {
  const url = (from: string, to: string, shopId = shop.shopId) => `/api/v1/shops/${shopId}/payouts?from=${from}&to=${to}`;

  it('gives the owner the month in the shop’s own days', async () => {
    const res = await ctx.app.inject({ url: url('2026-12-01', '2026-12-31'), headers: shop.owner.auth });
    expect(res.statusCode, res.body).toBe(200);
    const ars = (amountCents: number) => ({ amountCents, currency: 'ARS' });
    const body = json(res);
    expect(body).toMatchObject({ shopId: shop.shopId, from: '2026-12-01', to: '2026-12-31', timezone: 'America/Santiago' });
    expect(body.grossCollected).toEqual(ars(1_500_000));
    expect(body.mercadopagoFees).toEqual(ars(90_000));
    expect(body.platformCommission).toEqual(ars(150_000 - 10_000));
    expect(body.refunds).toEqual(ars(100_000));
    expect(body.chargebacks).toEqual(ars(200_000));
    expect(body.paidOut).toEqual(ars(300_000));
    expect(body.openingBalance).toEqual(ars(10_000));
    expect(body.netPayable).toEqual(ars(1_500_000 - 90_000 - 140_000 - 100_000 - 200_000));
    expect(body.balance).toEqual(ars(10_000 + 970_000 - 300_000));
  });

  it('starts and ends periods at the shop’s midnight', async () => {
    const june = json(await ctx.app.inject({ url: url('2026-06-01', '2026-06-30'), headers: admin.auth }));
    expect(june.grossCollected.amountCents).toBe(10_000);
    const july = json(await ctx.app.inject({ url: url('2026-07-01', '2026-07-31'), headers: admin.auth }));
    expect(july).toMatchObject({ openingBalance: { amountCents: 10_000 }, grossCollected: { amountCents: 0 } });
    // In December Santiago is on summer time (UTC−3), like Buenos Aires: 00:30 ART on Dec 1 is Dec 1 there too.
    const nov = json(await ctx.app.inject({ url: url('2026-11-01', '2026-11-30'), headers: admin.auth }));
    expect(nov.grossCollected.amountCents).toBe(0);
    const firstDay = json(await ctx.app.inject({ url: url('2026-12-01', '2026-12-01'), headers: admin.auth }));
    expect(firstDay.grossCollected.amountCents).toBe(1_000_000);
    const later = json(await ctx.app.inject({ url: url('2026-12-11', '2026-12-31'), headers: admin.auth }));
    expect(later.openingBalance.amountCents).toBe(10_000 + 1_000_000 - 160_000 + 500_000 - 80_000);
    expect(later.grossCollected.amountCents).toBe(0);
  });

  it('is for the shop’s owner and admins only', async () => {
    expectProblem(await ctx.app.inject({ url: url('2026-12-01', '2026-12-31'), headers: shop.barberUsers[0]!.auth }), 403);
    const other = await createShopFixture(ctx);
    expectProblem(await ctx.app.inject({ url: url('2026-12-01', '2026-12-31'), headers: other.owner.auth }), 403);
    expectProblem(await ctx.app.inject({ url: url('2026-12-01', '2026-12-31'), headers: (await ctx.createUser('customer')).auth }), 403);
    expectProblem(await ctx.app.inject({ url: url('2026-12-01', '2026-12-31') }), 401);
  });

  it('validates the period and the shop', async () => {
    expectProblem(await ctx.app.inject({ url: url('2026-12-31', '2026-12-01'), headers: shop.owner.auth }), 400);
    expectProblem(await ctx.app.inject({ url: url('2026-12-01', 'mañana'), headers: shop.owner.auth }), 400);
    expectProblem(await ctx.app.inject({ url: `/api/v1/shops/${shop.shopId}/payouts?from=2026-12-01`, headers: shop.owner.auth }), 400);
    expectProblem(await ctx.app.inject({ url: url('2026-12-01', '2026-12-31', '00000000-0000-4000-8000-000000000000'), headers: admin.auth }), 404);
  });
});

describe('admin ledger and audit routes', () => {
  it('trial balance lists every account and totals zero', async () => {
    const res = await ctx.app.inject({ url: '/api/v1/admin/ledger/trial-balance', headers: admin.auth });
    expect(res.statusCode, res.body).toBe(200);
    const body = json(res);
    expect(body.total).toEqual({ amountCents: 0, currency: 'ARS' });
    expect(body.accounts.find((a: { code: string }) => a.code === `shop:${shop.shopId}:payable`)).toMatchObject({
      kind: 'liability',
      normalSide: 'credit',
      shopId: shop.shopId,
      balance: { amountCents: -680_000, currency: 'ARS' },
    });
  });

  it('check: the books balance', async () => {
    const body = json(await ctx.app.inject({ url: '/api/v1/admin/ledger/check', headers: admin.auth }));
    expect(body).toMatchObject({ ok: true, trialBalance: { amountCents: 0, currency: 'ARS' }, unbalancedEntries: [], approvedPaymentsWithoutPostings: [] });
  });

  it('audit verify: one row per ledger entry, intact', async () => {
    const body = json(await ctx.app.inject({ url: '/api/v1/admin/audit/verify', headers: admin.auth }));
    expect(body).toMatchObject({ ok: true, rowsChecked: 6, firstBrokenSeq: null, reason: null, head: { seq: 6 } });
  });

  it('are for admins only', async () => {
    for (const path of ['/api/v1/admin/ledger/check', '/api/v1/admin/ledger/trial-balance', '/api/v1/admin/audit/verify']) {
      expectProblem(await ctx.app.inject({ url: path }), 401);
      expectProblem(await ctx.app.inject({ url: path, headers: shop.owner.auth }), 403);
      expectProblem(await ctx.app.inject({ url: path, headers: (await ctx.createUser('customer')).auth }), 403);
    }
  });
});
