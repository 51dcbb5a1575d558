import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { PUBLIC } from '../../platform/http/access.js';
import { problemSchema } from '../../platform/http/schemas.js';
import { shopParams } from '../catalog/schemas.js';
import { availabilityQuery, availabilitySchema } from './schemas.js';
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
