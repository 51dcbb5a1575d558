import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../../infra/lib/settings.js';
import { SCALING_POLICY } from '../../src/modules/ops/autoscaling.js';

/**
 * The autoscaling policy the ops tooling evaluates and the alarms the CDK app deploys are one
 * set of numbers: this reads infra/lib/service.ts (without importing aws-cdk-lib, which only
 * infra/ installs) and infra/lib/settings.ts, and fails when they drift apart.
 */
const SERVICE = join(import.meta.dirname, '..', '..', 'infra', 'lib', 'service.ts');
const source = ts.createSourceFile(SERVICE, readFileSync(SERVICE, 'utf8'), ts.ScriptTarget.ES2022, true);

/** A literal expression's value: objects, numbers (with a sign), strings, booleans. */
function literal(node: ts.Expression): unknown {
  if (ts.isAsExpression(node) || ts.isSatisfiesExpression(node) || ts.isParenthesizedExpression(node)) return literal(node.expression);
  if (ts.isNumericLiteral(node)) return Number(node.text.replace(/_/g, ''));
  if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken) return -(literal(node.operand) as number);
  if (ts.isStringLiteral(node)) return node.text;
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (ts.isObjectLiteralExpression(node)) {
    const out: Record<string, unknown> = {};
    for (const p of node.properties) {
      if (!ts.isPropertyAssignment(p)) throw new Error(`not a plain property: ${p.getText()}`);
      out[p.name.getText().replace(/['"]/g, '')] = literal(p.initializer);
    }
    return out;
  }
  throw new Error(`not a literal: ${node.getText()}`);
}

function exportedConst(name: string): unknown {
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const d of statement.declarationList.declarations) if (d.name.getText() === name && d.initializer) return literal(d.initializer);
  }
  throw new Error(`${name} not found in ${SERVICE}`);
}

/** The arguments of each scaleOut('Name', metric, threshold, periods, largeBreach, …) call. */
function scaleOutLargeBreaches(): Record<string, number> {
  const out: Record<string, number> = {};
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.getText() === 'scaleOut') {
      const [name, , , , large] = node.arguments;
      out[literal(name as ts.Expression) as string] = literal(large as ts.Expression) as number;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

describe('autoscaling policy = CDK alarms', () => {
  const cdk = exportedConst('SCALING') as Record<string, any>;

  it('scale-out thresholds and durations', () => {
    expect(cdk.out).toEqual(SCALING_POLICY.out);
  });

  it('scale-in thresholds and durations', () => {
    expect(cdk.in).toEqual(SCALING_POLICY.in);
  });

  it('steps and cooldowns', () => {
    for (const key of ['outStepSmall', 'outStepLarge', 'outCooldownSeconds', 'inStep', 'inCooldownSeconds'] as const) expect([key, cdk[key]]).toEqual([key, SCALING_POLICY[key]]);
  });

  it('the breach that earns the large step', () => {
    expect(scaleOutLargeBreaches()).toEqual({
      Cpu: SCALING_POLICY.largeBreach.cpuPercent,
      Memory: SCALING_POLICY.largeBreach.memoryPercent,
      ResponseTime: SCALING_POLICY.largeBreach.responseTimeSeconds,
      QueueDepth: SCALING_POLICY.largeBreach.queueDepth,
    });
  });

  it('production never goes below the runbook’s 3 tasks', () => {
    expect(ENVIRONMENTS.production.service.min).toBe(SCALING_POLICY.minTasks);
    expect(ENVIRONMENTS.production.service.max).toBeGreaterThan(ENVIRONMENTS.production.service.min);
  });
});
