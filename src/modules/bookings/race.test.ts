import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShopFixture, type ShopFixture } from '../../../test/fixtures.js';
import { createTestContext, expectProblem, json, type TestContext, type TestUser } from '../../../test/helpers.js';

/**
 * Double booking under races (Cal.com #5820, Easy!Appointments #31) must be impossible:
 * many customers firing at one slot at once get exactly one booking between them.
 */
let ctx: TestContext;
let shop: ShopFixture;
let customers: TestUser[];

beforeAll(async () => {
  ctx = await createTestContext({ now: '2026-12-01T12:00:00Z' });
  shop = await createShopFixture(ctx, { barbers: 2, services: [{ key: 'cut', durationMinutes: 30, priceCents: 1_000_000, bufferAfter: 10 }] });
  customers = await Promise.all(Array.from({ length: 50 }, () => ctx.createUser('customer')));
});
afterAll(async () => ctx.close());

function fire(body: Record<string, unknown>) {
  return Promise.all(customers.map((c) => ctx.app.inject({ method: 'POST', url: '/api/v1/bookings', headers: c.auth, payload: body })));
}

async function tableState() {
  const bookings = await ctx.database.db.selectFrom('bookings').select(['id', 'barber_id', 'status', 'customer_id']).execute();
  const events = await ctx.database.db.selectFrom('booking_events').select('booking_id').execute();
  return { bookings, events };
}

describe(`50 concurrent bookings of one slot (${process.env.DATABASE_URL ? 'real PostgreSQL' : 'PGlite'})`, () => {
  it('one barber: exactly one 201 and 49 × 409, and nothing else in the table', async () => {
    const responses = await fire({ shopId: shop.shopId, serviceId: shop.services.cut!.id, barberId: shop.barberIds[0], start: '2026-12-02T10:00:00-03:00' });
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    for (const r of responses.filter((r) => r.statusCode === 409)) {
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(json(r).code).toBe('slot_unavailable');
    }
    const winner = json(responses.find((r) => r.statusCode === 201)!);
    const { bookings, events } = await tableState();
    expect(bookings).toEqual([{ id: winner.id, barber_id: shop.barberIds[0], status: 'confirmed', customer_id: winner.customer.id }]);
    expect(events).toEqual([{ booking_id: winner.id }]);
  });

  it('any barber with two barbers: exactly two 201s, one per barber, and 48 × 409', async () => {
    const responses = await fire({ shopId: shop.shopId, serviceId: shop.services.cut!.id, start: '2026-12-03T10:00:00-03:00' });
    const created = responses.filter((r) => r.statusCode === 201).map((r) => json(r));
    expect(created).toHaveLength(2);
    expect(responses.filter((r) => r.statusCode === 409)).toHaveLength(48);
    expect(new Set(created.map((b) => b.barberId))).toEqual(new Set(shop.barberIds));
    const rows = await ctx.database.db
      .selectFrom('bookings')
      .select('barber_id')
      .where('starts_at', '=', new Date('2026-12-03T13:00:00Z'))
      .execute();
    expect(rows).toHaveLength(2);
  });

  it('overlapping-but-different starts also never double-book (buffers included)', async () => {
    // 10:00–10:30 plus a 10-minute buffer blocks until 10:40, so a 10:30 start conflicts.
    const starts = ['2026-12-04T10:00:00-03:00', '2026-12-04T10:30:00-03:00'];
    const responses = await Promise.all(
      customers.map((c, i) =>
        ctx.app.inject({
          method: 'POST',
          url: '/api/v1/bookings',
          headers: c.auth,
          payload: { shopId: shop.shopId, serviceId: shop.services.cut!.id, barberId: shop.barberIds[1], start: starts[i % 2] },
        }),
      ),
    );
    expect(responses.filter((r) => r.statusCode === 201)).toHaveLength(1);
    expect(responses.filter((r) => r.statusCode === 409)).toHaveLength(49);
  });

  it('the alternatives offered to the loser never overlap the booking that won, even before its cache refresh ran', async () => {
    const start = '2026-12-09T10:00:00-03:00';
    const serviceId = shop.services.cut!.id;
    // The day's agenda is cached; then a booking commits whose own refresh has not run yet
    // (written straight into the table, so nothing refreshes the cache at all).
    const before = await ctx.app.inject({ url: `/api/v1/shops/${shop.shopId}/availability?serviceId=${serviceId}&barberId=${shop.barberIds[0]}&from=2026-12-09&to=2026-12-09` });
    expect(json(before).slots.map((s: { start: string }) => s.start)).toContain(start);
    const won = { starts_at: new Date(start), ends_at: new Date('2026-12-09T13:30:00Z'), blocked_to: new Date('2026-12-09T13:40:00Z') };
    await ctx.database.db
      .insertInto('bookings')
      .values({ shop_id: shop.shopId, barber_id: shop.barberIds[0]!, service_id: serviceId, customer_id: customers[0]!.id, status: 'confirmed', ...won, blocked_from: won.starts_at, price_cents: 1_000_000 })
      .execute();

    const lost = await ctx.app.inject({ method: 'POST', url: '/api/v1/bookings', headers: customers[1]!.auth, payload: { shopId: shop.shopId, serviceId, barberId: shop.barberIds[0], start } });
    const problem = expectProblem(lost, 409, 'slot_unavailable');
    expect(problem.alternatives.length).toBeGreaterThan(0);
    for (const alternative of problem.alternatives as Array<{ start: string; end: string }>) {
      // Each alternative blocks its time plus the 10-minute buffer after it.
      const from = new Date(alternative.start).getTime();
      const to = new Date(alternative.end).getTime() + 10 * 60_000;
      expect(from < won.blocked_to.getTime() && to > won.starts_at.getTime(), `${alternative.start} overlaps the booking that won`).toBe(false);
    }
  });

  it('the exclusion constraint itself refuses an overlapping insert that skips the application', async () => {
    const [first] = await ctx.database.db.selectFrom('bookings').selectAll().where('barber_id', '=', shop.barberIds[0]!).execute();
    await expect(
      ctx.database.db
        .insertInto('bookings')
        .values({
          shop_id: first!.shop_id,
          barber_id: first!.barber_id,
          service_id: first!.service_id,
          customer_id: first!.customer_id,
          status: 'confirmed',
          starts_at: new Date(first!.starts_at.getTime() + 5 * 60_000),
          ends_at: new Date(first!.ends_at.getTime() + 5 * 60_000),
          blocked_from: new Date(first!.starts_at.getTime() + 5 * 60_000),
          blocked_to: new Date(first!.ends_at.getTime() + 5 * 60_000),
          price_cents: 1,
        })
        .execute(),
    ).rejects.toMatchObject({ code: '23P01' });
  });
});
