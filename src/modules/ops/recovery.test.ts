import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShopFixture, type ShopFixture } from '../../../test/fixtures.js';
import { createTestContext, expectProblem, json, type TestContext, type TestUser } from '../../../test/helpers.js';

let ctx: TestContext;
let admin: TestUser;
let shop: ShopFixture;

beforeAll(async () => {
  ctx = await createTestContext({ now: '2026-12-01T12:00:00Z' });
  admin = await ctx.createUser('admin');
  shop = await createShopFixture(ctx, { services: [{ key: 'deposit', durationMinutes: 60, priceCents: 2_000_000, deposit: { kind: 'percent', value: 25 } }] });
});
afterAll(async () => ctx?.close());

const recovery = (payload: unknown) => ctx.app.inject({ method: 'POST', url: '/api/v1/admin/ops/recovery', headers: admin.auth, payload: payload as object });
const pending = async () => Number((await ctx.database.db.selectFrom('bookings').select((eb) => eb.fn.countAll().as('n')).where('status', '=', 'pending').executeTakeFirstOrThrow()).n);

describe('POST /api/v1/admin/ops/recovery', () => {
  it('a dry run counts an expired hold and changes nothing; the real run releases it', async () => {
    const customer = await ctx.createUser('customer');
    const booked = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/bookings',
      headers: customer.auth,
      payload: { shopId: shop.shopId, serviceId: shop.services.deposit!.id, barberId: shop.barberIds[0], start: '2026-12-03T15:00:00-03:00' },
    });
    expect(json(booked).status).toBe('pending');
    ctx.clock.advance(24 * 3600_000);

    const dry = json(await recovery({ dryRun: true, actions: ['expired-holds'] }));
    expect(dry).toEqual({ dryRun: true, actions: [{ action: 'expired-holds', found: 1, done: 0, detail: '1 unpaid holds past their expiry' }] });
    expect(await pending()).toBe(1);

    const real = json(await recovery({ dryRun: false, actions: ['expired-holds'] }));
    expect(real.actions[0]).toMatchObject({ action: 'expired-holds', found: 1, done: 1 });
    expect(await pending()).toBe(0);
    expect(json(await recovery({ dryRun: false, actions: ['expired-holds'] })).actions[0]).toMatchObject({ found: 0, done: 0 });
  });

  it('runs every action when none is named', async () => {
    const all = json(await recovery({ dryRun: true }));
    expect(all.actions.map((a: { action: string }) => a.action)).toEqual(['dead-letters', 'expired-holds', 'invoices', 'payments']);
  });

  it('refuses a bad request or an unknown incident before acting', async () => {
    expectProblem(await recovery({ dryRun: 'yes' }), 400, 'validation_failed');
    expectProblem(await recovery({ dryRun: false, actions: ['dns'] }), 400, 'validation_failed');
    expectProblem(await recovery({ dryRun: false, incidentId: '00000000-0000-4000-8000-000000000000' }), 404, 'not_found');
  });

  it('reports usage and applied migrations', async () => {
    const usage = json(await ctx.app.inject({ method: 'GET', url: '/api/v1/admin/ops/usage', headers: admin.auth }));
    expect(usage.databaseBytes).toBeGreaterThan(1_000_000);
    expect(usage.users.admin).toBe(1);
    expect(usage.bookingsCreated30d).toBe(1);
    const migrations = json(await ctx.app.inject({ method: 'GET', url: '/api/v1/admin/ops/migrations', headers: admin.auth }));
    expect(migrations.applied.map((m: { name: string }) => m.name)).toContain('0010_incidents');
  });
});
