/**
 * The launch runbook's automatic scaling triggers ("Scaling Procedures"), as a pure evaluator
 * over one-minute datapoints (newest last):
 *
 *   Scale out when any:  CPU > 60 % for 5 minutes · memory > 70 % for 5 minutes ·
 *                        response time > 300 ms for 3 consecutive samples · queue depth > 100
 *   Scale in when all:   CPU < 30 % for 10 minutes · memory < 40 % for 10 minutes ·
 *                        response time < 150 ms for 15 minutes
 *   Never below 3 tasks ("minimum 3 instances"), never above the service's maximum.
 *
 * The thresholds, durations, steps and cooldowns are the same numbers the AWS CDK app
 * (infra/lib/service.ts `SCALING`) puts on its alarms; test/ops/autoscaling-drift.test.ts
 * fails when the two differ. A missing datapoint never counts as breaching (CloudWatch's
 * treatMissingData: notBreaching), so no data never adds or removes capacity.
 */

export const SCALING_POLICY = {
  out: {
    cpuPercent: { threshold: 60, minutes: 5 },
    memoryPercent: { threshold: 70, minutes: 5 },
    responseTimeSeconds: { threshold: 0.3, samples: 3 },
    queueDepth: { threshold: 100, minutes: 1 },
  },
  in: {
    cpuPercent: { threshold: 30, minutes: 10 },
    memoryPercent: { threshold: 40, minutes: 10 },
    responseTimeSeconds: { threshold: 0.15, minutes: 15 },
  },
  /** A breach this far above the threshold adds the large step (the runbook's emergency "+5"). */
  largeBreach: { cpuPercent: 20, memoryPercent: 15, responseTimeSeconds: 0.2, queueDepth: 400 },
  outStepSmall: 2,
  outStepLarge: 5,
  outCooldownSeconds: 120,
  inStep: -1,
  inCooldownSeconds: 300,
  minTasks: 3,
} as const;

export interface ScalingSeries {
  /** One datapoint per minute, oldest first; NaN or null is a missing datapoint. */
  cpuPercent: ReadonlyArray<number | null>;
  memoryPercent: ReadonlyArray<number | null>;
  responseTimeSeconds: ReadonlyArray<number | null>;
  queueDepth: ReadonlyArray<number | null>;
}

export interface ScalingState {
  now: Date;
  tasks: number;
  maxTasks: number;
  /** Never below this; defaults to the runbook's 3. */
  minTasks?: number;
  lastScaleOutAt?: Date | null;
  lastScaleInAt?: Date | null;
}

export interface ScalingDecision {
  action: 'scale-out' | 'scale-in' | 'hold';
  desiredTasks: number;
  /** The triggers that held (or, for hold, why nothing happened). */
  reasons: string[];
  blockedBy?: 'out-cooldown' | 'in-cooldown' | 'max-tasks' | 'min-tasks';
}

const present = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/** The last `n` datapoints all exist and satisfy `test`. */
export function lastN(series: ReadonlyArray<number | null>, n: number, test: (v: number) => boolean): boolean {
  if (n <= 0 || series.length < n) return false;
  return series.slice(-n).every((v) => present(v) && test(v));
}

/** The smallest of the last `n` datapoints (how far the whole window is above a threshold). */
function floorOf(series: ReadonlyArray<number | null>, n: number): number {
  return Math.min(...series.slice(-n).filter(present));
}

export function scaleOutTriggers(series: ScalingSeries): Array<{ trigger: string; large: boolean }> {
  const out = SCALING_POLICY.out;
  const big = SCALING_POLICY.largeBreach;
  const hits: Array<{ trigger: string; large: boolean }> = [];
  const check = (name: string, values: ReadonlyArray<number | null>, threshold: number, n: number, largeBy: number, what: string) => {
    if (lastN(values, n, (v) => v > threshold)) hits.push({ trigger: `${name}: ${what}`, large: floorOf(values, n) - threshold >= largeBy });
  };
  check('cpu', series.cpuPercent, out.cpuPercent.threshold, out.cpuPercent.minutes, big.cpuPercent, `> ${out.cpuPercent.threshold} % for ${out.cpuPercent.minutes} minutes`);
  check('memory', series.memoryPercent, out.memoryPercent.threshold, out.memoryPercent.minutes, big.memoryPercent, `> ${out.memoryPercent.threshold} % for ${out.memoryPercent.minutes} minutes`);
  check(
    'response time',
    series.responseTimeSeconds,
    out.responseTimeSeconds.threshold,
    out.responseTimeSeconds.samples,
    big.responseTimeSeconds,
    `> ${out.responseTimeSeconds.threshold * 1000} ms for ${out.responseTimeSeconds.samples} consecutive samples`,
  );
  check('queue depth', series.queueDepth, out.queueDepth.threshold, out.queueDepth.minutes, big.queueDepth, `> ${out.queueDepth.threshold}`);
  return hits;
}

