import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemoData } from '../src/demo/seed.js';
import { createTestContext, expectProblem, json, type TestContext } from './helpers.js';

/**
 * The "done when", end to end on the demo data a newcomer gets from `npm start`:
 * find a shop in Rosario, see free slots, book, and lose a race gracefully.
 */
let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext({ now: '2026-12-01T12:00:00Z' }); // Tuesday 09:00 in Argentina
  const seeded = await seedDemoData(ctx.database.db);
  expect(seeded).toEqual({ created: true, shops: 8 });
});
afterAll(async () => ctx.close());

describe('customer journey on the demo data', () => {
  it('seeding twice changes nothing', async () => {
    expect(await seedDemoData(ctx.database.db)).toEqual({ created: false, shops: 0 });
  });

  it('demo accounts start with the current terms accepted (no re-accept banner) and marketing off', async () => {
    for (const email of [DEMO_ACCOUNTS.customer, DEMO_ACCOUNTS.provider, DEMO_ACCOUNTS.admin]) {
      const login = json(await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: DEMO_PASSWORD } }));
      const me = json(await ctx.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${login.accessToken}` } }));
      expect(me.pendingConsents).toEqual([]);
    }
  });

  it('every demo shop has a valid CUIT and shops exist in the four launch cities', async () => {
    const cities = new Set<string>();
    for (const city of ['Buenos Aires', 'Córdoba', 'Rosario', 'Mendoza']) {
      const result = json(await ctx.app.inject({ url: `/api/v1/shops?city=${encodeURIComponent(city)}` }));
      expect(result.total).toBeGreaterThanOrEqual(2);
      for (const shop of result.items) cities.add(shop.city);
    }
    expect(cities.size).toBe(4);
  });

  it('finds a shop in Rosario, sees slots, books; a racing second customer gets 409 with alternatives', async () => {
    const login = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: DEMO_ACCOUNTS.customer, password: DEMO_PASSWORD } });
    expect(login.statusCode).toBe(200);
    const lucia = { authorization: `Bearer ${json(login).accessToken}` };
    const rival = json(
      await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { email: 'rival@example.com', password: 'clave-del-rival', fullName: 'Rival', acceptTerms: true } }),
    );
    const rivalAuth = { authorization: `Bearer ${rival.accessToken}` };

    const search = json(await ctx.app.inject({ url: '/api/v1/shops?city=rosario&service=corte' }));
    expect(search.items.length).toBeGreaterThan(0);
    const shop = json(await ctx.app.inject({ url: `/api/v1/shops/${search.items[0].id}` }));
    const cut = shop.services.find((s: { name: string }) => s.name === 'Corte de pelo');
    expect(cut.price.currency).toBe('ARS');

    const slots = json(await ctx.app.inject({ url: `/api/v1/shops/${shop.id}/availability?serviceId=${cut.id}&from=2026-12-02&to=2026-12-03` })).slots;
    expect(slots.length).toBeGreaterThan(0);
    const wanted = slots[0];
    const body = { shopId: shop.id, serviceId: cut.id, barberId: wanted.barberId, start: wanted.start };

    const [a, b] = await Promise.all([
      ctx.app.inject({ method: 'POST', url: '/api/v1/bookings', headers: lucia, payload: body }),
      ctx.app.inject({ method: 'POST', url: '/api/v1/bookings', headers: rivalAuth, payload: body }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
    const loser = a.statusCode === 409 ? a : b;
    const loserAuth = loser === a ? lucia : rivalAuth;
    const problem = expectProblem(loser, 409, 'slot_unavailable');
    expect(problem.alternatives.length).toBeGreaterThan(0);
    expect(problem.alternatives.length).toBeLessThanOrEqual(5);
    expect(problem.alternatives.map((s: { start: string }) => s.start)).not.toContain(wanted.start);

    // The loser takes an alternative they were offered.
    const alternative = problem.alternatives[0];
    const retry = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/bookings',
      headers: loserAuth,
      payload: { ...body, barberId: alternative.barberId, start: alternative.start },
    });
    expect(retry.statusCode).toBe(201);
  });
});
