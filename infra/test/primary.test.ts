import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { alarm, only, synth, template } from './helpers.js';

/**
 * The primary region (sa-east-1) of both environments, against the runbook's figures.
 * One synth for the file: every assertion reads the same two templates.
 */
let prod: Template;
let staging: Template;

beforeAll(() => {
  const { stacks } = synth(['staging', 'production']);
  prod = template(stacks.production.primary);
  staging = template(stacks.staging.primary);
});

describe('network', () => {
  it('spans 3 AZs with public, private and isolated subnets', () => {
    for (const t of [prod, staging]) {
      t.resourceCountIs('AWS::EC2::VPC', 1);
      t.resourceCountIs('AWS::EC2::Subnet', 9);
      const azs = new Set(Object.values(t.findResources('AWS::EC2::Subnet')).map((s: any) => s.Properties.AvailabilityZone));
      expect([...azs].sort()).toEqual(['sa-east-1a', 'sa-east-1b', 'sa-east-1c']);
    }
  });

  it('has a NAT gateway per AZ in production, one in staging', () => {
    prod.resourceCountIs('AWS::EC2::NatGateway', 3);
    staging.resourceCountIs('AWS::EC2::NatGateway', 1);
  });

  it('logs all VPC flows', () => {
    prod.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', ResourceType: 'VPC', LogDestinationType: 'cloud-watch-logs' });
  });
});

describe('load balancer', () => {
  it('serves HTTPS and redirects HTTP to it', () => {
    prod.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internet-facing', Type: 'application' });
    prod.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Protocol: 'HTTPS', Certificates: Match.anyValue() });
    prod.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
    });
  });

  it('checks /readyz and drains for as long as the app is given before SIGTERM', () => {
    prod.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 3000,
      HealthCheckPath: '/readyz',
      HealthCheckIntervalSeconds: 10,
      HealthyThresholdCount: 2,
      UnhealthyThresholdCount: 3,
      Matcher: { HttpCode: '200' },
      TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }]),
    });
  });

  it('writes access logs', () => {
    prod.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'access_logs.s3.enabled', Value: 'true' }]),
    });
  });
});

describe('ECS Fargate service', () => {
  it('runs the runbook\'s 5 tasks in production (2 in staging) under the runbook\'s names', () => {
    // Deployments go through CodeDeploy blue/green (test/blue-green.test.ts), whose auto-rollback replaces ECS's circuit breaker.
    prod.hasResourceProperties('AWS::ECS::Service', { DesiredCount: 5, ServiceName: 'barberpro-backend-prod', LaunchType: 'FARGATE', DeploymentController: { Type: 'CODE_DEPLOY' } });
    prod.hasResourceProperties('AWS::ECS::Cluster', { ClusterName: 'barberpro-production' });
    staging.hasResourceProperties('AWS::ECS::Service', { DesiredCount: 2 });
  });

  it('scales between 3 and 20 tasks in production, 2 and 6 in staging', () => {
    prod.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 3, MaxCapacity: 20, ScalableDimension: 'ecs:service:DesiredCount' });
    staging.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 6 });
  });

  it('runs non-root on a read-only root filesystem with a container health check', () => {
    const { resource } = only(prod, 'AWS::ECS::TaskDefinition');
    expect(resource.Properties.Family).toBe('barberpro-backend');
    const [container] = resource.Properties.ContainerDefinitions;
    expect(container.ReadonlyRootFilesystem).toBe(true);
    expect(container.User).toBe('1000:1000');
    expect(container.HealthCheck.Command[0]).toBe('CMD-SHELL');
    expect(container.HealthCheck.Command[1]).toContain('/healthz');
    expect(container.StopTimeout).toBe(60);
    expect(container.MountPoints).toEqual([{ ContainerPath: '/tmp', SourceVolume: 'tmp', ReadOnly: false }]);
    expect(container.LogConfiguration.LogDriver).toBe('awslogs');
  });

  it('takes every credential from Secrets Manager and none as plain text', () => {
    const [container] = only(prod, 'AWS::ECS::TaskDefinition').resource.Properties.ContainerDefinitions;
    const secretNames = container.Secrets.map((s: { Name: string }) => s.Name).sort();
    expect(secretNames).toEqual(['DATA_ENCRYPTION_KEYS', 'DATA_HASH_KEY', 'DB_PASSWORD', 'DB_USER', 'JWT_SECRET', 'METRICS_TOKEN', 'MP_WEBHOOK_SECRET', 'REDIS_AUTH_TOKEN']);
    const env = Object.fromEntries(container.Environment.map((e: { Name: string; Value: unknown }) => [e.Name, e.Value]));
    for (const secret of secretNames) expect(env).not.toHaveProperty(secret);
    expect(env).not.toHaveProperty('DATABASE_URL');
    expect(env).toMatchObject({ NODE_ENV: 'production', PORT: '3000', DATA_DIR: '/tmp/barberpro', DB_SSLMODE: 'verify-full', SEED_DEMO: 'false', REDIS_CLUSTER: 'true' });
    // 20 tasks × 40 connections = 800 of max_connections 1,000.
    expect(env.DATABASE_POOL_MAX).toBe('40');
  });
});

