import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShopFixture, freshCuit, linkMercadoPagoSeller, type ShopFixture } from '../../../test/fixtures.js';
import { expectProblem, json, testPersonalData, TEST_ENV, TEST_JWT_SECRET, waitFor, type TestContext, type TestUser } from '../../../test/helpers.js';
import { buildApp } from '../../app.js';
import { loadConfig } from '../../platform/config.js';
import type { TaxCondition } from '../../platform/db/schema.js';
import { InProcessJobQueue } from '../../platform/queue/in-process-queue.js';
import type { AfipSandbox } from '../../sandbox/afip/index.js';
import type { MercadoPagoSandbox } from '../../sandbox/mercadopago/index.js';
import { startSandboxStack, type SandboxStack } from '../../../test/sandbox-stack.js';
import { defaultQrPng, renderInvoicePdf } from './pdf.js';
import { InvoicingRepository } from './repository.js';
import { decodeQrUrl } from './qr.js';
import type { InvoiceDocument } from './types.js';

/**
 * Invoicing end to end, over real HTTP against both local sandboxes: a customer pays a deposit
 * in the MercadoPago sandbox, the webhook confirms the booking, and the invoice is issued by the
 * AFIP sandbox (WSAA login with the shop's certificate, FECompUltimoAutorizado, FECAESolicitar).
 */

const SELLERS = Array.from({ length: 12 }, (_, i) => ({ token: `APP_USR-sandbox-invoicing-${i}`, userId: 700_000 + i }));
const POINT_OF_SALE = 3;

let stack: SandboxStack;
let mp: MercadoPagoSandbox;
let afip: AfipSandbox;
let ctx: TestContext;
let customer: TestUser;
let admin: TestUser;
let sellerIndex = 0;
interface TestShop extends ShopFixture {
  cuit: string;
  slot: number;
}

