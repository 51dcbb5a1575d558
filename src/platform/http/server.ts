import { randomUUID } from 'node:crypto';
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PUBLIC, registerAccessControl, type VerifyAccessToken } from './access.js';
import { registerErrorHandling } from './error-handler.js';
import { registerRateLimits, type RateLimitSettings } from './rate-limit.js';

// Validation messages reach people: Spanish.
z.config(z.locales.es());

declare module 'fastify' {
  interface FastifyRequest {
    /** performance.now() when the request arrived, for measured server times. */
    receivedAt: number;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;

function trustHops(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}

export interface ServerOptions {
  logger: FastifyServerOptions['logger'];
  verifyAccessToken: VerifyAccessToken;
  trustProxy?: boolean | number | string[];
  publicBaseUrl: string;
  metricsToken?: string | undefined;
  /** Bearer token Alertmanager presents on its webhook. */
  alertmanagerToken?: string | undefined;
  rateLimit: RateLimitSettings;
}

/** The HTTP shell every module plugs into: validation, OpenAPI, errors, access control. */
export async function createServer(options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger,
    bodyLimit: 64 * 1024,
    // A hop count trusts that many proxies nearest to us (CloudFront → ALB is 2).
    trustProxy: typeof options.trustProxy === 'number' ? trustHops(options.trustProxy) : (options.trustProxy ?? false),
    // A load balancer's request id is kept so one id follows the request across hops.
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<ZodTypeProvider>();

  // The API speaks JSON only; anything else is a 415, not a string to validate.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('receivedAt', 0);
  app.addHook('onRequest', async (request) => {
    request.receivedAt = performance.now();
  });
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    // Explicit for every response, so a CDN in front never guesses: only public GETs that
    // ask for it (catalog pages, search) may be kept, and never an answer to a signed-in caller.
    if (!reply.hasHeader('cache-control')) {
      const seconds = request.routeOptions.config?.sharedCacheSeconds;
      const shareable = seconds !== undefined && request.method === 'GET' && reply.statusCode === 200 && !request.headers.authorization;
      void reply.header('cache-control', shareable ? `public, max-age=${seconds}` : 'no-store');
    }
  });

  registerErrorHandling(app);
  registerAccessControl(app, options.verifyAccessToken, options.metricsToken, options.alertmanagerToken);

  await app.register(helmet, { global: true });
  await registerRateLimits(app, options.rateLimit);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'BarberPro API',
        version: '1.0.0',
        description:
          'Booking marketplace for barbershops in Argentina. Errors are RFC 9457 problem+json; ' +
          'times are ISO-8601 with offset in the shop’s timezone; money is integer centavos (ARS).',
      },
      servers: [{ url: options.publicBaseUrl }],
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
    transform: (input) => {
      const transformed = jsonSchemaTransform(input);
      const access = input.route.config?.access;
      if (access && typeof access === 'object') {
        transformed.schema = { ...transformed.schema, security: [{ bearerAuth: [] }] } as typeof transformed.schema;
      }
      return transformed;
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });

  app.get('/openapi.json', { config: { access: PUBLIC }, schema: { hide: true } }, async () => app.swagger());

  return app;
}
