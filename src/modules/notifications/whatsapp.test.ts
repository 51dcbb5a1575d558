import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../platform/config.js';
import { SendError } from './send-error.js';
import { createWhatsAppSender, WhatsAppCloudClient, WhatsAppOutbox } from './whatsapp.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

let server: Server;
let baseUrl: string;
const received: Received[] = [];
let reply: { status: number; body: unknown; hang?: boolean } = { status: 200, body: {} };

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: JSON.parse(raw) });
      if (reply.hang) return; // never answers: the client's timeout decides
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  received.length = 0;
  reply = { status: 200, body: { messaging_product: 'whatsapp', contacts: [{ input: '5491140000000', wa_id: '5491140000000' }], messages: [{ id: 'wamid.HBgN' }] } };
});

const message = {
  notificationId: 'n-1',
  to: '+5491140000000',
  template: { name: 'turno_confirmado', parameters: ['Lucía', 'Barbería Don Julio', 'Corte', 'Julio', 'jueves 3 de diciembre', '10:00', 'Av. Corrientes 1234, Buenos Aires'] },
};

function client(options: { timeoutMs?: number; base?: string } = {}) {
  return new WhatsAppCloudClient({ baseUrl: `${options.base ?? baseUrl}/`, token: 'test-token-123', phoneNumberId: '1029384756', ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
}

async function failure(promise: Promise<unknown>): Promise<SendError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SendError);
  return error as SendError;
}

describe('WhatsApp Cloud API client', () => {
  it('POSTs the template message to {base}/{version}/{phoneNumberId}/messages with the bearer token', async () => {
    const result = await client().send(message);
    expect(result).toEqual({ messageId: 'wamid.HBgN' });
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request!.method).toBe('POST');
    expect(request!.url).toBe('/v23.0/1029384756/messages');
    expect(request!.headers.authorization).toBe('Bearer test-token-123');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.body).toEqual({
      messaging_product: 'whatsapp',
      to: '5491140000000',
      type: 'template',
      template: {
        name: 'turno_confirmado',
        language: { code: 'es_AR' },
        components: [
          {
            type: 'body',
            parameters: message.template.parameters.map((text) => ({ type: 'text', text })),
          },
        ],
      },
    });
  });

  it('a 4xx refusal is permanent', async () => {
    reply = { status: 400, body: { error: { message: '(#131026) Message undeliverable to +5491140000000', type: 'OAuthException', code: 131026 } } };
    const error = await failure(client().send(message));
    expect(error.kind).toBe('permanent');
    expect(error.reason).toBe('http 400 (meta 131026)');
    expect(error.reason).not.toContain('549'); // the provider's text (with the number) is not kept
  });

  it('429 and 5xx are retryable, as are Meta throttling codes sent with a 400, and an expired token (401)', async () => {
    for (const [status, body, reason] of [
      [503, { error: { code: 131016 } }, 'http 503 (meta 131016)'],
      [500, 'oops', 'http 500'],
      [429, { error: { code: 130429 } }, 'http 429 (meta 130429)'],
      [400, { error: { code: 130429 } }, 'http 400 (meta 130429)'],
      [401, { error: { code: 190 } }, 'http 401 (meta 190)'],
    ] as const) {
      reply = { status, body };
      const error = await failure(client().send(message));
      expect([error.kind, error.reason]).toEqual(['retryable', reason]);
    }
  });

  it('a refused connection is retryable (nothing was delivered)', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(client({ base: `http://127.0.0.1:${port}` }).send(message));
    expect(error.kind).toBe('retryable');
    expect(error.reason).toBe('network ECONNREFUSED');
  });

  it('no answer in time is an unknown outcome (the message may have gone out), never retried', async () => {
    reply = { status: 200, body: {}, hang: true };
    const error = await failure(client({ timeoutMs: 200 }).send(message));
    expect(error.kind).toBe('unknown');
    expect(received).toHaveLength(1);
  });
});

describe('without a token', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'bp-wa-'));
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  it('the configuration picks the local sink, which appends the exact request as JSON lines', async () => {
    const sender = createWhatsAppSender(loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir }));
    expect(sender).toBeInstanceOf(WhatsAppOutbox);
    expect(await sender.send(message)).toEqual({ messageId: 'local-n-1' });
    await sender.send({ ...message, notificationId: 'n-2' });
    const lines = (await readFile(join(dataDir, 'outbox', 'whatsapp.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.notificationId)).toEqual(['n-1', 'n-2']);
    expect(lines[0].request.template.name).toBe('turno_confirmado');
    expect(lines[0].request.to).toBe('5491140000000');
  });

  it('with a token and phone number id, the Cloud API client', () => {
    const config = loadConfig({ NODE_ENV: 'test', WHATSAPP_TOKEN: 'x', WHATSAPP_PHONE_NUMBER_ID: '123', WHATSAPP_API_URL: baseUrl });
    expect(createWhatsAppSender(config)).toBeInstanceOf(WhatsAppCloudClient);
    expect(() => loadConfig({ NODE_ENV: 'test', WHATSAPP_TOKEN: 'x' })).toThrow(/WHATSAPP_PHONE_NUMBER_ID/);
  });
});