beforeAll(async () => {
  stack = await startSandboxStack({ sellerTokens: Object.fromEntries(SELLERS.map((s) => [s.token, s.userId])), afip: true });
  ({ ctx, mp } = stack);
  afip = stack.afip!;
  customer = await ctx.createUser('customer');
  admin = await ctx.createUser('admin');
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

async function fiscalBody(cuit: string, overrides: Record<string, unknown> = {}) {
  const issued = afip.issueCertificate({ cuit, commonName: `barberia-${cuit}` });
  return {
    pointOfSale: POINT_OF_SALE,
    businessName: 'Barbería de Prueba SRL',
    grossIncomeRegistration: '901-123456-7',
    activityStartDate: '2020-03-01',
    certificatePem: issued.certPem,
    privateKeyPem: issued.keyPem,
    environment: 'sandbox',
    enabled: true,
    ...overrides,
  };
}

/** A shop with its own CUIT, linked to a MercadoPago sandbox seller, with AFIP settings set through the API. */
async function createShop(taxCondition: TaxCondition, options: { fiscal?: boolean } = {}): Promise<TestShop> {
  const shop = await createShopFixture(ctx, {
    taxCondition,
    weekdays: [0, 1, 2, 3, 4, 5, 6],
    open: 8 * 60,
    close: 22 * 60,
    lunch: null,
    cancellationCutoffMinutes: 60,
    services: [{ key: 'fade', name: 'Corte fade', durationMinutes: 30, priceCents: 2_000_000, deposit: { kind: 'percent', value: 25 } }],
  });
  const cuit = freshCuit(taxCondition === 'responsable_inscripto' ? '30' : '20');
  await ctx.database.db.updateTable('shops').set({ cuit }).where('id', '=', shop.shopId).execute();
  const seller = SELLERS[sellerIndex++]!;
  await linkMercadoPagoSeller(ctx.database.db, shop.shopId, { token: seller.token, userId: seller.userId });
  afip.state.enablePointOfSale(cuit, POINT_OF_SALE);
  if (options.fiscal !== false) {
    const res = await ctx.app.inject({ method: 'PUT', url: `/api/v1/shops/${shop.shopId}/fiscal-settings`, headers: shop.owner.auth, payload: await fiscalBody(cuit) });
    expect(res.statusCode, res.body).toBe(200);
  }
  return { ...shop, cuit, slot: 0 };
}

/** A held booking within AFIP's issue window (tomorrow onwards), checkout started. */
async function book(shop: TestShop, options: { daysAhead?: number; who?: TestUser } = {}) {
  const n = shop.slot++;
  const daysAhead = options.daysAhead ?? 1 + Math.floor(n / 56);
  const slot = n % 56;
  const barberId = shop.barberIds[slot % 2]!;
  const minutes = 9 * 60 + Math.floor(slot / 2) * 30;
  const date = new Date(Date.now() - 3 * 3_600_000 + daysAhead * 86_400_000).toISOString().slice(0, 10);
  const start = `${date}T${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}:00-03:00`;
  const who = options.who ?? customer;
  const res = await ctx.app.inject({ method: 'POST', url: '/api/v1/bookings', headers: who.auth, payload: { shopId: shop.shopId, serviceId: shop.services.fade!.id, barberId, start } });
  expect(res.statusCode, res.body).toBe(201);
  const booking = json(res);
  const checkout = await ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${booking.id}/checkout`, headers: who.auth });
  expect(checkout.statusCode, checkout.body).toBe(201);
  return { booking, preferenceId: (json(checkout).checkoutUrl as string).split('/').pop()! };
}

const bookingStatus = async (id: string, who: TestUser = customer) => json(await ctx.app.inject({ url: `/api/v1/bookings/${id}`, headers: who.auth })).status as string;

async function payAndConfirm(shop: TestShop, options: { daysAhead?: number; who?: TestUser; beforePaying?: (bookingId: string) => Promise<void> } = {}) {
  const { booking, preferenceId } = await book(shop, options);
  await options.beforePaying?.(booking.id);
  const { paymentId } = mp.pay(preferenceId, { cardholderName: 'APRO' });
  await waitFor(() => bookingStatus(booking.id, options.who), (s) => s === 'confirmed');
  return { bookingId: booking.id as string, mpPaymentId: paymentId };
}

/**
 * Runs `fn` once a sequence's backoff is over: the app's clock jumps ahead and comes back after
 * (MercadoPago's webhook signatures are checked against that clock, so it cannot stay ahead).
 */
async function afterBackoff<T>(fn: () => Promise<T>): Promise<T> {
  ctx.clock.advance(10 * 60_000);
  try {
    return await fn();
  } finally {
    ctx.clock.advance(-10 * 60_000);
  }
}

// Through the repository: receivers and documents are sealed at rest and opened there.
const invoiceRows = (bookingId: string) => new InvoicingRepository(ctx.database.db, testPersonalData()).forBooking(bookingId);
const invoiceOf = async (bookingId: string, kind: 'invoice' | 'credit_note' = 'invoice') => (await invoiceRows(bookingId)).find((r) => r.kind === kind);
const waitForInvoice = (bookingId: string, status = 'authorized', kind: 'invoice' | 'credit_note' = 'invoice') =>
  waitFor(() => invoiceOf(bookingId, kind), (row) => row?.status === status, 15_000).then((row) => row!);

describe('an invoice for every paid booking', () => {
  it('monotributo: a deposit paid in the sandbox gets Factura C number 1 with a CAE; its PDF’s QR decodes to the invoice’s figures', async () => {
    const shop = await createShop('monotributo');
    const { bookingId } = await payAndConfirm(shop);
    const row = await waitForInvoice(bookingId);
    expect(row).toMatchObject({ kind: 'invoice', cbte_tipo: 11, point_of_sale: POINT_OF_SALE, cuit: shop.cuit, number: 1, total_cents: 500_000, net_cents: 500_000, iva_cents: 0 });
    expect(row.cae).toMatch(/^\d{14}$/);

    // What AFIP (the sandbox) authorized is exactly what we stored.
    const atAfip = afip.state.voucher(shop.cuit, POINT_OF_SALE, 11, 1)!;
    expect(atAfip).toMatchObject({ cae: row.cae, impTotal: 500_000, impNeto: 500_000, impIva: 0, concepto: 2, docTipo: 99, docNro: '0', condicionIvaReceptorId: 5, iva: [] });
    expect(atAfip.fchServDesde).toBe((row.document as InvoiceDocument).servicePeriod.from);

    const res = await ctx.app.inject({ url: `/api/v1/invoices/${row.id}`, headers: customer.auth });
    expect(res.statusCode, res.body).toBe(200);
    const dto = json(res);
    expect(dto).toMatchObject({
      status: 'authorized',
      voucher: { type: 11, class: 'C', name: 'Factura C' },
      number: 1,
      formattedNumber: `0000${POINT_OF_SALE}-00000001`,
      total: { amountCents: 500_000, currency: 'ARS' },
      cae: row.cae,
      receiver: { kind: 'consumidor_final' },
      pdfUrl: `/api/v1/invoices/${row.id}/pdf`,
    });

    const pdf = await ctx.app.inject({ url: dto.pdfUrl, headers: customer.auth });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    // The served file is the stored document rendered with its QR (rendering is deterministic), and that QR reads back to the invoice.
    const drawn: string[] = [];
    const expected = await renderInvoicePdf(row.document as InvoiceDocument, { qrPng: (url) => (drawn.push(url), defaultQrPng(url)) });
    expect(pdf.rawPayload.equals(expected)).toBe(true);
    expect(drawn).toEqual([dto.qrUrl]);
    expect(decodeQrUrl(drawn[0]!)).toEqual({
      ver: 1,
      fecha: row.issue_date,
      cuit: Number(shop.cuit),
      ptoVta: POINT_OF_SALE,
      tipoCmp: 11,
      nroCmp: 1,
      importe: 5000,
      moneda: 'PES',
      ctz: 1,
      tipoDocRec: 99,
      nroDocRec: 0,
      tipoCodAut: 'E',
      codAut: Number(atAfip.cae),
    });

    // The booking lists it, and the audit trail has it.
    const list = json(await ctx.app.inject({ url: `/api/v1/bookings/${bookingId}/invoices`, headers: customer.auth }));
    expect(list.items.map((i: { id: string }) => i.id)).toEqual([row.id]);
    const audit = await ctx.database.db.selectFrom('audit_log').select(['event_type', 'payload']).where('entity_id', '=', row.id).execute();
    expect(audit.map((a) => a.event_type)).toEqual(['invoice.authorized']);
    expect(audit[0]!.payload).toMatchObject({ number: 1, totalCents: 500_000, cae: row.cae });
  });

  it('responsable inscripto: Factura B to a consumidor final, IVA 21 % carved out of the total, the transparency legend', async () => {
    const shop = await createShop('responsable_inscripto');
    const { bookingId } = await payAndConfirm(shop);
    const row = await waitForInvoice(bookingId);
    const net = Math.round(500_000 / 1.21);
    expect(row).toMatchObject({ cbte_tipo: 6, number: 1, total_cents: 500_000, net_cents: net, iva_cents: 500_000 - net, iva_rate_id: 5 });
    expect(afip.state.voucher(shop.cuit, POINT_OF_SALE, 6, 1)).toMatchObject({
      impTotal: 500_000,
      impNeto: net,
      impIva: 500_000 - net,
      iva: [{ id: 5, baseImp: net, importe: 500_000 - net }],
      docTipo: 99,
      condicionIvaReceptorId: 5,
      cae: row.cae,
    });
    expect((row.document as InvoiceDocument).voucher.legends.map((l) => l.code)).toEqual(['transparencia_fiscal_27743']);
  });

  it('Factura A when the customer gives the CUIT of a responsable inscripto before paying', async () => {
    const shop = await createShop('responsable_inscripto');
    const buyerCuit = freshCuit('30');
    const { bookingId } = await payAndConfirm(shop, {
      beforePaying: async (id) => {
        const res = await ctx.app.inject({
          method: 'PUT',
          url: `/api/v1/bookings/${id}/billing`,
          headers: customer.auth,
          payload: { docType: 'cuit', number: buyerCuit, name: 'Cliente Empresa SA', ivaCondition: 'responsable_inscripto' },
        });
        expect(res.statusCode, res.body).toBe(200);
      },
    });
    const row = await waitForInvoice(bookingId);
    expect(row).toMatchObject({ cbte_tipo: 1, number: 1 });
    expect(afip.state.voucher(shop.cuit, POINT_OF_SALE, 1, 1)).toMatchObject({ docTipo: 80, docNro: buyerCuit, condicionIvaReceptorId: 1, cae: row.cae });
    const dto = json(await ctx.app.inject({ url: `/api/v1/invoices/${row.id}`, headers: customer.auth }));
    expect(dto.receiver).toEqual({ kind: 'cuit', name: 'Cliente Empresa SA', document: buyerCuit, ivaCondition: 'responsable_inscripto' });
    expect(decodeQrUrl(dto.qrUrl)).toMatchObject({ tipoCmp: 1, tipoDocRec: 80, nroDocRec: Number(buyerCuit) });
    // Once issued, the billing data can no longer change.
    expectProblem(
      await ctx.app.inject({ method: 'PUT', url: `/api/v1/bookings/${bookingId}/billing`, headers: customer.auth, payload: { docType: 'dni', number: '30111222', name: 'Otra Persona' } }),
      409,
      'invoice_already_issued',
    );
  });

  it('a refund gets a credit note of the same class pointing at the invoice (CbtesAsoc)', async () => {
    const shop = await createShop('monotributo');
    const { bookingId, mpPaymentId } = await payAndConfirm(shop);
    const invoice = await waitForInvoice(bookingId);
    const cancel = await ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${bookingId}/cancel`, headers: customer.auth, payload: {} });
    expect(cancel.statusCode, cancel.body).toBe(200);
    await ctx.app.services.payments.reconcile();
    expect(mp.payments.get(String(mpPaymentId))).toMatchObject({ status: 'refunded' });
    const note = await waitForInvoice(bookingId, 'authorized', 'credit_note');
    expect(note).toMatchObject({ cbte_tipo: 13, number: 1, total_cents: 500_000, associated_invoice_id: invoice.id, source_ref: expect.stringMatching(/^mp:\d+:refund:\d+$/) });
    expect(afip.state.voucher(shop.cuit, POINT_OF_SALE, 13, 1)).toMatchObject({
      impTotal: 500_000,
      cbtesAsoc: [{ tipo: 11, ptoVta: POINT_OF_SALE, nro: invoice.number, cuit: shop.cuit, cbteFch: (invoice.document as InvoiceDocument).issueDate }],
      cae: note.cae,
    });
    const list = json(await ctx.app.inject({ url: `/api/v1/bookings/${bookingId}/invoices`, headers: customer.auth }));
    expect(list.items.map((i: { kind: string; voucher: { name: string } }) => [i.kind, i.voucher.name])).toEqual([
      ['invoice', 'Factura C'],
      ['credit_note', 'Nota de crédito C'],
    ]);
    // Reconciling again records nothing more.
    await ctx.app.services.payments.reconcile();
    expect(await invoiceRows(bookingId)).toHaveLength(2);
  });

  it('a deposit paid long before the visit waits until the service day is within AFIP’s window', async () => {
    const shop = await createShop('monotributo');
    const { bookingId } = await payAndConfirm(shop, { daysAhead: 9 });
    const row = await waitFor(() => invoiceOf(bookingId), (r) => r?.next_attempt_at != null);
    expect(row).toMatchObject({ status: 'pending', number: null });
    const dto = json(await ctx.app.inject({ url: `/api/v1/invoices/${row!.id}`, headers: shop.owner.auth }));
    expect(dto.pendingReason).toMatch(/Se factura desde el \d{2}\/\d{2}\/\d{4}/);
    // 9 days ahead minus the 5-day window: 4 days from the booking's day boundary.
    expect(row!.next_attempt_at!.getTime()).toBeGreaterThan(Date.now() + 3 * 86_400_000);
  });
});

