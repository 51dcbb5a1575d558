import type { Kysely } from 'kysely';
import { Gauge, Histogram, type Registry } from 'prom-client';
import type { Clock } from '../../platform/clock.js';
import type { AppConfig } from '../../platform/config.js';
import type { DB } from '../../platform/db/schema.js';
import type { JobQueue } from '../../platform/queue/queue.js';
import { channelsFromConfig, type IncidentChannel } from './channels.js';
import { SEVERITIES } from './policy.js';
import { IncidentsRepository } from './repository.js';
import { incidentsRoutes } from './routes.js';
import { IncidentsService } from './service.js';

export const ESCALATION_JOB = 'incidents.escalate';
/** The runbook's shortest response time is 5 minutes: a one-minute tick pages within a minute of each due time. */
export const ESCALATION_INTERVAL_MS = 60_000;

/** Seconds: around the runbook's 15-minute critical MTTR target, up to a day (Low). */
export const MTTR_BUCKETS = [60, 300, 600, 900, 1800, 3600, 4 * 3600, 24 * 3600, 72 * 3600];

export interface IncidentsSetup {
  service: IncidentsService;
  routes: ReturnType<typeof incidentsRoutes>;
}

/**
 * Incidents wired into the app: the service, the escalation job (every minute, once for the
 * fleet), an immediate escalation run when an incident opens, and the metrics
 * `barberpro_incidents_open{severity}` (read from PostgreSQL at scrape time) and
 * `barberpro_incident_mttr_seconds` (observed by the process that resolved each incident).
 */
export function setupIncidents(deps: {
  db: Kysely<DB>;
  config: AppConfig;
  clock: Clock;
  queue: JobQueue;
  registry: Registry;
  log: (level: 'info' | 'warn', message: string, data?: Record<string, unknown>) => void;
  channels?: IncidentChannel[];
}): IncidentsSetup {
  const { queue, log } = deps;
  const mttr = new Histogram({
    name: 'barberpro_incident_mttr_seconds',
    help: 'Time from opening to resolution of incidents resolved by this process, by severity (sum across instances).',
    labelNames: ['severity'],
    buckets: MTTR_BUCKETS,
    registers: [deps.registry],
  });
  const service = new IncidentsService(
    new IncidentsRepository(deps.db),
    deps.clock,
    deps.channels ?? channelsFromConfig(deps.config),
    { publicBaseUrl: deps.config.publicBaseUrl },
    {
      onOpened: () => {
        // One immediate run per second for the fleet; the periodic run covers anything it misses.
        queue.enqueue(ESCALATION_JOB, {}, { jobId: `incidents-escalate-now-${Math.floor(Date.now() / 1000)}` }).catch(() =>
          log('warn', 'could not enqueue an incident escalation run; the periodic run will page'),
        );
      },
      onResolved: ({ severity, mttrSeconds }) => mttr.observe({ severity }, mttrSeconds),
    },
  );
  const open: Gauge<'severity'> = new Gauge({
    name: 'barberpro_incidents_open',
    help: 'Incidents not yet resolved (open or acknowledged), by severity, counted at scrape time (database-wide).',
    labelNames: ['severity'],
    aggregator: 'first', // database-wide: every worker reads the same value
    registers: [deps.registry],
    async collect() {
      open.reset();
      let counts: Record<string, number>;
      try {
        counts = await withTimeout(service.openCounts(), 2_000);
      } catch {
        return; // left out of this scrape rather than reported as zero
      }
      for (const severity of SEVERITIES) open.set({ severity }, counts[severity] ?? 0);
    },
  });
  queue.register(ESCALATION_JOB, async () => {
    const run = await service.runEscalations();
    if (run.escalated > 0 || run.pagesSent > 0 || run.pagesFailed > 0) log('info', 'incident escalation run', { ...run });
  });
  const routes = incidentsRoutes(service);
  return {
    service,
    routes: async (app, options) => {
      queue.every(ESCALATION_JOB, ESCALATION_INTERVAL_MS).catch(() => log('warn', 'could not schedule the incident escalation job'));
      await routes(app, options);
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
      timer.unref();
    }),
  ]);
}
