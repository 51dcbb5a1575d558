import { describe, expect, it } from 'vitest';
import { parseRedisTarget } from './redis.js';

describe('REDIS_URL parsing', () => {
  it('reads one server with credentials, database and TLS', () => {
    expect(parseRedisTarget('rediss://app:s%40cret@cache.internal:6380/2')).toEqual({
      nodes: [{ host: 'cache.internal', port: 6380 }],
      cluster: false,
      username: 'app',
      password: 's@cret',
      db: 2,
      tls: true,
    });
    expect(parseRedisTarget('redis://127.0.0.1')).toEqual({ nodes: [{ host: '127.0.0.1', port: 6379 }], cluster: false, tls: false });
  });

  it('reads a cluster from its configuration endpoint or several seed nodes', () => {
    expect(parseRedisTarget('rediss://clustercfg.bp.cache.amazonaws.com:6379', true)).toMatchObject({ nodes: [{ host: 'clustercfg.bp.cache.amazonaws.com', port: 6379 }], cluster: true, tls: true });
    expect(parseRedisTarget('redis://10.0.0.1:7000, redis://10.0.0.2:7001', true).nodes).toEqual([
      { host: '10.0.0.1', port: 7000 },
      { host: '10.0.0.2', port: 7001 },
    ]);
  });

  it('refuses what a cluster cannot do and lists without cluster mode', () => {
    expect(() => parseRedisTarget('redis://10.0.0.1:7000/3', true)).toThrow(/no numbered databases/);
    expect(() => parseRedisTarget('redis://a:1,redis://b:2')).toThrow(/REDIS_CLUSTER=true/);
    expect(() => parseRedisTarget('http://a:1')).toThrow(/redis:\/\/ or rediss:\/\//);
    expect(() => parseRedisTarget('redis://a:1/x')).toThrow(/must be a number/);
  });
});
