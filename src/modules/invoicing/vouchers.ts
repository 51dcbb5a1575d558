import { isValidCuit, normalizeCuit } from '../catalog/cuit.js';
import { afipDate, formatAfipDate, isAfipDate, serviceVoucherDates } from './dates.js';
import { creditNoteFigures, figuresProblems, invoiceFigures } from './figures.js';
import {
  CONDICION_IVA_RECEPTOR_ID,
  creditNoteTypeFor,
  isCreditNote,
  voucherClassOf,
  type Centavos,
  type Checked,
  type InvoiceDocument,
  type InvoiceFigures,
  type InvoiceLine,
  type Issuer,
  type IvaRateId,
  type Legend,
  type Receiver,
  type ReceiverIvaCondition,
  type VoucherChoice,
} from './types.js';

export { creditNoteTypeFor, isCreditNote, voucherClassOf };

/**
 * Which voucher a shop issues to whom, as pure rules over the issuer's and the receiver's
 * tax conditions (argentina.md, AFIP section):
 *
 *   issuer \ receiver       anonymous · DNI · CUIL    CUIT: RI · monotributo family    CUIT: any other condition
 *   monotributo             C (11)                    C (11)                           C (11)
 *   exento                  C (11)                    C (11)                           C (11)
 *   responsable inscripto   B (6)                     A (1)                            B (6)
 */

/** RG 5700/2025: at or above ARS 10,000,000 the buyer must be identified. */
export const IDENTIFICATION_THRESHOLD_CENTAVOS: Centavos = 10_000_000_00;

export const LEGENDS = {
  transparencia_fiscal_27743: { code: 'transparencia_fiscal_27743', text: 'Régimen de Transparencia Fiscal al Consumidor Ley 27.743' },
  // Wording as RG 5003/2021 prescribes it, from memory of the regulation; argentina.md does not carry it.
  credito_fiscal_monotributo_27618: {
    code: 'credito_fiscal_monotributo_27618',
    text: 'El crédito fiscal discriminado en el presente comprobante, sólo podrá ser computado a efectos del Régimen de Sostenimiento e Inclusión Fiscal para Pequeños Contribuyentes de la Ley Nº 27.618',
  },
} as const satisfies Record<string, Legend>;

/**
 * Receiver conditions that take a class A voucher from a responsable inscripto. Since Ley
 * 27.618 (RG 5003/2021, April 2021) a responsable inscripto invoices monotributistas with A,
 * not B, and AFIP's CondicionIvaReceptor table lists 1, 6, 13 and 16 as the class "A/M/C"
 * conditions while 4, 5, 7 and 15 are "B/C": a B to a monotributista would be rejected
 * (10242). argentina.md only states the RI → A case; the monotributo rows rest on RG 5003 and
 * FEParamGetCondicionIvaReceptor as recalled, so confirm against homologation.
 */
const CLASS_A_CONDITIONS: ReadonlySet<ReceiverIvaCondition> = new Set([
  'responsable_inscripto',
  'monotributo',
  'monotributista_social',
  'monotributo_trabajador_independiente_promovido',
]);
const MONOTRIBUTO_FAMILY: ReadonlySet<ReceiverIvaCondition> = new Set(['monotributo', 'monotributista_social', 'monotributo_trabajador_independiente_promovido']);

const DNI = /^\d{7,8}$/;

function fail<T>(code: string, reason: string): Checked<T> {
  return { ok: false, code, reason };
}

type Identification = Pick<VoucherChoice, 'docTipo' | 'docNro' | 'condicionIvaReceptorId'> & { ivaCondition: ReceiverIvaCondition | null };

