/**
 * Micro-benchmark of the pure slot engine against a naive baseline.
 *
 * Input: a 10-barber shop in Buenos Aires, Mon–Sat 09:00–20:00 with a
 * 13:00–14:00 break, a 30-minute service on a 15-minute grid with 5/10-minute
 * buffers, 1,000 existing bookings and some time off spread over 60 days.
 * Everything comes from a seeded PRNG, so every run measures the same input.
 *
 * The baseline is what one writes without thinking about cost: for every
 * candidate slot, scan all of that barber's bookings and time off. Both are
 * measured in the same process, on the same input, and their outputs are
 * compared first, so the speed ratio is between two correct answers.
 */
import { DateTime } from 'luxon';
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
} from '../src/modules/availability/slot-engine.js';
import { summarize, timeRuns, type BenchRow } from './stats.js';

export type { BenchRow } from './stats.js';

const TIMEZONE = 'America/Argentina/Buenos_Aires';
const MINUTE = 60_000;
const FIRST_DAY = '2026-06-01'; // a Monday
const SPREAD_DAYS = 60;
const BARBERS = 10;
const BOOKINGS = 1_000;
const SEED = 20_260_601;

/** mulberry32: tiny, fast, and good enough to scatter test data reproducibly. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface ShopFixture {
  barbers: BarberSchedule[];
  baseQuery: Omit<SlotQuery, 'to'>;
  bookings: number;
}

/**
 * Buenos Aires has had no DST since 2009, so local wall time is a fixed
 * offset from local midnight; that keeps fixture building trivial.
 */
function localInstant(dayOffset: number, minute: number): number {
  return localDayBounds(addDays(FIRST_DAY, dayOffset), TIMEZONE).start + minute * MINUTE;
}

export function buildShopFixture(seed = SEED): ShopFixture {
  const random = mulberry32(seed);
  const pick = (n: number): number => Math.floor(random() * n);
  const weekdays = [1, 2, 3, 4, 5, 6];
  const weeklyHours: WeeklyRange[] = weekdays.map((weekday) => ({ weekday, startMinute: 9 * 60, endMinute: 20 * 60 }));
  const weeklyBreaks: WeeklyRange[] = weekdays.map((weekday) => ({ weekday, startMinute: 13 * 60, endMinute: 14 * 60 }));
  const barbers: BarberSchedule[] = Array.from({ length: BARBERS }, (_, i) => ({
    barberId: `barber-${String(i + 1).padStart(2, '0')}`,
    weeklyHours,
    weeklyBreaks,
    overrides: [],
    timeOff: [],
    busy: [],
  }));

  const isSunday = (dayOffset: number): boolean => DateTime.fromISO(addDays(FIRST_DAY, dayOffset), { zone: 'utc' }).weekday === 7;
  const workingDay = (): number => {
    for (;;) {
      const day = pick(SPREAD_DAYS);
      if (!isSunday(day)) return day;
    }
  };

  for (let i = 0; i < BOOKINGS; i++) {
    const barber = barbers[pick(BARBERS)]!;
    const duration = [30, 45, 60][pick(3)]!;
    // Bookings start on the 15-minute grid and fit in the morning or afternoon.
    let start: number;
    do {
      start = 9 * 60 + 15 * pick((11 * 60) / 15);
    } while (start + duration > 20 * 60 || (start < 14 * 60 && start + duration > 13 * 60));
    const day = workingDay();
    // Busy intervals carry the booking's own 5/10-minute buffers, as the engine expects.
    barber.busy.push({ start: localInstant(day, start - 5), end: localInstant(day, start + duration + 10) });
  }

  // A week of holidays, three single days off and a few medical appointments.
  const vacationStart = workingDay();
  barbers[2]!.timeOff.push({ start: localInstant(vacationStart, 0), end: localInstant(vacationStart + 7, 0) });
  for (const index of [4, 6, 8]) {
    const day = workingDay();
    barbers[index]!.timeOff.push({ start: localInstant(day, 0), end: localInstant(day + 1, 0) });
  }
  for (let i = 0; i < 4; i++) {
    const day = workingDay();
    const start = 9 * 60 + 30 * pick(20);
    barbers[7]!.timeOff.push({ start: localInstant(day, start), end: localInstant(day, start + 120) });
  }

  const baseQuery: Omit<SlotQuery, 'to'> = {
    timezone: TIMEZONE,
    from: FIRST_DAY,
    durationMinutes: 30,
    bufferBeforeMinutes: 5,
    bufferAfterMinutes: 10,
    slotStepMinutes: 15,
    minNoticeMinutes: 60,
    horizonDays: SPREAD_DAYS,
    now: localInstant(0, 8 * 60),
  };
  return { barbers, baseQuery, bookings: BOOKINGS };
}

