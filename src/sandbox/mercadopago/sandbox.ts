import { createHash, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { toMpDateTime } from '../../modules/payments/mercadopago/client.js';
import { amountToCentavos, centavosToAmount, MAX_CENTAVOS, type Centavos } from '../../modules/payments/mercadopago/money.js';
import { signWebhook } from '../../modules/payments/mercadopago/signature.js';
import { renderCheckoutPage, renderMessagePage } from './checkout-page.js';
import { loadState, SandboxState, StateWriter, type StoredEvent, type StoredItem, type StoredPayment, type StoredPreference } from './state.js';
import { checkCardNumber, outcomeForCardholder } from './test-cards.js';

/**
 * A local MercadoPago: the subset of its API, checkout and OAuth that BarberPro uses, with
 * in-memory state, signed webhooks and fault injection. Development points
 * MercadoPagoClient's baseUrl at it; tests start one per file. It is a separate module that
 * nothing in the production configuration selects, and it refuses to start under
 * NODE_ENV=production.
 */

export interface SandboxLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface MercadoPagoSandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** The application's webhook secret: what BarberPro verifies x-signature with. */
  webhookSecret: string;
  /** The marketplace application's OAuth credentials. */
  clientId: string;
  clientSecret: string;
  /** MercadoPago's processing fee charged to the seller, in percent. Default 6.29. */
  feePercent?: number;
  /** Seller tokens accepted without OAuth: token → seller user id. */
  sellerTokens?: Record<string, number>;
  /** Where notifications go for preferences without notification_url (the app-level setting). */
  defaultNotificationUrl?: string;
  /** Lifetime of OAuth access tokens. Default 15552000 (180 days), as MercadoPago issues. */
  tokenTtlSeconds?: number;
  /** Waits between webhook attempts after a non-2xx; one more attempt per entry. */
  webhookRetryDelaysMs?: number[];
  webhookTimeoutMs?: number;
  /**
   * false: record each payment's notifications but send none by itself; `deliver` still sends
   * them. For a load generator that sends the notifications at its own pace. Default true.
   */
  sendNotifications?: boolean;
  /** Keep state across restarts in this JSON file. */
  stateFile?: string;
  /** The sandbox's clock: dates, expiries, token lifetimes and the webhook signatures' ts. */
  now?: () => Date;
  log?: SandboxLogger;
}

export interface WebhookDelivery {
  paymentId: number;
  eventId: number;
  action: string;
  url: string;
  attempt: number;
  requestId: string;
  /** HTTP status, null when the receiver could not be reached. */
  status: number | null;
  ok: boolean;
  error?: string;
  at: string;
}

export interface ApiRequestRecord {
  method: string;
  path: string;
  status: number;
  idempotencyKey: string | null;
  injected: boolean;
}

export interface DeliverOptions {
  /** Copies of each of the payment's notifications. Default 1. */
  duplicates?: number;
  shuffle?: boolean;
  /** Pause between sends (sequential mode). */
  delayMs?: number;
  /** Send everything at once instead of one after another. */
  concurrent?: boolean;
}

export interface SandboxRecords<T> {
  get(id: string | number): T | undefined;
  list(): T[];
  readonly size: number;
}

export interface MercadoPagoSandbox {
  readonly url: string;
  readonly port: number;
  /** Payments as GET /v1/payments/{id} shows them (copies). */
  readonly payments: SandboxRecords<Record<string, unknown>>;
  readonly preferences: SandboxRecords<Record<string, unknown>>;
  /** Every webhook attempt, in order. */
  readonly deliveries: readonly WebhookDelivery[];
  /** Every API call (not checkout pages or /sandbox endpoints), in order. */
  readonly requests: readonly ApiRequestRecord[];
  /** Sends the payment's notifications again (MercadoPago redelivers and duplicates). */
  deliver(paymentId: number | string, options?: DeliverOptions): Promise<WebhookDelivery[]>;
  /** The next `count` API calls answer `status` (e.g. 503, 429) without being processed. */
  failNext(count: number, status: number, options?: { retryAfterSeconds?: number }): void;
  /** The next `count` API calls are processed only after `ms` (for client timeouts). */
  delayNext(count: number, ms: number): void;
  /** A seller token without going through OAuth. */
  issueToken(userId?: number): { access_token: string; user_id: number };
  /** What POST /checkout/pay/{id} does, without a browser. */
  pay(preferenceId: string, input: { cardholderName: string; cardNumber?: string }): { paymentId: number; redirectUrl: string | null };
  settle(paymentId: number | string, status: 'approved' | 'rejected'): Record<string, unknown>;
  chargeback(paymentId: number | string): Record<string, unknown>;
  /**
   * The seller won the dispute: the money comes back and the payment reads approved again.
   * (How MercadoPago reports a won dispute is not verified; the sandbox models it this way.)
   */
  reverseChargeback(paymentId: number | string): Record<string, unknown>;
  /** Resolves when no webhook delivery is in flight. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const DEFAULT_FEE_PERCENT = 6.29;
const DEFAULT_TOKEN_TTL_SECONDS = 15_552_000;
const CODE_TTL_MS = 10 * 60_000;
const BODY_LIMIT_BYTES = 1_048_576;
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:[+-]\d{2}:\d{2}|Z)$/;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly kind: 'json' | 'html' = 'json',
  ) {
    super(typeof body === 'string' ? body : JSON.stringify(body));
  }
}

/** MercadoPago's error body shape. */
function mpError(status: number, error: string, message: string, cause: Array<{ code: string; description: string }> = []): HttpError {
  return new HttpError(status, { message, error, status, cause });
}

function badRequest(message: string, code = 'invalid_parameter'): HttpError {
  return mpError(400, 'bad_request', message, [{ code, description: message }]);
}

type RouteKind = 'api' | 'page' | 'sandbox';
interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: string[];
  body: Record<string, unknown>;
}
interface Reply {
  status: number;
  json?: unknown;
  html?: string;
  location?: string;
  headers?: Record<string, string>;
}
interface Route {
  method: string;
  pattern: RegExp;
  kind: RouteKind;
  handle: (ctx: Ctx) => Reply | Promise<Reply>;
}
type Fault = { kind: 'fail'; status: number; retryAfterSeconds?: number } | { kind: 'delay'; ms: number };

