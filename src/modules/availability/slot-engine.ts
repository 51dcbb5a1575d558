/**
 * Pure availability ("slot") engine.
 *
 * Plain data and a clock value go in, bookable slots come out. Nothing here does
 * I/O, reads the system clock or keeps state between calls, so the same input
 * always yields the same output; the database layer feeds it and the HTTP layer
 * serialises its result.
 *
 * Semantics
 * ---------
 * Working time. For each local date D in [from, to] (inclusive, in `timezone`)
 * and each barber, the working ranges of D are:
 *   - the override's ranges, if the barber has an override for D (it replaces
 *     both weekly hours and weekly breaks; an override with no ranges closes D);
 *   - otherwise weeklyHours of D's weekday minus weeklyBreaks of that weekday
 *     (weekday 0 = Sunday … 6 = Saturday, like PostgreSQL's EXTRACT(dow)).
 * Ranges are wall-clock minutes after local midnight; minute 1440 is the next
 * local midnight. Overlapping or touching minute ranges of a day are merged
 * first (a barber working 09–13 and 13–17 works 09–17, so a slot may straddle
 * 13:00). Each endpoint is then converted to an instant in `timezone`, using
 * the zone's offsets from tzdata (luxon's IANAZone):
 *   - a wall time that exists once maps to that instant;
 *   - a wall time inside a spring-forward gap is read with the offset in force
 *     before the change, so it moves forward by the gap (02:30 → 03:30 on a
 *     one-hour gap), exactly as luxon's DateTime.fromObject maps it;
 *   - a wall time that exists twice (fall-back) maps to the later instant, the
 *     one after the change, which is also what PostgreSQL does.
 *   DateTime.fromObject is deliberately not used: it resolves that last case
 *   from the offset in force at the *current system time* (Settings.now()), so
 *   its answer changes between summer and winter, which a pure function must
 *   not do. It is also ~30 µs a call, more than the whole sweep costs.
 * A converted range whose end <= start is dropped, ranges are clipped to the
 * day's bounds (see localDayBounds), and converted ranges of the same day that
 * overlap or touch are merged again (gap mapping can make them overlap).
 * Ranges of different days are never merged: every slot belongs to one day.
 *
 * Candidates. Inside each working range [ws, we) the candidate starts are
 * ws, ws + step, ws + 2·step, … measured in real elapsed time from ws, keeping
 * those with start + duration <= we. Only the service must fit in working time;
 * its buffers may spill outside it.
 *
 * Freedom. A candidate is free iff its blocked interval
 * [start − bufferBefore, start + duration + bufferAfter) overlaps no busy
 * interval and no timeOff interval. Everything is half-open, so touching is
 * not overlapping. Busy intervals are expected to already include the buffers
 * of the bookings they come from.
 *
 * Clock. A slot must satisfy start >= now + minNotice, and start < the local
 * midnight that begins day (localDateOf(now) + horizonDays + 1): today plus
 * horizonDays more days are bookable, inclusive.
 *
 * Output. Sorted by start ascending; equal starts keep the order in which the
 * barbers were given. No duplicates; end = start + duration.
 *
 * Cost. Per barber: obstacles (busy ∪ timeOff) are sorted and merged once, then
 * a single forward sweep walks candidates with a pointer into them. A candidate
 * that hits an obstacle jumps straight to the first aligned candidate whose
 * blocked interval starts at or after that obstacle's end, so busy stretches
 * cost O(1) rather than one test per step. The zone's offset transitions over
 * the visited days are found once per call (one tzdata lookup per day, plus a
 * bisection per transition); after that a wall-time conversion is arithmetic,
 * done once per range endpoint, never per slot. Dates outside
 * [today of now+minNotice, last horizon day] are not even visited, so a huge
 * from/to window costs no more than the horizon.
 */
import { IANAZone } from 'luxon';

