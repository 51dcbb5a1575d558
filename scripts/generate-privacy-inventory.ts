// npm run generate:inventory — rewrites docs/personal-data-inventory.md from src/platform/privacy/inventory.ts.
import { mkdir, writeFile } from 'node:fs/promises';
import { renderInventoryMarkdown } from '../src/platform/privacy/inventory-doc.js';

const target = new URL('../docs/personal-data-inventory.md', import.meta.url);
await mkdir(new URL('.', target), { recursive: true });
await writeFile(target, renderInventoryMarkdown());
console.log(`wrote ${target.pathname}`);
