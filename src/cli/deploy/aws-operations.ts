/**
 * The runbook's deploy and DR verbs against the AWS topology in infra/ (AWS SDK v3). Each
 * builds a Plan (reading what it needs first, so --dry-run shows real identifiers) that
 * ./guard.ts gates, prints and runs. Resource names mirror infra/lib/settings.ts `names()` and
 * the CodeDeploy names in infra/lib/service.ts.
 */
import { ApplicationAutoScalingClient, DescribeScalableTargetsCommand, RegisterScalableTargetCommand } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient, ContinueDeploymentCommand, CreateDeploymentCommand, GetDeploymentCommand, GetDeploymentGroupCommand, ListDeploymentsCommand, StopDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient, RegisterTaskDefinitionCommand, UpdateServiceCommand, type RegisterTaskDefinitionCommandInput, type TaskDefinition } from '@aws-sdk/client-ecs';
import { CreateDBInstanceReadReplicaCommand, CreateDBSnapshotCommand, DescribeDBInstancesCommand, PromoteReadReplicaCommand, RDSClient, RestoreDBInstanceToPointInTimeCommand, type DBInstance } from '@aws-sdk/client-rds';
import { GetHealthCheckStatusCommand, ListHealthChecksCommand, ListTagsForResourcesCommand, Route53Client, UpdateHealthCheckCommand } from '@aws-sdk/client-route-53';
import { ListTopicsCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Plan } from './guard.js';
import { expectThat } from './guard.js';

export type EnvironmentName = 'production' | 'staging';

export interface AwsTarget {
  environment: EnvironmentName;
  region: string;
  standbyRegion: string;
}

/** infra/lib/settings.ts names() and infra/lib/service.ts (CodeDeploy), for one environment. */
export function awsNames(environment: EnvironmentName) {
  const short = environment === 'production' ? 'prod' : 'staging';
  return {
    cluster: `barberpro-${environment}`,
    service: `barberpro-backend-${short}`,
    container: 'backend',
    containerPort: 3000,
    codeDeployApplication: `barberpro-${environment}`,
    deploymentGroup: `barberpro-backend-${short}`,
    dbInstance: `barberpro-${environment}-db`,
    readReplica: `barberpro-read-replica-1-${short}`,
    standbyDbInstance: `barberpro-${environment}-db-standby`,
    healthCheckName: `barberpro-${environment}-origin`,
    topic: (severity: 'critical' | 'high' | 'medium' | 'low') => `barberpro-${environment}-${severity}`,
    /** The runbook's figures: emergency desired 10, normal minimum 3 (staging is smaller). */
    scaleOutDesired: environment === 'production' ? 10 : 4,
    scaleInMin: environment === 'production' ? 3 : 2,
    standbyDesired: environment === 'production' ? 5 : 2,
  };
}

export interface AwsClients {
  ecs: ECSClient;
  codedeploy: CodeDeployClient;
  rds: RDSClient;
  route53: Route53Client;
  sns: SNSClient;
  cloudwatch: CloudWatchClient;
  autoscaling: ApplicationAutoScalingClient;
}

export function awsClients(region: string): AwsClients {
  return {
    ecs: new ECSClient({ region }),
    codedeploy: new CodeDeployClient({ region }),
    rds: new RDSClient({ region }),
    // Route 53 is global; its API lives in us-east-1.
    route53: new Route53Client({ region: 'us-east-1' }),
    sns: new SNSClient({ region }),
    cloudwatch: new CloudWatchClient({ region }),
    autoscaling: new ApplicationAutoScalingClient({ region }),
  };
}

export interface OperationContext {
  target: AwsTarget;
  primary: AwsClients;
  standby: AwsClients;
  now: Date;
  /** Polling pause, replaced in tests. */
  sleep?: (ms: number) => Promise<void>;
}

const stamp = (now: Date) => now.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');

async function currentService(ecs: ECSClient, environment: EnvironmentName) {
  const n = awsNames(environment);
  const services = await ecs.send(new DescribeServicesCommand({ cluster: n.cluster, services: [n.service] }));
  const service = services.services?.[0];
  if (!service?.taskDefinition) throw new Error(`ECS service ${n.service} not found in cluster ${n.cluster}`);
  return service;
}

async function describeTaskDefinition(ecs: ECSClient, arn: string): Promise<TaskDefinition> {
  const result = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
  if (!result.taskDefinition) throw new Error(`task definition ${arn} not found`);
  return result.taskDefinition;
}

