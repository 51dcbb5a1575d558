import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Clock } from '../../platform/clock.js';
import { PUBLIC, customersOnly, providersAndAdmins, requirePrincipal } from '../../platform/http/access.js';
import { problems } from '../../platform/http/problem.js';
import { authErrors, moneySchema, problemSchema, uuid } from '../../platform/http/schemas.js';
import { verifyWebhookSignature } from './mercadopago/signature.js';
import type { PaymentsService } from './service.js';

const checkoutSchema = z.object({
  paymentId: uuid,
  bookingId: uuid,
  checkoutUrl: z.string().url().describe('MercadoPago Checkout Pro: send the customer here'),
  amount: moneySchema,
  expiresAt: z.string().describe('The hold ends then; the checkout expires with it'),
});

/**
 * MercadoPago's notification body. Not `.strict()`: it is MercadoPago's format, which may
 * grow fields; only what we use is required.
 */
const notificationBody = z.object({
  type: z.string().optional(),
  action: z.string().optional(),
  user_id: z.union([z.string(), z.number()]).optional(),
  data: z.object({ id: z.union([z.string(), z.number()]) }).optional(),
});

export function paymentsRoutes(payments: PaymentsService, options: { webhookSecret: string; clock: Clock; onRejectedSignature: (reason: string, ip: string) => void }): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/api/v1/bookings/:id/checkout', {
      config: { access: customersOnly },
      schema: {
        tags: ['payments'],
        summary: 'Start (or resume) paying a held booking’s deposit with MercadoPago Checkout Pro',
        params: z.object({ id: uuid }).strict(),
        response: { 201: checkoutSchema, ...authErrors, 404: problemSchema, 409: problemSchema, 503: problemSchema },
      },
      handler: async (request, reply) => reply.status(201).send(await payments.startCheckout(requirePrincipal(request), request.params.id)),
    });

    app.get('/api/v1/shops/:shopId/mercadopago/authorization', {
      config: { access: providersAndAdmins },
      schema: {
        tags: ['payments'],
        summary: 'Where the shop owner goes to link the shop’s MercadoPago account (OAuth)',
        params: z.object({ shopId: uuid }).strict(),
        response: { 200: z.object({ authorizationUrl: z.string().url() }), ...authErrors, 503: problemSchema },
      },
      handler: async (request) => ({ authorizationUrl: await payments.authorizationUrl(requirePrincipal(request), request.params.shopId) }),
    });

    app.get('/api/v1/shops/:shopId/mercadopago', {
      config: { access: providersAndAdmins },
      schema: {
        tags: ['payments'],
        summary: 'Whether the shop’s MercadoPago account is linked (owner)',
        params: z.object({ shopId: uuid }).strict(),
        response: {
          200: z.object({
            configured: z.boolean().describe('BarberPro’s MercadoPago application is set up, so linking can start'),
            status: z.enum(['unlinked', 'linked', 'revoked', 'refresh_failed']),
            linkedAt: z.string().nullable().describe('Last time the link was made or its tokens renewed'),
          }),
          ...authErrors,
          503: problemSchema,
        },
      },
      handler: async (request) => payments.linkStatus(requirePrincipal(request), request.params.shopId),
    });

    app.get('/api/v1/mercadopago/oauth/callback', {
      // Public: MercadoPago redirects the owner's browser here; the signed state says which shop.
      config: { access: PUBLIC },
      schema: {
        tags: ['payments'],
        summary: 'OAuth callback: exchanges the code for the seller’s tokens and links the shop',
        querystring: z.object({ code: z.string().min(1).max(512), state: z.string().min(1).max(2048) }),
        response: { 200: z.object({ linked: z.literal(true), shopId: uuid }), 400: problemSchema, 503: problemSchema },
      },
      handler: async (request) => ({ linked: true as const, shopId: await payments.completeLink(request.query.code, request.query.state) }),
    });

    app.post('/api/v1/webhooks/mercadopago', {
      // Public, but every notification must carry MercadoPago's signature.
      config: { access: PUBLIC },
      schema: {
        tags: ['payments'],
        summary: 'MercadoPago payment notifications (x-signature verified; processed asynchronously)',
        querystring: z.object({ 'data.id': z.string().optional(), type: z.string().optional(), id: z.string().optional(), topic: z.string().optional() }),
        body: notificationBody,
        response: { 200: z.object({ received: z.literal(true) }), 400: problemSchema, 401: problemSchema },
      },
      handler: async (request) => {
        const dataId = request.query['data.id'] ?? (request.body.data ? String(request.body.data.id) : undefined);
        const verdict = verifyWebhookSignature({
          secret: options.webhookSecret,
          signatureHeader: request.headers['x-signature'],
          requestId: request.headers['x-request-id'],
          dataId: dataId ?? null,
          nowSeconds: Math.floor(options.clock.now().getTime() / 1000),
        });
        if (!verdict.ok) {
          options.onRejectedSignature(verdict.reason, request.ip);
          throw problems.unauthorized('Firma del webhook inválida.');
        }
        if (!dataId || (request.body.type && request.body.type !== 'payment')) return { received: true as const };
        await payments.receiveNotification({
          mpPaymentId: dataId,
          mpUserId: request.body.user_id === undefined ? null : String(request.body.user_id),
          action: request.body.action ?? null,
          requestId: typeof request.headers['x-request-id'] === 'string' ? request.headers['x-request-id'] : null,
        });
        return { received: true as const };
      },
    });
  };
}
