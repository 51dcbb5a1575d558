import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PUBLIC, providersAndAdmins, requirePrincipal } from '../../platform/http/access.js';
import { authErrors, localDate, problemSchema, uuid } from '../../platform/http/schemas.js';
import {
  barberBody,
  barberParams,
  barberSchema,
  citiesSchema,
  createShopBody,
  overrideBody,
  overrideSchema,
  searchQuery,
  searchResultSchema,
  serviceBody,
  serviceParams,
  serviceSchema,
  shopDetailSchema,
  shopParams,
  timeOffBody,
  timeOffSchema,
  updateBarberBody,
  updateServiceBody,
  updateShopBody,
  weeklyScheduleSchema,
} from './schemas.js';
import { CATALOG_CACHE_TTL_SECONDS, type CatalogService } from './service.js';

const managed = { ...authErrors, 400: problemSchema, 404: problemSchema };

export function catalogRoutes(catalog: CatalogService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/v1/shops', {
      config: { access: PUBLIC, sharedCacheSeconds: CATALOG_CACHE_TTL_SECONDS },
      schema: {
        tags: ['catalog'],
        summary: 'Search shops by city, region, name or service; sorted by rating',
        querystring: searchQuery,
        response: { 200: searchResultSchema, 400: problemSchema },
      },
      handler: async (request) => catalog.search(request.query),
    });

    app.get('/api/v1/cities', {
      config: { access: PUBLIC, sharedCacheSeconds: CATALOG_CACHE_TTL_SECONDS },
      schema: {
        tags: ['catalog'],
        summary: 'Cities with open shops, the most shops first (what search by city can find)',
        querystring: z.object({}).strict(),
        response: { 200: citiesSchema },
      },
      handler: async () => catalog.cities(),
    });

    app.get('/api/v1/shops/:shopId', {
      config: { access: PUBLIC, sharedCacheSeconds: CATALOG_CACHE_TTL_SECONDS },
      schema: {
        tags: ['catalog'],
        summary: 'A shop with its services, barbers and booking policies',
        params: shopParams,
        response: { 200: shopDetailSchema, 400: problemSchema, 404: problemSchema },
      },
      handler: async (request) => catalog.getShop(request.params.shopId),
    });

    app.post('/api/v1/shops', {
      config: { access: providersAndAdmins },
      schema: {
        tags: ['catalog'],
        summary: 'Open a shop; the caller becomes its owner',
        body: createShopBody,
        response: { 201: shopDetailSchema, 400: problemSchema, ...authErrors },
      },
      handler: async (request, reply) => reply.status(201).send(await catalog.createShop(requirePrincipal(request), request.body)),
    });

    app.patch('/api/v1/shops/:shopId', {
      config: { access: providersAndAdmins },
      schema: {
        tags: ['catalog'],
        summary: 'Change shop details and booking policies (owner)',
        params: shopParams,
        body: updateShopBody,
        response: { 200: shopDetailSchema, ...managed },
      },
      handler: async (request) => catalog.updateShop(requirePrincipal(request), request.params.shopId, request.body),
    });

    app.get('/api/v1/shops/:shopId/services', {
      config: { access: providersAndAdmins },
      schema: {
        tags: ['catalog'],
        summary: 'All services including retired ones (shop members)',
        params: shopParams,
        response: { 200: z.array(serviceSchema), ...managed },
      },
      handler: async (request) => catalog.listServicesForManagement(requirePrincipal(request), request.params.shopId),
    });

    app.post('/api/v1/shops/:shopId/services', {
      config: { access: providersAndAdmins },
      schema: { tags: ['catalog'], summary: 'Add a service (owner)', params: shopParams, body: serviceBody, response: { 201: serviceSchema, ...managed } },
      handler: async (request, reply) =>
        reply.status(201).send(await catalog.createService(requirePrincipal(request), request.params.shopId, request.body)),
    });

    app.patch('/api/v1/shops/:shopId/services/:serviceId', {
      config: { access: providersAndAdmins },
      schema: {
        tags: ['catalog'],
        summary: 'Change or retire a service (owner)',
        params: serviceParams,
        body: updateServiceBody,
        response: { 200: serviceSchema, ...managed },
      },
      handler: async (request) =>
        catalog.updateService(requirePrincipal(request), request.params.shopId, request.params.serviceId, request.body),
    });

    app.get('/api/v1/shops/:shopId/barbers', {
      config: { access: providersAndAdmins },
      schema: { tags: ['catalog'], summary: 'All barbers including inactive ones (shop members)', params: shopParams, response: { 200: z.array(barberSchema), ...managed } },
      handler: async (request) => catalog.listBarbersForManagement(requirePrincipal(request), request.params.shopId),
    });

    app.post('/api/v1/shops/:shopId/barbers', {
      config: { access: providersAndAdmins },
      schema: { tags: ['catalog'], summary: 'Add a barber (owner)', params: shopParams, body: barberBody, response: { 201: barberSchema, ...managed } },
      handler: async (request, reply) =>
        reply.status(201).send(await catalog.createBarber(requirePrincipal(request), request.params.shopId, request.body)),
    });

    app.patch('/api/v1/shops/:shopId/barbers/:barberId', {
      config: { access: providersAndAdmins },
      schema: { tags: ['catalog'], summary: 'Change a barber (owner)', params: barberParams, body: updateBarberBody, response: { 200: barberSchema, ...managed } },
      handler: async (request) =>
        catalog.updateBarber(requirePrincipal(request), request.params.shopId, request.params.barberId, request.body),
    });

    app.get('/api/v1/shops/:shopId/barbers/:barberId/schedule', {
      config: { access: providersAndAdmins },
      schema: { tags: ['schedule'], summary: 'Weekly hours and breaks', params: barberParams, response: { 200: weeklyScheduleSchema, ...managed } },
      handler: async (request) => catalog.getWeeklySchedule(requirePrincipal(request), request.params.shopId, request.params.barberId),
    });

    app.put('/api/v1/shops/:shopId/barbers/:barberId/schedule', {
      config: { access: providersAndAdmins },
      schema: {
        tags: ['schedule'],
        summary: 'Replace weekly hours and breaks (owner, or the barber themself)',
        params: barberParams,
        body: weeklyScheduleSchema,
        response: { 200: weeklyScheduleSchema, ...managed },
      },
      handler: async (request) =>
        catalog.replaceWeeklySchedule(requirePrincipal(request), request.params.shopId, request.params.barberId, request.body),
    });

    app.get('/api/v1/shops/:shopId/barbers/:barberId/overrides', {
      config: { access: providersAndAdmins },
      schema: { tags: ['schedule'], summary: 'Upcoming date overrides', params: barberParams, response: { 200: z.array(overrideSchema), ...managed } },
      handler: async (request) => catalog.listOverrides(requirePrincipal(request), request.params.shopId, request.params.barberId),
    });

    app.put('/api/v1/shops/:shopId/barbers/:barberId/overrides', {
      config: { access: providersAndAdmins },
      schema: {
        tags: ['schedule'],
        summary: 'Set the hours of one date, replacing the weekly pattern (empty ranges = closed)',
        params: barberParams,
        body: overrideBody,
        response: { 200: overrideSchema, ...managed },
      },
      handler: async (request) => catalog.setOverride(requirePrincipal(request), request.params.shopId, request.params.barberId, request.body),
    });

    app.delete('/api/v1/shops/:shopId/barbers/:barberId/overrides/:date', {
      config: { access: providersAndAdmins },
      schema: {
        tags: ['schedule'],
        summary: 'Remove a date override',
        params: z.object({ shopId: uuid, barberId: uuid, date: localDate }).strict(),
        response: { 204: z.null(), ...managed },
      },
      handler: async (request, reply) => {
        await catalog.deleteOverride(requirePrincipal(request), request.params.shopId, request.params.barberId, request.params.date);
        return reply.status(204).send(null);
      },
    });

    app.get('/api/v1/shops/:shopId/barbers/:barberId/time-off', {
      config: { access: providersAndAdmins },
      schema: { tags: ['schedule'], summary: 'Current and upcoming time off', params: barberParams, response: { 200: z.array(timeOffSchema), ...managed } },
      handler: async (request) => catalog.listTimeOff(requirePrincipal(request), request.params.shopId, request.params.barberId),
    });

    app.post('/api/v1/shops/:shopId/barbers/:barberId/time-off', {
      config: { access: providersAndAdmins },
      schema: {
        tags: ['schedule'],
        summary: 'Block time off (vacation, errands); existing bookings stay and are counted',
        params: barberParams,
        body: timeOffBody,
        response: { 201: timeOffSchema.extend({ conflictingBookings: z.number().int() }), ...managed },
      },
      handler: async (request, reply) =>
        reply.status(201).send(await catalog.addTimeOff(requirePrincipal(request), request.params.shopId, request.params.barberId, request.body)),
    });

    app.delete('/api/v1/shops/:shopId/barbers/:barberId/time-off/:timeOffId', {
      config: { access: providersAndAdmins },
      schema: {
        tags: ['schedule'],
        summary: 'Remove time off',
        params: z.object({ shopId: uuid, barberId: uuid, timeOffId: uuid }).strict(),
        response: { 204: z.null(), ...managed },
      },
      handler: async (request, reply) => {
        await catalog.deleteTimeOff(requirePrincipal(request), request.params.shopId, request.params.barberId, request.params.timeOffId);
        return reply.status(204).send(null);
      },
    });

  };
}
