import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShopFixture, freshCuit, linkMercadoPagoSeller } from '../../../test/fixtures.js';
import { expectProblem, json, waitFor, type TestContext, type TestUser } from '../../../test/helpers.js';
import type { AfipSandbox } from '../../sandbox/afip/index.js';
import type { MercadoPagoSandbox } from '../../sandbox/mercadopago/index.js';
import { startSandboxStack, type SandboxStack } from '../../../test/sandbox-stack.js';

/**
 * The data-subject journey end to end, over both local sandboxes: a customer signs up, exports,
 * rectifies, pays a booking that gets a Factura B naming them (DNI), and deletes their account.
 * Afterwards every table is scanned for their name, email, phone and what they wrote: only the
 * invoices (the tax record) may still hold them, and the invoice is still valid with its PDF.
 */

const SELLER = { token: 'APP_USR-sandbox-privacy-0', userId: 810_000 };
const POINT_OF_SALE = 4;
const ORIGINAL = { fullName: 'Valentina Quiroga Ibarguren', email: 'valentina.quiroga@example.com', phone: '+54 9 11 4321-8765' };
const RECTIFIED = { fullName: 'Valentina Quiroga Iturraspe', email: 'vale.iturraspe@example.com', phone: '+54 9 351 765-4321' };
const DNI = '28765432';
const PASSWORD = 'una clave muy larga 123';
const REVIEW_TEXT = 'Me atendió Beto, soy Valentina del barrio Alberdi';

let stack: SandboxStack;
let mp: MercadoPagoSandbox;
let afip: AfipSandbox;
let ctx: TestContext;
let admin: TestUser;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'bp-rights-'));
  stack = await startSandboxStack({ sellerTokens: { [SELLER.token]: SELLER.userId }, afip: true, env: { DATA_DIR: dataDir } });
  ({ ctx, mp } = stack);
  afip = stack.afip!;
  admin = await ctx.createUser('admin');
}, 60_000);

