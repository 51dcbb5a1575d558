/**
 * The report every `barberpro ops` command prints: one verdict per check with the figure
 * that was measured, a summary, and the exit code. Pure: rendering and counting only.
 */

/** INFO carries a measured figure without a threshold to judge it by; it never counts as a pass. */
export type Status = 'pass' | 'fail' | 'warn' | 'skip' | 'info';

export interface CheckResult {
  /** Stable id, e.g. `readyz` or `latency.p95`. */
  id: string;
  /** What was checked, for people. */
  title: string;
  status: Status;
  /** The measured figure (or why nothing was measured), e.g. `p95 ≤ 0.05 s over 1,234 requests`. */
  measured: string;
  /** Extra lines: offending rows, routes, hints. */
  details?: string[];
  /** Machine-readable figures for --json. */
  data?: unknown;
}

export interface OpsReport {
  command: string;
  target: string;
  startedAt: string;
  durationMs: number;
  checks: CheckResult[];
  /** Lines printed after the checks (e.g. the assessed incident severity). */
  notes?: string[];
}

export interface Summary {
  pass: number;
  fail: number;
  warn: number;
  skip: number;
  info: number;
  /** fail when anything failed; otherwise warn, otherwise pass when something passed, otherwise skip. */
  overall: Status;
}

export function summarize(checks: readonly CheckResult[]): Summary {
  const s: Summary = { pass: 0, fail: 0, warn: 0, skip: 0, info: 0, overall: 'skip' };
  for (const c of checks) s[c.status]++;
  // A run where every check was skipped proved nothing: it is not a pass.
  s.overall = s.fail > 0 ? 'fail' : s.warn > 0 ? 'warn' : s.pass > 0 ? 'pass' : 'skip';
  return s;
}

/** Exit codes of every ops command. */
export const EXIT = { ok: 0, failed: 1, usage: 2, nothingVerified: 4 } as const;

/**
 * Non-zero when any check failed, and when every check was skipped (a run that verified
 * nothing must not look like a success to cron). Warnings and some skips alone do not fail a
 * run; `strict` makes them.
 */
export function exitCodeOf(checks: readonly CheckResult[], options: { strict?: boolean } = {}): number {
  const s = summarize(checks);
  if (s.fail > 0) return EXIT.failed;
  if (s.overall === 'skip') return EXIT.nothingVerified;
  if (options.strict && (s.warn > 0 || s.skip > 0)) return EXIT.failed;
  return EXIT.ok;
}

const LABEL: Record<Status, string> = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', skip: 'SKIP', info: 'INFO' };

export function renderHuman(report: OpsReport): string {
  const lines = [`barberpro ops ${report.command} — ${report.target} — ${report.startedAt}`, ''];
  const width = Math.min(48, Math.max(...report.checks.map((c) => c.title.length), 10));
  for (const c of report.checks) {
    lines.push(`  ${LABEL[c.status]}  ${c.title.padEnd(width)}  ${c.measured}`);
    for (const d of c.details ?? []) lines.push(`        ${' '.repeat(width)}  · ${d}`);
  }
  const s = summarize(report.checks);
  lines.push('');
  for (const note of report.notes ?? []) lines.push(note);
  if (report.notes?.length) lines.push('');
  // Skipped checks proved nothing: a pass with skips says it is incomplete.
  const verdict = s.overall === 'skip' ? 'NOTHING VERIFIED' : s.skip > 0 && s.overall !== 'fail' ? `${LABEL[s.overall]} (incomplete: ${s.skip} skipped)` : LABEL[s.overall];
  lines.push(
    `Result: ${verdict} — ${s.pass} passed, ${s.fail} failed, ${s.warn} warnings, ${s.skip} skipped (not counted as passed)` +
      `${s.info ? `, ${s.info} informational` : ''} in ${(report.durationMs / 1000).toFixed(1)} s`,
  );
  return lines.join('\n');
}

export function renderJson(report: OpsReport): string {
  return JSON.stringify({ ...report, summary: summarize(report.checks) }, null, 2);
}

/** Builders, so checks read as verdicts. */
export const check = {
  pass: (id: string, title: string, measured: string, extra: Partial<CheckResult> = {}): CheckResult => ({ id, title, status: 'pass', measured, ...extra }),
  fail: (id: string, title: string, measured: string, extra: Partial<CheckResult> = {}): CheckResult => ({ id, title, status: 'fail', measured, ...extra }),
  warn: (id: string, title: string, measured: string, extra: Partial<CheckResult> = {}): CheckResult => ({ id, title, status: 'warn', measured, ...extra }),
  skip: (id: string, title: string, reason: string, extra: Partial<CheckResult> = {}): CheckResult => ({ id, title, status: 'skip', measured: reason, ...extra }),
  info: (id: string, title: string, measured: string, extra: Partial<CheckResult> = {}): CheckResult => ({ id, title, status: 'info', measured, ...extra }),
};

/** Figures in reports: milliseconds with sensible precision, shares as percentages. */
export function ms(value: number): string {
  return value >= 100 ? `${Math.round(value)} ms` : `${value.toFixed(1)} ms`;
}

export function pct(share: number, digits = 3): string {
  const text = (share * 100).toFixed(digits);
  return `${text.includes('.') ? text.replace(/\.?0+$/, '') : text} %`;
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}
