import http from 'node:http';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { child, escapeXml, parseXml, SOAP_ENVELOPE_NS, text, XmlParseError, type XmlObject } from './xml.js';

/**
 * SOAP 1.1 over HTTP for AFIP's web services, with failures sorted by what they mean for a
 * call that changes state (FECAESolicitar):
 *
 * - AfipUnavailableError: the request never reached the service (connection refused, TLS
 *   failure, timeout while connecting, or an HTTP-level refusal such as 503). Nothing happened
 *   at AFIP; retrying is safe.
 * - AfipAmbiguousError: the request was sent and then no usable answer came (timeout,
 *   connection reset, a truncated or unreadable reply, a gateway timeout). AFIP may or may not
 *   have authorized the voucher: the caller must find out (FECompUltimoAutorizado /
 *   FECompConsultar) before sending it again.
 * - AfipFaultError: the service answered with a SOAP Fault.
 *
 * Whether bytes reached AFIP cannot be known from the client. The line is drawn at the
 * request's 'finish' event (the whole body handed to the socket; over TLS, also the handshake
 * completed, since until then the body cannot be encrypted and sent): before it, the server cannot
 * have a complete request (the body is sized by Content-Length), so nothing can have been
 * processed; after it, it might have been. This errs towards "ambiguous", which costs one
 * extra query, never towards a duplicate or lost invoice.
 *
 * Built on node:http rather than fetch because fetch does not say whether the body was sent,
 * and because production AFIP needs a TLS agent of its own (see `agent`).
 */

export type AfipUnavailableReason = 'connect' | 'tls' | 'timeout' | 'aborted' | 'network' | 'http_status';
export type AfipAmbiguousReason = 'timeout' | 'connection_lost' | 'aborted' | 'http_status' | 'invalid_response';

export abstract class AfipError extends Error {
  /** The web service method (loginCms, FECAESolicitar …). */
  readonly operation: string;
  /** The endpoint, without query string. */
  readonly url: string;
  /** Whether the whole request had been handed to the network when the call failed. */
  readonly requestSent: boolean;
  /** HTTP status, null when no response arrived. */
  readonly status: number | null;

  constructor(message: string, init: { operation: string; url: string; requestSent: boolean; status: number | null; cause?: unknown }) {
    super(message, { cause: init.cause });
    this.operation = init.operation;
    this.url = init.url;
    this.requestSent = init.requestSent;
    this.status = init.status;
  }
}

/** Nothing was processed: safe to retry (after a pause). */
export class AfipUnavailableError extends AfipError {
  override readonly name = 'AfipUnavailableError';
  readonly reason: AfipUnavailableReason;
  /** False for answers a retry will not change (a 4xx, a redirect: wrong URL or configuration). */
  readonly retryable: boolean;

  constructor(init: { operation: string; url: string; reason: AfipUnavailableReason; status?: number | null; detail: string; retryable?: boolean; cause?: unknown }) {
    super(`AFIP ${init.operation} unavailable (${init.reason}): ${init.detail}`, { ...init, requestSent: false, status: init.status ?? null });
    this.reason = init.reason;
    this.retryable = init.retryable ?? true;
  }
}

/** The request went out and the outcome is unknown: reconcile before retrying a write. */
export class AfipAmbiguousError extends AfipError {
  override readonly name = 'AfipAmbiguousError';
  readonly reason: AfipAmbiguousReason;

  constructor(init: { operation: string; url: string; reason: AfipAmbiguousReason; status?: number | null; detail: string; cause?: unknown }) {
    super(`AFIP ${init.operation} outcome unknown (${init.reason}): ${init.detail}`, { ...init, requestSent: true, status: init.status ?? null });
    this.reason = init.reason;
  }
}

/** A SOAP Fault. WSAA reports its errors this way; WSFEv1 mostly inside the result instead. */
export class AfipFaultError extends AfipError {
  override readonly name = 'AfipFaultError';
  /** The fault code without its namespace prefix: `coe.alreadyAuthenticated`, `Client`. */
  readonly faultCode: string;
  /** As sent: `ns1:coe.alreadyAuthenticated`, `soap:Client`. */
  readonly faultCodeQName: string;
  readonly faultString: string;
  /** The fault's detail flattened to text, when there is one. */
  readonly detail: string | undefined;

  constructor(init: { operation: string; url: string; status: number; faultCode: string; faultString: string; detail?: string }) {
    const local = init.faultCode.includes(':') ? init.faultCode.slice(init.faultCode.indexOf(':') + 1) : init.faultCode;
    super(`AFIP ${init.operation} fault ${local}: ${init.faultString}`, { ...init, requestSent: true });
    this.faultCode = local;
    this.faultCodeQName = init.faultCode;
    this.faultString = init.faultString;
    this.detail = init.detail;
  }
}

