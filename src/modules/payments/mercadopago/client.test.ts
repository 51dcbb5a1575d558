import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMercadoPagoSandbox, type MercadoPagoSandbox } from '../../../sandbox/mercadopago/sandbox.js';
import { MercadoPagoClient, MercadoPagoError, toMpDateTime, type MercadoPagoClientOptions, type MpPreferenceRequest } from './client.js';

const clientId = '4934588586838432';
const clientSecret = 'sandbox-client-secret-xyz';
let sandbox: MercadoPagoSandbox;
let seller: { access_token: string; user_id: number };

beforeAll(async () => {
  sandbox = await startMercadoPagoSandbox({ webhookSecret: 'whsec', clientId, clientSecret, feePercent: 6.29, webhookRetryDelaysMs: [] });
  seller = sandbox.issueToken();
});
afterAll(async () => {
  await sandbox.close();
});

/** A client whose waits are recorded instead of slept. */
function client(options: MercadoPagoClientOptions = {}) {
  const sleeps: number[] = [];
  const warnings: Array<Record<string, unknown>> = [];
  const c = new MercadoPagoClient({
    baseUrl: sandbox.url,
    authBaseUrl: sandbox.url,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    logger: { warn: (fields) => warnings.push(fields) },
    ...options,
  });
  return { c, sleeps, warnings };
}

function preference(overrides: Partial<MpPreferenceRequest> = {}): MpPreferenceRequest {
  return {
    items: [{ id: 'svc-corte', title: 'Corte de pelo', quantity: 1, currency_id: 'ARS', unit_price: 15000.5 }],
    back_urls: { success: 'http://127.0.0.1:9/ok', failure: 'http://127.0.0.1:9/fail', pending: 'http://127.0.0.1:9/pending' },
    auto_return: 'approved',
    external_reference: `booking-${Math.random().toString(36).slice(2)}`,
    marketplace_fee: 1500.05,
    statement_descriptor: 'BARBERPRO',
    expires: true,
    expiration_date_to: toMpDateTime(new Date(Date.now() + 15 * 60_000)),
    metadata: { booking_id: 'b-1' },
    ...overrides,
  };
}

async function payWith(initPoint: string, cardholderName: string, cardNumber = '5031 7557 3453 0604') {
  const response = await fetch(initPoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ cardholder_name: cardholderName, card_number: cardNumber }),
    redirect: 'manual',
  });
  return response;
}

async function approvedPayment(c: MercadoPagoClient, overrides: Partial<MpPreferenceRequest> = {}) {
  const pref = await c.createPreference(seller.access_token, preference(overrides), `pref-${Math.random()}`);
  const response = await payWith(pref.init_point, 'APRO');
  expect(response.status).toBe(303);
  const location = new URL(response.headers.get('location')!);
  return { pref, paymentId: location.searchParams.get('payment_id')!, location };
}

async function failure(promise: Promise<unknown>): Promise<MercadoPagoError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MercadoPagoError);
  return error as MercadoPagoError;
}

