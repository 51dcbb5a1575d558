import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createShopFixture, type ShopFixture } from '../../../test/fixtures.js';
import { createTestContext, json, type TestContext, type TestUser } from '../../../test/helpers.js';
import type { CacheResult } from '../../platform/cache.js';

/**
 * Availability is computed from cached inputs (the shop's setup, and its bookings per day).
 * These tests pin what users rely on — a changed agenda shows at once — and what makes it
 * fast: a booking drops only its own day, so other days keep being served without a query.
 */

let ctx: TestContext;
let shop: ShopFixture;
let customer: TestUser;
const results: CacheResult[] = [];

beforeAll(async () => {
  ctx = await createTestContext({ now: '2026-12-01T12:00:00Z' }); // Tue 09:00 in Buenos Aires
  shop = await createShopFixture(ctx, {
    barbers: 1,
    weekdays: [0, 1, 2, 3, 4, 5, 6],
    open: 9 * 60,
    close: 12 * 60,
    lunch: null,
    slotStepMinutes: 30,
    minNoticeMinutes: 60,
    bookingHorizonDays: 30,
    holdMinutes: 10,
    services: [
      { key: 'cut', durationMinutes: 30, priceCents: 1_000_000 },
      { key: 'deposit', durationMinutes: 30, priceCents: 2_000_000, deposit: { kind: 'percent', value: 50 } },
    ],
  });
  customer = await ctx.createUser('customer');
  ctx.app.cacheObservers.push((cache, result) => cache === 'availability' && void results.push(result));
});
afterAll(async () => ctx.close());
beforeEach(() => void (results.length = 0));

async function slotsOn(day: string, service = 'cut'): Promise<string[]> {
  const res = await ctx.app.inject({ url: `/api/v1/shops/${shop.shopId}/availability?serviceId=${shop.services[service]!.id}&from=${day}&to=${day}` });
  expect(res.statusCode).toBe(200);
  return json(res).slots.map((s: { start: string }) => s.start.slice(11, 16));
}

async function book(start: string, service = 'cut') {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/bookings',
    headers: customer.auth,
    payload: { shopId: shop.shopId, serviceId: shop.services[service]!.id, barberId: shop.barberIds[0], start },
  });
  expect(res.statusCode).toBe(201);
  return json(res);
}

const ALL_DAY = ['09:00', '09:30', '10:00', '10:30', '11:00', '11:30'];

