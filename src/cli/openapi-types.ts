/**
 * Turns the live OpenAPI document into web/src/api/types.gen.ts: one entry per operation
 * ('GET /api/v1/shops/{shopId}') with its query, body and success response as TypeScript
 * types. The schema → type conversion is json-schema-to-typescript's; this file only walks
 * the document. `npm run generate:api` writes it; a test fails when it is stale.
 */
import { compile, type JSONSchema } from 'json-schema-to-typescript';
import { buildApp } from '../app.js';
import { loadConfig } from '../platform/config.js';
import { createDatabase } from '../platform/db/database.js';
import { migrateToLatest } from '../platform/db/migrator.js';

interface OpenApiOperation {
  parameters?: { in: string; name: string; required?: boolean; schema?: JSONSchema }[];
  requestBody?: { content?: Record<string, { schema?: JSONSchema }> };
  responses?: Record<string, { content?: Record<string, { schema?: JSONSchema }> }>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
}

/** The document `GET /openapi.json` serves, from an app on a throwaway in-memory database. */
export async function loadOpenApiDocument(): Promise<OpenApiDocument> {
  const database = await createDatabase({ kind: 'pglite-memory' });
  try {
    await migrateToLatest(database.db);
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      JWT_SECRET: 'openapi-types-generation-secret-0123456789',
      MP_WEBHOOK_SECRET: 'openapi-types-generation-webhook',
      DATA_ENCRYPTION_KEYS: `gen:${Buffer.alloc(32, 1).toString('base64')}`,
      DATA_HASH_KEY: Buffer.alloc(32, 2).toString('base64'),
    });
    const app = await buildApp({ config, database, jwtSecret: 'openapi-types-generation-secret-0123456789', logger: false });
    await app.ready();
    const doc = app.swagger() as unknown as OpenApiDocument;
    await app.close();
    return doc;
  } finally {
    await database.close();
  }
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

function typeName(method: string, path: string, part: string): string {
  const words = `${method} ${path.replace(/^\/api\/v1/, '')} ${part}`
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1));
  return words.join('');
}

async function declare(name: string, schema: JSONSchema): Promise<string> {
  const source = await compile(structuredClone(schema), name, {
    bannerComment: '',
    additionalProperties: false,
    declareExternallyReferenced: true,
    format: false,
    strictIndexSignatures: true,
  });
  return source.trim();
}

export async function renderApiTypes(doc: OpenApiDocument): Promise<string> {
  const declarations: string[] = [];
  const entries: string[] = [];
  for (const path of Object.keys(doc.paths).sort()) {
    if (!path.startsWith('/api/')) continue;
    for (const method of METHODS) {
      const op = doc.paths[path]![method];
      if (!op) continue;
      const fields: string[] = [];
      const query = (op.parameters ?? []).filter((p) => p.in === 'query');
      if (query.length > 0) {
        const name = typeName(method, path, 'query');
        const schema: JSONSchema = {
          type: 'object',
          properties: Object.fromEntries(query.map((p) => [p.name, p.schema ?? {}])),
          required: query.filter((p) => p.required).map((p) => p.name),
          additionalProperties: false,
        };
        declarations.push(await declare(name, schema));
        fields.push(`query${query.some((p) => p.required) ? '' : '?'}: ${name}`);
      }
      const body = op.requestBody?.content?.['application/json']?.schema;
      if (body) {
        const name = typeName(method, path, 'body');
        declarations.push(await declare(name, body));
        fields.push(`body: ${name}`);
      }
      const success = Object.keys(op.responses ?? {}).filter((s) => /^2\d\d$/.test(s)).sort()[0];
      const response = success ? op.responses![success]!.content?.['application/json']?.schema : undefined;
      if (response) {
        const name = typeName(method, path, 'response');
        declarations.push(await declare(name, response));
        fields.push(`response: ${name}`);
      } else {
        fields.push('response: unknown');
      }
      entries.push(`  '${method.toUpperCase()} ${path.replace(/:(\w+)/g, '{$1}')}': { ${fields.join('; ')} };`);
    }
  }
  return [
    '// Generated from /openapi.json by `npm run generate:api`. Do not edit; CI checks it is current.',
    '',
    'export interface ApiOperations {',
    ...entries,
    '}',
    '',
    ...declarations.map((d) => `${d}\n`),
  ].join('\n');
}
