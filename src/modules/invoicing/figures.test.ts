import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  afipAmount,
  afipImportes,
  allocateProportionally,
  creditNoteFigures,
  figuresProblems,
  invoiceFigures,
  ivaOfNet,
  MAX_TOTAL_CENTAVOS,
  splitIvaIncluded,
} from './figures.js';
import type { InvoiceFigures, IvaRateId } from './types.js';

const RATE_IDS: IvaRateId[] = [3, 4, 5, 6, 8, 9];
/** Thousandths, written out here rather than read from the module under test. */
const PER_MILLE: Record<IvaRateId, bigint> = { 3: 0n, 4: 105n, 5: 210n, 6: 270n, 8: 50n, 9: 25n };

/** Independent round-half-up of net × rate, in bigint. */
function roundedIva(net: number, id: IvaRateId): number {
  const exact = BigInt(net) * PER_MILLE[id];
  const whole = exact / 1000n;
  return Number(exact % 1000n >= 500n ? whole + 1n : whole);
}

/** Whether some integer net makes total − net equal round(net × rate), by scanning around total / (1 + rate). */
function someExactSplitExists(total: number, id: IvaRateId): boolean {
  const centre = Number((BigInt(total) * 1000n) / (1000n + PER_MILLE[id]));
  for (let n = Math.max(0, centre - 3); n <= centre + 3; n++) if (total - n === roundedIva(n, id)) return true;
  return false;
}

const anyTotal = fc.oneof(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 1_000_000_000_000 }));
const anyRate = fc.constantFrom(...RATE_IDS);
const ivaClass = fc.constantFrom(1 as const, 6 as const);

/** Everything the split rule promises, as a list of broken promises (plain checks: the exhaustive test runs this 60,000 times). */
function splitViolations(f: InvoiceFigures, total: number, id: IvaRateId): string[] {
  const broken: string[] = [...figuresProblems(f)];
  if (f.totalCents !== total) broken.push('total changed');
  // ImpTotal = ImpTotConc + ImpNeto + ImpOpEx + ImpTrib + ImpIVA
  if (f.untaxedCents + f.netCents + f.exemptCents + f.otherTaxesCents + f.ivaCents !== f.totalCents) broken.push('AFIP total equation');
  if (f.netCents + f.ivaCents !== total) broken.push('net + IVA ≠ total');
  if (f.untaxedCents !== 0 || f.exemptCents !== 0 || f.otherTaxesCents !== 0) broken.push('untaxed, exempt or other taxes not 0');
  const alic = f.iva[0];
  if (f.iva.length !== 1 || !alic || alic.id !== id || alic.baseCents !== f.netCents || alic.amountCents !== f.ivaCents) broken.push('Iva array');
  const rounded = roundedIva(f.netCents, id);
  if (Math.abs(f.ivaCents - rounded) > 1) broken.push('IVA more than 1 centavo from round(net × rate)');
  // The rule: exactly round-half-up(net × rate) whenever the total allows it.
  if ((f.ivaCents === rounded) !== someExactSplitExists(total, id)) broken.push('exact IVA missed or claimed');
  // The net is within ½ centavo of total / (1 + rate): |2·(T·1000 − N·(1000 + p))| ≤ 1000 + p.
  const p = PER_MILLE[id];
  const gap = 2n * (BigInt(total) * 1000n - BigInt(f.netCents) * (1000n + p));
  if (gap > 1000n + p || -gap > 1000n + p) broken.push('net more than ½ centavo from total / (1 + rate)');
  return broken;
}

