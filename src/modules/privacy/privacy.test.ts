import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShopFixture, type ShopFixture } from '../../../test/fixtures.js';
import { sql } from 'kysely';
import { createTestContext, createTestDatabase, expectProblem, json, TEST_ENV, TEST_JWT_SECRET, TEST_PASSWORD, type TestContext, type TestUser } from '../../../test/helpers.js';
import { buildApp } from '../../app.js';
import { ManualClock } from '../../platform/clock.js';
import { createPersonalDataCipher } from '../../platform/crypto/personal-data.js';
import { sealPlaintextAtMigrate } from '../../platform/crypto/rotation.js';
import { loadConfig } from '../../platform/config.js';
import { loggerOptions } from '../../platform/logger.js';
import { createNotificationService } from '../notifications/setup.js';
import type { EmailSender } from '../notifications/email.js';
import type { WhatsAppSender } from '../notifications/whatsapp.js';
import { currentLegalDocuments } from './legal-texts.js';
import { newProcedureCode } from './service.js';

// Tuesday 1 December 2026, 09:00 in Buenos Aires.
const NOW = '2026-12-01T12:00:00Z';
let ctx: TestContext;
let dataDir: string;
let admin: TestUser;
let shop: ShopFixture;
const { terms, privacyNotice } = currentLegalDocuments('2026-12-01');

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'bp-privacy-'));
  ctx = await createTestContext({ now: NOW, env: { DATA_DIR: dataDir } });
  admin = await ctx.createUser('admin');
  shop = await createShopFixture(ctx, { weekdays: [0, 1, 2, 3, 4, 5, 6] });
});
afterAll(async () => {
  await ctx.close();
  await rm(dataDir, { recursive: true, force: true });
});

const db = () => ctx.database.db;
const requestCount = async () => Number((await db().selectFrom('privacy_requests').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
const register = (payload: Record<string, unknown>) => ctx.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload });

async function signUp(email: string, extra: Record<string, unknown> = {}) {
  const res = await register({ email, password: TEST_PASSWORD, fullName: 'Persona de Prueba', acceptTerms: true, ...extra });
  expect(res.statusCode, res.body).toBe(201);
  const session = json(res);
  return { id: session.user.id as string, auth: { authorization: `Bearer ${session.accessToken}` }, session };
}

