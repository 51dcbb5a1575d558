import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { formatCuit, normalizeCuit } from '../catalog/cuit.js';
import { formatMoney } from '../notifications/templates.js';
import { formatAfipDate, startOfAfipDay } from './dates.js';
import { allocateProportionally, IVA_RATES } from './figures.js';
import { qrUrl } from './qr.js';
import {
  voucherClassOf,
  type CondicionIvaReceptorId,
  type InvoiceDocument,
  type InvoiceType,
  type IssuerTaxCondition,
  type Receiver,
  type VoucherType,
} from './types.js';
import { formatVoucherNumber, invoiceDocumentProblems } from './vouchers.js';

/**
 * The customer's copy of an authorised voucher, in Spanish, with what RG 1415 and the
 * electronic-invoice rules ask a printed representation to show. The same document always
 * renders to the same bytes: the creation date is the issue day, not the clock.
 */

export interface RenderOptions {
  /** Deflate the page streams (default true). Tests turn it off to read the text back. */
  compress?: boolean;
  /** Draws the QR PNG for a URL; a seam so tests can see exactly what is encoded. */
  qrPng?: (url: string) => Promise<Buffer>;
}

export function defaultQrPng(url: string): Promise<Buffer> {
  return QRCode.toBuffer(url, { type: 'png', errorCorrectionLevel: 'M', margin: 0, scale: 4 });
}

// --- es-AR wording -------------------------------------------------------------------------

const ISSUER_CONDITION_LABEL: Readonly<Record<IssuerTaxCondition, string>> = {
  monotributo: 'Responsable Monotributo',
  responsable_inscripto: 'IVA Responsable Inscripto',
  exento: 'IVA Sujeto Exento',
};

const RECEIVER_CONDITION_LABEL: Readonly<Record<CondicionIvaReceptorId, string>> = {
  1: 'IVA Responsable Inscripto',
  4: 'IVA Sujeto Exento',
  5: 'Consumidor Final',
  6: 'Responsable Monotributo',
  7: 'Sujeto No Categorizado',
  13: 'Monotributista Social',
  15: 'IVA No Alcanzado',
  16: 'Monotributo Trabajador Independiente Promovido',
};

const VOUCHER_TITLE: Readonly<Record<VoucherType, string>> = {
  1: 'FACTURA',
  6: 'FACTURA',
  11: 'FACTURA',
  3: 'NOTA DE CRÉDITO',
  8: 'NOTA DE CRÉDITO',
  13: 'NOTA DE CRÉDITO',
};

const INVOICE_NAME: Readonly<Record<InvoiceType, string>> = { 1: 'Factura A', 6: 'Factura B', 11: 'Factura C' };

/** "COD. 011": AFIP's voucher code under the letter, three digits. */
export function voucherCode(type: VoucherType): string {
  return `COD. ${String(type).padStart(3, '0')}`;
}

/** 12345678 → "12.345.678". */
export function formatDni(dni: string): string {
  return dni.replace(/[\s.]/g, '').replace(/\B(?=(\d{3})+$)/g, '.');
}

export function receiverDocumentLine(receiver: Receiver): string {
  switch (receiver.kind) {
    case 'anonymous':
      return 'Documento: Consumidor Final sin identificar';
    case 'dni':
      return `DNI: ${formatDni(receiver.dni)}`;
    case 'cuil':
      return `CUIL: ${formatCuit(normalizeCuit(receiver.cuil))}`;
    case 'cuit':
      return `CUIT: ${formatCuit(normalizeCuit(receiver.cuit))}`;
  }
}

function receiverName(receiver: Receiver): string {
  return receiver.kind === 'anonymous' ? 'Consumidor Final' : receiver.name;
}

function receiverAddress(receiver: Receiver): string {
  return receiver.kind === 'anonymous' ? '-' : (receiver.address ?? '-');
}

// --- layout --------------------------------------------------------------------------------

const PAGE = { width: 595.28, height: 841.89 };
const M = 30; // margin
const W = PAGE.width - 2 * M;
const FOOTER_TOP = PAGE.height - 150;
const GREY = '#e6e6e6';

type Doc = PDFKit.PDFDocument;
type Align = 'left' | 'right' | 'center';

