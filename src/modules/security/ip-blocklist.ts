import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { Cluster, Redis } from 'ioredis';
import { isRedisReady } from '../../platform/redis.js';

export type BlockSource = 'automatic' | 'manual';

export interface IpBlock {
  ip: string;
  reason: string;
  source: BlockSource;
  /** The admin who blocked it by hand; null for automatic blocks. */
  blockedBy: string | null;
  blockedAt: string;
  expiresAt: string;
}

export interface IpBlockingPolicy {
  /** Refused requests from one address within the window that block it. */
  failures: number;
  windowMinutes: number;
  /** How long an automatic block lasts; it lifts by itself afterwards. */
  minutes: number;
}

export interface IpBlocklistEvents {
  onBlock?: (source: BlockSource) => void;
}

/**
 * Where blocks and failure counters live. Redis shares them across instances; memory is the
 * per-instance fallback while Redis is unreachable (as for rate limits and login lockouts).
 */
interface BlockStore {
  get(ip: string): Promise<IpBlock | null>;
  put(block: IpBlock, seconds: number): Promise<void>;
  remove(ip: string): Promise<boolean>;
  list(nowMs: number): Promise<IpBlock[]>;
  /** Adds one to the address's failure counter (its window starts at the first); returns the count. */
  countFailure(ip: string, windowSeconds: number): Promise<number>;
  clearFailures(ip: string): Promise<void>;
}

/** A Redis server or a Redis Cluster: every key below shares one slot, so both work. */
type RedisConnection = Redis | Cluster;

// One hash tag for every key: in Redis Cluster they share a slot, so MGET and MULTI work.
const PREFIX = 'bp:{ipblock}';
/** Failure counters are keyed by a hash: they are kept for every address that fails once. */
const addressHash = (ip: string) => createHash('sha256').update(ip).digest('hex').slice(0, 32);

class RedisBlockStore implements BlockStore {
  constructor(private readonly redis: RedisConnection) {}

  async get(ip: string) {
    const raw = await this.redis.get(`${PREFIX}:b:${ip}`);
    return raw ? (JSON.parse(raw) as IpBlock) : null;
  }
  async put(block: IpBlock, seconds: number) {
    await this.redis
      .multi()
      .set(`${PREFIX}:b:${block.ip}`, JSON.stringify(block), 'EX', seconds)
      .zadd(`${PREFIX}:index`, Date.parse(block.expiresAt), block.ip)
      .exec();
  }
  async remove(ip: string) {
    const result = (await this.redis.multi().del(`${PREFIX}:b:${ip}`).zrem(`${PREFIX}:index`, ip).del(`${PREFIX}:f:${addressHash(ip)}`).exec()) as [[null, number], ...unknown[]];
    return result[0][1] > 0;
  }
  async list(nowMs: number) {
    await this.redis.zremrangebyscore(`${PREFIX}:index`, '-inf', nowMs);
    const ips = await this.redis.zrange(`${PREFIX}:index`, 0, 999);
    if (ips.length === 0) return [];
    const values = await this.redis.mget(ips.map((ip) => `${PREFIX}:b:${ip}`));
    return values.filter((v): v is string => v !== null).map((v) => JSON.parse(v) as IpBlock);
  }
  async countFailure(ip: string, windowSeconds: number) {
    const key = `${PREFIX}:f:${addressHash(ip)}`;
    const [[, count]] = (await this.redis.multi().incr(key).expire(key, windowSeconds, 'NX').exec()) as [[null, number]];
    return count;
  }
  async clearFailures(ip: string) {
    await this.redis.del(`${PREFIX}:f:${addressHash(ip)}`);
  }
}

const MAX_MEMORY_ENTRIES = 100_000;

class MemoryBlockStore implements BlockStore {
  private readonly blocks = new Map<string, IpBlock>();
  private readonly failures = new Map<string, { count: number; expiresAt: number }>();
  constructor(private readonly now: () => number) {}