describe('availability from cached inputs', () => {
  it('a booking changes only its own day: other days stay cached, its day is stored afresh and shows the slot taken at once', async () => {
    expect(await slotsOn('2026-12-10')).toEqual(ALL_DAY);
    expect(await slotsOn('2026-12-20')).toEqual(ALL_DAY);
    expect(await slotsOn('2026-12-10')).toEqual(ALL_DAY);
    expect(results).toEqual(['miss', 'miss', 'hit']);

    await book('2026-12-10T10:00:00-03:00');
    results.length = 0;
    expect(await slotsOn('2026-12-20')).toEqual(ALL_DAY);
    expect(await slotsOn('2026-12-10')).toEqual(['09:00', '09:30', '10:30', '11:00', '11:30']);
    expect(await slotsOn('2026-12-10')).toEqual(['09:00', '09:30', '10:30', '11:00', '11:30']);
    // The booking stored its day afresh (write-through): no reader has to query for it.
    expect(results).toEqual(['hit', 'hit', 'hit']);
  });

  it('a cancellation gives the slot back and a reschedule moves it, both days at once', async () => {
    const booking = await book('2026-12-11T09:00:00-03:00');
    expect(await slotsOn('2026-12-11')).not.toContain('09:00');
    expect(await slotsOn('2026-12-21')).toContain('11:30');

    const moved = await ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${booking.id}/reschedule`, headers: customer.auth, payload: { start: '2026-12-21T11:30:00-03:00' } });
    expect(moved.statusCode).toBe(200);
    expect(await slotsOn('2026-12-11')).toContain('09:00');
    expect(await slotsOn('2026-12-21')).not.toContain('11:30');

    const cancelled = await ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${booking.id}/cancel`, headers: customer.auth, payload: {} });
    expect(cancelled.statusCode).toBe(200);
    expect(await slotsOn('2026-12-21')).toContain('11:30');
  });

  it('an unpaid hold blocks its slot until it runs out, with no sweep and no invalidation needed', async () => {
    const held = await book('2026-12-12T11:00:00-03:00', 'deposit');
    expect(held.status).toBe('pending');
    expect(await slotsOn('2026-12-12')).not.toContain('11:00');
    ctx.clock.advance(11 * 60_000);
    results.length = 0;
    expect(await slotsOn('2026-12-12')).toContain('11:00');
    expect(results).toEqual(['hit']);
  });

  it('a cached answer never outlives the clock: slots entering the minimum notice drop out', async () => {
    const today = ctx.clock.now().toISOString().slice(0, 10);
    const now = ctx.clock.now().getTime();
    const first = await slotsOn(today);
    expect(first.length).toBeGreaterThan(0);
    // Move to just past the moment the first slot enters the 60-minute notice.
    const firstStart = Date.parse(`${today}T${first[0]}:00-03:00`);
    ctx.clock.advance(firstStart - 60 * 60_000 - now + 1);
    results.length = 0;
    expect(await slotsOn(today)).toEqual(first.slice(1));
    expect(results).toEqual(['hit']); // recomputed from cached inputs, no query
  });

  it('a catalog change (time off) reaches every day of the shop', async () => {
    expect(await slotsOn('2026-12-13')).toEqual(ALL_DAY);
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/shops/${shop.shopId}/barbers/${shop.barberIds[0]}/time-off`,
      headers: shop.owner.auth,
      payload: { startsAt: '2026-12-13T09:00:00-03:00', endsAt: '2026-12-13T10:00:00-03:00', reason: 'Trámite' },
    });
    expect(res.statusCode).toBe(201);
    expect(await slotsOn('2026-12-13')).toEqual(['10:00', '10:30', '11:00', '11:30']);
  });

  it('a payment confirming a hold refreshes that day only: every other day stays cached', async () => {
    expect(await slotsOn('2026-12-26', 'deposit')).toEqual(ALL_DAY);
    expect(await slotsOn('2026-12-29', 'deposit')).toEqual(ALL_DAY);
    const hold = await book('2026-12-26T10:00:00-03:00', 'deposit');
    expect(hold.status).toBe('pending');
    const now = ctx.clock.now().toISOString();
    await ctx.app.services.payments.applyPayment(shop.shopId, {
      id: 7_700_001,
      status: 'approved',
      status_detail: 'accredited',
      external_reference: hold.id,
      transaction_amount: hold.deposit.amountCents / 100,
      transaction_amount_refunded: 0,
      currency_id: 'ARS',
      fee_details: [],
      refunds: [],
      date_created: now,
      date_approved: now,
      date_last_updated: now,
      payer: undefined,
      metadata: undefined,
      collector_id: undefined,
    });
    const row = await ctx.database.db.selectFrom('bookings').select('status').where('id', '=', hold.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('confirmed');
    results.length = 0;
    expect(await slotsOn('2026-12-29', 'deposit')).toEqual(ALL_DAY);
    expect(await slotsOn('2026-12-26', 'deposit')).toEqual(['09:00', '09:30', '10:30', '11:00', '11:30']);
    // Neither needed a query: the payment refreshed its booking's day (write-through), not the shop's whole agenda.
    expect(results).toEqual(['hit', 'hit']);
  });

  it('a change announced without its times (another module’s transaction) drops the whole agenda', async () => {
    expect(await slotsOn('2026-12-14')).toEqual(ALL_DAY);
    const booking = await book('2026-12-14T09:30:00-03:00');
    expect(await slotsOn('2026-12-14')).not.toContain('09:30');
    // As a payment's transaction would: change the booking, then announce it after commit.
    await ctx.database.db.updateTable('bookings').set({ status: 'cancelled' }).where('id', '=', booking.id).execute();
    await ctx.app.services.bookings.announce([{ shopId: shop.shopId, bookingId: booking.id, type: 'cancelled' }]);
    expect(await slotsOn('2026-12-14')).toContain('09:30');
  });

  it('a booking near midnight UTC is kept with the right day of the shop', async () => {
    // 20:30 in Buenos Aires is 23:30 UTC; 21:00 is the next UTC day. The shop closes at 12:00,
    // so open a late override to put slots there.
    const res = await ctx.app.inject({
      method: 'PUT',
      url: `/api/v1/shops/${shop.shopId}/barbers/${shop.barberIds[0]}/overrides`,
      headers: shop.owner.auth,
      payload: { date: '2026-12-15', ranges: [{ start: '20:00', end: '22:00' }], note: 'Noche' },
    });
    expect(res.statusCode).toBeLessThan(300);
    expect(await slotsOn('2026-12-15')).toEqual(['20:00', '20:30', '21:00', '21:30']);
    await book('2026-12-15T20:30:00-03:00');
    await book('2026-12-15T21:00:00-03:00');
    expect(await slotsOn('2026-12-15')).toEqual(['20:00', '21:30']);
    expect(await slotsOn('2026-12-16')).toEqual(ALL_DAY);
  });
});
