import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MercadoPagoClient, toMpDateTime, type MpPreferenceRequest } from '../../modules/payments/mercadopago/client.js';
import { verifyWebhookSignature, webhookQuery } from '../../modules/payments/mercadopago/signature.js';
import { startMercadoPagoSandbox, type MercadoPagoSandbox } from './sandbox.js';
import { TEST_CARDHOLDER_OUTCOMES } from './test-cards.js';

const webhookSecret = 'whsec-sandbox-test-secret';
const clientId = '4934588586838432';
const clientSecret = 'sandbox-client-secret';

interface Received {
  url: string;
  headers: IncomingHttpHeaders;
  body: { id: number; action: string; type: string; live_mode: boolean; api_version: string; user_id: number; date_created: string; data: { id: string } };
  verified: ReturnType<typeof verifyWebhookSignature>;
}

let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
/** Statuses the receiver answers with, one per request, then 200. */
let receiverAnswers: number[] = [];

let sandbox: MercadoPagoSandbox;
let mp: MercadoPagoClient;
let seller: { access_token: string; user_id: number };

beforeAll(async () => {
  // A webhook endpoint as BarberPro will have one: data.id from the query, signature checked.
  receiver = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      const { dataId } = webhookQuery(req.url ?? '');
      const verified = verifyWebhookSignature({
        secret: webhookSecret,
        signatureHeader: req.headers['x-signature'],
        requestId: req.headers['x-request-id'],
        dataId,
        nowSeconds: Math.floor(Date.now() / 1000),
      });
      received.push({ url: req.url ?? '', headers: req.headers, body: JSON.parse(raw) as Received['body'], verified });
      res.writeHead(receiverAnswers.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/v1/webhooks/mercadopago`;

  sandbox = await startMercadoPagoSandbox({ webhookSecret, clientId, clientSecret, webhookRetryDelaysMs: [5, 5, 5] });
  mp = new MercadoPagoClient({ baseUrl: sandbox.url, authBaseUrl: sandbox.url, retries: 0 });
  seller = sandbox.issueToken();
});
afterAll(async () => {
  await sandbox.close();
  receiver.closeAllConnections();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});
beforeEach(async () => {
  await sandbox.idle();
  received.length = 0;
  receiverAnswers = [];
});

let counter = 0;
function preference(overrides: Partial<MpPreferenceRequest> = {}): MpPreferenceRequest {
  counter++;
  return {
    items: [
      { id: 'corte', title: 'Corte clásico', quantity: 1, currency_id: 'ARS', unit_price: 12000 },
      { id: 'barba', title: 'Arreglo de barba <b>', quantity: 2, currency_id: 'ARS', unit_price: 1500.5 },
    ],
    back_urls: { success: 'https://shop.example/ok?x=1', failure: 'https://shop.example/fail', pending: 'https://shop.example/pending' },
    notification_url: receiverUrl,
    external_reference: `booking-${counter}`,
    marketplace_fee: 1000,
    statement_descriptor: 'Barbería Don Julio',
    ...overrides,
  };
}

async function create(overrides: Partial<MpPreferenceRequest> = {}) {
  return mp.createPreference(seller.access_token, preference(overrides), `pref-key-${counter}-${Date.now()}`);
}

function submit(initPoint: string, fields: Record<string, string>) {
  return fetch(initPoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
    redirect: 'manual',
  });
}

async function payApro(initPoint: string) {
  const response = await submit(initPoint, { cardholder_name: 'APRO', card_number: '4509 9535 6623 3704' });
  expect(response.status).toBe(303);
  return Number(new URL(response.headers.get('location')!).searchParams.get('payment_id'));
}

describe('checkout page', () => {
  it('shows the items and total in Spanish with es-AR money, labelled fields and the test-card hint', async () => {
    const pref = await create();
    const response = await fetch(pref.init_point);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await response.text();
    expect(html).toContain('<html lang="es-AR">');
    expect(html).toContain('Corte clásico');
    expect(html).toContain('Arreglo de barba &lt;b&gt;'); // escaped
    expect(html).not.toContain('<b>');
    expect(html).toContain('$\u00a012.000,00');
    expect(html).toContain('$\u00a01.500,50');
    expect(html).toContain('$\u00a03.001,00');
    expect(html).toContain('$\u00a015.001,00'); // total
    expect(html).toMatch(/<label for="cardholder_name">[^<]+<\/label>\s*<input id="cardholder_name"/);
    expect(html).toMatch(/<label for="card_number">[^<]+<\/label>\s*<input id="card_number"/);
    expect(html).toContain('APRO');
    expect(html).toContain('5031 7557 3453 0604');
    expect(html).toContain('Barbería Don Julio');
  });

  it('re-renders the form with an accessible error for an unknown name or a bad card number', async () => {
    const pref = await create();
    const unknownName = await submit(pref.init_point, { cardholder_name: 'Juan Pérez', card_number: '4509 9535 6623 3704' });
    expect(unknownName.status).toBe(400);
    const html = await unknownName.text();
    expect(html).toContain('role="alert"');
    expect(html).toMatch(/id="cardholder_name"[^>]*aria-describedby="cardholder-hint checkout-error"[^>]*aria-invalid="true"/);
    expect(html).toContain('value="Juan Pérez"');

    const badCard = await submit(pref.init_point, { cardholder_name: 'APRO', card_number: '4509 9535 6623 3705' });
    expect(badCard.status).toBe(400);
    expect(await badCard.text()).toMatch(/id="card_number"[^>]*aria-invalid="true"/);
    expect(sandbox.payments.list().filter((p) => p.external_reference === pref.external_reference)).toHaveLength(0);
  });

  it('follows the test cards: each cardholder name gives its status, detail and back URL', async () => {
    const expectedBackUrl = { approved: 'https://shop.example/ok', in_process: 'https://shop.example/pending', rejected: 'https://shop.example/fail' };
    for (const [name, outcome] of Object.entries(TEST_CARDHOLDER_OUTCOMES)) {
      const pref = await create();
      const response = await submit(pref.init_point, { cardholder_name: name.toLowerCase(), card_number: '5031 7557 3453 0604' });
      expect(response.status, name).toBe(303);
      const location = new URL(response.headers.get('location')!);
      expect(location.origin + location.pathname, name).toBe(expectedBackUrl[outcome.status]);
      expect(location.searchParams.get('status'), name).toBe(outcome.status);
      expect(location.searchParams.get('collection_status'), name).toBe(outcome.status);
      expect(location.searchParams.get('external_reference'), name).toBe(pref.external_reference);
      expect(location.searchParams.get('preference_id'), name).toBe(pref.id);
      if (name === 'APRO') expect(location.searchParams.get('x')).toBe('1'); // the back URL's own query survives
      const payment = await mp.getPayment(seller.access_token, location.searchParams.get('payment_id')!);
      expect([payment.status, payment.status_detail], name).toEqual([outcome.status, outcome.statusDetail]);
      // Fees only once money moved.
      expect(payment.fee_details.length > 0, name).toBe(outcome.status === 'approved');
    }
  });

  it('refuses an expired preference, and one not yet valid', async () => {
    const expired = await create({ expires: true, expiration_date_from: toMpDateTime(new Date(Date.now() - 3_600_000)), expiration_date_to: toMpDateTime(new Date(Date.now() - 1000)) });
    expect((await fetch(expired.init_point)).status).toBe(410);
    const refused = await submit(expired.init_point, { cardholder_name: 'APRO', card_number: '5031 7557 3453 0604' });
    expect(refused.status).toBe(410);
    expect(await refused.text()).toContain('venció');
    expect(sandbox.payments.list().some((p) => p.external_reference === expired.external_reference)).toBe(false);

    const future = await create({ expires: true, expiration_date_from: toMpDateTime(new Date(Date.now() + 3_600_000)) });
    expect((await fetch(future.init_point)).status).toBe(400);
  });

  it('answers 404 for an unknown preference', async () => {
    const response = await fetch(`${sandbox.url}/checkout/pay/nope`);
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('No encontramos este pago');
  });

  it('shows a result page when the preference has no back URL for the outcome', async () => {
    const pref = await create({ back_urls: undefined });
    const response = await submit(pref.init_point, { cardholder_name: 'APRO', card_number: '5031 7557 3453 0604' });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Tu pago se acreditó');
  });

  it('rejects a pending outcome in binary mode', async () => {
    const pref = await create({ binary_mode: true });
    const response = await submit(pref.init_point, { cardholder_name: 'CONT', card_number: '5031 7557 3453 0604' });
    const payment = await mp.getPayment(seller.access_token, new URL(response.headers.get('location')!).searchParams.get('payment_id')!);
    expect(payment.status).toBe('rejected');
  });
});

describe('preferences and payments API', () => {
  it('validates preferences like MercadoPago', async () => {
    const post = (body: unknown, token = seller.access_token) =>
      fetch(`${sandbox.url}/checkout/preferences`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const item = { title: 'Corte', quantity: 1, currency_id: 'ARS', unit_price: 100 };
    const cases: Array<[unknown, string]> = [
      [{}, 'items'],
      [{ items: [] }, 'items'],
      [{ items: [{ ...item, currency_id: 'USD' }] }, 'currency_id'],
      [{ items: [{ ...item, unit_price: 0 }] }, 'unit_price'],
      [{ items: [{ ...item, unit_price: -5 }] }, 'unit_price'],
      [{ items: [{ ...item, unit_price: 10.001 }] }, 'unit_price'],
      [{ items: [{ ...item, quantity: 0 }] }, 'quantity'],
      [{ items: [{ ...item, title: '' }] }, 'title'],
      [{ items: [item], marketplace_fee: 101 }, 'marketplace_fee'],
      [{ items: [item], auto_return: 'approved' }, 'back_url.success'],
      [{ items: [item], notification_url: 'not a url' }, 'notification_url'],
      [{ items: [item], expiration_date_to: '2026-12-02 10:00' }, 'expiration_date_to'],
      [{ items: [item], expiration_date_from: '2026-12-02T11:00:00.000-03:00', expiration_date_to: '2026-12-02T10:00:00.000-03:00' }, 'expiration_date_from'],
    ];
    for (const [body, mention] of cases) {
      const response = await post(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      const error = (await response.json()) as { message: string; error: string; status: number; cause: unknown[] };
      expect(error, JSON.stringify(body)).toMatchObject({ error: 'bad_request', status: 400 });
      expect(error.message, JSON.stringify(body)).toContain(mention);
    }
    expect((await post({ items: [item] }, 'APP_USR-unknown')).status).toBe(401);
    expect((await fetch(`${sandbox.url}/checkout/preferences`, { method: 'POST', body: '{}' })).status).toBe(401);
    const invalidJson = await fetch(`${sandbox.url}/checkout/preferences`, { method: 'POST', headers: { authorization: `Bearer ${seller.access_token}`, 'content-type': 'application/json' }, body: '{' });
    expect(invalidJson.status).toBe(400);
  });

  it("keeps each seller's payments to that seller", async () => {
    const pref = await create();
    const paymentId = await payApro(pref.init_point);
    const other = sandbox.issueToken();
    expect((await fetch(`${sandbox.url}/v1/payments/${paymentId}`, { headers: { authorization: `Bearer ${other.access_token}` } })).status).toBe(404);
    const search = await mp.searchPayments(other.access_token, { external_reference: pref.external_reference! });
    expect(search.results).toEqual([]);
    expect((await fetch(`${sandbox.url}/v1/payments/${paymentId}`)).status).toBe(401);
  });

  it('expires OAuth access tokens after their lifetime', async () => {
    let now = new Date('2026-12-01T12:00:00.000Z');
    const local = await startMercadoPagoSandbox({ webhookSecret, clientId, clientSecret, tokenTtlSeconds: 60, now: () => now });
    try {
      const client = new MercadoPagoClient({ baseUrl: local.url, authBaseUrl: local.url, retries: 0 });
      const redirectUri = 'https://barberpro.example/cb';
      const location = (await fetch(client.authorizationUrl({ clientId, redirectUri, state: 's' }), { redirect: 'manual' })).headers.get('location')!;
      const token = await client.oauthToken({ grant_type: 'authorization_code', client_id: clientId, client_secret: clientSecret, code: new URL(location).searchParams.get('code')!, redirect_uri: redirectUri });
      expect(token.expires_in).toBe(60);
      await client.createPreference(token.access_token, preference(), 'ttl-1');
      now = new Date(now.getTime() + 61_000);
      await expect(client.createPreference(token.access_token, preference(), 'ttl-2')).rejects.toMatchObject({ status: 401 });
      const refreshed = await client.oauthToken({ grant_type: 'refresh_token', client_id: clientId, client_secret: clientSecret, refresh_token: token.refresh_token });
      await client.createPreference(refreshed.access_token, preference(), 'ttl-3');
    } finally {
      await local.close();
    }
  });
});

describe('OAuth endpoints', () => {
  it('refuses an unknown application or a bad redirect at /authorization, in Spanish', async () => {
    const bad = await fetch(`${sandbox.url}/authorization?client_id=999&response_type=code&redirect_uri=https://x.example/cb`, { redirect: 'manual' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('No se pudo vincular la cuenta');
    const noRedirect = await fetch(`${sandbox.url}/authorization?client_id=${clientId}&response_type=code&redirect_uri=javascript:alert(1)`, { redirect: 'manual' });
    expect(noRedirect.status).toBe(400);
  });

  it('lets a chosen seller authorize (user_id) and accepts form-encoded token requests', async () => {
    const redirectUri = 'https://barberpro.example/cb';
    const res = await fetch(`${sandbox.url}/authorization?client_id=${clientId}&response_type=code&redirect_uri=${encodeURIComponent(redirectUri)}&state=xyz&user_id=777`, { redirect: 'manual' });
    const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
    const wrongRedirect = await fetch(`${sandbox.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: clientId, client_secret: clientSecret, code, redirect_uri: 'https://evil.example/cb' }),
    });
    expect(wrongRedirect.status).toBe(400);
    expect(await wrongRedirect.json()).toMatchObject({ error: 'invalid_grant' });
    // The failed attempt used the code up.
    const res2 = await fetch(`${sandbox.url}/authorization?client_id=${clientId}&response_type=code&redirect_uri=${encodeURIComponent(redirectUri)}&user_id=777`, { redirect: 'manual' });
    const code2 = new URL(res2.headers.get('location')!).searchParams.get('code')!;
    const ok = await fetch(`${sandbox.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: clientId, client_secret: clientSecret, code: code2, redirect_uri: redirectUri }),
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ user_id: 777, token_type: 'bearer' });

    const unsupported = await fetch(`${sandbox.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'password' }) });
    expect(await unsupported.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });
});

describe('webhooks', () => {
  it('notifies payment.created, signed, with data.id in the query, to the preference notification_url', async () => {
    const pref = await create();
    const paymentId = await payApro(pref.init_point);
    await sandbox.idle();
    expect(received).toHaveLength(1);
    const [hook] = received;
    expect(hook!.verified).toEqual({ ok: true, ts: expect.any(Number) });
    expect(webhookQuery(hook!.url)).toEqual({ dataId: String(paymentId), type: 'payment' });
    expect(hook!.url.startsWith('/api/v1/webhooks/mercadopago?')).toBe(true);
    expect(hook!.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(hook!.body).toMatchObject({
      live_mode: false,
      type: 'payment',
      user_id: seller.user_id,
      api_version: 'v1',
      action: 'payment.created',
      data: { id: String(paymentId) },
    });
    expect(typeof hook!.body.id).toBe('number');
    expect(hook!.body.date_created).toMatch(/-03:00$/);
    // A different secret does not verify it.
    const forged = verifyWebhookSignature({
      secret: 'not-the-secret',
      signatureHeader: hook!.headers['x-signature'],
      requestId: hook!.headers['x-request-id'],
      dataId: String(paymentId),
      nowSeconds: Math.floor(Date.now() / 1000),
    });
    expect(forged).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('retries delivery on non-2xx answers and on an unreachable receiver', async () => {
    receiverAnswers = [500, 503];
    const pref = await create();
    const paymentId = await payApro(pref.init_point);
    await sandbox.idle();
    expect(received).toHaveLength(3);
    expect(new Set(received.map((r) => r.body.id)).size).toBe(1); // the same event
    expect(new Set(received.map((r) => r.headers['x-request-id'])).size).toBe(3); // each attempt its own request id
    const attempts = sandbox.deliveries.filter((d) => d.paymentId === paymentId);
    expect(attempts.map((d) => [d.attempt, d.status, d.ok])).toEqual([
      [1, 500, false],
      [2, 503, false],
      [3, 200, true],
    ]);

    const nowhere = await create({ notification_url: `http://127.0.0.1:${await closedPort()}/hook` });
    const lostId = await payApro(nowhere.init_point);
    await sandbox.idle();
    const lost = sandbox.deliveries.filter((d) => d.paymentId === lostId);
    expect(lost).toHaveLength(4); // first try and three retries
    expect(lost.every((d) => !d.ok && d.status === null && d.error === 'ECONNREFUSED')).toBe(true);
  });

  it('settles a pending (CONT) payment later and notifies payment.updated', async () => {
    const pref = await create();
    const response = await submit(pref.init_point, { cardholder_name: 'CONT', card_number: '5031 7557 3453 0604' });
    const location = new URL(response.headers.get('location')!);
    expect(location.pathname).toBe('/pending');
    const paymentId = location.searchParams.get('payment_id')!;
    expect((await mp.getPayment(seller.access_token, paymentId)).status).toBe('in_process');
    await sandbox.idle(); // notifications race each other otherwise, as MercadoPago's do

    const settled = await fetch(`${sandbox.url}/sandbox/payments/${paymentId}/settle`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'approved' }) });
    expect(settled.status).toBe(200);
    const payment = await mp.getPayment(seller.access_token, paymentId);
    expect(payment).toMatchObject({ status: 'approved', status_detail: 'accredited' });
    expect(payment.fee_details.map((f) => f.type)).toEqual(['mercadopago_fee', 'application_fee']);
    await sandbox.idle();
    expect(received.map((r) => r.body.action)).toEqual(['payment.created', 'payment.updated']);
    expect(received.every((r) => r.verified.ok)).toBe(true);

    const again = await fetch(`${sandbox.url}/sandbox/payments/${paymentId}/settle`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'rejected' }) });
    expect(again.status).toBe(400);

    const other = await create();
    const r2 = await submit(other.init_point, { cardholder_name: 'CONT', card_number: '5031 7557 3453 0604' });
    const id2 = new URL(r2.headers.get('location')!).searchParams.get('payment_id')!;
    expect(sandbox.settle(id2, 'rejected')).toMatchObject({ status: 'rejected', status_detail: 'cc_rejected_other_reason' });
  });

  it('charges back an approved payment and notifies it', async () => {
    const pref = await create();
    const paymentId = await payApro(pref.init_point);
    await sandbox.idle();
    const response = await fetch(`${sandbox.url}/sandbox/payments/${paymentId}/chargeback`, { method: 'POST' });
    expect(response.status).toBe(200);
    expect((await mp.getPayment(seller.access_token, paymentId)).status).toBe('charged_back');
    await sandbox.idle();
    expect(received.map((r) => r.body.action)).toEqual(['payment.created', 'payment.updated']);
  });

  it('reverses a chargeback (dispute won) over HTTP: approved again, notified; refused for a payment not charged back', async () => {
    const pref = await create();
    const paymentId = await payApro(pref.init_point);
    await sandbox.idle();
    const early = await fetch(`${sandbox.url}/sandbox/payments/${paymentId}/chargeback/reverse`, { method: 'POST' });
    expect(early.status).toBe(400);
    sandbox.chargeback(paymentId);
    const response = await fetch(`${sandbox.url}/sandbox/payments/${paymentId}/chargeback/reverse`, { method: 'POST' });
    expect(response.status).toBe(200);
    const payment = await mp.getPayment(seller.access_token, paymentId);
    expect(payment).toMatchObject({ status: 'approved', status_detail: 'accredited', transaction_amount_refunded: 0 });
    await sandbox.idle();
    expect(received.map((r) => r.body.action)).toEqual(['payment.created', 'payment.updated', 'payment.updated']);
    expect(received.every((r) => r.verified.ok)).toBe(true);
  });

  it('notifies each refund as payment.updated', async () => {
    const pref = await create();
    const paymentId = await payApro(pref.init_point);
    await mp.refundPayment(seller.access_token, paymentId, 1000, 'wh-refund-1');
    await mp.refundPayment(seller.access_token, paymentId, undefined, 'wh-refund-2');
    await sandbox.idle();
    // Concurrent deliveries may arrive in any order; each event arrives once.
    expect(received.map((r) => r.body.action).sort()).toEqual(['payment.created', 'payment.updated', 'payment.updated']);
    expect(new Set(received.map((r) => r.body.id)).size).toBe(3);
  });

  it('redelivers n duplicates of every notification, shuffled, each one verifiable', async () => {
    const pref = await create();
    const paymentId = await payApro(pref.init_point);
    await mp.refundPayment(seller.access_token, paymentId, 1000, 'dup-refund-1');
    await sandbox.idle();
    const events = new Map(received.map((r) => [r.body.id, r.body.action]));
    expect([...events.values()].sort()).toEqual(['payment.created', 'payment.updated']);
    received.length = 0;

    const orders = new Set<string>();
    for (let round = 0; round < 6; round++) {
      received.length = 0;
      const deliveries = await sandbox.deliver(paymentId, { duplicates: 3, shuffle: true });
      expect(deliveries).toHaveLength(6);
      expect(deliveries.every((d) => d.ok)).toBe(true);
      expect(received).toHaveLength(6);
      expect(received.every((r) => r.verified.ok)).toBe(true);
      // Same notifications (ids and actions), three times each.
      for (const [id, action] of events) expect(received.filter((r) => r.body.id === id && r.body.action === action)).toHaveLength(3);
      orders.add(received.map((r) => r.body.action[8]).join(''));
    }
    // Six shuffles of ccc/uuu all in one order would be a (1/20)^5 coincidence.
    expect(orders.size).toBeGreaterThan(1);
  });

  it('redelivers over HTTP too, concurrently if asked', async () => {
    const pref = await create();
    const paymentId = await payApro(pref.init_point);
    await sandbox.idle();
    received.length = 0;
    const response = await fetch(`${sandbox.url}/sandbox/webhooks/redeliver`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ payment_id: paymentId, duplicates: 4, shuffle: true, concurrent: true }),
    });
    expect(response.status).toBe(200);
    const { deliveries } = (await response.json()) as { deliveries: Array<{ ok: boolean }> };
    expect(deliveries).toHaveLength(4);
    expect(received).toHaveLength(4);
    expect(received.every((r) => r.verified.ok && r.body.action === 'payment.created')).toBe(true);
    expect((await fetch(`${sandbox.url}/sandbox/webhooks/redeliver`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(400);
  });
});