  private live(ip: string) {
    const block = this.blocks.get(ip);
    if (block && Date.parse(block.expiresAt) <= this.now()) {
      this.blocks.delete(ip);
      return null;
    }
    return block ?? null;
  }
  async get(ip: string) {
    return this.live(ip);
  }
  async put(block: IpBlock) {
    this.blocks.set(block.ip, block);
    if (this.blocks.size > MAX_MEMORY_ENTRIES) this.blocks.delete(this.blocks.keys().next().value!);
  }
  async remove(ip: string) {
    this.failures.delete(ip);
    const existed = this.live(ip) !== null;
    this.blocks.delete(ip);
    return existed;
  }
  async list() {
    return [...this.blocks.keys()].map((ip) => this.live(ip)).filter((b): b is IpBlock => b !== null);
  }
  async countFailure(ip: string, windowSeconds: number) {
    const current = this.failures.get(ip);
    const entry = current && current.expiresAt > this.now() ? current : { count: 0, expiresAt: this.now() + windowSeconds * 1000 };
    entry.count++;
    this.failures.set(ip, entry);
    if (this.failures.size > MAX_MEMORY_ENTRIES) this.failures.delete(this.failures.keys().next().value!);
    return entry.count;
  }
  async clearFailures(ip: string) {
    this.failures.delete(ip);
  }
}

/** The address as the blocklist keys it: IPv4-mapped IPv6 (::ffff:a.b.c.d) is the IPv4 address. */
export function normalizeAddress(raw: string): string | null {
  const value = raw.trim().toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(value);
  const address = mapped ? mapped[1]! : value;
  return isIP(address) ? address : null;
}

/**
 * Per-address blocking after repeated refused requests (wrong passwords, forged webhook
 * signatures, 401/403 probes), lifted automatically after the policy's minutes; operators
 * list, add and lift blocks through the admin API.
 */
export class IpBlocklist {
  private readonly memory: MemoryBlockStore;
  private readonly remote: RedisBlockStore | undefined;

  constructor(
    private readonly policy: IpBlockingPolicy,
    private readonly redis: RedisConnection | undefined,
    private readonly now: () => number = Date.now,
    private readonly events: IpBlocklistEvents = {},
  ) {
    this.memory = new MemoryBlockStore(now);
    this.remote = redis ? new RedisBlockStore(redis) : undefined;
  }

  private async store<T>(use: (store: BlockStore) => Promise<T>): Promise<T> {
    // A Cluster reports readiness through the same `status` field as a single server.
    if (this.remote && isRedisReady(this.redis as Redis)) {
      try {
        return await use(this.remote);
      } catch {
        // Redis failed mid-command: this instance decides on its own until it is back.
      }
    }
    return use(this.memory);
  }

  /** Seconds until the address may call again; 0 when it is not blocked. */
  async blockedFor(rawIp: string): Promise<number> {
    const ip = normalizeAddress(rawIp);
    if (!ip) return 0;
    const block = await this.store((s) => s.get(ip));
    if (!block) return 0;
    const left = Math.ceil((Date.parse(block.expiresAt) - this.now()) / 1000);
    return left > 0 ? left : 0;
  }

  /** Counts one refused request; the one that reaches the threshold blocks the address. */
  async recordRefusal(rawIp: string): Promise<void> {
    const ip = normalizeAddress(rawIp);
    if (!ip) return;
    const count = await this.store((s) => s.countFailure(ip, this.policy.windowMinutes * 60));
    if (count < this.policy.failures) return;
    await this.store((s) => s.clearFailures(ip));
    await this.block(
      ip,
      this.policy.minutes,
      `Bloqueo automático: ${count} solicitudes rechazadas (credenciales, firmas o permisos) en ${this.policy.windowMinutes} minutos.`,
      'automatic',
      null,
    );
  }

  async block(rawIp: string, minutes: number, reason: string, source: BlockSource, blockedBy: string | null): Promise<IpBlock> {
    const ip = normalizeAddress(rawIp);
    if (!ip) throw new RangeError('not an IP address');
    const nowMs = this.now();
    const block: IpBlock = {
      ip,
      reason,
      source,
      blockedBy,
      blockedAt: new Date(nowMs).toISOString(),
      expiresAt: new Date(nowMs + minutes * 60_000).toISOString(),
    };
    await this.store((s) => s.put(block, minutes * 60));
    this.events.onBlock?.(source);
    return block;
  }

  /** Lifts a block (and forgets the address's failures); false when it was not blocked. */
  async unblock(rawIp: string): Promise<boolean> {
    const ip = normalizeAddress(rawIp);
    if (!ip) return false;
    return this.store((s) => s.remove(ip));
  }

  /** Blocks in force, soonest to lift first. */
  async list(): Promise<IpBlock[]> {
    const blocks = await this.store((s) => s.list(this.now()));
    return blocks.filter((b) => Date.parse(b.expiresAt) > this.now()).sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));
  }
}
