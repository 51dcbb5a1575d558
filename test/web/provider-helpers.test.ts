import { describe, expect, it } from 'vitest';
import { addDays, formatCalendarDate, mondayOf, weekdayOf } from '../../web/src/provider/dates.js';
import { centavosToInput, parsePesos } from '../../web/src/provider/money.js';

describe('provider workspace: prices typed in pesos', () => {
  it.each([
    ['15000', 1_500_000],
    ['15.000', 1_500_000],
    ['15.000,50', 1_500_050],
    ['15000,5', 1_500_050],
    ['$ 15.000,05', 1_500_005],
    ['0', 0],
    ['1.234.567,89', 123_456_789],
  ])('reads %s as %i centavos', (input, centavos) => {
    expect(parsePesos(input)).toBe(centavos);
  });

  it.each(['', 'abc', '15,000.50', '15.00', '1,234', '15000,505', '-100', '15.0000'])('refuses %j', (input) => {
    expect(parsePesos(input)).toBeNull();
  });

  it('writes centavos back for editing without losing a centavo', () => {
    expect(centavosToInput(1_500_050)).toBe('15000,50');
    expect(centavosToInput(1_500_000)).toBe('15000');
    expect(centavosToInput(5)).toBe('0,05');
    for (const c of [0, 1, 99, 100, 1_500_050, 123_456_789]) expect(parsePesos(centavosToInput(c))).toBe(c);
  });
});

describe('provider workspace: calendar dates', () => {
  it('steps dates across months and years, and finds Monday', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(weekdayOf('2026-12-01')).toBe(2);
    expect(mondayOf('2026-12-06')).toBe('2026-11-30');
    expect(mondayOf('2026-11-30')).toBe('2026-11-30');
    expect(formatCalendarDate('2026-12-01')).toBe('martes, 1 de diciembre');
  });
});
