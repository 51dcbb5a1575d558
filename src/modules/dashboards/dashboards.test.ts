import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShopFixture, type ShopFixture } from '../../../test/fixtures.js';
import { TEST_PASSWORD, createTestContext, expectProblem, json, type TestContext, type TestUser } from '../../../test/helpers.js';
import { addDays } from '../availability/slot-engine.js';

let ctx: TestContext;
let admin: TestUser;
let shop: ShopFixture;
let today: string;

const TARGET = 5_000_000; // $ 50.000 a day

beforeAll(async () => {
  // The BI statements use the database's CURRENT_DATE, so the app clock is the real now.
  ctx = await createTestContext({ now: new Date().toISOString(), env: { REVENUE_TARGET_DAILY_CENTAVOS: String(TARGET), LOGIN_LOCKOUT_ACCOUNT_FAILURES: '3' } });
  admin = await ctx.createUser('admin');
  // One barber working 09–18 with a 13–14 break, every day: 480 scheduled minutes a day.
  shop = await createShopFixture(ctx, { region: 'Cuyo', city: 'Mendoza', barbers: 1, weekdays: [0, 1, 2, 3, 4, 5, 6] });
  today = (await sql<{ d: string }>`select current_date::text as d`.execute(ctx.database.db)).rows[0]!.d;
});
afterAll(async () => ctx.close());

const get = (path: string, user: TestUser = admin) => ctx.app.inject({ url: path, headers: user.auth });

async function login(email: string, password: string) {
  return ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
}

describe('dashboards on a fresh install', () => {
  it('say there is nothing yet instead of inventing figures', async () => {
    const exec = json(await get('/api/v1/admin/dashboards/executive?days=7'));
    expect(exec.window).toMatchObject({ to: today, from: addDays(today, -6), days: 7 });
    expect(exec.dailyActiveUsers.days).toHaveLength(7);
    expect(exec.dailyActiveUsers.distinctUsers).toBe(0);
    expect(exec.revenue.totalCents).toBe(0);
    expect(exec.revenue.targetDailyCents).toBe(TARGET);
    expect(exec.satisfaction).toMatchObject({ reviews: 0, average: null, target: 4.5 });
    const ops = json(await get('/api/v1/admin/dashboards/operational?days=7'));
    expect(ops.payments).toMatchObject({ succeeded: 0, failed: 0, successRate: null });
    const bi = json(await get('/api/v1/admin/dashboards/business?days=30'));
    expect(bi.dailySummary.rows).toEqual([]);
    expect(bi.regional.rows).toEqual([]);
  });
});

