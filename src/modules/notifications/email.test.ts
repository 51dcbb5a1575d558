import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { classifySmtpError, createEmailSender, mailbox, type OutgoingEmail } from './email.js';
import { buildIcs } from './ics.js';
import { SendError } from './send-error.js';

const ics = buildIcs({
  uid: 'booking-x@barberpro.ar',
  sequence: 0,
  method: 'REQUEST',
  start: new Date('2026-12-03T13:00:00Z'),
  end: new Date('2026-12-03T13:30:00Z'),
  stamp: new Date('2026-12-01T12:00:00Z'),
  summary: 'Corte en Barbería Ñandú',
  location: 'Av. Corrientes 1234, Buenos Aires',
  description: 'Barbero: Julio',
  organizer: { name: 'Barbería Ñandú', email: 'no-reply@barberpro.ar' },
});

const email = (id: string): OutgoingEmail => ({
  notificationId: id,
  to: 'lucia@example.com',
  subject: 'Turno confirmado: Corte en Barbería Ñandú',
  text: 'Hola Lucía:\nTu turno está confirmado.',
  html: '<p>Hola Lucía:</p>',
  calendar: { content: ics, method: 'REQUEST', filename: 'turno.ics' },
});

/** Q-encoded words and base64 attachments, enough to read what nodemailer writes. */
function decodeWords(value: string): string {
  return value.replace(/=\?UTF-8\?Q\?([^?]*)\?=\s*/gi, (_, q: string) =>
    Buffer.from(q.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
  );
}

function calendarPart(eml: string): { contentType: string; body: string } {
  const match = /Content-Type: (text\/calendar[^\r\n]*)\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=turno\.ics\r\n\r\n([A-Za-z0-9+/=\r\n]+)/.exec(eml);
  if (!match) throw new Error('no calendar attachment');
  return { contentType: match[1]!, body: Buffer.from(match[2]!.replace(/\r\n/g, ''), 'base64').toString('utf8') };
}

describe('email outbox (no SMTP_URL)', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'bp-mail-'));
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  it('writes an RFC 822 .eml per notification with the .ics attached as text/calendar; method=REQUEST', async () => {
    const sender = createEmailSender({ smtpUrl: undefined, mailFrom: 'BarberPro <no-reply@barberpro.ar>', dataDir });
    expect(sender.kind).toBe('outbox');
    const { messageId } = await sender.send(email('n-1'));
    expect(messageId).toMatch(/^<.+@barberpro\.ar>$/);
    const eml = await readFile(join(dataDir, 'outbox', 'n-1.eml'), 'utf8');
    expect(eml).toMatch(/^To: lucia@example\.com\r$/m);
    expect(eml).toMatch(/^From: BarberPro <no-reply@barberpro\.ar>\r$/m);
    expect(eml).toMatch(/^X-Barberpro-Notification: n-1\r$/m);
    const subject = /^Subject: (.*(?:\r\n .*)*)/m.exec(eml)![1]!.replace(/\r\n /g, ' ');
    expect(decodeWords(subject)).toBe('Turno confirmado: Corte en Barbería Ñandú');
    const part = calendarPart(eml);
    expect(part.contentType).toBe('text/calendar; charset=UTF-8; method=REQUEST; name=turno.ics');
    expect(part.body).toBe(ics);
    // Every line of the message ends in CRLF.
    expect(eml.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('never overwrites a notification already in the outbox', async () => {
    const sender = createEmailSender({ smtpUrl: undefined, mailFrom: 'BarberPro <no-reply@barberpro.ar>', dataDir });
    await sender.send(email('n-2'));
    const error = await sender.send(email('n-2')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SendError);
    expect((error as SendError).kind).toBe('permanent');
  });
});

/** A minimal SMTP server: enough of RFC 5321 for nodemailer, with a scripted RCPT reply. */
describe('SMTP (SMTP_URL set)', () => {
  let server: Server;
  let port: number;
  let rcptReply = '250 2.1.5 OK';
  const messages: Array<{ from: string; to: string; data: string }> = [];

  beforeAll(async () => {
    server = createServer((socket) => {
      let buffer = '';
      let inData = false;
      let data = '';
      let from = '';
      let to = '';
      socket.write('220 localhost ESMTP test\r\n');
      socket.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        let end: number;
        while ((end = buffer.indexOf('\r\n')) >= 0) {
          const line = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (inData) {
            if (line === '.') {
              inData = false;
              messages.push({ from, to, data });
              data = '';
              socket.write('250 2.0.0 OK queued as TEST1\r\n');
            } else data += `${line}\r\n`;
            continue;
          }
          const command = line.toUpperCase();
          if (command.startsWith('EHLO')) socket.write('250-localhost\r\n250 8BITMIME\r\n');
          else if (command.startsWith('HELO')) socket.write('250 localhost\r\n');
          else if (command.startsWith('MAIL FROM')) {
            from = line.slice(10);
            socket.write('250 2.1.0 OK\r\n');
          } else if (command.startsWith('RCPT TO')) {
            to = line.slice(8);
            socket.write(`${rcptReply}\r\n`);
          } else if (command === 'DATA') {
            inData = true;
            socket.write('354 go ahead\r\n');
          } else if (command === 'RSET') socket.write('250 OK\r\n');
          else if (command === 'QUIT') socket.end('221 bye\r\n');
          else socket.write('502 5.5.2 unknown command\r\n');
        }
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    rcptReply = '250 2.1.5 OK';
    messages.length = 0;
  });

  const sender = () => createEmailSender({ smtpUrl: `smtp://127.0.0.1:${port}`, mailFrom: 'BarberPro <no-reply@barberpro.ar>', dataDir: '/nonexistent' });

  it('delivers over SMTP with the calendar attached', async () => {
    const smtp = sender();
    expect(smtp.kind).toBe('smtp');
    const { messageId } = await smtp.send(email('n-3'));
    smtp.close();
    expect(messageId).toMatch(/@barberpro\.ar>$/);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.from).toBe('<no-reply@barberpro.ar>');
    expect(messages[0]!.to).toBe('<lucia@example.com>');
    expect(calendarPart(messages[0]!.data).body).toBe(ics);
  });

  it('a 5xx rejection of the recipient is permanent; a 4xx is retryable', async () => {
    rcptReply = '550 5.1.1 <lucia@example.com>: user unknown';
    const permanent = (await sender()
      .send(email('n-4'))
      .catch((e: unknown) => e)) as SendError;
    expect(permanent).toBeInstanceOf(SendError);
    expect(permanent.kind).toBe('permanent');
    expect(permanent.reason).toMatch(/^smtp 550 EENVELOPE/);
    expect(permanent.reason).not.toContain('lucia');

    rcptReply = '451 4.3.0 try again later';
    const transient = (await sender()
      .send(email('n-5'))
      .catch((e: unknown) => e)) as SendError;
    expect(transient.kind).toBe('retryable');
    expect(messages).toHaveLength(0);
  });

  it('a server that cannot be reached, or refuses our credentials, leaves the message waiting (retryable)', async () => {
    const down = createEmailSender({ smtpUrl: 'smtp://127.0.0.1:1', mailFrom: 'BarberPro <no-reply@barberpro.ar>', dataDir: '/nonexistent' });
    const error = (await down.send(email('n-6')).catch((e: unknown) => e)) as SendError;
    expect(error.kind).toBe('retryable');
    expect(classifySmtpError(Object.assign(new Error('Invalid login'), { code: 'EAUTH', responseCode: 535, permanent: true })).kind).toBe('retryable');
    expect(classifySmtpError(Object.assign(new Error('No recipients defined'), { code: 'EENVELOPE' })).kind).toBe('permanent');
  });

  it('parses the sender mailbox for the calendar organizer', () => {
    expect(mailbox('BarberPro <no-reply@barberpro.ar>')).toEqual({ name: 'BarberPro', email: 'no-reply@barberpro.ar' });
    expect(mailbox('"Barber Pro" <x@y.ar>')).toEqual({ name: 'Barber Pro', email: 'x@y.ar' });
    expect(mailbox('x@y.ar')).toEqual({ name: 'x@y.ar', email: 'x@y.ar' });
  });
});