describe('consent at sign-up', () => {
  it('refuses a sign-up without accepting the terms, and writes nothing', async () => {
    for (const acceptTerms of [undefined, false, 'true', 1]) {
      const res = await register({ email: 'sin-consentimiento@example.com', password: TEST_PASSWORD, fullName: 'Sin Consentimiento', ...(acceptTerms === undefined ? {} : { acceptTerms }) });
      const body = expectProblem(res, 400, 'validation_failed');
      expect(body.errors.map((e: { path: string }) => e.path)).toContain('body.acceptTerms');
    }
    expect(await db().selectFrom('users').select('id').where('email', '=', 'sin-consentimiento@example.com').execute()).toEqual([]);
  });

  it('records the versions accepted, with the time, and marketing as a separate choice (off unless chosen)', async () => {
    const { id } = await signUp('con-consentimiento@example.com');
    const rows = await db().selectFrom('consents').select(['document', 'version', 'granted', 'source', 'recorded_at']).where('user_id', '=', id).orderBy('id').execute();
    expect(rows).toEqual([
      { document: 'terms', version: terms.version, granted: true, source: 'sign_up', recorded_at: new Date(NOW) },
      { document: 'privacy_notice', version: privacyNotice.version, granted: true, source: 'sign_up', recorded_at: new Date(NOW) },
      { document: 'marketing', version: privacyNotice.version, granted: false, source: 'sign_up', recorded_at: new Date(NOW) },
    ]);
    expect(await ctx.app.services.privacy.mayReceiveMarketing(id)).toBe(false);
    const opted = await signUp('con-marketing@example.com', { marketingOptIn: true });
    expect(await ctx.app.services.privacy.mayReceiveMarketing(opted.id)).toBe(true);
  });

  it('asks an account that never accepted the versions in force to accept them (GET /me), and records the new acceptance', async () => {
    const legacy = await ctx.createUser('customer');
    const me = json(await ctx.app.inject({ url: '/api/v1/me', headers: legacy.auth }));
    expect(me.pendingConsents).toEqual([
      { document: 'terms', version: terms.version, effectiveDate: terms.effectiveDate },
      { document: 'privacy_notice', version: privacyNotice.version, effectiveDate: privacyNotice.effectiveDate },
    ]);
    const put = (payload: Record<string, unknown>) => ctx.app.inject({ method: 'PUT', url: '/api/v1/me/consents', headers: legacy.auth, payload });
    expectProblem(await put({ acceptVersions: ['terminos-1999-01'] }), 422, 'unknown_consent_version');
    expectProblem(await put({}), 400, 'validation_failed');
    expect(await db().selectFrom('consents').select('id').where('user_id', '=', legacy.id).execute()).toEqual([]);

    const accepted = await put({ acceptVersions: [terms.version, privacyNotice.version], marketingOptIn: true });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(json(accepted)).toMatchObject({ marketingOptIn: true, pending: [], accepted: { terms: { version: terms.version }, privacyNotice: { version: privacyNotice.version } } });
    expect(json(await ctx.app.inject({ url: '/api/v1/me', headers: legacy.auth })).pendingConsents).toEqual([]);

    // Opting out is recorded as a new decision; the history keeps both.
    const out = json(await put({ marketingOptIn: false }));
    expect(out.marketingOptIn).toBe(false);
    expect(out.history.filter((h: { document: string }) => h.document === 'marketing').map((h: { granted: boolean }) => h.granted)).toEqual([true, false]);
    expect(await ctx.app.services.privacy.mayReceiveMarketing(legacy.id)).toBe(false);
  });

  it('publishes the texts in force and the Ley 25.326 notice without login', async () => {
    const res = await ctx.app.inject({ url: '/api/v1/public/legal-documents' });
    expect(res.statusCode).toBe(200);
    const body = json(res);
    expect(body.terms.version).toBe(terms.version);
    expect(body.privacyNotice.version).toBe(privacyNotice.version);
    expect(body.legalNotice).toContain('AGENCIA DE ACCESO A LA INFORMACIÓN PÚBLICA');
  });
});

