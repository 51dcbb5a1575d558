import { Stack, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { IConstruct } from 'constructs';

/**
 * Every cdk-nag (AwsSolutions) finding this app accepts, with the reason. Each is attached
 * to the construct it concerns, never to a whole stack, so a new resource with the same
 * problem is still reported. infra/README.md lists them too.
 */
export const REASONS = {
  logBucketAccessLogs:
    'This bucket is itself the access-log destination (ALB or CloudFront); logging it to another bucket would only move the question one bucket further.',
  albOpenToInternet:
    'Public entry point: CloudFront origin fetches and Route 53 health checkers come from AWS-wide address ranges. Restricting to the CloudFront origin-facing prefix list needs a per-region lookup (not done offline); listed under "not yet" in the README.',
  plainEnvironment:
    'Only non-secret settings are plain environment variables (ports, endpoints, pool size, sslmode); every credential (DB user/password, Redis token, JWT_SECRET, MP_WEBHOOK_SECRET, DATA_ENCRYPTION_KEYS, METRICS_TOKEN) comes from Secrets Manager.',
  ecrAuthToken:
    'ecr:GetAuthorizationToken has no resource-level permissions (AWS documents Resource "*"); image pulls themselves are scoped to the asset repository.',
  backupServiceRole:
    'AWSBackupServiceRolePolicyForBackup is the role AWS Backup documents for snapshot jobs; it is scoped by the backup selection (the database instance only).',
  rdsMonitoringRole:
    'AmazonRDSEnhancedMonitoringRole is the only policy RDS Enhanced Monitoring accepts; it grants writing OS metrics to the RDSOSMetrics log group.',
  stagingDeletionProtection:
    'Staging databases are recreated from snapshots on purpose; production has deletion protection on (tested).',
  defaultPostgresPort:
    'The database is reachable only from the backend tasks\' security group in isolated subnets; a non-standard port adds no protection and breaks tooling defaults.',
  defaultRedisPort:
    'Redis is reachable only from the backend tasks\' security group in isolated subnets, with TLS and an AUTH token; a non-standard port adds no protection.',
  readReplicaSingleAz:
    'The optional in-region read replica only offloads reads; if it fails, reads go back to the Multi-AZ primary, which carries the availability. Multi-AZ here would double its cost for no recovery gain.',
  replicaEncryption:
    'A cross-region read replica inherits encryption from its encrypted source; CloudFormation rejects StorageEncrypted next to SourceDBInstanceIdentifier, so only KmsKeyId (the standby region key) is set.',
  geoRestriction:
    'Customers book from Argentina but MercadoPago (webhooks, redirects) and travelling customers reach the API from abroad; WAF IP reputation and rate rules apply to everyone instead.',
  databaseSecretRotation:
    'Tasks read credentials once at start: single-user rotation would break running tasks until the next deploy. Multi-user rotation paired with a rolling restart belongs to the deploy-commands slice (README "not yet").',
  redisTokenRotation:
    'ElastiCache AUTH token rotation is a two-step ROTATE/SET on the replication group plus a rolling restart; no Secrets Manager rotation function does it. Manual runbook until the deploy commands exist.',
  appSecretRotation:
    'MP_WEBHOOK_SECRET is issued by MercadoPago and DATA_ENCRYPTION_KEYS rotates through the app\'s own keyring (new key first, old ones kept to decrypt); JWT_SECRET rotation signs every user out. All three are operator decisions, not a timer.',
  codeDeployServiceRole:
    'AWSCodeDeployRoleForECS is the service role policy AWS documents for ECS blue/green: CodeDeploy must create and delete task sets, modify listener rules and read the rollback alarms, on resources that exist only per deployment.',
  metricsTokenRotation:
    'The token is shared with the Prometheus scrape configuration, which must change in the same step; rotated by operators with that change.',
} as const;

function ack(construct: IConstruct, id: string, reason: string): void {
  Validations.of(construct).acknowledge({ id, reason });
}

function secretReason(secret: secretsmanager.Secret): string {
  const name = secret.node.path;
  if (name.includes('/Database/')) return REASONS.databaseSecretRotation;
  if (name.includes('/Cache/')) return REASONS.redisTokenRotation;
  if (name.includes('/MetricsSecret')) return REASONS.metricsTokenRotation;
  return REASONS.appSecretRotation;
}

export function applySuppressions(stack: Stack): void {
  for (const construct of stack.node.findAll()) {
    if (construct instanceof s3.Bucket && ['AccessLogs', 'CdnLogs'].includes(construct.node.id)) ack(construct, 'AwsSolutions-S1', REASONS.logBucketAccessLogs);
    if (construct instanceof ec2.SecurityGroup && construct.node.id === 'AlbSecurityGroup') ack(construct, 'AwsSolutions-EC23', REASONS.albOpenToInternet);
    if (construct instanceof ecs.FargateTaskDefinition) {
      ack(construct, 'AwsSolutions-ECS2', REASONS.plainEnvironment);
      if (construct.executionRole) ack(construct.executionRole, 'AwsSolutions-IAM5[Resource::*]', REASONS.ecrAuthToken);
    }
    if (construct instanceof backup.BackupSelection) {
      ack(construct, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]', REASONS.backupServiceRole);
    }
    if (construct instanceof rds.DatabaseInstanceBase) {
      ack(construct, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]', REASONS.rdsMonitoringRole);
      ack(construct, 'AwsSolutions-RDS11', REASONS.defaultPostgresPort);
      const cfn = construct.node.defaultChild as rds.CfnDBInstance | undefined;
      if (construct instanceof rds.DatabaseInstanceReadReplica) ack(construct, 'AwsSolutions-RDS3', REASONS.readReplicaSingleAz);
      if (cfn && cfn.deletionProtection === false) ack(construct, 'AwsSolutions-RDS10', REASONS.stagingDeletionProtection);
    }
    if (construct instanceof rds.CfnDBInstance && construct.sourceDbInstanceIdentifier && construct.sourceRegion) {
      ack(construct, 'AwsSolutions-RDS11', REASONS.defaultPostgresPort);
      ack(construct, 'AwsSolutions-RDS2', REASONS.replicaEncryption);
      ack(construct, 'CloudFormation-Validate::F3020', REASONS.replicaEncryption);
    }
    if (construct instanceof codedeploy.EcsDeploymentGroup) ack(construct.role, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AWSCodeDeployRoleForECS]', REASONS.codeDeployServiceRole);
    if (construct instanceof elasticache.CfnReplicationGroup) ack(construct, 'AwsSolutions-AEC5', REASONS.defaultRedisPort);
    if (construct instanceof cloudfront.Distribution) ack(construct, 'AwsSolutions-CFR1', REASONS.geoRestriction);
    if (construct instanceof secretsmanager.Secret) ack(construct, 'AwsSolutions-SMG4', secretReason(construct));
  }
}