describe('invoiceFigures', () => {
  it('A and B: the AFIP total equation and the rounding rule hold for any total 1..10^12 and every rate', () => {
    fc.assert(
      fc.property(ivaClass, anyTotal, anyRate, (type, total, id) => {
        expect(splitViolations(invoiceFigures({ voucherType: type, totalCents: total, ivaRateId: id }), total, id)).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });

  it('holds exhaustively for every total up to ARS 100 at every rate, and net and IVA never decrease as the total grows', () => {
    const failures: string[] = [];
    for (const id of RATE_IDS) {
      let previous = { netCents: 0, ivaCents: 0 };
      for (let total = 1; total <= 10_000; total++) {
        const f = invoiceFigures({ voucherType: 6, totalCents: total, ivaRateId: id });
        const broken = splitViolations(f, total, id);
        if (f.netCents < previous.netCents || f.ivaCents < previous.ivaCents) broken.push('decreased');
        if (broken.length > 0) failures.push(`${total} @ ${id}: ${broken.join(', ')}`);
        previous = f;
      }
    }
    expect(failures).toEqual([]);
  });

  it('C: the whole total is ImpNeto, no IVA and no Iva array, whatever rate is passed', () => {
    fc.assert(
      fc.property(anyTotal, fc.option(anyRate, { nil: undefined }), (total, id) => {
        const f = invoiceFigures({ voucherType: 11, totalCents: total, ivaRateId: id });
        expect(f).toEqual({ voucherClass: 'C', totalCents: total, untaxedCents: 0, netCents: total, exemptCents: 0, otherTaxesCents: 0, ivaCents: 0, iva: [] });
        expect(figuresProblems(f)).toEqual([]);
      }),
    );
  });

  it.each([
    // total, rate, net, iva
    [1_500_050, 5, 1_239_711, 260_339],
    [121, 5, 100, 21],
    [100, 5, 83, 17], // 82.64… → 83 gives round(17.43) = 17 exactly
    [3, 5, 2, 1], // no net works (2 → 0.42, 3 → 0.63): nearest, 1 centavo from round(net × rate)
    [110_50, 4, 100_00, 10_50],
    [127, 6, 100, 27],
    [105, 8, 100, 5],
    [1025, 9, 1000, 25],
    [999, 3, 999, 0],
  ] as const)('splits %i at rate id %i into net %i + IVA %i', (total, id, net, iva) => {
    expect(splitIvaIncluded(total, id)).toEqual({ netCents: net, ivaCents: iva });
    expect(invoiceFigures({ voucherType: 1, totalCents: total, ivaRateId: id })).toMatchObject({ voucherClass: 'A', netCents: net, ivaCents: iva });
  });

  it('defaults to 21 % (id 5)', () => expect(invoiceFigures({ voucherType: 6, totalCents: 121 }).iva[0]!.id).toBe(5));

  it('rounds IVA half up', () => {
    expect(ivaOfNet(20n, 9)).toBe(1n); // 0.5
    expect(ivaOfNet(19n, 9)).toBe(0n); // 0.475
    expect(ivaOfNet(50n, 4)).toBe(5n); // 5.25
    expect(ivaOfNet(10n, 5)).toBe(2n); // 2.1
  });

  it('refuses amounts that are not positive whole centavos, or too large for an exact JSON number', () => {
    for (const total of [0, -1, 1.5, Number.NaN, MAX_TOTAL_CENTAVOS + 1]) expect(() => invoiceFigures({ voucherType: 6, totalCents: total })).toThrow(RangeError);
    expect(() => invoiceFigures({ voucherType: 6, totalCents: 100, ivaRateId: 7 as IvaRateId })).toThrow(RangeError);
    expect(() => invoiceFigures({ voucherType: 6, totalCents: MAX_TOTAL_CENTAVOS })).not.toThrow();
  });

  it('names what is wrong with hand-made figures', () => {
    const good = invoiceFigures({ voucherType: 6, totalCents: 121 });
    expect(figuresProblems({ ...good, netCents: 99 })).toContain('ImpTotal ≠ ImpTotConc + ImpNeto + ImpOpEx + ImpTrib + ImpIVA');
    expect(figuresProblems({ ...good, iva: [] })).toContain('A and B carry exactly one IVA rate here');
    expect(figuresProblems({ ...good, iva: [{ id: 5, baseCents: 99, amountCents: 21 }] })).toContain('BaseImp ≠ ImpNeto');
    expect(figuresProblems({ ...good, iva: [{ id: 5, baseCents: 100, amountCents: 20 }] })).toContain('Importe ≠ ImpIVA');
    expect(figuresProblems({ ...good, netCents: -1 })).toEqual(['amounts must be non-negative whole centavos']);
    const c = invoiceFigures({ voucherType: 11, totalCents: 100 });
    expect(figuresProblems({ ...c, netCents: 79, ivaCents: 21, iva: [{ id: 5, baseCents: 79, amountCents: 21 }] })).toContain('class C carries no IVA');
    expect(figuresProblems({ ...c, netCents: 50, exemptCents: 50 })).toContain('class C has ImpTotConc and ImpOpEx 0');
  });
});

/** A total and a way to refund all of it in up to 8 partial refunds. */
const refundPlan = fc
  .tuple(anyTotal, anyRate, fc.constantFrom(1 as const, 6 as const, 11 as const))
  .chain(([total, id, type]) =>
    fc.tuple(
      fc.constant(total),
      fc.constant(id),
      fc.constant(type),
      fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, total - 1) }), { maxLength: 8 }).map((cuts) => {
        const points = [0, ...cuts.filter((c) => c < total).sort((a, b) => a - b), total];
        return points.slice(1).map((p, i) => p - points[i]!);
      }),
    ),
  );