export interface SoapTransportOptions {
  /** Whole call: connect, send, and read the reply. Default 30 s. */
  timeoutMs?: number;
  /**
   * An http(s).Agent for the connection. Production AFIP hosts have used DH parameters that
   * OpenSSL 3's default security level refuses (ERR_SSL_DH_KEY_TOO_SMALL); pass e.g.
   * `new https.Agent({ ciphers: 'DEFAULT@SECLEVEL=1' })` there. Default: a fresh connection per
   * call (keep-alive off), so a stale pooled socket cannot turn into a spurious ambiguous
   * failure of FECAESolicitar.
   */
  agent?: http.Agent;
  /** Default 5 MiB; the parameter tables are the largest replies and are far smaller. */
  maxResponseBytes?: number;
  userAgent?: string;
}

export interface SoapCall {
  url: string;
  /** SOAPAction without quotes ("" for WSAA's loginCms). */
  soapAction: string;
  /** The XML inside soap:Body, already escaped. */
  body: string;
  operation: string;
  /** Element names that are lists in this reply (see parseXml). */
  arrayTags?: ReadonlySet<string>;
  signal?: AbortSignal;
}

export interface SoapReply {
  status: number;
  /** The content of soap:Body, namespace prefixes removed, every value a string. */
  body: XmlObject;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_RESPONSE_BYTES = 5 * 1024 * 1024;
const noKeepAlive = { http: new http.Agent({ keepAlive: false }), https: new https.Agent({ keepAlive: false }) };

export function soapEnvelope(bodyXml: string): string {
  return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${SOAP_ENVELOPE_NS}"><soap:Body>${bodyXml}</soap:Body></soap:Envelope>`;
}

/** Builds a SOAP 1.1 Fault envelope (for the sandbox, and tests). */
export function soapFaultEnvelope(faultCode: string, faultString: string, detailXml = ''): string {
  const detail = detailXml ? `<detail>${detailXml}</detail>` : '';
  return soapEnvelope(`<soap:Fault><faultcode>${escapeXml(faultCode)}</faultcode><faultstring>${escapeXml(faultString)}</faultstring>${detail}</soap:Fault>`);
}

/** The Body of a SOAP envelope, or the fault it carries. */
export function parseSoapEnvelope(xml: string, arrayTags?: ReadonlySet<string>): { body: XmlObject; fault?: { code: string; string: string; detail?: string } } {
  const doc = parseXml(xml, arrayTags);
  const body = child(child(doc, 'Envelope'), 'Body');
  if (!body) {
    // An empty <soap:Body/> parses as "" rather than an object.
    if (child(doc, 'Envelope') && text(child(doc, 'Envelope'), 'Body') !== undefined) return { body: {} };
    throw new XmlParseError('Not a SOAP envelope');
  }
  const fault = child(body, 'Fault');
  if (fault) {
    const detailNode = fault.detail;
    const detail = detailNode === undefined || detailNode === '' ? undefined : flatten(detailNode);
    return { body, fault: { code: text(fault, 'faultcode') ?? '', string: text(fault, 'faultstring') ?? '', ...(detail ? { detail } : {}) } };
  }
  return { body };
}

function flatten(node: unknown): string {
  if (typeof node === 'string') return node;
  if (Array.isArray(node)) return node.map(flatten).filter(Boolean).join('; ');
  if (node && typeof node === 'object')
    return Object.entries(node as Record<string, unknown>)
      .map(([k, v]) => `${k}: ${flatten(v)}`)
      .join('; ');
  return '';
}

/** One SOAP call. Never retries: whether a retry is safe depends on the method. */
export async function soapCall(call: SoapCall, options: SoapTransportOptions = {}): Promise<SoapReply> {
  const url = new URL(call.url);
  const where = `${url.origin}${url.pathname}`;
  const envelope = Buffer.from(soapEnvelope(call.body), 'utf8');
  const outcome = await post(url, envelope, call, options);
  const base = { operation: call.operation, url: where };

  if (outcome.kind === 'failed') throw transportError(outcome, base, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);

  const { status, body } = outcome;
  let parsed: ReturnType<typeof parseSoapEnvelope> | undefined;
  let parseError: unknown;
  try {
    parsed = parseSoapEnvelope(body, call.arrayTags);
  } catch (error) {
    parseError = error;
  }
  if (parsed?.fault) throw new AfipFaultError({ ...base, status, faultCode: parsed.fault.code, faultString: parsed.fault.string, detail: parsed.fault.detail });
  if (status >= 200 && status < 300) {
    if (parsed) return { status, body: parsed.body };
    // The reply itself is never quoted: a WSAA reply carries a token and sign.
    throw new AfipAmbiguousError({ ...base, reason: 'invalid_response', status, detail: `unreadable reply (${body.length} characters): ${(parseError as Error).message}`, cause: parseError });
  }
  // A gateway timeout or bad gateway means a proxy forwarded the request and lost the answer.
  if (status === 502 || status === 504) throw new AfipAmbiguousError({ ...base, reason: 'http_status', status, detail: `HTTP ${status} from a gateway` });
  throw new AfipUnavailableError({ ...base, reason: 'http_status', status, detail: `HTTP ${status}`, retryable: status >= 500 || status === 429 });
}

function transportError(outcome: Extract<PostOutcome, { kind: 'failed' }>, base: { operation: string; url: string }, timeoutMs: number): AfipError {
  const { error, sent, timedOut, aborted } = outcome;
  const code = (error as NodeJS.ErrnoException | null)?.code ?? (error as Error | null)?.name ?? 'error';
  if (!sent) {
    if (timedOut) return new AfipUnavailableError({ ...base, reason: 'timeout', detail: `no connection within ${timeoutMs} ms`, cause: error });
    if (aborted) return new AfipUnavailableError({ ...base, reason: 'aborted', detail: 'cancelled before the request was sent', cause: error });
    const tls = /SSL|TLS|CERT|DH_KEY/i.test(String(code)) || /SSL|TLS|certificate/i.test((error as Error | null)?.message ?? '');
    const connect = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET'].includes(String(code));
    const detail = tls ? `${code} (production AFIP may need a legacy TLS agent: see SoapTransportOptions.agent)` : String(code);
    return new AfipUnavailableError({ ...base, reason: tls ? 'tls' : connect ? 'connect' : 'network', detail, cause: error });
  }
  if (timedOut) return new AfipAmbiguousError({ ...base, reason: 'timeout', detail: `no complete answer within ${timeoutMs} ms after the request was sent`, cause: error });
  if (aborted) return new AfipAmbiguousError({ ...base, reason: 'aborted', detail: 'cancelled after the request was sent', cause: error });
  return new AfipAmbiguousError({ ...base, reason: 'connection_lost', detail: `${code} after the request was sent`, cause: error });
}

type PostOutcome = { kind: 'response'; status: number; body: string } | { kind: 'failed'; error: unknown; sent: boolean; timedOut: boolean; aborted: boolean };

function post(url: URL, payload: Buffer, call: SoapCall, options: SoapTransportOptions): Promise<PostOutcome> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = call.signal ? AbortSignal.any([timeout, call.signal]) : timeout;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const secure = url.protocol === 'https:';
  if (!secure && url.protocol !== 'http:') return Promise.reject(new TypeError(`AFIP URL must be http(s): ${url.protocol}`));

