import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShopFixture } from '../../../test/fixtures.js';
import { createTestContext, expectProblem, TEST_PASSWORD, type TestContext } from '../../../test/helpers.js';

/** Limits as configured in production-like defaults (the shared test defaults raise them). */
let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({
    env: {
      RATE_LIMIT_LOGIN_PER_MINUTE: '50',
      RATE_LIMIT_BOOKINGS_PER_MINUTE: '3',
      LOGIN_LOCKOUT_ACCOUNT_FAILURES: '5',
      LOGIN_LOCKOUT_IP_FAILURES: '8',
      LOGIN_LOCKOUT_MINUTES: '15',
    },
  });
});
afterAll(async () => ctx.close());

const login = (email: string, password: string, ip = '203.0.113.10') =>
  ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, remoteAddress: ip });

describe('failed-login lockout', () => {
  it('locks an account after 5 failures, even with the right password, then lets it in after 15 minutes', async () => {
    await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { email: 'victima@example.com', password: TEST_PASSWORD, fullName: 'Vera', acceptTerms: true } });
    for (let i = 0; i < 5; i++) expectProblem(await login('victima@example.com', 'adivinanza-' + i, `198.51.100.${i}`), 401);
    const locked = expectProblem(await login('victima@example.com', TEST_PASSWORD, '198.51.100.99'), 429, 'login_locked');
    expect(locked.detail).toContain('15 minutos');
    ctx.clock.advance(15 * 60_000 + 1_000);
    expect((await login('victima@example.com', TEST_PASSWORD, '198.51.100.99')).statusCode).toBe(200);
  });

  it('locks an address that tries many accounts, without locking those accounts elsewhere', async () => {
    for (let i = 0; i < 8; i++) expectProblem(await login(`nadie${i}@example.com`, 'x-x-x-x-x-x', '203.0.113.66'), 401);
    const res = await login('otra@example.com', 'x-x-x-x-x-x', '203.0.113.66');
    expectProblem(res, 429, 'login_locked');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    // The same account from another address is only judged on its own failures.
    expectProblem(await login('nadie0@example.com', 'x-x-x-x-x-x', '203.0.113.67'), 401);
  });

  it('a success resets the account’s failure count', async () => {
    await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { email: 'olvido@example.com', password: TEST_PASSWORD, fullName: 'Olga', acceptTerms: true } });
    for (let i = 0; i < 4; i++) expectProblem(await login('olvido@example.com', 'mal-' + i, '192.0.2.1'), 401);
    expect((await login('olvido@example.com', TEST_PASSWORD, '192.0.2.1')).statusCode).toBe(200);
    for (let i = 0; i < 4; i++) expectProblem(await login('olvido@example.com', 'mal-' + i, '192.0.2.2'), 401);
    expect((await login('olvido@example.com', TEST_PASSWORD, '192.0.2.2')).statusCode).toBe(200);
  });
});

describe('rate limits', () => {
  it('limits booking creation per customer with a 429 problem and Retry-After', async () => {
    const shop = await createShopFixture(ctx, { services: [{ key: 'cut', durationMinutes: 30, priceCents: 1_000_000 }] });
    const customer = await ctx.createUser('customer');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/bookings',
        headers: customer.auth,
        payload: { shopId: shop.shopId, serviceId: shop.services.cut!.id, start: `2026-12-0${2 + i}T10:00:00-03:00` },
      });
      statuses.push(res.statusCode);
      if (res.statusCode === 429) {
        expectProblem(res, 429, 'rate_limited');
        expect(res.headers['retry-after']).toBeDefined();
      }
    }
    expect(statuses).toEqual([201, 201, 201, 429]);
    // Another customer is not affected.
    const other = await ctx.createUser('customer');
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/bookings',
      headers: other.auth,
      payload: { shopId: shop.shopId, serviceId: shop.services.cut!.id, start: '2026-12-09T10:00:00-03:00' },
    });
    expect(res.statusCode).toBe(201);
  });
});
