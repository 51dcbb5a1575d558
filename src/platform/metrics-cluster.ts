import cluster, { type Worker } from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import type { AppMetrics } from './metrics.js';

/**
 * `serve --workers N`: any worker may get the scrape, but Prometheus wants the service's
 * totals. The worker that gets GET /metrics asks the primary, which collects every worker's
 * registry as JSON and merges them with prom-client's AggregatorRegistry (counters and
 * histograms summed; database-wide gauges taken once, see their `aggregator`).
 *
 * prom-client's own clusterMetrics() is not used as is: it reads registries directly, and
 * ours must first settle pending region lookups and register the optional-table gauges
 * (AppMetrics.renderJson), so the messages here carry that JSON instead.
 */

type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];

const AGGREGATE = 'barberpro:metrics:aggregate';
const AGGREGATED = 'barberpro:metrics:aggregated';
const COLLECT = 'barberpro:metrics:collect';
const COLLECTED = 'barberpro:metrics:collected';

interface Message {
  type: string;
  id: string;
  json?: MetricsJson;
  body?: string;
  contentType?: string;
  workers?: number;
  expected?: number;
}

const isMessage = (value: unknown): value is Message => typeof value === 'object' && value !== null && typeof (value as Message).type === 'string';

/** A scrape the primary merged from `workers` of the `expected` workers (a worker mid-restart may miss one). */
export interface AggregatedMetrics {
  contentType: string;
  body: string;
  workers: number;
  expected: number;
}

/** Worker side: answers the primary's collection requests, and asks it for the totals. */
export function clusterMetricsAggregator(metrics: AppMetrics, timeoutMs = 5_000): () => Promise<AggregatedMetrics | undefined> {
  const waiting = new Map<string, (message: Message) => void>();
  process.on('message', (message: unknown) => {
    if (!isMessage(message)) return;
    if (message.type === COLLECT) {
      metrics
        .renderJson()
        .then((json) => process.send?.({ type: COLLECTED, id: message.id, json }))
        .catch(() => process.send?.({ type: COLLECTED, id: message.id, json: [] }));
    } else if (message.type === AGGREGATED) {
      waiting.get(message.id)?.(message);
    }
  });
  return () =>
    new Promise((resolve) => {
      if (!process.send) return resolve(undefined);
      const id = randomUUID();
      const timer = setTimeout(() => {
        waiting.delete(id);
        resolve(undefined);
      }, timeoutMs);
      waiting.set(id, (message) => {
        clearTimeout(timer);
        waiting.delete(id);
        resolve({ contentType: message.contentType!, body: message.body!, workers: message.workers!, expected: message.expected! });
      });
      process.send({ type: AGGREGATE, id });
    });
}

/** Primary side: collects every live worker's metrics for whichever worker asks. */
export function serveClusterMetrics(timeoutMs = 3_000): void {
  cluster.on('message', (asker, message: unknown) => {
    if (!isMessage(message) || message.type !== AGGREGATE) return;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && w.isConnected());
    const id = randomUUID();
    const collected: MetricsJson[] = [];
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      for (const w of workers) w.off('message', onCollected);
      const registry = AggregatorRegistry.aggregate(collected);
      registry
        .metrics()
        .then((body) => asker.send({ type: AGGREGATED, id: message.id, body, contentType: registry.contentType, workers: collected.length, expected: workers.length }))
        .catch(() => undefined);
    };
    const onCollected = (reply: unknown) => {
      if (!isMessage(reply) || reply.type !== COLLECTED || reply.id !== id) return;
      collected.push(reply.json ?? []);
      if (collected.length === workers.length) finish();
    };
    const timer = setTimeout(finish, timeoutMs);
    for (const w of workers) {
      w.on('message', onCollected);
      w.send({ type: COLLECT, id });
    }
    if (workers.length === 0) finish();
  });
}
