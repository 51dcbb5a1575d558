import type { JobName, QueueDepth } from './queue.js';

/**
 * The backlog the fleet scales out on (infra/: alarm on BarberPro/QueueDepth > 100), written
 * as a CloudWatch embedded-metric-format line: the container's stdout goes to CloudWatch Logs,
 * which extracts the metric with no agent and no API call from the app.
 */
export function queueDepthEmfLine(environment: string, depths: Record<JobName, QueueDepth>, now: Date): string {
  const backlog = Object.values(depths).reduce((sum, d) => sum + d.waiting + d.delayed, 0);
  return JSON.stringify({
    _aws: {
      Timestamp: now.getTime(),
      CloudWatchMetrics: [{ Namespace: 'BarberPro', Dimensions: [['Environment']], Metrics: [{ Name: 'QueueDepth', Unit: 'Count' }] }],
    },
    Environment: environment,
    QueueDepth: backlog,
  });
}

/** Publishes the line every `intervalMs` until stopped; a failed read skips a point, never invents one. */
export function publishQueueDepth(
  environment: string,
  depths: () => Promise<Record<JobName, QueueDepth>>,
  write: (line: string) => void = (line) => void process.stdout.write(`${line}\n`),
  intervalMs = 60_000,
): () => void {
  const timer = setInterval(() => {
    depths()
      .then((d) => write(queueDepthEmfLine(environment, d, new Date())))
      .catch(() => undefined);
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
