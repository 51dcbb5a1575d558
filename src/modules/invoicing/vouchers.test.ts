import { describe, expect, it } from 'vitest';
import { creditNoteFigures } from './figures.js';
import type { CondicionIvaReceptorId, InvoiceDocument, IssuerTaxCondition, Receiver, ReceiverIvaCondition } from './types.js';
import {
  authorisedDocument,
  chooseVoucher,
  creditNoteTypeFor,
  draftCreditNote,
  draftInvoice,
  formatVoucherNumber,
  IDENTIFICATION_THRESHOLD_CENTAVOS,
  invoiceDocumentProblems,
  isCreditNote,
  voucherClassOf,
  type InvoiceRequest,
} from './vouchers.js';

const TRANSPARENCIA = 'transparencia_fiscal_27743';
const MONOTRIBUTO_27618 = 'credito_fiscal_monotributo_27618';
const CUIT = '30-00000000-7';
const CUIT_NUMBER = 30000000007;

const person = { name: 'María Gómez' };
const byCuit = (ivaCondition: ReceiverIvaCondition): Receiver => ({ kind: 'cuit', cuit: CUIT, ivaCondition, name: 'Estudio Pérez S.A.' });

const receivers: [string, Receiver, number, number, CondicionIvaReceptorId][] = [
  ['anonymous consumidor final', { kind: 'anonymous' }, 99, 0, 5],
  ['DNI', { kind: 'dni', dni: '12.345.678', ...person }, 96, 12345678, 5],
  ['CUIL', { kind: 'cuil', cuil: '20-12345678-6', ...person }, 86, 20123456786, 5],
  ['CUIT responsable inscripto', byCuit('responsable_inscripto'), 80, CUIT_NUMBER, 1],
  ['CUIT exento', byCuit('exento'), 80, CUIT_NUMBER, 4],
  ['CUIT consumidor final', byCuit('consumidor_final'), 80, CUIT_NUMBER, 5],
  ['CUIT monotributo', byCuit('monotributo'), 80, CUIT_NUMBER, 6],
  ['CUIT no categorizado', byCuit('no_categorizado'), 80, CUIT_NUMBER, 7],
  ['CUIT monotributista social', byCuit('monotributista_social'), 80, CUIT_NUMBER, 13],
  ['CUIT IVA no alcanzado', byCuit('iva_no_alcanzado'), 80, CUIT_NUMBER, 15],
  ['CUIT monotributo trabajador independiente promovido', byCuit('monotributo_trabajador_independiente_promovido'), 80, CUIT_NUMBER, 16],
];

/** Expected (cbteTipo, legends) for a responsable inscripto, by receiver label: written out, not derived. */
const FROM_RESPONSABLE_INSCRIPTO: Record<string, [number, string[]]> = {
  'anonymous consumidor final': [6, [TRANSPARENCIA]],
  DNI: [6, [TRANSPARENCIA]],
  CUIL: [6, [TRANSPARENCIA]],
  'CUIT responsable inscripto': [1, []],
  'CUIT exento': [6, [TRANSPARENCIA]],
  'CUIT consumidor final': [6, [TRANSPARENCIA]],
  'CUIT monotributo': [1, [MONOTRIBUTO_27618]],
  'CUIT no categorizado': [6, [TRANSPARENCIA]],
  'CUIT monotributista social': [1, [MONOTRIBUTO_27618]],
  'CUIT IVA no alcanzado': [6, [TRANSPARENCIA]],
  'CUIT monotributo trabajador independiente promovido': [1, [MONOTRIBUTO_27618]],
};

const issuers: IssuerTaxCondition[] = ['monotributo', 'exento', 'responsable_inscripto'];
const cases = issuers.flatMap((issuer) => receivers.map(([label, receiver, docTipo, docNro, condition]) => [issuer, label, receiver, docTipo, docNro, condition] as const));

