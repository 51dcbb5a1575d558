import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parsePrometheus } from '../../bench/load/prometheus.js';
import { createTestContext, freePort, TEST_ENV, type TestContext } from '../helpers.js';

/**
 * `serve --workers 2`: whichever worker answers GET /metrics, Prometheus gets the service's
 * totals — counters summed over the workers, database-wide gauges counted once.
 */
const templateUrl = inject('templateDatabaseUrl');
const METRICS_TOKEN = 'cluster-metrics-test-token-0123456789';

let ctx: TestContext;
let child: ChildProcess | undefined;
let base = '';
let dataDir = '';

async function scrape(scope?: 'process') {
  const res = await fetch(`${base}/metrics${scope ? '?scope=process' : ''}`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(res.status).toBe(200);
  return { scope: res.headers.get('x-metrics-scope'), samples: parsePrometheus(await res.text()) };
}

const valueOf = (samples: ReturnType<typeof parsePrometheus>, name: string, labels: Record<string, string>) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);

describe.skipIf(!templateUrl)('GET /metrics under serve --workers 2', () => {
  beforeAll(async () => {
    ctx = await createTestContext();
    const name = (await sql<{ name: string }>`select current_database() as name`.execute(ctx.database.db)).rows[0]!.name;
    const url = new URL(templateUrl!);
    url.pathname = `/${name}`;
    dataDir = mkdtempSync(join(tmpdir(), 'barberpro-cluster-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...TEST_ENV,
      NODE_ENV: 'development',
      DATABASE_URL: url.toString(),
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      SEED_DEMO: 'true',
      METRICS_TOKEN,
      LOG_LEVEL: 'warn',
    };
    delete env.REDIS_URL; // in-process queues: nothing shared but the database
    child = spawn(process.execPath, ['bin/barberpro.mjs', 'serve', '--workers', '2'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const deadline = Date.now() + 60_000;
    // Ready when the primary merges both workers' metrics.
    for (;;) {
      try {
        const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
        if (res.status === 200 && res.headers.get('x-metrics-scope') === 'cluster; workers=2/2') break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`cluster did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 90_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await ctx?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('sums counters over both workers and counts database-wide gauges once', async () => {
    const before = await scrape();
    expect(before.scope).toBe('cluster; workers=2/2');
    const route = { method: 'GET', route: '/api/v1/shops', status_code: '200' };
    const searchesBefore = valueOf(before.samples, 'http_request_duration_seconds_count', route);

    // 20 requests on fresh connections: the primary deals them to both workers.
    for (let i = 0; i < 20; i++) expect((await fetch(`${base}/api/v1/shops?city=Rosario`, { headers: { connection: 'close' } })).status).toBe(200);

    const after = await scrape();
    expect(after.scope).toBe('cluster; workers=2/2');
    expect(valueOf(after.samples, 'http_request_duration_seconds_count', route) - searchesBefore).toBe(20);

    // Each worker alone saw only part of them.
    const own = await scrape('process');
    expect(own.scope).toBe('process');
    expect(valueOf(own.samples, 'http_request_duration_seconds_count', route)).toBeLessThan(valueOf(after.samples, 'http_request_duration_seconds_count', route));

    // The bookings gauge is read from the database: once, not once per worker.
    await sql`
      insert into bookings (shop_id, barber_id, service_id, customer_id, status, starts_at, ends_at, blocked_from, blocked_to, price_cents, deposit_cents)
      select b.shop_id, b.id, s.id, u.id, 'confirmed', t, t + interval '30 minutes', t, t + interval '30 minutes', s.price_cents, 0
      from (select * from barbers order by id limit 1) b
      join services s on s.shop_id = b.shop_id
      cross join (select id from users where role = 'customer' order by id limit 1) u
      cross join generate_series(timestamptz '2027-03-01 12:00Z', timestamptz '2027-03-01 13:00Z', interval '30 minutes') t
      where s.id = (select id from services where shop_id = b.shop_id order by id limit 1)`.execute(ctx.database.db);
    const [{ n }] = (await sql<{ n: string }>`select count(*) as n from bookings`.execute(ctx.database.db)).rows as [{ n: string }];
    expect(Number(n)).toBe(3);
    expect(valueOf((await scrape()).samples, 'barberpro_bookings', {})).toBe(3);
  }, 60_000);
});
