import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMercadoPagoSandbox, type MercadoPagoSandbox } from '../../src/sandbox/mercadopago/index.js';
import { createShopFixture, linkMercadoPagoSeller, type ShopFixture } from '../fixtures.js';
import { createTestContext, json, TEST_ENV, type TestContext, type TestUser } from '../helpers.js';
import { countChanges, tableCounts } from './table-counts.js';

/**
 * The API fuzz suite, generated from the server's own /openapi.json: for every operation and
 * every role (anonymous, a customer, the owner of shop A, the owner of shop B, an admin) it
 * sends malformed, oversized, boundary and type-confused requests (path, query, body and
 * headers), with the real ids of shop A and of customer Y's booking mixed in as the
 * "valid-looking" inputs an attacker would try. Every answer must hold:
 *
 * - no 5xx, ever;
 * - every 4xx is problem+json whose status matches;
 * - no cross-tenant access (BOLA): the customer X and shop B's owner never get a 2xx on a
 *   protected route naming shop A's or Y's resources, nor see Y's booking or identity in any
 *   answer; anonymous callers never get a 2xx on a protected route;
 * - a refused request (4xx) writes nothing: the row count of every table is unchanged.
 *
 * FUZZ_RUNS sets the requests per operation and role (default keeps the file near a minute on CI);
 * FUZZ_SEED replays a run.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 10);
const SEED = process.env.FUZZ_SEED === undefined ? Date.now() ^ (Math.random() * 0x7fffffff) : Number(process.env.FUZZ_SEED);

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  pattern?: string;
  nullable?: boolean;
};

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: JsonSchema;
}

interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  body: JsonSchema | undefined;
  secured: boolean;
}

type RoleName = 'anonymous' | 'customerX' | 'providerA' | 'providerB' | 'admin';
const ROLES: RoleName[] = ['anonymous', 'customerX', 'providerA', 'providerB', 'admin'];

interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload: string | undefined;
  pathValues: string[];
}

// ---- the world: two shops, two customers, real ids ----

let ctx: TestContext;
let sandbox: MercadoPagoSandbox;
let operations: Operation[] = [];
let shopA: ShopFixture;
let shopB: ShopFixture;
let customerX: TestUser;
let customerY: TestUser;
let admin: TestUser;
let bookingY: string;
let bookingX: string;
let timeOffA: string;
const tokens: Partial<Record<RoleName, string>> = {};
/** Ids of shop A and customer Y that X and B must never reach through a protected route. */
let privateOfAandY: Set<string>;
/** Strings that must never appear in an answer to X or B. */
let secretsOfY: string[];
const Y_NAME = 'Yolanda Privadísima';
const Y_DOCUMENT = '31222333';

/** Values a path or query parameter named `name` is tried with; the first is shop A's or customer Y's. */
function knownValues(name: string): string[] {
  const uuids = [shopA.shopId, shopB.shopId, bookingY, bookingX, ...Object.values(shopA.services).map((s) => s.id), ...shopA.barberIds, timeOffA, customerY.id, randomUUID()];
  switch (name) {
    case 'shopId':
      return [shopA.shopId, shopB.shopId];
    case 'serviceId':
      return [...Object.values(shopA.services).map((s) => s.id), ...Object.values(shopB.services).map((s) => s.id)];
    case 'barberId':
      return [...shopA.barberIds, ...shopB.barberIds];
    case 'id':
      return [bookingY, bookingX, randomUUID()];
    case 'timeOffId':
      return [timeOffA];
    case 'date':
    case 'from':
    case 'to':
    case 'day':
      return ['2026-12-02', '2026-12-01', '2027-02-29', '1900-01-01', '9999-12-31'];
    case 'ip':
      return ['203.0.113.5', '::1', '2001:db8::1'];
    default:
      return uuids;
  }
}

const JUNK_STRINGS = [
  '',
  ' ',
  '0',
  '-1',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  "' or 1=1 --",
  '"; drop table users; --',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '\u0000',
  'ñandú 🇦🇷',
  '\u202e\u200b',
  '9'.repeat(40),
  '1e309',
  'NaN',
  'x'.repeat(300),
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1',
  '2026-13-45',
  '2026-12-01T25:61:00Z',
];

const junk = fc.oneof(fc.constantFrom(...JUNK_STRINGS), fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }), fc.integer().map(String));

