import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { names, type EnvironmentSettings } from './settings.js';

/**
 * Runbook maintenance windows are in ART (UTC-3, no DST). AWS wants UTC.
 * - Database maintenance: Sunday 04:00-05:00 ART = sun:07:00-08:00 UTC.
 * - Primary window (Redis patches): Sunday 02:00-04:00 ART = sun:05:00-07:00 UTC.
 * - Daily snapshots at 00:00-01:00 ART, clear of both windows (they must not overlap).
 */
export const WINDOWS = {
  databaseMaintenance: 'sun:07:00-sun:08:00',
  databaseBackup: '03:00-04:00',
  cacheMaintenance: 'sun:05:00-sun:07:00',
  cacheSnapshot: '03:00-04:00',
} as const;

export const POSTGRES_PARAMETERS = (settings: EnvironmentSettings): Record<string, string> => ({
  // The runbook's weekly query review reads pg_stat_statements; it must be preloaded.
  shared_preload_libraries: 'pg_stat_statements',
  'pg_stat_statements.track': 'top',
  // "Today" in reports is the Argentine day (DESIGN invariant 7); the app also sets it per session.
  timezone: 'America/Argentina/Buenos_Aires',
  max_connections: String(settings.database.maxConnections),
  // Runbook target: >95% of queries under 100 ms; log the rest for the weekly review.
  log_min_duration_statement: '100',
  // Credentials never cross the network in clear text.
  'rds.force_ssl': '1',
});

/** The app's pool per task: 20 tasks × 40 = 800 of 1,000 connections, leaving room for admin, migrations and replicas. */
export function poolSizePerTask(settings: EnvironmentSettings): number {
  return Math.floor((settings.database.maxConnections * 0.8) / settings.service.max);
}

export interface DatabaseProps {
  settings: EnvironmentSettings;
  vpc: ec2.IVpc;
  key: kms.IKey;
  clientSecurityGroup: ec2.ISecurityGroup;
  role: 'primary' | 'standby';
  primaryRegion: string;
  standbyRegion: string;
  account: string;
  readReplica: boolean;
  logRetention: logs.RetentionDays;
}

const ENGINE = rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_15 });

/**
 * PostgreSQL 15 Multi-AZ in the primary region; in the standby region, a cross-region
 * read replica of it (promoted by DR activation, which removes its source).
 */
export class Database extends Construct {
  readonly identifier: string;
  readonly endpointAddress: string;
  readonly endpointPort: string;
  readonly securityGroup: ec2.SecurityGroup;
  /** Only in the primary region: the instance AWS Backup protects. */
  readonly instance: rds.DatabaseInstance | undefined;
  readonly secret: secretsmanager.ISecret | undefined;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const { settings } = props;
    const n = names(settings);
    const db = settings.database;
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', { vpc: props.vpc, description: 'PostgreSQL: reachable from the backend tasks only', allowAllOutbound: false });
    this.securityGroup.addIngressRule(props.clientSecurityGroup, ec2.Port.tcp(5432), 'backend tasks');
    const parameterGroup = new rds.ParameterGroup(this, 'Parameters', {
      engine: ENGINE,
      description: `BarberPro ${settings.name}: pg_stat_statements, Argentine time zone, connection cap`,
      parameters: POSTGRES_PARAMETERS(settings),
    });
    const subnets = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
    const identifier = props.role === 'primary' ? n.dbInstance : n.standbyDbInstance;
    this.identifier = identifier;
    // RDS creates these itself with no expiry; owning them here sets their retention.
    for (const log of ['postgresql', 'upgrade']) {
      new logs.LogGroup(this, `Logs-${log}`, { logGroupName: `/aws/rds/instance/${identifier}/${log}`, retention: props.logRetention, removalPolicy: RemovalPolicy.RETAIN });
    }
    const instanceType = new ec2.InstanceType(db.instanceClass.replace(/^db\./, ''));