/** DocTipo, DocNro and CondicionIVAReceptorId for the receiver, refusing a document AFIP would reject. */
export function identifyReceiver(receiver: Receiver): Checked<Identification> {
  switch (receiver.kind) {
    case 'anonymous':
      return { ok: true, value: { docTipo: 99, docNro: 0, condicionIvaReceptorId: 5, ivaCondition: null } };
    case 'dni': {
      const dni = receiver.dni.replace(/[\s.]/g, '');
      if (!DNI.test(dni)) return fail('invalid_receiver_document', 'El DNI debe tener 7 u 8 dígitos.');
      return { ok: true, value: { docTipo: 96, docNro: Number(dni), condicionIvaReceptorId: 5, ivaCondition: 'consumidor_final' } };
    }
    case 'cuil': {
      if (!isValidCuit(receiver.cuil)) return fail('invalid_receiver_document', 'El CUIL no es válido.');
      return { ok: true, value: { docTipo: 86, docNro: Number(normalizeCuit(receiver.cuil)), condicionIvaReceptorId: 5, ivaCondition: 'consumidor_final' } };
    }
    case 'cuit': {
      // An invalid CUIT cannot become a B "instead": DocTipo 80 with a wrong check digit is rejected whatever the class.
      if (!isValidCuit(receiver.cuit)) return fail('invalid_receiver_document', 'El CUIT no es válido.');
      return {
        ok: true,
        value: {
          docTipo: 80,
          docNro: Number(normalizeCuit(receiver.cuit)),
          condicionIvaReceptorId: CONDICION_IVA_RECEPTOR_ID[receiver.ivaCondition],
          ivaCondition: receiver.ivaCondition,
        },
      };
    }
  }
}

/** Whether a voucher of this total may go to this receiver without identifying them. */
export function identificationRequired(totalCents: Centavos): boolean {
  return totalCents >= IDENTIFICATION_THRESHOLD_CENTAVOS;
}

export function chooseVoucher(issuer: Pick<Issuer, 'taxCondition'>, receiver: Receiver, totalCents: Centavos): Checked<VoucherChoice> {
  if (!Number.isSafeInteger(totalCents) || totalCents <= 0) throw new RangeError('total must be positive whole centavos');
  if (receiver.kind === 'anonymous' && identificationRequired(totalCents))
    return fail('receiver_identification_required', 'Desde $ 10.000.000 la factura debe identificar al cliente (DNI, CUIL o CUIT).');
  const id = identifyReceiver(receiver);
  if (!id.ok) return id;
  const { ivaCondition, ...identification } = id.value;

  switch (issuer.taxCondition) {
    // RG 1415 gives IVA-exempt issuers class C, as monotributistas; argentina.md only covers
    // the monotributo case, so the exento row is unverified there.
    case 'monotributo':
    case 'exento':
      return { ok: true, value: { cbteTipo: 11, voucherClass: 'C', ...identification, discriminatesIva: false, showsIvaContained: false, legends: [] } };
    case 'responsable_inscripto': {
      if (ivaCondition !== null && receiver.kind === 'cuit' && CLASS_A_CONDITIONS.has(ivaCondition)) {
        const legends: Legend[] = MONOTRIBUTO_FAMILY.has(ivaCondition) ? [LEGENDS.credito_fiscal_monotributo_27618] : [];
        return { ok: true, value: { cbteTipo: 1, voucherClass: 'A', ...identification, discriminatesIva: true, showsIvaContained: false, legends } };
      }
      return {
        ok: true,
        value: { cbteTipo: 6, voucherClass: 'B', ...identification, discriminatesIva: false, showsIvaContained: true, legends: [LEGENDS.transparencia_fiscal_27743] },
      };
    }
  }
}

const CAE = /^\d{14}$/;

/** 1, 23 → "00001-00000023", as point of sale and number are printed. */
export function formatVoucherNumber(pointOfSale: number, number: number): string {
  return `${String(pointOfSale).padStart(5, '0')}-${String(number).padStart(8, '0')}`;
}

/**
 * Everything that would make a document unprintable or disagree with what AFIP authorised;
 * empty when it is consistent. Messages are for developers.
 */
