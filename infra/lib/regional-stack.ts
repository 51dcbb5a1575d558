import { ArnFormat, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53targets from 'aws-cdk-lib/aws-route53-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Annotations, Tags, Validations } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Cache, Database, poolSizePerTask } from './data.js';
import { Network } from './network.js';
import { Observability } from './observability.js';
import { BackendService, CONTAINER_PORT, containerImage } from './service.js';
import { names, type DeploymentContext, type EnvironmentSettings } from './settings.js';

export type RegionRole = 'primary' | 'standby';

export interface RegionalStackProps extends StackProps {
  settings: EnvironmentSettings;
  context: DeploymentContext;
  role: RegionRole;
}

/** Health check cadence: 10 s × 3 failures ≈ 30 s before Route 53 fails the origin over. */
export const ORIGIN_HEALTH_CHECK = { path: '/readyz', intervalSeconds: 10, failureThreshold: 3 } as const;

/**
 * One region's share of the topology. The primary region (sa-east-1) serves traffic; the
 * standby region holds the same shape at zero tasks, with a cross-region replica of the
 * database, ready for DR activation (promote the replica, scale the service) while Route 53
 * already points the origin name at it once the primary's /readyz fails.
 */
export class RegionalStack extends Stack {
  readonly network: Network;
  readonly database: Database;
  readonly cache: Cache;
  readonly backend: BackendService;
  readonly observability: Observability;
  /** The primary's origin health check (the edge stack alarms on it from us-east-1). */
  readonly originHealthCheck: route53.HealthCheck | undefined;
  private readonly zones: string[];

  constructor(scope: Construct, id: string, props: RegionalStackProps) {
    super(scope, id, props);
    const { settings, context, role } = props;
    const n = names(settings);
    const region = role === 'primary' ? context.primaryRegion : context.standbyRegion;
    this.zones = ['a', 'b', 'c'].map((suffix) => `${region}${suffix}`);
    // CDK silences this itself when its own availabilityZones getter is used; ours is overridden.
    Validations.of(this).acknowledge({
      id: 'CloudFormation-Validate::W3010',
      reason: 'Availability zones are named on purpose (a, b, c exist in sa-east-1 and us-east-1) so that synth needs no AWS lookup; they are the VPC subnets\' zones, not guesses.',
    });
    const logRetention = settings.logRetentionDays as logs.RetentionDays;

    this.network = new Network(this, 'Network', {
      cidr: role === 'primary' ? settings.vpcCidr : settings.standbyVpcCidr,
      availabilityZones: this.zones,
      natGateways: settings.natGateways,
      logRetention,
    });
    const vpc = this.network.vpc;

    const dataKey = new kms.Key(this, 'DataKey', {
      enableKeyRotation: true,
      description: `BarberPro ${settings.name} data at rest (RDS, Performance Insights, Redis, backups)`,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const tasksSecurityGroup = new ec2.SecurityGroup(this, 'TasksSecurityGroup', { vpc, description: 'Backend tasks (egress to MercadoPago, WhatsApp, AFIP, SMTP)' });

    this.database = new Database(this, 'Database', {
      settings,
      vpc,
      key: dataKey,
      clientSecurityGroup: tasksSecurityGroup,
      role,
      primaryRegion: context.primaryRegion,
      standbyRegion: context.standbyRegion,
      account: context.account,
      readReplica: role === 'primary' && context.readReplica,
      logRetention,
    });
    this.cache = new Cache(this, 'Cache', { settings, vpc, key: dataKey, clientSecurityGroup: tasksSecurityGroup, logRetention });

    const secrets = role === 'primary' ? this.primarySecrets(settings, context) : this.standbySecrets(settings, context);

    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: context.hostedZoneId, zoneName: context.hostedZoneName });
    const certificateArn = role === 'primary' ? context.albCertificateArn : context.standbyAlbCertificateArn;
    const certificate = certificateArn
      ? acm.Certificate.fromCertificateArn(this, 'Certificate', certificateArn)
      : new acm.Certificate(this, 'Certificate', { domainName: n.originDomain, validation: acm.CertificateValidation.fromDns(zone) });

    this.backend = new BackendService(this, 'Backend', {
      settings,
      vpc,
      role,
      image: containerImage(context.imageUri),
      certificate,
      logRetention,
      securityGroup: tasksSecurityGroup,
      secrets: { ...secrets, redis: this.cache.authSecret },
      environment: {
        NODE_ENV: 'production',
        HOST: '0.0.0.0',
        PORT: String(CONTAINER_PORT),
        LOG_LEVEL: 'info',
        // The only writable places on a read-only root filesystem are the /tmp volume.
        DATA_DIR: '/tmp/barberpro',
        PUBLIC_BASE_URL: `https://${settings.appDomain}`,
        SEED_DEMO: 'false',
        DATABASE_POOL_MAX: String(poolSizePerTask(settings)),
        // The entrypoint composes DATABASE_URL and REDIS_URL from these and the secrets.
        DB_HOST: this.database.endpointAddress,
        DB_PORT: this.database.endpointPort,
        DB_NAME: 'barberpro',
        DB_SSLMODE: 'verify-full',
        REDIS_HOST: this.cache.replicationGroup.attrConfigurationEndPointAddress,
        REDIS_PORT: this.cache.replicationGroup.attrConfigurationEndPointPort,
        // ElastiCache in cluster mode: the app connects through ioredis Cluster from the configuration endpoint.
        REDIS_CLUSTER: 'true',
        BARBERPRO_ENVIRONMENT: settings.name,
        BARBERPRO_REGION_ROLE: role,
      },
    });

    this.observability = new Observability(this, 'Observability', {
      settings,
      region,
      edgeRegion: context.edgeRegion,
      service: this.backend,
      database: this.database,
      cache: this.cache,
      alertEmail: context.alertEmail,
      guardDuty: context.guardDuty,
    });

    this.backups(settings, context, role, dataKey);

    // Route 53 failover for the origin name CloudFront uses. The primary record carries a
    // health check on /readyz; the standby's is answered when that check fails.
    const alb = this.backend.loadBalancer;
    const healthCheck = (this.originHealthCheck =
      role === 'primary'
        ? new route53.HealthCheck(this, 'OriginHealthCheck', {
            type: route53.HealthCheckType.HTTPS,
            fqdn: alb.loadBalancerDnsName,
            port: 443,
            resourcePath: ORIGIN_HEALTH_CHECK.path,
            requestInterval: Duration.seconds(ORIGIN_HEALTH_CHECK.intervalSeconds),
            failureThreshold: ORIGIN_HEALTH_CHECK.failureThreshold,
            measureLatency: true,
          })
        : undefined);
    // dns-failover (src/cli/deploy) finds the check by this tag.
    if (healthCheck) Tags.of(healthCheck).add('Name', n.originHealthCheck);
    new route53.ARecord(this, 'OriginRecord', {
      zone,
      recordName: n.originDomain,
      target: route53.RecordTarget.fromAlias(new route53targets.LoadBalancerTarget(alb, { evaluateTargetHealth: true })),
      failover: role === 'primary' ? route53.Failover.PRIMARY : route53.Failover.SECONDARY,
      setIdentifier: `${settings.name}-${role}-${region}`,
      ...(healthCheck ? { healthCheck } : {}),
    });
  }

  /** Named, not looked up: synth must not need AWS credentials (every region here has a, b, c). */
  override get availabilityZones(): string[] {
    return this.zones;
  }

  private primarySecrets(settings: EnvironmentSettings, context: DeploymentContext) {
    const n = names(settings);
    const replicaRegions = settings.standby ? [{ region: context.standbyRegion }] : undefined;
    const app = new secretsmanager.Secret(this, 'AppSecret', {
      secretName: n.appSecret,
      description: 'JWT_SECRET (generated), MP_WEBHOOK_SECRET, DATA_ENCRYPTION_KEYS and DATA_HASH_KEY (set by operators; the placeholder fails the app\'s validation so it refuses to start)',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ MP_WEBHOOK_SECRET: 'SET-ME', DATA_ENCRYPTION_KEYS: 'SET-ME', DATA_HASH_KEY: 'SET-ME' }),
        generateStringKey: 'JWT_SECRET',
        passwordLength: 64,
        excludePunctuation: true,
      },
      // Data encrypted with DATA_ENCRYPTION_KEYS (and matched with DATA_HASH_KEY) must stay readable after a regional failover.
      ...(replicaRegions ? { replicaRegions } : {}),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const metrics = new secretsmanager.Secret(this, 'MetricsSecret', {
      secretName: n.metricsSecret,
      description: 'Bearer token Prometheus presents on /metrics',
      generateSecretString: { secretStringTemplate: '{}', generateStringKey: 'METRICS_TOKEN', passwordLength: 48, excludePunctuation: true },
      ...(replicaRegions ? { replicaRegions } : {}),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const database = this.database.secret;
    if (!database) throw new Error('the primary database has a generated secret');
    return { app, metrics, database };
  }

  /**
   * Replicas of the primary's secrets share its name and random suffix; ECS needs the complete
   * ARN, which exists only once the primary is deployed. Pass them as context (README).
   */
  private standbySecrets(settings: EnvironmentSettings, context: DeploymentContext) {
    const n = names(settings);
    const arn = (key: keyof DeploymentContext['secretArns'], name: string) => {
      const given = context.secretArns[key];
      if (!given) {
        Annotations.of(this).addWarningV2(
          `barberpro:standby-secret-${key}`,
          `No -c ${key}=… given: the standby task definition names a placeholder ARN for ${name}. Deploy the primary first, then pass the ARN it created.`,
        );
      }
      // The replica's ARN is the primary's with the region swapped.
      const complete = given
        ? given.replace(`:${context.primaryRegion}:`, `:${context.standbyRegion}:`)
        : this.formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: `${name}-SETME0`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
      return secretsmanager.Secret.fromSecretCompleteArn(this, `Replica-${key}`, complete);
    };
    return {
      app: arn('appSecretArn', n.appSecret),
      metrics: arn('metricsSecretArn', n.metricsSecret),
      database: arn('databaseSecretArn', n.databaseSecret),
    };
  }

  private backups(settings: EnvironmentSettings, context: DeploymentContext, role: RegionRole, key: kms.IKey) {
    const n = names(settings);
    const vault = new backup.BackupVault(this, 'BackupVault', { backupVaultName: n.backupVault, encryptionKey: key, removalPolicy: RemovalPolicy.RETAIN });
    const instance = this.database.instance;
    if (role !== 'primary' || !instance) return; // the standby vault receives copies
    // RDS point-in-time recovery (5-minute log shipping) is the RPO < 15 min mechanism; these
    // daily snapshots are the long-retention layer, copied out of the region for DR.
    const copyTo = settings.standby
      ? [
          {
            destinationBackupVault: backup.BackupVault.fromBackupVaultArn(
              this,
              'StandbyVault',
              this.formatArn({ service: 'backup', region: context.standbyRegion, resource: 'backup-vault', resourceName: n.backupVault, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
            ),
            moveToColdStorageAfter: undefined,
            deleteAfter: Duration.days(settings.backupRetentionDays),
          },
        ]
      : [];
    const plan = new backup.BackupPlan(this, 'BackupPlan', {
      backupPlanName: `barberpro-${settings.name}`,
      backupVault: vault,
      backupPlanRules: [
        new backup.BackupPlanRule({
          ruleName: 'daily',
          // 05:00 UTC = 02:00 ART: after the RDS backup window, before the Sunday windows.
          scheduleExpression: events.Schedule.cron({ minute: '0', hour: '5' }),
          startWindow: Duration.hours(1),
          completionWindow: Duration.hours(4),
          deleteAfter: Duration.days(settings.backupRetentionDays),
          copyActions: copyTo,
        }),
      ],
    });
    plan.addSelection('Database', { resources: [backup.BackupResource.fromRdsDatabaseInstance(instance)] });
  }
}