describe('Botón de arrepentimiento and Botón de baja', () => {
  it.each([
    ['/api/v1/public/withdrawal', 'withdrawal', /^ARR-2026-[0-9A-Z]{8}$/],
    ['/api/v1/public/cancellation', 'cancellation', /^BAJ-2026-[0-9A-Z]{8}$/],
  ] as const)('%s: no login, a procedure code at once, one row due in 24 h, in the admin queue', async (url, kind, code) => {
    const before = await requestCount();
    const res = await ctx.app.inject({ method: 'POST', url, payload: { email: `nadie-${kind}@example.com`, reason: 'Me equivoqué de día' } });
    expect(res.statusCode, res.body).toBe(201);
    const receipt = json(res);
    expect(receipt.procedureCode).toMatch(code);
    expect(receipt.message).toContain(receipt.procedureCode);
    expect(new Date(receipt.dueAt).getTime() - new Date(receipt.receivedAt).getTime()).toBe(24 * 3_600_000);
    expect(await requestCount()).toBe(before + 1);
    const row = await db().selectFrom('privacy_requests').selectAll().where('procedure_code', '=', receipt.procedureCode).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ kind, status: 'received', user_id: null, booking_id: null });
    // What the person wrote is sealed at rest: neither the email nor the reason is in the row.
    expect(row.contact_email).toMatch(/^v2\./);
    expect(row.personal_details).toEqual({ sealed: expect.stringMatching(/^v2\./) });
    expect(JSON.stringify(row)).not.toMatch(/nadie|equivoqué/);
    const queue = json(await ctx.app.inject({ url: `/api/v1/admin/privacy/requests?status=open&kind=${kind}`, headers: admin.auth }));
    const item = queue.items.find((i: { procedureCode: string }) => i.procedureCode === receipt.procedureCode);
    expect(item).toMatchObject({ contactEmail: `nadie-${kind}@example.com`, description: 'Me equivoqué de día' });
  });

  it('a request stored before sealing (plaintext email; name and reason in details) is moved by migration 0011, sealed at migrate time, and reads the same', async () => {
    const id = randomUUID();
    await db()
      .insertInto('privacy_requests')
      .values({
        id,
        procedure_code: 'ARR-2026-OLDROW01',
        kind: 'withdrawal',
        status: 'received',
        user_id: null,
        contact_email: 'antes-del-sellado@example.com',
        details: JSON.stringify({ accountMatched: false, fullName: 'Persona Anterior', description: 'Compré dos veces' }),
        received_at: new Date(NOW),
        due_at: new Date(Date.parse(NOW) + 86_400_000),
      })
      .execute();
    const adminView = async () =>
      (json(await ctx.app.inject({ url: '/api/v1/admin/privacy/requests?status=open&kind=withdrawal&pageSize=100', headers: admin.auth })).items as Array<Record<string, unknown>>).find((i) => i.id === id);
    // The migration's data step, as it runs on a database that already had requests.
    const migration = await readFile(new URL('../../platform/db/migrations/0011_privacy_request_sealing.sql', import.meta.url), 'utf8');
    const moveStatement = migration.split(';').find((statement) => /^\s*update privacy_requests/m.test(statement.replace(/--.*$/gm, '')))!;
    await sql.raw(moveStatement).execute(db());
    const moved = await db().selectFrom('privacy_requests').select(['contact_email', 'details', 'personal_details']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(moved.details).toEqual({ accountMatched: false });
    expect(moved.personal_details).toEqual({ fullName: 'Persona Anterior', description: 'Compré dos veces' });
    // Not sealed yet: read as it is, nothing breaks during a rollout.
    expect(await adminView()).toMatchObject({ contactEmail: 'antes-del-sellado@example.com', description: 'Compré dos veces' });

    expect(await sealPlaintextAtMigrate(db(), createPersonalDataCipher(loadConfig(TEST_ENV)))).toBeGreaterThanOrEqual(2);
    const sealed = await db().selectFrom('privacy_requests').select(['contact_email', 'personal_details']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(sealed.contact_email).toMatch(/^v2\./);
    expect(sealed.personal_details).toEqual({ sealed: expect.stringMatching(/^v2\./) });
    expect(JSON.stringify(sealed)).not.toMatch(/sellado|Anterior|dos veces/);
    expect(await adminView()).toMatchObject({ contactEmail: 'antes-del-sellado@example.com', description: 'Compré dos veces' });
  });

  it('links the account and the booking only when the booking is that account’s; the answer is the same either way', async () => {
    const customer = await ctx.createUser('customer');
    const other = await ctx.createUser('customer');
    const booking = json(
      await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/bookings',
        headers: customer.auth,
        payload: { shopId: shop.shopId, serviceId: shop.services.cut!.id, barberId: shop.barberIds[0], start: '2026-12-03T10:00:00-03:00' },
      }),
    );
    const mine = json(await ctx.app.inject({ method: 'POST', url: '/api/v1/public/withdrawal', payload: { email: customer.email.toUpperCase(), bookingId: booking.id } }));
    const notMine = json(await ctx.app.inject({ method: 'POST', url: '/api/v1/public/withdrawal', payload: { email: other.email, bookingId: booking.id } }));
    expect(Object.keys(mine).sort()).toEqual(Object.keys(notMine).sort());
    const rows = await db().selectFrom('privacy_requests').select(['procedure_code', 'user_id', 'booking_id', 'details']).where('procedure_code', 'in', [mine.procedureCode, notMine.procedureCode]).execute();
    const byCode = Object.fromEntries(rows.map((r) => [r.procedure_code, r]));
    expect(byCode[mine.procedureCode]).toMatchObject({ user_id: customer.id, booking_id: booking.id, details: { accountMatched: true, bookingMatched: true } });
    expect(byCode[notMine.procedureCode]).toMatchObject({ user_id: other.id, booking_id: null, details: { accountMatched: true, bookingMatched: false } });
  });

  it('refuses bad input with a 400 problem and writes nothing', async () => {
    const before = await requestCount();
    for (const payload of [
      {},
      { email: 'no-es-un-email' },
      { email: 'a@example.com', bookingId: 'turno-1' },
      { email: 'a@example.com', extra: true },
      { email: 'a@example.com', reason: 'x'.repeat(2001) },
    ]) {
      for (const url of ['/api/v1/public/withdrawal', '/api/v1/public/cancellation']) expectProblem(await ctx.app.inject({ method: 'POST', url, payload }), 400, 'validation_failed');
    }
    expectProblem(await ctx.app.inject({ method: 'POST', url: '/api/v1/public/withdrawal', headers: { 'content-type': 'application/json' }, payload: '{"email":' }), 400);
    expect(await requestCount()).toBe(before);
  });

  it('is rate-limited per address like login', async () => {
    const limited = await createTestContext({ now: NOW, env: { RATE_LIMIT_LOGIN_PER_MINUTE: '3', DATA_DIR: dataDir } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++)
        statuses.push((await limited.app.inject({ method: 'POST', url: '/api/v1/public/cancellation', remoteAddress: '198.51.100.7', payload: { email: `baja${i}@example.com` } })).statusCode);
      expect(statuses).toEqual([201, 201, 201, 429]);
      const rows = await limited.database.db.selectFrom('privacy_requests').select('id').execute();
      expect(rows).toHaveLength(3);
    } finally {
      await limited.close();
    }
  });
});

