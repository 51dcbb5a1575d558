/**
 * Data for the load benchmark: the schema and demo data through the CLI (as operators do),
 * bench customers (inserted with one precomputed argon2id hash, then logged in through the
 * API), the demo catalog as the API shows it, and a pool of bookable slots that never
 * collide with one another.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { hashPassword } from '../../src/modules/accounts/passwords.js';
import { getJson, httpRequest } from './service.js';

const run = promisify(execFile);

export const BENCH_PASSWORD = 'bench-load-password-2026';
export const BENCH_CITIES = ['Buenos Aires', 'Córdoba', 'Rosario', 'Mendoza'] as const;

export async function migrateAndSeed(cwd: string, env: Record<string, string>): Promise<{ migrate: string; seed: string }> {
  const cli = (command: string) => run(process.execPath, ['bin/barberpro.mjs', command], { cwd, env, maxBuffer: 4 * 1024 * 1024 });
  const migrate = await cli('migrate');
  const seed = await cli('seed');
  return { migrate: migrate.stdout.trim(), seed: seed.stdout.trim().split('\n')[0] ?? '' };
}

/** Customers `bench-customer-<n>@bench.barberpro.test`, all with one argon2id hash of BENCH_PASSWORD. */
export async function insertCustomers(databaseUrl: string, count: number): Promise<string[]> {
  const hash = await hashPassword(BENCH_PASSWORD);
  const emails = Array.from({ length: count }, (_, i) => `bench-customer-${String(i + 1).padStart(5, '0')}@bench.barberpro.test`);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (let i = 0; i < emails.length; i += 500) {
      const batch = emails.slice(i, i + 500);
      const values = batch.map((_, j) => `($${j * 2 + 1}, $${j * 2 + 2}, '${hash}', 'customer')`).join(', ');
      await client.query(
        `insert into users (email, full_name, password_hash, role) values ${values}`,
        batch.flatMap((email, j) => [email, `Cliente Bench ${i + j + 1}`]),
      );
    }
  } finally {
    await client.end();
  }
  return emails;
}

export async function shopIds(databaseUrl: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<{ id: string }>('select id from shops order by created_at, id')).rows.map((r) => r.id);
  } finally {
    await client.end();
  }
}

