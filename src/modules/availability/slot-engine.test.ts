import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { DateTime, Settings } from 'luxon';
import {
  addDays,
  computeSlots,
  localDateOf,
  localDayBounds,
  type BarberSchedule,
  type Interval,
  type MinuteRange,
  type Slot,
  type SlotQuery,
  type WeeklyRange,
} from './slot-engine.js';

const BA = 'America/Argentina/Buenos_Aires';
const SANTIAGO = 'America/Santiago';
const NEW_YORK = 'America/New_York';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const hm = (hours: number, minutes = 0): number => hours * 60 + minutes;
/** Epoch ms of a local wall time, e.g. at('2026-06-15T09:00', BA). */
const at = (localIso: string, zone: string): number => DateTime.fromISO(localIso, { zone }).toMillis();
const iso = (instant: number): string => new Date(instant).toISOString();
const localIso = (instant: number, zone: string): string => DateTime.fromMillis(instant, { zone }).toISO() ?? '';

function barber(overrides: Partial<BarberSchedule> = {}): BarberSchedule {
  return { barberId: 'b1', weeklyHours: [], weeklyBreaks: [], overrides: [], timeOff: [], busy: [], ...overrides };
}

function everyDay(startMinute: number, endMinute: number): WeeklyRange[] {
  return [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, startMinute, endMinute }));
}

function query(overrides: Partial<SlotQuery> = {}): SlotQuery {
  return {
    timezone: BA,
    from: '2026-06-15',
    to: '2026-06-15',
    durationMinutes: 30,
    bufferBeforeMinutes: 0,
    bufferAfterMinutes: 0,
    slotStepMinutes: 30,
    minNoticeMinutes: 0,
    horizonDays: 60,
    // Far enough before every example date that notice and horizon don't interfere.
    now: Date.parse('2026-06-01T00:00:00Z'),
    ...overrides,
  };
}

const localStarts = (slots: readonly Slot[], zone = BA): string[] =>
  slots.map((s) => DateTime.fromMillis(s.start, { zone }).toFormat("yyyy-MM-dd'T'HH:mm"));
const times = (slots: readonly Slot[], zone = BA): string[] =>
  slots.map((s) => DateTime.fromMillis(s.start, { zone }).toFormat('HH:mm'));

// 2026-06-15 is a Monday (weekday 1).
const MONDAY = 1;
const shopBarber = (extra: Partial<BarberSchedule> = {}): BarberSchedule =>
  barber({
    weeklyHours: [{ weekday: MONDAY, startMinute: hm(9), endMinute: hm(20) }],
    weeklyBreaks: [{ weekday: MONDAY, startMinute: hm(13), endMinute: hm(14) }],
    ...extra,
  });

describe('calendar helpers', () => {
  it('addDays crosses month, year and leap-day boundaries', () => {
    expect(addDays('2026-06-15', 0)).toBe('2026-06-15');
    expect(addDays('2026-01-31', 1)).toBe('2026-02-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-06-15', 365)).toBe('2027-06-15');
    expect(addDays('0050-01-01', 1)).toBe('0050-01-02');
  });

  it('localDateOf uses the zone, not UTC', () => {
    // 02:00Z is still the previous evening in Buenos Aires (UTC−3).
    expect(localDateOf(Date.parse('2026-06-16T02:00:00Z'), BA)).toBe('2026-06-15');
    expect(localDateOf(Date.parse('2026-06-16T03:00:00Z'), BA)).toBe('2026-06-16');
    expect(localDateOf(Date.parse('2026-06-16T02:59:59.999Z'), BA)).toBe('2026-06-15');
  });

  it('localDayBounds is 24 h in Buenos Aires and 23 h / 25 h on DST days', () => {
    const ba = localDayBounds('2026-06-15', BA);
    expect(iso(ba.start)).toBe('2026-06-15T03:00:00.000Z');
    expect(ba.end - ba.start).toBe(24 * HOUR);

    const nySpring = localDayBounds('2026-03-08', NEW_YORK);
    expect(nySpring.end - nySpring.start).toBe(23 * HOUR);
    const nyFall = localDayBounds('2026-11-01', NEW_YORK);
    expect(nyFall.end - nyFall.start).toBe(25 * HOUR);
    const nyNormal = localDayBounds('2026-03-09', NEW_YORK);
    expect(nyNormal.end - nyNormal.start).toBe(24 * HOUR);

    // Chile moves its clocks at local midnight: back on the night of Sat 4
    // April (Saturday gets 25 h), forward on Sun 6 September (midnight does
    // not exist, the day starts at 01:00 and lasts 23 h).
    const clFall = localDayBounds('2026-04-04', SANTIAGO);
    expect(clFall.end - clFall.start).toBe(25 * HOUR);
    const clSpring = localDayBounds('2026-09-06', SANTIAGO);
    expect(clSpring.end - clSpring.start).toBe(23 * HOUR);
    expect(localIso(clSpring.start, SANTIAGO)).toBe('2026-09-06T01:00:00.000-03:00');
    // Consecutive days tile the time line with no gap and no overlap.
    expect(localDayBounds('2026-09-05', SANTIAGO).end).toBe(clSpring.start);
  });
});

