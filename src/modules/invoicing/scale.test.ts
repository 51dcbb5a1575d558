import { createServer, request, type Server } from 'node:http';
import { sql, type RawBuilder } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createShopFixture, linkMercadoPagoSeller, type ShopFixture } from '../../../test/fixtures.js';
import { createTestContext, freePort, json, TEST_ENV, TEST_JWT_SECRET, waitFor, type TestContext, type TestUser } from '../../../test/helpers.js';
import { buildApp } from '../../app.js';
import { ManualClock } from '../../platform/clock.js';
import { loadConfig } from '../../platform/config.js';
import { createDatabase, type Database } from '../../platform/db/database.js';
import { InProcessJobQueue } from '../../platform/queue/in-process-queue.js';
import { startAfipSandbox, type AfipSandbox } from '../../sandbox/afip/index.js';
import { startMercadoPagoSandbox, type MercadoPagoSandbox } from '../../sandbox/mercadopago/index.js';
import { cuitCheckDigit } from '../catalog/cuit.js';

/**
 * The issue's scale promise: with AFIP down for a run of 200 paid bookings across 4 app
 * workers, all 200 invoices are issued after recovery, numbered 1..200 with no gap or duplicate.
 *
 * The workers are four in-process apps (buildApp), not four `serve` processes: each has its own
 * PostgreSQL pool on this file's database, its own started job runner and its own HTTP port, as
 * a process would, but they share a ManualClock. That is deliberate: while AFIP is down the
 * sequence backs off on the app's clock (up to 5 minutes), and a child process's clock cannot
 * be moved past it, so real processes would make CI wait out the backoff or fake the sequence row.
 *
 * MercadoPago reaches the workers the way it reaches a fleet: every preference's
 * notification_url is one public URL, a round-robin proxy in front of the four ports, so the
 * sandbox's signed webhooks (and the duplicates it is told to redeliver) land on all of them.
 */

const templateUrl = inject('templateDatabaseUrl');

const WORKERS = 4;
const BOOKINGS = 200;
const CUSTOMERS = 8;
const BARBERS = 4;
const POINT_OF_SALE = 5;
/** Factura C: the shop is a monotributista selling to consumidores finales, so all 200 share one sequence. */
const CBTE_TIPO = 11;
const DEPOSIT_CENTS = 500_000;
const SELLER = { token: 'APP_USR-sandbox-invoicing-scale', userId: 880_001 };
/** Recovery must finish within this; a lock convoy or a stuck backoff shows up as a timeout, not a hang. */
const RECOVERY_DEADLINE_MS = 40_000;

interface Worker {
  index: number;
  app: Awaited<ReturnType<typeof buildApp>>;
  queue: InProcessJobQueue;
  database: Database;
  port: number;
  /** Webhook requests the proxy routed here. */
  webhooks: number;
  authorized: number;
}

interface Paid {
  bookingId: string;
  mpPaymentId: number;
  /** The worker the customer booked and checked out on. */
  bookedOn: number;
}

let mp: MercadoPagoSandbox;
let afip: AfipSandbox;
let ctx: TestContext;
let proxy: Server;
const workers: Worker[] = [];
let shop: ShopFixture;
let cuit: string;
let customers: TestUser[] = [];
let admin: TestUser;
const paid: Paid[] = [];

function randomCuit(): string {
  for (;;) {
    const body = '20' + String(Math.floor(Math.random() * 1e8)).padStart(8, '0');
    const digit = cuitCheckDigit(body);
    if (digit !== null) return `${body}${digit}`;
  }
}

