import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { only, synth, template } from './helpers.js';

/** CloudFront/WAF (us-east-1) for both environments, and production's standby region. */
let prodEdge: Template;
let stagingEdge: Template;
let standby: Template;
let stacks: ReturnType<typeof synth>['stacks'];
const APP_SECRET = 'arn:aws:secretsmanager:sa-east-1:111111111111:secret:barberpro/production/app-AbC123';

beforeAll(() => {
  ({ stacks } = synth(['staging', 'production'], { appSecretArn: APP_SECRET }));
  prodEdge = template(stacks.production.edge);
  stagingEdge = template(stacks.staging.edge);
  standby = template(stacks.production.standby!);
});

describe('edge (CloudFront, WAF)', () => {
  it('lives in us-east-1, where CloudFront certificates and WAF must be', () => {
    expect(stacks.production.edge.region).toBe('us-east-1');
    expect(stacks.production.primary.region).toBe('sa-east-1');
  });

  it('caches static assets for one year', () => {
    prodEdge.hasResourceProperties('AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: Match.objectLike({ DefaultTTL: 31_536_000, MaxTTL: 31_536_000, MinTTL: 0, ParametersInCacheKeyAndForwardedToOrigin: Match.objectLike({ QueryStringsConfig: { QueryStringBehavior: 'none' } }) }),
    });
  });

  it('caches shop search, detail and availability for 5 minutes, keyed by query and token', () => {
    prodEdge.hasResourceProperties('AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: Match.objectLike({
        DefaultTTL: 300,
        MaxTTL: 300,
        MinTTL: 0,
        ParametersInCacheKeyAndForwardedToOrigin: Match.objectLike({
          QueryStringsConfig: { QueryStringBehavior: 'all' },
          HeadersConfig: { HeaderBehavior: 'whitelist', Headers: ['Authorization'] },
          CookiesConfig: { CookieBehavior: 'none' },
        }),
      }),
    });
  });

  it('routes the cacheable paths to those policies and everything else uncached with all viewer headers', () => {
    const config = only(prodEdge, 'AWS::CloudFront::Distribution').resource.Properties.DistributionConfig;
    expect(config.CacheBehaviors.map((b: { PathPattern: string }) => b.PathPattern)).toEqual(['/assets/*', '/api/v1/shops', '/api/v1/shops/*']);
    // AWS managed policies: CachingDisabled and AllViewerExceptHostHeader.
    expect(config.DefaultCacheBehavior.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad');
    expect(config.DefaultCacheBehavior.OriginRequestPolicyId).toBe('b689b0a8-53d0-40ab-baf2-68738e2966ac');
    expect(config.DefaultCacheBehavior.AllowedMethods).toHaveLength(7);
    expect(config).toMatchObject({ Aliases: ['barberpro.ar'], PriceClass: 'PriceClass_All', HttpVersion: 'http2and3', ViewerCertificate: { MinimumProtocolVersion: 'TLSv1.2_2021' } });
    expect(config.Origins[0].DomainName).toBe('origin.barberpro.ar');
    expect(config.Origins[0].CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
    expect(config.Logging).toBeDefined();
    expect(config.WebACLId).toEqual({ 'Fn::GetAtt': [only(prodEdge, 'AWS::WAFv2::WebACL').id, 'Arn'] });
  });

  it('has WAF with the four AWS managed rule groups and a per-address rate limit', () => {
    const acl = only(prodEdge, 'AWS::WAFv2::WebACL').resource.Properties;
    expect(acl.Scope).toBe('CLOUDFRONT');
    const managed = acl.Rules.filter((r: any) => r.Statement.ManagedRuleGroupStatement).map((r: any) => r.Statement.ManagedRuleGroupStatement.Name);
    expect(managed).toEqual(['AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesSQLiRuleSet']);
    const rate = acl.Rules.find((r: any) => r.Statement.RateBasedStatement);
    expect(rate).toMatchObject({ Action: { Block: {} }, Statement: { RateBasedStatement: { Limit: 6000, AggregateKeyType: 'IP', EvaluationWindowSec: 300 } } });
    const stagingRate = only(stagingEdge, 'AWS::WAFv2::WebACL').resource.Properties.Rules.find((r: any) => r.Statement.RateBasedStatement);
    expect(stagingRate.Statement.RateBasedStatement.Limit).toBe(2000);
    prodEdge.resourceCountIs('AWS::WAFv2::LoggingConfiguration', 1);
  });

  it('points the public name at the distribution (IPv4 and IPv6)', () => {
    prodEdge.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'barberpro.ar.', Type: 'A', AliasTarget: Match.objectLike({ HostedZoneId: Match.anyValue() }) });
    prodEdge.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'barberpro.ar.', Type: 'AAAA' });
    stagingEdge.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'staging.barberpro.ar.', Type: 'A' });
  });
});

describe('standby region (production only)', () => {
  it('exists for production only, in the standby region', () => {
    expect(stacks.staging.standby).toBeUndefined();
    expect(stacks.production.standby!.region).toBe('us-east-1');
  });

  it('replicates the primary database across regions, same class, Multi-AZ, encrypted with its own key', () => {
    standby.resourceCountIs('AWS::RDS::DBInstance', 1);
    const db = only(standby, 'AWS::RDS::DBInstance').resource.Properties;
    expect(db).toMatchObject({ DBInstanceIdentifier: 'barberpro-production-db-standby', DBInstanceClass: 'db.r6g.2xlarge', MultiAZ: true, SourceRegion: 'sa-east-1', StorageType: 'io1', Iops: 10000, DeletionProtection: true });
    expect(JSON.stringify(db.SourceDBInstanceIdentifier)).toContain(':rds:sa-east-1:111111111111:db:barberpro-production-db');
    expect(db.KmsKeyId).toBeDefined();
  });

  it('keeps the service at zero tasks (read-only replica) with the same ceiling', () => {
    standby.hasResourceProperties('AWS::ECS::Service', { DesiredCount: 0, ServiceName: 'barberpro-backend-prod' });
    standby.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 0, MaxCapacity: 20 });
  });

  it('answers as the SECONDARY origin record, with its own Redis and backup vault', () => {
    standby.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'origin.barberpro.ar.', Failover: 'SECONDARY', HealthCheckId: Match.absent() });
    standby.resourceCountIs('AWS::Route53::HealthCheck', 0);
    standby.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { NumNodeGroups: 3, ReplicasPerNodeGroup: 1 });
    standby.hasResourceProperties('AWS::Backup::BackupVault', { BackupVaultName: 'barberpro-production' });
    standby.resourceCountIs('AWS::Backup::BackupPlan', 0);
  });

  it('reads the replicated secrets by their complete ARN in its own region', () => {
    const [container] = only(standby, 'AWS::ECS::TaskDefinition').resource.Properties.ContainerDefinitions;
    const jwt = container.Secrets.find((s: { Name: string }) => s.Name === 'JWT_SECRET');
    expect(jwt.ValueFrom).toBe('arn:aws:secretsmanager:us-east-1:111111111111:secret:barberpro/production/app-AbC123:JWT_SECRET::');
  });
});
