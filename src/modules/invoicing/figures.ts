import { formatMoney } from '../notifications/templates.js';
import { MAX_CENTAVOS } from '../payments/mercadopago/money.js';
import { voucherClassOf, type AlicIva, type Centavos, type Checked, type InvoiceFigures, type IvaRateId, type VoucherType } from './types.js';

/**
 * The amounts of a voucher from the price the customer paid. Barbershop prices are shown to
 * consumers IVA included, so the total is the given figure and net and IVA are carved out
 * of it. All arithmetic is bigint on centavos: no binary fraction ever touches an amount.
 *
 * Rounding rule (A and B): the net is total / (1 + rate) rounded to the nearest centavo
 * (half up), and IVA is the rest, so net + IVA = total and the AFIP equation hold by
 * construction. That makes IVA exactly round-half-up(net × rate) whenever any split of the
 * total allows it — a net N with N + round(N·r) = T is within ½/(1 + r) < ½ of T / (1 + r),
 * so it is the nearest — and 1 centavo off it otherwise (some totals, such as 3 centavos at
 * 21 %, cannot be written as N + round(N·r) at all; then |IVA − N·r| ≤ ½·(1 + r)). The net
 * and the IVA both never decrease as the total grows.
 */

interface Rate {
  /** Thousandths, so 10,5 % and 2,5 % stay integers. */
  perMille: bigint;
  label: string;
}

export const IVA_RATES: Readonly<Record<IvaRateId, Rate>> = {
  3: { perMille: 0n, label: '0%' },
  4: { perMille: 105n, label: '10,5%' },
  5: { perMille: 210n, label: '21%' },
  6: { perMille: 270n, label: '27%' },
  8: { perMille: 50n, label: '5%' },
  9: { perMille: 25n, label: '2,5%' },
};

export const DEFAULT_IVA_RATE_ID: IvaRateId = 5;

/** Up to what MercadoPago and the QR's JSON number carry exactly (about ARS 10 trillion). */
export const MAX_TOTAL_CENTAVOS: Centavos = MAX_CENTAVOS;

const THOUSAND = 1000n;

function rateOf(id: IvaRateId): Rate {
  const rate = IVA_RATES[id];
  if (!rate) throw new RangeError(`Unknown IVA rate id: ${String(id)}`);
  return rate;
}

function checkedCentavos(value: number, what: string, min: number): bigint {
  if (!Number.isSafeInteger(value) || value < min || value > MAX_TOTAL_CENTAVOS) throw new RangeError(`${what} must be whole centavos in ${min}..${MAX_TOTAL_CENTAVOS} (got ${value})`);
  return BigInt(value);
}

/** round-half-up(n × perMille / 1000) for n ≥ 0. */
export function ivaOfNet(netCents: bigint, rateId: IvaRateId): bigint {
  return (2n * netCents * rateOf(rateId).perMille + THOUSAND) / (2n * THOUSAND);
}

/** Net and IVA contained in an IVA-included total, by the rule above. */
export function splitIvaIncluded(totalCents: Centavos, rateId: IvaRateId): { netCents: Centavos; ivaCents: Centavos } {
  const net = splitNet(checkedCentavos(totalCents, 'total', 0), rateId);
  return { netCents: Number(net), ivaCents: totalCents - Number(net) };
}

function splitNet(total: bigint, rateId: IvaRateId): bigint {
  const divisor = THOUSAND + rateOf(rateId).perMille;
  // round-half-up(T·1000 / (1000 + p))
  return (2n * total * THOUSAND + divisor) / (2n * divisor);
}

export interface FiguresInput {
  voucherType: VoucherType;
  /** What the customer pays, IVA included. */
  totalCents: Centavos;
  /** A and B only (default 5 = 21 %); class C has no IVA and ignores it. */
  ivaRateId?: IvaRateId;
}

export function invoiceFigures(input: FiguresInput): InvoiceFigures {
  const voucherClass = voucherClassOf(input.voucherType);
  const total = checkedCentavos(input.totalCents, 'total', 1);
  if (voucherClass === 'C') return classC(Number(total));
  const rateId = input.ivaRateId ?? DEFAULT_IVA_RATE_ID;
  const net = splitNet(total, rateId);
  return withIva(voucherClass, Number(total), Number(net), rateId);
}

