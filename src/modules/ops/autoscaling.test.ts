import { describe, expect, it } from 'vitest';
import { SCALING_POLICY, decideScaling, lastN, scaleInConditions, scaleOutTriggers, type ScalingSeries, type ScalingState } from './autoscaling.js';

const now = new Date('2026-12-01T15:00:00Z');
const series = (n: number, value: number) => Array.from({ length: n }, () => value);
/** A quiet fleet: neither scale-out nor all scale-in conditions (memory 50 %). */
const calm = (): ScalingSeries => ({ cpuPercent: series(20, 45), memoryPercent: series(20, 50), responseTimeSeconds: series(20, 0.1), queueDepth: series(20, 0) });
/** Every scale-in condition holds. */
const idle = (): ScalingSeries => ({ cpuPercent: series(20, 10), memoryPercent: series(20, 20), responseTimeSeconds: series(20, 0.05), queueDepth: series(20, 0) });
const state = (over: Partial<ScalingState> = {}): ScalingState => ({ now, tasks: 5, maxTasks: 20, ...over });
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);

describe('scale out (any trigger)', () => {
  const cases = [
    ['cpuPercent', SCALING_POLICY.out.cpuPercent.threshold, SCALING_POLICY.out.cpuPercent.minutes, 0.01],
    ['memoryPercent', SCALING_POLICY.out.memoryPercent.threshold, SCALING_POLICY.out.memoryPercent.minutes, 0.01],
    ['responseTimeSeconds', SCALING_POLICY.out.responseTimeSeconds.threshold, SCALING_POLICY.out.responseTimeSeconds.samples, 0.001],
    ['queueDepth', SCALING_POLICY.out.queueDepth.threshold, SCALING_POLICY.out.queueDepth.minutes, 1],
  ] as const;

  it('has the runbook’s numbers', () => {
    expect(cases.map(([k, t, n]) => [k, t, n])).toEqual([
      ['cpuPercent', 60, 5],
      ['memoryPercent', 70, 5],
      ['responseTimeSeconds', 0.3, 3],
      ['queueDepth', 100, 1],
    ]);
  });

  describe.each(cases)('%s > %s for %s datapoints', (metric, threshold, n, epsilon) => {
    const withTail = (tail: number[]) => ({ ...calm(), [metric]: [...series(20 - tail.length, metric === 'queueDepth' ? 0 : threshold / 2), ...tail] }) as ScalingSeries;

    it('just above the threshold for exactly the duration: scale out', () => {
      expect(decideScaling(withTail(series(n, threshold + epsilon)), state())).toMatchObject({ action: 'scale-out', desiredTasks: 5 + SCALING_POLICY.outStepSmall });
    });
    it('exactly at the threshold is not above it', () => {
      expect(decideScaling(withTail(series(n, threshold)), state()).action).toBe('hold');
    });
    it('just below the threshold: hold', () => {
      expect(decideScaling(withTail(series(n, threshold - epsilon)), state()).action).toBe('hold');
    });
    it('one datapoint short of the duration: hold', () => {
      if (n === 1) return; // a single datapoint is the whole duration
      expect(decideScaling(withTail([threshold - epsilon, ...series(n - 1, threshold + epsilon)]), state()).action).toBe('hold');
    });
    it('a missing datapoint inside the window does not breach', () => {
      const tail: Array<number | null> = series(n, threshold + epsilon);
      tail[0] = null;
      expect(decideScaling({ ...calm(), [metric]: tail } as ScalingSeries, state()).action).toBe('hold');
      expect(decideScaling({ ...calm(), [metric]: [NaN, ...series(n - 1, threshold + epsilon)] } as ScalingSeries, state()).action).toBe('hold');
    });
    it('the whole window far above the threshold adds the large step', () => {
      const big = SCALING_POLICY.largeBreach[metric];
      expect(decideScaling(withTail(series(n, threshold + big)), state()).desiredTasks).toBe(5 + SCALING_POLICY.outStepLarge);
      expect(decideScaling(withTail(series(n, threshold + big - epsilon)), state()).desiredTasks).toBe(5 + SCALING_POLICY.outStepSmall);
    });
  });

  it('no data at all never scales', () => {
    expect(decideScaling({ cpuPercent: [], memoryPercent: [], responseTimeSeconds: [], queueDepth: [] }, state())).toMatchObject({ action: 'hold', desiredTasks: 5 });
  });

  it('reports every trigger that holds', () => {
    const hot = { ...calm(), cpuPercent: series(5, 90), queueDepth: [150] };
    expect(scaleOutTriggers(hot).map((t) => t.trigger.split(':')[0])).toEqual(['cpu', 'queue depth']);
  });

  it('cooldown: not again within 120 s of the last scale-out, again at exactly 120 s', () => {
    const hot = { ...calm(), queueDepth: [101] };
    expect(decideScaling(hot, state({ lastScaleOutAt: ago(119) }))).toMatchObject({ action: 'hold', blockedBy: 'out-cooldown', desiredTasks: 5 });
    expect(decideScaling(hot, state({ lastScaleOutAt: ago(120) }))).toMatchObject({ action: 'scale-out', desiredTasks: 7 });
    // A recent scale-in does not hold back a scale-out.
    expect(decideScaling(hot, state({ lastScaleInAt: ago(1) })).action).toBe('scale-out');
  });

  it('never above the maximum', () => {
    const hot = { ...calm(), queueDepth: [1000] };
    expect(decideScaling(hot, state({ tasks: 17 }))).toMatchObject({ action: 'scale-out', desiredTasks: 20 });
    expect(decideScaling(hot, state({ tasks: 19 }))).toMatchObject({ action: 'scale-out', desiredTasks: 20 });
    expect(decideScaling(hot, state({ tasks: 20 }))).toMatchObject({ action: 'hold', blockedBy: 'max-tasks', desiredTasks: 20 });
    expect(decideScaling(calm(), state({ tasks: 22 }))).toMatchObject({ action: 'scale-in', desiredTasks: 20 });
  });
});

