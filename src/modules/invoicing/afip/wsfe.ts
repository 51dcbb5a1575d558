import { AfipError, soapCall, type SoapTransportOptions } from './soap.js';
import { formatCentavos, parseAmountToCentavos, type Centavos } from './money.js';
import { child, children, escapeXml, text, type XmlObject } from './xml.js';

/**
 * WSFEv1, AFIP's electronic invoice service (vouchers without item detail: Factura A/B/C and
 * their credit notes). Amounts are integer centavos on this side and exact two-decimal strings
 * on the wire; dates are 'YYYYMMDD' strings as AFIP has them, so no time zone ever moves a day.
 */

export const WSFE_NAMESPACE = 'http://ar.gov.afip.dif.FEV1/';

export const CBTE_TIPO = { FACTURA_A: 1, NOTA_CREDITO_A: 3, FACTURA_B: 6, NOTA_CREDITO_B: 8, FACTURA_C: 11, NOTA_CREDITO_C: 13 } as const;
export const DOC_TIPO = { CUIT: 80, CUIL: 86, DNI: 96, CONSUMIDOR_FINAL: 99 } as const;
export const CONCEPTO = { PRODUCTOS: 1, SERVICIOS: 2, PRODUCTOS_Y_SERVICIOS: 3 } as const;
/** AlicIva Id → rate. */
export const IVA_ALICUOTA = { IVA_0: 3, IVA_10_5: 4, IVA_21: 5, IVA_27: 6, IVA_5: 8, IVA_2_5: 9 } as const;
/** RG 5616/2024. */
export const CONDICION_IVA_RECEPTOR = {
  RESPONSABLE_INSCRIPTO: 1,
  EXENTO: 4,
  CONSUMIDOR_FINAL: 5,
  MONOTRIBUTO: 6,
  NO_CATEGORIZADO: 7,
  MONOTRIBUTISTA_SOCIAL: 13,
  IVA_NO_ALCANZADO: 15,
  MONOTRIBUTO_TRABAJADOR_INDEPENDIENTE_PROMOVIDO: 16,
} as const;

/** Codes the invoicing service acts on. */
export const WSFE_CODE = {
  TOKEN_INVALID: 600,
  NO_DATA: 602,
  NOT_NEXT_NUMBER: 10016,
  POINT_OF_SALE_NOT_ENABLED: 11002,
  CONDICION_IVA_RECEPTOR_INVALID: 10242,
  CONDICION_IVA_RECEPTOR_MISSING: 10246,
  INTERNAL_DB_ERROR: 501,
} as const;

export interface WsfeAuth {
  token: string;
  sign: string;
  /** The CUIT the voucher is issued for (11 digits). */
  cuit: string | number;
}

export interface AlicIva {
  id: number;
  baseImp: Centavos;
  importe: Centavos;
}

export interface CbteAsoc {
  tipo: number;
  ptoVta: number;
  nro: number;
  /** The issuer's CUIT, for a credit note against one's own invoice. */
  cuit?: string;
  cbteFch?: string;
}

export interface FeCaeDetRequest {
  concepto: 1 | 2 | 3;
  docTipo: number;
  /** 0 with DocTipo 99 (consumidor final). */
  docNro: string | number;
  cbteDesde: number;
  /** Default: cbteDesde. */
  cbteHasta?: number;
  /** YYYYMMDD. */
  cbteFch: string;
  impTotal: Centavos;
  impTotConc: Centavos;
  impNeto: Centavos;
  impOpEx: Centavos;
  impTrib: Centavos;
  impIva: Centavos;
  /** YYYYMMDD; required for Concepto 2 and 3. */
  fchServDesde?: string;
  fchServHasta?: string;
  fchVtoPago?: string;
  /** Only pesos are supported (MonCotiz is always 1). */
  monId?: 'PES';
  /** RG 5616/2024, mandatory since 2025. */
  condicionIvaReceptorId: number;
  cbtesAsoc?: CbteAsoc[];
  /** Not for Factura C. */
  iva?: AlicIva[];
}

