import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCentavos, MAX_AFIP_CENTAVOS, parseAmountToCentavos } from './money.js';

describe('formatCentavos', () => {
  it('writes exactly two decimals with a dot', () => {
    expect(formatCentavos(0)).toBe('0.00');
    expect(formatCentavos(5)).toBe('0.05');
    expect(formatCentavos(50)).toBe('0.50');
    expect(formatCentavos(100)).toBe('1.00');
    expect(formatCentavos(123_456)).toBe('1234.56');
    expect(formatCentavos(1_200_050)).toBe('12000.50');
    expect(formatCentavos(MAX_AFIP_CENTAVOS)).toBe('90071992547409.91');
    expect(formatCentavos(10n ** 15n)).toBe('10000000000000.00');
  });

  it('refuses what is not a whole, non-negative, safe number of centavos', () => {
    for (const bad of [-1, 0.5, 12.34, Number.NaN, Number.POSITIVE_INFINITY, MAX_AFIP_CENTAVOS + 1]) expect(() => formatCentavos(bad)).toThrow(RangeError);
    expect(() => formatCentavos(-1n)).toThrow(RangeError);
  });
});

describe('parseAmountToCentavos', () => {
  it('reads the forms a .NET double takes on the wire', () => {
    const cases: Array<[string, number]> = [
      ['1234.56', 123_456],
      ['1234.5', 123_450],
      ['1234', 123_400],
      ['0', 0],
      ['0.0', 0],
      ['-0', 0],
      ['0.01', 1],
      ['0.5', 50],
      ['1234.5600', 123_456],
      ['  12.00 ', 1_200],
      ['1.2345E3', 123_450],
      ['1.2345e+3', 123_450],
      ['1E+12', 100_000_000_000_000],
      ['9.007199254740991E+13', MAX_AFIP_CENTAVOS],
      ['5E-2', 5],
      ['123456E-2', 123_456],
      ['00012.30', 1_230],
    ];
    for (const [input, expected] of cases) expect(parseAmountToCentavos(input), input).toBe(expected);
  });

  it('refuses sub-centavo digits, negatives and non-numbers instead of rounding', () => {
    for (const bad of ['1E+15', '1.005', '0.001', '1E-3', '-1', '-0.01', '', 'abc', '1,50', '1.2.3', 'NaN', 'Infinity', '0x10', '1e99999']) {
      expect(() => parseAmountToCentavos(bad), bad).toThrow(RangeError);
    }
  });

  it('round-trips every amount (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_AFIP_CENTAVOS }), (centavos) => {
        const text = formatCentavos(centavos);
        expect(text).toMatch(/^\d+\.\d{2}$/);
        expect(parseAmountToCentavos(text)).toBe(centavos);
      }),
      { numRuns: 2_000 },
    );
  });

  it('agrees with decimal arithmetic on amounts written with trailing zeros or an exponent (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 13n }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: -3, max: 3 }), (centavos, zeros, shift) => {
        const plain = `${formatCentavos(centavos)}${'0'.repeat(zeros)}`;
        expect(parseAmountToCentavos(plain)).toBe(Number(centavos));
        // The same value as mantissa × 10^shift.
        const digits = centavos.toString();
        const mantissaScale = 2 + shift;
        if (mantissaScale >= 0) {
          const padded = digits.padStart(mantissaScale + 1, '0');
          const mantissa = mantissaScale === 0 ? padded : `${padded.slice(0, -mantissaScale)}.${padded.slice(-mantissaScale)}`;
          expect(parseAmountToCentavos(`${mantissa}E${shift}`)).toBe(Number(centavos));
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('sums exactly where floats do not', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(parseAmountToCentavos('0.10') + parseAmountToCentavos('0.20')).toBe(parseAmountToCentavos('0.30'));
  });
});
