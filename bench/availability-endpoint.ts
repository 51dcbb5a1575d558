/**
 * Benchmark of GET /api/v1/shops/{id}/availability through the whole HTTP stack
 * (in-process, without the network): a 10-barber shop with 1,000 live bookings.
 * The baseline, measured in the same run, is GET /api/v1/shops/{id} on the same shop:
 * a plain read of similar size, so the ratio shows what computing slots adds.
 *
 * With DATABASE_URL it runs on a scratch database created beside the given one (and
 * dropped afterwards); without it, on in-memory PGlite.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { addDays, localDateOf } from '../src/modules/availability/slot-engine.js';
import { loadConfig } from '../src/platform/config.js';
import { createDatabase, type Database } from '../src/platform/db/database.js';
import { migrateToLatest } from '../src/platform/db/migrator.js';
import { mulberry32 } from './slot-engine.js';
import { summarize, timeRuns, type BenchRow } from './stats.js';

const TZ = 'America/Argentina/Buenos_Aires';
const BARBERS = 10;
const BOOKINGS = 1_000;
const DAYS = 60;

async function scratchDatabase(): Promise<{ database: Database; drop: () => Promise<void> }> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const database = await createDatabase({ kind: 'pglite-memory' });
    return { database, drop: async () => database.close() };
  }
  const name = `barberpro_bench_${randomUUID().slice(0, 8)}`;
  const adminUrl = new URL(url);
  adminUrl.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  const database = await createDatabase({ kind: 'postgres', url: target.toString(), poolMax: 10 });
  return {
    database,
    drop: async () => {
      await database.close();
      await admin.query(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

async function seedShop(database: Database, random: () => number) {
  const db = database.db;
  const owner = await db
    .insertInto('users')
    .values({ email: `bench-${randomUUID()}@example.com`, password_hash: 'x', full_name: 'Bench Owner', phone: null, role: 'customer' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const shop = await db
    .insertInto('shops')
    .values({
      name: 'Barbería Benchmark',
      slug: `bench-${randomUUID().slice(0, 8)}`,
      cuit: '20123456786',
      tax_condition: 'monotributo',
      address: 'Florida 100',
      city: 'Buenos Aires',
      province: 'CABA',
      region: 'AMBA',
      latitude: -34.6,
      longitude: -58.38,
      slot_step_minutes: 15,
      min_notice_minutes: 0,
      booking_horizon_days: DAYS + 5,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const service = await db
    .insertInto('services')
    .values({ shop_id: shop.id, name: 'Corte', duration_minutes: 30, price_cents: 1_200_000, buffer_before_minutes: 5, buffer_after_minutes: 10 })
    .returning('id')
    .executeTakeFirstOrThrow();
  const barberIds: string[] = [];
  for (let i = 0; i < BARBERS; i++) {
    const barber = await db.insertInto('barbers').values({ shop_id: shop.id, display_name: `Barbero ${i + 1}` }).returning('id').executeTakeFirstOrThrow();
    barberIds.push(barber.id);
    await db
      .insertInto('barber_weekly_hours')
      .values([1, 2, 3, 4, 5, 6].flatMap((weekday) => [
        { barber_id: barber.id, weekday, start_minute: 9 * 60, end_minute: 20 * 60, kind: 'work' as const },
        { barber_id: barber.id, weekday, start_minute: 13 * 60, end_minute: 14 * 60, kind: 'break' as const },
      ]))
      .execute();
  }
  // 1,000 bookings on random barbers, days and quarter hours; overlapping picks are
  // refused by the exclusion constraint and drawn again.
  const today = localDateOf(Date.now(), TZ);
  let placed = 0;
  while (placed < BOOKINGS) {
    const day = addDays(today, 1 + Math.floor(random() * DAYS));
    const minute = 9 * 60 + 15 * Math.floor(random() * 42);
    const start = new Date(`${day}T${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:00-03:00`);
    const end = new Date(start.getTime() + 30 * 60_000);
    try {
      await db
        .insertInto('bookings')
        .values({
          shop_id: shop.id,
          barber_id: barberIds[Math.floor(random() * BARBERS)]!,
          service_id: service.id,
          customer_id: owner.id,
          status: 'confirmed',
          starts_at: start,
          ends_at: end,
          blocked_from: new Date(start.getTime() - 5 * 60_000),
          blocked_to: new Date(end.getTime() + 10 * 60_000),
          price_cents: 1_200_000,
        })
        .execute();
      placed++;
    } catch (error) {
      if ((error as { code?: string }).code !== '23P01') throw error;
    }
  }
  return { shopId: shop.id, serviceId: service.id, barberIds, today };
}

export async function benchAvailabilityEndpoint(options: { scale: number }): Promise<{ rows: BenchRow[]; engine: string }> {
  const { database, drop } = await scratchDatabase();
  try {
    await migrateToLatest(database.db);
    const fixture = await seedShop(database, mulberry32(20261201));
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
    const app = await buildApp({ config, database, jwtSecret: 'bench-secret-bench-secret-bench-secret-0123' });
    await app.ready();
    const iterations = (n: number) => Math.max(5, Math.round(n * options.scale));
    const from = addDays(fixture.today, 1);

    const get = async (url: string) => {
      const res = await app.inject({ url });
      if (res.statusCode !== 200) throw new Error(`${url} → ${res.statusCode}: ${res.body}`);
      return res.json() as { slots?: unknown[] };
    };
    const cases: Array<{ name: string; url: string; n: number }> = [
      { name: 'baseline: GET /shops/{id}', url: `/api/v1/shops/${fixture.shopId}`, n: 200 },
      ...[14, 60].flatMap((days) => [
        {
          name: `availability ${days} d, any barber`,
          url: `/api/v1/shops/${fixture.shopId}/availability?serviceId=${fixture.serviceId}&from=${from}&to=${addDays(from, days - 1)}`,
          n: days === 14 ? 100 : 40,
        },
        {
          name: `availability ${days} d, one barber`,
          url: `/api/v1/shops/${fixture.shopId}/availability?serviceId=${fixture.serviceId}&from=${from}&to=${addDays(from, days - 1)}&barberId=${fixture.barberIds[0]}`,
          n: days === 14 ? 100 : 40,
        },
      ]),
    ];
    const rows: BenchRow[] = [];
    let baseline = 0;
    for (const c of cases) {
      const { samplesMs, last } = await timeRuns(() => get(c.url), { iterations: iterations(c.n), warmup: 5 });
      const s = summarize(samplesMs);
      if (rows.length === 0) baseline = s.p50Ms;
      const slots = last.slots?.length;
      rows.push({
        name: c.name,
        iterations: s.iterations,
        p50Ms: s.p50Ms,
        p95Ms: s.p95Ms,
        meanMs: s.meanMs,
        ...(slots !== undefined ? { slots, slotsPerSecond: slots / (s.meanMs / 1000) } : {}),
        vsBaseline: rows.length === 0 ? 'baseline' : `${(s.p50Ms / baseline).toFixed(1)}× baseline p50`,
      });
    }
    await app.close();
    return { rows, engine: database.description.replace(/\/barberpro_bench_\w+/, '') };
  } finally {
    await drop();
  }
}