export interface FeCaeSolicitarRequest {
  ptoVta: number;
  cbteTipo: number;
  /** Usually one; several go as one batch with consecutive numbers (CantReg). */
  details: FeCaeDetRequest[];
}

export interface AfipMessage {
  code: number;
  msg: string;
}

export type WsfeResultado = 'A' | 'R' | 'P';

export interface FeCaeDetResult {
  concepto: number | null;
  docTipo: number | null;
  docNro: string | null;
  cbteDesde: number | null;
  cbteHasta: number | null;
  cbteFch: string | null;
  resultado: WsfeResultado;
  /** 14 digits when approved. */
  cae: string | null;
  /** YYYYMMDD. */
  caeFchVto: string | null;
  observaciones: AfipMessage[];
}

export interface FeCaeSolicitarResult {
  /** 'R' also when AFIP answered only with Errors (no header). */
  resultado: WsfeResultado;
  cuit: string | null;
  ptoVta: number | null;
  cbteTipo: number | null;
  /** yyyymmddhhmmss. */
  fchProceso: string | null;
  cantReg: number | null;
  reproceso: string | null;
  details: FeCaeDetResult[];
  errors: AfipMessage[];
  events: AfipMessage[];
}

/** An authorized voucher as FECompConsultar returns it. */
export interface FeComprobante {
  ptoVta: number;
  cbteTipo: number;
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
  /** Decimal string, as sent ("1"). */
  monCotiz: string;
  condicionIvaReceptorId: number | null;
  iva: AlicIva[];
  cbtesAsoc: CbteAsoc[];
  resultado: WsfeResultado;
  /** The CAE. */
  codAutorizacion: string | null;
  emisionTipo: string | null;
  /** CAE expiry, YYYYMMDD. */
  fchVto: string | null;
  fchProceso: string | null;
  observaciones: AfipMessage[];
  events: AfipMessage[];
}

export interface ParamItem<Id = number> {
  id: Id;
  desc: string;
  /** YYYYMMDD, null when AFIP says NULL. */
  fchDesde: string | null;
  fchHasta: string | null;
}

export interface PuntoDeVenta {
  nro: number;
  emisionTipo: string;
  bloqueado: boolean;
  fchBaja: string | null;
}

export interface CondicionIvaReceptor {
  id: number;
  desc: string;
  /** The voucher classes it may receive, e.g. "A/M/C". */
  cmpClase: string;
}

/** WSFEv1 answered, with Errors instead of a result (a method other than FECAESolicitar). */
export class WsfeError extends AfipError {
  override readonly name = 'WsfeError';
  readonly errors: AfipMessage[];
  readonly events: AfipMessage[];

  constructor(init: { operation: string; url: string; errors: AfipMessage[]; events: AfipMessage[] }) {
    super(`AFIP ${init.operation} failed: ${init.errors.map((e) => `${e.code} ${e.msg}`).join('; ')}`, { ...init, requestSent: true, status: 200 });
    this.errors = init.errors;
    this.events = init.events;
  }

  has(code: number): boolean {
    return this.errors.some((e) => e.code === code);
  }
}

export interface WsfeClientOptions extends SoapTransportOptions {
  /** WSFE_HOMOLOGATION_URL, WSFE_PRODUCTION_URL or the sandbox's wsfeUrl. No default on purpose. */
  url: string;
}

const COMMON_LISTS = ['Obs', 'Err', 'Evt', 'AlicIva', 'CbteAsoc', 'Tributo', 'Opcional', 'Comprador', 'Actividad', 'FECAEDetResponse'];
const lists = (...extra: string[]) => new Set([...COMMON_LISTS, ...extra]);
const YYYYMMDD = /^(\d{4})(\d{2})(\d{2})$/;

export class WsfeClient {
  readonly url: string;
  private readonly transport: SoapTransportOptions;

