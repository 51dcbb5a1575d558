import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { adminsOnly } from '../../platform/http/access.js';
import { problems } from '../../platform/http/problem.js';
import { authErrors, localDate, money, moneySchema, problemSchema } from '../../platform/http/schemas.js';
import { DAILY_PERFORMANCE_SUMMARY_SQL, REGIONAL_PERFORMANCE_SQL, type AnalyticsRepository } from './repository.js';

const decimal = z.string().nullable().describe('numeric, as a decimal string (exact)');

export function analyticsRoutes(analytics: AnalyticsRepository): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/v1/admin/analytics/daily', {
      config: { access: adminsOnly },
      schema: {
        tags: ['analytics'],
        summary: 'The runbook’s "Daily performance summary" (bookings placed today, Argentine day)',
        response: {
          200: z.object({
            query: z.string(),
            rows: z.array(z.object({ date: z.string(), bookings: z.number().int(), avgValue: decimal, totalRevenue: decimal })),
          }),
          ...authErrors,
        },
      },
      handler: async () => ({
        query: DAILY_PERFORMANCE_SUMMARY_SQL,
        rows: (await analytics.dailySummary()).map((r) => ({
          date: r.date,
          bookings: Number(r.bookings),
          avgValue: r.avg_value,
          totalRevenue: r.total_revenue,
        })),
      }),
    });

    app.get('/api/v1/admin/analytics/rollups', {
      config: { access: adminsOnly },
      schema: {
        tags: ['analytics'],
        summary: 'Daily figures per Argentine day and region, kept by the rollups job',
        querystring: z.object({ from: localDate, to: localDate }).strict(),
        response: {
          200: z.object({
            rows: z.array(
              z.object({
                day: z.string(),
                region: z.string(),
                bookingsCreated: z.number().int(),
                bookingsCancelled: z.number().int(),
                bookingsCompleted: z.number().int(),
                bookingsNoShow: z.number().int(),
                revenue: moneySchema,
                avgRating: decimal,
                avgResponseTimeMs: decimal,
                computedAt: z.string(),
              }),
            ),
          }),
          ...authErrors,
          400: problemSchema,
        },
      },
      handler: async (request) => {
        if (request.query.from > request.query.to)
          throw problems.validation([{ path: 'querystring.to', message: 'La fecha final debe ser igual o posterior a la inicial.' }]);
        const rows = await analytics.rollups(request.query.from, request.query.to);
        return {
          rows: rows.map((r) => ({
            day: r.day,
            region: r.region,
            bookingsCreated: r.bookings_created,
            bookingsCancelled: r.bookings_cancelled,
            bookingsCompleted: r.bookings_completed,
            bookingsNoShow: r.bookings_no_show,
            revenue: money(r.revenue_cents),
            avgRating: r.avg_rating,
            avgResponseTimeMs: r.avg_response_time_ms,
            computedAt: r.computed_at.toISOString(),
          })),
        };
      },
    });

    app.get('/api/v1/admin/analytics/regional', {
      config: { access: adminsOnly },
      schema: {
        tags: ['analytics'],
        summary: 'The runbook’s "Regional performance analysis" (last 7 days)',
        response: {
          200: z.object({
            query: z.string(),
            rows: z.array(
              z.object({ providerRegion: z.string(), bookings: z.number().int(), avgRating: decimal, avgResponseTimeMs: decimal }),
            ),
          }),
          ...authErrors,
        },
      },
      handler: async () => ({
        query: REGIONAL_PERFORMANCE_SQL,
        rows: (await analytics.regionalPerformance())
          .map((r) => ({
            providerRegion: r.provider_region,
            bookings: Number(r.bookings),
            avgRating: r.avg_rating,
            avgResponseTimeMs: r.avg_response_time,
          }))
          .sort((a, b) => a.providerRegion.localeCompare(b.providerRegion)),
      }),
    });
  };
}