export async function startMercadoPagoSandbox(options: MercadoPagoSandboxOptions): Promise<MercadoPagoSandbox> {
  if (process.env.NODE_ENV === 'production') throw new Error('The MercadoPago sandbox is for development and tests; it does not start in production');
  if (!options.webhookSecret || !options.clientId || !options.clientSecret) throw new TypeError('webhookSecret, clientId and clientSecret are required');
  const state = options.stateFile ? await loadState(options.stateFile) : new SandboxState();
  const sandbox = new Sandbox(options, state);
  await sandbox.listen();
  return sandbox;
}

class Sandbox implements MercadoPagoSandbox {
  url = '';
  port = 0;
  readonly deliveries: WebhookDelivery[] = [];
  readonly requests: ApiRequestRecord[] = [];
  readonly payments: SandboxRecords<Record<string, unknown>>;
  readonly preferences: SandboxRecords<Record<string, unknown>>;

  private readonly server: Server;
  private readonly routes: Route[];
  private readonly faults: Fault[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly shutdown = new AbortController();
  private readonly writer: StateWriter | null;
  private readonly feeHundredthsOfPercent: number;
  private readonly now: () => Date;

  constructor(
    private readonly options: MercadoPagoSandboxOptions,
    private readonly state: SandboxState,
  ) {
    this.now = options.now ?? (() => new Date());
    // Percent with up to two decimals, as an integer number of hundredths, so fees are exact.
    this.feeHundredthsOfPercent = amountToCentavos(options.feePercent ?? DEFAULT_FEE_PERCENT);
    if (this.feeHundredthsOfPercent > 10_000) throw new RangeError('feePercent cannot exceed 100');
    for (const [token, userId] of Object.entries(options.sellerTokens ?? {})) state.tokens.set(token, { userId, clientId: null, expiresAt: null });
    this.writer = options.stateFile ? new StateWriter(options.stateFile, state, (error) => this.options.log?.warn({ err: String(error) }, 'could not save the sandbox state')) : null;
    this.payments = this.records(() => state.payments, (key) => state.payments.get(Number(key)), (p) => this.paymentJson(p));
    this.preferences = this.records(() => state.preferences, (key) => state.preferences.get(String(key)), (p) => this.preferenceJson(p));
    this.routes = this.buildRoutes();
    this.server = createServer((req, res) => {
      this.dispatch(req, res).catch((error: unknown) => {
        // Last resort: a bug here must not take the sandbox (or the test run) down.
        this.options.log?.warn({ err: (error as Error).message }, 'sandbox request failed');
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
  }

  async listen(): Promise<void> {
    const host = this.options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, host, () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.url = `http://${host.includes(':') ? `[${host}]` : host}:${this.port}`;
    this.options.log?.info({ url: this.url }, 'MercadoPago sandbox listening');
  }

  // ─── public test hooks ────────────────────────────────────────────────────────────────

  failNext(count: number, status: number, options: { retryAfterSeconds?: number } = {}): void {
    if (!Number.isInteger(status) || status < 400 || status > 599) throw new RangeError('failNext needs a 4xx or 5xx status');
    for (let i = 0; i < count; i++) this.faults.push({ kind: 'fail', status, retryAfterSeconds: options.retryAfterSeconds });
  }

  delayNext(count: number, ms: number): void {
    for (let i = 0; i < count; i++) this.faults.push({ kind: 'delay', ms });
  }

  issueToken(userId?: number): { access_token: string; user_id: number } {
    const id = userId ?? this.state.nextUserId++;
    const token = this.newAccessToken(id);
    this.state.tokens.set(token, { userId: id, clientId: null, expiresAt: null });
    this.persist();
    return { access_token: token, user_id: id };
  }

  pay(preferenceId: string, input: { cardholderName: string; cardNumber?: string }): { paymentId: number; redirectUrl: string | null } {
    const preference = this.state.preferences.get(preferenceId);
    if (!preference) throw new Error(`No preference ${preferenceId}`);
    const result = this.checkout(preference, input.cardholderName, input.cardNumber ?? '5031 7557 3453 0604');
    if ('error' in result) throw new Error(result.error.message);
    return { paymentId: result.payment.id, redirectUrl: result.redirectUrl };
  }

  settle(paymentId: number | string, status: 'approved' | 'rejected'): Record<string, unknown> {
    const payment = this.findPayment(paymentId);
    if (payment.status !== 'in_process' && payment.status !== 'pending')
      throw badRequest(`Only a pending payment can be settled (this one is ${payment.status})`, 'invalid_status');
    const now = this.now();
    if (status === 'approved') this.approve(payment, now);
    else {
      payment.status = 'rejected';
      payment.statusDetail = 'cc_rejected_other_reason';
    }
    this.updated(payment, now);
    return this.paymentJson(payment);
  }

  chargeback(paymentId: number | string): Record<string, unknown> {
    const payment = this.findPayment(paymentId);
    if (payment.status !== 'approved') throw badRequest(`Only an approved payment can be charged back (this one is ${payment.status})`, 'invalid_status');
    payment.status = 'charged_back';
    payment.statusDetail = 'settled';
    this.updated(payment, this.now());
    return this.paymentJson(payment);
  }

  reverseChargeback(paymentId: number | string): Record<string, unknown> {
    const payment = this.findPayment(paymentId);
    if (payment.status !== 'charged_back') throw badRequest(`Only a charged back payment can have its chargeback reversed (this one is ${payment.status})`, 'invalid_status');
    payment.status = 'approved';
    payment.statusDetail = payment.refunded > 0 ? 'partially_refunded' : 'accredited';
    this.updated(payment, this.now());
    return this.paymentJson(payment);
  }

  async deliver(paymentId: number | string, options: DeliverOptions = {}): Promise<WebhookDelivery[]> {
    const payment = this.findPayment(paymentId);
    const copies = Math.max(1, Math.floor(options.duplicates ?? 1));
    const sends: StoredEvent[] = [];
    for (const event of payment.events) for (let i = 0; i < copies; i++) sends.push(event);
    if (options.shuffle) {
      for (let i = sends.length - 1; i > 0; i--) {
        const j = randomInt(0, i + 1);
        [sends[i], sends[j]] = [sends[j]!, sends[i]!];
      }
    }
    if (options.concurrent) return Promise.all(sends.map((event) => this.track(this.sendWithRetries(payment, event))));
    const results: WebhookDelivery[] = [];
    for (const [index, event] of sends.entries()) {
      if (index > 0 && options.delayMs) await this.pause(options.delayMs);
      results.push(await this.track(this.sendWithRetries(payment, event)));
    }
    return results;
  }

  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  async close(): Promise<void> {
    this.shutdown.abort();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    await this.idle();
    await this.writer?.flush();
  }

  // ─── HTTP plumbing ────────────────────────────────────────────────────────────────────

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const method = req.method ?? 'GET';
    let route: Route | undefined;
    let match: RegExpExecArray | null = null;
    for (const candidate of this.routes) {
      match = candidate.method === method ? candidate.pattern.exec(url.pathname) : null;
      if (match) {
        route = candidate;
        break;
      }
    }
    const isApi = route?.kind === 'api';
    const idempotencyKey = headerValue(req, 'x-idempotency-key');
    let injected = false;
    let reply: Reply;
    try {
      if (!route || !match) throw mpError(404, 'not_found', `Resource ${url.pathname} not found`);
      let params: string[];
      try {
        params = match.slice(1).map((p) => decodeURIComponent(p));
      } catch {
        throw mpError(404, 'not_found', 'Resource not found');
      }
      const fault = isApi ? this.faults.shift() : undefined;
      if (fault?.kind === 'fail') {
        injected = true;
        // Drain the body so the client sees the answer rather than a reset.
        await readBody(req).catch(() => '');
        const headers: Record<string, string> = fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {};
        reply = { status: fault.status, headers, json: { message: 'sandbox: injected failure', error: fault.status === 429 ? 'too_many_requests' : 'internal_error', status: fault.status, cause: [] } };
      } else {
        const body = await parseBody(req);
        if (fault?.kind === 'delay') await this.pause(fault.ms);
        reply = await route.handle({ req, res, url, params, body });
      }
    } catch (error) {
      if (error instanceof HttpError) {
        reply = error.kind === 'html' ? { status: error.status, html: String(error.body) } : { status: error.status, json: error.body };
      } else {
        this.options.log?.warn({ err: (error as Error).message, path: url.pathname }, 'sandbox handler failed');
        reply = { status: 500, json: { message: 'sandbox internal error', error: 'internal_error', status: 500, cause: [] } };
      }
    }
    if (isApi) remember(this.requests, { method, path: url.pathname, status: reply.status, idempotencyKey: idempotencyKey ?? null, injected });
    this.send(res, reply);
  }

  private send(res: ServerResponse, reply: Reply): void {
    if (res.destroyed || res.headersSent) return;
    const headers: Record<string, string> = { 'cache-control': 'no-store', ...reply.headers };
    let payload = '';
    if (reply.location) headers.location = reply.location;
    if (reply.html !== undefined) {
      headers['content-type'] = 'text/html; charset=utf-8';
      headers['content-security-policy'] = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'";
      headers['x-content-type-options'] = 'nosniff';
      payload = reply.html;
    } else if (reply.json !== undefined) {
      headers['content-type'] = 'application/json; charset=utf-8';
      payload = JSON.stringify(reply.json);
    }
    res.writeHead(reply.status, headers);
    res.end(payload);
  }

  private buildRoutes(): Route[] {
    const r = (method: string, path: string, kind: RouteKind, handle: Route['handle']): Route => ({
      method,
      pattern: new RegExp(`^${path.replace(/:[a-z]+/g, '([^/]+)')}/?$`),
      kind,
      handle,
    });
    return [
      r('POST', '/checkout/preferences', 'api', (ctx) => this.createPreference(ctx)),
      r('GET', '/checkout/preferences/:id', 'api', (ctx) => this.getPreference(ctx)),
      r('GET', '/checkout/pay/:id', 'page', (ctx) => this.checkoutPage(ctx)),
      r('POST', '/checkout/pay/:id', 'page', (ctx) => this.checkoutSubmit(ctx)),
      r('GET', '/v1/payments/search', 'api', (ctx) => this.searchPayments(ctx)),
      r('GET', '/v1/payments/:id', 'api', (ctx) => this.getPayment(ctx)),
      r('POST', '/v1/payments/:id/refunds', 'api', (ctx) => this.refund(ctx)),
      r('GET', '/authorization', 'page', (ctx) => this.authorize(ctx)),
      r('POST', '/oauth/token', 'api', (ctx) => this.oauthToken(ctx)),
      r('POST', '/sandbox/payments/:id/settle', 'sandbox', (ctx) => {
        const status = ctx.body.status;
        if (status !== 'approved' && status !== 'rejected') throw badRequest('status must be "approved" or "rejected"');
        return { status: 200, json: this.settle(ctx.params[0]!, status) };
      }),
      r('POST', '/sandbox/payments/:id/chargeback', 'sandbox', (ctx) => ({ status: 200, json: this.chargeback(ctx.params[0]!) })),
      r('POST', '/sandbox/payments/:id/chargeback/reverse', 'sandbox', (ctx) => ({ status: 200, json: this.reverseChargeback(ctx.params[0]!) })),
      r('POST', '/sandbox/webhooks/redeliver', 'sandbox', async (ctx) => {
        const b = ctx.body;
        const paymentId = b.payment_id ?? b.paymentId;
        if (typeof paymentId !== 'number' && typeof paymentId !== 'string') throw badRequest('payment_id is required');
        const deliveries = await this.deliver(paymentId, {
          duplicates: typeof b.duplicates === 'number' ? b.duplicates : undefined,
          shuffle: b.shuffle === true,
          delayMs: typeof b.delay_ms === 'number' ? b.delay_ms : undefined,
          concurrent: b.concurrent === true,
        });
        return { status: 200, json: { deliveries } };
      }),
    ];
  }

  // ─── authentication ───────────────────────────────────────────────────────────────────

  private authenticate(req: IncomingMessage): number {
    const header = headerValue(req, 'authorization') ?? '';
    const match = /^Bearer (\S+)$/.exec(header);
    const token = match?.[1] ? this.state.tokens.get(match[1]) : undefined;
    if (!token) throw mpError(401, 'unauthorized', 'invalid access token');
    if (token.expiresAt !== null && token.expiresAt <= this.now().getTime()) throw mpError(401, 'unauthorized', 'expired access token');
    return token.userId;
  }

  private newAccessToken(userId: number): string {
    const stamp = this.now().toISOString().slice(2, 10).replace(/-/g, '');
    return `APP_USR-${this.options.clientId}-${stamp}-${randomBytes(16).toString('hex')}-${userId}`;
  }

  // ─── preferences ──────────────────────────────────────────────────────────────────────

  private createPreference(ctx: Ctx): Reply {
    const collectorId = this.authenticate(ctx.req);
    return this.idempotent(ctx, collectorId, false, () => {
      const parsed = parsePreference(ctx.body);
      const preference: StoredPreference = { ...parsed, id: `${collectorId}-${randomUUID()}`, collectorId, dateCreated: toMpDateTime(this.now()) };
      this.state.preferences.set(preference.id, preference);
      this.persist();
      this.options.log?.info({ preferenceId: preference.id, externalReference: preference.externalReference }, 'preference created');
      return { status: 201, json: this.preferenceJson(preference) };
    });
  }

  private getPreference(ctx: Ctx): Reply {
    const collectorId = this.authenticate(ctx.req);
    const preference = this.state.preferences.get(ctx.params[0]!);
    if (!preference || preference.collectorId !== collectorId) throw mpError(404, 'not_found', 'Preference not found');
    return { status: 200, json: this.preferenceJson(preference) };
  }

  private preferenceJson(p: StoredPreference): Record<string, unknown> {
    const initPoint = `${this.url}/checkout/pay/${encodeURIComponent(p.id)}`;
    return {
      id: p.id,
      collector_id: p.collectorId,
      client_id: this.options.clientId,
      items: p.items.map((i) => ({ id: i.id, title: i.title, description: i.description, quantity: i.quantity, currency_id: 'ARS', unit_price: centavosToAmount(i.unitPrice) })),
      payer: p.payer,
      back_urls: { success: p.backUrls.success ?? '', failure: p.backUrls.failure ?? '', pending: p.backUrls.pending ?? '' },
      auto_return: p.autoReturn ?? '',
      notification_url: p.notificationUrl,
      external_reference: p.externalReference ?? '',
      marketplace: this.options.clientId,
      marketplace_fee: centavosToAmount(p.marketplaceFee),
      expires: p.expires,
      expiration_date_from: p.expirationDateFrom,
      expiration_date_to: p.expirationDateTo,
      binary_mode: p.binaryMode,
      statement_descriptor: p.statementDescriptor,
      metadata: p.metadata,
      date_created: p.dateCreated,
      init_point: initPoint,
      sandbox_init_point: initPoint,
    };
  }

  // ─── checkout ─────────────────────────────────────────────────────────────────────────

  private payablePreference(id: string): StoredPreference {
    const preference = this.state.preferences.get(id);
    if (!preference) throw new HttpError(404, renderMessagePage('No encontramos este pago', 'El link de pago no existe o fue eliminado.'), 'html');
    const now = this.now().getTime();
    if (preference.expirationDateTo && Date.parse(preference.expirationDateTo) < now)
      throw new HttpError(410, renderMessagePage('Este link de pago venció', 'El tiempo para pagar esta reserva terminó. Volvé a la tienda para generar uno nuevo.'), 'html');
    if (preference.expirationDateFrom && Date.parse(preference.expirationDateFrom) > now)
      throw new HttpError(400, renderMessagePage('Este link de pago todavía no está disponible', 'Probá de nuevo más tarde.'), 'html');
    return preference;
  }

  private checkoutPage(ctx: Ctx): Reply {
    const preference = this.payablePreference(ctx.params[0]!);
    return { status: 200, html: renderCheckoutPage(this.pageInput(preference)) };
  }

  private checkoutSubmit(ctx: Ctx): Reply {
    const preference = this.payablePreference(ctx.params[0]!);
    const cardholderName = typeof ctx.body.cardholder_name === 'string' ? ctx.body.cardholder_name : '';
    const cardNumber = typeof ctx.body.card_number === 'string' ? ctx.body.card_number : '';
    const result = this.checkout(preference, cardholderName, cardNumber);
    if ('error' in result) {
      return { status: 400, html: renderCheckoutPage({ ...this.pageInput(preference), error: result.error, values: { cardholderName, cardNumber } }) };
    }
    if (result.redirectUrl) return { status: 303, location: result.redirectUrl };
    const approved = result.payment.status === 'approved';
    return {
      status: 200,
      html: renderMessagePage(approved ? '¡Listo! Tu pago se acreditó' : result.payment.status === 'rejected' ? 'El pago fue rechazado' : 'Tu pago está pendiente', `Número de operación: ${result.payment.id}.`),
    };
  }

  private pageInput(preference: StoredPreference) {
    return {
      preferenceId: preference.id,
      items: preference.items.map((i) => ({ title: i.title, quantity: i.quantity, unitPrice: i.unitPrice })),
      total: preferenceTotal(preference),
      statementDescriptor: preference.statementDescriptor,
    };
  }

  private checkout(
    preference: StoredPreference,
    cardholderName: string,
    cardNumber: string,
  ): { payment: StoredPayment; redirectUrl: string | null } | { error: { message: string; field: 'cardholder_name' | 'card_number' } } {
    const outcome = outcomeForCardholder(cardholderName);
    if (!cardholderName.trim()) return { error: { message: 'Ingresá el nombre del titular de la tarjeta.', field: 'cardholder_name' } };
    if (!outcome) return { error: { message: 'En el entorno de prueba el nombre del titular tiene que ser uno de los de la lista (por ejemplo, APRO).', field: 'cardholder_name' } };
    const card = checkCardNumber(cardNumber);
    if (!card.ok) return { error: { message: card.message, field: 'card_number' } };

    const now = this.now();
    let status: string = outcome.status;
    let statusDetail = outcome.statusDetail;
    if (preference.binaryMode && status === 'in_process') {
      // Binary mode allows only approved or rejected; the detail is the sandbox's choice.
      status = 'rejected';
      statusDetail = 'cc_rejected_other_reason';
    }
    const payment: StoredPayment = {
      id: this.state.nextPaymentId++,
      preferenceId: preference.id,
      collectorId: preference.collectorId,
      status,
      statusDetail,
      externalReference: preference.externalReference,
      amount: preferenceTotal(preference),
      refunded: 0,
      marketplaceFee: preference.marketplaceFee,
      fees: [],
      refunds: [],
      dateCreated: toMpDateTime(now),
      dateApproved: null,
      dateLastUpdated: toMpDateTime(now),
      description: preference.items[0]?.title ?? '',
      paymentMethodId: card.paymentMethodId,
      cardholderName: cardholderName.trim().toUpperCase(),
      cardFirstSix: card.digits.slice(0, 6),
      cardLastFour: card.digits.slice(-4),
      payer: preference.payer,
      metadata: preference.metadata,
      notificationUrl: preference.notificationUrl ?? this.options.defaultNotificationUrl ?? null,
      events: [],
    };
    if (status === 'approved') this.approve(payment, now);
    this.state.payments.set(payment.id, payment);
    this.options.log?.info({ paymentId: payment.id, status, statusDetail, externalReference: payment.externalReference }, 'payment created');
    this.emit(payment, 'payment.created', now);

    const backUrl =
      status === 'approved' ? preference.backUrls.success : status === 'rejected' ? preference.backUrls.failure : preference.backUrls.pending;
    let redirectUrl: string | null = null;
    if (backUrl) {
      const target = new URL(backUrl);
      const query: Record<string, string> = {
        collection_id: String(payment.id),
        collection_status: status,
        payment_id: String(payment.id),
        status,
        external_reference: payment.externalReference ?? 'null',
        payment_type: 'credit_card',
        merchant_order_id: 'null',
        preference_id: preference.id,
        site_id: 'MLA',
        processing_mode: 'aggregator',
        merchant_account_id: 'null',
      };
      for (const [k, v] of Object.entries(query)) target.searchParams.set(k, v);
      redirectUrl = target.toString();
    }
    return { payment, redirectUrl };
  }

  private approve(payment: StoredPayment, now: Date): void {
    payment.status = 'approved';
    payment.statusDetail = 'accredited';
    payment.dateApproved = toMpDateTime(now);
    // MercadoPago's fee comes off first, then the marketplace's; the seller pays both.
    const mpFee = Number((BigInt(payment.amount) * BigInt(this.feeHundredthsOfPercent) + 5_000n) / 10_000n);
    payment.fees = [{ type: 'mercadopago_fee', amount: mpFee, fee_payer: 'collector' }];
    if (payment.marketplaceFee > 0) payment.fees.push({ type: 'application_fee', amount: payment.marketplaceFee, fee_payer: 'collector' });
  }

  private updated(payment: StoredPayment, now: Date): void {
    payment.dateLastUpdated = toMpDateTime(now);
    this.emit(payment, 'payment.updated', now);
  }

  // ─── payments API ─────────────────────────────────────────────────────────────────────

  private findPayment(id: number | string, collectorId?: number): StoredPayment {
    const text = String(id);
    const payment = /^\d{1,18}$/.test(text) ? this.state.payments.get(Number(text)) : undefined;
    if (!payment || (collectorId !== undefined && payment.collectorId !== collectorId)) throw mpError(404, 'not_found', 'Payment not found');
    return payment;
  }

  private getPayment(ctx: Ctx): Reply {
    const collectorId = this.authenticate(ctx.req);
    return { status: 200, json: this.paymentJson(this.findPayment(ctx.params[0]!, collectorId)) };
  }

  private searchPayments(ctx: Ctx): Reply {
    const collectorId = this.authenticate(ctx.req);
    const q = ctx.url.searchParams;
    const externalReference = q.get('external_reference');
    const sort = q.get('sort') ?? 'date_created';
    if (!['date_created', 'date_approved', 'date_last_updated'].includes(sort)) throw badRequest('Invalid sort');
    const descending = (q.get('criteria') ?? 'desc') === 'desc';
    const limit = Math.min(1000, Math.max(1, Number(q.get('limit') ?? 30) || 30));
    const offset = Math.max(0, Number(q.get('offset') ?? 0) || 0);
    const field = sort === 'date_created' ? 'dateCreated' : sort === 'date_approved' ? 'dateApproved' : 'dateLastUpdated';
    const matches = [...this.state.payments.values()]
      .filter((p) => p.collectorId === collectorId && (externalReference === null || p.externalReference === externalReference))
      .sort((a, b) => {
        const order = (Date.parse(a[field] ?? '') || 0) - (Date.parse(b[field] ?? '') || 0) || a.id - b.id;
        return descending ? -order : order;
      });
    return {
      status: 200,
      json: { paging: { total: matches.length, limit, offset }, results: matches.slice(offset, offset + limit).map((p) => this.paymentJson(p)) },
    };
  }

  private refund(ctx: Ctx): Reply {
    const collectorId = this.authenticate(ctx.req);
    return this.idempotent(ctx, collectorId, true, () => {
      const payment = this.findPayment(ctx.params[0]!, collectorId);
      if (payment.status !== 'approved') throw badRequest(`Payment status ${payment.status} does not allow refunds`, 'invalid_payment_status');
      const remaining = payment.amount - payment.refunded;
      let amount = remaining;
      if (ctx.body.amount !== undefined && ctx.body.amount !== null) {
        if (typeof ctx.body.amount !== 'number') throw badRequest('amount must be a number');
        try {
          amount = amountToCentavos(ctx.body.amount);
        } catch {
          throw badRequest('amount must be positive with at most two decimals', 'invalid_amount');
        }
        if (amount <= 0) throw badRequest('amount must be positive', 'invalid_amount');
        if (amount > remaining)
          throw badRequest(`The amount to refund (${centavosToAmount(amount)}) exceeds the payment's available balance (${centavosToAmount(remaining)})`, 'amount_exceeds_available');
      }
      const now = this.now();
      const refund = { id: this.state.nextRefundId++, amount, dateCreated: toMpDateTime(now) };
      payment.refunds.push(refund);
      payment.refunded += amount;
      if (payment.refunded === payment.amount) {
        payment.status = 'refunded';
        payment.statusDetail = 'refunded';
      } else {
        payment.statusDetail = 'partially_refunded';
      }
      this.updated(payment, now);
      this.options.log?.info({ paymentId: payment.id, refundId: refund.id, amount }, 'refund created');
      return { status: 201, json: this.refundJson(payment, refund) };
    });
  }

  /**
   * X-Idempotency-Key: the same key with the same request replays the first answer (the same
   * refund, the same preference); with a different request it is refused. Only successes are
   * remembered, so a request refused for bad input can be corrected and sent again.
   */
  private idempotent(ctx: Ctx, collectorId: number, required: boolean, run: () => Reply): Reply {
    const key = headerValue(ctx.req, 'x-idempotency-key')?.trim();
    if (!key) {
      if (required) throw badRequest('The X-Idempotency-Key header is required', 'missing_idempotency_key');
      return run();
    }
    const scoped = `${collectorId}:${key}`;
    const fingerprint = createHash('sha256').update(`${ctx.req.method} ${ctx.url.pathname} ${JSON.stringify(ctx.body)}`).digest('hex');
    const prior = this.state.idempotency.get(scoped);
    if (prior) {
      if (prior.fingerprint !== fingerprint) throw mpError(409, 'conflict', 'X-Idempotency-Key was already used for a different request');
      return { status: prior.status, json: prior.body };
    }
    const reply = run();
    if (reply.status < 300) {
      this.state.idempotency.set(scoped, { fingerprint, status: reply.status, body: reply.json });
      this.persist();
    }
    return reply;
  }

  private refundJson(payment: StoredPayment, refund: { id: number; amount: Centavos; dateCreated: string }): Record<string, unknown> {
    return {
      id: refund.id,
      payment_id: payment.id,
      amount: centavosToAmount(refund.amount),
      metadata: {},
      source: { id: String(payment.collectorId), name: 'collector', type: 'collector' },
      date_created: refund.dateCreated,
      unique_sequence_number: null,
      refund_mode: 'standard',
      adjustment_amount: 0,
      status: 'approved',
      reason: null,
    };
  }

  private paymentJson(p: StoredPayment): Record<string, unknown> {
    const feeTotal = p.fees.reduce((sum, f) => sum + f.amount, 0);
    return {
      id: p.id,
      date_created: p.dateCreated,
      date_approved: p.dateApproved,
      date_last_updated: p.dateLastUpdated,
      money_release_date: p.dateApproved,
      operation_type: 'regular_payment',
      payment_method_id: p.paymentMethodId,
      payment_type_id: 'credit_card',
      status: p.status,
      status_detail: p.statusDetail,
      currency_id: 'ARS',
      description: p.description,
      live_mode: false,
      collector_id: p.collectorId,
      payer: { ...(p.payer ?? {}), type: 'guest' },
      metadata: p.metadata,
      external_reference: p.externalReference,
      transaction_amount: centavosToAmount(p.amount),
      transaction_amount_refunded: centavosToAmount(p.refunded),
      fee_details: p.fees.map((f) => ({ type: f.type, amount: centavosToAmount(f.amount), fee_payer: f.fee_payer })),
      refunds: p.refunds.map((r) => this.refundJson(p, r)),
      transaction_details: {
        total_paid_amount: centavosToAmount(p.amount),
        net_received_amount: centavosToAmount(Math.max(0, p.amount - feeTotal)),
        installment_amount: centavosToAmount(p.amount),
      },
      installments: 1,
      card: { first_six_digits: p.cardFirstSix, last_four_digits: p.cardLastFour, cardholder: { name: p.cardholderName } },
    };
  }

  // ─── OAuth ────────────────────────────────────────────────────────────────────────────

  /** Auto-approves: the seller "grants" access at once. `user_id` (sandbox only) picks the seller. */
  private authorize(ctx: Ctx): Reply {
    const q = ctx.url.searchParams;
    const page = (message: string) => new HttpError(400, renderMessagePage('No se pudo vincular la cuenta', message), 'html');
    if (q.get('client_id') !== this.options.clientId) throw page('La aplicación que pidió acceso no existe.');
    if (q.get('response_type') !== 'code') throw page('La solicitud de autorización no es válida (response_type).');
    const redirectUri = q.get('redirect_uri') ?? '';
    if (!isHttpUrl(redirectUri)) throw page('La dirección de retorno no es válida.');
    const requested = q.get('user_id');
    const userId = requested && /^\d{1,15}$/.test(requested) ? Number(requested) : this.state.nextUserId++;
    const code = `TG-${randomBytes(12).toString('hex')}-${userId}`;
    this.state.codes.set(code, { userId, clientId: this.options.clientId, redirectUri, expiresAt: this.now().getTime() + CODE_TTL_MS });
    this.persist();
    const target = new URL(redirectUri);
    target.searchParams.set('code', code);
    const state = q.get('state');
    if (state !== null) target.searchParams.set('state', state);
    return { status: 302, location: target.toString() };
  }

  private oauthToken(ctx: Ctx): Reply {
    const b = ctx.body;
    const str = (v: unknown) => (typeof v === 'string' ? v : '');
    const oauthError = (error: string, description: string, status = 400) =>
      new HttpError(status, { error, error_description: description, message: description, status, cause: [] });
    const grant = str(b.grant_type);
    if (grant !== 'authorization_code' && grant !== 'refresh_token')
      throw oauthError('unsupported_grant_type', 'Allowed values for grant_type are authorization_code or refresh_token');
    if (str(b.client_id) !== this.options.clientId || !secretEqual(str(b.client_secret), this.options.clientSecret))
      throw oauthError('invalid_client', 'The provided client_id and/or client_secret are invalid');

    let userId: number;
    const nowMs = this.now().getTime();
    if (grant === 'authorization_code') {
      const code = str(b.code);
      const redirectUri = str(b.redirect_uri);
      if (!code || !redirectUri) throw oauthError('invalid_request', 'code and redirect_uri are required');
      const stored = this.state.codes.get(code);
      // A code is single-use whatever happens next.
      this.state.codes.delete(code);
      if (!stored || stored.expiresAt <= nowMs || stored.clientId !== this.options.clientId)
        throw oauthError('invalid_grant', 'The authorization code is invalid, expired or already used');
      if (stored.redirectUri !== redirectUri) throw oauthError('invalid_grant', 'redirect_uri does not match the one used to authorize');
      userId = stored.userId;
    } else {
      const refreshToken = str(b.refresh_token);
      const stored = this.state.refreshTokens.get(refreshToken);
      if (!refreshToken || !stored || stored.clientId !== this.options.clientId) throw oauthError('invalid_grant', 'The refresh token is invalid, expired or revoked');
      // Rotation: the old refresh token stops working the moment a new one is issued.
      this.state.refreshTokens.delete(refreshToken);
      userId = stored.userId;
    }
    const ttl = this.options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
    const accessToken = this.newAccessToken(userId);
    const refreshToken = `TG-${randomBytes(12).toString('hex')}-${userId}`;
    this.state.tokens.set(accessToken, { userId, clientId: this.options.clientId, expiresAt: nowMs + ttl * 1000 });
    this.state.refreshTokens.set(refreshToken, { userId, clientId: this.options.clientId });
    this.persist();
    return {
      status: 200,
      json: {
        access_token: accessToken,
        token_type: 'bearer',
        expires_in: ttl,
        scope: 'offline_access read write',
        user_id: userId,
        refresh_token: refreshToken,
        public_key: `APP_USR-${randomUUID()}`,
        live_mode: false,
      },
    };
  }

  // ─── webhooks ─────────────────────────────────────────────────────────────────────────

  private emit(payment: StoredPayment, action: StoredEvent['action'], now: Date): void {
    const event: StoredEvent = { id: this.state.nextEventId++, action, dateCreated: toMpDateTime(now) };
    payment.events.push(event);
    this.persist();
    if (this.options.sendNotifications === false) return;
    void this.track(this.sendWithRetries(payment, event));
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise)).catch(() => {});
    return promise;
  }

  private async sendWithRetries(payment: StoredPayment, event: StoredEvent): Promise<WebhookDelivery> {
    const delays = this.options.webhookRetryDelaysMs ?? [250, 1_000, 4_000];
    let last: WebhookDelivery | undefined;
    for (let attempt = 1; attempt <= delays.length + 1; attempt++) {
      last = await this.sendOnce(payment, event, attempt);
      if (last.ok || this.shutdown.signal.aborted || last.url === '') return last;
      if (attempt <= delays.length) await this.pause(delays[attempt - 1]!);
      if (this.shutdown.signal.aborted) return last;
    }
    return last!;
  }

  private async sendOnce(payment: StoredPayment, event: StoredEvent, attempt: number): Promise<WebhookDelivery> {
    const base = { paymentId: payment.id, eventId: event.id, action: event.action, attempt, at: this.now().toISOString() };
    if (!payment.notificationUrl) {
      return { ...base, url: '', requestId: '', status: null, ok: false, error: 'no notification_url' };
    }
    const target = new URL(payment.notificationUrl);
    target.searchParams.set('data.id', String(payment.id));
    target.searchParams.set('type', 'payment');
    const requestId = randomUUID();
    const headers = signWebhook({ secret: this.options.webhookSecret, dataId: String(payment.id), requestId, ts: Math.floor(this.now().getTime() / 1000) });
    const body = {
      id: event.id,
      live_mode: false,
      type: 'payment',
      date_created: event.dateCreated,
      user_id: payment.collectorId,
      api_version: 'v1',
      action: event.action,
      data: { id: String(payment.id) },
    };
    let record: WebhookDelivery;
    try {
      const response = await fetch(target, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'user-agent': 'MercadoPago WebHook v1.0 payment (sandbox)' },
        body: JSON.stringify(body),
        signal: AbortSignal.any([AbortSignal.timeout(this.options.webhookTimeoutMs ?? 5_000), this.shutdown.signal]),
        redirect: 'manual',
      });
      await response.arrayBuffer().catch(() => undefined);
      record = { ...base, url: target.toString(), requestId, status: response.status, ok: response.status >= 200 && response.status < 300 };
    } catch (error) {
      const e = error as { name?: string; cause?: { code?: string } };
      record = { ...base, url: target.toString(), requestId, status: null, ok: false, error: e.cause?.code ?? e.name ?? 'error' };
    }
    remember(this.deliveries, record);
    if (!record.ok) this.options.log?.warn({ paymentId: payment.id, action: event.action, attempt, status: record.status, error: record.error }, 'webhook not accepted');
    return record;
  }