describe('chooseVoucher: every issuer × receiver', () => {
  it('covers 3 issuers × 11 receivers', () => expect(cases).toHaveLength(33));

  it.each(cases)('%s → %s', (issuer, label, receiver, docTipo, docNro, condition) => {
    const result = chooseVoucher({ taxCondition: issuer }, receiver, 1_500_050);
    if (!result.ok) throw new Error(result.reason);
    const [cbteTipo, legends] = issuer === 'responsable_inscripto' ? FROM_RESPONSABLE_INSCRIPTO[label]! : [11, []];
    const v = result.value;
    expect(v.cbteTipo).toBe(cbteTipo);
    expect(v.voucherClass).toBe({ 1: 'A', 6: 'B', 11: 'C' }[cbteTipo]);
    expect(v.docTipo).toBe(docTipo);
    expect(v.docNro).toBe(docNro);
    expect(v.condicionIvaReceptorId).toBe(condition);
    expect(v.legends.map((l) => l.code)).toEqual(legends);
    expect(v.discriminatesIva).toBe(cbteTipo === 1);
    expect(v.showsIvaContained).toBe(cbteTipo === 6);
  });

  it('prints the Ley 27.743 legend verbatim on B', () => {
    const result = chooseVoucher({ taxCondition: 'responsable_inscripto' }, { kind: 'anonymous' }, 100);
    expect(result.ok && result.value.legends[0]!.text).toBe('Régimen de Transparencia Fiscal al Consumidor Ley 27.743');
  });

  it.each(issuers)('%s: a document AFIP would reject is refused, never downgraded to another class', (issuer) => {
    const bad: Receiver[] = [
      { kind: 'dni', dni: '123456', ...person },
      { kind: 'dni', dni: '123456789', ...person },
      { kind: 'dni', dni: '12a45678', ...person },
      { kind: 'cuil', cuil: '20-12345678-7', ...person },
      { kind: 'cuit', cuit: '20-12345678-7', ivaCondition: 'responsable_inscripto', name: 'X' },
      { kind: 'cuit', cuit: '99-12345678-6', ivaCondition: 'consumidor_final', name: 'X' },
    ];
    for (const receiver of bad) expect(chooseVoucher({ taxCondition: issuer }, receiver, 1000)).toMatchObject({ ok: false, code: 'invalid_receiver_document' });
  });

  it('refuses totals that are not positive whole centavos', () => {
    for (const total of [0, -1, 1.5, Number.NaN]) expect(() => chooseVoucher({ taxCondition: 'monotributo' }, { kind: 'anonymous' }, total)).toThrow(RangeError);
  });
});

describe('identification threshold (RG 5700/2025)', () => {
  it('is ARS 10,000,000.00', () => expect(IDENTIFICATION_THRESHOLD_CENTAVOS).toBe(1_000_000_000));

  it.each(issuers)('%s: anonymous up to 9,999,999.99; identified from 10,000,000.00', (issuer) => {
    expect(chooseVoucher({ taxCondition: issuer }, { kind: 'anonymous' }, 999_999_999).ok).toBe(true);
    for (const total of [1_000_000_000, 1_000_000_001, 50_000_000_000])
      expect(chooseVoucher({ taxCondition: issuer }, { kind: 'anonymous' }, total)).toMatchObject({ ok: false, code: 'receiver_identification_required' });
    for (const [, receiver] of receivers.filter(([, r]) => r.kind !== 'anonymous')) expect(chooseVoucher({ taxCondition: issuer }, receiver, 1_000_000_000).ok).toBe(true);
  });
});

describe('voucher types', () => {
  it('pairs each invoice with the credit note of its class', () => {
    expect([creditNoteTypeFor(1), creditNoteTypeFor(6), creditNoteTypeFor(11)]).toEqual([3, 8, 13]);
    expect(() => creditNoteTypeFor(3 as never)).toThrow(RangeError);
  });
  it('knows the class and kind of all six', () => {
    expect([1, 3, 6, 8, 11, 13].map((t) => voucherClassOf(t as never))).toEqual(['A', 'A', 'B', 'B', 'C', 'C']);
    expect([1, 3, 6, 8, 11, 13].map((t) => isCreditNote(t as never))).toEqual([false, true, false, true, false, true]);
    expect(() => voucherClassOf(2 as never)).toThrow(RangeError);
  });
  it('formats point of sale and number', () => {
    expect(formatVoucherNumber(1, 23)).toBe('00001-00000023');
    expect(formatVoucherNumber(99_999, 99_999_999)).toBe('99999-99999999');
  });
});

