import { z } from 'zod';
import { MAX_WINDOW_DAYS } from './repository.js';

export const windowQuery = z
  .object({
    days: z.coerce
      .number({ message: 'Debe ser un número de días.' })
      .int({ message: 'Debe ser un número entero de días.' })
      .min(1, { message: 'La ventana debe tener al menos 1 día.' })
      .max(MAX_WINDOW_DAYS, { message: `La ventana puede tener hasta ${MAX_WINDOW_DAYS} días.` })
      .default(7)
      .describe('Last N Argentine days, today included (the pages offer 7 and 30)'),
  })
  .strict();

const day = z.string().describe('Argentine calendar day, YYYY-MM-DD');
const ratio = z.number().nullable().describe('0..1; null when there is nothing to divide by');
const decimal = z.string().nullable().describe('numeric, as a decimal string (exact)');

const window = z.object({ from: day, to: day, days: z.number().int(), timezone: z.string() });
const metricsWindow = {
  scope: z.literal('process').describe('Counters and histograms of the API process that answered, since it started'),
  since: z.string().describe('When those counters started (process start)'),
};
const targets = z.object({ p95Ms: z.number(), serverErrorRate: z.number() }).describe('The runbook’s targets');

export const executiveResponse = z.object({
  window,
  dailyActiveUsers: z
    .object({
      days: z.array(z.object({ day, users: z.number().int() })),
      distinctUsers: z.number().int(),
    })
    .describe('Distinct users who signed in or renewed a session (refresh_tokens rows) per Argentine day'),
  revenue: z
    .object({
      days: z.array(z.object({ day, collectedCents: z.number().int(), payments: z.number().int() })),
      totalCents: z.number().int(),
      targetDailyCents: z.number().int().nullable().describe('REVENUE_TARGET_DAILY_CENTAVOS; null when not configured'),
    })
    .describe('Money collected through MercadoPago (approved payments, net of refunds) per Argentine day of approval'),
  satisfaction: z
    .object({
      days: z.array(z.object({ day, reviews: z.number().int(), average: z.number().nullable() })),
      distribution: z.array(z.object({ rating: z.number().int(), reviews: z.number().int() })),
      reviews: z.number().int(),
      average: z.number().nullable(),
      target: z.number(),
    })
    .describe('Customer reviews (1–5) written per Argentine day'),
  performance: z
    .object({
      ...metricsWindow,
      requests: z.number().int(),
      p50Ms: z.number().nullable(),
      p95Ms: z.number().nullable(),
      p95AboveLastBucket: z.boolean().describe('The 95th percentile is past the last histogram bucket: the real value is higher'),
      serverErrors: z.number().int(),
      serverErrorRate: ratio,
      targets,
    })
    .describe('From http_request_duration_seconds (quantiles interpolated from the buckets, as PromQL histogram_quantile)'),
});

export const operationalResponse = z.object({
  window,
  metrics: z.object({
    ...metricsWindow,
    requests: z.number().int(),
    serverErrors: z.number().int(),
    clientErrors: z.number().int(),
    serverErrorRate: ratio,
    regions: z.array(
      z.object({
        region: z.string().describe('Provider region of the shop a request concerned; "none" for requests about no shop'),
        requests: z.number().int(),
        p50Ms: z.number().nullable(),
        p95Ms: z.number().nullable(),
        p95AboveLastBucket: z.boolean(),
        serverErrors: z.number().int(),
        serverErrorRate: ratio,
      }),
    ),
    statusClasses: z.array(z.object({ statusClass: z.string(), count: z.number().int() })),
    topErrors: z.array(z.object({ method: z.string(), route: z.string(), statusClass: z.string(), code: z.string(), count: z.number().int() })),
    targets,
  }),
  utilization: z
    .object({
      past: z.object({ from: day, to: day }),
      upcoming: z.object({ from: day, to: day }),
      band: z.object({ low: z.number(), high: z.number() }),
      shops: z.array(
        z.object({
          shopId: z.string(),
          name: z.string(),
          city: z.string(),
          region: z.string(),
          past: z.object({ scheduledMinutes: z.number().int(), bookedMinutes: z.number().int(), ratio }),
          upcoming: z.object({ scheduledMinutes: z.number().int(), bookedMinutes: z.number().int(), ratio }),
        }),
      ),
    })
    .describe('Booked minutes (confirmed, completed, no-show) over scheduled working minutes, per active shop'),
  payments: z
    .object({
      days: z.array(z.object({ day, succeeded: z.number().int(), failed: z.number().int(), open: z.number().int() })),
      succeeded: z.number().int(),
      failed: z.number().int(),
      successRate: ratio,
      target: z.number(),
    })
    .describe('Payments started per Argentine day by outcome (payments table)'),
});

export const businessResponse = z.object({
  window,
  dailySummary: z.object({
    query: z.string(),
    rows: z.array(z.object({ date: day, bookings: z.number().int(), avgValue: decimal, totalRevenue: decimal })),
  }),
  regional: z.object({
    query: z.string(),
    rows: z.array(z.object({ providerRegion: z.string(), bookings: z.number().int(), avgRating: decimal, avgResponseTimeMs: decimal })),
  }),
});

export const securityResponse = z.object({
  ...metricsWindow,
  failedLogins: z.number().int().describe('401 answers to POST /api/v1/auth/login'),
  failedLoginsPerHour: z.number(),
  lockedOutAttempts: z.number().int().describe('Logins refused while locked out (429 login_locked)'),
  lockouts: z.object({ account: z.number().int(), ip: z.number().int() }).describe('Lockouts started (barberpro_account_lockouts_total)'),
  rateLimited: z.number().int().describe('Requests refused by the rate limiter (429 rate_limited)'),
  rateLimitedByRoute: z.array(z.object({ route: z.string(), count: z.number().int() })),
  signatureFailures: z.array(z.object({ reason: z.string(), count: z.number().int() })).describe('MercadoPago webhooks refused for their signature'),
  targets: z.object({ failedLoginsPerHour: z.number() }),
});
