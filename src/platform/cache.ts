import type { RedisClient } from './redis.js';
import { isRedisReady } from './redis.js';

/**
 * Read-through cache with precise invalidation by generation: every scope has a generation
 * number, invalidating a scope increments it, and every stored value carries the generations
 * of its scopes as read *before* it was computed. A value is served only while those still
 * match, read atomically with it in one MGET, so a reader that computed a value before a
 * change committed can never have it served after the change's invalidation.
 */
export interface CacheStore {
  readonly kind: 'redis' | 'memory';
  get(key: string): Promise<string | null>;
  /** Keys of one call share a hash tag, so MGET works on Redis Cluster too. */
  mget(keys: readonly string[]): Promise<Array<string | null>>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  setMany(entries: ReadonlyArray<readonly [string, string]>, ttlSeconds: number): Promise<void>;
  incr(key: string): Promise<number>;
  /** Sets the entries and increments the keys as one atomic step (nothing reads in between). */
  setManyAndIncr(entries: ReadonlyArray<readonly [string, string]>, ttlSeconds: number, incrKeys: readonly string[]): Promise<void>;
  ready(): boolean;
}

export type CacheResult = 'hit' | 'miss' | 'error' | 'bypass';
export type CacheObserver = (cache: string, result: CacheResult) => void;

