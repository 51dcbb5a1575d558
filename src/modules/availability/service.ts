import type { Cache } from '../../platform/cache.js';
import { shopScope } from '../catalog/service.js';
import type { Clock } from '../../platform/clock.js';
import type { Service, Shop } from '../../platform/db/schema.js';
import { problems } from '../../platform/http/problem.js';
import { availabilityBody, shopTimeFormatter } from './format.js';
import type { AgendaBooking, AgendaContext, AvailabilityRepository, BarberRow } from './repository.js';
import { addDays, computeSlots, localDateOf, localDayBounds, schedulesFromRows, type LocalDate, type Slot } from './slot-engine.js';

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

/** What the availability endpoint serves. */
export interface AvailabilityView {
  timezone: string;
  durationMinutes: number;
  minNoticeMinutes: number;
  slots: AvailableSlot[];
}

/**
 * Cached inputs live long: every change that affects them invalidates them precisely, so the
 * TTL only bounds memory (Redis evicts by LRU before that under pressure).
 */
export const AGENDA_CONTEXT_TTL_SECONDS = 600;
export const AGENDA_DAY_TTL_SECONDS = 600;
/** Serialized responses: also valid only until their own first slot falls inside the notice. */
export const AVAILABILITY_RESPONSE_TTL_SECONDS = 120;
/** Overrides and time off older than this are left out of the cached context. */
const CONTEXT_LOOKBACK_MS = 2 * 86_400_000;
const DAY_MS = 86_400_000;

/**
 * Cache scopes of a shop's bookings, per UTC day of their start. UTC, not the shop's day, so
 * whoever changes a booking can name the scope from the booking's instant alone. All of them
 * share the shop's hash tag (see Cache).
 */
export function agendaScope(shopId: string): string {
  return `${shopScope(shopId)}/agenda`;
}
export function agendaDayScope(shopId: string, utcDay: string): string {
  return `${agendaScope(shopId)}:${utcDay}`;
}
function utcDay(instant: number): string {
  return new Date(instant).toISOString().slice(0, 10);
}

export interface AvailabilityResult {
  context: AgendaContext;
  service: AgendaContext['services'][string];
  barbers: BarberRow[];
  slots: AvailableSlot[];
}

export interface Bookable {
  shop: Pick<Shop, 'id' | 'timezone' | 'hold_minutes'>;
  service: Pick<Service, 'id' | 'duration_minutes' | 'buffer_before_minutes' | 'buffer_after_minutes' | 'price_cents' | 'deposit_kind' | 'deposit_value'>;
}

interface AgendaInputs {
  context: AgendaContext;
  bookings: AgendaBooking[];
  /** Both came from the cache: no PostgreSQL query was needed. */
  fromCache: boolean;
  bypassed: boolean;
}

function daysBetween(from: LocalDate, to: LocalDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * Availability is computed on every request from two cached inputs: the shop's setup (hours,
 * breaks, overrides, time off, services, barbers; invalidated by any catalog change) and its
 * bookings per UTC day (invalidated by each booking change on that day only). A booking thus
 * costs the cache one day of one shop, and the next reader reloads just that day. Bookings
 * validate against the database in their own transaction; these caches only make reads fast.
 */
export class AvailabilityService {
  constructor(
    private readonly repo: AvailabilityRepository,
    private readonly clock: Clock,
    private readonly cache?: Cache,
  ) {}

  /**
   * After a committed change to the shop's bookings on the days of `starts` (or anywhere,
   * when not given): stores those days afresh under their next generation and moves the
   * generation on (write-through), so the change costs one query here instead of a miss for
   * the next readers.
   */
  async agendaChanged(shopId: string, starts?: readonly Date[]): Promise<void> {
    if (!this.cache) return;
    if (!starts || starts.length === 0) return this.cache.invalidate(agendaScope(shopId));
    const days = [...new Set(starts.map((s) => utcDay(s.getTime())))];
    await this.cache.replace(
      'agenda_day',
      days.map((d) => ({ scopes: [agendaDayScope(shopId, d), agendaScope(shopId)], key: 'bookings' })),
      days.map((d) => agendaDayScope(shopId, d)),
      AGENDA_DAY_TTL_SECONDS,
      () => this.loadAgendaDays(shopId, days),
    );
  }

