import { randomInt } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { amountToCentavos, centavosToAmount } from './money.js';

/**
 * MercadoPago REST client for the marketplace flows BarberPro uses (Checkout Pro
 * preferences, payments, refunds, OAuth for sellers).
 *
 * Hand-written rather than the official `mercadopago` SDK because the SDK hard-codes
 * https://api.mercadopago.com with no base-URL option, so it cannot talk to the local sandbox
 * (src/sandbox/mercadopago) that development and tests run against, and it keeps one access
 * token per client instance while here every shop charges with its own seller token.
 *
 * Request and response shapes are MercadoPago's own, amounts included: decimal pesos
 * (`MpAmount`). The payments service converts with centavosToAmount/amountToCentavos where
 * MercadoPago data enters or leaves the domain. The client makes that conversion safe: it
 * refuses to send an amount that is not exact to the centavo, and refuses (as an invalid
 * response) a payment whose amounts are not, so amountToCentavos never fails on what it returns.
 */

/** Pesos as MercadoPago's JSON carries them: a non-negative number with at most two decimals. */
export type MpAmount = number;

export const MERCADOPAGO_API_URL = 'https://api.mercadopago.com';
/** Where sellers grant access; the Argentine site (the token endpoint is on the API host). */
export const MERCADOPAGO_AUTH_URL = 'https://auth.mercadopago.com.ar';

export type MpPaymentStatus =
  | 'pending'
  | 'approved'
  | 'authorized'
  | 'in_process'
  | 'in_mediation'
  | 'rejected'
  | 'cancelled'
  | 'refunded'
  | 'charged_back';

// ─── request types ──────────────────────────────────────────────────────────────────────

export interface MpPreferenceItem {
  id: string;
  title: string;
  quantity: number;
  currency_id: 'ARS';
  /** Pesos with at most two decimals (centavosToAmount). */
  unit_price: MpAmount;
  description?: string;
  picture_url?: string;
  category_id?: string;
}

export interface MpPreferencePayer {
  name?: string;
  surname?: string;
  email?: string;
  phone?: { area_code?: string; number?: string };
  identification?: { type?: string; number?: string };
}

export interface MpPreferenceRequest {
  items: MpPreferenceItem[];
  payer?: MpPreferencePayer;
  back_urls?: { success?: string; failure?: string; pending?: string };
  auto_return?: 'approved' | 'all';
  notification_url?: string;
  external_reference?: string;
  /** Pesos kept by the marketplace (centavosToAmount). */
  marketplace_fee?: MpAmount;
  expires?: boolean;
  /** ISO-8601 with an explicit offset, e.g. 2026-12-02T10:00:00.000-03:00 (see toMpDateTime). */
  expiration_date_from?: string;
  expiration_date_to?: string;
  binary_mode?: boolean;
  statement_descriptor?: string;
  metadata?: Record<string, unknown>;
}

export interface MpPaymentSearchQuery {
  external_reference: string;
  sort?: 'date_created' | 'date_approved' | 'date_last_updated';
  criteria?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
}

export type MpOAuthTokenRequest =
  | { grant_type: 'authorization_code'; client_id: string; client_secret: string; code: string; redirect_uri: string; code_verifier?: string }
  | { grant_type: 'refresh_token'; client_id: string; client_secret: string; refresh_token: string };

// ─── response types ─────────────────────────────────────────────────────────────────────

/** An exact amount, normalised to a number ("10.50" → 10.5). */
const amount = z.union([z.number(), z.string()]).transform((value, ctx) => {
  try {
    return centavosToAmount(amountToCentavos(value));
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});
const numericId = z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,18}$/).transform(Number)]);
const nullableString = z.string().nullish().transform((v) => v ?? null);

const feeDetailSchema = z.object({ type: z.string(), amount, fee_payer: z.string() });
export type MpFeeDetail = z.output<typeof feeDetailSchema>;

const refundSchema = z.object({
  id: numericId,
  payment_id: numericId,
  amount,
  status: z.string(),
  date_created: z.string(),
  source: z.looseObject({ id: z.union([z.string(), z.number()]).optional(), name: z.string().optional(), type: z.string().optional() }).nullish(),
  unique_sequence_number: nullableString.optional(),
});
export type MpRefund = z.output<typeof refundSchema>;