/** The ECS AppSpec CodeDeploy needs to shift the service to `taskDefinitionArn`. */
export function ecsAppSpec(taskDefinitionArn: string, environment: EnvironmentName): string {
  const n = awsNames(environment);
  return JSON.stringify({
    version: '0.0',
    Resources: [{ TargetService: { Type: 'AWS::ECS::Service', Properties: { TaskDefinition: taskDefinitionArn, LoadBalancerInfo: { ContainerName: n.container, ContainerPort: n.containerPort } } } }],
  });
}

/** `repo:tag` (or `repo@digest`) with the tag replaced by `version`. */
export function imageWithVersion(image: string, version: string): string {
  const at = image.indexOf('@');
  const base = at >= 0 ? image.slice(0, at) : image.lastIndexOf(':') > image.lastIndexOf('/') ? image.slice(0, image.lastIndexOf(':')) : image;
  return `${base}:${version}`;
}

/** The fields RegisterTaskDefinition accepts, from a described revision, with a new image. */
export function nextRevision(current: TaskDefinition, containerName: string, image: string): RegisterTaskDefinitionCommandInput {
  if (!current.containerDefinitions?.some((c) => c.name === containerName)) throw new Error(`task definition ${current.taskDefinitionArn} has no container ${containerName}`);
  return {
    family: current.family!,
    taskRoleArn: current.taskRoleArn,
    executionRoleArn: current.executionRoleArn,
    networkMode: current.networkMode,
    containerDefinitions: current.containerDefinitions.map((c) => (c.name === containerName ? { ...c, image } : c)),
    volumes: current.volumes,
    placementConstraints: current.placementConstraints,
    requiresCompatibilities: current.requiresCompatibilities,
    cpu: current.cpu,
    memory: current.memory,
    runtimePlatform: current.runtimePlatform,
    ephemeralStorage: current.ephemeralStorage,
  };
}

function createDeployment(ctx: OperationContext, taskDefinitionArn: string, description: string) {
  const n = awsNames(ctx.target.environment);
  return ctx.primary.codedeploy.send(
    new CreateDeploymentCommand({
      applicationName: n.codeDeployApplication,
      deploymentGroupName: n.deploymentGroup,
      description,
      // The group's own config applies: canary 10% for 5 minutes, then all; rollback on alarm or failure.
      revision: { revisionType: 'AppSpecContent', appSpecContent: { content: ecsAppSpec(taskDefinitionArn, ctx.target.environment) } },
    }),
  );
}

