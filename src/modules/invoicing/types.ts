/**
 * The vocabulary of AFIP (ARCA) electronic invoicing as BarberPro uses it: WSFEv1's code
 * tables (../shared/ref/argentina.md, AFIP section) and the one document every later step —
 * CAE request, QR, PDF, storage — is built from. Amounts are integer centavos (ARS).
 */

/** A calendar day as WSFEv1 writes it: 'YYYYMMDD' (CbteFch, FchServDesde, CAEFchVto, …). */
export type AfipDate = string;

/** Integer centavos (ARS). A name only, so the unit travels with every amount. */
export type Centavos = number;

export type IssuerTaxCondition = 'monotributo' | 'responsable_inscripto' | 'exento';

/** The receiver's IVA condition, as the table behind CondicionIVAReceptorId (RG 5616/2024). */
export type ReceiverIvaCondition =
  | 'responsable_inscripto'
  | 'exento'
  | 'consumidor_final'
  | 'monotributo'
  | 'no_categorizado'
  | 'monotributista_social'
  | 'iva_no_alcanzado'
  | 'monotributo_trabajador_independiente_promovido';

export type CondicionIvaReceptorId = 1 | 4 | 5 | 6 | 7 | 13 | 15 | 16;

export const CONDICION_IVA_RECEPTOR_ID: Readonly<Record<ReceiverIvaCondition, CondicionIvaReceptorId>> = {
  responsable_inscripto: 1,
  exento: 4,
  consumidor_final: 5,
  monotributo: 6,
  no_categorizado: 7,
  monotributista_social: 13,
  iva_no_alcanzado: 15,
  monotributo_trabajador_independiente_promovido: 16,
};

/** Factura A, B, C. */
export type InvoiceType = 1 | 6 | 11;
/** Nota de crédito A, B, C. */
export type CreditNoteType = 3 | 8 | 13;
export type VoucherType = InvoiceType | CreditNoteType;
export type VoucherClass = 'A' | 'B' | 'C';

/** 80 CUIT, 86 CUIL, 96 DNI, 99 consumidor final without identification (DocNro 0). */
export type DocTipo = 80 | 86 | 96 | 99;

/** AFIP's IVA rate ids: 3 = 0 %, 4 = 10,5 %, 5 = 21 %, 6 = 27 %, 8 = 5 %, 9 = 2,5 %. */
export type IvaRateId = 3 | 4 | 5 | 6 | 8 | 9;

const CLASS_OF: Readonly<Record<VoucherType, VoucherClass>> = { 1: 'A', 3: 'A', 6: 'B', 8: 'B', 11: 'C', 13: 'C' };
const CREDIT_NOTE_OF: Readonly<Record<InvoiceType, CreditNoteType>> = { 1: 3, 6: 8, 11: 13 };

export function voucherClassOf(type: VoucherType): VoucherClass {
  const cls = CLASS_OF[type];
  if (!cls) throw new RangeError(`Not a voucher type BarberPro issues: ${String(type)}`);
  return cls;
}

/** A credit note must be of the same class as the invoice it corrects. */
export function creditNoteTypeFor(invoiceType: InvoiceType): CreditNoteType {
  const type = CREDIT_NOTE_OF[invoiceType];
  if (!type) throw new RangeError(`Not an invoice type: ${String(invoiceType)}`);
  return type;
}

export function isCreditNote(type: VoucherType): type is CreditNoteType {
  return type === 3 || type === 8 || type === 13;
}

/** Domain results that a caller shows to a person (reason in Spanish), as in bookings/policy.ts. */
export type Checked<T> = { ok: true; value: T } | { ok: false; code: string; reason: string };

export interface Issuer {
  taxCondition: IssuerTaxCondition;
  /** 11 digits, dashes allowed. */
  cuit: string;
  /** Razón social. */
  businessName: string;
  /** Domicilio comercial. */
  address: string;
  /** Ingresos Brutos registration as printed (a number, "Exento", "Conv. Multilateral 901-…"). */
  grossIncomeRegistration: string;
  /** Fecha de inicio de actividades. */
  activityStartDate: AfipDate;
}