const payerSchema = z.looseObject({
  id: z.union([z.string(), z.number()]).nullish(),
  email: z.string().nullish(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  identification: z.looseObject({ type: z.string().nullish(), number: z.string().nullish() }).nullish(),
});
export type MpPayer = z.output<typeof payerSchema>;

const paymentSchema = z.object({
  id: numericId,
  // Undocumented statuses are passed through, not refused: the payment policy holds them
  // for review instead of losing the notification.
  status: z.string() as z.ZodType<MpPaymentStatus | (string & {})>,
  status_detail: nullableString,
  external_reference: nullableString,
  transaction_amount: amount,
  transaction_amount_refunded: amount.optional().transform((v) => v ?? 0),
  currency_id: z.string(),
  fee_details: z.array(feeDetailSchema).nullish().transform((v) => v ?? []),
  refunds: z.array(refundSchema).nullish().transform((v) => v ?? []),
  date_created: z.string(),
  date_approved: nullableString,
  date_last_updated: nullableString,
  payer: payerSchema.nullish().transform((v) => v ?? undefined),
  metadata: z.record(z.string(), z.unknown()).nullish().transform((v) => v ?? undefined),
  collector_id: numericId.nullish().transform((v) => v ?? undefined),
});
export type MpPayment = z.output<typeof paymentSchema>;

const searchSchema = z.object({
  results: z.array(paymentSchema),
  paging: z.object({ total: z.number(), limit: z.number(), offset: z.number() }).optional(),
});
export interface MpPaymentSearch {
  results: MpPayment[];
  paging: { total: number; limit: number; offset: number };
}

const preferenceSchema = z.object({
  id: z.string().min(1),
  init_point: z.string().min(1),
  sandbox_init_point: z.string().nullish().transform((v) => v ?? undefined),
  external_reference: nullableString.optional(),
  collector_id: numericId.nullish().transform((v) => v ?? undefined),
  date_created: z.string().nullish().transform((v) => v ?? undefined),
});
export type MpPreference = z.output<typeof preferenceSchema>;

const oauthTokenSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.number().int().positive(),
  user_id: numericId,
  public_key: z.string().nullish().transform((v) => v ?? undefined),
  scope: z.string().nullish().transform((v) => v ?? undefined),
  token_type: z.string().nullish().transform((v) => v ?? undefined),
  live_mode: z.boolean().nullish().transform((v) => v ?? undefined),
});
export type MpOAuthToken = z.output<typeof oauthTokenSchema>;

// ─── errors ─────────────────────────────────────────────────────────────────────────────

export type MercadoPagoErrorKind = 'http' | 'timeout' | 'network' | 'invalid_response';

export interface MpErrorCause {
  code?: string | number;
  description?: string;
}

/**
 * A failed call. Carries no credential: the message and `body` are built from MercadoPago's
 * answer with every secret of the call (access token, client secret, code, refresh token)
 * replaced, and request headers are never kept.
 */
export class MercadoPagoError extends Error {
  override readonly name = 'MercadoPagoError';
  readonly operation: string;
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  /** HTTP status, null when no response arrived (timeout, network). */
  readonly status: number | null;
  readonly kind: MercadoPagoErrorKind;
  /** Worth trying again later with the same idempotency key. */
  readonly retryable: boolean;
  readonly attempts: number;
  /** What MercadoPago asked us to wait (Retry-After), when it said so. */
  readonly retryAfterMs: number | undefined;
  /** MercadoPago's `error` code (`bad_request`, `invalid_grant`, …). */
  readonly mpError: string | undefined;
  readonly mpMessage: string | undefined;
  readonly causes: MpErrorCause[];
  /** MercadoPago's JSON error body, secrets removed. */
  readonly body: unknown;

  constructor(init: {
    operation: string;
    method: string;
    path: string;
    status: number | null;
    kind: MercadoPagoErrorKind;
    retryable: boolean;
    attempts: number;
    retryAfterMs?: number;
    detail: string;
    body?: unknown;
    cause?: unknown;
  }) {
    const body = init.body as { error?: unknown; message?: unknown; error_description?: unknown; cause?: unknown } | null | undefined;
    const mpError = typeof body?.error === 'string' ? body.error : undefined;
    const mpMessage =
      typeof body?.message === 'string' ? body.message : typeof body?.error_description === 'string' ? body.error_description : undefined;
    const where = init.status !== null ? `HTTP ${init.status}${mpError ? ` ${mpError}` : ''}` : init.kind;
    super(`MercadoPago ${init.operation} failed: ${where}: ${mpMessage ?? init.detail} (after ${init.attempts} attempt${init.attempts === 1 ? '' : 's'})`, {
      cause: init.cause,
    });
    this.operation = init.operation;
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
    this.kind = init.kind;
    this.retryable = init.retryable;
    this.attempts = init.attempts;
    this.retryAfterMs = init.retryAfterMs;
    this.mpError = mpError;
    this.mpMessage = mpMessage;
    this.causes = normaliseCauses(body?.cause);
    this.body = init.body ?? null;
  }
}

