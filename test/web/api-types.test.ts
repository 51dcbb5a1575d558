import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { loadOpenApiDocument, renderApiTypes } from '../../src/cli/openapi-types.js';

describe('web API client types', () => {
  it('are generated from the current /openapi.json (run npm run generate:api when this fails)', async () => {
    const committed = await readFile(new URL('../../web/src/api/types.gen.ts', import.meta.url), 'utf8');
    expect(committed).toBe(await renderApiTypes(await loadOpenApiDocument()));
  });
});
