import type { FastifyServerOptions } from 'fastify';
import type { AppConfig } from './config.js';
import { activeTraceIds } from './tracing.js';

/**
 * Secrets and personal data never reach the logs: credentials and bodies are not logged
 * at all, and what could carry them is redacted by path.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.passwordHash',
  '*.password_hash',
  '*.refreshToken',
  '*.accessToken',
  '*.token',
  '*.email',
  '*.phone',
];

export function loggerOptions(config: Pick<AppConfig, 'logLevel' | 'env'>): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    // Each line written inside a trace carries its ids, so logs and traces join up.
    mixin: () => activeTraceIds(),
    serializers: {
      req(request) {
        // The query string can carry search terms typed by people; keep only the path.
        return {
          method: request.method,
          url: request.url.split('?')[0],
          remoteAddress: request.ip,
        };
      },
    },
  };
}
