import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer, { type NodemailerError, type SendMailOptions } from 'nodemailer';
import type { AppConfig } from '../../platform/config.js';
import { SendError } from './send-error.js';

export interface OutgoingEmail {
  /** The outbox row; names the .eml file and goes in a header so bounces can be traced. */
  notificationId: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  calendar: { content: string; method: 'REQUEST' | 'CANCEL'; filename: string };
}

export interface EmailSender {
  readonly kind: 'smtp' | 'outbox';
  /** Resolves with the provider's message id; rejects with a SendError. */
  send(message: OutgoingEmail): Promise<{ messageId: string }>;
  close(): void;
}

export type EmailConfig = Pick<AppConfig, 'smtpUrl' | 'mailFrom' | 'dataDir'>;

/** "BarberPro <no-reply@barberpro.ar>" → its display name and address. */
export function mailbox(from: string): { name: string; email: string } {
  const match = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(from);
  if (match) return { name: match[1]!.trim() || match[2]!, email: match[2]!.trim() };
  return { name: from.trim(), email: from.trim() };
}

function mailOptions(config: EmailConfig, message: OutgoingEmail): SendMailOptions {
  return {
    from: config.mailFrom,
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    headers: { 'Auto-Submitted': 'auto-generated', 'X-BarberPro-Notification': message.notificationId },
    attachments: [
      {
        filename: message.calendar.filename,
        content: message.calendar.content,
        contentType: `text/calendar; charset=UTF-8; method=${message.calendar.method}`,
      },
    ],
  };
}

/**
 * SMTP when SMTP_URL is set; otherwise (the embedded default) each message is written as an
 * RFC 822 .eml file to DATA_DIR/outbox, readable by any mail client.
 */
export function createEmailSender(config: EmailConfig): EmailSender {
  return config.smtpUrl ? smtpSender(config, config.smtpUrl) : outboxSender(config);
}

function smtpSender(config: EmailConfig, url: string): EmailSender {
  // No logger: nodemailer's would print addresses. Timeouts bound how long a row stays "sending".
  const transport = nodemailer.createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000, logger: false });
  return {
    kind: 'smtp',
    async send(message) {
      try {
        const info = await transport.sendMail(mailOptions(config, message));
        return { messageId: info.messageId };
      } catch (error) {
        throw classifySmtpError(error);
      }
    },
    close: () => transport.close(),
  };
}

/**
 * SMTP replies say it themselves (5xx permanent, 4xx transient, as nodemailer's `permanent`
 * flag reports). Authentication and connection problems are the server's or our
 * configuration's, not the message's: the message waits and is retried.
 */
export function classifySmtpError(error: unknown): SendError {
  const e = (error ?? {}) as NodemailerError;
  const code = e.code ?? 'EUNKNOWN';
  if (typeof e.responseCode === 'number') {
    const reason = `smtp ${e.responseCode} ${code}${e.command ? ` (${e.command})` : ''}`;
    if (code === 'EAUTH') return new SendError('retryable', reason, { cause: error });
    return new SendError(e.permanent ? 'permanent' : 'retryable', reason, { cause: error });
  }
  // Refused before talking to any server: no recipient, or an address it cannot use.
  if (code === 'EENVELOPE' || code === 'EMESSAGE') return new SendError('permanent', `smtp ${code}`, { cause: error });
  return new SendError('retryable', `smtp ${code}${e.originalCode ? ` ${e.originalCode}` : ''}`, { cause: error });
}

function outboxSender(config: EmailConfig): EmailSender {
  const dir = join(config.dataDir, 'outbox');
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  return {
    kind: 'outbox',
    async send(message) {
      let info;
      try {
        info = await transport.sendMail(mailOptions(config, message));
      } catch (error) {
        throw new SendError('permanent', `compose ${(error as NodemailerError).code ?? 'error'}`, { cause: error });
      }
      try {
        await mkdir(dir, { recursive: true });
        // 'wx': a notification is written once; an existing file is never overwritten.
        await writeFile(join(dir, `${message.notificationId}.eml`), info.message as Buffer, { flag: 'wx' });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
        throw new SendError(code === 'EEXIST' ? 'permanent' : 'retryable', `outbox ${code}`, { cause: error });
      }
      return { messageId: info.messageId };
    },
    close: () => transport.close(),
  };
}
