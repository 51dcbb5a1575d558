import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cuitCheckDigit, formatCuit, isValidCuit } from './cuit.js';

describe('CUIT check digit', () => {
  it.each(['20111111112', '30000000007', '20123456786', '33693450239', '20-12345678-6', '30.00000000.7'])(
    'accepts the valid CUIT %s',
    (cuit) => expect(isValidCuit(cuit)).toBe(true),
  );

  it.each([
    ['20111111113', 'wrong check digit'],
    ['2011111111', 'ten digits'],
    ['201111111120', 'twelve digits'],
    ['99111111112', 'unknown type prefix'],
    ['2011111111a', 'a letter'],
    ['', 'empty'],
  ])('refuses %s (%s)', (cuit) => expect(isValidCuit(cuit)).toBe(false));

  it('accepts exactly one check digit for every body that has one, and none for the rest', () => {
    fc.assert(
      fc.property(fc.constantFrom('20', '23', '27', '30', '33'), fc.stringMatching(/^\d{8}$/), (prefix, dni) => {
        const body = prefix + dni;
        const digit = cuitCheckDigit(body);
        const accepted = [...Array(10).keys()].filter((d) => isValidCuit(body + d));
        expect(accepted).toEqual(digit === null ? [] : [digit]);
      }),
    );
  });

  it('formats with dashes', () => expect(formatCuit('20123456786')).toBe('20-12345678-6'));
});