export function invoiceDocumentProblems(doc: InvoiceDocument): string[] {
  const problems: string[] = [];
  const v = doc.voucher;
  const creditNote = isCreditNote(doc.cbteTipo);
  const expectedType = creditNote ? creditNoteTypeFor(v.cbteTipo) : v.cbteTipo;
  if (doc.cbteTipo !== expectedType) problems.push(`cbteTipo ${doc.cbteTipo} does not match the chosen voucher ${v.cbteTipo}`);
  if (voucherClassOf(v.cbteTipo) !== v.voucherClass) problems.push('voucher class does not match its type');
  if (doc.figures.voucherClass !== voucherClassOf(doc.cbteTipo)) problems.push('figures are for another voucher class');
  problems.push(...figuresProblems(doc.figures));

  if (!Number.isInteger(doc.pointOfSale) || doc.pointOfSale < 1 || doc.pointOfSale > 99_999) problems.push('point of sale must be 1..99999');
  if (!Number.isInteger(doc.number) || doc.number < 1 || doc.number > 99_999_999) problems.push('number must be 1..99999999');
  if (!CAE.test(doc.cae.number)) problems.push('CAE must be 14 digits');

  const dates: [string, string][] = [
    ['issueDate', doc.issueDate],
    ['servicePeriod.from', doc.servicePeriod.from],
    ['servicePeriod.to', doc.servicePeriod.to],
    ['paymentDueDate', doc.paymentDueDate],
    ['cae.expiresOn', doc.cae.expiresOn],
    ['issuer.activityStartDate', doc.issuer.activityStartDate],
  ];
  for (const [name, value] of dates) if (!isAfipDate(value)) problems.push(`${name} is not a YYYYMMDD date`);
  // AfipDate strings compare like the days they name.
  if (doc.servicePeriod.from > doc.servicePeriod.to) problems.push('service period ends before it starts');
  if (doc.paymentDueDate < doc.issueDate) problems.push('payment due date before the issue date');

  if (!isValidCuit(doc.issuer.cuit)) problems.push('issuer CUIT is invalid');
  const id = identifyReceiver(doc.receiver);
  if (!id.ok) problems.push(`receiver: ${id.code}`);
  else if (id.value.docTipo !== v.docTipo || id.value.docNro !== v.docNro || id.value.condicionIvaReceptorId !== v.condicionIvaReceptorId)
    problems.push('receiver does not match the voucher identification');
  if (doc.receiver.kind === 'anonymous' && identificationRequired(doc.figures.totalCents)) problems.push('receiver must be identified at this total');

  if (doc.lines.length === 0) problems.push('a voucher needs at least one line');
  let linesTotal = 0;
  for (const line of doc.lines) {
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 1) problems.push(`line "${line.description}": quantity must be a positive integer`);
    if (!Number.isSafeInteger(line.unitPriceCents) || line.unitPriceCents < 0) problems.push(`line "${line.description}": price must be whole centavos`);
    linesTotal += line.quantity * line.unitPriceCents;
  }
  if (linesTotal !== doc.figures.totalCents) problems.push(`lines add up to ${linesTotal}, not the total ${doc.figures.totalCents}`);

  if (creditNote) {
    if (!doc.associated) problems.push('a credit note needs its associated invoice');
    else if (doc.associated.cbteTipo !== v.cbteTipo) problems.push('a credit note must credit an invoice of its own class');
  } else if (doc.associated) problems.push('an invoice has no associated voucher');
  return problems;
}

/** A voucher ready to be sent for a CAE: everything but the number AFIP assigns and the CAE. */
export type InvoiceDraft = Omit<InvoiceDocument, 'number' | 'cae'>;

export interface InvoiceRequest {
  issuer: Issuer;
  receiver: Receiver;
  /** Prices IVA included; they add up to the voucher's total. */
  lines: InvoiceLine[];
  ivaRateId?: IvaRateId;
  pointOfSale: number;
  serviceAt: Date;
  issuedAt: Date;
  paidAt?: Date | null;
  saleCondition?: string;
}

function linesTotal(lines: readonly InvoiceLine[]): Centavos {
  if (lines.length === 0) throw new RangeError('a voucher needs at least one line');
  let total = 0;
  for (const l of lines) {
    if (!Number.isSafeInteger(l.quantity) || l.quantity < 1) throw new RangeError('quantities are positive whole numbers');
    if (!Number.isSafeInteger(l.unitPriceCents) || l.unitPriceCents < 0) throw new RangeError('prices are whole centavos');
    total += l.quantity * l.unitPriceCents;
  }
  if (!Number.isSafeInteger(total)) throw new RangeError('total too large');
  return total;
}