/** The fleet's public entry point: one URL, requests spread over the workers in turn. */
async function startProxy(): Promise<string> {
  let next = 0;
  proxy = createServer((req, res) => {
    const worker = workers[next++ % workers.length]!;
    if (req.url?.startsWith('/api/v1/webhooks/')) worker.webhooks++;
    const upstream = request({ host: '127.0.0.1', port: worker.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.headersSent || res.writeHead(502).end());
    req.pipe(upstream);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => proxy.listen(port, '127.0.0.1', resolve));
  return `http://127.0.0.1:${port}`;
}

/** A start time in Argentina, `dayOffset` days ahead, at the slot's half hour from 08:00. */
function slotStart(dayOffset: number, halfHour: number): string {
  const date = new Date(ctx.clock.now().getTime() - 3 * 3_600_000 + dayOffset * 86_400_000).toISOString().slice(0, 10);
  const minutes = 8 * 60 + halfHour * 30;
  return `${date}T${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}:00-03:00`;
}

/** Booking n: its own (day, barber, half hour), on worker n % 4, by customer n % 8, paid with an approved card. */
async function bookAndPay(n: number): Promise<Paid> {
  const worker = workers[n % WORKERS]!;
  const who = customers[n % CUSTOMERS]!;
  const perDay = BARBERS * 28;
  const day = 1 + Math.floor(n / perDay);
  const barberId = shop.barberIds[n % BARBERS]!;
  const start = slotStart(day, Math.floor((n % perDay) / BARBERS));
  const created = await worker.app.inject({ method: 'POST', url: '/api/v1/bookings', headers: who.auth, payload: { shopId: shop.shopId, serviceId: shop.services.fade!.id, barberId, start } });
  expect(created.statusCode, created.body).toBe(201);
  const bookingId = json(created).id as string;
  const checkout = await worker.app.inject({ method: 'POST', url: `/api/v1/bookings/${bookingId}/checkout`, headers: who.auth });
  expect(checkout.statusCode, checkout.body).toBe(201);
  const preferenceId = (json(checkout).checkoutUrl as string).split('/').pop()!;
  const { paymentId } = mp.pay(preferenceId, { cardholderName: 'APRO' });
  // MercadoPago redelivers; every fourth payment’s notifications are sent again, to whichever worker the proxy picks next.
  if (n % 4 === 0) void mp.deliver(paymentId, { concurrent: true });
  return { bookingId, mpPaymentId: paymentId, bookedOn: worker.index };
}

const count = async (query: RawBuilder<{ n: number }>) => (await query.execute(ctx.database.db)).rows[0]!.n;

const shopInvoices = () => ctx.database.db.selectFrom('invoices').selectAll().where('shop_id', '=', shop.shopId).orderBy('created_at').orderBy('id').execute();

describe.skipIf(!templateUrl)(`${BOOKINGS} paid bookings across ${WORKERS} app workers while AFIP is down (real PostgreSQL)`, () => {
  beforeAll(async () => {
    mp = await startMercadoPagoSandbox({
      webhookSecret: TEST_ENV.MP_WEBHOOK_SECRET,
      clientId: 'app-test',
      clientSecret: 'app-test-secret',
      sellerTokens: { [SELLER.token]: SELLER.userId },
      webhookRetryDelaysMs: [50, 100, 200],
    });
    const clock = new ManualClock(new Date());
    afip = await startAfipSandbox({ clock });
    ctx = await createTestContext({ clock });
    const name = (await sql<{ name: string }>`select current_database() as name`.execute(ctx.database.db)).rows[0]!.name;
    const url = new URL(templateUrl!);
    url.pathname = `/${name}`;

    const publicUrl = await startProxy();
    const config = loadConfig({ ...TEST_ENV, PUBLIC_BASE_URL: publicUrl, AFIP_WSAA_URL: afip.wsaaUrl, AFIP_WSFE_URL: afip.wsfeUrl, AFIP_TIMEOUT_MS: '3000' });
    for (let index = 0; index < WORKERS; index++) {
      // A pool of its own, as a separate process would have: no worker borrows another's connections.
      const database = await createDatabase({ kind: 'postgres', url: url.toString(), poolMax: 6 });
      const queue = new InProcessJobQueue();
      const app = await buildApp({
        config,
        database,
        jwtSecret: TEST_JWT_SECRET,
        clock,
        queue,
        mercadopago: { baseUrl: mp.url, authBaseUrl: mp.url, clientId: 'app-test', clientSecret: 'app-test-secret' },
      });
      const port = await freePort();
      await app.listen({ port, host: '127.0.0.1' });
      await queue.start();
      workers.push({ index, app, queue, database, port, webhooks: 0, authorized: 0 });
    }

    shop = await createShopFixture(ctx, {
      taxCondition: 'monotributo',
      barbers: BARBERS,
      weekdays: [0, 1, 2, 3, 4, 5, 6],
      open: 8 * 60,
      close: 22 * 60,
      lunch: null,
      holdMinutes: 30,
      services: [{ key: 'fade', name: 'Corte fade', durationMinutes: 30, priceCents: 2_000_000, deposit: { kind: 'percent', value: 25 } }],
    });
    cuit = randomCuit();
    await ctx.database.db.updateTable('shops').set({ cuit }).where('id', '=', shop.shopId).execute();
    await linkMercadoPagoSeller(ctx.database.db, shop.shopId, { token: SELLER.token, userId: SELLER.userId });
    afip.state.enablePointOfSale(cuit, POINT_OF_SALE);
    const issued = afip.issueCertificate({ cuit, commonName: `barberia-${cuit}` });
    const settings = await workers[0]!.app.inject({
      method: 'PUT',
      url: `/api/v1/shops/${shop.shopId}/fiscal-settings`,
      headers: shop.owner.auth,
      payload: {
        pointOfSale: POINT_OF_SALE,
        businessName: 'Barbería Escala SRL',
        grossIncomeRegistration: '901-123456-7',
        activityStartDate: '2020-03-01',
        certificatePem: issued.certPem,
        privateKeyPem: issued.keyPem,
        environment: 'sandbox',
        enabled: true,
      },
    });
    expect(settings.statusCode, settings.body).toBe(200);
    customers = await Promise.all(Array.from({ length: CUSTOMERS }, () => ctx.createUser('customer')));
    admin = await ctx.createUser('admin');
  }, 60_000);

  afterAll(async () => {
    await mp?.close();
    for (const w of workers) {
      await w.queue.close();
      await w.app.close();
      await w.database.close();
    }
    await new Promise((resolve) => (proxy ? proxy.close(resolve) : resolve(undefined)));
    await afip?.close();
    await ctx?.close();
  });

  it('AFIP down: every booking is paid through MercadoPago and confirmed, every invoice waits unnumbered, the books balance', async () => {
    await afip.controls.setDown('503');
    const started = performance.now();
    // One lane per customer, each paying its bookings one after another: 8 checkouts in flight across the 4 workers.
    const lanes = Array.from({ length: CUSTOMERS }, async (_, lane) => {
      for (let n = lane; n < BOOKINGS; n += CUSTOMERS) paid.push(await bookAndPay(n));
    });
    await Promise.all(lanes);
    await waitFor(
      () => count(sql<{ n: number }>`select count(*)::int as n from bookings where shop_id = ${shop.shopId} and status = 'confirmed'`),
      (n) => n === BOOKINGS,
      30_000,
    );
    await mp.idle();
    await waitFor(() => count(sql<{ n: number }>`select count(*)::int as n from payment_notifications where processed_at is null`), (n) => n === 0, 15_000);
    console.log(`[scale] ${BOOKINGS} bookings paid and confirmed in ${Math.round(performance.now() - started)} ms; webhooks per worker: ${workers.map((w) => w.webhooks).join(', ')}`);

    expect(paid).toHaveLength(BOOKINGS);
    // Each worker took checkouts and received MercadoPago's notifications.
    for (const w of workers) {
      expect(paid.filter((p) => p.bookedOn === w.index).length).toBe(BOOKINGS / WORKERS);
      expect(w.webhooks, `webhooks routed to worker ${w.index}`).toBeGreaterThan(0);
    }
    expect(mp.deliveries.filter((d) => d.ok).length).toBeGreaterThan(BOOKINGS);

    const bookings = await ctx.database.db.selectFrom('bookings').select(['id', 'status']).where('shop_id', '=', shop.shopId).execute();
    expect(bookings).toHaveLength(BOOKINGS);
    expect(bookings.every((b) => b.status === 'confirmed')).toBe(true);
    const payments = await ctx.database.db.selectFrom('payments').select(['booking_id', 'status', 'amount_cents']).where('shop_id', '=', shop.shopId).execute();
    expect(payments.filter((p) => p.status === 'approved')).toHaveLength(BOOKINGS);

    // Duplicated notifications on several workers still made one invoice per payment, none numbered.
    const invoices = await shopInvoices();
    expect(invoices).toHaveLength(BOOKINGS);
    expect(new Set(invoices.map((i) => i.booking_id)).size).toBe(BOOKINGS);
    expect(new Set(invoices.map((i) => i.booking_id))).toEqual(new Set(paid.map((p) => p.bookingId)));
    for (const i of invoices)
      expect(i).toMatchObject({ kind: 'invoice', status: 'pending', number: null, cae: null, cuit, point_of_sale: POINT_OF_SALE, cbte_tipo: CBTE_TIPO, total_cents: DEPOSIT_CENTS });

    // The workers did try (the kicks after each payment reached AFIP's 503) and backed off.
    expect(afip.state.requests.some((r) => r.outcome === 'down')).toBe(true);
    const sequence = await ctx.database.db.selectFrom('invoice_sequences').selectAll().where('cuit', '=', cuit).executeTakeFirstOrThrow();
    expect(sequence.failures).toBeGreaterThan(0);
    expect(sequence.retry_at).not.toBeNull();
    expect(afip.state.lastNumber(cuit, POINT_OF_SALE, CBTE_TIPO)).toBe(0);
    expect(afip.state.tickets().filter((t) => t.cuit === cuit)).toHaveLength(0);

    const check = json(await workers[1]!.app.inject({ url: '/api/v1/admin/ledger/check', headers: admin.auth }));
    expect(check).toMatchObject({ ok: true, trialBalance: { amountCents: 0 }, unbalancedEntries: [], approvedPaymentsWithoutPostings: [] });
  }, 90_000);

  it('AFIP back: the four workers issuing at once number all 200 invoices 1..200, in the order they were recorded, as AFIP records them, with one WSAA login', async () => {
    expect(paid).toHaveLength(BOOKINGS);
    await afip.controls.setDown(false);
    // Past the sequence's backoff (at most 5 minutes), on the clock every worker reads.
    ctx.clock.advance(10 * 60_000);

    const started = performance.now();
    let rounds = 0;
    for (;;) {
      const pending = await count(sql<{ n: number }>`select count(*)::int as n from invoices where shop_id = ${shop.shopId} and status in ('pending', 'issuing')`);
      if (pending === 0) break;
      if (performance.now() - started > RECOVERY_DEADLINE_MS) throw new Error(`${pending} invoices still not issued after ${RECOVERY_DEADLINE_MS} ms (${rounds} rounds)`);
      rounds++;
      // What each worker's invoices.issue job runs, on all four at the same moment.
      const reports = await Promise.all(workers.map((w) => w.app.services.invoicing.issuePending()));
      reports.forEach((r, i) => (workers[i]!.authorized += r.authorized));
      expect(reports.reduce((sum, r) => sum + r.failed + r.rejected, 0), JSON.stringify(reports)).toBe(0);
    }
    const elapsed = Math.round(performance.now() - started);
    console.log(`[scale] ${BOOKINGS} invoices issued in ${elapsed} ms over ${rounds} round(s); authorized per worker: ${workers.map((w) => w.authorized).join(', ')}`);
    expect(workers.reduce((sum, w) => sum + w.authorized, 0)).toBe(BOOKINGS);
    // The race was real: more than one worker numbered vouchers of the one sequence.
    expect(workers.filter((w) => w.authorized > 0).length).toBeGreaterThan(1);

    const invoices = await shopInvoices();
    expect(invoices).toHaveLength(BOOKINGS);
    for (const i of invoices) {
      expect(i).toMatchObject({ status: 'authorized', cuit, point_of_sale: POINT_OF_SALE, cbte_tipo: CBTE_TIPO });
      expect(i.cae).toMatch(/^\d{14}$/);
    }
    const numbers = invoices.map((i) => i.number!);
    const oneToN = Array.from({ length: BOOKINGS }, (_, k) => k + 1);
    expect([...numbers].sort((a, b) => a - b)).toEqual(oneToN);
    // Oldest first (issuer.ts): listed in the order the collections were recorded, the numbers run 1..200.
    expect(numbers).toEqual(oneToN);

    // AFIP's own books agree: 200 vouchers in the sequence, each the one we stored under its number.
    expect(afip.state.lastNumber(cuit, POINT_OF_SALE, CBTE_TIPO)).toBe(BOOKINGS);
    const atAfip = afip.state.vouchers().filter((v) => v.cuit === cuit);
    expect(atAfip.map((v) => [v.ptoVta, v.cbteTipo])).toEqual(Array(BOOKINGS).fill([POINT_OF_SALE, CBTE_TIPO]));
    expect(atAfip.map((v) => v.cbteNro).sort((a, b) => a - b)).toEqual(oneToN);
    const byNumber = new Map(atAfip.map((v) => [v.cbteNro, v]));
    for (const i of invoices) {
      const v = byNumber.get(i.number!)!;
      expect(v.impTotal).toBe(i.total_cents);
      expect(v.cae).toBe(i.cae);
    }
    // Nothing was sent twice or refused as out of sequence.
    const solicitudes = afip.state.requests.filter((r) => r.operation === 'FECAESolicitar');
    expect(solicitudes.filter((r) => r.outcome === 'ok')).toHaveLength(BOOKINGS);
    expect(solicitudes.filter((r) => r.outcome !== 'ok')).toEqual([]);

    // One WSAA login for the certificate, shared by the four workers through the database.
    expect(afip.state.tickets().filter((t) => t.cuit === cuit)).toHaveLength(1);
    const logins = afip.state.requests.filter((r) => r.operation === 'loginCms');
    expect(logins).toEqual([{ service: 'wsaa', operation: 'loginCms', outcome: 'ok' }]);

    const audited = await count(sql<{ n: number }>`select count(*)::int as n from audit_log where event_type = 'invoice.authorized' and payload->>'shopId' = ${shop.shopId}`);
    expect(audited).toBe(BOOKINGS);
    const check = json(await workers[2]!.app.inject({ url: '/api/v1/admin/ledger/check', headers: admin.auth }));
    expect(check).toMatchObject({ ok: true, trialBalance: { amountCents: 0 } });
  }, 60_000);
});
