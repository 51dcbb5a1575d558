import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderApiTypes, type OpenApiDocument } from '../../src/cli/openapi-types.js';
import { createTestContext, type TestContext } from '../helpers.js';

describe('web API client types', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx.close());

  it('are generated from the current /openapi.json (run npm run generate:api when this fails)', { timeout: 120_000 }, async () => {
    const committed = await readFile(new URL('../../web/src/api/types.gen.ts', import.meta.url), 'utf8');
    expect(committed).toBe(await renderApiTypes(ctx.app.swagger() as unknown as OpenApiDocument));
  });
});