/** One line of text that never wraps (a long value is cut with an ellipsis instead). */
function line(pdf: Doc, text: string, x: number, y: number, width: number, opts: { bold?: boolean; size?: number; align?: Align } = {}): void {
  pdf
    .font(opts.bold ? 'Helvetica-Bold' : 'Helvetica')
    .fontSize(opts.size ?? 9)
    .text(text, x, y, { width, align: opts.align ?? 'left', lineBreak: false, ellipsis: true, height: (opts.size ?? 9) * 1.3 });
}

/** "Label: value" with the label in bold. */
function field(pdf: Doc, label: string, value: string, x: number, y: number, width: number): void {
  pdf.font('Helvetica-Bold').fontSize(9);
  const labelText = `${label}: `;
  const labelWidth = pdf.widthOfString(labelText);
  line(pdf, labelText, x, y, labelWidth + 1, { bold: true });
  line(pdf, value, x + labelWidth, y, Math.max(10, width - labelWidth));
}

interface Column {
  title: string;
  width: number;
  align: Align;
}

function tableHeader(pdf: Doc, columns: Column[], y: number): number {
  pdf.rect(M, y, W, 16).fillAndStroke(GREY, '#000').fillColor('#000');
  let x = M;
  for (const c of columns) {
    line(pdf, c.title, x + 3, y + 4, c.width - 6, { bold: true, size: 8, align: c.align });
    x += c.width;
  }
  return y + 16;
}

