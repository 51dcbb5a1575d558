import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/platform/http/access.js';
import { createTestContext, expectProblem, type TestContext, type TestUser } from '../helpers.js';

/**
 * Who may call what. This table is the reviewed contract: opening a route to more roles,
 * or adding one, fails here until the table says so.
 */
const EXPECTED: Record<string, 'public' | 'metrics-scraper' | 'alertmanager' | Role[]> = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /openapi.json': 'public',
  'GET /metrics': 'metrics-scraper',
  'POST /api/v1/auth/register': 'public',
  'POST /api/v1/auth/login': 'public',
  'POST /api/v1/auth/refresh': 'public',
  'POST /api/v1/auth/logout': 'public',
  'GET /api/v1/me': ['customer', 'provider', 'admin'],
  'GET /api/v1/me/notification-preferences': ['customer', 'provider', 'admin'],
  'PUT /api/v1/me/notification-preferences': ['customer', 'provider', 'admin'],
  'GET /api/v1/shops': 'public',
  'GET /api/v1/cities': 'public',
  'GET /api/v1/shops/:shopId': 'public',
  'GET /api/v1/shops/:shopId/availability': 'public',
  'GET /api/v1/shops/:shopId/reviews': 'public',
  'POST /api/v1/shops': ['provider', 'admin'],
  'PATCH /api/v1/shops/:shopId': ['provider', 'admin'],
  'GET /api/v1/shops/:shopId/services': ['provider', 'admin'],
  'POST /api/v1/shops/:shopId/services': ['provider', 'admin'],
  'PATCH /api/v1/shops/:shopId/services/:serviceId': ['provider', 'admin'],
  'GET /api/v1/shops/:shopId/barbers': ['provider', 'admin'],
  'POST /api/v1/shops/:shopId/barbers': ['provider', 'admin'],
  'PATCH /api/v1/shops/:shopId/barbers/:barberId': ['provider', 'admin'],
  'GET /api/v1/shops/:shopId/barbers/:barberId/schedule': ['provider', 'admin'],
  'PUT /api/v1/shops/:shopId/barbers/:barberId/schedule': ['provider', 'admin'],
  'GET /api/v1/shops/:shopId/barbers/:barberId/overrides': ['provider', 'admin'],
  'PUT /api/v1/shops/:shopId/barbers/:barberId/overrides': ['provider', 'admin'],
  'DELETE /api/v1/shops/:shopId/barbers/:barberId/overrides/:date': ['provider', 'admin'],
  'GET /api/v1/shops/:shopId/barbers/:barberId/time-off': ['provider', 'admin'],
  'POST /api/v1/shops/:shopId/barbers/:barberId/time-off': ['provider', 'admin'],
  'DELETE /api/v1/shops/:shopId/barbers/:barberId/time-off/:timeOffId': ['provider', 'admin'],
  'POST /api/v1/bookings': ['customer'],
  'GET /api/v1/bookings': ['customer', 'provider', 'admin'],
  'GET /api/v1/bookings/:id': ['customer', 'provider', 'admin'],
  'POST /api/v1/bookings/:id/cancel': ['customer', 'provider', 'admin'],
  'POST /api/v1/bookings/:id/reschedule': ['customer', 'provider', 'admin'],
  'POST /api/v1/bookings/:id/confirm': ['provider', 'admin'],
  'POST /api/v1/bookings/:id/complete': ['provider', 'admin'],
  'POST /api/v1/bookings/:id/no-show': ['provider', 'admin'],
  'POST /api/v1/bookings/:id/review': ['customer'],
  'GET /api/v1/bookings/:id/calendar.ics': ['customer'],
  'GET /api/v1/admin/analytics/daily': ['admin'],
  'GET /api/v1/admin/analytics/regional': ['admin'],
  'POST /api/v1/bookings/:id/checkout': ['customer'],
  'GET /api/v1/shops/:shopId/mercadopago/authorization': ['provider', 'admin'],
  // Public by necessity: the owner's browser returns from MercadoPago; the signed state decides.
  'GET /api/v1/mercadopago/oauth/callback': 'public',
  // Public by necessity: MercadoPago calls it; every request must carry a valid x-signature.
  'POST /api/v1/webhooks/mercadopago': 'public',
  'GET /api/v1/admin/analytics/rollups': ['admin'],
  'GET /api/v1/admin/ledger/check': ['admin'],
  'GET /api/v1/admin/ledger/trial-balance': ['admin'],
  'GET /api/v1/admin/audit/verify': ['admin'],
  'GET /api/v1/shops/:shopId/payouts': ['provider', 'admin'],
  // The shop's own agenda (members) and utilization (owner); the service narrows to the shop.
  'GET /api/v1/shops/:shopId/agenda': ['provider', 'admin'],
  'GET /api/v1/shops/:shopId/utilization': ['provider', 'admin'],
  'GET /api/v1/shops/:shopId/mercadopago': ['provider', 'admin'],
  // Invoicing. The service narrows these to the booking's customer, the shop's members and admins (404 to others).
  'GET /api/v1/invoices/:id': ['customer', 'provider', 'admin'],
  'GET /api/v1/invoices/:id/pdf': ['customer', 'provider', 'admin'],
  'GET /api/v1/bookings/:id/invoices': ['customer', 'provider', 'admin'],
  'PUT /api/v1/bookings/:id/billing': ['customer'],
  'GET /api/v1/shops/:shopId/invoices': ['provider', 'admin'],
  'POST /api/v1/invoices/:id/retry': ['provider', 'admin'],
  'GET /api/v1/shops/:shopId/fiscal-settings': ['provider', 'admin'],
  'PUT /api/v1/shops/:shopId/fiscal-settings': ['provider', 'admin'],
  'GET /api/v1/admin/ops/db-performance': ['admin'],
  'GET /api/v1/admin/ops/financial-documents': ['admin'],
  'GET /api/v1/admin/ops/migrations': ['admin'],
  'GET /api/v1/admin/ops/usage': ['admin'],
  'POST /api/v1/admin/ops/recovery': ['admin'],
  'GET /api/v1/admin/ops/data-protection': ['admin'],
  'GET /api/v1/admin/invoicing/health': ['admin'],
  // Alertmanager's own bearer token (ALERTMANAGER_WEBHOOK_TOKEN); no user, not even an admin.
  'POST /api/v1/ops/alertmanager': 'alertmanager',
  'GET /api/v1/admin/incidents': ['admin'],
  'POST /api/v1/admin/incidents': ['admin'],
  'GET /api/v1/admin/incidents/metrics': ['admin'],
  'GET /api/v1/admin/incidents/:id': ['admin'],
  'POST /api/v1/admin/incidents/:id/acknowledge': ['admin'],
  'POST /api/v1/admin/incidents/:id/resolve': ['admin'],
  'GET /api/v1/admin/dashboards/executive': ['admin'],
  'GET /api/v1/admin/dashboards/operational': ['admin'],
  'GET /api/v1/admin/dashboards/business': ['admin'],
  'GET /api/v1/admin/dashboards/security': ['admin'],
  // Data-subject rights and consent. The consumer buttons are public by law (usable without logging in), rate-limited per address.
  'GET /api/v1/public/legal-documents': 'public',
  'POST /api/v1/public/withdrawal': 'public',
  'POST /api/v1/public/cancellation': 'public',
  'GET /api/v1/me/data-export': ['customer', 'provider', 'admin'],
  'GET /api/v1/me/privacy-requests': ['customer', 'provider', 'admin'],
  'POST /api/v1/me/rectification': ['customer', 'provider', 'admin'],
  'POST /api/v1/me/deletion': ['customer', 'provider', 'admin'],
  'GET /api/v1/me/consents': ['customer', 'provider', 'admin'],
  'PUT /api/v1/me/consents': ['customer', 'provider', 'admin'],
  'GET /api/v1/admin/privacy/requests': ['admin'],
  'POST /api/v1/admin/privacy/requests/:id/answer': ['admin'],
  'GET /api/v1/admin/privacy/summary': ['admin'],
  'GET /api/v1/admin/security/ip-blocks': ['admin'],
  'POST /api/v1/admin/security/ip-blocks': ['admin'],
  'DELETE /api/v1/admin/security/ip-blocks/:ip': ['admin'],
  // @fastify/cors's preflight route: answers only for origins in CORS_ORIGINS (404 otherwise).
  'OPTIONS *': 'public',
};

