import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import type { DB } from '../../platform/db/schema.js';
import type { AuditTrail } from '../audit/service.js';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Path parameters that name a person's address rather than a record: kept as a hash. */
const HASHED_PARAMS = new Set(['ip']);

const digest = (value: string) => `sha256:${createHash('sha256').update(value).digest('hex').slice(0, 16)}`;

/**
 * Every change an admin makes through the API (admin-only routes, and provider routes an admin
 * uses on someone's shop) is appended to the hash-chained audit trail: who (the admin's user
 * id), what (method, route pattern, the ids in the path, the names — never the values — of
 * the body's fields, the status) and when. The audit trail rather than a table of its own:
 * it is already append-only and tamper-evident (triggers, hash chain, `audit verify`), which
 * an admin-actions log must be, and admin changes are rare enough not to contend for its lock.
 *
 * Only changes that took effect (2xx) are recorded, once the handler has answered and before
 * the answer leaves (so the admin never sees a change the trail does not have yet). The
 * action has already committed by then, so a failure to record is logged with the request id
 * for the operators to reconcile, never turned into an error for an action that happened.
 */
export function registerAdminAudit(app: FastifyInstance, deps: { db: Kysely<DB>; audit: AuditTrail; clock: Clock }): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const principal = request.principal;
    if (principal?.role !== 'admin' || !MUTATING.has(request.method) || reply.statusCode >= 400) return payload;
    const route = request.routeOptions.url ?? 'unmatched';
    const params = Object.fromEntries(
      Object.entries((request.params as Record<string, unknown> | undefined) ?? {}).map(([k, v]) => [k, HASHED_PARAMS.has(k) ? digest(String(v)) : String(v)]),
    );
    const body = request.body;
    const fields = body && typeof body === 'object' && !Array.isArray(body) ? Object.keys(body).sort() : [];
    try {
      await deps.db.transaction().execute((trx) =>
        deps.audit.append(trx, {
          eventType: 'admin.action',
          entityType: 'http_route',
          entityId: `${request.method} ${route}`,
          actor: principal.userId,
          payload: { method: request.method, route, params, fields, status: reply.statusCode, requestId: request.id },
          dedupeKey: `admin-action:${randomUUID()}`,
          occurredAt: deps.clock.now(),
        }),
      );
    } catch (error) {
      request.log.error({ err: { message: (error as Error).message }, route, adminAudit: 'failed' }, 'admin action not recorded in the audit trail');
    }
    return payload;
  });
}
