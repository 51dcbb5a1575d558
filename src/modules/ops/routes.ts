import type { Kysely } from 'kysely';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DB } from '../../platform/db/schema.js';
import { adminsOnly } from '../../platform/http/access.js';
import { authErrors } from '../../platform/http/schemas.js';
import type { Clock } from '../../platform/clock.js';
import { inspectDataProtection } from './data-protection.js';
import { inspectDbPerformance, inspectFinancialDocuments } from './inspection.js';

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
export function opsRoutes(db: Kysely<DB>, dataProtection: { clock: Clock; keyRing: { current: string; configured: string[] } }): FastifyPluginAsyncZod {
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

    app.get('/api/v1/admin/ops/data-protection', {
      config: { access: adminsOnly },
      schema: {
        tags: ['ops'],
        summary: 'Encryption at rest measured per column (values per key id, plaintext left), the key ring in use, and the retention job’s last run',
        response: { 200: dataProtectionSchema, ...authErrors },
      },
      handler: async () => inspectDataProtection(db, dataProtection.clock.now(), dataProtection.keyRing),
    });
  };
}
