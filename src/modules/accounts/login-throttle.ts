import { createHash } from 'node:crypto';
import type { RedisClient } from '../../platform/redis.js';
import { isRedisReady } from '../../platform/redis.js';

export interface LockoutPolicy {
  accountFailures: number;
  ipFailures: number;
  minutes: number;
}

/** Counters with expiry; Redis shares them across instances, memory is the fallback. */
interface CounterStore {
  /** Adds one to the counter, starting its window on the first failure; returns the count. */
  increment(key: string, windowSeconds: number): Promise<number>;
  lock(key: string, seconds: number): Promise<void>;
  /** Seconds left on a lock, 0 when not locked. */
  lockRemaining(key: string): Promise<number>;
  clear(keys: string[]): Promise<void>;
}

class RedisCounters implements CounterStore {
  constructor(private readonly redis: RedisClient) {}
  async increment(key: string, windowSeconds: number) {
    const [[, count]] = (await this.redis.multi().incr(key).expire(key, windowSeconds, 'NX').exec()) as [[null, number]];
    return count;
  }
  async lock(key: string, seconds: number) {
    await this.redis.set(key, '1', 'EX', seconds);
  }
  async lockRemaining(key: string) {
    const ttl = await this.redis.ttl(key);
    return ttl > 0 ? ttl : 0;
  }
  async clear(keys: string[]) {
    // One DEL per key: in Redis Cluster they may live on different slots.
    await Promise.all(keys.map((k) => this.redis.del(k)));
  }
}

class MemoryCounters implements CounterStore {
  private readonly values = new Map<string, { count: number; expiresAt: number }>();
  constructor(private readonly now: () => number) {}
  private live(key: string) {
    const v = this.values.get(key);
    if (v && v.expiresAt <= this.now()) {
      this.values.delete(key);
      return undefined;
    }
    return v;
  }
  async increment(key: string, windowSeconds: number) {
    const v = this.live(key) ?? { count: 0, expiresAt: this.now() + windowSeconds * 1000 };
    v.count++;
    this.values.set(key, v);
    if (this.values.size > 100_000) this.values.delete(this.values.keys().next().value!);
    return v.count;
  }
  async lock(key: string, seconds: number) {
    this.values.set(key, { count: 1, expiresAt: this.now() + seconds * 1000 });
  }
  async lockRemaining(key: string) {
    const v = this.live(key);
    return v ? Math.ceil((v.expiresAt - this.now()) / 1000) : 0;
  }
  async clear(keys: string[]) {
    for (const k of keys) this.values.delete(k);
  }
}

const hash = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 32);

/**
 * Failed-login tracking per account and per address, with a temporary lockout once either
 * passes its threshold. Keys hold hashes, never the email or the address itself.
 */
export class LoginThrottle {
  private readonly memory: MemoryCounters;
  private readonly redisCounters: RedisCounters | undefined;

  constructor(
    private readonly policy: LockoutPolicy,
    private readonly redis: RedisClient | undefined,
    now: () => number = Date.now,
    private readonly onLockout: (scope: 'account' | 'ip') => void = () => undefined,
  ) {
    this.memory = new MemoryCounters(now);
    this.redisCounters = redis ? new RedisCounters(redis) : undefined;
  }

  private async store<T>(use: (store: CounterStore) => Promise<T>): Promise<T> {
    if (this.redisCounters && isRedisReady(this.redis!)) {
      try {
        return await use(this.redisCounters);
      } catch {
        // Redis failed mid-command: count locally rather than fail the login.
      }
    }
    return use(this.memory);
  }

  private keys(email: string, ip: string) {
    const account = hash(email.toLowerCase());
    const address = hash(ip);
    return {
      accountFailures: `bp:login:fail:a:${account}`,
      accountLock: `bp:login:lock:a:${account}`,
      ipFailures: `bp:login:fail:i:${address}`,
      ipLock: `bp:login:lock:i:${address}`,
    };
  }

  /** Seconds until a login for this account from this address may be tried again; 0 = now. */
  async lockedFor(email: string, ip: string): Promise<number> {
    const k = this.keys(email, ip);
    return this.store(async (s) => Math.max(await s.lockRemaining(k.accountLock), await s.lockRemaining(k.ipLock)));
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    const k = this.keys(email, ip);
    const window = this.policy.minutes * 60;
    await this.store(async (s) => {
      const [account, address] = await Promise.all([s.increment(k.accountFailures, window), s.increment(k.ipFailures, window)]);
      if (account >= this.policy.accountFailures) {
        await s.lock(k.accountLock, window);
        await s.clear([k.accountFailures]);
        this.onLockout('account');
      }
      if (address >= this.policy.ipFailures) {
        await s.lock(k.ipLock, window);
        await s.clear([k.ipFailures]);
        this.onLockout('ip');
      }
    });
  }

  async recordSuccess(email: string, ip: string): Promise<void> {
    const k = this.keys(email, ip);
    await this.store((s) => s.clear([k.accountFailures]));
  }
}
