import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createShopFixture, type ShopFixture } from '../../../test/fixtures.js';
import { createTestContext, expectProblem, json, TEST_ENV, type TestContext, type TestUser } from '../../../test/helpers.js';
import { loadConfig, type AppConfig } from '../../platform/config.js';
import { createEmailSender, type EmailSender } from './email.js';
import type { NotificationService, Senders } from './service.js';
import { createNotificationService } from './setup.js';
import { WhatsAppCloudClient, WhatsAppOutbox } from './whatsapp.js';

const ENGINE = process.env.DATABASE_URL ? 'real PostgreSQL' : 'PGlite';
// 2026-12-01 is a Tuesday; 12:00Z is 09:00 in Buenos Aires.
const NOW = '2026-12-01T12:00:00Z';

let ctx: TestContext;
let shop: ShopFixture;
let customer: TestUser;
let dataDir: string;
let config: AppConfig;
let notifier: NotificationService;
const logs: Array<{ msg: string; data?: Record<string, unknown> }> = [];
const log = (msg: string, data?: Record<string, unknown>) => logs.push({ msg, ...(data ? { data } : {}) });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'bp-notify-'));
  ctx = await createTestContext({ now: NOW, env: { DATA_DIR: dataDir } });
  config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, DATA_ENCRYPTION_KEYS: TEST_ENV.DATA_ENCRYPTION_KEYS, DATA_HASH_KEY: TEST_ENV.DATA_HASH_KEY });
  shop = await createShopFixture(ctx, {
    name: 'Barbería Don Julio',
    city: 'Buenos Aires',
    barbers: 2,
    services: [
      { key: 'cut', name: 'Corte clásico', durationMinutes: 30, priceCents: 1_500_050 },
      { key: 'deposit', name: 'Color', durationMinutes: 60, priceCents: 2_000_000, deposit: { kind: 'percent', value: 25 } },
    ],
  });
  customer = await ctx.createUser('customer', { fullName: 'Lucía Gómez' });
  notifier = createNotificationService({ db: ctx.database.db, config, clock: ctx.clock, log });
});
afterAll(async () => {
  await ctx.close();
  await rm(dataDir, { recursive: true, force: true });
});
beforeEach(() => ctx.clock.set(NOW));

async function book(user: TestUser, start: string, options: { service?: 'cut' | 'deposit'; barber?: number } = {}) {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/bookings',
    headers: user.auth,
    payload: { shopId: shop.shopId, serviceId: shop.services[options.service ?? 'cut']!.id, barberId: shop.barberIds[options.barber ?? 0], start },
  });
  expect(res.statusCode, res.body).toBe(201);
  return json(res);
}

function post(user: TestUser, url: string, payload: unknown = {}) {
  return ctx.app.inject({ method: 'POST', url, headers: user.auth, payload: payload as Record<string, unknown> });
}

async function rowsOf(bookingId: string) {
  const rows = await ctx.database.db
    .selectFrom('notifications')
    .select(['id', 'kind', 'channel', 'sequence', 'status', 'due_at', 'attempts', 'last_error', 'sent_at', 'provider_message_id'])
    .where('booking_id', '=', bookingId)
    .orderBy('created_at')
    .orderBy('kind')
    .orderBy('sequence')
    .execute();
  return rows;
}

function row(rows: Awaited<ReturnType<typeof rowsOf>>, kind: string, channel = 'email', sequence?: number) {
  const found = rows.filter((r) => r.kind === kind && r.channel === channel && (sequence === undefined || r.sequence === sequence));
  expect(found, `${kind}/${channel}`).toHaveLength(1);
  return found[0]!;
}

const dispatch = () => notifier.dispatchDue(ctx.clock.now(), 200);

async function eml(notificationId: string): Promise<string> {
  return readFile(join(dataDir, 'outbox', `${notificationId}.eml`), 'utf8');
}

async function emlExists(notificationId: string): Promise<boolean> {
  return eml(notificationId).then(
    () => true,
    () => false,
  );
}

