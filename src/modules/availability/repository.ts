import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB, Service, Shop } from '../../platform/db/schema.js';

export interface BarberRow {
  id: string;
  display_name: string;
}

export interface ScheduleData {
  barbers: BarberRow[];
  weekly: Array<{ barber_id: string; weekday: number; start_minute: number; end_minute: number; kind: 'work' | 'break' }>;
  overrides: Array<{ barber_id: string; on_date: string; start_minute: number | null; end_minute: number | null }>;
  timeOff: Array<{ barber_id: string; starts_at: Date; ends_at: Date }>;
  busy: Array<{ id: string; barber_id: string; blocked_from: Date; blocked_to: Date }>;
}

type Executor = Kysely<DB> | Transaction<DB>;

/**
 * Everything the slot engine needs for one shop and date range, in a fixed number of
 * queries whatever the number of days, barbers or bookings.
 */
export class AvailabilityRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async shopAndService(shopId: string, serviceId: string): Promise<{ shop: Shop; service: Service } | undefined> {
    const [shop, service] = await Promise.all([
      this.db.selectFrom('shops').selectAll().where('id', '=', shopId).where('active', '=', true).executeTakeFirst(),
      this.db.selectFrom('services').selectAll().where('id', '=', serviceId).where('shop_id', '=', shopId).executeTakeFirst(),
    ]);
    if (!shop || !service) return undefined;
    return { shop, service };
  }

  /** Active barbers who perform the service (a barber with no service list performs them all). */
  eligibleBarbers(shopId: string, serviceId: string, db: Executor = this.db): Promise<BarberRow[]> {
    return db
      .selectFrom('barbers')
      .select(['barbers.id', 'barbers.display_name'])
      .where('barbers.shop_id', '=', shopId)
      .where('barbers.active', '=', true)
      .where((eb) =>
        eb.or([
          eb.not(eb.exists(eb.selectFrom('barber_services').select(sql`1`.as('one')).whereRef('barber_services.barber_id', '=', 'barbers.id'))),
          eb.exists(
            eb
              .selectFrom('barber_services')
              .select(sql`1`.as('one'))
              .whereRef('barber_services.barber_id', '=', 'barbers.id')
              .where('barber_services.service_id', '=', serviceId),
          ),
        ]),
      )
      .orderBy('barbers.display_name')
      .orderBy('barbers.id')
      .execute();
  }

  /**
   * Schedules and obstacles for the barbers between two instants. Pending holds count only
   * while they have not expired; `excludeBookingId` leaves out a booking being rescheduled.
   */
  async scheduleData(
    barberIds: readonly string[],
    fromDate: string,
    toDate: string,
    from: Date,
    to: Date,
    now: Date,
    excludeBookingId?: string,
    db: Executor = this.db,
  ): Promise<Omit<ScheduleData, 'barbers'>> {
    if (barberIds.length === 0) return { weekly: [], overrides: [], timeOff: [], busy: [] };
    const ids = [...barberIds];
    const [weekly, overrides, timeOff, busy] = await Promise.all([
      db
        .selectFrom('barber_weekly_hours')
        .select(['barber_id', 'weekday', 'start_minute', 'end_minute', 'kind'])
        .where('barber_id', 'in', ids)
        .execute(),
      db
        .selectFrom('barber_date_overrides')
        .select(['barber_id', 'on_date', 'start_minute', 'end_minute'])
        .where('barber_id', 'in', ids)
        .where('on_date', '>=', fromDate)
        .where('on_date', '<=', toDate)
        .execute(),
      db
        .selectFrom('barber_time_off')
        .select(['barber_id', 'starts_at', 'ends_at'])
        .where('barber_id', 'in', ids)
        .where('starts_at', '<', to)
        .where('ends_at', '>', from)
        .execute(),
      db
        .selectFrom('bookings')
        .select(['id', 'barber_id', 'blocked_from', 'blocked_to'])
        .where('barber_id', 'in', ids)
        .where('blocked_from', '<', to)
        .where('blocked_to', '>', from)
        .where((eb) =>
          eb.or([
            eb('status', 'in', ['confirmed', 'completed', 'no_show']),
            eb.and([eb('status', '=', 'pending'), eb('hold_expires_at', '>', now)]),
          ]),
        )
        .$if(excludeBookingId !== undefined, (q) => q.where('id', '<>', excludeBookingId!))
        .execute(),
    ]);
    return { weekly, overrides, timeOff, busy };
  }

  /** Live bookings per barber per local day, to spread "any barber" bookings fairly. */
  async dailyLoad(barberIds: readonly string[], from: Date, to: Date, timezone: string): Promise<Map<string, number>> {
    if (barberIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('bookings')
      .select([
        'barber_id',
        sql<string>`to_char(starts_at at time zone ${timezone}, 'YYYY-MM-DD')`.as('day'),
        (eb) => eb.fn.countAll<number>().as('n'),
      ])
      .where('barber_id', 'in', [...barberIds])
      .where('starts_at', '>=', from)
      .where('starts_at', '<', to)
      .where('status', 'in', ['pending', 'confirmed'])
      .groupBy(['barber_id', 'day'])
      .execute();
    return new Map(rows.map((r) => [`${r.barber_id}|${r.day}`, Number(r.n)]));
  }
}
