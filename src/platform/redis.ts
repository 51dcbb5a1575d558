import { Redis, type RedisOptions } from 'ioredis';

/**
 * Redis connections. Request-path commands (cache, rate limits, login throttling) must fail
 * fast when Redis is down so the caller can fall back to PostgreSQL or local state: no
 * offline queue, one retry. Job workers need the opposite (BullMQ's blocking commands wait
 * for Redis to come back), so they get their own connection settings.
 */
export function createRequestRedis(url: string): Redis {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    commandTimeout: 500,
    lazyConnect: false,
    // Commands issued in the same tick (a rate-limit increment and a cache read, say) go out
    // in one write: fewer syscalls and round trips on the busiest path.
    enableAutoPipelining: true,
    // Reconnect forever with a capped backoff: Redis coming back must heal the service.
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  // Errors surface on each command; the event only has to be observed so it doesn't crash.
  client.on('error', () => undefined);
  return client;
}

export function jobRedisOptions(url: string): RedisOptions {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 6379),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.pathname.length > 1 ? { db: Number(parsed.pathname.slice(1)) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(times * 500, 5_000),
  };
}

/** Whether the client can take commands right now (no waiting). */
export function isRedisReady(client: Redis): boolean {
  return client.status === 'ready';
}