/**
 * Who the voucher is for. An anonymous consumidor final is allowed only below the
 * identification threshold (see vouchers.ts).
 */
export type Receiver =
  | { kind: 'anonymous' }
  | { kind: 'dni'; dni: string; name: string; address?: string }
  | { kind: 'cuil'; cuil: string; name: string; address?: string }
  | { kind: 'cuit'; cuit: string; ivaCondition: ReceiverIvaCondition; name: string; address?: string };

export type LegendCode = 'transparencia_fiscal_27743' | 'credito_fiscal_monotributo_27618';

export interface Legend {
  code: LegendCode;
  /** Printed verbatim on the voucher. */
  text: string;
}

/** What chooseVoucher decides; the invoice type (a credit note uses creditNoteTypeFor). */
export interface VoucherChoice {
  cbteTipo: InvoiceType;
  voucherClass: VoucherClass;
  docTipo: DocTipo;
  /** 0 for DocTipo 99. Every CUIT, CUIL and DNI is far below 2^53. */
  docNro: number;
  condicionIvaReceptorId: CondicionIvaReceptorId;
  /** Factura A: net and IVA by rate are printed. */
  discriminatesIva: boolean;
  /** Factura B (Ley 27.743): the IVA contained in the total is printed. */
  showsIvaContained: boolean;
  legends: Legend[];
}

export interface AlicIva {
  id: IvaRateId;
  /** BaseImp: equals ImpNeto (one rate per voucher). */
  baseCents: Centavos;
  /** Importe: equals ImpIVA. */
  amountCents: Centavos;
}

/**
 * The amounts of FECAEDetRequest, in centavos. Always
 * ImpTotal = ImpTotConc + ImpNeto + ImpOpEx + ImpTrib + ImpIVA.
 */
export interface InvoiceFigures {
  voucherClass: VoucherClass;
  /** ImpTotal */
  totalCents: Centavos;
  /** ImpTotConc (not taxed): always 0 for a barbershop's services. */
  untaxedCents: Centavos;
  /** ImpNeto */
  netCents: Centavos;
  /** ImpOpEx (exempt operations): always 0 here; an exento issuer issues C, where AFIP wants it 0. */
  exemptCents: Centavos;
  /** ImpTrib (other taxes): none. */
  otherTaxesCents: Centavos;
  /** ImpIVA */
  ivaCents: Centavos;
  /** The Iva array: empty for class C, one rate for A and B. */
  iva: AlicIva[];
}

export interface InvoiceLine {
  description: string;
  /** Whole units. */
  quantity: number;
  /** The price the customer sees, IVA included. */
  unitPriceCents: Centavos;
}

export interface AssociatedVoucher {
  cbteTipo: InvoiceType;
  pointOfSale: number;
  number: number;
  issueDate: AfipDate;
}

/**
 * Everything the QR and the customer's PDF need about one authorised voucher (an invoice
 * or a credit note). Built after AFIP returned the CAE.
 */
export interface InvoiceDocument {
  cbteTipo: VoucherType;
  /** Receiver identification and legends, decided for the invoice (a credit note keeps its invoice's). */
  voucher: VoucherChoice;
  /** PtoVta, 1..99999. */
  pointOfSale: number;
  /** CbteNro, 1..99999999. */
  number: number;
  /** CbteFch */
  issueDate: AfipDate;
  issuer: Issuer;
  receiver: Receiver;
  /** FchServDesde / FchServHasta: the service day. BarberPro only invoices services (Concepto 2). */
  servicePeriod: { from: AfipDate; to: AfipDate };
  /** FchVtoPago */
  paymentDueDate: AfipDate;
  /** Condición de venta, printed as is ("Contado", "Tarjeta de crédito", "Mercado Pago"). */
  saleCondition: string;
  lines: InvoiceLine[];
  figures: InvoiceFigures;
  cae: { number: string; expiresOn: AfipDate };
  /** Required on a credit note: the invoice it credits (CbtesAsoc). */
  associated?: AssociatedVoucher;
}
