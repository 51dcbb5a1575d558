// Writes scripts/<name>.sh for every `barberpro ops` command and every deploy/DR verb
// (`barberpro deploy <name>`), so the script names and
// the CLI cannot drift apart: `node scripts/generate.mjs`.
import { chmodSync, writeFileSync } from 'node:fs';
import { register } from 'tsx/esm/api';

register();
const { COMMANDS } = await import('../src/cli/ops/commands.ts');
const { RUNBOOK_DEPLOY_SCRIPTS } = await import('../src/cli/deploy/commands.ts');
const groups = new Map(COMMANDS.map((c) => [c.name, 'ops']));
for (const name of RUNBOOK_DEPLOY_SCRIPTS) groups.set(name, 'deploy');
const names = [...groups.keys()].sort();
for (const name of names) {
  const file = new URL(`./${name}.sh`, import.meta.url);
  writeFileSync(file, `#!/bin/sh\nexec node "$(dirname "$0")/../bin/barberpro.mjs" ${groups.get(name)} ${name} "$@"\n`);
  chmodSync(file, 0o755);
}
console.log(`wrote ${names.length} scripts`);
