import { isValidCuit, normalizeCuit } from '../catalog/cuit.js';
import { centavosToAmount } from '../payments/mercadopago/money.js';
import { afipDateToIso } from './dates.js';
import type { DocTipo, InvoiceDocument, VoucherType } from './types.js';

/**
 * The QR every electronic voucher carries (argentina.md, AFIP section): a link to AFIP's
 * verifier whose `p` parameter is base64 of a small JSON document with the voucher's key
 * figures. Pure: the PNG is drawn in pdf.ts.
 */
export const AFIP_QR_URL_PREFIX = 'https://www.afip.gob.ar/fe/qr/?p=';

export interface AfipQrPayload {
  ver: 1;
  /** YYYY-MM-DD */
  fecha: string;
  cuit: number;
  ptoVta: number;
  tipoCmp: VoucherType;
  nroCmp: number;
  /** Pesos: exactly the voucher's centavos / 100 when read as decimal text. */
  importe: number;
  moneda: 'PES';
  ctz: 1;
  tipoDocRec: DocTipo;
  nroDocRec: number;
  tipoCodAut: 'E';
  /** The CAE. */
  codAut: number;
}

const CAE = /^\d{14}$/;

export function qrPayload(doc: InvoiceDocument): AfipQrPayload {
  if (!isValidCuit(doc.issuer.cuit)) throw new RangeError('issuer CUIT is invalid');
  if (!CAE.test(doc.cae.number)) throw new RangeError('CAE must be 14 digits');
  const codAut = Number(doc.cae.number);
  // 14 digits stay below 2^53, so the JSON number is the CAE itself, not a neighbour of it.
  if (!Number.isSafeInteger(codAut)) throw new RangeError('CAE does not fit a JSON number exactly');
  return {
    ver: 1,
    fecha: afipDateToIso(doc.issueDate),
    cuit: Number(normalizeCuit(doc.issuer.cuit)),
    ptoVta: doc.pointOfSale,
    tipoCmp: doc.cbteTipo,
    nroCmp: doc.number,
    // Built from the decimal text of the centavos (money.ts), so JSON prints e.g. 1234.5 for 123450.
    importe: centavosToAmount(doc.figures.totalCents),
    moneda: 'PES',
    ctz: 1,
    tipoDocRec: doc.voucher.docTipo,
    nroDocRec: doc.voucher.docNro,
    tipoCodAut: 'E',
    codAut,
  };
}

/** The payload's JSON, keys in the order of AFIP's specification. */
export function qrPayloadJson(payload: AfipQrPayload): string {
  const { ver, fecha, cuit, ptoVta, tipoCmp, nroCmp, importe, moneda, ctz, tipoDocRec, nroDocRec, tipoCodAut, codAut } = payload;
  return JSON.stringify({ ver, fecha, cuit, ptoVta, tipoCmp, nroCmp, importe, moneda, ctz, tipoDocRec, nroDocRec, tipoCodAut, codAut });
}

export function qrUrlForPayload(payload: AfipQrPayload): string {
  return AFIP_QR_URL_PREFIX + Buffer.from(qrPayloadJson(payload), 'utf8').toString('base64');
}

export function qrUrl(doc: InvoiceDocument): string {
  return qrUrlForPayload(qrPayload(doc));
}

const DOC_TIPOS: ReadonlySet<number> = new Set([80, 86, 96, 99]);
const VOUCHER_TYPES: ReadonlySet<number> = new Set([1, 3, 6, 8, 11, 13]);
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Reads a voucher QR link back; refuses anything that is not one of ours in shape. */
export function decodeQrUrl(url: string): AfipQrPayload {
  if (!url.startsWith(AFIP_QR_URL_PREFIX)) throw new RangeError('not an AFIP voucher QR link');
  let encoded = url.slice(AFIP_QR_URL_PREFIX.length);
  // A link that went through a URL encoder still decodes ('=' padding becomes %3D).
  if (encoded.includes('%')) encoded = decodeURIComponent(encoded);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw new RangeError('the p parameter is not base64');
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch {
    throw new RangeError('the p parameter is not base64 JSON');
  }
  if (typeof data !== 'object' || data === null) throw new RangeError('the QR payload is not an object');
  const p = data as Record<string, unknown>;
  const int = (key: string) => {
    const v = p[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new RangeError(`QR field ${key} must be a non-negative integer`);
    return v;
  };
  if (p.ver !== 1) throw new RangeError('unsupported QR version');
  if (typeof p.fecha !== 'string' || !ISO_DAY.test(p.fecha)) throw new RangeError('QR fecha must be YYYY-MM-DD');
  if (p.moneda !== 'PES' || p.ctz !== 1 || p.tipoCodAut !== 'E') throw new RangeError('QR is not a peso voucher with a CAE');
  if (typeof p.importe !== 'number' || !Number.isFinite(p.importe) || p.importe < 0) throw new RangeError('QR importe must be a non-negative number');
  const tipoCmp = int('tipoCmp');
  const tipoDocRec = int('tipoDocRec');
  if (!VOUCHER_TYPES.has(tipoCmp)) throw new RangeError(`QR tipoCmp ${tipoCmp} is not a voucher type we issue`);
  if (!DOC_TIPOS.has(tipoDocRec)) throw new RangeError(`QR tipoDocRec ${tipoDocRec} is unknown`);
  return {
    ver: 1,
    fecha: p.fecha,
    cuit: int('cuit'),
    ptoVta: int('ptoVta'),
    tipoCmp: tipoCmp as VoucherType,
    nroCmp: int('nroCmp'),
    importe: p.importe,
    moneda: 'PES',
    ctz: 1,
    tipoDocRec: tipoDocRec as DocTipo,
    nroDocRec: int('nroDocRec'),
    tipoCodAut: 'E',
    codAut: int('codAut'),
  };
}