describe('computeSlots: a normal Buenos Aires day', () => {
  it('produces slots around the lunch break with correct UTC offsets', () => {
    const slots = computeSlots(query(), [shopBarber()]);
    expect(times(slots)).toEqual([
      ...['09:00', '09:30', '10:00', '10:30', '11:00', '11:30', '12:00', '12:30'],
      ...['14:00', '14:30', '15:00', '15:30', '16:00', '16:30', '17:00', '17:30', '18:00', '18:30', '19:00', '19:30'],
    ]);
    const first = slots[0]!;
    // Buenos Aires is UTC−3 all year: 09:00 local is 12:00Z.
    expect(iso(first.start)).toBe('2026-06-15T12:00:00.000Z');
    expect(localIso(first.start, BA)).toBe('2026-06-15T09:00:00.000-03:00');
    expect(first.end - first.start).toBe(30 * MINUTE);
    expect(first.barberId).toBe('b1');
  });

  it('lets buffers spill outside working time but not the service itself', () => {
    const slots = computeSlots(query({ bufferBeforeMinutes: 15, bufferAfterMinutes: 15 }), [shopBarber()]);
    const t = times(slots);
    expect(t[0]).toBe('09:00');
    expect(t).toContain('12:30');
    expect(t).toContain('14:00');
    expect(t.at(-1)).toBe('19:30');
  });

  it('a booking removes exactly the slots whose blocked interval overlaps it', () => {
    const q = query({ slotStepMinutes: 15, bufferBeforeMinutes: 5, bufferAfterMinutes: 10 });
    const free = computeSlots(q, [shopBarber()]);
    // Existing 10:00–10:30 booking with its own 5/10 min buffers: busy 09:55–10:40.
    const busy: Interval = { start: at('2026-06-15T09:55', BA), end: at('2026-06-15T10:40', BA) };
    const booked = computeSlots(q, [shopBarber({ busy: [busy] })]);
    const removed = times(free).filter((t) => !times(booked).includes(t));
    // A candidate's blocked interval is [s−5, s+40): it clears the busy block
    // iff s+40 <= 09:55 or s−5 >= 10:40, i.e. s <= 09:15 or s >= 10:45.
    expect(removed).toEqual(['09:30', '09:45', '10:00', '10:15', '10:30']);
    expect(times(booked)).toContain('09:15');
    expect(times(booked)).toContain('10:45');
    expect(booked.length).toBe(free.length - 5);
  });

  it('treats touching intervals as free (half-open)', () => {
    const busy = { start: at('2026-06-15T10:00', BA), end: at('2026-06-15T10:30', BA) };
    const slots = computeSlots(query(), [shopBarber({ busy: [busy] })]);
    expect(times(slots).slice(0, 3)).toEqual(['09:00', '09:30', '10:30']);
  });

  it('handles unsorted, overlapping busy intervals', () => {
    const b = (s: string, e: string): Interval => ({ start: at(`2026-06-15T${s}`, BA), end: at(`2026-06-15T${e}`, BA) });
    const busy = [b('15:00', '16:00'), b('09:10', '09:20'), b('15:30', '17:00'), b('09:15', '10:00'), b('16:50', '17:10')];
    const slots = computeSlots(query(), [shopBarber({ busy })]);
    expect(times(slots)).toEqual([
      ...['10:00', '10:30', '11:00', '11:30', '12:00', '12:30'],
      ...['14:00', '14:30', '17:30', '18:00', '18:30', '19:00', '19:30'],
    ]);
  });

  it('time off spanning midnight blocks both days', () => {
    const worker = barber({
      weeklyHours: [
        { weekday: MONDAY, startMinute: hm(18), endMinute: 1440 },
        { weekday: MONDAY + 1, startMinute: 0, endMinute: hm(6) },
      ],
      timeOff: [{ start: at('2026-06-15T22:00', BA), end: at('2026-06-16T02:00', BA) }],
    });
    const slots = computeSlots(query({ to: '2026-06-16', durationMinutes: 60, slotStepMinutes: 60 }), [worker]);
    expect(localStarts(slots)).toEqual([
      '2026-06-15T18:00',
      '2026-06-15T19:00',
      '2026-06-15T20:00',
      '2026-06-15T21:00',
      '2026-06-16T02:00',
      '2026-06-16T03:00',
      '2026-06-16T04:00',
      '2026-06-16T05:00',
    ]);
  });

  it('an override with no ranges closes the day; other days keep weekly hours', () => {
    const worker = barber({
      weeklyHours: everyDay(hm(9), hm(10)),
      overrides: [{ date: '2026-06-16', ranges: [] }],
    });
    const slots = computeSlots(query({ to: '2026-06-17' }), [worker]);
    expect(localStarts(slots)).toEqual(['2026-06-15T09:00', '2026-06-15T09:30', '2026-06-17T09:00', '2026-06-17T09:30']);
  });

  it('an override replaces both weekly hours and weekly breaks', () => {
    const worker = shopBarber({
      weeklyBreaks: [{ weekday: MONDAY, startMinute: hm(11), endMinute: hm(11, 30) }],
      overrides: [{ date: '2026-06-15', ranges: [{ startMinute: hm(10), endMinute: hm(12) }] }],
    });
    expect(times(computeSlots(query(), [worker]))).toEqual(['10:00', '10:30', '11:00', '11:30']);
  });

  it('merges touching and overlapping ranges of a day, so a slot may straddle them', () => {
    const worker = barber({
      overrides: [
        {
          date: '2026-06-15',
          ranges: [
            { startMinute: hm(13), endMinute: hm(14) },
            { startMinute: hm(9), endMinute: hm(11) },
            { startMinute: hm(10), endMinute: hm(13) },
          ],
        },
      ],
    });
    const slots = computeSlots(query({ durationMinutes: 60, slotStepMinutes: 45 }), [worker]);
    expect(times(slots)).toEqual(['09:00', '09:45', '10:30', '11:15', '12:00', '12:45']);
  });

  it('minNotice: the first slot is the first aligned start at or after now + notice', () => {
    const worker = shopBarber();
    const late = computeSlots(query({ now: at('2026-06-15T09:07', BA), minNoticeMinutes: 60 }), [worker]);
    expect(times(late)[0]).toBe('10:30');
    const exact = computeSlots(query({ now: at('2026-06-15T09:00', BA), minNoticeMinutes: 60 }), [worker]);
    expect(times(exact)[0]).toBe('10:00');
    const justAfter = computeSlots(query({ now: at('2026-06-15T09:00', BA) + 1, minNoticeMinutes: 60 }), [worker]);
    expect(times(justAfter)[0]).toBe('10:30');
  });

  it('horizon: today plus horizonDays days are bookable, through the last local midnight', () => {
    const worker = barber({ weeklyHours: everyDay(hm(23), 1440) });
    const now = at('2026-06-15T08:00', BA);
    const base = query({ from: '2026-06-15', to: '2026-06-20', now });
    const dates = (slots: Slot[]): string[] => [...new Set(localStarts(slots).map((s) => s.slice(0, 10)))];

    expect(dates(computeSlots({ ...base, horizonDays: 0 }, [worker]))).toEqual(['2026-06-15']);
    const twoDays = computeSlots({ ...base, horizonDays: 1 }, [worker]);
    expect(dates(twoDays)).toEqual(['2026-06-15', '2026-06-16']);
    // The 23:30 slot of the last horizon day ends exactly at the horizon midnight.
    expect(localStarts(twoDays).at(-1)).toBe('2026-06-16T23:30');
    expect(twoDays.at(-1)!.end).toBe(localDayBounds('2026-06-17', BA).start);
    // Today is the local date of now: 01:00Z on the 16th is still 22:00 on the 15th in Buenos Aires.
    const lateNight = computeSlots({ ...base, now: Date.parse('2026-06-16T01:00:00Z'), horizonDays: 0 }, [worker]);
    expect(localStarts(lateNight)).toEqual(['2026-06-15T23:00', '2026-06-15T23:30']);
  });

  it('slot step smaller than the duration yields overlapping candidates', () => {
    const worker = barber({ weeklyHours: [{ weekday: MONDAY, startMinute: hm(9), endMinute: hm(10) }] });
    const slots = computeSlots(query({ durationMinutes: 45, slotStepMinutes: 5 }), [worker]);
    expect(times(slots)).toEqual(['09:00', '09:05', '09:10', '09:15']);
  });

  it('slot step larger than the duration leaves gaps between candidates', () => {
    const worker = barber({ weeklyHours: [{ weekday: MONDAY, startMinute: hm(9), endMinute: hm(11) }] });
    const slots = computeSlots(query({ durationMinutes: 20, slotStepMinutes: 50 }), [worker]);
    expect(times(slots)).toEqual(['09:00', '09:50', '10:40']);
  });

  it('jumps past a busy block to the next aligned candidate of the range grid', () => {
    const worker = barber({
      weeklyHours: [{ weekday: MONDAY, startMinute: hm(9), endMinute: hm(12) }],
      busy: [{ start: at('2026-06-15T09:03', BA), end: at('2026-06-15T10:22', BA) }],
    });
    // Grid 09:00, 09:20, …; bufferBefore 5 means 10:20 (blocked from 10:15) is still hit, 10:40 is not.
    const slots = computeSlots(query({ durationMinutes: 20, slotStepMinutes: 20, bufferBeforeMinutes: 5 }), [worker]);
    expect(times(slots)).toEqual(['10:40', '11:00', '11:20', '11:40']);
  });

  it('sorts across barbers by start, keeping the given barber order on ties', () => {
    const a = shopBarber({ barberId: 'zeta' });
    const b = shopBarber({ barberId: 'alpha', busy: [{ start: at('2026-06-15T09:00', BA), end: at('2026-06-15T09:30', BA) }] });
    const slots = computeSlots(query(), [a, b]);
    expect(slots.slice(0, 4).map((s) => `${times([s])[0]} ${s.barberId}`)).toEqual([
      '09:00 zeta',
      '09:30 zeta',
      '09:30 alpha',
      '10:00 zeta',
    ]);
  });

  it('ignores history outside the window and a huge from/to is bounded by the horizon', () => {
    const busy = Array.from({ length: 5000 }, (_, i) => ({ start: Date.UTC(2020, 0, 1) + i * HOUR, end: Date.UTC(2020, 0, 1) + i * HOUR + 1 }));
    const worker = barber({ weeklyHours: everyDay(hm(9), hm(10)), busy });
    const slots = computeSlots(query({ from: '2000-01-01', to: '2099-12-31', horizonDays: 2, now: at('2026-06-15T00:00', BA) }), [
      worker,
    ]);
    expect(localStarts(slots)).toEqual([
      '2026-06-15T09:00',
      '2026-06-15T09:30',
      '2026-06-16T09:00',
      '2026-06-16T09:30',
      '2026-06-17T09:00',
      '2026-06-17T09:30',
    ]);
  });
});