export class RedisCacheStore implements CacheStore {
  readonly kind = 'redis' as const;
  constructor(private readonly redis: RedisClient) {}
  get(key: string) {
    return this.redis.get(key);
  }
  mget(keys: readonly string[]) {
    return keys.length === 0 ? Promise.resolve([]) : this.redis.mget(...keys);
  }
  async set(key: string, value: string, ttlSeconds: number) {
    await this.redis.set(key, value, 'EX', ttlSeconds);
  }
  async setMany(entries: ReadonlyArray<readonly [string, string]>, ttlSeconds: number) {
    if (entries.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const [key, value] of entries) pipeline.set(key, value, 'EX', ttlSeconds);
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error);
    if (failed) throw failed[0];
  }
  incr(key: string) {
    return this.redis.incr(key);
  }
  async setManyAndIncr(entries: ReadonlyArray<readonly [string, string]>, ttlSeconds: number, incrKeys: readonly string[]) {
    // MULTI/EXEC: all keys share one hash tag, so this is one slot on Redis Cluster too.
    const multi = this.redis.multi();
    for (const [key, value] of entries) multi.set(key, value, 'EX', ttlSeconds);
    for (const key of incrKeys) multi.incr(key);
    const results = await multi.exec();
    const failed = results?.find(([error]) => error);
    if (!results || failed) throw failed?.[0] ?? new Error('MULTI aborted');
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
  private getNow(key: string): string | null {
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
  private setNow(key: string, value: string, ttlSeconds: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + ttlSeconds * 1000 });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
  async get(key: string) {
    return this.getNow(key);
  }
  async mget(keys: readonly string[]) {
    return keys.map((k) => this.getNow(k));
  }
  async setMany(entries: ReadonlyArray<readonly [string, string]>, ttlSeconds: number) {
    for (const [key, value] of entries) this.setNow(key, value, ttlSeconds);
  }
  async set(key: string, value: string, ttlSeconds: number) {
    this.setNow(key, value, ttlSeconds);
  }
  async setManyAndIncr(entries: ReadonlyArray<readonly [string, string]>, ttlSeconds: number, incrKeys: readonly string[]) {
    // No await between the steps: nothing else runs in between on one event loop.
    for (const [key, value] of entries) this.setNow(key, value, ttlSeconds);
    for (const key of incrKeys) this.setNow(key, String(Number(this.getNow(key) ?? '0') + 1), 7 * 86_400);
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

  /**
   * A scope's hash tag is its part before the first '/': `shop:1/agenda:2026-12-01` lives in
   * the slot of `shop:1`, so one MGET can read a shop's generations and entries on Redis
   * Cluster too.
   */
  private tagged(scope: string): string {
    const slash = scope.indexOf('/');
    return slash < 0 ? `{${scope}}` : `{${scope.slice(0, slash)}}${scope.slice(slash)}`;
  }

  private generationKey(scope: string): string {
    return `${this.namespace}:${this.tagged(scope)}:gen`;
  }

  /** Counts one lookup for a cache whose hits and misses its caller decides (see readMany). */
  record(cache: string, result: CacheResult): void {
    this.observe(cache, result);
  }

  /**
   * Returns the cached value for (scope, key) or computes, stores and returns it. Any store
   * failure falls back to computing: the cache can make reads faster, never make them fail.
   */
  async readThrough<T>(cache: string, scope: string, key: string, ttlSeconds: number, load: () => Promise<T>): Promise<T> {
    const { values, fromCache, bypassed, failed } = await this.readMany<T>(cache, [{ scopes: [scope], key }], ttlSeconds, async () => [await load()]);
    this.observe(cache, failed ? 'error' : bypassed ? 'bypass' : fromCache === 1 ? 'hit' : 'miss');
    return values[0]!;
  }

  /**
   * Read-through for several entries at once, each valid while all of its scopes keep their
   * generation. All scopes and entries must share one hash tag. One MGET reads every
   * generation and entry; only the missing entries are loaded (in one call). It does not
   * count hits or misses itself — the caller knows what one request is (see `record`).
   */
  async readMany<T>(
    cache: string,
    entries: ReadonlyArray<{ scopes: readonly string[]; key: string }>,
    ttlSeconds: number,
    loadMissing: (indexes: number[]) => Promise<T[]>,
    /** A stored value that fails this (e.g. past its own validity) counts as missing. */
    isFresh: (value: T) => boolean = () => true,
  ): Promise<{ values: T[]; fromCache: number; bypassed: boolean; failed: boolean }> {
    const all = entries.map((_, i) => i);
    if (entries.length === 0) return { values: [], fromCache: 0, bypassed: false, failed: false };
    if (!this.store.ready() || entries.some((e) => e.scopes.some((s) => this.unconfirmed.has(s)))) {
      if (this.unconfirmed.size > 0 && this.store.ready()) void this.retryInvalidations();
      return { values: await loadMissing(all), fromCache: 0, bypassed: true, failed: false };
    }
    const scopes = [...new Set(entries.flatMap((e) => e.scopes))];
    const keys = entries.map((e) => `${this.namespace}:${this.tagged(e.scopes[0]!)}:${cache}:${e.key}`);
    let stamps: string[];
    let cached: Array<string | null>;
    try {
      const found = await this.store.mget([...scopes.map((s) => this.generationKey(s)), ...keys]);
      const generationOf = new Map(scopes.map((s, i) => [s, found[i] ?? '0']));
      stamps = entries.map((e) => e.scopes.map((s) => generationOf.get(s)).join('.'));
      cached = found.slice(scopes.length);
    } catch {
      return { values: await loadMissing(all), fromCache: 0, bypassed: false, failed: true };
    }
    // A stored value is "<generations>|<json>"; one stored under other generations is stale.
    const values: Array<T | undefined> = cached.map((raw, i) => {
      const bar = raw?.indexOf('|') ?? -1;
      if (!raw || bar < 0 || raw.slice(0, bar) !== stamps[i]) return undefined;
      const value = JSON.parse(raw.slice(bar + 1)) as T;
      return isFresh(value) ? value : undefined;
    });
    const missing = all.filter((i) => values[i] === undefined);
    if (missing.length > 0) {
      const loaded = await loadMissing(missing);
      missing.forEach((entryIndex, j) => (values[entryIndex] = loaded[j]));
      try {
        await this.store.setMany(missing.map((i, j) => [keys[i]!, `${stamps[i]}|${JSON.stringify(loaded[j])}`] as const), ttlSeconds);
      } catch {
        // Storing is best effort; the values are still correct.
      }
    }
    return { values: values as T[], fromCache: entries.length - missing.length, bypassed: false, failed: false };
  }

  /**
   * Write-through for a committed change: stores the entries' new values under the
   * generations the change is about to take, then invalidates (increments) `changed`. Readers
   * keep hitting across the change instead of missing until someone reloads. If another
   * change increments a scope in between, the predicted stamps no longer match and those
   * entries are simply never served. Load only after the change has committed.
   */
  async replace<T>(
    cache: string,
    entries: ReadonlyArray<{ scopes: readonly string[]; key: string }>,
    changed: readonly string[],
    ttlSeconds: number,
    load: () => Promise<T[]>,
  ): Promise<void> {
    if (this.store.ready() && !entries.some((e) => e.scopes.some((s) => this.unconfirmed.has(s)))) {
      try {
        const scopes = [...new Set([...entries.flatMap((e) => e.scopes), ...changed])];
        const generations = await this.store.mget(scopes.map((s) => this.generationKey(s)));
        const next = new Map(scopes.map((s, i) => [s, String(Number(generations[i] ?? '0') + (changed.includes(s) ? 1 : 0))]));
        const values = await load();
        // Stored and incremented atomically: a value stamped with a generation is readable only
        // once that generation exists, and only if no other change took it first.
        await this.store.setManyAndIncr(
          entries.map((e, i) => [`${this.namespace}:${this.tagged(e.scopes[0]!)}:${cache}:${e.key}`, `${e.scopes.map((s) => next.get(s)).join('.')}|${JSON.stringify(values[i])}`] as const),
          ttlSeconds,
          changed.map((s) => this.generationKey(s)),
        );
        for (const scope of changed) this.unconfirmed.delete(scope);
        return;
      } catch {
        // Fall through: at least move the generations on.
      }
    }
    for (const scope of changed) await this.invalidate(scope);
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
