import { describe, expect, it } from 'vitest';
import { mergeBuckets, quantileFromBuckets } from './quantiles.js';

describe('quantileFromBuckets (PromQL histogram_quantile semantics)', () => {
  it('interpolates linearly inside the bucket the rank falls in', () => {
    const buckets = [
      { le: 0.1, count: 0 },
      { le: 0.2, count: 10 },
      { le: Infinity, count: 10 },
    ];
    expect(quantileFromBuckets(buckets, 0.5)).toBeCloseTo(0.15, 12);
    expect(quantileFromBuckets(buckets, 0.95)).toBeCloseTo(0.195, 12);
    expect(quantileFromBuckets(buckets, 1)).toBeCloseTo(0.2, 12);
  });

  it('starts the first bucket at zero', () => {
    expect(quantileFromBuckets([{ le: 0.005, count: 4 }, { le: 0.01, count: 4 }, { le: Infinity, count: 4 }], 0.95)).toBeCloseTo(0.00475, 12);
  });

  it('spans several buckets with the right lower bound and count', () => {
    // 100 observations: 50 ≤ 0.05, 40 in (0.05, 0.1], 10 in (0.1, 0.2].
    const buckets = [
      { le: 0.05, count: 50 },
      { le: 0.1, count: 90 },
      { le: 0.2, count: 100 },
      { le: Infinity, count: 100 },
    ];
    expect(quantileFromBuckets(buckets, 0.95)).toBeCloseTo(0.1 + 0.1 * (95 - 90) / 10, 12);
    expect(quantileFromBuckets(buckets, 0.7)).toBeCloseTo(0.05 + 0.05 * (70 - 50) / 40, 12);
  });

  it('answers the highest finite bound when the rank is in +Inf', () => {
    expect(quantileFromBuckets([{ le: 0.1, count: 1 }, { le: 1, count: 1 }, { le: Infinity, count: 10 }], 0.95)).toBe(1);
  });

  it('skips empty buckets: q = 0 is the lower edge of the first non-empty one', () => {
    expect(quantileFromBuckets([{ le: 0.1, count: 0 }, { le: 0.2, count: 0 }, { le: 0.5, count: 3 }, { le: Infinity, count: 3 }], 0)).toBe(0.2);
  });

  it('accepts buckets in any order', () => {
    expect(quantileFromBuckets([{ le: Infinity, count: 10 }, { le: 0.2, count: 10 }, { le: 0.1, count: 0 }], 0.5)).toBeCloseTo(0.15, 12);
  });

  it('has no answer without observations and refuses malformed input', () => {
    expect(quantileFromBuckets([{ le: 0.1, count: 0 }, { le: Infinity, count: 0 }], 0.95)).toBeNull();
    expect(quantileFromBuckets([], 0.5)).toBeNull();
    expect(() => quantileFromBuckets([{ le: 0.1, count: 1 }], 0.5)).toThrow(/\+Inf/);
    expect(() => quantileFromBuckets([{ le: Infinity, count: 1 }], 1.5)).toThrow(RangeError);
    expect(() => quantileFromBuckets([{ le: Infinity, count: 1 }], Number.NaN)).toThrow(RangeError);
  });
});

describe('mergeBuckets', () => {
  it('adds series bucket by bucket', () => {
    expect(
      mergeBuckets([
        [{ le: 0.1, count: 1 }, { le: Infinity, count: 2 }],
        [{ le: 0.1, count: 3 }, { le: Infinity, count: 5 }],
      ]),
    ).toEqual([
      { le: 0.1, count: 4 },
      { le: Infinity, count: 7 },
    ]);
  });
});