describe('fault injection', () => {
  it('answers the next n API calls with the given status, then recovers; pages are not affected', async () => {
    sandbox.failNext(2, 503);
    const pref = await fetch(`${sandbox.url}/checkout/pay/whatever`);
    expect(pref.status).toBe(404); // a page: no fault consumed
    const first = await fetch(`${sandbox.url}/v1/payments/1`, { headers: { authorization: `Bearer ${seller.access_token}` } });
    const second = await fetch(`${sandbox.url}/v1/payments/1`, { headers: { authorization: `Bearer ${seller.access_token}` } });
    const third = await fetch(`${sandbox.url}/v1/payments/1`, { headers: { authorization: `Bearer ${seller.access_token}` } });
    expect([first.status, second.status, third.status]).toEqual([503, 503, 404]);
    sandbox.failNext(1, 429, { retryAfterSeconds: 7 });
    const limited = await fetch(`${sandbox.url}/v1/payments/1`, { headers: { authorization: `Bearer ${seller.access_token}` } });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(() => sandbox.failNext(1, 200)).toThrow(RangeError);
  });
});

describe('lifecycle', () => {
  it('keeps payments, tokens and idempotency across restarts with a state file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mp-sandbox-'));
    const stateFile = join(dir, 'nested', 'state.json');
    try {
      const first = await startMercadoPagoSandbox({ webhookSecret, clientId, clientSecret, stateFile });
      const token = first.issueToken();
      const client = new MercadoPagoClient({ baseUrl: first.url, retries: 0 });
      const pref = await client.createPreference(token.access_token, preference({ notification_url: undefined }), 'persist-pref');
      const { paymentId } = first.pay(pref.id, { cardholderName: 'APRO' });
      const refund = await client.refundPayment(token.access_token, paymentId, 500, 'persist-refund');
      await first.close();
      expect(JSON.parse(await readFile(stateFile, 'utf8'))).toMatchObject({ version: 1 });

      const second = await startMercadoPagoSandbox({ webhookSecret, clientId, clientSecret, stateFile });
      try {
        const again = new MercadoPagoClient({ baseUrl: second.url, retries: 0 });
        const payment = await again.getPayment(token.access_token, paymentId);
        expect(payment).toMatchObject({ status: 'approved', transaction_amount_refunded: 500 });
        expect(await again.refundPayment(token.access_token, paymentId, 500, 'persist-refund')).toEqual(refund);
        // New ids continue after the old ones.
        const next = second.pay(pref.id, { cardholderName: 'APRO' });
        expect(next.paymentId).toBeGreaterThan(paymentId);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('does not start in production', async () => {
    const previous = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await expect(startMercadoPagoSandbox({ webhookSecret, clientId, clientSecret })).rejects.toThrow(/production/);
    } finally {
      process.env.NODE_ENV = previous;
    }
  });

  it('with sendNotifications off, records a payment\'s notifications but sends them only when asked', async () => {
    const local = await startMercadoPagoSandbox({ webhookSecret, clientId, clientSecret, sellerTokens: { 'APP_USR-quiet-seller': 556 }, sendNotifications: false });
    try {
      const client = new MercadoPagoClient({ baseUrl: local.url, retries: 0 });
      const pref = await client.createPreference('APP_USR-quiet-seller', { ...preference(), notification_url: receiverUrl }, 'quiet-1');
      const before = received.length;
      const { paymentId } = local.pay(pref.id, { cardholderName: 'APRO' });
      await local.idle();
      expect(received).toHaveLength(before);
      expect(local.payments.get(paymentId)).toMatchObject({ status: 'approved', collector_id: 556 });
      const sent = await local.deliver(paymentId);
      expect(sent).toEqual([expect.objectContaining({ action: 'payment.created', ok: true })]);
      expect(received.at(-1)!.body).toMatchObject({ action: 'payment.created', user_id: 556, data: { id: String(paymentId) } });
    } finally {
      await local.close();
    }
  });

  it('accepts configured static seller tokens', async () => {
    const local = await startMercadoPagoSandbox({ webhookSecret, clientId, clientSecret, sellerTokens: { 'APP_USR-static-seller-1': 555 } });
    try {
      const client = new MercadoPagoClient({ baseUrl: local.url, retries: 0 });
      const pref = await client.createPreference('APP_USR-static-seller-1', preference(), 'static-1');
      expect(pref.id.startsWith('555-')).toBe(true);
    } finally {
      await local.close();
    }
  });
});

async function closedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
