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

  async dailySummary(): Promise<DailySummaryRow[]> {
    const result = await sql.raw<DailySummaryRow>(DAILY_PERFORMANCE_SUMMARY_SQL).execute(this.db);
    return result.rows;
  }

  async regionalPerformance(): Promise<RegionalRow[]> {
    const result = await sql.raw<RegionalRow>(REGIONAL_PERFORMANCE_SQL).execute(this.db);
    return result.rows;
  }
}
