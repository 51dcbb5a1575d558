import { createHash, randomBytes, randomInt, type X509Certificate } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { WSAA_PATH, WSFE_PATH } from '../../modules/invoicing/afip/endpoints.js';
import { formatCentavos, parseAmountToCentavos, type Centavos } from '../../modules/invoicing/afip/money.js';
import { parseSoapEnvelope, soapEnvelope } from '../../modules/invoicing/afip/soap.js';
import { toAfipDateTime, WSAA_NAMESPACE } from '../../modules/invoicing/afip/wsaa.js';
import { WSFE_NAMESPACE } from '../../modules/invoicing/afip/wsfe.js';
import { child, children, escapeXml, parseXml, text, type XmlObject } from '../../modules/invoicing/afip/xml.js';
import {
  createCertificateAuthority,
  cuitOfCertificate,
  issueCertificate as issueFromCa,
  loadCertificateAuthority,
  type CertificateAuthority,
  type IssueCertificateInput,
  type IssuedCertificate,
} from './ca.js';
import { CmsError, verifyCms } from './cms-verify.js';
import { wsaaWsdl, wsfeWsdl, type WsfeOperation } from './wsdl.js';
import {
  CBTE_CLASE,
  CODES,
  CONDICIONES_IVA_RECEPTOR,
  CREDIT_NOTE_TARGET,
  CREDIT_NOTES,
  FCH_DESDE,
  TIPOS_CBTE,
  TIPOS_DOC,
  TIPOS_IVA,
  TIPOS_MONEDA,
  type ParamRow,
  type SandboxCode,
} from './tables.js';

/**
 * A local AFIP: WSAA (loginCms) and WSFEv1 on one port, at AFIP's own paths, speaking the real
 * SOAP protocol. WSAA verifies the CMS signature and trusts only certificates issued by the
 * sandbox's CA; WSFEv1 checks the ticket, keeps numbering per (CUIT, point of sale, voucher
 * type), enforces the FECAESolicitar rules BarberPro's invoices touch and remembers every
 * authorized voucher. Faults can be injected to exercise the client's failure handling.
 * Development and tests only: it refuses to start under NODE_ENV=production.
 */

export interface SandboxLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface AfipSandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Reuse a CA (so certificates survive restarts); default: a new one per start. */
  ca?: { certPem: string; keyPem: string };
  /** Points of sale enabled for web services, per CUIT. */
  pointsOfSale?: Record<string, number[]>;
  /** Other CUITs a certificate's CUIT may invoice for (AFIP's "relaciones"). */
  relations?: Record<string, string[]>;
  /** WSAA services that exist. Default ['wsfe']. */
  services?: string[];
  /** Ticket lifetime. Default 12 h, like AFIP. */
  ticketTtlMs?: number;
  clock?: { now(): Date };
  log?: SandboxLogger;
}

export type DownMode = false | '503' | 'refuse';
export type AfterCommitMode = 'hang' | 'reset';

export interface AfipSandboxControls {
  readonly down: DownMode;
  readonly latencyMs: number;
  /** '503': every service call answers 503; 'refuse': the port stops accepting connections. */
  setDown(mode: DownMode): Promise<void>;
  /** Every service call waits this long first. */
  setLatency(ms: number): void;
  /**
   * The next `count` FECAESolicitar calls are processed (vouchers authorized) and then never
   * answered ('hang', the client times out) or their connection is destroyed ('reset').
   */
  timeoutAfterCommit(options?: { mode?: AfterCommitMode; count?: number }): void;
  /** The next FECAESolicitar is rejected with this error, nothing authorized (e.g. 501). */
  rejectNext(code: number, msg: string): void;
  /** Clears every injected fault. */
  reset(): Promise<void>;
}

export interface SandboxAlicIva {
  id: number;
  baseImp: Centavos;
  importe: Centavos;
}

export interface SandboxCbteAsoc {
  tipo: number;
  ptoVta: number;
  nro: number;
  cuit: string | null;
  cbteFch: string | null;
}

export interface SandboxVoucher {
  cuit: string;
  ptoVta: number;
  cbteTipo: number;
  cbteNro: number;
  concepto: number;
  docTipo: number;
  docNro: string;
  cbteFch: string;
  impTotal: Centavos;
  impTotConc: Centavos;
  impNeto: Centavos;
  impOpEx: Centavos;
  impTrib: Centavos;
  impIva: Centavos;
  fchServDesde: string | null;
  fchServHasta: string | null;
  fchVtoPago: string | null;
  monId: string;
  monCotiz: string;
  condicionIvaReceptorId: number;
  iva: SandboxAlicIva[];
  cbtesAsoc: SandboxCbteAsoc[];
  cae: string;
  caeFchVto: string;
  fchProceso: string;
}

export interface SandboxTicketInfo {
  cuit: string;
  service: string;
  certificateFingerprint: string;
  expirationTime: Date;
}

export interface SandboxRequestRecord {
  service: 'wsaa' | 'wsfe';
  operation: string;
  /** 'ok', a fault code, an error code, 'down', 'hang', 'reset'. */
  outcome: string;
}

export interface AfipSandboxState {
  lastNumber(cuit: string, ptoVta: number, cbteTipo: number): number;
  /** Pretend vouchers were issued elsewhere (e.g. from AFIP's web form). */
  setLastNumber(cuit: string, ptoVta: number, cbteTipo: number, cbteNro: number): void;
  voucher(cuit: string, ptoVta: number, cbteTipo: number, cbteNro: number): SandboxVoucher | undefined;
  vouchers(): SandboxVoucher[];
  enablePointOfSale(cuit: string, ptoVta: number): void;
  tickets(): SandboxTicketInfo[];
  /** Forget every ticket, as if they had expired. */
  dropTickets(): void;
  readonly requests: readonly SandboxRequestRecord[];
}

