import type { AppMetrics } from '../../platform/metrics.js';
import { HTTP_DURATION, HTTP_ERRORS, LOGIN_LOCKOUTS, WEBHOOK_SIGNATURE_FAILURES, type MetricsJson } from './metrics-reader.js';
import type { MetricsSource } from './service.js';

const DASHBOARD_METRICS = [HTTP_DURATION, HTTP_ERRORS, LOGIN_LOCKOUTS, WEBHOOK_SIGNATURE_FAILURES];

/**
 * The dashboards' view of this process's registry: only the metrics they read, so opening a
 * page does not run the scrape-time database gauges that a Prometheus scrape runs.
 */
export function processMetricsSource(metrics: AppMetrics, startedAt: Date): MetricsSource {
  return {
    scope: 'process',
    since: startedAt,
    async read(): Promise<MetricsJson> {
      await metrics.settled(); // observations still waiting on a shop's region
      const values = await Promise.all(DASHBOARD_METRICS.map((name) => metrics.registry.getSingleMetric(name)?.get()));
      return values.filter((v): v is NonNullable<typeof v> => v !== undefined) as MetricsJson;
    },
  };
}