const ROLES: Role[] = ['customer', 'provider', 'admin'];

let ctx: TestContext;
const users = {} as Record<Role, TestUser>;

beforeAll(async () => {
  ctx = await createTestContext();
  for (const role of ROLES) users[role] = await ctx.createUser(role);
});
afterAll(async () => ctx.close());

function concrete(url: string): string {
  return url.replace(/:date/g, '2026-12-01').replace(/:ip\b/g, '203.0.113.9').replace(/:[A-Za-z]+/g, () => randomUUID());
}

const apiRoutes = () => ctx.app.routeAccess.filter((r) => !r.url.startsWith('/docs'));

describe('route access contract', () => {
  it('every route declares who may call it, exactly as reviewed', () => {
    const actual = Object.fromEntries(
      apiRoutes().map((r) => [`${r.method} ${r.url}`, typeof r.access === 'string' ? r.access : [...r.access.roles].sort()]),
    );
    const expected = Object.fromEntries(Object.entries(EXPECTED).map(([k, v]) => [k, typeof v === 'string' ? v : [...v].sort()]));
    expect(actual).toEqual(expected);
  });

  const protectedRoutes = Object.entries(EXPECTED)
    .filter(([, access]) => access !== 'public')
    .map(([route, access]) => [route, access === 'metrics-scraper' ? (['admin'] as Role[]) : access === 'alertmanager' ? ([] as Role[]) : access] as [string, Role[]]);

  it.each(protectedRoutes.map(([route]) => [route]))('%s refuses anonymous callers (401)', async (route) => {
    const [method, url] = route.split(' ') as [string, string];
    expectProblem(await ctx.app.inject({ method: method as 'GET', url: concrete(url), payload: method === 'GET' ? undefined : {} }), 401, 'unauthorized');
  });

  const refusals = protectedRoutes.flatMap(([route, roles]) => ROLES.filter((r) => !roles.includes(r)).map((role) => [route, role] as const));

  it.each(refusals)('%s refuses the %s role (403)', async (route, role) => {
    const [method, url] = route.split(' ') as [string, string];
    const res = await ctx.app.inject({ method: method as 'GET', url: concrete(url), headers: users[role].auth, payload: method === 'GET' ? undefined : {} });
    expectProblem(res, 403, 'forbidden');
  });

  it.each(protectedRoutes.map(([route]) => [route]))('%s refuses a forged token (401)', async (route) => {
    const [method, url] = route.split(' ') as [string, string];
    const [header, payload] = users.admin.token.split('.');
    const forged = `${header}.${payload}.${Buffer.from('not-the-signature').toString('base64url')}`;
    expectProblem(
      await ctx.app.inject({ method: method as 'GET', url: concrete(url), headers: { authorization: `Bearer ${forged}` }, payload: method === 'GET' ? undefined : {} }),
      401,
    );
  });
});
