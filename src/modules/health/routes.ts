import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RedisClient } from '../../platform/redis.js';
import type { Database } from '../../platform/db/database.js';
import { PUBLIC } from '../../platform/http/access.js';

const PROBE_TIMEOUT_MS = 2_000;

const readinessSchema = z.object({
  status: z.enum(['ok', 'degraded', 'unavailable']),
  checks: z.record(z.string(), z.object({ status: z.enum(['ok', 'down']), latencyMs: z.number().optional(), error: z.string().optional() })),
});

export function healthRoutes(database: Database, redis?: RedisClient): FastifyPluginAsyncZod {
  return async (app) => {
    // Load balancer probes are not rate limited (and cost no Redis round trip).
    app.get('/healthz', {
      config: { access: PUBLIC, rateLimit: false },
      logLevel: 'warn',
      schema: { tags: ['ops'], summary: 'Liveness: the process answers', response: { 200: z.object({ status: z.literal('ok') }) } },
      handler: async () => ({ status: 'ok' as const }),
    });

    app.get('/readyz', {
      config: { access: PUBLIC, rateLimit: false },
      logLevel: 'warn',
      schema: {
        tags: ['ops'],
        summary: 'Readiness for the load balancer: 200 while PostgreSQL answers ("degraded" when Redis does not), 503 otherwise',
        response: { 200: readinessSchema, 503: readinessSchema },
      },
      handler: async (_request, reply) => {
        const [db, cache] = await Promise.all([
          probe(() => database.ping()),
          redis ? probe(async () => void (await redis.ping())) : Promise.resolve(undefined),
        ]);
        const checks = { database: db, ...(cache ? { redis: cache } : {}) };
        // Without PostgreSQL nothing works: take this instance out of the load balancer.
        if (db.status === 'down') return reply.status(503).send({ status: 'unavailable' as const, checks });
        // Without Redis reads go to PostgreSQL and limits become per instance: keep serving.
        return { status: cache?.status === 'down' ? ('degraded' as const) : ('ok' as const), checks };
      },
    });
  };
}

async function probe(check: () => Promise<void>): Promise<{ status: 'ok' | 'down'; latencyMs?: number; error?: string }> {
  const started = performance.now();
  try {
    await withTimeout(check(), PROBE_TIMEOUT_MS);
    return { status: 'ok', latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { status: 'down', error: error instanceof Error ? error.message : 'unreachable' };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
