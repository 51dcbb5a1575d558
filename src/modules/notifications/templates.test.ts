import { describe, expect, it } from 'vitest';
import { emailContent, firstName, formatDay, formatMoney, formatTime, relativeDay, whatsappContent, WHATSAPP_TEMPLATES, type MessageFacts } from './templates.js';

const NBSP = '\u00a0';
const BA = 'America/Argentina/Buenos_Aires';

// Thursday 2026-12-03, 10:00–10:30 in Buenos Aires (UTC−3).
const facts: MessageFacts = {
  kind: 'confirmation',
  customerName: 'Lucía Gómez',
  shopName: 'Barbería Don Julio',
  shopAddress: 'Av. Corrientes 1234',
  shopCity: 'Buenos Aires',
  timezone: BA,
  serviceName: 'Corte clásico',
  barberName: 'Julio',
  start: new Date('2026-12-03T13:00:00Z'),
  end: new Date('2026-12-03T13:30:00Z'),
  priceCents: 1_500_050,
  depositCents: 0,
  cancellationCutoffMinutes: 1440,
};
const NOW = new Date('2026-12-01T12:00:00Z');

describe('es-AR formatting', () => {
  it('money as Argentines write it: $ 15.000,50', () => {
    expect(formatMoney(1_500_050)).toBe(`$${NBSP}15.000,50`);
    expect(formatMoney(0)).toBe(`$${NBSP}0,00`);
    expect(formatMoney(123_456_789)).toBe(`$${NBSP}1.234.567,89`);
  });

  it('dates and 24-hour times in the shop’s timezone, not the server’s', () => {
    expect(formatDay(facts.start, BA)).toBe('jueves 3 de diciembre');
    expect(formatTime(new Date('2026-12-03T21:30:00Z'), BA)).toBe('18:30');
    // 02:30 UTC is still the previous evening in Argentina.
    expect(formatDay(new Date('2026-12-04T02:30:00Z'), BA)).toBe('jueves 3 de diciembre');
    expect(formatTime(new Date('2026-12-04T02:30:00Z'), BA)).toBe('23:30');
    // Shops abroad: Santiago in July (UTC−4) and Madrid (UTC+2).
    expect(formatTime(new Date('2026-07-01T14:00:00Z'), 'America/Santiago')).toBe('10:00');
    expect(formatTime(new Date('2026-07-01T14:00:00Z'), 'Europe/Madrid')).toBe('16:00');
    expect(formatTime(new Date('2026-12-03T00:05:00Z'), 'UTC')).toBe('00:05');
  });

  it('“hoy”, “mañana” or the date, by the shop’s calendar', () => {
    expect(relativeDay(new Date('2026-12-01T22:00:00Z'), NOW, BA)).toBe('hoy');
    expect(relativeDay(new Date('2026-12-02T13:00:00Z'), NOW, BA)).toBe('mañana');
    // 2026-12-02 01:00Z is still Dec 1 (22:00) in Buenos Aires.
    expect(relativeDay(new Date('2026-12-02T01:00:00Z'), NOW, BA)).toBe('hoy');
    expect(relativeDay(facts.start, NOW, BA)).toBe('el jueves 3 de diciembre');
    // Across a month end.
    expect(relativeDay(new Date('2027-01-01T13:00:00Z'), new Date('2026-12-31T13:00:00Z'), BA)).toBe('mañana');
  });

  it('first names', () => {
    expect(firstName('  Lucía   Gómez ')).toBe('Lucía');
    expect(firstName('Ana')).toBe('Ana');
  });
});

