import { describe, expect, it } from 'vitest';
import { defaultQrPng, formatDni, receiverDocumentLine, renderInvoicePdf, voucherCode } from './pdf.js';
import { decodeQrUrl, qrUrl } from './qr.js';
import type { InvoiceDocument, Issuer, Receiver } from './types.js';
import { authorisedDocument, draftCreditNote, draftInvoice, type InvoiceRequest } from './vouchers.js';

const NBSP = '\u00a0';

/**
 * The text of an uncompressed pdfkit file: each TJ array's strings joined (pdfkit writes the
 * standard fonts' WinAnsi codes as hex; for the characters used here WinAnsi is Latin-1).
 */
function pdfTexts(pdf: Buffer): string[] {
  const source = pdf.toString('latin1');
  return [...source.matchAll(/\[((?:<[0-9a-fA-F]*>|[-\d.\s])*)\]\s*TJ/g)].map((m) =>
    [...m[1]!.matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => Buffer.from(h[1]!, 'hex').toString('latin1')).join(''),
  );
}

/** "Label: value" as drawn: the label and then its value. */
function pairs(texts: string[]): string {
  return texts.join('|');
}

const issuer: Issuer = {
  taxCondition: 'responsable_inscripto',
  cuit: '30000000007',
  businessName: 'Barbería Don Julio S.R.L.',
  address: 'Av. Santa Fe 1234, CABA',
  grossIncomeRegistration: '901-123456-7',
  activityStartDate: '20150301',
};

const base: InvoiceRequest = {
  issuer,
  receiver: { kind: 'anonymous' },
  lines: [
    { description: 'Corte de pelo', quantity: 1, unitPriceCents: 1_000_050 },
    { description: 'Arreglo de barba', quantity: 2, unitPriceCents: 250_000 },
  ],
  pointOfSale: 1,
  serviceAt: new Date('2026-12-02T10:00:00-03:00'),
  issuedAt: new Date('2026-12-02T20:00:00-03:00'),
  paidAt: new Date('2026-12-03T09:00:00-03:00'),
  saleCondition: 'Mercado Pago',
};

function invoice(over: Partial<InvoiceRequest> = {}): InvoiceDocument {
  const draft = draftInvoice({ ...base, ...over });
  if (!draft.ok) throw new Error(draft.reason);
  return authorisedDocument(draft.value, { number: 23, cae: '74123456789012', caeExpiresOn: '20261212' });
}

async function render(doc: InvoiceDocument): Promise<{ pdf: Buffer; texts: string[]; joined: string; qrUrls: string[] }> {
  const qrUrls: string[] = [];
  const pdf = await renderInvoicePdf(doc, {
    compress: false,
    qrPng: (url) => {
      qrUrls.push(url);
      return defaultQrPng(url);
    },
  });
  const texts = pdfTexts(pdf);
  return { pdf, texts, joined: pairs(texts), qrUrls };
}

/** What every voucher shows, whatever its class. */
function expectCommonFields(joined: string, doc: InvoiceDocument): void {
  for (const part of [
    'ORIGINAL',
    'Barbería Don Julio S.R.L.',
    'Razón social: |Barbería Don Julio S.R.L.',
    'Domicilio comercial: |Av. Santa Fe 1234, CABA',
    'CUIT: |30-00000000-7',
    'Ingresos Brutos: |901-123456-7',
    'Fecha de inicio de actividades: |01/03/2015',
    'Nº 00001-00000023',
    'Fecha de emisión: |02/12/2026',
    'Período facturado desde: |02/12/2026',
    'Hasta: |02/12/2026',
    'Fecha de vto. para el pago: |03/12/2026',
    'Condición de venta: |Mercado Pago',
    'Descripción|Cantidad',
    'Corte de pelo|1|',
    'Arreglo de barba|2|',
    `Importe total: |$${NBSP}15.000,50`,
    'Comprobante Autorizado',
    'CAE Nº: |74123456789012',
    'Fecha de vto. de CAE: |12/12/2026',
  ])
    expect(joined).toContain(part);
  expect(joined).toContain(`Condición frente al IVA: |${{ responsable_inscripto: 'IVA Responsable Inscripto', monotributo: 'Responsable Monotributo', exento: 'IVA Sujeto Exento' }[doc.issuer.taxCondition]}`);
}

