import type { Cache } from '../../platform/cache.js';
import { shopScope } from '../catalog/service.js';
import type { Clock } from '../../platform/clock.js';
import type { Service, Shop } from '../../platform/db/schema.js';
import { problems } from '../../platform/http/problem.js';
import { shopTimeFormatter } from './format.js';
import type { AvailabilityRepository, BarberRow } from './repository.js';
import {
  addDays,
  computeSlots,
  localDateOf,
  localDayBounds,
  type BarberSchedule,
  type LocalDate,
  type Slot,
  type WeeklyRange,
} from './slot-engine.js';

/** The widest span one availability request may ask for. */
export const MAX_RANGE_DAYS = 62;

export interface AvailabilityRequest {
  shopId: string;
  serviceId: string;
  from: LocalDate;
  to: LocalDate;
  barberId?: string | undefined;
  /** A booking being rescheduled does not block its own new time. */
  excludeBookingId?: string | undefined;
}

export interface AvailableSlot {
  start: number;
  end: number;
  /** The barber who would take it: the chosen one, or for "any barber" the least busy that day. */
  barberId: string;
  /** Every barber free at that time (just the chosen one when a barber was requested). */
  availableBarberIds: string[];
}

/** What the availability endpoint serves; cached per shop, invalidated by any agenda change. */
export interface AvailabilityView {
  timezone: string;
  durationMinutes: number;
  minNoticeMinutes: number;
  slots: AvailableSlot[];
}

export const AVAILABILITY_CACHE_TTL_SECONDS = 30;


export interface AvailabilityResult {
  shop: Shop;
  service: Service;
  barbers: BarberRow[];
  slots: AvailableSlot[];
}