function fakeFetch(answers: Array<() => Response | Promise<Response>>) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const impl = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    const next = answers.shift();
    if (!next) throw new Error('no more answers');
    return next();
  }) as typeof fetch;
  return { impl, calls };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => () =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('MercadoPagoClient against the sandbox', () => {
  it('creates a preference with MercadoPago amounts as given', async () => {
    const { c } = client();
    const body = preference();
    const pref = await c.createPreference(seller.access_token, body, 'create-1');
    expect(pref.id).toMatch(new RegExp(`^${seller.user_id}-`));
    expect(pref.init_point).toBe(`${sandbox.url}/checkout/pay/${pref.id}`);
    expect(pref.external_reference).toBe(body.external_reference);
    const stored = sandbox.preferences.get(pref.id)!;
    expect((stored.items as Array<{ unit_price: number }>)[0]!.unit_price).toBe(15000.5);
    expect(stored.marketplace_fee).toBe(1500.05);
    expect(stored.metadata).toEqual({ booking_id: 'b-1' });
    const fetched = await c.getPreference(seller.access_token, pref.id);
    expect(fetched.id).toBe(pref.id);
    // Every write carries the caller's key.
    expect(sandbox.requests.at(-2)).toMatchObject({ method: 'POST', path: '/checkout/preferences', status: 201, idempotencyKey: 'create-1' });
  });

  it('pays with APRO: redirect with MercadoPago query params, approved payment with fee details', async () => {
    const { c } = client();
    const { pref, paymentId, location } = await approvedPayment(c);
    expect(location.origin + location.pathname).toBe('http://127.0.0.1:9/ok');
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      collection_id: paymentId,
      collection_status: 'approved',
      status: 'approved',
      payment_id: paymentId,
      preference_id: pref.id,
      external_reference: pref.external_reference,
    });

    const payment = await c.getPayment(seller.access_token, paymentId);
    expect(payment).toMatchObject({
      id: Number(paymentId),
      status: 'approved',
      status_detail: 'accredited',
      external_reference: pref.external_reference,
      transaction_amount: 15000.5,
      transaction_amount_refunded: 0,
      currency_id: 'ARS',
      collector_id: seller.user_id,
      metadata: { booking_id: 'b-1' },
      refunds: [],
    });
    // 6.29 % of $ 15.000,50 = $ 943,53 (943.53145 rounded to the centavo); the marketplace fee as asked.
    expect(payment.fee_details).toEqual([
      { type: 'mercadopago_fee', amount: 943.53, fee_payer: 'collector' },
      { type: 'application_fee', amount: 1500.05, fee_payer: 'collector' },
    ]);
    expect(payment.date_approved).toMatch(/-03:00$/);

    const found = await c.searchPayments(seller.access_token, { external_reference: pref.external_reference! });
    expect(found.results.map((p) => p.id)).toEqual([Number(paymentId)]);
    expect(found.paging.total).toBe(1);
  });

  it('refunds partially, then the rest; refuses more than what remains', async () => {
    const { c } = client();
    const { paymentId } = await approvedPayment(c);

    const partial = await c.refundPayment(seller.access_token, paymentId, 5000, 'refund-partial-1');
    expect(partial).toMatchObject({ payment_id: Number(paymentId), amount: 5000, status: 'approved' });
    let payment = await c.getPayment(seller.access_token, paymentId);
    expect(payment).toMatchObject({ status: 'approved', status_detail: 'partially_refunded', transaction_amount_refunded: 5000 });

    const tooMuch = await failure(c.refundPayment(seller.access_token, paymentId, 10000.51, 'refund-too-much'));
    expect(tooMuch).toMatchObject({ status: 400, retryable: false, kind: 'http', attempts: 1, mpError: 'bad_request' });
    expect(tooMuch.causes[0]).toMatchObject({ code: 'amount_exceeds_available' });
    expect(tooMuch.message).toContain('exceeds');

    const rest = await c.refundPayment(seller.access_token, paymentId, undefined, 'refund-rest-1');
    expect(rest.amount).toBe(10000.5);
    payment = await c.getPayment(seller.access_token, paymentId);
    expect(payment).toMatchObject({ status: 'refunded', status_detail: 'refunded', transaction_amount_refunded: 15000.5 });
    expect(payment.refunds.map((r) => r.amount)).toEqual([5000, 10000.5]);

    const again = await failure(c.refundPayment(seller.access_token, paymentId, undefined, 'refund-after-full'));
    expect(again).toMatchObject({ status: 400, retryable: false });
  });

  it('makes a refund idempotent on its key: the same key gives the same refund, once', async () => {
    const { c } = client();
    const { paymentId } = await approvedPayment(c);
    const first = await c.refundPayment(seller.access_token, paymentId, 1000, 'refund-idem-1');
    const second = await c.refundPayment(seller.access_token, paymentId, 1000, 'refund-idem-1');
    expect(second).toEqual(first);
    const payment = await c.getPayment(seller.access_token, paymentId);
    expect(payment.transaction_amount_refunded).toBe(1000);
    expect(payment.refunds).toHaveLength(1);
    // The same key for a different request is a bug on our side, and says so.
    const misuse = await failure(c.refundPayment(seller.access_token, paymentId, 2000, 'refund-idem-1'));
    expect(misuse).toMatchObject({ status: 409, retryable: false });
  });

  it('retries injected 503s with backoff and the same idempotency key, then succeeds', async () => {
    const { c, sleeps, warnings } = client({ random: () => 0 });
    const before = sandbox.requests.length;
    sandbox.failNext(2, 503);
    const pref = await c.createPreference(seller.access_token, preference(), 'retry-503-key');
    expect(pref.id).toBeTruthy();
    const attempts = sandbox.requests.slice(before);
    expect(attempts.map((r) => [r.status, r.injected, r.idempotencyKey])).toEqual([
      [503, true, 'retry-503-key'],
      [503, true, 'retry-503-key'],
      [201, false, 'retry-503-key'],
    ]);
    expect(sleeps).toEqual([125, 250]);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatchObject({ operation: 'createPreference', status: 503, attempt: 1 });
  });

  it('honours Retry-After on 429', async () => {
    const { c, sleeps } = client();
    const { paymentId } = await approvedPayment(c);
    sandbox.failNext(1, 429, { retryAfterSeconds: 2 });
    const payment = await c.getPayment(seller.access_token, paymentId);
    expect(payment.status).toBe('approved');
    expect(sleeps).toEqual([2000]);
  });

  it('does not wait out a Retry-After longer than its limit: the error says how long', async () => {
    const { c, sleeps } = client({ maxRetryAfterMs: 5_000 });
    sandbox.failNext(1, 429, { retryAfterSeconds: 60 });
    const error = await failure(c.getPayment(seller.access_token, 1));
    expect(error).toMatchObject({ status: 429, retryable: true, retryAfterMs: 60_000, attempts: 1 });
    expect(sleeps).toEqual([]);
  });

  it('gives up after its retries, with a retryable error', async () => {
    const { c, sleeps } = client({ retries: 2 });
    sandbox.failNext(3, 502);
    const error = await failure(c.getPayment(seller.access_token, 1));
    expect(error).toMatchObject({ status: 502, retryable: true, attempts: 3 });
    expect(sleeps).toHaveLength(2);
  });

  it('never retries other 4xx', async () => {
    const { c, sleeps } = client();
    const before = sandbox.requests.length;
    const bad = preference({ items: [{ id: 'x', title: 'Corte', quantity: 1, currency_id: 'USD' as 'ARS', unit_price: 1000 }] });
    const error = await failure(c.createPreference(seller.access_token, bad, 'bad-currency'));
    expect(error).toMatchObject({ status: 400, retryable: false, attempts: 1, mpError: 'bad_request' });
    expect(error.mpMessage).toContain('currency_id');
    expect(sandbox.requests.length - before).toBe(1);

    sandbox.failNext(1, 404);
    expect(await failure(c.getPayment(seller.access_token, 1))).toMatchObject({ status: 404, retryable: false, attempts: 1 });
    expect(sleeps).toEqual([]);
  });

  it('keeps the access token out of errors and logs', async () => {
    const token = 'APP_USR-1234-000000-deadbeefdeadbeefdeadbeefdeadbeef-42';
    const { c, warnings } = client();
    const unknown = await failure(c.getPayment(token, 1));
    expect(unknown).toMatchObject({ status: 401, retryable: false });

    // A server that echoes the token back in its error body.
    const { impl } = fakeFetch([
      json(500, { message: `token ${token} rejected`, error: 'internal_error', status: 500, cause: [{ code: 1, description: `bad ${token}` }] }),
      json(400, { message: `invalid token ${token}`, error: 'bad_request', status: 400, cause: [] }),
    ]);
    const echoing = new MercadoPagoClient({ baseUrl: 'https://mp.invalid', fetch: impl, sleep: async () => {}, logger: { warn: (f) => warnings.push(f) } });
    const error = await failure(echoing.getPayment(token, 1));
    for (const text of [error.message, error.stack ?? '', JSON.stringify(error), JSON.stringify(error.body), JSON.stringify(error.causes), JSON.stringify(warnings), String(error.cause)])
      expect(text).not.toContain(token);
    expect(error.message).toContain('[redacted]');
  });

  it('keeps a malformed token out of fetch error messages', async () => {
    const { c } = client();
    await expect(c.getPayment('bad token\r\nx-injected: 1', 1)).rejects.toThrow(/access token/);
    await expect(c.getPayment('bad token\r\nx-injected: 1', 1)).rejects.not.toThrow(/injected/);
  });

  it('times out a slow answer; a retry with the same key does not create a second preference', async () => {
    const { c } = client({ timeoutMs: 150, retries: 0 });
    sandbox.delayNext(1, 600);
    const error = await failure(c.getPayment(seller.access_token, 1));
    expect(error).toMatchObject({ kind: 'timeout', status: null, retryable: true, attempts: 1 });

    const retrying = client({ timeoutMs: 150, retries: 2 }).c;
    const before = sandbox.preferences.size;
    sandbox.delayNext(1, 600);
    const pref = await retrying.createPreference(seller.access_token, preference(), 'slow-create-key');
    // Let the delayed first attempt finish on the server: it replays the same preference.
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(sandbox.preferences.size).toBe(before + 1);
    expect(sandbox.preferences.get(pref.id)).toBeDefined();
  });

  it('retries network errors', async () => {
    const port = await closedPort();
    const { c, sleeps } = client({ baseUrl: `http://127.0.0.1:${port}`, retries: 2 });
    const error = await failure(c.getPayment(seller.access_token, 1));
    expect(error).toMatchObject({ kind: 'network', status: null, retryable: true, attempts: 3 });
    expect(error.message).toContain('ECONNREFUSED');
    expect(sleeps).toHaveLength(2);
  });
});