/** A string meant to pass the schema, at its boundaries when it has them. */
function stringFor(schema: JsonSchema, name: string): fc.Arbitrary<string> {
  if (schema.enum) return fc.constantFrom(...(schema.enum as string[]));
  switch (schema.format) {
    case 'uuid':
      return fc.oneof(fc.constantFrom(...knownValues(name)), fc.uuid());
    case 'date':
      return fc.oneof(fc.constantFrom('2026-12-02', '2026-12-01', '2026-12-31', '2027-12-01', '2000-02-29', '2026-02-29'), fc.date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)));
    case 'date-time':
      return fc.oneof(
        fc.constantFrom('2026-12-02T10:00:00-03:00', '2026-12-02T13:00:00Z', '2026-12-01T11:59:59-03:00', '1970-01-01T00:00:00Z', '2999-12-31T23:59:59+14:00'),
        fc.date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
      );
    case 'email':
      return fc.oneof(fc.emailAddress(), fc.constantFrom(customerY.email, customerX.email, 'A@B.CO'));
    case 'uri':
      return fc.webUrl();
  }
  const min = schema.minLength ?? 0;
  const max = Math.min(schema.maxLength ?? 60, 300);
  if (schema.pattern && /^\^?\[?0-9\]?|\\d/.test(schema.pattern)) return fc.oneof(fc.constantFrom(Y_DOCUMENT, '20123456786', '30712345671', '12345678'), fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= 300));
  return fc.oneof(fc.constantFrom('x'.repeat(min), 'y'.repeat(max)), fc.string({ minLength: min, maxLength: max }));
}

function numberFor(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -1_000_000);
  const max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : 1_000_000_000);
  const lo = Math.max(min, -Number.MAX_SAFE_INTEGER);
  const hi = Math.min(max, Number.MAX_SAFE_INTEGER);
  return fc.oneof(fc.constantFrom(lo, hi, lo + 1 <= hi ? lo + 1 : lo, 0 >= lo && 0 <= hi ? 0 : lo), integer ? fc.integer({ min: Math.max(lo, -2_147_483_648), max: Math.min(hi, 2_147_483_647) }) : fc.double({ min: lo, max: hi, noNaN: true }));
}

/**
 * Values close to what the JSON schema accepts (the OpenAPI document inlines every schema).
 * Hand-written because the repository has no JSON-Schema-to-fast-check library, and this one
 * needs the app's real ids anyway.
 */
function valueFor(schema: JsonSchema, name = '', depth = 0): fc.Arbitrary<unknown> {
  if (depth > 6) return fc.constant(null);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((s) => valueFor(s, name, depth + 1)));
  if (schema.allOf?.length) return valueFor(Object.assign({}, ...schema.allOf) as JsonSchema, name, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') ?? 'null' : schema.type;
  switch (type) {
    case 'string':
      return stringFor(schema, name);
    case 'integer':
      return numberFor(schema, true);
    case 'number':
      return numberFor(schema, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(valueFor(schema.items ?? {}, name, depth + 1), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 4, 8) });
    case 'object': {
      const props = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, child] of Object.entries(props)) record[key] = valueFor(child, key, depth + 1);
      const requiredKeys = Object.keys(props).filter((k) => required.has(k));
      return fc.record(record, { requiredKeys });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** A value of the wrong type for the schema. */
const confused = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.constantFrom(-1, 0, 1e308, -1e308, 2 ** 53, 0.5, Number.MAX_SAFE_INTEGER + 2),
  junk,
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.constant({}),
  fc.constant({ __proto__: { admin: true } }),
  fc.constant({ constructor: { prototype: { polluted: true } } }),
);

/** Turns a schema-shaped body into a broken one: a field of the wrong type, missing, extra, huge. */
function mutate(value: unknown): fc.Arbitrary<unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return fc.oneof(fc.constant(value), confused);
  const keys = Object.keys(value);
  return fc.oneof(
    fc.constant(value),
    keys.length ? fc.tuple(fc.constantFrom(...keys), confused).map(([k, v]) => ({ ...value, [k]: v })) : fc.constant(value),
    keys.length ? fc.constantFrom(...keys).map((k) => Object.fromEntries(Object.entries(value).filter(([key]) => key !== k))) : fc.constant({}),
    fc.tuple(fc.string({ minLength: 1, maxLength: 10 }), confused).map(([k, v]) => ({ ...value, [k]: v })),
    keys.length ? fc.constantFrom(...keys).map((k) => ({ ...value, [k]: 'z'.repeat(5_000) })) : fc.constant(value),
    fc.constant([value]),
  );
}

