import { describe, expect, it } from 'vitest';
import { buildIcs, escapeText, foldLine, formatUtc, type CalendarEvent } from './ics.js';

const event: CalendarEvent = {
  uid: 'booking-1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed@barberpro.ar',
  sequence: 0,
  method: 'REQUEST',
  start: new Date('2026-12-03T13:00:00Z'),
  end: new Date('2026-12-03T13:30:00Z'),
  stamp: new Date('2026-12-01T12:00:00.123Z'),
  summary: 'Corte clásico en Barbería Don Julio',
  location: 'Av. Corrientes 1234, Buenos Aires',
  description: 'Barbero: Julio\nReservado con BarberPro',
  organizer: { name: 'Barbería Don Julio', email: 'no-reply@barberpro.ar' },
  attendee: { name: 'Lucía Gómez', email: 'lucia@example.com' },
  alarmMinutesBefore: 60,
};

/** Undoes folding, as a calendar reader would. */
function unfold(ics: string): string[] {
  return ics.replace(/\r\n /g, '').split('\r\n');
}

describe('iCalendar', () => {
  it('a REQUEST with UTC times, a stable UID and the right structure', () => {
    const ics = buildIcs(event);
    const lines = unfold(ics);
    expect(lines[0]).toBe('BEGIN:VCALENDAR');
    expect(lines).toContain('VERSION:2.0');
    expect(lines).toContain('METHOD:REQUEST');
    expect(lines).toContain('UID:booking-1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed@barberpro.ar');
    expect(lines).toContain('SEQUENCE:0');
    expect(lines).toContain('DTSTART:20261203T130000Z');
    expect(lines).toContain('DTEND:20261203T133000Z');
    expect(lines).toContain('DTSTAMP:20261201T120000Z');
    expect(lines).toContain('STATUS:CONFIRMED');
    expect(lines).toContain('LOCATION:Av. Corrientes 1234\\, Buenos Aires');
    expect(lines).toContain('DESCRIPTION:Barbero: Julio\\nReservado con BarberPro');
    expect(lines).toContain('ORGANIZER;CN="Barbería Don Julio":mailto:no-reply@barberpro.ar');
    expect(lines).toContain('ATTENDEE;CN="Lucía Gómez";ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:lucia@example.com');
    expect(lines.slice(lines.indexOf('BEGIN:VALARM'), lines.indexOf('END:VALARM') + 1)).toEqual([
      'BEGIN:VALARM',
      'ACTION:DISPLAY',
      'DESCRIPTION:Corte clásico en Barbería Don Julio',
      'TRIGGER:-PT60M',
      'END:VALARM',
    ]);
    expect(lines.slice(-3)).toEqual(['END:VEVENT', 'END:VCALENDAR', '']);
  });

  it('uses CRLF line endings only', () => {
    const ics = buildIcs(event);
    expect(ics.endsWith('\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('a reschedule raises SEQUENCE under the same UID; a cancellation is METHOD:CANCEL with STATUS:CANCELLED and no alarm', () => {
    const moved = unfold(buildIcs({ ...event, sequence: 2, start: new Date('2026-12-04T18:00:00Z'), end: new Date('2026-12-04T18:30:00Z') }));
    expect(moved).toContain('SEQUENCE:2');
    expect(moved).toContain('DTSTART:20261204T180000Z');
    expect(moved).toContain(`UID:${event.uid}`);
    const cancelled = unfold(buildIcs({ ...event, method: 'CANCEL', sequence: 3 }));
    expect(cancelled).toContain('METHOD:CANCEL');
    expect(cancelled).toContain('STATUS:CANCELLED');
    expect(cancelled).toContain('SEQUENCE:3');
    expect(cancelled).toContain(`UID:${event.uid}`);
    expect(cancelled).not.toContain('BEGIN:VALARM');
  });

  it('escapes backslash, semicolon, comma and every kind of newline in TEXT; drops other control characters', () => {
    expect(escapeText('a\\b;c,d\ne\r\nf\rg')).toBe('a\\\\b\\;c\\,d\\ne\\nf\\ng');
    expect(escapeText('tab\tok\u0007bell')).toBe('tab\tokbell');
    const ics = unfold(buildIcs({ ...event, summary: 'Corte; barba, y "más"\\todo' }));
    expect(ics).toContain('SUMMARY:Corte\\; barba\\, y "más"\\\\todo');
  });

  it('parameter values are quoted and cannot break out of the property', () => {
    const ics = unfold(buildIcs({ ...event, organizer: { name: 'Tito "El Rey"\r\nX-EVIL:1', email: 'no-reply@barberpro.ar' } }));
    expect(ics).toContain('ORGANIZER;CN="Tito El ReyX-EVIL:1":mailto:no-reply@barberpro.ar');
    expect(ics.some((l) => l.startsWith('X-EVIL'))).toBe(false);
  });

  it('folds lines longer than 75 octets, counting UTF-8 bytes, and never splits a character', () => {
    const long = 'DESCRIPTION:' + 'ñ'.repeat(100); // 12 + 200 octets
    const folded = foldLine(long);
    const physical = folded.split('\r\n');
    expect(physical.length).toBeGreaterThan(2);
    for (const line of physical) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    for (const line of physical.slice(1)) expect(line.startsWith(' ')).toBe(true);
    // Decoding each physical line alone never produces a replacement character.
    for (const line of physical) expect(Buffer.from(line, 'utf8').toString('utf8')).not.toContain('\ufffd');
    expect(folded.replace(/\r\n /g, '')).toBe(long);
  });

  it('leaves lines of exactly 75 octets alone and folds the 76th', () => {
    const exact = 'X'.repeat(75);
    expect(foldLine(exact)).toBe(exact);
    expect(foldLine('X'.repeat(76))).toBe(`${'X'.repeat(75)}\r\n X`);
    // Continuation lines carry 74 octets after their leading space.
    expect(foldLine('X'.repeat(75 + 74 + 1)).split('\r\n').map((l) => l.length)).toEqual([75, 75, 2]);
    // Emoji (4 octets, a surrogate pair in JS) stay whole.
    const emoji = foldLine('S:' + '💈'.repeat(30));
    expect(emoji.replace(/\r\n /g, '')).toBe('S:' + '💈'.repeat(30));
    for (const line of emoji.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
  });

  it('every physical line of a real event is within 75 octets', () => {
    const ics = buildIcs({ ...event, summary: 'Corte y barba con toalla caliente, masaje capilar y perfilado de cejas en Barbería Don Julio de Palermo Soho' });
    for (const line of ics.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
  });

  it('formats UTC timestamps in basic form', () => {
    expect(formatUtc(new Date('2026-03-08T05:04:03.999Z'))).toBe('20260308T050403Z');
  });
});
