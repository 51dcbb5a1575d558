import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwactions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { Cache, Database } from './data.js';
import type { BackendService } from './service.js';
import type { EnvironmentSettings } from './settings.js';

/**
 * The runbook's escalation matrix: one topic per severity, so each can page differently
 * (critical 0-5 min: DevOps → CTO → all hands; high 5-15 min; medium 15-60 min; low 1-24 h).
 */
export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Alarm thresholds from the runbook's targets and incident classes. */
export const ALERTS = {
  /** "API unavailable" is Critical: no healthy task behind the load balancer for 2 minutes. */
  healthyTasksMin: 1,
  /** Response time target < 200 ms P95 ("High response times" is High). */
  p95ResponseSeconds: 0.2,
  /** Error rate target < 0.1 % of requests. */
  errorRatePercent: 0.1,
  /** "Single instance failure" is Medium. */
  unhealthyTasks: 1,
  databaseCpuPercent: 80,
  /** 80 % of the 1,000 max_connections. */
  databaseConnectionsShare: 0.8,
  databaseFreeStorageCriticalShare: 0.1,
  databaseFreeStorageLowShare: 0.25,
  cacheMemoryPercent: 80,
} as const;

export interface ObservabilityProps {
  settings: EnvironmentSettings;
  region: string;
  edgeRegion: string;
  service: BackendService;
  database: Database;
  cache: Cache;
  alertEmail: string | undefined;
  guardDuty: boolean;
}

export class Observability extends Construct {
  readonly topics: Record<Severity, sns.Topic>;
  readonly dashboards: cloudwatch.Dashboard[] = [];

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const { settings, service, database, cache } = props;
    const env = settings.name;