  /** The shop's bookings that may block time, grouped by the UTC day they start. */
  private async loadAgendaDays(shopId: string, wanted: readonly string[]): Promise<AgendaBooking[][]> {
    if (wanted.length === 0) return [];
    const sorted = [...wanted].sort();
    const first = Date.parse(`${sorted[0]}T00:00:00Z`);
    const last = Date.parse(`${sorted[sorted.length - 1]}T00:00:00Z`) + DAY_MS;
    const byDay = new Map<string, AgendaBooking[]>(wanted.map((d) => [d, []]));
    for (const booking of await this.repo.agendaBookings(shopId, new Date(first), new Date(last))) byDay.get(utcDay(booking.start))?.push(booking);
    return wanted.map((d) => byDay.get(d)!);
  }

  /**
   * The endpoint's JSON body. Served from a cache of serialized responses, valid while the
   * shop's setup and every day it covers keep their generation, and only until the moment
   * the answer would change by the clock alone: its first slot entering the minimum notice,
   * a hold in it running out, or the local midnight that moves the booking horizon.
   */
  async publicBody(request: Omit<AvailabilityRequest, 'excludeBookingId'>): Promise<string> {
    const render = async (): Promise<{ body: string; validUntil: number; fromCache: boolean; bypassed: boolean }> => {
      const { result, inputs } = await this.compute(request);
      return { body: availabilityBody(request, this.toView(result)), validUntil: this.validUntil(result, inputs), fromCache: inputs.fromCache, bypassed: inputs.bypassed };
    };
    if (!this.cache) return (await render()).body;
    this.validateRange(request);
    const { from, to } = this.utcSpan(request);
    const days = this.utcDays(from, to);
    const now = this.clock.now().getTime();
    let rendered: Awaited<ReturnType<typeof render>> | undefined;
    const { values, fromCache, bypassed } = await this.cache.readMany<{ body: string; validUntil: number }>(
      'availability_response',
      [
        {
          scopes: [shopScope(request.shopId), agendaScope(request.shopId), ...days.map((d) => agendaDayScope(request.shopId, d))],
          key: `${request.serviceId}:${request.barberId ?? 'any'}:${request.from}:${request.to}`,
        },
      ],
      AVAILABILITY_RESPONSE_TTL_SECONDS,
      async () => {
        rendered = await render();
        return [{ body: rendered.body, validUntil: rendered.validUntil }];
      },
      (entry) => entry.validUntil > now,
    );
    const answeredWithoutDatabase = fromCache === 1 || (rendered?.fromCache ?? false);
    this.cache.record('availability', bypassed || rendered?.bypassed ? 'bypass' : answeredWithoutDatabase ? 'hit' : 'miss');
    return values[0]!.body;
  }

  private toView(result: AvailabilityResult): AvailabilityView {
    return {
      timezone: result.context.timezone,
      durationMinutes: result.service.durationMinutes,
      minNoticeMinutes: result.context.minNoticeMinutes,
      slots: result.slots,
    };
  }

  private validUntil(result: AvailabilityResult, inputs: AgendaInputs): number {
    const now = this.clock.now().getTime();
    let until = localDayBounds(localDateOf(now, result.context.timezone), result.context.timezone).end;
    const first = result.slots[0];
    if (first) until = Math.min(until, first.start - result.context.minNoticeMinutes * 60_000);
    for (const b of inputs.bookings) if (b.status === 'pending' && b.holdExpiresAt !== null && b.holdExpiresAt > now) until = Math.min(until, b.holdExpiresAt);
    return until;
  }

  /**
   * What a booking needs to know about the shop and service, from the cached setup. Prices
   * and rules are as current as the last committed catalog change (which drops the entry).
   */
  async bookable(shopId: string, serviceId: string): Promise<Bookable> {
    const { context } = await this.inputs(shopId, 0, 0);
    const { service } = this.eligible(context, serviceId, undefined);
    return {
      shop: { id: context.shopId, timezone: context.timezone, hold_minutes: context.holdMinutes },
      service: {
        id: serviceId,
        duration_minutes: service.durationMinutes,
        buffer_before_minutes: service.bufferBeforeMinutes,
        buffer_after_minutes: service.bufferAfterMinutes,
        price_cents: service.priceCents,
        deposit_kind: service.depositKind,
        deposit_value: service.depositValue,
      },
    };
  }

  async availability(request: AvailabilityRequest): Promise<AvailabilityResult> {
    return (await this.compute(request)).result;
  }

