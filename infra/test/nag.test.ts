import { Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { REASONS } from '../lib/nag.js';
import { synth, template } from './helpers.js';

/**
 * cdk-nag's AwsSolutions pack over every stack, with the optional read replica on so that it
 * is checked too. Everything accepted is acknowledged in lib/nag.ts with a reason; anything
 * else (error or warning) fails here.
 */
let stacks: Stack[];

beforeAll(() => {
  const { app } = synth(['staging', 'production'], { readReplica: true }, { nag: true });
  // Synthesis runs the registered plugin (as `cdk synth` does) and throws on a violation.
  app.synth();
  stacks = app.node.children.filter((c): c is Stack => c instanceof Stack);
});

describe('cdk-nag AwsSolutions', () => {
  it('covers all five stacks', () => {
    expect(stacks.map((s) => s.stackName).sort()).toEqual([
      'BarberPro-Production-Edge',
      'BarberPro-Production-Primary',
      'BarberPro-Production-Standby',
      'BarberPro-Staging-Edge',
      'BarberPro-Staging-Primary',
    ]);
  });

  it('reports no unacknowledged error or warning on any stack', () => {
    for (const stack of stacks) {
      const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack);
      const findings = report.violations.map((v) => `${v.severity} ${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
      expect(findings, stack.stackName).toEqual([]);
    }
  });

  it('includes the read replica when asked for', () => {
    const primary = stacks.find((s) => s.stackName === 'BarberPro-Production-Primary')!;
    template(primary).resourceCountIs('AWS::RDS::DBInstance', 2);
    template(primary).hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceIdentifier: 'barberpro-read-replica-1-prod', DBInstanceClass: 'db.r6g.2xlarge' });
  });

  it('gives every acknowledgement a written reason', () => {
    for (const [key, reason] of Object.entries(REASONS)) expect(reason.length, key).toBeGreaterThan(60);
  });
});
