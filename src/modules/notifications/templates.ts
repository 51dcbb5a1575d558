import type { NotificationKind } from '../../platform/db/schema.js';

/**
 * What customers read, in Spanish (es-AR). Pure: plain data and "now" in, texts out.
 * Dates and times are the shop's wall clock (24-hour), money is ARS as Argentines write it.
 */

export interface MessageFacts {
  kind: NotificationKind;
  customerName: string;
  shopName: string;
  shopAddress: string;
  shopCity: string;
  timezone: string;
  serviceName: string;
  barberName: string;
  start: Date;
  end: Date;
  priceCents: number;
  depositCents: number;
  /** Free cancellation until this many minutes before the start (the shop's cut-off). */
  cancellationCutoffMinutes: number;
  cancelledByCustomer?: boolean;
}

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

export interface WhatsAppTemplateContent {
  /** Template name as approved in WhatsApp Business Manager (language es_AR). */
  name: string;
  /** Body parameters {{1}}, {{2}}, … in order. */
  parameters: string[];
}

/**
 * WhatsApp templates must be approved by Meta before they can be sent; their names and the
 * order of their body parameters are this contract:
 *
 * - turno_confirmado, turno_reprogramado, recordatorio_turno_24h, recordatorio_turno_2h:
 *   {{1}} first name, {{2}} shop, {{3}} service, {{4}} barber, {{5}} day, {{6}} time, {{7}} address
 * - turno_cancelado: {{1}} first name, {{2}} shop, {{3}} service, {{4}} day, {{5}} time
 */
export const WHATSAPP_TEMPLATES: Record<NotificationKind, string> = {
  confirmation: 'turno_confirmado',
  rescheduled: 'turno_reprogramado',
  cancelled: 'turno_cancelado',
  reminder_24h: 'recordatorio_turno_24h',
  reminder_2h: 'recordatorio_turno_2h',
};

const moneyFormat = new Intl.NumberFormat('es-AR', { style: 'currency', currency: 'ARS' });

/** 1_500_050 centavos → "$ 15.000,50" (with the no-break space es-AR uses). */
export function formatMoney(cents: number): string {
  return moneyFormat.format(cents / 100);
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();
const timeFormats = new Map<string, Intl.DateTimeFormat>();
const ymdFormats = new Map<string, Intl.DateTimeFormat>();

function cached(map: Map<string, Intl.DateTimeFormat>, timezone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  let format = map.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('es-AR', { timeZone: timezone, ...options });
    map.set(timezone, format);
  }
  return format;
}