describe('computeSlots across DST changes', () => {
  const earlyMorning = (weekday: number): BarberSchedule =>
    barber({ weeklyHours: [{ weekday, startMinute: 0, endMinute: hm(6) }] });
  const newYorkQuery = (date: string): SlotQuery =>
    query({ timezone: NEW_YORK, from: date, to: date, now: Date.parse('2026-01-01T00:00:00Z'), horizonDays: 400 });

  it('New York spring forward (2026-03-08): 00:00–06:00 is 5 real hours', () => {
    const slots = computeSlots(newYorkQuery('2026-03-08'), [earlyMorning(0)]);
    expect(slots).toHaveLength(10);
    expect(iso(slots[0]!.start)).toBe('2026-03-08T05:00:00.000Z');
    expect(iso(slots.at(-1)!.start)).toBe('2026-03-08T09:30:00.000Z');
    for (let i = 1; i < slots.length; i++) expect(slots[i]!.start - slots[i - 1]!.start).toBe(30 * MINUTE);
    // 01:30 EST is followed by 03:00 EDT: the local hour 02 never appears.
    expect(times(slots, NEW_YORK)).toEqual(['00:00', '00:30', '01:00', '01:30', '03:00', '03:30', '04:00', '04:30', '05:00', '05:30']);
  });

  it('New York fall back (2026-11-01): 00:00–06:00 is 7 real hours', () => {
    const slots = computeSlots(newYorkQuery('2026-11-01'), [earlyMorning(0)]);
    expect(slots).toHaveLength(14);
    expect(iso(slots[0]!.start)).toBe('2026-11-01T04:00:00.000Z');
    expect(slots.at(-1)!.end).toBe(Date.parse('2026-11-01T11:00:00.000Z'));
  });

  it('New York: 09:00 local stays 09:00 local across both changes', () => {
    const nineToTen = barber({ weeklyHours: everyDay(hm(9), hm(10)) });
    const spring = computeSlots({ ...newYorkQuery('2026-03-07'), to: '2026-03-09', slotStepMinutes: 60 }, [nineToTen]);
    expect(spring.map((s) => localIso(s.start, NEW_YORK))).toEqual([
      '2026-03-07T09:00:00.000-05:00',
      '2026-03-08T09:00:00.000-04:00',
      '2026-03-09T09:00:00.000-04:00',
    ]);
    expect(spring.map((s) => iso(s.start))).toEqual(['2026-03-07T14:00:00.000Z', '2026-03-08T13:00:00.000Z', '2026-03-09T13:00:00.000Z']);
    const fall = computeSlots({ ...newYorkQuery('2026-10-31'), to: '2026-11-02', slotStepMinutes: 60 }, [nineToTen]);
    expect(fall.map((s) => iso(s.start))).toEqual(['2026-10-31T13:00:00.000Z', '2026-11-01T14:00:00.000Z', '2026-11-02T14:00:00.000Z']);
  });

  it('New York: a range entirely inside the spring-forward gap that ends up inverted is dropped', () => {
    // 02:30 maps forward to 03:30 EDT, which is after 03:00 EDT.
    const worker = barber({ overrides: [{ date: '2026-03-08', ranges: [{ startMinute: hm(2, 30), endMinute: hm(3, 15) }] }] });
    expect(computeSlots({ ...newYorkQuery('2026-03-08'), durationMinutes: 5, slotStepMinutes: 5 }, [worker])).toEqual([]);
    // 02:00–02:40 maps to 03:00–03:40 EDT and survives.
    const inGap = barber({ overrides: [{ date: '2026-03-08', ranges: [{ startMinute: hm(2), endMinute: hm(2, 40) }] }] });
    const slots = computeSlots({ ...newYorkQuery('2026-03-08'), durationMinutes: 20, slotStepMinutes: 20 }, [inGap]);
    expect(slots.map((s) => localIso(s.start, NEW_YORK))).toEqual(['2026-03-08T03:00:00.000-04:00', '2026-03-08T03:20:00.000-04:00']);
  });

  it('a wall time that occurs twice maps to the later instant (as in PostgreSQL)', () => {
    // 01:30 happens at 05:30Z (EDT) and again at 06:30Z (EST) on 2026-11-01.
    const ny = barber({ overrides: [{ date: '2026-11-01', ranges: [{ startMinute: hm(1, 30), endMinute: hm(2) }] }] });
    expect(computeSlots(newYorkQuery('2026-11-01'), [ny]).map((s) => iso(s.start))).toEqual(['2026-11-01T06:30:00.000Z']);
    // Santiago repeats 23:00–24:00 on 2026-04-04 (−03 then −04).
    const cl = barber({ overrides: [{ date: '2026-04-04', ranges: [{ startMinute: hm(23), endMinute: 1440 }] }] });
    expect(computeSlots(santiagoQuery('2026-04-04'), [cl]).map((s) => localIso(s.start, SANTIAGO))).toEqual([
      '2026-04-04T23:00:00.000-04:00',
      '2026-04-04T23:30:00.000-04:00',
    ]);
  });

  it('does not depend on the system clock (luxon resolves ambiguous times from Settings.now)', () => {
    const worker = barber({ weeklyHours: everyDay(hm(1), hm(3)) });
    const q = { ...newYorkQuery('2026-10-31'), to: '2026-11-02', durationMinutes: 15, slotStepMinutes: 15 };
    const run = (systemNow: string): unknown => {
      const saved = Settings.now;
      Settings.now = () => Date.parse(systemNow);
      try {
        return [computeSlots(q, [worker]), localDayBounds('2026-11-01', NEW_YORK), localDayBounds('2026-04-04', SANTIAGO)];
      } finally {
        Settings.now = saved;
      }
    };
    expect(run('2026-07-01T00:00:00Z')).toEqual(run('2026-12-01T00:00:00Z'));
  });

  const santiagoQuery = (date: string): SlotQuery =>
    query({ timezone: SANTIAGO, from: date, to: date, now: Date.parse('2026-01-01T00:00:00Z'), horizonDays: 400 });

  it('Santiago spring forward (Sun 2026-09-06, midnight skipped): 00:00–06:00 is 5 real hours', () => {
    const slots = computeSlots(santiagoQuery('2026-09-06'), [earlyMorning(0)]);
    expect(slots).toHaveLength(10);
    expect(localIso(slots[0]!.start, SANTIAGO)).toBe('2026-09-06T01:00:00.000-03:00');
    expect(slots.at(-1)!.end).toBe(at('2026-09-06T06:00', SANTIAGO));
  });

  it('Santiago fall back (night of Sat 2026-04-04): 18:00–24:00 is 7 real hours', () => {
    const evening = barber({ weeklyHours: [{ weekday: 6, startMinute: hm(18), endMinute: 1440 }] });
    const slots = computeSlots(santiagoQuery('2026-04-04'), [evening]);
    expect(slots).toHaveLength(14);
    expect(iso(slots[0]!.start)).toBe('2026-04-04T21:00:00.000Z');
    expect(slots.at(-1)!.end).toBe(localDayBounds('2026-04-05', SANTIAGO).start);
    // 00:00–06:00 on the change day itself is untouched: 6 h.
    expect(computeSlots(santiagoQuery('2026-04-04'), [earlyMorning(6)])).toHaveLength(12);
  });

  it('Santiago: 09:00 local stays 09:00 local across the change, with a new offset', () => {
    const nineToTen = barber({ weeklyHours: everyDay(hm(9), hm(10)) });
    const slots = computeSlots({ ...santiagoQuery('2026-04-04'), to: '2026-04-05', slotStepMinutes: 60 }, [nineToTen]);
    expect(slots.map((s) => localIso(s.start, SANTIAGO))).toEqual(['2026-04-04T09:00:00.000-03:00', '2026-04-05T09:00:00.000-04:00']);
    expect(slots.map((s) => iso(s.start))).toEqual(['2026-04-04T12:00:00.000Z', '2026-04-05T13:00:00.000Z']);
  });
});

