// npm run generate:api — rewrites web/src/api/types.gen.ts from the live OpenAPI document.
import { writeFile } from 'node:fs/promises';
import { loadOpenApiDocument, renderApiTypes } from '../src/cli/openapi-types.js';

const target = new URL('../web/src/api/types.gen.ts', import.meta.url);
await writeFile(target, await renderApiTypes(await loadOpenApiDocument()));
console.log(`wrote ${target.pathname}`);
