import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShopFixture, type ShopFixture } from '../../../test/fixtures.js';
import { createTestContext, expectProblem, json, type TestContext, type TestUser } from '../../../test/helpers.js';
import { agendaSchema, utilizationSchema } from './schemas.js';

let ctx: TestContext;
let shop: ShopFixture;
let other: ShopFixture;
let customer: TestUser;
const ids: Record<string, string> = {};

beforeAll(async () => {
  ctx = await createTestContext({ now: '2026-12-01T12:00:00Z' }); // Tue 09:00 in Buenos Aires
  shop = await createShopFixture(ctx, {
    barbers: 2,
    open: 9 * 60,
    close: 13 * 60,
    lunch: [11 * 60, 11 * 60 + 30],
    services: [
      { key: 'cut', name: 'Corte', durationMinutes: 60, priceCents: 1_500_050 },
      { key: 'deposit', name: 'Color', durationMinutes: 30, priceCents: 2_000_000, deposit: { kind: 'percent', value: 50 } },
    ],
  });
  other = await createShopFixture(ctx);
  customer = await ctx.createUser('customer', { fullName: 'Ana María Pérez' });
  const book = async (serviceId: string, start: string, barberId: string) => {
    const res = await ctx.app.inject({ method: 'POST', url: '/api/v1/bookings', headers: customer.auth, payload: { shopId: shop.shopId, serviceId, start, barberId } });
    expect(res.statusCode).toBe(201);
    return json(res).id as string;
  };
  ids.confirmed = await book(shop.services.cut!.id, '2026-12-02T09:00:00-03:00', shop.barberIds[0]!);
  ids.hold = await book(shop.services.deposit!.id, '2026-12-02T10:00:00-03:00', shop.barberIds[1]!);
  ids.cancelled = await book(shop.services.cut!.id, '2026-12-02T12:00:00-03:00', shop.barberIds[0]!);
  await ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${ids.cancelled}/cancel`, headers: customer.auth, payload: {} });
  const off = await ctx.app.inject({
    method: 'POST',
    url: `/api/v1/shops/${shop.shopId}/barbers/${shop.barberIds[1]}/time-off`,
    headers: shop.owner.auth,
    payload: { startsAt: '2026-12-02T12:00:00-03:00', endsAt: '2026-12-02T13:00:00-03:00', reason: 'Trámite' },
  });
  expect(off.statusCode).toBe(201);
});
afterAll(async () => ctx.close());

const agendaUrl = (q: string, shopId = shop.shopId) => `/api/v1/shops/${shopId}/agenda?${q}`;

describe('GET /api/v1/shops/{shopId}/agenda', () => {
  it('gives the owner bookings, live holds, working hours, breaks and time off in the shop’s offset', async () => {
    const res = await ctx.app.inject({ url: agendaUrl('from=2026-12-02&to=2026-12-02'), headers: shop.owner.auth });
    expect(res.statusCode).toBe(200);
    const body = json(res);
    expect(agendaSchema.strict().safeParse(body).success).toBe(true);
    expect(body.timezone).toBe('America/Argentina/Buenos_Aires');
    expect(body.barbers.map((b: { id: string }) => b.id).sort()).toEqual([...shop.barberIds].sort());
    expect(body.bookings.map((b: { id: string; status: string; start: string }) => [b.id, b.status, b.start])).toEqual([
      [ids.confirmed, 'confirmed', '2026-12-02T09:00:00-03:00'],
      [ids.hold, 'pending', '2026-12-02T10:00:00-03:00'],
    ]);
    const first = body.bookings[0];
    // The chair needs the first name only.
    expect(first).toMatchObject({ customerFirstName: 'Ana', serviceName: 'Corte', end: '2026-12-02T10:00:00-03:00', price: { amountCents: 1_500_050, currency: 'ARS' } });
    expect(JSON.stringify(body)).not.toContain('Pérez');
    expect(body.bookings[1].holdExpiresAt).toBe('2026-12-01T09:10:00-03:00');
    const day = body.days.find((d: { barberId: string }) => d.barberId === shop.barberIds[0]);
    expect(day).toEqual({
      date: '2026-12-02',
      barberId: shop.barberIds[0],
      working: [
        { start: '2026-12-02T09:00:00-03:00', end: '2026-12-02T11:00:00-03:00' },
        { start: '2026-12-02T11:30:00-03:00', end: '2026-12-02T13:00:00-03:00' },
      ],
      breaks: [{ start: '2026-12-02T11:00:00-03:00', end: '2026-12-02T11:30:00-03:00' }],
      override: false,
    });
    expect(body.timeOff).toEqual([{ id: expect.any(String), barberId: shop.barberIds[1], reason: 'Trámite', start: '2026-12-02T12:00:00-03:00', end: '2026-12-02T13:00:00-03:00' }]);
  });

  it('filters by barber, and lets a barber of the shop read it', async () => {
    const body = json(await ctx.app.inject({ url: agendaUrl(`from=2026-12-01&to=2026-12-07&barberId=${shop.barberIds[1]}`), headers: shop.barberUsers[0]!.auth }));
    expect(body.barbers).toHaveLength(1);
    expect(body.days).toHaveLength(7);
    expect(body.bookings.map((b: { id: string }) => b.id)).toEqual([ids.hold]);
  });

  it('drops a hold once its time ran out, before any sweeper expires it', async () => {
    ctx.clock.advance(11 * 60_000);
    try {
      const body = json(await ctx.app.inject({ url: agendaUrl('from=2026-12-02&to=2026-12-02'), headers: shop.owner.auth }));
      expect(body.bookings.map((b: { id: string }) => b.id)).toEqual([ids.confirmed]);
    } finally {
      ctx.clock.advance(-11 * 60_000);
    }
  });

  it('refuses bad ranges with a clear 400 and an unknown barber with 404', async () => {
    expectProblem(await ctx.app.inject({ url: agendaUrl('from=2026-12-03&to=2026-12-02'), headers: shop.owner.auth }), 400, 'validation_failed');
    expectProblem(await ctx.app.inject({ url: agendaUrl('from=2026-12-01&to=2027-02-01'), headers: shop.owner.auth }), 400, 'validation_failed');
    expectProblem(await ctx.app.inject({ url: agendaUrl('from=2026-12-01'), headers: shop.owner.auth }), 400);
    expectProblem(await ctx.app.inject({ url: agendaUrl('from=2026-12-01&to=2026-12-01&barberId=' + other.barberIds[0]), headers: shop.owner.auth }), 404);
  });

  it('refuses another shop’s owner, customers and strangers', async () => {
    expectProblem(await ctx.app.inject({ url: agendaUrl('from=2026-12-02&to=2026-12-02'), headers: other.owner.auth }), 403, 'forbidden');
    expectProblem(await ctx.app.inject({ url: agendaUrl('from=2026-12-02&to=2026-12-02'), headers: customer.auth }), 403, 'forbidden');
    expectProblem(await ctx.app.inject({ url: agendaUrl('from=2026-12-02&to=2026-12-02') }), 401);
  });
});

describe('GET /api/v1/shops/{shopId}/utilization', () => {
  const url = (q: string, shopId = shop.shopId) => `/api/v1/shops/${shopId}/utilization?${q}`;

  it('computes booked over available minutes from the real schedule and bookings, with the runbook band', async () => {
    const res = await ctx.app.inject({ url: url('from=2026-12-02&to=2026-12-02'), headers: shop.owner.auth });
    expect(res.statusCode).toBe(200);
    const body = json(res);
    expect(utilizationSchema.strict().safeParse(body).success).toBe(true);
    expect(body.band).toEqual({ low: 0.75, high: 0.85 });
    const b0 = body.barbers.find((b: { id: string }) => b.id === shop.barberIds[0]);
    const b1 = body.barbers.find((b: { id: string }) => b.id === shop.barberIds[1]);
    // 09–13 minus the 30-minute break = 210 minutes; barber 1 booked 09–10 (the cancelled one does not count).
    expect(b0).toMatchObject({ availableMinutes: 210, bookedMinutes: 60 });
    expect(b0.ratio).toBeCloseTo(60 / 210, 10);
    // Barber 2: one hour of time off leaves 150 minutes; the pending hold is not booked time.
    expect(b1).toMatchObject({ availableMinutes: 150, bookedMinutes: 0, ratio: 0 });
    expect(body.total).toMatchObject({ availableMinutes: 360, bookedMinutes: 60 });
    expect(body.days).toHaveLength(1);
    expect(body.days[0].barbers).toHaveLength(2);
  });

  it('gives a null ratio on a closed day (Sunday)', async () => {
    const body = json(await ctx.app.inject({ url: url('from=2026-12-06&to=2026-12-06'), headers: shop.owner.auth }));
    expect(body.total).toEqual({ availableMinutes: 0, bookedMinutes: 0, ratio: null });
  });

  it('is for the owner only: a barber of the shop, another owner and customers are refused', async () => {
    expectProblem(await ctx.app.inject({ url: url('from=2026-12-02&to=2026-12-02'), headers: shop.barberUsers[0]!.auth }), 403, 'forbidden');
    expectProblem(await ctx.app.inject({ url: url('from=2026-12-02&to=2026-12-02'), headers: other.owner.auth }), 403, 'forbidden');
    expectProblem(await ctx.app.inject({ url: url('from=2026-12-02&to=2026-12-02'), headers: customer.auth }), 403, 'forbidden');
    expectProblem(await ctx.app.inject({ url: url('from=2026-12-05&to=2026-12-02'), headers: shop.owner.auth }), 400, 'validation_failed');
  });
});

describe('GET /api/v1/shops/{shopId}/mercadopago', () => {
  it('tells the owner the shop is not linked yet, and refuses others', async () => {
    const res = await ctx.app.inject({ url: `/api/v1/shops/${shop.shopId}/mercadopago`, headers: shop.owner.auth });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toEqual({ configured: false, status: 'unlinked', linkedAt: null });
    expectProblem(await ctx.app.inject({ url: `/api/v1/shops/${shop.shopId}/mercadopago`, headers: other.owner.auth }), 403, 'forbidden');
  });

  it('shows a linked account once the shop has one', async () => {
    const { linkMercadoPagoSeller } = await import('../../../test/fixtures.js');
    await linkMercadoPagoSeller(ctx.database.db, other.shopId, { token: 'APP_USR-test', userId: 123 });
    const body = json(await ctx.app.inject({ url: `/api/v1/shops/${other.shopId}/mercadopago`, headers: other.owner.auth }));
    expect(body.status).toBe('linked');
    expect(typeof body.linkedAt).toBe('string');
  });
});
