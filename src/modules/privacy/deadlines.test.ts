import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { AR_ZONE, HolidayTableExhausted, deadlineState, dueDate, isBusinessDay } from './deadlines.js';
import { AR_HOLIDAYS, AR_HOLIDAY_YEARS, businessDayHolidays } from './holidays-ar.js';

const calendar = businessDayHolidays();
/** An Argentine wall-clock time as an instant. */
const ar = (local: string) => DateTime.fromISO(local, { zone: AR_ZONE }).toJSDate();
const endOf = (day: string) => ar(`${day}T23:59:59.999`);
const due = (kind: Parameters<typeof dueDate>[0], local: string) => dueDate(kind, ar(local), calendar).toISOString();

/** Easter Sunday (Gregorian), Meeus/Jones/Butcher: an independent check of the movable feasts. */
function easter(year: number): DateTime {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return DateTime.fromObject({ year, month, day }, { zone: AR_ZONE });
}

describe('the holiday table', () => {
  const byDate = new Map(AR_HOLIDAYS.map((h) => [h.date, h]));

  it('has one row per date, in order, each with a source, only in the covered years', () => {
    const dates = AR_HOLIDAYS.map((h) => h.date);
    expect(new Set(dates).size).toBe(dates.length);
    expect([...dates].sort()).toEqual(dates);
    for (const h of AR_HOLIDAYS) {
      expect(DateTime.fromISO(h.date).isValid, h.date).toBe(true);
      expect(AR_HOLIDAY_YEARS).toContain(Number(h.date.slice(0, 4)));
      expect(h.source.length).toBeGreaterThan(5);
    }
  });

  it.each(AR_HOLIDAY_YEARS)('%i: every fixed-date holiday of Ley 27.399 is there', (year) => {
    for (const md of ['01-01', '03-24', '05-01', '05-25', '06-20', '07-09', '12-08', '12-25']) {
      expect(byDate.get(`${year}-${md}`)?.kind, `${year}-${md}`).toBe('inamovible');
    }
    expect(byDate.get(`${year}-04-02`)?.kind).toBe('inamovible');
  });

  it.each(AR_HOLIDAY_YEARS)('%i: Carnaval, Jueves and Viernes Santo sit where Easter puts them', (year) => {
    const sunday = easter(year);
    expect(byDate.get(sunday.minus({ days: 48 }).toISODate()!)?.name).toBe('Carnaval');
    expect(byDate.get(sunday.minus({ days: 47 }).toISODate()!)?.name).toBe('Carnaval');
    expect(byDate.get(sunday.minus({ days: 2 }).toISODate()!)?.name).toBe('Viernes Santo');
    // Jueves Santo is a día no laborable, unless a holiday already takes the day (2 April 2026).
    expect(byDate.get(sunday.minus({ days: 3 }).toISODate()!)).toBeDefined();
  });

  it.each(AR_HOLIDAY_YEARS)('%i: each movable holiday is observed once, on a Monday or on its own weekend date (art. 6)', (year) => {
    const movable = AR_HOLIDAYS.filter((h) => h.kind === 'trasladable' && h.date.startsWith(String(year)));
    expect(movable).toHaveLength(4);
    for (const [md, days] of [['06-17', 6], ['08-17', 6], ['10-12', 6], ['11-20', 6]] as const) {
      const original = DateTime.fromISO(`${year}-${md}`, { zone: AR_ZONE });
      const observed = movable.filter((h) => Math.abs(DateTime.fromISO(h.date, { zone: AR_ZONE }).diff(original, 'days').days) <= days);
      expect(observed, `${year}-${md}`).toHaveLength(1);
      const day = DateTime.fromISO(observed[0]!.date, { zone: AR_ZONE });
      if (original.weekday >= 6) expect(day.toISODate()).toBe(original.toISODate());
      else expect(day.weekday, observed[0]!.date).toBe(1);
      // The art. 6 rule itself: Tue/Wed → Monday before, Thu/Fri → Monday after (2025 and 2026 confirmed it).
      if (original.weekday === 2 || original.weekday === 3) expect(day < original).toBe(true);
      if (original.weekday === 4 || original.weekday === 5) expect(day > original).toBe(true);
    }
  });

  it('lists the executive’s días no laborables for 2025 and 2026 on Mondays or Fridays, and counts them as business days', () => {
    const tourist = AR_HOLIDAYS.filter((h) => h.kind === 'non_working_day' && h.name.includes('turísticos')).map((h) => h.date);
    expect(tourist).toEqual(['2025-05-02', '2025-08-15', '2025-11-21', '2026-03-23', '2026-07-10', '2026-12-07']);
    for (const d of tourist) expect([1, 5]).toContain(DateTime.fromISO(d).weekday);
    expect(isBusinessDay(DateTime.fromISO('2026-12-07', { zone: AR_ZONE }), calendar)).toBe(true);
    expect(isBusinessDay(DateTime.fromISO('2026-12-08', { zone: AR_ZONE }), calendar)).toBe(false);
  });
});