// ─── client ─────────────────────────────────────────────────────────────────────────────

/** pino-compatible. */
export interface MercadoPagoLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface MercadoPagoClientOptions {
  /** Default https://api.mercadopago.com; the sandbox's URL in development and tests. */
  baseUrl?: string;
  /** Where authorizationUrl() sends sellers; default https://auth.mercadopago.com.ar. */
  authBaseUrl?: string;
  fetch?: typeof globalThis.fetch;
  /** Per attempt, including reading the body. Default 10 s. */
  timeoutMs?: number;
  /** Further attempts after the first on network errors, timeouts, 429 and 5xx. Default 3. */
  retries?: number;
  /** Exponential backoff: base·2^(n-1), capped, with jitter over its upper half. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** A Retry-After longer than this is not waited in-process: the error says how long instead. */
  maxRetryAfterMs?: number;
  logger?: MercadoPagoLogger;
  /** For tests. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  userAgent?: string;
}

interface CallSpec {
  operation: string;
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | number | undefined>;
  accessToken?: string;
  idempotencyKey?: string;
  body?: unknown;
  /** Values that must never appear in an error (the token, client secret, codes). */
  secrets: string[];
}

type AttemptOutcome =
  | { kind: 'response'; status: number; headers: Headers; text: string }
  | { kind: 'timeout' | 'network'; error: unknown };

const HEADER_SAFE = /^[\x21-\x7e]+$/;
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:[+-]\d{2}:\d{2}|Z)$/;

export class MercadoPagoClient {
  readonly baseUrl: string;
  readonly authBaseUrl: string;
  private readonly fetchImpl: typeof globalThis.fetch;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly logger: MercadoPagoLogger | undefined;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly userAgent: string;

  constructor(options: MercadoPagoClientOptions = {}) {
    this.baseUrl = (options.baseUrl ?? MERCADOPAGO_API_URL).replace(/\/+$/, '');
    this.authBaseUrl = (options.authBaseUrl ?? MERCADOPAGO_AUTH_URL).replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retries = Math.max(0, Math.floor(options.retries ?? 3));
    this.backoffBaseMs = options.backoffBaseMs ?? 250;
    this.backoffMaxMs = options.backoffMaxMs ?? 5_000;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;
    this.logger = options.logger;
    this.sleep = options.sleep ?? ((ms) => delay(ms));
    this.random = options.random ?? (() => randomInt(0, 1_000_000) / 1_000_000);
    this.userAgent = options.userAgent ?? 'BarberPro/0.1 (+https://barberpro.ar)';
  }

  /** POST /checkout/preferences with the seller's token. */
  async createPreference(accessToken: string, body: MpPreferenceRequest, idempotencyKey: string): Promise<MpPreference> {
    const wire = preferenceToWire(body);
    return this.call(
      { operation: 'createPreference', method: 'POST', path: '/checkout/preferences', accessToken, idempotencyKey: checkKey(idempotencyKey), body: wire, secrets: [accessToken] },
      preferenceSchema,
    );
  }

  async getPreference(accessToken: string, preferenceId: string): Promise<MpPreference> {
    return this.call(
      { operation: 'getPreference', method: 'GET', path: `/checkout/preferences/${encodeURIComponent(preferenceId)}`, accessToken, secrets: [accessToken] },
      preferenceSchema,
    );
  }

  /** GET /v1/payments/{id}; `id` usually comes from a webhook's data.id. */
  async getPayment(accessToken: string, paymentId: string | number): Promise<MpPayment> {
    return this.call(
      { operation: 'getPayment', method: 'GET', path: `/v1/payments/${checkPaymentId(paymentId)}`, accessToken, secrets: [accessToken] },
      paymentSchema,
    );
  }

  /** GET /v1/payments/search, for reconciling a booking whose notification never came. */
  async searchPayments(accessToken: string, query: MpPaymentSearchQuery): Promise<MpPaymentSearch> {
    const result = await this.call(
      {
        operation: 'searchPayments',
        method: 'GET',
        path: '/v1/payments/search',
        query: { external_reference: query.external_reference, sort: query.sort, criteria: query.criteria, limit: query.limit, offset: query.offset },
        accessToken,
        secrets: [accessToken],
      },
      searchSchema,
    );
    return { results: result.results, paging: result.paging ?? { total: result.results.length, limit: result.results.length, offset: 0 } };
  }