async function activeDeployment(ctx: OperationContext) {
  const n = awsNames(ctx.target.environment);
  const list = await ctx.primary.codedeploy.send(
    new ListDeploymentsCommand({ applicationName: n.codeDeployApplication, deploymentGroupName: n.deploymentGroup, includeOnlyStatuses: ['Created', 'Queued', 'InProgress', 'Ready', 'Baking'] }),
  );
  const id = list.deployments?.[0];
  if (!id) return undefined;
  const info = (await ctx.primary.codedeploy.send(new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo;
  return info;
}

export async function blueGreenDeployPlan(ctx: OperationContext, args: { version?: string; taskDefinition?: string }): Promise<Plan> {
  const n = awsNames(ctx.target.environment);
  const service = await currentService(ctx.primary.ecs, ctx.target.environment);
  const active = await activeDeployment(ctx);
  if (active) throw new Error(`deployment ${active.deploymentId} is ${active.status}: wait for it, or roll it back first`);
  if (args.taskDefinition) {
    const arn = args.taskDefinition;
    return {
      title: `blue-green deploy of ${arn} to ${n.service} (${ctx.target.region})`,
      steps: [{ describe: `CodeDeploy ${n.codeDeployApplication}/${n.deploymentGroup}: shift ${n.service} from ${service.taskDefinition} to ${arn} (canary 10%, then all; automatic rollback on alarm)`, run: async () => `deployment ${(await createDeployment(ctx, arn, `blue-green-deploy ${arn}`)).deploymentId} created` }],
    };
  }
  if (!args.version) throw new Error('give a version (image tag) or --task-definition');
  const current = await describeTaskDefinition(ctx.primary.ecs, service.taskDefinition!);
  const image = current.containerDefinitions?.find((c) => c.name === n.container)?.image;
  if (!image) throw new Error(`container ${n.container} has no image in ${service.taskDefinition}`);
  const nextImage = imageWithVersion(image, args.version);
  let registered: string | undefined;
  return {
    title: `blue-green deploy of ${args.version} to ${n.service} (${ctx.target.region})`,
    steps: [
      {
        describe: `register a new revision of ${current.family} with image ${nextImage} (now ${image})`,
        run: async () => {
          const result = await ctx.primary.ecs.send(new RegisterTaskDefinitionCommand(nextRevision(current, n.container, nextImage)));
          registered = result.taskDefinition?.taskDefinitionArn;
          if (!registered) throw new Error('RegisterTaskDefinition returned no ARN');
          return `registered ${registered}`;
        },
      },
      {
        describe: `CodeDeploy ${n.codeDeployApplication}/${n.deploymentGroup}: shift ${n.service} to it (canary 10% for 5 minutes, then all; automatic rollback on the 5xx/latency alarms or a failed deployment)`,
        run: async () => `deployment ${(await createDeployment(ctx, registered!, `blue-green-deploy ${args.version}`)).deploymentId} created: follow it with verify-rollback or the CodeDeploy console`,
      },
    ],
  };
}

export async function trafficSwitchPlan(ctx: OperationContext): Promise<Plan> {
  const active = await activeDeployment(ctx);
  if (!active?.deploymentId) throw new Error('no deployment in progress: nothing to switch');
  const id = active.deploymentId;
  if (active.status === 'Ready') {
    return { title: `traffic switch for ${id}`, steps: [{ describe: `reroute production traffic to the replacement task set of ${id} (it is waiting for this)`, run: async () => void (await ctx.primary.codedeploy.send(new ContinueDeploymentCommand({ deploymentId: id, deploymentWaitType: 'READY_WAIT' }))) }] };
  }
  if (active.status === 'Baking' || active.status === 'InProgress') {
    const shifted = active.deploymentOverview;
    return {
      title: `traffic switch for ${id}`,
      steps: [
        {
          describe: `end the wait before the original (blue) task set is terminated; traffic shifting itself follows the canary (status ${active.status}, ${shifted?.Succeeded ?? 0} succeeded / ${shifted?.InProgress ?? 0} in progress)`,
          run: async () => void (await ctx.primary.codedeploy.send(new ContinueDeploymentCommand({ deploymentId: id, deploymentWaitType: 'TERMINATION_WAIT' }))),
        },
      ],
    };
  }
  throw new Error(`deployment ${id} is ${active.status}: nothing to switch`);
}

export async function rollbackPlan(ctx: OperationContext, args: { to?: string }): Promise<Plan> {
  const n = awsNames(ctx.target.environment);
  const active = await activeDeployment(ctx);
  if (active?.deploymentId) {
    const id = active.deploymentId;
    return {
      title: `rollback of deployment ${id}`,
      steps: [{ describe: `stop ${id} with automatic rollback: traffic returns to the original task set`, run: async () => `status ${(await ctx.primary.codedeploy.send(new StopDeploymentCommand({ deploymentId: id, autoRollbackEnabled: true }))).status}` }],
    };
  }
  const service = await currentService(ctx.primary.ecs, ctx.target.environment);
  const current = await describeTaskDefinition(ctx.primary.ecs, service.taskDefinition!);
  const target = args.to ?? `${current.family}:${(current.revision ?? 1) - 1}`;
  if (!args.to && (current.revision ?? 1) <= 1) throw new Error(`${service.taskDefinition} is the first revision: there is no previous one`);
  const previous = await describeTaskDefinition(ctx.primary.ecs, target);
  return {
    title: `rollback of ${n.service} to ${previous.taskDefinitionArn}`,
    steps: [
      {
        // A CODE_DEPLOY-controlled service cannot take a task definition through UpdateService.
        describe: `CodeDeploy: shift ${n.service} from ${service.taskDefinition} back to ${previous.taskDefinitionArn} (image ${previous.containerDefinitions?.find((c) => c.name === n.container)?.image ?? '?'})`,
        run: async () => `deployment ${(await createDeployment(ctx, previous.taskDefinitionArn!, `rollback to ${previous.taskDefinitionArn}`)).deploymentId} created`,
      },
    ],
  };
}

export async function verifyRollbackPlan(ctx: OperationContext, args: { expect?: string }): Promise<Plan> {
  const n = awsNames(ctx.target.environment);
  const group = (await ctx.primary.codedeploy.send(new GetDeploymentGroupCommand({ applicationName: n.codeDeployApplication, deploymentGroupName: n.deploymentGroup }))).deploymentGroupInfo;
  const alarmNames = group?.alarmConfiguration?.alarms?.map((a) => a.name!).filter(Boolean) ?? [];
  return {
    title: `verify rollback of ${n.service}`,
    readOnly: true,
    steps: [
      {
        describe: 'no CodeDeploy deployment in progress',
        run: async () => {
          const active = await activeDeployment(ctx);
          return expectThat(!active, 'none in progress', `deployment ${active?.deploymentId} is still ${active?.status}`);
        },
      },
      {
        describe: `${n.service}: one deployment, running = desired${args.expect ? `, task definition ${args.expect}` : ''}`,
        run: async () => {
          const service = await currentService(ctx.primary.ecs, ctx.target.environment);
          const td = service.taskDefinition!;
          expectThat(!args.expect || td === args.expect || td.endsWith(`/${args.expect}`), '', `serving ${td}, expected ${args.expect}`);
          expectThat((service.taskSets?.length ?? 0) <= 1, '', `${service.taskSets?.length} task sets still attached`);
          return expectThat(service.runningCount === service.desiredCount && (service.desiredCount ?? 0) > 0, `${td}: ${service.runningCount}/${service.desiredCount} running`, `${service.runningCount} of ${service.desiredCount} tasks running`);
        },
      },
      {
        describe: `rollback alarms not firing (${alarmNames.join(', ') || 'none configured'})`,
        run: async () => {
          expectThat(alarmNames.length > 0, '', `deployment group ${n.deploymentGroup} has no alarms configured`);
          const alarms = await ctx.primary.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: alarmNames }));
          const firing = [...(alarms.MetricAlarms ?? []), ...(alarms.CompositeAlarms ?? [])].filter((a) => a.StateValue === 'ALARM').map((a) => a.AlarmName);
          return expectThat(firing.length === 0, `${alarmNames.length} alarms OK`, `in ALARM: ${firing.join(', ')}`);
        },
      },
    ],
  };
}