  constructor(options: WsfeClientOptions) {
    const { url, ...transport } = options;
    if (!url) throw new TypeError('WsfeClient needs the WSFEv1 URL (homologation, production or sandbox)');
    this.url = url;
    this.transport = transport;
  }

  /** Health of AFIP's application, database and authentication servers ("OK" each). */
  async feDummy(options: CallOptions = {}): Promise<{ appServer: string; dbServer: string; authServer: string }> {
    const result = await this.call('FEDummy', '', lists(), options);
    return { appServer: text(result, 'AppServer') ?? '', dbServer: text(result, 'DbServer') ?? '', authServer: text(result, 'AuthServer') ?? '' };
  }

  /** The last authorized number for the series (0 when none); the next one is this + 1. */
  async feCompUltimoAutorizado(auth: WsfeAuth, ptoVta: number, cbteTipo: number, options: CallOptions = {}): Promise<number> {
    const body = `${authXml(auth)}<ar:PtoVta>${int(ptoVta, 'ptoVta')}</ar:PtoVta><ar:CbteTipo>${int(cbteTipo, 'cbteTipo')}</ar:CbteTipo>`;
    const result = await this.call('FECompUltimoAutorizado', body, lists(), options);
    this.raiseErrors('FECompUltimoAutorizado', result);
    const nro = num(text(result, 'CbteNro'));
    if (nro === null) throw new TypeError('FECompUltimoAutorizado reply without CbteNro');
    return nro;
  }

  /**
   * Asks for CAEs. Rejections are results, not exceptions: `resultado` 'R' with Errors (about
   * the request) or per-voucher Observaciones. Transport failures throw (see soap.ts): after an
   * AfipAmbiguousError, check FECompUltimoAutorizado/FECompConsultar before sending again.
   */
  async feCAESolicitar(auth: WsfeAuth, request: FeCaeSolicitarRequest, options: CallOptions = {}): Promise<FeCaeSolicitarResult> {
    if (!Array.isArray(request.details) || request.details.length === 0) throw new TypeError('FECAESolicitar needs at least one voucher');
    const body =
      authXml(auth) +
      '<ar:FeCAEReq>' +
      `<ar:FeCabReq><ar:CantReg>${request.details.length}</ar:CantReg><ar:PtoVta>${int(request.ptoVta, 'ptoVta')}</ar:PtoVta><ar:CbteTipo>${int(request.cbteTipo, 'cbteTipo')}</ar:CbteTipo></ar:FeCabReq>` +
      `<ar:FeDetReq>${request.details.map(detailXml).join('')}</ar:FeDetReq>` +
      '</ar:FeCAEReq>';
    const result = await this.call('FECAESolicitar', body, lists(), options);
    const cab = child(result, 'FeCabResp');
    const errors = messages(result, 'Errors', 'Err');
    const details = children(child(result, 'FeDetResp'), 'FECAEDetResponse').map(
      (d): FeCaeDetResult => ({
        concepto: num(text(d, 'Concepto')),
        docTipo: num(text(d, 'DocTipo')),
        docNro: text(d, 'DocNro') ?? null,
        cbteDesde: num(text(d, 'CbteDesde')),
        cbteHasta: num(text(d, 'CbteHasta')),
        cbteFch: nullable(text(d, 'CbteFch')),
        resultado: resultado(text(d, 'Resultado')),
        cae: nullable(text(d, 'CAE')),
        caeFchVto: nullable(text(d, 'CAEFchVto')),
        observaciones: messages(d, 'Observaciones', 'Obs'),
      }),
    );
    return {
      resultado: cab ? resultado(text(cab, 'Resultado')) : 'R',
      cuit: nullable(text(cab, 'Cuit')),
      ptoVta: num(text(cab, 'PtoVta')),
      cbteTipo: num(text(cab, 'CbteTipo')),
      fchProceso: nullable(text(cab, 'FchProceso')),
      cantReg: num(text(cab, 'CantReg')),
      reproceso: nullable(text(cab, 'Reproceso')),
      details,
      errors,
      events: messages(result, 'Events', 'Evt'),
    };
  }