/** POST /api/v1/auth/login once per customer, a few at a time (argon2id verify is the cost). */
export async function logIn(baseUrl: string, emails: readonly string[], parallel = 8): Promise<string[]> {
  const tokens: string[] = new Array(emails.length);
  let next = 0;
  const worker = async () => {
    while (next < emails.length) {
      const i = next++;
      const res = await httpRequest(`${baseUrl}/api/v1/auth/login`, {
        method: 'POST',
        body: JSON.stringify({ email: emails[i], password: BENCH_PASSWORD }),
      });
      if (res.status !== 200) throw new Error(`login of ${emails[i]} → ${res.status}: ${res.body.slice(0, 300)}`);
      tokens[i] = (JSON.parse(res.body) as { accessToken: string }).accessToken;
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return tokens;
}

export interface CatalogService {
  id: string;
  name: string;
  durationMinutes: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  /** 'none' or how the deposit is computed: a booking of any other leaves a hold to pay. */
  depositKind: string;
}

export interface CatalogShop {
  id: string;
  name: string;
  city: string;
  timezone: string;
  services: CatalogService[];
  barbers: Array<{ id: string; serviceIds: string[] }>;
  policies: { minNoticeMinutes: number; bookingHorizonDays: number; slotStepMinutes: number };
}

interface ShopDetail {
  id: string;
  name: string;
  city: string;
  timezone: string;
  services: Array<Omit<CatalogService, 'depositKind'> & { deposit: { kind: string } }>;
  barbers: Array<{ id: string; serviceIds: string[]; active: boolean }>;
  policies: CatalogShop['policies'];
}

/** The demo catalog through the public API: every shop of the four cities, with services and barbers. */
export async function loadCatalog(baseUrl: string): Promise<CatalogShop[]> {
  const shops: CatalogShop[] = [];
  for (const city of BENCH_CITIES) {
    const found = await getJson<{ items: Array<{ id: string }>; total: number }>(`${baseUrl}/api/v1/shops?city=${encodeURIComponent(city)}&page=1&pageSize=50`);
    if (found.items.length === 0) throw new Error(`no shops found in ${city}: is the demo data seeded?`);
    for (const { id } of found.items) {
      const detail = await getJson<ShopDetail>(`${baseUrl}/api/v1/shops/${id}`);
      shops.push({
        id: detail.id,
        name: detail.name,
        city: detail.city,
        timezone: detail.timezone,
        services: detail.services.map((s) => ({
          id: s.id,
          name: s.name,
          durationMinutes: s.durationMinutes,
          bufferBeforeMinutes: s.bufferBeforeMinutes,
          bufferAfterMinutes: s.bufferAfterMinutes,
          depositKind: s.deposit.kind,
        })),
        barbers: detail.barbers.filter((b) => b.active).map((b) => ({ id: b.id, serviceIds: b.serviceIds })),
        policies: detail.policies,
      });
    }
  }
  return shops;
}

/** Services a barber performs: none listed means all of the shop's. */
export function servicesOf(shop: CatalogShop, barber: CatalogShop['barbers'][number]): CatalogService[] {
  return barber.serviceIds.length === 0 ? shop.services : shop.services.filter((s) => barber.serviceIds.includes(s.id));
}

/** YYYY-MM-DD in a timezone. */
export function localDate(epochMs: number, timezone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(epochMs);
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export interface PoolSlot {
  shopId: string;
  serviceId: string;
  barberId: string;
  /** ISO-8601 with the shop's offset, exactly as the availability API returned it. */
  start: string;
}

export interface SlotPool {
  slots: PoolSlot[];
  /** Availability requests made to build it. */
  requests: number;
  /** Free (barber, service, start) triples offered before packing. */
  offered: number;
  /** Earliest start admitted (now + notice + margin). */
  earliestStart: string;
  horizonDays: number;
}

interface Candidate {
  serviceId: string;
  start: string;
  startMs: number;
  blockedFrom: number;
  blockedTo: number;
}

/**
 * A pool of bookings that cannot collide: per barber, the free slots the availability API
 * offers for each service, packed greedily so that no two chosen bookings' blocked intervals
 * (service plus buffers) overlap. The service of each next booking is drawn at random, so the
 * pool mixes short and long services. Shuffled so bookings land across shops and days.
 *
 * Slots closer than `marginMs` past the shop's minimum notice are left out: the pool must stay
 * bookable for the whole run.
 */
export async function buildSlotPool(
  baseUrl: string,
  shops: readonly CatalogShop[],
  random: () => number,
  marginMs: number,
  parallel = 4,
): Promise<SlotPool> {
  const now = Date.now();
  const jobs: Array<{ shop: CatalogShop; barberId: string; service: CatalogService }> = [];
  for (const shop of shops) for (const barber of shop.barbers) for (const service of servicesOf(shop, barber)) jobs.push({ shop, barberId: barber.id, service });

  const byBarber = new Map<string, { shop: CatalogShop; candidates: Candidate[] }>();
  let next = 0;
  let offered = 0;
  let horizonDays = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const { shop, barberId, service } = jobs[next++]!;
      const today = localDate(now, shop.timezone);
      // One request covers the whole horizon (the API allows up to 62 days).
      const days = Math.min(shop.policies.bookingHorizonDays, 61);
      horizonDays = Math.max(horizonDays, days);
      const url = `${baseUrl}/api/v1/shops/${shop.id}/availability?serviceId=${service.id}&barberId=${barberId}&from=${today}&to=${addDays(today, days)}`;
      const view = await getJson<{ slots: Array<{ start: string; end: string }> }>(url);
      const earliest = now + shop.policies.minNoticeMinutes * 60_000 + marginMs;
      let entry = byBarber.get(barberId);
      if (!entry) byBarber.set(barberId, (entry = { shop, candidates: [] }));
      for (const slot of view.slots) {
        offered++;
        const startMs = Date.parse(slot.start);
        if (startMs < earliest) continue;
        entry.candidates.push({
          serviceId: service.id,
          start: slot.start,
          startMs,
          blockedFrom: startMs - service.bufferBeforeMinutes * 60_000,
          blockedTo: Date.parse(slot.end) + service.bufferAfterMinutes * 60_000,
        });
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));

  const slots: PoolSlot[] = [];
  // Deterministic order whatever order the requests finished in.
  for (const barberId of [...byBarber.keys()].sort()) {
    const { shop, candidates } = byBarber.get(barberId)!;
    const perService = new Map<string, Candidate[]>();
    for (const c of candidates) {
      const list = perService.get(c.serviceId) ?? [];
      list.push(c);
      perService.set(c.serviceId, list);
    }
    for (const list of perService.values()) list.sort((a, b) => a.startMs - b.startMs);
    const serviceIds = [...perService.keys()].sort();
    const cursors = new Map(serviceIds.map((id) => [id, 0]));
    let freeFrom = -Infinity;
    const live = [...serviceIds];
    while (live.length > 0) {
      const pick = Math.floor(random() * live.length);
      const serviceId = live[pick]!;
      const list = perService.get(serviceId)!;
      let i = cursors.get(serviceId)!;
      while (i < list.length && list[i]!.blockedFrom < freeFrom) i++;
      cursors.set(serviceId, i);
      if (i >= list.length) {
        live.splice(pick, 1);
        continue;
      }
      // The drawn service's first slot that starts after the previous booking's blocked interval.
      const chosen = list[i]!;
      cursors.set(serviceId, i + 1);
      slots.push({ shopId: shop.id, serviceId, barberId, start: chosen.start });
      freeFrom = chosen.blockedTo;
    }
  }
  // Fisher–Yates with the seeded PRNG.
  for (let i = slots.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [slots[i], slots[j]] = [slots[j]!, slots[i]!];
  }
  return { slots, requests: jobs.length, offered, earliestStart: new Date(now + marginMs).toISOString(), horizonDays };
}
