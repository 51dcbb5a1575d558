import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { node, tracing } from '@opentelemetry/sdk-node';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { TEST_JWT_SECRET, TEST_PASSWORD } from '../../test/helpers.js';
import { loadConfig } from './config.js';
import { loggerOptions } from './logger.js';
import { InProcessJobQueue } from './queue/in-process-queue.js';
import { activeTraceIds, tracingConfigured, withJobSpan } from './tracing.js';

describe('tracing configuration', () => {
  it('is on only with an OTLP endpoint, and OTEL_SDK_DISABLED wins', () => {
    expect(tracingConfigured({})).toBe(false);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(true);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' })).toBe(false);
  });

  it('without the SDK, job spans and trace ids cost nothing and change nothing', async () => {
    expect(await withJobSpan('rollups.daily', { queue: 'in-process', id: '1', attempt: 1 }, async () => activeTraceIds())).toEqual({});
    await expect(withJobSpan('rollups.daily', { queue: 'in-process', id: '1', attempt: 1 }, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });
});

// In-process: a tracer provider with an in-memory exporter, removed again afterwards.
describe('job spans and log trace ids (in-process SDK)', () => {
  const exporter = new tracing.InMemorySpanExporter();
  const provider = new node.NodeTracerProvider({ spanProcessors: [new tracing.SimpleSpanProcessor(exporter)] });
  beforeAll(() => provider.register());
  beforeEach(() => exporter.reset());
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  });

  it('runs a job in a root span of its own, linked to the trace that enqueued it; its work nests inside', async () => {
    const tracer = trace.getTracer('test');
    await tracer.startActiveSpan('POST /api/v1/bookings', async (request) => {
      await withJobSpan('notifications.dispatch', { queue: 'bullmq', id: 'job-7', attempt: 2 }, async () => {
        tracer.startSpan('pg.query:SELECT').end();
      });
      request.end();
    });
    const spans = exporter.getFinishedSpans();
    const job = spans.find((s) => s.name === 'job notifications.dispatch')!;
    const request = spans.find((s) => s.name === 'POST /api/v1/bookings')!;
    const query = spans.find((s) => s.name === 'pg.query:SELECT')!;
    expect(job.kind).toBe(SpanKind.CONSUMER);
    expect(job.parentSpanContext).toBeUndefined();
    expect(job.spanContext().traceId).not.toBe(request.spanContext().traceId);
    expect(job.links.map((l) => l.context.spanId)).toEqual([request.spanContext().spanId]);
    expect(job.attributes).toMatchObject({
      'messaging.system': 'bullmq',
      'messaging.destination.name': 'notifications.dispatch',
      'messaging.message.id': 'job-7',
      'barberpro.job.attempt': 2,
    });
    expect(query.parentSpanContext?.spanId).toBe(job.spanContext().spanId);
    expect(query.spanContext().traceId).toBe(job.spanContext().traceId);
  });

  it('marks a failed job by error type, never its message (messages can carry addresses)', async () => {
    const error = Object.assign(new Error('550 mailbox unavailable: secreto@example.com'), { code: 'EENVELOPE' });
    await expect(withJobSpan('notifications.dispatch', { queue: 'in-process', id: 'x', attempt: 1 }, async () => Promise.reject(error))).rejects.toBe(error);
    const [span] = exporter.getFinishedSpans();
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'EENVELOPE' });
    expect(span!.attributes['error.type']).toBe('EENVELOPE');
    expect(JSON.stringify({ attributes: span!.attributes, events: span!.events, status: span!.status })).not.toContain('secreto@example.com');
  });

  it('the in-process queue runs each handler inside its job span', async () => {
    const queue = new InProcessJobQueue();
    const seen: Array<{ traceId?: string }> = [];
    const done = new Promise<void>((resolve) =>
      queue.register('rollups.daily', async () => {
        seen.push({ traceId: activeTraceIds().traceId });
        resolve();
      }),
    );
    await queue.start();
    await queue.enqueue('rollups.daily', {});
    await done;
    await vi.waitFor(() => expect(exporter.getFinishedSpans()).toHaveLength(1));
    await queue.close();
    const [span] = exporter.getFinishedSpans();
    expect(span!.name).toBe('job rollups.daily');
    expect(span!.attributes['messaging.system']).toBe('in-process');
    expect(seen).toEqual([{ traceId: span!.spanContext().traceId }]);
  });

  it('log lines written inside a span carry its traceId and spanId', async () => {
    const lines: any[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(chunk.toString()));
        done();
      },
    });
    const app = Fastify({ logger: { ...(loggerOptions(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'info' })) as object), stream } });
    app.log.info('outside');
    const ids = trace.getTracer('test').startActiveSpan('work', (span) => {
      app.log.info('inside');
      span.end();
      return span.spanContext();
    });
    await app.close();
    expect(lines.find((l) => l.msg === 'outside')).not.toHaveProperty('traceId');
    expect(lines.find((l) => l.msg === 'inside')).toMatchObject({ traceId: ids.traceId, spanId: ids.spanId });
  });
});