describe('input validation', () => {
  const ok = [shopBarber()];
  it.each<[string, Partial<SlotQuery>, RegExp]>([
    ['unknown timezone', { timezone: 'Mars/Olympus_Mons' }, /timezone/],
    ['empty timezone', { timezone: '' }, /timezone/],
    ['from after to', { from: '2026-06-16', to: '2026-06-15' }, /must not be after/],
    ['impossible date', { from: '2026-02-30', to: '2026-03-01' }, /valid calendar date/],
    ['unpadded date', { from: '2026-6-1' }, /YYYY-MM-DD/],
    ['zero step', { slotStepMinutes: 0 }, /slotStepMinutes/],
    ['negative step', { slotStepMinutes: -15 }, /slotStepMinutes/],
    ['zero duration', { durationMinutes: 0 }, /durationMinutes/],
    ['too long duration', { durationMinutes: 481 }, /durationMinutes/],
    ['fractional duration', { durationMinutes: 30.5 }, /durationMinutes/],
    ['negative buffer', { bufferAfterMinutes: -1 }, /bufferAfterMinutes/],
    ['negative horizon', { horizonDays: -1 }, /horizonDays/],
    ['NaN clock', { now: Number.NaN }, /now/],
  ])('rejects %s', (_name, patch, message) => {
    expect(() => computeSlots(query(patch), ok)).toThrow(RangeError);
    expect(() => computeSlots(query(patch), ok)).toThrow(message);
  });

  it('rejects malformed schedules', () => {
    const cases: BarberSchedule[][] = [
      [shopBarber(), shopBarber()],
      [barber({ weeklyHours: [{ weekday: 7, startMinute: 0, endMinute: 60 }] })],
      [barber({ weeklyHours: [{ weekday: 1, startMinute: 60, endMinute: 60 }] })],
      [barber({ weeklyBreaks: [{ weekday: 1, startMinute: 0, endMinute: 1441 }] })],
      [barber({ busy: [{ start: 10, end: 5 }] })],
      [barber({ timeOff: [{ start: Number.POSITIVE_INFINITY, end: 5 }] })],
      [barber({ overrides: [{ date: '2026-06-15', ranges: [] }, { date: '2026-06-15', ranges: [] }] })],
      [barber({ barberId: '' })],
    ];
    for (const barbers of cases) expect(() => computeSlots(query(), barbers)).toThrow(RangeError);
  });

  it('rejects bad arguments to the helpers', () => {
    expect(() => localDayBounds('2026-06-15', 'Nowhere/City')).toThrow(RangeError);
    expect(() => localDayBounds('15/06/2026', BA)).toThrow(RangeError);
    expect(() => localDateOf(Number.NaN, BA)).toThrow(RangeError);
    expect(() => addDays('2026-06-15', 1.5)).toThrow(RangeError);
    expect(() => addDays('2026-13-01', 1)).toThrow(RangeError);
  });

  it('returns nothing for no barbers and for a window entirely in the past', () => {
    expect(computeSlots(query(), [])).toEqual([]);
    expect(computeSlots(query({ now: Date.parse('2026-07-01T00:00:00Z') }), ok)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// Property-based tests
// ---------------------------------------------------------------------------

/**
 * The wall-clock rule of the engine, restated independently: try the offsets
 * in force a day before and a day after; keep the latest instant whose local
 * reading is exactly that wall time; if there is none (a spring-forward gap),
 * read the wall time with the smaller offset, i.e. the one before the change.
 */
function referenceWallToInstant(date: string, minute: number, zone: string): number {
  const wall = DateTime.fromISO(date, { zone: 'utc' }).toMillis() + minute * MINUTE;
  const offsetAt = (t: number): number => DateTime.fromMillis(t, { zone }).offset;
  const offsets = [offsetAt(wall - 24 * HOUR), offsetAt(wall + 24 * HOUR)];
  const exact = offsets.map((o) => wall - o * MINUTE).filter((t) => t + offsetAt(t) * MINUTE === wall);
  return exact.length > 0 ? Math.max(...exact) : wall - Math.min(...offsets) * MINUTE;
}

/**
 * Brute-force reference, deliberately written without the engine's helpers or
 * algorithms: luxon for dates, a per-wall-minute working mask per day, a set
 * of real minutes to merge ranges, and every candidate checked against every
 * obstacle. Only valid for zones whose offsets are whole minutes.
 */
function referenceSlots(q: SlotQuery, barbers: readonly BarberSchedule[]): Slot[] {
  const zone = q.timezone;
  const nextDate = (date: string, days: number): string => DateTime.fromISO(date, { zone: 'utc' }).plus({ days }).toISODate()!;
  const wall = (date: string, minute: number): number => referenceWallToInstant(date, minute, zone);
  const today = DateTime.fromMillis(q.now, { zone }).toISODate()!;
  const horizonEnd = wall(nextDate(today, q.horizonDays + 1), 0);
  const earliest = q.now + q.minNoticeMinutes * MINUTE;
  const duration = q.durationMinutes * MINUTE;
  const step = q.slotStepMinutes * MINUTE;

  const found: { slot: Slot; order: number }[] = [];
  for (let date = q.from; date <= q.to; date = nextDate(date, 1)) {
    const dayStart = wall(date, 0);
    const dayEnd = wall(date, 1440);
    const weekday = DateTime.fromISO(date, { zone: 'utc' }).weekday % 7;
    barbers.forEach((b, order) => {
      const obstacles = [...b.busy, ...b.timeOff];
      const mask = new Array<boolean>(1440).fill(false);
      const override = b.overrides.find((o) => o.date === date);
      const paint = (ranges: readonly MinuteRange[], value: boolean): void => {
        for (const r of ranges) for (let m = r.startMinute; m < r.endMinute; m++) mask[m] = value;
      };
      if (override) {
        paint(override.ranges, true);
      } else {
        paint(b.weeklyHours.filter((r) => r.weekday === weekday), true);
        paint(b.weeklyBreaks.filter((r) => r.weekday === weekday), false);
      }
      const realMinutes = new Set<number>();
      for (let m = 0; m < 1440; ) {
        if (!mask[m]) {
          m++;
          continue;
        }
        let end = m;
        while (end < 1440 && mask[end]) end++;
        const from = Math.max(dayStart, wall(date, m));
        const to = Math.min(dayEnd, wall(date, end));
        for (let t = from; t < to; t += MINUTE) realMinutes.add(t);
        m = end;
      }
      const sorted = [...realMinutes].sort((x, y) => x - y);
      for (let i = 0; i < sorted.length; ) {
        let j = i;
        while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + MINUTE) j++;
        const rangeStart = sorted[i]!;
        const rangeEnd = sorted[j]! + MINUTE;
        for (let s = rangeStart; s + duration <= rangeEnd; s += step) {
          if (s < earliest || s >= horizonEnd) continue;
          const blockedStart = s - q.bufferBeforeMinutes * MINUTE;
          const blockedEnd = s + duration + q.bufferAfterMinutes * MINUTE;
          const clash = obstacles.some((o) => Math.max(o.start, blockedStart) < Math.min(o.end, blockedEnd));
          if (!clash) found.push({ slot: { start: s, end: s + duration, barberId: b.barberId }, order });
        }
        i = j + 1;
      }
    });
  }
  return found.sort((x, y) => x.slot.start - y.slot.start || x.order - y.order).map((x) => x.slot);
}

const ZONES = [
  BA,
  SANTIAGO,
  NEW_YORK,
  'Europe/London',
  'Australia/Lord_Howe', // 30-minute DST shift
  'Pacific/Chatham', // UTC+12:45 / +13:45, changes at 02:45 / 03:45
  'Asia/Kolkata',
  'UTC',
];
// Local dates whose length is not 24 h in 2026 (checked with localDayBounds).
const CLOCK_CHANGES: Record<string, string[]> = {
  [SANTIAGO]: ['2026-04-04', '2026-09-06'],
  [NEW_YORK]: ['2026-03-08', '2026-11-01'],
  'Europe/London': ['2026-03-29', '2026-10-25'],
  'Australia/Lord_Howe': ['2026-04-05', '2026-10-04'],
  'Pacific/Chatham': ['2026-04-05', '2026-09-27'],
};
const ORDINARY_DATES = ['2026-06-14', '2026-12-30', '2028-02-27'];
// Most runs put a clock change of their own zone inside the window, since
// that is where conversion bugs live.
const zoneAndBaseDateArb = fc.constantFrom(...ZONES).chain((zone) => {
  const changes = (CLOCK_CHANGES[zone] ?? []).map((d) => DateTime.fromISO(d, { zone: 'utc' }).minus({ days: 2 }).toISODate()!);
  const dates = changes.length > 0 ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...changes) }, { weight: 1, arbitrary: fc.constantFrom(...ORDINARY_DATES) }) : fc.constantFrom(...ORDINARY_DATES);
  return dates.map((baseDate) => ({ timezone: zone, baseDate }));
});

const minuteRangeArb = (maxLength: number): fc.Arbitrary<MinuteRange> =>
  fc
    .oneof(
      fc.tuple(fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 1, max: maxLength })),
      // Early morning and late evening are where clocks change.
      fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: Math.min(240, maxLength) })),
      fc.tuple(fc.integer({ min: 1200, max: 1439 }), fc.integer({ min: 1, max: Math.min(240, maxLength) })),
    )
    .map(([startMinute, length]) => ({ startMinute, endMinute: Math.min(1440, startMinute + length) }));
