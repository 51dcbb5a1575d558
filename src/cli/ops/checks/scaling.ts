/**
 * scaling-decision: the runbook's autoscaling policy (src/modules/ops/autoscaling.ts) applied to
 * the last 15 minutes of live metrics, read from the Prometheus that scrapes BarberPro
 * (query_range, one datapoint a minute). CPU and memory are per task, against the task size in
 * infra/lib/settings.ts; response time is the mean (as the load balancer's TargetResponseTime).
 */
import { SCALING_POLICY, decideScaling, type ScalingSeries } from '../../../modules/ops/autoscaling.js';
import { describeError, redactUrl } from '../context.js';
import { check, type CheckResult } from '../report.js';

export interface TaskSize {
  cpu: number;
  memoryMiB: number;
  max: number;
  min: number;
}

export const WINDOW_MINUTES = 15;

export function scalingQueries(job: string, task: TaskSize): Record<keyof ScalingSeries | 'tasks', string> {
  const sel = `job="${job.replace(/"/g, '')}"`;
  return {
    cpuPercent: `100 * avg(rate(process_cpu_seconds_total{${sel}}[1m])) / ${task.cpu / 1024}`,
    memoryPercent: `100 * avg(process_resident_memory_bytes{${sel}}) / ${task.memoryMiB * 1024 * 1024}`,
    responseTimeSeconds: `sum(rate(http_request_duration_seconds_sum{${sel}}[1m])) / sum(rate(http_request_duration_seconds_count{${sel}}[1m]))`,
    // The backlog is fleet-wide (every instance reports the same queues): the largest report, not the sum.
    queueDepth: `max(sum by (instance) (barberpro_queue_jobs{${sel},state="waiting"}))`,
    tasks: `count(up{${sel}} == 1)`,
  };
}

type Matrix = Array<{ values: Array<[number, string]> }>;

/** One value per minute of the window, oldest first; a minute without a value is null. */
export function toSeries(matrix: Matrix, start: number, minutes: number): Array<number | null> {
  const values = new Map((matrix[0]?.values ?? []).map(([t, v]) => [Math.round(t), Number(v)]));
  return Array.from({ length: minutes }, (_, i) => {
    const v = values.get(start + i * 60);
    return v === undefined || !Number.isFinite(v) ? null : v;
  });
}

async function queryRange(prometheus: string, query: string, start: number, end: number, timeoutMs: number): Promise<Matrix> {
  const url = new URL('/api/v1/query_range', prometheus);
  url.search = new URLSearchParams({ query, start: String(start), end: String(end), step: '60' }).toString();
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: Matrix } };
  if (res.status !== 200 || body.status !== 'success' || body.data?.resultType !== 'matrix') throw new Error(`${res.status} ${body.error ?? body.status}`);
  return body.data.result;
}

export async function scalingDecision(o: { prometheus: string | undefined; job: string; task: TaskSize; timeoutMs: number; now?: Date }): Promise<{ checks: CheckResult[]; notes: string[] }> {
  const title = 'Autoscaling decision (runbook policy)';
  if (!o.prometheus) return { checks: [check.skip('scaling.decision', title, 'needs --prometheus or PROMETHEUS_URL: the policy reads 15 minutes of history, which one /metrics scrape does not have')], notes: [] };
  const end = Math.floor((o.now ?? new Date()).getTime() / 60_000) * 60;
  const start = end - (WINDOW_MINUTES - 1) * 60;
  const queries = scalingQueries(o.job, o.task);
  const series: Partial<ScalingSeries> = {};
  let tasks: number | null = null;
  try {
    for (const [key, query] of Object.entries(queries) as Array<[keyof typeof queries, string]>) {
      const values = toSeries(await queryRange(o.prometheus, query, start, end, o.timeoutMs), start, WINDOW_MINUTES);
      if (key === 'tasks') tasks = values.at(-1) ?? null;
      else series[key] = values;
    }
  } catch (error) {
    return { checks: [check.fail('scaling.decision', title, `${redactUrl(o.prometheus)}: ${describeError(error)}`)], notes: [] };
  }
  const full = series as ScalingSeries;
  const latest = (v: ReadonlyArray<number | null>) => v.at(-1);
  const fmt = (v: number | null | undefined, unit: string, scale = 1) => (v === null || v === undefined ? 'no data' : `${(v * scale).toFixed(1)}${unit}`);
  const checks: CheckResult[] = [
    check.info('scaling.cpu', 'CPU per task (latest minute)', `${fmt(latest(full.cpuPercent), ' %')} (out > ${SCALING_POLICY.out.cpuPercent.threshold} % for ${SCALING_POLICY.out.cpuPercent.minutes} min, in < ${SCALING_POLICY.in.cpuPercent.threshold} %)`),
    check.info('scaling.memory', 'Memory per task (latest minute)', `${fmt(latest(full.memoryPercent), ' %')} (out > ${SCALING_POLICY.out.memoryPercent.threshold} %, in < ${SCALING_POLICY.in.memoryPercent.threshold} %)`),
    check.info('scaling.response', 'Mean response time (latest minute)', `${fmt(latest(full.responseTimeSeconds), ' ms', 1000)} (out > 300 ms for 3 samples, in < 150 ms for 15 min)`),
    check.info('scaling.queue', 'Queue depth (latest minute)', `${fmt(latest(full.queueDepth), '')} waiting (out > ${SCALING_POLICY.out.queueDepth.threshold})`),
  ];
  if (tasks === null) return { checks: [...checks, check.fail('scaling.decision', title, `no instance of job "${o.job}" is up in Prometheus`)], notes: [] };
  const decision = decideScaling(full, { now: new Date(end * 1000), tasks, maxTasks: o.task.max, minTasks: o.task.min });
  const figure = `${decision.action} — ${tasks} → ${decision.desiredTasks} tasks${decision.blockedBy ? ` (held by ${decision.blockedBy})` : ''}`;
  checks.push(
    decision.action === 'hold' ? check.pass('scaling.decision', title, figure, { details: decision.reasons, data: decision }) : check.warn('scaling.decision', title, figure, { details: decision.reasons, data: decision }),
  );
  return { checks, notes: ['Cooldowns are not known from here (the last scaling activity lives in AWS): the decision assumes none is running.'] };
}