/**
 * Class C (monotributo, exento): no IVA is discriminated, so the whole total is ImpNeto and
 * ImpTotConc, ImpOpEx and ImpIVA are 0 with no Iva array — what WSFEv1 expects for C and the
 * usual practice; argentina.md states "no IVA breakdown" but not the field-by-field zeros.
 */
function classC(total: Centavos): InvoiceFigures {
  return { voucherClass: 'C', totalCents: total, untaxedCents: 0, netCents: total, exemptCents: 0, otherTaxesCents: 0, ivaCents: 0, iva: [] };
}

function withIva(voucherClass: 'A' | 'B', total: Centavos, net: Centavos, rateId: IvaRateId): InvoiceFigures {
  const iva = total - net;
  return {
    voucherClass,
    totalCents: total,
    untaxedCents: 0,
    netCents: net,
    exemptCents: 0,
    otherTaxesCents: 0,
    ivaCents: iva,
    iva: [{ id: rateId, baseCents: net, amountCents: iva }],
  };
}

/** Whatever makes figures unacceptable to WSFEv1 or to this module; empty when they are fine. */
export function figuresProblems(f: InvoiceFigures): string[] {
  const problems: string[] = [];
  const amounts = [f.totalCents, f.untaxedCents, f.netCents, f.exemptCents, f.otherTaxesCents, f.ivaCents];
  if (!amounts.every((a) => Number.isSafeInteger(a) && a >= 0)) return ['amounts must be non-negative whole centavos'];
  if (f.totalCents < 1) problems.push('total must be positive');
  if (f.totalCents !== f.untaxedCents + f.netCents + f.exemptCents + f.otherTaxesCents + f.ivaCents)
    problems.push('ImpTotal ≠ ImpTotConc + ImpNeto + ImpOpEx + ImpTrib + ImpIVA');
  if (f.voucherClass === 'C') {
    if (f.ivaCents !== 0 || f.iva.length !== 0) problems.push('class C carries no IVA');
    if (f.untaxedCents !== 0 || f.exemptCents !== 0) problems.push('class C has ImpTotConc and ImpOpEx 0');
  } else {
    const [alic, ...more] = f.iva;
    if (!alic || more.length > 0) problems.push('A and B carry exactly one IVA rate here');
    else {
      if (!(alic.id in IVA_RATES)) problems.push(`unknown IVA rate id ${alic.id}`);
      if (alic.baseCents !== f.netCents) problems.push('BaseImp ≠ ImpNeto');
      if (alic.amountCents !== f.ivaCents) problems.push('Importe ≠ ImpIVA');
    }
  }
  return problems;
}

function assertFigures(f: InvoiceFigures, what: string): void {
  const problems = figuresProblems(f);
  if (problems.length > 0) throw new RangeError(`${what}: ${problems.join('; ')}`);
}

function rateIdOf(f: InvoiceFigures): IvaRateId | null {
  return f.iva[0]?.id ?? null;
}

/**
 * A credit note for `refundCents` of an invoice, given the credit notes already issued
 * against it. Refusing more than is left to credit keeps the invoice from being credited
 * twice.
 *
 * Rounding rule: the credited net after this note is the invoice's own split of the
 * cumulative credited total (splitNet(previous + refund)), or exactly the invoice's net when
 * that completes the invoice; this note takes the difference. So:
 *   - any sequence of notes that adds up to the invoice total credits exactly its net and
 *     its IVA (the last one takes what is left, component by component);
 *   - every note stays proportional to the invoice and its own IVA is within 1 centavo of
 *     round(net × rate) (cumulative splits are each within ½ centavo of the exact share, so
 *     a note's error is under 1·(1 + r) + ½ < 2, an integer 0 or 1);
 *   - net and IVA never go negative and never exceed what is left of the invoice's.
 * Independent per-note splits would instead pile their rounding onto the last note.
 */
