import { randomUUID } from 'node:crypto';
import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import helmet from 'helmet';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PUBLIC, registerAccessControl, type VerifyAccessToken } from './access.js';
import { registerAddressGuard, type AddressGuard, type AddressGuardHooks } from './address-guard.js';
import { registerErrorHandling } from './error-handler.js';
import { ProblemError, problems } from './problem.js';
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
  /** Origins allowed to call from a browser (CORS); empty: same origin only. */
  corsOrigins?: string[];
  /** Per-address blocking after repeated refused requests. */
  addressGuard?: { guard: AddressGuard } & AddressGuardHooks;
}

/** Default body limit; the classes below narrow it where a route never needs that much. */
export const DEFAULT_BODY_LIMIT = 64 * 1024;
/** Route classes by URL prefix: credentials and the MercadoPago webhook carry a few small fields. */
export const BODY_LIMITS: ReadonlyArray<{ prefix: string; bytes: number }> = [
  { prefix: '/api/v1/auth/', bytes: 8 * 1024 },
  { prefix: '/api/v1/webhooks/', bytes: 16 * 1024 },
];
/** Deepest JSON nesting accepted; no request body of this API nests more than a few levels. */
export const MAX_JSON_DEPTH = 32;

/**
 * Nesting depth of a JSON text, or Infinity as soon as it passes `limit`, by one scan over
 * the raw text before it is parsed: neither Fastify's parser nor secure-json-parse has a depth
 * option, and rejecting before JSON.parse keeps a 64 KB `[[[[…` from building 32 000 levels
 * that validators would then recurse into.
 */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) max = depth;
      if (max > limit) return Infinity;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

/** The Content-Security-Policy for the web app and the API: everything from this origin, no inline scripts. */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  // React and recharts set styles through the DOM (not blocked); 'unsafe-inline' covers style attributes in markup.
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  upgradeInsecureRequests: [],
};

/** The HTTP shell every module plugs into: validation, OpenAPI, errors, access control. */
export async function createServer(options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger,
    bodyLimit: DEFAULT_BODY_LIMIT,
    // A hop count trusts that many proxies nearest to us (CloudFront → ALB is 2).
    trustProxy: typeof options.trustProxy === 'number' ? trustHops(options.trustProxy) : (options.trustProxy ?? false),
    // A load balancer's request id is kept so one id follows the request across hops.
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    ajv: { customOptions: { removeAdditional: false } },
    // Errors the router raises before any route runs (a path parameter over maxParamLength, a
    // malformed %-escape) leave as problem+json like every other error, not Fastify's own JSON.
    frameworkErrors: (error, request, reply) => {
      const problem =
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? new ProblemError(414, 'uri_too_long', 'Dirección demasiado larga', 'Un parámetro de la dirección supera el largo permitido.')
          : problems.badRequest('malformed_url', 'La dirección de la solicitud no es válida.');
      void (reply as FastifyReply).status(problem.status).type('application/problem+json').send(problem.toBody(request.url.split('?')[0]));
    },
  }).withTypeProvider<ZodTypeProvider>();

  // The API speaks JSON only; anything else is a 415, not a string to validate.
  app.removeContentTypeParser('text/plain');
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (jsonDepth(body as string) > MAX_JSON_DEPTH) {
      done(new ProblemError(400, 'json_too_deep', 'Solicitud inválida', `El cuerpo anida más de ${MAX_JSON_DEPTH} niveles.`), undefined);
      return;
    }
    parseJson(request, body as string, done);
  });
  app.addHook('onRoute', (route) => {
    if (route.bodyLimit !== undefined) return;
    const cls = BODY_LIMITS.find((c) => route.url.startsWith(c.prefix));
    if (cls) route.bodyLimit = cls.bytes;
  });
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
  // First of the request hooks: a blocked address costs one lookup and nothing else.
  if (options.addressGuard) registerAddressGuard(app, options.addressGuard.guard, options.addressGuard);
  registerAccessControl(app, options.verifyAccessToken, options.metricsToken, options.alertmanagerToken);

  // helmet's own middleware, built once. @fastify/helmet rebuilds it on every request (re-parsing
  // the whole CSP each time): about 5 % of a request's CPU under load, for the same headers.
  const securityHeaders = helmet({ contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY } });
  app.addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined)));
  // Same origin needs no CORS headers; listed origins get them, any other gets none (the browser refuses).
  const corsOrigins = new Set(options.corsOrigins ?? []);
  await app.register(cors, {
    origin: (origin, callback) => callback(null, origin !== undefined && corsOrigins.has(origin)),
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-request-id'],
    exposedHeaders: ['x-request-id', 'retry-after', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'],
    maxAge: 600,
  });
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
