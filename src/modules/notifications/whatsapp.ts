import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppConfig } from '../../platform/config.js';
import { SendError } from './send-error.js';
import type { WhatsAppTemplateContent } from './templates.js';

export interface OutgoingWhatsApp {
  notificationId: string;
  /** E.164 with the leading "+", e.g. +5491140000000. */
  to: string;
  template: WhatsAppTemplateContent;
}

export interface WhatsAppSender {
  readonly kind: 'cloud-api' | 'outbox';
  /** Resolves with the provider's message id; rejects with a SendError. */
  send(message: OutgoingWhatsApp): Promise<{ messageId: string }>;
}

export const WHATSAPP_API_VERSION = 'v23.0';
export const WHATSAPP_LANGUAGE = 'es_AR';

/** The Cloud API's template message body. */
export function templateMessage(to: string, template: WhatsAppTemplateContent) {
  return {
    messaging_product: 'whatsapp',
    to: to.replace(/\D/g, ''),
    type: 'template',
    template: {
      name: template.name,
      language: { code: WHATSAPP_LANGUAGE },
      components: [{ type: 'body', parameters: template.parameters.map((text) => ({ type: 'text', text })) }],
    },
  };
}

export interface CloudApiOptions {
  baseUrl: string;
  token: string;
  phoneNumberId: string;
  version?: string;
  timeoutMs?: number;
}

/**
 * Meta error codes that mean "not now" even when they come with an HTTP 400:
 * throttling (4, 80007, 130429, 131048, 131056) and temporary service problems
 * (131000, 131016, 133004).
 */
const RETRYABLE_META_CODES = new Set([4, 80007, 130429, 131000, 131016, 131048, 131056, 133004]);
/** Failures on the way to the server: the request was certainly not delivered. */
const NOT_DELIVERED_NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** Meta WhatsApp Cloud API: POST {base}/{version}/{phoneNumberId}/messages with a template. */
export class WhatsAppCloudClient implements WhatsAppSender {
  readonly kind = 'cloud-api' as const;
  private readonly url: string;

  constructor(private readonly options: CloudApiOptions) {
    const base = options.baseUrl.replace(/\/+$/, '');
    this.url = `${base}/${options.version ?? WHATSAPP_API_VERSION}/${encodeURIComponent(options.phoneNumberId)}/messages`;
  }

  async send(message: OutgoingWhatsApp): Promise<{ messageId: string }> {
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.options.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(templateMessage(message.to, message.template)),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
      });
    } catch (error) {
      throw classifyFetchError(error);
    }
    const body = (await response.json().catch(() => null)) as {
      messages?: Array<{ id?: string }>;
      error?: { code?: number };
    } | null;
    if (response.ok) return { messageId: body?.messages?.[0]?.id ?? 'unknown' };

    const metaCode = body?.error?.code;
    const reason = `http ${response.status}${metaCode !== undefined ? ` (meta ${metaCode})` : ''}`;
    // 429 and 5xx: try again later. 401: our token (expired or revoked), not the message;
    // it waits for operators to fix the configuration. Any other 4xx: this message is refused.
    const retryable =
      response.status === 429 || response.status >= 500 || response.status === 401 || (metaCode !== undefined && RETRYABLE_META_CODES.has(metaCode));
    throw new SendError(retryable ? 'retryable' : 'permanent', reason);
  }
}

export function classifyFetchError(error: unknown): SendError {
  const e = error as { name?: string; cause?: { code?: string } } | null;
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return new SendError('unknown', 'timeout waiting for the provider', { cause: error });
  const code = e?.cause?.code;
  if (code && (NOT_DELIVERED_NETWORK_CODES.has(code) || code.startsWith('ERR_TLS') || code.includes('CERT')))
    return new SendError('retryable', `network ${code}`, { cause: error });
  // The connection broke after the request may have reached the provider.
  return new SendError('unknown', `network ${code ?? e?.name ?? 'error'}`, { cause: error });
}

/**
 * The embedded default without WHATSAPP_TOKEN: each message is appended, as the exact request
 * the Cloud API would get, to DATA_DIR/outbox/whatsapp.jsonl.
 */
export class WhatsAppOutbox implements WhatsAppSender {
  readonly kind = 'outbox' as const;
  constructor(private readonly dataDir: string) {}

  async send(message: OutgoingWhatsApp): Promise<{ messageId: string }> {
    const dir = join(this.dataDir, 'outbox');
    const messageId = `local-${message.notificationId}`;
    try {
      await mkdir(dir, { recursive: true });
      const line = JSON.stringify({ messageId, notificationId: message.notificationId, request: templateMessage(message.to, message.template) });
      await appendFile(join(dir, 'whatsapp.jsonl'), `${line}\n`);
    } catch (error) {
      throw new SendError('retryable', `outbox ${(error as NodeJS.ErrnoException).code ?? 'EIO'}`, { cause: error });
    }
    return { messageId };
  }
}

export function createWhatsAppSender(config: Pick<AppConfig, 'whatsappApiUrl' | 'whatsappToken' | 'whatsappPhoneNumberId' | 'dataDir'>): WhatsAppSender {
  if (config.whatsappToken && config.whatsappPhoneNumberId)
    return new WhatsAppCloudClient({ baseUrl: config.whatsappApiUrl, token: config.whatsappToken, phoneNumberId: config.whatsappPhoneNumberId });
  return new WhatsAppOutbox(config.dataDir);
}
