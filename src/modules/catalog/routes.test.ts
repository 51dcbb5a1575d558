import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShopFixture, type ShopFixture, type ShopFixtureOptions } from '../../../test/fixtures.js';
import { createTestContext, expectProblem, json, type TestContext, type TestUser } from '../../../test/helpers.js';

// 2026-12-01 is a Tuesday; 12:00Z is 09:00 in Buenos Aires.
const NOW = '2026-12-01T12:00:00Z';
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

let ctx: TestContext;
let customer: TestUser;
let admin: TestUser;
/** A provider with a shop of their own, to prove a provider's power stops at their shop. */
let outsider: ShopFixture;

beforeAll(async () => {
  ctx = await createTestContext({ now: NOW });
  customer = await ctx.createUser('customer');
  admin = await ctx.createUser('admin');
  outsider = await shopIn({ city: 'Neuquén', region: 'Patagonia' });
});
afterAll(async () => ctx.close());

/**
 * Every fixture outside the search tests lives in Mendoza (Cuyo), so searches by
 * 'Rosario' or 'Noroeste' see only the shops those tests create.
 */
function shopIn(options: ShopFixtureOptions = {}): Promise<ShopFixture> {
  return createShopFixture(ctx, { city: 'Mendoza', province: 'Mendoza', region: 'Cuyo', ...options });
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

function call(method: Method, url: string, user?: TestUser | null, payload?: unknown): Promise<LightMyRequestResponse> {
  return ctx.app.inject({
    method,
    url,
    headers: user ? user.auth : {},
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

function errorPaths(problem: { errors?: Array<{ path: string }> }): string[] {
  return (problem.errors ?? []).map((e) => e.path);
}

async function count(table: 'shops' | 'services' | 'barbers' | 'barber_weekly_hours' | 'barber_date_overrides' | 'barber_time_off'): Promise<number> {
  const row = await ctx.database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

async function publicShop(shopId: string) {
  const res = await call('GET', `/api/v1/shops/${shopId}`);
  expect(res.statusCode).toBe(200);
  return json(res);
}

async function search(query: string) {
  const res = await call('GET', `/api/v1/shops?${query}`);
  expect(res.statusCode).toBe(200);
  return json(res);
}

const validShop = {
  name: 'Barbería La Esquina',
  description: 'Cortes clásicos y barba con navaja.',
  cuit: '20-12345678-6',
  taxCondition: 'monotributo',
  address: 'Av. Colón 1200',
  city: 'Bahía Blanca',
  province: 'Buenos Aires',
  region: 'Pampeana',
  latitude: -38.7183,
  longitude: -62.2663,
};

/**
 * The shared expectations for a route only providers and admins may call: no token is
 * 401, a customer is refused by role, and a provider of another shop by ownership.
 */
async function expectOutsidersRefused(method: Method, url: string, payload?: unknown) {
  expectProblem(await call(method, url, null, payload), 401, 'unauthorized');
  expectProblem(await call(method, url, customer, payload), 403, 'forbidden');
  expectProblem(await call(method, url, outsider.owner, payload), 403, 'forbidden');
}

describe('GET /api/v1/shops (search)', () => {
  // Rosario shops with ratings chosen to exercise every level of the sort order.
  const rosario: Record<'a' | 'b' | 'c' | 'd' | 'e' | 'f', string> = { a: '', b: '', c: '', d: '', e: '', f: '' };
  const fixtures: Partial<Record<keyof typeof rosario, ShopFixture>> = {};
  let salta: ShopFixture;
  let jujuy: ShopFixture;

  beforeAll(async () => {
    const ratings = { a: ['4.80', 10], b: ['4.80', 30], c: ['4.50', 100], d: [null, 0], e: [null, 0], f: ['4.80', 30] } as const;
    for (const key of Object.keys(ratings) as Array<keyof typeof ratings>) {
      const shop = await createShopFixture(ctx, {
        name: key === 'a' ? 'Barbería El Tano Rosarino' : `Peluquería Rosario ${key.toUpperCase()}`,
        city: key === 'c' ? 'ROSARIO' : 'Rosario',
        region: 'Litoral',
        services:
          key === 'b'
            ? [
                { key: 'cut', name: 'Corte clásico', durationMinutes: 30, priceCents: 900_000 },
                { key: 'beard', name: 'Perfilado de barba', durationMinutes: 20, priceCents: 500_000 },
              ]
            : [{ key: 'cut', name: 'Corte clásico', durationMinutes: 30, priceCents: 1_100_000 }],
      });
      const [avg, n] = ratings[key];
      // Ratings only come from completed visits; setting them directly keeps this test about ordering.
      await ctx.database.db.updateTable('shops').set({ rating_avg: avg, rating_count: n }).where('id', '=', shop.shopId).execute();
      rosario[key] = shop.shopId;
      fixtures[key] = shop;
    }
    salta = await createShopFixture(ctx, { city: 'Salta', province: 'Salta', region: 'Noroeste' });
    jujuy = await createShopFixture(ctx, { city: 'San Salvador de Jujuy', province: 'Jujuy', region: 'NOROESTE' });
  });

  function expectedRosarioOrder(): string[] {
    const byId = (x: string, y: string) => (x < y ? -1 : 1);
    return [...[rosario.b, rosario.f].sort(byId), rosario.a, rosario.c, ...[rosario.d, rosario.e].sort(byId)];
  }

  it('finds shops by city regardless of case, best rated first, then by review count, then by id', async () => {
    const body = await search('city=rosario');
    expect(body.total).toBe(6);
    expect(body.items.map((s: { id: string }) => s.id)).toEqual(expectedRosarioOrder());
    const b = body.items.find((s: { id: string }) => s.id === rosario.b);
    expect(b).toMatchObject({
      city: 'Rosario',
      region: 'Litoral',
      rating: { average: 4.8, count: 30 },
      // The cheapest active service is what the listing advertises.
      priceFrom: { amountCents: 500_000, currency: 'ARS' },
      timezone: 'America/Argentina/Buenos_Aires',
    });
    expect(body.items.find((s: { id: string }) => s.id === rosario.d).rating).toEqual({ average: null, count: 0 });
    expect((await search('city=%20ROSARIO%20')).total).toBe(6);
  });

  it('paginates stably: consecutive pages add up to the whole result without repeats', async () => {
    const page1 = await search('city=Rosario&pageSize=3&page=1');
    const page2 = await search('city=Rosario&pageSize=3&page=2');
    const page3 = await search('city=Rosario&pageSize=3&page=3');
    expect(page1).toMatchObject({ page: 1, pageSize: 3, total: 6 });
    expect(page2).toMatchObject({ page: 2, pageSize: 3, total: 6 });
    const ids = [...page1.items, ...page2.items].map((s: { id: string }) => s.id);
    expect(ids).toEqual(expectedRosarioOrder());
    expect(new Set(ids).size).toBe(6);
    expect(page3.items).toEqual([]);
    expect(page3.total).toBe(6);
  });

  it('filters by region regardless of case', async () => {
    const body = await search('region=noroeste');
    expect(new Set(body.items.map((s: { id: string }) => s.id))).toEqual(new Set([salta.shopId, jujuy.shopId]));
    expect(body.total).toBe(2);
    expect((await search('region=Litoral&city=Salta')).items).toEqual([]);
  });

  it('matches q against the shop name, case-insensitively and literally', async () => {
    const body = await search('q=TANO');
    expect(body.items.map((s: { id: string }) => s.id)).toEqual([rosario.a]);
    expect(body.items[0].name).toBe('Barbería El Tano Rosarino');
    // LIKE wildcards typed by a user are text, not patterns.
    expect((await search('q=%25')).items).toEqual([]);
    expect((await search('q=_')).items).toEqual([]);
  });

  it('matches service by name among active services only', async () => {
    const body = await search('service=barba');
    expect(body.items.map((s: { id: string }) => s.id)).toEqual([rosario.b]);

    const { owner, services } = fixtures.b!;
    const beardUrl = `/api/v1/shops/${rosario.b}/services/${services.beard!.id}`;
    // Once the owner retires the service, the shop no longer answers "barba".
    expect((await call('PATCH', beardUrl, owner, { active: false })).statusCode).toBe(200);
    expect((await search('service=barba')).items).toEqual([]);
    // And the advertised "from" price no longer counts the retired service.
    const b = (await search('city=Rosario')).items.find((s: { id: string }) => s.id === rosario.b);
    expect(b.priceFrom).toEqual({ amountCents: 900_000, currency: 'ARS' });
    expect((await call('PATCH', beardUrl, owner, { active: true })).statusCode).toBe(200);
    expect((await search('service=barba')).items.map((s: { id: string }) => s.id)).toEqual([rosario.b]);
  });

  it('refuses a page size over 50, bad pages and unknown parameters with field paths', async () => {
    expect(errorPaths(expectProblem(await call('GET', '/api/v1/shops?pageSize=51'), 400, 'validation_failed'))).toContain('querystring.pageSize');
    expect((await search('pageSize=50')).pageSize).toBe(50);
    expect(errorPaths(expectProblem(await call('GET', '/api/v1/shops?page=0'), 400))).toContain('querystring.page');
    expectProblem(await call('GET', '/api/v1/shops?page=dos'), 400, 'validation_failed');
    expectProblem(await call('GET', '/api/v1/shops?ciudad=Rosario'), 400, 'validation_failed');
    expectProblem(await call('GET', '/api/v1/shops?city='), 400, 'validation_failed');
  });
});

describe('GET /api/v1/cities', () => {
  it('lists each city with open shops once, case-insensitively, with its usual spelling and shop count, and every city it lists finds shops', async () => {
    await createShopFixture(ctx, { city: 'Bahía Blanca', province: 'Buenos Aires', region: 'Pampeana' });
    await createShopFixture(ctx, { city: 'Bahía Blanca', province: 'Buenos Aires', region: 'Pampeana' });
    await createShopFixture(ctx, { city: 'BAHÍA BLANCA', province: 'Buenos Aires', region: 'Pampeana' });
    const closed = await createShopFixture(ctx, { city: 'Ushuaia', province: 'Tierra del Fuego', region: 'Patagonia' });
    await ctx.database.db.updateTable('shops').set({ active: false }).where('id', '=', closed.shopId).execute();

    const res = await call('GET', '/api/v1/cities');
    expect(res.statusCode).toBe(200);
    const { items } = json<{ items: Array<{ city: string; province: string; shops: number }> }>(res);
    expect(items.find((c) => c.city.toLowerCase() === 'bahía blanca')).toEqual({ city: 'Bahía Blanca', province: 'Buenos Aires', shops: 3 });
    expect(items.filter((c) => c.city.toLowerCase() === 'bahía blanca')).toHaveLength(1);
    expect(items.map((c) => c.city)).not.toContain('Ushuaia');
    // Most shops first, so the busiest cities lead the list.
    expect(items.map((c) => c.shops)).toEqual([...items.map((c) => c.shops)].sort((a, b) => b - a));
    for (const { city, shops } of items) expect((await search(`city=${encodeURIComponent(city)}`)).total).toBe(shops);
  });

  it('refuses unknown parameters', async () => {
    expectProblem(await call('GET', '/api/v1/cities?x=1'), 400, 'validation_failed');
  });
});

describe('GET /api/v1/shops/{shopId}', () => {
  it('shows the public shop with its active services, active barbers and booking policies', async () => {
    const shop = await shopIn({
      name: 'Barbería Detalle',
      minNoticeMinutes: 30,
      services: [
        { key: 'cut', name: 'Corte', durationMinutes: 30, priceCents: 1_000_000, deposit: { kind: 'percent', value: 25 } },
        { key: 'shave', name: 'Afeitado', durationMinutes: 45, priceCents: 700_000, bufferAfter: 10 },
      ],
    });
    const body = await publicShop(shop.shopId);
    expect(body).toMatchObject({
      id: shop.shopId,
      name: 'Barbería Detalle',
      city: 'Mendoza',
      cuit: '20123456786',
      taxCondition: 'monotributo',
      priceFrom: { amountCents: 700_000, currency: 'ARS' },
      policies: { minNoticeMinutes: 30, slotStepMinutes: 30, cancellationCutoffMinutes: 1440, holdMinutes: 10, bookingHorizonDays: 60 },
    });
    expect(body.services.map((s: { name: string }) => s.name)).toEqual(['Afeitado', 'Corte']);
    expect(body.services[1]).toMatchObject({
      durationMinutes: 30,
      price: { amountCents: 1_000_000, currency: 'ARS' },
      deposit: { kind: 'percent', value: 25, amount: { amountCents: 250_000, currency: 'ARS' } },
      active: true,
    });
    expect(body.services[0]).toMatchObject({ bufferAfterMinutes: 10, deposit: { kind: 'none', value: 0, amount: { amountCents: 0 } } });
    expect(new Set(body.barbers.map((b: { id: string }) => b.id))).toEqual(new Set(shop.barberIds));
  });

  it('answers 404 for an unknown or closed shop and 400 for an id that is not a UUID', async () => {
    expectProblem(await call('GET', `/api/v1/shops/${UNKNOWN_ID}`), 404, 'not_found');
    const closed = await shopIn();
    await ctx.database.db.updateTable('shops').set({ active: false }).where('id', '=', closed.shopId).execute();
    expectProblem(await call('GET', `/api/v1/shops/${closed.shopId}`), 404, 'not_found');
    expect(errorPaths(expectProblem(await call('GET', '/api/v1/shops/no-es-un-id'), 400, 'validation_failed'))).toEqual(['params.shopId']);
  });
});

describe('POST /api/v1/shops', () => {
  it('opens a shop with a normalized CUIT and makes the creator its owner', async () => {
    const provider = await ctx.createUser('provider');
    const res = await call('POST', '/api/v1/shops', provider, { ...validShop, phone: '+54 291 455-1234', holdMinutes: 15 });
    expect(res.statusCode).toBe(201);
    const shop = json(res);
    expect(shop).toMatchObject({
      name: 'Barbería La Esquina',
      cuit: '20123456786',
      taxCondition: 'monotributo',
      city: 'Bahía Blanca',
      timezone: 'America/Argentina/Buenos_Aires',
      location: { latitude: -38.7183, longitude: -62.2663 },
      phone: '+54 291 455-1234',
      rating: { average: null, count: 0 },
      priceFrom: null,
      services: [],
      barbers: [],
      policies: { holdMinutes: 15, cancellationCutoffMinutes: 1440, minNoticeMinutes: 60, bookingHorizonDays: 60, slotStepMinutes: 15 },
    });
    expect(shop.slug).toBe('barberia-la-esquina-bahia-blanca');

    const me = json(await call('GET', '/api/v1/me', provider));
    expect(me.shops).toEqual([{ shopId: shop.id, shopName: 'Barbería La Esquina', role: 'owner' }]);
    expect((await publicShop(shop.id)).name).toBe('Barbería La Esquina');
    expect((await search('city=bahía%20blanca')).items.map((s: { id: string }) => s.id)).toContain(shop.id);

    // The owner can manage it straight away.
    expect((await call('POST', `/api/v1/shops/${shop.id}/services`, provider, { name: 'Corte', durationMinutes: 30, priceCents: 900_000 })).statusCode).toBe(201);
  });

  it('accepts CUITs of companies and people, with or without dashes', async () => {
    const provider = await ctx.createUser('provider');
    for (const [cuit, stored] of [
      ['30000000007', '30000000007'],
      ['20123456786', '20123456786'],
      ['30-00000000-7', '30000000007'],
    ] as const) {
      const res = await call('POST', '/api/v1/shops', provider, { ...validShop, cuit, taxCondition: 'responsable_inscripto' });
      expect(res.statusCode).toBe(201);
      expect(json(res).cuit).toBe(stored);
    }
  });

  it('gives two shops with the same name and city different slugs', async () => {
    const provider = await ctx.createUser('provider');
    const body = { ...validShop, name: 'Barbería Gemela', city: 'Tandil' };
    const first = json(await call('POST', '/api/v1/shops', provider, body));
    const second = json(await call('POST', '/api/v1/shops', provider, body));
    expect(first.slug).toBe('barberia-gemela-tandil');
    expect(second.slug).toBe('barberia-gemela-tandil-2');
  });

  it('refuses a wrong check digit, an unknown timezone and bad fields, and writes nothing', async () => {
    const provider = await ctx.createUser('provider');
    const before = await count('shops');
    const badCuit = expectProblem(await call('POST', '/api/v1/shops', provider, { ...validShop, cuit: '20123456787' }), 400, 'validation_failed');
    expect(errorPaths(badCuit)).toEqual(['body.cuit']);
    expect(badCuit.errors[0].message).toMatch(/CUIT inválido/);
    expect(errorPaths(expectProblem(await call('POST', '/api/v1/shops', provider, { ...validShop, cuit: '2012345678' }), 400))).toEqual(['body.cuit']);
    expect(errorPaths(expectProblem(await call('POST', '/api/v1/shops', provider, { ...validShop, cuit: '99123456786' }), 400))).toEqual(['body.cuit']);
    const badTz = expectProblem(await call('POST', '/api/v1/shops', provider, { ...validShop, timezone: 'America/Rosario_Inventada' }), 400);
    expect(errorPaths(badTz)).toEqual(['body.timezone']);
    expect(errorPaths(expectProblem(await call('POST', '/api/v1/shops', provider, { ...validShop, timezone: 'UTC' }), 400))).toEqual(['body.timezone']);
    expect(errorPaths(expectProblem(await call('POST', '/api/v1/shops', provider, { ...validShop, taxCondition: 'exento' }), 400))).toEqual(['body.taxCondition']);
    expect(errorPaths(expectProblem(await call('POST', '/api/v1/shops', provider, { ...validShop, latitude: -91 }), 400))).toEqual(['body.latitude']);
    expect(errorPaths(expectProblem(await call('POST', '/api/v1/shops', provider, { ...validShop, holdMinutes: 0 }), 400))).toEqual(['body.holdMinutes']);
    expectProblem(await call('POST', '/api/v1/shops', provider, { ...validShop, rating: 5 }), 400, 'validation_failed');
    const { name: _name, ...withoutName } = validShop;
    expect(errorPaths(expectProblem(await call('POST', '/api/v1/shops', provider, withoutName), 400))).toEqual(['body.name']);
    expect(await count('shops')).toBe(before);
    expect(json(await call('GET', '/api/v1/me', provider)).shops).toEqual([]);
  });

  it('accepts another IANA timezone and keeps it', async () => {
    const provider = await ctx.createUser('provider');
    const res = await call('POST', '/api/v1/shops', provider, { ...validShop, timezone: 'America/Argentina/Cordoba' });
    expect(res.statusCode).toBe(201);
    expect(json(res).timezone).toBe('America/Argentina/Cordoba');
  });

  it('lets admins open shops and refuses anonymous callers and customers', async () => {
    const before = await count('shops');
    expectProblem(await call('POST', '/api/v1/shops', null, validShop), 401, 'unauthorized');
    expectProblem(await call('POST', '/api/v1/shops', customer, validShop), 403, 'forbidden');
    expect(await count('shops')).toBe(before);
    expect((await call('POST', '/api/v1/shops', admin, validShop)).statusCode).toBe(201);
  });
});

describe('PATCH /api/v1/shops/{shopId}', () => {
  let owner: TestUser;
  let shopId: string;

  beforeAll(async () => {
    owner = await ctx.createUser('provider');
    shopId = json(await call('POST', '/api/v1/shops', owner, { ...validShop, name: 'Barbería Original', city: 'Mar del Plata', timezone: 'America/Argentina/Cordoba' })).id;
  });

  it('changes only the fields sent; the change shows in the detail and in search', async () => {
    const res = await call('PATCH', `/api/v1/shops/${shopId}`, owner, { name: 'Barbería Renovada', cancellationCutoffMinutes: 120, slotStepMinutes: 20 });
    expect(res.statusCode).toBe(200);
    const body = json(res);
    expect(body).toMatchObject({ name: 'Barbería Renovada', policies: { cancellationCutoffMinutes: 120, slotStepMinutes: 20, holdMinutes: 10 } });
    // Fields not sent keep their value (defaults of the create form must not leak into a patch).
    expect(body.description).toBe(validShop.description);
    expect(body.timezone).toBe('America/Argentina/Cordoba');
    expect(body.cuit).toBe('20123456786');

    const detail = await publicShop(shopId);
    expect(detail).toMatchObject({ name: 'Barbería Renovada', description: validShop.description, timezone: 'America/Argentina/Cordoba', policies: { cancellationCutoffMinutes: 120 } });
    expect((await search('q=renovada')).items.map((s: { id: string }) => s.id)).toEqual([shopId]);
    expect((await search('q=original')).items).toEqual([]);
  });

  it('normalizes a new CUIT and refuses an invalid one without changing anything', async () => {
    expect(json(await call('PATCH', `/api/v1/shops/${shopId}`, owner, { cuit: '30-00000000-7' })).cuit).toBe('30000000007');
    const problem = expectProblem(await call('PATCH', `/api/v1/shops/${shopId}`, owner, { cuit: '20123456787', name: 'No debería' }), 400, 'validation_failed');
    expect(errorPaths(problem)).toEqual(['body.cuit']);
    expect(errorPaths(expectProblem(await call('PATCH', `/api/v1/shops/${shopId}`, owner, { timezone: 'Nowhere/Land' }), 400))).toEqual(['body.timezone']);
    expectProblem(await call('PATCH', `/api/v1/shops/${shopId}`, owner, { active: false }), 400, 'validation_failed');
    const detail = await publicShop(shopId);
    expect(detail.cuit).toBe('30000000007');
    expect(detail.name).not.toBe('No debería');
  });

  it('is for the owner and admins only; barbers, customers and other providers are refused', async () => {
    const fixture = await shopIn();
    const url = `/api/v1/shops/${fixture.shopId}`;
    await expectOutsidersRefused('PATCH', url, { name: 'Tomada' });
    expectProblem(await call('PATCH', url, fixture.barberUsers[0], { name: 'Tomada' }), 403, 'forbidden');
    expectProblem(await call('PATCH', url, fixture.barberUsers[0], { slotStepMinutes: 5 }), 403, 'forbidden');
    const untouched = await publicShop(fixture.shopId);
    expect(untouched.name).not.toBe('Tomada');
    expect(untouched.policies.slotStepMinutes).toBe(30);

    const byAdmin = await call('PATCH', url, admin, { holdMinutes: 20 });
    expect(byAdmin.statusCode).toBe(200);
    expect(json(byAdmin).policies.holdMinutes).toBe(20);
    expectProblem(await call('PATCH', `/api/v1/shops/${UNKNOWN_ID}`, admin, { name: 'Fantasma' }), 404, 'not_found');
  });
});

describe('services', () => {
  let shop: ShopFixture;
  const servicesUrl = () => `/api/v1/shops/${shop.shopId}/services`;
  const validService = { name: 'Corte y barba', durationMinutes: 45, priceCents: 1_500_000 };

  beforeAll(async () => {
    shop = await shopIn({ services: [{ key: 'cut', name: 'Corte', durationMinutes: 30, priceCents: 1_000_000 }] });
  });

  it('adds a service with a percentage deposit; customers see it in the shop', async () => {
    const res = await call('POST', servicesUrl(), shop.owner, {
      ...validService,
      description: 'Corte a tijera y perfilado',
      deposit: { kind: 'percent', value: 30 },
      bufferAfterMinutes: 10,
    });
    expect(res.statusCode).toBe(201);
    const service = json(res);
    expect(service).toMatchObject({
      name: 'Corte y barba',
      description: 'Corte a tijera y perfilado',
      durationMinutes: 45,
      price: { amountCents: 1_500_000, currency: 'ARS' },
      deposit: { kind: 'percent', value: 30, amount: { amountCents: 450_000, currency: 'ARS' } },
      bufferBeforeMinutes: 0,
      bufferAfterMinutes: 10,
      active: true,
    });
    const detail = await publicShop(shop.shopId);
    expect(detail.services.find((s: { id: string }) => s.id === service.id)).toEqual(service);
  });

  it('accepts the limits of duration, percentage and fixed deposit', async () => {
    for (const body of [
      { ...validService, name: 'Express', durationMinutes: 5 },
      { ...validService, name: 'Día de spa', durationMinutes: 480 },
      { ...validService, name: 'Seña total %', deposit: { kind: 'percent', value: 100 } },
      { ...validService, name: 'Seña 1 %', deposit: { kind: 'percent', value: 1 } },
      { ...validService, name: 'Seña fija', deposit: { kind: 'fixed', value: 1_500_000 } },
      { ...validService, name: 'Gratis', priceCents: 0 },
    ]) {
      expect((await call('POST', servicesUrl(), shop.owner, body)).statusCode).toBe(201);
    }
    const full = json(await call('POST', servicesUrl(), shop.owner, { ...validService, name: 'Pago total', deposit: { kind: 'full' } }));
    expect(full.deposit).toEqual({ kind: 'full', value: 0, amount: { amountCents: 1_500_000, currency: 'ARS' } });
  });

  it('reports a deposit value of 0 for kinds that take no value', async () => {
    const res = await call('POST', servicesUrl(), shop.owner, { ...validService, name: 'Sin seña', deposit: { kind: 'none', value: 5000 } });
    expect(res.statusCode).toBe(201);
    expect(json(res).deposit).toEqual({ kind: 'none', value: 0, amount: { amountCents: 0, currency: 'ARS' } });
  });

  it('refuses out-of-range durations, deposits and non-integer prices, and writes nothing', async () => {
    const before = await count('services');
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...validService, durationMinutes: 4 }, 'body.durationMinutes'],
      [{ ...validService, durationMinutes: 481 }, 'body.durationMinutes'],
      [{ ...validService, durationMinutes: 30.5 }, 'body.durationMinutes'],
      [{ ...validService, priceCents: 1000.5 }, 'body.priceCents'],
      [{ ...validService, priceCents: -1 }, 'body.priceCents'],
      [{ ...validService, priceCents: '1500000' }, 'body.priceCents'],
      [{ ...validService, deposit: { kind: 'percent', value: 0 } }, 'body.deposit.value'],
      [{ ...validService, deposit: { kind: 'percent', value: 101 } }, 'body.deposit.value'],
      [{ ...validService, deposit: { kind: 'fixed', value: 1_500_001 } }, 'body.deposit.value'],
      [{ ...validService, deposit: { kind: 'fixed', value: 0 } }, 'body.deposit.value'],
      [{ ...validService, deposit: { kind: 'fixed', value: 100.5 } }, 'body.deposit.value'],
      [{ ...validService, deposit: { kind: 'half' } }, 'body.deposit.kind'],
      [{ ...validService, bufferBeforeMinutes: 121 }, 'body.bufferBeforeMinutes'],
      [{ ...validService, name: 'X' }, 'body.name'],
    ];
    for (const [body, path] of cases) {
      const problem = expectProblem(await call('POST', servicesUrl(), shop.owner, body), 400, 'validation_failed');
      expect(errorPaths(problem), JSON.stringify(body)).toContain(path);
    }
    expectProblem(await call('POST', servicesUrl(), shop.owner, { ...validService, active: false }), 400, 'validation_failed');
    expect(await count('services')).toBe(before);
  });

  it('changes a price and the shop shows the new price and "from" price', async () => {
    const cut = shop.services.cut!.id;
    const res = await call('PATCH', `${servicesUrl()}/${cut}`, shop.owner, { priceCents: 1, durationMinutes: 40 });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ id: cut, price: { amountCents: 1 }, durationMinutes: 40, name: 'Corte' });
    const detail = await publicShop(shop.shopId);
    expect(detail.services.find((s: { id: string }) => s.id === cut)).toMatchObject({ price: { amountCents: 1 }, durationMinutes: 40 });
    expect(detail.priceFrom).toEqual({ amountCents: 0, currency: 'ARS' }); // the free service added above
    expectProblem(await call('PATCH', `${servicesUrl()}/${cut}`, shop.owner, { priceCents: 99.9 }), 400, 'validation_failed');
    expectProblem(await call('PATCH', `${servicesUrl()}/${cut}`, shop.owner, { durationMinutes: 481 }), 400, 'validation_failed');
  });

  it('an empty PATCH of a service changes nothing and answers with the service as it is (found by the fuzz suite: it was a 500)', async () => {
    const cut = shop.services.cut!.id;
    const before = json(await call('GET', `/api/v1/shops/${shop.shopId}/services`, shop.owner)) as Array<{ id: string }>;
    const res = await call('PATCH', `${servicesUrl()}/${cut}`, shop.owner, {});
    expect(res.statusCode).toBe(200);
    expect(json(res)).toEqual(before.find((s) => s.id === cut));
    expectProblem(await call('PATCH', `${servicesUrl()}/00000000-0000-4000-8000-000000000000`, shop.owner, {}), 404);
  });

  it('keeps deposits consistent with the price when either changes', async () => {
    const svc = json(await call('POST', servicesUrl(), shop.owner, { ...validService, name: 'Color', priceCents: 2_000_000, deposit: { kind: 'fixed', value: 500_000 } }));
    const url = `${servicesUrl()}/${svc.id}`;
    // Lowering the price under the fixed deposit would charge more upfront than the service costs.
    expect(errorPaths(expectProblem(await call('PATCH', url, shop.owner, { priceCents: 400_000 }), 400, 'validation_failed'))).toEqual(['body.deposit.value']);
    expect(errorPaths(expectProblem(await call('PATCH', url, shop.owner, { deposit: { kind: 'percent', value: 150 } }), 400))).toEqual(['body.deposit.value']);
    expect(errorPaths(expectProblem(await call('PATCH', url, shop.owner, { deposit: { kind: 'percent' } }), 400))).toEqual(['body.deposit.value']);
    const unchanged = (await publicShop(shop.shopId)).services.find((s: { id: string }) => s.id === svc.id);
    expect(unchanged).toMatchObject({ price: { amountCents: 2_000_000 }, deposit: { kind: 'fixed', value: 500_000 } });

    const both = json(await call('PATCH', url, shop.owner, { priceCents: 400_000, deposit: { kind: 'percent', value: 50 } }));
    expect(both.deposit).toEqual({ kind: 'percent', value: 50, amount: { amountCents: 200_000, currency: 'ARS' } });
  });

  it('retiring a service hides it from customers but not from the shop’s own list', async () => {
    const svc = json(await call('POST', servicesUrl(), shop.owner, { ...validService, name: 'Temporada' }));
    const retired = await call('PATCH', `${servicesUrl()}/${svc.id}`, shop.owner, { active: false });
    expect(retired.statusCode).toBe(200);
    expect(json(retired).active).toBe(false);
    expect((await publicShop(shop.shopId)).services.map((s: { id: string }) => s.id)).not.toContain(svc.id);
    for (const member of [shop.owner, shop.barberUsers[0]!, admin]) {
      const list = await call('GET', servicesUrl(), member);
      expect(list.statusCode).toBe(200);
      expect(json(list).find((s: { id: string }) => s.id === svc.id)).toMatchObject({ name: 'Temporada', active: false });
    }
    expect(json(await call('PATCH', `${servicesUrl()}/${svc.id}`, shop.owner, { active: true })).active).toBe(true);
    expect((await publicShop(shop.shopId)).services.map((s: { id: string }) => s.id)).toContain(svc.id);
  });

  it('answers 404 for an unknown service or one of another shop', async () => {
    expectProblem(await call('PATCH', `${servicesUrl()}/${UNKNOWN_ID}`, shop.owner, { priceCents: 1 }), 404, 'not_found');
    const foreign = outsider.services.cut!.id;
    expectProblem(await call('PATCH', `${servicesUrl()}/${foreign}`, shop.owner, { priceCents: 1 }), 404, 'not_found');
    expect((await publicShop(outsider.shopId)).services[0].price.amountCents).toBe(outsider.services.cut!.priceCents);
    // Admins have no membership to go by, so an unknown shop must still be a 404 for them.
    const before = await count('services');
    expectProblem(await call('POST', `/api/v1/shops/${UNKNOWN_ID}/services`, admin, validService), 404, 'not_found');
    expectProblem(await call('GET', `/api/v1/shops/${UNKNOWN_ID}/services`, admin), 404, 'not_found');
    expect(await count('services')).toBe(before);
  });

  it('only the owner or an admin changes services and prices; barbers may only read them', async () => {
    const cut = shop.services.cut!.id;
    const before = await count('services');
    await expectOutsidersRefused('GET', servicesUrl());
    await expectOutsidersRefused('POST', servicesUrl(), validService);
    await expectOutsidersRefused('PATCH', `${servicesUrl()}/${cut}`, { priceCents: 5 });
    const barber = shop.barberUsers[0]!;
    expectProblem(await call('POST', servicesUrl(), barber, validService), 403, 'forbidden');
    expectProblem(await call('PATCH', `${servicesUrl()}/${cut}`, barber, { priceCents: 5 }), 403, 'forbidden');
    expectProblem(await call('PATCH', `${servicesUrl()}/${cut}`, barber, { active: false }), 403, 'forbidden');
    expect(await count('services')).toBe(before);
    const current = (await publicShop(shop.shopId)).services.find((s: { id: string }) => s.id === cut);
    expect(current).toMatchObject({ active: true, price: { amountCents: 1 } });

    const byAdmin = await call('PATCH', `${servicesUrl()}/${cut}`, admin, { priceCents: 1_100_000 });
    expect(byAdmin.statusCode).toBe(200);
    expect((await call('POST', servicesUrl(), admin, { ...validService, name: 'Por admin' })).statusCode).toBe(201);
  });
});

