import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShopFixture, type ShopFixture } from '../../../test/fixtures.js';
import { createTestContext, expectProblem, json, type TestContext } from '../../../test/helpers.js';
import { availabilitySchema } from './schemas.js';

let ctx: TestContext;
let shop: ShopFixture;

beforeAll(async () => {
  ctx = await createTestContext({ now: '2026-12-01T12:00:00Z' }); // Tue 09:00 in Buenos Aires
  shop = await createShopFixture(ctx, {
    barbers: 2,
    open: 9 * 60,
    close: 12 * 60,
    lunch: [10 * 60, 10 * 60 + 30],
    slotStepMinutes: 30,
    minNoticeMinutes: 60,
    bookingHorizonDays: 10,
    services: [{ key: 'cut', durationMinutes: 30, priceCents: 1_000_000 }],
  });
});
afterAll(async () => ctx.close());

const url = (q: string) => `/api/v1/shops/${shop.shopId}/availability?serviceId=${shop.services.cut!.id}&${q}`;

describe('GET /api/v1/shops/{shopId}/availability', () => {
  it('lists one barber’s free slots with offsets, skipping the break and minimum notice', async () => {
    const res = await ctx.app.inject({ url: url(`from=2026-12-01&to=2026-12-02&barberId=${shop.barberIds[0]}`) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = json(res);
    // Bodies are served pre-serialized from the cache: hold them to the documented schema.
    expect(availabilitySchema.strict().safeParse(body).success).toBe(true);
    expect(body.timezone).toBe('America/Argentina/Buenos_Aires');
    expect(body.slots.map((s: { start: string }) => s.start)).toEqual([
      // today: now is 09:00 and notice is 60 min, the break is 10:00–10:30
      '2026-12-01T10:30:00-03:00',
      '2026-12-01T11:00:00-03:00',
      '2026-12-01T11:30:00-03:00',
      '2026-12-02T09:00:00-03:00',
      '2026-12-02T09:30:00-03:00',
      '2026-12-02T10:30:00-03:00',
      '2026-12-02T11:00:00-03:00',
      '2026-12-02T11:30:00-03:00',
    ]);
    expect(body.slots[0]).toMatchObject({ end: '2026-12-01T11:00:00-03:00', barberId: shop.barberIds[0], availableBarberIds: [shop.barberIds[0]] });
  });

  it('"any barber" gives one entry per time with every free barber listed', async () => {
    const body = json(await ctx.app.inject({ url: url('from=2026-12-02&to=2026-12-02') }));
    expect(body.barberId).toBeNull();
    expect(body.slots).toHaveLength(5);
    for (const slot of body.slots) expect(new Set(slot.availableBarberIds)).toEqual(new Set(shop.barberIds));
  });

  it('honours date overrides, time off and the booking horizon', async () => {
    const [b0] = shop.barberIds;
    await ctx.app.inject({
      method: 'PUT',
      url: `/api/v1/shops/${shop.shopId}/barbers/${b0}/overrides`,
      headers: shop.owner.auth,
      payload: { date: '2026-12-03', ranges: [{ start: '15:00', end: '16:00' }], note: 'Turno tarde' },
    });
    await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/shops/${shop.shopId}/barbers/${b0}/time-off`,
      headers: shop.owner.auth,
      payload: { startsAt: '2026-12-04T09:00:00-03:00', endsAt: '2026-12-04T11:00:00-03:00', reason: 'Trámite' },
    });
    const dec3 = json(await ctx.app.inject({ url: url(`from=2026-12-03&to=2026-12-04&barberId=${b0}`) }));
    expect(dec3.slots.map((s: { start: string }) => s.start)).toEqual([
      '2026-12-03T15:00:00-03:00',
      '2026-12-03T15:30:00-03:00',
      '2026-12-04T11:00:00-03:00',
      '2026-12-04T11:30:00-03:00',
    ]);
    // Horizon of 10 days: bookable through 2026-12-11.
    const far = json(await ctx.app.inject({ url: url(`from=2026-12-11&to=2026-12-14&barberId=${b0}`) }));
    expect(new Set(far.slots.map((s: { start: string }) => s.start.slice(0, 10)))).toEqual(new Set(['2026-12-11']));
  });

  it('a booking removes its slot at once (no stale slot after commit)', async () => {
    const customer = await ctx.createUser('customer');
    const before = json(await ctx.app.inject({ url: url(`from=2026-12-09&to=2026-12-09&barberId=${shop.barberIds[1]}`) }));
    expect(before.slots.map((s: { start: string }) => s.start)).toContain('2026-12-09T09:00:00-03:00');
    const booked = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/bookings',
      headers: customer.auth,
      payload: { shopId: shop.shopId, serviceId: shop.services.cut!.id, barberId: shop.barberIds[1], start: '2026-12-09T09:00:00-03:00' },
    });
    expect(booked.statusCode).toBe(201);
    const after = json(await ctx.app.inject({ url: url(`from=2026-12-09&to=2026-12-09&barberId=${shop.barberIds[1]}`) }));
    expect(after.slots.map((s: { start: string }) => s.start)).not.toContain('2026-12-09T09:00:00-03:00');
    expect(after.slots).toHaveLength(before.slots.length - 1);
  });

  it('refuses bad ranges and unknown ids with problem+json', async () => {
    expectProblem(await ctx.app.inject({ url: url('from=2026-12-05&to=2026-12-01') }), 400, 'validation_failed');
    expectProblem(await ctx.app.inject({ url: url('from=2026-12-01&to=2027-03-01') }), 400, 'validation_failed');
    expectProblem(await ctx.app.inject({ url: url('from=2026-13-01&to=2026-12-01') }), 400);
    expectProblem(await ctx.app.inject({ url: url('from=2026-12-01&to=2026-12-02&extra=1') }), 400);
    expectProblem(await ctx.app.inject({ url: `/api/v1/shops/${shop.shopId}/availability?from=2026-12-01&to=2026-12-02` }), 400);
    expectProblem(await ctx.app.inject({ url: url('from=2026-12-01&to=2026-12-02&barberId=00000000-0000-4000-8000-000000000000') }), 404);
    expectProblem(
      await ctx.app.inject({ url: `/api/v1/shops/00000000-0000-4000-8000-000000000000/availability?serviceId=${shop.services.cut!.id}&from=2026-12-01&to=2026-12-02` }),
      404,
    );
  });

  it('computes slots in a DST timezone', async () => {
    // America/Santiago moves clocks forward on 2026-09-06 at 00:00 (to -03) and back on 2026-04-05 (to -04).
    const chile = await createShopFixture(ctx, {
      timezone: 'America/Santiago',
      barbers: 1,
      weekdays: [0, 1, 2, 3, 4, 5, 6],
      open: 9 * 60,
      close: 10 * 60,
      lunch: null,
      bookingHorizonDays: 365,
      slotStepMinutes: 30,
      services: [{ key: 'cut', durationMinutes: 30, priceCents: 900_000 }],
    });
    ctx.clock.set('2026-08-01T12:00:00Z');
    const body = json(await ctx.app.inject({ url: `/api/v1/shops/${chile.shopId}/availability?serviceId=${chile.services.cut!.id}&from=2026-09-05&to=2026-09-07` }));
    expect(body.slots.map((s: { start: string }) => s.start)).toEqual([
      '2026-09-05T09:00:00-04:00',
      '2026-09-05T09:30:00-04:00',
      '2026-09-06T09:00:00-03:00',
      '2026-09-06T09:30:00-03:00',
      '2026-09-07T09:00:00-03:00',
      '2026-09-07T09:30:00-03:00',
    ]);
    ctx.clock.set('2026-12-01T12:00:00Z');
  });
});
