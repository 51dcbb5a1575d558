import { addDays } from '../availability/slot-engine.js';
import { localDayBounds } from '../availability/slot-engine.js';
import { errorsByRoute, httpByRegion, httpOverview, responsesByStatusClass, securityFigures, type MetricsJson } from './metrics-reader.js';
import { dailySummarySql, regionalPerformanceSql, type DashboardsRepository } from './repository.js';
import { utilization } from './utilization.js';

const TZ = 'America/Argentina/Buenos_Aires';

/** The runbook's targets ("Success Metrics and KPIs"), drawn next to the measured figures. */
export const RUNBOOK_TARGETS = {
  p95Ms: 200,
  serverErrorRate: 0.001,
  satisfaction: 4.5,
  paymentSuccessRate: 0.95,
  utilizationBand: { low: 0.75, high: 0.85 },
  failedLoginsPerHour: 50,
} as const;

export interface MetricsSource {
  /** The registry's figures as prom-client JSON. */
  read(): Promise<MetricsJson>;
  /** What the figures cover: counters start at zero when the process starts. */
  scope: 'process';
  since: Date;
}

export interface DashboardsOptions {
  /** REVENUE_TARGET_DAILY_CENTAVOS; undefined when the business set none. */
  revenueTargetDailyCents: number | undefined;
}

const ms = (seconds: number | null) => (seconds === null ? null : Math.round(seconds * 1000 * 10) / 10);

/** Zero-filled daily series: a day without rows is a measured zero (the query covered it). */
function eachDay(from: string, to: string): string[] {
  const days: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) days.push(d);
  return days;
}

export class DashboardsService {
  constructor(
    private readonly repo: DashboardsRepository,
    private readonly metrics: MetricsSource,
    private readonly options: DashboardsOptions,
  ) {}

  private async window(days: number) {
    const to = await this.repo.today();
    return { from: addDays(to, -(days - 1)), to, days, timezone: TZ };
  }

  private metricsWindow() {
    return { scope: this.metrics.scope, since: this.metrics.since.toISOString() };
  }

  async executive(days: number) {
    const window = await this.window(days);
    const [dau, revenue, ratings, json] = await Promise.all([
      this.repo.dailyActiveUsers(window.from, window.to),
      this.repo.collectedRevenue(window.from, window.to),
      this.repo.ratings(window.from, window.to),
      this.metrics.read(),
    ]);
    const dates = eachDay(window.from, window.to);
    const usersByDay = new Map(dau.days.map((d) => [d.day, d.users]));
    const revenueByDay = new Map(revenue.map((r) => [r.day, r]));
    const ratingByDay = new Map(ratings.byDay.map((r) => [r.day, r]));
    const reviews = ratings.distribution.reduce((s, r) => s + r.reviews, 0);
    const ratingSum = ratings.distribution.reduce((s, r) => s + r.rating * r.reviews, 0);
    const http = httpOverview(json);
    return {
      window,
      dailyActiveUsers: {
        days: dates.map((day) => ({ day, users: usersByDay.get(day) ?? 0 })),
        distinctUsers: dau.distinctUsers,
      },
      revenue: {
        days: dates.map((day) => ({ day, collectedCents: revenueByDay.get(day)?.cents ?? 0, payments: revenueByDay.get(day)?.payments ?? 0 })),
        totalCents: revenue.reduce((s, r) => s + r.cents, 0),
        targetDailyCents: this.options.revenueTargetDailyCents ?? null,
      },
      satisfaction: {
        days: dates.map((day) => ({ day, reviews: ratingByDay.get(day)?.reviews ?? 0, average: ratingByDay.get(day)?.average ?? null })),
        distribution: [1, 2, 3, 4, 5].map((rating) => ({ rating, reviews: ratings.distribution.find((r) => r.rating === rating)?.reviews ?? 0 })),
        reviews,
        average: reviews > 0 ? ratingSum / reviews : null,
        target: RUNBOOK_TARGETS.satisfaction,
      },
      performance: {
        ...this.metricsWindow(),
        requests: http.requests,
        p50Ms: ms(http.p50Seconds),
        p95Ms: ms(http.p95Seconds),
        p95AboveLastBucket: http.p95AboveLastBucket,
        serverErrors: http.serverErrors,
        serverErrorRate: http.serverErrorRate,
        targets: { p95Ms: RUNBOOK_TARGETS.p95Ms, serverErrorRate: RUNBOOK_TARGETS.serverErrorRate },
      },
    };
  }

