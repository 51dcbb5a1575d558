import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent, createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AfipAmbiguousError, AfipFaultError, AfipUnavailableError, parseSoapEnvelope, soapCall, soapEnvelope, soapFaultEnvelope, type SoapCall } from './soap.js';
import { escapeXml } from './xml.js';
import { createCertificateAuthority } from '../../../sandbox/afip/ca.js';

/** Transport behaviour against small hand-made servers, one failure mode each. */

const servers: Array<Server | TcpServer> = [];
const sockets = new Set<Socket>();

afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets.clear();
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

interface Seen {
  method: string;
  headers: IncomingMessage['headers'];
  body: string;
}

async function httpServer(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', headers: req.headers, body });
      handler(req, res, body);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/svc`, seen };
}

async function tcpServer(onSocket: (socket: Socket) => void): Promise<number> {
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    onSocket(socket);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function call(url: string, extra: Partial<SoapCall> = {}): SoapCall {
  return { url, soapAction: 'http://ar.gov.afip.dif.FEV1/FEDummy', operation: 'FEDummy', body: '<ar:FEDummy xmlns:ar="http://ar.gov.afip.dif.FEV1/"/>', ...extra };
}

const OK = soapEnvelope('<FEDummyResponse xmlns="http://ar.gov.afip.dif.FEV1/"><FEDummyResult><AppServer>OK</AppServer></FEDummyResult></FEDummyResponse>');

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );
}

describe('soapCall', () => {
  it('POSTs a SOAP 1.1 envelope with text/xml and the quoted SOAPAction, and returns the Body', async () => {
    const { url, seen } = await httpServer((_req, res) => res.writeHead(200, { 'content-type': 'text/xml' }).end(OK));
    const reply = await soapCall(call(url));
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ FEDummyResponse: { FEDummyResult: { AppServer: 'OK' } } });
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(seen[0]!.headers.soapaction).toBe('"http://ar.gov.afip.dif.FEV1/FEDummy"');
    expect(seen[0]!.body).toBe(
      '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><ar:FEDummy xmlns:ar="http://ar.gov.afip.dif.FEV1/"/></soap:Body></soap:Envelope>',
    );
    expect(Number(seen[0]!.headers['content-length'])).toBe(Buffer.byteLength(seen[0]!.body));
  });

  it('sends an empty SOAPAction as "" (WSAA)', async () => {
    const { url, seen } = await httpServer((_req, res) => res.writeHead(200).end(soapEnvelope('<x/>')));
    await soapCall(call(url, { soapAction: '' }));
    expect(seen[0]!.headers.soapaction).toBe('""');
  });

  it('turns a SOAP Fault into AfipFaultError, with and without a prefix and a detail', async () => {
    const fault = soapFaultEnvelope('ns1:coe.alreadyAuthenticated', 'El CEE ya posee un TA valido', '<ns2:exceptionName xmlns:ns2="x">gov.afip.Exc</ns2:exceptionName>');
    const { url } = await httpServer((_req, res) => res.writeHead(500, { 'content-type': 'text/xml' }).end(fault));
    const error = await failure(soapCall(call(url, { operation: 'loginCms' })));
    expect(error).toBeInstanceOf(AfipFaultError);
    expect(error).toMatchObject({
      faultCode: 'coe.alreadyAuthenticated',
      faultCodeQName: 'ns1:coe.alreadyAuthenticated',
      faultString: 'El CEE ya posee un TA valido',
      detail: 'exceptionName: gov.afip.Exc',
      status: 500,
      requestSent: true,
      operation: 'loginCms',
    });
    expect((error as Error).message).toBe('AFIP loginCms fault coe.alreadyAuthenticated: El CEE ya posee un TA valido');
    expect(parseSoapEnvelope(soapFaultEnvelope('Server', 'boom')).fault).toEqual({ code: 'Server', string: 'boom' });
  });

  it('connection refused is AfipUnavailableError (connect), nothing sent', async () => {
    const port = await tcpServer(() => undefined);
    const closing = servers.pop()!;
    await new Promise<void>((resolve) => closing.close(() => resolve()));
    const error = await failure(soapCall(call(`http://127.0.0.1:${port}/svc`)));
    expect(error).toBeInstanceOf(AfipUnavailableError);
    expect(error).toMatchObject({ reason: 'connect', requestSent: false, status: null, retryable: true });
  });

  it('HTTP 503 and other refusals are AfipUnavailableError; 4xx are not worth retrying', async () => {
    for (const [status, retryable] of [
      [503, true],
      [500, true],
      [429, true],
      [404, false],
      [301, false],
    ] as const) {
      const { url } = await httpServer((_req, res) => res.writeHead(status, { 'content-type': 'text/html' }).end('<html>no</html>'));
      const error = await failure(soapCall(call(url)));
      expect(error, String(status)).toBeInstanceOf(AfipUnavailableError);
      expect(error).toMatchObject({ reason: 'http_status', status, retryable });
    }
  });

  it('a gateway timeout or bad gateway (502, 504) is ambiguous: the request was forwarded', async () => {
    for (const status of [502, 504]) {
      const { url } = await httpServer((_req, res) => res.writeHead(status).end('gateway'));
      const error = await failure(soapCall(call(url)));
      expect(error).toBeInstanceOf(AfipAmbiguousError);
      expect(error).toMatchObject({ reason: 'http_status', status, requestSent: true });
    }
  });

  it('no answer after the request was sent is AfipAmbiguousError (timeout)', async () => {
    const { url, seen } = await httpServer(() => undefined);
    const started = performance.now();
    const error = await failure(soapCall(call(url), { timeoutMs: 200 }));
    expect(error).toBeInstanceOf(AfipAmbiguousError);
    expect(error).toMatchObject({ reason: 'timeout', requestSent: true, status: null });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(seen).toHaveLength(1);
  });

  it('a connection reset after the request was sent is AfipAmbiguousError (connection_lost)', async () => {
    const { url } = await httpServer((req) => req.socket.destroy());
    const error = await failure(soapCall(call(url)));
    expect(error).toBeInstanceOf(AfipAmbiguousError);
    expect(error).toMatchObject({ reason: 'connection_lost', requestSent: true });
  });

  it('a reply cut in the middle is AfipAmbiguousError (connection_lost)', async () => {
    const { url } = await httpServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml', 'content-length': String(OK.length) });
      res.write(OK.slice(0, 40));
      setTimeout(() => req.socket.destroy(), 20);
    });
    const error = await failure(soapCall(call(url)));
    expect(error).toBeInstanceOf(AfipAmbiguousError);
    expect(error).toMatchObject({ reason: 'connection_lost' });
  });

  it('an unreadable 200 is AfipAmbiguousError (invalid_response) and the reply is never quoted', async () => {
    for (const reply of ['<html>token=SECRET-TOKEN</html', 'SECRET-TOKEN', '<a>SECRET-TOKEN</a>', '<!DOCTYPE x [<!ENTITY e "SECRET-TOKEN">]><x>&e;</x>']) {
      const { url } = await httpServer((_req, res) => res.writeHead(200).end(reply));
      const error = await failure(soapCall(call(url)));
      expect(error, reply).toBeInstanceOf(AfipAmbiguousError);
      expect(error).toMatchObject({ reason: 'invalid_response', status: 200 });
      expect((error as Error).message).not.toContain('SECRET-TOKEN');
    }
  });

  it('a reply larger than the limit is dropped as ambiguous', async () => {
    const { url } = await httpServer((_req, res) => res.writeHead(200).end(soapEnvelope(`<x>${'a'.repeat(10_000)}</x>`)));
    const error = await failure(soapCall(call(url), { maxResponseBytes: 1_000 }));
    expect(error).toBeInstanceOf(AfipAmbiguousError);
  });

  it('a timeout before the request could be sent (TLS handshake never completes) is AfipUnavailableError (timeout)', async () => {
    // Accepts TCP and never speaks TLS: the request body cannot leave the client.
    const port = await tcpServer(() => undefined);
    const error = await failure(soapCall(call(`https://127.0.0.1:${port}/svc`), { timeoutMs: 200 }));
    expect(error).toBeInstanceOf(AfipUnavailableError);
    expect(error).toMatchObject({ reason: 'timeout', requestSent: false });
  });

  it('over TLS, through a caller-supplied agent: answered, and ambiguous when the reply never comes after the handshake', async () => {
    const { certPem, keyPem } = createCertificateAuthority('127.0.0.1');
    let answer = true;
    const server = createHttpsServer({ cert: certPem, key: keyPem }, (req, res) => {
      req.resume();
      req.on('end', () => {
        if (answer) res.writeHead(200).end(OK);
      });
    });
    server.on('secureConnection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/svc`;
    // Test-only: the certificate is self-signed. In production this is where a legacy TLS agent goes.
    const agent = new HttpsAgent({ rejectUnauthorized: false, keepAlive: false });
    expect((await soapCall(call(url), { agent })).status).toBe(200);
    answer = false;
    const error = await failure(soapCall(call(url), { agent, timeoutMs: 300 }));
    expect(error).toMatchObject({ name: 'AfipAmbiguousError', reason: 'timeout', requestSent: true });
    agent.destroy();
  });

  it('a TLS failure is AfipUnavailableError (tls) and mentions the legacy TLS agent', async () => {
    const { url } = await httpServer((_req, res) => res.end('plain http'));
    const error = await failure(soapCall(call(url.replace('http:', 'https:'))));
    expect(error).toBeInstanceOf(AfipUnavailableError);
    expect(error).toMatchObject({ reason: 'tls', requestSent: false });
    expect((error as Error).message).toContain('legacy TLS agent');
  });

  it('cancellation before sending is unavailable, after sending ambiguous', async () => {
    const { url } = await httpServer(() => undefined);
    const before = await failure(soapCall(call(url, { signal: AbortSignal.abort() })));
    expect(before).toMatchObject({ name: 'AfipUnavailableError', reason: 'aborted', requestSent: false });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const after = await failure(soapCall(call(url, { signal: controller.signal })));
    expect(after).toMatchObject({ name: 'AfipAmbiguousError', reason: 'aborted', requestSent: true });
  });

  it('refuses a URL that is not http(s)', async () => {
    await expect(soapCall(call('ftp://example.test/x'))).rejects.toThrow(TypeError);
  });
});

describe('escapeXml', () => {
  it('escapes markup and refuses characters XML 1.0 cannot carry', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
    expect(escapeXml('tab\tnewline\n ñ €')).toBe('tab\tnewline\n ñ €');
    expect(() => escapeXml('nul\u0000')).toThrow(TypeError);
    expect(() => escapeXml('bell\u0007')).toThrow(TypeError);
  });
});
