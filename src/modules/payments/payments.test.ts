import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShopFixture, linkMercadoPagoSeller, type ShopFixture } from '../../../test/fixtures.js';
import { expectProblem, json, waitFor, type TestContext, type TestUser } from '../../../test/helpers.js';
import type { MercadoPagoSandbox } from '../../sandbox/mercadopago/index.js';
import { startSandboxStack, type SandboxStack } from '../../../test/sandbox-stack.js';

/**
 * The whole payment path against the local MercadoPago sandbox, over real HTTP: checkout,
 * signed webhooks (duplicated and shuffled), booking confirmation, ledger, audit, refunds.
 */

const SELLER_TOKEN = 'APP_USR-sandbox-seller-0001';
const SELLER_ID = 424242;

let stack: SandboxStack;
let sandbox: MercadoPagoSandbox;
let ctx: TestContext;
let shop: ShopFixture;
let customer: TestUser;
let day = 0;

beforeAll(async () => {
  stack = await startSandboxStack({ sellerTokens: { [SELLER_TOKEN]: SELLER_ID } });
  ({ ctx, mp: sandbox } = stack);
  shop = await createShopFixture(ctx, {
    weekdays: [0, 1, 2, 3, 4, 5, 6],
    open: 9 * 60,
    close: 20 * 60,
    lunch: null,
    cancellationCutoffMinutes: 60,
    services: [{ key: 'fade', name: 'Corte fade', durationMinutes: 30, priceCents: 2_000_000, deposit: { kind: 'percent', value: 25 } }],
  });
  await linkMercadoPagoSeller(ctx.database.db, shop.shopId, { token: SELLER_TOKEN, userId: SELLER_ID });
  customer = await ctx.createUser('customer');
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

/** A held booking on a fresh day (so tests don't collide), with its checkout started. */
async function heldBookingWithCheckout() {
  day += 1;
  const date = new Date(Date.now() + (2 + day) * 86_400_000).toISOString().slice(0, 10);
  const booking = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/bookings',
    headers: customer.auth,
    payload: { shopId: shop.shopId, serviceId: shop.services.fade!.id, barberId: shop.barberIds[0], start: `${date}T10:00:00-03:00` },
  });
  expect(booking.statusCode, booking.body).toBe(201);
  const b = json(booking);
  expect(b).toMatchObject({ status: 'pending', deposit: { amountCents: 500_000 } });
  const checkout = await ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${b.id}/checkout`, headers: customer.auth });
  expect(checkout.statusCode, checkout.body).toBe(201);
  const c = json(checkout);
  const preferenceId = c.checkoutUrl.split('/').pop() as string;
  return { booking: b, checkout: c, preferenceId };
}

const bookingStatus = async (id: string) => json(await ctx.app.inject({ url: `/api/v1/bookings/${id}`, headers: customer.auth })).status as string;

const paymentRow = (bookingId: string) => ctx.database.db.selectFrom('payments').selectAll().where('booking_id', '=', bookingId).executeTakeFirstOrThrow();

/** Waits until every stored notification has been processed (duplicates included). */
const notificationsDrained = () =>
  waitFor(
    async () => (await sql<{ n: number }>`select count(*)::int as n from payment_notifications where processed_at is null`.execute(ctx.database.db)).rows[0]!.n,
    (n) => n === 0,
  );

/** Audit rows about one MercadoPago payment (its own events and its ledger entries), counted by type. */
async function auditCounts(mpPaymentId: number | string): Promise<Record<string, number>> {
  const rows = await sql<{ event_type: string; n: number }>`
    select event_type, count(*)::int as n from audit_log
    where payload->>'mpPaymentId' = ${String(mpPaymentId)} or payload->>'paymentRef' = ${`mp:${mpPaymentId}`}
    group by event_type`.execute(ctx.database.db);
  return Object.fromEntries(rows.rows.map((r) => [r.event_type, r.n]));
}

/** One sample of the /metrics text (undefined when the series is absent). */
function metricValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[2] ?? '').split(',').filter(Boolean);
    if (wanted.length === have.length && wanted.every((w) => have.includes(w))) return Number(m[3]);
  }
  return undefined;
}

describe('paying a deposit with MercadoPago', () => {
  it('a customer pays in the sandbox and the booking confirms; ledger balances and the audit trail records it', async () => {
    const { booking, checkout, preferenceId } = await heldBookingWithCheckout();
    expect(checkout.amount).toEqual({ amountCents: 500_000, currency: 'ARS' });
    const preference = sandbox.preferences.get(preferenceId)!;
    expect(preference).toMatchObject({ external_reference: booking.id, marketplace_fee: 250, items: [{ currency_id: 'ARS', unit_price: 5000 }] });

    // The same checkout again resumes the same preference.
    const again = json(await ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${booking.id}/checkout`, headers: customer.auth }));
    expect(again.checkoutUrl).toBe(checkout.checkoutUrl);

    sandbox.pay(preferenceId, { cardholderName: 'APRO' });
    await waitFor(() => bookingStatus(booking.id), (s) => s === 'confirmed');

    const payment = await ctx.database.db.selectFrom('payments').selectAll().where('booking_id', '=', booking.id).executeTakeFirstOrThrow();
    expect(payment).toMatchObject({ status: 'approved', amount_cents: 500_000, commission_cents: 25_000 });
    expect(payment.mp_fee_cents).toBe(Math.round(500_000 * 0.0629));

    const check = json(await ctx.app.inject({ url: '/api/v1/admin/ledger/check', headers: (await ctx.createUser('admin')).auth }));
    expect(check).toMatchObject({ ok: true, trialBalance: { amountCents: 0 }, unbalancedEntries: [], approvedPaymentsWithoutPostings: [] });
    const audit = await ctx.database.db.selectFrom('audit_log').select(['event_type']).where('entity_id', '=', payment.id).execute();
    expect(audit.map((a) => a.event_type)).toContain('payment.approved');
  });

  it('100 duplicated and shuffled webhook deliveries make one confirmation, one set of postings and one audit row per event', async () => {
    const { booking, preferenceId } = await heldBookingWithCheckout();
    const { paymentId } = sandbox.pay(preferenceId, { cardholderName: 'APRO' });
    await waitFor(() => bookingStatus(booking.id), (s) => s === 'confirmed');
    await sandbox.deliver(paymentId, { duplicates: 100, shuffle: true, concurrent: true });
    await sandbox.idle();
    await waitFor(
      async () => (await sql<{ n: number }>`select count(*)::int as n from payment_notifications where processed_at is null`.execute(ctx.database.db)).rows[0]!.n,
      (n) => n === 0,
    );
    const ref = `mp:${paymentId}`;
    const events = await ctx.database.db.selectFrom('booking_events').select('type').where('booking_id', '=', booking.id).where('type', '=', 'confirmed').execute();
    expect(events).toHaveLength(1);
    const entries = await ctx.database.db.selectFrom('ledger_entries').select(['kind']).where('payment_ref', '=', ref).execute();
    expect(entries).toHaveLength(1);
    const audit = await sql<{ event_type: string; n: number }>`
      select event_type, count(*)::int as n from audit_log where payload->>'mpPaymentId' = ${String(paymentId)} group by event_type`.execute(ctx.database.db);
    for (const row of audit.rows) expect(row.n, row.event_type).toBe(1);
    expect(audit.rows.map((r) => r.event_type)).toContain('payment.approved');
  });

  it('a rejected card releases the held slot at once', async () => {
    const { booking, preferenceId } = await heldBookingWithCheckout();
    sandbox.pay(preferenceId, { cardholderName: 'FUND' });
    await waitFor(() => bookingStatus(booking.id), (s) => s === 'expired');
    const payment = await ctx.database.db.selectFrom('payments').selectAll().where('booking_id', '=', booking.id).executeTakeFirstOrThrow();
    expect(payment.status).toBe('rejected');
    expect(await ctx.database.db.selectFrom('ledger_entries').select('id').where('booking_id', '=', booking.id).execute()).toHaveLength(0);
  });

  it('a payment whose amount differs from the booking’s deposit is flagged for review and does not confirm', async () => {
    const { booking, preferenceId } = await heldBookingWithCheckout();
    await ctx.database.db.updateTable('bookings').set({ deposit_cents: 400_000 }).where('id', '=', booking.id).execute();
    sandbox.pay(preferenceId, { cardholderName: 'APRO' });
    const payment = await waitFor(
      () => ctx.database.db.selectFrom('payments').selectAll().where('booking_id', '=', booking.id).executeTakeFirstOrThrow(),
      (p) => p.status === 'review',
    );
    expect(payment.review_reason).toBe('amount_mismatch');
    expect(await bookingStatus(booking.id)).toBe('pending');
  });

  it('refuses forged and stale signatures with 401 and writes nothing', async () => {
    const before = await ctx.database.db.selectFrom('payment_notifications').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const body = { type: 'payment', action: 'payment.updated', data: { id: '999' }, user_id: SELLER_ID };
    const forged = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks/mercadopago?data.id=999&type=payment',
      headers: { 'x-signature': `ts=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`, 'x-request-id': 'r-1' },
      payload: body,
    });
    expectProblem(forged, 401);
    expectProblem(await ctx.app.inject({ method: 'POST', url: '/api/v1/webhooks/mercadopago?data.id=999&type=payment', payload: body }), 401);
    const after = await ctx.database.db.selectFrom('payment_notifications').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('MercadoPago down at checkout: a retryable 503, and the booking stays held', async () => {
    day += 1;
    const date = new Date(Date.now() + (2 + day) * 86_400_000).toISOString().slice(0, 10);
    const b = json(
      await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/bookings',
        headers: customer.auth,
        payload: { shopId: shop.shopId, serviceId: shop.services.fade!.id, barberId: shop.barberIds[0], start: `${date}T11:00:00-03:00` },
      }),
    );
    // The client tries 4 times (3 retries) before giving up.
    sandbox.failNext(4, 503);
    const res = await ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${b.id}/checkout`, headers: customer.auth });
    expectProblem(res, 503, 'payment_provider_unavailable');
    expect(res.headers['retry-after']).toBeDefined();
    expect(await bookingStatus(b.id)).toBe('pending');
  });

  it('a cancellation before the cut-off refunds the deposit through MercadoPago and records the refund', async () => {
    const { booking, preferenceId } = await heldBookingWithCheckout();
    const { paymentId } = sandbox.pay(preferenceId, { cardholderName: 'APRO' });
    await waitFor(() => bookingStatus(booking.id), (s) => s === 'confirmed');
    const cancel = await ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${booking.id}/cancel`, headers: customer.auth, payload: {} });
    expect(cancel.statusCode).toBe(200);
    await ctx.app.services.payments.reconcile();
    const mpPayment = sandbox.payments.get(String(paymentId))!;
    expect(mpPayment).toMatchObject({ status: 'refunded', transaction_amount_refunded: 5000 });
    const refund = await ctx.database.db.selectFrom('refunds').selectAll().where('booking_id', '=', booking.id).executeTakeFirstOrThrow();
    expect(refund).toMatchObject({ status: 'succeeded', amount_cents: 500_000 });
    const entries = await ctx.database.db.selectFrom('ledger_entries').select('kind').where('payment_ref', '=', `mp:${paymentId}`).orderBy('occurred_at').execute();
    expect(entries.map((e) => e.kind)).toEqual(['payment_collected', 'refund']);
    // Running reconciliation again refunds nothing more.
    await ctx.app.services.payments.reconcile();
    expect(sandbox.payments.get(String(paymentId))).toMatchObject({ transaction_amount_refunded: 5000 });
  });

  it('a shop owner links a MercadoPago account by OAuth; tokens are stored sealed and its deposits can be paid', async () => {
    const other = await createShopFixture(ctx, {
      weekdays: [0, 1, 2, 3, 4, 5, 6],
      lunch: null,
      services: [{ key: 'cut', durationMinutes: 30, priceCents: 1_000_000, deposit: { kind: 'fixed', value: 200_000 } }],
    });
    expectProblem(await ctx.app.inject({ url: `/api/v1/shops/${other.shopId}/mercadopago/authorization`, headers: customer.auth }), 403);
    expectProblem(await ctx.app.inject({ url: `/api/v1/shops/${other.shopId}/mercadopago/authorization`, headers: shop.owner.auth }), 403);

    const { authorizationUrl } = json(await ctx.app.inject({ url: `/api/v1/shops/${other.shopId}/mercadopago/authorization`, headers: other.owner.auth }));
    expect(authorizationUrl.startsWith(`${sandbox.url}/authorization?`)).toBe(true);
    const consent = await fetch(authorizationUrl, { redirect: 'manual' });
    const back = new URL(consent.headers.get('location')!);
    expect(back.pathname).toBe('/api/v1/mercadopago/oauth/callback');

    const forged = new URLSearchParams({ code: back.searchParams.get('code')!, state: back.searchParams.get('state')!.slice(0, -2) + 'xx' });
    expectProblem(await ctx.app.inject({ url: `/api/v1/mercadopago/oauth/callback?${forged}` }), 400, 'invalid_oauth_state');
    const linked = await ctx.app.inject({ url: `/api/v1/mercadopago/oauth/callback?${back.searchParams}` });
    expect(linked.statusCode, linked.body).toBe(200);
    expect(json(linked)).toEqual({ linked: true, shopId: other.shopId });

    const account = await ctx.database.db.selectFrom('merchant_accounts').selectAll().where('shop_id', '=', other.shopId).executeTakeFirstOrThrow();
    expect(account.access_token_sealed.startsWith('v2.')).toBe(true);
    expect(account.refresh_token_sealed).not.toBeNull();
    expect(account.token_expires_at).not.toBeNull();

    const date = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10);
    const b = json(
      await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/bookings',
        headers: customer.auth,
        payload: { shopId: other.shopId, serviceId: other.services.cut!.id, barberId: other.barberIds[0], start: `${date}T10:00:00-03:00` },
      }),
    );
    const checkout = await ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${b.id}/checkout`, headers: customer.auth });
    expect(checkout.statusCode, checkout.body).toBe(201);
    expect(json(checkout).amount).toEqual({ amountCents: 200_000, currency: 'ARS' });
  });

  it('a chargeback is recorded once under duplicated webhooks, keeps the booking, shows in the shop’s statement, and a won dispute reverses it', async () => {
    const { booking, preferenceId } = await heldBookingWithCheckout();
    const { paymentId } = sandbox.pay(preferenceId, { cardholderName: 'APRO' });
    await waitFor(() => bookingStatus(booking.id), (s) => s === 'confirmed');
    const ref = `mp:${paymentId}`;
    const day = new Date(ctx.clock.now().getTime() - 3 * 3_600_000).toISOString().slice(0, 10);
    const statement = async () =>
      json(await ctx.app.inject({ url: `/api/v1/shops/${shop.shopId}/payouts?from=${day}&to=${new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)}`, headers: shop.owner.auth }));
    const before = await statement();

    sandbox.chargeback(paymentId);
    await waitFor(() => paymentRow(booking.id), (p) => p.status === 'charged_back');
    await sandbox.deliver(paymentId, { duplicates: 20, shuffle: true, concurrent: true });
    await sandbox.idle();
    await notificationsDrained();

    expect(await paymentRow(booking.id)).toMatchObject({ status: 'charged_back', mp_status: 'charged_back', refunded_cents: 0 });
    // The service was booked and paid for: the booking stays; the dispute is between the shop and MercadoPago.
    expect(await bookingStatus(booking.id)).toBe('confirmed');
    const entries = await ctx.database.db.selectFrom('ledger_entries').select(['id', 'kind']).where('payment_ref', '=', ref).orderBy('occurred_at').orderBy('created_at').execute();
    expect(entries.map((e) => e.kind)).toEqual(['payment_collected', 'chargeback']);
    const chargeback = await ctx.database.db.selectFrom('ledger_postings').select(['account_code', 'amount_cents', 'line_type']).where('entry_id', '=', entries[1]!.id).orderBy('amount_cents').execute();
    expect(chargeback).toEqual([
      { account_code: 'mp_clearing', amount_cents: -500_000, line_type: 'chargeback' },
      { account_code: `shop:${shop.shopId}:payable`, amount_cents: 500_000, line_type: 'chargeback' },
    ]);
    expect(await auditCounts(paymentId)).toEqual({ 'payment.approved': 1, 'ledger.payment_collected': 1, 'payment.charged_back': 1, 'ledger.chargeback': 1 });
    // The shop's statement carries the debit, and its balance drops by it.
    const after = await statement();
    expect(after.chargebacks.amountCents - before.chargebacks.amountCents).toBe(500_000);
    expect(before.balance.amountCents - after.balance.amountCents).toBe(500_000);
    // Nothing is owed to the customer either: the money already went back through the card issuer.
    expect(await ctx.app.services.payments.executePendingRefunds()).toBe(0);
    expect(await ctx.database.db.selectFrom('refunds').select('id').where('booking_id', '=', booking.id).execute()).toEqual([]);

    // The shop wins the dispute: the money comes back, once.
    sandbox.reverseChargeback(paymentId);
    await waitFor(() => paymentRow(booking.id), (p) => p.status === 'approved');
    await sandbox.deliver(paymentId, { duplicates: 10, shuffle: true, concurrent: true });
    await sandbox.idle();
    await notificationsDrained();
    const final = await ctx.database.db.selectFrom('ledger_entries').select('kind').where('payment_ref', '=', ref).orderBy('occurred_at').orderBy('created_at').execute();
    expect(final.map((e) => e.kind)).toEqual(['payment_collected', 'chargeback', 'chargeback_reversal']);
    expect(await auditCounts(paymentId)).toEqual({
      'payment.approved': 1,
      'ledger.payment_collected': 1,
      'payment.charged_back': 1,
      'ledger.chargeback': 1,
      'payment.chargeback_reversed': 1,
      'ledger.chargeback_reversal': 1,
    });
    const reversed = await statement();
    expect(reversed.chargebacks.amountCents).toBe(before.chargebacks.amountCents);
    expect(reversed.balance.amountCents).toBe(before.balance.amountCents);
    const check = json(await ctx.app.inject({ url: '/api/v1/admin/ledger/check', headers: (await ctx.createUser('admin')).auth }));
    expect(check).toMatchObject({ ok: true, unbalancedEntries: [], approvedPaymentsWithoutPostings: [] });
  });

  it('payment metrics move with real payments: each status change once, refunds in count and centavos, the 24 h success ratio', async () => {
    const admin = await ctx.createUser('admin');
    const scrape = async () => {
      const res = await ctx.app.inject({ url: '/metrics', headers: admin.auth });
      expect(res.statusCode).toBe(200);
      return res.body;
    };
    const applied = (text: string, status: string) => metricValue(text, 'barberpro_payments_applied_total', { status }) ?? 0;
    const start = await scrape();

    const paid = await heldBookingWithCheckout();
    const { paymentId } = sandbox.pay(paid.preferenceId, { cardholderName: 'APRO' });
    await waitFor(() => bookingStatus(paid.booking.id), (s) => s === 'confirmed');
    await sandbox.deliver(paymentId, { duplicates: 10, concurrent: true });
    await sandbox.idle();
    await notificationsDrained();
    const approved = await scrape();
    expect(applied(approved, 'approved') - applied(start, 'approved')).toBe(1);

    const rejected = await heldBookingWithCheckout();
    sandbox.pay(rejected.preferenceId, { cardholderName: 'OTHE' });
    await waitFor(() => bookingStatus(rejected.booking.id), (s) => s === 'expired');
    await sandbox.idle();
    await notificationsDrained();
    const afterRejection = await scrape();
    expect(applied(afterRejection, 'rejected') - applied(approved, 'rejected')).toBe(1);
    expect(applied(afterRejection, 'approved')).toBe(applied(approved, 'approved'));

    // The ratio is what the payments table says about the last 24 h.
    const statuses = (await ctx.database.db.selectFrom('payments').select('status').where('created_at', '>=', new Date(ctx.clock.now().getTime() - 86_400_000)).execute()).map((p) => p.status);
    const succeeded = statuses.filter((st) => ['approved', 'partially_refunded', 'refunded', 'charged_back', 'disputed'].includes(st)).length;
    const failed = statuses.filter((st) => st === 'rejected').length;
    expect(failed).toBeGreaterThan(0);
    expect(metricValue(afterRejection, 'barberpro_payment_success_ratio', { window: '24h' })).toBeCloseTo(succeeded / (succeeded + failed), 12);
    expect(metricValue(afterRejection, 'barberpro_payments', { status: 'rejected' })).toBe(failed);

    // A cancellation before the cut-off refunds the deposit: one refund, its centavos, one status change.
    const refundsBefore = metricValue(afterRejection, 'barberpro_refunds_total') ?? 0;
    const centavosBefore = metricValue(afterRejection, 'barberpro_refunded_centavos_total') ?? 0;
    const ledgerRefunds = async () =>
      (
        await sql<{ n: number; cents: number }>`
          select count(distinct e.id)::int as n, coalesce(sum(p.amount_cents) filter (where p.amount_cents > 0), 0)::bigint as cents
          from ledger_entries e join ledger_postings p on p.entry_id = e.id and p.line_type = 'refund'
          where e.kind = 'refund'`.execute(ctx.database.db)
      ).rows[0]!;
    const ledgerBefore = await ledgerRefunds();
    expect((await ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${paid.booking.id}/cancel`, headers: customer.auth, payload: {} })).statusCode).toBe(200);
    await ctx.app.services.payments.reconcile();
    await sandbox.idle();
    await notificationsDrained();
    await ctx.app.services.payments.reconcile();
    const refunded = await scrape();
    const ledgerAfter = await ledgerRefunds();
    // The counters agree with the ledger: every refund recorded since, exactly once.
    expect(ledgerAfter.n - ledgerBefore.n).toBe(1);
    expect(Number(ledgerAfter.cents) - Number(ledgerBefore.cents)).toBe(500_000);
    expect(metricValue(refunded, 'barberpro_refunds_total')).toBe(refundsBefore + 1);
    expect(metricValue(refunded, 'barberpro_refunded_centavos_total')).toBe(centavosBefore + 500_000);
    expect(applied(refunded, 'refunded') - applied(afterRejection, 'refunded')).toBe(1);
    expect(await paymentRow(paid.booking.id)).toMatchObject({ status: 'refunded', refunded_cents: 500_000 });
  });

  it('a notification that failed to process is caught up by reconciliation (nothing approved is lost)', async () => {
    const { booking, preferenceId } = await heldBookingWithCheckout();
    // MercadoPago answers the notification's follow-up fetch with errors: processing fails.
    sandbox.failNext(40, 503);
    sandbox.pay(preferenceId, { cardholderName: 'APRO' });
    await sandbox.idle();
    await new Promise((r) => setTimeout(r, 300));
    expect(await bookingStatus(booking.id)).toBe('pending');
    sandbox.failNext(0, 503);
    await waitFor(
      async () => {
        await ctx.app.services.payments.reconcile();
        return bookingStatus(booking.id);
      },
      (s) => s === 'confirmed',
      15_000,
    );
  });
});
