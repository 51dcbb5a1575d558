import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as cwactions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { names, type EnvironmentSettings } from './settings.js';

/** The repository root: the Dockerfile's build context. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const CONTAINER_PORT = 3000;

/**
 * ECS first takes the task out of the target group and waits this long, then sends SIGTERM.
 * The app has no drain deadline of its own (Fastify's close() waits for in-flight requests),
 * so this is the time requests get to finish; the API's slowest calls (availability over 60
 * days, checkout creation against MercadoPago) finish well inside it.
 */
export const DEREGISTRATION_DELAY_SECONDS = 30;
/**
 * After SIGTERM the process closes the HTTP server, lets BullMQ workers finish their current
 * job (an email send is bounded by a 30 s socket timeout), closes PostgreSQL and flushes
 * traces. ECS sends SIGKILL after this.
 */
export const STOP_TIMEOUT_SECONDS = 60;

/** Node's fetch, since the slim image has no curl; a hung server fails the probe in 4 s. */
export const HEALTHCHECK_COMMAND =
  "node -e \"fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))\"";

/**
 * The runbook's scaling triggers. Periods are one minute so "for 5 minutes" is five
 * consecutive breaching datapoints and "3 consecutive samples" is three.
 */
export const SCALING = {
  out: {
    cpuPercent: { threshold: 60, minutes: 5 },
    memoryPercent: { threshold: 70, minutes: 5 },
    responseTimeSeconds: { threshold: 0.3, samples: 3 },
    queueDepth: { threshold: 100, minutes: 1 },
  },
  in: {
    cpuPercent: { threshold: 30, minutes: 10 },
    memoryPercent: { threshold: 40, minutes: 10 },
    responseTimeSeconds: { threshold: 0.15, minutes: 15 },
  },
  /** Runbook's emergency scale-out adds 5 tasks; a modest breach adds 2. */
  outStepSmall: 2,
  outStepLarge: 5,
  outCooldownSeconds: 120,
  inStep: -1,
  inCooldownSeconds: 300,
} as const;

/**
 * Blue/green through CodeDeploy: the new task set gets 10% of production traffic for 5
 * minutes, then all of it; the old one stays 5 more minutes for an instant rollback. Any of
 * the rollback alarms (on either target group, since blue and green swap roles every
 * deployment) or a failed deployment sends traffic back by itself.
 */
export const BLUE_GREEN = {
  testListenerPort: 8443,
  terminationWaitMinutes: 5,
  /** 10x the runbook's "5xx > 0.1 %" alert, so a lone error among a canary's first requests does not reverse a deploy. */
  rollbackErrorRatePercent: 1,
  rollbackErrorMinutes: 2,
  /** The runbook's response-time trigger: > 300 ms for 3 consecutive samples. */
  rollbackP95Seconds: 0.3,
  rollbackP95Samples: 3,
} as const;

export interface BackendServiceProps {
  settings: EnvironmentSettings;
  vpc: ec2.IVpc;
  role: 'primary' | 'standby';
  image: ecs.ContainerImage;
  certificate: acm.ICertificate;
  logRetention: logs.RetentionDays;
  securityGroup: ec2.SecurityGroup;
  environment: Record<string, string>;
  secrets: { database: secretsmanager.ISecret; app: secretsmanager.ISecret; metrics: secretsmanager.ISecret; redis: secretsmanager.ISecret };
}

export function containerImage(imageUri: string | undefined): ecs.ContainerImage {
  // fromAsset only stages the build context at synth time; the Docker build happens at
  // deploy time (cdk-assets), so synth and tests need no Docker engine. CI that builds and
  // pushes its own image passes -c imageUri=<ecr uri:tag> instead.
  if (imageUri) return ecs.ContainerImage.fromRegistry(imageUri);
  return ecs.ContainerImage.fromAsset(REPO_ROOT, { file: 'Dockerfile', platform: Platform.LINUX_AMD64 });
}

