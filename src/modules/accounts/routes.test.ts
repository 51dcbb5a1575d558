import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, expectProblem, json, TEST_PASSWORD, type TestContext } from '../../../test/helpers.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => ctx.close());

// Sign-up requires accepting the terms; the privacy tests cover refusing it.
const register = (body: Record<string, unknown>) => ctx.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { acceptTerms: true, ...body } });

describe('POST /api/v1/auth/register', () => {
  it('creates a customer account and opens a session usable on /me', async () => {
    const res = await register({ email: 'Ana@Example.com', password: 'una clave larga', fullName: 'Ana Pérez', phone: '+54 9 11 5555-1234' });
    expect(res.statusCode).toBe(201);
    const session = json(res);
    expect(session.user).toMatchObject({ email: 'ana@example.com', role: 'customer', fullName: 'Ana Pérez' });
    const me = await ctx.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${session.accessToken}` } });
    expect(me.statusCode).toBe(200);
    expect(json(me).id).toBe(session.user.id);
  });

  it('stores an argon2id hash, never the password', async () => {
    await register({ email: 'hash@example.com', password: 'otra clave larga', fullName: 'Hash' }).then((r) => expect(r.statusCode).toBe(201));
    const row = await ctx.database.db.selectFrom('users').select('password_hash').where('email', '=', 'hash@example.com').executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.password_hash).not.toContain('otra clave larga');
  });

  it('refuses a second account with the same email in any letter case (409)', async () => {
    await register({ email: 'dup@example.com', password: 'una clave larga', fullName: 'Uno' });
    expectProblem(await register({ email: 'DUP@example.com', password: 'una clave larga', fullName: 'Dos' }), 409, 'email_taken');
  });

  it('refuses self-registration as admin and reports field paths', async () => {
    const body = expectProblem(await register({ email: 'x@example.com', password: 'una clave larga', fullName: 'X', role: 'admin' }), 400, 'validation_failed');
    expect(body.errors.map((e: { path: string }) => e.path)).toContain('body.role');
  });

  it('refuses unknown fields, short passwords and malformed JSON without writing', async () => {
    expectProblem(await register({ email: 'y@example.com', password: 'una clave larga', fullName: 'Y', isAdmin: true }), 400);
    expectProblem(await register({ email: 'y@example.com', password: 'corta', fullName: 'Y' }), 400);
    const malformed = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      headers: { 'content-type': 'application/json' },
      payload: '{"email": "y@example.com",',
    });
    expectProblem(malformed, 400, 'malformed_json');
    const count = await ctx.database.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('email', '=', 'y@example.com').executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });
});

describe('login, refresh and logout', () => {
  it('logs in, rotates the refresh token, and treats reuse of an old one as theft', async () => {
    await register({ email: 'rot@example.com', password: TEST_PASSWORD, fullName: 'Rot' });
    const login = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'rot@example.com', password: TEST_PASSWORD } });
    expect(login.statusCode).toBe(200);
    const first = json(login).refreshToken;
    const refreshed = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: first } });
    expect(refreshed.statusCode).toBe(200);
    const second = json(refreshed).refreshToken;
    expect(second).not.toBe(first);
    // Replaying the used token revokes the whole family, including the new one.
    expectProblem(await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: first } }), 401);
    expectProblem(await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: second } }), 401);
  });

  it('answers the same 401 for a wrong password and for an unknown email', async () => {
    await register({ email: 'known@example.com', password: TEST_PASSWORD, fullName: 'K' });
    const wrong = expectProblem(await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'known@example.com', password: 'incorrecta!!' } }), 401);
    const unknown = expectProblem(await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'nobody@example.com', password: 'incorrecta!!' } }), 401);
    expect(wrong.detail).toBe(unknown.detail);
  });

  it('logout ends the session', async () => {
    const session = json(await register({ email: 'out@example.com', password: TEST_PASSWORD, fullName: 'Out' }));
    const res = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/logout', payload: { refreshToken: session.refreshToken } });
    expect(res.statusCode).toBe(204);
    expectProblem(await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: session.refreshToken } }), 401);
  });
});

describe('GET /api/v1/me security', () => {
  it('refuses anonymous callers, bad tokens and expired tokens', async () => {
    expectProblem(await ctx.app.inject({ method: 'GET', url: '/api/v1/me' }), 401, 'unauthorized');
    expectProblem(await ctx.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: 'Bearer not.a.jwt' } }), 401);
    expectProblem(await ctx.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: 'Basic abc' } }), 401);
    const user = await ctx.createUser('customer', { tokenTtlSeconds: 900 });
    ctx.clock.advance(16 * 60_000);
    expectProblem(await ctx.app.inject({ method: 'GET', url: '/api/v1/me', headers: user.auth }), 401);
  });

  it('lists a provider’s shops', async () => {
    const provider = await ctx.createUser('provider');
    const me = json(await ctx.app.inject({ method: 'GET', url: '/api/v1/me', headers: provider.auth }));
    expect(me.shops).toEqual([]);
  });
});