/** The raw body: schema-shaped, mutated, random JSON, or not JSON at all. */
function bodyFor(op: Operation): fc.Arbitrary<{ payload: string | undefined; contentType: string | undefined }> {
  const json = (v: unknown) => ({ payload: JSON.stringify(v), contentType: 'application/json' as string | undefined });
  const shaped = op.body ? valueFor(op.body) : fc.constant({});
  const options: fc.Arbitrary<{ payload: string | undefined; contentType: string | undefined }>[] = [
    shaped.map(json),
    shaped.chain(mutate).map(json),
    shaped.chain(mutate).map(json),
    fc.jsonValue({ maxDepth: 3 }).map(json),
    fc.constantFrom(
      { payload: undefined, contentType: undefined },
      { payload: '', contentType: 'application/json' },
      { payload: '{"a":', contentType: 'application/json' },
      { payload: 'null', contentType: 'application/json' },
      { payload: '"texto"', contentType: 'application/json' },
      { payload: '{"__proto__":{"isAdmin":true}}', contentType: 'application/json' },
      { payload: `${'['.repeat(60)}${']'.repeat(60)}`, contentType: 'application/json' },
      { payload: JSON.stringify({ big: 'x'.repeat(70_000) }), contentType: 'application/json' },
      { payload: 'a=1&b=2', contentType: 'application/x-www-form-urlencoded' },
      { payload: 'hola', contentType: 'text/plain' },
      { payload: '{}', contentType: 'application/json; charset=utf-16' },
      { payload: '<x/>', contentType: 'application/xml' },
    ),
  ];
  return fc.oneof(...options);
}

const ID_PARAMS = new Set(['shopId', 'serviceId', 'barberId', 'id', 'timeOffId']);

/**
 * A parameter's value. Targeted: the id of shop A's or customer Y's resource the name points
 * at (the request a cross-tenant attacker would send), otherwise a schema-shaped value.
 */
function paramFor(p: Parameter, targeted: boolean): fc.Arbitrary<string | undefined> {
  const shaped = valueFor(p.schema, p.name).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  if (targeted) return ID_PARAMS.has(p.name) || p.in === 'path' ? fc.constant(knownValues(p.name)[0]!) : p.required ? shaped : fc.constant(undefined);
  const base = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...knownValues(p.name)) }, { weight: 3, arbitrary: shaped }, { weight: 3, arbitrary: junk });
  return p.required || p.in === 'path' ? base : fc.option(base, { freq: 3 }).map((v) => v ?? undefined);
}

function requestFor(op: Operation, role: RoleName, targeted = false): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  return fc
    .record({
      path: fc.tuple(...pathParams.map((p) => paramFor(p, targeted))),
      query: fc.tuple(...queryParams.map((p) => paramFor(p, targeted))),
      extraQuery: fc.option(fc.tuple(fc.constantFrom('page', 'pageSize', 'limit', 'shopId', 'userId', 'role', '__proto__', 'x'), junk), { freq: 4 }),
      body: bodyFor(op),
      idempotencyKey: fc.option(fc.oneof(fc.uuid(), fc.constantFrom('', ' ', 'k'.repeat(256), 'clave-ñ', 'same-key'), fc.string({ maxLength: 30 })), { freq: 2 }),
      requestId: fc.option(fc.oneof(fc.uuid(), fc.constantFrom('x', 'r'.repeat(200), 'with spaces')), { freq: 3 }),
      duplicateQuery: fc.boolean(),
    })
    .map((g) => {
      let url = op.path;
      const pathValues: string[] = [];
      pathParams.forEach((p, i) => {
        const value = g.path[i] ?? '';
        pathValues.push(value);
        url = url.replace(`{${p.name}}`, encodeURIComponent(value));
      });
      const search = new URLSearchParams();
      queryParams.forEach((p, i) => {
        const value = g.query[i];
        if (value !== undefined) {
          search.append(p.name, value);
          if (g.duplicateQuery) search.append(p.name, value);
        }
      });
      if (g.extraQuery) search.append(g.extraQuery[0], g.extraQuery[1]);
      const headers: Record<string, string> = {};
      const token = tokens[role];
      if (token) headers['authorization'] = `Bearer ${token}`;
      if (g.body.contentType && op.method !== 'GET' && op.method !== 'DELETE') headers['content-type'] = g.body.contentType;
      if (g.idempotencyKey !== null) headers['idempotency-key'] = g.idempotencyKey;
      if (g.requestId !== null) headers['x-request-id'] = g.requestId;
      const query = search.toString();
      return {
        method: op.method,
        url: query ? `${url}?${query}` : url,
        headers,
        payload: op.method === 'GET' || op.method === 'DELETE' ? undefined : g.body.payload,
        pathValues,
      };
    });
}

