import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers.js';

/**
 * The load balancer deregisters an instance with SIGTERM: requests already in flight must
 * finish, then the process exits cleanly. Runs the real CLI on a throwaway embedded database.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'barberpro-shutdown-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('graceful shutdown', () => {
  it('finishes in-flight requests after SIGTERM, then exits 0 and stops accepting', async () => {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', SEED_DEMO: 'true', LOG_LEVEL: 'warn', NODE_ENV: 'development' };
    delete env.DATABASE_URL;
    delete env.REDIS_URL;
    const child = spawn(process.execPath, ['bin/barberpro.mjs', 'serve'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const base = `http://127.0.0.1:${port}`;

    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        if ((await fetch(`${base}/readyz`)).status === 200) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`server did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 200));
    }

    const shops = (await (await fetch(`${base}/api/v1/shops?city=Rosario`)).json()) as { items: Array<{ id: string }> };
    const shop = (await (await fetch(`${base}/api/v1/shops/${shops.items[0]!.id}`)).json()) as { services: Array<{ id: string }> };
    // A cold 60-day "any barber" availability request: long enough to be in flight at SIGTERM.
    const inFlight = fetch(`${base}/api/v1/shops/${shop.services.length && shops.items[0]!.id}/availability?serviceId=${shop.services[0]!.id}&from=2026-12-01&to=2027-01-30`);
    await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGTERM');

    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { slots: unknown[] }).slots).toBeInstanceOf(Array);
    expect(await exited).toBe(0);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  }, 90_000);
});