describe('dashboards with activity', () => {
  it('executive: active users from sessions, revenue collected vs. the configured target, satisfaction from reviews', async () => {
    const customer = await ctx.createUser('customer');
    const other = await ctx.createUser('customer');
    for (const u of [customer, customer, other]) expect((await login(u.email, TEST_PASSWORD)).statusCode).toBe(200);

    // Two collected payments today (one partly refunded), one rejected: revenue is what stayed collected.
    const booking = json(
      await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/bookings',
        headers: customer.auth,
        payload: { shopId: shop.shopId, serviceId: shop.services.cut!.id, start: `${addDays(today, 1)}T15:00:00-03:00` },
      }),
    );
    await ctx.database.db
      .insertInto('payments')
      .values([
        { booking_id: booking.id, shop_id: shop.shopId, status: 'approved', amount_cents: 1_000_000, approved_at: new Date() },
        { booking_id: booking.id, shop_id: shop.shopId, status: 'partially_refunded', amount_cents: 400_000, refunded_cents: 100_000, approved_at: new Date() },
        { booking_id: booking.id, shop_id: shop.shopId, status: 'rejected', amount_cents: 700_000 },
      ])
      .execute();
    await ctx.database.db
      .insertInto('reviews')
      .values({ booking_id: booking.id, shop_id: shop.shopId, barber_id: shop.barberIds[0]!, customer_id: customer.id, rating: 4 })
      .execute();

    const exec = json(await get('/api/v1/admin/dashboards/executive?days=7'));
    expect(exec.dailyActiveUsers.days.at(-1)).toEqual({ day: today, users: 2 });
    expect(exec.dailyActiveUsers.distinctUsers).toBe(2);
    expect(exec.revenue.days.at(-1)).toEqual({ day: today, collectedCents: 1_300_000, payments: 2 });
    expect(exec.revenue.totalCents).toBe(1_300_000);
    expect(exec.satisfaction.distribution).toEqual([1, 2, 3, 4, 5].map((rating) => ({ rating, reviews: rating === 4 ? 1 : 0 })));
    expect(exec.satisfaction.average).toBe(4);
    expect(exec.satisfaction.days.at(-1)).toEqual({ day: today, reviews: 1, average: 4 });
    // This app has answered every request above: the figures are measured, not empty.
    expect(exec.performance.scope).toBe('process');
    expect(exec.performance.requests).toBeGreaterThan(5);
    expect(exec.performance.p95Ms).toBeGreaterThan(0);
    expect(exec.performance.targets).toEqual({ p95Ms: 200, serverErrorRate: 0.001 });
  });

  it('operational: utilization from the schedule the customers book against, payment success, latency by region', async () => {
    // Tomorrow: 2 h of time off; the day after: closed by an override.
    const tomorrow = addDays(today, 1);
    await ctx.database.db
      .insertInto('barber_time_off')
      .values({ barber_id: shop.barberIds[0]!, starts_at: new Date(`${tomorrow}T09:00:00-03:00`), ends_at: new Date(`${tomorrow}T11:00:00-03:00`) })
      .execute();
    await ctx.database.db.insertInto('barber_date_overrides').values({ barber_id: shop.barberIds[0]!, on_date: addDays(today, 2), start_minute: null, end_minute: null }).execute();

    const ops = json(await get('/api/v1/admin/dashboards/operational?days=7'));
    const mine = ops.utilization.shops.find((s: { shopId: string }) => s.shopId === shop.shopId);
    expect(mine.past).toEqual({ scheduledMinutes: 7 * 480, bookedMinutes: 0, ratio: 0 });
    // The 30-minute booking tomorrow at 15:00 is confirmed (no deposit): it occupies the agenda.
    expect(mine.upcoming.scheduledMinutes).toBe(7 * 480 - 120 - 480);
    expect(mine.upcoming.bookedMinutes).toBe(30);
    expect(mine.upcoming.ratio).toBeCloseTo(30 / (7 * 480 - 600), 12);
    expect(ops.utilization.band).toEqual({ low: 0.75, high: 0.85 });

    expect(ops.payments).toMatchObject({ succeeded: 2, failed: 1 });
    expect(ops.payments.successRate).toBeCloseTo(2 / 3, 12);
    expect(ops.payments.days.at(-1)).toEqual({ day: today, succeeded: 2, failed: 1, open: 0 });

    // The booking request concerned a Cuyo shop: it is timed under that region.
    const cuyo = ops.metrics.regions.find((r: { region: string }) => r.region === 'cuyo');
    expect(cuyo.requests).toBeGreaterThanOrEqual(1);
    expect(cuyo.p95Ms).toBeGreaterThan(0);
    expect(ops.metrics.statusClasses.find((c: { statusClass: string }) => c.statusClass === '2xx').count).toBeGreaterThan(0);
  });

  it('business intelligence: the runbook’s statements over 7 or 30 days, agreeing with the bookings', async () => {
    await sql`update bookings set created_at = now() - interval '12 days'`.execute(ctx.database.db);
    const customer = await ctx.createUser('customer');
    await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/bookings',
      headers: customer.auth,
      payload: { shopId: shop.shopId, serviceId: shop.services.cut!.id, start: `${addDays(today, 1)}T16:00:00-03:00` },
    });
    const week = json(await get('/api/v1/admin/dashboards/business?days=7'));
    expect(week.dailySummary.query).toContain("CURRENT_DATE - INTERVAL '6 days'");
    expect(week.dailySummary.rows).toEqual([{ date: today, bookings: 1, avgValue: expect.any(String), totalRevenue: '10000.00' }]);
    expect(week.regional.rows).toEqual([{ providerRegion: 'Cuyo', bookings: 1, avgRating: null, avgResponseTimeMs: expect.any(String) }]);
    const month = json(await get('/api/v1/admin/dashboards/business?days=30'));
    expect(month.dailySummary.rows.map((r: { bookings: number }) => r.bookings).reduce((a: number, b: number) => a + b)).toBe(2);
    expect(month.regional.rows[0]).toMatchObject({ providerRegion: 'Cuyo', bookings: 2, avgRating: '4.0000000000000000' });
  });

  it('security: failed logins, lockouts and their refusals, bad webhook signatures', async () => {
    const before = json(await get('/api/v1/admin/dashboards/security'));
    const victim = await ctx.createUser('customer');
    for (let i = 0; i < 3; i++) expectProblem(await login(victim.email, 'wrong password!'), 401);
    expectProblem(await login(victim.email, TEST_PASSWORD), 429, 'login_locked');
    expectProblem(
      await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/webhooks/mercadopago?data.id=123',
        headers: { 'x-signature': `ts=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`, 'x-request-id': 'r-1' },
        payload: { type: 'payment', data: { id: '123' } },
      }),
      401,
    );
    const after = json(await get('/api/v1/admin/dashboards/security'));
    expect(after.failedLogins - before.failedLogins).toBe(3);
    expect(after.lockedOutAttempts - before.lockedOutAttempts).toBe(1);
    expect(after.lockouts.account - before.lockouts.account).toBe(1);
    expect(after.signatureFailures).toEqual([{ reason: 'mismatch', count: 1 }]);
    expect(after.scope).toBe('process');
    expect(after.failedLoginsPerHour).toBeGreaterThan(0);
  });
});

describe('dashboards refuse', () => {
  it('bad windows with a clear 400', async () => {
    for (const q of ['days=0', 'days=91', 'days=siete', 'days=7.5', 'days=7&extra=1']) {
      const problem = expectProblem(await get(`/api/v1/admin/dashboards/executive?${q}`), 400);
      expect(problem.detail).toBeTruthy();
    }
    expectProblem(await get('/api/v1/admin/dashboards/business?days=365'), 400);
  });

  it('everyone but admins', async () => {
    const customer = await ctx.createUser('customer');
    for (const path of ['executive', 'operational', 'business', 'security']) {
      expectProblem(await ctx.app.inject({ url: `/api/v1/admin/dashboards/${path}` }), 401);
      expectProblem(await get(`/api/v1/admin/dashboards/${path}`, customer), 403);
      expectProblem(await get(`/api/v1/admin/dashboards/${path}`, shop.owner), 403);
    }
  });
});
