/**
 * Everything that differs between environments lives here, as data. The stacks take one
 * of these and never branch on the environment's name, so staging is the production
 * topology at a smaller size rather than a copy that drifts.
 *
 * Production figures are the launch-readiness runbook's
 * (../shared/seed/launch-readiness-infrastructure.md); staging keeps the same shape
 * (3 AZs, Multi-AZ database, Redis cluster mode with 3 shards) so that failover and
 * cluster-slot behaviour are exercised before production, at a fraction of the cost.
 */
export type EnvironmentName = 'staging' | 'production';

export interface EnvironmentSettings {
  name: EnvironmentName;
  /** Used in physical names the runbook's commands refer to (barberpro-backend-prod). */
  shortName: string;
  /** Public host name served by CloudFront. */
  appDomain: string;
  vpcCidr: string;
  standbyVpcCidr: string;
  /** One NAT gateway per AZ keeps egress alive when an AZ fails; staging accepts one. */
  natGateways: number;
  service: {
    cpu: number;
    memoryMiB: number;
    desired: number;
    min: number;
    max: number;
  };
  database: {
    instanceClass: string;
    allocatedStorageGiB: number;
    maxAllocatedStorageGiB: number;
    storageType: 'io1' | 'gp3';
    /** Provisioned IOPS; only for io1 (gp3 below 400 GiB gets its 3,000 baseline). */
    iops: number | undefined;
    maxConnections: number;
    backupRetentionDays: number;
    performanceInsightsRetentionDays: 7 | 31;
    deletionProtection: boolean;
  };
  cache: {
    nodeType: string;
    shards: number;
    replicasPerShard: number;
    snapshotRetentionDays: number;
  };
  /** AWS Backup snapshot retention, on top of RDS point-in-time recovery. */
  backupRetentionDays: number;
  logRetentionDays: number;
  /** A warm standby region with a cross-region database replica (production only). */
  standby: boolean;
  /** Requests per 5 minutes per client address before WAF blocks it. */
  wafRateLimitPer5Min: number;
  costCenter: string;
}

const production: EnvironmentSettings = {
  name: 'production',
  shortName: 'prod',
  appDomain: 'barberpro.ar',
  vpcCidr: '10.40.0.0/16',
  standbyVpcCidr: '10.42.0.0/16',
  natGateways: 3,
  // Runbook: "Backend API 5 Instances, Auto-scaling", manual scale-in "minimum 3 instances".
  service: { cpu: 1024, memoryMiB: 2048, desired: 5, min: 3, max: 20 },
  database: {
    // Runbook: db.r6g.2xlarge (8 vCPU, 64 GB RAM), 500 GB with 10,000 IOPS, 1,000 max connections.
    instanceClass: 'db.r6g.2xlarge',
    allocatedStorageGiB: 500,
    maxAllocatedStorageGiB: 1000,
    // gp3 at >= 400 GiB has a 12,000 IOPS floor on RDS, so 10,000 provisioned IOPS means io1.
    storageType: 'io1',
    iops: 10_000,
    maxConnections: 1000,
    // PITR ships WAL every 5 minutes (RPO < 15 min); 35 days is the longest window RDS keeps.
    backupRetentionDays: 35,
    performanceInsightsRetentionDays: 31,
    deletionProtection: true,
  },
  // Runbook: "Redis Cluster: 6 nodes (r6g.2xlarge)", "ElastiCache Reserved: cache.r6g.2xlarge".
  cache: { nodeType: 'cache.r6g.2xlarge', shards: 3, replicasPerShard: 1, snapshotRetentionDays: 7 },
  backupRetentionDays: 90,
  logRetentionDays: 365,
  standby: true,
  wafRateLimitPer5Min: 6000,
  costCenter: 'barberpro-platform',
};

const staging: EnvironmentSettings = {
  name: 'staging',
  shortName: 'staging',
  appDomain: 'staging.barberpro.ar',
  vpcCidr: '10.41.0.0/16',
  standbyVpcCidr: '10.43.0.0/16',
  natGateways: 1,
  service: { cpu: 512, memoryMiB: 1024, desired: 2, min: 2, max: 6 },
  database: {
    instanceClass: 'db.r6g.large',
    allocatedStorageGiB: 100,
    maxAllocatedStorageGiB: 200,
    storageType: 'gp3',
    iops: undefined,
    maxConnections: 1000,
    backupRetentionDays: 7,
    performanceInsightsRetentionDays: 7,
    deletionProtection: false,
  },
  cache: { nodeType: 'cache.r6g.large', shards: 3, replicasPerShard: 1, snapshotRetentionDays: 1 },
  backupRetentionDays: 14,
  logRetentionDays: 30,
  standby: false,
  wafRateLimitPer5Min: 2000,
  costCenter: 'barberpro-platform',
};

export const ENVIRONMENTS: Record<EnvironmentName, EnvironmentSettings> = { production, staging };

