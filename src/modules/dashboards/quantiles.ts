/**
 * Quantiles from a Prometheus histogram's cumulative buckets, the way PromQL's
 * histogram_quantile() estimates them: find the bucket the rank falls in and interpolate
 * linearly inside it (observations are assumed spread evenly within a bucket). prom-client
 * only exposes the buckets, and pulling a PromQL engine into the API for one function is
 * not worth it, so this is hand-written and tested against hand-computed cases.
 */

export interface CumulativeBucket {
  /** Upper bound (inclusive), seconds; Infinity for the +Inf bucket. */
  le: number;
  /** Observations ≤ le (cumulative). */
  count: number;
}

/**
 * The q-quantile (0 ≤ q ≤ 1) of the observations, or null when there are none.
 * A rank that falls in the +Inf bucket answers the highest finite bound, as PromQL does:
 * the estimate is then a lower bound, and callers may say so.
 */
export function quantileFromBuckets(buckets: readonly CumulativeBucket[], q: number): number | null {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be within [0, 1], got ${q}`);
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  if (sorted.length === 0) return null;
  const last = sorted[sorted.length - 1]!;
  if (last.le !== Infinity) throw new RangeError('histogram buckets must end with +Inf');
  const total = last.count;
  if (!(total > 0)) return null;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const bucket of sorted) {
    if (bucket.count >= rank && bucket.count > lowerCount) {
      if (bucket.le === Infinity) return sorted.length > 1 ? sorted[sorted.length - 2]!.le : null;
      // The first bucket starts at 0 (durations are never negative).
      return lowerBound + ((bucket.le - lowerBound) * (rank - lowerCount)) / (bucket.count - lowerCount);
    }
    lowerBound = bucket.le;
    lowerCount = bucket.count;
  }
  return null;
}

/** Adds cumulative bucket series that share the same bounds (several label sets into one). */
export function mergeBuckets(series: ReadonlyArray<readonly CumulativeBucket[]>): CumulativeBucket[] {
  const byBound = new Map<number, number>();
  for (const buckets of series) for (const b of buckets) byBound.set(b.le, (byBound.get(b.le) ?? 0) + b.count);
  return [...byBound.entries()].sort((a, b) => a[0] - b[0]).map(([le, count]) => ({ le, count }));
}