describe('email texts', () => {
  it('confirmation: subject and every detail, with the free-cancellation deadline', () => {
    const email = emailContent(facts, NOW);
    expect(email.subject).toBe('Turno confirmado: Corte clásico en Barbería Don Julio, jueves 3 de diciembre a las 10:00');
    expect(email.text).toContain('Hola Lucía:');
    expect(email.text).toContain('Servicio: Corte clásico');
    expect(email.text).toContain('Barbero: Julio');
    expect(email.text).toContain('Día: jueves 3 de diciembre');
    expect(email.text).toContain('Hora: 10:00 a 10:30');
    expect(email.text).toContain('Dirección: Av. Corrientes 1234, Buenos Aires');
    expect(email.text).toContain(`Precio: $${NBSP}15.000,50`);
    expect(email.text).not.toContain('Seña');
    expect(email.text).toContain('sin cargo desde BarberPro hasta el miércoles 2 de diciembre a las 10:00');
    expect(email.text).toContain('calendario');
  });

  it('shows the deposit when there is one', () => {
    expect(emailContent({ ...facts, depositCents: 375_000 }, NOW).text).toContain(`Seña: $${NBSP}3.750,00`);
  });

  it('change notice names the new time', () => {
    const email = emailContent({ ...facts, kind: 'rescheduled', start: new Date('2026-12-04T18:00:00Z'), end: new Date('2026-12-04T18:30:00Z') }, NOW);
    expect(email.subject).toBe('Cambiamos tu turno en Barbería Don Julio: ahora es el viernes 4 de diciembre a las 15:00');
    expect(email.text).toContain('Hora: 15:00 a 15:30');
  });

  it('cancellation says who cancelled', () => {
    const byCustomer = emailContent({ ...facts, kind: 'cancelled', cancelledByCustomer: true }, NOW);
    expect(byCustomer.subject).toBe('Turno cancelado: Corte clásico en Barbería Don Julio, jueves 3 de diciembre a las 10:00');
    expect(byCustomer.text).toContain('Cancelaste tu turno en Barbería Don Julio.');
    expect(byCustomer.text).not.toContain('Precio');
    const byShop = emailContent({ ...facts, kind: 'cancelled', cancelledByCustomer: false }, NOW);
    expect(byShop.text).toContain('Barbería Don Julio canceló tu turno.');
  });

  it('reminders speak relative to when they are sent', () => {
    const day = emailContent({ ...facts, kind: 'reminder_24h' }, new Date('2026-12-02T13:00:00Z'));
    expect(day.subject).toBe('Recordatorio: tu turno en Barbería Don Julio es mañana a las 10:00');
    const soon = emailContent({ ...facts, kind: 'reminder_2h' }, new Date('2026-12-03T11:00:00Z'));
    expect(soon.subject).toBe('Recordatorio: tu turno en Barbería Don Julio es hoy a las 10:00');
  });

  it('HTML escapes what people typed', () => {
    const email = emailContent({ ...facts, shopName: 'Barbería <b>"Tito" & Cía</b>' }, NOW);
    expect(email.html).toContain('Barbería &lt;b&gt;&quot;Tito&quot; &amp; Cía&lt;/b&gt;');
    expect(email.html).not.toContain('<b>"Tito"');
  });
});

describe('WhatsApp templates', () => {
  it('names and ordered parameters per kind, es_AR approved templates', () => {
    expect(whatsappContent(facts)).toEqual({
      name: 'turno_confirmado',
      parameters: ['Lucía', 'Barbería Don Julio', 'Corte clásico', 'Julio', 'jueves 3 de diciembre', '10:00', 'Av. Corrientes 1234, Buenos Aires'],
    });
    expect(whatsappContent({ ...facts, kind: 'cancelled' })).toEqual({
      name: 'turno_cancelado',
      parameters: ['Lucía', 'Barbería Don Julio', 'Corte clásico', 'jueves 3 de diciembre', '10:00'],
    });
    expect(Object.values(WHATSAPP_TEMPLATES)).toEqual(['turno_confirmado', 'turno_reprogramado', 'turno_cancelado', 'recordatorio_turno_24h', 'recordatorio_turno_2h']);
  });

  it('parameters carry no newlines, tabs or runs of spaces (Meta refuses them)', () => {
    const params = whatsappContent({ ...facts, kind: 'reminder_2h', shopName: 'Barbería\n\tDon    Julio' }).parameters;
    expect(params[1]).toBe('Barbería Don Julio');
    for (const p of params) expect(p).not.toMatch(/[\n\t]| {2,}/);
  });
});
