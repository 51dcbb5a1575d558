import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { BuiltRequest } from '../../bench/load/driver.js';
import { poissonIntervals, runOpenLoopStage } from '../../bench/load/open-loop.js';
import { mulberry32 } from '../../bench/slot-engine.js';

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A loopback server answering /healthz at once and everything else as `handle` says. */
async function serve(handle: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<string> {
  const server = http.createServer((req, res) => {
    if (req.url === '/healthz') return res.end('ok');
    handle(req, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const get = (path: string, kind = 'read'): (() => BuiltRequest) => () => ({ kind, method: 'GET', path, headers: {} });

describe('open-loop arrivals', () => {
  it('are exponential intervals with mean 1/rate, not evenly spaced', () => {
    const next = poissonIntervals(200, mulberry32(7));
    const samples = Array.from({ length: 20_000 }, next);
    const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
    const sd = Math.sqrt(samples.reduce((a, b) => a + (b - mean) ** 2, 0) / samples.length);
    expect(mean).toBeGreaterThan(4.8);
    expect(mean).toBeLessThan(5.2);
    // An exponential's standard deviation equals its mean; a paced (constant) schedule's is 0.
    expect(sd / mean).toBeGreaterThan(0.95);
    expect(sd / mean).toBeLessThan(1.05);
    expect(samples.every((x) => x >= 0 && Number.isFinite(x))).toBe(true);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => poissonIntervals(0, Math.random)).toThrow(RangeError);
  });
});

describe('open-loop stage', () => {
  it('counts the time a request waited for a socket: an overloaded server shows its queue', async () => {
    // One connection, 100 ms per answer: at most 10 req/s, offered 25 req/s for 1 s.
    const url = await serve((_req, res) => setTimeout(() => res.end('{}'), 100));
    const result = await runOpenLoopStage({ url, connections: 1, rate: 25, durationSeconds: 1, next: get('/slow'), random: mulberry32(3), timeoutSeconds: 10 });
    expect(result.arrivals).toBeGreaterThan(10);
    expect(result.total.errors).toBe(0);
    expect(result.total.responses).toBe(result.arrivals);
    expect(result.maxOutstanding).toBeGreaterThan(3);
    // A closed loop would report ~100 ms for every request; arrivals that queued behind others waited longer.
    expect(result.total.latencyMs!.p95).toBeGreaterThan(500);
    expect(result.total.latencyMs!.p50).toBeGreaterThan(150);
  });

  it('reports latencies near the service time when the server keeps up', async () => {
    const url = await serve((_req, res) => setTimeout(() => res.end('{}'), 5));
    const result = await runOpenLoopStage({ url, connections: 20, rate: 100, durationSeconds: 1, next: get('/fast'), random: mulberry32(11), timeoutSeconds: 10 });
    expect(result.arrivals).toBeGreaterThan(60);
    expect(result.arrivals).toBeLessThan(140);
    expect(result.total.ok).toBe(result.arrivals);
    expect(result.total.latencyMs!.p50).toBeLessThan(100);
    expect(result.byKind.read!.responses).toBe(result.arrivals);
  });

  it('counts non-2xx answers and unanswered requests as errors, with samples', async () => {
    const url = await serve((req, res) => {
      if (req.url === '/broken') {
        res.statusCode = 500;
        return res.end('{"code":"boom"}');
      }
      // /hang never answers.
    });
    let n = 0;
    const next = (): BuiltRequest => (n++ % 2 === 0 ? get('/broken', 'broken')() : get('/hang', 'hang')());
    const result = await runOpenLoopStage({ url, connections: 10, rate: 20, durationSeconds: 0.5, next, random: mulberry32(5), timeoutSeconds: 0.3 });
    expect(result.byKind.broken!.non2xx).toBe(result.byKind.broken!.sent);
    expect(result.byKind.broken!.errorSamples[0]).toContain('500 GET /broken');
    expect(result.byKind.hang!.timeouts).toBe(result.byKind.hang!.sent);
    expect(result.total.errors).toBe(result.arrivals);
    expect(result.unanswered).toBe(0);
  });

  it('stops arriving when the scenario runs out', async () => {
    const url = await serve((_req, res) => res.end('{}'));
    let left = 5;
    const next = (): BuiltRequest => (left-- > 0 ? get('/ok')() : { kind: 'read', method: 'GET', path: '/healthz', headers: {}, ignore: true });
    const result = await runOpenLoopStage({ url, connections: 5, rate: 200, durationSeconds: 2, next, random: mulberry32(9) });
    expect(result.stoppedEarly).toBe(true);
    expect(result.arrivals).toBe(5);
    expect(result.total.ok).toBe(5);
  });
});