  async operational(days: number) {
    const window = await this.window(days);
    const upcoming = { from: addDays(window.to, 1), to: addDays(window.to, days) };
    const rangeStart = new Date(localDayBounds(window.from, TZ).start - 86_400_000);
    const rangeEnd = new Date(localDayBounds(upcoming.to, TZ).end + 86_400_000);
    const [json, inputs, payments] = await Promise.all([
      this.metrics.read(),
      this.repo.utilizationInputs(rangeStart, rangeEnd, addDays(window.from, -1)),
      this.repo.paymentOutcomes(window.from, window.to),
    ]);
    const past = utilization(inputs, window.from, window.to);
    const ahead = new Map(utilization(inputs, upcoming.from, upcoming.to).map((u) => [u.shopId, u]));
    const paymentsByDay = new Map(payments.map((p) => [p.day, p]));
    const succeeded = payments.reduce((s, p) => s + p.succeeded, 0);
    const failed = payments.reduce((s, p) => s + p.failed, 0);
    const overview = httpOverview(json);
    return {
      window,
      metrics: {
        ...this.metricsWindow(),
        requests: overview.requests,
        serverErrors: overview.serverErrors,
        clientErrors: overview.clientErrors,
        serverErrorRate: overview.serverErrorRate,
        regions: httpByRegion(json).map((r) => ({
          region: r.region,
          requests: r.requests,
          p50Ms: ms(r.p50Seconds),
          p95Ms: ms(r.p95Seconds),
          p95AboveLastBucket: r.p95AboveLastBucket,
          serverErrors: r.serverErrors,
          serverErrorRate: r.serverErrorRate,
        })),
        statusClasses: responsesByStatusClass(json),
        topErrors: errorsByRoute(json),
        targets: { p95Ms: RUNBOOK_TARGETS.p95Ms, serverErrorRate: RUNBOOK_TARGETS.serverErrorRate },
      },
      utilization: {
        past: { from: window.from, to: window.to },
        upcoming,
        band: RUNBOOK_TARGETS.utilizationBand,
        shops: past.map((p) => {
          const next = ahead.get(p.shopId)!;
          return {
            shopId: p.shopId,
            name: p.name,
            city: p.city,
            region: p.region,
            past: { scheduledMinutes: p.scheduledMinutes, bookedMinutes: p.bookedMinutes, ratio: p.ratio },
            upcoming: { scheduledMinutes: next.scheduledMinutes, bookedMinutes: next.bookedMinutes, ratio: next.ratio },
          };
        }),
      },
      payments: {
        days: eachDay(window.from, window.to).map((day) => ({
          day,
          succeeded: paymentsByDay.get(day)?.succeeded ?? 0,
          failed: paymentsByDay.get(day)?.failed ?? 0,
          open: paymentsByDay.get(day)?.open ?? 0,
        })),
        succeeded,
        failed,
        successRate: succeeded + failed > 0 ? succeeded / (succeeded + failed) : null,
        target: RUNBOOK_TARGETS.paymentSuccessRate,
      },
    };
  }

  async business(days: number) {
    const window = await this.window(days);
    const [daily, regional] = await Promise.all([this.repo.dailySummary(days), this.repo.regionalPerformance(days)]);
    return {
      window,
      dailySummary: {
        query: dailySummarySql(days),
        rows: daily.map((r) => ({ date: r.date, bookings: Number(r.bookings), avgValue: r.avg_value, totalRevenue: r.total_revenue })),
      },
      regional: {
        query: regionalPerformanceSql(days),
        rows: regional.map((r) => ({
          providerRegion: r.provider_region,
          bookings: Number(r.bookings),
          avgRating: r.avg_rating,
          avgResponseTimeMs: r.avg_response_time,
        })),
      },
    };
  }

  async security(now: Date) {
    const json = await this.metrics.read();
    const figures = securityFigures(json);
    // Under an hour of uptime the count so far is the hourly figure (a lower bound): three
    // failures in the first minute are not "180 an hour".
    const hours = Math.max((now.getTime() - this.metrics.since.getTime()) / 3_600_000, 1);
    return {
      ...this.metricsWindow(),
      ...figures,
      failedLoginsPerHour: figures.failedLogins / hours,
      targets: { failedLoginsPerHour: RUNBOOK_TARGETS.failedLoginsPerHour },
    };
  }
}
