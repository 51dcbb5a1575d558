import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createShopFixture, linkMercadoPagoSeller, type ShopFixture } from '../../../test/fixtures.js';
import { createTestContext, freePort, TEST_ENV, TEST_JWT_SECRET, waitFor, type TestContext, type TestUser } from '../../../test/helpers.js';
import { buildApp } from '../../app.js';
import { ManualClock } from '../../platform/clock.js';
import { loadConfig } from '../../platform/config.js';
import { InProcessJobQueue } from '../../platform/queue/in-process-queue.js';
import type { MercadoPagoSandbox } from '../../sandbox/mercadopago/index.js';
import { startTestMercadoPago } from '../../../test/sandbox-stack.js';
import { AuditTrail } from '../audit/service.js';
import { LedgerService } from '../ledger/service.js';
import { TEST_CRASH_ENV, testCrashPoint, type CrashPoint } from './crash-points.js';

/**
 * No crash loses an approved payment. A real server process (the CLI, as production runs it)
 * on this file's PostgreSQL database takes the checkout and MercadoPago's webhook, and is
 * killed with SIGKILL at an exact point of processing (crash-points.ts). A fresh app on the
 * same database then recovers through what production has: the reconciliation job, and
 * MercadoPago redelivering. Whatever the point, the end state is the same: the booking
 * confirmed once, one ledger entry, one audit row per event, books balanced.
 */

const templateUrl = inject('templateDatabaseUrl');
const root = fileURLToPath(new URL('../../../', import.meta.url));
const SELLER_TOKEN = 'APP_USR-sandbox-seller-crash';
const SELLER_ID = 515151;
const DEPOSIT_CENTS = 500_000;

let sandbox: MercadoPagoSandbox;
let ctx: TestContext;
let shop: ShopFixture;
let customer: TestUser;
let databaseUrl: string;
let dataDir: string;
let day = 0;

describe('the crash-point hook', () => {
  it('is off unless named, refuses unknown names, and refuses to be enabled in production', () => {
    expect(testCrashPoint('test', undefined)).toBeUndefined();
    expect(testCrashPoint('production', undefined)).toBeUndefined();
    expect(testCrashPoint('test', 'after-payment-fetched')).toBe('after-payment-fetched');
    expect(() => testCrashPoint('production', 'after-payment-fetched')).toThrow(/refused in production/);
    expect(() => testCrashPoint('development', 'after-payment-fetchd')).toThrow(/must be one of/);
  });
});

