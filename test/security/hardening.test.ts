import { randomInt } from 'node:crypto';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { ManualClock } from '../../src/platform/clock.js';
import { loadConfig, parseCorsOrigins } from '../../src/platform/config.js';
import { createDatabase } from '../../src/platform/db/database.js';
import { jsonDepth, MAX_JSON_DEPTH } from '../../src/platform/http/server.js';
import { createRequestRedis } from '../../src/platform/redis.js';
import { createTestContext, expectProblem, json, TEST_ENV, TEST_JWT_SECRET, TEST_PASSWORD, type TestContext, type TestUser } from '../helpers.js';
import { countChanges, tableCounts } from './table-counts.js';

/** An address of the benchmarking range no other test uses; random so runs sharing a Redis never meet. */
const freshAddress = () => `198.18.${randomInt(0, 255)}.${randomInt(1, 254)}`;

const deep = (levels: number): unknown => {
  let value: unknown = 'x';
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
};

describe('CORS allowlist', () => {
  let listed: TestContext;
  let sameOriginOnly: TestContext;
  beforeAll(async () => {
    listed = await createTestContext({ env: { CORS_ORIGINS: 'https://app.barberpro.ar,https://admin.barberpro.ar' } });
    sameOriginOnly = await createTestContext();
  });
  afterAll(async () => {
    await listed.close();
    await sameOriginOnly.close();
  });

  const preflight = (app: FastifyInstance, origin: string) =>
    app.inject({
      method: 'OPTIONS',
      url: '/api/v1/bookings',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });

  it('answers a preflight from a listed origin with exactly that origin and the API’s methods and headers', async () => {
    const res = await preflight(listed.app, 'https://app.barberpro.ar');
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://app.barberpro.ar');
    expect(res.headers['access-control-allow-methods']).toContain('POST');
    expect(String(res.headers['access-control-allow-headers'])).toContain('authorization');
    expect(String(res.headers['vary'])).toContain('Origin');
  });

  it('gives a preflight or a request from an unlisted origin no CORS headers at all', async () => {
    for (const app of [listed.app, sameOriginOnly.app]) {
      const res = await preflight(app, 'https://evil.example');
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
      const get = await app.inject({ url: '/api/v1/shops', headers: { origin: 'https://evil.example' } });
      expect(get.statusCode).toBe(200);
      expect(Object.keys(get.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    }
    // The default is same origin only: even the production origin gets nothing unless listed.
    const res = await preflight(sameOriginOnly.app, 'https://app.barberpro.ar');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses wildcards and anything that is not an exact origin in CORS_ORIGINS', () => {
    expect(parseCorsOrigins(' https://a.example , http://localhost:5173 ')).toEqual(['https://a.example', 'http://localhost:5173']);
    for (const bad of ['*', 'https://a.example/', 'https://*.example', 'a.example', 'ftp://a.example'])
      expect(() => parseCorsOrigins(bad), bad).toThrow(/CORS_ORIGINS/);
  });
});

describe('security headers and the web app under the CSP', () => {
  let ctx: TestContext;
  let dist: string;
  beforeAll(async () => {
    // The real bundle, built the way `npm run build:web` builds it, into a directory of its own.
    dist = await mkdtemp(join(tmpdir(), 'bp-csp-'));
    const { build } = await import('vite');
    await build({ configFile: join(import.meta.dirname, '..', '..', 'web', 'vite.config.ts'), logLevel: 'silent', build: { outDir: dist, emptyOutDir: true, sourcemap: false } });
    ctx = await createTestContext({ deps: { webDist: `${dist}/` } });
  }, 120_000);
  afterAll(async () => ctx.close());

  const directives = (csp: string) => Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));

  it('sends a strict CSP and the other security headers on API answers and pages', async () => {
    for (const url of ['/api/v1/shops', '/']) {
      const res = await ctx.app.inject({ url, headers: { accept: 'text/html' } });
      expect(res.statusCode, url).toBe(200);
      const csp = directives(String(res.headers['content-security-policy']));
      expect(csp['script-src']).toEqual(["'self'"]);
      expect(csp['script-src-attr']).toEqual(["'none'"]);
      expect(csp['default-src']).toEqual(["'self'"]);
      expect(csp['connect-src']).toEqual(["'self'"]);
      expect(csp['object-src']).toEqual(["'none'"]);
      expect(csp['frame-ancestors']).toEqual(["'none'"]);
      expect(csp['base-uri']).toEqual(["'self'"]);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('the built index.html loads only same-origin files the server serves, with no inline script or handler', async () => {
    const html = await readFile(join(dist, 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    const urls: string[] = [];
    for (const [, attributes, body] of scripts) {
      expect(body!.trim(), 'inline script').toBe('');
      const src = /\bsrc="([^"]+)"/.exec(attributes!)?.[1];
      expect(src, 'script without src').toBeDefined();
      urls.push(src!);
    }
    for (const [, href] of html.matchAll(/<link\b[^>]*\bhref="([^"]+)"/gi)) urls.push(href!);
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/<style\b/i);
    for (const url of urls) {
      // 'self' only: a root-relative path on this origin, never another host or a data: URL.
      expect(url, url).toMatch(/^\/(?!\/)/);
      const asset = await ctx.app.inject({ url });
      expect(asset.statusCode, url).toBe(200);
    }
    // No eval-style code in the bundle: script-src has no 'unsafe-eval'.
    for (const file of await readdir(join(dist, 'assets'))) {
      if (!file.endsWith('.js')) continue;
      const code = await readFile(join(dist, 'assets', file), 'utf8');
      expect(code, file).not.toMatch(/\bnew Function\(|[^\w.$]eval\(/);
    }
  });
});

describe('body size and JSON depth limits', () => {
  let ctx: TestContext;
  let customer: TestUser;
  beforeAll(async () => {
    ctx = await createTestContext();
    customer = await ctx.createUser('customer');
  });
  afterAll(async () => ctx.close());

  const register = (payload: string) => ctx.app.inject({ method: 'POST', url: '/api/v1/auth/register', headers: { 'content-type': 'application/json' }, payload });

  it('credentials take 8 KB, other routes 64 KB: over the limit is a 413 problem and nothing is written', async () => {
    const before = await tableCounts(ctx.database.db);
    const tenKb = JSON.stringify({ email: 'grande@example.com', password: TEST_PASSWORD, fullName: 'x'.repeat(10_000) });
    expectProblem(await register(tenKb), 413, 'payload_too_large');
    const booking = (size: number) =>
      ctx.app.inject({
        method: 'POST',
        url: '/api/v1/bookings',
        headers: { ...customer.auth, 'content-type': 'application/json', 'idempotency-key': `big-${size}` },
        payload: JSON.stringify({ shopId: '00000000-0000-4000-8000-000000000000', serviceId: '00000000-0000-4000-8000-000000000000', start: '2026-12-02T10:00:00-03:00', notes: 'x'.repeat(size) }),
      });
    // 10 KB is fine for a booking (refused for its content, not its size); 70 KB is not.
    expect((await booking(10_000)).statusCode).not.toBe(413);
    expectProblem(await booking(70_000), 413, 'payload_too_large');
    expect(countChanges(before, await tableCounts(ctx.database.db))).toEqual([]);
  });

  it(`more than ${MAX_JSON_DEPTH} levels of nesting is a 400 problem before anything runs; nothing is written`, async () => {
    const before = await tableCounts(ctx.database.db);
    const body = (extra: unknown) => JSON.stringify({ email: `hondo-${randomInt(1e9)}@example.com`, password: TEST_PASSWORD, fullName: 'Ana', extra });
    expectProblem(await register(body(deep(MAX_JSON_DEPTH + 5))), 400, 'json_too_deep');
    expectProblem(await register(`[${'['.repeat(3_000)}${']'.repeat(3_000)}]`), 400, 'json_too_deep');
    expect(countChanges(before, await tableCounts(ctx.database.db))).toEqual([]);
    // Within the limit the request reaches validation (which refuses the unknown field) and the handler as usual.
    expect(expectProblem(await register(body(deep(MAX_JSON_DEPTH - 1))), 400, 'validation_failed').errors).toBeDefined();
    expect((await register(JSON.stringify({ email: `hondo-${randomInt(1e9)}@example.com`, password: TEST_PASSWORD, fullName: 'Ana', acceptTerms: true }))).statusCode).toBe(201);
  });

  it('router errors (an over-long path parameter, a broken %-escape) are problem+json too', async () => {
    expectProblem(await ctx.app.inject({ url: `/api/v1/shops/${'x'.repeat(300)}` }), 414, 'uri_too_long');
    expectProblem(await ctx.app.inject({ url: '/api/v1/shops/%zz' }), 400);
  });

  it('measures depth on the raw text: brackets inside strings and escaped quotes do not count', () => {
    expect(jsonDepth('{"a":[1,{"b":2}]}')).toBe(3);
    expect(jsonDepth('"[[[[[[["')).toBe(0);
    expect(jsonDepth('{"a":"\\"[[[[","b":{}}')).toBe(2);
    expect(jsonDepth('['.repeat(40))).toBe(Infinity);
    expect(jsonDepth('[]'.repeat(1000))).toBe(1);
  });
});

async function metricValue(app: FastifyInstance, admin: TestUser, series: string): Promise<number> {
  const text = (await app.inject({ url: '/metrics', headers: admin.auth })).body;
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.split(' ')[1]) : NaN;
}

describe('per-address blocking after repeated failures', () => {
  let ctx: TestContext;
  let admin: TestUser;
  let customer: TestUser;
  const clock = new ManualClock('2026-12-01T12:00:00Z');
  beforeAll(async () => {
    ctx = await createTestContext({ clock, env: { IP_BLOCK_FAILURES: '5', IP_BLOCK_WINDOW_MINUTES: '10', IP_BLOCK_MINUTES: '60', LOGIN_LOCKOUT_ACCOUNT_FAILURES: '3' } });
    admin = await ctx.createUser('admin');
    customer = await ctx.createUser('customer');
  });
  afterAll(async () => ctx.close());

  const badLogin = (ip: string, email = customer.email) =>
    ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: ip, payload: { email, password: 'not the password' } });

  it('failed logins block the address (403 problem, even with a valid token) until the period ends; other addresses and probes are unaffected', async () => {
    const ip = freshAddress();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await badLogin(ip, `nadie-${i}@example.com`)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    const blocked = expectProblem(await ctx.app.inject({ url: '/api/v1/me', headers: customer.auth, remoteAddress: ip }), 403, 'ip_blocked');
    expect(blocked.detail).toMatch(/bloqueamos/i);
    const retryAfter = Number((await ctx.app.inject({ url: '/api/v1/shops', remoteAddress: ip })).headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(59 * 60);
    expect(retryAfter).toBeLessThanOrEqual(60 * 60);
    // The right password does not get through a blocked address either.
    expectProblem(await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: ip, payload: { email: customer.email, password: TEST_PASSWORD } }), 403, 'ip_blocked');
    expect((await ctx.app.inject({ url: '/healthz', remoteAddress: ip })).statusCode).toBe(200);
    expect((await ctx.app.inject({ url: '/api/v1/shops', remoteAddress: freshAddress() })).statusCode).toBe(200);

    clock.advance(61 * 60_000);
    expect((await ctx.app.inject({ url: '/api/v1/me', headers: customer.auth, remoteAddress: ip })).statusCode).toBe(200);
  });

  it('forged webhook signatures and 401/403 probes block too', async () => {
    const webhook = freshAddress();
    for (let i = 0; i < 5; i++) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/webhooks/mercadopago?data.id=1&type=payment',
        remoteAddress: webhook,
        headers: { 'x-signature': 'ts=1,v1=00', 'x-request-id': 'forged-0001' },
        payload: { type: 'payment', data: { id: '1' } },
      });
      expect(res.statusCode).toBe(401);
    }
    expectProblem(await ctx.app.inject({ url: '/api/v1/shops', remoteAddress: webhook }), 403, 'ip_blocked');

    const prober = freshAddress();
    for (let i = 0; i < 3; i++) expectProblem(await ctx.app.inject({ url: '/api/v1/admin/ops/db-performance', headers: customer.auth, remoteAddress: prober }), 403, 'forbidden');
    for (let i = 0; i < 2; i++) expectProblem(await ctx.app.inject({ url: '/api/v1/me', headers: { authorization: 'Bearer not.a.token' }, remoteAddress: prober }), 401);
    expectProblem(await ctx.app.inject({ url: '/api/v1/shops', remoteAddress: prober }), 403, 'ip_blocked');
  });

  it('exports lockouts, blocks and blocked requests as metrics', async () => {
    const ip = freshAddress();
    for (let i = 0; i < 3; i++) await badLogin(ip);
    expect(await metricValue(ctx.app, admin, 'barberpro_account_lockouts_total{scope="account"}')).toBeGreaterThanOrEqual(1);
    expect(await metricValue(ctx.app, admin, 'barberpro_ip_blocks_total{source="automatic"}')).toBeGreaterThanOrEqual(3);
    expect(await metricValue(ctx.app, admin, 'barberpro_blocked_requests_total')).toBeGreaterThanOrEqual(5);
    expect(await metricValue(ctx.app, admin, 'barberpro_ip_blocks_total{source="manual"}')).toBe(0);
  });

  it('operators list, lift and add blocks with reasons; each change is in the audit trail without the address', async () => {
    const ip = freshAddress();
    for (let i = 0; i < 5; i++) await badLogin(ip, `otro-${i}@example.com`);
    const list = json(await ctx.app.inject({ url: '/api/v1/admin/security/ip-blocks', headers: admin.auth }));
    const found = list.items.find((b: { ip: string }) => b.ip === ip);
    expect(found).toMatchObject({ source: 'automatic', blockedBy: null });
    expect(found.reason).toMatch(/rechazadas/);

    const lifted = await ctx.app.inject({ method: 'DELETE', url: `/api/v1/admin/security/ip-blocks/${ip}`, headers: admin.auth });
    expect(lifted.statusCode).toBe(204);
    expect((await ctx.app.inject({ url: '/api/v1/shops', remoteAddress: ip })).statusCode).toBe(200);
    expectProblem(await ctx.app.inject({ method: 'DELETE', url: `/api/v1/admin/security/ip-blocks/${ip}`, headers: admin.auth }), 404, 'not_found');

    const manual = freshAddress();
    const created = await ctx.app.inject({ method: 'POST', url: '/api/v1/admin/security/ip-blocks', headers: admin.auth, payload: { ip: manual, minutes: 30, reason: 'Scraping del catálogo' } });
    expect(created.statusCode).toBe(201);
    expect(json(created)).toMatchObject({ ip: manual, source: 'manual', blockedBy: admin.id, reason: 'Scraping del catálogo' });
    expectProblem(await ctx.app.inject({ url: '/api/v1/shops', remoteAddress: manual }), 403, 'ip_blocked');
    expect(json(await ctx.app.inject({ url: '/api/v1/admin/security/ip-blocks', headers: admin.auth })).items.map((b: { ip: string }) => b.ip)).toContain(manual);
    expect(await metricValue(ctx.app, admin, 'barberpro_ip_blocks_total{source="manual"}')).toBe(1);

    expectProblem(await ctx.app.inject({ method: 'POST', url: '/api/v1/admin/security/ip-blocks', headers: admin.auth, payload: { ip: 'not-an-ip', minutes: 30, reason: 'x y z' } }), 400, 'validation_failed');
    expectProblem(await ctx.app.inject({ method: 'POST', url: '/api/v1/admin/security/ip-blocks', headers: admin.auth, payload: { ip: '127.0.0.1', minutes: 30, reason: 'mi propia dirección' } }), 422, 'cannot_block_self');

    const audit = await ctx.database.db.selectFrom('audit_log').selectAll().where('event_type', '=', 'admin.action').orderBy('seq').execute();
    const entries = audit.map((a) => [a.actor, a.entity_id]);
    expect(entries).toEqual([
      [admin.id, 'DELETE /api/v1/admin/security/ip-blocks/:ip'],
      [admin.id, 'POST /api/v1/admin/security/ip-blocks'],
    ]);
    const text = JSON.stringify(audit.map((a) => a.payload));
    expect(text).not.toContain(ip);
    expect(text).not.toContain(manual);
    expect(text).not.toContain('Scraping');
    expect(audit[1]!.payload).toMatchObject({ method: 'POST', status: 201, fields: ['ip', 'minutes', 'reason'] });
    // The refused attempts (400, 422) changed nothing and are not admin actions.
    expect(json(await ctx.app.inject({ url: '/api/v1/admin/audit/verify', headers: admin.auth })).ok).toBe(true);
  });
});

