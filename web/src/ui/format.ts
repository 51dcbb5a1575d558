// es-AR formatting, always in the shop's timezone (the browser's own zone is irrelevant:
// a Mendoza shop's 10:00 is 10:00 wherever the customer is).

const money = new Intl.NumberFormat('es-AR', { style: 'currency', currency: 'ARS', minimumFractionDigits: 2 });

/** "$ 15.000,50" from integer centavos. */
export function formatCentavos(centavos: number): string {
  // Intl puts a non-breaking space after the sign; a plain one reads the same and tests match it.
  return money.format(centavos / 100).replace(/\u00a0/g, ' ');
}

export function formatTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('es-AR', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(new Date(iso));
}

export function formatDate(iso: string, timeZone: string, style: 'long' | 'short' = 'long'): string {
  const options: Intl.DateTimeFormatOptions =
    style === 'long' ? { weekday: 'long', day: 'numeric', month: 'long', timeZone } : { day: '2-digit', month: '2-digit', year: 'numeric', timeZone };
  return new Intl.DateTimeFormat('es-AR', options).format(new Date(iso));
}

export function formatDateTime(iso: string, timeZone: string): string {
  return `${formatDate(iso, timeZone)}, ${formatTime(iso, timeZone)} h`;
}

/** The calendar date (YYYY-MM-DD) an instant falls on in a timezone. */
export function localDate(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

export function formatPercent(ratio: number, digits = 1): string {
  return new Intl.NumberFormat('es-AR', { style: 'percent', maximumFractionDigits: digits, minimumFractionDigits: digits }).format(ratio);
}

export function formatNumber(n: number): string {
  return new Intl.NumberFormat('es-AR').format(n);
}