const weeklyArb = (maxLength: number): fc.Arbitrary<WeeklyRange> =>
  fc.tuple(fc.integer({ min: 0, max: 6 }), minuteRangeArb(maxLength)).map(([weekday, r]) => ({ weekday, ...r }));

interface RelativeInterval {
  offsetMinutes: number;
  lengthMinutes: number;
  jitterMs: number;
}
const relativeIntervalArb: fc.Arbitrary<RelativeInterval> = fc.record({
  // Relative to local midnight of `from`; the window spans at most 4 days.
  offsetMinutes: fc.integer({ min: -1440, max: 5 * 1440 }),
  lengthMinutes: fc.oneof(fc.integer({ min: 0, max: 120 }), fc.integer({ min: 0, max: 900 })),
  jitterMs: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 59_999 }) }),
});

const barberArb = fc.record({
  // Hours shared by every weekday, as most shops have, so that most days work.
  dailyHours: fc.option(minuteRangeArb(900), { freq: 3 }),
  weeklyHours: fc.array(weeklyArb(720), { maxLength: 10 }),
  weeklyBreaks: fc.array(weeklyArb(120), { maxLength: 4 }),
  overrides: fc.uniqueArray(
    fc.record({ dayOffset: fc.integer({ min: -1, max: 5 }), ranges: fc.array(minuteRangeArb(600), { maxLength: 3 }) }),
    { selector: (o) => o.dayOffset, maxLength: 3 },
  ),
  timeOff: fc.array(relativeIntervalArb, { maxLength: 2 }),
  busy: fc.array(relativeIntervalArb, { maxLength: 8 }),
});
type BarberSpec = typeof barberArb extends fc.Arbitrary<infer T> ? T : never;

