import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.js';

/**
 * The seed runbook's two Business Intelligence queries, kept verbatim: operators paste
 * them into psql, and these are the same statements. The session time zone is Argentina's,
 * so CURRENT_DATE is the Argentine day.
 */
export const DAILY_PERFORMANCE_SUMMARY_SQL = `SELECT
  DATE(created_at) as date,
  COUNT(*) as bookings,
  AVG(booking_value) as avg_value,
  SUM(booking_value) as total_revenue
FROM bookings
WHERE created_at >= CURRENT_DATE
GROUP BY DATE(created_at);`;

export const REGIONAL_PERFORMANCE_SQL = `SELECT
  provider_region,
  COUNT(*) as bookings,
  AVG(customer_rating) as avg_rating,
  AVG(response_time_ms) as avg_response_time
FROM booking_analytics
WHERE booking_date >= CURRENT_DATE - INTERVAL '7 days'
GROUP BY provider_region;`;

export interface DailySummaryRow {
  date: string;
  bookings: number;
  avg_value: string | null;
  total_revenue: string | null;
}

export interface RegionalRow {
  provider_region: string;
  bookings: number;
  avg_rating: string | null;
  avg_response_time: string | null;
}

export class AnalyticsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /**
   * Recomputes one Argentine day's figures per region and upserts them, so running it again
   * (a retry, or the hourly refresh of today) converges on the same rows.
   */
  async rollUpDay(day: string): Promise<number> {
    const result = await sql`
      insert into daily_rollups (day, region, bookings_created, bookings_cancelled, bookings_completed, bookings_no_show,
                                 revenue_cents, avg_rating, avg_response_time_ms, computed_at)
      select ${day}::date, s.region,
             count(*),
             count(*) filter (where b.status = 'cancelled'),
             count(*) filter (where b.status = 'completed'),
             count(*) filter (where b.status = 'no_show'),
             coalesce(sum(b.price_cents) filter (where b.status not in ('cancelled', 'expired')), 0),
             round(avg(r.rating)::numeric, 2),
             round(avg(b.response_time_ms)::numeric, 2),
             now()
      from bookings b
      join shops s on s.id = b.shop_id
      left join reviews r on r.booking_id = b.id
      where b.created_at >= ${day}::date::timestamp at time zone 'America/Argentina/Buenos_Aires'
        and b.created_at < (${day}::date + 1)::timestamp at time zone 'America/Argentina/Buenos_Aires'
      group by s.region
      on conflict (day, region) do update set
        bookings_created = excluded.bookings_created,
        bookings_cancelled = excluded.bookings_cancelled,
        bookings_completed = excluded.bookings_completed,
        bookings_no_show = excluded.bookings_no_show,
        revenue_cents = excluded.revenue_cents,
        avg_rating = excluded.avg_rating,
        avg_response_time_ms = excluded.avg_response_time_ms,
        computed_at = excluded.computed_at`.execute(this.db);
    return Number(result.numAffectedRows ?? 0);
  }

  rollups(from: string, to: string) {
    return this.db.selectFrom('daily_rollups').selectAll().where('day', '>=', from).where('day', '<=', to).orderBy('day').orderBy('region').execute();
  }

  async dailySummary(): Promise<DailySummaryRow[]> {
    const result = await sql.raw<DailySummaryRow>(DAILY_PERFORMANCE_SUMMARY_SQL).execute(this.db);
    return result.rows;
  }

  async regionalPerformance(): Promise<RegionalRow[]> {
    const result = await sql.raw<RegionalRow>(REGIONAL_PERFORMANCE_SQL).execute(this.db);
    return result.rows;
  }
}
