import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppConfig } from '../../platform/config.js';
import { PUBLIC, anyUser, requirePrincipal } from '../../platform/http/access.js';
import { authErrors, problemSchema } from '../../platform/http/schemas.js';
import { loginBody, meSchema, refreshBody, registerBody, sessionSchema } from './schemas.js';
import type { AccountsService } from './service.js';

export function accountsRoutes(accounts: AccountsService, limits: AppConfig['rateLimits']): FastifyPluginAsyncZod {
  // Credential endpoints are limited per address, stricter than the global limit.
  const credentialLimit = { max: limits.loginPerMinute, timeWindow: 60_000, keyGenerator: (request: { ip: string }) => `ip:${request.ip}` };
  return async (app) => {
    app.post('/api/v1/auth/register', {
      config: { access: PUBLIC, rateLimit: credentialLimit },
      schema: {
        tags: ['auth'],
        summary: 'Create a customer or provider account and open a session',
        body: registerBody,
        response: { 201: sessionSchema, 400: problemSchema, 409: problemSchema },
      },
      handler: async (request, reply) => reply.status(201).send(await accounts.register(request.body)),
    });

    app.post('/api/v1/auth/login', {
      config: { access: PUBLIC, rateLimit: credentialLimit },
      schema: {
        tags: ['auth'],
        summary: 'Log in with email and password',
        body: loginBody,
        response: { 200: sessionSchema, 400: problemSchema, 401: problemSchema, 429: problemSchema },
      },
      handler: async (request) => accounts.login(request.body.email, request.body.password, request.ip),
    });

    app.post('/api/v1/auth/refresh', {
      config: { access: PUBLIC, rateLimit: credentialLimit },
      schema: {
        tags: ['auth'],
        summary: 'Exchange a refresh token for a new session (the old token stops working)',
        body: refreshBody,
        response: { 200: sessionSchema, 400: problemSchema, 401: problemSchema },
      },
      handler: async (request) => accounts.refresh(request.body.refreshToken),
    });

    app.post('/api/v1/auth/logout', {
      config: { access: PUBLIC },
      schema: {
        tags: ['auth'],
        summary: 'End the session the refresh token belongs to',
        body: refreshBody,
        response: { 204: z.null().describe('Session ended'), 400: problemSchema },
      },
      handler: async (request, reply) => {
        await accounts.logout(request.body.refreshToken);
        return reply.status(204).send(null);
      },
    });

    app.get('/api/v1/me', {
      config: { access: anyUser },
      schema: { tags: ['auth'], summary: 'The logged-in user', response: { 200: meSchema, ...authErrors } },
      handler: async (request) => accounts.me(requirePrincipal(request).userId),
    });
  };
}
