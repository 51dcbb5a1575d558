import { ApplicationAutoScalingClient, DescribeScalableTargetsCommand, RegisterScalableTargetCommand } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient, ContinueDeploymentCommand, CreateDeploymentCommand, GetDeploymentCommand, GetDeploymentGroupCommand, ListDeploymentsCommand, StopDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient, RegisterTaskDefinitionCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { CreateDBSnapshotCommand, DescribeDBInstancesCommand, PromoteReadReplicaCommand, RDSClient, RestoreDBInstanceToPointInTimeCommand } from '@aws-sdk/client-rds';
import { GetHealthCheckStatusCommand, ListHealthChecksCommand, ListTagsForResourcesCommand, Route53Client, UpdateHealthCheckCommand } from '@aws-sdk/client-route-53';
import { ListTopicsCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { Command } from 'commander';
import { beforeEach, describe, expect, it } from 'vitest';
import { awsClients, ecsAppSpec, imageWithVersion, type OperationContext } from './aws-operations.js';
import { registerDeployCommands } from './commands.js';
import { DEPLOY_EXIT } from './guard.js';

const ecs = mockClient(ECSClient);
const codedeploy = mockClient(CodeDeployClient);
const rds = mockClient(RDSClient);
const route53 = mockClient(Route53Client);
const sns = mockClient(SNSClient);
const cloudwatch = mockClient(CloudWatchClient);
const autoscaling = mockClient(ApplicationAutoScalingClient);

/** Sunday 02:30 ART: inside the primary maintenance window. */
const INSIDE = new Date('2026-11-29T05:30:00Z');
/** Tuesday 15:00 ART. */
const OUTSIDE = new Date('2026-12-01T18:00:00Z');
/** Sunday 04:30 ART: the runbook's database maintenance window (snapshots, restores, replicas). */
const DATABASE_WINDOW = new Date('2026-11-29T07:30:00Z');

const TD1 = 'arn:aws:ecs:sa-east-1:123456789012:task-definition/barberpro-backend:7';
const TD0 = 'arn:aws:ecs:sa-east-1:123456789012:task-definition/barberpro-backend:6';
const TD2 = 'arn:aws:ecs:sa-east-1:123456789012:task-definition/barberpro-backend:8';

function taskDefinition(arn: string, revision: number, tag: string) {
  return {
    taskDefinitionArn: arn,
    family: 'barberpro-backend',
    revision,
    networkMode: 'awsvpc' as const,
    cpu: '2048',
    memory: '4096',
    requiresCompatibilities: ['FARGATE' as const],
    executionRoleArn: 'arn:aws:iam::123456789012:role/exec',
    containerDefinitions: [{ name: 'backend', image: `123456789012.dkr.ecr.sa-east-1.amazonaws.com/barberpro:${tag}`, essential: true }],
  };
}

async function run(argv: string[], now = INSIDE): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const program = new Command().exitOverride();
  const ctx = (o: { environment: 'production' | 'staging'; region: string; standbyRegion: string }): OperationContext => ({
    target: { environment: o.environment, region: o.region, standbyRegion: o.standbyRegion },
    primary: awsClients(o.region),
    standby: awsClients(o.standbyRegion),
    now,
    sleep: async () => undefined,
  });
  registerDeployCommands(program, ctx, { now, out: (l) => out.push(l), err: (l) => err.push(l) });
  process.exitCode = 0;
  await program.parseAsync(['node', 'barberpro', 'deploy', ...argv]);
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { code, out, err };
}

beforeEach(() => {
  for (const m of [ecs, codedeploy, rds, route53, sns, cloudwatch, autoscaling]) m.reset();
  ecs.on(DescribeServicesCommand).resolves({ services: [{ serviceName: 'barberpro-backend-prod', taskDefinition: TD1, desiredCount: 5, runningCount: 5, taskSets: [{ id: 'ts-1' }] }] });
  ecs.on(DescribeTaskDefinitionCommand, { taskDefinition: TD1 }).resolves({ taskDefinition: taskDefinition(TD1, 7, '1.4.0') });
  ecs.on(DescribeTaskDefinitionCommand, { taskDefinition: 'barberpro-backend:6' }).resolves({ taskDefinition: taskDefinition(TD0, 6, '1.3.2') });
  codedeploy.on(ListDeploymentsCommand).resolves({ deployments: [] });
  autoscaling.on(DescribeScalableTargetsCommand).resolves({ ScalableTargets: [{ ServiceNamespace: 'ecs', ResourceId: 'service/barberpro-production/barberpro-backend-prod', ScalableDimension: 'ecs:service:DesiredCount', MinCapacity: 3, MaxCapacity: 20, RoleARN: 'r', CreationTime: new Date() }] });
});

