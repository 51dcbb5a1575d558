import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { afipAmount } from './figures.js';
import { AFIP_QR_URL_PREFIX, decodeQrUrl, qrPayload, qrPayloadJson, qrUrl, qrUrlForPayload, type AfipQrPayload } from './qr.js';
import type { InvoiceDocument, Issuer, Receiver } from './types.js';
import { authorisedDocument, draftCreditNote, draftInvoice } from './vouchers.js';

const issuer: Issuer = {
  taxCondition: 'responsable_inscripto',
  cuit: '30-00000000-7',
  businessName: 'Barbería Don Julio S.R.L.',
  address: 'Av. Santa Fe 1234, CABA',
  grossIncomeRegistration: '901-123456-7',
  activityStartDate: '20150301',
};

function invoice(opts: { totalCents?: number; receiver?: Receiver; cae?: string; taxCondition?: Issuer['taxCondition'] } = {}): InvoiceDocument {
  const draft = draftInvoice({
    issuer: { ...issuer, taxCondition: opts.taxCondition ?? issuer.taxCondition },
    receiver: opts.receiver ?? { kind: 'dni', dni: '12345678', name: 'María Gómez' },
    lines: [{ description: 'Corte de pelo', quantity: 1, unitPriceCents: opts.totalCents ?? 1_500_050 }],
    pointOfSale: 12,
    serviceAt: new Date('2026-12-02T10:00:00-03:00'),
    issuedAt: new Date('2026-12-02T23:30:00-03:00'),
  });
  if (!draft.ok) throw new Error(draft.reason);
  return authorisedDocument(draft.value, { number: 345, cae: opts.cae ?? '74123456789012', caeExpiresOn: '20261212' });
}

/** The decimal text JSON.stringify wrote for importe, normalised to two decimals. */
function importeText(json: string): string {
  const match = /"importe":([0-9.eE+-]+)/.exec(json);
  if (!match) throw new Error('no importe');
  const [whole, fraction = ''] = match[1]!.split('.');
  return `${whole}.${fraction.padEnd(2, '0')}`;
}