describe('barbers', () => {
  let shop: ShopFixture;
  const barbersUrl = () => `/api/v1/shops/${shop.shopId}/barbers`;

  beforeAll(async () => {
    shop = await shopIn({
      barbers: 2,
      services: [
        { key: 'cut', name: 'Corte', durationMinutes: 30, priceCents: 1_000_000 },
        { key: 'beard', name: 'Barba', durationMinutes: 20, priceCents: 600_000 },
      ],
    });
  });

  it('adds a barber limited to some services; the shop shows who does what', async () => {
    const serviceIds = [shop.services.cut!.id, shop.services.beard!.id];
    const res = await call('POST', barbersUrl(), shop.owner, { displayName: 'Nacho', bio: 'Fades y diseños', serviceIds });
    expect(res.statusCode).toBe(201);
    const barber = json(res);
    expect(barber).toMatchObject({ displayName: 'Nacho', bio: 'Fades y diseños', active: true });
    expect(barber.serviceIds).toEqual([...serviceIds].sort());
    const publicBarber = (await publicShop(shop.shopId)).barbers.find((b: { id: string }) => b.id === barber.id);
    expect(publicBarber).toEqual(barber);
    const managed = json(await call('GET', barbersUrl(), shop.owner));
    expect(managed.find((b: { id: string }) => b.id === barber.id)).toEqual(barber);
  });

  it('treats a repeated service id as one assignment', async () => {
    const cut = shop.services.cut!.id;
    const res = await call('POST', barbersUrl(), shop.owner, { displayName: 'Repetido', serviceIds: [cut, cut] });
    expect(res.statusCode).toBe(201);
    expect(json(res).serviceIds).toEqual([cut]);
    const updated = await call('PATCH', `${barbersUrl()}/${json(res).id}`, shop.owner, { serviceIds: [cut, cut, shop.services.beard!.id] });
    expect(updated.statusCode).toBe(200);
    expect(json(updated).serviceIds).toEqual([cut, shop.services.beard!.id].sort());
  });

  it('refuses a service of another shop, and writes nothing', async () => {
    const before = await count('barbers');
    const foreign = outsider.services.cut!.id;
    const problem = expectProblem(
      await call('POST', barbersUrl(), shop.owner, { displayName: 'Intruso', serviceIds: [shop.services.cut!.id, foreign] }),
      400,
      'validation_failed',
    );
    expect(errorPaths(problem)).toEqual(['body.serviceIds.1']);
    expect(errorPaths(expectProblem(await call('POST', barbersUrl(), shop.owner, { displayName: 'Intruso', serviceIds: [UNKNOWN_ID] }), 400))).toEqual([
      'body.serviceIds.0',
    ]);
    expect(errorPaths(expectProblem(await call('POST', barbersUrl(), shop.owner, { displayName: '' }), 400))).toEqual(['body.displayName']);
    expect(errorPaths(expectProblem(await call('POST', barbersUrl(), shop.owner, { displayName: 'X', serviceIds: ['corte'] }), 400))).toEqual([
      'body.serviceIds.0',
    ]);
    expect(await count('barbers')).toBe(before);
  });

  it('links a provider account: they join the shop as a barber and run their own agenda', async () => {
    const pro = await ctx.createUser('provider', { fullName: 'Tomás Ruiz' });
    const res = await call('POST', barbersUrl(), shop.owner, { displayName: 'Tomi', userId: pro.id });
    expect(res.statusCode).toBe(201);
    const barberId = json(res).id;
    const me = json(await call('GET', '/api/v1/me', pro));
    expect(me.shops).toEqual([expect.objectContaining({ shopId: shop.shopId, role: 'barber' })]);
    const schedule = await call('PUT', `${barbersUrl()}/${barberId}/schedule`, pro, { hours: [{ weekday: 1, start: '10:00', end: '14:00' }], breaks: [] });
    expect(schedule.statusCode).toBe(200);
  });

  it('refuses to link an account that does not exist or is not a provider', async () => {
    const before = await count('barbers');
    const unknown = expectProblem(await call('POST', barbersUrl(), shop.owner, { displayName: 'Nadie', userId: UNKNOWN_ID }), 400, 'validation_failed');
    expect(errorPaths(unknown)).toEqual(['body.userId']);
    const client = await ctx.createUser('customer');
    expect(errorPaths(expectProblem(await call('POST', barbersUrl(), shop.owner, { displayName: 'Cliente', userId: client.id }), 400))).toEqual([
      'body.userId',
    ]);
    expect(await count('barbers')).toBe(before);
  });

  it('changes a barber; an inactive barber disappears for customers but stays for the shop', async () => {
    const barberId = shop.barberIds[1]!;
    const res = await call('PATCH', `${barbersUrl()}/${barberId}`, shop.owner, { displayName: 'Lucho', serviceIds: [shop.services.beard!.id] });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ id: barberId, displayName: 'Lucho', active: true, serviceIds: [shop.services.beard!.id] });
    expect((await publicShop(shop.shopId)).barbers.find((b: { id: string }) => b.id === barberId)).toMatchObject({ displayName: 'Lucho' });

    expect(json(await call('PATCH', `${barbersUrl()}/${barberId}`, shop.owner, { active: false })).active).toBe(false);
    expect((await publicShop(shop.shopId)).barbers.map((b: { id: string }) => b.id)).not.toContain(barberId);
    const managed = json(await call('GET', barbersUrl(), shop.barberUsers[0]));
    expect(managed.find((b: { id: string }) => b.id === barberId)).toMatchObject({ active: false, displayName: 'Lucho' });

    // An empty list means "every service".
    const all = json(await call('PATCH', `${barbersUrl()}/${barberId}`, shop.owner, { active: true, serviceIds: [] }));
    expect(all).toMatchObject({ active: true, serviceIds: [] });
  });

  it('refuses bad changes and unknown barbers', async () => {
    const barberId = shop.barberIds[0]!;
    expect(
      errorPaths(expectProblem(await call('PATCH', `${barbersUrl()}/${barberId}`, shop.owner, { serviceIds: [outsider.services.cut!.id] }), 400)),
    ).toEqual(['body.serviceIds.0']);
    expectProblem(await call('PATCH', `${barbersUrl()}/${barberId}`, shop.owner, { userId: UNKNOWN_ID }), 400, 'validation_failed');
    expectProblem(await call('PATCH', `${barbersUrl()}/${UNKNOWN_ID}`, shop.owner, { displayName: 'Nadie' }), 404, 'not_found');
    expectProblem(await call('POST', `/api/v1/shops/${UNKNOWN_ID}/barbers`, admin, { displayName: 'Nadie' }), 404, 'not_found');
    expectProblem(await call('GET', `/api/v1/shops/${UNKNOWN_ID}/barbers`, admin), 404, 'not_found');
    // A barber of another shop is unknown here.
    expectProblem(await call('PATCH', `${barbersUrl()}/${outsider.barberIds[0]}`, shop.owner, { displayName: 'Robado' }), 404, 'not_found');
    const stillThere = json(await call('GET', `/api/v1/shops/${outsider.shopId}/barbers`, outsider.owner)).find(
      (b: { id: string }) => b.id === outsider.barberIds[0],
    );
    expect(stillThere.displayName).toBe('Barbero 1');
  });

  it('only the owner or an admin manages barbers; a barber cannot change colleagues', async () => {
    const before = await count('barbers');
    await expectOutsidersRefused('GET', barbersUrl());
    await expectOutsidersRefused('POST', barbersUrl(), { displayName: 'Colado' });
    await expectOutsidersRefused('PATCH', `${barbersUrl()}/${shop.barberIds[0]}`, { displayName: 'Colado' });
    const barber = shop.barberUsers[0]!;
    expectProblem(await call('POST', barbersUrl(), barber, { displayName: 'Colado' }), 403, 'forbidden');
    expectProblem(await call('PATCH', `${barbersUrl()}/${shop.barberIds[1]}`, barber, { active: false }), 403, 'forbidden');
    expect(await count('barbers')).toBe(before);
    expect((await publicShop(shop.shopId)).barbers.map((b: { id: string }) => b.id)).toContain(shop.barberIds[1]);

    expect((await call('PATCH', `${barbersUrl()}/${shop.barberIds[0]}`, admin, { bio: 'Actualizado por soporte' })).statusCode).toBe(200);
    expect((await call('GET', barbersUrl(), admin)).statusCode).toBe(200);
  });
});

