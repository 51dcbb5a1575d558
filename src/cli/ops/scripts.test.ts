import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from './commands.js';
import { RUNBOOK_DEPLOY_SCRIPTS } from '../deploy/commands.js';

const SCRIPTS = fileURLToPath(new URL('../../../scripts/', import.meta.url));
const SEED = fileURLToPath(new URL('../../../../shared/seed/launch-readiness-infrastructure.md', import.meta.url));

describe('scripts/<name>.sh', () => {
  const scripts = readdirSync(SCRIPTS).filter((f) => f.endsWith('.sh'));
  const known = new Set(COMMANDS.map((c) => c.name));

  it('each is an executable one-line call of `barberpro ops <its name>` (or `deploy <its name>`)', () => {
    const deployVerbs = new Set<string>(RUNBOOK_DEPLOY_SCRIPTS);
    for (const file of scripts) {
      const name = file.replace(/\.sh$/, '');
      const group = deployVerbs.has(name) ? 'deploy' : 'ops';
      const lines = readFileSync(`${SCRIPTS}${file}`, 'utf8').trim().split('\n');
      expect(lines).toEqual(['#!/bin/sh', `exec node "$(dirname "$0")/../bin/barberpro.mjs" ${group} ${name} "$@"`]);
      expect(statSync(`${SCRIPTS}${file}`).mode & 0o111).not.toBe(0);
      expect(group === 'deploy' || known.has(name), `${name} is neither a command nor listed as not implemented`).toBe(true);
    }
  });

  it('every script the runbook names exists', () => {
    let seed: string;
    try {
      seed = readFileSync(SEED, 'utf8');
    } catch {
      return; // the runbook lives beside the checkout, not in it
    }
    const named = [...new Set([...seed.matchAll(/\.\/scripts\/([a-z0-9-]+)\.sh/g)].map((m) => m[1]!))];
    expect(named.length).toBeGreaterThan(20);
    expect(named.filter((n) => !scripts.includes(`${n}.sh`))).toEqual([]);
  });
});
