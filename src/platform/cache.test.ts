import { describe, expect, it } from 'vitest';
import { Cache, MemoryCacheStore, type CacheResult, type CacheStore } from './cache.js';

function observed() {
  const results: CacheResult[] = [];
  return { results, observe: (_: string, r: CacheResult) => void results.push(r) };
}

describe('MemoryCacheStore', () => {
  it('expires entries after their TTL and evicts the least recently used', async () => {
    let now = 0;
    const store = new MemoryCacheStore(2, () => now);
    await store.set('a', '1', 10);
    await store.set('b', '2', 10);
    await store.get('a'); // a is now more recent than b
    await store.set('c', '3', 10);
    expect(await store.get('b')).toBeNull();
    expect(await store.get('a')).toBe('1');
    now = 11_000;
    expect(await store.get('a')).toBeNull();
  });
});

describe('Cache', () => {
  it('serves hits until the scope is invalidated', async () => {
    const { results, observe } = observed();
    const cache = new Cache(new MemoryCacheStore(), observe);
    let loads = 0;
    const load = async () => ++loads;
    expect(await cache.readThrough('c', 's', 'k', 60, load)).toBe(1);
    expect(await cache.readThrough('c', 's', 'k', 60, load)).toBe(1);
    await cache.invalidate('s');
    expect(await cache.readThrough('c', 's', 'k', 60, load)).toBe(2);
    expect(results).toEqual(['miss', 'hit', 'miss']);
  });

  it('a value computed before an invalidation is never served after it', async () => {
    const cache = new Cache(new MemoryCacheStore());
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // A slow reader starts computing from the "old" state …
    const slow = cache.readThrough('c', 's', 'k', 60, async () => {
      await gate;
      return 'before the booking';
    });
    await new Promise((r) => setTimeout(r, 5));
    // … the booking commits and invalidates, then the slow reader stores its stale value.
    await cache.invalidate('s');
    release();
    expect(await slow).toBe('before the booking');
    expect(await cache.readThrough('c', 's', 'k', 60, async () => 'after the booking')).toBe('after the booking');
  });

  it('falls back to loading when the store fails, and never fails the read', async () => {
    const broken: CacheStore = {
      kind: 'redis',
      get: async () => {
        throw new Error('ECONNREFUSED');
      },
      set: async () => {
        throw new Error('ECONNREFUSED');
      },
      incr: async () => {
        throw new Error('ECONNREFUSED');
      },
      ready: () => true,
    };
    const { results, observe } = observed();
    const cache = new Cache(broken, observe);
    expect(await cache.readThrough('c', 's', 'k', 60, async () => 'from PostgreSQL')).toBe('from PostgreSQL');
    expect(results).toEqual(['error']);
  });

  it('bypasses a scope whose invalidation did not reach the store until it does', async () => {
    const store = new MemoryCacheStore();
    let down = false;
    const flaky: CacheStore = {
      kind: 'redis',
      get: (k) => store.get(k),
      set: (k, v, t) => store.set(k, v, t),
      incr: async (k) => {
        if (down) throw new Error('down');
        return store.incr(k);
      },
      ready: () => true,
    };
    const { results, observe } = observed();
    const cache = new Cache(flaky, observe);
    await cache.readThrough('c', 's', 'k', 60, async () => 'old');
    down = true;
    await cache.invalidate('s'); // lost: the old entry is still in the store
    expect(await cache.readThrough('c', 's', 'k', 60, async () => 'new')).toBe('new');
    down = false;
    await cache.retryInvalidations();
    expect(await cache.readThrough('c', 's', 'k', 60, async () => 'newer')).toBe('newer');
    expect(results).toEqual(['miss', 'bypass', 'miss']);
  });
});
