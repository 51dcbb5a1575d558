import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import { ARGENTINA_TIMEZONE } from '../../platform/db/database.js';
import type { BookingStatus, DB } from '../../platform/db/schema.js';
import type { Principal } from '../../platform/http/access.js';
import { ProblemError, problems } from '../../platform/http/problem.js';
import { money } from '../../platform/http/schemas.js';
import { shopTimeFormatter, toSlotDto } from '../availability/format.js';
import type { AvailabilityService, Bookable } from '../availability/service.js';
import { localDayBounds } from '../availability/slot-engine.js';
import { depositCents } from '../catalog/pricing.js';
import type { ShopAccess } from '../catalog/shop-access.js';
import * as policy from './policy.js';
import { isExclusionViolation, type BookingListFilter, type BookingView, type BookingsRepository } from './repository.js';
import type { BookingDto } from './schemas.js';

export interface CreateBookingInput {
  shopId: string;
  serviceId: string;
  start: string;
  barberId?: string | undefined;
  note: string;
}

export interface CreateBookingOptions {
  idempotencyKey?: string | undefined;
  /** Milliseconds since the server received the request; stored for the seed's analytics. */
  elapsedMs: () => number;
}

export interface AgendaEvent {
  shopId: string;
  bookingId: string;
  /** created, confirmed, cancelled, rescheduled, completed, no_show, reviewed, hold_expired, payment_failed */
  type: string;
  /** Event details, e.g. who cancelled and whether it was late. */
  data?: Record<string, unknown>;
  /**
   * Start times whose agenda changed (both the old and the new one on a reschedule), so
   * caches drop just those days; absent means "anything of this shop's agenda may have".
   */
  starts?: Date[];
}

/** Hears about every committed change to a shop's agenda (cache invalidation, metrics). */
export type AgendaChangeListener = (event: AgendaEvent) => void | Promise<void>;

/**
 * Runs inside the booking's own transaction, so what it writes (an outbox row, a reminder)
 * commits or rolls back with the booking itself.
 */
export type AgendaTransactionListener = (trx: Transaction<DB>, event: AgendaEvent) => Promise<void>;

const IDEMPOTENCY_SCOPE = 'POST /api/v1/bookings';

function hashRequest(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body, Object.keys(body as object).sort())).digest('hex');
}

class ReplayStoredResponse extends Error {}

export class BookingsService {
  private readonly listeners: AgendaChangeListener[] = [];
  private readonly txListeners: AgendaTransactionListener[] = [];

  constructor(
    private readonly db: Kysely<DB>,
    private readonly repo: BookingsRepository,
    private readonly availability: AvailabilityService,
    private readonly access: ShopAccess,
    private readonly clock: Clock,
  ) {}

  onAgendaChange(listener: AgendaChangeListener): void {
    this.listeners.push(listener);
  }

  onAgendaTransaction(listener: AgendaTransactionListener): void {
    this.txListeners.push(listener);
  }