  /** An authorized voucher, or null when AFIP has none with that number (602). */
  async feCompConsultar(auth: WsfeAuth, cbteTipo: number, ptoVta: number, cbteNro: number, options: CallOptions = {}): Promise<FeComprobante | null> {
    const body = `${authXml(auth)}<ar:FeCompConsReq><ar:CbteTipo>${int(cbteTipo, 'cbteTipo')}</ar:CbteTipo><ar:CbteNro>${int(cbteNro, 'cbteNro')}</ar:CbteNro><ar:PtoVta>${int(ptoVta, 'ptoVta')}</ar:PtoVta></ar:FeCompConsReq>`;
    const result = await this.call('FECompConsultar', body, lists(), options);
    const errors = messages(result, 'Errors', 'Err');
    const get = child(result, 'ResultGet');
    if (!get) {
      if (errors.length > 0 && errors.every((e) => e.code === WSFE_CODE.NO_DATA)) return null;
      this.raiseErrors('FECompConsultar', result);
      throw new TypeError('FECompConsultar reply without ResultGet');
    }
    const required = (name: string): string => {
      const value = text(get, name);
      if (value === undefined || value === '') throw new TypeError(`FECompConsultar reply without ${name}`);
      return value;
    };
    const requiredInt = (name: string): number => {
      const value = num(required(name));
      if (value === null) throw new TypeError(`FECompConsultar ${name} is not a number`);
      return value;
    };
    return {
      ptoVta: requiredInt('PtoVta'),
      cbteTipo: requiredInt('CbteTipo'),
      concepto: requiredInt('Concepto'),
      docTipo: requiredInt('DocTipo'),
      docNro: required('DocNro'),
      cbteDesde: requiredInt('CbteDesde'),
      cbteHasta: requiredInt('CbteHasta'),
      cbteFch: required('CbteFch'),
      impTotal: parseAmountToCentavos(required('ImpTotal')),
      impTotConc: parseAmountToCentavos(required('ImpTotConc')),
      impNeto: parseAmountToCentavos(required('ImpNeto')),
      impOpEx: parseAmountToCentavos(required('ImpOpEx')),
      impTrib: parseAmountToCentavos(required('ImpTrib')),
      impIva: parseAmountToCentavos(required('ImpIVA')),
      fchServDesde: nullable(text(get, 'FchServDesde')),
      fchServHasta: nullable(text(get, 'FchServHasta')),
      fchVtoPago: nullable(text(get, 'FchVtoPago')),
      monId: required('MonId'),
      monCotiz: required('MonCotiz'),
      condicionIvaReceptorId: num(text(get, 'CondicionIVAReceptorId')),
      iva: children(child(get, 'Iva'), 'AlicIva').map((a) => ({
        id: num(text(a, 'Id')) ?? 0,
        baseImp: parseAmountToCentavos(text(a, 'BaseImp') ?? ''),
        importe: parseAmountToCentavos(text(a, 'Importe') ?? ''),
      })),
      cbtesAsoc: children(child(get, 'CbtesAsoc'), 'CbteAsoc').map((c) => {
        const asoc: CbteAsoc = { tipo: num(text(c, 'Tipo')) ?? 0, ptoVta: num(text(c, 'PtoVta')) ?? 0, nro: num(text(c, 'Nro')) ?? 0 };
        const cuit = nullable(text(c, 'Cuit'));
        const fch = nullable(text(c, 'CbteFch'));
        if (cuit) asoc.cuit = cuit;
        if (fch) asoc.cbteFch = fch;
        return asoc;
      }),
      resultado: resultado(text(get, 'Resultado')),
      codAutorizacion: nullable(text(get, 'CodAutorizacion')),
      emisionTipo: nullable(text(get, 'EmisionTipo')),
      fchVto: nullable(text(get, 'FchVto')),
      fchProceso: nullable(text(get, 'FchProceso')),
      observaciones: messages(get, 'Observaciones', 'Obs'),
      events: messages(result, 'Events', 'Evt'),
    };
  }