describe.skipIf(!templateUrl)('a server killed in the middle of a payment (real PostgreSQL)', () => {
  beforeAll(async () => {
    sandbox = await startTestMercadoPago({ [SELLER_TOKEN]: SELLER_ID });
    ctx = await createTestContext({ clock: new ManualClock(new Date()) });
    const name = (await sql<{ name: string }>`select current_database() as name`.execute(ctx.database.db)).rows[0]!.name;
    const url = new URL(templateUrl!);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    dataDir = mkdtempSync(join(tmpdir(), 'barberpro-crash-'));

    shop = await createShopFixture(ctx, {
      weekdays: [0, 1, 2, 3, 4, 5, 6],
      open: 9 * 60,
      close: 20 * 60,
      lunch: null,
      holdMinutes: 30,
      services: [{ key: 'fade', name: 'Corte fade', durationMinutes: 30, priceCents: 2_000_000, deposit: { kind: 'percent', value: 25 } }],
    });
    await linkMercadoPagoSeller(ctx.database.db, shop.shopId, { token: SELLER_TOKEN, userId: SELLER_ID });
    customer = await ctx.createUser('customer');
  }, 60_000);

  afterAll(async () => {
    await ctx?.close();
    await sandbox?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** `npx barberpro serve` on this file's database, set to kill itself at `crashAt`. */
  async function startServer(port: number, crashAt: CrashPoint) {
    const base = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...TEST_ENV,
      LOG_LEVEL: 'warn',
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_MAX: '4',
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_BASE_URL: base,
      MP_BASE_URL: sandbox.url,
      [TEST_CRASH_ENV]: crashAt,
    };
    // The in-process job runner: whatever it held dies with the process, as BullMQ's active jobs would stall.
    delete env.REDIS_URL;
    delete env.OTEL_EXPORTER_OTLP_ENDPOINT;
    const child = spawn(process.execPath, [join(root, 'bin/barberpro.mjs'), 'serve'], { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        if ((await fetch(`${base}/readyz`)).status === 200) break;
      } catch {
        // not listening yet
      }
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return {
      base,
      async died() {
        const result = await Promise.race([exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`server did not die: ${stderr}`)), 20_000))]);
        return { ...result, stderr };
      },
      kill: () => child.kill('SIGKILL'),
    };
  }

  /** A fresh instance on the same database and port (MercadoPago keeps calling the URL it was given). */
  async function startFreshApp(port: number) {
    const queue = new InProcessJobQueue();
    const app = await buildApp({
      config: loadConfig({ ...TEST_ENV, PUBLIC_BASE_URL: `http://127.0.0.1:${port}` }),
      database: ctx.database,
      jwtSecret: TEST_JWT_SECRET,
      queue,
      mercadopago: { baseUrl: sandbox.url },
    });
    await app.listen({ port, host: '127.0.0.1' });
    await queue.start();
    return {
      payments: app.services.payments,
      close: async () => {
        await app.close();
        await queue.close();
      },
    };
  }

  /** Through the server's API: a held booking on a day of its own, and its MercadoPago checkout. */
  async function bookAndCheckout(base: string) {
    day += 1;
    const date = new Date(Date.now() + (3 + day) * 86_400_000).toISOString().slice(0, 10);
    const headers = { ...customer.auth, 'content-type': 'application/json' };
    const booking = await fetch(`${base}/api/v1/bookings`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ shopId: shop.shopId, serviceId: shop.services.fade!.id, barberId: shop.barberIds[0], start: `${date}T10:00:00-03:00` }),
    });
    expect(booking.status, await booking.clone().text()).toBe(201);
    const { id } = (await booking.json()) as { id: string };
    const checkout = await fetch(`${base}/api/v1/bookings/${id}/checkout`, { method: 'POST', headers: customer.auth });
    expect(checkout.status, await checkout.clone().text()).toBe(201);
    const { checkoutUrl } = (await checkout.json()) as { checkoutUrl: string };
    return { bookingId: id, preferenceId: checkoutUrl.split('/').pop()! };
  }

  const db = () => ctx.database.db;
  const bookingStatus = async (id: string) => (await db().selectFrom('bookings').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
  const notifications = (mpPaymentId: number) => db().selectFrom('payment_notifications').select(['id', 'processed_at']).where('mp_payment_id', '=', String(mpPaymentId)).execute();
  const ledgerEntries = (mpPaymentId: number) => db().selectFrom('ledger_entries').select(['id', 'kind']).where('payment_ref', '=', `mp:${mpPaymentId}`).execute();
  async function auditCounts(mpPaymentId: number): Promise<Record<string, number>> {
    const rows = await sql<{ event_type: string; n: number }>`
      select event_type, count(*)::int as n from audit_log
      where payload->>'mpPaymentId' = ${String(mpPaymentId)} or payload->>'paymentRef' = ${`mp:${mpPaymentId}`}
      group by event_type`.execute(db());
    return Object.fromEntries(rows.rows.map((r) => [r.event_type, r.n]));
  }

  /** What "nothing lost, nothing doubled" means for one approved deposit. */
  async function expectSettledOnce(bookingId: string, mpPaymentId: number) {
    expect(await bookingStatus(bookingId)).toBe('confirmed');
    const confirmations = await db().selectFrom('booking_events').select('id').where('booking_id', '=', bookingId).where('type', '=', 'confirmed').execute();
    expect(confirmations).toHaveLength(1);
    const payments = await db().selectFrom('payments').selectAll().where('booking_id', '=', bookingId).execute();
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ status: 'approved', mp_payment_id: String(mpPaymentId), amount_cents: DEPOSIT_CENTS, refunded_cents: 0 });

    const entries = await ledgerEntries(mpPaymentId);
    expect(entries.map((e) => e.kind)).toEqual(['payment_collected']);
    const postings = await db().selectFrom('ledger_postings').select(['account_code', 'amount_cents', 'line_type']).where('entry_id', '=', entries[0]!.id).execute();
    expect(postings.reduce((sum, p) => sum + p.amount_cents, 0)).toBe(0);
    expect(postings.filter((p) => p.line_type === 'collection')).toEqual(
      expect.arrayContaining([
        { account_code: 'mp_clearing', amount_cents: DEPOSIT_CENTS, line_type: 'collection' },
        { account_code: `shop:${shop.shopId}:payable`, amount_cents: -DEPOSIT_CENTS, line_type: 'collection' },
      ]),
    );
    expect(postings.map((p) => p.line_type).sort()).toEqual(['collection', 'collection', 'commission', 'commission', 'mp_fee', 'mp_fee']);

    expect(await auditCounts(mpPaymentId)).toEqual({ 'payment.approved': 1, 'ledger.payment_collected': 1 });
    expect((await notifications(mpPaymentId)).every((n) => n.processed_at !== null)).toBe(true);
    expect(await db().selectFrom('refunds').select('id').where('booking_id', '=', bookingId).execute()).toEqual([]);
    expect(await new AuditTrail(db()).verify()).toMatchObject({ ok: true });
    expect(await new LedgerService(db()).check()).toMatchObject({ ok: true, unbalancedEntries: [], approvedPaymentsWithoutPostings: [] });
  }

  /** MercadoPago sends the payment's notifications again, duplicated, and we wait until all are handled. */
  async function redeliver(mpPaymentId: number) {
    const deliveries = await sandbox.deliver(mpPaymentId, { duplicates: 5, concurrent: true });
    expect(deliveries.every((d) => d.ok)).toBe(true);
    await sandbox.idle();
    await waitFor(async () => (await notifications(mpPaymentId)).every((n) => n.processed_at !== null));
  }

  it('a production server refuses to start with the crash hook set', async () => {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...TEST_ENV,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      MP_BASE_URL: sandbox.url,
      [TEST_CRASH_ENV]: 'after-payment-fetched',
    };
    delete env.REDIS_URL;
    const child = spawn(process.execPath, [join(root, 'bin/barberpro.mjs'), 'serve'], { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    clearTimeout(timer);
    expect(code).toBe(1);
    expect(stderr).toContain(`${TEST_CRASH_ENV} is a test hook and is refused in production`);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  }, 60_000);

  it('killed after MercadoPago reported the payment approved, before anything was written: reconciliation confirms it, redeliveries add nothing', async () => {
    const port = await freePort();
    const server = await startServer(port, 'after-payment-fetched');
    const { bookingId, preferenceId } = await bookAndCheckout(server.base);
    const { paymentId } = sandbox.pay(preferenceId, { cardholderName: 'APRO' });

    const death = await server.died();
    expect(death.signal).toBe('SIGKILL');
    expect(death.stderr).toContain(`${TEST_CRASH_ENV}: crashing at after-payment-fetched`);
    await sandbox.idle();
    // The window is real: MercadoPago has the money, we have only the notification.
    expect(sandbox.payments.get(paymentId)).toMatchObject({ status: 'approved' });
    expect(await bookingStatus(bookingId)).toBe('pending');
    expect(await db().selectFrom('payments').select(['status', 'mp_payment_id']).where('booking_id', '=', bookingId).execute()).toEqual([{ status: 'checkout', mp_payment_id: null }]);
    const stored = await notifications(paymentId);
    expect(stored.length).toBeGreaterThanOrEqual(1);
    expect(stored.every((n) => n.processed_at === null)).toBe(true);
    expect(await ledgerEntries(paymentId)).toEqual([]);
    expect(await auditCounts(paymentId)).toEqual({});

    const fresh = await startFreshApp(port);
    try {
      // The periodic reconciliation job alone brings it back, from the stored notification.
      const run = await fresh.payments.reconcile();
      expect(run.notifications).toBe(stored.length);
      await expectSettledOnce(bookingId, paymentId);
      await redeliver(paymentId);
      await fresh.payments.reconcile();
      await expectSettledOnce(bookingId, paymentId);
    } finally {
      await fresh.close();
    }
  }, 120_000);

  it('killed after the notification committed but before MercadoPago got its 200: the redelivery confirms once', async () => {
    const port = await freePort();
    const server = await startServer(port, 'after-notification-stored');
    const { bookingId, preferenceId } = await bookAndCheckout(server.base);
    const { paymentId } = sandbox.pay(preferenceId, { cardholderName: 'APRO' });

    const death = await server.died();
    expect(death.signal).toBe('SIGKILL');
    expect(death.stderr).toContain(`${TEST_CRASH_ENV}: crashing at after-notification-stored`);
    await sandbox.idle();
    // MercadoPago never had an answer (it retried into a dead port), yet the notification is ours.
    const attempts = sandbox.deliveries.filter((d) => d.paymentId === paymentId);
    expect(attempts.length).toBeGreaterThan(0);
    expect(attempts.some((d) => d.ok)).toBe(false);
    expect(attempts[0]!.status).toBeNull();
    expect((await notifications(paymentId)).map((n) => n.processed_at)).toEqual([null]);
    expect(await bookingStatus(bookingId)).toBe('pending');
    expect(await ledgerEntries(paymentId)).toEqual([]);

    const fresh = await startFreshApp(port);
    try {
      await redeliver(paymentId);
      await waitFor(() => bookingStatus(bookingId), (s) => s === 'confirmed');
      await fresh.payments.reconcile();
      // The orphaned row and the redeliveries: all handled, the effects once.
      expect((await notifications(paymentId)).length).toBe(1 + 5);
      await expectSettledOnce(bookingId, paymentId);
    } finally {
      await fresh.close();
    }
  }, 120_000);

  it('killed right after the payment’s transaction committed, before the notification was marked done: replaying it changes nothing', async () => {
    const port = await freePort();
    const server = await startServer(port, 'after-payment-committed');
    const { bookingId, preferenceId } = await bookAndCheckout(server.base);
    const { paymentId } = sandbox.pay(preferenceId, { cardholderName: 'APRO' });

    const death = await server.died();
    expect(death.signal).toBe('SIGKILL');
    expect(death.stderr).toContain(`${TEST_CRASH_ENV}: crashing at after-payment-committed`);
    await sandbox.idle();
    // Everything about the payment committed together; only the notification's "done" is missing.
    expect(await bookingStatus(bookingId)).toBe('confirmed');
    expect((await ledgerEntries(paymentId)).map((e) => e.kind)).toEqual(['payment_collected']);
    expect(await auditCounts(paymentId)).toEqual({ 'payment.approved': 1, 'ledger.payment_collected': 1 });
    expect((await notifications(paymentId)).some((n) => n.processed_at === null)).toBe(true);

    const fresh = await startFreshApp(port);
    try {
      const run = await fresh.payments.reconcile();
      expect(run.notifications).toBeGreaterThanOrEqual(1);
      await expectSettledOnce(bookingId, paymentId);
      await redeliver(paymentId);
      await expectSettledOnce(bookingId, paymentId);
    } finally {
      await fresh.close();
    }
  }, 120_000);

  it('killed before MercadoPago could notify at all: reconciliation finds the payment even behind many abandoned checkouts', async () => {
    const port = await freePort();
    const server = await startServer(port, 'after-payment-fetched');
    const { bookingId, preferenceId } = await bookAndCheckout(server.base);
    // Customers who never paid leave checkouts behind, older than this one and still in the
    // window reconciliation searches.
    const abandoned = await bookAndCheckout(server.base);
    server.kill();
    await server.died();
    const template = await db().selectFrom('payments').selectAll().where('booking_id', '=', abandoned.bookingId).executeTakeFirstOrThrow();
    const longAgo = new Date(Date.now() - 2 * 3_600_000);
    await db()
      .insertInto('payments')
      .values(
        Array.from({ length: 60 }, () => ({
          booking_id: template.booking_id,
          shop_id: template.shop_id,
          status: 'checkout' as const,
          amount_cents: template.amount_cents,
          commission_cents: template.commission_cents,
          checkout_expires_at: new Date(Date.now() - 3_600_000),
          created_at: longAgo,
          updated_at: longAgo,
        })),
      )
      .execute();

    // The customer pays while no instance is up; MercadoPago gives up on its notifications.
    const { paymentId } = sandbox.pay(preferenceId, { cardholderName: 'APRO' });
    await sandbox.idle();
    expect(sandbox.deliveries.filter((d) => d.paymentId === paymentId).some((d) => d.ok)).toBe(false);
    expect(await notifications(paymentId)).toEqual([]);

    const fresh = await startFreshApp(port);
    try {
      // Each run searches 50 open checkouts, those looked at longest ago first.
      for (let run = 0; run < 2 && (await bookingStatus(bookingId)) !== 'confirmed'; run++) await fresh.payments.reconcile();
      expect(await bookingStatus(bookingId)).toBe('confirmed');
      expect((await ledgerEntries(paymentId)).map((e) => e.kind)).toEqual(['payment_collected']);
      expect(await auditCounts(paymentId)).toEqual({ 'payment.approved': 1, 'ledger.payment_collected': 1 });
    } finally {
      await fresh.close();
    }
  }, 120_000);
});
