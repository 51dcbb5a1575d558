import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';

/**
 * Redis connections, to one server or to a Redis Cluster (ElastiCache in cluster mode, 3 shards
 * on AWS). Request-path commands (cache, rate limits, login throttling) must fail fast when
 * Redis is down so the caller can fall back to PostgreSQL or local state: no offline queue,
 * one retry. Job workers need the opposite (BullMQ's blocking commands wait for Redis to come
 * back), so they get their own connection settings.
 *
 * Every multi-key command the app sends keeps its keys under one hash tag (cache scopes,
 * BullMQ queue prefixes), which is what lets the same code run on a cluster.
 */
export type RedisClient = Redis | Cluster;

export interface RedisTarget {
  /** One server, or the cluster's seed nodes (ElastiCache: its configuration endpoint). */
  nodes: Array<{ host: string; port: number }>;
  cluster: boolean;
  username?: string;
  password?: string;
  db?: number;
  tls: boolean;
}

/** `redis[s]://[user:pass@]host:port[/db]`, or for a cluster a comma-separated list of such URLs. */
export function parseRedisTarget(url: string, cluster = false): RedisTarget {
  const urls = url.split(',').map((u) => u.trim()).filter(Boolean);
  if (urls.length === 0) throw new Error('Invalid configuration: REDIS_URL is empty');
  if (urls.length > 1 && !cluster) throw new Error('Invalid configuration: several REDIS_URL addresses need REDIS_CLUSTER=true');
  const parsed = urls.map((u) => {
    const p = new URL(u);
    if (p.protocol !== 'redis:' && p.protocol !== 'rediss:') throw new Error(`Invalid configuration: REDIS_URL must use redis:// or rediss:// (got ${p.protocol})`);
    return p;
  });
  const first = parsed[0]!;
  const db = first.pathname.length > 1 ? Number(first.pathname.slice(1)) : undefined;
  if (db !== undefined && (!Number.isInteger(db) || db < 0)) throw new Error('Invalid configuration: REDIS_URL database must be a number');
  // A cluster has database 0 only (no SELECT).
  if (cluster && db) throw new Error('Invalid configuration: Redis Cluster has no numbered databases; remove the /db from REDIS_URL');
  return {
    nodes: parsed.map((p) => ({ host: p.hostname, port: Number(p.port || 6379) })),
    cluster,
    ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
    ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
    ...(db !== undefined ? { db } : {}),
    tls: first.protocol === 'rediss:',
  };
}

function serverOptions(target: RedisTarget): RedisOptions {
  return {
    ...(target.username ? { username: target.username } : {}),
    ...(target.password ? { password: target.password } : {}),
    ...(target.db !== undefined ? { db: target.db } : {}),
    ...(target.tls ? { tls: {} } : {}),
  };
}

function clusterOptions(target: RedisTarget, redisOptions: RedisOptions, extra: Partial<ClusterOptions> = {}): ClusterOptions {
  return {
    redisOptions: { ...serverOptions(target), ...redisOptions },
    // ElastiCache with TLS: connect to the node names it announces, so certificates match.
    ...(target.tls ? { dnsLookup: (address: string, callback: (err: Error | null, address: string) => void) => callback(null, address) } : {}),
    slotsRefreshTimeout: 2_000,
    ...extra,
  };
}

export function createRequestRedis(where: RedisTarget | string): RedisClient {
  const target = typeof where === 'string' ? parseRedisTarget(where) : where;
  const common: RedisOptions = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    commandTimeout: 500,
  };
  const client: RedisClient = target.cluster
    ? new Cluster(
        target.nodes,
        clusterOptions(target, common, {
          enableOfflineQueue: false,
          // Commands issued in the same tick go out together, per node.
          enableAutoPipelining: true,
          clusterRetryStrategy: (times) => Math.min(times * 200, 2_000),
        }),
      )
    : new Redis({
        ...target.nodes[0]!,
        ...serverOptions(target),
        ...common,
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

/**
 * What BullMQ connects with: plain options for one server (BullMQ opens its own connections),
 * or a factory of cluster clients (BullMQ takes a Cluster instance, one per queue or worker).
 */
export type JobConnection = { kind: 'server'; options: RedisOptions } | { kind: 'cluster'; create: () => Cluster };

export function jobConnection(where: RedisTarget | string): JobConnection {
  const target = typeof where === 'string' ? parseRedisTarget(where) : where;
  const jobOptions: RedisOptions = { maxRetriesPerRequest: null };
  if (target.cluster) {
    return {
      kind: 'cluster',
      create: () => {
        const cluster = new Cluster(target.nodes, clusterOptions(target, jobOptions, { clusterRetryStrategy: (times) => Math.min(times * 500, 5_000) }));
        cluster.on('error', () => undefined);
        return cluster;
      },
    };
  }
  return { kind: 'server', options: { ...target.nodes[0]!, ...serverOptions(target), ...jobOptions, retryStrategy: (times) => Math.min(times * 500, 5_000) } };
}

/** A short-lived client for one-off checks (ops CLI, benchmarks): no retries, connects lazily. */
export function createProbeRedis(target: RedisTarget, timeoutMs: number): RedisClient {
  const options: RedisOptions = { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null };
  const client: RedisClient = target.cluster
    ? new Cluster(target.nodes, clusterOptions(target, options, { lazyConnect: true, clusterRetryStrategy: () => null }))
    : new Redis({ ...target.nodes[0]!, ...serverOptions(target), ...options });
  client.on('error', () => undefined);
  return client;
}

/** Whether the client can take commands right now (no waiting). */
export function isRedisReady(client: RedisClient): boolean {
  return client.status === 'ready';
}
