/**
 * Barber utilization: booked minutes / available minutes, per barber per local day.
 *
 * Pure: schedules, bookings and a timezone go in, figures come out; no I/O, no clock.
 *
 *   available = working time of the day (weekly hours minus breaks, or the date override)
 *               minus time off
 *   booked    = the part of `available` covered by bookings that hold a customer's time
 *               (confirmed, completed, no_show: a no-show still took the chair); pending
 *               holds are not booked yet, cancelled and expired ones never were
 *   ratio     = booked / available, or null on a day with no available time
 *
 * Booked time is clipped to available time (a booking kept through time off added later
 * does not push the ratio above 1), and overlapping bookings count once. Bookings count
 * from start to end: buffers are preparation, not a customer's time.
 */
import { dayPlans, type DayPlan, type Interval, type LocalDate, type MinuteRange, type WeeklyRange } from './slot-engine.js';

/** The runbook's "Provider Utilization: 75-85% optimal range". */
export const UTILIZATION_BAND = { low: 0.75, high: 0.85 } as const;

export type UtilizationBookingStatus = 'pending' | 'confirmed' | 'completed' | 'no_show' | 'cancelled' | 'expired';
const BOOKED_STATUSES: ReadonlySet<UtilizationBookingStatus> = new Set(['confirmed', 'completed', 'no_show']);

export interface UtilizationBarber {
  barberId: string;
  weeklyHours: WeeklyRange[];
  weeklyBreaks: WeeklyRange[];
  overrides: Array<{ date: LocalDate; ranges: MinuteRange[] }>;
  timeOff: Interval[];
  bookings: Array<{ start: number; end: number; status: UtilizationBookingStatus }>;
}

export interface BarberDayUtilization {
  date: LocalDate;
  barberId: string;
  availableMinutes: number;
  bookedMinutes: number;
  /** 0…1, null when there was no available time. */
  ratio: number | null;
}

export interface UtilizationTotals {
  availableMinutes: number;
  bookedMinutes: number;
  ratio: number | null;
}

const MINUTE_MS = 60_000;

/** Sorted, disjoint union of intervals (touching ones merged). */
export function unionIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ start: i.start, end: i.end });
  }
  return out;
}

/** `base` minus `holes`; both as any intervals, the result sorted and disjoint. */
export function subtractIntervals(base: readonly Interval[], holes: readonly Interval[]): Interval[] {
  const cuts = unionIntervals(holes);
  const out: Interval[] = [];
  for (const b of unionIntervals(base)) {
    let start = b.start;
    for (const h of cuts) {
      if (h.end <= start) continue;
      if (h.start >= b.end) break;
      if (h.start > start) out.push({ start, end: h.start });
      start = Math.max(start, h.end);
      if (start >= b.end) break;
    }
    if (start < b.end) out.push({ start, end: b.end });
  }
  return out;
}

/** Total length of the intersection of two interval sets. */
export function overlapMs(a: readonly Interval[], b: readonly Interval[]): number {
  const x = unionIntervals(a);
  const y = unionIntervals(b);
  let total = 0;
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    const start = Math.max(x[i]!.start, y[j]!.start);
    const end = Math.min(x[i]!.end, y[j]!.end);
    if (end > start) total += end - start;
    if (x[i]!.end < y[j]!.end) i++;
    else j++;
  }
  return total;
}

function sumMs(intervals: readonly Interval[]): number {
  return intervals.reduce((s, i) => s + (i.end - i.start), 0);
}

function ratioOf(booked: number, available: number): number | null {
  return available > 0 ? booked / available : null;
}

/** Figures for every barber and every local date in [from, to], ordered by date, then barber as given. */
export function computeUtilization(timezone: string, from: LocalDate, to: LocalDate, barbers: readonly UtilizationBarber[]): BarberDayUtilization[] {
  const perBarber = barbers.map((barber) => {
    const plans: DayPlan[] = dayPlans(timezone, from, to, barber);
    const booked = barber.bookings.filter((b) => BOOKED_STATUSES.has(b.status));
    return plans.map((plan): BarberDayUtilization => {
      const available = subtractIntervals(plan.working, barber.timeOff);
      const availableMs = sumMs(available);
      const bookedMs = overlapMs(available, booked);
      return {
        date: plan.date,
        barberId: barber.barberId,
        availableMinutes: availableMs / MINUTE_MS,
        bookedMinutes: bookedMs / MINUTE_MS,
        ratio: ratioOf(bookedMs, availableMs),
      };
    });
  });
  const days = perBarber[0]?.length ?? 0;
  const out: BarberDayUtilization[] = [];
  for (let d = 0; d < days; d++) for (const rows of perBarber) out.push(rows[d]!);
  return out;
}

/** Sums rows (a day across barbers, a barber across days): booked total over available total. */
export function totals(rows: readonly BarberDayUtilization[]): UtilizationTotals {
  const availableMinutes = rows.reduce((s, r) => s + r.availableMinutes, 0);
  const bookedMinutes = rows.reduce((s, r) => s + r.bookedMinutes, 0);
  return { availableMinutes, bookedMinutes, ratio: ratioOf(bookedMinutes, availableMinutes) };
}