describe('maintenance window and dry run', () => {
  it('refuses a change outside the windows, and changes nothing', async () => {
    const r = await run(['scale-out'], OUTSIDE);
    expect(r.code).toBe(DEPLOY_EXIT.refused);
    expect(r.err.join('\n')).toMatch(/Tuesday 15:00 ART is outside the deployment maintenance windows.*the next is Sunday 02:00–04:00 ART \(primary\) from 2026-12-06T05:00:00.000Z/);
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
  });

  it('--force without --reason is refused too', async () => {
    const r = await run(['scale-out', '--force'], OUTSIDE);
    expect(r.code).toBe(DEPLOY_EXIT.refused);
    expect(r.err.join('\n')).toContain('--force needs --reason');
  });

  it('--force --reason runs outside the windows and prints the reason', async () => {
    ecs.on(UpdateServiceCommand).resolves({ service: { desiredCount: 10 } });
    const r = await run(['scale-out', '--force', '--reason', 'Hot Sale: p95 over 300 ms'], OUTSIDE);
    expect(r.code).toBe(0);
    expect(r.out.join('\n')).toContain('forced: Hot Sale: p95 over 300 ms');
  });

  it('--dry-run prints the plan with real names and sends no change', async () => {
    const r = await run(['blue-green-deploy', '1.5.0', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.out.join('\n')).toContain('barberpro:1.5.0 (now 123456789012.dkr.ecr.sa-east-1.amazonaws.com/barberpro:1.4.0)');
    expect(r.out.at(-1)).toBe('dry run: nothing was changed');
    expect(ecs.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(0);
    expect(codedeploy.commandCalls(CreateDeploymentCommand)).toHaveLength(0);
  });
});

describe('blue-green deploy, traffic switch, rollback', () => {
  it('registers the new image as a revision and hands it to CodeDeploy with an ECS AppSpec', async () => {
    ecs.on(RegisterTaskDefinitionCommand).resolves({ taskDefinition: { taskDefinitionArn: TD2 } });
    codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-NEW' });
    const r = await run(['blue-green-deploy', '1.5.0']);
    expect(r.code).toBe(0);
    const registered = ecs.commandCalls(RegisterTaskDefinitionCommand)[0]!.args[0].input;
    expect(registered.family).toBe('barberpro-backend');
    expect(registered.containerDefinitions![0]!.image).toBe('123456789012.dkr.ecr.sa-east-1.amazonaws.com/barberpro:1.5.0');
    expect(registered.cpu).toBe('2048');
    const deployment = codedeploy.commandCalls(CreateDeploymentCommand)[0]!.args[0].input;
    expect(deployment).toMatchObject({ applicationName: 'barberpro-production', deploymentGroupName: 'barberpro-backend-prod' });
    expect(JSON.parse(deployment.revision!.appSpecContent!.content!)).toEqual({
      version: '0.0',
      Resources: [{ TargetService: { Type: 'AWS::ECS::Service', Properties: { TaskDefinition: TD2, LoadBalancerInfo: { ContainerName: 'backend', ContainerPort: 3000 } } } }],
    });
    expect(r.out.join('\n')).toContain('deployment d-NEW created');
  });

  it('refuses to start a deployment while another is in progress', async () => {
    codedeploy.on(ListDeploymentsCommand).resolves({ deployments: ['d-OLD'] });
    codedeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: { deploymentId: 'd-OLD', status: 'InProgress' } });
    const r = await run(['blue-green-deploy', '1.5.0']);
    expect(r.code).toBe(DEPLOY_EXIT.failed);
    expect(r.err.join('\n')).toContain('deployment d-OLD is InProgress');
  });

  it('fails with exit 1 and says which step broke when AWS refuses', async () => {
    ecs.on(RegisterTaskDefinitionCommand).rejects(Object.assign(new Error('User is not authorized to perform: ecs:RegisterTaskDefinition'), { name: 'AccessDeniedException' }));
    const r = await run(['blue-green-deploy', '1.5.0']);
    expect(r.code).toBe(DEPLOY_EXIT.failed);
    expect(r.err.join('\n')).toMatch(/✗ 1\. register a new revision.*AccessDeniedException/);
    expect(r.err.join('\n')).toContain('steps 2–2 were not attempted');
    expect(codedeploy.commandCalls(CreateDeploymentCommand)).toHaveLength(0);
  });

  it('traffic-switch continues a deployment waiting for reroute', async () => {
    codedeploy.on(ListDeploymentsCommand).resolves({ deployments: ['d-1'] });
    codedeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: { deploymentId: 'd-1', status: 'Ready' } });
    codedeploy.on(ContinueDeploymentCommand).resolves({});
    expect((await run(['traffic-switch'])).code).toBe(0);
    expect(codedeploy.commandCalls(ContinueDeploymentCommand)[0]!.args[0].input).toEqual({ deploymentId: 'd-1', deploymentWaitType: 'READY_WAIT' });
  });

  it('traffic-switch with nothing in progress exits 1', async () => {
    expect((await run(['traffic-switch'])).code).toBe(DEPLOY_EXIT.failed);
  });

  it('rollback stops an in-progress deployment with automatic rollback', async () => {
    codedeploy.on(ListDeploymentsCommand).resolves({ deployments: ['d-1'] });
    codedeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: { deploymentId: 'd-1', status: 'InProgress' } });
    codedeploy.on(StopDeploymentCommand).resolves({ status: 'Pending' });
    expect((await run(['rollback'])).code).toBe(0);
    expect(codedeploy.commandCalls(StopDeploymentCommand)[0]!.args[0].input).toEqual({ deploymentId: 'd-1', autoRollbackEnabled: true });
  });

  it('rollback with nothing in progress deploys the previous revision through CodeDeploy', async () => {
    codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-BACK' });
    const r = await run(['rollback']);
    expect(r.code).toBe(0);
    expect(r.out.join('\n')).toContain('barberpro:1.3.2');
    expect(JSON.parse(codedeploy.commandCalls(CreateDeploymentCommand)[0]!.args[0].input.revision!.appSpecContent!.content!).Resources[0].TargetService.Properties.TaskDefinition).toBe(TD0);
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
  });

  it('verify-rollback runs at any hour, checks everything and exits 1 naming what is wrong', async () => {
    codedeploy.on(GetDeploymentGroupCommand).resolves({ deploymentGroupInfo: { alarmConfiguration: { enabled: true, alarms: [{ name: 'five-xx' }, { name: 'p95' }] } } });
    cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: 'five-xx', StateValue: 'ALARM' }, { AlarmName: 'p95', StateValue: 'OK' }] });
    const r = await run(['verify-rollback', '--expect', 'barberpro-backend:7'], OUTSIDE);
    expect(r.code).toBe(DEPLOY_EXIT.failed);
    expect(r.out.join('\n')).toContain('✓ 2. arn:aws:ecs:sa-east-1:123456789012:task-definition/barberpro-backend:7: 5/5 running');
    expect(r.err.join('\n')).toContain('in ALARM: five-xx');
  });
});