async function scalableTarget(ctx: OperationContext, clients: AwsClients) {
  const n = awsNames(ctx.target.environment);
  const resourceId = `service/${n.cluster}/${n.service}`;
  const targets = await clients.autoscaling.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ResourceIds: [resourceId], ScalableDimension: 'ecs:service:DesiredCount' }));
  const target = targets.ScalableTargets?.[0];
  if (!target) throw new Error(`no scalable target for ${resourceId}`);
  return { resourceId, min: target.MinCapacity ?? 0, max: target.MaxCapacity ?? 0 };
}

function scaleSteps(ctx: OperationContext, clients: AwsClients, region: string, current: { resourceId: string; min: number; max: number }, min: number, desired: number) {
  const n = awsNames(ctx.target.environment);
  if (desired > current.max) throw new Error(`desired ${desired} is above the scaling maximum ${current.max}`);
  return [
    {
      describe: `auto scaling minimum of ${current.resourceId} (${region}): ${current.min} → ${min} (maximum stays ${current.max}), so scale-in alarms cannot undo this`,
      run: async () => void (await clients.autoscaling.send(new RegisterScalableTargetCommand({ ServiceNamespace: 'ecs', ResourceId: current.resourceId, ScalableDimension: 'ecs:service:DesiredCount', MinCapacity: min, MaxCapacity: current.max }))),
    },
    {
      describe: `desired count of ${n.service} in ${n.cluster} (${region}) → ${desired}`,
      run: async () => `desired ${(await clients.ecs.send(new UpdateServiceCommand({ cluster: n.cluster, service: n.service, desiredCount: desired }))).service?.desiredCount}`,
    },
  ];
}

export async function scaleOutPlan(ctx: OperationContext): Promise<Plan> {
  const n = awsNames(ctx.target.environment);
  const current = await scalableTarget(ctx, ctx.primary);
  return { title: `emergency scale-out of ${n.service} to ${n.scaleOutDesired}`, steps: scaleSteps(ctx, ctx.primary, ctx.target.region, current, n.scaleOutDesired, n.scaleOutDesired) };
}