describe('weekly schedule', () => {
  let shop: ShopFixture;
  const scheduleUrl = (barber: number) => `/api/v1/shops/${shop.shopId}/barbers/${shop.barberIds[barber]}/schedule`;
  const slotsOn = async (date: string, barber: number) =>
    json(
      await call('GET', `/api/v1/shops/${shop.shopId}/availability?serviceId=${shop.services.cut!.id}&from=${date}&to=${date}&barberId=${shop.barberIds[barber]}`),
    ).slots.map((s: { start: string }) => s.start);

  beforeAll(async () => {
    shop = await shopIn({ barbers: 2, services: [{ key: 'cut', durationMinutes: 30, priceCents: 1_000_000 }] });
  });

  it('reads the current hours and breaks', async () => {
    const res = await call('GET', scheduleUrl(0), shop.owner);
    expect(res.statusCode).toBe(200);
    const body = json(res);
    expect(body.hours).toHaveLength(6);
    expect(body.hours[0]).toEqual({ weekday: 1, start: '09:00', end: '18:00' });
    expect(body.breaks[0]).toEqual({ weekday: 1, start: '13:00', end: '14:00' });
  });

  it('replaces the whole week; old hours are gone and availability follows', async () => {
    const week = {
      hours: [
        { weekday: 3, start: '09:00', end: '10:00' },
        { weekday: 5, start: '22:00', end: '24:00' },
        { weekday: 3, start: '16:00', end: '17:00' },
      ],
      breaks: [{ weekday: 5, start: '23:00', end: '23:30' }],
    };
    const res = await call('PUT', scheduleUrl(0), shop.owner, week);
    expect(res.statusCode).toBe(200);
    const expected = {
      hours: [
        { weekday: 3, start: '09:00', end: '10:00' },
        { weekday: 3, start: '16:00', end: '17:00' },
        { weekday: 5, start: '22:00', end: '24:00' },
      ],
      breaks: [{ weekday: 5, start: '23:00', end: '23:30' }],
    };
    expect(json(res)).toEqual(expected);
    expect(json(await call('GET', scheduleUrl(0), shop.owner))).toEqual(expected);

    // 2026-12-08 is a Tuesday (no hours any more), 12-09 a Wednesday, 12-11 a Friday.
    expect(await slotsOn('2026-12-08', 0)).toEqual([]);
    expect(await slotsOn('2026-12-09', 0)).toEqual(['2026-12-09T09:00:00-03:00', '2026-12-09T09:30:00-03:00', '2026-12-09T16:00:00-03:00', '2026-12-09T16:30:00-03:00']);
    expect(await slotsOn('2026-12-11', 0)).toEqual(['2026-12-11T22:00:00-03:00', '2026-12-11T22:30:00-03:00', '2026-12-11T23:30:00-03:00']);
    // The other barber keeps their own week.
    expect((await slotsOn('2026-12-08', 1)).length).toBeGreaterThan(0);

    const cleared = await call('PUT', scheduleUrl(0), shop.owner, { hours: [], breaks: [] });
    expect(json(cleared)).toEqual({ hours: [], breaks: [] });
    const rows = await ctx.database.db.selectFrom('barber_weekly_hours').select('id').where('barber_id', '=', shop.barberIds[0]!).execute();
    expect(rows).toEqual([]);
    expect(await slotsOn('2026-12-09', 0)).toEqual([]);
  });

  it('refuses malformed times, empty ranges and weekdays outside 0–6 without touching the week', async () => {
    const before = json(await call('GET', scheduleUrl(1), shop.owner));
    const rowsBefore = await count('barber_weekly_hours');
    const cases: Array<[unknown, string]> = [
      [{ hours: [{ weekday: 7, start: '09:00', end: '10:00' }], breaks: [] }, 'body.hours.0.weekday'],
      [{ hours: [{ weekday: -1, start: '09:00', end: '10:00' }], breaks: [] }, 'body.hours.0.weekday'],
      [{ hours: [{ weekday: 1, start: '10:00', end: '10:00' }], breaks: [] }, 'body.hours.0'],
      [{ hours: [{ weekday: 1, start: '09:00', end: '10:00' }, { weekday: 1, start: '18:00', end: '09:00' }], breaks: [] }, 'body.hours.1'],
      [{ hours: [], breaks: [{ weekday: 1, start: '14:00', end: '13:00' }] }, 'body.breaks.0'],
      [{ hours: [{ weekday: 1, start: '9:00', end: '10:00' }], breaks: [] }, 'body.hours.0.start'],
      [{ hours: [{ weekday: 1, start: '09:00', end: '24:30' }], breaks: [] }, 'body.hours.0.end'],
      [{ hours: [{ weekday: 1, start: '24:00', end: '24:00' }], breaks: [] }, 'body.hours.0'],
      [{ hours: [{ weekday: 1, start: '09:00', end: '25:00' }], breaks: [] }, 'body.hours.0.end'],
      [{ hours: [{ weekday: 1, start: '09:00', end: '10:00' }] }, 'body.breaks'],
    ];
    for (const [body, path] of cases) {
      const problem = expectProblem(await call('PUT', scheduleUrl(1), shop.owner, body), 400, 'validation_failed');
      expect(errorPaths(problem), JSON.stringify(body)).toContain(path);
    }
    expect(await count('barber_weekly_hours')).toBe(rowsBefore);
    expect(json(await call('GET', scheduleUrl(1), shop.owner))).toEqual(before);
  });

  it('answers 404 for an unknown barber or one of another shop', async () => {
    const week = { hours: [{ weekday: 1, start: '09:00', end: '10:00' }], breaks: [] };
    expectProblem(await call('GET', `/api/v1/shops/${shop.shopId}/barbers/${UNKNOWN_ID}/schedule`, shop.owner), 404, 'not_found');
    expectProblem(await call('PUT', `/api/v1/shops/${shop.shopId}/barbers/${outsider.barberIds[0]}/schedule`, shop.owner, week), 404, 'not_found');
    expectProblem(await call('PUT', `/api/v1/shops/${shop.shopId}/barbers/${outsider.barberIds[0]}/schedule`, admin, week), 404, 'not_found');
    expect(json(await call('GET', `/api/v1/shops/${outsider.shopId}/barbers/${outsider.barberIds[0]}/schedule`, outsider.owner)).hours).toHaveLength(6);
  });

  it('a barber edits their own week only; the owner and admins edit anyone’s', async () => {
    const mine = { hours: [{ weekday: 2, start: '11:00', end: '15:00' }], breaks: [] };
    const barber = shop.barberUsers[1]!;
    const own = await call('PUT', scheduleUrl(1), barber, mine);
    expect(own.statusCode).toBe(200);
    expect(json(await call('GET', scheduleUrl(1), barber))).toEqual(mine);

    const colleague = shop.barberUsers[0]!;
    expectProblem(await call('PUT', scheduleUrl(1), colleague, { hours: [], breaks: [] }), 403, 'forbidden');
    expectProblem(await call('GET', scheduleUrl(1), colleague), 403, 'forbidden');
    await expectOutsidersRefused('GET', scheduleUrl(1));
    await expectOutsidersRefused('PUT', scheduleUrl(1), { hours: [], breaks: [] });
    expect(json(await call('GET', scheduleUrl(1), shop.owner))).toEqual(mine);

    const byAdmin = await call('PUT', scheduleUrl(1), admin, { hours: [{ weekday: 4, start: '08:00', end: '12:00' }], breaks: [] });
    expect(byAdmin.statusCode).toBe(200);
    const byOwner = await call('PUT', scheduleUrl(1), shop.owner, { hours: [{ weekday: 4, start: '08:00', end: '13:00' }], breaks: [] });
    expect(json(byOwner).hours).toEqual([{ weekday: 4, start: '08:00', end: '13:00' }]);
  });
});