/** The invoice for a service: voucher, figures and dates composed from the rules above. */
export function draftInvoice(req: InvoiceRequest): Checked<InvoiceDraft> {
  const total = linesTotal(req.lines);
  const voucher = chooseVoucher(req.issuer, req.receiver, total);
  if (!voucher.ok) return voucher;
  const dates = serviceVoucherDates({ serviceAt: req.serviceAt, issuedAt: req.issuedAt, paidAt: req.paidAt ?? null });
  if (!dates.ok) return dates;
  const d = dates.value;
  return {
    ok: true,
    value: {
      cbteTipo: voucher.value.cbteTipo,
      voucher: voucher.value,
      pointOfSale: req.pointOfSale,
      issueDate: d.cbteFch,
      issuer: req.issuer,
      receiver: req.receiver,
      servicePeriod: { from: d.fchServDesde, to: d.fchServHasta },
      paymentDueDate: d.fchVtoPago,
      saleCondition: req.saleCondition ?? 'Contado',
      lines: req.lines,
      figures: invoiceFigures({ voucherType: voucher.value.cbteTipo, totalCents: total, ivaRateId: req.ivaRateId }),
    },
  };
}

export interface CreditNoteRequest {
  refundCents: Centavos;
  /** Figures of the credit notes already issued against this invoice. */
  previousCreditNotes?: readonly InvoiceFigures[];
  issuedAt: Date;
  pointOfSale?: number;
  /** Printed as the single line; defaults to naming the invoice. */
  description?: string;
}

/**
 * A credit note for (part of) an authorised invoice: same class, receiver and service
 * period, its own issue day (a refund may come long after the service, so the service-day
 * window does not apply), payment due that same day.
 */
export function draftCreditNote(invoice: InvoiceDocument, req: CreditNoteRequest): Checked<InvoiceDraft> {
  if (isCreditNote(invoice.cbteTipo)) throw new RangeError('only an invoice can be credited');
  const figures = creditNoteFigures(invoice.figures, req.refundCents, req.previousCreditNotes ?? []);
  if (!figures.ok) return figures;
  const issueDate = afipDate(req.issuedAt);
  if (issueDate < invoice.issueDate) throw new RangeError('a credit note cannot predate its invoice');
  const invoiceType = invoice.voucher.cbteTipo;
  const number = formatVoucherNumber(invoice.pointOfSale, invoice.number);
  const full = figures.value.totalCents === invoice.figures.totalCents;
  const description = req.description ?? `${full ? 'Anulación' : 'Devolución parcial'} de la factura Nº ${number} del ${formatAfipDate(invoice.issueDate)}`;
  return {
    ok: true,
    value: {
      cbteTipo: creditNoteTypeFor(invoiceType),
      voucher: invoice.voucher,
      pointOfSale: req.pointOfSale ?? invoice.pointOfSale,
      issueDate,
      issuer: invoice.issuer,
      receiver: invoice.receiver,
      servicePeriod: invoice.servicePeriod,
      paymentDueDate: issueDate,
      saleCondition: invoice.saleCondition,
      lines: [{ description, quantity: 1, unitPriceCents: figures.value.totalCents }],
      figures: figures.value,
      associated: { cbteTipo: invoiceType, pointOfSale: invoice.pointOfSale, number: invoice.number, issueDate: invoice.issueDate },
    },
  };
}

/** The document once AFIP authorised the draft under `number` with `cae`. */
export function authorisedDocument(draft: InvoiceDraft, authorisation: { number: number; cae: string; caeExpiresOn: string }): InvoiceDocument {
  const doc: InvoiceDocument = { ...draft, number: authorisation.number, cae: { number: authorisation.cae, expiresOn: authorisation.caeExpiresOn } };
  const problems = invoiceDocumentProblems(doc);
  if (problems.length > 0) throw new RangeError(`Inconsistent invoice document: ${problems.join('; ')}`);
  return doc;
}
