import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { AfipFaultError, soapCall, type SoapTransportOptions } from './soap.js';
import { child, escapeXml, parseXml, text } from './xml.js';

/**
 * WSAA, AFIP's authentication service: a login ticket request (TRA) signed as CMS with the
 * taxpayer's certificate is exchanged for a token and sign that the business services (WSFEv1)
 * accept for 12 hours.
 */

export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

export const WSAA_NAMESPACE = 'http://wsaa.view.sua.dvadac.desein.afip.gov';

export interface LoginTicket {
  token: string;
  sign: string;
  generationTime: Date;
  expirationTime: Date;
  uniqueId?: string;
  /** The DN of the WSAA that issued it. */
  source?: string;
  /** The DN of the certificate it was issued to. */
  destination?: string;
}

export interface SignerCredentials {
  /** The certificate AFIP issued for the taxpayer (PEM). */
  certPem: string;
  /** Its private key, PKCS#1 or PKCS#8 PEM. */
  keyPem: string;
  passphrase?: string;
}

const SERVICE_NAME = /^[a-z][a-z0-9_]{0,63}$/i;
const TRA_SKEW_MS = 10 * 60_000;

/**
 * Argentina's fixed UTC−03:00 (no DST since 2009), without milliseconds: the form AFIP's own
 * examples use, e.g. 2026-12-02T10:00:00-03:00.
 */
export function toAfipDateTime(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('Invalid date');
  const shifted = new Date(date.getTime() - 3 * 3_600_000);
  return `${shifted.toISOString().slice(0, 19)}-03:00`;
}

/**
 * The TRA. generationTime is ten minutes in the past and expirationTime ten minutes ahead so a
 * clock a few minutes off AFIP's is still inside the window WSAA accepts.
 */
export function buildLoginTicketRequest(input: { service: string; now: Date }): string {
  if (!SERVICE_NAME.test(input.service)) throw new TypeError(`Not a WSAA service name: ${JSON.stringify(input.service)}`);
  const now = input.now.getTime();
  const uniqueId = Math.floor(now / 1000);
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<loginTicketRequest version="1.0"><header>' +
    `<uniqueId>${uniqueId}</uniqueId>` +
    `<generationTime>${toAfipDateTime(new Date(now - TRA_SKEW_MS))}</generationTime>` +
    `<expirationTime>${toAfipDateTime(new Date(now + TRA_SKEW_MS))}</expirationTime>` +
    `</header><service>${escapeXml(input.service)}</service></loginTicketRequest>`
  );
}

/**
 * CMS SignedData over the TRA: content attached, SHA-256, signed attributes contentType,
 * signingTime and messageDigest, the signer's certificate included; DER, base64 on one line.
 */
export function signLoginTicketRequest(tra: string, credentials: SignerCredentials, signingTime: Date): string {
  const certificate = forge.pki.certificateFromPem(credentials.certPem);
  // node:crypto reads every key format (and decrypts); forge then gets plain PKCS#8.
  let key: forge.pki.rsa.PrivateKey;
  try {
    const pkcs8 = createPrivateKey({ key: credentials.keyPem, format: 'pem', ...(credentials.passphrase ? { passphrase: credentials.passphrase } : {}) })
      .export({ type: 'pkcs8', format: 'pem' })
      .toString();
    key = forge.pki.privateKeyFromPem(pkcs8);
  } catch {
    // Not chained to the library's error: its message may quote key material.
    throw new TypeError('The private key could not be read (an RSA key in PEM, with its passphrase if encrypted, is required)');
  }
  const publicKey = certificate.publicKey as forge.pki.rsa.PublicKey;
  if (!publicKey.n || !publicKey.n.equals(key.n)) throw new TypeError('The private key does not belong to the certificate');

  const p7 = forge.pkcs7.createSignedData();
  p7.content = forge.util.createBuffer(tra, 'utf8');
  p7.addCertificate(certificate);
  p7.addSigner({
    key,
    certificate,
    digestAlgorithm: forge.pki.oids.sha256!,
    // In DER's SET OF order (by encoded length here: 0x18, 0x1c, 0x2f), because forge keeps
    // the order given and a verifier that re-encodes the set canonically would otherwise
    // compute a different digest.
    authenticatedAttributes: [
      { type: forge.pki.oids.contentType!, value: forge.pki.oids.data },
      { type: forge.pki.oids.signingTime!, value: signingTime.toISOString() },
      { type: forge.pki.oids.messageDigest! },
    ],
  });
  p7.sign();
  const der = forge.asn1.toDer(p7.toAsn1()).getBytes();
  return forge.util.encode64(der);
}

