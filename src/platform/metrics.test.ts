import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { createShopFixture, type ShopFixture } from '../../test/fixtures.js';
import { createTestContext, expectProblem, json, TEST_ENV, TEST_JWT_SECRET, type TestContext, type TestUser } from '../../test/helpers.js';
import { loadConfig } from './config.js';
import { createDatabase } from './db/database.js';
import { NO_REGION, OTHER_REGION, RegionLabels, ShopRegions } from './metrics.js';
import { JOB_NAMES } from './queue/queue.js';

const METRICS_TOKEN = 'scraper-token-for-tests-0123456789';
const scraper = { authorization: `Bearer ${METRICS_TOKEN}` };

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text format, enough of it for assertions. */
function parse(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`unparseable line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

function find(samples: Sample[], name: string, labels: Record<string, string> = {}): Sample[] {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = find(samples, name, labels);
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} series`);
  return found[0]?.value;
}

let ctx: TestContext;
let customer: TestUser;
let cuyo: ShopFixture;
let litoral: ShopFixture;

async function scrape(): Promise<{ text: string; samples: Sample[] }> {
  const res = await ctx.app.inject({ url: '/metrics', headers: scraper });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
  return { text: res.body, samples: parse(res.body) };
}

async function book(shop: ShopFixture, service: string, start: string, user = customer, barberId?: string) {
  return ctx.app.inject({
    method: 'POST',
    url: '/api/v1/bookings',
    headers: user.auth,
    payload: { shopId: shop.shopId, serviceId: shop.services[service]!.id, start, ...(barberId ? { barberId } : {}) },
  });
}

beforeAll(async () => {
  ctx = await createTestContext({ env: { METRICS_TOKEN } });
  customer = await ctx.createUser('customer');
  const services = [
    { key: 'cut', durationMinutes: 30, priceCents: 1_000_000 },
    { key: 'color', durationMinutes: 60, priceCents: 3_000_000, deposit: { kind: 'fixed' as const, value: 500_000 } },
  ];
  cuyo = await createShopFixture(ctx, { city: 'Mendoza', province: 'Mendoza', region: 'Cuyo', barbers: 1, services });
  litoral = await createShopFixture(ctx, { region: 'LITORAL ', barbers: 1, services });
});
afterAll(async () => ctx.close());

