import type { Kysely } from 'kysely';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DB } from '../../platform/db/schema.js';
import { adminsOnly } from '../../platform/http/access.js';
import { authErrors } from '../../platform/http/schemas.js';
import { inspectDataProtection } from './data-protection.js';
import { inspectDbPerformance, inspectFinancialDocuments } from './inspection.js';
import { RECOVERY_ACTIONS, appliedMigrations, measureUsage, runRecovery, type RecoveryDeps } from './recovery.js';
import { uuid } from '../../platform/http/schemas.js';
import { problemSchema } from '../../platform/http/schemas.js';
import type { IncidentsService } from '../incidents/service.js';

const statement = z.object({ calls: z.number(), meanMs: z.number(), minMs: z.number(), maxMs: z.number(), totalMs: z.number() });

const dbPerformanceSchema = z.object({
  statsReset: z.string().nullable(),
  statements: z.union([
    z.object({ available: z.literal(true), all: z.array(statement), slowest: z.array(statement.extend({ query: z.string() })) }),
    z.object({ available: z.literal(false), reason: z.string() }),
  ]),
  unusedIndexes: z.array(z.object({ table: z.string(), index: z.string(), scans: z.number(), sizeBytes: z.number() })),
  tables: z.array(z.object({ table: z.string(), liveRows: z.number(), seqScans: z.number(), seqRowsRead: z.number(), indexScans: z.number() })),
  columnStats: z.array(z.object({ schemaname: z.string(), tablename: z.string(), attname: z.string(), nDistinct: z.number().nullable(), correlation: z.number().nullable() })),
});

const coverage = z.object({
  available: z.boolean(),
  reason: z.string().optional(),
  expected: z.number().int(),
  missing: z.array(z.object({ id: z.string(), ageMinutes: z.number() })).describe('The oldest first, at most 100'),
});

const columnCoverage = z.object({
  table: z.string(),
  column: z.string(),
  personal: z.boolean(),
  total: z.number().int(),
  byKeyId: z.record(z.string(), z.number().int()),
  legacy: z.number().int(),
  legacyByKeyId: z.record(z.string(), z.number().int()),
  plaintext: z.number().int(),
});

const dataProtectionSchema = z.object({
  checkedAt: z.string(),
  columns: z.array(columnCoverage),
  keyRing: z.object({ current: z.string(), configured: z.array(z.string()) }).optional(),
  lastRetentionRun: z
    .object({ startedAt: z.string(), finishedAt: z.string().nullable(), counts: z.record(z.string(), z.number()), errors: z.record(z.string(), z.string()) })
    .nullable(),
});

/** What `barberpro ops` reads from the server's own database (the embedded default has no other way in). */
export function opsRoutes(db: Kysely<DB>, deps: Omit<RecoveryDeps, 'db'> & { incidents: IncidentsService; keyRing: { current: string; configured: string[] } }): FastifyPluginAsyncZod {
  const recovery = deps;
  return async (app) => {
    app.get('/api/v1/admin/ops/db-performance', {
      config: { access: adminsOnly },
      schema: {
        tags: ['ops'],
        summary: 'Statement timings (pg_stat_statements, when loaded), unused indexes, sequential scans and the runbook’s pg_stats query',
        response: { 200: dbPerformanceSchema, ...authErrors },
      },
      handler: async () => inspectDbPerformance(db),
    });

    app.get('/api/v1/admin/ops/financial-documents', {
      config: { access: adminsOnly },
      schema: {
        tags: ['ops'],
        summary: 'Collected payments without an invoice (issued or queued) and refunds without a credit note',
        response: { 200: z.object({ invoices: coverage, creditNotes: coverage }), ...authErrors },
      },
      handler: async () => inspectFinancialDocuments(db),
    });

    app.get('/api/v1/admin/ops/migrations', {
      config: { access: adminsOnly },
      schema: {
        tags: ['ops'],
        summary: 'Migrations applied to this database, for pre-deployment checks against the code about to be deployed',
        response: { 200: z.object({ applied: z.array(z.object({ name: z.string(), appliedAt: z.string() })) }), ...authErrors },
      },
      handler: async () => ({ applied: await appliedMigrations(db) }),
    });

    app.get('/api/v1/admin/ops/usage', {
      config: { access: adminsOnly },
      schema: {
        tags: ['ops'],
        summary: 'Usage counted now: database size, users by role, active customers, bookings and approved payments in the last 30 days',
        response: {
          200: z.object({
            measuredAt: z.string(),
            databaseBytes: z.number().int(),
            users: z.object({ customer: z.number().int(), provider: z.number().int(), admin: z.number().int() }),
            activeCustomers30d: z.number().int(),
            bookingsCreated30d: z.number().int(),
            paymentsApproved30d: z.number().int(),
          }),
          ...authErrors,
        },
      },
      handler: async () => measureUsage(db, recovery.clock),
    });

    app.post('/api/v1/admin/ops/recovery', {
      config: { access: adminsOnly },
      schema: {
        tags: ['ops'],
        summary: 'Run recovery actions on this system (retry dead-letter jobs, release expired holds, queue pending invoices and payment reconciliation); dryRun only counts',
        body: z
          .object({
            dryRun: z.boolean(),
            actions: z.array(z.enum(RECOVERY_ACTIONS)).min(1).max(RECOVERY_ACTIONS.length).optional(),
            incidentId: uuid.optional().describe('Record each action done on this incident’s timeline'),
          })
          .strict(),
        response: {
          200: z.object({ dryRun: z.boolean(), actions: z.array(z.object({ action: z.enum(RECOVERY_ACTIONS), found: z.number().int(), done: z.number().int(), detail: z.string() })) }),
          400: problemSchema,
          ...authErrors,
          404: problemSchema,
        },
      },
      handler: async (request) => {
        const { dryRun, actions, incidentId } = request.body;
        // Refuse before acting: an unknown incident must not leave recovery unrecorded.
        if (incidentId) await recovery.incidents.get(incidentId);
        const outcomes = [];
        for (const action of actions ?? RECOVERY_ACTIONS) {
          const outcome = await runRecovery({ db, ...recovery }, action, dryRun);
          outcomes.push(outcome);
          if (incidentId && !dryRun && outcome.done > 0) await recovery.incidents.recordEvent(incidentId, 'recovery_action', `${outcome.action}: ${outcome.detail}`);
        }
        return { dryRun, actions: outcomes };
      },
    });

    app.get('/api/v1/admin/ops/data-protection', {
      config: { access: adminsOnly },
      schema: {
        tags: ['ops'],
        summary: 'Encryption at rest measured per column (values per key id, plaintext left), the key ring in use, and the retention job’s last run',
        response: { 200: dataProtectionSchema, ...authErrors },
      },
      handler: async () => inspectDataProtection(db, deps.clock.now(), deps.keyRing),
    });
  };
}
