import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { PUBLIC } from './access.js';
import { setPageFallback } from './error-handler.js';

/** Where `npm run build:web` writes the bundle. */
export const WEB_DIST = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/**
 * Serves the built web app at `/`: hashed assets cached for a year, index.html never cached,
 * and any other page URL answered with index.html so client routes such as /mis-turnos
 * survive a reload. Without a build the API runs alone.
 *
 * @fastify/static only sends files here (`serve: false`): its own routes cannot declare who
 * may call them, and every route here must.
 */
export async function registerWebApp(app: FastifyInstance, dist = WEB_DIST): Promise<boolean> {
  if (!existsSync(`${dist}index.html`)) return false;
  // cache-control is set per file below; send's own default (max-age=0) would override it.
  await app.register(fastifyStatic, { root: dist, serve: false, cacheControl: false });
  const topLevelFiles = new Set(readdirSync(dist, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name));

  // Vite fingerprints everything under assets/, so a name never changes content.
  app.get('/assets/*', { config: { access: PUBLIC }, schema: { hide: true } }, (request, reply) =>
    reply.header('cache-control', 'public, max-age=31536000, immutable').sendFile(`assets/${(request.params as { '*': string })['*']}`),
  );
  const sendIndex = (reply: FastifyReply) => reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').sendFile('index.html');
  app.get('/', { config: { access: PUBLIC }, schema: { hide: true } }, (_request, reply) => sendIndex(reply));
  setPageFallback(app, (reply) => {
    const name = reply.request.url.split('?')[0]!.slice(1);
    if (topLevelFiles.has(name) && name !== 'index.html') return reply.header('cache-control', 'public, max-age=3600').sendFile(name);
    return sendIndex(reply);
  });
  return true;
}