describe('numbering without gaps or duplicates', () => {
  it('AFIP down: bookings and payments go on, invoices queue as pending, and on recovery they are issued in order with consecutive numbers', async () => {
    const shop = await createShop('monotributo');
    const first = await payAndConfirm(shop);
    expect(await waitForInvoice(first.bookingId)).toMatchObject({ number: 1 });

    await afip.controls.setDown('refuse');
    const paid = [];
    for (let i = 0; i < 5; i++) paid.push(await payAndConfirm(shop));
    await ctx.app.services.invoicing.issuePending();
    for (const p of paid) {
      expect(await bookingStatus(p.bookingId)).toBe('confirmed');
      expect(await invoiceOf(p.bookingId)).toMatchObject({ status: 'pending', number: null, cae: null });
    }
    const waiting = json(await ctx.app.inject({ url: `/api/v1/shops/${shop.shopId}/invoices?status=pending`, headers: shop.owner.auth }));
    expect(waiting.total).toBe(5);
    // The oldest (the head of the sequence, newest are listed first) says why they wait.
    expect(waiting.items.at(-1).pendingReason).toMatch(/AFIP no responde/);

    await afip.controls.setDown(false);
    await afterBackoff(() => ctx.app.services.invoicing.issuePending());
    const rows = await Promise.all(paid.map((p) => invoiceOf(p.bookingId)));
    expect(rows.map((r) => r!.status)).toEqual(Array(5).fill('authorized'));
    // In the order the payments came in.
    expect(rows.map((r) => r!.number)).toEqual([2, 3, 4, 5, 6]);
    expect(afip.state.lastNumber(shop.cuit, POINT_OF_SALE, 11)).toBe(6);
    for (const r of rows) expect(afip.state.voucher(shop.cuit, POINT_OF_SALE, 11, r!.number!)!.cae).toBe(r!.cae);
  });

  it('a timeout after AFIP committed: the invoice stays “issuing” with its number and is resolved by FECompConsultar, never issued twice', async () => {
    const shop = await createShop('monotributo');
    await waitForInvoice((await payAndConfirm(shop)).bookingId);
    afip.controls.timeoutAfterCommit({ mode: 'hang' });
    const { bookingId } = await payAndConfirm(shop);
    const stuck = await waitFor(() => invoiceOf(bookingId), (r) => r?.status === 'issuing' && r.last_error !== null, 15_000);
    expect(stuck).toMatchObject({ number: 2, cae: null });
    // AFIP did authorize it.
    expect(afip.state.lastNumber(shop.cuit, POINT_OF_SALE, 11)).toBe(2);
    const sentBefore = afip.state.requests.filter((r) => r.operation === 'FECAESolicitar').length;

    await afterBackoff(() => ctx.app.services.invoicing.issuePending());
    const row = await invoiceOf(bookingId);
    expect(row).toMatchObject({ status: 'authorized', number: 2, cae: afip.state.voucher(shop.cuit, POINT_OF_SALE, 11, 2)!.cae });
    // Resolved by consulting: no second FECAESolicitar, no third voucher.
    expect(afip.state.requests.filter((r) => r.operation === 'FECAESolicitar').length).toBe(sentBefore);
    expect(afip.state.requests.some((r) => r.operation === 'FECompConsultar')).toBe(true);
    expect(afip.state.lastNumber(shop.cuit, POINT_OF_SALE, 11)).toBe(2);

    // The next one continues the sequence.
    const next = await payAndConfirm(shop);
    expect(await waitForInvoice(next.bookingId)).toMatchObject({ number: 3 });
  });

  it('a rejection is stored with AFIP’s reason, shown on the shop’s list, consumes no number, and can be retried', async () => {
    const shop = await createShop('monotributo');
    afip.controls.rejectNext(10246, 'El campo CondicionIVAReceptorId es obligatorio');
    const { bookingId } = await payAndConfirm(shop);
    const rejected = await waitForInvoice(bookingId, 'rejected');
    expect(rejected).toMatchObject({ number: null, cae: null });

    const list = json(await ctx.app.inject({ url: `/api/v1/shops/${shop.shopId}/invoices?status=rejected`, headers: shop.owner.auth }));
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({
      id: rejected.id,
      status: 'rejected',
      number: null,
      rejection: { reason: expect.stringContaining('10246'), errors: [{ code: 10246, message: 'El campo CondicionIVAReceptorId es obligatorio' }] },
    });

    // The next invoice takes number 1: the rejected one left no gap.
    const other = await payAndConfirm(shop);
    expect(await waitForInvoice(other.bookingId)).toMatchObject({ number: 1 });

    // Only the owner (or an admin) retries, and only a rejected voucher.
    expectProblem(await ctx.app.inject({ method: 'POST', url: `/api/v1/invoices/${rejected.id}/retry`, headers: shop.barberUsers[0]!.auth }), 403);
    const retried = await ctx.app.inject({ method: 'POST', url: `/api/v1/invoices/${rejected.id}/retry`, headers: shop.owner.auth });
    expect(retried.statusCode, retried.body).toBe(200);
    expect(json(retried).status).toMatch(/pending|issuing|authorized/);
    expect(await waitForInvoice(bookingId)).toMatchObject({ number: 2 });
    expectProblem(await ctx.app.inject({ method: 'POST', url: `/api/v1/invoices/${rejected.id}/retry`, headers: shop.owner.auth }), 409, 'invoice_not_rejected');
  });

  it('two app instances on one database issuing at once: consecutive numbers, no gap, no duplicate, one WSAA login', async () => {
    const shop = await createShop('responsable_inscripto');
    const second = await buildApp({
      config: loadConfig({ ...TEST_ENV, AFIP_WSAA_URL: afip.wsaaUrl, AFIP_WSFE_URL: afip.wsfeUrl }),
      database: ctx.database,
      jwtSecret: TEST_JWT_SECRET,
      clock: ctx.clock,
      queue: new InProcessJobQueue(),
    });
    await second.ready();
    try {
      // Queue a dozen while AFIP is down, then let both instances (twice each) race for them.
      await afip.controls.setDown('503');
      const paid = [];
      for (let i = 0; i < 12; i++) paid.push(await payAndConfirm(shop));
      await afip.controls.setDown(false);
      await afterBackoff(() =>
        Promise.all([
          ctx.app.services.invoicing.issuePending(),
          second.services.invoicing.issuePending(),
          ctx.app.services.invoicing.issuePending(),
          second.services.invoicing.issuePending(),
        ]),
      );
      const rows = await Promise.all(paid.map((p) => invoiceOf(p.bookingId)));
      expect(rows.every((r) => r!.status === 'authorized')).toBe(true);
      expect(rows.map((r) => r!.number)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      const atAfip = afip.state.vouchers().filter((v) => v.cuit === shop.cuit && v.cbteTipo === 6);
      expect(atAfip.map((v) => v.cbteNro).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      for (const r of rows) expect(atAfip.find((v) => v.cbteNro === r!.number)!.cae).toBe(r!.cae);
      // The ticket is shared through the database: one login for this certificate, none refused as alreadyAuthenticated.
      expect(afip.state.tickets().filter((t) => t.cuit === shop.cuit)).toHaveLength(1);
      expect(afip.state.requests.some((r) => r.operation === 'loginCms' && r.outcome.includes('alreadyAuthenticated'))).toBe(false);
    } finally {
      await second.close();
    }
  });

  it('the invoices gauge counts the table by status', async () => {
    const res = await ctx.app.inject({ url: '/metrics', headers: admin.auth });
    expect(res.statusCode).toBe(200);
    const counts = await sql<{ status: string; n: number }>`select status, count(*)::int as n from invoices group by status`.execute(ctx.database.db);
    expect(counts.rows.length).toBeGreaterThan(0);
    for (const { status, n } of counts.rows) expect(res.body).toContain(`barberpro_invoices{status="${status}"} ${n}`);
  });
});

describe('who sees what, and bad input', () => {
  let shop: TestShop;
  let invoiceId: string;
  let bookingId: string;

  beforeAll(async () => {
    shop = await createShop('monotributo');
    ({ bookingId } = await payAndConfirm(shop));
    invoiceId = (await waitForInvoice(bookingId)).id;
  });

  it('the booking’s customer, the shop’s members and admins see the invoice; anyone else gets 404', async () => {
    const stranger = await ctx.createUser('customer');
    const otherShop = await createShopFixture(ctx);
    for (const url of [`/api/v1/invoices/${invoiceId}`, `/api/v1/invoices/${invoiceId}/pdf`, `/api/v1/bookings/${bookingId}/invoices`]) {
      for (const who of [customer, shop.owner, shop.barberUsers[0]!, admin]) expect((await ctx.app.inject({ url, headers: who.auth })).statusCode, url).toBe(200);
      for (const who of [stranger, otherShop.owner]) expectProblem(await ctx.app.inject({ url, headers: who.auth }), 404);
    }
    // The shop's list and settings are for its owner (and admins), not for its barbers or other owners.
    expect((await ctx.app.inject({ url: `/api/v1/shops/${shop.shopId}/invoices`, headers: admin.auth })).statusCode).toBe(200);
    expectProblem(await ctx.app.inject({ url: `/api/v1/shops/${shop.shopId}/invoices`, headers: shop.barberUsers[0]!.auth }), 403);
    expectProblem(await ctx.app.inject({ url: `/api/v1/shops/${shop.shopId}/invoices`, headers: otherShop.owner.auth }), 403);
    expectProblem(await ctx.app.inject({ url: `/api/v1/shops/${shop.shopId}/fiscal-settings`, headers: otherShop.owner.auth }), 403);
    expectProblem(await ctx.app.inject({ method: 'POST', url: `/api/v1/invoices/${invoiceId}/retry`, headers: otherShop.owner.auth }), 404);
    expectProblem(
      await ctx.app.inject({ method: 'PUT', url: `/api/v1/bookings/${bookingId}/billing`, headers: stranger.auth, payload: { docType: 'dni', number: '30111222', name: 'Otra Persona' } }),
      404,
    );
  });

  it('the private key is write-only and sealed at rest', async () => {
    const res = await ctx.app.inject({ url: `/api/v1/shops/${shop.shopId}/fiscal-settings`, headers: shop.owner.auth });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ pointOfSale: POINT_OF_SALE, environment: 'sandbox', enabled: true, hasPrivateKey: true, certificate: { cuit: shop.cuit } });
    expect(res.body).not.toMatch(/PRIVATE KEY|privateKey"/);
    const stored = await ctx.database.db.selectFrom('shop_fiscal_settings').select('private_key_sealed').where('shop_id', '=', shop.shopId).executeTakeFirstOrThrow();
    expect(stored.private_key_sealed.startsWith('v2.')).toBe(true);
    expect(stored.private_key_sealed).not.toContain('PRIVATE KEY');
    const tickets = await ctx.database.db.selectFrom('afip_tickets').selectAll().execute();
    expect(tickets.length).toBeGreaterThan(0);
    for (const t of tickets) expect(t.token_sealed.startsWith('v2.')).toBe(true);
  });

  it('invalid PEM, a certificate of another CUIT, a key that is not the certificate’s, a malformed body: 4xx problem+json and nothing written', async () => {
    const fresh = await createShop('monotributo', { fiscal: false });
    const put = (owner: TestUser, shopId: string, payload: unknown) => ctx.app.inject({ method: 'PUT', url: `/api/v1/shops/${shopId}/fiscal-settings`, headers: owner.auth, payload: payload as object });
    const good = await fiscalBody(fresh.cuit);
    const other = await fiscalBody(freshCuit());
    const cases: Array<[unknown, number, string]> = [
      [{ ...good, certificatePem: '-----BEGIN CERTIFICATE-----\nnot a certificate at all, just text long enough\n-----END CERTIFICATE-----' }, 422, 'invalid_certificate'],
      [{ ...good, certificatePem: other.certificatePem, privateKeyPem: other.privateKeyPem }, 422, 'certificate_cuit_mismatch'],
      [{ ...good, privateKeyPem: other.privateKeyPem }, 422, 'private_key_mismatch'],
      [{ ...good, privateKeyPem: undefined }, 422, 'private_key_required'],
      [{ ...good, environment: 'production' }, 422, 'afip_environment_mismatch'],
      [{ ...good, pointOfSale: 0 }, 400, 'validation_failed'],
      [{ ...good, activityStartDate: '01/03/2020' }, 400, 'validation_failed'],
      [{ ...good, unexpected: true }, 400, 'validation_failed'],
    ];
    for (const [payload, status, code] of cases) {
      const body = expectProblem(await put(fresh.owner, fresh.shopId, payload), status, code);
      expect(body.title).toMatch(/[a-záéíóúñ]/i);
      expect(JSON.stringify(body)).not.toContain('PRIVATE KEY');
    }
    const malformed = await ctx.app.inject({ method: 'PUT', url: `/api/v1/shops/${fresh.shopId}/fiscal-settings`, headers: { ...fresh.owner.auth, 'content-type': 'application/json' }, payload: '{"pointOfSale":' });
    expectProblem(malformed, 400);
    expectProblem(await ctx.app.inject({ url: `/api/v1/shops/${fresh.shopId}/fiscal-settings`, headers: fresh.owner.auth }), 404);
    expect(await ctx.database.db.selectFrom('shop_fiscal_settings').select('shop_id').where('shop_id', '=', fresh.shopId).execute()).toEqual([]);

    // A shop with settings keeps them when a change is refused.
    const before = json(await ctx.app.inject({ url: `/api/v1/shops/${shop.shopId}/fiscal-settings`, headers: shop.owner.auth }));
    expectProblem(await put(shop.owner, shop.shopId, { ...other, pointOfSale: 9 }), 422, 'certificate_cuit_mismatch');
    expect(json(await ctx.app.inject({ url: `/api/v1/shops/${shop.shopId}/fiscal-settings`, headers: shop.owner.auth }))).toEqual(before);
  });

  it('billing data: a CUIT needs a valid check digit and an IVA condition; nothing is stored when refused', async () => {
    const { booking } = await book(shop);
    const put = (payload: unknown) => ctx.app.inject({ method: 'PUT', url: `/api/v1/bookings/${booking.id}/billing`, headers: customer.auth, payload: payload as object });
    expectProblem(await put({ docType: 'cuit', number: '20123456780', name: 'Empresa SA', ivaCondition: 'responsable_inscripto' }), 422, 'invalid_receiver_document');
    expectProblem(await put({ docType: 'cuit', number: freshCuit('30'), name: 'Empresa SA' }), 422, 'iva_condition_required');
    expectProblem(await put({ docType: 'dni', number: '123456', name: 'Persona' }), 422, 'invalid_receiver_document');
    expectProblem(await put({ docType: 'dni', number: '12', name: 'Persona' }), 400, 'validation_failed');
    expectProblem(await put({ docType: 'passport', number: '30111222', name: 'Persona' }), 400, 'validation_failed');
    expect(await ctx.database.db.selectFrom('booking_billing').select('booking_id').where('booking_id', '=', booking.id).execute()).toEqual([]);
    const ok = await put({ docType: 'dni', number: '30.111.222', name: 'Lucía Fernández' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(json(ok).receiver).toEqual({ kind: 'dni', name: 'Lucía Fernández', document: '30111222', ivaCondition: 'consumidor_final' });
  });
});