export function creditNoteFigures(invoice: InvoiceFigures, refundCents: Centavos, previousCreditNotes: readonly InvoiceFigures[] = []): Checked<InvoiceFigures> {
  assertFigures(invoice, 'invoice');
  const rateId = rateIdOf(invoice);
  let prevTotal = 0;
  let prevNet = 0;
  let prevIva = 0;
  for (const note of previousCreditNotes) {
    assertFigures(note, 'previous credit note');
    if (note.voucherClass !== invoice.voucherClass || rateIdOf(note) !== rateId) throw new RangeError('a previous credit note is not of the invoice class and rate');
    prevTotal += note.totalCents;
    prevNet += note.netCents;
    prevIva += note.ivaCents;
  }
  if (prevTotal > invoice.totalCents || prevNet > invoice.netCents || prevIva > invoice.ivaCents)
    throw new RangeError('previous credit notes already exceed the invoice');
  const refund = Number(checkedCentavos(refundCents, 'refund', 1));
  const remaining = invoice.totalCents - prevTotal;
  if (refund > remaining)
    return { ok: false, code: 'refund_exceeds_remaining', reason: `Solo quedan ${formatMoney(remaining)} de la factura por acreditar.` };

  if (invoice.voucherClass === 'C' || rateId === null) return { ok: true, value: classC(refund) };

  const cumulative = prevTotal + refund;
  const targetNet = cumulative === invoice.totalCents ? invoice.netCents : Number(splitNet(BigInt(cumulative), rateId));
  const remainingNet = invoice.netCents - prevNet;
  const remainingIva = invoice.ivaCents - prevIva;
  // Only previous notes made some other way can push the target outside what is left; clamp to stay within the invoice.
  const net = Math.min(Math.max(targetNet - prevNet, refund - remainingIva, 0), refund, remainingNet);
  return { ok: true, value: withIva(invoice.voucherClass, refund, net, rateId) };
}

/** Centavos as WSFEv1's decimal amounts: 123450 → "1234.50". */
export function afipAmount(cents: Centavos): string {
  if (!Number.isSafeInteger(cents) || cents < 0) throw new RangeError(`not whole non-negative centavos: ${cents}`);
  const digits = String(cents).padStart(3, '0');
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** The figures under FECAEDetRequest's names, as decimal strings (for the SOAP layer). */
export function afipImportes(f: InvoiceFigures): {
  ImpTotal: string;
  ImpTotConc: string;
  ImpNeto: string;
  ImpOpEx: string;
  ImpTrib: string;
  ImpIVA: string;
  Iva: { Id: IvaRateId; BaseImp: string; Importe: string }[];
} {
  assertFigures(f, 'figures');
  return {
    ImpTotal: afipAmount(f.totalCents),
    ImpTotConc: afipAmount(f.untaxedCents),
    ImpNeto: afipAmount(f.netCents),
    ImpOpEx: afipAmount(f.exemptCents),
    ImpTrib: afipAmount(f.otherTaxesCents),
    ImpIVA: afipAmount(f.ivaCents),
    Iva: f.iva.map((a: AlicIva) => ({ Id: a.id, BaseImp: afipAmount(a.baseCents), Importe: afipAmount(a.amountCents) })),
  };
}

/**
 * Splits an amount over weights in proportion, in whole centavos that add up to it exactly:
 * each share is floored and the centavos left go to the largest remainders (earlier lines
 * first on ties). Used to print each line's net on a Factura A.
 */
export function allocateProportionally(amountCents: Centavos, weights: readonly Centavos[]): Centavos[] {
  const amount = checkedCentavos(amountCents, 'amount', 0);
  const w = weights.map((x) => checkedCentavos(x, 'weight', 0));
  const total = w.reduce((a, b) => a + b, 0n);
  if (total === 0n) {
    if (amount !== 0n) throw new RangeError('cannot allocate an amount over zero weights');
    return w.map(() => 0);
  }
  const shares = w.map((x) => (amount * x) / total);
  let left = amount - shares.reduce((a, b) => a + b, 0n);
  const order = w
    .map((x, i) => ({ i, remainder: (amount * x) % total }))
    .sort((a, b) => (a.remainder === b.remainder ? a.i - b.i : a.remainder > b.remainder ? -1 : 1));
  for (const { i } of order) {
    if (left === 0n) break;
    shares[i]! += 1n;
    left -= 1n;
  }
  return shares.map(Number);
}
