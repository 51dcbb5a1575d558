import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createShopFixture, freshCuit } from '../../../test/fixtures.js';
import { createTestContext, expectProblem, freePort, type TestContext, type TestUser } from '../../../test/helpers.js';
import { InvoicingHealthService, NOT_CONFIGURED_REASON } from '../../modules/invoicing/health.js';
import { InvoicingRepository } from '../../modules/invoicing/repository.js';
import { ManualClock } from '../../platform/clock.js';
import { keylessPersonalData } from '../../platform/crypto/personal-data.js';
import { startAfipSandbox, type AfipSandbox } from '../../sandbox/afip/index.js';
import { runOpsCommand } from './commands.js';
import { EXIT, type CheckResult } from './report.js';

/**
 * afip-health-check end to end: a BarberPro on real HTTP issuing against the local AFIP sandbox
 * (both on one test clock), a monotributista shop with fiscal settings and three authorized
 * Facturas C, and the CLI reading GET /api/v1/admin/invoicing/health with an admin's token.
 */

const POS = 3;
const HEALTH = '/api/v1/admin/invoicing/health';

let afip: AfipSandbox;
let ctx: TestContext;
let clock: ManualClock;
let url: string;
let admin: TestUser;
let cuit: string;
let shopId: string;
let seq: string;

async function run(env: Record<string, string>, options: Record<string, unknown> = {}) {
  const out: string[] = [];
  const { exitCode, report } = await runOpsCommand('afip-health-check', { url, quiet: true, timeout: 10, ...options }, { env, stdout: (t) => out.push(t), stderr: () => undefined });
  const byId = (id: string): CheckResult => {
    const found = report?.checks.find((c) => c.id === id);
    if (!found) throw new Error(`no check ${id} in ${out.join('\n')}`);
    return found;
  };
  return { exitCode, report, byId, stdout: out.join('\n') };
}

const asAdmin = () => run({ BARBERPRO_ADMIN_TOKEN: admin.token });

async function insertInvoice(values: { shopId: string; cuit: string; status: 'pending' | 'authorized' | 'rejected'; number?: number; pointOfSale?: number | null; createdAt?: Date }) {
  await ctx.database.db
    .insertInto('invoices')
    .values({
      shop_id: values.shopId,
      booking_id: null,
      payment_id: null,
      kind: 'invoice',
      source_ref: `health-test:${Math.random()}`,
      associated_invoice_id: null,
      cbte_tipo: 11,
      point_of_sale: values.pointOfSale === undefined ? POS : values.pointOfSale,
      cuit: values.cuit,
      number: values.number ?? null,
      total_cents: 500_000,
      receiver: JSON.stringify({ kind: 'anonymous' }),
      status: values.status,
      ...(values.status === 'authorized' ? { cae: '12345678901234', document: JSON.stringify({}), cae_expires_on: '2026-12-31', authorized_at: clock.now() } : {}),
      ...(values.status === 'rejected' ? { last_error: 'AFIP rechazó el comprobante: 10016' } : {}),
      created_at: values.createdAt ?? clock.now(),
    })
    .execute();
}

beforeAll(async () => {
  clock = new ManualClock(new Date());
  afip = await startAfipSandbox({ clock });
  const port = await freePort();
  ctx = await createTestContext({ clock, env: { AFIP_WSAA_URL: afip.wsaaUrl, AFIP_WSFE_URL: afip.wsfeUrl, AFIP_TIMEOUT_MS: '3000' } });
  await ctx.app.listen({ port, host: '127.0.0.1' });
  url = `http://127.0.0.1:${port}`;
  admin = await ctx.createUser('admin');

  const shop = await createShopFixture(ctx, { taxCondition: 'monotributo' });
  shopId = shop.shopId;
  cuit = freshCuit();
  seq = `afip.sequence.${cuit}-${POS}-11`;
  await ctx.database.db.updateTable('shops').set({ cuit }).where('id', '=', shopId).execute();
  afip.state.enablePointOfSale(cuit, POS);
  const issued = afip.issueCertificate({ cuit, commonName: `barberia-${cuit}` });
  const res = await ctx.app.inject({
    method: 'PUT',
    url: `/api/v1/shops/${shopId}/fiscal-settings`,
    headers: shop.owner.auth,
    payload: { pointOfSale: POS, businessName: 'Barbería Salud SRL', grossIncomeRegistration: '901-1', activityStartDate: '2020-03-01', certificatePem: issued.certPem, privateKeyPem: issued.keyPem, environment: 'sandbox', enabled: true },
  });
  expect(res.statusCode, res.body).toBe(200);
  for (const number of [1, 2, 3]) await insertInvoice({ shopId, cuit, status: 'authorized', number });
  afip.state.setLastNumber(cuit, POS, 11, 3);
}, 30_000);

