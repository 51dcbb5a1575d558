import { describe, expect, it } from 'vitest';
import { Cache, MemoryCacheStore, type CacheResult, type CacheStore } from './cache.js';

function observed() {
  const results: CacheResult[] = [];
  return { results, observe: (_: string, r: CacheResult) => void results.push(r) };
}


/** A memory store whose generation increments fail while it is "down", as Redis would. */
function flakyStore(): { store: CacheStore; setDown: (down: boolean) => void } {
  const store = new MemoryCacheStore();
  let down = false;
  const failWhileDown = <T>(run: () => Promise<T>) => (down ? Promise.reject(new Error('down')) : run());
  return {
    store: {
      kind: 'redis',
      get: (k) => store.get(k),
      mget: (k) => store.mget(k),
      set: (k, v, t) => store.set(k, v, t),
      setMany: (e, t) => store.setMany(e, t),
      setManyAndIncr: (e, t, k) => failWhileDown(() => store.setManyAndIncr(e, t, k)),
      incr: (k) => failWhileDown(() => store.incr(k)),
      ready: () => true,
    },
    setDown: (value) => void (down = value),
  };
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
      mget: async () => {
        throw new Error('ECONNREFUSED');
      },
      setMany: async () => {
        throw new Error('ECONNREFUSED');
      },
      setManyAndIncr: async () => {
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
    const { store: flaky, setDown } = flakyStore();
    const { results, observe } = observed();
    const cache = new Cache(flaky, observe);
    await cache.readThrough('c', 's', 'k', 60, async () => 'old');
    setDown(true);
    await cache.invalidate('s'); // lost: the old entry is still in the store
    expect(await cache.readThrough('c', 's', 'k', 60, async () => 'new')).toBe('new');
    setDown(false);
    await cache.retryInvalidations();
    expect(await cache.readThrough('c', 's', 'k', 60, async () => 'newer')).toBe('newer');
    expect(results).toEqual(['miss', 'bypass', 'miss']);
  });
});

describe('Cache.readMany', () => {
  const day = (d: string) => ({ scopes: [`shop:1/agenda:${d}`, 'shop:1/agenda'], key: 'busy' });

  it('loads only the entries whose scopes changed, and says how many came from the store', async () => {
    const cache = new Cache(new MemoryCacheStore());
    const loads: string[][] = [];
    let version = 1;
    const days = ['2026-12-01', '2026-12-02', '2026-12-03'];
    const read = () =>
      cache.readMany('c', days.map(day), 60, async (indexes) => {
        loads.push(indexes.map((i) => days[i]!));
        return indexes.map((i) => `${days[i]}@v${version}`);
      });
    expect(await read()).toEqual({ values: ['2026-12-01@v1', '2026-12-02@v1', '2026-12-03@v1'], fromCache: 0, bypassed: false, failed: false });
    expect(await read()).toEqual({ values: ['2026-12-01@v1', '2026-12-02@v1', '2026-12-03@v1'], fromCache: 3, bypassed: false, failed: false });
    version = 2;
    await cache.invalidate('shop:1/agenda:2026-12-02');
    expect(await read()).toEqual({ values: ['2026-12-01@v1', '2026-12-02@v2', '2026-12-03@v1'], fromCache: 2, bypassed: false, failed: false });
    // The scope shared by every entry invalidates them all.
    version = 3;
    await cache.invalidate('shop:1/agenda');
    expect((await read()).values).toEqual(['2026-12-01@v3', '2026-12-02@v3', '2026-12-03@v3']);
    expect(loads).toEqual([days, ['2026-12-02'], days]);
  });

  it('a value loaded before an invalidation is never served after it', async () => {
    const cache = new Cache(new MemoryCacheStore());
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = cache.readMany('c', [day('2026-12-01')], 60, async () => {
      await gate;
      return ['free at 10:00'];
    });
    await new Promise((r) => setTimeout(r, 5));
    await cache.invalidate('shop:1/agenda:2026-12-01');
    release();
    expect((await slow).values).toEqual(['free at 10:00']);
    expect((await cache.readMany('c', [day('2026-12-01')], 60, async () => ['booked at 10:00'])).values).toEqual(['booked at 10:00']);
  });

  it('bypasses the store while an invalidation of one of the scopes is unconfirmed', async () => {
    const { store: flaky, setDown } = flakyStore();
    const cache = new Cache(flaky);
    await cache.readMany('c', [day('2026-12-01')], 60, async () => ['old']);
    setDown(true);
    await cache.invalidate('shop:1/agenda:2026-12-01');
    const during = await cache.readMany('c', [day('2026-12-01')], 60, async () => ['new']);
    expect(during).toEqual({ values: ['new'], fromCache: 0, bypassed: true, failed: false });
    setDown(false);
    await cache.retryInvalidations();
    expect((await cache.readMany('c', [day('2026-12-01')], 60, async () => ['newest'])).values).toEqual(['newest']);
  });

  it('replace stores the new value under the next generation: readers hit it, and a newer change overtakes it', async () => {
    const cache = new Cache(new MemoryCacheStore());
    expect((await cache.readMany('c', [day('2026-12-01')], 60, async () => ['before'])).values).toEqual(['before']);
    await cache.replace('c', [day('2026-12-01')], ['shop:1/agenda:2026-12-01'], 60, async () => ['after booking 1']);
    expect(await cache.readMany('c', [day('2026-12-01')], 60, async () => ['loaded'])).toMatchObject({ values: ['after booking 1'], fromCache: 1 });

    // Another change lands while this one is loading: its generation moves past the prediction.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = cache.replace('c', [day('2026-12-01')], ['shop:1/agenda:2026-12-01'], 60, async () => {
      await gate;
      return ['after booking 2 only'];
    });
    await new Promise((r) => setTimeout(r, 5));
    // Booking 3's change completes first, with data that includes booking 2 and 3.
    await cache.replace('c', [day('2026-12-01')], ['shop:1/agenda:2026-12-01'], 60, async () => ['after bookings 2 and 3']);
    expect((await cache.readMany('c', [day('2026-12-01')], 60, async () => ['loaded'])).values).toEqual(['after bookings 2 and 3']);
    release();
    await slow;
    // The slow change's value (without booking 3) is never served after booking 3 returned.
    expect(await cache.readMany('c', [day('2026-12-01')], 60, async () => ['reloaded: 2 and 3'])).toMatchObject({ values: ['reloaded: 2 and 3'], fromCache: 0 });
  });

  it('keys every scope of a shop under the shop’s hash tag (one Redis Cluster slot)', async () => {
    const keys: string[] = [];
    const store = new MemoryCacheStore();
    const spying: CacheStore = {
      kind: 'memory',
      get: (k) => store.get(k),
      mget: (k) => (keys.push(...k), store.mget(k)),
      set: (k, v, t) => store.set(k, v, t),
      setMany: (e, t) => store.setMany(e, t),
      setManyAndIncr: (e, t, k) => store.setManyAndIncr(e, t, k),
      incr: (k) => store.incr(k),
      ready: () => true,
    };
    await new Cache(spying).readMany('c', [day('2026-12-01'), day('2026-12-02')], 60, async (i) => i.map(() => 1));
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key.match(/\{[^}]*\}/)?.[0]).toBe('{shop:1}');
  });
});
