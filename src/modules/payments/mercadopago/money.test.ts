import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { amountToCentavos, centavosToAmount, MAX_CENTAVOS } from './money.js';

describe('centavos ↔ MercadoPago amounts', () => {
  it('round-trips every amount up to the maximum, through JSON as MercadoPago sees it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_CENTAVOS }), (n) => {
        const amount = centavosToAmount(n);
        // What actually travels: the JSON text, parsed on the other side.
        const wire = JSON.parse(JSON.stringify({ amount })) as { amount: number };
        return amountToCentavos(amount) === n && amountToCentavos(wire.amount) === n && amountToCentavos(String(amount)) === n;
      }),
      { numRuns: 10_000 },
    );
  });

  it('round-trips small amounts exhaustively (every centavo up to $ 3.000)', () => {
    for (let n = 0; n <= 300_000; n++) {
      if (amountToCentavos(centavosToAmount(n)) !== n) throw new Error(`round trip failed for ${n}`);
    }
  });

  it('prints at most two decimals in JSON', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_CENTAVOS }), (n) => {
        expect(JSON.stringify(centavosToAmount(n))).toMatch(/^\d+(\.\d{1,2})?$/);
      }),
    );
  });

  it('agrees with exact decimal arithmetic on strings with up to two decimals', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: BigInt(MAX_CENTAVOS) }), fc.constantFrom(0, 1, 2), (n, decimals) => {
        const scaled = decimals === 2 ? n : decimals === 1 ? n - (n % 10n) : n - (n % 100n);
        const whole = scaled / 100n;
        const frac = (scaled % 100n).toString().padStart(2, '0').slice(0, decimals);
        const text = decimals === 0 ? `${whole}` : `${whole}.${frac}`;
        expect(amountToCentavos(text)).toBe(Number(scaled));
      }),
    );
  });

  it('converts the usual values exactly, where float arithmetic would not', () => {
    expect(centavosToAmount(1_500_050)).toBe(15000.5);
    expect(centavosToAmount(29)).toBe(0.29);
    expect(centavosToAmount(0)).toBe(0);
    expect(centavosToAmount(7n)).toBe(0.07);
    expect(amountToCentavos(0.29)).toBe(29); // 0.29 * 100 === 28.999999999999996
    expect(amountToCentavos(15000.5)).toBe(1_500_050);
    expect(amountToCentavos('15000.50')).toBe(1_500_050);
    expect(amountToCentavos(' 10 ')).toBe(1000);
    expect(amountToCentavos(1e3)).toBe(100_000);
    expect(amountToCentavos(-0)).toBe(0);
  });

  it('refuses what is not an exact amount', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1, -0.01, 0.001, 1.005, 0.1 + 0.2, 1e-7, 1e21])
      expect(() => amountToCentavos(bad), String(bad)).toThrow(RangeError);
    for (const bad of ['', 'abc', '1,50', '-1', '1.234', '1e3', '0x10', '.5', '5.', 'NaN', 'Infinity', '١٢'])
      expect(() => amountToCentavos(bad), bad).toThrow(RangeError);
    expect(() => amountToCentavos(String(MAX_CENTAVOS + 1).replace(/(\d\d)$/, '.$1'))).toThrow(RangeError);
  });

  it('refuses centavos that are not whole, safe and non-negative', () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1, MAX_CENTAVOS + 1]) expect(() => centavosToAmount(bad), String(bad)).toThrow(RangeError);
    expect(() => centavosToAmount(-1n)).toThrow(RangeError);
  });

  it('refuses any number with a third decimal, whatever its size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999_999_999 }), fc.integer({ min: 1, max: 9 }), (n, third) => {
        const text = `${Math.floor(n / 100)}.${String(n % 100).padStart(2, '0')}${third}`;
        expect(() => amountToCentavos(text)).toThrow(RangeError);
        expect(() => amountToCentavos(Number(text))).toThrow(RangeError);
      }),
    );
  });
});
