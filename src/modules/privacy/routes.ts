import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppConfig } from '../../platform/config.js';
import { PUBLIC, adminsOnly, anyUser, requirePrincipal } from '../../platform/http/access.js';
import { authErrors, problemSchema, uuid } from '../../platform/http/schemas.js';
import {
  adminPrivacyRequestSchema,
  answerBody,
  consentsSchema,
  dataExportSchema,
  deletionBody,
  legalDocumentsSchema,
  privacyRequestSchema,
  publicReceiptSchema,
  publicRequestBody,
  putConsentsBody,
  rectificationBody,
  requestsQuery,
  summarySchema,
} from './schemas.js';
import type { PrivacyService } from './service.js';

export function privacyRoutes(privacy: PrivacyService, limits: AppConfig['rateLimits']): FastifyPluginAsyncZod {
  // Usable without logging in, so limited per address like the credential endpoints.
  const publicLimit = { max: limits.loginPerMinute, timeWindow: 60_000, keyGenerator: (request: { ip: string }) => `ip:${request.ip}` };
  return async (app) => {
    app.get('/api/v1/public/legal-documents', {
      config: { access: PUBLIC, sharedCacheSeconds: 300 },
      schema: { tags: ['privacy'], summary: 'The terms of use and privacy notice in force, and the Ley 25.326 notice', response: { 200: legalDocumentsSchema } },
      handler: async () => privacy.legalDocuments(),
    });

    for (const [path, kind, summary] of [
      ['/api/v1/public/withdrawal', 'withdrawal', '"Botón de arrepentimiento": revoke a purchase within 10 days; a procedure code at once, an answer within 24 h'],
      ['/api/v1/public/cancellation', 'cancellation', '"Botón de baja": cancel an account or service; a procedure code at once, an answer within 24 h'],
    ] as const) {
      app.post(path, {
        config: { access: PUBLIC, rateLimit: publicLimit },
        schema: { tags: ['privacy'], summary, body: publicRequestBody, response: { 201: publicReceiptSchema, 400: problemSchema, 429: problemSchema } },
        handler: async (request, reply) => reply.status(201).send(await privacy.publicRequest(kind, request.body)),
      });
    }

    app.get('/api/v1/me/data-export', {
      config: { access: anyUser },
      schema: { tags: ['privacy'], summary: 'All my personal data (Ley 25.326 right of access)', response: { 200: dataExportSchema, ...authErrors } },
      handler: async (request) => privacy.exportData(requirePrincipal(request)),
    });

    app.get('/api/v1/me/privacy-requests', {
      config: { access: anyUser },
      schema: { tags: ['privacy'], summary: 'My data-protection requests and their deadlines', response: { 200: z.object({ items: z.array(privacyRequestSchema) }), ...authErrors } },
      handler: async (request) => ({ items: await privacy.myRequests(requirePrincipal(request).userId) }),
    });

    app.post('/api/v1/me/rectification', {
      config: { access: anyUser },
      schema: {
        tags: ['privacy'],
        summary: 'Correct my name, phone or email at once; anything else is reviewed within 5 business days',
        body: rectificationBody,
        response: { 201: privacyRequestSchema, ...authErrors, 400: problemSchema, 409: problemSchema, 422: problemSchema },
      },
      handler: async (request, reply) => reply.status(201).send(await privacy.rectify(requirePrincipal(request), request.body)),
    });

    app.post('/api/v1/me/deletion', {
      config: { access: anyUser },
      schema: {
        tags: ['privacy'],
        summary: 'Delete my account: future bookings are cancelled and personal data anonymized; invoices stay, as tax law requires',
        body: deletionBody,
        response: { 202: privacyRequestSchema, ...authErrors, 400: problemSchema, 409: problemSchema, 422: problemSchema },
      },
      handler: async (request, reply) => reply.status(202).send(await privacy.requestDeletion(requirePrincipal(request), request.body.password)),
    });

    app.get('/api/v1/me/consents', {
      config: { access: anyUser },
      schema: { tags: ['privacy'], summary: 'What I accepted, and my marketing choice', response: { 200: consentsSchema, ...authErrors } },
      handler: async (request) => privacy.getConsents(requirePrincipal(request).userId),
    });

    app.put('/api/v1/me/consents', {
      config: { access: anyUser },
      schema: {
        tags: ['privacy'],
        summary: 'Accept the versions in force, or change my marketing choice',
        body: putConsentsBody,
        response: { 200: consentsSchema, ...authErrors, 400: problemSchema, 409: problemSchema, 422: problemSchema },
      },
      handler: async (request) => privacy.putConsents(requirePrincipal(request).userId, request.body),
    });

    app.get('/api/v1/admin/privacy/requests', {
      config: { access: adminsOnly },
      schema: {
        tags: ['privacy'],
        summary: 'The request queue, most urgent first (status=open|overdue|due_soon|all|received|in_review|completed|rejected)',
        querystring: requestsQuery,
        response: { 200: z.object({ items: z.array(adminPrivacyRequestSchema), page: z.number().int(), pageSize: z.number().int() }), ...authErrors, 400: problemSchema },
      },
      handler: async (request) => privacy.list(request.query),
    });

    app.post('/api/v1/admin/privacy/requests/:id/answer', {
      config: { access: adminsOnly },
      schema: {
        tags: ['privacy'],
        summary: 'Answer and close a request (completing a deletion under review carries it out)',
        params: z.object({ id: uuid }),
        body: answerBody,
        response: { 200: adminPrivacyRequestSchema, ...authErrors, 400: problemSchema, 404: problemSchema, 409: problemSchema },
      },
      handler: async (request) => privacy.answer(requirePrincipal(request), request.params.id, request.body),
    });

    app.get('/api/v1/admin/privacy/summary', {
      config: { access: adminsOnly },
      schema: { tags: ['privacy'], summary: 'Requests near or past their deadline, and consent coverage (for data-protection-check)', response: { 200: summarySchema, ...authErrors } },
      handler: async () => privacy.summary(),
    });
  };
}
