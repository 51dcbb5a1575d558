import { randomBytes } from 'node:crypto';
import { createCipheriv } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShopFixture, type ShopFixture } from '../../../test/fixtures.js';
import { createTestContext, json, TEST_ENV, TEST_JWT_SECRET, type TestContext } from '../../../test/helpers.js';
import { buildApp } from '../../app.js';
import { runKeysRotate, runKeysStatus, type KeyStatus } from '../../cli/keys.js';
import { AccountsRepository } from '../../modules/accounts/repository.js';
import { InvoicingRepository } from '../../modules/invoicing/repository.js';
import { NotificationsRepository } from '../../modules/notifications/repository.js';
import { loadConfig } from '../config.js';
import { PersonalDataCipher, createPersonalDataCipher } from './personal-data.js';
import { sealPlaintextAtMigrate, sealedCoverage } from './rotation.js';
import { SecretBox, parseKeyRing } from './secret-box.js';

const OLD = TEST_ENV.DATA_ENCRYPTION_KEYS; // test1:…
const NEW_KEY = `k2:${Buffer.alloc(32, 42).toString('base64')}`;
const oldConfig = loadConfig(TEST_ENV);
const ringConfig = loadConfig({ ...TEST_ENV, DATA_ENCRYPTION_KEYS: `${NEW_KEY},${OLD}` });
const newOnlyConfig = loadConfig({ ...TEST_ENV, DATA_ENCRYPTION_KEYS: NEW_KEY });

let ctx: TestContext;
let shop: ShopFixture;
const oldCipher = createPersonalDataCipher(oldConfig);