/** "jueves 3 de diciembre" in the shop's timezone. */
export function formatDay(instant: Date, timezone: string): string {
  const parts = cached(dayFormats, timezone, { weekday: 'long', day: 'numeric', month: 'long' }).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('weekday')} ${part('day')} de ${part('month')}`;
}

/** "09:30" (24-hour) in the shop's timezone. */
export function formatTime(instant: Date, timezone: string): string {
  return cached(timeFormats, timezone, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(instant);
}

function localYmd(instant: Date, timezone: string): string {
  const parts = cached(ymdFormats, timezone, { year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** "hoy", "mañana" or "el jueves 3 de diciembre", as seen from `now` in the shop's timezone. */
export function relativeDay(instant: Date, now: Date, timezone: string): string {
  const target = localYmd(instant, timezone);
  const today = localYmd(now, timezone);
  if (target === today) return 'hoy';
  // Calendar arithmetic on the local date, not now + 24 h, so DST days don't matter.
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  if (target === new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10)) return 'mañana';
  return `el ${formatDay(instant, timezone)}`;
}

export function firstName(fullName: string): string {
  return fullName.trim().split(/\s+/)[0] ?? '';
}

/** WhatsApp refuses parameters with newlines, tabs or runs of spaces. */
function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

interface Rendered {
  subject: string;
  intro: string;
  details: Array<[string, string]>;
  outro: string[];
}

function render(f: MessageFacts, now: Date): Rendered {
  const tz = f.timezone;
  const day = formatDay(f.start, tz);
  const time = formatTime(f.start, tz);
  const where = `${f.shopAddress}, ${f.shopCity}`;
  const details: Array<[string, string]> = [
    ['Barbería', f.shopName],
    ['Servicio', f.serviceName],
    ['Barbero', f.barberName],
    ['Día', day],
    ['Hora', `${time} a ${formatTime(f.end, tz)}`],
    ['Dirección', where],
    ['Precio', formatMoney(f.priceCents)],
  ];
  if (f.depositCents > 0) details.push(['Seña', formatMoney(f.depositCents)]);
  const cutoff = new Date(f.start.getTime() - f.cancellationCutoffMinutes * 60_000);
  const changes =
    f.cancellationCutoffMinutes > 0 && cutoff.getTime() > now.getTime()
      ? `Podés cancelarlo o cambiarlo sin cargo desde BarberPro hasta el ${formatDay(cutoff, tz)} a las ${formatTime(cutoff, tz)}.`
      : 'Si necesitás cancelarlo o cambiarlo, hacelo desde BarberPro.';
  const calendar = 'Te adjuntamos el turno para que lo agregues a tu calendario.';

  switch (f.kind) {
    case 'confirmation':
      return {
        subject: `Turno confirmado: ${f.serviceName} en ${f.shopName}, ${day} a las ${time}`,
        intro: `Tu turno en ${f.shopName} está confirmado.`,
        details,
        outro: [calendar, changes],
      };
    case 'rescheduled':
      return {
        subject: `Cambiamos tu turno en ${f.shopName}: ahora es el ${day} a las ${time}`,
        intro: `Tu turno en ${f.shopName} cambió de horario. Estos son los datos nuevos:`,
        details,
        outro: ['Te adjuntamos el turno actualizado para tu calendario.', changes],
      };
    case 'cancelled':
      return {
        subject: `Turno cancelado: ${f.serviceName} en ${f.shopName}, ${day} a las ${time}`,
        intro: f.cancelledByCustomer
          ? `Cancelaste tu turno en ${f.shopName}.`
          : `${f.shopName} canceló tu turno. Disculpá las molestias.`,
        details: details.filter(([label]) => ['Barbería', 'Servicio', 'Día', 'Hora'].includes(label)),
        outro: ['El adjunto quita el turno de tu calendario.', 'Cuando quieras, podés reservar otro turno en BarberPro.'],
      };
    case 'reminder_24h':
    case 'reminder_2h': {
      const when = relativeDay(f.start, now, tz);
      return {
        subject: `Recordatorio: tu turno en ${f.shopName} es ${when} a las ${time}`,
        intro: `Te recordamos tu turno de ${when} a las ${time} en ${f.shopName}.`,
        details,
        outro: [f.kind === 'reminder_24h' ? changes : 'Si no podés ir, avisá a la barbería desde BarberPro.'],
      };
    }
  }
}

export function emailContent(f: MessageFacts, now: Date): EmailContent {
  const r = render(f, now);
  const greeting = `Hola ${firstName(f.customerName)}:`;
  const text = [greeting, '', r.intro, '', ...r.details.map(([k, v]) => `${k}: ${v}`), '', ...r.outro, '', 'BarberPro'].join('\n');
  const html = [
    '<!doctype html><html lang="es-AR"><body>',
    `<p>${escapeHtml(greeting)}</p>`,
    `<p>${escapeHtml(r.intro)}</p>`,
    '<table>',
    ...r.details.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`),
    '</table>',
    ...r.outro.map((line) => `<p>${escapeHtml(line)}</p>`),
    '<p>BarberPro</p>',
    '</body></html>',
  ].join('\n');
  return { subject: r.subject, text, html };
}

export function whatsappContent(f: MessageFacts): WhatsAppTemplateContent {
  const tz = f.timezone;
  const common = [firstName(f.customerName), f.shopName, f.serviceName];
  const parameters =
    f.kind === 'cancelled'
      ? [...common, formatDay(f.start, tz), formatTime(f.start, tz)]
      : [...common, f.barberName, formatDay(f.start, tz), formatTime(f.start, tz), `${f.shopAddress}, ${f.shopCity}`];
  return { name: WHATSAPP_TEMPLATES[f.kind], parameters: parameters.map(oneLine) };
}