export interface AfipSandbox {
  readonly url: string;
  readonly wsaaUrl: string;
  readonly wsfeUrl: string;
  readonly port: number;
  readonly caCertPem: string;
  /** A certificate (and key) issued by the sandbox's CA, with the CUIT in serialNumber. */
  issueCertificate(input: IssueCertificateInput): IssuedCertificate;
  readonly controls: AfipSandboxControls;
  readonly state: AfipSandboxState;
  close(): Promise<void>;
}

interface Ticket extends SandboxTicketInfo {
  token: string;
  sign: string;
}

class SoapFault extends Error {
  constructor(
    readonly code: string,
    readonly faultString: string,
    readonly namespace?: string,
  ) {
    super(faultString);
  }
}

const BODY_LIMIT_BYTES = 1_048_576;
const TICKET_TTL_MS = 12 * 3_600_000;
const AXIS_NS = 'http://xml.apache.org/axis/';
const DAY_MS = 86_400_000;
const DET_LISTS = new Set(['FECAEDetRequest', 'AlicIva', 'CbteAsoc', 'Tributo', 'Opcional', 'Comprador', 'Actividad']);

export async function startAfipSandbox(options: AfipSandboxOptions = {}): Promise<AfipSandbox> {
  if (process.env.NODE_ENV === 'production') throw new Error('The AFIP sandbox is for development and tests; it does not start in production');
  const sandbox = new Sandbox(options);
  await sandbox.listen();
  return sandbox;
}

class Sandbox implements AfipSandbox {
  url = '';
  wsaaUrl = '';
  wsfeUrl = '';
  port = 0;
  readonly caCertPem: string;
  readonly controls: AfipSandboxControls;
  readonly state: AfipSandboxState;

  private readonly ca: CertificateAuthority;
  private readonly server: Server;
  private readonly now: () => Date;
  private readonly host: string;
  private readonly services: Set<string>;
  private readonly ticketTtlMs: number;
  private readonly shutdown = new AbortController();

  private readonly tickets = new Map<string, Ticket>();
  private readonly lastNumbers = new Map<string, number>();
  private readonly lastDates = new Map<string, string>();
  private readonly stored = new Map<string, SandboxVoucher>();
  private readonly pointsOfSale = new Map<string, Set<number>>();
  private readonly requests: SandboxRequestRecord[] = [];

  private down: DownMode = false;
  private latencyMs = 0;
  private afterCommit: AfterCommitMode[] = [];
  private rejections: Array<{ code: number; msg: string }> = [];