describe('scaling triggers (runbook "Automatic Scaling Triggers")', () => {
  const minute = 60;
  it('scales out on CPU > 60% for 5 minutes', () => {
    const { props } = alarm(prod, 'Scale out: CPU');
    expect(props).toMatchObject({ Namespace: 'AWS/ECS', MetricName: 'CPUUtilization', Threshold: 60, Period: minute, EvaluationPeriods: 5, DatapointsToAlarm: 5, ComparisonOperator: 'GreaterThanThreshold' });
  });

  it('scales out on memory > 70% for 5 minutes', () => {
    const { props } = alarm(prod, 'Scale out: memory');
    expect(props).toMatchObject({ Namespace: 'AWS/ECS', MetricName: 'MemoryUtilization', Threshold: 70, Period: minute, EvaluationPeriods: 5, DatapointsToAlarm: 5 });
  });

  it('scales out on response time > 300 ms for 3 consecutive samples', () => {
    const { props } = alarm(prod, 'Scale out: target response time');
    expect(props).toMatchObject({ Namespace: 'AWS/ApplicationELB', MetricName: 'TargetResponseTime', Threshold: 0.3, Period: minute, EvaluationPeriods: 3, DatapointsToAlarm: 3 });
  });

  it('scales out on queue depth > 100 (the app\'s BarberPro/QueueDepth metric)', () => {
    const { props } = alarm(prod, 'Scale out: queue depth');
    expect(props).toMatchObject({ Namespace: 'BarberPro', MetricName: 'QueueDepth', Statistic: 'Maximum', Threshold: 100, Period: minute, Dimensions: [{ Name: 'Environment', Value: 'production' }] });
  });

  it('adds 2 tasks on a modest breach and the runbook\'s emergency 5 on a large one', () => {
    const policies = prod.findResources('AWS::ApplicationAutoScaling::ScalingPolicy');
    const outs = Object.values(policies).filter((p: any) => p.Properties.StepScalingPolicyConfiguration.StepAdjustments.some((s: any) => s.ScalingAdjustment > 0));
    expect(outs).toHaveLength(4);
    for (const policy of outs as any[]) {
      const steps = policy.Properties.StepScalingPolicyConfiguration.StepAdjustments.map((s: any) => s.ScalingAdjustment);
      expect(steps).toEqual([2, 5]);
      expect(policy.Properties.StepScalingPolicyConfiguration).toMatchObject({ AdjustmentType: 'ChangeInCapacity', Cooldown: 120 });
    }
    const cpu = alarm(prod, 'Scale out: CPU');
    expect(cpu.props.AlarmActions).toHaveLength(1);
  });

  it('records each scale-in condition with its own duration and combines them in a composite alarm', () => {
    expect(alarm(prod, 'Scale-in condition: CPU').props).toMatchObject({ Threshold: 30, EvaluationPeriods: 10, DatapointsToAlarm: 10, ComparisonOperator: 'LessThanThreshold' });
    expect(alarm(prod, 'Scale-in condition: memory').props).toMatchObject({ Threshold: 40, EvaluationPeriods: 10, DatapointsToAlarm: 10 });
    expect(alarm(prod, 'Scale-in condition: target response time').props).toMatchObject({ Threshold: 0.15, EvaluationPeriods: 15, DatapointsToAlarm: 15 });
    const { resource } = only(prod, 'AWS::CloudWatch::CompositeAlarm');
    const rule = JSON.stringify(resource.Properties.AlarmRule);
    expect(rule.match(/ALARM\(/g)).toHaveLength(3);
    expect(rule).toContain(' AND ');
    expect(rule).not.toContain(' OR ');
  });

  it('scales in one task only when all low conditions hold together for 15 minutes', () => {
    const { props } = alarm(prod, 'Scale in:');
    expect(props).toMatchObject({ Threshold: 1, EvaluationPeriods: 15, DatapointsToAlarm: 15, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' });
    const expression = props.Metrics.find((m: { Expression?: string }) => m.Expression).Expression;
    expect(expression).toBe('IF(cpu < 30 AND mem < 40 AND rt < 0.15, 1, 0)');
    const policy = only(prod, 'AWS::ApplicationAutoScaling::ScalingPolicy', { StepScalingPolicyConfiguration: Match.objectLike({ StepAdjustments: [Match.objectLike({ ScalingAdjustment: -1 })] }) });
    expect(props.AlarmActions).toEqual([{ Ref: policy.id }]);
    expect(policy.resource.Properties.StepScalingPolicyConfiguration.Cooldown).toBe(300);
  });

  it('uses the same triggers in staging', () => {
    expect(alarm(staging, 'Scale out: CPU').props.Threshold).toBe(60);
    expect(alarm(staging, 'Scale in:').props.EvaluationPeriods).toBe(15);
  });
});

describe('PostgreSQL (runbook "Database Performance Optimization")', () => {
  it('is the runbook\'s db.r6g.2xlarge, Multi-AZ, 500 GB io1 with 10,000 IOPS, encrypted, protected', () => {
    prod.resourceCountIs('AWS::RDS::DBInstance', 1);
    prod.hasResourceProperties('AWS::RDS::DBInstance', {
      DBInstanceIdentifier: 'barberpro-production-db',
      Engine: 'postgres',
      EngineVersion: '15',
      DBInstanceClass: 'db.r6g.2xlarge',
      MultiAZ: true,
      AllocatedStorage: '500',
      StorageType: 'io1',
      Iops: 10000,
      StorageEncrypted: true,
      DeletionProtection: true,
      PubliclyAccessible: false,
    });
  });

  it('keeps 35 days of point-in-time recovery with Performance Insights, in the runbook\'s Sunday window', () => {
    prod.hasResourceProperties('AWS::RDS::DBInstance', {
      BackupRetentionPeriod: 35,
      EnablePerformanceInsights: true,
      PerformanceInsightsRetentionPeriod: 31,
      MonitoringInterval: 60,
      PreferredMaintenanceWindow: 'sun:07:00-sun:08:00',
      PreferredBackupWindow: '03:00-04:00',
      EnableCloudwatchLogsExports: ['postgresql', 'upgrade'],
    });
  });

  it('loads pg_stat_statements, runs on Argentine time and caps connections at 1,000', () => {
    for (const t of [prod, staging]) {
      t.hasResourceProperties('AWS::RDS::DBParameterGroup', {
        Family: 'postgres15',
        Parameters: Match.objectLike({
          shared_preload_libraries: 'pg_stat_statements',
          timezone: 'America/Argentina/Buenos_Aires',
          max_connections: '1000',
          'rds.force_ssl': '1',
        }),
      });
    }
  });

  it('is smaller in staging, still Multi-AZ, without deletion protection', () => {
    staging.hasResourceProperties('AWS::RDS::DBInstance', {
      DBInstanceClass: 'db.r6g.large',
      MultiAZ: true,
      AllocatedStorage: '100',
      StorageType: 'gp3',
      Iops: Match.absent(),
      BackupRetentionPeriod: 7,
      DeletionProtection: false,
    });
  });

  it('keeps credentials in Secrets Manager, replicated to the standby region in production only', () => {
    prod.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'barberpro/production/database', ReplicaRegions: [{ Region: 'us-east-1' }] });
    prod.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'barberpro/production/app', ReplicaRegions: [{ Region: 'us-east-1' }] });
    staging.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'barberpro/staging/database', ReplicaRegions: Match.absent() });
  });
});