describe('scaling and database', () => {
  it('scale-out raises the auto scaling minimum and sets desired 10', async () => {
    ecs.on(UpdateServiceCommand).resolves({ service: { desiredCount: 10 } });
    expect((await run(['scale-out'])).code).toBe(0);
    expect(autoscaling.commandCalls(RegisterScalableTargetCommand)[0]!.args[0].input).toMatchObject({ MinCapacity: 10, MaxCapacity: 20 });
    expect(ecs.commandCalls(UpdateServiceCommand)[0]!.args[0].input).toEqual({ cluster: 'barberpro-production', service: 'barberpro-backend-prod', desiredCount: 10 });
  });

  it('scale-in returns to the minimum of 3', async () => {
    ecs.on(UpdateServiceCommand).resolves({ service: { desiredCount: 3 } });
    expect((await run(['scale-in'])).code).toBe(0);
    expect(autoscaling.commandCalls(RegisterScalableTargetCommand)[0]!.args[0].input).toMatchObject({ MinCapacity: 3 });
    expect(ecs.commandCalls(UpdateServiceCommand)[0]!.args[0].input.desiredCount).toBe(3);
  });

  it('snapshot names it maintenance-<date-time>', async () => {
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ DBInstanceIdentifier: 'barberpro-production-db' }] });
    rds.on(CreateDBSnapshotCommand).resolves({ DBSnapshot: { Status: 'creating' } });
    expect((await run(['snapshot'])).code).toBe(DEPLOY_EXIT.refused); // 02:30 ART is for deployments, not the database
    expect((await run(['snapshot'], DATABASE_WINDOW)).code).toBe(0);
    expect(rds.commandCalls(CreateDBSnapshotCommand)[0]!.args[0].input).toMatchObject({ DBInstanceIdentifier: 'barberpro-production-db', DBSnapshotIdentifier: 'maintenance-20261129-0730' });
  });

  it('point-in-time restore refuses a time after the latest restorable one, and restores into a new instance with the source settings', async () => {
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [{ DBInstanceIdentifier: 'barberpro-production-db', DBInstanceClass: 'db.r6g.2xlarge', MultiAZ: true, LatestRestorableTime: new Date('2026-11-29T05:25:00Z'), DBSubnetGroup: { DBSubnetGroupName: 'sn' }, VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-1' }], DBParameterGroups: [{ DBParameterGroupName: 'pg' }] }],
    });
    const late = await run(['point-in-time-restore', '--restore-time', '2026-11-29T05:29:00Z'], DATABASE_WINDOW);
    expect(late.code).toBe(DEPLOY_EXIT.failed);
    expect(late.err.join('\n')).toContain('after the latest restorable time');
    rds.on(RestoreDBInstanceToPointInTimeCommand).resolves({ DBInstance: { DBInstanceStatus: 'creating' } });
    expect((await run(['point-in-time-restore', '--restore-time', '2026-11-29T04:30:00Z'], DATABASE_WINDOW)).code).toBe(0);
    expect(rds.commandCalls(RestoreDBInstanceToPointInTimeCommand)[0]!.args[0].input).toMatchObject({
      SourceDBInstanceIdentifier: 'barberpro-production-db',
      TargetDBInstanceIdentifier: 'barberpro-restore-20261129-0730',
      RestoreTime: new Date('2026-11-29T04:30:00Z'),
      DBInstanceClass: 'db.r6g.2xlarge',
      MultiAZ: true,
      DBSubnetGroupName: 'sn',
      VpcSecurityGroupIds: ['sg-1'],
    });
  });
});

