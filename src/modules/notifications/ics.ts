/**
 * RFC 5545 iCalendar for one booking, as an iTIP (RFC 5546) REQUEST or CANCEL.
 *
 * Hand-written: well-kept generators exist on npm (ical-generator, ics) but cannot be added
 * to this project, and what a booking needs is small: one VEVENT, UTC times, TEXT escaping
 * and line folding, all covered by ics.test.ts.
 */

export interface CalendarEvent {
  /** Stable per booking, so calendars update (or remove) the same event. */
  uid: string;
  /** Increases with every change the customer must see (reschedules, the cancellation). */
  sequence: number;
  method: 'REQUEST' | 'CANCEL';
  start: Date;
  end: Date;
  /** When the object was created (DTSTAMP). */
  stamp: Date;
  summary: string;
  location: string;
  description: string;
  organizer: { name: string; email: string };
  attendee?: { name: string; email: string } | undefined;
  /** Minutes before the start for a display alarm; none when absent. */
  alarmMinutesBefore?: number | undefined;
}

const CRLF = '\r\n';
const MAX_LINE_OCTETS = 75;

/** 20261203T130000Z */
export function formatUtc(instant: Date): string {
  return instant.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

/** TEXT values (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines are escaped. */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n')
    .split('')
    .filter((c) => c === '\t' || !isControl(c)) // other control characters are not allowed in TEXT
    .join('');
}

function isControl(char: string): boolean {
  const code = char.charCodeAt(0);
  return code < 0x20 || code === 0x7f;
}

/** Quoted parameter values (CN=...) may not contain DQUOTE; ";", ":" and "," are fine inside quotes. */
function paramValue(value: string): string {
  const safe = value
    .split('')
    .filter((c) => c !== '"' && !isControl(c))
    .join('');
  return `"${safe}"`;
}

/**
 * Folds a content line at 75 octets (RFC 5545 §3.1): continuation lines start with one
 * space, which counts towards their 75. Never splits a UTF-8 sequence (or a surrogate pair).
 */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  let limit = MAX_LINE_OCTETS;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    if (octets + size > limit) {
      out.push(current);
      current = ' ';
      octets = 1;
      limit = MAX_LINE_OCTETS;
    }
    current += char;
    octets += size;
  }
  out.push(current);
  return out.join(CRLF);
}

export function buildIcs(event: CalendarEvent): string {
  const cancelled = event.method === 'CANCEL';
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//BarberPro//Turnos//ES',
    'CALSCALE:GREGORIAN',
    `METHOD:${event.method}`,
    'BEGIN:VEVENT',
    `UID:${event.uid}`,
    `SEQUENCE:${event.sequence}`,
    `DTSTAMP:${formatUtc(event.stamp)}`,
    `DTSTART:${formatUtc(event.start)}`,
    `DTEND:${formatUtc(event.end)}`,
    `SUMMARY:${escapeText(event.summary)}`,
    `LOCATION:${escapeText(event.location)}`,
    `DESCRIPTION:${escapeText(event.description)}`,
    `STATUS:${cancelled ? 'CANCELLED' : 'CONFIRMED'}`,
    'TRANSP:OPAQUE',
    `ORGANIZER;CN=${paramValue(event.organizer.name)}:mailto:${event.organizer.email}`,
    ...(event.attendee
      ? [`ATTENDEE;CN=${paramValue(event.attendee.name)};ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:${event.attendee.email}`]
      : []),
    ...(event.alarmMinutesBefore && !cancelled
      ? ['BEGIN:VALARM', 'ACTION:DISPLAY', `DESCRIPTION:${escapeText(event.summary)}`, `TRIGGER:-PT${Math.round(event.alarmMinutesBefore)}M`, 'END:VALARM']
      : []),
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(foldLine).join(CRLF) + CRLF;
}