export type LocalDate = string;
export interface MinuteRange {
  startMinute: number;
  endMinute: number;
}
export interface WeeklyRange extends MinuteRange {
  weekday: number;
}
export interface DateOverride {
  date: LocalDate;
  ranges: MinuteRange[];
}
export interface Interval {
  start: number;
  end: number;
}
export interface BarberSchedule {
  barberId: string;
  weeklyHours: WeeklyRange[];
  weeklyBreaks: WeeklyRange[];
  overrides: DateOverride[];
  timeOff: Interval[];
  busy: Interval[];
}
/** A stored weekly row: working hours or a break, as the schedule tables hold them. */
export interface WeeklyRow extends WeeklyRange {
  barberId: string;
  kind: 'work' | 'break';
}

/** A stored date-override row: a range that replaces the weekly hours, or none (closed that day). */
export interface OverrideRow {
  barberId: string;
  date: LocalDate;
  startMinute: number | null;
  endMinute: number | null;
}

/**
 * Builds each barber's schedule from the stored rows: weekly hours and breaks, and date
 * overrides grouped by day (a row without a range closes the day; rows with ranges replace
 * the weekly hours). Time off and busy intervals are left empty for the caller to fill.
 */
export function schedulesFromRows(
  barberIds: Iterable<string>,
  weekly: readonly WeeklyRow[],
  overrides: readonly OverrideRow[],
  keepDate: (date: LocalDate) => boolean = () => true,
): Map<string, BarberSchedule> {
  const schedules = new Map<string, BarberSchedule>();
  for (const id of barberIds) schedules.set(id, { barberId: id, weeklyHours: [], weeklyBreaks: [], overrides: [], timeOff: [], busy: [] });
  for (const w of weekly) {
    const schedule = schedules.get(w.barberId);
    if (schedule) (w.kind === 'work' ? schedule.weeklyHours : schedule.weeklyBreaks).push({ weekday: w.weekday, startMinute: w.startMinute, endMinute: w.endMinute });
  }
  const byDay = new Map<string, DateOverride>();
  for (const o of overrides) {
    const schedule = schedules.get(o.barberId);
    if (!schedule || !keepDate(o.date)) continue;
    const key = `${o.barberId}|${o.date}`;
    let entry = byDay.get(key);
    if (!entry) {
      entry = { date: o.date, ranges: [] };
      byDay.set(key, entry);
      schedule.overrides.push(entry);
    }
    if (o.startMinute !== null && o.endMinute !== null) entry.ranges.push({ startMinute: o.startMinute, endMinute: o.endMinute });
  }
  return schedules;
}