describe('date overrides', () => {
  let shop: ShopFixture;
  const overridesUrl = (barber: number) => `/api/v1/shops/${shop.shopId}/barbers/${shop.barberIds[barber]}/overrides`;

  beforeAll(async () => {
    shop = await shopIn({ barbers: 2 });
  });

  it('sets the hours of one date, lists upcoming dates only, and replaces an earlier override of that date', async () => {
    const set = await call('PUT', overridesUrl(0), shop.owner, {
      date: '2026-12-24',
      ranges: [
        { start: '09:00', end: '12:00' },
        { start: '15:00', end: '18:00' },
      ],
      note: 'Nochebuena',
    });
    expect(set.statusCode).toBe(200);
    expect(json(set)).toMatchObject({ date: '2026-12-24', note: 'Nochebuena', ranges: [{ start: '09:00', end: '12:00' }, { start: '15:00', end: '18:00' }] });

    const closed = json(await call('PUT', overridesUrl(0), shop.owner, { date: '2026-12-25', ranges: [] }));
    expect(closed).toMatchObject({ date: '2026-12-25', ranges: [], note: '' });
    // A date already past is kept but not listed as upcoming.
    expect((await call('PUT', overridesUrl(0), shop.owner, { date: '2026-11-30', ranges: [] })).statusCode).toBe(200);

    const replaced = json(await call('PUT', overridesUrl(0), shop.owner, { date: '2026-12-24', ranges: [{ start: '10:00', end: '13:00' }], note: 'Medio día' }));
    expect(replaced.ranges).toEqual([{ start: '10:00', end: '13:00' }]);

    const list = json(await call('GET', overridesUrl(0), shop.owner));
    expect(list.map((o: { date: string }) => o.date)).toEqual(['2026-12-24', '2026-12-25']);
    expect(list[0]).toMatchObject({ ranges: [{ start: '10:00', end: '13:00' }], note: 'Medio día' });
    expect(json(await call('GET', overridesUrl(1), shop.owner))).toEqual([]);

    // Customers see the closed Christmas day in availability.
    const avail = json(
      await call('GET', `/api/v1/shops/${shop.shopId}/availability?serviceId=${shop.services.cut!.id}&from=2026-12-24&to=2026-12-25&barberId=${shop.barberIds[0]}`),
    );
    const days = new Set(avail.slots.map((s: { start: string }) => s.start.slice(0, 10)));
    expect(days).toEqual(new Set(['2026-12-24']));
    expect(avail.slots[0].start).toBe('2026-12-24T10:00:00-03:00');
  });

  it('counts "today" in the shop’s timezone: late evening in Argentina still lists today', async () => {
    expect((await call('PUT', overridesUrl(1), shop.owner, { date: '2026-12-01', ranges: [], note: 'Hoy cerrado' })).statusCode).toBe(200);
    try {
      // 01:30 UTC on Dec 2 is 22:30 on Dec 1 in Buenos Aires.
      ctx.clock.set('2026-12-02T01:30:00Z');
      expect(json(await call('GET', overridesUrl(1), shop.owner)).map((o: { date: string }) => o.date)).toEqual(['2026-12-01']);
      ctx.clock.set('2026-12-02T03:00:00Z');
      expect(json(await call('GET', overridesUrl(1), shop.owner))).toEqual([]);
    } finally {
      ctx.clock.set(NOW);
    }
  });

  it('removes an override; removing a date without one is 404', async () => {
    await call('PUT', overridesUrl(1), shop.owner, { date: '2026-12-31', ranges: [{ start: '09:00', end: '13:00' }] });
    const del = await call('DELETE', `${overridesUrl(1)}/2026-12-31`, shop.owner);
    expect(del.statusCode).toBe(204);
    expect(del.body).toBe('');
    expect(json(await call('GET', overridesUrl(1), shop.owner)).map((o: { date: string }) => o.date)).not.toContain('2026-12-31');
    expectProblem(await call('DELETE', `${overridesUrl(1)}/2026-12-31`, shop.owner), 404, 'not_found');
    expect(errorPaths(expectProblem(await call('DELETE', `${overridesUrl(1)}/31-12-2026`, shop.owner), 400))).toEqual(['params.date']);
  });

  it('refuses malformed dates and ranges, and writes nothing', async () => {
    const before = await count('barber_date_overrides');
    const cases: Array<[unknown, string]> = [
      [{ date: '2026-02-30', ranges: [] }, 'body.date'],
      [{ date: '2026-12-24T00:00:00Z', ranges: [] }, 'body.date'],
      [{ date: '2026-12-24', ranges: [{ start: '12:00', end: '09:00' }] }, 'body.ranges.0'],
      [{ date: '2026-12-24', ranges: [{ start: '09:00', end: '24:01' }] }, 'body.ranges.0.end'],
      [{ date: '2026-12-24' }, 'body.ranges'],
      [{ date: '2026-12-24', ranges: [], note: 'x'.repeat(201) }, 'body.note'],
    ];
    for (const [body, path] of cases) {
      const problem = expectProblem(await call('PUT', overridesUrl(0), shop.owner, body), 400, 'validation_failed');
      expect(errorPaths(problem), JSON.stringify(body)).toContain(path);
    }
    expect(await count('barber_date_overrides')).toBe(before);
    expectProblem(await call('PUT', `/api/v1/shops/${shop.shopId}/barbers/${UNKNOWN_ID}/overrides`, shop.owner, { date: '2026-12-24', ranges: [] }), 404);
    expectProblem(await call('GET', `/api/v1/shops/${shop.shopId}/barbers/${outsider.barberIds[0]}/overrides`, shop.owner), 404);
    expect(await count('barber_date_overrides')).toBe(before);
  });

  it('a barber manages their own dates only', async () => {
    const barber = shop.barberUsers[1]!;
    expect((await call('PUT', overridesUrl(1), barber, { date: '2026-12-28', ranges: [{ start: '12:00', end: '16:00' }] })).statusCode).toBe(200);
    expect(json(await call('GET', overridesUrl(1), barber)).map((o: { date: string }) => o.date)).toContain('2026-12-28');
    expect((await call('DELETE', `${overridesUrl(1)}/2026-12-28`, barber)).statusCode).toBe(204);

    const before = await count('barber_date_overrides');
    expectProblem(await call('PUT', overridesUrl(0), barber, { date: '2026-12-29', ranges: [] }), 403, 'forbidden');
    expectProblem(await call('GET', overridesUrl(0), barber), 403, 'forbidden');
    expectProblem(await call('DELETE', `${overridesUrl(0)}/2026-12-24`, barber), 403, 'forbidden');
    await expectOutsidersRefused('GET', overridesUrl(0));
    await expectOutsidersRefused('PUT', overridesUrl(0), { date: '2026-12-29', ranges: [] });
    await expectOutsidersRefused('DELETE', `${overridesUrl(0)}/2026-12-24`);
    expect(await count('barber_date_overrides')).toBe(before);
    expect(json(await call('GET', overridesUrl(0), shop.owner)).map((o: { date: string }) => o.date)).toContain('2026-12-24');

    expect((await call('PUT', overridesUrl(0), admin, { date: '2026-12-30', ranges: [] })).statusCode).toBe(200);
    expect((await call('DELETE', `${overridesUrl(0)}/2026-12-30`, admin)).statusCode).toBe(204);
  });
});