  // ─── helpers ──────────────────────────────────────────────────────────────────────────

  private pause(ms: number): Promise<void> {
    return sleep(ms, undefined, { signal: this.shutdown.signal }).catch(() => undefined);
  }

  private persist(): void {
    this.writer?.schedule();
  }

  private records<K, S>(all: () => Map<K, S>, get: (key: string | number) => S | undefined, view: (s: S) => Record<string, unknown>): SandboxRecords<Record<string, unknown>> {
    return {
      get: (key) => {
        const found = get(key);
        return found === undefined ? undefined : structuredClone(view(found));
      },
      list: () => [...all().values()].map((s) => structuredClone(view(s))),
      get size() {
        return all().size;
      },
    };
  }
}

// ─── request parsing and validation ─────────────────────────────────────────────────────

/** Test logs, bounded so a long development session does not grow without end. */
function remember<T>(list: T[], entry: T): void {
  list.push(entry);
  if (list.length > 10_000) list.splice(0, list.length - 10_000);
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT_BYTES) throw mpError(413, 'payload_too_large', 'Request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function parseBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readBody(req);
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  if (text.trim() === '') return out;
  const type = headerValue(req, 'content-type') ?? '';
  if (type.includes('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(text)) out[k] = v;
    return out;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badRequest('The body is not valid JSON', 'invalid_json');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw badRequest('The body must be a JSON object', 'invalid_json');
  return Object.assign(out, parsed);
}

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function optionalString(body: Record<string, unknown>, key: string, max = 600): string | null {
  const value = body[key];
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || value.length > max) throw badRequest(`${key} must be a string of at most ${max} characters`);
  return value;
}

function preferenceTotal(p: Pick<StoredPreference, 'items'>): Centavos {
  return p.items.reduce((sum, i) => sum + i.unitPrice * i.quantity, 0);
}

/** The checks MercadoPago makes on a preference, as far as BarberPro's requests go. */
function parsePreference(body: Record<string, unknown>): Omit<StoredPreference, 'id' | 'collectorId' | 'dateCreated'> {
  const rawItems = body.items;
  if (!Array.isArray(rawItems) || rawItems.length === 0) throw badRequest('items is required and must have at least one item', 'invalid_items');
  const items: StoredItem[] = rawItems.map((raw: unknown, index) => {
    const item = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
    const at = `items[${index}]`;
    if (typeof item.title !== 'string' || item.title.trim() === '') throw badRequest(`${at}.title is required`, 'invalid_items');
    if (typeof item.quantity !== 'number' || !Number.isInteger(item.quantity) || item.quantity < 1) throw badRequest(`${at}.quantity must be a positive integer`, 'invalid_items');
    if (item.currency_id !== 'ARS') throw badRequest(`${at}.currency_id must be ARS`, 'invalid_currency');
    if (typeof item.unit_price !== 'number' || !(item.unit_price > 0)) throw badRequest(`${at}.unit_price must be a number greater than 0`, 'invalid_unit_price');
    let unitPrice: Centavos;
    try {
      unitPrice = amountToCentavos(item.unit_price);
    } catch {
      throw badRequest(`${at}.unit_price must have at most two decimals`, 'invalid_unit_price');
    }
    return {
      id: typeof item.id === 'string' ? item.id : null,
      title: item.title,
      description: typeof item.description === 'string' ? item.description : null,
      quantity: item.quantity,
      unitPrice,
    };
  });
  const total = preferenceTotal({ items });
  if (total > MAX_CENTAVOS) throw badRequest('The total is too large', 'invalid_items');

  let marketplaceFee = 0;
  if (body.marketplace_fee !== undefined && body.marketplace_fee !== null) {
    if (typeof body.marketplace_fee !== 'number') throw badRequest('marketplace_fee must be a number', 'invalid_marketplace_fee');
    try {
      marketplaceFee = amountToCentavos(body.marketplace_fee);
    } catch {
      throw badRequest('marketplace_fee must be zero or positive with at most two decimals', 'invalid_marketplace_fee');
    }
    if (marketplaceFee > total) throw badRequest('marketplace_fee cannot exceed the total', 'invalid_marketplace_fee');
  }

  const backUrls: StoredPreference['backUrls'] = {};
  if (body.back_urls !== undefined && body.back_urls !== null) {
    if (typeof body.back_urls !== 'object') throw badRequest('back_urls must be an object', 'invalid_back_urls');
    for (const key of ['success', 'failure', 'pending'] as const) {
      const value = (body.back_urls as Record<string, unknown>)[key];
      if (value === undefined || value === null || value === '') continue;
      if (!isHttpUrl(value)) throw badRequest(`back_urls.${key} must be an absolute http(s) URL`, 'invalid_back_urls');
      backUrls[key] = value;
    }
  }
  const autoReturn = optionalString(body, 'auto_return', 20);
  if (autoReturn !== null && autoReturn !== 'approved' && autoReturn !== 'all') throw badRequest('auto_return must be approved or all', 'invalid_auto_return');
  if (autoReturn !== null && !backUrls.success) throw badRequest('auto_return invalid. back_url.success must be defined', 'invalid_auto_return');

  const notificationUrl = optionalString(body, 'notification_url', 500);
  if (notificationUrl !== null && !isHttpUrl(notificationUrl)) throw badRequest('notification_url must be an absolute http(s) URL', 'invalid_notification_url');

  const dates: Record<'expiration_date_from' | 'expiration_date_to', string | null> = { expiration_date_from: null, expiration_date_to: null };
  for (const key of ['expiration_date_from', 'expiration_date_to'] as const) {
    const value = optionalString(body, key, 40);
    if (value !== null && (!ISO_WITH_OFFSET.test(value) || Number.isNaN(Date.parse(value))))
      throw badRequest(`${key} must be a date like 2026-12-02T10:00:00.000-03:00`, 'invalid_expiration_date');
    dates[key] = value;
  }
  if (dates.expiration_date_from && dates.expiration_date_to && Date.parse(dates.expiration_date_from) >= Date.parse(dates.expiration_date_to))
    throw badRequest('expiration_date_from must be before expiration_date_to', 'invalid_expiration_date');

  for (const key of ['expires', 'binary_mode'] as const) {
    if (body[key] !== undefined && body[key] !== null && typeof body[key] !== 'boolean') throw badRequest(`${key} must be a boolean`);
  }
  const metadata = body.metadata;
  if (metadata !== undefined && metadata !== null && (typeof metadata !== 'object' || Array.isArray(metadata))) throw badRequest('metadata must be an object');
  const payer = body.payer;
  if (payer !== undefined && payer !== null && (typeof payer !== 'object' || Array.isArray(payer))) throw badRequest('payer must be an object');

  return {
    items,
    payer: (payer as Record<string, unknown> | null | undefined) ?? null,
    backUrls,
    autoReturn,
    notificationUrl,
    externalReference: optionalString(body, 'external_reference', 256),
    marketplaceFee,
    expires: body.expires === true,
    expirationDateFrom: dates.expiration_date_from,
    expirationDateTo: dates.expiration_date_to,
    binaryMode: body.binary_mode === true,
    statementDescriptor: optionalString(body, 'statement_descriptor', 50),
    metadata: (metadata as Record<string, unknown> | null | undefined) ?? {},
  };
}

function secretEqual(a: string, b: string): boolean {
  const digest = (v: string) => createHash('sha256').update(v).digest();
  return timingSafeEqual(digest(a), digest(b));
}
