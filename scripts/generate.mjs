// Writes scripts/<name>.sh for every `barberpro ops` command and every runbook script not
// implemented yet, so the script names and the CLI cannot drift apart: `node scripts/generate.mjs`.
import { chmodSync, writeFileSync } from 'node:fs';
import { register } from 'tsx/esm/api';

register();
const { COMMANDS, NOT_IMPLEMENTED } = await import('../src/cli/ops/commands.ts');
const names = [...COMMANDS.map((c) => c.name), ...Object.keys(NOT_IMPLEMENTED)].sort();
for (const name of names) {
  const file = new URL(`./${name}.sh`, import.meta.url);
  writeFileSync(file, `#!/bin/sh\nexec node "$(dirname "$0")/../bin/barberpro.mjs" ops ${name} "$@"\n`);
  chmodSync(file, 0o755);
}
console.log(`wrote ${names.length} scripts`);
