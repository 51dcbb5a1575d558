import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { adminsOnly } from '../../platform/http/access.js';
import { authErrors } from '../../platform/http/schemas.js';
import type { AuditTrail, AuditVerification } from './service.js';

const head = z.object({ seq: z.number().int(), hash: z.string() }).nullable();

export const auditVerificationSchema = z.object({
  ok: z.boolean(),
  rowsChecked: z.number().int().describe('Rows found good, from seq 1'),
  head: head.describe('The last good row: the newest when the chain is intact (keep it elsewhere to detect lost newest rows), else the one before the break'),
  firstBrokenSeq: z.number().int().nullable(),
  reason: z.enum(['content', 'link']).nullable().describe('content: the hash does not match the row; link: the row does not follow its predecessor'),
  detail: z.string().nullable(),
});

export function auditVerificationBody(result: AuditVerification): z.infer<typeof auditVerificationSchema> {
  return result.ok
    ? { ok: true, rowsChecked: result.rows, head: result.head, firstBrokenSeq: null, reason: null, detail: null }
    : { ok: false, rowsChecked: result.rows, head: result.lastGood, firstBrokenSeq: result.firstBrokenSeq, reason: result.reason, detail: result.detail };
}

export function auditRoutes(audit: AuditTrail): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/v1/admin/audit/verify', {
      config: { access: adminsOnly },
      schema: {
        tags: ['audit'],
        summary: 'Walk the hash-chained audit trail and name the first broken row',
        response: { 200: auditVerificationSchema, ...authErrors },
      },
      handler: async () => auditVerificationBody(await audit.verify()),
    });
  };
}
