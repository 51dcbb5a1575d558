import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { BLUE_GREEN } from '../lib/service.js';
import { alarm, only, synth, template } from './helpers.js';

let prod: Template;
let standby: Template;
let staging: Template;
let edge: Template;
let stagingEdge: Template;
let edgeRegion: string;

beforeAll(() => {
  const { stacks } = synth(['staging', 'production']);
  prod = template(stacks.production.primary);
  standby = template(stacks.production.standby!);
  staging = template(stacks.staging.primary);
  edge = template(stacks.production.edge);
  stagingEdge = template(stacks.staging.edge);
  edgeRegion = stacks.production.edge.region;
});

describe('ECS blue/green through CodeDeploy', () => {
  it('hands the service\'s deployments to CodeDeploy', () => {
    for (const t of [prod, standby, staging]) {
      t.hasResourceProperties('AWS::ECS::Service', { DeploymentController: { Type: 'CODE_DEPLOY' } });
      const service = only(t, 'AWS::ECS::Service');
      expect(service.resource.Properties.DeploymentConfiguration?.DeploymentCircuitBreaker).toBeUndefined();
    }
  });

  it('has two target groups with the same /readyz health check', () => {
    const groups = Object.values(prod.findResources('AWS::ElasticLoadBalancingV2::TargetGroup')) as Array<{ Properties: Record<string, unknown> }>;
    expect(groups).toHaveLength(2);
    for (const g of groups) {
      expect(g.Properties).toMatchObject({ HealthCheckPath: '/readyz', Matcher: { HttpCode: '200' }, Port: 3000, Protocol: 'HTTP', TargetType: 'ip' });
    }
  });

  it('has a test listener on 8443 that forwards to the replacement target group and is not open to the internet', () => {
    const test = only(prod, 'AWS::ElasticLoadBalancingV2::Listener', { Port: BLUE_GREEN.testListenerPort });
    expect(test.resource.Properties.Protocol).toBe('HTTPS');
    const sg = only(prod, 'AWS::EC2::SecurityGroup', { GroupDescription: 'Public HTTPS (CloudFront, Route 53 health checkers)' });
    expect((sg.resource.Properties.SecurityGroupIngress as Array<{ FromPort: number }>).map((r) => r.FromPort).sort()).toEqual([443, 80]);
  });

  it('deploys canary 10% for 5 minutes, then all, keeping the old task set 5 minutes', () => {
    prod.hasResourceProperties('AWS::CodeDeploy::Application', { ApplicationName: 'barberpro-production', ComputePlatform: 'ECS' });
    const group = only(prod, 'AWS::CodeDeploy::DeploymentGroup').resource.Properties;
    expect(group.DeploymentGroupName).toBe('barberpro-backend-prod');
    expect(group.DeploymentConfigName).toBe('CodeDeployDefault.ECSCanary10Percent5Minutes');
    expect(group.DeploymentStyle).toEqual({ DeploymentOption: 'WITH_TRAFFIC_CONTROL', DeploymentType: 'BLUE_GREEN' });
    expect(group.BlueGreenDeploymentConfiguration.TerminateBlueInstancesOnDeploymentSuccess).toEqual({ Action: 'TERMINATE', TerminationWaitTimeInMinutes: 5 });
    const pair = group.LoadBalancerInfo.TargetGroupPairInfoList[0];
    expect(pair.TargetGroups).toHaveLength(2);
    const listeners = Object.keys(prod.findResources('AWS::ElasticLoadBalancingV2::Listener'));
    const testListener = only(prod, 'AWS::ElasticLoadBalancingV2::Listener', { Port: 8443 }).id;
    const httpsListener = only(prod, 'AWS::ElasticLoadBalancingV2::Listener', { Port: 443 }).id;
    expect(listeners).toContain(testListener);
    expect(pair.ProdTrafficRoute.ListenerArns).toEqual([{ Ref: httpsListener }]);
    expect(pair.TestTrafficRoute.ListenerArns).toEqual([{ Ref: testListener }]);
    staging.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', { DeploymentGroupName: 'barberpro-backend-staging' });
  });

  it('rolls back by itself on a failed deployment, a stop, and the 5xx and latency alarms of both target groups', () => {
    const group = only(prod, 'AWS::CodeDeploy::DeploymentGroup').resource.Properties;
    expect(group.AutoRollbackConfiguration).toEqual({ Enabled: true, Events: expect.arrayContaining(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM', 'DEPLOYMENT_STOP_ON_REQUEST']) });
    expect(group.AlarmConfiguration.Enabled).toBe(true);
    const names = group.AlarmConfiguration.Alarms.map((a: { Name: { Ref: string } }) => a.Name.Ref).sort();
    const expected = ['blue target group answers', 'green target group answers', 'blue target group p95', 'green target group p95'].map((d) => alarm(prod, `Deployment rollback: ${d}`).id).sort();
    expect(names).toEqual(expected);
  });

  it('judges 5xx above 1% for 2 minutes and p95 above 300 ms for 3 minutes, ignoring an idle target group', () => {
    const errors = alarm(prod, 'Deployment rollback: green target group answers').props;
    expect(errors).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 2, DatapointsToAlarm: 2, TreatMissingData: 'notBreaching' });
    expect(errors.Metrics.find((m: { Expression?: string }) => m.Expression).Expression).toBe('100 * e5xx / MAX([requests, 1])');
    const latency = alarm(prod, 'Deployment rollback: blue target group p95').props;
    expect(latency).toMatchObject({ Threshold: 0.3, ExtendedStatistic: 'p95', Period: 60, EvaluationPeriods: 3, MetricName: 'TargetResponseTime', TreatMissingData: 'notBreaching' });
  });

  it('tags the origin health check so dns-failover can find it', () => {
    const check = only(prod, 'AWS::Route53::HealthCheck').resource.Properties;
    expect(check.HealthCheckTags).toEqual(expect.arrayContaining([{ Key: 'Name', Value: 'barberpro-production-origin' }]));
  });
});

describe('Route 53 health check alarm', () => {
  it('lives in us-east-1, where Route 53 publishes HealthCheckStatus', () => {
    expect(edgeRegion).toBe('us-east-1');
    for (const t of [edge, stagingEdge]) {
      const found = alarm(t, 'Critical: the primary origin fails its Route 53 /readyz health check').props;
      expect(found).toMatchObject({ Namespace: 'AWS/Route53', MetricName: 'HealthCheckStatus', Statistic: 'Minimum', Period: 60, Threshold: 1, ComparisonOperator: 'LessThanThreshold', EvaluationPeriods: 2, TreatMissingData: 'breaching' });
      expect(found.Dimensions).toEqual([{ Name: 'HealthCheckId', Value: expect.anything() }]);
    }
  });

  it('watches the primary region\'s health check, read across regions, and pages the edge critical topic', () => {
    const found = alarm(edge, 'Critical: the primary origin fails its Route 53 /readyz health check').props;
    // A cross-region reference: the value is read from the SSM parameter CDK writes in us-east-1.
    expect(JSON.stringify(found.Dimensions[0].Value)).toContain('ExportsReader');
    const topic = only(edge, 'AWS::SNS::Topic', { TopicName: 'barberpro-production-edge-critical' });
    expect(topic.resource.Properties.KmsMasterKeyId).toBeDefined();
    expect(found.AlarmActions).toEqual([{ Ref: topic.id }]);
    expect(found.OKActions).toEqual([{ Ref: topic.id }]);
  });
});