const scenarioArb = fc.record({
  where: zoneAndBaseDateArb,
  fromOffset: fc.integer({ min: 0, max: 2 }),
  spanDays: fc.integer({ min: 0, max: 3 }),
  durationMinutes: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 5, max: 90 }) }, { weight: 1, arbitrary: fc.integer({ min: 5, max: 480 }) }),
  slotStepMinutes: fc.oneof(fc.integer({ min: 5, max: 30 }), fc.integer({ min: 5, max: 180 })),
  bufferBeforeMinutes: fc.integer({ min: 0, max: 30 }),
  bufferAfterMinutes: fc.integer({ min: 0, max: 30 }),
  minNoticeMinutes: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 600 }), fc.integer({ min: 0, max: 3000 })),
  horizonDays: fc.oneof(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 8, max: 14 })),
  // Mostly before the window (the usual case), sometimes inside or after it.
  nowOffsetMinutes: fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: -1440, max: 0 }) },
    { weight: 1, arbitrary: fc.integer({ min: -3 * 1440, max: 5 * 1440 }) },
  ),
  nowJitterMs: fc.integer({ min: 0, max: 59_999 }),
  barbers: fc.array(barberArb, { minLength: 1, maxLength: 3 }),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

interface Built {
  query: SlotQuery;
  barbers: BarberSchedule[];
  anchor: number;
}