describe('disaster recovery', () => {
  it('dr-activation promotes the standby replica, waits for it to be writable, then scales the standby service', async () => {
    rds
      .on(DescribeDBInstancesCommand)
      .resolvesOnce({ DBInstances: [{ DBInstanceStatus: 'available', ReadReplicaSourceDBInstanceIdentifier: 'arn:aws:rds:sa-east-1:1:db:barberpro-production-db' }] })
      .resolvesOnce({ DBInstances: [{ DBInstanceStatus: 'modifying', ReadReplicaSourceDBInstanceIdentifier: 'x' }] })
      .resolves({ DBInstances: [{ DBInstanceStatus: 'available' }] });
    rds.on(PromoteReadReplicaCommand).resolves({ DBInstance: { DBInstanceStatus: 'modifying' } });
    ecs.on(UpdateServiceCommand).resolves({ service: { desiredCount: 5 } });
    const r = await run(['dr-activation']);
    expect(r.code).toBe(0);
    expect(rds.commandCalls(PromoteReadReplicaCommand)[0]!.args[0].input.DBInstanceIdentifier).toBe('barberpro-production-db-standby');
    expect(ecs.commandCalls(UpdateServiceCommand)[0]!.args[0].input.desiredCount).toBe(5);
    expect(await rds.commandCalls(PromoteReadReplicaCommand)[0]!.thisValue.config.region()).toBe('us-east-1');
    expect(r.out.join('\n')).toContain('available and writable');
  });

  it('dns-failover inverts the primary health check found by its Name tag; --fail-back reverts it', async () => {
    route53.on(ListHealthChecksCommand).resolves({ HealthChecks: [{ Id: 'hc-other' } as never, { Id: 'hc-origin' } as never], IsTruncated: false, Marker: '', MaxItems: 100 });
    route53.on(ListTagsForResourcesCommand).resolves({ ResourceTagSets: [{ ResourceId: 'hc-other', Tags: [] }, { ResourceId: 'hc-origin', Tags: [{ Key: 'Name', Value: 'barberpro-production-origin' }] }] });
    route53.on(UpdateHealthCheckCommand).resolves({ HealthCheck: { HealthCheckConfig: { Inverted: true } } as never });
    expect((await run(['dns-failover'])).code).toBe(0);
    expect(route53.commandCalls(UpdateHealthCheckCommand)[0]!.args[0].input).toEqual({ HealthCheckId: 'hc-origin', Inverted: true });
    expect((await run(['dns-failover', '--fail-back'])).code).toBe(0);
    expect(route53.commandCalls(UpdateHealthCheckCommand)[1]!.args[0].input).toEqual({ HealthCheckId: 'hc-origin', Inverted: false });
  });

  it('dr-verification fails while the standby is still a replica with no tasks', async () => {
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ DBInstanceStatus: 'available', ReadReplicaSourceDBInstanceIdentifier: 'x' }] });
    ecs.on(DescribeServicesCommand).resolves({ services: [{ taskDefinition: TD1, desiredCount: 0, runningCount: 0 }] });
    const r = await run(['dr-verification']);
    expect(r.code).toBe(DEPLOY_EXIT.failed);
    expect(r.err.join('\n')).toContain('still a replica of x');
    expect(r.err.join('\n')).toContain('2 of 2 checks failed');
  });

  it('dr-notification publishes in Spanish to the standby region\'s critical topic', async () => {
    sns.on(ListTopicsCommand).resolves({ Topics: [{ TopicArn: 'arn:aws:sns:us-east-1:1:barberpro-production-high' }, { TopicArn: 'arn:aws:sns:us-east-1:1:barberpro-production-critical' }] });
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    route53.on(ListHealthChecksCommand).resolves({ HealthChecks: [{ Id: 'hc-origin' } as never], IsTruncated: false, Marker: '', MaxItems: 100 });
    route53.on(ListTagsForResourcesCommand).resolves({ ResourceTagSets: [{ ResourceId: 'hc-origin', Tags: [{ Key: 'Name', Value: 'barberpro-production-origin' }] }] });
    route53.on(GetHealthCheckStatusCommand).resolves({ HealthCheckObservations: [{ StatusReport: { Status: 'Failure: HTTP 503' } }, { StatusReport: { Status: 'Success: HTTP 200' } }] });
    const r = await run(['dr-notification', '--message', 'Caída de sa-east-1']);
    expect(r.code).toBe(0);
    const published = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(published.TopicArn).toBe('arn:aws:sns:us-east-1:1:barberpro-production-critical');
    expect(published.Message).toContain('se activó la recuperación ante desastres en us-east-1');
    expect(published.Message).toContain('Motivo: Caída de sa-east-1');
    expect(published.Message).toContain('1 de 2 verificadores');
  });
});

describe('pure helpers', () => {
  it('replaces the image tag, also on digests and registries with ports', () => {
    expect(imageWithVersion('1.dkr.ecr.sa-east-1.amazonaws.com/barberpro:1.4.0', '1.5.0')).toBe('1.dkr.ecr.sa-east-1.amazonaws.com/barberpro:1.5.0');
    expect(imageWithVersion('registry:5000/barberpro@sha256:abc', 'v2')).toBe('registry:5000/barberpro:v2');
    expect(imageWithVersion('registry:5000/barberpro', 'v2')).toBe('registry:5000/barberpro:v2');
  });
  it('AppSpec names the container and port the target groups route to', () => {
    expect(JSON.parse(ecsAppSpec('arn:td', 'staging')).Resources[0].TargetService.Properties.LoadBalancerInfo).toEqual({ ContainerName: 'backend', ContainerPort: 3000 });
  });
});