  /**
   * The change has committed: a listener that fails (a queue outage, say) must not turn the
   * customer's successful request into an error. Failures go to `onListenerError`.
   */
  private async emit(shopId: string, bookingId: string, type: string, starts?: Date[]): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener({ shopId, bookingId, type, ...(starts ? { starts } : {}) });
      } catch (error) {
        this.onListenerError(error, type);
      }
    }
  }

  onListenerError: (error: unknown, eventType: string) => void = () => undefined;

  private async emitInTransaction(trx: Transaction<DB>, shopId: string, bookingId: string, type: string, data?: Record<string, unknown>): Promise<void> {
    for (const listener of this.txListeners) await listener(trx, { shopId, bookingId, type, ...(data ? { data } : {}) });
  }

  /** After a transaction that changed bookings on behalf of another module has committed. */
  async announce(events: ReadonlyArray<{ shopId: string; bookingId: string; type: string; starts?: Date[] }>): Promise<void> {
    for (const e of events) await this.emit(e.shopId, e.bookingId, e.type, e.starts);
  }

  /**
   * A payment for a held booking was approved: confirm it inside the payment's transaction.
   * A hold that ran out is reinstated when its time is still free; if someone else took the
   * time meanwhile, the exclusion constraint refuses it and the caller refunds.
   */
  async confirmPaidInTransaction(trx: Transaction<DB>, bookingId: string, now: Date): Promise<'confirmed' | 'already' | 'slot_lost' | 'not_payable'> {
    const view = await this.repo.lockForUpdate(trx, bookingId);
    if (!view) return 'not_payable';
    if (view.status === 'confirmed' || view.status === 'completed' || view.status === 'no_show') return 'already';
    if (view.status === 'cancelled') return 'not_payable';
    if (view.status === 'expired') {
      // Under the barber's agenda lock the check is exact, so the update cannot hit the
      // exclusion constraint (which would abort the payment's whole transaction).
      await this.repo.lockBarberAgenda(trx, view.barber_id);
      if (await this.repo.overlapsLiveBooking(trx, view.barber_id, view.blocked_from, view.blocked_to, view.id)) return 'slot_lost';
    }
    await this.repo.setStatus(trx, bookingId, 'confirmed', now);
    await this.repo.addEvent(trx, bookingId, 'confirmed', null, { by: 'payment' });
    await this.emitInTransaction(trx, view.shop_id, bookingId, 'confirmed', { by: 'payment' });
    return 'confirmed';
  }

  /** The payment for a held booking failed: give the time back at once. */
  async releaseUnpaidInTransaction(trx: Transaction<DB>, bookingId: string, reason: string, now: Date): Promise<boolean> {
    const view = await this.repo.lockForUpdate(trx, bookingId);
    if (!view || view.status !== 'pending') return false;
    await this.repo.setStatus(trx, bookingId, 'expired', now);
    await this.repo.addEvent(trx, bookingId, 'payment_failed', null, { reason });
    await this.emitInTransaction(trx, view.shop_id, bookingId, 'payment_failed', { reason });
    return true;
  }

  // Create -------------------------------------------------------------------------------

  async create(principal: Principal, input: CreateBookingInput, options: CreateBookingOptions): Promise<{ status: number; body: unknown }> {
    const key = options.idempotencyKey;
    const requestHash = hashRequest(input);
    // A retry whose first attempt committed finds its stored answer when the key is claimed
    // (or, when the slot is now its own, below), so a first attempt needs no lookup of its own.
    const storedReplay = async () => {
      const stored = key ? await this.repo.findIdempotencyKey(principal.userId, IDEMPOTENCY_SCOPE, key) : undefined;
      return stored ? this.replay(stored, requestHash) : undefined;
    };

    const now = this.clock.now();
    const start = new Date(input.start);
    let shop: Bookable['shop'];
    let service: Bookable['service'];
    let candidates: Awaited<ReturnType<AvailabilityService['freeBarbersAt']>>;
    try {
      ({ shop, service } = await this.availability.bookable(input.shopId, input.serviceId));
      if (start.getTime() <= now.getTime()) throw problems.unprocessable('start_in_past', 'Ese horario ya pasó.');
      candidates = await this.availability.freeBarbersAt(shop.id, service.id, start, input.barberId);
    } catch (error) {
      // Refused now (the time has passed, the service was retired) but answered before: the
      // retry gets the first answer, as an idempotent request must.
      if (error instanceof ProblemError) {
        const replayed = await storedReplay();
        if (replayed) return replayed;
      }
      throw error;
    }

    // A retry racing its own first attempt finds the slot taken by that attempt: the first
    // attempt's booking and its idempotency record commit together, so look there first.
    const replayOrUnavailable = async () => {
      const replayed = await storedReplay();
      if (replayed) return replayed;
      throw await this.slotUnavailable(shop, service, input.barberId, start);
    };

    if (candidates.length === 0) return replayOrUnavailable();

    const end = new Date(start.getTime() + service.duration_minutes * 60_000);
    const blockedFrom = new Date(start.getTime() - service.buffer_before_minutes * 60_000);
    const blockedTo = new Date(end.getTime() + service.buffer_after_minutes * 60_000);
    const deposit = depositCents(service.price_cents, service.deposit_kind, service.deposit_value);
    const status = policy.initialStatus(deposit);

    // Try each free barber in turn; each attempt is its own transaction so a lost race on
    // one barber (the exclusion constraint firing) leaves nothing behind.
    for (const barber of candidates) {
      try {
        const body = await this.db.transaction().execute(async (trx) => {
          const idempotency = key ? { userId: principal.userId, scope: IDEMPOTENCY_SCOPE, key, requestHash } : undefined;
          if (!(await this.repo.claimKeyAndLockAgenda(trx, barber.id, idempotency))) throw new ReplayStoredResponse();
          if (await this.repo.releaseExpiredAndCheckOverlap(trx, barber.id, blockedFrom, blockedTo, now)) return null;
          const created = { status, barberId: barber.id, start: start.toISOString() };
          const view = await this.repo.insertWithEvent(trx, {
            shop_id: shop.id,
            barber_id: barber.id,
            service_id: service.id,
            customer_id: principal.userId,
            status,
            starts_at: start,
            ends_at: end,
            blocked_from: blockedFrom,
            blocked_to: blockedTo,
            price_cents: service.price_cents,
            deposit_cents: deposit,
            hold_expires_at: status === 'pending' ? new Date(now.getTime() + shop.hold_minutes * 60_000) : null,
            customer_note: input.note,
            // What the seed's BI reports as booking response time: the request up to its insert.
            response_time_ms: Math.max(0, Math.round(options.elapsedMs())),
          }, { type: 'created', actorId: principal.userId, data: created });
          await this.emitInTransaction(trx, shop.id, view.id, 'created');
          const dto = this.toDto(view);
          if (key) await this.repo.completeIdempotencyKey(trx, principal.userId, IDEMPOTENCY_SCOPE, key, 201, dto);
          return dto;
        });
        if (body) {
          await this.emit(shop.id, body.id, 'created', [start]);
          return { status: 201, body };
        }
      } catch (error) {
        if (error instanceof ReplayStoredResponse) {
          const replayed = await storedReplay();
          if (replayed) return replayed;
          continue;
        }
        if (!isExclusionViolation(error)) throw error;
      }
    }
    return replayOrUnavailable();
  }

  private replay(stored: { request_hash: string; status_code: number; response_body: unknown }, requestHash: string) {
    if (stored.request_hash !== requestHash)
      throw problems.unprocessable('idempotency_key_reused', 'Esa Idempotency-Key ya se usó con otra solicitud.');
    if (stored.status_code === 0) throw problems.conflict('request_in_progress', 'La misma solicitud todavía se está procesando.');
    return { status: stored.status_code, body: stored.response_body };
  }

  private async slotUnavailable(shop: Bookable['shop'], service: Bookable['service'], barberId: string | undefined, start: Date, excludeBookingId?: string): Promise<ProblemError> {
    const alternatives = await this.availability.alternatives(shop.id, service.id, barberId, start, 5, excludeBookingId);
    const format = shopTimeFormatter(shop.timezone);
    return problems.conflict('slot_unavailable', 'Ese horario ya no está disponible. Te sugerimos otros cercanos.', {
      alternatives: alternatives.map((s) => toSlotDto(s, format)),
    });
  }

  // Read ---------------------------------------------------------------------------------

  async get(principal: Principal, id: string): Promise<BookingDto> {
    const view = await this.repo.findView(id);
    if (!view || !(await this.canSee(principal, view))) throw problems.notFound('El turno');
    return this.toDto(view);
  }

  private async canSee(principal: Principal, view: BookingView): Promise<boolean> {
    if (principal.role === 'admin') return true;
    if (principal.role === 'customer') return view.customer_id === principal.userId;
    return (await this.access.roleIn(principal, view.shop_id)) !== undefined;
  }

  async list(
    principal: Principal,
    query: { status?: BookingStatus[] | undefined; from?: string | undefined; to?: string | undefined; shopId?: string | undefined; barberId?: string | undefined; page: number; pageSize: number },
  ) {
    const filter: BookingListFilter = {
      status: query.status,
      shopId: query.shopId,
      barberId: query.barberId,
      page: query.page,
      pageSize: query.pageSize,
    };
    // Dates are Argentine days; a shop's own timezone only differs for shops abroad.
    if (query.from) filter.from = new Date(localDayBounds(query.from, ARGENTINA_TIMEZONE).start);
    if (query.to) filter.to = new Date(localDayBounds(query.to, ARGENTINA_TIMEZONE).end);
    if (principal.role === 'customer') filter.customerId = principal.userId;
    else if (principal.role === 'provider') {
      const shopIds = await this.repo.memberShopIds(principal.userId);
      if (query.shopId && !shopIds.includes(query.shopId)) throw problems.forbidden('No formás parte de esta barbería.');
      filter.shopIds = shopIds;
    }
    const { rows, total } = await this.repo.list(filter);
    return { items: rows.map((r) => this.toDto(r)), page: query.page, pageSize: query.pageSize, total };
  }

  // Lifecycle ----------------------------------------------------------------------------

  private async actorFor(principal: Principal, view: BookingView): Promise<policy.Actor> {
    if (principal.role === 'admin') return 'admin';
    if (principal.role === 'customer') {
      if (view.customer_id === principal.userId) return 'customer';
      throw problems.notFound('El turno');
    }
    const role = await this.access.roleIn(principal, view.shop_id);
    if (!role) throw problems.notFound('El turno');
    return 'shop';
  }

  private facts(view: BookingView): policy.BookingFacts {
    return { status: view.status, startsAt: view.starts_at, endsAt: view.ends_at, holdExpiresAt: view.hold_expires_at };
  }

  private enforce(decision: policy.Decision): void {
    if (!decision.allowed) throw problems.conflict(decision.code, decision.reason);
  }

  /** Runs a state change on a locked booking; `change` returns the event to record. */
  private async transition(
    principal: Principal,
    id: string,
    change: (view: BookingView, actor: policy.Actor, trx: Transaction<DB>) => Promise<{ type: string; data?: Record<string, unknown> }>,
    onlyShop = false,
  ): Promise<BookingDto> {
    const visible = await this.repo.findView(id);
    if (!visible) throw problems.notFound('El turno');
    const actor = await this.actorFor(principal, visible);
    if (onlyShop && actor === 'customer') throw problems.forbidden('Solo la barbería puede hacer esto.');
    const result = await this.db.transaction().execute(async (trx) => {
      const view = (await this.repo.lockForUpdate(trx, id))!;
      const event = await change(view, actor, trx);
      await this.repo.addEvent(trx, id, event.type, principal.userId, event.data ?? {});
      await this.emitInTransaction(trx, view.shop_id, id, event.type, event.data);
      return { view: (await this.repo.findView(id, trx))!, type: event.type };
    });
    await this.emit(result.view.shop_id, id, result.type, [result.view.starts_at]);
    return this.toDto(result.view);
  }

  cancel(principal: Principal, id: string, reason: string | undefined): Promise<BookingDto> {
    return this.transition(principal, id, async (view, actor, trx) => {
      const now = this.clock.now();
      this.enforce(policy.canCancel(this.facts(view), now));
      const late = actor === 'customer' && policy.isLateCancellation(this.facts(view), view.cancellation_cutoff_minutes, now);
      await this.repo.setStatus(trx, id, 'cancelled', now, { cancelled_by: principal.userId, cancel_reason: reason ?? null });
      return { type: 'cancelled', data: { by: actor, late, reason: reason ?? null } };
    });
  }

  confirm(principal: Principal, id: string): Promise<BookingDto> {
    return this.transition(
      principal,
      id,
      async (view, _actor, trx) => {
        const now = this.clock.now();
        this.enforce(policy.canConfirm(this.facts(view), now));
        await this.repo.setStatus(trx, id, 'confirmed', now);
        return { type: 'confirmed', data: { by: 'shop' } };
      },
      true,
    );
  }

  closeOut(principal: Principal, id: string, outcome: 'completed' | 'no_show'): Promise<BookingDto> {
    return this.transition(
      principal,
      id,
      async (view, _actor, trx) => {
        const now = this.clock.now();
        this.enforce(policy.canCloseOut(this.facts(view), now));
        await this.repo.setStatus(trx, id, outcome, now);
        return { type: outcome };
      },
      true,
    );
  }

  /**
   * Moves a booking in one UPDATE: the database checks the new time against everyone else's
   * bookings before the old time is given up, so either both happen or neither does.
   */
  async reschedule(principal: Principal, id: string, input: { start: string; barberId?: string | undefined }): Promise<BookingDto> {
    const current = await this.repo.findView(id);
    if (!current) throw problems.notFound('El turno');
    const actor = await this.actorFor(principal, current);
    const now = this.clock.now();
    this.enforce(policy.canReschedule(this.facts(current), actor, current.cancellation_cutoff_minutes, now));
    const start = new Date(input.start);
    if (start.getTime() <= now.getTime()) throw problems.unprocessable('start_in_past', 'Ese horario ya pasó.');

    const { shop, service } = await this.availability.bookable(current.shop_id, current.service_id);
    const free = await this.availability.freeBarbersAt(shop.id, service.id, start, input.barberId, id);
    // Keep the customer's barber when possible.
    const ordered = [...free.filter((b) => b.id === current.barber_id), ...free.filter((b) => b.id !== current.barber_id)];
    if (ordered.length === 0) throw await this.slotUnavailable(shop, service, input.barberId, start, id);

    const end = new Date(start.getTime() + service.duration_minutes * 60_000);
    const blocked = {
      blocked_from: new Date(start.getTime() - service.buffer_before_minutes * 60_000),
      blocked_to: new Date(end.getTime() + service.buffer_after_minutes * 60_000),
    };
    for (const barber of ordered) {
      try {
        const moved = await this.db.transaction().execute(async (trx) => {
          const locked = (await this.repo.lockForUpdate(trx, id))!;
          this.enforce(policy.canReschedule(this.facts(locked), actor, locked.cancellation_cutoff_minutes, this.clock.now()));
          await this.repo.lockBarberAgenda(trx, barber.id);
          if (await this.repo.releaseExpiredAndCheckOverlap(trx, barber.id, blocked.blocked_from, blocked.blocked_to, now, id)) return null;
          await this.repo.moveTo(trx, id, { barber_id: barber.id, starts_at: start, ends_at: end, ...blocked }, now);
          await this.repo.addEvent(trx, id, 'rescheduled', principal.userId, {
            by: actor,
            from: { start: locked.starts_at.toISOString(), barberId: locked.barber_id },
            to: { start: start.toISOString(), barberId: barber.id },
          });
          await this.emitInTransaction(trx, locked.shop_id, id, 'rescheduled');
          return { view: (await this.repo.findView(id, trx))!, previousStart: locked.starts_at };
        });
        if (moved) {
          await this.emit(moved.view.shop_id, id, 'rescheduled', [moved.previousStart, start]);
          return this.toDto(moved.view);
        }
      } catch (error) {
        if (!isExclusionViolation(error)) throw error;
      }
    }
    throw await this.slotUnavailable(shop, service, input.barberId, start, id);
  }

  // Reviews ------------------------------------------------------------------------------

  async review(principal: Principal, id: string, input: { rating: number; comment: string }) {
    const view = await this.repo.findView(id);
    if (!view || view.customer_id !== principal.userId) throw problems.notFound('El turno');
    this.enforce(policy.canReview(this.facts(view)));
    const review = await this.db.transaction().execute(async (trx) => {
      const inserted = await this.repo.insertReview(trx, {
        booking_id: id,
        shop_id: view.shop_id,
        barber_id: view.barber_id,
        customer_id: principal.userId,
        rating: input.rating,
        comment: input.comment,
      });
      if (inserted) await this.repo.addEvent(trx, id, 'reviewed', principal.userId, { rating: input.rating });
      return inserted;
    });
    if (!review) throw problems.conflict('already_reviewed', 'Ya dejaste tu opinión sobre este turno.');
    await this.emit(view.shop_id, id, 'reviewed');
    return {
      id: review.id,
      rating: review.rating,
      comment: review.comment,
      barberId: view.barber_id,
      barberName: view.barber_name,
      customerName: publicName(view.customer_name),
      createdAt: review.created_at.toISOString(),
    };
  }

  async listReviews(shopId: string, page: number, pageSize: number) {
    const rows = await this.repo.listReviews(shopId, page, pageSize);
    return rows.map((r) => ({
      id: r.id,
      rating: r.rating,
      comment: r.comment,
      barberId: r.barber_id,
      barberName: r.barber_name,
      customerName: publicName(r.customer_name),
      createdAt: r.created_at.toISOString(),
    }));
  }

  /** Releases expired holds everywhere; run periodically so abandoned checkouts free their slots. */
  async expireHolds(): Promise<number> {
    const expired = await this.repo.expireStaleHolds(this.db, this.clock.now());
    for (const row of expired) await this.emit(row.shop_id, row.id, 'hold_expired', [row.starts_at]);
    return expired.length;
  }

  // Mapping ------------------------------------------------------------------------------

  toDto(v: BookingView): BookingDto {
    const tz = v.timezone;
    const toShopIso = shopTimeFormatter(tz);
    return {
      id: v.id,
      status: v.status,
      shopId: v.shop_id,
      shopName: v.shop_name,
      timezone: tz,
      barberId: v.barber_id,
      barberName: v.barber_name,
      serviceId: v.service_id,
      serviceName: v.service_name,
      customer: { id: v.customer_id, fullName: v.customer_name },
      start: toShopIso(v.starts_at),
      end: toShopIso(v.ends_at),
      price: money(v.price_cents),
      deposit: money(v.deposit_cents),
      holdExpiresAt: v.hold_expires_at ? toShopIso(v.hold_expires_at) : null,
      note: v.customer_note,
      cancellation: v.cancelled_at
        ? {
            at: toShopIso(v.cancelled_at),
            byCustomer: v.cancelled_by === v.customer_id,
            reason: v.cancel_reason,
            late: v.cancelled_by === v.customer_id && policy.isLateCancellation(this.facts(v), v.cancellation_cutoff_minutes, v.cancelled_at),
          }
        : null,
      rescheduleCount: v.reschedule_count,
      reviewed: v.has_review,
      createdAt: toShopIso(v.created_at),
    };
  }
}

/** Reviews are public: "Ana P." rather than the customer's full name. */
export function publicName(fullName: string): string {
  const [first = '', ...rest] = fullName.trim().split(/\s+/);
  const initial = rest.length ? ` ${rest[rest.length - 1]![0]!.toUpperCase()}.` : '';
  return `${first}${initial}`;
}