function decodeSubject(raw: string): string {
  const header = /^Subject: (.*(?:\r\n .*)*)/m.exec(raw)![1]!.replace(/\r\n /g, ' ');
  return header.replace(/=\?UTF-8\?Q\?([^?]*)\?=\s*/gi, (_, q: string) =>
    Buffer.from(q.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
  );
}

function calendarOf(raw: string): { contentType: string; lines: string[] } {
  const match = /Content-Type: (text\/calendar[^\r\n]*)\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=turno\.ics\r\n\r\n([A-Za-z0-9+/=\r\n]+)/.exec(raw);
  if (!match) throw new Error('no .ics attachment');
  const ics = Buffer.from(match[2]!.replace(/\r\n/g, ''), 'base64').toString('utf8');
  return { contentType: match[1]!, lines: ics.replace(/\r\n /g, '').split('\r\n') };
}

describe(`booking notifications through the API (${ENGINE})`, () => {
  it('a confirmed booking writes a confirmation (due now) and reminders 24 h and 2 h before, by email by default', async () => {
    const b = await book(customer, '2026-12-03T10:00:00-03:00');
    const rows = await rowsOf(b.id);
    expect(rows.map((r) => [r.kind, r.channel, r.status, r.due_at.toISOString(), r.sequence])).toEqual([
      ['confirmation', 'email', 'pending', '2026-12-01T12:00:00.000Z', 0],
      ['reminder_24h', 'email', 'pending', '2026-12-02T13:00:00.000Z', 0],
      ['reminder_2h', 'email', 'pending', '2026-12-03T11:00:00.000Z', 0],
    ]);
  });

  it('dispatch sends the confirmation now and each reminder only when due, as .eml files with the .ics attached', async () => {
    const b = await book(customer, '2026-12-04T10:00:00-03:00');
    await dispatch();
    let rows = await rowsOf(b.id);
    const confirmation = row(rows, 'confirmation');
    expect(confirmation).toMatchObject({ status: 'sent', attempts: 1, last_error: null });
    expect(confirmation.sent_at!.toISOString()).toBe('2026-12-01T12:00:00.000Z');
    expect(confirmation.provider_message_id).toMatch(/@barberpro\.ar>$/);
    expect(row(rows, 'reminder_24h').status).toBe('pending');
    expect(row(rows, 'reminder_2h').status).toBe('pending');

    const raw = await eml(confirmation.id);
    expect(raw).toMatch(new RegExp(`^To: ${customer.email.replace(/[.]/g, '\\.')}\\r$`, 'm'));
    expect(decodeSubject(raw)).toBe('Turno confirmado: Corte clásico en Barbería Don Julio, viernes 4 de diciembre a las 10:00');
    const calendar = calendarOf(raw);
    expect(calendar.contentType).toBe('text/calendar; charset=UTF-8; method=REQUEST; name=turno.ics');
    expect(calendar.lines).toEqual(
      expect.arrayContaining([
        'METHOD:REQUEST',
        `UID:booking-${b.id}@barberpro.ar`,
        'SEQUENCE:0',
        'DTSTART:20261204T130000Z',
        'DTEND:20261204T133000Z',
        'STATUS:CONFIRMED',
        'SUMMARY:Corte clásico en Barbería Don Julio',
      ]),
    );

    // Not yet: one minute before the 24 h reminder is due.
    ctx.clock.set('2026-12-03T12:59:00Z');
    await dispatch();
    expect(row(await rowsOf(b.id), 'reminder_24h').status).toBe('pending');

    ctx.clock.set('2026-12-03T13:00:00Z');
    await dispatch();
    rows = await rowsOf(b.id);
    expect(row(rows, 'reminder_24h').status).toBe('sent');
    expect(row(rows, 'reminder_2h').status).toBe('pending');
    expect(decodeSubject(await eml(row(rows, 'reminder_24h').id))).toBe('Recordatorio: tu turno en Barbería Don Julio es mañana a las 10:00');

    ctx.clock.set('2026-12-04T11:00:00Z');
    await dispatch();
    rows = await rowsOf(b.id);
    expect(row(rows, 'reminder_2h').status).toBe('sent');
    expect(decodeSubject(await eml(row(rows, 'reminder_2h').id))).toBe('Recordatorio: tu turno en Barbería Don Julio es hoy a las 10:00');

    // Nothing is ever sent twice.
    await dispatch();
    expect((await rowsOf(b.id)).map((r) => r.attempts)).toEqual([1, 1, 1]);
  });

  it('cancelling sends a cancellation (METHOD:CANCEL, higher SEQUENCE) and skips the reminders', async () => {
    const b = await book(customer, '2026-12-10T10:00:00-03:00');
    await dispatch();
    expect((await post(customer, `/api/v1/bookings/${b.id}/cancel`, { reason: 'Viajo' })).statusCode).toBe(200);
    let rows = await rowsOf(b.id);
    expect(row(rows, 'reminder_24h')).toMatchObject({ status: 'skipped', last_error: 'booking cancelled' });
    expect(row(rows, 'reminder_2h')).toMatchObject({ status: 'skipped', last_error: 'booking cancelled' });
    expect(row(rows, 'cancelled').status).toBe('pending');

    await dispatch();
    rows = await rowsOf(b.id);
    const cancellation = row(rows, 'cancelled');
    expect(cancellation.status).toBe('sent');
    const raw = await eml(cancellation.id);
    expect(decodeSubject(raw)).toBe('Turno cancelado: Corte clásico en Barbería Don Julio, jueves 10 de diciembre a las 10:00');
    const calendar = calendarOf(raw);
    expect(calendar.contentType).toBe('text/calendar; charset=UTF-8; method=CANCEL; name=turno.ics');
    expect(calendar.lines).toEqual(expect.arrayContaining(['METHOD:CANCEL', 'STATUS:CANCELLED', 'SEQUENCE:1', `UID:booking-${b.id}@barberpro.ar`]));

    // The reminders' times come and go: nothing more for this booking.
    ctx.clock.set('2026-12-10T11:30:00Z');
    await dispatch();
    expect((await rowsOf(b.id)).map((r) => [r.kind, r.status])).toEqual([
      ['confirmation', 'sent'],
      ['reminder_24h', 'skipped'],
      ['reminder_2h', 'skipped'],
      ['cancelled', 'sent'],
    ]);
  });

  it('rescheduling sends a change notice and moves the pending reminders to the new time', async () => {
    const b = await book(customer, '2026-12-15T10:00:00-03:00');
    await dispatch();
    const before = await rowsOf(b.id);
    const res = await post(customer, `/api/v1/bookings/${b.id}/reschedule`, { start: '2026-12-16T11:00:00-03:00' });
    expect(res.statusCode, res.body).toBe(200);
    const rows = await rowsOf(b.id);
    // The same reminder rows, moved (new time, new sequence), not new ones beside them.
    for (const kind of ['reminder_24h', 'reminder_2h']) expect(row(rows, kind).id).toBe(row(before, kind).id);
    expect(row(rows, 'reminder_24h')).toMatchObject({ status: 'pending', sequence: 1 });
    expect(row(rows, 'reminder_24h').due_at.toISOString()).toBe('2026-12-15T14:00:00.000Z');
    expect(row(rows, 'reminder_2h').due_at.toISOString()).toBe('2026-12-16T12:00:00.000Z');
    expect(row(rows, 'rescheduled')).toMatchObject({ status: 'pending', sequence: 1 });

    await dispatch();
    const notice = row(await rowsOf(b.id), 'rescheduled');
    expect(notice.status).toBe('sent');
    const raw = await eml(notice.id);
    expect(decodeSubject(raw)).toBe('Cambiamos tu turno en Barbería Don Julio: ahora es el miércoles 16 de diciembre a las 11:00');
    expect(calendarOf(raw).lines).toEqual(expect.arrayContaining(['METHOD:REQUEST', 'SEQUENCE:1', 'DTSTART:20261216T140000Z', `UID:booking-${b.id}@barberpro.ar`]));

    // The old 24 h mark passes quietly; the new one sends.
    ctx.clock.set('2026-12-14T13:00:00Z');
    await dispatch();
    expect(row(await rowsOf(b.id), 'reminder_24h').status).toBe('pending');
    ctx.clock.set('2026-12-15T14:00:00Z');
    await dispatch();
    expect(row(await rowsOf(b.id), 'reminder_24h').status).toBe('sent');
  });

  it('a reminder already sent for the old time gets a new one for the new time', async () => {
    const b = await book(customer, '2026-12-17T10:00:00-03:00');
    ctx.clock.set('2026-12-16T13:00:00Z');
    await dispatch();
    expect(row(await rowsOf(b.id), 'reminder_24h', 'email', 0).status).toBe('sent');
    // Inside the customer's cut-off; the shop may still move it.
    const res = await post(shop.owner, `/api/v1/bookings/${b.id}/reschedule`, { start: '2026-12-18T10:00:00-03:00' });
    expect(res.statusCode, res.body).toBe(200);
    const rows = await rowsOf(b.id);
    expect(row(rows, 'reminder_24h', 'email', 0).status).toBe('sent');
    const fresh = row(rows, 'reminder_24h', 'email', 1);
    expect(fresh.status).toBe('pending');
    expect(fresh.due_at.toISOString()).toBe('2026-12-17T13:00:00.000Z');
    expect(row(rows, 'reminder_2h', 'email', 1).due_at.toISOString()).toBe('2026-12-18T11:00:00.000Z');
  });

  it('a pending hold gets nothing until the shop confirms it; then the confirmation and reminders', async () => {
    const b = await book(customer, '2026-12-21T15:00:00-03:00', { service: 'deposit', barber: 1 });
    expect(b.status).toBe('pending');
    expect(await rowsOf(b.id)).toEqual([]);
    const res = await post(shop.owner, `/api/v1/bookings/${b.id}/confirm`);
    expect(res.statusCode, res.body).toBe(200);
    expect((await rowsOf(b.id)).map((r) => [r.kind, r.status])).toEqual([
      ['confirmation', 'pending'],
      ['reminder_24h', 'pending'],
      ['reminder_2h', 'pending'],
    ]);
    await dispatch();
    const raw = await eml(row(await rowsOf(b.id), 'confirmation').id);
    expect(raw).toContain('Se=C3=B1a: $=C2=A05.000,00'); // "Seña: $ 5.000,00", quoted-printable
  });

  it('reminders already in the past are not created', async () => {
    ctx.clock.set('2026-12-22T12:00:00Z'); // 09:00; the booking is at 12:00, 3 hours away
    const b = await book(customer, '2026-12-22T12:00:00-03:00');
    expect((await rowsOf(b.id)).map((r) => r.kind)).toEqual(['confirmation', 'reminder_2h']);
  });

  it('at send time the booking is read again: a reminder for a booking cancelled behind our back is skipped', async () => {
    const b = await book(customer, '2026-12-23T10:00:00-03:00');
    await dispatch();
    await ctx.database.db.updateTable('bookings').set({ status: 'cancelled', cancelled_at: new Date(NOW) }).where('id', '=', b.id).execute();
    ctx.clock.set('2026-12-22T13:00:00Z');
    await dispatch();
    const reminder = row(await rowsOf(b.id), 'reminder_24h');
    expect(reminder).toMatchObject({ status: 'skipped', last_error: 'booking cancelled', attempts: 1 });
    expect(await emlExists(reminder.id)).toBe(false);
  });
});

describe(`GET /api/v1/bookings/{id}/calendar.ics (${ENGINE})`, () => {
  const download = (user: TestUser | null, bookingId: string) =>
    ctx.app.inject({ url: `/api/v1/bookings/${bookingId}/calendar.ics`, headers: user ? user.auth : {} });
  const unfold = (body: string) => body.replace(/\r\n /g, '').split('\r\n');

  it("gives the customer their booking as the same event the emails carry, with the shop's address and the time in UTC", async () => {
    const b = await book(customer, '2026-12-22T10:00:00-03:00');
    const res = await download(customer, b.id);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="turno-${b.id.slice(0, 8)}.ics"`);
    expect(res.headers['cache-control']).toBe('private, no-store');
    const lines = unfold(res.body);
    expect(lines).toEqual(
      expect.arrayContaining([
        'BEGIN:VCALENDAR',
        'METHOD:REQUEST',
        `UID:booking-${b.id}@barberpro.ar`,
        'SEQUENCE:0',
        'DTSTART:20261222T130000Z',
        'DTEND:20261222T133000Z',
        'SUMMARY:Corte clásico en Barbería Don Julio',
        'STATUS:CONFIRMED',
      ]),
    );
    expect(lines.find((l) => l.startsWith('LOCATION:'))).toMatch(/Buenos Aires$/);

    // Rescheduled: the same event, one version later, at the new time.
    expect((await post(customer, `/api/v1/bookings/${b.id}/reschedule`, { start: '2026-12-22T11:00:00-03:00' })).statusCode).toBe(200);
    const moved = unfold((await download(customer, b.id)).body);
    expect(moved).toEqual(expect.arrayContaining(['SEQUENCE:1', 'DTSTART:20261222T140000Z', `UID:booking-${b.id}@barberpro.ar`]));

    // Cancelled: the download removes it from a calendar that has it.
    expect((await post(customer, `/api/v1/bookings/${b.id}/cancel`)).statusCode).toBe(200);
    expect(unfold((await download(customer, b.id)).body)).toEqual(expect.arrayContaining(['METHOD:CANCEL', 'STATUS:CANCELLED', 'SEQUENCE:2']));
  });

  it('refuses an unpaid hold (409), another customer\'s booking and unknown ids (404), and callers without a customer session', async () => {
    const hold = await book(customer, '2026-12-23T15:00:00-03:00', { service: 'deposit' });
    expect(hold.status).toBe('pending');
    expectProblem(await download(customer, hold.id), 409, 'booking_not_confirmed');

    const b = await book(customer, '2026-12-23T10:00:00-03:00');
    const stranger = await ctx.createUser('customer');
    expectProblem(await download(stranger, b.id), 404, 'not_found');
    expectProblem(await download(customer, randomUUID()), 404, 'not_found');
    expectProblem(await download(customer, 'not-a-uuid'), 400, 'validation_failed');
    expectProblem(await download(null, b.id), 401, 'unauthorized');
    expectProblem(await download(shop.owner, b.id), 403, 'forbidden');
  });
});

describe(`notification preferences (${ENGINE})`, () => {
  let user: TestUser;
  beforeAll(async () => {
    user = await ctx.createUser('customer', { fullName: 'Martín Pérez' });
  });

  const get = (u: TestUser) => ctx.app.inject({ url: '/api/v1/me/notification-preferences', headers: u.auth });
  const put = (u: TestUser, payload: Record<string, unknown>) => ctx.app.inject({ method: 'PUT', url: '/api/v1/me/notification-preferences', headers: u.auth, payload });

  it('defaults to email only', async () => {
    const res = await get(user);
    expect(res.statusCode).toBe(200);
    expect(json(res)).toEqual({ email: true, whatsapp: false, whatsappPhone: null });
  });

  it('refuses WhatsApp without an international number, bad numbers and unknown fields', async () => {
    expectProblem(await put(user, { email: true, whatsapp: true }), 422, 'whatsapp_phone_required');
    expectProblem(await put(user, { email: true, whatsapp: true, whatsappPhone: '11 4000-0000' }), 422, 'invalid_whatsapp_phone');
    expectProblem(await put(user, { email: true, whatsapp: true, whatsappPhone: '+54' }), 422, 'invalid_whatsapp_phone');
    expectProblem(await put(user, { email: true, whatsapp: false, sms: true }), 400, 'validation_failed');
    expectProblem(await put(user, { email: 'yes', whatsapp: false }), 400, 'validation_failed');
    expect(json(await get(user))).toEqual({ email: true, whatsapp: false, whatsappPhone: null });
  });

  it('WhatsApp only: rows for WhatsApp alone, sent as template messages (local sink)', async () => {
    const res = await put(user, { email: false, whatsapp: true, whatsappPhone: '+54 9 11 4000-0000' });
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res)).toEqual({ email: false, whatsapp: true, whatsappPhone: '+5491140000000' });
    expect(json(await get(user))).toEqual({ email: false, whatsapp: true, whatsappPhone: '+5491140000000' });

    const b = await book(user, '2026-12-28T10:00:00-03:00');
    const rows = await rowsOf(b.id);
    expect(rows.map((r) => [r.kind, r.channel])).toEqual([
      ['confirmation', 'whatsapp'],
      ['reminder_24h', 'whatsapp'],
      ['reminder_2h', 'whatsapp'],
    ]);
    await dispatch();
    const confirmation = row(await rowsOf(b.id), 'confirmation', 'whatsapp');
    expect(confirmation).toMatchObject({ status: 'sent', provider_message_id: `local-${confirmation.id}` });
    expect(await emlExists(confirmation.id)).toBe(false);
    const lines = (await readFile(join(dataDir, 'outbox', 'whatsapp.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const sent = lines.find((l) => l.notificationId === confirmation.id);
    expect(sent.request).toEqual({
      messaging_product: 'whatsapp',
      to: '5491140000000',
      type: 'template',
      template: {
        name: 'turno_confirmado',
        language: { code: 'es_AR' },
        components: [
          {
            type: 'body',
            parameters: ['Martín', 'Barbería Don Julio', 'Corte clásico', 'Barbero 1', 'lunes 28 de diciembre', '10:00', 'Córdoba 1234, Buenos Aires'].map((text) => ({ type: 'text', text })),
          },
        ],
      },
    });
  });

  it('both channels; and a channel turned off later is skipped at send time', async () => {
    expect((await put(user, { email: true, whatsapp: true })).statusCode).toBe(200); // keeps the saved number
    const b = await book(user, '2026-12-29T10:00:00-03:00');
    expect((await rowsOf(b.id)).map((r) => `${r.kind}/${r.channel}`).sort()).toEqual([
      'confirmation/email',
      'confirmation/whatsapp',
      'reminder_24h/email',
      'reminder_24h/whatsapp',
      'reminder_2h/email',
      'reminder_2h/whatsapp',
    ]);
    expect(json(await put(user, { email: true, whatsapp: false }))).toEqual({ email: true, whatsapp: false, whatsappPhone: '+5491140000000' });
    await dispatch();
    const rows = await rowsOf(b.id);
    expect(row(rows, 'confirmation', 'email').status).toBe('sent');
    expect(row(rows, 'confirmation', 'whatsapp')).toMatchObject({ status: 'skipped', last_error: 'channel turned off by the customer' });
  });

  it('turning WhatsApp on without a number uses the account phone when it is international', async () => {
    const other = await ctx.createUser('customer');
    await ctx.database.db.updateTable('users').set({ phone: '+54 9 351 555-1234' }).where('id', '=', other.id).execute();
    const res = await put(other, { email: true, whatsapp: true });
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res).whatsappPhone).toBe('+5493515551234');
    expect(json(await put(other, { email: true, whatsapp: false, whatsappPhone: null }))).toEqual({ email: true, whatsapp: false, whatsappPhone: null });
  });

  it('requires a session', async () => {
    expectProblem(await ctx.app.inject({ url: '/api/v1/me/notification-preferences' }), 401, 'unauthorized');
  });
});

describe(`delivery guarantees (${ENGINE})`, () => {
  it('a row stuck in "sending" after its provider call began is failed as unknown outcome, never resent; one that never reached a provider is requeued and sent', async () => {
    const a = await book(customer, '2026-12-30T10:00:00-03:00');
    const b = await book(customer, '2026-12-30T11:00:00-03:00');
    const c = await book(customer, '2026-12-30T12:00:00-03:00');
    const confirmationOf = async (id: string) => row(await rowsOf(id), 'confirmation');
    const [ra, rb, rc] = [await confirmationOf(a.id), await confirmationOf(b.id), await confirmationOf(c.id)];
    const elevenMinutesAgo = new Date(Date.parse(NOW) - 11 * 60_000);
    const db = ctx.database.db;
    // A dispatcher died mid-send 11 minutes ago…
    await db.updateTable('notifications').set({ status: 'sending', claimed_by: randomUUID(), claimed_at: elevenMinutesAgo, send_started_at: elevenMinutesAgo, attempts: 1 }).where('id', '=', ra.id).execute();
    // …another died after claiming, before calling any provider…
    await db.updateTable('notifications').set({ status: 'sending', claimed_by: randomUUID(), claimed_at: elevenMinutesAgo, attempts: 1 }).where('id', '=', rb.id).execute();
    // …and a third is sending right now (a minute ago): none of our business.
    await db.updateTable('notifications').set({ status: 'sending', claimed_by: randomUUID(), claimed_at: new Date(Date.parse(NOW) - 60_000), send_started_at: new Date(Date.parse(NOW) - 60_000), attempts: 1 }).where('id', '=', rc.id).execute();

    const report = await dispatch();
    expect(report.unknownOutcome).toBeGreaterThanOrEqual(1);
    expect(report.requeued).toBeGreaterThanOrEqual(1);
    expect(await confirmationOf(a.id)).toMatchObject({ status: 'failed', attempts: 1 });
    expect((await confirmationOf(a.id)).last_error).toMatch(/^unknown outcome/);
    expect(await emlExists(ra.id)).toBe(false);
    expect(await confirmationOf(b.id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(await emlExists(rb.id)).toBe(true);
    expect(await confirmationOf(c.id)).toMatchObject({ status: 'sending' });
    expect(await emlExists(rc.id)).toBe(false);

    // Even much later, the unknown one stays failed.
    ctx.clock.set('2026-12-30T11:00:00Z');
    await dispatch();
    expect((await confirmationOf(a.id)).status).toBe('failed');
    expect(await emlExists(ra.id)).toBe(false);
  });

  describe('WhatsApp outages', () => {
    let server: Server;
    let script: number[] = [];
    const requests: Array<{ to: string; template: string }> = [];
    let whatsappNotifier: NotificationService;
    let user: TestUser;

    beforeAll(async () => {
      server = createServer((req, res) => {
        let raw = '';
        req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
        req.on('end', () => {
          const body = JSON.parse(raw);
          requests.push({ to: body.to, template: body.template.name });
          const status = script.shift() ?? 200;
          res
            .writeHead(status, { 'content-type': 'application/json' })
            .end(JSON.stringify(status === 200 ? { messages: [{ id: `wamid.${requests.length}` }] } : { error: { code: status === 400 ? 131026 : 131016 } }));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const cloud = new WhatsAppCloudClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: 'test-token', phoneNumberId: '42' });
      whatsappNotifier = createNotificationService({
        db: ctx.database.db,
        config,
        clock: ctx.clock,
        log,
        senders: { email: createEmailSender(config), whatsapp: cloud },
        options: { maxAttempts: 3 },
      });
      user = await ctx.createUser('customer', { fullName: 'Sofía Díaz' });
      const res = await ctx.app.inject({
        method: 'PUT',
        url: '/api/v1/me/notification-preferences',
        headers: user.auth,
        payload: { email: false, whatsapp: true, whatsappPhone: '+54 9 261 444-0000' },
      });
      expect(res.statusCode).toBe(200);
    });
    afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

    const mine = () => requests.filter((r) => r.to === '5492614440000');

    it('a 5xx is retried later with backoff, then sent', async () => {
      const b = await book(user, '2026-12-31T10:00:00-03:00', { barber: 1 });
      script = [503];
      await whatsappNotifier.dispatchDue(ctx.clock.now(), 200);
      let confirmation = row(await rowsOf(b.id), 'confirmation', 'whatsapp');
      expect(confirmation).toMatchObject({ status: 'pending', attempts: 1, last_error: 'http 503 (meta 131016)' });
      expect(confirmation.due_at.toISOString()).toBe('2026-12-01T12:01:00.000Z');

      // Not before its new due time.
      await whatsappNotifier.dispatchDue(ctx.clock.now(), 200);
      expect(mine()).toHaveLength(1);

      ctx.clock.advance(60_000);
      await whatsappNotifier.dispatchDue(ctx.clock.now(), 200);
      confirmation = row(await rowsOf(b.id), 'confirmation', 'whatsapp');
      expect(confirmation).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
      expect(confirmation.provider_message_id).toMatch(/^wamid\./);
      expect(mine().map((r) => r.template)).toEqual(['turno_confirmado', 'turno_confirmado']);
    });

    it('gives up after the last attempt, and a 4xx fails at once', async () => {
      requests.length = 0;
      const b = await book(user, '2027-01-04T10:00:00-03:00', { barber: 1 });
      script = [503, 503, 503];
      for (const wait of [0, 60_000, 120_000]) {
        ctx.clock.advance(wait);
        await whatsappNotifier.dispatchDue(ctx.clock.now(), 200);
      }
      expect(row(await rowsOf(b.id), 'confirmation', 'whatsapp')).toMatchObject({ status: 'failed', attempts: 3, last_error: 'gave up after 3 attempts: http 503 (meta 131016)' });
      expect(mine()).toHaveLength(3);

      const c = await book(user, '2027-01-05T10:00:00-03:00', { barber: 1 });
      script = [400];
      await whatsappNotifier.dispatchDue(ctx.clock.now(), 200);
      expect(row(await rowsOf(c.id), 'confirmation', 'whatsapp')).toMatchObject({ status: 'failed', attempts: 1, last_error: 'http 400 (meta 131026)' });
    });
  });

  it('two dispatchers racing send each reminder exactly once', async () => {
    const raceShop = await createShopFixture(ctx, { name: 'Barbería Carrera', barbers: 12, services: [{ key: 'cut', durationMinutes: 30, priceCents: 900_000 }] });
    const bookingIds: string[] = [];
    for (const barberId of raceShop.barberIds) {
      const who = await ctx.createUser('customer');
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/bookings',
        headers: who.auth,
        payload: { shopId: raceShop.shopId, serviceId: raceShop.services.cut!.id, barberId, start: '2027-01-06T10:00:00-03:00' },
      });
      expect(res.statusCode).toBe(201);
      bookingIds.push(json(res).id);
    }

    const calls = new Map<string, number>();
    const outbox = createEmailSender(config);
    const recording: EmailSender = {
      kind: 'outbox',
      async send(message) {
        calls.set(message.notificationId, (calls.get(message.notificationId) ?? 0) + 1);
        await new Promise((resolve) => setTimeout(resolve, 2)); // a slow provider widens the race window
        return outbox.send(message);
      },
      close: () => undefined,
    };
    const senders: Senders = { email: recording, whatsapp: new WhatsAppOutbox(dataDir) };
    const workers = [0, 1].map(() => createNotificationService({ db: ctx.database.db, config, clock: ctx.clock, log, senders }));
    const claimedBy = [0, 0];
    const race = () =>
      Promise.all(
        workers.map(async (worker, i) => {
          for (;;) {
            const report = await worker.dispatchDue(ctx.clock.now(), 3);
            expect(report.claimed).toBeLessThanOrEqual(3);
            claimedBy[i]! += report.claimed;
            if (report.claimed === 0) return;
          }
        }),
      );

    const ours = async () =>
      ctx.database.db.selectFrom('notifications').select(['id', 'kind', 'status']).where('booking_id', 'in', bookingIds).execute();

    // Confirmations now, then the 24 h reminders, then the 2 h reminders.
    for (const [at, kind] of [
      [NOW, 'confirmation'],
      ['2027-01-05T13:00:00Z', 'reminder_24h'],
      ['2027-01-06T11:00:00Z', 'reminder_2h'],
    ] as const) {
      ctx.clock.set(at);
      await race();
      const rows = (await ours()).filter((r) => r.kind === kind);
      expect(rows).toHaveLength(12);
      for (const r of rows) {
        expect(r.status).toBe('sent');
        expect(calls.get(r.id), `${kind} ${r.id}`).toBe(1);
      }
    }
    // Nothing anywhere was handed to the provider twice.
    expect([...calls.values()].every((n) => n === 1)).toBe(true);
    if (ENGINE === 'real PostgreSQL') expect(claimedBy.every((n) => n > 0)).toBe(true);
  });

  it('logs carry ids and kinds, never addresses, phone numbers or message texts', () => {
    expect(logs.length).toBeGreaterThan(10);
    const text = JSON.stringify(logs);
    expect(text).not.toMatch(/@example\.com|@barberpro\.ar/);
    expect(text).not.toMatch(/549\d{6,}|\+54/);
    expect(text).not.toMatch(/Hola|Turno confirmado|Barbería Don Julio|Lucía|Sofía/);
    expect(logs.some((l) => l.msg === 'notification sent' && typeof l.data?.notificationId === 'string' && l.data?.kind)).toBe(true);
  });
});
