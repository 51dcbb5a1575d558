/**
 * The launch runbook's maintenance windows, in Argentine time ("Scheduled Maintenance Windows"):
 *
 *   Primary:              Sunday 02:00–04:00 ART (low traffic)      deployments
 *   Secondary:            Wednesday 01:00–03:00 ART (emergency only) emergency deployments
 *   Database maintenance: Sunday 04:00–05:00 ART                      database work
 *
 * Pure: the instant is passed in. Windows include their start and exclude their end
 * (02:00:00 is inside the primary window, 04:00:00 is not). Outside them, work is refused
 * unless forced with a reason; the deployment tooling imports this to decide.
 */
import { DateTime } from 'luxon';

export const MAINTENANCE_TIMEZONE = 'America/Argentina/Buenos_Aires';

export type MaintenanceKind = 'deployment' | 'database';

export interface MaintenanceWindow {
  name: 'primary' | 'secondary' | 'database';
  /** ISO weekday: 1 Monday … 7 Sunday. */
  weekday: number;
  startMinute: number;
  endMinute: number;
  kind: MaintenanceKind;
  emergencyOnly: boolean;
  label: string;
}

export const MAINTENANCE_WINDOWS: readonly MaintenanceWindow[] = [
  { name: 'primary', weekday: 7, startMinute: 2 * 60, endMinute: 4 * 60, kind: 'deployment', emergencyOnly: false, label: 'Sunday 02:00–04:00 ART (primary)' },
  { name: 'secondary', weekday: 3, startMinute: 1 * 60, endMinute: 3 * 60, kind: 'deployment', emergencyOnly: true, label: 'Wednesday 01:00–03:00 ART (secondary, emergency only)' },
  { name: 'database', weekday: 7, startMinute: 4 * 60, endMinute: 5 * 60, kind: 'database', emergencyOnly: false, label: 'Sunday 04:00–05:00 ART (database maintenance)' },
];

/** Shortest reason a forced change must give. */
export const MIN_FORCE_REASON_LENGTH = 10;

export interface MaintenanceRequest {
  kind: MaintenanceKind;
  /** An emergency change may use the secondary window. */
  emergency?: boolean;
  /** Proceed outside the windows; needs a reason. */
  force?: boolean;
  reason?: string;
}

export interface MaintenanceDecision {
  allowed: boolean;
  /** The window the instant falls in and may use, if any. */
  window: MaintenanceWindow | null;
  /** True when allowed only because it was forced. */
  forced: boolean;
  /** Why, for people (English: operator tooling). */
  explanation: string;
  /** The next window this kind of work may use, from `at` on (the current one when inside it). */
  next: { window: MaintenanceWindow; start: Date; end: Date };
}

function eligible(request: MaintenanceRequest): MaintenanceWindow[] {
  return MAINTENANCE_WINDOWS.filter((w) => w.kind === request.kind && (!w.emergencyOnly || request.emergency === true));
}

function occurrence(window: MaintenanceWindow, day: DateTime): { start: DateTime; end: DateTime } {
  const midnight = day.startOf('day');
  return { start: midnight.plus({ minutes: window.startMinute }), end: midnight.plus({ minutes: window.endMinute }) };
}

/** The window of `windows` that contains `at`, if any. */
export function windowAt(at: Date, windows: readonly MaintenanceWindow[] = MAINTENANCE_WINDOWS): MaintenanceWindow | null {
  const local = DateTime.fromJSDate(at, { zone: MAINTENANCE_TIMEZONE });
  for (const w of windows) {
    if (local.weekday !== w.weekday) continue;
    const { start, end } = occurrence(w, local);
    if (local >= start && local < end) return w;
  }
  return null;
}

/** The next (or current) occurrence of any of `windows` ending after `at`. */
export function nextWindow(at: Date, windows: readonly MaintenanceWindow[]): { window: MaintenanceWindow; start: Date; end: Date } {
  const local = DateTime.fromJSDate(at, { zone: MAINTENANCE_TIMEZONE });
  let best: { window: MaintenanceWindow; start: DateTime; end: DateTime } | undefined;
  for (let offset = 0; offset <= 7; offset++) {
    const day = local.plus({ days: offset });
    for (const w of windows) {
      if (day.weekday !== w.weekday) continue;
      const { start, end } = occurrence(w, day);
      if (end <= local) continue;
      if (!best || start < best.start) best = { window: w, start, end };
    }
    if (best) break;
  }
  if (!best) throw new Error('no maintenance window in the coming week');
  return { window: best.window, start: best.start.toJSDate(), end: best.end.toJSDate() };
}

export function maintenanceDecision(at: Date, request: MaintenanceRequest): MaintenanceDecision {
  const windows = eligible(request);
  const next = nextWindow(at, windows);
  const inside = windowAt(at, windows);
  if (inside) return { allowed: true, window: inside, forced: false, explanation: `inside the ${inside.label} window`, next };
  const local = DateTime.fromJSDate(at, { zone: MAINTENANCE_TIMEZONE }).toFormat("cccc HH:mm 'ART'");
  const secondary = request.kind === 'deployment' && !request.emergency && windowAt(at, MAINTENANCE_WINDOWS)?.name === 'secondary';
  const outside = secondary
    ? `${local} is the secondary window, which is for emergencies only (--emergency)`
    : `${local} is outside the ${request.kind} maintenance windows (${windows.map((w) => w.label).join('; ')})`;
  if (request.force) {
    const reason = request.reason?.trim() ?? '';
    if (reason.length < MIN_FORCE_REASON_LENGTH)
      return { allowed: false, window: null, forced: false, explanation: `${outside}; --force needs --reason of at least ${MIN_FORCE_REASON_LENGTH} characters`, next };
    return { allowed: true, window: null, forced: true, explanation: `${outside}; forced: ${reason}`, next };
  }
  return { allowed: false, window: null, forced: false, explanation: `${outside}; the next is ${next.window.label} from ${next.start.toISOString()}`, next };
}
