import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.js';

/** Argentine days are what reports count ("today" is the Argentine day). */
const TZ = 'America/Argentina/Buenos_Aires';
const SUCCEEDED = ['approved', 'partially_refunded', 'refunded', 'charged_back', 'disputed'];
const FAILED = ['rejected'];
/** Bookings that occupy a barber's time after the fact or ahead: held slots are not counted. */
const OCCUPYING = ['confirmed', 'completed', 'no_show'] as const;

export const MAX_WINDOW_DAYS = 90;

function assertDays(days: number): void {
  if (!Number.isInteger(days) || days < 1 || days > MAX_WINDOW_DAYS) throw new RangeError(`days must be an integer within 1..${MAX_WINDOW_DAYS}`);
}

/**
 * The runbook's "Daily performance summary" over the last `days` Argentine days instead of
 * today only: the same statement with the WHERE widened, so operators can paste it into psql.
 * `days` is a validated integer; it is written into the text (not bound) so the statement
 * shown is the statement run.
 */
export function dailySummarySql(days: number): string {
  assertDays(days);
  return `SELECT
  DATE(created_at) as date,
  COUNT(*) as bookings,
  AVG(booking_value) as avg_value,
  SUM(booking_value) as total_revenue
FROM bookings
WHERE created_at >= CURRENT_DATE - INTERVAL '${days - 1} days'
GROUP BY DATE(created_at)
ORDER BY date;`;
}

/** The runbook's "Regional performance analysis" over the last `days` days (the runbook's is 7). */
export function regionalPerformanceSql(days: number): string {
  assertDays(days);
  return `SELECT
  provider_region,
  COUNT(*) as bookings,
  AVG(customer_rating) as avg_rating,
  AVG(response_time_ms) as avg_response_time
FROM booking_analytics
WHERE booking_date >= CURRENT_DATE - INTERVAL '${days} days'
GROUP BY provider_region
ORDER BY provider_region;`;
}

export interface UtilizationInputs {
  shops: Array<{ id: string; name: string; city: string; region: string; timezone: string }>;
  weekly: Array<{ barberId: string; shopId: string; weekday: number; startMinute: number; endMinute: number; kind: 'work' | 'break' }>;
  overrides: Array<{ barberId: string; date: string; startMinute: number | null; endMinute: number | null }>;
  timeOff: Array<{ barberId: string; start: number; end: number }>;
  barbers: Array<{ id: string; shopId: string }>;
  bookings: Array<{ shopId: string; start: number; end: number }>;
}