  constructor(private readonly options: AfipSandboxOptions) {
    this.now = options.clock ? () => options.clock!.now() : () => new Date();
    this.host = options.host ?? '127.0.0.1';
    this.services = new Set(options.services ?? ['wsfe']);
    this.ticketTtlMs = options.ticketTtlMs ?? TICKET_TTL_MS;
    this.ca = options.ca ? loadCertificateAuthority(options.ca.certPem, options.ca.keyPem) : createCertificateAuthority(undefined, this.now());
    this.caCertPem = this.ca.certPem;
    for (const [cuit, list] of Object.entries(options.pointsOfSale ?? {})) this.pointsOfSale.set(cuit, new Set(list));
    this.server = createServer((req, res) => {
      this.dispatch(req, res).catch((error: unknown) => {
        this.options.log?.warn({ err: (error as Error).message }, 'AFIP sandbox request failed');
        if (!res.headersSent && !res.destroyed) res.writeHead(500).end();
      });
    });
    this.controls = this.buildControls();
    this.state = this.buildState();
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port || (this.options.port ?? 0), this.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.url = `http://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
    this.wsaaUrl = this.url + WSAA_PATH;
    this.wsfeUrl = this.url + WSFE_PATH;
    this.options.log?.info({ url: this.url }, 'AFIP sandbox listening');
  }

  issueCertificate(input: IssueCertificateInput): IssuedCertificate {
    return issueFromCa(this.ca, input, this.now());
  }

  async close(): Promise<void> {
    this.shutdown.abort();
    this.server.closeAllConnections();
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ─── controls and state ───────────────────────────────────────────────────────────────

  private buildControls(): AfipSandboxControls {
    const current = () => ({ down: this.down, latencyMs: this.latencyMs });
    return {
      get down() {
        return current().down;
      },
      get latencyMs() {
        return current().latencyMs;
      },
      setDown: (mode) => this.setDown(mode),
      setLatency: (ms) => {
        if (!Number.isFinite(ms) || ms < 0) throw new RangeError('latency must be ≥ 0 ms');
        this.latencyMs = ms;
      },
      timeoutAfterCommit: ({ mode = 'hang', count = 1 } = {}) => {
        for (let i = 0; i < count; i++) this.afterCommit.push(mode);
      },
      rejectNext: (code, msg) => {
        if (!Number.isInteger(code)) throw new RangeError('code must be an integer');
        this.rejections.push({ code, msg });
      },
      reset: async () => {
        this.latencyMs = 0;
        this.afterCommit = [];
        this.rejections = [];
        await this.setDown(false);
      },
    };
  }

  private async setDown(mode: DownMode): Promise<void> {
    if (mode !== false && mode !== '503' && mode !== 'refuse') throw new RangeError("down is false, '503' or 'refuse'");
    const wasRefusing = this.down === 'refuse';
    this.down = mode;
    if (mode === 'refuse' && !wasRefusing) {
      // Stop listening: connections are then refused by the OS, as with a host that is down.
      this.server.close();
      this.server.closeAllConnections();
    } else if (mode !== 'refuse' && wasRefusing) {
      await this.listen();
    }
  }

  private buildState(): AfipSandboxState {
    return {
      lastNumber: (cuit, ptoVta, cbteTipo) => this.lastNumbers.get(seriesKey(cuit, ptoVta, cbteTipo)) ?? 0,
      setLastNumber: (cuit, ptoVta, cbteTipo, cbteNro) => {
        this.lastNumbers.set(seriesKey(cuit, ptoVta, cbteTipo), cbteNro);
      },
      voucher: (cuit, ptoVta, cbteTipo, cbteNro) => {
        const found = this.stored.get(voucherKey(cuit, ptoVta, cbteTipo, cbteNro));
        return found && structuredClone(found);
      },
      vouchers: () => [...this.stored.values()].map((v) => structuredClone(v)),
      enablePointOfSale: (cuit, ptoVta) => {
        const set = this.pointsOfSale.get(cuit) ?? new Set<number>();
        set.add(ptoVta);
        this.pointsOfSale.set(cuit, set);
      },
      tickets: () =>
        [...this.tickets.values()].map((t) => ({ cuit: t.cuit, service: t.service, certificateFingerprint: t.certificateFingerprint, expirationTime: new Date(t.expirationTime) })),
      dropTickets: () => this.tickets.clear(),
      requests: this.requests,
    };
  }

  // ─── HTTP ─────────────────────────────────────────────────────────────────────────────

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    if (url.pathname.startsWith('/sandbox/')) return this.control(req, res, url);
    const service = url.pathname === WSAA_PATH ? 'wsaa' : url.pathname === WSFE_PATH ? 'wsfe' : null;
    if (!service) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
    // AFIP answers both ?wsdl and ?WSDL (Axis and .NET spell it differently).
    if (req.method === 'GET' && [...url.searchParams.keys()].some((k) => k.toLowerCase() === 'wsdl')) {
      if (this.down === '503') return void res.writeHead(503, { 'content-type': 'text/html' }).end('<html><body><h1>503 Service Unavailable</h1></body></html>');
      return this.sendXml(res, 200, service === 'wsaa' ? wsaaWsdl(this.wsaaUrl) : wsfeWsdl(this.wsfeUrl));
    }
    if (req.method !== 'POST') return void res.writeHead(405, { allow: 'POST', 'content-type': 'text/plain' }).end('Method not allowed');
    if (this.down === '503') {
      remember(this.requests, { service, operation: '?', outcome: 'down' });
      await drain(req);
      return void res.writeHead(503, { 'content-type': 'text/html' }).end('<html><body><h1>503 Service Unavailable</h1></body></html>');
    }
    const body = await readBody(req);
    if (this.latencyMs > 0) await sleep(this.latencyMs, undefined, { signal: this.shutdown.signal }).catch(() => undefined);
    if (res.destroyed) return;
    if (service === 'wsaa') return this.loginCms(body, res);
    return this.wsfe(req, body, res);
  }

  private sendXml(res: ServerResponse, status: number, xml: string): void {
    if (res.destroyed || res.headersSent) return;
    res.writeHead(status, { 'content-type': 'text/xml; charset=utf-8', 'cache-control': 'no-store' });
    res.end(xml);
  }

  private sendFault(res: ServerResponse, fault: SoapFault): void {
    const code = fault.namespace ? `<faultcode xmlns:ns1="${fault.namespace}">${escapeXml(fault.code)}</faultcode>` : `<faultcode>${escapeXml(fault.code)}</faultcode>`;
    this.sendXml(res, 500, soapEnvelope(`<soap:Fault>${code}<faultstring>${escapeXml(fault.faultString)}</faultstring></soap:Fault>`));
  }

  // ─── WSAA ─────────────────────────────────────────────────────────────────────────────

  private loginCms(body: string, res: ServerResponse): void {
    try {
      const ticket = this.authenticate(body);
      remember(this.requests, { service: 'wsaa', operation: 'loginCms', outcome: 'ok' });
      this.sendXml(res, 200, soapEnvelope(`<loginCmsResponse xmlns="${WSAA_NAMESPACE}"><loginCmsReturn>${escapeXml(this.ticketXml(ticket))}</loginCmsReturn></loginCmsResponse>`));
    } catch (error) {
      if (!(error instanceof SoapFault)) throw error;
      remember(this.requests, { service: 'wsaa', operation: 'loginCms', outcome: error.code });
      this.sendFault(res, error);
    }
  }

  private authenticate(body: string): Ticket & { uniqueId: string; destination: string; generationTime: Date } {
    const wsaaFault = (code: string, message: string) => new SoapFault(`ns1:${code}`, message, AXIS_NS);
    let in0: string | undefined;
    try {
      in0 = text(child(parseSoapEnvelope(body).body, 'loginCms'), 'in0');
    } catch {
      throw new SoapFault('soap:Client', 'Malformed SOAP request');
    }
    if (in0 === undefined) throw new SoapFault('soap:Client', 'loginCms(in0) expected');
    const compact = in0.replace(/\s+/g, '');
    if (compact === '' || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) throw wsaaFault('cms.bad', 'El CMS no es valido (base64)');

    const now = this.now();
    let verified: ReturnType<typeof verifyCms>;
    try {
      verified = verifyCms(Buffer.from(compact, 'base64'), this.ca.certificate, now);
    } catch (error) {
      if (error instanceof CmsError) throw wsaaFault(error.faultCode, error.message);
      throw wsaaFault('cms.bad', 'El CMS no es valido');
    }
    const cuit = cuitOfCertificate(verified.certificate);
    if (!cuit) throw wsaaFault('cms.cert.invalid', 'El certificado no tiene CUIT en serialNumber');

    let tra: XmlObject | undefined;
    try {
      tra = child(parseXml(verified.content.toString('utf8')), 'loginTicketRequest');
    } catch {
      tra = undefined;
    }
    const header = child(tra, 'header');
    const uniqueId = text(header, 'uniqueId');
    const generation = Date.parse(text(header, 'generationTime') ?? '');
    const expiration = Date.parse(text(header, 'expirationTime') ?? '');
    const service = text(tra, 'service');
    if (!tra || !uniqueId || !/^\d{1,10}$/.test(uniqueId) || Number.isNaN(generation) || Number.isNaN(expiration) || !service)
      throw wsaaFault('xml.bad', 'El TRA no es valido');
    if (generation > now.getTime()) throw wsaaFault('xml.generationTime.invalid', 'generationTime posterior a la hora actual');
    if (expiration <= now.getTime()) throw wsaaFault('xml.expirationTime.expired', 'expirationTime anterior a la hora actual');
    if (expiration <= generation || expiration - generation > DAY_MS) throw wsaaFault('xml.expirationTime.invalid', 'expirationTime invalido');
    if (!this.services.has(service)) throw wsaaFault('wsn.notFound', `Servicio informado inexistente: ${service}`);

    const fingerprint = createHash('sha256').update(verified.certificate.raw).digest('hex');
    for (const t of this.tickets.values()) {
      if (t.certificateFingerprint === fingerprint && t.service === service && t.expirationTime.getTime() > now.getTime())
        throw wsaaFault('coe.alreadyAuthenticated', 'El CEE ya posee un TA valido para el acceso al WSN solicitado');
    }
    const ticket: Ticket = {
      token: randomBytes(96).toString('base64'),
      sign: randomBytes(48).toString('base64'),
      cuit,
      service,
      certificateFingerprint: fingerprint,
      expirationTime: new Date(now.getTime() + this.ticketTtlMs),
    };
    // Expired tickets are dropped here so the map stays small over a long session.
    for (const [token, t] of this.tickets) if (t.expirationTime.getTime() <= now.getTime()) this.tickets.delete(token);
    this.tickets.set(ticket.token, ticket);
    return { ...ticket, uniqueId: String(randomInt(1, 2 ** 31)), destination: subjectDn(verified.certificate), generationTime: now };
  }

  private ticketXml(t: Ticket & { uniqueId: string; destination: string; generationTime: Date }): string {
    return (
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><loginTicketResponse version="1.0"><header>' +
      '<source>CN=wsaasandbox, O=BarberPro sandbox, C=AR, SERIALNUMBER=CUIT 33693450239</source>' +
      `<destination>${escapeXml(t.destination)}</destination>` +
      `<uniqueId>${t.uniqueId}</uniqueId>` +
      `<generationTime>${toAfipDateTime(t.generationTime)}</generationTime>` +
      `<expirationTime>${toAfipDateTime(t.expirationTime)}</expirationTime>` +
      `</header><credentials><token>${t.token}</token><sign>${t.sign}</sign></credentials></loginTicketResponse>`
    );
  }

  // ─── WSFEv1 ───────────────────────────────────────────────────────────────────────────

  private async wsfe(req: IncomingMessage, body: string, res: ServerResponse): Promise<void> {
    const action = (headerValue(req, 'soapaction') ?? '').trim().replace(/^"(.*)"$/, '$1');
    const method = action.startsWith(WSFE_NAMESPACE) ? action.slice(WSFE_NAMESPACE.length) : '';
    let request: XmlObject | undefined;
    try {
      const parsed = parseSoapEnvelope(body, DET_LISTS).body;
      // An element without children (<FEDummy/>) parses as "", not as an object.
      request = method && parsed[method] === '' ? {} : child(parsed, method);
    } catch {
      remember(this.requests, { service: 'wsfe', operation: method || '?', outcome: 'soap:Client' });
      return this.sendFault(res, new SoapFault('soap:Client', 'Server was unable to read request. ---> There is an error in XML document.'));
    }
    // Keyed by the WSDL's operation list, so the two cannot drift apart.
    const handlers: Record<WsfeOperation, (r: XmlObject) => string> = {
      FEDummy: () => '<AppServer>OK</AppServer><DbServer>OK</DbServer><AuthServer>OK</AuthServer>',
      FECompUltimoAutorizado: (r) => this.ultimoAutorizado(r),
      FECAESolicitar: (r) => this.caeSolicitar(r),
      FECompConsultar: (r) => this.compConsultar(r),
      FEParamGetTiposCbte: (r) => this.paramList(r, 'CbteTipo', TIPOS_CBTE),
      FEParamGetTiposDoc: (r) => this.paramList(r, 'DocTipo', TIPOS_DOC),
      FEParamGetTiposIva: (r) => this.paramList(r, 'IvaTipo', TIPOS_IVA),
      FEParamGetTiposMonedas: (r) => this.paramList(r, 'Moneda', TIPOS_MONEDA),
      FEParamGetPtosVenta: (r) => this.ptosVenta(r),
      FEParamGetCondicionIvaReceptor: (r) => this.condicionIva(r),
    };
    const handler = Object.hasOwn(handlers, method) ? handlers[method as WsfeOperation] : undefined;
    if (!handler || !request) {
      remember(this.requests, { service: 'wsfe', operation: method || '?', outcome: 'soap:Client' });
      return this.sendFault(res, new SoapFault('soap:Client', `Server did not recognize the value of HTTP Header SOAPAction: ${action}.`));
    }
    let result: string;
    try {
      result = handler(request);
    } catch (error) {
      if (!(error instanceof SoapFault)) throw error;
      remember(this.requests, { service: 'wsfe', operation: method, outcome: error.code });
      return this.sendFault(res, error);
    }
    const xml = soapEnvelope(`<${method}Response xmlns="${WSFE_NAMESPACE}"><${method}Result>${result}</${method}Result></${method}Response>`);
    if (method === 'FECAESolicitar') {
      const fault = this.afterCommit.shift();
      if (fault) {
        remember(this.requests, { service: 'wsfe', operation: method, outcome: fault });
        // The vouchers are authorized and stored; only the answer is lost.
        if (fault === 'reset') req.socket.destroy();
        return;
      }
    }
    remember(this.requests, { service: 'wsfe', operation: method, outcome: /<Err>|<Resultado>R</.test(result) ? 'rejected' : 'ok' });
    this.sendXml(res, 200, xml);
  }

  /** The CUIT the call acts for, or the Errors block that refuses it. */
  private authorize(request: XmlObject): { cuit: string } | { errors: string } {
    const auth = child(request, 'Auth');
    const token = text(auth, 'Token');
    const sign = text(auth, 'Sign');
    const cuit = text(auth, 'Cuit') ?? '';
    const ticket = token ? this.tickets.get(token) : undefined;
    if (!ticket || ticket.sign !== sign || ticket.service !== 'wsfe' || ticket.expirationTime.getTime() <= this.now().getTime()) return { errors: errorsXml([CODES.tokenInvalid]) };
    if (cuit !== ticket.cuit && !(this.options.relations?.[ticket.cuit] ?? []).includes(cuit))
      return { errors: errorsXml([{ code: CODES.cuitNotRelated.code, msg: CODES.cuitNotRelated.msg + cuit }]) };
    return { cuit };
  }

  private ultimoAutorizado(request: XmlObject): string {
    const auth = this.authorize(request);
    if ('errors' in auth) return auth.errors;
    const ptoVta = intField(request, 'PtoVta');
    const cbteTipo = intField(request, 'CbteTipo');
    const last = this.lastNumbers.get(seriesKey(auth.cuit, ptoVta, cbteTipo)) ?? 0;
    return `<PtoVta>${ptoVta}</PtoVta><CbteTipo>${cbteTipo}</CbteTipo><CbteNro>${last}</CbteNro>`;
  }

  private caeSolicitar(request: XmlObject): string {
    const auth = this.authorize(request);
    if ('errors' in auth) return auth.errors;
    const feCaeReq = child(request, 'FeCAEReq');
    const cab = child(feCaeReq, 'FeCabReq');
    const cantReg = intField(cab, 'CantReg');
    const ptoVta = intField(cab, 'PtoVta');
    const cbteTipo = intField(cab, 'CbteTipo');
    const details = children(child(feCaeReq, 'FeDetReq'), 'FECAEDetRequest').map(readDetail);
    const now = this.now();
    const fchProceso = arTimestamp(now);
    const cabXml = (resultado: string) =>
      `<FeCabResp><Cuit>${auth.cuit}</Cuit><PtoVta>${ptoVta}</PtoVta><CbteTipo>${cbteTipo}</CbteTipo><FchProceso>${fchProceso}</FchProceso><CantReg>${cantReg}</CantReg><Resultado>${resultado}</Resultado><Reproceso>N</Reproceso></FeCabResp>`;
    const rejectAll = (errors: SandboxCode[] | Array<{ code: number; msg: string }>) =>
      cabXml('R') + `<FeDetResp>${details.map((d) => detResponseXml(d, 'R', [], null)).join('')}</FeDetResp>` + errorsXml(errors);

    const injected = this.rejections.shift();
    if (injected) return rejectAll([injected]);
    if (cantReg !== details.length || details.length === 0) return rejectAll([CODES.cantRegMismatch]);
    if (!CBTE_CLASE[cbteTipo]) return rejectAll([CODES.cbteTipoInvalid]);
    if (!this.pointsOfSale.get(auth.cuit)?.has(ptoVta)) return rejectAll([CODES.posNotEnabled]);

    const series = seriesKey(auth.cuit, ptoVta, cbteTipo);
    const results = details.map((d) => {
      const observations = this.checkDetail(auth.cuit, ptoVta, cbteTipo, d, now);
      if (observations.length > 0) return { ok: false, xml: detResponseXml(d, 'R', observations, null) };
      const voucher: SandboxVoucher = {
        ...d,
        cuit: auth.cuit,
        ptoVta,
        cbteTipo,
        cbteNro: d.cbteDesde,
        condicionIvaReceptorId: d.condicionIvaReceptorId!,
        cae: newCae(),
        caeFchVto: addDays(d.cbteFch, 10),
        fchProceso,
      };
      this.stored.set(voucherKey(auth.cuit, ptoVta, cbteTipo, d.cbteDesde), voucher);
      this.lastNumbers.set(series, d.cbteDesde);
      this.lastDates.set(series, d.cbteFch);
      this.options.log?.info({ cuit: auth.cuit, ptoVta, cbteTipo, cbteNro: d.cbteDesde }, 'voucher authorized');
      return { ok: true, xml: detResponseXml(d, 'A', [], voucher) };
    });
    const approved = results.filter((r) => r.ok).length;
    const resultado = approved === results.length ? 'A' : approved === 0 ? 'R' : 'P';
    return cabXml(resultado) + `<FeDetResp>${results.map((r) => r.xml).join('')}</FeDetResp>`;
  }

  /** FECAESolicitar's per-voucher rules; each failure is an observation (Obs). */
  private checkDetail(cuit: string, ptoVta: number, cbteTipo: number, d: Detail, now: Date): SandboxCode[] {
    const obs: SandboxCode[] = [];
    const series = seriesKey(cuit, ptoVta, cbteTipo);
    const clase = CBTE_CLASE[cbteTipo]!;

    if (d.cbteHasta !== d.cbteDesde) obs.push(CODES.rangeNotSupported);
    // Number and date: the next number, dated within the window around today and not before
    // the series' last voucher (AFIP reports all of it as 10016).
    const today = arDate(now);
    const window = d.concepto === 1 ? 5 : 10;
    const lastDate = this.lastDates.get(series);
    if (
      d.cbteDesde !== (this.lastNumbers.get(series) ?? 0) + 1 ||
      Math.abs(dayNumber(d.cbteFch) - dayNumber(today)) > window ||
      (lastDate !== undefined && d.cbteFch < lastDate)
    )
      obs.push(CODES.notNext);

    if (d.impTotal !== d.impTotConc + d.impNeto + d.impOpEx + d.impTrib + d.impIva) obs.push(CODES.totalMismatch);

    if (d.condicionIvaReceptorId === null) obs.push(CODES.condicionIvaMissing);
    else {
      const condition = CONDICIONES_IVA_RECEPTOR.find((c) => c.id === d.condicionIvaReceptorId);
      if (!condition || !condition.clases.split('/').includes(clase)) obs.push(CODES.condicionIvaInvalid);
    }

    if (!TIPOS_DOC.some((t) => t.id === d.docTipo) || (d.docTipo === 99 && d.docNro !== '0') || (d.docTipo !== 99 && /^0+$/.test(d.docNro))) obs.push(CODES.docTipoInvalid);
    if (d.monId !== 'PES' || !isOne(d.monCotiz)) obs.push(CODES.monedaInvalid);

    if (clase === 'C') {
      if (d.iva.length > 0 || d.impIva !== 0) obs.push(CODES.ivaNotAllowedC);
    } else {
      if (d.impNeto > 0 && d.iva.length === 0) obs.push(CODES.ivaRequired);
      if (d.iva.length > 0) {
        if (d.iva.some((a) => !TIPOS_IVA.some((t) => t.id === a.id))) obs.push(CODES.ivaIdInvalid);
        if (d.iva.reduce((s, a) => s + a.importe, 0) !== d.impIva) obs.push(CODES.ivaSumMismatch);
        if (d.iva.reduce((s, a) => s + a.baseImp, 0) !== d.impNeto) obs.push(CODES.ivaBaseMismatch);
      } else if (d.impIva !== 0) obs.push(CODES.ivaSumMismatch);
    }

    const serviceDates = [d.fchServDesde, d.fchServHasta, d.fchVtoPago];
    if (d.concepto === 2 || d.concepto === 3) {
      if (serviceDates.some((x) => x === null)) obs.push(CODES.serviceDatesRequired);
      else if (d.fchServDesde! > d.fchServHasta!) obs.push(CODES.serviceDatesOrder);
    } else if (serviceDates.some((x) => x !== null)) obs.push(CODES.serviceDatesNotAllowed);

    if (CREDIT_NOTES.has(cbteTipo)) {
      if (d.cbtesAsoc.length === 0) obs.push(CODES.cbtesAsocRequired);
      else {
        const target = CREDIT_NOTE_TARGET[cbteTipo];
        const missing = d.cbtesAsoc.some((a) => {
          const issuer = a.cuit ?? cuit;
          const found = this.stored.get(voucherKey(issuer, a.ptoVta, a.tipo, a.nro));
          return a.tipo !== target || !found || (a.cbteFch !== null && a.cbteFch !== found.cbteFch);
        });
        if (missing) obs.push(CODES.cbteAsocNotFound);
      }
    }
    return obs;
  }

  private compConsultar(request: XmlObject): string {
    const auth = this.authorize(request);
    if ('errors' in auth) return auth.errors;
    const q = child(request, 'FeCompConsReq');
    const v = this.stored.get(voucherKey(auth.cuit, intField(q, 'PtoVta'), intField(q, 'CbteTipo'), intField(q, 'CbteNro')));
    if (!v) return errorsXml([CODES.noData]);
    const optional = (name: string, value: string | null) => (value === null ? '' : `<${name}>${value}</${name}>`);
    return (
      '<ResultGet>' +
      `<Concepto>${v.concepto}</Concepto><DocTipo>${v.docTipo}</DocTipo><DocNro>${v.docNro}</DocNro>` +
      `<CbteDesde>${v.cbteNro}</CbteDesde><CbteHasta>${v.cbteNro}</CbteHasta><CbteFch>${v.cbteFch}</CbteFch>` +
      `<ImpTotal>${formatCentavos(v.impTotal)}</ImpTotal><ImpTotConc>${formatCentavos(v.impTotConc)}</ImpTotConc><ImpNeto>${formatCentavos(v.impNeto)}</ImpNeto>` +
      `<ImpOpEx>${formatCentavos(v.impOpEx)}</ImpOpEx><ImpTrib>${formatCentavos(v.impTrib)}</ImpTrib><ImpIVA>${formatCentavos(v.impIva)}</ImpIVA>` +
      optional('FchServDesde', v.fchServDesde) +
      optional('FchServHasta', v.fchServHasta) +
      optional('FchVtoPago', v.fchVtoPago) +
      `<MonId>${escapeXml(v.monId)}</MonId><MonCotiz>${escapeXml(v.monCotiz)}</MonCotiz>` +
      `<CondicionIVAReceptorId>${v.condicionIvaReceptorId}</CondicionIVAReceptorId>` +
      (v.cbtesAsoc.length
        ? `<CbtesAsoc>${v.cbtesAsoc
            .map((a) => `<CbteAsoc><Tipo>${a.tipo}</Tipo><PtoVta>${a.ptoVta}</PtoVta><Nro>${a.nro}</Nro>${optional('Cuit', a.cuit)}${optional('CbteFch', a.cbteFch)}</CbteAsoc>`)
            .join('')}</CbtesAsoc>`
        : '') +
      (v.iva.length
        ? `<Iva>${v.iva.map((a) => `<AlicIva><Id>${a.id}</Id><BaseImp>${formatCentavos(a.baseImp)}</BaseImp><Importe>${formatCentavos(a.importe)}</Importe></AlicIva>`).join('')}</Iva>`
        : '') +
      `<Resultado>A</Resultado><CodAutorizacion>${v.cae}</CodAutorizacion><EmisionTipo>CAE</EmisionTipo><FchVto>${v.caeFchVto}</FchVto><FchProceso>${v.fchProceso}</FchProceso>` +
      `<PtoVta>${v.ptoVta}</PtoVta><CbteTipo>${v.cbteTipo}</CbteTipo>` +
      '</ResultGet>'
    );
  }

  private paramList(request: XmlObject, item: string, rows: ParamRow[]): string {
    const auth = this.authorize(request);
    if ('errors' in auth) return auth.errors;
    return `<ResultGet>${rows.map((r) => `<${item}><Id>${escapeXml(r.id)}</Id><Desc>${escapeXml(r.desc)}</Desc><FchDesde>${FCH_DESDE}</FchDesde><FchHasta>NULL</FchHasta></${item}>`).join('')}</ResultGet>`;
  }

  private ptosVenta(request: XmlObject): string {
    const auth = this.authorize(request);
    if ('errors' in auth) return auth.errors;
    const list = [...(this.pointsOfSale.get(auth.cuit) ?? [])].sort((a, b) => a - b);
    if (list.length === 0) return errorsXml([CODES.noResults]);
    return `<ResultGet>${list.map((n) => `<PtoVenta><Nro>${n}</Nro><EmisionTipo>CAE - RECE</EmisionTipo><Bloqueado>N</Bloqueado><FchBaja>NULL</FchBaja></PtoVenta>`).join('')}</ResultGet>`;
  }

  private condicionIva(request: XmlObject): string {
    const auth = this.authorize(request);
    if ('errors' in auth) return auth.errors;
    const clase = text(request, 'ClaseCmp');
    const rows = CONDICIONES_IVA_RECEPTOR.filter((c) => !clase || c.clases.split('/').includes(clase));
    if (rows.length === 0) return errorsXml([CODES.noData]);
    return `<ResultGet>${rows.map((c) => `<CondicionIvaReceptor><Id>${c.id}</Id><Desc>${escapeXml(c.desc)}</Desc><Cmp_Clase>${c.clases}</Cmp_Clase></CondicionIvaReceptor>`).join('')}</ResultGet>`;
  }

  // ─── control API ──────────────────────────────────────────────────────────────────────

  private async control(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const json = (status: number, body: unknown) => void res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(body));
    let body: Record<string, unknown> = {};
    try {
      const raw = await readBody(req);
      if (raw.trim()) body = JSON.parse(raw) as Record<string, unknown>;
      if (!body || typeof body !== 'object' || Array.isArray(body)) throw new TypeError('body must be a JSON object');
    } catch (error) {
      return json(400, { error: (error as Error).message });
    }
    try {
      const route = `${req.method} ${url.pathname}`;
      switch (route) {
        case 'GET /sandbox/state':
          return json(200, {
            down: this.down,
            latencyMs: this.latencyMs,
            lastNumbers: Object.fromEntries(this.lastNumbers),
            vouchers: [...this.stored.values()],
            tickets: this.state.tickets(),
            pointsOfSale: Object.fromEntries([...this.pointsOfSale].map(([k, v]) => [k, [...v]])),
          });
        case 'GET /sandbox/ca.pem':
          return void res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(this.ca.certPem);
        case 'POST /sandbox/certificates': {
          const cuit = typeof body.cuit === 'string' ? body.cuit : '';
          const commonName = typeof body.commonName === 'string' ? body.commonName : `barberpro-${cuit}`;
          return json(201, this.issueCertificate({ cuit, commonName }));
        }
        case 'POST /sandbox/points-of-sale': {
          if (typeof body.cuit !== 'string' || typeof body.ptoVta !== 'number') throw new TypeError('cuit (string) and ptoVta (number) are required');
          this.state.enablePointOfSale(body.cuit, body.ptoVta);
          return json(200, { ok: true });
        }
        case 'POST /sandbox/controls': {
          // 'refuse' is left to the in-process handle: once refusing, this API is unreachable too.
          if (body.down !== undefined) {
            if (body.down !== false && body.down !== '503') throw new TypeError("down is false or '503' over HTTP");
            await this.setDown(body.down);
          }
          if (body.latencyMs !== undefined) this.controls.setLatency(Number(body.latencyMs));
          if (body.timeoutAfterCommit !== undefined) {
            if (body.timeoutAfterCommit === false) this.afterCommit = [];
            else {
              const spec = body.timeoutAfterCommit as { mode?: unknown; count?: unknown };
              const mode = spec.mode === 'reset' ? 'reset' : 'hang';
              this.controls.timeoutAfterCommit({ mode, count: typeof spec.count === 'number' ? spec.count : 1 });
            }
          }
          if (body.rejectNext !== undefined) {
            const spec = body.rejectNext as { code?: unknown; msg?: unknown };
            this.controls.rejectNext(Number(spec.code), typeof spec.msg === 'string' ? spec.msg : 'Rechazo inyectado por el sandbox');
          }
          return json(200, { down: this.down, latencyMs: this.latencyMs, timeoutAfterCommit: this.afterCommit.length, rejectNext: this.rejections.length });
        }
        case 'POST /sandbox/reset':
          await this.controls.reset();
          return json(200, { ok: true });
        default:
          return json(404, { error: 'not found' });
      }
    } catch (error) {
      return json(400, { error: (error as Error).message });
    }
  }
}

// ─── request reading ────────────────────────────────────────────────────────────────────

interface Detail {
  concepto: number;
  docTipo: number;
  docNro: string;
  cbteDesde: number;
  cbteHasta: number;
  cbteFch: string;
  impTotal: Centavos;
  impTotConc: Centavos;
  impNeto: Centavos;
  impOpEx: Centavos;
  impTrib: Centavos;
  impIva: Centavos;
  fchServDesde: string | null;
  fchServHasta: string | null;
  fchVtoPago: string | null;
  monId: string;
  monCotiz: string;
  condicionIvaReceptorId: number | null;
  iva: SandboxAlicIva[];
  cbtesAsoc: SandboxCbteAsoc[];
}

/** What .NET's XML deserializer would refuse answers as a soap:Client fault, like AFIP's. */
function unreadable(what: string): SoapFault {
  return new SoapFault('soap:Client', `Server was unable to read request. ---> There is an error in XML document: ${what}.`);
}

function intField(node: XmlObject | undefined, name: string): number {
  const value = text(node, name);
  if (value === undefined || !/^\d{1,15}$/.test(value)) throw unreadable(name);
  return Number(value);
}

function amountField(node: XmlObject | undefined, name: string): Centavos {
  const value = text(node, name);
  if (value === undefined) throw unreadable(name);
  try {
    return parseAmountToCentavos(value);
  } catch {
    throw unreadable(name);
  }
}

function dateField(node: XmlObject | undefined, name: string, required: boolean): string | null {
  const value = text(node, name);
  if (value === undefined || value === '') {
    if (required) throw unreadable(name);
    return null;
  }
  if (!/^\d{8}$/.test(value) || Number.isNaN(dayNumber(value))) throw unreadable(name);
  return value;
}

function readDetail(d: XmlObject): Detail {
  const condicion = text(d, 'CondicionIVAReceptorId');
  return {
    concepto: intField(d, 'Concepto'),
    docTipo: intField(d, 'DocTipo'),
    docNro: String(intField(d, 'DocNro')),
    cbteDesde: intField(d, 'CbteDesde'),
    cbteHasta: intField(d, 'CbteHasta'),
    cbteFch: dateField(d, 'CbteFch', true)!,
    impTotal: amountField(d, 'ImpTotal'),
    impTotConc: amountField(d, 'ImpTotConc'),
    impNeto: amountField(d, 'ImpNeto'),
    impOpEx: amountField(d, 'ImpOpEx'),
    impTrib: amountField(d, 'ImpTrib'),
    impIva: amountField(d, 'ImpIVA'),
    fchServDesde: dateField(d, 'FchServDesde', false),
    fchServHasta: dateField(d, 'FchServHasta', false),
    fchVtoPago: dateField(d, 'FchVtoPago', false),
    monId: text(d, 'MonId') ?? '',
    monCotiz: text(d, 'MonCotiz') ?? '',
    condicionIvaReceptorId: condicion === undefined || condicion === '' ? null : intField(d, 'CondicionIVAReceptorId'),
    iva: children(child(d, 'Iva'), 'AlicIva').map((a) => ({ id: intField(a, 'Id'), baseImp: amountField(a, 'BaseImp'), importe: amountField(a, 'Importe') })),
    cbtesAsoc: children(child(d, 'CbtesAsoc'), 'CbteAsoc').map((a) => ({
      tipo: intField(a, 'Tipo'),
      ptoVta: intField(a, 'PtoVta'),
      nro: intField(a, 'Nro'),
      cuit: text(a, 'Cuit') || null,
      cbteFch: dateField(a, 'CbteFch', false),
    })),
  };
}

// ─── reply building ─────────────────────────────────────────────────────────────────────

function errorsXml(errors: ReadonlyArray<{ code: number; msg: string }>): string {
  return `<Errors>${errors.map((e) => `<Err><Code>${e.code}</Code><Msg>${escapeXml(e.msg)}</Msg></Err>`).join('')}</Errors>`;
}

function detResponseXml(d: Detail, resultado: 'A' | 'R', obs: readonly SandboxCode[], voucher: SandboxVoucher | null): string {
  return (
    '<FECAEDetResponse>' +
    `<Concepto>${d.concepto}</Concepto><DocTipo>${d.docTipo}</DocTipo><DocNro>${d.docNro}</DocNro>` +
    `<CbteDesde>${d.cbteDesde}</CbteDesde><CbteHasta>${d.cbteHasta}</CbteHasta><CbteFch>${d.cbteFch}</CbteFch>` +
    `<Resultado>${resultado}</Resultado>` +
    (obs.length ? `<Observaciones>${obs.map((o) => `<Obs><Code>${o.code}</Code><Msg>${escapeXml(o.msg)}</Msg></Obs>`).join('')}</Observaciones>` : '') +
    `<CAE>${voucher?.cae ?? ''}</CAE><CAEFchVto>${voucher?.caeFchVto ?? ''}</CAEFchVto>` +
    '</FECAEDetResponse>'
  );
}

// ─── helpers ────────────────────────────────────────────────────────────────────────────

function seriesKey(cuit: string, ptoVta: number, cbteTipo: number): string {
  return `${cuit}/${ptoVta}/${cbteTipo}`;
}

function voucherKey(cuit: string, ptoVta: number, cbteTipo: number, cbteNro: number): string {
  return `${seriesKey(cuit, ptoVta, cbteTipo)}/${cbteNro}`;
}

/** 14 digits, as AFIP's CAEs. */
function newCae(): string {
  let digits = String(randomInt(1, 10));
  while (digits.length < 14) digits += String(randomInt(0, 10));
  return digits;
}

/** The Argentine calendar day (fixed UTC−03:00). */
function arDate(date: Date): string {
  return new Date(date.getTime() - 3 * 3_600_000).toISOString().slice(0, 10).replace(/-/g, '');
}

function arTimestamp(date: Date): string {
  return new Date(date.getTime() - 3 * 3_600_000).toISOString().slice(0, 19).replace(/[-T:]/g, '');
}

/** Days since the epoch of a YYYYMMDD date; NaN for a non-date. */
function dayNumber(yyyymmdd: string): number {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  const ms = Date.UTC(y, m - 1, d);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) return Number.NaN;
  return ms / DAY_MS;
}

function addDays(yyyymmdd: string, days: number): string {
  return new Date((dayNumber(yyyymmdd) + days) * DAY_MS).toISOString().slice(0, 10).replace(/-/g, '');
}

function isOne(value: string): boolean {
  return /^0*1(?:\.0*)?$/.test(value.trim());
}

function subjectDn(certificate: X509Certificate): string {
  return certificate.subject.split('\n').reverse().join(', ');
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function remember<T>(list: T[], entry: T): void {
  list.push(entry);
  if (list.length > 10_000) list.splice(0, list.length - 10_000);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT_BYTES) throw new Error('Request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function drain(req: IncomingMessage): Promise<void> {
  for await (const _chunk of req as AsyncIterable<Buffer>) {
    // discard
  }
}