describe('rectification', () => {
  it('refuses an email that belongs to another account and leaves everything as it was', async () => {
    const a = await signUp('rect-a@example.com');
    await signUp('rect-b@example.com');
    const before = await requestCount();
    const res = await ctx.app.inject({ method: 'POST', url: '/api/v1/me/rectification', headers: a.auth, payload: { fullName: 'Nombre Nuevo', email: 'RECT-B@example.com', currentPassword: TEST_PASSWORD } });
    expectProblem(res, 409, 'email_taken');
    expect(await db().selectFrom('users').select(['full_name', 'email']).where('id', '=', a.id).executeTakeFirstOrThrow()).toEqual({ full_name: 'Persona de Prueba', email: 'rect-a@example.com' });
    expect(await requestCount()).toBe(before);
  });

  it('says so when nothing would change, and refuses an empty or unknown body', async () => {
    const a = await signUp('rect-igual@example.com');
    expectProblem(await ctx.app.inject({ method: 'POST', url: '/api/v1/me/rectification', headers: a.auth, payload: { fullName: 'Persona de Prueba' } }), 422, 'nothing_to_rectify');
    expectProblem(await ctx.app.inject({ method: 'POST', url: '/api/v1/me/rectification', headers: a.auth, payload: {} }), 400, 'validation_failed');
    expectProblem(await ctx.app.inject({ method: 'POST', url: '/api/v1/me/rectification', headers: a.auth, payload: { role: 'admin' } }), 400, 'validation_failed');
    expectProblem(await ctx.app.inject({ method: 'POST', url: '/api/v1/me/rectification', headers: a.auth, payload: { phone: '12' } }), 400, 'validation_failed');
  });

  it('anything beyond the account goes to review within 5 business days, and the data is blocked meanwhile: no notification is sent', async () => {
    const customer = await signUp('bloqueo@example.com');
    const booking = json(
      await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/bookings',
        headers: customer.auth,
        payload: { shopId: shop.shopId, serviceId: shop.services.cut!.id, barberId: shop.barberIds[1], start: '2026-12-04T11:00:00-03:00' },
      }),
    );
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/me/rectification',
      headers: customer.auth,
      payload: { phone: '+54 9 11 5555-0000', otherData: 'El DNI de mi última factura está mal.' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const request = json(res);
    // Received Tuesday 1 Dec 09:00; 5 business days: Wed 2 … Mon 7 (día no laborable, counted), Tue 8 is a holiday → Wed 9.
    expect(request).toMatchObject({ kind: 'rectification', status: 'in_review', fields: ['phone'], dueAt: '2026-12-09T23:59:59.999-03:00' });
    expect(await ctx.app.services.privacy.isProcessingBlocked(customer.id)).toBe(true);

    const sent: string[] = [];
    const email: EmailSender = { kind: 'outbox', send: async (m) => (sent.push(m.notificationId), { messageId: 'm' }), close: () => undefined };
    const whatsapp = { send: async () => ({ messageId: 'w' }) } as unknown as WhatsAppSender;
    const notifier = createNotificationService({ db: db(), config: loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir }), clock: ctx.clock, log: () => undefined, senders: { email, whatsapp } });
    notifier.isProcessingBlocked = (id) => ctx.app.services.privacy.isProcessingBlocked(id);
    await notifier.dispatchDue(ctx.clock.now());
    const rows = await db().selectFrom('notifications').select(['id', 'kind', 'status', 'last_error']).where('booking_id', '=', booking.id).where('kind', '=', 'confirmation').execute();
    expect(rows).toEqual([{ id: expect.any(String), kind: 'confirmation', status: 'skipped', last_error: 'customer data blocked: privacy request under review' }]);
    // Other customers' messages went out in the same run; this one's did not.
    expect(sent.length).toBeGreaterThan(0);
    expect(sent).not.toContain(rows[0]!.id);

    // Answered: no longer blocked.
    const answered = await ctx.app.inject({ method: 'POST', url: `/api/v1/admin/privacy/requests/${request.id}/answer`, headers: admin.auth, payload: { outcome: 'completed', answer: 'Corregimos el DNI en la factura.' } });
    expect(answered.statusCode, answered.body).toBe(200);
    expect(await ctx.app.services.privacy.isProcessingBlocked(customer.id)).toBe(false);
    const mine = json(await ctx.app.inject({ url: '/api/v1/me/privacy-requests', headers: customer.auth }));
    expect(mine.items).toMatchObject([{ id: request.id, status: 'completed', answer: 'Corregimos el DNI en la factura.' }]);
  });
});