afterAll(async () => {
  await stack?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** Tables (and how many rows) whose text holds any of the needles. */
async function tablesHolding(needles: string[]): Promise<Record<string, number>> {
  const tables = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(
    ctx.database.db,
  );
  const found: Record<string, number> = {};
  const patterns = needles.map((n) => `%${n.toLowerCase()}%`);
  for (const { table_name } of tables.rows) {
    const res = await sql<{ n: string }>`select count(*) as n from ${sql.table(table_name)} t where lower(t::text) like any(${patterns})`.execute(ctx.database.db);
    const n = Number(res.rows[0]!.n);
    if (n > 0) found[table_name] = n;
  }
  return found;
}

describe('a customer exports, rectifies and deletes their data', () => {
  it('keeps the paid invoice valid and anonymizes everything else', async () => {
    // Sign up with consent (and marketing), as the web form does.
    const signUp = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { ...ORIGINAL, password: PASSWORD, acceptTerms: true, marketingOptIn: true },
    });
    expect(signUp.statusCode, signUp.body).toBe(201);
    const session = json(signUp);
    const userId = session.user.id as string;
    expect(session.user.pendingConsents).toEqual([]);
    let auth = { authorization: `Bearer ${session.accessToken}` };

    // Export: the account as given.
    const firstExport = json(await ctx.app.inject({ url: '/api/v1/me/data-export', headers: auth }));
    expect(firstExport.account).toMatchObject({ id: userId, email: ORIGINAL.email, fullName: ORIGINAL.fullName, phone: ORIGINAL.phone });
    expect(firstExport.consents.map((c: { document: string; granted: boolean }) => [c.document, c.granted])).toEqual([
      ['terms', true],
      ['privacy_notice', true],
      ['marketing', true],
    ]);

    // Rectify name, phone and email (the email needs the password again).
    expectProblem(await ctx.app.inject({ method: 'POST', url: '/api/v1/me/rectification', headers: auth, payload: { email: RECTIFIED.email, currentPassword: 'otra cosa' } }), 403, 'password_mismatch');
    const rect = await ctx.app.inject({ method: 'POST', url: '/api/v1/me/rectification', headers: auth, payload: { ...RECTIFIED, currentPassword: PASSWORD } });
    expect(rect.statusCode, rect.body).toBe(201);
    expect(json(rect)).toMatchObject({ kind: 'rectification', status: 'completed', fields: ['fullName', 'phone', 'email'] });
    const me = json(await ctx.app.inject({ url: '/api/v1/me', headers: auth }));
    expect(me).toMatchObject({ fullName: RECTIFIED.fullName, email: RECTIFIED.email, phone: RECTIFIED.phone });
    // The request records which fields, never the values.
    const rectRow = await ctx.database.db.selectFrom('privacy_requests').select('details').where('id', '=', json(rect).id).executeTakeFirstOrThrow();
    expect(JSON.stringify(rectRow.details)).not.toMatch(/Iturraspe|Ibarguren|4321|765-4321|example\.com/);

    // WhatsApp notifications with the new number.
    const prefs = await ctx.app.inject({ method: 'PUT', url: '/api/v1/me/notification-preferences', headers: auth, payload: { email: true, whatsapp: true, whatsappPhone: RECTIFIED.phone } });
    expect(prefs.statusCode, prefs.body).toBe(200);

    // A Responsable Inscripto shop in the sandboxes; the customer books, gives their DNI and pays.
    const shop = await createShopFixture(ctx, {
      taxCondition: 'responsable_inscripto',
      weekdays: [0, 1, 2, 3, 4, 5, 6],
      open: 8 * 60,
      close: 22 * 60,
      lunch: null,
      cancellationCutoffMinutes: 60,
      services: [{ key: 'fade', name: 'Corte fade', durationMinutes: 30, priceCents: 2_000_000, deposit: { kind: 'percent', value: 25 } }],
    });
    const cuit = freshCuit();
    await ctx.database.db.updateTable('shops').set({ cuit }).where('id', '=', shop.shopId).execute();
    await linkMercadoPagoSeller(ctx.database.db, shop.shopId, SELLER);
    afip.state.enablePointOfSale(cuit, POINT_OF_SALE);
    const issued = afip.issueCertificate({ cuit, commonName: `barberia-${cuit}` });
    const fiscal = await ctx.app.inject({
      method: 'PUT',
      url: `/api/v1/shops/${shop.shopId}/fiscal-settings`,
      headers: shop.owner.auth,
      payload: {
        pointOfSale: POINT_OF_SALE,
        businessName: 'Barbería Privada SRL',
        grossIncomeRegistration: '901-123456-7',
        activityStartDate: '2020-03-01',
        certificatePem: issued.certPem,
        privateKeyPem: issued.keyPem,
        environment: 'sandbox',
        enabled: true,
      },
    });
    expect(fiscal.statusCode, fiscal.body).toBe(200);

    const day = new Date(Date.now() - 3 * 3_600_000 + 2 * 86_400_000).toISOString().slice(0, 10);
    const booked = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/bookings',
      headers: auth,
      payload: { shopId: shop.shopId, serviceId: shop.services.fade!.id, barberId: shop.barberIds[0], start: `${day}T10:00:00-03:00`, note: `Soy ${RECTIFIED.fullName}, llego justo` },
    });
    expect(booked.statusCode, booked.body).toBe(201);
    const bookingId = json(booked).id as string;
    const billing = await ctx.app.inject({ method: 'PUT', url: `/api/v1/bookings/${bookingId}/billing`, headers: auth, payload: { docType: 'dni', number: DNI, name: RECTIFIED.fullName } });
    expect(billing.statusCode, billing.body).toBe(200);
    const checkout = await ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${bookingId}/checkout`, headers: auth });
    expect(checkout.statusCode, checkout.body).toBe(201);
    mp.pay((json(checkout).checkoutUrl as string).split('/').pop()!, { cardholderName: 'APRO' });
    const invoice = await waitFor(
      () => ctx.database.db.selectFrom('invoices').selectAll().where('booking_id', '=', bookingId).where('kind', '=', 'invoice').executeTakeFirst(),
      (row) => row?.status === 'authorized',
      20_000,
    ).then((row) => row!);
    expect(invoice).toMatchObject({ cbte_tipo: 6, number: 1 });
    expect(afip.state.voucher(cuit, POINT_OF_SALE, 6, 1)).toMatchObject({ docTipo: 96, docNro: DNI, cae: invoice.cae });

    // A past visit with a review that names them.
    const past = await ctx.database.db
      .insertInto('bookings')
      .values({
        shop_id: shop.shopId,
        barber_id: shop.barberIds[1]!,
        service_id: shop.services.fade!.id,
        customer_id: userId,
        status: 'completed',
        starts_at: new Date(Date.now() - 10 * 86_400_000),
        ends_at: new Date(Date.now() - 10 * 86_400_000 + 1_800_000),
        blocked_from: new Date(Date.now() - 10 * 86_400_000),
        blocked_to: new Date(Date.now() - 10 * 86_400_000 + 1_800_000),
        price_cents: 2_000_000,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const review = await ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${past.id}/review`, headers: auth, payload: { rating: 5, comment: REVIEW_TEXT } });
    expect(review.statusCode, review.body).toBe(201);

    // The full export has all of it.
    const fullExport = json(await ctx.app.inject({ url: '/api/v1/me/data-export', headers: auth }));
    expect(fullExport.bookings.map((b: { id: string }) => b.id).sort()).toEqual([bookingId, past.id].sort());
    expect(fullExport.reviews).toMatchObject([{ bookingId: past.id, rating: 5, comment: REVIEW_TEXT }]);
    expect(fullExport.payments).toMatchObject([{ bookingId, status: 'approved', amount: { amountCents: 500_000 } }]);
    expect(fullExport.invoices).toMatchObject([{ id: invoice.id, voucher: 'Factura B', cae: invoice.cae, receiver: { kind: 'dni', document: DNI, name: RECTIFIED.fullName } }]);
    expect(fullExport.notificationPreferences).toEqual({ email: true, whatsapp: true, whatsappPhone: '+5493517654321' });
    expect(fullExport.requests.map((r: { kind: string }) => r.kind).sort()).toEqual(['access', 'access', 'rectification']);

    // The scan below can see them: before deletion they are in plain columns of several tables.
    // Phones, billing data and invoice receivers are sealed at rest, so no plaintext scan finds
    // them there (that is the encryption working); their rows are checked one by one below.
    const needles = [ORIGINAL.fullName, RECTIFIED.fullName, 'Quiroga', ORIGINAL.email, RECTIFIED.email, '4321-8765', '43218765', '765-4321', '3517654321', REVIEW_TEXT, 'Alberdi', 'llego justo'];
    expect(Object.keys(await tablesHolding(needles))).toEqual(expect.arrayContaining(['users', 'bookings', 'reviews']));
    const sealedBefore = {
      preferences: await ctx.database.db.selectFrom('notification_preferences').select('user_id').where('user_id', '=', userId).execute(),
      billing: await ctx.database.db.selectFrom('booking_billing').select('booking_id').where('booking_id', 'in', [bookingId, past.id]).execute(),
    };
    expect(sealedBefore.preferences).toHaveLength(1);
    expect(sealedBefore.billing.length).toBeGreaterThan(0);

    // Deletion: the password again, and an explicit confirmation.
    expectProblem(await ctx.app.inject({ method: 'POST', url: '/api/v1/me/deletion', headers: auth, payload: { password: PASSWORD } }), 400, 'validation_failed');
    expectProblem(await ctx.app.inject({ method: 'POST', url: '/api/v1/me/deletion', headers: auth, payload: { password: 'no es', confirm: true } }), 403, 'password_mismatch');
    expect(await ctx.database.db.selectFrom('privacy_requests').select('id').where('kind', '=', 'deletion').execute()).toEqual([]);
    const login = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: RECTIFIED.email, password: PASSWORD } });
    expect(login.statusCode).toBe(200);
    const refreshToken = json(login).refreshToken as string;
    auth = { authorization: `Bearer ${json(login).accessToken}` };

    const deletion = await ctx.app.inject({ method: 'POST', url: '/api/v1/me/deletion', headers: auth, payload: { password: PASSWORD, confirm: true } });
    expect(deletion.statusCode, deletion.body).toBe(202);
    expect(json(deletion)).toMatchObject({ kind: 'deletion', status: 'completed', procedureCode: expect.stringMatching(/^SUP-\d{4}-[0-9A-Z]{8}$/) });

    // The future booking was cancelled under the normal policy (before the cut-off: deposit refunded).
    const cancelled = await ctx.database.db.selectFrom('bookings').select(['status', 'cancelled_by', 'customer_note']).where('id', '=', bookingId).executeTakeFirstOrThrow();
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelled_by: userId, customer_note: '' });
    const refunds = await ctx.database.db.selectFrom('refunds').select(['amount_cents']).where('booking_id', '=', bookingId).execute();
    expect(refunds).toEqual([{ amount_cents: 500_000 }]);

    // The account can no longer be used in any way.
    expectProblem(await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: RECTIFIED.email, password: PASSWORD } }), 401);
    expectProblem(await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: ORIGINAL.email, password: PASSWORD } }), 401);
    expectProblem(await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken } }), 401);
    expectProblem(await ctx.app.inject({ url: '/api/v1/me', headers: auth }), 401);
    const user = await ctx.database.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ full_name: 'Usuario eliminado', phone: null, password_hash: '!deleted' });
    expect(user.email).toMatch(/@eliminado\.barberpro\.invalid$/);
    expect(user.deleted_at).not.toBeNull();

    // The rating stays, without words or name; no notification is left to send.
    const keptReview = await ctx.database.db.selectFrom('reviews').select(['rating', 'comment']).where('booking_id', '=', past.id).executeTakeFirstOrThrow();
    expect(keptReview).toEqual({ rating: 5, comment: '' });
    const publicReviews = json(await ctx.app.inject({ url: `/api/v1/shops/${shop.shopId}/reviews` }));
    expect(JSON.stringify(publicReviews)).not.toMatch(/Valentina|Quiroga|Alberdi/);
    const pending = await ctx.database.db.selectFrom('notifications').select('id').where('customer_id', '=', userId).where('status', '=', 'pending').execute();
    expect(pending).toEqual([]);

    // Scan every table: nothing names them in plaintext any more; the sealed rows that held their
    // phone and billing data are gone; only invoices — the tax record — keep a (sealed) receiver.
    expect(await tablesHolding(needles)).toEqual({});
    expect(await tablesHolding([DNI])).toEqual({});
    expect(await ctx.database.db.selectFrom('notification_preferences').select('user_id').where('user_id', '=', userId).execute()).toEqual([]);
    expect(await ctx.database.db.selectFrom('booking_billing').select('booking_id').where('booking_id', 'in', [bookingId, past.id]).execute()).toEqual([]);

    // The invoice keeps its legal fields, and its PDF is still served to the shop and to operators.
    const after = await ctx.database.db.selectFrom('invoices').selectAll().where('id', '=', invoice.id).executeTakeFirstOrThrow();
    expect(after).toMatchObject({ status: 'authorized', cae: invoice.cae, number: 1, cbte_tipo: 6, total_cents: 500_000, issue_date: invoice.issue_date });
    expect(after.receiver).toEqual(invoice.receiver);
    expect(after.document).toEqual(invoice.document);
    for (const who of [admin, shop.owner]) {
      const pdf = await ctx.app.inject({ url: `/api/v1/invoices/${invoice.id}/pdf`, headers: who.auth });
      expect(pdf.statusCode, pdf.body).toBe(200);
      expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    }

    // The queue shows the deletion answered on time.
    const queueRes = json(await ctx.app.inject({ url: '/api/v1/admin/privacy/requests?status=all&kind=deletion', headers: admin.auth }));
    expect(queueRes.items).toMatchObject([{ userId, status: 'completed', deadline: 'answered' }]);
  }, 90_000);
});