describe('GET /metrics access', () => {
  it('answers the scraper token and admins; refuses anonymous (401), wrong tokens (401) and other roles (403)', async () => {
    expectProblem(await ctx.app.inject({ url: '/metrics' }), 401, 'unauthorized');
    expectProblem(await ctx.app.inject({ url: '/metrics', headers: { authorization: 'Bearer not-the-metrics-token' } }), 401, 'unauthorized');
    expectProblem(await ctx.app.inject({ url: '/metrics', headers: customer.auth }), 403, 'forbidden');
    expectProblem(await ctx.app.inject({ url: '/metrics', headers: cuyo.owner.auth }), 403, 'forbidden');
    const admin = await ctx.createUser('admin');
    expect((await ctx.app.inject({ url: '/metrics', headers: admin.auth })).statusCode).toBe(200);
    const { samples } = await scrape();
    // Default process metrics come along.
    expect(value(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(find(samples, 'nodejs_heap_size_used_bytes')).toHaveLength(1);
  });

  it('is not in the public OpenAPI document', async () => {
    expect(json(await ctx.app.inject({ url: '/openapi.json' })).paths['/metrics']).toBeUndefined();
  });
});

describe('HTTP metrics', () => {
  it('times requests by route pattern and provider region, never by raw URL', async () => {
    const before = value((await scrape()).samples, 'http_request_duration_seconds_count', {
      method: 'GET',
      route: '/api/v1/shops/:shopId',
      status_code: '200',
      region: 'cuyo',
    });
    for (let i = 0; i < 3; i++) expect((await ctx.app.inject({ url: `/api/v1/shops/${cuyo.shopId}` })).statusCode).toBe(200);
    expect((await ctx.app.inject({ url: `/api/v1/shops/${litoral.shopId}?utm=secret-campaign` })).statusCode).toBe(200);
    const serviceId = cuyo.services.cut!.id;
    expect((await ctx.app.inject({ url: `/api/v1/shops/${cuyo.shopId}/availability?serviceId=${serviceId}&from=2026-12-02&to=2026-12-03` })).statusCode).toBe(200);
    expect((await ctx.app.inject({ url: '/api/v1/shops?city=Mendoza' })).statusCode).toBe(200);
    const unknownShop = randomUUID();
    expect((await ctx.app.inject({ url: `/api/v1/shops/${unknownShop}` })).statusCode).toBe(404);

    const { text, samples } = await scrape();
    const shopCount = { method: 'GET', route: '/api/v1/shops/:shopId', status_code: '200' };
    expect(value(samples, 'http_request_duration_seconds_count', { ...shopCount, region: 'cuyo' })).toBe((before ?? 0) + 3);
    // "LITORAL " and "Litoral" are one region.
    expect(value(samples, 'http_request_duration_seconds_count', { ...shopCount, region: 'litoral' })).toBe(1);
    expect(
      value(samples, 'http_request_duration_seconds_count', { method: 'GET', route: '/api/v1/shops/:shopId/availability', status_code: '200', region: 'cuyo' }),
    ).toBe(1);
    expect(value(samples, 'http_request_duration_seconds_count', { method: 'GET', route: '/api/v1/shops', status_code: '200', region: NO_REGION })).toBeGreaterThanOrEqual(1);
    // An id that is no shop is no region.
    expect(value(samples, 'http_request_duration_seconds_count', { method: 'GET', route: '/api/v1/shops/:shopId', status_code: '404', region: NO_REGION })).toBe(1);

    // The SLO bucket (200 ms) is there, and buckets are cumulative up to +Inf = count.
    const buckets = find(samples, 'http_request_duration_seconds_bucket', { ...shopCount, region: 'cuyo' });
    expect(buckets.map((b) => b.labels.le)).toEqual(['0.005', '0.01', '0.025', '0.05', '0.1', '0.2', '0.3', '0.5', '1', '2', '5', '+Inf']);
    expect(buckets.at(-1)!.value).toBe((before ?? 0) + 3);
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.value).toBeGreaterThanOrEqual(buckets[i - 1]!.value);
    expect(value(samples, 'http_request_duration_seconds_sum', { ...shopCount, region: 'cuyo' })).toBeGreaterThan(0);

    // Ids, query strings and search terms never become labels.
    for (const raw of [cuyo.shopId, litoral.shopId, unknownShop, serviceId, 'secret-campaign', 'Mendoza']) expect(text).not.toContain(raw);
  });

  it('counts errors by status class, route pattern and problem code (404, 409, 401)', async () => {
    expectProblem(await ctx.app.inject({ url: `/api/v1/nothing-here/${randomUUID()}` }), 404, 'route_not_found');
    const first = await book(cuyo, 'cut', '2026-12-02T10:00:00-03:00');
    expect(first.statusCode, first.body).toBe(201);
    const other = await ctx.createUser('customer');
    expectProblem(await book(cuyo, 'cut', '2026-12-02T10:00:00-03:00', other), 409, 'slot_unavailable');
    expectProblem(await ctx.app.inject({ url: '/metrics' }), 401, 'unauthorized');

    const { text, samples } = await scrape();
    expect(value(samples, 'http_requests_errors_total', { method: 'GET', route: 'unmatched', status_class: '4xx', code: 'route_not_found' })).toBeGreaterThanOrEqual(1);
    expect(value(samples, 'http_requests_errors_total', { method: 'POST', route: '/api/v1/bookings', status_class: '4xx', code: 'slot_unavailable' })).toBe(1);
    expect(value(samples, 'http_requests_errors_total', { method: 'GET', route: '/metrics', status_class: '4xx', code: 'unauthorized' })).toBeGreaterThanOrEqual(1);
    // The 409 is timed too, in the region of the shop it was for.
    expect(value(samples, 'http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/bookings', status_code: '409', region: 'cuyo' })).toBe(1);
    expect(text).not.toContain('nothing-here');
  });
});