const issuer = {
  taxCondition: 'responsable_inscripto' as const,
  cuit: '30-00000000-7',
  businessName: 'Barbería Don Julio S.R.L.',
  address: 'Av. Santa Fe 1234, CABA',
  grossIncomeRegistration: '901-123456-7',
  activityStartDate: '20150301',
};

const request: InvoiceRequest = {
  issuer,
  receiver: { kind: 'anonymous' },
  lines: [
    { description: 'Corte de pelo', quantity: 1, unitPriceCents: 1_000_050 },
    { description: 'Arreglo de barba', quantity: 2, unitPriceCents: 250_000 },
  ],
  pointOfSale: 3,
  serviceAt: new Date('2026-12-02T10:00:00-03:00'),
  // 23:30 in Buenos Aires is already the 3rd in UTC: the voucher must say the 2nd.
  issuedAt: new Date('2026-12-02T23:30:00-03:00'),
  paidAt: new Date('2026-11-28T12:00:00-03:00'),
};
const authorisation = { number: 23, cae: '74123456789012', caeExpiresOn: '20261212' };

function invoice(over: Partial<InvoiceRequest> = {}): InvoiceDocument {
  const draft = draftInvoice({ ...request, ...over });
  if (!draft.ok) throw new Error(draft.reason);
  return authorisedDocument(draft.value, authorisation);
}

describe('draftInvoice and authorisedDocument', () => {
  it('composes voucher, figures and Argentine dates', () => {
    const doc = invoice();
    expect(doc).toMatchObject({
      cbteTipo: 6,
      pointOfSale: 3,
      number: 23,
      issueDate: '20261202',
      servicePeriod: { from: '20261202', to: '20261202' },
      // Paid before the issue day: due date is the issue day, which WSFEv1 accepts.
      paymentDueDate: '20261202',
      saleCondition: 'Contado',
      figures: { voucherClass: 'B', totalCents: 1_500_050, netCents: 1_239_711, ivaCents: 260_339 },
      cae: { number: '74123456789012', expiresOn: '20261212' },
    });
    expect(invoiceDocumentProblems(doc)).toEqual([]);
  });

  it('passes on the voucher rules and the issue window', () => {
    expect(draftInvoice({ ...request, lines: [{ description: 'Combo', quantity: 1, unitPriceCents: 1_000_000_000 }] })).toMatchObject({
      ok: false,
      code: 'receiver_identification_required',
    });
    expect(draftInvoice({ ...request, issuedAt: new Date('2026-12-08T10:00:00-03:00') })).toMatchObject({ ok: false, code: 'issue_date_out_of_window' });
  });

  it('refuses lines that are not whole units and centavos', () => {
    expect(() => draftInvoice({ ...request, lines: [] })).toThrow(RangeError);
    expect(() => draftInvoice({ ...request, lines: [{ description: 'x', quantity: 0.5, unitPriceCents: 100 }] })).toThrow(RangeError);
    expect(() => draftInvoice({ ...request, lines: [{ description: 'x', quantity: 1, unitPriceCents: 1.5 }] })).toThrow(RangeError);
  });

  it('finds every inconsistency in a tampered document', () => {
    const doc = invoice();
    const problems = (over: Partial<InvoiceDocument>) => invoiceDocumentProblems({ ...doc, ...over });
    expect(problems({ cbteTipo: 1 })).toContain('cbteTipo 1 does not match the chosen voucher 6');
    expect(problems({ cae: { number: '7412345678901', expiresOn: '20261212' } })).toContain('CAE must be 14 digits');
    expect(problems({ number: 0 })).toContain('number must be 1..99999999');
    expect(problems({ pointOfSale: 100_000 })).toContain('point of sale must be 1..99999');
    expect(problems({ lines: [{ description: 'Corte', quantity: 1, unitPriceCents: 100 }] })).toContain('lines add up to 100, not the total 1500050');
    expect(problems({ lines: [] })).toContain('a voucher needs at least one line');
    expect(problems({ issueDate: '20261302' })).toContain('issueDate is not a YYYYMMDD date');
    expect(problems({ paymentDueDate: '20261201' })).toContain('payment due date before the issue date');
    expect(problems({ servicePeriod: { from: '20261203', to: '20261202' } })).toContain('service period ends before it starts');
    expect(problems({ receiver: { kind: 'dni', dni: '12345678', name: 'X' } })).toContain('receiver does not match the voucher identification');
    expect(problems({ figures: { ...doc.figures, ivaCents: 1 } })).toContain('ImpTotal ≠ ImpTotConc + ImpNeto + ImpOpEx + ImpTrib + ImpIVA');
    expect(problems({ cbteTipo: 8 })).toContain('a credit note needs its associated invoice');
    expect(problems({ associated: { cbteTipo: 6, pointOfSale: 1, number: 1, issueDate: '20261201' } })).toContain('an invoice has no associated voucher');
    expect(problems({ issuer: { ...issuer, cuit: '30-00000000-8' } })).toContain('issuer CUIT is invalid');
    expect(() => authorisedDocument({ ...doc, lines: [] }, authorisation)).toThrow(/at least one line/);
  });
});

