import { createRequire } from 'node:module';
import rateLimit, { type FastifyRateLimitStore, type FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { RedisClient } from '../redis.js';
import { isRedisReady } from '../redis.js';
import { ProblemError } from './problem.js';

// The plugin's own stores, composed below; the package has no exports map, so they resolve.
const require = createRequire(import.meta.url);
const RedisStore = require('@fastify/rate-limit/store/RedisStore.js') as new (
  continueExceeding: boolean,
  exponentialBackoff: boolean,
  redis: RedisClient,
  key?: string,
) => FastifyRateLimitStore;
const LocalStore = require('@fastify/rate-limit/store/LocalStore.js') as new (
  continueExceeding: boolean,
  exponentialBackoff: boolean,
  cache?: number,
) => FastifyRateLimitStore;

type RouteOptions = Parameters<FastifyRateLimitStore['child']>[0];

/**
 * Limits shared by every instance through Redis; while Redis is unreachable each instance
 * keeps counting on its own instead of letting everything through or failing requests.
 */
function fallbackStore(redis: RedisClient, onFallback: () => void): FastifyRateLimitStoreCtor {
  class FallbackStore implements FastifyRateLimitStore {
    private readonly remote: FastifyRateLimitStore;
    private readonly local: FastifyRateLimitStore;

    // Fixed windows (no continueExceeding or exponential backoff), the plugin's defaults.
    constructor(_options: unknown, remote?: FastifyRateLimitStore, local?: FastifyRateLimitStore) {
      this.remote = remote ?? new RedisStore(false, false, redis, 'bp:rl:');
      this.local = local ?? new LocalStore(false, false, 10_000);
    }

    incr(key: string, callback: Parameters<FastifyRateLimitStore['incr']>[1], timeWindow: number, max: number): void {
      if (!isRedisReady(redis)) {
        onFallback();
        this.local.incr(key, callback, timeWindow, max);
        return;
      }
      this.remote.incr(
        key,
        (error, result) => {
          if (!error) return callback(null, result);
          onFallback();
          this.local.incr(key, callback, timeWindow, max);
        },
        timeWindow,
        max,
      );
    }

    child(routeOptions: RouteOptions): FastifyRateLimitStore {
      return new FallbackStore(routeOptions, this.remote.child(routeOptions), new LocalStore(false, false, 10_000));
    }
  }
  return FallbackStore as unknown as FastifyRateLimitStoreCtor;
}

export interface RateLimitSettings {
  redis?: RedisClient | undefined;
  perMinute: number;
}

export async function registerRateLimits(app: FastifyInstance, settings: RateLimitSettings): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    max: settings.perMinute,
    timeWindow: 60_000,
    ...(settings.redis ? { store: fallbackStore(settings.redis, () => undefined) } : {}),
    // Authenticated callers are limited per account, anonymous ones per address.
    keyGenerator: (request) => (request.principal ? `u:${request.principal.userId}` : `ip:${request.ip}`),
    errorResponseBuilder: (_request, context) =>
      new ProblemError(429, 'rate_limited', 'Demasiadas solicitudes', `Esperá ${Math.ceil(context.ttl / 1000)} segundos y volvé a intentar.`),
  });
}