export interface SlotQuery {
  timezone: string;
  from: LocalDate;
  to: LocalDate;
  durationMinutes: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  slotStepMinutes: number;
  minNoticeMinutes: number;
  horizonDays: number;
  now: number;
}
export interface Slot {
  start: number;
  end: number;
  barberId: string;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
// UTC offsets stay within ±14 h, so sampling offsets one day beyond the
// visited wall-clock days covers every instant those days can map to.
const TIMELINE_MARGIN_MS = DAY_MS;
const MINUTES_PER_DAY = 1440;
const MIN_DURATION_MINUTES = 5;
const MAX_DURATION_MINUTES = 480;
const MIN_STEP_MINUTES = 5;
const LOCAL_DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

interface CivilDate {
  year: number;
  month: number;
  day: number;
}

// Calendar arithmetic on a day count (days since 1970-01-01) keeps date
// stepping exact and independent of any timezone, and avoids the Date
// constructor's "years 0–99 mean 1900–1999" quirk.
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function civilFromDays(days: number): CivilDate {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

function weekdayOfDays(days: number): number {
  // 1970-01-01 was a Thursday (4).
  return (((days + 4) % 7) + 7) % 7;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function formatCivil(civil: CivilDate): LocalDate {
  if (civil.year < 0 || civil.year > 9999) {
    throw new RangeError(`Date out of the supported range (years 0000–9999): year ${civil.year}`);
  }
  return `${pad(civil.year, 4)}-${pad(civil.month, 2)}-${pad(civil.day, 2)}`;
}

function parseLocalDateToDays(date: unknown, label: string): number {
  if (typeof date !== 'string') {
    throw new RangeError(`${label} must be a 'YYYY-MM-DD' string, got ${typeof date}`);
  }
  const match = LOCAL_DATE_PATTERN.exec(date);
  if (match === null) {
    throw new RangeError(`${label} must be formatted 'YYYY-MM-DD', got "${date}"`);
  }
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const days = daysFromCivil(year, month, day);
  // A round trip rejects 2026-02-30, month 13 and the like.
  const back = civilFromDays(days);
  if (month < 1 || month > 12 || back.year !== year || back.month !== month || back.day !== day) {
    throw new RangeError(`${label} is not a valid calendar date: "${date}"`);
  }
  return days;
}

// Validating a zone builds an Intl.DateTimeFormat, which showed up in load profiles; a shop
// has one zone, so each valid name is checked once per process.
const validZones = new Map<string, IANAZone>();

function resolveZone(timezone: unknown): IANAZone {
  if (typeof timezone === 'string') {
    const known = validZones.get(timezone);
    if (known) return known;
  }
  if (typeof timezone !== 'string' || timezone.length === 0 || !IANAZone.isValidZone(timezone)) {
    throw new RangeError(`Invalid IANA timezone: ${JSON.stringify(timezone)}`);
  }
  const zone = IANAZone.create(timezone);
  validZones.set(timezone, zone);
  return zone;
}

function offsetMinutesAt(zone: IANAZone, instant: number): number {
  const offset = zone.offset(instant);
  if (!Number.isFinite(offset)) {
    throw new RangeError(`Cannot determine the UTC offset of ${zone.name} at ${instant}`);
  }
  return offset;
}

function localDaysOf(instant: number, zone: IANAZone): number {
  return Math.floor((instant + offsetMinutesAt(zone, instant) * MINUTE_MS) / DAY_MS);
}

/**
 * The offsets a zone uses over a window of time, as consecutive segments:
 * segment i begins at starts[i] (the first at −∞) and uses offsets[i] minutes.
 * Only instants inside the window it was built for are answered reliably.
 */
class ZoneTimeline {
  private readonly starts: number[] = [Number.NEGATIVE_INFINITY];
  private readonly offsets: number[];

  constructor(
    private readonly zone: IANAZone,
    windowStart: number,
    windowEnd: number,
  ) {
    // One tzdata lookup per day, bisecting wherever the offset differs. This
    // finds every transition unless a zone changes offset and changes back
    // within a single day, which no zone does.
    let previousAt = windowStart;
    let previousOffset = offsetMinutesAt(zone, windowStart);
    this.offsets = [previousOffset];
    while (previousAt < windowEnd) {
      const sampleAt = Math.min(previousAt + DAY_MS, windowEnd);
      const sampleOffset = offsetMinutesAt(zone, sampleAt);
      while (sampleOffset !== previousOffset) {
        // tzdata changes offsets on whole seconds and IANAZone reads offsets
        // at second resolution, so bisecting over seconds is exact and needs
        // 17 lookups per transition instead of 27.
        let low = Math.floor(previousAt / 1000);
        let high = Math.ceil(sampleAt / 1000);
        while (high - low > 1) {
          const middle = low + Math.floor((high - low) / 2);
          if (offsetMinutesAt(zone, middle * 1000) === previousOffset) low = middle;
          else high = middle;
        }
        previousAt = high * 1000;
        previousOffset = offsetMinutesAt(zone, previousAt);
        this.starts.push(previousAt);
        this.offsets.push(previousOffset);
      }
      previousAt = sampleAt;
    }
  }

  /** `wallMs` is the wall-clock reading expressed as if it were UTC. */
  toInstant(wallMs: number): number {
    const { starts, offsets } = this;
    const count = offsets.length;
    let latest = Number.NaN;
    for (let i = 0; i < count; i++) {
      const instant = wallMs - offsets[i]! * MINUTE_MS;
      const inSegment = instant >= starts[i]! && (i + 1 === count || instant < starts[i + 1]!);
      if (inSegment && (Number.isNaN(latest) || instant > latest)) latest = instant;
    }
    if (!Number.isNaN(latest)) return latest;
    // The wall time fell into a gap: read it with the offset before the change.
    for (let i = 1; i < count; i++) {
      const withEarlierOffset = wallMs - offsets[i - 1]! * MINUTE_MS;
      if (withEarlierOffset >= starts[i]! && wallMs - offsets[i]! * MINUTE_MS < starts[i]!) return withEarlierOffset;
    }
    throw new Error(`Wall time ${wallMs} in ${this.zone.name} lies outside the timeline window`);
  }
}

function wallMsOf(days: number, minute: number): number {
  return days * DAY_MS + minute * MINUTE_MS;
}

function assertFiniteInstant(instant: unknown, label: string): asserts instant is number {
  if (typeof instant !== 'number' || !Number.isFinite(instant)) {
    throw new RangeError(`${label} must be a finite epoch-millisecond number, got ${String(instant)}`);
  }
}

export function addDays(date: LocalDate, days: number): LocalDate {
  if (!Number.isSafeInteger(days)) {
    throw new RangeError(`days must be an integer, got ${String(days)}`);
  }
  return formatCivil(civilFromDays(parseLocalDateToDays(date, 'date') + days));
}

export function localDateOf(instant: number, timezone: string): LocalDate {
  assertFiniteInstant(instant, 'instant');
  return formatCivil(civilFromDays(localDaysOf(instant, resolveZone(timezone))));
}

export function localDayBounds(date: LocalDate, timezone: string): Interval {
  const zone = resolveZone(timezone);
  const days = parseLocalDateToDays(date, 'date');
  const timeline = new ZoneTimeline(zone, wallMsOf(days, 0) - TIMELINE_MARGIN_MS, wallMsOf(days + 1, 0) + TIMELINE_MARGIN_MS);
  return { start: timeline.toInstant(wallMsOf(days, 0)), end: timeline.toInstant(wallMsOf(days + 1, 0)) };
}

// --- validation -------------------------------------------------------------

function assertIntegerInRange(value: unknown, label: string, min: number, max: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const bounds = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in ${min}..${max}`;
    throw new RangeError(`${label} must be an integer ${bounds}, got ${String(value)}`);
  }
}

function assertMinuteRange(range: MinuteRange, label: string): void {
  if (typeof range !== 'object' || range === null) {
    throw new RangeError(`${label} must be an object`);
  }
  assertIntegerInRange(range.startMinute, `${label}.startMinute`, 0, MINUTES_PER_DAY - 1);
  assertIntegerInRange(range.endMinute, `${label}.endMinute`, 1, MINUTES_PER_DAY);
  if (range.endMinute <= range.startMinute) {
    throw new RangeError(`${label} must have startMinute < endMinute, got ${range.startMinute}..${range.endMinute}`);
  }
}

function assertInterval(interval: Interval, label: string): void {
  if (typeof interval !== 'object' || interval === null) {
    throw new RangeError(`${label} must be an object`);
  }
  assertFiniteInstant(interval.start, `${label}.start`);
  assertFiniteInstant(interval.end, `${label}.end`);
  if (interval.end < interval.start) {
    throw new RangeError(`${label} ends before it starts (${interval.start} > ${interval.end})`);
  }
}

function validateQuery(query: SlotQuery): void {
  if (typeof query !== 'object' || query === null) {
    throw new RangeError('query must be an object');
  }
  assertIntegerInRange(query.durationMinutes, 'durationMinutes', MIN_DURATION_MINUTES, MAX_DURATION_MINUTES);
  assertIntegerInRange(query.slotStepMinutes, 'slotStepMinutes', MIN_STEP_MINUTES, Number.MAX_SAFE_INTEGER);
  assertIntegerInRange(query.bufferBeforeMinutes, 'bufferBeforeMinutes', 0, Number.MAX_SAFE_INTEGER);
  assertIntegerInRange(query.bufferAfterMinutes, 'bufferAfterMinutes', 0, Number.MAX_SAFE_INTEGER);
  assertIntegerInRange(query.minNoticeMinutes, 'minNoticeMinutes', 0, Number.MAX_SAFE_INTEGER);
  assertIntegerInRange(query.horizonDays, 'horizonDays', 0, Number.MAX_SAFE_INTEGER);
  assertFiniteInstant(query.now, 'now');
}

function validateBarbers(barbers: readonly BarberSchedule[]): void {
  if (!Array.isArray(barbers)) {
    throw new RangeError('barbers must be an array');
  }
  const seen = new Set<string>();
  barbers.forEach((barber: BarberSchedule, index) => {
    if (typeof barber !== 'object' || barber === null) {
      throw new RangeError(`barbers[${index}] must be an object`);
    }
    const where = `barbers[${index}]`;
    if (typeof barber.barberId !== 'string' || barber.barberId.length === 0) {
      throw new RangeError(`${where}.barberId must be a non-empty string`);
    }
    // Two schedules for one barber would emit the same slot twice.
    if (seen.has(barber.barberId)) {
      throw new RangeError(`Duplicate barberId "${barber.barberId}"`);
    }
    seen.add(barber.barberId);
    for (const key of ['weeklyHours', 'weeklyBreaks', 'overrides', 'timeOff', 'busy'] as const) {
      if (!Array.isArray(barber[key])) {
        throw new RangeError(`${where}.${key} must be an array`);
      }
    }
    for (const key of ['weeklyHours', 'weeklyBreaks'] as const) {
      barber[key].forEach((range, i) => {
        assertMinuteRange(range, `${where}.${key}[${i}]`);
        assertIntegerInRange(range.weekday, `${where}.${key}[${i}].weekday`, 0, 6);
      });
    }
    const overrideDates = new Set<number>();
    barber.overrides.forEach((override, i) => {
      if (typeof override !== 'object' || override === null || !Array.isArray(override.ranges)) {
        throw new RangeError(`${where}.overrides[${i}] must be an object with a ranges array`);
      }
      const days = parseLocalDateToDays(override.date, `${where}.overrides[${i}].date`);
      // Which of two overrides wins would be arbitrary; refuse rather than guess.
      if (overrideDates.has(days)) {
        throw new RangeError(`${where} has more than one override for ${override.date}`);
      }
      overrideDates.add(days);
      override.ranges.forEach((range, j) => assertMinuteRange(range, `${where}.overrides[${i}].ranges[${j}]`));
    });
    barber.timeOff.forEach((interval, i) => assertInterval(interval, `${where}.timeOff[${i}]`));
    barber.busy.forEach((interval, i) => assertInterval(interval, `${where}.busy[${i}]`));
  });
}

// --- minute-range algebra (wall clock, per day) -------------------------------

/** Flat [start0, end0, start1, end1, …] list: sorted, disjoint, non-touching. */
type MinuteSpans = number[];

function mergeMinuteRanges(ranges: readonly MinuteRange[]): MinuteSpans {
  const sorted = [...ranges].sort((a, b) => a.startMinute - b.startMinute);
  const spans: MinuteSpans = [];
  for (const range of sorted) {
    const last = spans.length - 1;
    if (spans.length > 0 && range.startMinute <= spans[last]!) {
      spans[last] = Math.max(spans[last]!, range.endMinute);
    } else {
      spans.push(range.startMinute, range.endMinute);
    }
  }
  return spans;
}

function subtractSpans(base: MinuteSpans, holes: MinuteSpans): MinuteSpans {
  const result: MinuteSpans = [];
  let h = 0;
  for (let b = 0; b < base.length; b += 2) {
    let start = base[b]!;
    const end = base[b + 1]!;
    while (h < holes.length && holes[h + 1]! <= start) h += 2;
    let k = h;
    while (k < holes.length && holes[k]! < end) {
      if (holes[k]! > start) result.push(start, holes[k]!);
      start = Math.max(start, holes[k + 1]!);
      k += 2;
    }
    if (start < end) result.push(start, end);
  }
  return result;
}

interface PreparedBarber {
  barberId: string;
  byWeekday: MinuteSpans[];
  overrides: Map<number, MinuteSpans>;
  obstacleStarts: number[];
  obstacleEnds: number[];
}

function prepareBarber(barber: BarberSchedule, windowStart: number, windowEnd: number): PreparedBarber {
  const byWeekday: MinuteSpans[] = [];
  for (let weekday = 0; weekday < 7; weekday++) {
    const hours = mergeMinuteRanges(barber.weeklyHours.filter((r) => r.weekday === weekday));
    const breaks = mergeMinuteRanges(barber.weeklyBreaks.filter((r) => r.weekday === weekday));
    byWeekday.push(subtractSpans(hours, breaks));
  }
  const overrides = new Map<number, MinuteSpans>();
  for (const override of barber.overrides) {
    overrides.set(parseLocalDateToDays(override.date, 'override.date'), mergeMinuteRanges(override.ranges));
  }

  // Obstacles that cannot touch any blocked interval in the window are dropped
  // before sorting, so years of history cost one linear pass.
  const relevant: Interval[] = [];
  for (const list of [barber.busy, barber.timeOff]) {
    for (const interval of list) {
      if (interval.end > interval.start && interval.end > windowStart && interval.start < windowEnd) {
        relevant.push(interval);
      }
    }
  }
  relevant.sort((a, b) => a.start - b.start);
  // Merging touching obstacles is safe: a non-empty blocked interval overlaps
  // the union iff it overlaps one of the parts. Afterwards ends are sorted
  // too, which is what lets the sweep pointer only move forward.
  const obstacleStarts: number[] = [];
  const obstacleEnds: number[] = [];
  for (const interval of relevant) {
    const last = obstacleEnds.length - 1;
    if (last >= 0 && interval.start <= obstacleEnds[last]!) {
      if (interval.end > obstacleEnds[last]!) obstacleEnds[last] = interval.end;
    } else {
      obstacleStarts.push(interval.start);
      obstacleEnds.push(interval.end);
    }
  }
  return { barberId: barber.barberId, byWeekday, overrides, obstacleStarts, obstacleEnds };
}

// --- main entry point ---------------------------------------------------------

export function computeSlots(query: SlotQuery, barbers: readonly BarberSchedule[]): Slot[] {
  validateQuery(query);
  validateBarbers(barbers);
  const zone = resolveZone(query.timezone);
  const fromDays = parseLocalDateToDays(query.from, 'from');
  const toDays = parseLocalDateToDays(query.to, 'to');
  if (fromDays > toDays) {
    throw new RangeError(`from (${query.from}) must not be after to (${query.to})`);
  }

  const durationMs = query.durationMinutes * MINUTE_MS;
  const stepMs = query.slotStepMinutes * MINUTE_MS;
  const bufferBeforeMs = query.bufferBeforeMinutes * MINUTE_MS;
  const bufferAfterMs = query.bufferAfterMinutes * MINUTE_MS;
  const earliestStart = query.now + query.minNoticeMinutes * MINUTE_MS;

  const lastHorizonDay = localDaysOf(query.now, zone) + query.horizonDays;
  // One day of slack before the day holding earliestStart: where a zone
  // repeats its midnight hour, the previous day's range can reach past it.
  const firstDay = Math.max(fromDays, localDaysOf(earliestStart, zone) - 1);
  const lastDay = Math.min(toDays, lastHorizonDay);
  if (firstDay > lastDay || barbers.length === 0) return [];

  const timeline = new ZoneTimeline(zone, wallMsOf(firstDay, 0) - TIMELINE_MARGIN_MS, wallMsOf(lastDay + 1, 0) + TIMELINE_MARGIN_MS);
  const toInstant = (days: number, minute: number): number => timeline.toInstant(wallMsOf(days, minute));
  // Days after the last horizon day are never visited, so the horizon only
  // needs an instant when it falls right after the last visited day.
  const horizonEnd = lastDay === lastHorizonDay ? toInstant(lastHorizonDay + 1, 0) : Number.POSITIVE_INFINITY;

  const windowStart = toInstant(firstDay, 0) - bufferBeforeMs;
  const windowEnd = toInstant(lastDay + 1, 0) + bufferAfterMs;

  const perBarber: Slot[][] = [];
  for (const barber of barbers) {
    const prepared = prepareBarber(barber, windowStart, windowEnd);
    const { obstacleStarts, obstacleEnds, barberId } = prepared;
    const obstacleCount = obstacleStarts.length;
    const slots: Slot[] = [];
    let pointer = 0;

    for (let day = firstDay; day <= lastDay; day++) {
      const spans = prepared.overrides.get(day) ?? prepared.byWeekday[weekdayOfDays(day)]!;
      if (spans.length === 0) continue;
      const dayStart = toInstant(day, 0);
      const dayEnd = toInstant(day + 1, 0);

      const ranges: number[] = [];
      for (let i = 0; i < spans.length; i += 2) {
        const start = Math.max(dayStart, toInstant(day, spans[i]!));
        const end = Math.min(dayEnd, toInstant(day, spans[i + 1]!));
        if (end > start) ranges.push(start, end);
      }
      const working = mergeInstantRanges(ranges);

      for (let r = 0; r < working.length; r += 2) {
        const rangeStart = working[r]!;
        const lastStart = Math.min(working[r + 1]! - durationMs, horizonEnd - 1);
        let k = earliestStart > rangeStart ? Math.ceil((earliestStart - rangeStart) / stepMs) : 0;
        for (;;) {
          const start = rangeStart + k * stepMs;
          if (start > lastStart) break;
          const blockedStart = start - bufferBeforeMs;
          const blockedEnd = start + durationMs + bufferAfterMs;
          while (pointer < obstacleCount && obstacleEnds[pointer]! <= blockedStart) pointer++;
          if (pointer < obstacleCount && obstacleStarts[pointer]! < blockedEnd) {
            // Every candidate before the one whose blocked interval clears this
            // obstacle would hit it too, so skip them all at once. The k + 1
            // floor guarantees progress even if fractional-millisecond input
            // made the division round down onto the current k.
            k = Math.max(k + 1, Math.ceil((obstacleEnds[pointer]! + bufferBeforeMs - rangeStart) / stepMs));
            continue;
          }
          slots.push({ start, end: start + durationMs, barberId });
          k++;
        }
      }
    }
    perBarber.push(slots);
  }

  if (perBarber.length === 1) return perBarber[0]!;
  // Each barber's list is already sorted and Array#sort is stable, so equal
  // starts keep barber order; V8's TimSort detects the pre-sorted runs, which
  // makes this close to a k-way merge.
  return perBarber.flat().sort((a, b) => a.start - b.start);
}

/** Sorts and merges overlapping or touching [start, end) pairs of one day. */
function mergeInstantRanges(flat: number[]): number[] {
  if (flat.length <= 2) return flat;
  const pairs: [number, number][] = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
  pairs.sort((a, b) => a[0] - b[0]);
  const merged: number[] = [];
  for (const [start, end] of pairs) {
    const last = merged.length - 1;
    if (merged.length > 0 && start <= merged[last]!) {
      merged[last] = Math.max(merged[last]!, end);
    } else {
      merged.push(start, end);
    }
  }
  return merged;
}

// --- day plans (the provider's agenda and utilization) ------------------------

/** One local day of one barber: when they work and when they are on a break, as instants. */
export interface DayPlan {
  date: LocalDate;
  /** Working time: weekly hours minus weekly breaks, or the override's ranges. Sorted, disjoint. */
  working: Interval[];
  /** Weekly breaks inside the weekly hours; none on a day with an override (it replaces both). */
  breaks: Interval[];
  /** Whether a date override decided this day. */
  override: boolean;
}

/**
 * Each local date in [from, to] of one barber's schedule, with wall times converted to
 * instants exactly as computeSlots converts them (same timeline, gap and fall-back rules),
 * so the agenda shows the very working time the slot engine offers.
 */
export function dayPlans(timezone: string, from: LocalDate, to: LocalDate, schedule: Pick<BarberSchedule, 'weeklyHours' | 'weeklyBreaks' | 'overrides'>): DayPlan[] {
  const zone = resolveZone(timezone);
  const fromDays = parseLocalDateToDays(from, 'from');
  const toDays = parseLocalDateToDays(to, 'to');
  if (fromDays > toDays) throw new RangeError(`from (${from}) must not be after to (${to})`);
  schedule.weeklyHours.forEach((r, i) => assertMinuteRange(r, `weeklyHours[${i}]`));
  schedule.weeklyBreaks.forEach((r, i) => assertMinuteRange(r, `weeklyBreaks[${i}]`));

  const timeline = new ZoneTimeline(zone, wallMsOf(fromDays, 0) - TIMELINE_MARGIN_MS, wallMsOf(toDays + 1, 0) + TIMELINE_MARGIN_MS);
  const toInstant = (days: number, minute: number): number => timeline.toInstant(wallMsOf(days, minute));
  const workByWeekday: MinuteSpans[] = [];
  const breaksByWeekday: MinuteSpans[] = [];
  for (let weekday = 0; weekday < 7; weekday++) {
    const hours = mergeMinuteRanges(schedule.weeklyHours.filter((r) => r.weekday === weekday));
    const breaks = mergeMinuteRanges(schedule.weeklyBreaks.filter((r) => r.weekday === weekday));
    const work = subtractSpans(hours, breaks);
    workByWeekday.push(work);
    // A break only shows where it interrupts working hours.
    breaksByWeekday.push(subtractSpans(hours, work));
  }
  const overrides = new Map<number, MinuteSpans>();
  for (const override of schedule.overrides) {
    const days = parseLocalDateToDays(override.date, 'override.date');
    overrides.set(days, mergeMinuteRanges([...(overrides.has(days) ? spansToRanges(overrides.get(days)!) : []), ...override.ranges]));
  }

  const plans: DayPlan[] = [];
  for (let day = fromDays; day <= toDays; day++) {
    const dayStart = toInstant(day, 0);
    const dayEnd = toInstant(day + 1, 0);
    const toIntervals = (spans: MinuteSpans): Interval[] => {
      const flat: number[] = [];
      for (let i = 0; i < spans.length; i += 2) {
        const start = Math.max(dayStart, toInstant(day, spans[i]!));
        const end = Math.min(dayEnd, toInstant(day, spans[i + 1]!));
        if (end > start) flat.push(start, end);
      }
      const merged = mergeInstantRanges(flat);
      const out: Interval[] = [];
      for (let i = 0; i < merged.length; i += 2) out.push({ start: merged[i]!, end: merged[i + 1]! });
      return out;
    };
    const override = overrides.get(day);
    const weekday = weekdayOfDays(day);
    plans.push({
      date: formatCivil(civilFromDays(day)),
      working: toIntervals(override ?? workByWeekday[weekday]!),
      breaks: override ? [] : toIntervals(breaksByWeekday[weekday]!),
      override: override !== undefined,
    });
  }
  return plans;
}

function spansToRanges(spans: MinuteSpans): MinuteRange[] {
  const ranges: MinuteRange[] = [];
  for (let i = 0; i < spans.length; i += 2) ranges.push({ startMinute: spans[i]!, endMinute: spans[i + 1]! });
  return ranges;
}