    // Alarm notifications carry resource names: encrypt them, and let CloudWatch and
    // EventBridge (GuardDuty findings) use the key to publish.
    const key = new kms.Key(this, 'TopicKey', { enableKeyRotation: true, description: `BarberPro ${env} alert topics` });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com'), new iam.ServicePrincipal('events.amazonaws.com')],
        resources: ['*'],
      }),
    );
    const topics = {} as Record<Severity, sns.Topic>;
    for (const severity of SEVERITIES) {
      const topic = new sns.Topic(this, `Alerts-${severity}`, { topicName: `barberpro-${env}-${severity}`, displayName: `BarberPro ${env} ${severity}`, masterKey: key, enforceSSL: true });
      if (props.alertEmail) topic.addSubscription(new subscriptions.EmailSubscription(props.alertEmail));
      topics[severity] = topic;
    }
    this.topics = topics;

    const minute = Duration.minutes(1);
    const alarm = (severity: Severity, name: string, options: cloudwatch.AlarmProps) => {
      const created = new cloudwatch.Alarm(this, name, options);
      created.addAlarmAction(new cwactions.SnsAction(topics[severity]));
      // Critical and high also tell when it is over, so the incident can be closed.
      if (severity === 'critical' || severity === 'high') created.addOkAction(new cwactions.SnsAction(topics[severity]));
      return created;
    };

    const tg = service.targetGroup.metrics;
    const alb = service.loadBalancer.metrics;
    alarm('critical', 'ApiUnavailable', {
      alarmDescription: 'Critical: no healthy backend task behind the load balancer (API unavailable)',
      metric: tg.healthyHostCount({ period: minute, statistic: 'Minimum' }),
      threshold: ALERTS.healthyTasksMin,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 2,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    alarm('high', 'ResponseTimeP95', {
      alarmDescription: `High: P95 target response time above ${ALERTS.p95ResponseSeconds * 1000} ms for 5 minutes`,
      metric: tg.targetResponseTime({ period: minute, statistic: 'p95' }),
      threshold: ALERTS.p95ResponseSeconds,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const errorRate = new cloudwatch.MathExpression({
      expression: '100 * (e5xx + elb5xx) / MAX([requests, 1])',
      usingMetrics: {
        e5xx: tg.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: Duration.minutes(5), statistic: 'Sum' }),
        elb5xx: alb.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period: Duration.minutes(5), statistic: 'Sum' }),
        requests: alb.requestCount({ period: Duration.minutes(5), statistic: 'Sum' }),
      },
      period: Duration.minutes(5),
      label: '5xx error rate (%)',
    });
    alarm('high', 'ErrorRate', {
      alarmDescription: `High: more than ${ALERTS.errorRatePercent}% of requests answered 5xx over 10 minutes`,
      metric: errorRate,
      threshold: ALERTS.errorRatePercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm('medium', 'UnhealthyTask', {
      alarmDescription: 'Medium: a backend task fails its /readyz check (single instance failure)',
      metric: tg.unhealthyHostCount({ period: minute, statistic: 'Maximum' }),
      threshold: ALERTS.unhealthyTasks,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm('high', 'AtMaxCapacity', {
      alarmDescription: `High: the service has run at its maximum of ${settings.service.max} tasks for 15 minutes; scaling cannot add more`,
      metric: new cloudwatch.Metric({
        namespace: 'ECS/ContainerInsights',
        metricName: 'RunningTaskCount',
        dimensionsMap: { ClusterName: service.cluster.clusterName, ServiceName: service.service.serviceName },
        statistic: 'Minimum',
        period: minute,
      }),
      threshold: settings.service.max,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 15,
      datapointsToAlarm: 15,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    const dbMetric = (metricName: string, statistic: string, period = minute) =>
      new cloudwatch.Metric({ namespace: 'AWS/RDS', metricName, dimensionsMap: { DBInstanceIdentifier: database.identifier }, statistic, period });
    const storageBytes = settings.database.allocatedStorageGiB * 1024 ** 3;
    alarm('high', 'DatabaseCpu', {
      alarmDescription: `High: database CPU above ${ALERTS.databaseCpuPercent}% for 10 minutes`,
      metric: dbMetric('CPUUtilization', 'Average'),
      threshold: ALERTS.databaseCpuPercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 10,
      datapointsToAlarm: 10,
    });
    alarm('high', 'DatabaseConnections', {
      alarmDescription: `High: database connections above ${ALERTS.databaseConnectionsShare * 100}% of max_connections`,
      metric: dbMetric('DatabaseConnections', 'Maximum'),
      threshold: settings.database.maxConnections * ALERTS.databaseConnectionsShare,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
    });
    alarm('critical', 'DatabaseStorageCritical', {
      alarmDescription: `Critical: less than ${ALERTS.databaseFreeStorageCriticalShare * 100}% database storage free (writes will stop)`,
      metric: dbMetric('FreeStorageSpace', 'Minimum', Duration.minutes(5)),
      threshold: storageBytes * ALERTS.databaseFreeStorageCriticalShare,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 1,
    });
    alarm('low', 'DatabaseStorageLow', {
      alarmDescription: `Low: less than ${ALERTS.databaseFreeStorageLowShare * 100}% database storage free (capacity planning)`,
      metric: dbMetric('FreeStorageSpace', 'Minimum', Duration.minutes(5)),
      threshold: storageBytes * ALERTS.databaseFreeStorageLowShare,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 3,
    });

    const nodeIds = cache.nodeIds(settings);
    const perNode = (metricName: string, statistic: string) =>
      Object.fromEntries(nodeIds.map((id, i) => [`n${i}`, new cloudwatch.Metric({ namespace: 'AWS/ElastiCache', metricName, dimensionsMap: { CacheClusterId: id }, statistic, period: minute })]));
    alarm('high', 'CacheMemory', {
      alarmDescription: `High: a Redis node above ${ALERTS.cacheMemoryPercent}% of its memory for 10 minutes`,
      metric: new cloudwatch.MathExpression({ expression: `MAX([${nodeIds.map((_, i) => `n${i}`).join(',')}])`, usingMetrics: perNode('DatabaseMemoryUsagePercentage', 'Maximum'), period: minute, label: 'busiest node memory %' }),
      threshold: ALERTS.cacheMemoryPercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 10,
      datapointsToAlarm: 10,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    if (props.guardDuty) {
      // One detector per account and region; `-c guardDuty=false` where one already exists.
      new guardduty.CfnDetector(this, 'GuardDuty', {
        enable: true,
        findingPublishingFrequency: 'FIFTEEN_MINUTES',
        features: [
          { name: 'RDS_LOGIN_EVENTS', status: 'ENABLED' },
          { name: 'RUNTIME_MONITORING', status: 'ENABLED', additionalConfiguration: [{ name: 'ECS_FARGATE_AGENT_MANAGEMENT', status: 'ENABLED' }] },
        ],
      });
    }
    // GuardDuty severity 7+ is high, 4-6.9 medium (its own scale); the runbook's security
    // incident process starts from these notifications.
    new events.Rule(this, 'GuardDutyHigh', {
      description: 'GuardDuty findings of high severity to the high topic',
      eventPattern: { source: ['aws.guardduty'], detailType: ['GuardDuty Finding'], detail: { severity: [{ numeric: ['>=', 7] }] } },
      targets: [new targets.SnsTopic(topics.high)],
    });
    new events.Rule(this, 'GuardDutyMedium', {
      description: 'GuardDuty findings of medium severity to the medium topic',
      eventPattern: { source: ['aws.guardduty'], detailType: ['GuardDuty Finding'], detail: { severity: [{ numeric: ['>=', 4, '<', 7] }] } },
      targets: [new targets.SnsTopic(topics.medium)],
    });

    this.dashboards.push(this.infrastructureDashboard(props, perNode));
    this.dashboards.push(this.performanceDashboard(props));
    this.dashboards.push(this.securityDashboard(props));
  }

  private infrastructureDashboard(props: ObservabilityProps, perNode: (name: string, statistic: string) => Record<string, cloudwatch.IMetric>): cloudwatch.Dashboard {
    const { settings, service, database } = props;
    const minute = Duration.minutes(1);
    const dashboard = new cloudwatch.Dashboard(this, 'Infrastructure', { dashboardName: `barberpro-${settings.name}-infrastructure-${props.region}` });
    const dbMetric = (metricName: string, statistic = 'Average') =>
      new cloudwatch.Metric({ namespace: 'AWS/RDS', metricName, dimensionsMap: { DBInstanceIdentifier: database.identifier }, statistic, period: minute });
    const nodes = (name: string, statistic: string) => Object.values(perNode(name, statistic));
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Backend CPU / memory (%)', left: [service.service.metricCpuUtilization({ period: minute }), service.service.metricMemoryUtilization({ period: minute })], leftAnnotations: [{ value: 60, label: 'scale out CPU' }, { value: 70, label: 'scale out memory' }], width: 8 }),
      new cloudwatch.GraphWidget({
        title: 'Running tasks',
        left: [new cloudwatch.Metric({ namespace: 'ECS/ContainerInsights', metricName: 'RunningTaskCount', dimensionsMap: { ClusterName: service.cluster.clusterName, ServiceName: service.service.serviceName }, statistic: 'Average', period: minute })],
        leftAnnotations: [{ value: settings.service.min, label: 'min' }, { value: settings.service.max, label: 'max' }],
        width: 8,
      }),
      new cloudwatch.GraphWidget({ title: 'Job queue depth (BarberPro/QueueDepth)', left: [service.queueDepth], leftAnnotations: [{ value: 100, label: 'scale out' }], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Database CPU (%) and connections', left: [dbMetric('CPUUtilization')], right: [dbMetric('DatabaseConnections', 'Maximum')], rightAnnotations: [{ value: settings.database.maxConnections, label: 'max_connections' }], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Database IOPS', left: [dbMetric('ReadIOPS'), dbMetric('WriteIOPS')], leftAnnotations: settings.database.iops ? [{ value: settings.database.iops, label: 'provisioned' }] : [], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Database free storage (bytes) / replica lag (s)', left: [dbMetric('FreeStorageSpace', 'Minimum')], right: [dbMetric('ReplicaLag', 'Maximum')], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Redis cache hit rate per node (%)', left: nodes('CacheHitRate', 'Average'), leftAnnotations: [{ value: 90, label: 'target > 90%' }], width: 12 }),
      new cloudwatch.GraphWidget({ title: 'Redis memory (%) per node', left: nodes('DatabaseMemoryUsagePercentage', 'Maximum'), width: 12 }),
    );
    return dashboard;
  }

  private performanceDashboard(props: ObservabilityProps): cloudwatch.Dashboard {
    const { settings, service } = props;
    const minute = Duration.minutes(1);
    const tg = service.targetGroup.metrics;
    const dashboard = new cloudwatch.Dashboard(this, 'ArgentinaPerformance', { dashboardName: `barberpro-${settings.name}-argentina-performance-${props.region}` });
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Target response time (s)',
        left: ['p50', 'p95', 'p99'].map((statistic) => tg.targetResponseTime({ period: minute, statistic })),
        leftAnnotations: [{ value: 0.2, label: 'P95 target 200 ms' }, { value: 0.3, label: 'scale out' }],
        width: 12,
      }),
      new cloudwatch.GraphWidget({ title: 'Requests and 5xx', left: [service.loadBalancer.metrics.requestCount({ period: minute })], right: [tg.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: minute })], width: 12 }),
      new cloudwatch.GraphWidget({
        title: 'CloudFront requests and error rate (global, us-east-1 metrics)',
        left: [new cloudwatch.Metric({ namespace: 'AWS/CloudFront', metricName: 'Requests', dimensionsMap: { Region: 'Global' }, statistic: 'Sum', period: minute, region: props.edgeRegion })],
        right: [new cloudwatch.Metric({ namespace: 'AWS/CloudFront', metricName: 'TotalErrorRate', dimensionsMap: { Region: 'Global' }, statistic: 'Average', period: minute, region: props.edgeRegion })],
        width: 24,
      }),
    );
    return dashboard;
  }

  private securityDashboard(props: ObservabilityProps): cloudwatch.Dashboard {
    const { settings, service } = props;
    const minute = Duration.minutes(5);
    const dashboard = new cloudwatch.Dashboard(this, 'Security', { dashboardName: `barberpro-${settings.name}-security-${props.region}` });
    const waf = (metricName: string) =>
      new cloudwatch.Metric({ namespace: 'AWS/WAFV2', metricName, dimensionsMap: { WebACL: `barberpro-${settings.name}`, Rule: 'ALL' }, statistic: 'Sum', period: minute, region: props.edgeRegion });
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'WAF blocked / allowed requests (normal: ~500 blocked a day)', left: [waf('BlockedRequests')], right: [waf('AllowedRequests')], width: 12 }),
      new cloudwatch.GraphWidget({ title: 'Load balancer 4xx and rejected connections', left: [service.loadBalancer.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_4XX_COUNT, { period: minute })], right: [service.loadBalancer.metrics.rejectedConnectionCount({ period: minute })], width: 12 }),
    );
    return dashboard;
  }
}