  async feParamGetTiposCbte(auth: WsfeAuth, options: CallOptions = {}): Promise<ParamItem[]> {
    return this.paramList(auth, 'FEParamGetTiposCbte', 'CbteTipo', (id) => num(id), options);
  }

  async feParamGetTiposDoc(auth: WsfeAuth, options: CallOptions = {}): Promise<ParamItem[]> {
    return this.paramList(auth, 'FEParamGetTiposDoc', 'DocTipo', (id) => num(id), options);
  }

  async feParamGetTiposIva(auth: WsfeAuth, options: CallOptions = {}): Promise<ParamItem[]> {
    return this.paramList(auth, 'FEParamGetTiposIva', 'IvaTipo', (id) => num(id), options);
  }

  async feParamGetTiposMonedas(auth: WsfeAuth, options: CallOptions = {}): Promise<ParamItem<string>[]> {
    return this.paramList(auth, 'FEParamGetTiposMonedas', 'Moneda', (id) => id || null, options);
  }

  /** The points of sale enabled for web services; empty when there are none (602). */
  async feParamGetPtosVenta(auth: WsfeAuth, options: CallOptions = {}): Promise<PuntoDeVenta[]> {
    const method = 'FEParamGetPtosVenta';
    const result = await this.call(method, authXml(auth), lists(`${method}Result.ResultGet.PtoVenta`), options);
    const items = children(child(result, 'ResultGet'), 'PtoVenta');
    if (items.length === 0) this.raiseErrors(method, result, [WSFE_CODE.NO_DATA]);
    return items.map((p) => ({
      nro: num(text(p, 'Nro')) ?? 0,
      emisionTipo: text(p, 'EmisionTipo') ?? '',
      bloqueado: (text(p, 'Bloqueado') ?? '').toUpperCase() === 'S',
      fchBaja: nullDate(text(p, 'FchBaja')),
    }));
  }

  /** `claseCmp`: 'A', 'B', 'C', 'M' … (the voucher class the receiver's condition must fit). */
  async feParamGetCondicionIvaReceptor(auth: WsfeAuth, claseCmp?: string, options: CallOptions = {}): Promise<CondicionIvaReceptor[]> {
    const method = 'FEParamGetCondicionIvaReceptor';
    const body = authXml(auth) + (claseCmp === undefined ? '' : `<ar:ClaseCmp>${escapeXml(claseCmp)}</ar:ClaseCmp>`);
    const result = await this.call(method, body, lists(`${method}Result.ResultGet.CondicionIvaReceptor`), options);
    const items = children(child(result, 'ResultGet'), 'CondicionIvaReceptor');
    if (items.length === 0) this.raiseErrors(method, result, [WSFE_CODE.NO_DATA]);
    return items.map((c) => ({ id: num(text(c, 'Id')) ?? 0, desc: text(c, 'Desc') ?? '', cmpClase: text(c, 'Cmp_Clase') ?? '' }));
  }

  private async paramList<Id>(auth: WsfeAuth, method: string, item: string, id: (raw: string) => Id | null, options: CallOptions): Promise<ParamItem<Id>[]> {
    const result = await this.call(method, authXml(auth), lists(`${method}Result.ResultGet.${item}`), options);
    const items = children(child(result, 'ResultGet'), item);
    if (items.length === 0) this.raiseErrors(method, result, [WSFE_CODE.NO_DATA]);
    return items.flatMap((p) => {
      const value = id(text(p, 'Id') ?? '');
      return value === null ? [] : [{ id: value, desc: text(p, 'Desc') ?? '', fchDesde: nullDate(text(p, 'FchDesde')), fchHasta: nullDate(text(p, 'FchHasta')) }];
    });
  }