/** What the app reads from `cdk -c key=value` (or cdk.json), with documented defaults. */
export interface DeploymentContext {
  account: string;
  primaryRegion: string;
  standbyRegion: string;
  /** CloudFront certificates and CLOUDFRONT-scope WAF must live here. */
  edgeRegion: 'us-east-1';
  hostedZoneId: string;
  hostedZoneName: string;
  /** Deploy a pre-built image (ECR URI with tag) instead of building the repository's Dockerfile. */
  imageUri: string | undefined;
  /** The runbook's barberpro-read-replica-1, in the primary region. */
  readReplica: boolean;
  /** ACM certificate ARNs to use instead of DNS-validated ones created here. */
  albCertificateArn: string | undefined;
  standbyAlbCertificateArn: string | undefined;
  edgeCertificateArn: string | undefined;
  /** Subscribed by email to every severity topic (Slack/SMS come later, see README). */
  alertEmail: string | undefined;
  /** A GuardDuty detector is one per account and region: false where one already exists. */
  guardDuty: boolean;
  /** Complete ARNs (primary region) of the secrets, once deployed: the standby's ECS needs them. */
  secretArns: { appSecretArn: string | undefined; metricsSecretArn: string | undefined; databaseSecretArn: string | undefined };
  environments: EnvironmentName[];
}

/** A placeholder account: synth needs one for cross-region names, deploys must pass `-c account=`. */
export const PLACEHOLDER_ACCOUNT = '111111111111';
/** A placeholder hosted zone id, for offline synth only. */
export const PLACEHOLDER_ZONE_ID = 'Z00000000BARBERPRO';

type ContextReader = (key: string) => unknown;

export function readContext(get: ContextReader, env: NodeJS.ProcessEnv = process.env): DeploymentContext {
  const text = (key: string): string | undefined => {
    const value = get(key);
    if (value === undefined || value === null || value === '') return undefined;
    return String(value);
  };
  const flag = (key: string): boolean => {
    const value = get(key);
    if (value === undefined || value === true || value === 'true') return value !== undefined;
    if (value === false || value === 'false') return false;
    throw new Error(`Context "${key}" must be true or false, not ${JSON.stringify(value)}`);
  };
  const environments = (text('environments') ?? 'staging,production').split(',').map((s) => s.trim());
  for (const name of environments) {
    if (!(name in ENVIRONMENTS)) throw new Error(`Unknown environment "${name}" in context "environments" (staging, production)`);
  }
  return {
    account: text('account') ?? env.CDK_DEFAULT_ACCOUNT ?? PLACEHOLDER_ACCOUNT,
    primaryRegion: text('primaryRegion') ?? 'sa-east-1',
    standbyRegion: text('standbyRegion') ?? 'us-east-1',
    edgeRegion: 'us-east-1',
    hostedZoneId: text('hostedZoneId') ?? PLACEHOLDER_ZONE_ID,
    hostedZoneName: text('hostedZoneName') ?? 'barberpro.ar',
    imageUri: text('imageUri'),
    readReplica: flag('readReplica'),
    albCertificateArn: text('albCertificateArn'),
    standbyAlbCertificateArn: text('standbyAlbCertificateArn'),
    edgeCertificateArn: text('edgeCertificateArn'),
    alertEmail: text('alertEmail'),
    guardDuty: get('guardDuty') === undefined ? true : flag('guardDuty'),
    secretArns: { appSecretArn: text('appSecretArn'), metricsSecretArn: text('metricsSecretArn'), databaseSecretArn: text('databaseSecretArn') },
    environments: environments as EnvironmentName[],
  };
}

/** Names other stacks (and the ops scripts) can compute without cross-stack references. */
export function names(settings: EnvironmentSettings) {
  const env = settings.name;
  return {
    cluster: `barberpro-${env}`,
    service: `barberpro-backend-${settings.shortName}`,
    taskFamily: settings.name === 'production' ? 'barberpro-backend' : `barberpro-backend-${settings.shortName}`,
    dbInstance: `barberpro-${env}-db`,
    readReplica: `barberpro-read-replica-1-${settings.shortName}`,
    standbyDbInstance: `barberpro-${env}-db-standby`,
    databaseSecret: `barberpro/${env}/database`,
    appSecret: `barberpro/${env}/app`,
    metricsSecret: `barberpro/${env}/metrics-token`,
    redisSecret: `barberpro/${env}/redis-auth`,
    backupVault: `barberpro-${env}`,
    /** CodeDeploy (blue/green); src/cli/deploy/aws-operations.ts uses the same names. */
    codeDeployApplication: `barberpro-${env}`,
    deploymentGroup: `barberpro-backend-${settings.shortName}`,
    /** Name tag of the origin's Route 53 health check (dns-failover finds it by this). */
    originHealthCheck: `barberpro-${env}-origin`,
    /** Route 53 failover name CloudFront uses as its origin: primary ALB, or the standby's. */
    originDomain: `origin.${settings.appDomain}`,
    /** CloudWatch namespace the app publishes its own metrics to (embedded metric format). */
    metricsNamespace: 'BarberPro',
  };
}

export function stackName(settings: EnvironmentSettings, part: 'Primary' | 'Standby' | 'Edge'): string {
  const env = settings.name === 'production' ? 'Production' : 'Staging';
  return `BarberPro-${env}-${part}`;
}