describe('dueDate: consumer buttons answer within 24 hours', () => {
  it.each(['withdrawal', 'cancellation'] as const)('%s: exactly 24 h after receipt, whatever the day', (kind) => {
    for (const at of ['2026-12-01T10:00:00Z', '2026-12-05T23:59:00Z', '2026-12-24T21:30:00Z', '2027-12-31T23:00:00Z', '2030-01-01T00:00:00Z']) {
      expect(dueDate(kind, new Date(at), calendar).getTime() - new Date(at).getTime()).toBe(24 * 3_600_000);
    }
  });
});

describe('dueDate: access within 10 calendar days', () => {
  it('ends on the tenth Argentine day after receipt, holidays and weekends included', () => {
    expect(due('access', '2026-12-01T09:00')).toBe(endOf('2026-12-11').toISOString());
    expect(due('access', '2026-12-05T15:00')).toBe(endOf('2026-12-15').toISOString()); // a Saturday
  });

  it('crosses the year end', () => {
    expect(due('access', '2026-12-28T10:00')).toBe(endOf('2027-01-07').toISOString());
  });

  it('counts the day in Argentina, not in UTC: 23:30 on 31 Dec in Buenos Aires is already 1 Jan in UTC', () => {
    expect(due('access', '2026-12-31T23:30')).toBe(endOf('2027-01-10').toISOString());
    expect(dueDate('access', new Date('2027-01-01T02:30:00Z'), calendar).toISOString()).toBe(endOf('2027-01-10').toISOString());
  });
});

