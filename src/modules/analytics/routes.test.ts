import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShopFixture, type ShopFixture } from '../../../test/fixtures.js';
import { createTestContext, expectProblem, json, type TestContext, type TestUser } from '../../../test/helpers.js';
import { AnalyticsRepository, DAILY_PERFORMANCE_SUMMARY_SQL, REGIONAL_PERFORMANCE_SQL } from './repository.js';

const RUNBOOK = fileURLToPath(new URL('../../../../shared/seed/launch-readiness-infrastructure.md', import.meta.url));

let ctx: TestContext;
let admin: TestUser;
let rosario: ShopFixture;
let mendoza: ShopFixture;

beforeAll(async () => {
  // The BI queries use the database's CURRENT_DATE, so the booking clock is set to the real now.
  ctx = await createTestContext({ now: new Date().toISOString() });
  admin = await ctx.createUser('admin');
  rosario = await createShopFixture(ctx, {
    region: 'Litoral',
    weekdays: [0, 1, 2, 3, 4, 5, 6],
    open: 0,
    close: 24 * 60,
    lunch: null,
    services: [
      { key: 'cut', durationMinutes: 30, priceCents: 1_200_050 },
      { key: 'beard', durationMinutes: 30, priceCents: 800_000 },
    ],
  });
  mendoza = await createShopFixture(ctx, {
    region: 'Cuyo',
    city: 'Mendoza',
    weekdays: [0, 1, 2, 3, 4, 5, 6],
    open: 0,
    close: 24 * 60,
    lunch: null,
    services: [{ key: 'cut', durationMinutes: 30, priceCents: 2_000_000 }],
  });
});
afterAll(async () => ctx.close());

/** A slot comfortably in the future on the step grid (30 min), `hours` from now. */
function futureSlot(hours: number): string {
  const t = new Date(Date.now() + hours * 3_600_000);
  t.setUTCMinutes(t.getUTCMinutes() < 30 ? 30 : 60, 0, 0);
  return t.toISOString();
}

async function book(user: TestUser, shop: ShopFixture, service: string, hours: number) {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/bookings',
    headers: user.auth,
    payload: { shopId: shop.shopId, serviceId: shop.services[service]!.id, barberId: shop.barberIds[0], start: futureSlot(hours) },
  });
  expect(res.statusCode, res.body).toBe(201);
  return json(res);
}

