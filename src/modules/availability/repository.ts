import type { Kysely } from 'kysely';
import type { DB, DepositKind } from '../../platform/db/schema.js';

export interface BarberRow {
  id: string;
  display_name: string;
}


/** A shop's bookable setup: what availability needs besides the bookings. Plain JSON, so it can be cached. */
export interface AgendaContext {
  shopId: string;
  timezone: string;
  slotStepMinutes: number;
  minNoticeMinutes: number;
  bookingHorizonDays: number;
  holdMinutes: number;
  services: Record<
    string,
    {
      active: boolean;
      durationMinutes: number;
      bufferBeforeMinutes: number;
      bufferAfterMinutes: number;
      priceCents: number;
      depositKind: DepositKind;
      depositValue: number;
    }
  >;
  /** Active barbers in assignment order; `serviceIds` null = performs every service. */
  barbers: Array<{ id: string; displayName: string; serviceIds: string[] | null }>;
  weekly: Array<{ barberId: string; weekday: number; startMinute: number; endMinute: number; kind: 'work' | 'break' }>;
  overrides: Array<{ barberId: string; date: string; startMinute: number | null; endMinute: number | null }>;
  timeOff: Array<{ barberId: string; start: number; end: number }>;
  /** Overrides dated before this day and time off that ended before this instant were left out. */
  sinceDate: string;
  sinceInstant: number;
}

/** A booking that may block time: everything but cancelled and expired ones. Times in epoch ms. */
export interface AgendaBooking {
  id: string;
  barberId: string;
  start: number;
  blockedFrom: number;
  blockedTo: number;
  status: 'pending' | 'confirmed' | 'completed' | 'no_show';
  holdExpiresAt: number | null;
}

/**
 * What availability reads, in a fixed number of queries whatever the number of days,
 * barbers or bookings.
 */