function describeRequest(role: RoleName, r: FuzzRequest, res: LightMyRequestResponse): string {
  const body = r.payload === undefined ? '' : ` body=${r.payload.length > 300 ? `${r.payload.slice(0, 300)}…(${r.payload.length} chars)` : r.payload}`;
  return `${role} ${r.method} ${r.url} headers=${JSON.stringify({ ...r.headers, authorization: undefined })}${body} → ${res.statusCode} ${res.body.slice(0, 400)}`;
}

/** The invariants; returns what was violated (empty when the answer is fine). */
function violations(op: Operation, role: RoleName, r: FuzzRequest, res: LightMyRequestResponse, writes: string[]): string[] {
  const found: string[] = [];
  const status = res.statusCode;
  if (status >= 500) found.push(`5xx`);
  if (status >= 400 && status < 500) {
    if (!String(res.headers['content-type']).startsWith('application/problem+json')) found.push(`4xx not problem+json (${res.headers['content-type']})`);
    else {
      const body = json(res);
      if (body.status !== status || typeof body.code !== 'string' || typeof body.title !== 'string') found.push('problem body does not match its status');
    }
    if (writes.length) found.push(`refused request wrote rows: ${writes.join(', ')}`);
  }
  if (status >= 200 && status < 300) {
    if (op.secured && role === 'anonymous') found.push('anonymous caller got a 2xx on a protected route');
    if (op.secured && (role === 'customerX' || role === 'providerB') && r.pathValues.some((v) => privateOfAandY.has(v))) found.push('cross-tenant: 2xx on shop A’s or customer Y’s resource');
    if (role === 'customerX' || role === 'providerB') {
      const leaked = secretsOfY.filter((s) => res.body.includes(s));
      if (leaked.length) found.push(`cross-tenant read: answer contains ${leaked.join(', ')}`);
    }
  }
  return found;
}

beforeAll(async () => {
  sandbox = await startMercadoPagoSandbox({
    webhookSecret: TEST_ENV.MP_WEBHOOK_SECRET,
    clientId: 'app-test',
    clientSecret: 'app-test-secret',
    sellerTokens: { 'APP_USR-fuzz-seller': 4242 },
  });
  ctx = await createTestContext({ deps: { mercadopago: { baseUrl: sandbox.url, authBaseUrl: sandbox.url, clientId: 'app-test', clientSecret: 'app-test-secret' } } });
  shopA = await createShopFixture(ctx, { name: 'Barbería A', services: [{ key: 'cut', durationMinutes: 30, priceCents: 1_000_000, deposit: { kind: 'percent', value: 25 } }] });
  shopB = await createShopFixture(ctx, { name: 'Barbería B' });
  await linkMercadoPagoSeller(ctx.database.db, shopA.shopId, { token: 'APP_USR-fuzz-seller', userId: 4242 });
  customerX = await ctx.createUser('customer');
  customerY = await ctx.createUser('customer', { fullName: Y_NAME, email: `yolanda-${randomUUID().slice(0, 8)}@privado.example` });
  admin = await ctx.createUser('admin');
  tokens.customerX = customerX.token;
  tokens.providerA = shopA.owner.token;
  tokens.providerB = shopB.owner.token;
  tokens.admin = admin.token;

  const book = async (user: TestUser, shop: ShopFixture, start: string) => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/bookings',
      headers: { ...user.auth, 'idempotency-key': randomUUID() },
      payload: { shopId: shop.shopId, serviceId: Object.values(shop.services)[0]!.id, start },
    });
    if (res.statusCode !== 201) throw new Error(`seed booking: ${res.statusCode} ${res.body}`);
    return json(res).id as string;
  };
  bookingY = await book(customerY, shopA, '2026-12-02T10:00:00-03:00');
  bookingX = await book(customerX, shopB, '2026-12-02T11:00:00-03:00');
  const billing = await ctx.app.inject({
    method: 'PUT',
    url: `/api/v1/bookings/${bookingY}/billing`,
    headers: customerY.auth,
    payload: { docType: 'dni', number: Y_DOCUMENT, name: Y_NAME },
  });
  const timeOff = await ctx.app.inject({
    method: 'POST',
    url: `/api/v1/shops/${shopA.shopId}/barbers/${shopA.barberIds[0]}/time-off`,
    headers: shopA.owner.auth,
    payload: { startsAt: '2026-12-20T09:00:00-03:00', endsAt: '2026-12-20T12:00:00-03:00', reason: 'Turno médico' },
  });
  timeOffA = timeOff.statusCode === 201 ? (json(timeOff).id as string) : randomUUID();

  privateOfAandY = new Set([shopA.shopId, bookingY, timeOffA, customerY.id, ...shopA.barberIds, ...Object.values(shopA.services).map((s) => s.id)]);
  secretsOfY = [bookingY, customerY.email, Y_NAME, customerY.id, ...(billing.statusCode < 300 ? [Y_DOCUMENT] : [])];

  const doc = json(await ctx.app.inject({ url: '/openapi.json' }));
  operations = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      operations.push({
        method: method.toUpperCase(),
        path,
        parameters: (op.parameters ?? []) as Parameter[],
        body: op.requestBody?.content?.['application/json']?.schema as JsonSchema | undefined,
        secured: Array.isArray(op.security) && op.security.length > 0,
      });
    }
  }
}, 120_000);

