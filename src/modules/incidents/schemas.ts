import { z } from 'zod';
import { uuid } from '../../platform/http/schemas.js';

export const severitySchema = z.enum(['critical', 'high', 'medium', 'low']).describe('The runbook’s classes: Critical < 5 min, High < 15 min, Medium < 1 h, Low < 24 h');
export const statusSchema = z.enum(['open', 'acknowledged', 'resolved']);

export const incidentSchema = z.object({
  id: uuid,
  title: z.string(),
  severity: severitySchema,
  status: statusSchema,
  openedAt: z.string(),
  acknowledgedAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  escalationLevel: z.number().int().describe('Escalation levels paged so far (1 = DevOps Team)'),
  source: z.enum(['alertmanager', 'manual']),
  mttrSeconds: z.number().int().nullable().describe('resolvedAt − openedAt, once resolved'),
});

export const incidentDetailSchema = incidentSchema.extend({
  description: z.string().nullable(),
  detectedAt: z.string().describe('When the condition began (the earliest alert’s startsAt); openedAt for manual incidents'),
  mttaSeconds: z.number().int().nullable().describe('acknowledgedAt − openedAt'),
  resolvedVia: z.enum(['alert', 'operator']).nullable(),
  resolutionNote: z.string().nullable(),
  nextEscalation: z.object({ level: z.number().int(), target: z.string(), dueAt: z.string() }).nullable(),
  timeline: z.array(z.object({ at: z.string(), kind: z.string(), detail: z.string() })),
});

export const listQuerySchema = z.object({ status: statusSchema.optional() });
export const idParamsSchema = z.object({ id: uuid });

export const openIncidentSchema = z
  .object({
    title: z.string().trim().min(3).max(300),
    severity: severitySchema,
    description: z.string().trim().max(5000).optional(),
  })
  .strict();

export const acknowledgeSchema = z.object({ note: z.string().trim().max(2000).optional() }).strict();
export const resolveSchema = z.object({ note: z.string().trim().min(1).max(2000) }).strict();

export const metricsQuerySchema = z.object({ days: z.coerce.number().int().min(1).max(365).default(30) });

const perSeverity = <T extends z.ZodType>(value: T) => z.object({ critical: value, high: value, medium: value, low: value });

export const metricsSchema = z.object({
  days: z.number().int(),
  count: z.number().int().describe('Incidents opened in the window'),
  bySeverity: perSeverity(z.number().int()),
  mttrSeconds: z.number().int().nullable().describe('Mean time to resolve of those resolved; null when none'),
  mttaSeconds: z.number().int().nullable().describe('Mean time to acknowledge of those acknowledged; null when none'),
  mttdSeconds: z.number().int().nullable().describe('Mean time from the condition starting to the incident opening (Alertmanager incidents)'),
  resolved: z.number().int(),
  autoResolved: z.number().int().describe('Resolved because Alertmanager reported the condition gone'),
  details: perSeverity(z.object({ count: z.number().int(), resolved: z.number().int(), mttrSeconds: z.number().int().nullable(), mttaSeconds: z.number().int().nullable() })),
});

export const alertOutcomeSchema = z.object({
  action: z.enum(['opened', 'updated', 'resolved', 'ignored']),
  incidentId: uuid.nullable(),
  reason: z.string().optional(),
});
