import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { mayReplay, TrafficSwitcher } from './switcher.js';
import { freePort } from './local-drill.js';

const servers: Server[] = [];
const switchers: TrafficSwitcher[] = [];
afterEach(async () => {
  await Promise.all(switchers.splice(0).map((s) => s.close()));
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** An upstream that answers with its name and echoes request bodies. */
async function upstream(name: string, status = 200): Promise<{ url: string; bodies: string[] }> {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      bodies.push(body);
      res.writeHead(status, { 'content-type': 'text/plain' }).end(name);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, bodies };
}

async function proxy(blueUrl: string) {
  const switcher = new TrafficSwitcher({ colour: 'blue', url: blueUrl });
  switchers.push(switcher);
  return { switcher, base: await switcher.listen(0) };
}

async function hits(base: string, n: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const body = await (await fetch(`${base}/x?i=${i}`)).text();
    counts[body] = (counts[body] ?? 0) + 1;
  }
  return counts;
}

describe('traffic switcher', () => {
  it('sends exactly the canary weight to the canary, then everything after the switch', async () => {
    const blue = await upstream('blue');
    const green = await upstream('green');
    const { switcher, base } = await proxy(blue.url);
    expect(await hits(base, 20)).toEqual({ blue: 20 });
    switcher.attachCanary({ colour: 'green', url: green.url }, () => undefined);
    switcher.setWeight(10);
    expect(await hits(base, 100)).toEqual({ blue: 90, green: 10 });
    switcher.setWeight(100);
    expect(await hits(base, 30)).toEqual({ green: 30 });
    const previous = switcher.promote();
    expect(previous.url).toBe(blue.url);
    expect(switcher.statsOf(blue.url)).toMatchObject({ served: 110, inFlight: 0 });
  });

  it('passes method, path, query and body through and tags who served', async () => {
    const blue = await upstream('blue');
    const { base } = await proxy(blue.url);
    const response = await fetch(`${base}/api/v1/bookings?x=1`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(response.headers.get('x-served-by')).toBe('blue');
    expect(await response.text()).toBe('blue');
    expect(blue.bodies).toEqual(['{"a":1}']);
  });

  it('replays a request the canary refused on the stable version and reports the canary error', async () => {
    const blue = await upstream('blue');
    const deadPort = await freePort();
    const { switcher, base } = await proxy(blue.url);
    const errors: unknown[] = [];
    switcher.attachCanary({ colour: 'green', url: `http://127.0.0.1:${deadPort}` }, (e) => errors.push(e));
    switcher.setWeight(100);
    const response = await fetch(`${base}/api/v1/bookings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"b":2}' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('blue');
    expect(blue.bodies).toEqual(['{"b":2}']);
    expect(errors).toHaveLength(1);
    expect(switcher.statsOf(`http://127.0.0.1:${deadPort}`).retriedElsewhere).toBe(1);
  });

  it('answers 502 problem+json when the stable version itself is down', async () => {
    const { base } = await proxy(`http://127.0.0.1:${await freePort()}`);
    const response = await fetch(`${base}/api/v1/shops`);
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });

  it('rollback detaches the canary so nothing more goes to it', async () => {
    const blue = await upstream('blue');
    const green = await upstream('green');
    const { switcher, base } = await proxy(blue.url);
    switcher.attachCanary({ colour: 'green', url: green.url }, () => undefined);
    switcher.setWeight(50);
    await hits(base, 10);
    switcher.rollback('test');
    expect(await hits(base, 20)).toEqual({ blue: 20 });
    expect(switcher.events.map((e) => e.kind)).toEqual(['weight', 'rollback']);
  });
});

describe('mayReplay', () => {
  const refused = Object.assign(new Error('x'), { cause: { code: 'ECONNREFUSED' } });
  const reset = Object.assign(new Error('x'), { cause: { code: 'ECONNRESET' } });
  it('replays anything that never reached the upstream', () => expect(mayReplay('POST', {}, refused)).toBe(true));
  it('replays idempotent methods after a reset', () => expect(mayReplay('GET', {}, reset)).toBe(true));
  it('replays a POST after a reset only with an Idempotency-Key', () => {
    expect(mayReplay('POST', {}, reset)).toBe(false);
    expect(mayReplay('POST', { 'idempotency-key': 'k' }, reset)).toBe(true);
  });
});