describe('the runbook’s BI queries', () => {
  it.skipIf(!existsSync(RUNBOOK))('are the runbook’s statements, character for character', () => {
    const runbook = readFileSync(RUNBOOK, 'utf8');
    expect(runbook).toContain(DAILY_PERFORMANCE_SUMMARY_SQL);
    expect(runbook).toContain(REGIONAL_PERFORMANCE_SQL);
  });

  it('daily summary counts today’s bookings and sums live value in pesos', async () => {
    const customer = await ctx.createUser('customer');
    await book(customer, rosario, 'cut', 48); // 12.000,50
    const cancelled = await book(customer, rosario, 'beard', 50); // 8.000, cancelled below
    await book(customer, mendoza, 'cut', 49); // 20.000
    await ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${cancelled.id}/cancel`, headers: customer.auth, payload: {} });
    // A booking placed yesterday (Argentine day) is not today's.
    await sql`update bookings set created_at = (current_date - 1)::timestamp at time zone 'America/Argentina/Buenos_Aires' + interval '12 hours'
              where id = (select id from bookings where shop_id = ${mendoza.shopId} limit 1)`.execute(ctx.database.db);

    const res = await ctx.app.inject({ url: '/api/v1/admin/analytics/daily', headers: admin.auth });
    expect(res.statusCode).toBe(200);
    const body = json(res);
    expect(body.query).toBe(DAILY_PERFORMANCE_SUMMARY_SQL);
    const today = (await sql<{ d: string }>`select current_date::text as d`.execute(ctx.database.db)).rows[0]!.d;
    expect(body.rows).toHaveLength(1);
    expect(body.rows[0]).toMatchObject({ date: today, bookings: 2, totalRevenue: '12000.50' });
    // AVG ignores the cancelled booking's null value: only the live one counts.
    expect(Number(body.rows[0].avgValue)).toBeCloseTo(12000.5, 2);
  });

  it('regional analysis groups by region with ratings and measured response times over 7 days', async () => {
    const customer = await ctx.createUser('customer');
    const reviewed = await book(customer, mendoza, 'cut', 72);
    await book(customer, rosario, 'cut', 73);
    // Complete and review the Mendoza visit (closing out needs the appointment to have started).
    ctx.clock.set(new Date(new Date(reviewed.start).getTime() + 60 * 60_000));
    const done = await ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${reviewed.id}/complete`, headers: mendoza.owner.auth });
    expect(done.statusCode, done.body).toBe(200);
    const review = await ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${reviewed.id}/review`, headers: customer.auth, payload: { rating: 4 } });
    expect(review.statusCode).toBe(201);
    ctx.clock.set(new Date());
    // Older than the 7-day window: excluded.
    await sql`update bookings set created_at = now() - interval '9 days' where shop_id = ${rosario.shopId} and price_cents = 800000`.execute(ctx.database.db);

    const expected = await sql<{ region: string; n: number; avg_ms: string }>`
      select s.region, count(*)::int as n, avg(b.response_time_ms)::text as avg_ms
      from bookings b join shops s on s.id = b.shop_id
      where b.created_at >= now() - interval '7 days' group by s.region`.execute(ctx.database.db);

    const body = json(await ctx.app.inject({ url: '/api/v1/admin/analytics/regional', headers: admin.auth }));
    expect(body.query).toBe(REGIONAL_PERFORMANCE_SQL);
    const byRegion = Object.fromEntries(body.rows.map((r: { providerRegion: string }) => [r.providerRegion, r]));
    expect(Object.keys(byRegion).sort()).toEqual(['Cuyo', 'Litoral']);
    expect(byRegion.Cuyo.bookings).toBe(expected.rows.find((r) => r.region === 'Cuyo')!.n);
    expect(byRegion.Litoral.bookings).toBe(expected.rows.find((r) => r.region === 'Litoral')!.n);
    expect(Number(byRegion.Cuyo.avgRating)).toBe(4);
    expect(byRegion.Litoral.avgRating).toBeNull();
    for (const region of ['Cuyo', 'Litoral']) {
      const avg = Number(byRegion[region].avgResponseTimeMs);
      expect(avg).toBeGreaterThan(0);
      expect(avg).toBeCloseTo(Number(expected.rows.find((r) => r.region === region)!.avg_ms), 6);
    }
  });

  it('the rollups job keeps per-region daily figures that agree with the bookings', async () => {
    const today = (await sql<{ d: string }>`select current_date::text as d`.execute(ctx.database.db)).rows[0]!.d;
    const analytics = new AnalyticsRepository(ctx.database.db);
    await analytics.rollUpDay(today);
    await analytics.rollUpDay(today); // idempotent
    const res = json(await ctx.app.inject({ url: `/api/v1/admin/analytics/rollups?from=${today}&to=${today}`, headers: admin.auth }));
    const expected = await sql<{ region: string; n: number; revenue: number }>`
      select s.region, count(*)::int as n,
             coalesce(sum(b.price_cents) filter (where b.status not in ('cancelled', 'expired')), 0)::int as revenue
      from bookings b join shops s on s.id = b.shop_id
      where (b.created_at at time zone 'America/Argentina/Buenos_Aires')::date = ${today}::date
      group by s.region order by s.region`.execute(ctx.database.db);
    expect(res.rows.map((r: { region: string; bookingsCreated: number; revenue: { amountCents: number } }) => [r.region, r.bookingsCreated, r.revenue.amountCents])).toEqual(
      expected.rows.map((r) => [r.region, r.n, r.revenue]),
    );
    expect(res.rows.length).toBeGreaterThan(0);
    expectProblem(await ctx.app.inject({ url: `/api/v1/admin/analytics/rollups?from=${today}&to=2020-01-01`, headers: admin.auth }), 400);
  });

  it('is for admins only', async () => {
    for (const path of ['/api/v1/admin/analytics/daily', '/api/v1/admin/analytics/regional', '/api/v1/admin/analytics/rollups?from=2026-01-01&to=2026-01-02']) {
      expectProblem(await ctx.app.inject({ url: path }), 401);
      expectProblem(await ctx.app.inject({ url: path, headers: (await ctx.createUser('customer')).auth }), 403);
      expectProblem(await ctx.app.inject({ url: path, headers: rosario.owner.auth }), 403);
    }
  });
});
