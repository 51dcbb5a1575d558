import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { PUBLIC, providersAndAdmins, requirePrincipal } from '../../platform/http/access.js';
import { authErrors, problemSchema } from '../../platform/http/schemas.js';
import type { ShopAgendaService } from './agenda.js';
import { shopParams } from '../catalog/schemas.js';
import { agendaQuery, agendaSchema, availabilityQuery, availabilitySchema, utilizationQuery, utilizationSchema } from './schemas.js';
import type { AvailabilityService } from './service.js';

export function availabilityRoutes(availability: AvailabilityService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/v1/shops/:shopId/availability', {
      config: { access: PUBLIC },
      schema: {
        tags: ['availability'],
        summary: 'Free slots for a service, for one barber or any barber, in the shop’s timezone',
        params: shopParams,
        querystring: availabilityQuery,
        response: { 200: availabilitySchema, 400: problemSchema, 404: problemSchema, 422: problemSchema },
      },
      // The body comes serialized from the service's response cache; the schema above still
      // documents it, and routes.test.ts checks real bodies against it.
      handler: async (request, reply) => {
        const { shopId } = request.params;
        const { serviceId, from, to, barberId } = request.query;
        const body = await availability.publicBody({ shopId, serviceId, from, to, barberId });
        return reply.type('application/json; charset=utf-8').send(body as never); // already JSON: sent as is
      },
    });
  };
}

/** The shop's own view of its time: agenda for its members, utilization for its owner. */
export function agendaRoutes(agenda: ShopAgendaService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/v1/shops/:shopId/agenda', {
      config: { access: providersAndAdmins },
      schema: {
        tags: ['availability'],
        summary: 'The shop’s agenda for local dates from–to: bookings, live holds, working hours, breaks and time off (shop members)',
        params: shopParams,
        querystring: agendaQuery,
        response: { 200: agendaSchema, ...authErrors, 400: problemSchema, 404: problemSchema },
      },
      handler: async (request) => agenda.agenda(requirePrincipal(request), request.params.shopId, request.query),
    });

    app.get('/api/v1/shops/:shopId/utilization', {
      config: { access: providersAndAdmins },
      schema: {
        tags: ['availability'],
        summary: 'Booked minutes over available minutes per barber and local day, with the runbook’s 75–85% band (owner)',
        params: shopParams,
        querystring: utilizationQuery,
        response: { 200: utilizationSchema, ...authErrors, 400: problemSchema, 404: problemSchema },
      },
      handler: async (request) => agenda.utilization(requirePrincipal(request), request.params.shopId, request.query),
    });
  };
}