describe('MercadoPagoClient protocol details', () => {
  it('backs off exponentially with jitter over the upper half, capped', async () => {
    for (const [random, expected] of [
      [0, [125, 250, 500, 1000, 1000]],
      [0.999999, [250, 500, 1000, 2000, 2000]],
    ] as const) {
      const sleeps: number[] = [];
      const { impl } = fakeFetch(Array.from({ length: 6 }, () => json(503, {})));
      const c = new MercadoPagoClient({ baseUrl: 'https://mp.invalid', fetch: impl, retries: 5, backoffBaseMs: 250, backoffMaxMs: 2000, random: () => random, sleep: async (ms) => void sleeps.push(ms) });
      await failure(c.getPayment('t', 1));
      expect(sleeps).toEqual(expected);
    }
  });

  it('sends bearer auth, JSON, and the idempotency key on writes only', async () => {
    const { impl, calls } = fakeFetch([
      json(201, { id: 9, payment_id: 5, amount: 12.5, status: 'approved', date_created: '2026-01-01T00:00:00.000-03:00' }),
      json(200, { id: 5, status: 'approved', status_detail: 'accredited', external_reference: 'b', transaction_amount: 100, currency_id: 'ARS', date_created: 'x' }),
    ]);
    const c = new MercadoPagoClient({ baseUrl: 'https://mp.invalid/', fetch: impl });
    const refund = await c.refundPayment('tok', 5, 12.5, 'key-1');
    expect(refund.amount).toBe(12.5);
    await c.getPayment('tok', '5');
    const [post, get] = calls;
    expect(post!.url).toBe('https://mp.invalid/v1/payments/5/refunds');
    const postHeaders = post!.init.headers as Record<string, string>;
    expect(postHeaders).toMatchObject({ authorization: 'Bearer tok', 'x-idempotency-key': 'key-1', 'content-type': 'application/json' });
    expect(JSON.parse(post!.init.body as string)).toEqual({ amount: 12.5 });
    expect(get!.url).toBe('https://mp.invalid/v1/payments/5');
    expect(get!.init.headers as Record<string, string>).not.toHaveProperty('x-idempotency-key');
  });

  it('sends {} for a full refund', async () => {
    const { impl, calls } = fakeFetch([json(201, { id: 9, payment_id: 5, amount: 100, status: 'approved', date_created: 'x' })]);
    await new MercadoPagoClient({ baseUrl: 'https://mp.invalid', fetch: impl }).refundPayment('tok', 5, undefined, 'k');
    expect(calls[0]!.init.body).toBe('{}');
  });

  it('refuses a response it cannot read exactly, without retrying', async () => {
    const { impl, calls } = fakeFetch([
      json(200, { id: 5, status: 'approved', external_reference: null, transaction_amount: 10.005, currency_id: 'ARS', date_created: 'x' }),
      () => new Response('<html>oops</html>', { status: 200 }),
    ]);
    const c = new MercadoPagoClient({ baseUrl: 'https://mp.invalid', fetch: impl });
    const error = await failure(c.getPayment('tok', 5));
    expect(error).toMatchObject({ kind: 'invalid_response', retryable: false, status: 200 });
    expect(error.message).toContain('transaction_amount');
    expect(await failure(c.getPayment('tok', 5))).toMatchObject({ kind: 'invalid_response' });
    expect(calls).toHaveLength(2);
  });

  it('normalises amounts sent as strings and keeps them exact', async () => {
    const { impl } = fakeFetch([
      json(200, { id: '5', status: 'approved', transaction_amount: '1500.50', transaction_amount_refunded: 0, currency_id: 'ARS', date_created: 'x', fee_details: [{ type: 'mercadopago_fee', amount: '94.38', fee_payer: 'collector' }] }),
    ]);
    const payment = await new MercadoPagoClient({ baseUrl: 'https://mp.invalid', fetch: impl }).getPayment('tok', 5);
    expect(payment).toMatchObject({ id: 5, transaction_amount: 1500.5, fee_details: [{ amount: 94.38 }] });
  });

  it('passes an undocumented status through for the payment policy to judge', async () => {
    const { impl } = fakeFetch([json(200, { id: 5, status: 'something_new', transaction_amount: 1, currency_id: 'ARS', date_created: 'x' })]);
    const payment = await new MercadoPagoClient({ baseUrl: 'https://mp.invalid', fetch: impl }).getPayment('tok', 5);
    expect(payment).toMatchObject({ status: 'something_new', status_detail: null, external_reference: null, fee_details: [], refunds: [], transaction_amount_refunded: 0 });
  });

  it('validates what it is given before sending anything', async () => {
    const { impl, calls } = fakeFetch([]);
    const c = new MercadoPagoClient({ baseUrl: 'https://mp.invalid', fetch: impl });
    await expect(c.getPayment('tok', '5/../../users/me')).rejects.toThrow(TypeError);
    await expect(c.refundPayment('tok', 5, 100, '')).rejects.toThrow(TypeError);
    await expect(c.refundPayment('tok', 5, 0, 'k')).rejects.toThrow(RangeError);
    await expect(c.refundPayment('tok', 5, 10.005, 'k')).rejects.toThrow(RangeError);
    await expect(c.refundPayment('tok', 5, Number.NaN, 'k')).rejects.toThrow(RangeError);
    await expect(c.createPreference('tok', preference({ items: [] }), 'k')).rejects.toThrow(TypeError);
    await expect(c.createPreference('tok', preference({ expiration_date_to: '2026-12-02 10:00' }), 'k')).rejects.toThrow(TypeError);
    await expect(
      c.createPreference('tok', preference({ items: [{ id: 'a', title: 'b', quantity: 1, currency_id: 'ARS', unit_price: 10.555 }] }), 'k'),
    ).rejects.toThrow(RangeError);
    await expect(c.createPreference('tok', preference({ marketplace_fee: 0.1 + 0.2 }), 'k')).rejects.toThrow(RangeError);
    await expect(
      c.createPreference('tok', preference({ items: [{ id: 'a', title: 'b', quantity: 1.5, currency_id: 'ARS', unit_price: 10 }] }), 'k'),
    ).rejects.toThrow(RangeError);
    expect(calls).toHaveLength(0);
  });

  it('formats preference dates in Argentina time', () => {
    expect(toMpDateTime(new Date('2026-12-02T13:00:00.000Z'))).toBe('2026-12-02T10:00:00.000-03:00');
    expect(toMpDateTime(new Date('2026-01-01T01:30:00.250Z'))).toBe('2025-12-31T22:30:00.250-03:00');
  });
});

