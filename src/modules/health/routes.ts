import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Database } from '../../platform/db/database.js';
import { PUBLIC } from '../../platform/http/access.js';

const DB_PING_TIMEOUT_MS = 2_000;

const readinessSchema = z.object({
  status: z.enum(['ok', 'degraded', 'unavailable']),
  checks: z.record(z.string(), z.object({ status: z.enum(['ok', 'down']), latencyMs: z.number().optional(), error: z.string().optional() })),
});

export function healthRoutes(database: Database): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/healthz', {
      config: { access: PUBLIC },
      logLevel: 'warn',
      schema: { tags: ['ops'], summary: 'Liveness: the process answers', response: { 200: z.object({ status: z.literal('ok') }) } },
      handler: async () => ({ status: 'ok' as const }),
    });

    app.get('/readyz', {
      config: { access: PUBLIC },
      logLevel: 'warn',
      schema: {
        tags: ['ops'],
        summary: 'Readiness for the load balancer: 200 while the database answers, 503 otherwise',
        response: { 200: readinessSchema, 503: readinessSchema },
      },
      handler: async (_request, reply) => {
        const started = performance.now();
        try {
          await withTimeout(database.ping(), DB_PING_TIMEOUT_MS);
          return { status: 'ok' as const, checks: { database: { status: 'ok' as const, latencyMs: Math.round(performance.now() - started) } } };
        } catch (error) {
          return reply.status(503).send({
            status: 'unavailable' as const,
            checks: { database: { status: 'down' as const, error: error instanceof Error ? error.message : 'unreachable' } },
          });
        }
      },
    });
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
