import { performance } from 'node:perf_hooks';

/** One line of a benchmark table. Optional columns stay blank when absent. */
export interface BenchRow {
  name: string;
  iterations: number;
  p50Ms: number;
  p95Ms: number;
  meanMs: number;
  /** Slots returned by one run, when the benchmarked call returns slots. */
  slots?: number;
  /** slots / mean run time in seconds. */
  slotsPerSecond?: number;
  /** Free text for the comparison column, e.g. "38.1× faster" or "baseline". */
  vsBaseline?: string;
}

export interface TimingSummary {
  iterations: number;
  p50Ms: number;
  p95Ms: number;
  meanMs: number;
  minMs: number;
  maxMs: number;
}

export interface TimeOptions {
  iterations: number;
  warmup: number;
}

/**
 * Runs `fn` `warmup` times unmeasured (so the JIT has compiled the hot paths
 * and caches are filled), then `iterations` times measured one by one.
 * Returns the last result too, so callers can report its size and the work
 * can't be optimised away.
 */
export async function timeRuns<T>(fn: () => T | Promise<T>, options: TimeOptions): Promise<{ samplesMs: number[]; last: T }> {
  if (!Number.isInteger(options.iterations) || options.iterations < 1) {
    throw new RangeError(`iterations must be a positive integer, got ${options.iterations}`);
  }
  let last = await fn();
  for (let i = 0; i < options.warmup; i++) last = await fn();
  const samplesMs: number[] = [];
  for (let i = 0; i < options.iterations; i++) {
    const started = performance.now();
    last = await fn();
    samplesMs.push(performance.now() - started);
  }
  return { samplesMs, last };
}

/** Linear interpolation between closest ranks; `sorted` must be ascending. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of an empty sample');
  if (p < 0 || p > 100) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const rank = (p / 100) * (sorted.length - 1);
  const lower = Math.floor(rank);
  const upper = Math.ceil(rank);
  const low = sorted[lower]!;
  return low + (sorted[upper]! - low) * (rank - lower);
}

export function summarize(samplesMs: readonly number[]): TimingSummary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const total = sorted.reduce((sum, x) => sum + x, 0);
  return {
    iterations: sorted.length,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    meanMs: total / sorted.length,
    minMs: sorted[0]!,
    maxMs: sorted[sorted.length - 1]!,
  };
}

function formatMs(ms: number): string {
  if (ms >= 100) return ms.toFixed(1);
  if (ms >= 1) return ms.toFixed(2);
  return ms.toFixed(3);
}

function formatCount(n: number): string {
  // Fixed locale so the output doesn't depend on the machine's settings.
  return Math.round(n).toLocaleString('en-US');
}

/** Renders rows as an aligned plain-text table (numbers right-aligned). */
export function formatTable(rows: readonly BenchRow[], title?: string): string {
  const header = ['benchmark', 'iters', 'p50 ms', 'p95 ms', 'mean ms', 'slots', 'slots/s', 'vs baseline'];
  const numeric = [false, true, true, true, true, true, true, false];
  const body = rows.map((r) => [
    r.name,
    String(r.iterations),
    formatMs(r.p50Ms),
    formatMs(r.p95Ms),
    formatMs(r.meanMs),
    r.slots === undefined ? '' : formatCount(r.slots),
    r.slotsPerSecond === undefined ? '' : formatCount(r.slotsPerSecond),
    r.vsBaseline ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('-+-');
  const out = [line(header), rule, ...body.map(line)];
  if (title !== undefined) out.unshift(title, '');
  return out.join('\n');
}

export function printTable(rows: readonly BenchRow[], title?: string): void {
  console.log(formatTable(rows, title));
}
