import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { ProblemError, problems, problemType, type FieldError } from './problem.js';

const CONNECTION_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', '57P01', '57P03', '08006', '08001']);

function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  if (e.code && CONNECTION_ERROR_CODES.has(e.code)) return true;
  return typeof e.message === 'string' && /timeout exceeded when trying to connect|Connection terminated/i.test(e.message);
}

/** Every error leaves as application/problem+json; nothing internal leaks to the client. */
const API_PREFIXES = ['/api/', '/docs', '/openapi.json', '/metrics', '/healthz', '/readyz'];

function isPageRequest(request: FastifyRequest): boolean {
  return request.method === 'GET' && !API_PREFIXES.some((p) => request.url.startsWith(p)) && ((request.headers.accept ?? '').includes('text/html') || /^\/[\w.-]+\.(ico|png|svg|webmanifest|txt)$/.test(request.url));
}

const pageFallbacks = new WeakMap<FastifyInstance, (reply: FastifyReply) => FastifyReply>();

/** What unknown page URLs answer instead of a 404 problem (the web app's index.html). */
export function setPageFallback(app: FastifyInstance, fallback: (reply: FastifyReply) => FastifyReply): void {
  pageFallbacks.set(app, fallback);
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    let problem: ProblemError;
    if (error instanceof ProblemError) {
      problem = error;
    } else if (hasZodFastifySchemaValidationErrors(error)) {
      const context = error.validationContext ?? 'body';
      const errors: FieldError[] = error.validation.map((v) => ({
        path: [context, ...v.instancePath.split('/').filter(Boolean)].join('.'),
        message: v.message ?? 'inválido',
      }));
      problem = problems.validation(errors);
    } else if (isResponseSerializationError(error)) {
      request.log.error({ err: error }, 'response did not match its schema');
      problem = new ProblemError(500, 'internal_error', 'Error interno', 'Ocurrió un error inesperado.');
    } else if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) {
      problem = problems.badRequest('malformed_json', 'El cuerpo de la solicitud no es JSON válido.');
    } else if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
      problem = problems.badRequest('empty_body', 'El cuerpo de la solicitud está vacío.');
    } else if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      problem = new ProblemError(415, 'unsupported_media_type', 'Tipo de contenido no soportado', 'Enviá el cuerpo como application/json.');
    } else if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      problem = new ProblemError(413, 'payload_too_large', 'Solicitud demasiado grande', 'El cuerpo supera el tamaño permitido.');
    } else if (error.statusCode === 429) {
      problem = new ProblemError(429, 'rate_limited', 'Demasiadas solicitudes', 'Esperá un momento y volvé a intentar.');
    } else if (isDatabaseUnavailable(error)) {
      request.log.error({ err: { message: error.message, code: error.code } }, 'database unavailable');
      problem = problems.unavailable();
    } else if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      problem = new ProblemError(error.statusCode, 'bad_request', 'Solicitud inválida', 'La solicitud no se puede procesar.');
    } else {
      request.log.error({ err: error }, 'unhandled error');
      problem = new ProblemError(500, 'internal_error', 'Error interno', 'Ocurrió un error inesperado.');
    }
    if (problem.status === 503) void reply.header('retry-after', '5');
    const retryAfter = problem.extensions['retryAfterSeconds'];
    if (typeof retryAfter === 'number') void reply.header('retry-after', String(retryAfter));
    return reply.status(problem.status).type('application/problem+json').send(problem.toBody(request.url.split('?')[0]));
  });

  app.setNotFoundHandler((request, reply) => {
    // The web app's client-side routes (/mis-turnos, /panel/agenda …) are pages, not API paths.
    const fallback = pageFallbacks.get(app);
    if (fallback && isPageRequest(request)) return fallback(reply);
    return reply
      .status(404)
      .type('application/problem+json')
      .send({
        type: problemType('route_not_found'),
        title: 'No encontrado',
        status: 404,
        code: 'route_not_found',
        detail: `No existe ${request.method} ${request.url.split('?')[0]}.`,
      });
  });
}
