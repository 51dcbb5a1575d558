import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { problems } from './problem.js';

export type Role = 'customer' | 'provider' | 'admin';

export interface Principal {
  userId: string;
  role: Role;
}

/**
 * Who may call a route. Every route must declare it (the server refuses to start
 * otherwise); resource ownership (my booking, my shop) is then checked by the service.
 */
export type Access = 'public' | 'metrics-scraper' | 'alertmanager' | { roles: readonly Role[] };

export const PUBLIC: Access = 'public';
export const anyUser: Access = { roles: ['customer', 'provider', 'admin'] };
export const customersOnly: Access = { roles: ['customer'] };
export const providersAndAdmins: Access = { roles: ['provider', 'admin'] };
export const adminsOnly: Access = { roles: ['admin'] };
/** Prometheus: a bearer token of its own (METRICS_TOKEN); admins may look too. */
export const METRICS_SCRAPER: Access = 'metrics-scraper';
/** Alertmanager's webhook: its own bearer token (ALERTMANAGER_WEBHOOK_TOKEN) and nobody else, admins included. */
export const ALERTMANAGER: Access = 'alertmanager';

export interface RouteAccess {
  method: string;
  url: string;
  access: Access;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /**
     * How long shared caches (CloudFront) may keep a successful public GET. Unset: the
     * response is `no-store`. Data that a booking changes (availability) is never shared.
     */
    sharedCacheSeconds?: number;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    /** Every route with who may call it, for the security tests and the ops checks. */
    routeAccess: RouteAccess[];
  }
}

export type VerifyAccessToken = (token: string) => Promise<Principal | null>;

/** Routes that plugins register for themselves (the docs UI); they serve public documentation only. */
const PLUGIN_ROUTE_PREFIXES = ['/docs'];

export function registerAccessControl(app: FastifyInstance, verify: VerifyAccessToken, metricsToken?: string, alertmanagerToken?: string): void {
  app.decorateRequest('principal', null);
  const table: RouteAccess[] = [];
  app.decorate('routeAccess', table);

  app.addHook('onRoute', (route) => {
    // @fastify/cors's catch-all preflight route: it answers CORS preflights only (listed origins).
    if (route.url === '*' && route.method === 'OPTIONS') route.config = { ...(route.config ?? {}), access: PUBLIC };
    if (!route.config?.access) {
      if (!PLUGIN_ROUTE_PREFIXES.some((p) => route.url.startsWith(p)))
        throw new Error(`Route ${route.method} ${route.url} does not declare who may call it (config.access)`);
      route.config = { ...(route.config ?? {}), access: PUBLIC };
    }
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') table.push({ method, url: route.url, access: route.config.access! });
    }
  });

  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    if (access === undefined) return; // 404 handler
    if (access === 'metrics-scraper' && metricsToken && safeEqual(request.headers.authorization ?? '', `Bearer ${metricsToken}`)) return;
    if (access === 'alertmanager' && alertmanagerToken && safeEqual(request.headers.authorization ?? '', `Bearer ${alertmanagerToken}`)) return;
    const principal = await authenticate(request, verify);
    request.principal = principal;
    if (access === 'public') return;
    if (access === 'alertmanager') {
      // Without ALERTMANAGER_WEBHOOK_TOKEN nobody gets in; a user's token is not Alertmanager.
      if (!principal) throw problems.unauthorized('Alertmanager debe enviar su token (ALERTMANAGER_WEBHOOK_TOKEN).');
      throw problems.forbidden();
    }
    if (access === 'metrics-scraper') {
      if (!principal) throw problems.unauthorized();
      if (principal.role !== 'admin') throw problems.forbidden();
      return;
    }
    if (!principal) throw problems.unauthorized();
    if (!access.roles.includes(principal.role)) throw problems.forbidden();
  });
}

async function authenticate(request: FastifyRequest, verify: VerifyAccessToken): Promise<Principal | null> {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header);
  if (!match?.[1]) throw problems.unauthorized('El encabezado Authorization debe ser "Bearer <token>".');
  const principal = await verify(match[1]);
  if (!principal) throw problems.unauthorized('La sesión expiró o no es válida. Iniciá sesión de nuevo.');
  return principal;
}

export function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw problems.unauthorized();
  return request.principal;
}

/** Constant-time comparison of secrets of any length (hashing first equalises lengths). */
export function safeEqual(a: string, b: string): boolean {
  const digest = (v: string) => createHash('sha256').update(v).digest();
  return timingSafeEqual(digest(a), digest(b));
}