describe('scale in (all conditions at once)', () => {
  const conditions = [
    ['cpuPercent', SCALING_POLICY.in.cpuPercent.threshold, SCALING_POLICY.in.cpuPercent.minutes, 0.01],
    ['memoryPercent', SCALING_POLICY.in.memoryPercent.threshold, SCALING_POLICY.in.memoryPercent.minutes, 0.01],
    ['responseTimeSeconds', SCALING_POLICY.in.responseTimeSeconds.threshold, SCALING_POLICY.in.responseTimeSeconds.minutes, 0.001],
  ] as const;

  it('has the runbook’s numbers', () => {
    expect(conditions.map(([k, t, n]) => [k, t, n])).toEqual([
      ['cpuPercent', 30, 10],
      ['memoryPercent', 40, 10],
      ['responseTimeSeconds', 0.15, 15],
    ]);
  });

  it('all low: remove one task', () => {
    expect(decideScaling(idle(), state())).toMatchObject({ action: 'scale-in', desiredTasks: 4 });
  });

  describe.each(conditions)('%s < %s for %s datapoints', (metric, threshold, n, epsilon) => {
    const withTail = (tail: number[]) => ({ ...idle(), [metric]: [...series(20 - tail.length, threshold + 5), ...tail] }) as ScalingSeries;
    it('just below for exactly the duration (the others low too): scale in', () => {
      expect(decideScaling(withTail(series(n, threshold - epsilon)), state()).action).toBe('scale-in');
    });
    it('exactly at the threshold is not below it', () => {
      expect(decideScaling(withTail(series(n, threshold)), state()).action).toBe('hold');
    });
    it('one datapoint short of the duration: hold', () => {
      expect(decideScaling(withTail(series(n - 1, threshold - epsilon)), state()).action).toBe('hold');
    });
    it('this one alone high blocks the scale-in even when the others are low', () => {
      const failing = scaleInConditions({ ...idle(), [metric]: series(20, threshold + epsilon) } as ScalingSeries);
      expect(failing.all).toBe(false);
      expect(failing.failing).toHaveLength(1);
    });
    it('a missing datapoint in the window blocks it', () => {
      const tail: Array<number | null> = series(n, threshold - epsilon);
      tail[n - 1] = null;
      expect(decideScaling({ ...idle(), [metric]: tail } as ScalingSeries, state()).action).toBe('hold');
    });
  });

  it('never below 3 tasks; a fleet below the minimum is brought up to it', () => {
    expect(decideScaling(idle(), state({ tasks: 4 }))).toMatchObject({ action: 'scale-in', desiredTasks: 3 });
    expect(decideScaling(idle(), state({ tasks: 3 }))).toMatchObject({ action: 'hold', blockedBy: 'min-tasks', desiredTasks: 3 });
    expect(decideScaling(calm(), state({ tasks: 2 }))).toMatchObject({ action: 'scale-out', desiredTasks: 3 });
  });

  it('cooldown: 300 s after a scale-in, and not within 120 s of a scale-out', () => {
    expect(decideScaling(idle(), state({ lastScaleInAt: ago(299) }))).toMatchObject({ action: 'hold', blockedBy: 'in-cooldown' });
    expect(decideScaling(idle(), state({ lastScaleInAt: ago(300) })).action).toBe('scale-in');
    expect(decideScaling(idle(), state({ lastScaleOutAt: ago(119) }))).toMatchObject({ action: 'hold', blockedBy: 'out-cooldown' });
    expect(decideScaling(idle(), state({ lastScaleOutAt: ago(120) })).action).toBe('scale-in');
  });

  it('scale-out wins when the queue is deep on an otherwise idle fleet', () => {
    expect(decideScaling({ ...idle(), queueDepth: [...series(19, 0), 101] }, state()).action).toBe('scale-out');
  });
});

describe('lastN', () => {
  it('needs n present datapoints that all pass', () => {
    expect(lastN([1, 2, 3], 3, (v) => v > 0)).toBe(true);
    expect(lastN([1, 2, 3], 4, (v) => v > 0)).toBe(false);
    expect(lastN([0, 2, 3], 2, (v) => v > 0)).toBe(true);
    expect(lastN([1, null, 3], 2, (v) => v > 0)).toBe(false);
    expect(lastN([1], 0, () => true)).toBe(false);
  });
});