function daysBetween(from: LocalDate, to: LocalDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export class AvailabilityService {
  constructor(
    private readonly repo: AvailabilityRepository,
    private readonly clock: Clock,
    private readonly cache?: Cache,
  ) {}

  /**
   * The public, cached view. Bookings never use it: they validate against the database in
   * their own transaction. Slots that slipped inside the minimum notice since the entry was
   * stored are dropped on the way out.
   */
  async view(request: Omit<AvailabilityRequest, 'excludeBookingId'>): Promise<AvailabilityView> {
    const load = async (): Promise<AvailabilityView> => {
      const result = await this.availability(request);
      return {
        timezone: result.shop.timezone,
        durationMinutes: result.service.duration_minutes,
        minNoticeMinutes: result.shop.min_notice_minutes,
        slots: result.slots,
      };
    };
    if (!this.cache) return load();
    const key = `${request.serviceId}:${request.barberId ?? 'any'}:${request.from}:${request.to}`;
    const view = await this.cache.readThrough('availability', shopScope(request.shopId), key, AVAILABILITY_CACHE_TTL_SECONDS, load);
    const earliest = this.clock.now().getTime() + view.minNoticeMinutes * 60_000;
    return view.slots.length && view.slots[0]!.start < earliest ? { ...view, slots: view.slots.filter((s) => s.start >= earliest) } : view;
  }

  async shopAndService(shopId: string, serviceId: string): Promise<{ shop: Shop; service: Service }> {
    const found = await this.repo.shopAndService(shopId, serviceId);
    if (!found) throw problems.notFound('La barbería o el servicio');
    if (!found.service.active) throw problems.unprocessable('service_inactive', 'Ese servicio ya no se ofrece.');
    return found;
  }

  eligibleBarbers(shopId: string, serviceId: string): Promise<BarberRow[]> {
    return this.repo.eligibleBarbers(shopId, serviceId);
  }

  async availability(request: AvailabilityRequest): Promise<AvailabilityResult> {
    if (request.from > request.to)
      throw problems.validation([{ path: 'querystring.to', message: 'La fecha final debe ser igual o posterior a la inicial.' }]);
    if (daysBetween(request.from, request.to) >= MAX_RANGE_DAYS)
      throw problems.validation([{ path: 'querystring.to', message: `Consultá como máximo ${MAX_RANGE_DAYS} días por vez.` }]);

    const { shop, service } = await this.shopAndService(request.shopId, request.serviceId);
    let barbers = await this.repo.eligibleBarbers(shop.id, service.id);
    if (request.barberId) {
      barbers = barbers.filter((b) => b.id === request.barberId);
      if (barbers.length === 0) throw problems.notFound('El barbero (o no realiza ese servicio)');
    }
    const slots = await this.computeFor(shop, service, barbers, request.from, request.to, request.excludeBookingId);
    const merged = request.barberId ? slots.map((s) => ({ ...s, availableBarberIds: [s.barberId] })) : await this.mergeAnyBarber(shop, slots);
    return { shop, service, barbers, slots: merged };
  }

  /** Raw per-barber slots for the given barbers; used by bookings to validate a requested start. */
  async computeFor(
    shop: Shop,
    service: Service,
    barbers: readonly BarberRow[],
    from: LocalDate,
    to: LocalDate,
    excludeBookingId?: string,
  ): Promise<Slot[]> {
    if (barbers.length === 0) return [];
    const now = this.clock.now();
    // Obstacles just outside the range still matter through buffers; a day either side covers them.
    const windowStart = new Date(localDayBounds(addDays(from, -1), shop.timezone).start);
    const windowEnd = new Date(localDayBounds(addDays(to, 1), shop.timezone).end);
    const data = await this.repo.scheduleData(
      barbers.map((b) => b.id),
      from,
      to,
      windowStart,
      windowEnd,
      now,
      excludeBookingId,
    );
    const schedules = new Map<string, BarberSchedule>(
      barbers.map((b) => [b.id, { barberId: b.id, weeklyHours: [], weeklyBreaks: [], overrides: [], timeOff: [], busy: [] }]),
    );
    for (const w of data.weekly) {
      const range: WeeklyRange = { weekday: w.weekday, startMinute: w.start_minute, endMinute: w.end_minute };
      const schedule = schedules.get(w.barber_id)!;
      (w.kind === 'work' ? schedule.weeklyHours : schedule.weeklyBreaks).push(range);
    }
    const overrideIndex = new Map<string, { date: string; ranges: Array<{ startMinute: number; endMinute: number }> }>();
    for (const o of data.overrides) {
      const key = `${o.barber_id}|${o.on_date}`;
      let entry = overrideIndex.get(key);
      if (!entry) {
        entry = { date: o.on_date, ranges: [] };
        overrideIndex.set(key, entry);
        schedules.get(o.barber_id)!.overrides.push(entry);
      }
      if (o.start_minute !== null && o.end_minute !== null) entry.ranges.push({ startMinute: o.start_minute, endMinute: o.end_minute });
    }
    for (const t of data.timeOff) schedules.get(t.barber_id)!.timeOff.push({ start: t.starts_at.getTime(), end: t.ends_at.getTime() });
    for (const b of data.busy) schedules.get(b.barber_id)!.busy.push({ start: b.blocked_from.getTime(), end: b.blocked_to.getTime() });

    return computeSlots(
      {
        timezone: shop.timezone,
        from,
        to,
        durationMinutes: service.duration_minutes,
        bufferBeforeMinutes: service.buffer_before_minutes,
        bufferAfterMinutes: service.buffer_after_minutes,
        slotStepMinutes: shop.slot_step_minutes,
        minNoticeMinutes: shop.min_notice_minutes,
        horizonDays: shop.booking_horizon_days,
        now: now.getTime(),
      },
      [...schedules.values()],
    );
  }

  /**
   * "Any barber": one entry per start time. The suggested barber is the one with the fewest
   * bookings that local day, so the agenda fills evenly; ties keep the shop's barber order.
   */
  private async mergeAnyBarber(shop: Shop, slots: Slot[]): Promise<AvailableSlot[]> {
    if (slots.length === 0) return [];
    const first = slots[0]!;
    const last = slots[slots.length - 1]!;
    const barberIds = [...new Set(slots.map((s) => s.barberId))];
    const load = await this.repo.dailyLoad(barberIds, new Date(first.start - 86_400_000), new Date(last.end + 86_400_000), shop.timezone);
    const localIso = shopTimeFormatter(shop.timezone);
    const out: AvailableSlot[] = [];
    for (let i = 0; i < slots.length; ) {
      const start = slots[i]!.start;
      const day = localIso(start).slice(0, 10);
      const group: Slot[] = [];
      while (i < slots.length && slots[i]!.start === start) group.push(slots[i++]!);
      let chosen = group[0]!;
      let chosenLoad = load.get(`${chosen.barberId}|${day}`) ?? 0;
      for (const candidate of group) {
        const l = load.get(`${candidate.barberId}|${day}`) ?? 0;
        if (l < chosenLoad) {
          chosen = candidate;
          chosenLoad = l;
        }
      }
      out.push({ start, end: chosen.end, barberId: chosen.barberId, availableBarberIds: group.map((g) => g.barberId) });
    }
    return out;
  }

  /** Up to `limit` free slots nearest to `around`, searching forward a week from its day. */
  async alternatives(shop: Shop, service: Service, barberId: string | undefined, around: Date, limit = 5, excludeBookingId?: string): Promise<AvailableSlot[]> {
    const fromDay = localDateOf(Math.max(around.getTime(), this.clock.now().getTime()), shop.timezone);
    const result = await this.availability({
      shopId: shop.id,
      serviceId: service.id,
      from: fromDay,
      to: addDays(fromDay, 7),
      barberId,
      excludeBookingId,
    });
    const target = around.getTime();
    return result.slots
      .filter((s) => s.start !== target || !barberId)
      .map((s) => ({ s, distance: Math.abs(s.start - target) }))
      .sort((a, b) => a.distance - b.distance || a.s.start - b.s.start)
      .slice(0, limit)
      .map((x) => x.s)
      .sort((a, b) => a.start - b.start);
  }
}