describe('creditNoteFigures', () => {
  it('any sequence of partial refunds adding up to the invoice credits exactly its net and IVA, each note within the rounding rule, never more', () => {
    fc.assert(
      fc.property(refundPlan, ([total, id, type, refunds]) => {
        const invoice = invoiceFigures({ voucherType: type, totalCents: total, ivaRateId: id });
        const notes: InvoiceFigures[] = [];
        for (const refund of refunds) {
          const result = creditNoteFigures(invoice, refund, notes);
          if (!result.ok) throw new Error(result.reason);
          const note = result.value;
          expect(figuresProblems(note)).toEqual([]);
          expect(note.voucherClass).toBe(invoice.voucherClass);
          expect(note.totalCents).toBe(refund);
          if (invoice.voucherClass !== 'C') {
            expect(note.iva[0]!.id).toBe(id);
            expect(Math.abs(note.ivaCents - roundedIva(note.netCents, id))).toBeLessThanOrEqual(1);
          }
          notes.push(note);
          const sum = (k: 'totalCents' | 'netCents' | 'ivaCents') => notes.reduce((a, n) => a + n[k], 0);
          expect(sum('netCents')).toBeLessThanOrEqual(invoice.netCents);
          expect(sum('ivaCents')).toBeLessThanOrEqual(invoice.ivaCents);
        }
        const sum = (k: 'totalCents' | 'netCents' | 'ivaCents') => notes.reduce((a, n) => a + n[k], 0);
        expect([sum('totalCents'), sum('netCents'), sum('ivaCents')]).toEqual([invoice.totalCents, invoice.netCents, invoice.ivaCents]);
        expect(creditNoteFigures(invoice, 1, notes)).toMatchObject({ ok: false, code: 'refund_exceeds_remaining' });
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses a refund larger than what is left, naming what is left in pesos', () => {
    const invoice = invoiceFigures({ voucherType: 6, totalCents: 1_500_050 });
    const first = creditNoteFigures(invoice, 500_000);
    if (!first.ok) throw new Error(first.reason);
    expect(creditNoteFigures(invoice, 1_000_051, [first.value])).toEqual({
      ok: false,
      code: 'refund_exceeds_remaining',
      reason: 'Solo quedan $\u00a010.000,50 de la factura por acreditar.',
    });
    expect(creditNoteFigures(invoice, 1_000_050, [first.value]).ok).toBe(true);
    expect(creditNoteFigures(invoice, 1_500_051)).toMatchObject({ ok: false });
  });

  it('a partial note is the invoice split of its share: the first note is split like an invoice of that total', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 1_000_000_000_000 }), anyRate, (total, id) => {
        const invoice = invoiceFigures({ voucherType: 6, totalCents: total, ivaRateId: id });
        const refund = Math.floor(total / 2);
        const note = creditNoteFigures(invoice, refund);
        expect(note.ok && note.value.netCents).toBe(splitIvaIncluded(refund, id).netCents);
      }),
    );
  });

  it('stays within the invoice when earlier notes were rounded some other way', () => {
    const invoice = invoiceFigures({ voucherType: 6, totalCents: 121 }); // 100 + 21
    const oddEarlier: InvoiceFigures = { ...invoiceFigures({ voucherType: 8, totalCents: 60 }), netCents: 40, ivaCents: 20, iva: [{ id: 5, baseCents: 40, amountCents: 20 }] };
    const rest = creditNoteFigures(invoice, 61, [oddEarlier]);
    expect(rest).toMatchObject({ ok: true, value: { netCents: 60, ivaCents: 1 } });
  });

  it('the note that completes the invoice takes exactly what is left, even of an invoice rounded some other way', () => {
    const handMade: InvoiceFigures = { ...invoiceFigures({ voucherType: 6, totalCents: 121 }), netCents: 101, ivaCents: 20, iva: [{ id: 5, baseCents: 101, amountCents: 20 }] };
    const first = creditNoteFigures(handMade, 60);
    if (!first.ok) throw new Error(first.reason);
    const rest = creditNoteFigures(handMade, 61, [first.value]);
    if (!rest.ok) throw new Error(rest.reason);
    expect([first.value.netCents + rest.value.netCents, first.value.ivaCents + rest.value.ivaCents]).toEqual([101, 20]);
  });

  it('refuses bad refunds and inconsistent history as programming errors', () => {
    const invoice = invoiceFigures({ voucherType: 6, totalCents: 1000 });
    for (const refund of [0, -5, 1.5]) expect(() => creditNoteFigures(invoice, refund)).toThrow(RangeError);
    const c = invoiceFigures({ voucherType: 13, totalCents: 10 });
    expect(() => creditNoteFigures(invoice, 10, [c])).toThrow(/class and rate/);
    const other = invoiceFigures({ voucherType: 8, totalCents: 10, ivaRateId: 4 });
    expect(() => creditNoteFigures(invoice, 10, [other])).toThrow(/class and rate/);
    const tooMuch = invoiceFigures({ voucherType: 8, totalCents: 1001 });
    expect(() => creditNoteFigures(invoice, 1, [tooMuch])).toThrow(/exceed/);
    expect(() => creditNoteFigures({ ...invoice, ivaCents: 0 }, 1)).toThrow(RangeError);
  });
});