/** All three low conditions at once, each for its own duration. */
export function scaleInConditions(series: ScalingSeries): { all: boolean; failing: string[] } {
  const low = SCALING_POLICY.in;
  const failing: string[] = [];
  if (!lastN(series.cpuPercent, low.cpuPercent.minutes, (v) => v < low.cpuPercent.threshold)) failing.push(`cpu not < ${low.cpuPercent.threshold} % for ${low.cpuPercent.minutes} minutes`);
  if (!lastN(series.memoryPercent, low.memoryPercent.minutes, (v) => v < low.memoryPercent.threshold))
    failing.push(`memory not < ${low.memoryPercent.threshold} % for ${low.memoryPercent.minutes} minutes`);
  if (!lastN(series.responseTimeSeconds, low.responseTimeSeconds.minutes, (v) => v < low.responseTimeSeconds.threshold))
    failing.push(`response time not < ${low.responseTimeSeconds.threshold * 1000} ms for ${low.responseTimeSeconds.minutes} minutes`);
  return { all: failing.length === 0, failing };
}

const secondsSince = (now: Date, then: Date | null | undefined) => (then ? (now.getTime() - then.getTime()) / 1000 : Infinity);

/**
 * What the policy does now. Scale-out wins over scale-in; a scale-out is not repeated within
 * its cooldown, and a scale-in waits for both cooldowns (capacity just added is not taken
 * away, as Application Auto Scaling blocks scale-in during a scale-out cooldown).
 */
export function decideScaling(series: ScalingSeries, state: ScalingState): ScalingDecision {
  const min = state.minTasks ?? SCALING_POLICY.minTasks;
  const max = state.maxTasks;
  const tasks = state.tasks;
  if (tasks < min) return { action: 'scale-out', desiredTasks: min, reasons: [`${tasks} tasks is below the minimum of ${min}`] };
  if (tasks > max) return { action: 'scale-in', desiredTasks: max, reasons: [`${tasks} tasks is above the maximum of ${max}`] };
  const out = scaleOutTriggers(series);
  if (out.length > 0) {
    const reasons = out.map((t) => t.trigger);
    if (secondsSince(state.now, state.lastScaleOutAt) < SCALING_POLICY.outCooldownSeconds) return { action: 'hold', desiredTasks: tasks, reasons, blockedBy: 'out-cooldown' };
    if (tasks >= max) return { action: 'hold', desiredTasks: tasks, reasons, blockedBy: 'max-tasks' };
    const step = out.some((t) => t.large) ? SCALING_POLICY.outStepLarge : SCALING_POLICY.outStepSmall;
    return { action: 'scale-out', desiredTasks: Math.min(max, Math.max(min, tasks + step)), reasons };
  }
  const low = scaleInConditions(series);
  if (!low.all) return { action: 'hold', desiredTasks: tasks, reasons: low.failing };
  const reasons = ['cpu, memory and response time all low'];
  if (secondsSince(state.now, state.lastScaleInAt) < SCALING_POLICY.inCooldownSeconds) return { action: 'hold', desiredTasks: tasks, reasons, blockedBy: 'in-cooldown' };
  if (secondsSince(state.now, state.lastScaleOutAt) < SCALING_POLICY.outCooldownSeconds) return { action: 'hold', desiredTasks: tasks, reasons, blockedBy: 'out-cooldown' };
  if (tasks <= min) return { action: 'hold', desiredTasks: tasks, reasons, blockedBy: 'min-tasks' };
  return { action: 'scale-in', desiredTasks: Math.max(min, tasks + SCALING_POLICY.inStep), reasons };
}
