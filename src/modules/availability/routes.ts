import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { PUBLIC } from '../../platform/http/access.js';
import { problemSchema } from '../../platform/http/schemas.js';
import { shopParams } from '../catalog/schemas.js';
import { shopTimeFormatter, toSlotDto } from './format.js';
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
      handler: async (request) => {
        const { shopId } = request.params;
        const { serviceId, from, to, barberId } = request.query;
        const result = await availability.view({ shopId, serviceId, from, to, barberId });
        const format = shopTimeFormatter(result.timezone);
        return {
          shopId,
          serviceId,
          timezone: result.timezone,
          from,
          to,
          barberId: barberId ?? null,
          durationMinutes: result.durationMinutes,
          slots: result.slots.map((s) => toSlotDto(s, format)),
        };
      },
    });
  };
}