describe('draftCreditNote', () => {
  it('credits part, then the rest, of an invoice with the matching class and the invoice associated', () => {
    const inv = invoice();
    const first = draftCreditNote(inv, { refundCents: 500_000, issuedAt: new Date('2026-12-20T09:00:00-03:00') });
    if (!first.ok) throw new Error(first.reason);
    const nc1 = authorisedDocument(first.value, { number: 4, cae: '74123456789013', caeExpiresOn: '20261230' });
    expect(nc1).toMatchObject({
      cbteTipo: 8,
      issueDate: '20261220',
      paymentDueDate: '20261220',
      servicePeriod: inv.servicePeriod,
      associated: { cbteTipo: 6, pointOfSale: 3, number: 23, issueDate: '20261202' },
      lines: [{ description: 'Devolución parcial de la factura Nº 00003-00000023 del 02/12/2026', quantity: 1, unitPriceCents: 500_000 }],
    });
    const rest = draftCreditNote(inv, { refundCents: 1_000_050, previousCreditNotes: [nc1.figures], issuedAt: new Date('2026-12-21T09:00:00-03:00') });
    if (!rest.ok) throw new Error(rest.reason);
    expect(rest.value.figures.netCents + nc1.figures.netCents).toBe(inv.figures.netCents);
    expect(rest.value.figures.ivaCents + nc1.figures.ivaCents).toBe(inv.figures.ivaCents);
    expect(draftCreditNote(inv, { refundCents: 1, previousCreditNotes: [nc1.figures, rest.value.figures], issuedAt: new Date('2026-12-22T09:00:00-03:00') })).toMatchObject({
      ok: false,
      code: 'refund_exceeds_remaining',
    });
  });

  it('names a full refund an anulación and keeps class C for a monotributista', () => {
    const inv = invoice({ issuer: { ...issuer, taxCondition: 'monotributo' } });
    const note = draftCreditNote(inv, { refundCents: inv.figures.totalCents, issuedAt: request.issuedAt });
    expect(note).toMatchObject({ ok: true, value: { cbteTipo: 13, figures: { voucherClass: 'C', ivaCents: 0, iva: [] } } });
    expect(note.ok && note.value.lines[0]!.description).toBe('Anulación de la factura Nº 00003-00000023 del 02/12/2026');
  });

  it('refuses to credit a credit note or to predate the invoice', () => {
    const inv = invoice();
    const draft = draftCreditNote(inv, { refundCents: 100, issuedAt: request.issuedAt });
    if (!draft.ok) throw new Error(draft.reason);
    const nc = authorisedDocument(draft.value, authorisation);
    expect(() => draftCreditNote(nc, { refundCents: 1, issuedAt: request.issuedAt })).toThrow(RangeError);
    expect(() => draftCreditNote(inv, { refundCents: 1, issuedAt: new Date('2026-12-01T12:00:00-03:00') })).toThrow(RangeError);
    expect(creditNoteFigures(inv.figures, 100).ok).toBe(true);
  });
});