describe('AFIP QR', () => {
  it('carries the voucher in the fields and key order of AFIP specification', () => {
    const doc = invoice();
    const payload = qrPayload(doc);
    expect(payload).toEqual({
      ver: 1,
      fecha: '2026-12-02',
      cuit: 30000000007,
      ptoVta: 12,
      tipoCmp: 6,
      nroCmp: 345,
      importe: 15000.5,
      moneda: 'PES',
      ctz: 1,
      tipoDocRec: 96,
      nroDocRec: 12345678,
      tipoCodAut: 'E',
      codAut: 74123456789012,
    });
    expect(qrPayloadJson(payload)).toBe(
      '{"ver":1,"fecha":"2026-12-02","cuit":30000000007,"ptoVta":12,"tipoCmp":6,"nroCmp":345,"importe":15000.5,"moneda":"PES","ctz":1,"tipoDocRec":96,"nroDocRec":12345678,"tipoCodAut":"E","codAut":74123456789012}',
    );
    const url = qrUrl(doc);
    expect(url.startsWith('https://www.afip.gob.ar/fe/qr/?p=')).toBe(true);
    expect(Buffer.from(url.slice(AFIP_QR_URL_PREFIX.length), 'base64').toString('utf8')).toBe(qrPayloadJson(payload));
  });

  it('decodes back to the invoice own figures, for any total and receiver', () => {
    const receivers: Receiver[] = [
      { kind: 'anonymous' },
      { kind: 'dni', dni: '7654321', name: 'A' },
      { kind: 'cuil', cuil: '20111111112', name: 'B' },
      { kind: 'cuit', cuit: '33693450239', ivaCondition: 'responsable_inscripto', name: 'C' },
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 999_999_999 }).chain((t) => fc.constantFrom(t, t * 1000)),
        fc.constantFrom(...receivers),
        fc.constantFrom<Issuer['taxCondition']>('monotributo', 'responsable_inscripto', 'exento'),
        fc.stringMatching(/^[1-9]\d{13}$/),
        (total, receiver, taxCondition, cae) => {
          fc.pre(receiver.kind !== 'anonymous' || total < 1_000_000_000);
          const doc = invoice({ totalCents: total, receiver, cae, taxCondition });
          const url = qrUrl(doc);
          const back = decodeQrUrl(url);
          expect(back).toEqual(qrPayload(doc));
          expect(back.tipoCmp).toBe(doc.cbteTipo);
          expect(back.tipoDocRec).toBe(doc.voucher.docTipo);
          expect(back.nroDocRec).toBe(doc.voucher.docNro);
          // The importe's JSON text is exactly the centavos / 100, digit for digit.
          const json = Buffer.from(url.slice(AFIP_QR_URL_PREFIX.length), 'base64').toString('utf8');
          expect(importeText(json)).toBe(afipAmount(doc.figures.totalCents));
          // The CAE survives as a JSON number (14 digits < 2^53).
          expect(String(back.codAut)).toBe(cae);
          expect(Number.isSafeInteger(back.codAut)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('writes importe exactly where binary floating point would not', () => {
    // 0.29 * 100 is 28.999999999999996 in doubles; 1e12 centavos is ten billion pesos.
    for (const [cents, text] of [
      [29, '0.29'],
      [1, '0.01'],
      [100_000_000_000_000, '1000000000000'],
      [123_456_789_012_345, '1234567890123.45'],
    ] as const) {
      const json = qrPayloadJson(qrPayload(invoice({ totalCents: cents })));
      expect(importeText(json)).toBe(text.includes('.') ? text : `${text}.00`);
      expect(importeText(json)).toBe(afipAmount(cents));
    }
  });

  it('puts DocTipo 99 and 0 for an anonymous consumidor final, and the credit note type for a credit note', () => {
    const doc = invoice({ receiver: { kind: 'anonymous' } });
    expect(qrPayload(doc)).toMatchObject({ tipoDocRec: 99, nroDocRec: 0 });
    const note = draftCreditNote(doc, { refundCents: 500_000, issuedAt: new Date('2026-12-10T12:00:00-03:00') });
    if (!note.ok) throw new Error(note.reason);
    const nc = authorisedDocument(note.value, { number: 7, cae: '74123456789099', caeExpiresOn: '20261220' });
    expect(decodeQrUrl(qrUrl(nc))).toMatchObject({ tipoCmp: 8, nroCmp: 7, fecha: '2026-12-10', importe: 5000 });
  });

  it('refuses a CAE that is not 14 digits', () => {
    const doc = invoice();
    for (const cae of ['7412345678901', '741234567890123', '7412345678901a']) expect(() => qrPayload({ ...doc, cae: { ...doc.cae, number: cae } })).toThrow(RangeError);
    expect(qrPayload({ ...doc, cae: { ...doc.cae, number: '99999999999999' } }).codAut).toBe(99_999_999_999_999);
  });

  describe('decodeQrUrl', () => {
    const payload: AfipQrPayload = qrPayload(invoice());
    const url = qrUrlForPayload(payload);

    it('reads links that went through an URL encoder', () => {
      const p = url.slice(AFIP_QR_URL_PREFIX.length);
      expect(decodeQrUrl(AFIP_QR_URL_PREFIX + encodeURIComponent(p))).toEqual(payload);
      // Our JSON is plain ASCII without '>', '?' or '~', so its base64 never holds '+' or '/': only '=' padding to survive.
      expect(p).toMatch(/^[A-Za-z0-9]+=*$/);
    });

    it('refuses what is not an AFIP voucher QR', () => {
      const b64 = (o: unknown) => AFIP_QR_URL_PREFIX + Buffer.from(JSON.stringify(o)).toString('base64');
      expect(() => decodeQrUrl('https://example.com/?p=' + url.split('?p=')[1])).toThrow(/not an AFIP/);
      expect(() => decodeQrUrl(AFIP_QR_URL_PREFIX + '!!!')).toThrow(/not base64/);
      expect(() => decodeQrUrl(AFIP_QR_URL_PREFIX + Buffer.from('not json').toString('base64'))).toThrow(/not base64 JSON/);
      expect(() => decodeQrUrl(b64(42))).toThrow(/not an object/);
      expect(() => decodeQrUrl(b64({ ...payload, ver: 2 }))).toThrow(/version/);
      expect(() => decodeQrUrl(b64({ ...payload, fecha: '20261202' }))).toThrow(/fecha/);
      expect(() => decodeQrUrl(b64({ ...payload, moneda: 'DOL' }))).toThrow(/peso/);
      expect(() => decodeQrUrl(b64({ ...payload, importe: '15000.50' }))).toThrow(/importe/);
      expect(() => decodeQrUrl(b64({ ...payload, tipoCmp: 2 }))).toThrow(/tipoCmp/);
      expect(() => decodeQrUrl(b64({ ...payload, tipoDocRec: 94 }))).toThrow(/tipoDocRec/);
      expect(() => decodeQrUrl(b64({ ...payload, codAut: '74123456789012' }))).toThrow(/codAut/);
    });
  });
});
