import { describe, expect, it } from 'vitest';
import { dayPlans } from './slot-engine.js';
import { computeUtilization, overlapMs, subtractIntervals, totals, unionIntervals, UTILIZATION_BAND, type UtilizationBarber } from './utilization.js';

const BA = 'America/Argentina/Buenos_Aires';
const at = (iso: string) => Date.parse(iso);
const ba = (date: string, time: string) => at(`${date}T${time}:00-03:00`);
const H = (h: number, m = 0) => h * 60 + m;

// 2026-12-01 is a Tuesday (weekday 2).
function barber(overrides: Partial<UtilizationBarber> = {}): UtilizationBarber {
  return {
    barberId: 'b1',
    weeklyHours: [1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, startMinute: H(9), endMinute: H(18) })),
    weeklyBreaks: [1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, startMinute: H(13), endMinute: H(14) })),
    overrides: [],
    timeOff: [],
    bookings: [],
    ...overrides,
  };
}

describe('interval algebra', () => {
  it('merges overlapping and touching intervals and drops empty ones', () => {
    expect(unionIntervals([{ start: 5, end: 7 }, { start: 1, end: 3 }, { start: 3, end: 4 }, { start: 6, end: 9 }, { start: 10, end: 10 }])).toEqual([
      { start: 1, end: 4 },
      { start: 5, end: 9 },
    ]);
  });
  it('subtracts holes that cut the middle, the edges, everything or nothing', () => {
    expect(subtractIntervals([{ start: 0, end: 10 }], [{ start: 2, end: 3 }, { start: 8, end: 12 }, { start: -5, end: 1 }])).toEqual([
      { start: 1, end: 2 },
      { start: 3, end: 8 },
    ]);
    expect(subtractIntervals([{ start: 0, end: 10 }], [{ start: -1, end: 11 }])).toEqual([]);
    expect(subtractIntervals([{ start: 0, end: 10 }], [])).toEqual([{ start: 0, end: 10 }]);
    expect(subtractIntervals([{ start: 0, end: 4 }, { start: 6, end: 10 }], [{ start: 3, end: 7 }])).toEqual([
      { start: 0, end: 3 },
      { start: 7, end: 10 },
    ]);
  });
  it('measures overlap once even when one side overlaps itself', () => {
    expect(overlapMs([{ start: 0, end: 10 }], [{ start: 2, end: 6 }, { start: 4, end: 8 }])).toBe(6);
    expect(overlapMs([{ start: 0, end: 2 }, { start: 5, end: 9 }], [{ start: 1, end: 6 }])).toBe(2);
    expect(overlapMs([{ start: 0, end: 2 }], [{ start: 2, end: 4 }])).toBe(0);
    expect(overlapMs([], [{ start: 0, end: 4 }])).toBe(0);
  });
});

describe('dayPlans', () => {
  it('gives working time as hours minus breaks, and the breaks inside the hours, in the shop’s zone', () => {
    const [plan] = dayPlans(BA, '2026-12-01', '2026-12-01', barber());
    expect(plan).toEqual({
      date: '2026-12-01',
      working: [
        { start: ba('2026-12-01', '09:00'), end: ba('2026-12-01', '13:00') },
        { start: ba('2026-12-01', '14:00'), end: ba('2026-12-01', '18:00') },
      ],
      breaks: [{ start: ba('2026-12-01', '13:00'), end: ba('2026-12-01', '14:00') }],
      override: false,
    });
  });
  it('lets an override replace hours and breaks, and an empty override close the day', () => {
    const plans = dayPlans(BA, '2026-12-01', '2026-12-02', barber({
      overrides: [
        { date: '2026-12-01', ranges: [{ startMinute: H(15), endMinute: H(17) }] },
        { date: '2026-12-02', ranges: [] },
      ],
    }));
    expect(plans[0]).toEqual({ date: '2026-12-01', working: [{ start: ba('2026-12-01', '15:00'), end: ba('2026-12-01', '17:00') }], breaks: [], override: true });
    expect(plans[1]).toEqual({ date: '2026-12-02', working: [], breaks: [], override: true });
  });
  it('merges several override rows of the same date', () => {
    const [plan] = dayPlans(BA, '2026-12-01', '2026-12-01', barber({
      overrides: [
        { date: '2026-12-01', ranges: [{ startMinute: H(9), endMinute: H(11) }] },
        { date: '2026-12-01', ranges: [{ startMinute: H(11), endMinute: H(12) }] },
      ],
    }));
    expect(plan!.working).toEqual([{ start: ba('2026-12-01', '09:00'), end: ba('2026-12-01', '12:00') }]);
  });
  it('shows no break outside working hours and nothing on a day off (Sunday)', () => {
    const plans = dayPlans(BA, '2026-12-05', '2026-12-06', barber({ weeklyBreaks: [{ weekday: 6, startMinute: H(19), endMinute: H(20) }] }));
    expect(plans[0]!.breaks).toEqual([]);
    expect(plans[1]).toEqual({ date: '2026-12-06', working: [], breaks: [], override: false });
  });
  it('converts wall times across a DST change like the slot engine (Santiago, spring forward 2026-09-06)', () => {
    const [plan] = dayPlans('America/Santiago', '2026-09-06', '2026-09-06', barber({ weeklyHours: [{ weekday: 0, startMinute: 0, endMinute: H(3) }], weeklyBreaks: [] }));
    // Midnight does not exist that day (00:00 → 01:00): the day starts at 01:00 -03:00.
    expect(plan!.working).toEqual([{ start: at('2026-09-06T01:00:00-03:00'), end: at('2026-09-06T03:00:00-03:00') }]);
  });
  it('refuses a reversed range and malformed hours', () => {
    expect(() => dayPlans(BA, '2026-12-02', '2026-12-01', barber())).toThrow(RangeError);
    expect(() => dayPlans(BA, '2026-12-01', '2026-12-01', barber({ weeklyHours: [{ weekday: 2, startMinute: H(10), endMinute: H(9) }] }))).toThrow(RangeError);
    expect(() => dayPlans('Mars/Olympus', '2026-12-01', '2026-12-01', barber())).toThrow(RangeError);
  });
});