  /**
   * Barbers for whom `start` is an offered slot (working hours, breaks, overrides, time off,
   * notice, horizon and step alignment all apply), in assignment order. A booking's own
   * transaction re-checks the time against the database; this only picks candidates.
   */
  async freeBarbersAt(shopId: string, serviceId: string, start: Date, barberId?: string, excludeBookingId?: string): Promise<BarberRow[]> {
    const inputs = await this.inputs(shopId, start.getTime() - DAY_MS, start.getTime() + DAY_MS);
    const day = localDateOf(start.getTime(), inputs.context.timezone);
    const { service, barbers } = this.eligible(inputs.context, serviceId, barberId);
    const slots = this.slotsFor(inputs, service, barbers, day, day, excludeBookingId);
    const free = new Set(slots.filter((s) => s.start === start.getTime()).map((s) => s.barberId));
    return barbers.filter((b) => free.has(b.id));
  }

  private validateRange(request: { from: LocalDate; to: LocalDate }): void {
    if (request.from > request.to)
      throw problems.validation([{ path: 'querystring.to', message: 'La fecha final debe ser igual o posterior a la inicial.' }]);
    if (daysBetween(request.from, request.to) >= MAX_RANGE_DAYS)
      throw problems.validation([{ path: 'querystring.to', message: `Consultá como máximo ${MAX_RANGE_DAYS} días por vez.` }]);
  }

  /**
   * UTC offsets stay within ±14 h, so the UTC span of the local range, a day wider each side,
   * covers every booking whose buffers reach into it.
   */
  private utcSpan(request: { from: LocalDate; to: LocalDate }): { from: number; to: number } {
    return { from: Date.parse(`${request.from}T00:00:00Z`) - 2 * DAY_MS, to: Date.parse(`${request.to}T00:00:00Z`) + 3 * DAY_MS };
  }

  private utcDays(fromMs: number, toMs: number): string[] {
    const days: string[] = [];
    for (let t = Date.parse(`${utcDay(fromMs)}T00:00:00Z`); t < toMs; t += DAY_MS) days.push(utcDay(t));
    return days;
  }

  private async compute(request: AvailabilityRequest): Promise<{ result: AvailabilityResult; inputs: AgendaInputs }> {
    this.validateRange(request);
    const { from, to } = this.utcSpan(request);
    const inputs = await this.inputs(request.shopId, from, to);
    const { service, barbers } = this.eligible(inputs.context, request.serviceId, request.barberId);
    const slots = this.slotsFor(inputs, service, barbers, request.from, request.to, request.excludeBookingId);
    const merged = request.barberId
      ? slots.map((s) => ({ ...s, availableBarberIds: [s.barberId] }))
      : this.mergeAnyBarber(inputs.context.timezone, slots, inputs.bookings);
    return { result: { context: inputs.context, service, barbers, slots: merged }, inputs };
  }

  private eligible(context: AgendaContext, serviceId: string, barberId: string | undefined) {
    const service = context.services[serviceId];
    if (!service) throw problems.notFound('La barbería o el servicio');
    if (!service.active) throw problems.unprocessable('service_inactive', 'Ese servicio ya no se ofrece.');
    let barbers: BarberRow[] = context.barbers
      .filter((b) => b.serviceIds === null || b.serviceIds.includes(serviceId))
      .map((b) => ({ id: b.id, display_name: b.displayName }));
    if (barberId) {
      barbers = barbers.filter((b) => b.id === barberId);
      if (barbers.length === 0) throw problems.notFound('El barbero (o no realiza ese servicio)');
    }
    return { service, barbers };
  }