export async function scaleInPlan(ctx: OperationContext): Promise<Plan> {
  const n = awsNames(ctx.target.environment);
  const current = await scalableTarget(ctx, ctx.primary);
  return { title: `low-traffic scale-in of ${n.service} to ${n.scaleInMin}`, steps: scaleSteps(ctx, ctx.primary, ctx.target.region, current, n.scaleInMin, n.scaleInMin) };
}

async function dbInstance(rds: RDSClient, id: string): Promise<DBInstance | undefined> {
  try {
    return (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances?.[0];
  } catch (error) {
    if ((error as { name?: string }).name === 'DBInstanceNotFoundFault') return undefined;
    throw error;
  }
}

export async function createReadReplicaPlan(ctx: OperationContext): Promise<Plan> {
  const n = awsNames(ctx.target.environment);
  const source = await dbInstance(ctx.primary.rds, n.dbInstance);
  if (!source) throw new Error(`source database ${n.dbInstance} not found in ${ctx.target.region}`);
  if (await dbInstance(ctx.primary.rds, n.readReplica)) throw new Error(`${n.readReplica} already exists`);
  return {
    title: `read replica ${n.readReplica} of ${n.dbInstance}`,
    maintenance: 'database',
    steps: [
      {
        describe: `create ${n.readReplica} (${source.DBInstanceClass}, same subnet group and security groups) replicating ${n.dbInstance}`,
        run: async () =>
          `status ${
            (
              await ctx.primary.rds.send(
                new CreateDBInstanceReadReplicaCommand({
                  DBInstanceIdentifier: n.readReplica,
                  SourceDBInstanceIdentifier: n.dbInstance,
                  DBInstanceClass: source.DBInstanceClass,
                  VpcSecurityGroupIds: source.VpcSecurityGroups?.map((g) => g.VpcSecurityGroupId!),
                  PubliclyAccessible: false,
                  EnablePerformanceInsights: true,
                  Tags: [{ Key: 'Project', Value: 'BarberPro' }, { Key: 'Environment', Value: ctx.target.environment }],
                }),
              )
            ).DBInstance?.DBInstanceStatus
          }`,
      },
    ],
  };
}

export async function snapshotPlan(ctx: OperationContext): Promise<Plan> {
  const n = awsNames(ctx.target.environment);
  const id = `maintenance-${stamp(ctx.now)}`;
  if (!(await dbInstance(ctx.primary.rds, n.dbInstance))) throw new Error(`database ${n.dbInstance} not found in ${ctx.target.region}`);
  return {
    title: `snapshot of ${n.dbInstance} before maintenance`,
    maintenance: 'database',
    steps: [{ describe: `create DB snapshot ${id} of ${n.dbInstance}`, run: async () => `${id}: ${(await ctx.primary.rds.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: n.dbInstance, DBSnapshotIdentifier: id, Tags: [{ Key: 'Purpose', Value: 'maintenance' }] }))).DBSnapshot?.Status}` }],
  };
}

export async function pointInTimeRestorePlan(ctx: OperationContext, args: { restoreTime?: string; latest?: boolean }): Promise<Plan> {
  const n = awsNames(ctx.target.environment);
  const source = await dbInstance(ctx.primary.rds, n.dbInstance);
  if (!source) throw new Error(`source database ${n.dbInstance} not found in ${ctx.target.region}`);
  if (!args.latest && !args.restoreTime) throw new Error('give --restore-time <ISO-8601> or --latest');
  const time = args.restoreTime ? new Date(args.restoreTime) : undefined;
  if (time && Number.isNaN(time.getTime())) throw new Error(`--restore-time ${args.restoreTime} is not an ISO-8601 time`);
  const latest = source.LatestRestorableTime;
  if (time && latest && time > latest) throw new Error(`--restore-time ${time.toISOString()} is after the latest restorable time ${latest.toISOString()}`);
  const target = `barberpro-restore-${stamp(ctx.now)}`;
  return {
    title: `point-in-time restore of ${n.dbInstance}`,
    maintenance: 'database',
    steps: [
      {
        describe: `restore ${n.dbInstance} as of ${time ? time.toISOString() : `the latest restorable time (${latest?.toISOString() ?? 'unknown'})`} into a new instance ${target} (${source.DBInstanceClass}, Multi-AZ ${source.MultiAZ}, same subnet group, security groups and parameter group); the application is not repointed`,
        run: async () =>
          `${target}: ${
            (
              await ctx.primary.rds.send(
                new RestoreDBInstanceToPointInTimeCommand({
                  SourceDBInstanceIdentifier: n.dbInstance,
                  TargetDBInstanceIdentifier: target,
                  ...(time ? { RestoreTime: time } : { UseLatestRestorableTime: true }),
                  DBInstanceClass: source.DBInstanceClass,
                  DBSubnetGroupName: source.DBSubnetGroup?.DBSubnetGroupName,
                  VpcSecurityGroupIds: source.VpcSecurityGroups?.map((g) => g.VpcSecurityGroupId!),
                  DBParameterGroupName: source.DBParameterGroups?.[0]?.DBParameterGroupName,
                  MultiAZ: source.MultiAZ,
                  PubliclyAccessible: false,
                  DeletionProtection: true,
                }),
              )
            ).DBInstance?.DBInstanceStatus
          }`,
      },
    ],
  };
}

export async function drActivationPlan(ctx: OperationContext, args: { waitMinutes: number }): Promise<Plan> {
  const n = awsNames(ctx.target.environment);
  const region = ctx.target.standbyRegion;
  const replica = await dbInstance(ctx.standby.rds, n.standbyDbInstance);
  if (!replica) throw new Error(`standby database ${n.standbyDbInstance} not found in ${region}`);
  const isReplica = Boolean(replica.ReadReplicaSourceDBInstanceIdentifier);
  const scaling = await scalableTarget(ctx, ctx.standby);
  const sleep = ctx.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const promote = isReplica
    ? [
        {
          describe: `promote ${n.standbyDbInstance} (${region}) from cross-region replica of ${replica.ReadReplicaSourceDBInstanceIdentifier} to a standalone writable database`,
          run: async () => `status ${(await ctx.standby.rds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: n.standbyDbInstance, BackupRetentionPeriod: 35 }))).DBInstance?.DBInstanceStatus}`,
        },
        {
          describe: `wait up to ${args.waitMinutes} minutes for ${n.standbyDbInstance} to be available and no longer a replica (tasks migrate at start and need it writable)`,
          run: async () => {
            const until = Date.now() + args.waitMinutes * 60_000;
            for (;;) {
              const now = await dbInstance(ctx.standby.rds, n.standbyDbInstance);
              if (now?.DBInstanceStatus === 'available' && !now.ReadReplicaSourceDBInstanceIdentifier) return 'available and writable';
              if (Date.now() > until) throw new Error(`still ${now?.DBInstanceStatus} after ${args.waitMinutes} minutes`);
              await sleep(15_000);
            }
          },
        },
      ]
    : [];
  const scale = scaleSteps(ctx, ctx.standby, region, scaling, n.scaleInMin, n.standbyDesired);
  return {
    title: `DR activation in ${region}`,
    steps: [...promote, ...scale],
  };
}

async function findHealthCheck(ctx: OperationContext): Promise<string> {
  const n = awsNames(ctx.target.environment);
  const checks = (await ctx.primary.route53.send(new ListHealthChecksCommand({}))).HealthChecks ?? [];
  if (!checks.length) throw new Error('no Route 53 health checks in this account');
  const tags = await ctx.primary.route53.send(new ListTagsForResourcesCommand({ ResourceType: 'healthcheck', ResourceIds: checks.map((c) => c.Id!).slice(0, 10) }));
  const match = tags.ResourceTagSets?.find((set) => set.Tags?.some((t) => t.Key === 'Name' && t.Value === n.healthCheckName));
  if (!match?.ResourceId) throw new Error(`no health check tagged Name=${n.healthCheckName}; pass --health-check-id`);
  return match.ResourceId;
}

export async function dnsFailoverPlan(ctx: OperationContext, args: { healthCheckId?: string; failBack?: boolean }): Promise<Plan> {
  const id = args.healthCheckId ?? (await findHealthCheck(ctx));
  const n = awsNames(ctx.target.environment);
  return {
    title: args.failBack ? `DNS fail-back of origin to ${ctx.target.region}` : `DNS failover of origin to ${ctx.target.standbyRegion}`,
    steps: [
      {
        // Inverting the primary's health check is Route 53's own way to force a failover record
        // to its secondary without editing records; un-inverting fails back.
        describe: args.failBack
          ? `un-invert health check ${id} (${n.healthCheckName}): Route 53 answers the PRIMARY record again once /readyz passes`
          : `invert health check ${id} (${n.healthCheckName}): Route 53 treats the primary as unhealthy and answers the SECONDARY (standby ALB) record`,
        run: async () => `inverted = ${(await ctx.primary.route53.send(new UpdateHealthCheckCommand({ HealthCheckId: id, Inverted: !args.failBack }))).HealthCheck?.HealthCheckConfig?.Inverted}`,
      },
    ],
  };
}

export async function drVerificationPlan(ctx: OperationContext, args: { url?: string }): Promise<Plan> {
  const n = awsNames(ctx.target.environment);
  const region = ctx.target.standbyRegion;
  const steps: Plan['steps'] = [
    {
      describe: `${n.standbyDbInstance} (${region}) available and writable (promoted)`,
      run: async () => {
        const db = await dbInstance(ctx.standby.rds, n.standbyDbInstance);
        expectThat(Boolean(db), '', 'not found');
        expectThat(!db!.ReadReplicaSourceDBInstanceIdentifier, '', `still a replica of ${db!.ReadReplicaSourceDBInstanceIdentifier}`);
        return expectThat(db!.DBInstanceStatus === 'available', 'available, not a replica', `status ${db!.DBInstanceStatus}`);
      },
    },
    {
      describe: `${n.service} (${region}) running its desired tasks, at least ${n.scaleInMin}`,
      run: async () => {
        const service = await currentService(ctx.standby.ecs, ctx.target.environment);
        return expectThat((service.runningCount ?? 0) >= n.scaleInMin && service.runningCount === service.desiredCount, `${service.runningCount}/${service.desiredCount} running`, `${service.runningCount} of ${service.desiredCount} running`);
      },
    },
  ];
  if (args.url) {
    const url = args.url;
    steps.push({
      describe: `GET ${url}/readyz through the public name answers 200`,
      run: async () => {
        const response = await fetch(`${url.replace(/\/$/, '')}/readyz`, { signal: AbortSignal.timeout(10_000) });
        return expectThat(response.status === 200, `200 ${((await response.json().catch(() => ({}))) as { status?: string }).status ?? ''}`, `status ${response.status}`);
      },
    });
  }
  return { title: `DR verification in ${region}`, readOnly: true, steps };
}

async function findTopic(sns: SNSClient, name: string): Promise<string> {
  let token: string | undefined;
  do {
    const page = await sns.send(new ListTopicsCommand({ NextToken: token }));
    const arn = page.Topics?.find((t) => t.TopicArn?.endsWith(`:${name}`))?.TopicArn;
    if (arn) return arn;
    token = page.NextToken;
  } while (token);
  throw new Error(`SNS topic ${name} not found`);
}

export async function drNotificationPlan(ctx: OperationContext, args: { message?: string; reason?: string }): Promise<Plan> {
  const n = awsNames(ctx.target.environment);
  // The standby region's topic: the primary region may be the one that is down.
  const topic = await findTopic(ctx.standby.sns, n.topic('critical'));
  const health = await ctx.primary.route53
    .send(new GetHealthCheckStatusCommand({ HealthCheckId: await findHealthCheck(ctx) }))
    .then((s) => `${s.HealthCheckObservations?.filter((o) => o.StatusReport?.Status?.startsWith('Success')).length ?? 0} de ${s.HealthCheckObservations?.length ?? 0} verificadores ven sano el origen principal`)
    .catch(() => 'estado del chequeo de salud no disponible');
  const message = [
    `BarberPro ${ctx.target.environment}: se activó la recuperación ante desastres en ${ctx.target.standbyRegion}.`,
    args.message ?? args.reason ? `Motivo: ${args.message ?? args.reason}` : undefined,
    `Hora: ${ctx.now.toISOString()}`,
    `Route 53: ${health}.`,
    'Próximos pasos: dr-verification y seguimiento en el canal de incidentes.',
  ]
    .filter(Boolean)
    .join('\n');
  return {
    title: `DR notification to ${topic}`,
    steps: [{ describe: `publish to ${n.topic('critical')} (${ctx.target.standbyRegion}):\n     ${message.replace(/\n/g, '\n     ')}`, run: async () => `message ${(await ctx.standby.sns.send(new PublishCommand({ TopicArn: topic, Subject: `BarberPro ${ctx.target.environment}: DR activada`, Message: message }))).MessageId}` }],
  };
}