function toInterval(rel: RelativeInterval, anchor: number): Interval {
  const start = anchor + rel.offsetMinutes * MINUTE + rel.jitterMs;
  return { start, end: start + rel.lengthMinutes * MINUTE };
}

function build(s: Scenario): Built {
  const plus = (date: string, days: number): string => DateTime.fromISO(date, { zone: 'utc' }).plus({ days }).toISODate()!;
  const { timezone, baseDate } = s.where;
  const from = plus(baseDate, s.fromOffset);
  const anchor = DateTime.fromISO(from, { zone: timezone }).toMillis();
  const barbers = s.barbers.map(
    (b: BarberSpec, i): BarberSchedule => ({
      barberId: `b${i}`,
      weeklyHours: [...b.weeklyHours, ...(b.dailyHours ? [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, ...b.dailyHours! })) : [])],
      weeklyBreaks: b.weeklyBreaks,
      overrides: b.overrides.map((o) => ({ date: plus(from, o.dayOffset), ranges: o.ranges })),
      timeOff: b.timeOff.map((r) => toInterval(r, anchor)),
      busy: b.busy.map((r) => toInterval(r, anchor)),
    }),
  );
  const query: SlotQuery = {
    timezone,
    from,
    to: plus(from, s.spanDays),
    durationMinutes: s.durationMinutes,
    bufferBeforeMinutes: s.bufferBeforeMinutes,
    bufferAfterMinutes: s.bufferAfterMinutes,
    slotStepMinutes: s.slotStepMinutes,
    minNoticeMinutes: s.minNoticeMinutes,
    horizonDays: s.horizonDays,
    now: anchor + s.nowOffsetMinutes * MINUTE + s.nowJitterMs,
  };
  return { query, barbers, anchor };
}

const keyOf = (s: Slot): string => `${s.barberId}@${s.start}`;
const overlaps = (a: Interval, b: Interval): boolean => Math.max(a.start, b.start) < Math.min(a.end, b.end);
function expectSubset(small: readonly Slot[], large: readonly Slot[]): void {
  const keys = new Set(large.map(keyOf));
  for (const slot of small) expect(keys.has(keyOf(slot))).toBe(true);
}

const RUNS = { numRuns: 200 };

