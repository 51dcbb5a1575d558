import { Writable } from 'node:stream';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.js';
import { createShopFixture } from '../../../test/fixtures.js';
import { createTestContext, expectProblem, json, TEST_ENV, TEST_JWT_SECRET, TEST_PASSWORD, type TestContext } from '../../../test/helpers.js';
import { loadConfig } from '../config.js';
import { createDatabase } from '../db/database.js';
import { loggerOptions } from '../logger.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => ctx.close());

describe('HTTP shell', () => {
  it('serves an OpenAPI 3.1 document generated from the route schemas, and the docs UI', async () => {
    const doc = json(await ctx.app.inject({ url: '/openapi.json' }));
    expect(doc.openapi).toBe('3.1.0');
    const booking = doc.paths['/api/v1/bookings'].post;
    expect(booking.requestBody.content['application/json'].schema.required).toEqual(expect.arrayContaining(['shopId', 'serviceId', 'start']));
    expect(booking.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/api/v1/shops'].get.security).toBeUndefined();
    const docs = await ctx.app.inject({ url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toContain('text/html');
  });

  it('answers unknown routes with a 404 problem', async () => {
    expectProblem(await ctx.app.inject({ url: '/api/v1/nothing-here' }), 404, 'route_not_found');
  });

  it('refuses non-JSON bodies with 415 and oversized ones with 413', async () => {
    expectProblem(await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'text/plain' }, payload: 'hola' }), 415);
    const big = JSON.stringify({ email: 'a@b.co', password: 'x'.repeat(100_000) });
    expectProblem(await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: big }), 413);
  });

  it('keeps a valid incoming request id and echoes it; invents one otherwise', async () => {
    const kept = await ctx.app.inject({ url: '/healthz', headers: { 'x-request-id': 'alb-1234567890' } });
    expect(kept.headers['x-request-id']).toBe('alb-1234567890');
    const invented = await ctx.app.inject({ url: '/healthz', headers: { 'x-request-id': 'bad id with spaces' } });
    expect(invented.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('lets a CDN keep only public catalog GETs; availability, signed-in answers and errors are no-store', async () => {
    const customer = await ctx.createUser('customer');
    const search = await ctx.app.inject({ url: '/api/v1/shops?city=Rosario' });
    expect(search.statusCode).toBe(200);
    expect(search.headers['cache-control']).toBe('public, max-age=60');
    // The same search by a signed-in caller is not shared.
    expect((await ctx.app.inject({ url: '/api/v1/shops?city=Rosario', headers: customer.auth })).headers['cache-control']).toBe('no-store');
    // A booking must show at once: availability is never kept by a shared cache.
    const availability = await ctx.app.inject({ url: '/api/v1/shops/00000000-0000-4000-8000-000000000000/availability?serviceId=00000000-0000-4000-8000-000000000000&from=2026-12-01&to=2026-12-01' });
    expect(availability.headers['cache-control']).toBe('no-store');
    expect((await ctx.app.inject({ url: '/api/v1/me', headers: customer.auth })).headers['cache-control']).toBe('no-store');
    expect((await ctx.app.inject({ url: '/api/v1/shops/00000000-0000-4000-8000-000000000000' })).headers['cache-control']).toBe('no-store'); // a 404
  });

  it('sends security headers', async () => {
    const res = await ctx.app.inject({ url: '/api/v1/shops' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['content-security-policy']).toBeDefined();
  });

  it('reports ready while the database answers', async () => {
    const res = await ctx.app.inject({ url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(json(res).checks.database.status).toBe('ok');
    expect(json(await ctx.app.inject({ url: '/healthz' }))).toEqual({ status: 'ok' });
  });
});

describe('when PostgreSQL is unreachable', () => {
  it('readiness is 503 and requests fail fast with a 503 problem instead of hanging', async () => {
    const database = await createDatabase({ kind: 'postgres', url: 'postgres://postgres@127.0.0.1:1/unreachable', poolMax: 2 });
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', JWT_SECRET: TEST_JWT_SECRET });
    const app = await buildApp({ config, database, jwtSecret: TEST_JWT_SECRET });
    try {
      const ready = await app.inject({ url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(json(ready).checks.database.status).toBe('down');
      const started = Date.now();
      const res = await app.inject({ url: '/api/v1/shops?city=Rosario' });
      expectProblem(res, 503, 'service_unavailable');
      expect(res.headers['retry-after']).toBe('5');
      expect(Date.now() - started).toBeLessThan(6_000);
      expect(json(await app.inject({ url: '/healthz' }))).toEqual({ status: 'ok' });
    } finally {
      await app.close();
      await database.close();
    }
  });
});

describe('logs and error bodies', () => {
  it('never contain passwords, tokens, emails, phones, documents, query strings or the webhook secret', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    // A shop to book at, written through a context of its own; the app under test logs at debug.
    const seed = await createTestContext();
    const shop = await createShopFixture(seed);
    const config = loadConfig({ ...TEST_ENV, LOG_LEVEL: 'debug' });
    const app = await buildApp({ config, database: seed.database, jwtSecret: TEST_JWT_SECRET, clock: seed.clock, logger: { ...(loggerOptions(config) as object), stream } });
    const errorBodies: string[] = [];
    const call = async (options: InjectOptions) => {
      const res = await app.inject(options);
      if (res.statusCode >= 400) errorBodies.push(res.body);
      return res;
    };
    const email = 'secreto.privado@example.com';
    const phone = '+54 9 11 5555-0199';
    const cuit = '20123456786';
    const dni = '31999888';
    try {
      const reg = await call({ method: 'POST', url: '/api/v1/auth/register', payload: { email, password: TEST_PASSWORD, fullName: 'Ana Secreta', phone, acceptTerms: true } });
      expect(reg.statusCode).toBe(201);
      const { accessToken: token, refreshToken } = json(reg) as { accessToken: string; refreshToken: string };
      const auth = { authorization: `Bearer ${token}` };
      // Sign-up again (409), good and bad logins, an unknown account, a malformed email.
      await call({ method: 'POST', url: '/api/v1/auth/register', payload: { email, password: TEST_PASSWORD, fullName: 'Ana Secreta', phone, acceptTerms: true } });
      expect((await call({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: TEST_PASSWORD } })).statusCode).toBe(200);
      expect((await call({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: 'wrong-password-secret' } })).statusCode).toBe(401);
      await call({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'nadie.privado@example.com', password: 'wrong-password-secret' } });
      await call({ method: 'POST', url: '/api/v1/auth/register', payload: { email: 'no-es-email-privado', password: 'corta', fullName: 'A', phone: 'tel-privado' } });
      await call({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: `${refreshToken}x` } });
      await call({ url: '/api/v1/me', headers: auth });
      await call({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}tampered` } });
      await call({ url: '/api/v1/shops?q=nombre-privado' });
      // A booking, and billing data with a CUIT, then a DNI that fails validation.
      const booking = await call({
        method: 'POST',
        url: '/api/v1/bookings',
        headers: { ...auth, 'idempotency-key': 'log-test-booking' },
        payload: { shopId: shop.shopId, serviceId: shop.services.cut!.id, start: '2026-12-02T10:00:00-03:00' },
      });
      expect(booking.statusCode).toBe(201);
      const bookingId = json(booking).id as string;
      expect((await call({ method: 'PUT', url: `/api/v1/bookings/${bookingId}/billing`, headers: auth, payload: { docType: 'cuit', number: cuit, name: 'Ana Secreta', ivaCondition: 'monotributo' } })).statusCode).toBeLessThan(300);
      await call({ method: 'PUT', url: `/api/v1/bookings/${bookingId}/billing`, headers: auth, payload: { docType: 'cuit', number: '20123456780', name: 'Ana Secreta' } });
      await call({ method: 'PUT', url: `/api/v1/bookings/${bookingId}/billing`, headers: auth, payload: { docType: 'dni', number: dni, name: 'A', ivaCondition: 'nope' } });
      // A webhook whose signature is made with the wrong secret, and one without any.
      await call({
        method: 'POST',
        url: '/api/v1/webhooks/mercadopago?data.id=123&type=payment',
        headers: { 'x-signature': 'ts=1764590400,v1=deadbeef', 'x-request-id': 'webhook-log-test' },
        payload: { type: 'payment', data: { id: '123' } },
      });
      await call({ method: 'POST', url: '/api/v1/webhooks/mercadopago', payload: { type: 'payment', data: { id: '123' } } });
      // Other errors: not found, malformed JSON echoing a secret, too large.
      await call({ url: `/api/v1/bookings/${bookingId.replace(/.$/, '0')}`, headers: auth });
      await call({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: `{"email":"${email}","password":"${TEST_PASSWORD}"` });
      await call({ method: 'POST', url: '/api/v1/auth/register', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ email, password: TEST_PASSWORD, fullName: 'x'.repeat(9_000) }) });

      const logs = lines.join('\n');
      expect(logs).toContain('incoming request');
      expect(errorBodies.length).toBeGreaterThan(10);
      const secrets = [TEST_PASSWORD, 'wrong-password-secret', token, refreshToken, email, 'nadie.privado@example.com', 'no-es-email-privado', phone, '5555-0199', 'tel-privado', cuit, '20123456780', dni, TEST_ENV.MP_WEBHOOK_SECRET, TEST_JWT_SECRET, 'Ana Secreta', 'nombre-privado'];
      for (const secret of secrets) {
        expect(logs, `logs contain ${secret}`).not.toContain(secret);
        for (const body of errorBodies) expect(body, `an error body contains ${secret}`).not.toContain(secret);
      }
    } finally {
      await app.close();
      await seed.close();
    }
  });
});

describe('global rate limit', () => {
  it('limits API calls per address with 429 problem+json, but never the load balancer’s probes', async () => {
    const limited = await createTestContext({ env: { RATE_LIMIT_PER_MINUTE: '3' } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await limited.app.inject({ url: '/api/v1/shops', remoteAddress: '198.51.100.20' })).statusCode);
      expect(statuses).toEqual([200, 200, 200, 429]);
      expectProblem(await limited.app.inject({ url: '/api/v1/shops', remoteAddress: '198.51.100.20' }), 429, 'rate_limited');
      for (let i = 0; i < 10; i++) {
        expect((await limited.app.inject({ url: '/healthz', remoteAddress: '198.51.100.20' })).statusCode).toBe(200);
        expect((await limited.app.inject({ url: '/readyz', remoteAddress: '198.51.100.20' })).statusCode).toBe(200);
      }
      // Another address has its own allowance.
      expect((await limited.app.inject({ url: '/api/v1/shops', remoteAddress: '198.51.100.21' })).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('behind CloudFront → ALB (TRUST_PROXY=2) limits each client, not the load balancer; untrusted, a forged header changes nothing', async () => {
    const behind = await createTestContext({ env: { RATE_LIMIT_PER_MINUTE: '2', TRUST_PROXY: '2' } });
    const direct = await createTestContext({ env: { RATE_LIMIT_PER_MINUTE: '2' } });
    try {
      const alb = '10.0.1.15';
      const via = (client: string) => ({ url: '/api/v1/shops', remoteAddress: alb, headers: { 'x-forwarded-for': `${client}, 130.176.1.1` } });
      const a = [];
      for (let i = 0; i < 3; i++) a.push((await behind.app.inject(via('203.0.113.7'))).statusCode);
      expect(a).toEqual([200, 200, 429]);
      expect((await behind.app.inject(via('203.0.113.8'))).statusCode).toBe(200);

      // Without trust, X-Forwarded-For is the caller's own claim: the socket address counts.
      const d = [];
      for (let i = 0; i < 3; i++) d.push((await direct.app.inject({ url: '/api/v1/shops', remoteAddress: '198.51.100.30', headers: { 'x-forwarded-for': `203.0.113.${i}` } })).statusCode);
      expect(d).toEqual([200, 200, 429]);
    } finally {
      await behind.close();
      await direct.close();
    }
  });
});
