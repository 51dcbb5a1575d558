import { SEALED_COLUMNS } from '../crypto/sealed-columns.js';
import { LEGAL_BASIS_TEXT, NOT_PERSONAL_COLUMNS, PERSONAL_COLUMN_PATTERNS, PERSONAL_DATA_INVENTORY, type Protection } from './inventory.js';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function protectionText(p: Protection): string {
  if (p.kind === 'encrypted') return 'encrypted (AES-256-GCM envelope, key id per value)';
  if (p.kind === 'keyed-hash') return `keyed hash (HMAC-SHA-256) of \`${p.of}\``;
  return `plaintext — ${p.reason}`;
}

/** docs/personal-data-inventory.md, rendered from the declaration in inventory.ts. */
export function renderInventoryMarkdown(): string {
  const lines = [
    '# Personal data inventory',
    '',
    '<!-- Generated from src/platform/privacy/inventory.ts by `npm run generate:inventory`; do not edit by hand. -->',
    '',
    'Every database column holding personal data (Ley 25.326), why we hold it, on what legal basis (art. 5), for how long, and how it is protected at rest.',
    'CI (test/privacy/inventory.test.ts) reads the migrated schema and fails when a column whose name looks personal is not listed here, or a column listed as encrypted holds plaintext.',
    '',
    '| column | data | purpose | legal basis | retention | protection |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const c of PERSONAL_DATA_INVENTORY)
    lines.push(`| \`${c.table}.${c.column}\` | ${cell(c.data)} | ${cell(c.purpose)} | ${LEGAL_BASIS_TEXT[c.legalBasis]} | ${cell(c.retention)} | ${cell(protectionText(c.protection))} |`);
  lines.push('', '## Encrypted secrets (not personal data)', '', 'Also sealed with the key ring and re-encrypted by `npx barberpro keys rotate`:', '');
  for (const s of SEALED_COLUMNS.filter((c) => !c.personal)) lines.push(`- \`${s.table}.${s.column}\``);
  lines.push('', '## Columns that look personal but are not', '', '| column | why |', '| --- | --- |');
  for (const c of NOT_PERSONAL_COLUMNS) lines.push(`| \`${c.table}.${c.column}\` | ${cell(c.reason)} |`);
  lines.push('', '## What the check treats as "looks personal"', '', `Text-like columns (text, varchar, json, inet, bytea) whose name matches any of: ${PERSONAL_COLUMN_PATTERNS.map((p) => `\`${p.source}\``).join(', ')}.`, '');
  return `${lines.join('\n')}`;
}