describe('computeSlots properties', () => {
  it('(1) no slot’s blocked interval overlaps a busy or time-off interval', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { query: q, barbers } = build(s);
        const byId = new Map(barbers.map((b) => [b.barberId, b]));
        const problems: string[] = [];
        for (const slot of computeSlots(q, barbers)) {
          const blocked = { start: slot.start - q.bufferBeforeMinutes * MINUTE, end: slot.end + q.bufferAfterMinutes * MINUTE };
          const b = byId.get(slot.barberId)!;
          for (const o of [...b.busy, ...b.timeOff]) if (overlaps(blocked, o)) problems.push(`${iso(slot.start)} hits ${iso(o.start)}..${iso(o.end)}`);
          if (slot.end - slot.start !== q.durationMinutes * MINUTE) problems.push(`${iso(slot.start)} has the wrong length`);
        }
        expect(problems).toEqual([]);
      }),
      RUNS,
    );
  });

  it('(2) every slot lies in working time of its own local day, outside breaks', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { query: q, barbers } = build(s);
        const zone = q.timezone;
        const byId = new Map(barbers.map((b) => [b.barberId, b]));
        const problems: string[] = [];
        const dayInfo = new Map<string, { bounds: Interval; plain: boolean }>();
        const runsCache = new Map<string, Interval[]>();
        for (const slot of computeSlots(q, barbers)) {
          const b = byId.get(slot.barberId)!;
          const local = DateTime.fromMillis(slot.start, { zone });
          const date = local.toISODate()!;
          if (date < q.from || date > q.to) problems.push(`${iso(slot.start)} is outside ${q.from}..${q.to}`);
          const override = b.overrides.find((o) => o.date === date);
          const weekday = local.weekday % 7;
          const hours = override ? override.ranges : b.weeklyHours.filter((r) => r.weekday === weekday);
          const breaks = override ? [] : b.weeklyBreaks.filter((r) => r.weekday === weekday);
          let info = dayInfo.get(date);
          if (!info) {
            const bounds = localDayBounds(date, zone);
            const first = DateTime.fromMillis(bounds.start, { zone });
            const last = DateTime.fromMillis(bounds.end - 1, { zone });
            info = { bounds, plain: bounds.end - bounds.start === 24 * HOUR && first.hour === 0 && first.offset === last.offset };
            dayInfo.set(date, info);
          }
          const { bounds } = info;
          if (info.plain) {
            // The offset is constant all day, so wall minutes are elapsed
            // minutes and the raw schedule can be checked directly.
            for (let t = slot.start; t < slot.end; t += MINUTE) {
              const minute = (t - bounds.start) / MINUTE;
              const inHours = hours.some((r) => r.startMinute <= minute && minute < r.endMinute);
              const inBreak = breaks.some((r) => r.startMinute <= minute && minute < r.endMinute);
              if (!inHours || inBreak) problems.push(`${iso(slot.start)}: minute ${minute} hours=${inHours} break=${inBreak}`);
            }
            continue;
          }
          // On a clock-change day a gap-mapped range may legitimately cover
          // wall times that are nominally a break, so check the instant form
          // of the rule: each real minute is inside the converted span of some
          // working wall-clock run of that day.
          const cacheKey = `${b.barberId}|${date}`;
          let runs = runsCache.get(cacheKey);
          if (!runs) {
            const mask = new Array<boolean>(1440).fill(false);
            for (const r of hours) for (let m = r.startMinute; m < r.endMinute; m++) mask[m] = true;
            for (const r of breaks) for (let m = r.startMinute; m < r.endMinute; m++) mask[m] = false;
            runs = [];
            for (let m = 0; m < 1440; m++) {
              if (!mask[m] || (m > 0 && mask[m - 1])) continue;
              let end = m;
              while (end < 1440 && mask[end]) end++;
              runs.push({
                start: Math.max(bounds.start, referenceWallToInstant(date, m, zone)),
                end: Math.min(bounds.end, referenceWallToInstant(date, end, zone)),
              });
            }
            runsCache.set(cacheKey, runs);
          }
          for (let t = slot.start; t < slot.end; t += MINUTE) {
            if (!runs.some((r) => r.start <= t && t < r.end)) problems.push(`${iso(slot.start)}: ${iso(t)} not in working time`);
          }
        }
        expect(problems).toEqual([]);
      }),
      RUNS,
    );
  });

  it('(3) slots are sorted by start, ties in barber order, and unique', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { query: q, barbers } = build(s);
        const order = new Map(barbers.map((b, i) => [b.barberId, i]));
        const slots = computeSlots(q, barbers);
        for (let i = 1; i < slots.length; i++) {
          const prev = slots[i - 1]!;
          const cur = slots[i]!;
          expect(prev.start < cur.start || (prev.start === cur.start && order.get(prev.barberId)! < order.get(cur.barberId)!)).toBe(
            true,
          );
        }
        expect(new Set(slots.map(keyOf)).size).toBe(slots.length);
      }),
      RUNS,
    );
  });

  it('(4) extending the horizon or the to-date only adds slots', () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 3 }), (s, moreHorizon, moreDays) => {
        const { query: q, barbers } = build(s);
        const base = computeSlots(q, barbers);
        const longerHorizon = computeSlots({ ...q, horizonDays: q.horizonDays + moreHorizon }, barbers);
        expect(longerHorizon.length).toBeGreaterThanOrEqual(base.length);
        expectSubset(base, longerHorizon);
        const laterTo = computeSlots({ ...q, to: addDays(q.to, moreDays) }, barbers);
        expect(laterTo.length).toBeGreaterThanOrEqual(base.length);
        expectSubset(base, laterTo);
      }),
      RUNS,
    );
  });

  it('(5) adding a busy interval never adds slots', () => {
    fc.assert(
      fc.property(scenarioArb, relativeIntervalArb, fc.nat(), (s, extra, which) => {
        const { query: q, barbers, anchor } = build(s);
        const before = computeSlots(q, barbers);
        const target = which % barbers.length;
        const busier = barbers.map((b, i) => (i === target ? { ...b, busy: [...b.busy, toInterval(extra, anchor)] } : b));
        const after = computeSlots(q, busier);
        expect(after.length).toBeLessThanOrEqual(before.length);
        expectSubset(after, before);
      }),
      RUNS,
    );
  });

  it('(6) matches a brute-force reference implementation exactly', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { query: q, barbers } = build(s);
        expect(computeSlots(q, barbers)).toEqual(referenceSlots(q, barbers));
      }),
      { numRuns: 500 },
    );
  });

  it('(6b) matches the reference on dense bookings with a fine step', () => {
    const dense = scenarioArb.chain((s) =>
      fc
        .array(relativeIntervalArb, { minLength: 10, maxLength: 40 })
        .map((busy) => ({ ...s, slotStepMinutes: 5, barbers: s.barbers.map((b) => ({ ...b, busy })) })),
    );
    fc.assert(
      fc.property(dense, (s) => {
        const { query: q, barbers } = build(s);
        expect(computeSlots(q, barbers)).toEqual(referenceSlots(q, barbers));
      }),
      { numRuns: 150 },
    );
  });
});