/** ALB (HTTPS, /readyz) → Fargate service with the runbook's capacity and scaling. */
export class BackendService extends Construct {
  readonly cluster: ecs.Cluster;
  readonly service: ecs.FargateService;
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** The second target group CodeDeploy shifts traffic to (blue and green swap each deployment). */
  readonly greenTargetGroup: elbv2.ApplicationTargetGroup;
  readonly testListener: elbv2.ApplicationListener;
  readonly deploymentGroup: codedeploy.EcsDeploymentGroup;
  readonly rollbackAlarms: cloudwatch.Alarm[] = [];
  readonly scalingTarget: appscaling.ScalableTarget;
  readonly queueDepth: cloudwatch.Metric;
  readonly scaleInComposite: cloudwatch.CompositeAlarm;
  readonly scaleOutAlarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: BackendServiceProps) {
    super(scope, id);
    const { settings } = props;
    const n = names(settings);
    const standby = props.role === 'standby';

    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED, // ALB log delivery supports SSE-S3 only
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(settings.logRetentionDays) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const albSecurityGroup = new ec2.SecurityGroup(this, 'AlbSecurityGroup', { vpc: props.vpc, description: 'Public HTTPS (CloudFront, Route 53 health checkers)', allowAllOutbound: false });
    albSecurityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS');
    albSecurityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80), 'HTTP, redirected to HTTPS');
    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'Alb', {
      vpc: props.vpc,
      internetFacing: true,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      securityGroup: albSecurityGroup,
      deletionProtection: settings.database.deletionProtection,
      dropInvalidHeaderFields: true,
      idleTimeout: Duration.seconds(60),
    });
    this.loadBalancer.logAccessLogs(accessLogs, 'alb');
    const https = this.loadBalancer.addListener('Https', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [props.certificate],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      open: false,
    });
    this.loadBalancer.addRedirect({ sourcePort: 80, sourceProtocol: elbv2.ApplicationProtocol.HTTP, targetPort: 443, targetProtocol: elbv2.ApplicationProtocol.HTTPS, open: false });

    this.cluster = new ecs.Cluster(this, 'Cluster', { vpc: props.vpc, clusterName: n.cluster, containerInsightsV2: ecs.ContainerInsights.ENHANCED });
    const logGroup = new logs.LogGroup(this, 'Logs', { logGroupName: `/barberpro/${settings.name}/backend`, retention: props.logRetention, removalPolicy: RemovalPolicy.RETAIN });
    const task = new ecs.FargateTaskDefinition(this, 'Task', {
      family: n.taskFamily,
      cpu: settings.service.cpu,
      memoryLimitMiB: settings.service.memoryMiB,
      runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.X86_64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
      // The root filesystem is read-only; the app writes only under DATA_DIR and /tmp.
      volumes: [{ name: 'tmp' }],
    });
    const s = props.secrets;
    const container = task.addContainer('backend', {
      containerName: 'backend',
      image: props.image,
      essential: true,
      readonlyRootFilesystem: true,
      user: '1000:1000',
      portMappings: [{ containerPort: CONTAINER_PORT, name: 'http', protocol: ecs.Protocol.TCP }],
      environment: props.environment,
      secrets: {
        DB_USER: ecs.Secret.fromSecretsManager(s.database, 'username'),
        DB_PASSWORD: ecs.Secret.fromSecretsManager(s.database, 'password'),
        REDIS_AUTH_TOKEN: ecs.Secret.fromSecretsManager(s.redis),
        JWT_SECRET: ecs.Secret.fromSecretsManager(s.app, 'JWT_SECRET'),
        MP_WEBHOOK_SECRET: ecs.Secret.fromSecretsManager(s.app, 'MP_WEBHOOK_SECRET'),
        DATA_ENCRYPTION_KEYS: ecs.Secret.fromSecretsManager(s.app, 'DATA_ENCRYPTION_KEYS'),
        DATA_HASH_KEY: ecs.Secret.fromSecretsManager(s.app, 'DATA_HASH_KEY'),
        METRICS_TOKEN: ecs.Secret.fromSecretsManager(s.metrics, 'METRICS_TOKEN'),
      },
      healthCheck: {
        command: ['CMD-SHELL', HEALTHCHECK_COMMAND],
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        retries: 3,
        // Migrations run at start; give them time before failed probes count.
        startPeriod: Duration.seconds(120),
      },
      stopTimeout: Duration.seconds(STOP_TIMEOUT_SECONDS),
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'backend', mode: ecs.AwsLogDriverMode.NON_BLOCKING, maxBufferSize: Size.mebibytes(25) }),
      ulimits: [{ name: ecs.UlimitName.NOFILE, softLimit: 65_536, hardLimit: 65_536 }],
    });
    container.addMountPoints({ containerPath: '/tmp', sourceVolume: 'tmp', readOnly: false });

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      serviceName: n.service,
      taskDefinition: task,
      // A standby region runs no tasks against a read-only replica; DR activation scales it.
      desiredCount: standby ? 0 : settings.service.desired,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      // CodeDeploy owns task set changes (ECS's circuit breaker needs the ECS controller; the
      // deployment group's auto-rollback takes its place).
      deploymentController: { type: ecs.DeploymentControllerType.CODE_DEPLOY },
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [props.securityGroup],
      assignPublicIp: false,
      healthCheckGracePeriod: Duration.seconds(120),
      enableECSManagedTags: true,
      propagateTags: ecs.PropagatedTagSource.SERVICE,
    });
    const targetHealthCheck: elbv2.HealthCheck = {
      // /readyz answers 503 within 2 s when PostgreSQL does not: such a task gets no traffic.
      path: '/readyz',
      healthyHttpCodes: '200',
      interval: Duration.seconds(10),
      timeout: Duration.seconds(5),
      healthyThresholdCount: 2,
      unhealthyThresholdCount: 3,
    };
    this.targetGroup = https.addTargets('Backend', {
      port: CONTAINER_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [this.service.loadBalancerTarget({ containerName: 'backend', containerPort: CONTAINER_PORT })],
      deregistrationDelay: Duration.seconds(DEREGISTRATION_DELAY_SECONDS),
      healthCheck: targetHealthCheck,
    });
    this.greenTargetGroup = new elbv2.ApplicationTargetGroup(this, 'BackendGreen', {
      vpc: props.vpc,
      port: CONTAINER_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.IP,
      deregistrationDelay: Duration.seconds(DEREGISTRATION_DELAY_SECONDS),
      healthCheck: targetHealthCheck,
    });
    // Reaches the replacement task set before it gets production traffic. No ingress rule:
    // not open to the internet (validation hooks run inside the VPC).
    this.testListener = this.loadBalancer.addListener('TestHttps', {
      port: BLUE_GREEN.testListenerPort,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [props.certificate],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      open: false,
      defaultTargetGroups: [this.greenTargetGroup],
    });

    const minute = Duration.minutes(1);
    for (const [colour, tg] of [['Blue', this.targetGroup], ['Green', this.greenTargetGroup]] as const) {
      const errorRate = new cloudwatch.MathExpression({
        expression: '100 * e5xx / MAX([requests, 1])',
        usingMetrics: {
          e5xx: tg.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: minute, statistic: 'Sum' }),
          requests: tg.metrics.requestCount({ period: minute, statistic: 'Sum' }),
        },
        period: minute,
        label: `${colour} target group 5xx (%)`,
      });
      this.rollbackAlarms.push(
        new cloudwatch.Alarm(this, `Rollback5xx${colour}`, {
          alarmDescription: `Deployment rollback: ${colour.toLowerCase()} target group answers more than ${BLUE_GREEN.rollbackErrorRatePercent}% 5xx for ${BLUE_GREEN.rollbackErrorMinutes} minutes`,
          metric: errorRate,
          threshold: BLUE_GREEN.rollbackErrorRatePercent,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: BLUE_GREEN.rollbackErrorMinutes,
          datapointsToAlarm: BLUE_GREEN.rollbackErrorMinutes,
          // A target group with no traffic (the idle colour) has nothing to judge.
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
        new cloudwatch.Alarm(this, `RollbackLatency${colour}`, {
          alarmDescription: `Deployment rollback: ${colour.toLowerCase()} target group p95 above ${BLUE_GREEN.rollbackP95Seconds * 1000} ms for ${BLUE_GREEN.rollbackP95Samples} consecutive minutes`,
          metric: tg.metrics.targetResponseTime({ period: minute, statistic: 'p95' }),
          threshold: BLUE_GREEN.rollbackP95Seconds,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: BLUE_GREEN.rollbackP95Samples,
          datapointsToAlarm: BLUE_GREEN.rollbackP95Samples,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    const application = new codedeploy.EcsApplication(this, 'DeployApplication', { applicationName: n.codeDeployApplication });
    this.deploymentGroup = new codedeploy.EcsDeploymentGroup(this, 'DeploymentGroup', {
      application,
      deploymentGroupName: n.deploymentGroup,
      service: this.service,
      blueGreenDeploymentConfig: {
        blueTargetGroup: this.targetGroup,
        greenTargetGroup: this.greenTargetGroup,
        listener: https,
        testListener: this.testListener,
        terminationWaitTime: Duration.minutes(BLUE_GREEN.terminationWaitMinutes),
      },
      deploymentConfig: codedeploy.EcsDeploymentConfig.CANARY_10PERCENT_5MINUTES,
      alarms: this.rollbackAlarms,
      autoRollback: { failedDeployment: true, deploymentInAlarm: true, stoppedDeployment: true },
    });

    // Declared directly rather than through autoScaleTaskCount so that step policies can hang
    // off our own alarms (the runbook's triggers are conjunctions and fixed durations that
    // scaleOnMetric cannot express).
    this.scalingTarget = new appscaling.ScalableTarget(this, 'ScalingTarget', {
      serviceNamespace: appscaling.ServiceNamespace.ECS,
      scalableDimension: 'ecs:service:DesiredCount',
      resourceId: `service/${this.cluster.clusterName}/${this.service.serviceName}`,
      minCapacity: standby ? 0 : settings.service.min,
      maxCapacity: settings.service.max,
    });
    this.scalingTarget.node.addDependency(this.service);

    const cpu = this.service.metricCpuUtilization({ period: minute, statistic: 'Average' });
    const memory = this.service.metricMemoryUtilization({ period: minute, statistic: 'Average' });
    const responseTime = this.targetGroup.metrics.targetResponseTime({ period: minute, statistic: 'Average' });
    // Published by the app as an embedded-metric-format log line (see infra/README.md): every
    // task reports the same fleet-wide BullMQ backlog, so Maximum avoids counting it N times.
    this.queueDepth = new cloudwatch.Metric({
      namespace: n.metricsNamespace,
      metricName: 'QueueDepth',
      dimensionsMap: { Environment: settings.name },
      statistic: 'Maximum',
      period: minute,
    });

    const out = SCALING.out;
    const scaleOut = (name: string, metric: cloudwatch.IMetric, threshold: number, periods: number, largeBreach: number, description: string) => {
      const alarm = new cloudwatch.Alarm(this, `ScaleOut${name}`, {
        alarmDescription: `Scale out: ${description}`,
        metric,
        threshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: periods,
        datapointsToAlarm: periods,
        // No data (a standby with no tasks, an app not yet publishing) must not add capacity.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      const action = new appscaling.StepScalingAction(this, `ScaleOut${name}Policy`, {
        scalingTarget: this.scalingTarget,
        adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
        cooldown: Duration.seconds(SCALING.outCooldownSeconds),
        metricAggregationType: appscaling.MetricAggregationType.AVERAGE,
      });
      // Bounds are offsets above the alarm threshold.
      action.addAdjustment({ lowerBound: 0, upperBound: largeBreach, adjustment: SCALING.outStepSmall });
      action.addAdjustment({ lowerBound: largeBreach, adjustment: SCALING.outStepLarge });
      alarm.addAlarmAction(new cwactions.ApplicationScalingAction(action));
      this.scaleOutAlarms.push(alarm);
    };
    scaleOut('Cpu', cpu, out.cpuPercent.threshold, out.cpuPercent.minutes, 20, `CPU > ${out.cpuPercent.threshold}% for ${out.cpuPercent.minutes} minutes`);
    scaleOut('Memory', memory, out.memoryPercent.threshold, out.memoryPercent.minutes, 15, `memory > ${out.memoryPercent.threshold}% for ${out.memoryPercent.minutes} minutes`);
    scaleOut('ResponseTime', responseTime, out.responseTimeSeconds.threshold, out.responseTimeSeconds.samples, 0.2, `target response time > ${out.responseTimeSeconds.threshold * 1000} ms for ${out.responseTimeSeconds.samples} consecutive samples`);
    scaleOut('QueueDepth', this.queueDepth, out.queueDepth.threshold, out.queueDepth.minutes, 400, `queue depth > ${out.queueDepth.threshold} jobs`);

    // Scale in: each low condition with the runbook's own duration, combined by a composite
    // alarm — the record operators see. CloudWatch does not let composite alarms trigger
    // Application Auto Scaling, so the step policy hangs off a metric-math alarm computing the
    // same conjunction over the longest window (15 minutes: stricter than 10 for CPU/memory).
    const low = SCALING.in;
    const lowAlarm = (name: string, metric: cloudwatch.IMetric, threshold: number, minutes: number, what: string) =>
      new cloudwatch.Alarm(this, `Low${name}`, {
        alarmDescription: `Scale-in condition: ${what} < ${threshold} for ${minutes} minutes`,
        metric,
        threshold,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: minutes,
        datapointsToAlarm: minutes,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    const cpuLow = lowAlarm('Cpu', cpu, low.cpuPercent.threshold, low.cpuPercent.minutes, 'CPU %');
    const memoryLow = lowAlarm('Memory', memory, low.memoryPercent.threshold, low.memoryPercent.minutes, 'memory %');
    const responseLow = lowAlarm('ResponseTime', responseTime, low.responseTimeSeconds.threshold, low.responseTimeSeconds.minutes, 'target response time (s)');
    this.scaleInComposite = new cloudwatch.CompositeAlarm(this, 'ScaleInConditions', {
      alarmDescription: 'All of the runbook\'s scale-in conditions hold at once (CPU, memory, response time low)',
      alarmRule: cloudwatch.AlarmRule.allOf(
        cloudwatch.AlarmRule.fromAlarm(cpuLow, cloudwatch.AlarmState.ALARM),
        cloudwatch.AlarmRule.fromAlarm(memoryLow, cloudwatch.AlarmState.ALARM),
        cloudwatch.AlarmRule.fromAlarm(responseLow, cloudwatch.AlarmState.ALARM),
      ),
    });
    const allLow = new cloudwatch.MathExpression({
      expression: `IF(cpu < ${low.cpuPercent.threshold} AND mem < ${low.memoryPercent.threshold} AND rt < ${low.responseTimeSeconds.threshold}, 1, 0)`,
      usingMetrics: { cpu, mem: memory, rt: responseTime },
      period: minute,
      label: 'all scale-in conditions hold',
    });
    const scaleInMinutes = Math.max(low.cpuPercent.minutes, low.memoryPercent.minutes, low.responseTimeSeconds.minutes);
    const scaleInAlarm = new cloudwatch.Alarm(this, 'ScaleIn', {
      alarmDescription: `Scale in: CPU < ${low.cpuPercent.threshold}%, memory < ${low.memoryPercent.threshold}% and response time < ${low.responseTimeSeconds.threshold * 1000} ms together for ${scaleInMinutes} minutes`,
      metric: allLow,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: scaleInMinutes,
      datapointsToAlarm: scaleInMinutes,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const scaleInAction = new appscaling.StepScalingAction(this, 'ScaleInPolicy', {
      scalingTarget: this.scalingTarget,
      adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      cooldown: Duration.seconds(SCALING.inCooldownSeconds),
      metricAggregationType: appscaling.MetricAggregationType.MAXIMUM,
    });
    scaleInAction.addAdjustment({ lowerBound: 0, adjustment: SCALING.inStep });
    scaleInAlarm.addAlarmAction(new cwactions.ApplicationScalingAction(scaleInAction));
  }
}