export async function renderInvoicePdf(doc: InvoiceDocument, options: RenderOptions = {}): Promise<Buffer> {
  const problems = invoiceDocumentProblems(doc);
  if (problems.length > 0) throw new RangeError(`Inconsistent invoice document: ${problems.join('; ')}`);
  const url = qrUrl(doc);
  const qrPng = await (options.qrPng ?? defaultQrPng)(url);

  const cls = voucherClassOf(doc.cbteTipo);
  const number = formatVoucherNumber(doc.pointOfSale, doc.number);
  const title = VOUCHER_TITLE[doc.cbteTipo];
  const pdf = new PDFDocument({
    size: 'A4',
    margin: M,
    compress: options.compress ?? true,
    bufferPages: true,
    info: {
      Title: `${title} ${cls} ${number}`,
      Author: doc.issuer.businessName,
      Creator: 'BarberPro',
      Producer: 'BarberPro',
      CreationDate: startOfAfipDay(doc.issueDate),
    },
  });
  const chunks: Buffer[] = [];
  pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });

  pdf.lineWidth(0.8).strokeColor('#000').fillColor('#000');

  // ORIGINAL
  let y = M;
  pdf.rect(M, y, W, 20).stroke();
  line(pdf, 'ORIGINAL', M, y + 5, W, { bold: true, size: 11, align: 'center' });
  y += 20;

  // Header: issuer on the left, voucher on the right, the letter in the middle.
  const headerTop = y;
  const headerHeight = 118;
  const mid = M + W / 2;
  pdf.rect(M, headerTop, W, headerHeight).stroke();
  pdf.moveTo(mid, headerTop + 44).lineTo(mid, headerTop + headerHeight).stroke();
  pdf.rect(mid - 24, headerTop, 48, 44).stroke();
  line(pdf, cls, mid - 24, headerTop + 4, 48, { bold: true, size: 26, align: 'center' });
  line(pdf, voucherCode(doc.cbteTipo), mid - 24, headerTop + 33, 48, { bold: true, size: 7, align: 'center' });

  const leftX = M + 8;
  const leftW = W / 2 - 40;
  line(pdf, doc.issuer.businessName, leftX, headerTop + 10, leftW, { bold: true, size: 14 });
  field(pdf, 'Razón social', doc.issuer.businessName, leftX, headerTop + 46, W / 2 - 16);
  field(pdf, 'Domicilio comercial', doc.issuer.address, leftX, headerTop + 64, W / 2 - 16);
  field(pdf, 'Condición frente al IVA', ISSUER_CONDITION_LABEL[doc.issuer.taxCondition], leftX, headerTop + 82, W / 2 - 16);

  const rightX = mid + 32;
  const rightW = M + W - rightX - 8;
  line(pdf, title, rightX, headerTop + 8, rightW, { bold: true, size: 16 });
  line(pdf, `Nº ${number}`, rightX, headerTop + 28, rightW, { bold: true, size: 11 });
  field(pdf, 'Fecha de emisión', formatAfipDate(doc.issueDate), mid + 8, headerTop + 50, W / 2 - 16);
  field(pdf, 'CUIT', formatCuit(normalizeCuit(doc.issuer.cuit)), mid + 8, headerTop + 66, W / 2 - 16);
  field(pdf, 'Ingresos Brutos', doc.issuer.grossIncomeRegistration, mid + 8, headerTop + 82, W / 2 - 16);
  field(pdf, 'Fecha de inicio de actividades', formatAfipDate(doc.issuer.activityStartDate), mid + 8, headerTop + 98, W / 2 - 16);
  y = headerTop + headerHeight;

  // Service period (Concepto 2).
  pdf.rect(M, y, W, 20).stroke();
  field(pdf, 'Período facturado desde', formatAfipDate(doc.servicePeriod.from), M + 8, y + 6, 180);
  field(pdf, 'Hasta', formatAfipDate(doc.servicePeriod.to), M + 200, y + 6, 120);
  field(pdf, 'Fecha de vto. para el pago', formatAfipDate(doc.paymentDueDate), M + 330, y + 6, W - 338);
  y += 20;

  // Receiver.
  const receiverHeight = doc.associated ? 70 : 54;
  pdf.rect(M, y, W, receiverHeight).stroke();
  const condition = RECEIVER_CONDITION_LABEL[doc.voucher.condicionIvaReceptorId];
  line(pdf, receiverDocumentLine(doc.receiver), M + 8, y + 6, W / 2 - 16, { bold: true });
  field(pdf, 'Apellido y nombre / Razón social', receiverName(doc.receiver), mid + 8, y + 6, W / 2 - 16);
  field(pdf, 'Condición frente al IVA', condition, M + 8, y + 22, W / 2 - 16);
  field(pdf, 'Domicilio', receiverAddress(doc.receiver), mid + 8, y + 22, W / 2 - 16);
  field(pdf, 'Condición de venta', doc.saleCondition, M + 8, y + 38, W / 2 - 16);
  if (doc.associated) {
    const a = doc.associated;
    field(pdf, 'Comprobante asociado', `${INVOICE_NAME[a.cbteTipo]} Nº ${formatVoucherNumber(a.pointOfSale, a.number)} del ${formatAfipDate(a.issueDate)}`, M + 8, y + 54, W - 16);
  }
  y += receiverHeight + 8;

  // Lines.
  const rate = doc.figures.iva[0];
  const rateLabel = rate ? IVA_RATES[rate.id].label : '';
  const columns: Column[] = doc.voucher.discriminatesIva
    ? [
        { title: 'Descripción', width: 185, align: 'left' },
        { title: 'Cantidad', width: 45, align: 'right' },
        { title: 'Precio unit. c/IVA', width: 85, align: 'right' },
        { title: 'Alíc. IVA', width: 50, align: 'right' },
        { title: 'Subtotal neto', width: 80, align: 'right' },
        { title: 'Subtotal c/IVA', width: W - 445, align: 'right' },
      ]
    : [
        { title: 'Descripción', width: 265, align: 'left' },
        { title: 'Cantidad', width: 60, align: 'right' },
        { title: 'Precio unit.', width: 100, align: 'right' },
        { title: 'Subtotal', width: W - 425, align: 'right' },
      ];
  y = tableHeader(pdf, columns, y);
  const subtotals = doc.lines.map((l) => l.quantity * l.unitPriceCents);
  const nets = doc.voucher.discriminatesIva ? allocateProportionally(doc.figures.netCents, subtotals) : [];
  const descriptionWidth = columns[0]!.width - 6;
  doc.lines.forEach((item, i) => {
    // Descriptions wrap (a credit note names its invoice) up to four lines; a longer one is cut.
    pdf.font('Helvetica').fontSize(8);
    const descriptionHeight = Math.min(pdf.heightOfString(item.description, { width: descriptionWidth }), 4 * pdf.currentLineHeight(true));
    const rowHeight = Math.max(15, descriptionHeight + 7);
    if (y + rowHeight > PAGE.height - M - 20) {
      pdf.addPage();
      line(pdf, `${doc.issuer.businessName} · ${title} ${cls} Nº ${number} (continuación)`, M, M, W, { size: 8 });
      y = tableHeader(pdf, columns, M + 14);
    }
    pdf.font('Helvetica').fontSize(8).text(item.description, M + 3, y + 4, { width: descriptionWidth, height: descriptionHeight, ellipsis: true });
    const cells = doc.voucher.discriminatesIva
      ? [String(item.quantity), formatMoney(item.unitPriceCents), rateLabel, formatMoney(nets[i]!), formatMoney(subtotals[i]!)]
      : [String(item.quantity), formatMoney(item.unitPriceCents), formatMoney(subtotals[i]!)];
    let x = M + columns[0]!.width;
    cells.forEach((text, c) => {
      const column = columns[c + 1]!;
      line(pdf, text, x + 3, y + 4, column.width - 6, { size: 8, align: column.align });
      x += column.width;
    });
    y += rowHeight;
  });
  pdf.moveTo(M, y).lineTo(M + W, y).stroke();
  y += 10;

  // Totals, right-aligned in a box.
  const f = doc.figures;
  const rows: [string, string, boolean][] = doc.voucher.discriminatesIva
    ? [
        ['Importe neto gravado', formatMoney(f.netCents), false],
        ...f.iva.map((a): [string, string, boolean] => [`IVA ${IVA_RATES[a.id].label}`, formatMoney(a.amountCents), false]),
        ['Importe otros tributos', formatMoney(f.otherTaxesCents), false],
        ['Importe total', formatMoney(f.totalCents), true],
      ]
    : [
        ['Subtotal', formatMoney(f.totalCents), false],
        ['Importe otros tributos', formatMoney(f.otherTaxesCents), false],
        ['Importe total', formatMoney(f.totalCents), true],
      ];
  pdf.font('Helvetica-Bold').fontSize(8);
  const legendsHeight = doc.voucher.legends.reduce((h, l) => h + pdf.heightOfString(l.text, { width: W }) + (l.code === 'transparencia_fiscal_27743' ? 20 : 6), 0);
  if (y + rows.length * 16 + 16 + legendsHeight > FOOTER_TOP - 10) {
    pdf.addPage();
    y = M;
  }
  const totalsX = M + W - 260;
  pdf.rect(totalsX, y, 260, rows.length * 16 + 8).stroke();
  rows.forEach(([label, value, bold], i) => {
    line(pdf, `${label}: `, totalsX + 8, y + 6 + i * 16, 140, { bold: true, size: bold ? 10 : 9, align: 'right' });
    line(pdf, value, totalsX + 150, y + 6 + i * 16, 102, { bold, size: bold ? 10 : 9, align: 'right' });
  });
  y += rows.length * 16 + 16;

  // Legends: the Ley 27.743 block on B, RG 5003's on A to a monotributista.
  for (const legend of doc.voucher.legends) {
    pdf.font('Helvetica-Bold').fontSize(8).text(legend.text, M, y, { width: W });
    y = pdf.y + 2;
    if (legend.code === 'transparencia_fiscal_27743') {
      field(pdf, 'IVA contenido', formatMoney(f.ivaCents), M, y, W / 2);
      field(pdf, 'Otros impuestos nacionales indirectos', formatMoney(f.otherTaxesCents), M + W / 2, y, W / 2);
      y += 14;
    }
    y += 4;
  }

  // Footer: QR, authorisation and CAE, at the bottom of the last page.
  if (y > FOOTER_TOP) pdf.addPage();
  const footerY = FOOTER_TOP + 20;
  pdf.moveTo(M, footerY - 10).lineTo(M + W, footerY - 10).stroke();
  pdf.image(qrPng, M, footerY, { fit: [100, 100] });
  line(pdf, 'Comprobante Autorizado', M + 115, footerY + 10, 200, { bold: true, size: 11 });
  field(pdf, 'CAE Nº', doc.cae.number, M + W - 200, footerY + 10, 200);
  field(pdf, 'Fecha de vto. de CAE', formatAfipDate(doc.cae.expiresOn), M + W - 200, footerY + 26, 200);

  // Page numbers once the page count is known.
  const pages = pdf.bufferedPageRange();
  for (let i = 0; i < pages.count; i++) {
    pdf.switchToPage(pages.start + i);
    line(pdf, `Pág. ${i + 1}/${pages.count}`, M + W - 100, PAGE.height - M - 12, 100, { size: 8, align: 'right' });
  }

  pdf.end();
  return done;
}
