import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppConfig } from '../../platform/config.js';
import { PUBLIC, anyUser, customersOnly, providersAndAdmins, requirePrincipal } from '../../platform/http/access.js';
import { authErrors, idempotencyKeyHeader, problemSchema } from '../../platform/http/schemas.js';
import { shopParams } from '../catalog/schemas.js';
import {
  bookingListSchema,
  bookingParams,
  bookingSchema,
  cancelBody,
  createBookingBody,
  listBookingsQuery,
  rescheduleBody,
  reviewBody,
  reviewSchema,
  slotTakenSchema,
} from './schemas.js';
import type { BookingsService } from './service.js';

const stateErrors = { ...authErrors, 400: problemSchema, 404: problemSchema, 409: problemSchema };

export function bookingsRoutes(bookings: BookingsService, limits: AppConfig['rateLimits']): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/api/v1/bookings', {
      // Creating bookings is limited per customer: holds are cheap to take and block others.
      config: { access: customersOnly, rateLimit: { max: limits.bookingsPerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['bookings'],
        summary: 'Book a slot. Taken → 409 with up to 5 alternatives. Honours Idempotency-Key.',
        headers: idempotencyKeyHeader,
        body: createBookingBody,
        response: { 201: bookingSchema, ...authErrors, 400: problemSchema, 404: problemSchema, 409: slotTakenSchema, 422: problemSchema },
      },
      handler: async (request, reply) => {
        const result = await bookings.create(requirePrincipal(request), request.body, {
          idempotencyKey: request.headers['idempotency-key'],
          elapsedMs: () => performance.now() - request.receivedAt,
        });
        return reply.status(result.status as 201).send(result.body as z.infer<typeof bookingSchema>);
      },
    });

    app.get('/api/v1/bookings', {
      config: { access: anyUser },
      schema: {
        tags: ['bookings'],
        summary: 'My bookings (customer), my shops’ bookings (provider), or all (admin)',
        querystring: listBookingsQuery,
        response: { 200: bookingListSchema, ...authErrors, 400: problemSchema },
      },
      handler: async (request) => bookings.list(requirePrincipal(request), request.query),
    });

    app.get('/api/v1/bookings/:id', {
      config: { access: anyUser },
      schema: { tags: ['bookings'], summary: 'One booking I may see', params: bookingParams, response: { 200: bookingSchema, ...authErrors, 404: problemSchema } },
      handler: async (request) => bookings.get(requirePrincipal(request), request.params.id),
    });

    app.post('/api/v1/bookings/:id/cancel', {
      config: { access: anyUser },
      schema: {
        tags: ['bookings'],
        summary: 'Cancel (customer: free until the shop’s cut-off, late afterwards; shop: any time before it starts)',
        params: bookingParams,
        body: cancelBody,
        response: { 200: bookingSchema, ...stateErrors },
      },
      handler: async (request) => bookings.cancel(requirePrincipal(request), request.params.id, request.body?.reason),
    });

    app.post('/api/v1/bookings/:id/reschedule', {
      config: { access: anyUser },
      schema: {
        tags: ['bookings'],
        summary: 'Move to another free slot atomically (customer: before the cut-off)',
        params: bookingParams,
        body: rescheduleBody,
        response: { 200: bookingSchema, ...stateErrors, 409: slotTakenSchema, 422: problemSchema },
      },
      handler: async (request) => bookings.reschedule(requirePrincipal(request), request.params.id, request.body),
    });

    app.post('/api/v1/bookings/:id/confirm', {
      config: { access: providersAndAdmins },
      schema: {
        tags: ['bookings'],
        summary: 'Confirm a pending booking (e.g. deposit paid at the shop)',
        params: bookingParams,
        response: { 200: bookingSchema, ...stateErrors },
      },
      handler: async (request) => bookings.confirm(requirePrincipal(request), request.params.id),
    });

    app.post('/api/v1/bookings/:id/complete', {
      config: { access: providersAndAdmins },
      schema: { tags: ['bookings'], summary: 'Mark as done', params: bookingParams, response: { 200: bookingSchema, ...stateErrors } },
      handler: async (request) => bookings.closeOut(requirePrincipal(request), request.params.id, 'completed'),
    });

    app.post('/api/v1/bookings/:id/no-show', {
      config: { access: providersAndAdmins },
      schema: { tags: ['bookings'], summary: 'Mark the customer as absent (the deposit is kept)', params: bookingParams, response: { 200: bookingSchema, ...stateErrors } },
      handler: async (request) => bookings.closeOut(requirePrincipal(request), request.params.id, 'no_show'),
    });

    app.post('/api/v1/bookings/:id/review', {
      config: { access: customersOnly },
      schema: {
        tags: ['reviews'],
        summary: 'Rate a completed visit (1–5) once',
        params: bookingParams,
        body: reviewBody,
        response: { 201: reviewSchema, ...stateErrors },
      },
      handler: async (request, reply) => reply.status(201).send(await bookings.review(requirePrincipal(request), request.params.id, request.body)),
    });

    app.get('/api/v1/shops/:shopId/reviews', {
      config: { access: PUBLIC, sharedCacheSeconds: 60 },
      schema: {
        tags: ['reviews'],
        summary: 'A shop’s reviews, newest first',
        params: shopParams,
        querystring: z.object({ page: z.coerce.number().int().min(1).max(1000).default(1), pageSize: z.coerce.number().int().min(1).max(50).default(20) }).strict(),
        response: { 200: z.object({ items: z.array(reviewSchema) }), 400: problemSchema },
      },
      handler: async (request) => ({ items: await bookings.listReviews(request.params.shopId, request.query.page, request.query.pageSize) }),
    });
  };
}