/** SHA-256 of the certificate's DER, lower-case hex: the identity tickets are cached under. */
export function certificateFingerprint(certPem: string): string {
  return createHash('sha256').update(new X509Certificate(certPem).raw).digest('hex');
}

/** The loginTicketResponse inside loginCmsReturn. */
export function parseLoginTicketResponse(xml: string): LoginTicket {
  const doc = parseXml(xml);
  const response = child(doc, 'loginTicketResponse');
  const header = child(response, 'header');
  const credentials = child(response, 'credentials');
  const token = text(credentials, 'token');
  const sign = text(credentials, 'sign');
  const generationTime = parseDate(text(header, 'generationTime'));
  const expirationTime = parseDate(text(header, 'expirationTime'));
  if (!token || !sign || !generationTime || !expirationTime) throw new TypeError('loginTicketResponse without token, sign or validity times');
  const ticket: LoginTicket = { token, sign, generationTime, expirationTime };
  const uniqueId = text(header, 'uniqueId');
  const source = text(header, 'source');
  const destination = text(header, 'destination');
  if (uniqueId) ticket.uniqueId = uniqueId;
  if (source) ticket.source = source;
  if (destination) ticket.destination = destination;
  return ticket;
}

function parseDate(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

export interface WsaaClientOptions extends SoapTransportOptions {
  /** WSAA_HOMOLOGATION_URL, WSAA_PRODUCTION_URL or the sandbox's wsaaUrl. No default on purpose. */
  url: string;
}

export class WsaaClient {
  readonly url: string;
  private readonly transport: SoapTransportOptions;

  constructor(options: WsaaClientOptions) {
    const { url, ...transport } = options;
    if (!url) throw new TypeError('WsaaClient needs the WSAA URL (homologation, production or sandbox)');
    this.url = url;
    this.transport = transport;
  }

  /** loginCms(in0): `cms` is the base64 CMS from signLoginTicketRequest. */
  async loginCms(cms: string, options: { signal?: AbortSignal } = {}): Promise<LoginTicket> {
    const reply = await soapCall(
      {
        url: this.url,
        // WSAA's WSDL declares an empty soapAction.
        soapAction: '',
        operation: 'loginCms',
        body: `<wsaa:loginCms xmlns:wsaa="${WSAA_NAMESPACE}"><wsaa:in0>${escapeXml(cms)}</wsaa:in0></wsaa:loginCms>`,
        signal: options.signal,
      },
      this.transport,
    );
    const returned = text(child(reply.body, 'loginCmsResponse'), 'loginCmsReturn');
    if (!returned) throw new TypeError('WSAA reply without loginCmsReturn');
    // loginCmsReturn is an XML document carried as escaped text; the parser has unescaped it.
    return parseLoginTicketResponse(returned);
  }

  /** Builds, signs and sends a TRA. */
  async login(input: SignerCredentials & { service: string; now?: Date; signal?: AbortSignal }): Promise<LoginTicket> {
    const now = input.now ?? new Date();
    const cms = signLoginTicketRequest(buildLoginTicketRequest({ service: input.service, now }), input, now);
    return this.loginCms(cms, { signal: input.signal });
  }
}

/** Where tickets outlive the process and are shared by every instance (the database, later). */
export interface WsaaTicketStore {
  get(key: string): Promise<LoginTicket | null | undefined>;
  set(key: string, ticket: LoginTicket): Promise<void>;
}

export interface WsaaLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

/**
 * AFIP answered coe.alreadyAuthenticated and no valid ticket is at hand: someone else holds the
 * certificate's current ticket.
 */
export class WsaaAlreadyAuthenticatedError extends Error {
  override readonly name = 'WsaaAlreadyAuthenticatedError';
  constructor(
    readonly service: string,
    readonly certificateFingerprint: string,
    cause: unknown,
  ) {
    super(
      `AFIP says a login ticket for this certificate and service "${service}" is already valid elsewhere ` +
        '(another instance or program logged in with the same certificate) and this process does not have it. ' +
        'Share tickets through the WsaaTicketCache store, or wait until that ticket expires (up to 12 hours).',
      { cause },
    );
  }
}

export interface WsaaTicketCacheOptions {
  client: Pick<WsaaClient, 'loginCms'>;
  clock?: Clock;
  store?: WsaaTicketStore;
  /** Try to replace a ticket this long before it expires. Default 5 minutes. */
  renewBeforeMs?: number;
  logger?: WsaaLogger;
}

/**
 * One ticket per (certificate, service), reused until shortly before it expires. WSAA refuses a
 * new ticket while one is valid (coe.alreadyAuthenticated), so that answer is never retried in a
 * loop: the held ticket is used until it expires, and without one the caller gets a clear error.
 * Concurrent requests for the same key share one login.
 */
export class WsaaTicketCache {
  private readonly client: Pick<WsaaClient, 'loginCms'>;
  private readonly clock: Clock;
  private readonly store: WsaaTicketStore | undefined;
  private readonly renewBeforeMs: number;
  private readonly logger: WsaaLogger | undefined;
  private readonly tickets = new Map<string, LoginTicket>();
  /** After coe.alreadyAuthenticated: no new login for this key before this time. */
  private readonly quietUntil = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<LoginTicket>>();
  /** Logins actually sent to WSAA (for tests and metrics). */
  logins = 0;

  constructor(options: WsaaTicketCacheOptions) {
    this.client = options.client;
    this.clock = options.clock ?? systemClock;
    this.store = options.store;
    this.renewBeforeMs = options.renewBeforeMs ?? 5 * 60_000;
    this.logger = options.logger;
  }

  static key(fingerprint: string, service: string): string {
    return `${fingerprint}:${service}`;
  }

  async getTicket(input: SignerCredentials & { service: string }): Promise<LoginTicket> {
    const key = WsaaTicketCache.key(certificateFingerprint(input.certPem), input.service);
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const promise = this.obtain(key, input).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return promise;
  }

  /** The ticket held in memory when it is not due for renewal; undefined otherwise. No I/O. */
  fresh(certPem: string, service: string): LoginTicket | undefined {
    const held = this.tickets.get(WsaaTicketCache.key(certificateFingerprint(certPem), service));
    return held && held.expirationTime.getTime() - this.clock.now().getTime() > this.renewBeforeMs ? held : undefined;
  }

  /** Forget a ticket (e.g. WSFEv1 rejected it with code 600). The store is left alone. */
  invalidate(certPem: string, service: string): void {
    const key = WsaaTicketCache.key(certificateFingerprint(certPem), service);
    this.tickets.delete(key);
    this.quietUntil.delete(key);
  }

  private async obtain(key: string, input: SignerCredentials & { service: string }): Promise<LoginTicket> {
    const now = this.clock.now().getTime();
    let held = this.tickets.get(key);
    if (!held || held.expirationTime.getTime() - now <= this.renewBeforeMs) {
      // Another instance may have renewed it.
      held = newest(held, await this.readStore(key));
      if (held) this.tickets.set(key, held);
    }
    if (held && held.expirationTime.getTime() - now > this.renewBeforeMs) return held;
    if (held && held.expirationTime.getTime() > now && (this.quietUntil.get(key) ?? 0) > now) return held;

    const signingTime = this.clock.now();
    const cms = signLoginTicketRequest(buildLoginTicketRequest({ service: input.service, now: signingTime }), input, signingTime);
    let ticket: LoginTicket;
    try {
      this.logins++;
      ticket = await this.client.loginCms(cms);
    } catch (error) {
      if (!(error instanceof AfipFaultError) || error.faultCode !== 'coe.alreadyAuthenticated') throw error;
      const best = newest(held, await this.readStore(key));
      const at = this.clock.now().getTime();
      if (best && best.expirationTime.getTime() > at) {
        this.tickets.set(key, best);
        this.quietUntil.set(key, best.expirationTime.getTime());
        return best;
      }
      throw new WsaaAlreadyAuthenticatedError(input.service, key.slice(0, key.lastIndexOf(':')), error);
    }
    this.tickets.set(key, ticket);
    this.quietUntil.delete(key);
    if (this.store) {
      try {
        await this.store.set(key, ticket);
      } catch (error) {
        // The ticket is good: failing the caller would not get another one for 12 hours.
        this.logger?.warn({ service: input.service, err: (error as Error).message }, 'could not save the WSAA ticket to the store');
      }
    }
    return ticket;
  }

  private async readStore(key: string): Promise<LoginTicket | undefined> {
    if (!this.store) return undefined;
    try {
      return (await this.store.get(key)) ?? undefined;
    } catch (error) {
      this.logger?.warn({ err: (error as Error).message }, 'could not read the WSAA ticket store');
      return undefined;
    }
  }
}

function newest(a: LoginTicket | undefined, b: LoginTicket | undefined): LoginTicket | undefined {
  if (!a) return b;
  if (!b) return a;
  return b.expirationTime.getTime() > a.expirationTime.getTime() ? b : a;
}