    if (props.role === 'primary') {
      const instance = new rds.DatabaseInstance(this, 'Instance', {
        instanceIdentifier: identifier,
        engine: ENGINE,
        instanceType,
        vpc: props.vpc,
        vpcSubnets: subnets,
        securityGroups: [this.securityGroup],
        multiAz: true,
        allocatedStorage: db.allocatedStorageGiB,
        maxAllocatedStorage: db.maxAllocatedStorageGiB,
        storageType: db.storageType === 'io1' ? rds.StorageType.IO1 : rds.StorageType.GP3,
        ...(db.iops ? { iops: db.iops } : {}),
        storageEncrypted: true,
        storageEncryptionKey: props.key,
        databaseName: 'barberpro',
        credentials: rds.Credentials.fromGeneratedSecret('barberpro', {
          secretName: n.databaseSecret,
          // The entrypoint puts the password in a URL: keep it to characters that need no care.
          excludeCharacters: ' %+~`#$&*()|[]{}:;<>?!\'/@"\\,=^',
          // The standby region must read the same credentials while sa-east-1 is down.
          ...(settings.standby ? { replicaRegions: [{ region: props.standbyRegion }] } : {}),
        }),
        parameterGroup,
        backupRetention: Duration.days(db.backupRetentionDays),
        preferredBackupWindow: WINDOWS.databaseBackup,
        preferredMaintenanceWindow: WINDOWS.databaseMaintenance,
        copyTagsToSnapshot: true,
        deletionProtection: db.deletionProtection,
        removalPolicy: db.deletionProtection ? RemovalPolicy.RETAIN : RemovalPolicy.SNAPSHOT,
        enablePerformanceInsights: true,
        performanceInsightRetention: db.performanceInsightsRetentionDays,
        performanceInsightEncryptionKey: props.key,
        monitoringInterval: Duration.seconds(60),
        cloudwatchLogsExports: ['postgresql', 'upgrade'],
        autoMinorVersionUpgrade: true,
        caCertificate: rds.CaCertificate.RDS_CA_RSA2048_G1,
      });
      for (const child of this.node.children) if (child instanceof logs.LogGroup) instance.node.addDependency(child);
      this.instance = instance;
      this.secret = instance.secret;
      this.endpointAddress = instance.dbInstanceEndpointAddress;
      this.endpointPort = instance.dbInstanceEndpointPort;

      if (props.readReplica) {
        // The runbook's `aws rds create-db-instance-read-replica … barberpro-read-replica-1`, declared.
        new rds.DatabaseInstanceReadReplica(this, 'ReadReplica', {
          instanceIdentifier: n.readReplica,
          sourceDatabaseInstance: instance,
          instanceType,
          vpc: props.vpc,
          vpcSubnets: subnets,
          securityGroups: [this.securityGroup],
          parameterGroup,
          storageEncrypted: true,
          storageEncryptionKey: props.key,
          enablePerformanceInsights: true,
          performanceInsightRetention: db.performanceInsightsRetentionDays,
          performanceInsightEncryptionKey: props.key,
          monitoringInterval: Duration.seconds(60),
          deletionProtection: db.deletionProtection,
          removalPolicy: RemovalPolicy.DESTROY,
          autoMinorVersionUpgrade: true,
          caCertificate: rds.CaCertificate.RDS_CA_RSA2048_G1,
        });
      }
      return;
    }

    // Standby: a replica whose source is named by ARN, since the primary lives in another
    // region (and stack). Removing SourceDBInstanceIdentifier later promotes it in place.
    const subnetGroup = new rds.SubnetGroup(this, 'Subnets', { vpc: props.vpc, vpcSubnets: subnets, description: 'BarberPro standby database' });
    const replica = new rds.CfnDBInstance(this, 'StandbyReplica', {
      dbInstanceIdentifier: identifier,
      sourceDbInstanceIdentifier: Stack.of(this).formatArn({ service: 'rds', region: props.primaryRegion, account: props.account, resource: 'db', resourceName: n.dbInstance, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
      sourceRegion: props.primaryRegion,
      dbInstanceClass: db.instanceClass,
      storageType: db.storageType,
      ...(db.iops ? { iops: db.iops } : {}),
      multiAz: true,
      dbSubnetGroupName: subnetGroup.subnetGroupName,
      vpcSecurityGroups: [this.securityGroup.securityGroupId],
      dbParameterGroupName: parameterGroup.bindToInstance({}).parameterGroupName,
      // Encryption follows the source; a cross-region replica only names the key in its region.
      kmsKeyId: props.key.keyArn,
      backupRetentionPeriod: 7,
      preferredBackupWindow: WINDOWS.databaseBackup,
      preferredMaintenanceWindow: WINDOWS.databaseMaintenance,
      enablePerformanceInsights: true,
      performanceInsightsRetentionPeriod: db.performanceInsightsRetentionDays,
      performanceInsightsKmsKeyId: props.key.keyArn,
      enableCloudwatchLogsExports: ['postgresql', 'upgrade'],
      deletionProtection: db.deletionProtection,
      publiclyAccessible: false,
      copyTagsToSnapshot: true,
      autoMinorVersionUpgrade: true,
      caCertificateIdentifier: 'rds-ca-rsa2048-g1',
    });
    replica.applyRemovalPolicy(RemovalPolicy.RETAIN);
    for (const child of this.node.children) if (child instanceof logs.LogGroup) replica.node.addDependency(child);
    this.instance = undefined;
    this.secret = undefined;
    this.endpointAddress = replica.attrEndpointAddress;
    this.endpointPort = replica.attrEndpointPort;
  }
}

export interface CacheProps {
  settings: EnvironmentSettings;
  vpc: ec2.IVpc;
  key: kms.IKey;
  clientSecurityGroup: ec2.ISecurityGroup;
  logRetention: logs.RetentionDays;
}

export const REDIS_PARAMETERS = {
  'cluster-enabled': 'yes',
  // The runbook asks for LRU eviction, but BullMQ job keys carry no TTL and must never be
  // evicted: volatile-lru evicts least-recently-used keys *with* a TTL (cache entries, rate
  // limit windows) and leaves jobs alone. allkeys-lru would silently drop queued jobs.
  'maxmemory-policy': 'volatile-lru',
} as const;

/** ElastiCache Redis, cluster mode: the runbook's 6 nodes as 3 shards × (1 primary + 1 replica). */
export class Cache extends Construct {
  readonly replicationGroup: elasticache.CfnReplicationGroup;
  readonly authSecret: secretsmanager.Secret;
  readonly securityGroup: ec2.SecurityGroup;
  readonly replicationGroupId: string;

