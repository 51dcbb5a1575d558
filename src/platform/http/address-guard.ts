import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ProblemError } from './problem.js';

/** What the HTTP shell needs from a blocklist (the security module provides one). */
export interface AddressGuard {
  /** Seconds until the address may call again; 0 when it is not blocked. */
  blockedFor(ip: string): Promise<number>;
  /** One refused request from the address (a 401, a 403, a locked-out login). */
  recordRefusal(ip: string): Promise<void>;
}

export interface AddressGuardHooks {
  onBlockedRequest?: () => void;
  /** The guard itself failed (its store threw): the request goes on, the failure is reported. */
  onGuardError?: (request: FastifyRequest, error: unknown) => void;
}

/** Load balancer probes are never blocked: blocking the balancer's address would take the instance out. */
const NEVER_BLOCKED = new Set(['/healthz', '/readyz']);
const LOGIN = '/api/v1/auth/login';

const refusedByGuard = new WeakSet<FastifyRequest>();

/**
 * Refuses blocked addresses before anything else runs (no token check, no body read, no
 * database), and counts each address's refused requests so repeated failures block it.
 */
export function registerAddressGuard(app: FastifyInstance, guard: AddressGuard, hooks: AddressGuardHooks = {}): void {
  app.addHook('onRequest', async (request) => {
    if (NEVER_BLOCKED.has(request.url.split('?')[0]!)) return;
    let seconds = 0;
    try {
      seconds = await guard.blockedFor(request.ip);
    } catch (error) {
      hooks.onGuardError?.(request, error);
    }
    if (seconds <= 0) return;
    refusedByGuard.add(request);
    hooks.onBlockedRequest?.();
    throw new ProblemError(403, 'ip_blocked', 'Acceso bloqueado', 'Bloqueamos temporalmente las solicitudes desde tu dirección por intentos fallidos repetidos. Probá más tarde.', {
      retryAfterSeconds: seconds,
    });
  });

  // Counted before the answer leaves (onSend, not onResponse): the request that reaches the
  // threshold has blocked the address by the time its caller can send the next one.
  app.addHook('onSend', async (request, reply) => {
    if (refusedByGuard.has(request)) return;
    const status = reply.statusCode;
    // 401: wrong password, forged webhook signature, bad token; 403: probing what a role may
    // not do; 429 on login: attempts that keep coming while locked out or rate limited.
    const refused = status === 401 || status === 403 || (status === 429 && request.routeOptions.url === LOGIN);
    if (!refused) return;
    try {
      await guard.recordRefusal(request.ip);
    } catch (error) {
      hooks.onGuardError?.(request, error);
    }
  });
}
