import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

/**
 * MercadoPago webhook signatures.
 *
 * MercadoPago sends `x-signature: ts=<unix seconds>,v1=<hex HMAC-SHA256>` and `x-request-id`,
 * and signs the manifest `id:<data.id>;request-id:<x-request-id>;ts:<ts>;` with the
 * application's webhook secret; a part whose value is missing is left out of the manifest
 * entirely. `data.id` is the one from the query string (`?data.id=…&type=payment`), not the
 * notification's own `id` from the body.
 *
 * Casing of `data.id`: MercadoPago's docs say an alphanumeric `data.id` goes into the manifest
 * lowercased, while its SDKs switched in mid-2026 to using it exactly as received, and an open
 * SDK issue reports the two disagree. Payment ids are numeric, so for the notifications
 * BarberPro consumes (`type=payment`) the question does not arise. The verifier therefore
 * accepts the id as received and, only when it contains upper-case letters, the lowercased
 * form too; the signer uses the id as given.
 */

export const DEFAULT_TOLERANCE_SECONDS = 300;

export type WebhookSignatureFailure = 'missing' | 'malformed' | 'stale' | 'mismatch';
export type WebhookSignatureResult = { ok: true; ts: number } | { ok: false; reason: WebhookSignatureFailure };

type HeaderValue = string | readonly string[] | null | undefined;

export interface VerifyWebhookSignatureInput {
  secret: string;
  /** The raw `x-signature` header. */
  signatureHeader: HeaderValue;
  /** The raw `x-request-id` header; left out of the manifest when absent. */
  requestId?: HeaderValue;
  /** `data.id` from the notification URL's query string; left out of the manifest when absent. */
  dataId?: string | number | null;
  nowSeconds: number;
  toleranceSeconds?: number;
}

export function webhookManifest(parts: { dataId?: string | number | null; requestId?: string | null; ts: string | number }): string {
  let manifest = '';
  const dataId = parts.dataId === null || parts.dataId === undefined ? '' : String(parts.dataId);
  if (dataId !== '') manifest += `id:${dataId};`;
  if (parts.requestId) manifest += `request-id:${parts.requestId};`;
  return `${manifest}ts:${parts.ts};`;
}

export function verifyWebhookSignature(input: VerifyWebhookSignatureInput): WebhookSignatureResult {
  if (!input.secret) throw new TypeError('verifyWebhookSignature needs the webhook secret');
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;

  const header = single(input.signatureHeader);
  if (header === undefined) return { ok: false, reason: 'malformed' };
  if (header === null || header.trim() === '') return { ok: false, reason: 'missing' };
  const parsed = parseSignatureHeader(header);
  if (!parsed) return { ok: false, reason: 'malformed' };

  const requestId = single(input.requestId ?? null);
  if (requestId === undefined) return { ok: false, reason: 'malformed' };

  const candidates = [input.dataId === null || input.dataId === undefined ? null : String(input.dataId).trim()];
  const lowered = candidates[0]?.toLowerCase();
  if (lowered !== undefined && lowered !== candidates[0]) candidates.push(lowered);

  const received = Buffer.from(parsed.v1, 'hex');
  let matched = false;
  for (const dataId of candidates) {
    const expected = createHmac('sha256', input.secret)
      .update(webhookManifest({ dataId, requestId: requestId?.trim() || null, ts: parsed.tsText }))
      .digest();
    // Both are 32 bytes: the header's v1 was checked to be 64 hex digits.
    if (timingSafeEqual(expected, received)) matched = true;
  }
  if (!matched) return { ok: false, reason: 'mismatch' };

  // Checked after the HMAC on purpose: "stale" then means an authentic but old (or
  // future-dated) message, a replay or a skewed clock, never a forgery.
  if (Math.abs(input.nowSeconds - parsed.tsSeconds) > tolerance) return { ok: false, reason: 'stale' };
  return { ok: true, ts: parsed.tsSeconds };
}

export interface SignWebhookInput {
  secret: string;
  dataId?: string | number | null;
  /** Defaults to a random UUID; `null` sends no x-request-id (as some redeliveries do). */
  requestId?: string | null;
  /** Unix seconds; defaults to now. */
  ts?: number;
}

export interface SignedWebhookHeaders {
  'x-signature': string;
  'x-request-id'?: string;
}

/** The headers MercadoPago would send for a notification about `dataId` (sandbox and tests). */
export function signWebhook(input: SignWebhookInput): SignedWebhookHeaders {
  if (!input.secret) throw new TypeError('signWebhook needs the webhook secret');
  const ts = input.ts ?? Math.floor(Date.now() / 1000);
  const requestId = input.requestId === undefined ? randomUUID() : input.requestId;
  const v1 = createHmac('sha256', input.secret).update(webhookManifest({ dataId: input.dataId, requestId, ts })).digest('hex');
  const headers: SignedWebhookHeaders = { 'x-signature': `ts=${ts},v1=${v1}` };
  if (requestId) headers['x-request-id'] = requestId;
  return headers;
}

/**
 * `data.id` and `type` from a notification URL. The signature covers the query string's
 * `data.id`, so a receiver must read it from the URL rather than from the parsed body.
 */
export function webhookQuery(url: string): { dataId: string | null; type: string | null } {
  const query = new URL(url, 'http://placeholder.invalid').searchParams;
  return { dataId: query.get('data.id'), type: query.get('type') };
}

interface ParsedSignature {
  tsText: string;
  tsSeconds: number;
  v1: string;
}

/** `ts=…,v1=…` in any order, with optional spaces; unknown keys (a future v2) are ignored. */
function parseSignatureHeader(header: string): ParsedSignature | null {
  let ts: string | undefined;
  let v1: string | undefined;
  for (const part of header.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) return null;
    const key = part.slice(0, eq).trim().toLowerCase();
    const value = part.slice(eq + 1).trim();
    if (key === 'ts') {
      if (ts !== undefined) return null;
      ts = value;
    } else if (key === 'v1') {
      if (v1 !== undefined) return null;
      v1 = value;
    }
  }
  if (ts === undefined || v1 === undefined) return null;
  if (!/^\d{1,16}$/.test(ts) || !/^[0-9a-f]{64}$/i.test(v1)) return null;
  const n = Number(ts);
  // Seconds per the docs; a 13-digit value is read as milliseconds for the freshness check
  // only (the manifest always uses the text as sent).
  const tsSeconds = n >= 1e11 ? Math.floor(n / 1000) : n;
  return { tsText: ts, tsSeconds, v1 };
}

/** undefined: the header was repeated (ambiguous); null: absent. */
function single(value: HeaderValue): string | null | undefined {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (value.length === 0) return null;
  return value.length === 1 ? value[0]! : undefined;
}