  /** The <Method>Result element. */
  private async call(method: string, innerXml: string, arrayTags: ReadonlySet<string>, options: CallOptions): Promise<XmlObject> {
    const reply = await soapCall(
      {
        url: this.url,
        soapAction: `${WSFE_NAMESPACE}${method}`,
        operation: method,
        body: `<ar:${method} xmlns:ar="${WSFE_NAMESPACE}">${innerXml}</ar:${method}>`,
        arrayTags,
        signal: options.signal,
      },
      this.transport,
    );
    const response = child(reply.body, `${method}Response`);
    const result = child(response, `${method}Result`);
    if (result) return result;
    // <XResult/> parses as "" rather than an empty object.
    if (text(response, `${method}Result`) === '') return {};
    throw new TypeError(`${method} reply without ${method}Result`);
  }

  private raiseErrors(operation: string, result: XmlObject, ignore: number[] = []): void {
    const errors = messages(result, 'Errors', 'Err');
    if (errors.length > 0 && !errors.every((e) => ignore.includes(e.code))) {
      throw new WsfeError({ operation, url: this.url, errors, events: messages(result, 'Events', 'Evt') });
    }
  }
}

export interface CallOptions {
  signal?: AbortSignal;
}

// ─── request XML ────────────────────────────────────────────────────────────────────────

function authXml(auth: WsfeAuth): string {
  if (!auth.token || !auth.sign) throw new TypeError('WSFEv1 Auth needs a token and sign (from WSAA)');
  return `<ar:Auth><ar:Token>${escapeXml(auth.token)}</ar:Token><ar:Sign>${escapeXml(auth.sign)}</ar:Sign><ar:Cuit>${cuit(auth.cuit)}</ar:Cuit></ar:Auth>`;
}

/** In the order of WSFEv1's xs:sequence for FECAEDetRequest. */
function detailXml(d: FeCaeDetRequest): string {
  const desde = int(d.cbteDesde, 'cbteDesde', 1);
  const hasta = d.cbteHasta === undefined ? desde : int(d.cbteHasta, 'cbteHasta', 1);
  const optionalDate = (name: string, value: string | undefined) => (value === undefined ? '' : `<ar:${name}>${checkAfipDate(value, name)}</ar:${name}>`);
  const monId = d.monId ?? 'PES';
  if (monId !== 'PES') throw new TypeError('Only pesos (PES) are supported');
  const asoc = d.cbtesAsoc?.length
    ? `<ar:CbtesAsoc>${d.cbtesAsoc
        .map(
          (a) =>
            `<ar:CbteAsoc><ar:Tipo>${int(a.tipo, 'CbteAsoc.tipo')}</ar:Tipo><ar:PtoVta>${int(a.ptoVta, 'CbteAsoc.ptoVta')}</ar:PtoVta><ar:Nro>${int(a.nro, 'CbteAsoc.nro', 1)}</ar:Nro>` +
            (a.cuit === undefined ? '' : `<ar:Cuit>${cuit(a.cuit)}</ar:Cuit>`) +
            (a.cbteFch === undefined ? '' : `<ar:CbteFch>${checkAfipDate(a.cbteFch, 'CbteAsoc.cbteFch')}</ar:CbteFch>`) +
            '</ar:CbteAsoc>',
        )
        .join('')}</ar:CbtesAsoc>`
    : '';
  const iva = d.iva?.length
    ? `<ar:Iva>${d.iva
        .map((a) => `<ar:AlicIva><ar:Id>${int(a.id, 'AlicIva.id')}</ar:Id><ar:BaseImp>${formatCentavos(a.baseImp)}</ar:BaseImp><ar:Importe>${formatCentavos(a.importe)}</ar:Importe></ar:AlicIva>`)
        .join('')}</ar:Iva>`
    : '';
  return (
    '<ar:FECAEDetRequest>' +
    `<ar:Concepto>${int(d.concepto, 'concepto', 1)}</ar:Concepto>` +
    `<ar:DocTipo>${int(d.docTipo, 'docTipo')}</ar:DocTipo>` +
    `<ar:DocNro>${docNro(d.docNro)}</ar:DocNro>` +
    `<ar:CbteDesde>${desde}</ar:CbteDesde>` +
    `<ar:CbteHasta>${hasta}</ar:CbteHasta>` +
    `<ar:CbteFch>${checkAfipDate(d.cbteFch, 'cbteFch')}</ar:CbteFch>` +
    `<ar:ImpTotal>${formatCentavos(d.impTotal)}</ar:ImpTotal>` +
    `<ar:ImpTotConc>${formatCentavos(d.impTotConc)}</ar:ImpTotConc>` +
    `<ar:ImpNeto>${formatCentavos(d.impNeto)}</ar:ImpNeto>` +
    `<ar:ImpOpEx>${formatCentavos(d.impOpEx)}</ar:ImpOpEx>` +
    `<ar:ImpTrib>${formatCentavos(d.impTrib)}</ar:ImpTrib>` +
    `<ar:ImpIVA>${formatCentavos(d.impIva)}</ar:ImpIVA>` +
    optionalDate('FchServDesde', d.fchServDesde) +
    optionalDate('FchServHasta', d.fchServHasta) +
    optionalDate('FchVtoPago', d.fchVtoPago) +
    `<ar:MonId>${monId}</ar:MonId>` +
    '<ar:MonCotiz>1</ar:MonCotiz>' +
    (d.condicionIvaReceptorId === undefined || d.condicionIvaReceptorId === null
      ? ''
      : `<ar:CondicionIVAReceptorId>${int(d.condicionIvaReceptorId, 'condicionIvaReceptorId', 1)}</ar:CondicionIVAReceptorId>`) +
    asoc +
    iva +
    '</ar:FECAEDetRequest>'
  );
}