  constructor(scope: Construct, id: string, props: CacheProps) {
    super(scope, id);
    const { settings } = props;
    const n = names(settings);
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', { vpc: props.vpc, description: 'Redis: reachable from the backend tasks only', allowAllOutbound: false });
    this.securityGroup.addIngressRule(props.clientSecurityGroup, ec2.Port.tcp(6379), 'backend tasks');
    const subnetGroup = new elasticache.CfnSubnetGroup(this, 'Subnets', {
      description: 'BarberPro Redis (isolated subnets)',
      subnetIds: props.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }).subnetIds,
    });
    const parameters = new elasticache.CfnParameterGroup(this, 'Parameters', {
      cacheParameterGroupFamily: 'redis7',
      description: `BarberPro ${settings.name}: cluster mode, LRU eviction of expiring keys only`,
      properties: { ...REDIS_PARAMETERS },
    });
    this.authSecret = new secretsmanager.Secret(this, 'AuthToken', {
      secretName: n.redisSecret,
      description: 'Redis AUTH token (the entrypoint builds REDIS_URL from it)',
      // AUTH tokens allow printable ASCII except @ " /; alphanumerics avoid URL escaping too.
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    const slowLog = new logs.LogGroup(this, 'SlowLog', { retention: props.logRetention, removalPolicy: RemovalPolicy.RETAIN });
    this.replicationGroupId = `barberpro-${settings.name}`;
    this.replicationGroup = new elasticache.CfnReplicationGroup(this, 'Redis', {
      replicationGroupId: this.replicationGroupId,
      replicationGroupDescription: `BarberPro ${settings.name} cache, rate limits and jobs`,
      engine: 'redis',
      engineVersion: '7.1',
      cacheNodeType: settings.cache.nodeType,
      clusterMode: 'enabled',
      numNodeGroups: settings.cache.shards,
      replicasPerNodeGroup: settings.cache.replicasPerShard,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      transitEncryptionEnabled: true,
      atRestEncryptionEnabled: true,
      kmsKeyId: props.key.keyArn,
      authToken: this.authSecret.secretValue.unsafeUnwrap(),
      cacheParameterGroupName: parameters.ref,
      cacheSubnetGroupName: subnetGroup.ref,
      securityGroupIds: [this.securityGroup.securityGroupId],
      port: 6379,
      preferredMaintenanceWindow: WINDOWS.cacheMaintenance,
      snapshotWindow: WINDOWS.cacheSnapshot,
      snapshotRetentionLimit: settings.cache.snapshotRetentionDays,
      autoMinorVersionUpgrade: true,
      logDeliveryConfigurations: [
        {
          destinationType: 'cloudwatch-logs',
          logFormat: 'json',
          logType: 'slow-log',
          destinationDetails: { cloudWatchLogsDetails: { logGroup: slowLog.logGroupName } },
        },
      ],
    });
  }

  /** Node ids ElastiCache derives from the replication group id (0001-001 …). */
  nodeIds(settings: EnvironmentSettings): string[] {
    const ids: string[] = [];
    for (let shard = 1; shard <= settings.cache.shards; shard++) {
      for (let node = 1; node <= settings.cache.replicasPerShard + 1; node++) {
        ids.push(`${this.replicationGroupId}-${String(shard).padStart(4, '0')}-${String(node).padStart(3, '0')}`);
      }
    }
    return ids;
  }
}