describe('OAuth through the client', () => {
  it('links a seller: authorization code → token → refresh (rotating)', async () => {
    const { c } = client();
    const redirectUri = 'https://barberpro.example/api/v1/mercadopago/oauth/callback';
    const authorize = c.authorizationUrl({ clientId, redirectUri, state: 'csrf-state-1' });
    expect(authorize).toContain(`${sandbox.url}/authorization?client_id=${clientId}&response_type=code&platform_id=mp`);
    const redirect = await fetch(authorize, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const back = new URL(redirect.headers.get('location')!);
    expect(back.origin + back.pathname).toBe(redirectUri);
    expect(back.searchParams.get('state')).toBe('csrf-state-1');
    const code = back.searchParams.get('code')!;
    expect(code).toMatch(/^TG-/);

    const token = await c.oauthToken({ grant_type: 'authorization_code', client_id: clientId, client_secret: clientSecret, code, redirect_uri: redirectUri });
    expect(token).toMatchObject({ expires_in: 15_552_000, scope: 'offline_access read write', live_mode: false });
    expect(token.access_token).toMatch(/^APP_USR-/);
    const pref = await c.createPreference(token.access_token, preference(), 'oauth-pref');
    expect(pref.id.startsWith(`${token.user_id}-`)).toBe(true);

    // The code is single-use.
    const reused = await failure(c.oauthToken({ grant_type: 'authorization_code', client_id: clientId, client_secret: clientSecret, code, redirect_uri: redirectUri }));
    expect(reused).toMatchObject({ status: 400, mpError: 'invalid_grant', retryable: false });
    expect(reused.message).not.toContain(code);
    expect(reused.message).not.toContain(clientSecret);

    const refreshed = await c.oauthToken({ grant_type: 'refresh_token', client_id: clientId, client_secret: clientSecret, refresh_token: token.refresh_token });
    expect(refreshed.user_id).toBe(token.user_id);
    expect(refreshed.access_token).not.toBe(token.access_token);
    expect(refreshed.refresh_token).not.toBe(token.refresh_token);
    await c.getPreference(refreshed.access_token, pref.id);

    const rotated = await failure(c.oauthToken({ grant_type: 'refresh_token', client_id: clientId, client_secret: clientSecret, refresh_token: token.refresh_token }));
    expect(rotated).toMatchObject({ status: 400, mpError: 'invalid_grant' });
    expect(JSON.stringify(rotated)).not.toContain(token.refresh_token);

    const wrongSecret = await failure(c.oauthToken({ grant_type: 'refresh_token', client_id: clientId, client_secret: 'nope-nope', refresh_token: refreshed.refresh_token }));
    expect(wrongSecret).toMatchObject({ status: 400, mpError: 'invalid_client' });
  });

  it('does not send X-Idempotency-Key to /oauth/token', async () => {
    const { impl, calls } = fakeFetch([json(200, { access_token: 'a', refresh_token: 'r', expires_in: 10, user_id: 1 })]);
    await new MercadoPagoClient({ baseUrl: 'https://mp.invalid', fetch: impl }).oauthToken({ grant_type: 'refresh_token', client_id: 'c', client_secret: 's', refresh_token: 'r' });
    expect(calls[0]!.init.headers as Record<string, string>).not.toHaveProperty('x-idempotency-key');
    expect(calls[0]!.init.headers as Record<string, string>).not.toHaveProperty('authorization');
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
