import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers.js';

describe('the web app served by the API process', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    const dist = await mkdtemp(join(tmpdir(), 'bp-web-'));
    await mkdir(join(dist, 'assets'));
    await writeFile(join(dist, 'index.html'), '<!doctype html><title>BarberPro</title><div id="root"></div>');
    await writeFile(join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
    await writeFile(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    ctx = await createTestContext({ deps: { webDist: `${dist}/` } });
  });
  afterAll(() => ctx.close());

  it('serves index.html at / and at client routes, never cached', async () => {
    for (const url of ['/', '/mis-turnos', '/panel/agenda?dia=2026-12-01']) {
      const res = await ctx.app.inject({ url, headers: { accept: 'text/html,application/xhtml+xml' } });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toContain('<div id="root">');
    }
  });

  it('serves fingerprinted assets for a year and top-level files', async () => {
    const asset = await ctx.app.inject({ url: '/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await ctx.app.inject({ url: '/favicon.svg' })).statusCode).toBe(200);
    expect((await ctx.app.inject({ url: '/assets/missing.js' })).statusCode).toBe(404);
  });

  it('keeps API paths answering problem+json, and refuses to leave the bundle directory', async () => {
    const api = await ctx.app.inject({ url: '/api/v1/nothing-here', headers: { accept: 'text/html' } });
    expect(api.statusCode).toBe(404);
    expect(api.headers['content-type']).toContain('application/problem+json');
    const traversal = await ctx.app.inject({ url: '/assets/..%2F..%2Fpackage.json' });
    expect([403, 404]).toContain(traversal.statusCode);
    expect(traversal.body).not.toContain('"name"');
  });
});