// The real server (`barberpro serve`) in a child process, as production starts it, exporting
// to a local OTLP/HTTP receiver: in-process instrumentation would patch vitest's own modules.

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: OtlpAttribute[];
  status?: { code?: number; message?: string };
}

function attr(span: OtlpSpan, key: string): string | number | boolean | undefined {
  const v = span.attributes.find((a) => a.key === key)?.value;
  return v?.stringValue ?? (v?.intValue !== undefined ? Number(v.intValue) : undefined) ?? v?.boolValue ?? v?.doubleValue;
}

async function cloneTestDatabase(): Promise<{ url: string; drop: () => Promise<void> } | null> {
  const templateUrl = inject('templateDatabaseUrl');
  if (!templateUrl) return null;
  const template = new URL(templateUrl);
  const adminUrl = new URL(templateUrl);
  adminUrl.pathname = '/postgres';
  const name = `bp_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  await admin.query(`create database "${name}" template "${template.pathname.slice(1)}"`);
  await admin.end();
  const url = new URL(templateUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const cleanup = new pg.Client({ connectionString: adminUrl.toString() });
      await cleanup.connect();
      await cleanup.query(`drop database if exists "${name}" with (force)`);
      await cleanup.end();
    },
  };
}

/** With REDIS_URL (CI), the server also uses Redis (cache, rate limits, BullMQ) on a logical database of its own, emptied afterwards. */
const TRACED_REDIS_DB = 13;
const redisUrl = process.env.REDIS_URL
  ? (() => {
      const url = new URL(process.env.REDIS_URL);
      url.pathname = `/${TRACED_REDIS_DB}`;
      return url.toString();
    })()
  : undefined;

describe('barberpro serve with OTEL_EXPORTER_OTLP_ENDPOINT (child process)', () => {
  const exports: any[] = [];
  const logs: any[] = [];
  let receiver: Server;
  let child: ChildProcess | undefined;
  let dataDir: string;
  let database: Awaited<ReturnType<typeof cloneTestDatabase>>;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.method === 'POST' && req.url === '/v1/traces') exports.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    dataDir = mkdtempSync(join(tmpdir(), 'bp-tracing-'));
    database = await cloneTestDatabase();
  });

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await new Promise((resolve) => receiver.close(resolve));
    await database?.drop();
    if (redisUrl) {
      const redis = new Redis(redisUrl);
      await redis.flushdb();
      redis.disconnect();
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('exports one trace per request with its HTTP and SQL spans, and logs carry the trace id; nothing personal in either', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      JWT_SECRET: TEST_JWT_SECRET,
      SEED_DEMO: 'false',
      DATA_DIR: dataDir,
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '200',
    };
    if (redisUrl) env.REDIS_URL = redisUrl;
    else delete env.REDIS_URL;
    delete env.OTEL_SDK_DISABLED;
    if (database) env.DATABASE_URL = database.url;
    else delete env.DATABASE_URL;

    child = spawn(process.execPath, ['bin/barberpro.mjs', 'serve', '--port', '0', '--host', '127.0.0.1'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));
    const base = await new Promise<string>((resolve, reject) => {
      let buffer = '';
      child!.stdout!.on('data', (c: Buffer) => {
        buffer += c.toString();
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          try {
            const entry = JSON.parse(line);
            logs.push(entry);
            const m = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(entry.msg ?? '');
            if (m) resolve(m[1]!);
          } catch {
            logs.push({ raw: line });
          }
        }
      });
      void exited.then((code) => reject(new Error(`server exited (${code}) before listening: ${stderr}`)));
    });

    const search = await fetch(`${base}/api/v1/shops?city=Rosario&q=nombre-privado`, { headers: { 'x-request-id': 'trace-test-search' } });
    expect(search.status).toBe(200);
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-test-login' },
      body: JSON.stringify({ email: 'secreto@example.com', password: TEST_PASSWORD }),
    });
    expect(login.status).toBe(401);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/api/v1/no-such-route/123`)).status).toBe(404);

    child.kill('SIGTERM');
    expect(await exited, stderr).toBe(0);

    const resourceSpans = exports.flatMap((e) => e.resourceSpans ?? []);
    const resource = resourceSpans[0]?.resource.attributes as OtlpAttribute[];
    expect(resource.find((a) => a.key === 'service.name')?.value.stringValue).toBe('barberpro');
    expect(resource.find((a) => a.key === 'deployment.environment.name')?.value.stringValue).toBe('test');
    const spans: OtlpSpan[] = resourceSpans.flatMap((r: any) => r.scopeSpans.flatMap((s: any) => s.spans));
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const rootOf = (span: OtlpSpan): OtlpSpan => (span.parentSpanId && byId.has(span.parentSpanId) ? rootOf(byId.get(span.parentSpanId)!) : span);

    const server = spans.filter((s) => s.kind === 2);
    const searchSpan = server.find((s) => s.name === 'GET /api/v1/shops')!;
    expect(searchSpan, JSON.stringify(server.map((s) => s.name))).toBeDefined();
    expect(attr(searchSpan, 'http.route')).toBe('/api/v1/shops');
    expect(attr(searchSpan, 'http.response.status_code')).toBe(200);
    expect(attr(searchSpan, 'url.query')).toBe('city=REDACTED&q=REDACTED');
    const loginSpan = server.find((s) => s.name === 'POST /api/v1/auth/login')!;
    expect(loginSpan).toBeDefined();
    // A 404 is named by method only: the raw URL never names a span.
    expect(server.find((s) => attr(s, 'url.path') === '/api/v1/no-such-route/123')?.name).toBe('GET');
    // Health checks are not traced.
    expect(server.some((s) => attr(s, 'url.path') === '/healthz')).toBe(false);

    if (database) {
      // SQL spans (pg) belong to the request's trace, under its server span.
      for (const request of [searchSpan, loginSpan]) {
        const sqlSpans = spans.filter((s) => attr(s, 'db.system') === 'postgresql' || attr(s, 'db.system.name') === 'postgresql').filter((s) => s.traceId === request.traceId);
        expect(sqlSpans.length, request.name).toBeGreaterThan(0);
        for (const s of sqlSpans) expect(rootOf(s).spanId).toBe(request.spanId);
      }
      // Statements are parameterised: the values typed never reach a span.
      const statements = spans.map((s) => String(attr(s, 'db.statement') ?? attr(s, 'db.query.text') ?? '')).join('\n');
      expect(statements).toMatch(/select/i);
    }
    if (redisUrl) {
      // Redis commands of a request (cache, rate limit) are in its trace, named by command only: keys can carry ids.
      const redisSpans = spans.filter((s) => attr(s, 'db.system.name') === 'redis' && s.traceId === searchSpan.traceId);
      expect(redisSpans.length).toBeGreaterThan(0);
      for (const s of redisSpans) {
        expect(rootOf(s).spanId).toBe(searchSpan.spanId);
        expect(attr(s, 'db.query.text')).toMatch(/^[a-z]+$/);
      }
    }

    // Logs of a request carry its trace id and request id.
    const searchLogs = logs.filter((l) => l.reqId === 'trace-test-search');
    expect(searchLogs.map((l) => l.msg)).toEqual(expect.arrayContaining(['incoming request', 'request completed']));
    for (const line of searchLogs) expect(line.traceId).toBe(searchSpan.traceId);
    for (const line of logs.filter((l) => l.reqId === 'trace-test-login')) expect(line.traceId).toBe(loginSpan.traceId);

    const everything = JSON.stringify(exports) + JSON.stringify(logs) + stderr;
    for (const secret of ['secreto@example.com', TEST_PASSWORD, 'nombre-privado', TEST_JWT_SECRET]) expect(everything).not.toContain(secret);
  }, 120_000);
});
