import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ALERTMANAGER, adminsOnly, requirePrincipal } from '../../platform/http/access.js';
import { authErrors, problemSchema } from '../../platform/http/schemas.js';
import { alertmanagerPayloadSchema } from './alertmanager.js';
import {
  acknowledgeSchema,
  alertOutcomeSchema,
  idParamsSchema,
  incidentDetailSchema,
  incidentSchema,
  listQuerySchema,
  metricsQuerySchema,
  metricsSchema,
  openIncidentSchema,
  resolveSchema,
} from './schemas.js';
import type { IncidentsService } from './service.js';

const errors = { 400: problemSchema, ...authErrors, 404: problemSchema, 409: problemSchema } as const;

export function incidentsRoutes(service: IncidentsService): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/api/v1/ops/alertmanager', {
      config: { access: ALERTMANAGER },
      // A group of many alerts is larger than the API's 64 KiB default; a refused delivery would
      // be retried forever by Alertmanager and the incident never opened.
      bodyLimit: 2 * 1024 * 1024,
      schema: {
        tags: ['incidents'],
        summary: 'Alertmanager webhook (payload v4): a firing group opens an incident or joins its open one; a resolved group closes it',
        body: alertmanagerPayloadSchema,
        response: { 200: alertOutcomeSchema, 400: problemSchema, ...authErrors },
      },
      handler: async (request) => service.receiveAlertmanager(request.body),
    });

    app.get('/api/v1/admin/incidents', {
      config: { access: adminsOnly },
      schema: {
        tags: ['incidents'],
        summary: 'Incidents, newest first (at most 200)',
        querystring: listQuerySchema,
        response: { 200: z.object({ items: z.array(incidentSchema) }), ...errors },
      },
      handler: async (request) => ({ items: await service.list(request.query.status) }),
    });

    app.get('/api/v1/admin/incidents/metrics', {
      config: { access: adminsOnly },
      schema: {
        tags: ['incidents'],
        summary: 'Incidents opened in the last `days`: counts by severity, mean time to resolve, acknowledge and detect',
        querystring: metricsQuerySchema,
        response: { 200: metricsSchema, ...errors },
      },
      handler: async (request) => service.metrics(request.query.days),
    });

    app.post('/api/v1/admin/incidents', {
      config: { access: adminsOnly },
      schema: { tags: ['incidents'], summary: 'Open an incident by hand; its escalation starts at once', body: openIncidentSchema, response: { 201: incidentDetailSchema, ...errors } },
      handler: async (request, reply) => {
        const { title, severity, description } = request.body;
        const incident = await service.open({ title, severity, description: description ?? null }, requirePrincipal(request).userId);
        return reply.code(201).send(incident);
      },
    });

    app.get('/api/v1/admin/incidents/:id', {
      config: { access: adminsOnly },
      schema: { tags: ['incidents'], summary: 'One incident with its timeline', params: idParamsSchema, response: { 200: incidentDetailSchema, ...errors } },
      handler: async (request) => service.get(request.params.id),
    });

    app.post('/api/v1/admin/incidents/:id/acknowledge', {
      config: { access: adminsOnly },
      schema: {
        tags: ['incidents'],
        summary: 'Acknowledge: stops the escalation',
        params: idParamsSchema,
        body: acknowledgeSchema.optional(),
        response: { 200: incidentDetailSchema, ...errors },
      },
      handler: async (request) => service.acknowledge(request.params.id, requirePrincipal(request).userId, request.body?.note),
    });

    app.post('/api/v1/admin/incidents/:id/resolve', {
      config: { access: adminsOnly },
      schema: { tags: ['incidents'], summary: 'Resolve with a note; the MTTR is computed', params: idParamsSchema, body: resolveSchema, response: { 200: incidentDetailSchema, ...errors } },
      handler: async (request) => service.resolve(request.params.id, requirePrincipal(request).userId, request.body.note),
    });
  };
}
