import type { Redis } from 'ioredis';
import { isRedisReady } from './redis.js';

/**
 * Read-through cache with precise invalidation by generation: every entry's key carries
 * its scope's generation number, and invalidating a scope increments it. A reader that
 * computed a value before a change commits can only store it under the old generation,
 * which nobody reads any more, so a booking can never be hidden by a stale cache entry.
 */
export interface CacheStore {
  readonly kind: 'redis' | 'memory';
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  incr(key: string): Promise<number>;
  ready(): boolean;
}

export type CacheResult = 'hit' | 'miss' | 'error' | 'bypass';
export type CacheObserver = (cache: string, result: CacheResult) => void;

export class RedisCacheStore implements CacheStore {
  readonly kind = 'redis' as const;
  constructor(private readonly redis: Redis) {}
  get(key: string) {
    return this.redis.get(key);
  }
  async set(key: string, value: string, ttlSeconds: number) {
    await this.redis.set(key, value, 'EX', ttlSeconds);
  }
  incr(key: string) {
    return this.redis.incr(key);
  }
  ready() {
    return isRedisReady(this.redis);
  }
}

/** In-process LRU with TTLs, for the embedded default (one process, no Redis). */
export class MemoryCacheStore implements CacheStore {
  readonly kind = 'memory' as const;
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();
  constructor(
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}
  async get(key: string) {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return null;
    }
    // Re-insert to mark it most recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }
  async set(key: string, value: string, ttlSeconds: number) {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + ttlSeconds * 1000 });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
  async incr(key: string) {
    const next = Number((await this.get(key)) ?? '0') + 1;
    // Generations outlive any entry that uses them.
    await this.set(key, String(next), 7 * 86_400);
    return next;
  }
  ready() {
    return true;
  }
  get size() {
    return this.entries.size;
  }
}

export class Cache {
  /** Scopes whose invalidation could not reach the store: not served from cache until it does. */
  private readonly unconfirmed = new Set<string>();

  constructor(
    private readonly store: CacheStore,
    private readonly observe: CacheObserver = () => undefined,
    private readonly namespace = 'bp',
  ) {}

  get kind(): CacheStore['kind'] {
    return this.store.kind;
  }

  // The scope is a hash tag, so a scope's generation and entries share a Redis Cluster slot.
  private generationKey(scope: string): string {
    return `${this.namespace}:{${scope}}:gen`;
  }

  /**
   * Returns the cached value for (scope, key) or computes, stores and returns it. Any store
   * failure falls back to computing: the cache can make reads faster, never make them fail.
   */
  async readThrough<T>(cache: string, scope: string, key: string, ttlSeconds: number, load: () => Promise<T>): Promise<T> {
    if (!this.store.ready() || this.unconfirmed.has(scope)) {
      this.observe(cache, 'bypass');
      if (this.unconfirmed.size > 0 && this.store.ready()) void this.retryInvalidations();
      return load();
    }
    let entryKey: string;
    try {
      const generation = (await this.store.get(this.generationKey(scope))) ?? '0';
      entryKey = `${this.namespace}:{${scope}}:${generation}:${cache}:${key}`;
      const hit = await this.store.get(entryKey);
      if (hit !== null) {
        this.observe(cache, 'hit');
        return JSON.parse(hit) as T;
      }
    } catch {
      this.observe(cache, 'error');
      return load();
    }
    this.observe(cache, 'miss');
    const value = await load();
    try {
      await this.store.set(entryKey, JSON.stringify(value), ttlSeconds);
    } catch {
      // Storing is best effort; the value is still correct.
    }
    return value;
  }

  /** Makes every entry of the scope unreachable. Call after the change has committed. */
  async invalidate(scope: string): Promise<void> {
    try {
      if (!this.store.ready()) throw new Error('cache store not ready');
      await this.store.incr(this.generationKey(scope));
      this.unconfirmed.delete(scope);
    } catch {
      this.unconfirmed.add(scope);
    }
  }

  private retrying = false;
  /** Pushes invalidations that failed while the store was down; called when it comes back. */
  async retryInvalidations(): Promise<void> {
    if (this.retrying) return;
    this.retrying = true;
    try {
      for (const scope of [...this.unconfirmed]) await this.invalidate(scope);
    } finally {
      this.retrying = false;
    }
  }
}