function subtractRanges(base: MinuteRange, holes: readonly MinuteRange[]): MinuteRange[] {
  let pieces: MinuteRange[] = [base];
  for (const hole of holes) {
    pieces = pieces.flatMap((p) => {
      if (hole.endMinute <= p.startMinute || hole.startMinute >= p.endMinute) return [p];
      const left = { startMinute: p.startMinute, endMinute: hole.startMinute };
      const right = { startMinute: hole.endMinute, endMinute: p.endMinute };
      return [left, right].filter((r) => r.endMinute > r.startMinute);
    });
  }
  return pieces;
}

/**
 * The straightforward implementation, good enough for this input (no
 * overlapping weekly ranges, no DST): walk every candidate of every range and
 * check it against every busy and time-off interval of the barber.
 */
export function naiveSlots(query: SlotQuery, barbers: readonly BarberSchedule[]): Slot[] {
  const zone = query.timezone;
  const earliest = query.now + query.minNoticeMinutes * MINUTE;
  const horizonEnd = localDayBounds(addDays(localDateOf(query.now, zone), query.horizonDays + 1), zone).start;
  const duration = query.durationMinutes * MINUTE;
  const step = query.slotStepMinutes * MINUTE;
  const found: { slot: Slot; order: number }[] = [];
  for (let date = query.from; date <= query.to; date = addDays(date, 1)) {
    const day = DateTime.fromISO(date, { zone });
    const weekday = day.weekday % 7;
    barbers.forEach((barber, order) => {
      const override = barber.overrides.find((o) => o.date === date);
      const breaks = barber.weeklyBreaks.filter((r) => r.weekday === weekday);
      const ranges = override
        ? override.ranges
        : barber.weeklyHours.filter((r) => r.weekday === weekday).flatMap((r) => subtractRanges(r, breaks));
      for (const range of ranges) {
        const rangeStart = day.plus({ minutes: range.startMinute }).toMillis();
        const rangeEnd = day.plus({ minutes: range.endMinute }).toMillis();
        for (let start = rangeStart; start + duration <= rangeEnd; start += step) {
          if (start < earliest || start >= horizonEnd) continue;
          const blocked: Interval = {
            start: start - query.bufferBeforeMinutes * MINUTE,
            end: start + duration + query.bufferAfterMinutes * MINUTE,
          };
          let free = true;
          for (const other of barber.busy) if (other.start < blocked.end && blocked.start < other.end) free = false;
          for (const other of barber.timeOff) if (other.start < blocked.end && blocked.start < other.end) free = false;
          if (free) found.push({ slot: { start, end: start + duration, barberId: barber.barberId }, order });
        }
      }
    });
  }
  return found.sort((a, b) => a.slot.start - b.slot.start || a.order - b.order).map((f) => f.slot);
}

function sameSlots(a: readonly Slot[], b: readonly Slot[]): boolean {
  return a.length === b.length && a.every((s, i) => s.start === b[i]!.start && s.end === b[i]!.end && s.barberId === b[i]!.barberId);
}

export interface SlotEngineBenchOptions {
  /** Multiplies every iteration count; use < 1 for a quick smoke run. */
  scale: number;
}

export async function benchSlotEngine(options: Partial<SlotEngineBenchOptions> = {}): Promise<BenchRow[]> {
  const scale = options.scale ?? 1;
  const iterationsFor = (n: number): number => Math.max(5, Math.round(n * scale));
  const { barbers, baseQuery } = buildShopFixture();
  const rows: BenchRow[] = [];

  const scenarios = [
    { days: 14, engineIterations: 200, naiveIterations: 100 },
    { days: 60, engineIterations: 100, naiveIterations: 30 },
  ];
  for (const { days, engineIterations, naiveIterations } of scenarios) {
    const query: SlotQuery = { ...baseQuery, to: addDays(baseQuery.from, days - 1) };
    const expected = naiveSlots(query, barbers);
    const actual = computeSlots(query, barbers);
    if (!sameSlots(actual, expected)) {
      throw new Error(`Engine and naive baseline disagree over ${days} days (${actual.length} vs ${expected.length} slots)`);
    }

    const engine = await timeRuns(() => computeSlots(query, barbers), { iterations: iterationsFor(engineIterations), warmup: 20 });
    const naive = await timeRuns(() => naiveSlots(query, barbers), { iterations: iterationsFor(naiveIterations), warmup: 5 });
    const engineStats = summarize(engine.samplesMs);
    const naiveStats = summarize(naive.samplesMs);
    const speedup = naiveStats.meanMs / engineStats.meanMs;
    const row = (name: string, stats: typeof engineStats, slots: number, vsBaseline: string): BenchRow => ({
      name,
      iterations: stats.iterations,
      p50Ms: stats.p50Ms,
      p95Ms: stats.p95Ms,
      meanMs: stats.meanMs,
      slots,
      slotsPerSecond: slots / (stats.meanMs / 1000),
      vsBaseline,
    });
    rows.push(row(`computeSlots, ${days} days`, engineStats, engine.last.length, `${speedup.toFixed(1)}× faster`));
    rows.push(row(`naive scan, ${days} days`, naiveStats, naive.last.length, 'baseline'));
  }
  return rows;
}