describe('a blocked address costs no database work', () => {
  it('is refused (403, not the 503 of an unreachable database) before any query runs', async () => {
    const database = await createDatabase({ kind: 'postgres', url: 'postgres://postgres@127.0.0.1:1/unreachable', poolMax: 2 });
    const app = await buildApp({ config: loadConfig({ ...TEST_ENV, IP_BLOCK_FAILURES: '3' }), database, jwtSecret: TEST_JWT_SECRET });
    try {
      const ip = freshAddress();
      expectProblem(await app.inject({ url: '/api/v1/shops', remoteAddress: freshAddress() }), 503, 'service_unavailable');
      for (let i = 0; i < 3; i++) expectProblem(await app.inject({ url: '/api/v1/me', headers: { authorization: 'Bearer x.y.z' }, remoteAddress: ip }), 401);
      const started = performance.now();
      expectProblem(await app.inject({ url: '/api/v1/shops', remoteAddress: ip }), 403, 'ip_blocked');
      console.log(`[hardening] blocked request answered in ${(performance.now() - started).toFixed(1)} ms (in-process blocklist)`);
    } finally {
      await app.close();
      await database.close();
    }
  });
});

const redisUrl = process.env.REDIS_URL;

describe.skipIf(!redisUrl)('blocks shared by instances through Redis', () => {
  let ctx: TestContext;
  let other: FastifyInstance;
  let admin: TestUser;
  const redisA = createRequestRedis(redisUrl ?? 'redis://127.0.0.1:6379');
  const redisB = createRequestRedis(redisUrl ?? 'redis://127.0.0.1:6379');
  const clock = new ManualClock('2026-12-01T12:00:00Z');
  const env = { ...TEST_ENV, IP_BLOCK_FAILURES: '4' };

  beforeAll(async () => {
    ctx = await createTestContext({ clock });
    admin = await ctx.createUser('admin');
    await ctx.app.close();
    const config = loadConfig(env);
    ctx.app = await buildApp({ config, database: ctx.database, jwtSecret: TEST_JWT_SECRET, clock, redis: redisA });
    other = await buildApp({ config, database: ctx.database, jwtSecret: TEST_JWT_SECRET, clock, redis: redisB });
    await Promise.all([ctx.app.ready(), other.ready()]);
  });
  afterAll(async () => {
    await other.close();
    await ctx.close();
    redisA.disconnect();
    redisB.disconnect();
  });

  it('failures counted on either instance block the address on both; an unblock on one lifts it on both', async () => {
    const ip = freshAddress();
    const fail = (app: FastifyInstance) => app.inject({ url: '/api/v1/me', headers: { authorization: 'Bearer x.y.z' }, remoteAddress: ip });
    for (const app of [ctx.app, other, ctx.app, other]) expect((await fail(app)).statusCode).toBe(401);
    expectProblem(await ctx.app.inject({ url: '/api/v1/shops', remoteAddress: ip }), 403, 'ip_blocked');
    expectProblem(await other.inject({ url: '/api/v1/shops', remoteAddress: ip }), 403, 'ip_blocked');
    expect(json(await other.inject({ url: '/api/v1/admin/security/ip-blocks', headers: admin.auth })).items.map((b: { ip: string }) => b.ip)).toContain(ip);
    expect((await other.inject({ method: 'DELETE', url: `/api/v1/admin/security/ip-blocks/${ip}`, headers: admin.auth })).statusCode).toBe(204);
    expect((await ctx.app.inject({ url: '/api/v1/shops', remoteAddress: ip })).statusCode).toBe(200);
  });

  it('with Redis unreachable each instance still blocks on its own', async () => {
    const dead = createRequestRedis('redis://127.0.0.1:1');
    const app = await buildApp({ config: loadConfig(env), database: ctx.database, jwtSecret: TEST_JWT_SECRET, clock, redis: dead });
    try {
      const ip = freshAddress();
      for (let i = 0; i < 4; i++) expect((await app.inject({ url: '/api/v1/me', headers: { authorization: 'Bearer x.y.z' }, remoteAddress: ip })).statusCode).toBe(401);
      expectProblem(await app.inject({ url: '/api/v1/shops', remoteAddress: ip }), 403, 'ip_blocked');
    } finally {
      await app.close();
      dead.disconnect();
    }
  });
});
