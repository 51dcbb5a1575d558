/**
 * Stand-in for the operations issue's maintenance-window rule (src/cli/ops/maintenance-window.ts,
 * being written in parallel): same signature, the runbook's windows. The lead swaps the import
 * in ./guard.ts for the real module when both land.
 *
 * Runbook, "Scheduled Maintenance Windows": primary Sunday 02:00–04:00 ART, secondary Wednesday
 * 01:00–03:00 ART (emergency only), database Sunday 04:00–05:00 ART. Argentina keeps UTC−3 all
 * year (no DST since 2009), so ART is a fixed offset.
 */
export interface MaintenanceWindow {
  name: 'primary' | 'secondary' | 'database';
  /** 0 = Sunday, in ART. */
  weekday: number;
  startHour: number;
  endHour: number;
}

export const MAINTENANCE_WINDOWS: readonly MaintenanceWindow[] = [
  { name: 'primary', weekday: 0, startHour: 2, endHour: 4 },
  { name: 'secondary', weekday: 3, startHour: 1, endHour: 3 },
  { name: 'database', weekday: 0, startHour: 4, endHour: 5 },
];

const ART_OFFSET_MS = -3 * 3_600_000;

export function isInsideMaintenanceWindow(now: Date): { inside: boolean; window?: MaintenanceWindow; next?: Date } {
  const art = new Date(now.getTime() + ART_OFFSET_MS);
  const weekday = art.getUTCDay();
  const hour = art.getUTCHours() + art.getUTCMinutes() / 60 + art.getUTCSeconds() / 3600;
  const current = MAINTENANCE_WINDOWS.find((w) => w.weekday === weekday && hour >= w.startHour && hour < w.endHour);
  if (current) return { inside: true, window: current };
  // The next start: the earliest window start after now, within the coming week.
  let next: Date | undefined;
  for (const w of MAINTENANCE_WINDOWS) {
    const start = new Date(Date.UTC(art.getUTCFullYear(), art.getUTCMonth(), art.getUTCDate(), w.startHour) - ART_OFFSET_MS);
    let days = (w.weekday - weekday + 7) % 7;
    if (days === 0 && hour >= w.startHour) days = 7;
    const candidate = new Date(start.getTime() + days * 86_400_000);
    if (!next || candidate < next) next = candidate;
  }
  return next ? { inside: false, next } : { inside: false };
}
