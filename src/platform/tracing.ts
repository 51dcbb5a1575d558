import { createRequire } from 'node:module';
import { SpanKind, SpanStatusCode, context, isSpanContextValid, propagation, trace, type Link } from '@opentelemetry/api';
import { RPCType, getRPCMetadata } from '@opentelemetry/core';
import type { FastifyInstance } from 'fastify';
import type { AppConfig } from './config.js';

/**
 * OpenTelemetry traces across HTTP, SQL (pg), Redis (ioredis) and background jobs, exported
 * over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set.
 * Everything else follows the standard OTEL_* variables (protocol, sampler, headers,
 * OTEL_RESOURCE_ATTRIBUTES, OTEL_SDK_DISABLED …). Without an endpoint nothing is loaded, and
 * the helpers below (job spans, route names) are no-ops of the OpenTelemetry API.
 *
 * What spans carry is held to the logs' rule — no secrets, no personal data: query-string
 * values are redacted, SQL is the parameterised text without values, Redis spans name the
 * command only (keys can carry ids or emails), and errors are recorded by type, not message.
 */

const TRACER_NAME = 'barberpro';
/** Polled by load balancers and Prometheus: a trace each would drown the useful ones. */
const UNTRACED_PATHS = /^\/(?:healthz|readyz|metrics)(?:[/?]|$)/;
/**
 * The modules the instrumentations patch. The app imports them as ES modules, which
 * require-in-the-middle never sees, and the CLI has loaded them before tracing starts; a
 * require() after start hands each (shared, cached) module to its instrumentation, which
 * patches the prototypes every importer uses.
 */
const INSTRUMENTED_MODULES = ['http', 'https', 'pg', 'pg-pool', 'ioredis'];

export type StopTracing = () => Promise<void>;

export function tracingConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  return Boolean(endpoint) && env.OTEL_SDK_DISABLED?.trim().toLowerCase() !== 'true';
}

/** Query-string values are what people typed (searches): keep the parameter names only. */
function redactedQuery(url: string | undefined): Record<string, string> {
  const at = url?.indexOf('?') ?? -1;
  if (at < 0) return {};
  const params = new URLSearchParams(url!.slice(at + 1));
  for (const key of new Set(params.keys())) params.set(key, 'REDACTED');
  return { 'url.query': params.toString() };
}

/**
 * Starts the OpenTelemetry SDK when an OTLP endpoint is configured; call it first, before the
 * app serves anything. Returns what flushes and stops it (call before the process exits).
 */
export async function startTracing(config: Pick<AppConfig, 'env'>): Promise<StopTracing> {
  if (!tracingConfigured()) return async () => {};
  const [{ NodeSDK, resources }, { HttpInstrumentation }, { PgInstrumentation }, { IORedisInstrumentation }] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-pg'),
    import('@opentelemetry/instrumentation-ioredis'),
  ]);
  const sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME || 'barberpro',
    resource: resources.defaultResource().merge(resources.resourceFromAttributes({ 'deployment.environment.name': config.env })),
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.test(request.url ?? ''),
        startIncomingSpanHook: (request) => redactedQuery(request.url),
      }),
      new PgInstrumentation({ requireParentSpan: true }),
      new IORedisInstrumentation({ requireParentSpan: true, dbStatementSerializer: (command) => command }),
    ],
    // Metrics are Prometheus' (/metrics) and logs are pino's (stdout): traces only.
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  const require = createRequire(import.meta.url);
  for (const name of INSTRUMENTED_MODULES) {
    try {
      require(name);
    } catch {
      // not installed: nothing to patch
    }
  }
  let stopped: Promise<void> | undefined;
  return () =>
    (stopped ??= sdk.shutdown().finally(() => {
      trace.disable();
      context.disable();
      propagation.disable();
    }));
}

/**
 * Names HTTP server spans by route pattern ("GET /api/v1/shops/:shopId"), never the raw URL,
 * and sets http.route. The HTTP instrumentation applies it when the response closes.
 */
export function registerTraceRouteNames(app: FastifyInstance): void {
  app.addHook('onSend', async (request, _reply, payload) => {
    const rpc = getRPCMetadata(context.active());
    if (rpc?.type === RPCType.HTTP && request.routeOptions.url) rpc.route = request.routeOptions.url;
    return payload;
  });
}

export interface JobSpanInfo {
  queue: 'bullmq' | 'in-process';
  id: string;
  attempt: number;
}

function errorType(error: unknown): string {
  if (error && typeof error === 'object') {
    const { code, name } = error as { code?: unknown; name?: unknown };
    if (typeof code === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(code)) return code;
    if (typeof name === 'string') return name;
  }
  return 'Error';
}

/**
 * Runs a job handler in a span of its own trace ("job holds.expire"), linked to the trace that
 * enqueued it when that is known. SQL and Redis calls inside become its children.
 */
export function withJobSpan<T>(name: string, job: JobSpanInfo, run: () => Promise<T>): Promise<T> {
  const enqueuedBy = trace.getSpanContext(context.active());
  const links: Link[] = enqueuedBy && isSpanContextValid(enqueuedBy) ? [{ context: enqueuedBy }] : [];
  return trace.getTracer(TRACER_NAME).startActiveSpan(
    `job ${name}`,
    {
      kind: SpanKind.CONSUMER,
      root: true,
      links,
      attributes: {
        'messaging.system': job.queue,
        'messaging.operation.type': 'process',
        'messaging.destination.name': name,
        'messaging.message.id': job.id,
        'barberpro.job.attempt': job.attempt,
      },
    },
    async (span) => {
      try {
        return await run();
      } catch (error) {
        const type = errorType(error);
        span.setAttribute('error.type', type);
        span.setStatus({ code: SpanStatusCode.ERROR, message: type });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** traceId/spanId of the active span, for log lines (empty outside a trace or without the SDK). */
export function activeTraceIds(): { traceId?: string; spanId?: string } {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) return {};
  return { traceId: spanContext.traceId, spanId: spanContext.spanId };
}