  /** The shop's setup and its bookings starting in [fromMs, toMs), from the cache where it can. */
  private async inputs(shopId: string, fromMs: number, toMs: number): Promise<AgendaInputs> {
    const days = this.utcDays(fromMs, toMs);
    const loadContext = async (): Promise<AgendaContext> => {
      const since = this.clock.now().getTime() - CONTEXT_LOOKBACK_MS;
      const context = await this.repo.agendaContext(shopId, utcDay(since), new Date(since));
      if (!context) throw problems.notFound('La barbería o el servicio');
      return context;
    };
    const loadDays = (indexes: number[]) => this.loadAgendaDays(shopId, indexes.map((i) => days[i]!));
    if (!this.cache) {
      const [context, perDay] = await Promise.all([loadContext(), loadDays(days.map((_, i) => i))]);
      return { context, bookings: perDay.flat(), fromCache: false, bypassed: false };
    }
    const [context, agenda] = await Promise.all([
      this.cache.readMany('agenda_context', [{ scopes: [shopScope(shopId)], key: 'context' }], AGENDA_CONTEXT_TTL_SECONDS, async () => [await loadContext()]),
      this.cache.readMany(
        'agenda_day',
        days.map((d) => ({ scopes: [agendaDayScope(shopId, d), agendaScope(shopId)], key: 'bookings' })),
        AGENDA_DAY_TTL_SECONDS,
        loadDays,
      ),
    ]);
    return {
      context: context.values[0]!,
      bookings: agenda.values.flat(),
      fromCache: context.fromCache === 1 && agenda.fromCache === days.length,
      bypassed: context.bypassed || agenda.bypassed,
    };
  }

  private slotsFor(
    inputs: AgendaInputs,
    service: AgendaContext['services'][string],
    barbers: readonly BarberRow[],
    from: LocalDate,
    to: LocalDate,
    excludeBookingId?: string,
  ): Slot[] {
    if (barbers.length === 0) return [];
    const { context } = inputs;
    const now = this.clock.now().getTime();
    const [earliest, latest] = [addDays(from, -1), addDays(to, 1)];
    const schedules = schedulesFromRows(
      barbers.map((b) => b.id),
      context.weekly,
      context.overrides,
      (date) => date >= earliest && date <= latest,
    );
    const windowStart = localDayBounds(addDays(from, -1), context.timezone).start;
    const windowEnd = localDayBounds(addDays(to, 1), context.timezone).end;
    for (const t of context.timeOff) if (t.start < windowEnd && t.end > windowStart) schedules.get(t.barberId)?.timeOff.push({ start: t.start, end: t.end });
    for (const b of inputs.bookings) {
      if (b.id === excludeBookingId || !blocksTime(b, now) || b.blockedFrom >= windowEnd || b.blockedTo <= windowStart) continue;
      schedules.get(b.barberId)?.busy.push({ start: b.blockedFrom, end: b.blockedTo });
    }
    return computeSlots(
      {
        timezone: context.timezone,
        from,
        to,
        durationMinutes: service.durationMinutes,
        bufferBeforeMinutes: service.bufferBeforeMinutes,
        bufferAfterMinutes: service.bufferAfterMinutes,
        slotStepMinutes: context.slotStepMinutes,
        minNoticeMinutes: context.minNoticeMinutes,
        horizonDays: context.bookingHorizonDays,
        now,
      },
      [...schedules.values()],
    );
  }

  /**
   * "Any barber": one entry per start time. The suggested barber is the one with the fewest
   * live bookings that local day, so the agenda fills evenly; ties keep the shop's barber order.
   */
  private mergeAnyBarber(timezone: string, slots: Slot[], bookings: readonly AgendaBooking[]): AvailableSlot[] {
    if (slots.length === 0) return [];
    const now = this.clock.now().getTime();
    const localIso = shopTimeFormatter(timezone);
    const load = new Map<string, number>();
    for (const b of bookings) {
      if (b.status !== 'confirmed' && !(b.status === 'pending' && blocksTime(b, now))) continue;
      const key = `${b.barberId}|${localIso(b.start).slice(0, 10)}`;
      load.set(key, (load.get(key) ?? 0) + 1);
    }
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
  async alternatives(shopId: string, serviceId: string, barberId: string | undefined, around: Date, limit = 5, excludeBookingId?: string): Promise<AvailableSlot[]> {
    // Asked because a booking just lost `around`: the one that took it may have committed a
    // moment ago, before its own cache refresh ran. Reload that day first, so no alternative
    // overlaps the booking that won.
    await this.agendaChanged(shopId, [around]);
    const { context } = await this.inputs(shopId, around.getTime(), around.getTime() + 1);
    const fromDay = localDateOf(Math.max(around.getTime(), this.clock.now().getTime()), context.timezone);
    const result = await this.availability({ shopId, serviceId, from: fromDay, to: addDays(fromDay, 7), barberId, excludeBookingId });
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

/** Confirmed, completed and no-show bookings block their time; a hold only until it expires. */
function blocksTime(booking: AgendaBooking, now: number): boolean {
  return booking.status !== 'pending' || (booking.holdExpiresAt !== null && booking.holdExpiresAt > now);
}
