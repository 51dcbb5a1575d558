import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { shopTimeFormatter } from './format.js';

describe('shopTimeFormatter', () => {
  it('writes the shop’s wall time and offset', () => {
    expect(shopTimeFormatter('America/Argentina/Buenos_Aires')(Date.parse('2026-12-01T12:00:00Z'))).toBe('2026-12-01T09:00:00-03:00');
    expect(shopTimeFormatter('Asia/Kolkata')(Date.parse('2026-12-01T12:00:00Z'))).toBe('2026-12-01T17:30:00+05:30');
    expect(shopTimeFormatter('UTC')(Date.parse('2026-12-01T12:00:00.250Z'))).toBe('2026-12-01T12:00:00.250+00:00');
  });

  it('agrees with luxon across DST changes in every kind of zone', () => {
    const zones = ['America/Argentina/Buenos_Aires', 'America/Santiago', 'America/New_York', 'Europe/Madrid', 'Australia/Lord_Howe', 'Asia/Kathmandu'];
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.integer({ min: Date.parse('2020-01-01'), max: Date.parse('2030-12-31') }), (zone, ms) => {
        const format = shopTimeFormatter(zone);
        const expected = DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true });
        expect(format(ms)).toBe(expected);
        expect(Date.parse(format(ms))).toBe(ms);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses an unknown zone', () => expect(() => shopTimeFormatter('Mars/Olympus')).toThrow(RangeError));
});