afterAll(async () => {
  await ctx?.close();
  await sandbox?.close();
});

describe('API fuzz suite (generated from /openapi.json)', () => {
  it('covers every operation of the OpenAPI document, with real seeded data', () => {
    console.log(`[fuzz] ${operations.length} operations × ${ROLES.length} roles × ${RUNS} runs, seed ${SEED}`);
    expect(operations.length).toBeGreaterThan(50);
    expect(bookingY).toBeDefined();
    // The seeded billing data is one of the secrets the suite looks for in answers.
    expect(secretsOfY).toContain(Y_DOCUMENT);
  });

  it('the oracle can fail: the owners reach what X and B must not (positive controls)', async () => {
    // Y sees her booking, and A's owner sees it in the shop's agenda: the secrets are reachable by the right people…
    const own = await ctx.app.inject({ url: `/api/v1/bookings/${bookingY}`, headers: customerY.auth });
    expect(own.statusCode).toBe(200);
    const agenda = await ctx.app.inject({ url: `/api/v1/bookings?shopId=${shopA.shopId}`, headers: shopA.owner.auth });
    expect(agenda.statusCode).toBe(200);
    expect(agenda.body).toContain(bookingY);
    expect((await ctx.app.inject({ url: `/api/v1/shops/${shopA.shopId}/services`, headers: shopA.owner.auth })).statusCode).toBe(200);
    // …so the same requests from X and B are refused by the app, not unreachable by construction.
    for (const user of [customerX, shopB.owner]) {
      const res = await ctx.app.inject({ url: `/api/v1/bookings/${bookingY}`, headers: user.auth });
      expect([403, 404]).toContain(res.statusCode);
      expect(res.body).not.toContain(Y_NAME);
    }
    expect([403, 404]).toContain((await ctx.app.inject({ url: `/api/v1/shops/${shopA.shopId}/services`, headers: shopB.owner.auth })).statusCode);
  });

  it('every route, every role: no 5xx, problem+json 4xx, no cross-tenant access, no writes on refusals', { timeout: 600_000 }, async () => {
    const failures: string[] = [];
    let sent = 0;
    const statuses = new Map<number, number>();
    let counts = await tableCounts(ctx.database.db);
    for (const op of operations) {
      for (const role of ROLES) {
        let firstFailure: string | undefined;
        // A third of the requests name shop A's and customer Y's real ids in every id parameter,
        // and the first request always does, so each operation and role tries the cross-tenant case.
        const targeted = requestFor(op, role, true);
        const firstTargeted = fc.sample(targeted, { seed: SEED, numRuns: 1 })[0]!;
        await fc.assert(
          fc.asyncProperty(fc.oneof({ weight: 1, arbitrary: targeted }, { weight: 2, arbitrary: requestFor(op, role) }), async (r) => {
            const res = await ctx.app.inject({ method: r.method as 'GET', url: r.url, headers: r.headers, ...(r.payload === undefined ? {} : { payload: r.payload }) });
            sent++;
            statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
            const after = await tableCounts(ctx.database.db);
            const writes = countChanges(counts, after);
            counts = after;
            const found = violations(op, role, r, res, writes);
            if (found.length && !firstFailure) firstFailure = `${op.method} ${op.path} [${found.join('; ')}] ${describeRequest(role, r, res)}`;
            return true;
          }),
          { numRuns: RUNS, seed: SEED, endOnFailure: true, examples: [[firstTargeted]] },
        );
        if (firstFailure) failures.push(firstFailure);
      }
    }
    console.log(`[fuzz] ${sent} requests; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`);
    expect(failures).toEqual([]);
  });
});