/** A v1 value exactly as the pre-envelope SecretBox wrote it. */
function legacySeal(plaintext: string, context: string): string {
  const key = parseKeyRing(OLD).keys.get('test1')!;
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', 'test1', nonce.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

interface Customer {
  id: string;
  auth: { authorization: string };
  phone: string;
  bookingId: string;
  invoiceId: string;
  dni: string;
}

/** A customer with a phone, a WhatsApp number, billing data and an invoice, all written under `cipher`. */
async function customerWithEverything(cipher: PersonalDataCipher, n: number): Promise<Customer> {
  const db = ctx.database.db;
  const phone = `+54 9 11 5555-${String(1000 + n)}`;
  const user = await new AccountsRepository(db, cipher).insertUser({ email: `rest-${n}-${randomBytes(3).toString('hex')}@example.com`, password_hash: 'x', full_name: `Cliente ${n}`, phone, role: 'customer' });
  await new NotificationsRepository(db, cipher).savePreferences(user!.id, { email: true, whatsapp: true, whatsappPhone: `+54911555${String(10000 + n)}` }, new Date());
  const starts = new Date(Date.UTC(2026, 11, 10, 13, 0) + n * 3_600_000);
  const ends = new Date(starts.getTime() + 30 * 60_000);
  const booking = await db
    .insertInto('bookings')
    .values({ shop_id: shop.shopId, barber_id: shop.barberIds[0]!, service_id: shop.services.cut!.id, customer_id: user!.id, status: 'confirmed', starts_at: starts, ends_at: ends, blocked_from: starts, blocked_to: ends, price_cents: 1_000_000 })
    .returning('id')
    .executeTakeFirstOrThrow();
  const dni = String(30_000_000 + n);
  const receiver = { kind: 'dni', dni, name: `Cliente ${n}` };
  const invoicing = new InvoicingRepository(db, cipher);
  expect(await invoicing.saveBilling(booking.id, receiver, null)).toBe(true);
  const payment = await db.insertInto('payments').values({ booking_id: booking.id, shop_id: shop.shopId, status: 'approved', amount_cents: 1_000_000 }).returning('id').executeTakeFirstOrThrow();
  const invoiceId = await invoicing.insertInvoice(db, {
    shop_id: shop.shopId,
    booking_id: booking.id,
    payment_id: payment.id,
    kind: 'invoice',
    source_ref: `rest-${booking.id}`,
    associated_invoice_id: null,
    cbte_tipo: 11,
    point_of_sale: 3,
    cuit: '20123456786',
    total_cents: 1_000_000,
    net_cents: 1_000_000,
    iva_cents: 0,
    iva_rate_id: null,
    receiver,
  });
  expect(await invoicing.claimNumber(invoiceId!, 0, { number: n + 1, issueDate: '2026-12-10', document: { receiver, number: n + 1 }, netCents: 1_000_000, ivaCents: 0, ivaRateId: null })).toBe(true);
  const { token } = await ctx.tokens.issueAccessToken({ userId: user!.id, role: 'customer' }, ctx.clock.now());
  return { id: user!.id, auth: { authorization: `Bearer ${token}` }, phone, bookingId: booking.id, invoiceId: invoiceId!, dni };
}

async function expectReadable(app: TestContext['app'], cipher: PersonalDataCipher, c: Customer): Promise<void> {
  const me = await app.inject({ url: '/api/v1/me', headers: c.auth });
  expect(me.statusCode, me.body).toBe(200);
  expect(json(me).phone).toBe(c.phone);
  const prefs = await new NotificationsRepository(ctx.database.db, cipher).preferences(c.id);
  expect(prefs.whatsappPhone).toMatch(/^\+54911555\d{5}$/);
  const invoicing = new InvoicingRepository(ctx.database.db, cipher);
  expect((await invoicing.billing(c.bookingId))!.receiver).toMatchObject({ kind: 'dni', dni: c.dni });
  const [invoice] = await invoicing.forBooking(c.bookingId);
  expect(invoice!.receiver).toMatchObject({ kind: 'dni', dni: c.dni });
  expect(invoice!.document).toMatchObject({ receiver: { dni: c.dni } });
}

beforeAll(async () => {
  ctx = await createTestContext({ now: '2026-12-01T12:00:00Z' });
  shop = await createShopFixture(ctx, { services: [{ key: 'cut', durationMinutes: 30, priceCents: 1_000_000 }] });
});
afterAll(async () => ctx?.close());

describe('personal data at rest', () => {
  it('is stored sealed (v2 envelope, key id per value) with keyed hashes, and read back in the clear', async () => {
    const c = await customerWithEverything(oldCipher, 1);
    const raw = await ctx.database.db.selectFrom('users').select(['phone', 'phone_hash']).where('id', '=', c.id).executeTakeFirstOrThrow();
    expect(raw.phone).toMatch(/^v2\.test1\./);
    expect(raw.phone).not.toContain('5555');
    expect(raw.phone_hash).toBe(oldCipher.keyedHash('phone', c.phone));
    // The keyed hash finds the account whatever the formatting of the number.
    expect(await new AccountsRepository(ctx.database.db, oldCipher).findUserIdsByPhone(c.phone.replace(/[^\d]/g, ''))).toEqual([c.id]);

    const billing = await sql<{ receiver: string; document_hash: string }>`select receiver::text, document_hash from booking_billing where booking_id = ${c.bookingId}`.execute(ctx.database.db);
    expect(billing.rows[0]!.receiver).toMatch(/^\{"sealed": "v2\.test1\./);
    expect(billing.rows[0]!.receiver).not.toContain(c.dni);
    const invoice = await sql<{ receiver: string; document: string }>`select receiver::text, document::text from invoices where id = ${c.invoiceId}`.execute(ctx.database.db);
    expect(invoice.rows[0]!.receiver).not.toContain(c.dni);
    expect(invoice.rows[0]!.document).not.toContain(c.dni);
    expect(await new InvoicingRepository(ctx.database.db, oldCipher).invoiceIdsForReceiverDocument(`${c.dni.slice(0, 2)}.${c.dni.slice(2, 5)}.${c.dni.slice(5)}`)).toEqual([c.invoiceId]);

    await expectReadable(ctx.app, oldCipher, c);
    // A value copied into another row does not open there (the context binds it to its row).
    const other = await customerWithEverything(oldCipher, 2);
    await ctx.database.db.updateTable('users').set({ phone: raw.phone }).where('id', '=', other.id).execute();
    expect((await ctx.app.inject({ url: '/api/v1/me', headers: other.auth })).statusCode).toBe(500);
    await ctx.database.db.updateTable('users').set({ phone: oldCipher.seal(other.phone, `users.phone:${other.id}`) }).where('id', '=', other.id).execute();
  });

  it('plaintext written before encryption (or by code that forgot) is sealed by the migrate-time step, hashes filled', async () => {
    const c = await customerWithEverything(oldCipher, 3);
    await ctx.database.db.updateTable('users').set({ phone: c.phone, phone_hash: null }).where('id', '=', c.id).execute();
    await sql`update booking_billing set receiver = ${JSON.stringify({ kind: 'dni', dni: c.dni, name: 'Cliente 3' })}::jsonb, document_hash = null where booking_id = ${c.bookingId}`.execute(ctx.database.db);
    const before = await sealedCoverage(ctx.database.db);
    expect(before.find((x) => x.table === 'users' && x.column === 'phone')!.plaintext).toBe(1);
    expect(before.find((x) => x.table === 'booking_billing')!.plaintext).toBe(1);
    // Read in the meantime: plaintext is served as it is, nothing breaks during a rollout.
    await expectReadable(ctx.app, oldCipher, c);

    expect(await sealPlaintextAtMigrate(ctx.database.db, oldCipher)).toBe(2);
    expect(await sealPlaintextAtMigrate(ctx.database.db, oldCipher)).toBe(0);
    const raw = await ctx.database.db.selectFrom('users').select(['phone', 'phone_hash']).where('id', '=', c.id).executeTakeFirstOrThrow();
    expect(raw.phone).toMatch(/^v2\.test1\./);
    expect(raw.phone_hash).toBe(oldCipher.keyedHash('phone', c.phone));
    const billing = await ctx.database.db.selectFrom('booking_billing').select('document_hash').where('booking_id', '=', c.bookingId).executeTakeFirstOrThrow();
    expect(billing.document_hash).toBe(oldCipher.keyedHash('document', c.dni));
    expect((await sealedCoverage(ctx.database.db)).every((x) => x.plaintext === 0)).toBe(true);
    await expectReadable(ctx.app, oldCipher, c);
  });

  it('keys rotate: online (the app keeps reading during it), resumable, then the old key can go and everything still decrypts', async () => {
    const customers: Customer[] = [];
    for (let n = 10; n < 22; n++) customers.push(await customerWithEverything(oldCipher, n));
    // Secrets are rotated too, including a pre-envelope v1 token.
    const box = new SecretBox(parseKeyRing(OLD));
    await ctx.database.db
      .insertInto('merchant_accounts')
      .values({ shop_id: shop.shopId, mp_user_id: '123', access_token_sealed: legacySeal('APP_USR-legacy', `merchant_accounts.access_token:${shop.shopId}`), refresh_token_sealed: box.encrypt('TG-refresh', `merchant_accounts.refresh_token:${shop.shopId}`) })
      .execute();
    await ctx.database.db.insertInto('afip_tickets').values({ key: 'wsfe:test', token_sealed: box.encrypt('tok', 'afip_tickets.token:wsfe:test'), sign_sealed: box.encrypt('sig', 'afip_tickets.sign:wsfe:test'), expires_at: new Date('2026-12-02T00:00:00Z') }).execute();

    // Step 1 of a rotation: every instance runs with the new key first and the old one still in the ring.
    const ringApp = await buildApp({ config: ringConfig, database: ctx.database, jwtSecret: TEST_JWT_SECRET, clock: ctx.clock });
    await ringApp.ready();
    const ringCipher = createPersonalDataCipher(ringConfig);
    const lines: string[] = [];
    const out = { log: (l: string) => lines.push(l), error: () => undefined };
    try {
      let stop = false;
      let reads = 0;
      const readers = (async () => {
        while (!stop) {
          for (const c of customers.slice(0, 4)) await expectReadable(ringApp, ringCipher, c);
          reads++;
        }
      })();
      // Step 2: rotate in small batches while the app reads.
      const exit = await runKeysRotate(ringConfig, { json: true, batchSize: 3 }, out, ctx.database);
      stop = true;
      await readers;
      expect(reads).toBeGreaterThan(0);
      expect(exit).toBe(0);
      const report = JSON.parse(lines.at(-1)!) as { columns: Array<{ table: string; column: string; rotatedFrom: Record<string, number>; failed: number }>; after: KeyStatus };
      const phones = report.columns.find((c) => c.table === 'users' && c.column === 'phone')!;
      expect(phones.rotatedFrom.test1).toBeGreaterThanOrEqual(customers.length);
      expect(report.columns.find((c) => c.column === 'access_token_sealed')!.rotatedFrom).toEqual({ test1: 1 });
      expect(report.columns.every((c) => c.failed === 0)).toBe(true);
      expect(report.after.byKeyId).toEqual({ k2: report.after.total });
      expect(report.after.legacy).toBe(0);
      expect(report.after.unusedKeyIds).toEqual(['test1']);

      // Idempotent: a second run has nothing left to do.
      lines.length = 0;
      expect(await runKeysRotate(ringConfig, { json: true }, out, ctx.database)).toBe(0);
      const again = JSON.parse(lines.at(-1)!) as { columns: Array<{ rotatedFrom: Record<string, number>; sealedPlaintext: number }> };
      expect(again.columns.every((c) => Object.keys(c.rotatedFrom).length === 0 && c.sealedPlaintext === 0)).toBe(true);
    } finally {
      await ringApp.close();
    }

    // Step 3: the old key leaves the ring; everything still decrypts, secrets included.
    const newApp = await buildApp({ config: newOnlyConfig, database: ctx.database, jwtSecret: TEST_JWT_SECRET, clock: ctx.clock });
    await newApp.ready();
    try {
      const newCipher = createPersonalDataCipher(newOnlyConfig);
      for (const c of customers) await expectReadable(newApp, newCipher, c);
      const account = await ctx.database.db.selectFrom('merchant_accounts').selectAll().where('shop_id', '=', shop.shopId).executeTakeFirstOrThrow();
      expect(newCipher.box.decrypt(account.access_token_sealed, `merchant_accounts.access_token:${shop.shopId}`)).toBe('APP_USR-legacy');
      expect(newCipher.box.decrypt(account.refresh_token_sealed!, `merchant_accounts.refresh_token:${shop.shopId}`)).toBe('TG-refresh');
      lines.length = 0;
      expect(await runKeysStatus(newOnlyConfig, { json: true }, out, ctx.database)).toBe(0);
      const status = JSON.parse(lines.at(-1)!) as KeyStatus;
      expect(status.currentShare).toBe(1);
      expect(status.missingKeyIds).toEqual([]);
    } finally {
      await newApp.close();
    }
  });

  it('keys status fails, naming the key, when values are under a key the ring does not have', async () => {
    const lines: string[] = [];
    const onlyOld = loadConfig(TEST_ENV);
    expect(await runKeysStatus(onlyOld, {}, { log: (l) => lines.push(l), error: (l) => lines.push(l) }, ctx.database)).toBe(1);
    expect(lines.join('\n')).toMatch(/key k2: \d+ value\(s\).*NOT IN THE RING/);
  });
});