describe('Redis (runbook "Cache Performance Optimization")', () => {
  it('is the runbook\'s 6 nodes: 3 shards × (primary + 1 replica) of cache.r6g.2xlarge with failover', () => {
    prod.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      Engine: 'redis',
      ClusterMode: 'enabled',
      CacheNodeType: 'cache.r6g.2xlarge',
      NumNodeGroups: 3,
      ReplicasPerNodeGroup: 1,
      AutomaticFailoverEnabled: true,
      MultiAZEnabled: true,
      TransitEncryptionEnabled: true,
      AtRestEncryptionEnabled: true,
      AuthToken: Match.anyValue(),
      PreferredMaintenanceWindow: 'sun:05:00-sun:07:00',
    });
    staging.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { CacheNodeType: 'cache.r6g.large', NumNodeGroups: 3, ReplicasPerNodeGroup: 1 });
  });

  it('evicts least-recently-used expiring keys, never queued jobs', () => {
    prod.hasResourceProperties('AWS::ElastiCache::ParameterGroup', { CacheParameterGroupFamily: 'redis7', Properties: { 'cluster-enabled': 'yes', 'maxmemory-policy': 'volatile-lru' } });
  });
});

describe('alerting (runbook "Alert Escalation Matrix")', () => {
  it('has one encrypted topic per severity', () => {
    for (const severity of ['critical', 'high', 'medium', 'low']) {
      prod.hasResourceProperties('AWS::SNS::Topic', { TopicName: `barberpro-production-${severity}`, KmsMasterKeyId: Match.anyValue() });
    }
    prod.resourceCountIs('AWS::SNS::Topic', 4);
  });

  const topicOf = (props: Record<string, any>) => {
    const ref = props.AlarmActions[0].Ref as string;
    return (prod.toJSON().Resources[ref].Properties.TopicName as string).replace('barberpro-production-', '');
  };

  it('pages critical when the API is unavailable and high on the runbook\'s latency and error targets', () => {
    const down = alarm(prod, 'Critical: no healthy backend task').props;
    expect(down).toMatchObject({ MetricName: 'HealthyHostCount', Threshold: 1, ComparisonOperator: 'LessThanThreshold', EvaluationPeriods: 2 });
    expect(topicOf(down)).toBe('critical');
    const p95 = alarm(prod, 'High: P95 target response time').props;
    expect(p95).toMatchObject({ ExtendedStatistic: 'p95', Threshold: 0.2, EvaluationPeriods: 5 });
    expect(topicOf(p95)).toBe('high');
    const errors = alarm(prod, 'High: more than 0.1% of requests').props;
    expect(errors.Threshold).toBe(0.1);
    expect(topicOf(errors)).toBe('high');
    expect(topicOf(alarm(prod, 'Medium: a backend task fails').props)).toBe('medium');
    expect(topicOf(alarm(prod, 'Low: less than 25% database storage').props)).toBe('low');
  });

  it('warns at 80% of max_connections', () => {
    expect(alarm(prod, 'High: database connections').props.Threshold).toBe(800);
  });

  it('sends GuardDuty findings to the high and medium topics', () => {
    prod.resourceCountIs('AWS::GuardDuty::Detector', 1);
    prod.hasResourceProperties('AWS::Events::Rule', { EventPattern: Match.objectLike({ source: ['aws.guardduty'] }) });
  });

  it('has the infrastructure, Argentina performance and security dashboards', () => {
    prod.resourceCountIs('AWS::CloudWatch::Dashboard', 3);
    const names = Object.values(prod.findResources('AWS::CloudWatch::Dashboard')).map((d: any) => d.Properties.DashboardName);
    expect(names.sort()).toEqual(['barberpro-production-argentina-performance-sa-east-1', 'barberpro-production-infrastructure-sa-east-1', 'barberpro-production-security-sa-east-1']);
  });
});