describe('AFIP amounts', () => {
  it('writes centavos as decimal text without floating point', () => {
    expect(afipAmount(0)).toBe('0.00');
    expect(afipAmount(5)).toBe('0.05');
    expect(afipAmount(123_450)).toBe('1234.50');
    expect(afipAmount(MAX_TOTAL_CENTAVOS)).toBe('9999999999999.99');
    expect(() => afipAmount(-1)).toThrow(RangeError);
  });

  it('names the figures as FECAEDetRequest does', () => {
    expect(afipImportes(invoiceFigures({ voucherType: 6, totalCents: 1_500_050 }))).toEqual({
      ImpTotal: '15000.50',
      ImpTotConc: '0.00',
      ImpNeto: '12397.11',
      ImpOpEx: '0.00',
      ImpTrib: '0.00',
      ImpIVA: '2603.39',
      Iva: [{ Id: 5, BaseImp: '12397.11', Importe: '2603.39' }],
    });
    expect(afipImportes(invoiceFigures({ voucherType: 11, totalCents: 1_500_050 })).Iva).toEqual([]);
  });
});

describe('allocateProportionally', () => {
  it('adds up exactly and gives each weight its share within a centavo', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000_000_000 }), fc.array(fc.integer({ min: 0, max: 1_000_000_000 }), { minLength: 1, maxLength: 10 }), (amount, weights) => {
        fc.pre(weights.some((w) => w > 0));
        const shares = allocateProportionally(amount, weights);
        expect(shares.reduce((a, b) => a + b, 0)).toBe(amount);
        const total = BigInt(weights.reduce((a, b) => a + b, 0));
        shares.forEach((s, i) => {
          const exactTimesTotal = BigInt(amount) * BigInt(weights[i]!);
          const diff = BigInt(s) * total - exactTimesTotal;
          expect(diff < total && -diff < total).toBe(true);
        });
      }),
    );
    expect(allocateProportionally(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(allocateProportionally(0, [0, 0])).toEqual([0, 0]);
    expect(() => allocateProportionally(1, [0])).toThrow(RangeError);
  });
});