  /** POST /v1/payments/{id}/refunds: `amount` in pesos for a partial refund, undefined for what remains. */
  async refundPayment(accessToken: string, paymentId: string | number, amount: MpAmount | undefined, idempotencyKey: string): Promise<MpRefund> {
    let body: Record<string, number> = {};
    if (amount !== undefined) {
      if (exactAmount(amount, 'amount') <= 0) throw new RangeError('A partial refund must be greater than zero');
      body = { amount };
    }
    return this.call(
      {
        operation: 'refundPayment',
        method: 'POST',
        path: `/v1/payments/${checkPaymentId(paymentId)}/refunds`,
        accessToken,
        idempotencyKey: checkKey(idempotencyKey),
        body,
        secrets: [accessToken],
      },
      refundSchema,
    );
  }

  /**
   * POST /oauth/token: a seller's authorization code, or a refresh token, for the seller's
   * access token. Sent without X-Idempotency-Key: MercadoPago's OAuth guide warns that headers
   * outside the documented set make this endpoint answer with an error. A code is single-use
   * and a refresh token rotates, so a retry after a lost reply ends in `invalid_grant`, which
   * means the seller has to link their account again.
   */
  async oauthToken(request: MpOAuthTokenRequest): Promise<MpOAuthToken> {
    const secrets = [request.client_secret, request.grant_type === 'authorization_code' ? request.code : request.refresh_token];
    if (request.grant_type === 'authorization_code' && request.code_verifier) secrets.push(request.code_verifier);
    return this.call({ operation: 'oauthToken', method: 'POST', path: '/oauth/token', body: request, secrets }, oauthTokenSchema);
  }

  /** Where to send a shop owner to link their MercadoPago account (the `state` comes back). */
  authorizationUrl(input: { clientId: string; redirectUri: string; state: string }): string {
    const url = new URL(`${this.authBaseUrl}/authorization`);
    url.searchParams.set('client_id', input.clientId);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('platform_id', 'mp');
    url.searchParams.set('state', input.state);
    url.searchParams.set('redirect_uri', input.redirectUri);
    return url.toString();
  }