describe('backups and DNS failover', () => {
  it('snapshots daily and copies to the standby region in production', () => {
    prod.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanName: 'barberpro-production',
        BackupPlanRule: [
          Match.objectLike({
            ScheduleExpression: 'cron(0 5 * * ? *)',
            Lifecycle: { DeleteAfterDays: 90 },
            CopyActions: [Match.objectLike({ Lifecycle: { DeleteAfterDays: 90 } })],
          }),
        ],
      },
    });
    const plan = only(prod, 'AWS::Backup::BackupPlan').resource.Properties;
    expect(JSON.stringify(plan.BackupPlan.BackupPlanRule[0].CopyActions[0].DestinationBackupVaultArn)).toContain(':backup:us-east-1:111111111111:backup-vault:barberpro-production');
    staging.hasResourceProperties('AWS::Backup::BackupPlan', { BackupPlan: { BackupPlanName: 'barberpro-staging', BackupPlanRule: [Match.objectLike({ Lifecycle: { DeleteAfterDays: 14 }, CopyActions: [] })] } });
  });

  it('health-checks /readyz and publishes the origin as the PRIMARY failover record', () => {
    prod.hasResourceProperties('AWS::Route53::HealthCheck', { HealthCheckConfig: Match.objectLike({ Type: 'HTTPS', ResourcePath: '/readyz', Port: 443, RequestInterval: 10, FailureThreshold: 3 }) });
    const health = only(prod, 'AWS::Route53::HealthCheck');
    prod.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'origin.barberpro.ar.', Type: 'A', Failover: 'PRIMARY', HealthCheckId: { Ref: health.id }, AliasTarget: Match.objectLike({ EvaluateTargetHealth: true }) });
    staging.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'origin.staging.barberpro.ar.', Failover: 'PRIMARY' });
  });
});

describe('cost allocation', () => {
  it('tags resources with project, environment and cost centre', () => {
    // CDK sorts tags by key.
    prod.hasResourceProperties('AWS::RDS::DBInstance', {
      Tags: Match.arrayWith([{ Key: 'CostCenter', Value: 'barberpro-platform' }, { Key: 'Environment', Value: 'production' }, { Key: 'Owner', Value: 'DevOps Team' }, { Key: 'Project', Value: 'BarberPro' }]),
    });
    staging.hasResourceProperties('AWS::EC2::VPC', { Tags: Match.arrayWith([{ Key: 'Environment', Value: 'staging' }]) });
  });
});