describe('business metrics', () => {
  it('bookings by status and region and active holds match the database; creations are counted by region', async () => {
    const createdBefore = parse((await scrape()).text);
    const cuyoCreatedBefore = value(createdBefore, 'barberpro_bookings_created_total', { region: 'cuyo' }) ?? 0;

    // Confirmed (no deposit), pending with a hold (deposit), and one cancelled, in two regions.
    const made = [
      await book(cuyo, 'cut', '2026-12-03T10:00:00-03:00'),
      await book(cuyo, 'color', '2026-12-03T11:00:00-03:00'),
      await book(cuyo, 'cut', '2026-12-03T15:00:00-03:00'),
      await book(litoral, 'color', '2026-12-03T10:00:00-03:00'),
      await book(litoral, 'cut', '2026-12-04T10:00:00-03:00'),
    ];
    for (const res of made) expect(res.statusCode, res.body).toBe(201);
    const statuses = made.map((r) => json(r).status as string);
    expect(statuses).toEqual(['confirmed', 'pending', 'confirmed', 'pending', 'confirmed']);
    const cancel = await ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${json(made[2]!).id}/cancel`, headers: customer.auth, payload: {} });
    expect(cancel.statusCode, cancel.body).toBe(200);

    const { samples } = await scrape();
    const rows = await ctx.database.db
      .selectFrom('bookings as b')
      .innerJoin('shops as s', 's.id', 'b.shop_id')
      .select(['s.region', 'b.status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy(['s.region', 'b.status'])
      .execute();
    const expected = new Map<string, number>();
    for (const r of rows) {
      const key = `${r.status}|${r.region.trim().toLowerCase()}`;
      expected.set(key, (expected.get(key) ?? 0) + Number(r.n));
    }
    const reported = find(samples, 'barberpro_bookings');
    for (const s of reported) expect(s.value, `${s.labels.status} ${s.labels.region}`).toBe(expected.get(`${s.labels.status}|${s.labels.region}`) ?? 0);
    for (const [key, n] of expected) expect(value(samples, 'barberpro_bookings', { status: key.split('|')[0]!, region: key.split('|')[1]! })).toBe(n);
    expect(value(samples, 'barberpro_bookings', { status: 'cancelled', region: 'cuyo' })).toBe(1);
    // Every status of a region with bookings is there, measured zeros included.
    expect(value(samples, 'barberpro_bookings', { status: 'no_show', region: 'litoral' })).toBe(0);

    const holds = await ctx.database.db
      .selectFrom('bookings')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'pending')
      .where('hold_expires_at', '>', ctx.clock.now())
      .executeTakeFirstOrThrow();
    expect(Number(holds.n)).toBe(2);
    expect(value(samples, 'barberpro_active_holds', { region: 'cuyo' })).toBe(1);
    expect(value(samples, 'barberpro_active_holds', { region: 'litoral' })).toBe(1);

    expect(value(samples, 'barberpro_bookings_created_total', { region: 'cuyo' })).toBe(cuyoCreatedBefore + 3);
    expect(value(samples, 'barberpro_bookings_created_total', { region: 'litoral' })).toBe(2);
    expect(value(samples, 'barberpro_agenda_events_total', { type: 'cancelled', region: 'cuyo' })).toBe(1);
    for (const collector of ['bookings', 'active_holds', 'queue']) expect(value(samples, 'barberpro_metrics_collector_success', { collector })).toBe(1);

    // Holds stop counting once they expire (by the app's clock, as the sweep sees them).
    ctx.clock.advance(11 * 60_000);
    const later = (await scrape()).samples;
    expect(find(later, 'barberpro_active_holds').map((s) => s.value)).toEqual([0, 0]);
  });

  it('reports queue depth per queue and state', async () => {
    const before = (await scrape()).samples;
    expect(find(before, 'barberpro_queue_jobs')).toHaveLength(JOB_NAMES.length * 4);
    const waiting = value(before, 'barberpro_queue_jobs', { queue: 'rollups.daily', state: 'waiting' })!;
    await ctx.app.queue.enqueue('rollups.daily', {}, { jobId: 'metrics-test', delayMs: 3_600_000 });
    const after = (await scrape()).samples;
    expect(value(after, 'barberpro_queue_jobs', { queue: 'rollups.daily', state: 'waiting' })).toBe(waiting + 1);
    expect(value(after, 'barberpro_queue_jobs', { queue: 'holds.expire', state: 'failed' })).toBe(0);
  });

  it('counts cache lookups through the API the cache module calls', async () => {
    // The app's own cache reports through it.
    for (let i = 0; i < 2; i++) expect((await ctx.app.inject({ url: `/api/v1/shops/${litoral.shopId}` })).statusCode).toBe(200);
    const cached = find((await scrape()).samples, 'barberpro_cache_requests_total', { result: 'hit' });
    expect(cached.reduce((n, s) => n + s.value, 0)).toBeGreaterThanOrEqual(1);

    ctx.app.metrics.observeCache('metrics-test', 'hit');
    ctx.app.metrics.observeCache('metrics-test', 'hit');
    ctx.app.metrics.cacheRequests.inc({ cache: 'metrics-test', result: 'miss' });
    const { samples } = await scrape();
    expect(value(samples, 'barberpro_cache_requests_total', { cache: 'metrics-test', result: 'hit' })).toBe(2);
    expect(value(samples, 'barberpro_cache_requests_total', { cache: 'metrics-test', result: 'miss' })).toBe(1);
  });

  it('counts payments by status from the payments table, and invoices only once their table exists', async () => {
    await sql`insert into payments (status, amount_cents) values ('approved', 100), ('approved', 100), ('rejected', 100)`.execute(ctx.database.db);
    const { samples, text } = await scrape();
    expect(value(samples, 'barberpro_payments', { status: 'approved' })).toBe(2);
    expect(value(samples, 'barberpro_payments', { status: 'rejected' })).toBe(1);
    expect(value(samples, 'barberpro_metrics_collector_success', { collector: 'payments' })).toBe(1);
    // Invoicing's table (migration 0006) is there: the gauge is exposed (its counts are checked
    // against real invoices in src/modules/invoicing/invoicing.test.ts).
    expect(text).toContain('# TYPE barberpro_invoices gauge');
    // Without the table nothing pretends to count invoices, and the gauge comes back with it.
    await sql`alter table invoices rename to invoices_hidden`.execute(ctx.database.db);
    try {
      expect((await scrape()).text).not.toContain('barberpro_invoices');
    } finally {
      await sql`alter table invoices_hidden rename to invoices`.execute(ctx.database.db);
    }
    expect((await scrape()).text).toContain('# TYPE barberpro_invoices gauge');
  });

  it('reports the 24 h payment success ratio from finished payments only, and no value at all when none finished', async () => {
    const now = ctx.clock.now().getTime();
    const at = (hoursAgo: number) => new Date(now - hoursAgo * 3_600_000);
    const insert = (rows: Array<[string, Date]>) =>
      ctx.database.db
        .insertInto('payments')
        .values(rows.map(([status, created_at]) => ({ status: status as 'approved', amount_cents: 100_000, created_at })))
        .execute();
    await ctx.database.db.deleteFrom('payments').execute();
    // Open checkouts and pending payments have not finished; a rejection from yesterday is outside the window.
    await insert([['checkout', at(1)], ['pending', at(2)], ['rejected', at(25)]]);
    const none = await scrape();
    expect(none.text).toContain('# TYPE barberpro_payment_success_ratio gauge');
    expect(find(none.samples, 'barberpro_payment_success_ratio')).toEqual([]);
    expect(value(none.samples, 'barberpro_metrics_collector_success', { collector: 'payment_outcomes' })).toBe(1);

    // A refunded or charged-back payment was collected first: it counts as a success.
    await insert([['approved', at(1)], ['approved', at(3)], ['refunded', at(5)], ['charged_back', at(6)], ['rejected', at(2)], ['rejected', at(23)], ['review', at(1)]]);
    const { samples } = await scrape();
    expect(value(samples, 'barberpro_payment_success_ratio', { window: '24h' })).toBe(4 / 6);
  });
});

describe('when PostgreSQL is unreachable', () => {
  it('a scrape leaves out the database figures, says so, and still serves the rest', async () => {
    const database = await createDatabase({ kind: 'postgres', url: 'postgres://postgres@127.0.0.1:1/unreachable', poolMax: 2 });
    const app = await buildApp({ config: loadConfig({ ...TEST_ENV, METRICS_TOKEN }), database, jwtSecret: TEST_JWT_SECRET });
    try {
      await app.inject({ url: '/healthz' });
      await app.inject({ url: `/api/v1/shops/${randomUUID()}` });
      const started = Date.now();
      const res = await app.inject({ url: '/metrics', headers: scraper });
      expect(res.statusCode).toBe(200);
      expect(Date.now() - started).toBeLessThan(5_000);
      const samples = parse(res.body);
      expect(value(samples, 'http_request_duration_seconds_count', { method: 'GET', route: '/healthz', status_code: '200', region: NO_REGION })).toBe(1);
      expect(value(samples, 'barberpro_metrics_collector_success', { collector: 'bookings' })).toBe(0);
      expect(value(samples, 'barberpro_metrics_collector_success', { collector: 'active_holds' })).toBe(0);
      expect(value(samples, 'barberpro_metrics_collector_success', { collector: 'queue' })).toBe(1);
      expect(find(samples, 'barberpro_bookings')).toEqual([]);
      expect(find(samples, 'barberpro_active_holds')).toEqual([]);
      expect(find(samples, 'barberpro_queue_jobs')).toHaveLength(JOB_NAMES.length * 4);
      expect(value(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    } finally {
      await app.close();
      await database.close();
    }
  });
});

describe('region labels', () => {
  it('normalises spelling and caps how many regions become labels', () => {
    const labels = new RegionLabels(2);
    expect(labels.label('  Cuyo ')).toBe('cuyo');
    expect(labels.label('CUYO')).toBe('cuyo');
    expect(labels.label('Noroeste  Argentino')).toBe('noroeste argentino');
    expect(labels.label('Patagonia')).toBe(OTHER_REGION);
    expect(labels.label('cuyo')).toBe('cuyo');
    expect(labels.label('')).toBe(NO_REGION);
    expect(labels.label(null)).toBe(NO_REGION);
  });

  it('looks a shop up once, keeps it, and backs off while the database fails', async () => {
    const id = randomUUID();
    let calls = 0;
    let fail = false;
    const regions = new ShopRegions(async () => {
      calls++;
      if (fail) throw new Error('down');
      return 'Centro';
    }, new RegionLabels(), 2);
    expect(regions.peek('not-a-uuid')).toBe(NO_REGION);
    expect(regions.peek(id)).toBeUndefined();
    expect(await Promise.all([regions.resolve(id), regions.resolve(id)])).toEqual(['centro', 'centro']);
    expect(regions.peek(id)).toBe('centro');
    expect(calls).toBe(1);
    fail = true;
    expect(await regions.resolve(randomUUID())).toBe(NO_REGION);
    expect(await regions.resolve(randomUUID())).toBe(NO_REGION);
    expect(calls).toBe(2);
    // LRU: at most two entries.
    fail = false;
    expect(regions.peek(id)).toBe('centro');
  });
});
