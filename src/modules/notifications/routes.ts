import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { anyUser, customersOnly, requirePrincipal } from '../../platform/http/access.js';
import { authErrors, problemSchema, uuid } from '../../platform/http/schemas.js';
import type { NotificationService } from './service.js';

export const preferencesSchema = z
  .object({
    email: z.boolean().describe('Booking emails (with the calendar event attached)'),
    whatsapp: z.boolean().describe('WhatsApp messages'),
    whatsappPhone: z.string().nullable().describe('E.164, e.g. +5491140000000'),
  })
  .describe('Which channels booking confirmations, changes, cancellations and reminders use');

export const putPreferencesBody = z
  .object({
    email: z.boolean(),
    whatsapp: z.boolean(),
    whatsappPhone: z
      .string()
      .max(32)
      .nullable()
      .optional()
      .describe('International number, e.g. +54 9 11 1234-5678. Omitted: keep the saved one (or the account phone). Null: forget it.'),
  })
  .strict();

export function notificationRoutes(notifications: NotificationService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/v1/bookings/:id/calendar.ics', {
      config: { access: customersOnly },
      schema: {
        tags: ['notifications'],
        summary: 'My booking as an iCalendar (.ics) event to add to my calendar',
        params: z.object({ id: uuid }).strict(),
        response: { 200: z.string().describe('text/calendar'), ...authErrors, 404: problemSchema, 409: problemSchema },
      },
      handler: async (request, reply) => {
        const { body, filename } = await notifications.calendarFor(requirePrincipal(request).userId, request.params.id);
        return reply
          .type('text/calendar; charset=utf-8')
          .header('content-disposition', `attachment; filename="${filename}"`)
          .header('cache-control', 'private, no-store')
          .send(body);
      },
    });

    app.get('/api/v1/me/notification-preferences', {
      config: { access: anyUser },
      schema: {
        tags: ['notifications'],
        summary: 'My notification channels',
        response: { 200: preferencesSchema, ...authErrors },
      },
      handler: async (request) => notifications.getPreferences(requirePrincipal(request).userId),
    });

    app.put('/api/v1/me/notification-preferences', {
      config: { access: anyUser },
      schema: {
        tags: ['notifications'],
        summary: 'Choose my notification channels (WhatsApp needs an international phone number)',
        body: putPreferencesBody,
        response: { 200: preferencesSchema, ...authErrors, 400: problemSchema, 422: problemSchema },
      },
      handler: async (request) => notifications.putPreferences(requirePrincipal(request).userId, request.body),
    });
  };
}
