/**
 * Where pages go. One interface for every channel; the embedded default writes them to a
 * file so nothing needs an account to try it.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { IncidentSeverity } from './tables.js';

export interface Page {
  pageId: string;
  incidentId: string;
  title: string;
  severity: IncidentSeverity;
  level: number;
  target: string;
  openedAt: Date;
  /** Where to look at and acknowledge it. */
  link: string;
}

export interface IncidentChannel {
  readonly kind: string;
  /** Resolves when the channel took the page; rejects otherwise. */
  send(page: Page): Promise<void>;
}

const SEVERITY_ES: Record<IncidentSeverity, string> = { critical: 'CRÍTICO', high: 'ALTO', medium: 'MEDIO', low: 'BAJO' };

/** The page as people read it (operators in Argentina: Spanish). */
export function pageText(page: Page): string {
  return `[${SEVERITY_ES[page.severity]}] Incidente: ${page.title} — nivel ${page.level} (${page.target}), abierto ${page.openedAt.toISOString()}. Reconocer: ${page.link}`;
}

/** DATA_DIR/outbox/incidents.jsonl, one JSON line per page. */
export function fileChannel(dataDir: string): IncidentChannel {
  const dir = join(dataDir, 'outbox');
  return {
    kind: 'file',
    async send(page) {
      await mkdir(dir, { recursive: true });
      await appendFile(join(dir, 'incidents.jsonl'), `${JSON.stringify({ ...page, text: pageText(page) })}\n`);
    },
  };
}

/** A JSON webhook: Slack and Mattermost incoming webhooks show `text`; other sinks get the fields. */
export function webhookChannel(url: string, timeoutMs = 10_000): IncidentChannel {
  return {
    kind: 'webhook',
    async send(page) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: pageText(page), incident: { ...page, openedAt: page.openedAt.toISOString() } }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!res.ok) throw new Error(`webhook answered ${res.status}`);
    },
  };
}

export function emailChannel(smtpUrl: string, from: string, to: string): IncidentChannel {
  const transport = nodemailer.createTransport({ url: smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000, logger: false });
  return {
    kind: 'email',
    async send(page) {
      await transport.sendMail({ from, to, subject: `[${SEVERITY_ES[page.severity]}] ${page.title}`, text: pageText(page), headers: { 'Auto-Submitted': 'auto-generated' } });
    },
  };
}

export interface IncidentChannelConfig {
  dataDir: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  incidentWebhookUrl: string | undefined;
  incidentEmailTo: string | undefined;
}

/** The configured channels; the file sink when none is. */
export function channelsFromConfig(config: IncidentChannelConfig): IncidentChannel[] {
  const channels: IncidentChannel[] = [];
  if (config.incidentWebhookUrl) channels.push(webhookChannel(config.incidentWebhookUrl));
  if (config.smtpUrl && config.incidentEmailTo) channels.push(emailChannel(config.smtpUrl, config.mailFrom, config.incidentEmailTo));
  if (channels.length === 0) channels.push(fileChannel(config.dataDir));
  return channels;
}