describe('the admin queue', () => {
  it('shows what is overdue, answers once, and refuses bad answers', async () => {
    const receipt = json(await ctx.app.inject({ method: 'POST', url: '/api/v1/public/cancellation', payload: { email: 'vencida@example.com' } }));
    ctx.clock.advance(25 * 3_600_000);
    try {
      const overdue = json(await ctx.app.inject({ url: '/api/v1/admin/privacy/requests?status=overdue', headers: admin.auth }));
      const item = overdue.items.find((i: { procedureCode: string }) => i.procedureCode === receipt.procedureCode);
      expect(item).toMatchObject({ kind: 'cancellation', deadline: 'overdue', contactEmail: 'vencida@example.com' });
      const summary = json(await ctx.app.inject({ url: '/api/v1/admin/privacy/summary', headers: admin.auth }));
      expect(summary.requests.overdue).toBeGreaterThanOrEqual(1);
      expect(summary.requests.mostOverdue).not.toBeNull();
      expect(summary.holidayTableCoversUntil).toBe('2027-12-31');

      const answer = (id: string, payload: Record<string, unknown>) => ctx.app.inject({ method: 'POST', url: `/api/v1/admin/privacy/requests/${id}/answer`, headers: admin.auth, payload });
      expectProblem(await answer(item.id, { outcome: 'maybe', answer: 'hola que tal' }), 400, 'validation_failed');
      expectProblem(await answer('00000000-0000-4000-8000-000000000000', { outcome: 'completed', answer: 'Dimos de baja la cuenta.' }), 404, 'not_found');
      const done = await answer(item.id, { outcome: 'completed', answer: 'Dimos de baja la cuenta.' });
      expect(done.statusCode, done.body).toBe(200);
      expect(json(done)).toMatchObject({ status: 'completed', deadline: 'answered' });
      expectProblem(await answer(item.id, { outcome: 'rejected', answer: 'Otra respuesta' }), 409, 'request_already_answered');
      expectProblem(await ctx.app.inject({ url: '/api/v1/admin/privacy/requests?status=whatever', headers: admin.auth }), 400, 'validation_failed');
    } finally {
      ctx.clock.set(NOW);
    }
  });

  it('summarizes consent coverage over the accounts in use', async () => {
    const summary = json(await ctx.app.inject({ url: '/api/v1/admin/privacy/summary', headers: admin.auth }));
    const users = await db().selectFrom('users').select(['id', 'role']).where('deleted_at', 'is', null).where('role', '!=', 'admin').execute();
    expect(summary.consent.accounts).toBe(users.length);
    const withBoth = await db()
      .selectFrom('consents')
      .select('user_id')
      .where('document', 'in', ['terms', 'privacy_notice'])
      .where('granted', '=', true)
      .groupBy('user_id')
      .having((eb) => eb.fn.count('document').distinct(), '=', 2)
      .execute();
    expect(summary.consent.coverage).toBeCloseTo(withBoth.length / users.length, 10);
    expect(summary.consent.coverage).toBeGreaterThan(0);
    expect(summary.consent.coverage).toBeLessThan(1); // the fixture accounts never accepted anything
  });
});