describe('time off', () => {
  let shop: ShopFixture;
  const timeOffUrl = (barber: number) => `/api/v1/shops/${shop.shopId}/barbers/${shop.barberIds[barber]}/time-off`;

  beforeAll(async () => {
    shop = await shopIn({ barbers: 2 });
  });

  async function bookAt(start: string, barber: number) {
    const res = await call('POST', '/api/v1/bookings', customer, { shopId: shop.shopId, serviceId: shop.services.cut!.id, barberId: shop.barberIds[barber], start });
    expect(res.statusCode).toBe(201);
    return json(res);
  }

  it('blocks time off and counts the live bookings it overlaps, which are kept', async () => {
    const booking = await bookAt('2026-12-02T10:00:00-03:00', 0);
    const res = await call('POST', timeOffUrl(0), shop.owner, { startsAt: '2026-12-02T09:00:00-03:00', endsAt: '2026-12-02T12:00:00-03:00', reason: 'Trámite' });
    expect(res.statusCode).toBe(201);
    const timeOff = json(res);
    expect(timeOff).toMatchObject({ startsAt: '2026-12-02T12:00:00.000Z', endsAt: '2026-12-02T15:00:00.000Z', reason: 'Trámite', conflictingBookings: 1 });
    expect(json(await call('GET', `/api/v1/bookings/${booking.id}`, customer)).status).toBe('confirmed');

    // The rest of the morning is no longer offered to customers.
    const avail = json(
      await call('GET', `/api/v1/shops/${shop.shopId}/availability?serviceId=${shop.services.cut!.id}&from=2026-12-02&to=2026-12-02&barberId=${shop.barberIds[0]}`),
    );
    const starts: string[] = avail.slots.map((s: { start: string }) => s.start);
    expect(starts.filter((s) => s < '2026-12-02T12:00:00-03:00')).toEqual([]);
    expect(starts).toContain('2026-12-02T12:00:00-03:00');

    // Touching the booking's edge is not a conflict; another barber's booking is not either.
    const edge = json(await call('POST', timeOffUrl(0), shop.owner, { startsAt: '2026-12-02T10:30:00-03:00', endsAt: '2026-12-02T11:00:00-03:00' }));
    expect(edge.conflictingBookings).toBe(0);
    await bookAt('2026-12-03T10:00:00-03:00', 1);
    expect(json(await call('POST', timeOffUrl(0), shop.owner, { startsAt: '2026-12-03T09:00:00-03:00', endsAt: '2026-12-03T12:00:00-03:00' })).conflictingBookings).toBe(0);
  });

  it('does not count cancelled bookings', async () => {
    const booking = await bookAt('2026-12-04T15:00:00-03:00', 1);
    expect((await call('POST', `/api/v1/bookings/${booking.id}/cancel`, customer, {})).statusCode).toBe(200);
    const res = json(await call('POST', timeOffUrl(1), shop.owner, { startsAt: '2026-12-04T14:00:00-03:00', endsAt: '2026-12-04T18:00:00-03:00' }));
    expect(res.conflictingBookings).toBe(0);
  });

  it('lists current and upcoming time off, not what already ended', async () => {
    const past = json(await call('POST', timeOffUrl(1), shop.owner, { startsAt: '2026-11-20T09:00:00-03:00', endsAt: '2026-11-21T09:00:00-03:00', reason: 'Pasado' }));
    const current = json(await call('POST', timeOffUrl(1), shop.owner, { startsAt: '2026-11-30T00:00:00-03:00', endsAt: '2026-12-01T10:00:00-03:00', reason: 'En curso' }));
    const upcoming = json(await call('POST', timeOffUrl(1), shop.owner, { startsAt: '2027-01-10T00:00:00-03:00', endsAt: '2027-01-20T00:00:00-03:00', reason: 'Vacaciones' }));
    const list = json(await call('GET', timeOffUrl(1), shop.owner));
    const ids = list.map((t: { id: string }) => t.id);
    expect(ids).not.toContain(past.id);
    expect(ids).toContain(current.id);
    expect(ids).toContain(upcoming.id);
    expect(ids.indexOf(current.id)).toBeLessThan(ids.indexOf(upcoming.id));
    expect(list.find((t: { id: string }) => t.id === upcoming.id)).toEqual({
      id: upcoming.id,
      startsAt: '2027-01-10T03:00:00.000Z',
      endsAt: '2027-01-20T03:00:00.000Z',
      reason: 'Vacaciones',
    });
    expect(json(await call('GET', timeOffUrl(0), shop.owner)).map((t: { id: string }) => t.id)).not.toContain(upcoming.id);
  });

  it('removes time off; removing it twice or through another barber is 404', async () => {
    const t = json(await call('POST', timeOffUrl(0), shop.owner, { startsAt: '2026-12-10T09:00:00-03:00', endsAt: '2026-12-10T18:00:00-03:00' }));
    expectProblem(await call('DELETE', `${timeOffUrl(1)}/${t.id}`, shop.owner), 404, 'not_found');
    expect(json(await call('GET', timeOffUrl(0), shop.owner)).map((x: { id: string }) => x.id)).toContain(t.id);
    const del = await call('DELETE', `${timeOffUrl(0)}/${t.id}`, shop.owner);
    expect(del.statusCode).toBe(204);
    expect(json(await call('GET', timeOffUrl(0), shop.owner)).map((x: { id: string }) => x.id)).not.toContain(t.id);
    expectProblem(await call('DELETE', `${timeOffUrl(0)}/${t.id}`, shop.owner), 404, 'not_found');
    expect(errorPaths(expectProblem(await call('DELETE', `${timeOffUrl(0)}/no-es-un-id`, shop.owner), 400))).toEqual(['params.timeOffId']);
  });

  it('refuses reversed or offset-less times, and writes nothing', async () => {
    const before = await count('barber_time_off');
    const cases: Array<[unknown, string]> = [
      [{ startsAt: '2026-12-05T12:00:00-03:00', endsAt: '2026-12-05T12:00:00-03:00' }, 'body.endsAt'],
      [{ startsAt: '2026-12-05T12:00:00-03:00', endsAt: '2026-12-05T09:00:00-03:00' }, 'body.endsAt'],
      [{ startsAt: '2026-12-05T09:00:00', endsAt: '2026-12-05T12:00:00-03:00' }, 'body.startsAt'],
      [{ startsAt: '2026-12-05', endsAt: '2026-12-06' }, 'body.startsAt'],
      [{ startsAt: '2026-12-05T09:00:00-03:00' }, 'body.endsAt'],
    ];
    for (const [body, path] of cases) {
      const problem = expectProblem(await call('POST', timeOffUrl(0), shop.owner, body), 400, 'validation_failed');
      expect(errorPaths(problem), JSON.stringify(body)).toContain(path);
    }
    const valid = { startsAt: '2026-12-05T09:00:00-03:00', endsAt: '2026-12-05T12:00:00-03:00' };
    expectProblem(await call('POST', `/api/v1/shops/${shop.shopId}/barbers/${UNKNOWN_ID}/time-off`, shop.owner, valid), 404, 'not_found');
    expectProblem(await call('POST', `/api/v1/shops/${shop.shopId}/barbers/${outsider.barberIds[0]}/time-off`, admin, valid), 404, 'not_found');
    expect(await count('barber_time_off')).toBe(before);
  });

  it('a barber blocks their own time only', async () => {
    const barber = shop.barberUsers[0]!;
    const own = await call('POST', timeOffUrl(0), barber, { startsAt: '2026-12-15T09:00:00-03:00', endsAt: '2026-12-15T11:00:00-03:00', reason: 'Médico' });
    expect(own.statusCode).toBe(201);
    expect(json(await call('GET', timeOffUrl(0), barber)).map((t: { id: string }) => t.id)).toContain(json(own).id);
    expect((await call('DELETE', `${timeOffUrl(0)}/${json(own).id}`, barber)).statusCode).toBe(204);

    const colleagues = json(await call('POST', timeOffUrl(1), shop.owner, { startsAt: '2026-12-16T09:00:00-03:00', endsAt: '2026-12-16T11:00:00-03:00' }));
    const before = await count('barber_time_off');
    const body = { startsAt: '2026-12-17T09:00:00-03:00', endsAt: '2026-12-17T11:00:00-03:00' };
    expectProblem(await call('POST', timeOffUrl(1), barber, body), 403, 'forbidden');
    expectProblem(await call('GET', timeOffUrl(1), barber), 403, 'forbidden');
    expectProblem(await call('DELETE', `${timeOffUrl(1)}/${colleagues.id}`, barber), 403, 'forbidden');
    await expectOutsidersRefused('GET', timeOffUrl(1));
    await expectOutsidersRefused('POST', timeOffUrl(1), body);
    await expectOutsidersRefused('DELETE', `${timeOffUrl(1)}/${colleagues.id}`);
    expect(await count('barber_time_off')).toBe(before);

    const byAdmin = await call('POST', timeOffUrl(1), admin, body);
    expect(byAdmin.statusCode).toBe(201);
    expect((await call('DELETE', `${timeOffUrl(1)}/${json(byAdmin).id}`, admin)).statusCode).toBe(204);
  });
});