function int(value: number, what: string, min = 0): number {
  if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`${what} must be an integer ≥ ${min} (got ${value})`);
  return value;
}

function cuit(value: string | number): string {
  const digits = String(value).replace(/-/g, '');
  if (!/^\d{11}$/.test(digits)) throw new TypeError('A CUIT has 11 digits');
  return digits;
}

function docNro(value: string | number): string {
  const digits = typeof value === 'number' ? String(int(value, 'docNro')) : value.trim();
  if (!/^\d{1,11}$/.test(digits)) throw new TypeError('DocNro must be up to 11 digits');
  return digits;
}

/** Checks a real calendar date: AFIP refuses 20260230 anyway, but far less clearly. */
export function checkAfipDate(value: string, what = 'date'): string {
  const match = YYYYMMDD.exec(value);
  if (!match) throw new TypeError(`${what} must be YYYYMMDD (got ${JSON.stringify(value)})`);
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const check = new Date(Date.UTC(y, m - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) throw new TypeError(`${what} is not a calendar date: ${value}`);
  return value;
}

// ─── reply parsing ──────────────────────────────────────────────────────────────────────

function messages(node: XmlObject | undefined, list: string, item: string): AfipMessage[] {
  return children(child(node, list), item).map((m) => ({ code: num(text(m, 'Code')) ?? 0, msg: text(m, 'Msg') ?? '' }));
}

function num(value: string | undefined): number | null {
  if (value === undefined || !/^-?\d{1,15}$/.test(value.trim())) return null;
  return Number(value.trim());
}

function nullable(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : value;
}

/** AFIP writes a missing date as the text NULL. */
function nullDate(value: string | undefined): string | null {
  const v = nullable(value);
  return v === null || v.toUpperCase() === 'NULL' ? null : v;
}

function resultado(value: string | undefined): WsfeResultado {
  return value === 'A' || value === 'P' ? value : 'R';
}