export class DashboardsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** The database's Argentine today (the session time zone is Argentina's). */
  async today(): Promise<string> {
    const row = (await sql<{ today: string }>`select current_date::text as today`.execute(this.db)).rows[0];
    return row!.today;
  }

  /**
   * Distinct users who signed in or renewed their session, per Argentine day. Every login and
   * every refresh (access tokens last minutes, so an active app refreshes) writes a refresh
   * token row, and those rows are kept after use, so they are the activity record.
   */
  async dailyActiveUsers(from: string, to: string) {
    const result = await sql<{ day: string; users: number }>`
      select (created_at at time zone ${TZ})::date::text as day, count(distinct user_id)::int as users
      from refresh_tokens
      where created_at >= ${from}::date::timestamp at time zone ${TZ} and created_at < (${to}::date + 1)::timestamp at time zone ${TZ}
      group by 1 order by 1`.execute(this.db);
    const distinct = await sql<{ users: number }>`
      select count(distinct user_id)::int as users from refresh_tokens
      where created_at >= ${from}::date::timestamp at time zone ${TZ} and created_at < (${to}::date + 1)::timestamp at time zone ${TZ}`.execute(this.db);
    return { days: result.rows, distinctUsers: distinct.rows[0]?.users ?? 0 };
  }

  /** Money collected through MercadoPago per Argentine day of approval, net of refunds. */
  async collectedRevenue(from: string, to: string) {
    const result = await sql<{ day: string; cents: string; payments: number }>`
      select (approved_at at time zone ${TZ})::date::text as day, sum(amount_cents - refunded_cents)::text as cents, count(*)::int as payments
      from payments
      where status in (${sql.join(SUCCEEDED)}) and approved_at is not null
        and approved_at >= ${from}::date::timestamp at time zone ${TZ} and approved_at < (${to}::date + 1)::timestamp at time zone ${TZ}
      group by 1 order by 1`.execute(this.db);
    return result.rows.map((r) => ({ day: r.day, cents: Number(r.cents), payments: r.payments }));
  }

  /** Reviews per Argentine day with their average, and the spread of ratings over the window. */
  async ratings(from: string, to: string) {
    const window = sql`created_at >= ${from}::date::timestamp at time zone ${TZ} and created_at < (${to}::date + 1)::timestamp at time zone ${TZ}`;
    const [byDay, distribution] = await Promise.all([
      sql<{ day: string; reviews: number; avg: string }>`
        select (created_at at time zone ${TZ})::date::text as day, count(*)::int as reviews, avg(rating)::text as avg
        from reviews where ${window} group by 1 order by 1`.execute(this.db),
      sql<{ rating: number; reviews: number }>`
        select rating, count(*)::int as reviews from reviews where ${window} group by 1 order by 1`.execute(this.db),
    ]);
    return {
      byDay: byDay.rows.map((r) => ({ day: r.day, reviews: r.reviews, average: Number(r.avg) })),
      distribution: distribution.rows,
    };
  }

  /** Payments started per Argentine day by outcome: collected, rejected, still open. */
  async paymentOutcomes(from: string, to: string) {
    const result = await sql<{ day: string; succeeded: number; failed: number; open: number }>`
      select (created_at at time zone ${TZ})::date::text as day,
             count(*) filter (where status in (${sql.join(SUCCEEDED)}))::int as succeeded,
             count(*) filter (where status in (${sql.join(FAILED)}))::int as failed,
             count(*) filter (where status not in (${sql.join([...SUCCEEDED, ...FAILED])}))::int as open
      from payments
      where created_at >= ${from}::date::timestamp at time zone ${TZ} and created_at < (${to}::date + 1)::timestamp at time zone ${TZ}
      group by 1 order by 1`.execute(this.db);
    return result.rows;
  }

  async dailySummary(days: number) {
    const result = await sql.raw<{ date: string; bookings: string | number; avg_value: string | null; total_revenue: string | null }>(dailySummarySql(days)).execute(this.db);
    return result.rows;
  }

  async regionalPerformance(days: number) {
    const result = await sql.raw<{ provider_region: string; bookings: string | number; avg_rating: string | null; avg_response_time: string | null }>(regionalPerformanceSql(days)).execute(this.db);
    return result.rows;
  }

  /** Everything utilization needs for active shops between two instants, in a fixed number of queries. */
  async utilizationInputs(from: Date, to: Date, fromDate: string): Promise<UtilizationInputs> {
    const activeBarbers = this.db
      .selectFrom('barbers as b')
      .innerJoin('shops as s', 's.id', 'b.shop_id')
      .select('b.id')
      .where('b.active', '=', true)
      .where('s.active', '=', true);
    const [shops, barbers, weekly, overrides, timeOff, bookings] = await Promise.all([
      this.db.selectFrom('shops').select(['id', 'name', 'city', 'region', 'timezone']).where('active', '=', true).orderBy('name').execute(),
      this.db.selectFrom('barbers').select(['id', 'shop_id']).where('id', 'in', activeBarbers).execute(),
      this.db
        .selectFrom('barber_weekly_hours as w')
        .innerJoin('barbers as b', 'b.id', 'w.barber_id')
        .select(['w.barber_id', 'b.shop_id', 'w.weekday', 'w.start_minute', 'w.end_minute', 'w.kind'])
        .where('w.barber_id', 'in', activeBarbers)
        .execute(),
      this.db
        .selectFrom('barber_date_overrides')
        .select(['barber_id', 'on_date', 'start_minute', 'end_minute'])
        .where('barber_id', 'in', activeBarbers)
        .where('on_date', '>=', fromDate)
        .execute(),
      this.db
        .selectFrom('barber_time_off')
        .select(['barber_id', 'starts_at', 'ends_at'])
        .where('barber_id', 'in', activeBarbers)
        .where('ends_at', '>', from)
        .where('starts_at', '<', to)
        .execute(),
      this.db
        .selectFrom('bookings')
        .select(['shop_id', 'starts_at', 'ends_at'])
        .where('status', 'in', [...OCCUPYING])
        .where('starts_at', '>=', from)
        .where('starts_at', '<', to)
        .execute(),
    ]);
    return {
      shops,
      barbers: barbers.map((b) => ({ id: b.id, shopId: b.shop_id })),
      weekly: weekly.map((w) => ({ barberId: w.barber_id, shopId: w.shop_id, weekday: w.weekday, startMinute: w.start_minute, endMinute: w.end_minute, kind: w.kind })),
      overrides: overrides.map((o) => ({ barberId: o.barber_id, date: o.on_date, startMinute: o.start_minute, endMinute: o.end_minute })),
      timeOff: timeOff.map((t) => ({ barberId: t.barber_id, start: t.starts_at.getTime(), end: t.ends_at.getTime() })),
      bookings: bookings.map((b) => ({ shopId: b.shop_id, start: b.starts_at.getTime(), end: b.ends_at.getTime() })),
    };
  }
}
