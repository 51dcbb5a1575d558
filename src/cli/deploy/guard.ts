/**
 * How every changing deploy/DR command runs: refuse outside the maintenance windows unless
 * forced with a reason, print each step before doing anything, stop after printing on
 * --dry-run, and exit non-zero when a step fails (later steps are not attempted).
 */
import { maintenanceDecision, type MaintenanceKind } from '../ops/maintenance-window.js';

export interface Step {
  /** What will be done, in operator terms (printed before anything runs). */
  describe: string;
  /** Does it; returns what happened, for the log. */
  run: () => Promise<string | void>;
}

export interface Plan {
  title: string;
  steps: Step[];
  /** Read-only commands (verifications) run at any time: they change nothing. */
  readOnly?: boolean;
  /** Whose maintenance windows apply (the runbook has separate database windows); deployment by default. */
  maintenance?: MaintenanceKind;
}

export interface GuardOptions {
  dryRun?: boolean;
  force?: boolean;
  reason?: string;
  /** An emergency change may also use the runbook's secondary (emergency-only) window. */
  emergency?: boolean;
  now?: Date;
  out?: (line: string) => void;
  err?: (line: string) => void;
}

export const DEPLOY_EXIT = { ok: 0, failed: 1, refused: 2 } as const;

/** The runbook's maintenance-window rule (src/cli/ops/maintenance-window.ts), shared with pre-deployment-check. */
export function windowDecision(options: GuardOptions, kind: MaintenanceKind = 'deployment') {
  return maintenanceDecision(options.now ?? new Date(), { kind, emergency: options.emergency ?? false, force: options.force ?? false, ...(options.reason ? { reason: options.reason } : {}) });
}

export function windowRefusal(options: GuardOptions, kind: MaintenanceKind = 'deployment'): string | undefined {
  const decision = windowDecision(options, kind);
  return decision.allowed ? undefined : `${decision.explanation}. Run then, or pass --force --reason "…"`;
}

/** Builds the plan (which may read from AWS), gates it, prints it and, unless --dry-run, runs it. */
export async function runGuarded(build: () => Promise<Plan>, options: GuardOptions): Promise<number> {
  const out = options.out ?? ((line: string) => console.log(line));
  const err = options.err ?? ((line: string) => console.error(line));
  let plan: Plan;
  try {
    plan = await build();
  } catch (error) {
    err(`could not prepare: ${describe(error)}`);
    return DEPLOY_EXIT.failed;
  }
  if (!plan.readOnly) {
    const refusal = windowRefusal(options, plan.maintenance);
    if (refusal) {
      err(`${plan.title}: refused, ${refusal}`);
      return DEPLOY_EXIT.refused;
    }
  }
  out(`${plan.title}${options.dryRun ? ' (dry run)' : ''}`);
  if (!plan.readOnly) out(`  ${windowDecision(options, plan.maintenance).explanation}`);
  plan.steps.forEach((step, i) => out(`  ${i + 1}. ${step.describe}`));
  if (options.dryRun) {
    out('dry run: nothing was changed');
    return DEPLOY_EXIT.ok;
  }
  let failures = 0;
  for (const [i, step] of plan.steps.entries()) {
    try {
      const result = await step.run();
      out(`  ✓ ${i + 1}. ${result ?? 'done'}`);
    } catch (error) {
      failures++;
      err(`  ✗ ${i + 1}. ${step.describe}: ${describe(error)}`);
      // A verification goes on checking; a change stops at the first failed step.
      if (plan.readOnly) continue;
      if (i + 1 < plan.steps.length) err(`  steps ${i + 2}–${plan.steps.length} were not attempted`);
      return DEPLOY_EXIT.failed;
    }
  }
  if (failures) err(`${failures} of ${plan.steps.length} checks failed`);
  return failures ? DEPLOY_EXIT.failed : DEPLOY_EXIT.ok;
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name !== 'Error' ? `${error.name}: ` : ''}${error.message}`;
  return String(error);
}

/** A verification step that fails (and so fails the command) when `ok` is false. */
export function expectThat(ok: boolean, passed: string, failed: string): string {
  if (!ok) throw new Error(failed);
  return passed;
}