afterAll(async () => {
  await ctx?.close();
  await afip?.close();
});

describe('GET /api/v1/admin/invoicing/health', () => {
  it('is for admins only: anonymous 401, customer and provider 403', async () => {
    expectProblem(await ctx.app.inject({ method: 'GET', url: HEALTH }), 401, 'unauthorized');
    for (const role of ['customer', 'provider'] as const) {
      const user = await ctx.createUser(role);
      expectProblem(await ctx.app.inject({ method: 'GET', url: HEALTH, headers: user.auth }), 403, 'forbidden');
    }
    const ok = await ctx.app.inject({ method: 'GET', url: HEALTH, headers: admin.auth });
    expect(ok.statusCode).toBe(200);
    // Figures only: nothing of the ticket or the key leaves the server.
    expect(ok.body).not.toMatch(/token|sign"|PRIVATE KEY/i);
  });

  it('without AFIP configured, says so instead of asking', async () => {
    const h = await new InvoicingHealthService({ repo: new InvoicingRepository(ctx.database.db, keylessPersonalData('figures only')), clock }).inspect();
    expect(h.afip).toEqual({ consulted: false, reason: NOT_CONFIGURED_REASON });
    expect(h.sequences.find((s) => s.cuit === cuit)?.afip.skipped).toBe(NOT_CONFIGURED_REASON);
  });
});

describe('barberpro ops afip-health-check', () => {
  it('healthy: PASS with the measured figures', async () => {
    const r = await asAdmin();
    expect(r.exitCode, r.stdout).toBe(EXIT.ok);
    expect(r.byId('afip.reachable').status).toBe('pass');
    expect(r.byId('afip.reachable').measured).toMatch(/^AppServer OK, DbServer OK, AuthServer OK in [\d.]+ ms$/);
    expect(r.byId(seq).status).toBe('pass');
    expect(r.byId(seq).measured).toMatch(/^AFIP 3 = ours 3 \([\d.]+ ms\)$/);
    expect(r.byId(seq).title).toBe(`Numbering ${cuit} PV 00003 Factura C`);
    const ticket = r.report!.checks.find((c) => c.id.startsWith('afip.ticket.'))!;
    expect(ticket.status).toBe('pass');
    expect(ticket.measured).toMatch(/none held; this check logged in: valid, expires in 1[12] h \d\d min|valid, expires in/);
    expect(r.report!.checks.find((c) => c.id.startsWith('afip.certificate.'))!.status).toBe('pass');
    expect(r.byId('invoices.queue').measured).toBe('0 waiting (0 pending, 0 issuing)');
    expect(r.byId('invoices.oldest').status).toBe('pass');
    expect(r.byId('invoices.rejected').measured).toBe('none');
    expect(r.stdout).toContain('Result: PASS');

    // A second run finds the ticket the first one stored.
    const again = await asAdmin();
    expect(again.report!.checks.find((c) => c.id.startsWith('afip.ticket.'))!.measured).toMatch(/^valid, expires in 1[12] h/);
  });

  it('AFIP down (503): FAIL naming AFIP unreachable; numbering not asked', async () => {
    await afip.controls.setDown('503');
    try {
      const r = await asAdmin();
      expect(r.exitCode).toBe(EXIT.failed);
      expect(r.byId('afip.reachable').status).toBe('fail');
      expect(r.byId('afip.reachable').measured).toMatch(/^AFIP unreachable: .*503/);
      expect(r.byId(seq).status).toBe('skip');
      expect(r.byId(seq).measured).toContain('AFIP not asked');
    } finally {
      await afip.controls.setDown(false);
    }
  });

  it('numbering drift: FAIL naming the sequence and both numbers', async () => {
    afip.state.setLastNumber(cuit, POS, 11, 5);
    try {
      const r = await run({ BARBERPRO_ADMIN_TOKEN: admin.token }, { json: true });
      expect(r.exitCode).toBe(EXIT.failed);
      const c = r.byId(seq);
      expect(c.status).toBe('fail');
      expect(c.title).toBe(`Numbering ${cuit} PV 00003 Factura C`);
      expect(c.measured).toMatch(/^numbering drift: AFIP 5, ours 3/);
      expect(c.details?.[0]).toContain('AFIP is 2 ahead');
      expect(JSON.parse(r.stdout).summary.overall).toBe('fail');
    } finally {
      afip.state.setLastNumber(cuit, POS, 11, 3);
    }
  });

  it('with DATABASE_URL only: the database figures, and says which parts were skipped', async () => {
    const template = inject('templateDatabaseUrl');
    if (!template) return; // PGlite: the database belongs to this process
    const name = (await sql<{ name: string }>`select current_database() as name`.execute(ctx.database.db)).rows[0]!.name;
    const dbUrl = new URL(template);
    dbUrl.pathname = `/${name}`;
    const r = await run({ DATABASE_URL: dbUrl.toString() });
    expect(r.exitCode).toBe(EXIT.ok);
    expect(r.byId('afip.source').measured).toMatch(/^database postgres:\/\/127\.0\.0\.1:5432\//);
    expect(r.byId('afip.reachable').status).toBe('skip');
    expect(r.byId('afip.reachable').measured).toMatch(/^DATABASE_URL only/);
    expect(r.byId(seq).status).toBe('skip');
    expect(r.byId(seq).measured).toMatch(/^ours 3; AFIP not asked: DATABASE_URL only/);
    expect(r.byId('invoices.queue').status).toBe('pass');
    expect(r.stdout).toContain('Not checked: AFIP reachability, WSAA logins and the numbering of');
  });

  it('pending vouchers: WARN past 15 minutes, FAIL past 24 hours; rejected ones WARN', async () => {
    const other = await createShopFixture(ctx, { taxCondition: 'monotributo' });
    const otherCuit = freshCuit();
    await ctx.database.db.updateTable('shops').set({ cuit: otherCuit }).where('id', '=', other.shopId).execute();
    // No fiscal settings: it waits without a point of sale, as a real one would.
    await insertInvoice({ shopId: other.shopId, cuit: otherCuit, status: 'pending', pointOfSale: null });

    const fresh = await asAdmin();
    expect(fresh.byId('invoices.oldest').status).toBe('pass');
    expect(fresh.byId('invoices.queue').measured).toBe('1 waiting (1 pending, 0 issuing)');
    expect(fresh.byId('invoices.queue').details).toEqual(["1 wait for their shop's fiscal settings (no point of sale)"]);

    clock.advance(20 * 60_000);
    const late = await asAdmin();
    expect(late.byId('invoices.oldest').status).toBe('warn');
    expect(late.byId('invoices.oldest').measured).toMatch(/^20 min \(Factura C /);
    expect(late.exitCode).toBe(EXIT.ok);
    expect((await run({ BARBERPRO_ADMIN_TOKEN: admin.token }, { strict: true })).exitCode).toBe(EXIT.failed);

    clock.advance(24 * 3_600_000);
    const stale = await asAdmin();
    expect(stale.byId('invoices.oldest').status).toBe('fail');
    expect(stale.byId('invoices.oldest').measured).toMatch(/^1 d 0 h /);
    expect(stale.exitCode).toBe(EXIT.failed);
    // The clock moved past the 12-hour ticket: the check logs in again and still finds AFIP healthy.
    expect(stale.byId('afip.reachable').status).toBe('pass');
    expect(stale.byId(seq).status).toBe('pass');

    await insertInvoice({ shopId, cuit, status: 'rejected' });
    const rejected = await asAdmin();
    expect(rejected.byId('invoices.rejected').status).toBe('warn');
    expect(rejected.byId('invoices.rejected').measured).toMatch(/^1 rejected/);
  });
});
