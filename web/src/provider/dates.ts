// Calendar arithmetic on "YYYY-MM-DD" strings: a shop's dates are wall-calendar dates, so
// they are stepped as UTC noon and never go through the browser's timezone.

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** 0 = domingo … 6 = sábado, like the API's weekday. */
export function weekdayOf(date: string): number {
  return new Date(`${date}T12:00:00Z`).getUTCDay();
}

/** The Monday of the week a date falls in (Argentine weeks start on Monday). */
export function mondayOf(date: string): string {
  return addDays(date, -((weekdayOf(date) + 6) % 7));
}

export const WEEKDAYS = ['Domingo', 'Lunes', 'Martes', 'Miércoles', 'Jueves', 'Viernes', 'Sábado'] as const;

/** "martes 1 de diciembre" for a calendar date, whatever the browser's zone. */
export function formatCalendarDate(date: string, style: 'long' | 'short' = 'long'): string {
  const options: Intl.DateTimeFormatOptions =
    style === 'long' ? { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' } : { weekday: 'short', day: 'numeric', month: 'numeric', timeZone: 'UTC' };
  return new Intl.DateTimeFormat('es-AR', options).format(new Date(`${date}T12:00:00Z`));
}

/**
 * "2026-12-01T10:00" typed in a datetime-local field, read as wall time in the shop's zone,
 * as ISO-8601 with that zone's offset at that moment ("2026-12-01T10:00:00-03:00").
 */
export function wallTimeInZone(local: string, timeZone: string): string {
  const asUtc = Date.parse(`${local}:00Z`);
  const offsetAt = (instant: number): number => {
    const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(new Date(instant)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
    const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name);
    return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0)) : 0;
  };
  // Two passes: the offset at the guessed instant, then at the corrected one.
  const offset = offsetAt(asUtc - offsetAt(asUtc) * 60_000);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${local}:00${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
