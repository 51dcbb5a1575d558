import { Tags, Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { EdgeStack } from './edge-stack.js';
import { applySuppressions } from './nag.js';
import { RegionalStack } from './regional-stack.js';
import { ENVIRONMENTS, stackName, type DeploymentContext, type EnvironmentName } from './settings.js';

export interface EnvironmentStacks {
  edge: EdgeStack;
  primary: RegionalStack;
  standby: RegionalStack | undefined;
}

/**
 * The whole app: per environment, an edge stack (us-east-1), the primary region and, where
 * the environment has one, the standby region. cdk-nag's AwsSolutions pack runs on every
 * synth, so `cdk synth` itself fails on a new unexplained finding.
 */
export function buildApp(app: App, context: DeploymentContext, options: { nag?: boolean } = {}): Partial<Record<EnvironmentName, EnvironmentStacks>> {
  const built: Partial<Record<EnvironmentName, EnvironmentStacks>> = {};
  for (const name of context.environments) {
    const settings = ENVIRONMENTS[name];
    // Cross-region references (SSM parameters written by a CDK custom resource) carry only the
    // primary's health check id to the edge stack, whose alarm must be in us-east-1.
    const common = { settings, context, terminationProtection: settings.name === 'production', crossRegionReferences: true };
    const primary = new RegionalStack(app, stackName(settings, 'Primary'), {
      ...common,
      role: 'primary',
      env: { account: context.account, region: context.primaryRegion },
      description: `BarberPro ${name}: network, ALB, ECS Fargate, RDS PostgreSQL, ElastiCache Redis, alarms (${context.primaryRegion})`,
    });
    const standby = settings.standby
      ? new RegionalStack(app, stackName(settings, 'Standby'), {
          ...common,
          role: 'standby',
          env: { account: context.account, region: context.standbyRegion },
          description: `BarberPro ${name}: DR standby with a cross-region database replica (${context.standbyRegion})`,
        })
      : undefined;
    // The replica's source database and the replicated secrets must exist first.
    standby?.addStackDependency(primary);
    const edge = new EdgeStack(app, stackName(settings, 'Edge'), {
      ...common,
      env: { account: context.account, region: context.edgeRegion },
      originHealthCheckId: primary.originHealthCheck?.healthCheckId,
      description: `BarberPro ${name}: CloudFront, WAF (CLOUDFRONT scope), DNS (${context.edgeRegion})`,
    });
    // The CDN's origin name is published by the regional stacks.
    edge.addStackDependency(primary);
    for (const stack of [primary, standby, edge]) {
      if (!stack) continue;
      Tags.of(stack).add('Project', 'BarberPro');
      Tags.of(stack).add('Environment', name);
      Tags.of(stack).add('CostCenter', settings.costCenter);
      Tags.of(stack).add('Owner', 'DevOps Team');
      Tags.of(stack).add('ManagedBy', 'aws-cdk');
      applySuppressions(stack);
    }
    if (standby) Tags.of(standby).add('RegionRole', 'standby');
    Tags.of(primary).add('RegionRole', 'primary');
    Tags.of(edge).add('RegionRole', 'edge');
    built[name] = { edge, primary, standby };
  }
  if (options.nag !== false) Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return built;
}