  private async call<T>(spec: CallSpec, schema: z.ZodType<T>): Promise<T> {
    if (spec.accessToken !== undefined && !HEADER_SAFE.test(spec.accessToken)) {
      // Checked here because fetch's own complaint about a bad header value quotes the value.
      throw new TypeError('The MercadoPago access token is empty or has characters a header cannot carry');
    }
    const url = new URL(this.baseUrl + spec.path);
    for (const [key, value] of Object.entries(spec.query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': this.userAgent };
    if (spec.accessToken !== undefined) headers.authorization = `Bearer ${spec.accessToken}`;
    // The same key on every attempt: that is what lets MercadoPago recognise a retry.
    if (spec.idempotencyKey !== undefined) headers['x-idempotency-key'] = spec.idempotencyKey;
    const payload = spec.body === undefined ? undefined : JSON.stringify(spec.body);
    if (payload !== undefined) headers['content-type'] = 'application/json';

    const fail = (init: Omit<ConstructorParameters<typeof MercadoPagoError>[0], 'operation' | 'method' | 'path'>) =>
      new MercadoPagoError({ ...init, operation: spec.operation, method: spec.method, path: spec.path, body: redactDeep(init.body, spec.secrets), detail: redact(init.detail, spec.secrets) });

    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(url, spec.method, headers, payload);
      let error: MercadoPagoError;
      if (outcome.kind === 'response') {
        const json = parseJson(outcome.text);
        if (outcome.status >= 200 && outcome.status < 300) {
          const parsed = schema.safeParse(json);
          if (parsed.success) return parsed.data;
          throw fail({
            status: outcome.status,
            kind: 'invalid_response',
            retryable: false,
            attempts: attempt,
            detail: `unexpected response: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
          });
        }
        const retryable = outcome.status === 429 || outcome.status >= 500;
        error = fail({
          status: outcome.status,
          kind: 'http',
          retryable,
          attempts: attempt,
          retryAfterMs: retryable ? parseRetryAfter(outcome.headers.get('retry-after')) : undefined,
          detail: json === undefined ? outcome.text.slice(0, 200) || 'empty response' : 'error response',
          body: json ?? null,
        });
      } else {
        const e = outcome.error as { name?: string; message?: string; cause?: { code?: string } } | null;
        error = fail({
          status: null,
          kind: outcome.kind,
          retryable: true,
          attempts: attempt,
          detail: outcome.kind === 'timeout' ? `no answer within ${this.timeoutMs} ms` : (e?.cause?.code ?? e?.message ?? 'network error'),
          cause: outcome.error,
        });
      }

      if (!error.retryable || attempt > this.retries) throw error;
      let wait = this.backoff(attempt);
      if (error.retryAfterMs !== undefined) {
        if (error.retryAfterMs > this.maxRetryAfterMs) throw error;
        wait = error.retryAfterMs;
      }
      this.logger?.warn(
        { operation: spec.operation, method: spec.method, path: spec.path, attempt, status: error.status, kind: error.kind, retryInMs: wait },
        'MercadoPago call failed; retrying',
      );
      await this.sleep(wait);
    }
  }

  private async attempt(url: URL, method: string, headers: Record<string, string>, payload: string | undefined): Promise<AttemptOutcome> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      const response = await this.fetchImpl(url, { method, headers, body: payload, signal, redirect: 'error' });
      // Read inside the same timeout: a server that sends headers and then stalls is a timeout too.
      const text = await response.text();
      return { kind: 'response', status: response.status, headers: response.headers, text };
    } catch (error) {
      const name = (error as { name?: string } | null)?.name;
      if (signal.aborted || name === 'TimeoutError' || name === 'AbortError') return { kind: 'timeout', error };
      return { kind: 'network', error };
    }
  }

  private backoff(attempt: number): number {
    const ceiling = Math.min(this.backoffMaxMs, this.backoffBaseMs * 2 ** (attempt - 1));
    // Half fixed, half random: spreads out clients that failed together without ever
    // retrying immediately.
    return Math.round(ceiling / 2 + this.random() * (ceiling / 2));
  }
}

/** A date as MercadoPago's preference dates expect it, in Argentina's fixed UTC−03:00. */
export function toMpDateTime(date: Date): string {
  const shifted = new Date(date.getTime() - 3 * 3_600_000);
  return `${shifted.toISOString().slice(0, 23)}-03:00`;
}

function preferenceToWire(body: MpPreferenceRequest): Record<string, unknown> {
  if (!Array.isArray(body.items) || body.items.length === 0) throw new TypeError('A preference needs at least one item');
  for (const key of ['expiration_date_from', 'expiration_date_to'] as const) {
    const value = body[key];
    if (value !== undefined && !ISO_WITH_OFFSET.test(value)) throw new TypeError(`${key} must be ISO-8601 with an offset (got ${value})`);
  }
  for (const item of body.items) {
    if (!Number.isInteger(item.quantity) || item.quantity < 1) throw new RangeError(`Item ${item.id}: quantity must be a positive integer`);
    if (exactAmount(item.unit_price, `item ${item.id} unit_price`) <= 0) throw new RangeError(`Item ${item.id}: unit_price must be greater than zero`);
  }
  if (body.marketplace_fee !== undefined) exactAmount(body.marketplace_fee, 'marketplace_fee');
  return { ...body };
}

/** Centavos of an amount about to be sent; throws when it is not exact (10.005, NaN, -1). */
function exactAmount(value: MpAmount, what: string): number {
  if (typeof value !== 'number') throw new RangeError(`${what} must be a number of pesos`);
  try {
    return amountToCentavos(value);
  } catch (error) {
    throw new RangeError(`${what}: ${(error as Error).message}`, { cause: error });
  }
}

function checkKey(key: string): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > 256 || !HEADER_SAFE.test(key))
    throw new TypeError('An idempotency key (1–256 visible ASCII characters, stable across retries) is required');
  return key;
}

function checkPaymentId(id: string | number): string {
  const text = String(id).trim();
  // The id usually comes from a webhook's query string: never let it shape the path.
  if (!/^\d{1,18}$/.test(text)) throw new TypeError('A MercadoPago payment id is numeric');
  return text;
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Retry-After in seconds or as an HTTP date. */
function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    // Also as it appears inside JSON, where quotes and backslashes come escaped.
    for (const form of new Set([secret, JSON.stringify(secret).slice(1, -1)])) out = out.split(form).join('[redacted]');
  }
  return out;
}

function redactDeep(value: unknown, secrets: string[]): unknown {
  if (value === undefined || value === null) return value;
  return JSON.parse(redact(JSON.stringify(value), secrets)) as unknown;
}

function normaliseCauses(cause: unknown): MpErrorCause[] {
  const list = Array.isArray(cause) ? cause : cause && typeof cause === 'object' ? [cause] : [];
  return list
    .filter((c): c is Record<string, unknown> => !!c && typeof c === 'object')
    .map((c) => ({
      ...(typeof c.code === 'string' || typeof c.code === 'number' ? { code: c.code } : {}),
      ...(typeof c.description === 'string' ? { description: c.description } : {}),
    }));
}