describe('renderInvoicePdf', () => {
  it('Factura B to an anonymous consumidor final: every required field, IVA contained and the Ley 27.743 legend', async () => {
    const doc = invoice();
    const { pdf, joined, texts, qrUrls } = await render(doc);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(texts).toContain('Pág. 1/1');
    expectCommonFields(joined, doc);
    for (const part of [
      'B|COD. 006',
      'FACTURA',
      'Condición frente al IVA: |IVA Responsable Inscripto',
      'Documento: Consumidor Final sin identificar',
      'Apellido y nombre / Razón social: |Consumidor Final',
      'Condición frente al IVA: |Consumidor Final',
      `Corte de pelo|1|$${NBSP}10.000,50|$${NBSP}10.000,50`,
      `Arreglo de barba|2|$${NBSP}2.500,00|$${NBSP}5.000,00`,
      `Subtotal: |$${NBSP}15.000,50`,
      'Régimen de Transparencia Fiscal al Consumidor Ley 27.743',
      `IVA contenido: |$${NBSP}2.603,39`,
      `Otros impuestos nacionales indirectos: |$${NBSP}0,00`,
    ])
      expect(joined).toContain(part);
    expect(texts).not.toContain('Importe neto gravado: ');
    // The QR drawn is the one for this voucher, and it reads back to its figures.
    expect(qrUrls).toEqual([qrUrl(doc)]);
    expect(decodeQrUrl(qrUrls[0]!)).toMatchObject({ cuit: 30000000007, ptoVta: 1, tipoCmp: 6, nroCmp: 23, importe: 15000.5, tipoDocRec: 99, nroDocRec: 0, codAut: 74123456789012 });
    // …and its PNG is in the file at its own size.
    const png = await defaultQrPng(qrUrls[0]!);
    const width = png.readUInt32BE(16);
    expect(pdf.toString('latin1')).toMatch(new RegExp(`/Subtype /Image[^>]*/Width ${width}`));
  });

  it('Factura A to a responsable inscripto: net by line, IVA by rate and total', async () => {
    const doc = invoice({ receiver: { kind: 'cuit', cuit: '20123456786', ivaCondition: 'responsable_inscripto', name: 'Juan Pérez', address: 'Av. Corrientes 1234, CABA' } });
    const { joined } = await render(doc);
    expectCommonFields(joined, doc);
    for (const part of [
      'A|COD. 001',
      'CUIT: 20-12345678-6',
      'Apellido y nombre / Razón social: |Juan Pérez',
      'Domicilio: |Av. Corrientes 1234, CABA',
      'Condición frente al IVA: |IVA Responsable Inscripto',
      'Precio unit. c/IVA|Alíc. IVA|Subtotal neto|Subtotal c/IVA',
      `Corte de pelo|1|$${NBSP}10.000,50|21%|$${NBSP}8.264,88|$${NBSP}10.000,50`,
      `Arreglo de barba|2|$${NBSP}2.500,00|21%|$${NBSP}4.132,23|$${NBSP}5.000,00`,
      `Importe neto gravado: |$${NBSP}12.397,11`,
      `IVA 21%: |$${NBSP}2.603,39`,
      `Importe otros tributos: |$${NBSP}0,00`,
    ])
      expect(joined).toContain(part);
    expect(joined).not.toContain('Ley 27.743');
  });

  it('Factura A to a monotributista carries the Ley 27.618 legend', async () => {
    const doc = invoice({ receiver: { kind: 'cuit', cuit: '20123456786', ivaCondition: 'monotributo', name: 'Juan Pérez' } });
    const { texts } = await render(doc);
    const all = texts.join(' ').replace(/\s+/g, ' ');
    expect(all).toContain('El crédito fiscal discriminado en el presente comprobante, sólo podrá ser computado a efectos del Régimen de Sostenimiento e Inclusión Fiscal para Pequeños Contribuyentes de la Ley Nº 27.618');
    expect(all).toContain('Condición frente al IVA: Responsable Monotributo');
  });

  it('Factura C from a monotributista to a DNI: total only, no IVA anywhere', async () => {
    const doc = invoice({ issuer: { ...issuer, taxCondition: 'monotributo' }, receiver: { kind: 'dni', dni: '12345678', name: 'María Gómez' } });
    const { joined, qrUrls } = await render(doc);
    expectCommonFields(joined, doc);
    for (const part of ['C|COD. 011', 'DNI: 12.345.678', 'Apellido y nombre / Razón social: |María Gómez', 'Condición frente al IVA: |Consumidor Final', `Subtotal: |$${NBSP}15.000,50`]) expect(joined).toContain(part);
    for (const absent of ['IVA contenido', 'Importe neto gravado', 'IVA 21%', 'Alíc. IVA']) expect(joined).not.toContain(absent);
    expect(decodeQrUrl(qrUrls[0]!)).toMatchObject({ tipoCmp: 11, tipoDocRec: 96, nroDocRec: 12345678 });
  });

  it('Nota de crédito B names the invoice it credits', async () => {
    const inv = invoice();
    const draft = draftCreditNote(inv, { refundCents: 500_000, issuedAt: new Date('2026-12-20T12:00:00-03:00') });
    if (!draft.ok) throw new Error(draft.reason);
    const nc = authorisedDocument(draft.value, { number: 5, cae: '74123456789013', caeExpiresOn: '20261230' });
    const { joined } = await render(nc);
    for (const part of [
      'B|COD. 008',
      'NOTA DE CRÉDITO',
      'Nº 00001-00000005',
      'Fecha de emisión: |20/12/2026',
      'Comprobante asociado: |Factura B Nº 00001-00000023 del 02/12/2026',
      `|1|$${NBSP}5.000,00|$${NBSP}5.000,00`,
      `Importe total: |$${NBSP}5.000,00`,
      `IVA contenido: |$${NBSP}867,77`,
    ])
      expect(joined).toContain(part);
    // The description wraps rather than losing the invoice's number.
    expect(joined.replace(/\|/g, ' ')).toContain('Devolución parcial de la factura Nº 00001-00000023 del 02/12/2026 1');
  });

  it('is deterministic, dated by the issue day, and compressed unless asked otherwise', async () => {
    const doc = invoice();
    const [a, b] = await Promise.all([renderInvoicePdf(doc, { compress: false }), renderInvoicePdf(doc, { compress: false })]);
    expect(a.equals(b)).toBe(true);
    expect(a.toString('latin1')).toContain('(D:20261202030000Z)'); // midnight in Buenos Aires
    const compressed = await renderInvoicePdf(doc);
    expect(compressed.length).toBeLessThan(a.length);
    expect(pdfTexts(compressed)).toEqual([]);
    expect((await renderInvoicePdf(doc)).equals(compressed)).toBe(true);
  });

  it('continues a long list of lines on another page, with the footer on the last one', async () => {
    const lines = Array.from({ length: 60 }, (_, i) => ({ description: `Servicio ${i + 1}`, quantity: 1, unitPriceCents: 100_000 }));
    const { pdf, texts } = await render(invoice({ lines }));
    expect(pdf.toString('latin1').match(/\/Type \/Page\b/g)!.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i <= 60; i++) expect(texts).toContain(`Servicio ${i}`);
    const pages = pdf.toString('latin1').match(/\/Type \/Page\b/g)!.length;
    expect(texts.filter((t) => t === 'Descripción')).toHaveLength(pages);
    expect(texts).toContain('Barbería Don Julio S.R.L. · FACTURA B Nº 00001-00000023 (continuación)');
    for (let p = 1; p <= pages; p++) expect(texts).toContain(`Pág. ${p}/${pages}`);
    // The footer is drawn once, after the last line, then the page numbers.
    expect(texts.filter((t) => t === 'Comprobante Autorizado')).toHaveLength(1);
    expect(texts.indexOf('Comprobante Autorizado')).toBeGreaterThan(texts.indexOf('Servicio 60'));
  });

  it('refuses an inconsistent document instead of printing it', async () => {
    const doc = invoice();
    await expect(renderInvoicePdf({ ...doc, lines: [{ description: 'Corte', quantity: 1, unitPriceCents: 1 }] })).rejects.toThrow(/lines add up/);
  });
});

describe('printed identifiers', () => {
  it('writes voucher codes, DNIs and receiver documents as printed in Argentina', () => {
    expect([1, 3, 6, 8, 11, 13].map((t) => voucherCode(t as never))).toEqual(['COD. 001', 'COD. 003', 'COD. 006', 'COD. 008', 'COD. 011', 'COD. 013']);
    expect(formatDni('12345678')).toBe('12.345.678');
    expect(formatDni('7.654.321')).toBe('7.654.321');
    const receivers: [Receiver, string][] = [
      [{ kind: 'anonymous' }, 'Documento: Consumidor Final sin identificar'],
      [{ kind: 'dni', dni: '1234567', name: 'X' }, 'DNI: 1.234.567'],
      [{ kind: 'cuil', cuil: '20111111112', name: 'X' }, 'CUIL: 20-11111111-2'],
      [{ kind: 'cuit', cuit: '33693450239', ivaCondition: 'exento', name: 'X' }, 'CUIT: 33-69345023-9'],
    ];
    for (const [receiver, text] of receivers) expect(receiverDocumentLine(receiver)).toBe(text);
  });
});
