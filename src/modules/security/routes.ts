import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { adminsOnly, requirePrincipal } from '../../platform/http/access.js';
import { problems } from '../../platform/http/problem.js';
import { authErrors, problemSchema } from '../../platform/http/schemas.js';
import { normalizeAddress, type IpBlock, type IpBlocklist } from './ip-blocklist.js';

const address = z
  .string()
  .max(64)
  .refine((v) => normalizeAddress(v) !== null, { message: 'Debe ser una dirección IPv4 o IPv6.' })
  .describe('IPv4 or IPv6 address');

const ipBlockSchema = z.object({
  ip: z.string(),
  reason: z.string(),
  source: z.enum(['automatic', 'manual']),
  blockedBy: z.string().nullable().describe('The admin who blocked it; null for automatic blocks'),
  blockedAt: z.string(),
  expiresAt: z.string().describe('When the block lifts by itself'),
});

const blockBody = z.object({
  ip: address,
  minutes: z.number().int().min(1).max(30 * 24 * 60).describe('How long the block lasts (at most 30 days)'),
  reason: z.string().trim().min(3).max(200).describe('Why, for the other operators'),
});

export function securityRoutes(blocklist: IpBlocklist): FastifyPluginAsyncZod {
  const toBody = (b: IpBlock) => ipBlockSchema.parse(b);
  return async (app) => {
    app.get('/api/v1/admin/security/ip-blocks', {
      config: { access: adminsOnly },
      schema: {
        tags: ['security'],
        summary: 'Addresses blocked now (automatically after repeated failures, or by an operator)',
        response: { 200: z.object({ items: z.array(ipBlockSchema) }), ...authErrors },
      },
      handler: async () => ({ items: (await blocklist.list()).map(toBody) }),
    });

    app.post('/api/v1/admin/security/ip-blocks', {
      config: { access: adminsOnly },
      schema: {
        tags: ['security'],
        summary: 'Block an address by hand (replaces any block it has)',
        body: blockBody,
        response: { 201: ipBlockSchema, 400: problemSchema, 422: problemSchema, ...authErrors },
      },
      handler: async (request, reply) => {
        const admin = requirePrincipal(request);
        if (normalizeAddress(request.body.ip) === normalizeAddress(request.ip))
          throw problems.unprocessable('cannot_block_self', 'No podés bloquear la dirección desde la que estás operando.');
        const block = await blocklist.block(request.body.ip, request.body.minutes, request.body.reason, 'manual', admin.userId);
        return reply.status(201).send(toBody(block));
      },
    });

    app.delete('/api/v1/admin/security/ip-blocks/:ip', {
      config: { access: adminsOnly },
      schema: {
        tags: ['security'],
        summary: 'Lift a block now (and forget the address’s recent failures)',
        params: z.object({ ip: address }),
        response: { 204: z.null().describe('Unblocked'), 404: problemSchema, ...authErrors },
      },
      handler: async (request, reply) => {
        if (!(await blocklist.unblock(request.params.ip))) throw problems.notFound('El bloqueo');
        return reply.status(204).send(null);
      },
    });
  };
}