  return new Promise<PostOutcome>((resolve) => {
    let sent = false;
    let settled = false;
    const settle = (outcome: PostOutcome) => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    const fail = (error: unknown) =>
      settle({ kind: 'failed', error, sent, timedOut: timeout.aborted, aborted: signal.aborted && !timeout.aborted });

    const request = (secure ? https : http).request(url, {
      method: 'POST',
      agent: options.agent ?? (secure ? noKeepAlive.https : noKeepAlive.http),
      signal,
      headers: {
        'content-type': 'text/xml; charset=utf-8',
        'content-length': payload.length,
        accept: 'text/xml',
        soapaction: `"${call.soapAction}"`,
        'user-agent': options.userAgent ?? 'BarberPro/0.1 (+https://barberpro.ar)',
      },
    });
    // Over TLS, 'finish' can fire while the body waits in the TLS layer for a handshake that
    // then fails: nothing has left the machine until the handshake is done.
    let finished = false;
    let handshakeDone = !secure;
    const markSent = () => {
      if (finished && handshakeDone) sent = true;
    };
    request.on('socket', (socket) => {
      if (!secure) return;
      // A kept-alive socket from a caller's agent finished its handshake on an earlier call.
      if (request.reusedSocket) handshakeDone = true;
      else
        (socket as TLSSocket).once('secureConnect', () => {
          handshakeDone = true;
          markSent();
        });
    });
    request.on('finish', () => {
      finished = true;
      markSent();
    });
    request.on('error', fail);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          request.destroy(new Error(`reply larger than ${maxBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      response.on('error', fail);
      response.on('end', () => settle({ kind: 'response', status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('close', () => {
        if (!response.complete) fail(Object.assign(new Error('connection closed before the reply was complete'), { code: 'ECONNRESET' }));
      });
    });
    request.end(payload);
  });
}