describe('deletion that needs a person', () => {
  it('a shop owner’s request is reviewed: blocked meanwhile, carried out when an admin completes it; the shop stays', async () => {
    const owner = shop.owner;
    const auth = owner.auth;
    const password = await ctx.app.inject({ method: 'POST', url: '/api/v1/me/deletion', headers: auth, payload: { password: 'no es la clave', confirm: true } });
    expectProblem(password, 403, 'password_mismatch');
    const res = await ctx.app.inject({ method: 'POST', url: '/api/v1/me/deletion', headers: auth, payload: { password: TEST_PASSWORD, confirm: true } });
    expect(res.statusCode, res.body).toBe(202);
    const request = json(res);
    expect(request).toMatchObject({ kind: 'deletion', status: 'in_review' });
    expect(await ctx.app.services.privacy.isProcessingBlocked(owner.id)).toBe(true);
    expectProblem(await ctx.app.inject({ method: 'POST', url: '/api/v1/me/deletion', headers: auth, payload: { password: TEST_PASSWORD, confirm: true } }), 409, 'deletion_already_requested');
    // Still their account until someone completes it.
    expect(json(await ctx.app.inject({ url: '/api/v1/me', headers: auth })).email).toBe(owner.email);

    const queue = json(await ctx.app.inject({ url: '/api/v1/admin/privacy/requests?status=in_review', headers: admin.auth }));
    expect(queue.items.find((i: { id: string }) => i.id === request.id)).toMatchObject({ reviewReasons: ['owns_shops'], deadline: 'on_time' });
    const done = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/admin/privacy/requests/${request.id}/answer`,
      headers: admin.auth,
      payload: { outcome: 'completed', answer: 'Transferimos la barbería y eliminamos tu cuenta.' },
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(json(done)).toMatchObject({ status: 'completed' });
    const user = await db().selectFrom('users').select(['full_name', 'email', 'deleted_at']).where('id', '=', owner.id).executeTakeFirstOrThrow();
    expect(user.full_name).toBe('Usuario eliminado');
    expect(user.deleted_at).not.toBeNull();
    expect(await db().selectFrom('shop_members').select('user_id').where('user_id', '=', owner.id).execute()).toEqual([]);
    expect(await db().selectFrom('shops').select('id').where('id', '=', shop.shopId).executeTakeFirst()).toBeDefined();
    expectProblem(await ctx.app.inject({ url: '/api/v1/me', headers: auth }), 401);
    expect(await ctx.app.services.privacy.isProcessingBlocked(owner.id)).toBe(false);
  });

  it('operators cannot delete their own account here', async () => {
    expectProblem(await ctx.app.inject({ method: 'POST', url: '/api/v1/me/deletion', headers: admin.auth, payload: { password: TEST_PASSWORD, confirm: true } }), 422, 'admin_account');
  });
});

describe('procedure codes', () => {
  it('name the kind and the Argentine year, and use an alphabet without look-alike letters', () => {
    expect(newProcedureCode('withdrawal', new Date('2026-12-31T23:30:00-03:00'), Buffer.alloc(8, 255))).toBe('ARR-2026-ZZZZZZZZ');
    expect(newProcedureCode('deletion', new Date('2027-01-01T02:30:00Z'), Buffer.from([0, 1, 2, 3, 4, 5, 6, 7]))).toBe('SUP-2026-01234567');
    for (let i = 0; i < 200; i++) expect(newProcedureCode('access', new Date(NOW))).toMatch(/^ACC-2026-[0-9ABCDEFGHJKMNPQRSTVWXYZ]{8}$/);
  });
});

describe('logs', () => {
  it('name the fields changed, never the values, names, emails or what a requester wrote', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const database = await createTestDatabase();
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'info', JWT_SECRET: TEST_JWT_SECRET, DATA_DIR: dataDir });
    const app = await buildApp({ config, database, jwtSecret: TEST_JWT_SECRET, clock: new ManualClock(NOW), logger: { ...(loggerOptions(config) as object), stream } });
    try {
      const reg = json(
        await app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { email: 'log-privado@example.com', password: TEST_PASSWORD, fullName: 'Nombre Privado', acceptTerms: true } }),
      );
      const auth = { authorization: `Bearer ${reg.accessToken}` };
      const rect = await app.inject({
        method: 'POST',
        url: '/api/v1/me/rectification',
        headers: auth,
        payload: { fullName: 'Apellido Secreto', phone: '+54 9 11 7777-1234', email: 'log-nuevo@example.com', currentPassword: TEST_PASSWORD, otherData: 'Mi DNI 30999888 figura mal' },
      });
      expect(rect.statusCode, rect.body).toBe(201);
      await app.inject({ url: '/api/v1/me/data-export', headers: auth });
      await app.inject({ method: 'POST', url: '/api/v1/public/withdrawal', payload: { email: 'arrepentido-secreto@example.com', fullName: 'Arrepentido Secreto', reason: 'texto reservado' } });
      await app.inject({ method: 'POST', url: '/api/v1/me/deletion', headers: auth, payload: { password: TEST_PASSWORD, confirm: true } });
      const all = lines.join('\n');
      expect(all).toContain('rectification recorded');
      expect(all).toContain('"fields":["fullName","phone","email"]');
      expect(all).toContain('consumer request received');
      for (const secret of ['Nombre Privado', 'Apellido Secreto', '7777-1234', 'log-privado@', 'log-nuevo@', '30999888', 'arrepentido-secreto', 'Arrepentido Secreto', 'texto reservado', TEST_PASSWORD])
        expect(all, secret).not.toContain(secret);
    } finally {
      await app.close();
      await database.close();
    }
  });
});