export class AvailabilityRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** The shop's setup for availability, or undefined when the shop does not exist or is inactive. */
  async agendaContext(shopId: string, sinceDate: string, sinceInstant: Date): Promise<AgendaContext | undefined> {
    const shop = await this.db
      .selectFrom('shops')
      .select(['id', 'timezone', 'slot_step_minutes', 'min_notice_minutes', 'booking_horizon_days', 'hold_minutes'])
      .where('id', '=', shopId)
      .where('active', '=', true)
      .executeTakeFirst();
    if (!shop) return undefined;
    const shopBarbers = this.db.selectFrom('barbers').select('id').where('shop_id', '=', shopId).where('active', '=', true);
    const [services, barbers, barberServices, weekly, overrides, timeOff] = await Promise.all([
      this.db
        .selectFrom('services')
        .select(['id', 'active', 'duration_minutes', 'buffer_before_minutes', 'buffer_after_minutes', 'price_cents', 'deposit_kind', 'deposit_value'])
        .where('shop_id', '=', shopId)
        .execute(),
      this.db
        .selectFrom('barbers')
        .select(['id', 'display_name'])
        .where('shop_id', '=', shopId)
        .where('active', '=', true)
        .orderBy('display_name')
        .orderBy('id')
        .execute(),
      this.db.selectFrom('barber_services').select(['barber_id', 'service_id']).where('barber_id', 'in', shopBarbers).execute(),
      this.db
        .selectFrom('barber_weekly_hours')
        .select(['barber_id', 'weekday', 'start_minute', 'end_minute', 'kind'])
        .where('barber_id', 'in', shopBarbers)
        .execute(),
      this.db
        .selectFrom('barber_date_overrides')
        .select(['barber_id', 'on_date', 'start_minute', 'end_minute'])
        .where('barber_id', 'in', shopBarbers)
        .where('on_date', '>=', sinceDate)
        .execute(),
      this.db
        .selectFrom('barber_time_off')
        .select(['barber_id', 'starts_at', 'ends_at'])
        .where('barber_id', 'in', shopBarbers)
        .where('ends_at', '>', sinceInstant)
        .execute(),
    ]);
    const performs = new Map<string, string[]>();
    for (const row of barberServices) performs.set(row.barber_id, [...(performs.get(row.barber_id) ?? []), row.service_id]);
    return {
      shopId: shop.id,
      timezone: shop.timezone,
      slotStepMinutes: shop.slot_step_minutes,
      minNoticeMinutes: shop.min_notice_minutes,
      bookingHorizonDays: shop.booking_horizon_days,
      holdMinutes: shop.hold_minutes,
      services: Object.fromEntries(
        services.map((s) => [
          s.id,
          {
            active: s.active,
            durationMinutes: s.duration_minutes,
            bufferBeforeMinutes: s.buffer_before_minutes,
            bufferAfterMinutes: s.buffer_after_minutes,
            priceCents: Number(s.price_cents),
            depositKind: s.deposit_kind,
            depositValue: Number(s.deposit_value),
          },
        ]),
      ),
      barbers: barbers.map((b) => ({ id: b.id, displayName: b.display_name, serviceIds: performs.get(b.id) ?? null })),
      weekly: weekly.map((w) => ({ barberId: w.barber_id, weekday: w.weekday, startMinute: w.start_minute, endMinute: w.end_minute, kind: w.kind })),
      overrides: overrides.map((o) => ({ barberId: o.barber_id, date: o.on_date, startMinute: o.start_minute, endMinute: o.end_minute })),
      timeOff: timeOff.map((t) => ({ barberId: t.barber_id, start: t.starts_at.getTime(), end: t.ends_at.getTime() })),
      sinceDate,
      sinceInstant: sinceInstant.getTime(),
    };
  }

  /** Bookings of the shop starting in [from, to) that may block time (holds whatever their expiry). */
  async agendaBookings(shopId: string, from: Date, to: Date): Promise<AgendaBooking[]> {
    const rows = await this.db
      .selectFrom('bookings')
      .select(['id', 'barber_id', 'starts_at', 'blocked_from', 'blocked_to', 'status', 'hold_expires_at'])
      .where('shop_id', '=', shopId)
      .where('starts_at', '>=', from)
      .where('starts_at', '<', to)
      .where('status', 'in', ['pending', 'confirmed', 'completed', 'no_show'])
      .execute();
    return rows.map((r) => ({
      id: r.id,
      barberId: r.barber_id,
      start: r.starts_at.getTime(),
      blockedFrom: r.blocked_from.getTime(),
      blockedTo: r.blocked_to.getTime(),
      status: r.status as AgendaBooking['status'],
      holdExpiresAt: r.hold_expires_at?.getTime() ?? null,
    }));
  }

  /** Time off of the shop's barbers overlapping [from, to), with what the agenda shows of it. */
  async timeOffOverlapping(shopId: string, from: Date, to: Date): Promise<Array<{ id: string; barberId: string; start: number; end: number; reason: string }>> {
    const rows = await this.db
      .selectFrom('barber_time_off')
      .innerJoin('barbers', 'barbers.id', 'barber_time_off.barber_id')
      .select(['barber_time_off.id', 'barber_time_off.barber_id', 'barber_time_off.starts_at', 'barber_time_off.ends_at', 'barber_time_off.reason'])
      .where('barbers.shop_id', '=', shopId)
      .where('barber_time_off.starts_at', '<', to)
      .where('barber_time_off.ends_at', '>', from)
      .orderBy('barber_time_off.starts_at')
      .execute();
    return rows.map((r) => ({ id: r.id, barberId: r.barber_id, start: r.starts_at.getTime(), end: r.ends_at.getTime(), reason: r.reason }));
  }

  /**
   * Bookings of the shop overlapping [from, to) for the provider's agenda and utilization,
   * with the service's name and the customer's name (the caller shows only the first name).
   */
  async bookingsOverlapping(shopId: string, from: Date, to: Date, statuses: readonly AgendaEntryStatus[], barberId?: string): Promise<AgendaEntry[]> {
    let query = this.db
      .selectFrom('bookings')
      .innerJoin('services', 'services.id', 'bookings.service_id')
      .innerJoin('users', 'users.id', 'bookings.customer_id')
      .select([
        'bookings.id',
        'bookings.barber_id',
        'bookings.status',
        'bookings.starts_at',
        'bookings.ends_at',
        'bookings.hold_expires_at',
        'bookings.price_cents',
        'bookings.deposit_cents',
        'bookings.customer_note',
        'services.name as service_name',
        'users.full_name as customer_name',
      ])
      .where('bookings.shop_id', '=', shopId)
      .where('bookings.starts_at', '<', to)
      .where('bookings.ends_at', '>', from)
      .where('bookings.status', 'in', [...statuses])
      .orderBy('bookings.starts_at')
      .orderBy('bookings.id');
    if (barberId) query = query.where('bookings.barber_id', '=', barberId);
    const rows = await query.execute();
    return rows.map((r) => ({
      id: r.id,
      barberId: r.barber_id,
      status: r.status as AgendaEntryStatus,
      start: r.starts_at.getTime(),
      end: r.ends_at.getTime(),
      holdExpiresAt: r.hold_expires_at?.getTime() ?? null,
      priceCents: Number(r.price_cents),
      depositCents: Number(r.deposit_cents),
      note: r.customer_note,
      serviceName: r.service_name,
      customerName: r.customer_name,
    }));
  }
}

export type AgendaEntryStatus = 'pending' | 'confirmed' | 'completed' | 'no_show' | 'cancelled' | 'expired';

/** A booking as the shop's agenda shows it. Times in epoch ms. */
export interface AgendaEntry {
  id: string;
  barberId: string;
  status: AgendaEntryStatus;
  start: number;
  end: number;
  holdExpiresAt: number | null;
  priceCents: number;
  depositCents: number;
  note: string;
  serviceName: string;
  customerName: string;
}
