import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShopFixture, type ShopFixture } from '../../../test/fixtures.js';
import { createTestContext, expectProblem, json, type TestContext, type TestUser } from '../../../test/helpers.js';

// 2026-12-01 is a Tuesday; 12:00Z is 09:00 in Buenos Aires.
const NOW = '2026-12-01T12:00:00Z';

let ctx: TestContext;
let shop: ShopFixture;
let customer: TestUser;

beforeAll(async () => {
  ctx = await createTestContext({ now: NOW });
  shop = await createShopFixture(ctx, {
    barbers: 2,
    services: [
      { key: 'cut', durationMinutes: 30, priceCents: 1_200_000 },
      { key: 'beard', durationMinutes: 30, priceCents: 800_000, bufferAfter: 15 },
      { key: 'deposit', durationMinutes: 60, priceCents: 2_000_000, deposit: { kind: 'percent', value: 25 } },
    ],
  });
  customer = await ctx.createUser('customer', { fullName: 'Lucía Gómez' });
});
afterAll(async () => ctx.close());

function book(user: TestUser, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return ctx.app.inject({ method: 'POST', url: '/api/v1/bookings', headers: { ...user.auth, ...headers }, payload: body });
}

async function countBookings(): Promise<number> {
  const row = await ctx.database.db.selectFrom('bookings').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('POST /api/v1/bookings', () => {
  it('books a free slot and returns it in the shop’s timezone', async () => {
    const res = await book(customer, { shopId: shop.shopId, serviceId: shop.services.cut!.id, barberId: shop.barberIds[0], start: '2026-12-02T10:00:00-03:00' });
    expect(res.statusCode).toBe(201);
    const b = json(res);
    expect(b).toMatchObject({
      status: 'confirmed',
      barberId: shop.barberIds[0],
      start: '2026-12-02T10:00:00-03:00',
      end: '2026-12-02T10:30:00-03:00',
      price: { amountCents: 1_200_000, currency: 'ARS' },
      deposit: { amountCents: 0, currency: 'ARS' },
      customer: { id: customer.id, fullName: 'Lucía Gómez' },
    });
    // The slot is gone from availability for that barber.
    const avail = json(
      await ctx.app.inject({
        url: `/api/v1/shops/${shop.shopId}/availability?serviceId=${shop.services.cut!.id}&from=2026-12-02&to=2026-12-02&barberId=${shop.barberIds[0]}`,
      }),
    );
    expect(avail.slots.map((s: { start: string }) => s.start)).not.toContain('2026-12-02T10:00:00-03:00');
  });

  it('holds a slot as pending with a deposit and an expiry, then frees it when the hold runs out', async () => {
    const res = await book(customer, { shopId: shop.shopId, serviceId: shop.services.deposit!.id, barberId: shop.barberIds[1], start: '2026-12-03T15:00:00-03:00' });
    expect(res.statusCode).toBe(201);
    const b = json(res);
    expect(b.status).toBe('pending');
    expect(b.deposit.amountCents).toBe(500_000);
    expect(b.holdExpiresAt).toBe('2026-12-01T09:10:00-03:00');

    const other = await ctx.createUser('customer');
    const body = { shopId: shop.shopId, serviceId: shop.services.deposit!.id, barberId: shop.barberIds[1], start: '2026-12-03T15:00:00-03:00' };
    expectProblem(await book(other, body), 409, 'slot_unavailable');
    ctx.clock.advance(11 * 60_000);
    const retaken = await book(other, body);
    expect(retaken.statusCode).toBe(201);
    const first = json(await ctx.app.inject({ url: `/api/v1/bookings/${b.id}`, headers: customer.auth }));
    expect(first.status).toBe('expired');
    ctx.clock.set(NOW);
  });

  it('assigns "any barber" to a free one and spreads the day’s load', async () => {
    const start = '2026-12-04T11:00:00-03:00';
    const a = json(await book(customer, { shopId: shop.shopId, serviceId: shop.services.cut!.id, start }));
    const b = json(await book(await ctx.createUser('customer'), { shopId: shop.shopId, serviceId: shop.services.cut!.id, start }));
    expect(new Set([a.barberId, b.barberId])).toEqual(new Set(shop.barberIds));
    const third = await book(await ctx.createUser('customer'), { shopId: shop.shopId, serviceId: shop.services.cut!.id, start });
    const problem = expectProblem(third, 409, 'slot_unavailable');
    expect(problem.alternatives.length).toBeGreaterThan(0);
    expect(problem.alternatives.length).toBeLessThanOrEqual(5);
  });

  it('respects buffers: a 15-minute clean-up after a beard trim blocks the next slot', async () => {
    const barberId = shop.barberIds[0];
    expect((await book(customer, { shopId: shop.shopId, serviceId: shop.services.beard!.id, barberId, start: '2026-12-07T10:00:00-03:00' })).statusCode).toBe(201);
    // 10:30 would start inside the 10:30–10:45 buffer.
    expectProblem(await book(customer, { shopId: shop.shopId, serviceId: shop.services.cut!.id, barberId, start: '2026-12-07T10:30:00-03:00' }), 409);
    expect((await book(customer, { shopId: shop.shopId, serviceId: shop.services.cut!.id, barberId, start: '2026-12-07T11:00:00-03:00' })).statusCode).toBe(201);
  });

  it('refuses times outside working hours, in breaks, off the step grid or in the past', async () => {
    const base = { shopId: shop.shopId, serviceId: shop.services.cut!.id, barberId: shop.barberIds[0] };
    expectProblem(await book(customer, { ...base, start: '2026-12-02T07:00:00-03:00' }), 409, 'slot_unavailable');
    expectProblem(await book(customer, { ...base, start: '2026-12-02T13:00:00-03:00' }), 409, 'slot_unavailable');
    expectProblem(await book(customer, { ...base, start: '2026-12-02T10:10:00-03:00' }), 409, 'slot_unavailable');
    expectProblem(await book(customer, { ...base, start: '2026-12-06T10:00:00-03:00' }), 409, 'slot_unavailable'); // Sunday
    expectProblem(await book(customer, { ...base, start: '2026-11-30T10:00:00-03:00' }), 422, 'start_in_past');
  });

  it('gives clear 4xx for bad input and writes nothing', async () => {
    const before = await countBookings();
    expectProblem(await book(customer, { shopId: shop.shopId, serviceId: shop.services.cut!.id, start: '2026-12-02 10:00' }), 400, 'validation_failed');
    expectProblem(await book(customer, { shopId: shop.shopId, serviceId: shop.services.cut!.id, start: '2026-12-02T10:00:00' }), 400);
    expectProblem(await book(customer, { shopId: 'nope', serviceId: shop.services.cut!.id, start: '2026-12-02T10:00:00-03:00' }), 400);
    expectProblem(await book(customer, { shopId: shop.shopId, serviceId: shop.services.cut!.id, start: '2026-12-02T10:00:00-03:00', price: 1 }), 400);
    expectProblem(await book(customer, { shopId: shop.shopId, serviceId: '00000000-0000-4000-8000-000000000000', start: '2026-12-02T10:00:00-03:00' }), 404);
    const malformed = await ctx.app.inject({ method: 'POST', url: '/api/v1/bookings', headers: { ...customer.auth, 'content-type': 'application/json' }, payload: '{"shopId":' });
    expectProblem(malformed, 400, 'malformed_json');
    expect(await countBookings()).toBe(before);
  });

  it('replays the first answer for a repeated Idempotency-Key and refuses the key with another body', async () => {
    const body = { shopId: shop.shopId, serviceId: shop.services.cut!.id, barberId: shop.barberIds[1], start: '2026-12-02T16:00:00-03:00' };
    const first = await book(customer, body, { 'idempotency-key': 'k-123' });
    const again = await book(customer, body, { 'idempotency-key': 'k-123' });
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(json(again).id).toBe(json(first).id);
    const count = await ctx.database.db.selectFrom('bookings').select((eb) => eb.fn.countAll<number>().as('n')).where('starts_at', '=', new Date('2026-12-02T19:00:00Z')).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
    expectProblem(await book(customer, { ...body, start: '2026-12-02T16:30:00-03:00' }, { 'idempotency-key': 'k-123' }), 422, 'idempotency_key_reused');
  });

  it('a retry still gets the first answer after the booked time has passed', async () => {
    const body = { shopId: shop.shopId, serviceId: shop.services.cut!.id, barberId: shop.barberIds[1], start: '2026-12-02T17:00:00-03:00' };
    const first = await book(customer, body, { 'idempotency-key': 'k-late-retry' });
    expect(first.statusCode).toBe(201);
    const moved = ctx.clock.now();
    try {
      ctx.clock.set(new Date('2026-12-02T21:00:00Z'));
      // Without the key the same request is refused: that time is gone.
      expectProblem(await book(customer, body), 422, 'start_in_past');
      const again = await book(customer, body, { 'idempotency-key': 'k-late-retry' });
      expect(again.statusCode).toBe(201);
      expect(json(again)).toEqual(json(first));
      // The key still belongs to that one request.
      expectProblem(await book(customer, { ...body, note: 'otra' }, { 'idempotency-key': 'k-late-retry' }), 422, 'idempotency_key_reused');
    } finally {
      ctx.clock.set(moved);
    }
  });

  it('concurrent retries with one Idempotency-Key create one booking', async () => {
    const body = { shopId: shop.shopId, serviceId: shop.services.cut!.id, barberId: shop.barberIds[1], start: '2026-12-09T16:00:00-03:00' };
    const results = await Promise.all(Array.from({ length: 20 }, () => book(customer, body, { 'idempotency-key': 'same-key-concurrent' })));
    expect(results.map((r) => r.statusCode)).toEqual(Array(20).fill(201));
    expect(new Set(results.map((r) => json(r).id)).size).toBe(1);
  });

  it('records the measured server time of the request for analytics', async () => {
    const res = json(await book(customer, { shopId: shop.shopId, serviceId: shop.services.cut!.id, barberId: shop.barberIds[0], start: '2026-12-10T10:00:00-03:00' }));
    const row = await ctx.database.db.selectFrom('bookings').select('response_time_ms').where('id', '=', res.id).executeTakeFirstOrThrow();
    expect(row.response_time_ms).not.toBeNull();
    expect(row.response_time_ms).toBeGreaterThanOrEqual(0);
  });
});

describe('lifecycle', () => {
  async function newBooking(start: string, barber = 0, service: 'cut' | 'deposit' = 'cut') {
    const res = await book(customer, { shopId: shop.shopId, serviceId: shop.services[service]!.id, barberId: shop.barberIds[barber], start });
    expect(res.statusCode).toBe(201);
    return json(res);
  }

  it('customer cancels free of charge before the cut-off and the slot is offered again', async () => {
    const b = await newBooking('2026-12-15T10:00:00-03:00');
    const res = await ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${b.id}/cancel`, headers: customer.auth, payload: { reason: 'Viajo' } });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ status: 'cancelled', cancellation: { byCustomer: true, late: false, reason: 'Viajo' } });
    expect((await newBooking('2026-12-15T10:00:00-03:00')).status).toBe('confirmed');
  });

  it('a cancellation inside the cut-off is allowed but flagged late; twice is refused', async () => {
    const b = await newBooking('2026-12-01T15:00:00-03:00', 1);
    const res = await ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${b.id}/cancel`, headers: customer.auth, payload: {} });
    expect(json(res).cancellation.late).toBe(true);
    expectProblem(await ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${b.id}/cancel`, headers: customer.auth, payload: {} }), 409, 'booking_not_cancellable');
  });

  it('reschedules atomically: the new slot is taken and the old one freed together', async () => {
    const b = await newBooking('2026-12-16T10:00:00-03:00');
    const res = await ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${b.id}/reschedule`, headers: customer.auth, payload: { start: '2026-12-16T11:00:00-03:00' } });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ id: b.id, start: '2026-12-16T11:00:00-03:00', barberId: shop.barberIds[0], rescheduleCount: 1 });
    expect((await newBooking('2026-12-16T10:00:00-03:00')).status).toBe('confirmed');
  });

  it('a reschedule onto a taken slot changes nothing and offers alternatives', async () => {
    const a = await newBooking('2026-12-17T10:00:00-03:00');
    await newBooking('2026-12-17T12:00:00-03:00');
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/bookings/${a.id}/reschedule`,
      headers: customer.auth,
      payload: { start: '2026-12-17T12:00:00-03:00', barberId: shop.barberIds[0] },
    });
    const problem = expectProblem(res, 409, 'slot_unavailable');
    expect(problem.alternatives.length).toBeGreaterThan(0);
    const after = json(await ctx.app.inject({ url: `/api/v1/bookings/${a.id}`, headers: customer.auth }));
    expect(after.start).toBe('2026-12-17T10:00:00-03:00');
    expect(after.rescheduleCount).toBe(0);
  });

  it('a customer cannot reschedule inside the cut-off, the shop can', async () => {
    const b = await newBooking('2026-12-01T16:00:00-03:00');
    expectProblem(
      await ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${b.id}/reschedule`, headers: customer.auth, payload: { start: '2026-12-01T17:00:00-03:00' } }),
      409,
      'reschedule_window_closed',
    );
    const byShop = await ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${b.id}/reschedule`, headers: shop.owner.auth, payload: { start: '2026-12-01T17:00:00-03:00' } });
    expect(byShop.statusCode).toBe(200);
  });

  it('the shop confirms a pending booking, completes it after it starts, and the customer reviews once', async () => {
    const b = await newBooking('2026-12-18T10:00:00-03:00', 1, 'deposit');
    const barber = shop.barberUsers[1]!;
    expect(json(await ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${b.id}/confirm`, headers: barber.auth })).status).toBe('confirmed');
    expectProblem(await ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${b.id}/complete`, headers: barber.auth }), 409, 'booking_not_started');
    expectProblem(await ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${b.id}/review`, headers: customer.auth, payload: { rating: 5 } }), 409, 'booking_not_completed');
    ctx.clock.set('2026-12-18T13:30:00Z');
    expect(json(await ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${b.id}/complete`, headers: barber.auth })).status).toBe('completed');
    const review = await ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${b.id}/review`, headers: customer.auth, payload: { rating: 4, comment: 'Muy bien' } });
    expect(review.statusCode).toBe(201);
    expect(json(review)).toMatchObject({ rating: 4, customerName: 'Lucía G.' });
    expectProblem(await ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${b.id}/review`, headers: customer.auth, payload: { rating: 1 } }), 409, 'already_reviewed');
    const shopDetail = json(await ctx.app.inject({ url: `/api/v1/shops/${shop.shopId}` }));
    expect(shopDetail.rating).toEqual({ average: 4, count: 1 });
    const reviews = json(await ctx.app.inject({ url: `/api/v1/shops/${shop.shopId}/reviews` }));
    expect(reviews.items).toHaveLength(1);
    ctx.clock.set(NOW);
  });

  it('no-show is recorded only after the start', async () => {
    const b = await newBooking('2026-12-01T11:00:00-03:00', 0);
    expectProblem(await ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${b.id}/no-show`, headers: shop.owner.auth }), 409);
    ctx.clock.set('2026-12-01T14:10:00Z');
    expect(json(await ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${b.id}/no-show`, headers: shop.owner.auth })).status).toBe('no_show');
    ctx.clock.set(NOW);
  });
});

describe('who sees and acts on which booking', () => {
  it('a customer sees only their own bookings; a provider only their shop’s; an admin all', async () => {
    const other = await ctx.createUser('customer');
    const mine = json(await book(customer, { shopId: shop.shopId, serviceId: shop.services.cut!.id, barberId: shop.barberIds[0], start: '2026-12-21T10:00:00-03:00' }));
    expectProblem(await ctx.app.inject({ url: `/api/v1/bookings/${mine.id}`, headers: other.auth }), 404);
    const list = json(await ctx.app.inject({ url: '/api/v1/bookings', headers: other.auth }));
    expect(list.items).toEqual([]);

    const otherShop = await createShopFixture(ctx);
    expectProblem(await ctx.app.inject({ url: `/api/v1/bookings/${mine.id}`, headers: otherShop.owner.auth }), 404);
    const otherShopList = json(await ctx.app.inject({ url: '/api/v1/bookings', headers: otherShop.owner.auth }));
    expect(otherShopList.items).toEqual([]);
    expectProblem(await ctx.app.inject({ url: `/api/v1/bookings?shopId=${shop.shopId}`, headers: otherShop.owner.auth }), 403);
    expectProblem(await ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${mine.id}/cancel`, headers: otherShop.owner.auth, payload: {} }), 404);
    expectProblem(await ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${mine.id}/cancel`, headers: other.auth, payload: {} }), 404);

    const ownList = json(await ctx.app.inject({ url: `/api/v1/bookings?shopId=${shop.shopId}&from=2026-12-21&to=2026-12-21`, headers: shop.owner.auth }));
    expect(ownList.items.map((b: { id: string }) => b.id)).toContain(mine.id);
    const admin = await ctx.createUser('admin');
    expect(json(await ctx.app.inject({ url: `/api/v1/bookings/${mine.id}`, headers: admin.auth })).id).toBe(mine.id);
  });

  it('customers cannot mark bookings completed or confirm them; providers and admins cannot book as customers', async () => {
    const b = json(await book(customer, { shopId: shop.shopId, serviceId: shop.services.cut!.id, barberId: shop.barberIds[1], start: '2026-12-22T10:00:00-03:00' }));
    for (const action of ['confirm', 'complete', 'no-show'])
      expectProblem(await ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${b.id}/${action}`, headers: customer.auth }), 403);
    expectProblem(await book(shop.owner, { shopId: shop.shopId, serviceId: shop.services.cut!.id, start: '2026-12-22T11:00:00-03:00' }), 403);
    expectProblem(await ctx.app.inject({ method: 'POST', url: '/api/v1/bookings', payload: {} }), 401);
  });
});