describe('computeUtilization', () => {
  it('is booked minutes over available minutes (8 h working day, 6 h booked = 75%)', () => {
    const bookings = [
      { start: ba('2026-12-01', '09:00'), end: ba('2026-12-01', '12:00'), status: 'completed' as const },
      { start: ba('2026-12-01', '14:00'), end: ba('2026-12-01', '17:00'), status: 'confirmed' as const },
    ];
    expect(computeUtilization(BA, '2026-12-01', '2026-12-01', [barber({ bookings })])).toEqual([
      { date: '2026-12-01', barberId: 'b1', availableMinutes: 480, bookedMinutes: 360, ratio: 0.75 },
    ]);
  });
  it('counts no-shows as booked, and pending holds, cancelled and expired bookings as free', () => {
    const slot = (h: number, status: UtilizationBarber['bookings'][number]['status']) => ({ start: ba('2026-12-01', `${String(h).padStart(2, '0')}:00`), end: ba('2026-12-01', `${String(h + 1).padStart(2, '0')}:00`), status });
    const rows = computeUtilization(BA, '2026-12-01', '2026-12-01', [
      barber({ bookings: [slot(9, 'no_show'), slot(10, 'pending'), slot(11, 'cancelled'), slot(12, 'expired')] }),
    ]);
    expect(rows[0]).toMatchObject({ availableMinutes: 480, bookedMinutes: 60, ratio: 60 / 480 });
  });
  it('removes time off from available time and clips bookings kept through it', () => {
    const rows = computeUtilization(BA, '2026-12-01', '2026-12-01', [
      barber({
        timeOff: [{ start: ba('2026-12-01', '16:00'), end: ba('2026-12-02', '12:00') }],
        bookings: [{ start: ba('2026-12-01', '15:00'), end: ba('2026-12-01', '17:00'), status: 'confirmed' }],
      }),
    ]);
    // Available 09–13 and 14–16 (6 h); only 15–16 of the booking is inside it.
    expect(rows[0]).toMatchObject({ availableMinutes: 360, bookedMinutes: 60 });
  });
  it('does not count a booking during the break or outside hours, nor overlapping bookings twice', () => {
    const rows = computeUtilization(BA, '2026-12-01', '2026-12-01', [
      barber({
        bookings: [
          { start: ba('2026-12-01', '13:00'), end: ba('2026-12-01', '14:00'), status: 'confirmed' },
          { start: ba('2026-12-01', '19:00'), end: ba('2026-12-01', '20:00'), status: 'confirmed' },
          { start: ba('2026-12-01', '09:00'), end: ba('2026-12-01', '10:00'), status: 'confirmed' },
          { start: ba('2026-12-01', '09:30'), end: ba('2026-12-01', '10:30'), status: 'completed' },
        ],
      }),
    ]);
    expect(rows[0]).toMatchObject({ bookedMinutes: 90 });
  });
  it('gives a null ratio on a day without available time, never a division by zero', () => {
    const rows = computeUtilization(BA, '2026-12-06', '2026-12-06', [barber()]);
    expect(rows).toEqual([{ date: '2026-12-06', barberId: 'b1', availableMinutes: 0, bookedMinutes: 0, ratio: null }]);
  });
  it('counts a booking on the local day it falls on, not the UTC one', () => {
    // 22:00 in Buenos Aires is 01:00 UTC the next day.
    const late = barber({ weeklyHours: [{ weekday: 2, startMinute: H(20), endMinute: H(23) }], weeklyBreaks: [], bookings: [{ start: ba('2026-12-01', '22:00'), end: ba('2026-12-01', '23:00'), status: 'confirmed' }] });
    const rows = computeUtilization(BA, '2026-12-01', '2026-12-02', [late]);
    expect(rows.map((r) => [r.date, r.bookedMinutes])).toEqual([
      ['2026-12-01', 60],
      ['2026-12-02', 0],
    ]);
  });
  it('orders rows by date, then barber, and totals them', () => {
    const rows = computeUtilization(BA, '2026-12-01', '2026-12-02', [
      barber({ barberId: 'a', bookings: [{ start: ba('2026-12-01', '09:00'), end: ba('2026-12-01', '13:00'), status: 'completed' }] }),
      barber({ barberId: 'b' }),
    ]);
    expect(rows.map((r) => `${r.date}/${r.barberId}`)).toEqual(['2026-12-01/a', '2026-12-01/b', '2026-12-02/a', '2026-12-02/b']);
    expect(totals(rows)).toEqual({ availableMinutes: 4 * 480, bookedMinutes: 240, ratio: 240 / 1920 });
    expect(totals([])).toEqual({ availableMinutes: 0, bookedMinutes: 0, ratio: null });
  });
  it('returns nothing for no barbers, and the runbook band is 75–85%', () => {
    expect(computeUtilization(BA, '2026-12-01', '2026-12-07', [])).toEqual([]);
    expect(UTILIZATION_BAND).toEqual({ low: 0.75, high: 0.85 });
  });
});