describe('dueDate: rectification and deletion within 5 business days', () => {
  const cases: Array<[string, string, string]> = [
    ['Monday morning: Tue–Fri and Monday; a día no laborable (7 Dec) counts', '2026-11-30T10:00', '2026-12-07'],
    ['Friday after 18:00 counts from Monday; 8 Dec is a holiday', '2026-12-04T19:00', '2026-12-15'],
    ['Friday 17:59 is still Friday', '2026-12-04T17:59', '2026-12-14'],
    ['Friday 18:00 is after hours', '2026-12-04T18:00', '2026-12-15'],
    ['Saturday counts as received on Monday', '2026-12-05T11:00', '2026-12-15'],
    ['Sunday counts as received on Monday', '2026-12-06T11:00', '2026-12-15'],
    ['a holiday counts as received on the next business day', '2026-12-08T10:00', '2026-12-16'],
    ['Christmas inside the count', '2026-12-23T10:00', '2026-12-31'],
    ['year end: New Year’s Day skipped, due in 2027', '2026-12-24T10:00', '2027-01-04'],
    ['after hours on 31 Dec: received 4 Jan 2027 (1 Jan holiday, then the weekend)', '2026-12-31T20:00', '2027-01-11'],
    ['Carnaval (16–17 Feb 2026) skipped', '2026-02-13T10:00', '2026-02-24'],
    ['Easter week 2026: Malvinas/Jueves Santo and Viernes Santo skipped', '2026-03-31T10:00', '2026-04-09'],
    ['24 March 2026 holiday; 23 March día no laborable counts', '2026-03-19T10:00', '2026-03-27'],
    ['Güemes moved to Monday 15 June 2026; Belgrano on Saturday 20 June', '2026-06-11T10:00', '2026-06-19'],
    ['Soberanía moved to Monday 23 Nov 2026', '2026-11-19T09:00', '2026-11-27'],
    ['2025: Güemes on Monday 16 June, Belgrano on Friday 20 June', '2025-06-12T10:00', '2025-06-23'],
    ['2025: Soberanía on Monday 24 November, 21 Nov día no laborable counts', '2025-11-19T10:00', '2025-11-27'],
    ['2027: San Martín moved to Monday 16 August', '2027-08-12T10:00', '2027-08-20'],
    ['2027: Easter week, Jueves Santo counts, Viernes Santo skipped', '2027-03-22T10:00', '2027-03-31'],
  ];

  it.each(cases)('%s (received %s → due end of %s)', (_what, received, dueDay) => {
    expect(due('rectification', received)).toBe(endOf(dueDay).toISOString());
    expect(due('deletion', received)).toBe(endOf(dueDay).toISOString());
  });

  it('uses the Argentine day for after-hours: 23:00 Monday in Buenos Aires is 02:00 Tuesday UTC', () => {
    expect(dueDate('deletion', new Date('2026-12-01T02:00:00Z'), calendar).toISOString()).toBe(endOf('2026-12-09').toISOString());
  });

  it('refuses to guess past the table: a deadline reaching 2028 throws', () => {
    expect(() => due('deletion', '2027-12-28T10:00')).toThrow(HolidayTableExhausted);
    expect(() => due('deletion', '2024-12-30T10:00')).toThrow(HolidayTableExhausted);
  });

  it('property: due at the end of an Argentine business day, with exactly five business days after the day it counts from', () => {
    const start = ar('2025-01-01T00:00').getTime();
    const end = ar('2027-12-15T00:00').getTime();
    fc.assert(
      fc.property(fc.integer({ min: start, max: end }), (ms) => {
        const receivedAt = new Date(ms);
        const dueAt = dueDate('rectification', receivedAt, calendar);
        const dueDay = DateTime.fromJSDate(dueAt, { zone: AR_ZONE });
        expect(dueDay.toMillis()).toBe(dueDay.endOf('day').toMillis());
        expect(isBusinessDay(dueDay, calendar)).toBe(true);
        const received = DateTime.fromJSDate(receivedAt, { zone: AR_ZONE });
        let deemed = received.startOf('day');
        const afterHours = received.hour >= 18;
        if (!isBusinessDay(deemed, calendar) || afterHours) {
          deemed = deemed.plus({ days: 1 });
          while (!isBusinessDay(deemed, calendar)) deemed = deemed.plus({ days: 1 });
        }
        let businessDays = 0;
        for (let d = deemed.plus({ days: 1 }); d <= dueDay; d = d.plus({ days: 1 })) if (isBusinessDay(d, calendar)) businessDays++;
        expect(businessDays).toBe(5);
        // Never more than the longest stretch the calendar allows: 13¼ days, for a request on
        // Tuesday 23 March 2027 after 18:00 (24 March and Good Friday 26 March, then 2 April).
        expect(dueAt.getTime() - ms).toBeLessThanOrEqual(13.25 * 86_400_000);
        expect(dueAt.getTime()).toBeGreaterThan(ms);
      }),
      { numRuns: 2000 },
    );
  });

  // The deadline only changes when the request crosses an Argentine midnight or 18:00 (the
  // business day's close), both on the hour; between those it is fixed while the request time
  // grows, so the span is longest at an hour's start and walking every hour finds the maximum.
  // (Every quarter hour gave the same answer in four times the time: 35 s on a 2-core machine.)
  it('takes 13¼ days at most, found by walking every hour of the table', () => {
    let longest = { span: 0, at: 0 };
    for (let ms = ar('2025-01-01T00:00').getTime(); ms < ar('2027-12-15T00:00').getTime(); ms += 3_600_000) {
      const span = dueDate('rectification', new Date(ms), calendar).getTime() - ms;
      if (span > longest.span) longest = { span, at: ms };
    }
    expect(longest.span).toBe(13.25 * 86_400_000 - 1);
    expect(new Date(longest.at).toISOString()).toBe('2027-03-23T21:00:00.000Z');
  });
});

describe('deadlineState', () => {
  const now = new Date('2026-12-01T12:00:00Z');
  it('is overdue past the deadline, due soon within a day, on time otherwise', () => {
    expect(deadlineState(new Date('2026-12-01T11:59:59Z'), now)).toBe('overdue');
    expect(deadlineState(new Date('2026-12-01T12:00:00Z'), now)).toBe('due_soon');
    expect(deadlineState(new Date('2026-12-02T12:00:00Z'), now)).toBe('due_soon');
    expect(deadlineState(new Date('2026-12-02T12:00:01Z'), now)).toBe('on_time');
  });
});
