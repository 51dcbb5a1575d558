import { ArnFormat, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwactions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { names, type DeploymentContext, type EnvironmentSettings } from './settings.js';

export interface EdgeStackProps extends StackProps {
  settings: EnvironmentSettings;
  context: DeploymentContext;
  /** The primary region's origin health check (a cross-region reference: see app.ts). */
  originHealthCheckId?: string;
}

/** Route 53 checks every 10 s; two failing minutes (after its own 3 × 10 s) page. */
export const ORIGIN_HEALTH_ALARM = { periodMinutes: 1, evaluationPeriods: 2 } as const;

/** The runbook's CDN cache behaviours: static assets 1 year, API responses 5 minutes. */
export const CACHE_TTLS = {
  staticAssets: Duration.days(365),
  api: Duration.minutes(5),
} as const;

/** Path patterns served from cache. Everything else goes to the origin uncached. */
export const CACHE_PATHS = {
  staticAssets: ['/assets/*'],
  // Shop search (/shops?city=…), shop detail, reviews and availability. The same patterns
  // also match owner-only routes under /shops/{id}; Authorization is part of the cache key,
  // so a response is only ever served again to a request with the same token.
  api: ['/api/v1/shops', '/api/v1/shops/*'],
} as const;

/** AWS managed rule groups, in evaluation order: cheap reputation first, then content rules. */
export const MANAGED_RULE_GROUPS = ['AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesSQLiRuleSet'] as const;

/**
 * Everything CloudFront needs lives in us-east-1: its certificate and a CLOUDFRONT-scope WAF
 * can exist nowhere else. The origin is the Route 53 failover name the regional stacks
 * publish (origin.<domain>), so this stack takes no reference to either region and CloudFront
 * follows a regional failover by itself.
 */
export class EdgeStack extends Stack {
  readonly distribution: cloudfront.Distribution;
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    const { settings, context } = props;
    const n = names(settings);
    const webAclName = `barberpro-${settings.name}`;

    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({ cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName });
    const rules: wafv2.CfnWebACL.RuleProperty[] = MANAGED_RULE_GROUPS.map((name, priority) => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
      visibilityConfig: visibility(name),
    }));
    rules.push({
      name: 'RateLimitPerAddress',
      priority: rules.length,
      action: { block: {} },
      // Generous on purpose: Argentine mobile carriers put many customers behind one address
      // (CGNAT), and the app enforces the fine-grained per-user limits itself.
      statement: { rateBasedStatement: { limit: settings.wafRateLimitPer5Min, aggregateKeyType: 'IP', evaluationWindowSec: 300 } },
      visibilityConfig: visibility('RateLimitPerAddress'),
    });
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: webAclName,
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(webAclName),
      rules,
    });
    // WAF requires the aws-waf-logs- prefix and a log group ARN without the trailing :*.
    const wafLogs = new logs.LogGroup(this, 'WafLogs', { logGroupName: `aws-waf-logs-barberpro-${settings.name}`, retention: settings.logRetentionDays as logs.RetentionDays, removalPolicy: RemovalPolicy.RETAIN });
    new wafv2.CfnLoggingConfiguration(this, 'WafLogging', {
      resourceArn: this.webAcl.attrArn,
      logDestinationConfigs: [this.formatArn({ service: 'logs', resource: 'log-group', resourceName: wafLogs.logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
    });

    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: context.hostedZoneId, zoneName: context.hostedZoneName });
    const certificate = context.edgeCertificateArn
      ? acm.Certificate.fromCertificateArn(this, 'Certificate', context.edgeCertificateArn)
      : new acm.Certificate(this, 'Certificate', { domainName: settings.appDomain, validation: acm.CertificateValidation.fromDns(zone) });

    const logBucket = new s3.Bucket(this, 'CdnLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // CloudFront standard logging writes with ACLs.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(settings.logRetentionDays) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const origin = new origins.HttpOrigin(n.originDomain, {
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      readTimeout: Duration.seconds(30),
    });
    const staticPolicy = new cloudfront.CachePolicy(this, 'StaticAssetsPolicy', {
      cachePolicyName: `barberpro-${settings.name}-static-assets`,
      comment: 'Fingerprinted static assets: one year',
      defaultTtl: CACHE_TTLS.staticAssets,
      maxTtl: CACHE_TTLS.staticAssets,
      minTtl: Duration.seconds(0),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.none(),
      headerBehavior: cloudfront.CacheHeaderBehavior.none(),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    const apiPolicy = new cloudfront.CachePolicy(this, 'CacheableApiPolicy', {
      cachePolicyName: `barberpro-${settings.name}-cacheable-api`,
      comment: 'Shop search, detail and availability: 5 minutes, or less when the app says so (Cache-Control wins below the cap)',
      defaultTtl: CACHE_TTLS.api,
      maxTtl: CACHE_TTLS.api,
      minTtl: Duration.seconds(0),
      // city, q, page, serviceId, from, to … all change the answer.
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.all(),
      // In the key so it is forwarded at all, and so one user's answer never reaches another.
      headerBehavior: cloudfront.CacheHeaderBehavior.allowList('Authorization'),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    // What the API needs besides the cache key on writes under /shops (create shop, services…).
    const apiOriginRequest = new cloudfront.OriginRequestPolicy(this, 'CacheableApiOriginRequest', {
      originRequestPolicyName: `barberpro-${settings.name}-cacheable-api`,
      headerBehavior: cloudfront.OriginRequestHeaderBehavior.allowList('Content-Type', 'Idempotency-Key', 'X-Request-Id', 'Origin', 'Access-Control-Request-Method', 'Access-Control-Request-Headers', 'User-Agent'),
      queryStringBehavior: cloudfront.OriginRequestQueryStringBehavior.all(),
      cookieBehavior: cloudfront.OriginRequestCookieBehavior.none(),
    });

    const api: cloudfront.BehaviorOptions = {
      origin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD,
      cachePolicy: apiPolicy,
      originRequestPolicy: apiOriginRequest,
      compress: true,
    };
    const additionalBehaviors: Record<string, cloudfront.BehaviorOptions> = {};
    for (const pattern of CACHE_PATHS.staticAssets) {
      additionalBehaviors[pattern] = { origin, viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS, allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD, cachePolicy: staticPolicy, compress: true };
    }
    for (const pattern of CACHE_PATHS.api) additionalBehaviors[pattern] = api;

    this.distribution = new cloudfront.Distribution(this, 'Cdn', {
      comment: `BarberPro ${settings.name}`,
      domainNames: [settings.appDomain],
      certificate,
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      // PriceClass_100 and _200 leave out South America: São Paulo and Buenos Aires edges need All.
      priceClass: cloudfront.PriceClass.PRICE_CLASS_ALL,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      webAclId: this.webAcl.attrArn,
      enableLogging: true,
      logBucket,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        // Bookings, payments, webhooks, auth: never cached, every header, cookie and query
        // string forwarded (Host excepted: the origin certificate is for origin.<domain>).
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        compress: true,
      },
      additionalBehaviors,
    });

    const target = route53.RecordTarget.fromAlias(new route53targets.CloudFrontTarget(this.distribution));
    new route53.ARecord(this, 'AppRecord', { zone, recordName: settings.appDomain, target });
    new route53.AaaaRecord(this, 'AppRecordIpv6', { zone, recordName: settings.appDomain, target });

    if (props.originHealthCheckId) this.originHealthAlarm(settings, props.originHealthCheckId, context.alertEmail);
  }
  /**
   * Route 53 publishes HealthCheckStatus only in us-east-1, and an alarm can only watch metrics
   * of its own region: the alarm lives here (this stack is in us-east-1) rather than beside the
   * health check in the primary region, with its own critical topic for the same reason (alarm
   * actions must be same-region topics).
   */
  private originHealthAlarm(settings: EnvironmentSettings, healthCheckId: string, alertEmail: string | undefined): void {
    if (this.region !== 'us-east-1') throw new Error(`the origin health alarm must be in us-east-1, where Route 53 publishes HealthCheckStatus (got ${this.region})`);
    const key = new kms.Key(this, 'EdgeTopicKey', { enableKeyRotation: true, description: `BarberPro ${settings.name} edge alerts` });
    key.addToResourcePolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')], resources: ['*'] }));
    const topic = new sns.Topic(this, 'EdgeCritical', { topicName: `barberpro-${settings.name}-edge-critical`, displayName: `BarberPro ${settings.name} critical (edge)`, masterKey: key, enforceSSL: true });
    if (alertEmail) topic.addSubscription(new subscriptions.EmailSubscription(alertEmail));
    const alarm = new cloudwatch.Alarm(this, 'OriginHealthAlarm', {
      alarmDescription: `Critical: the primary origin fails its Route 53 /readyz health check (traffic is failing over to the standby) for ${ORIGIN_HEALTH_ALARM.evaluationPeriods} minutes`,
      metric: new cloudwatch.Metric({
        namespace: 'AWS/Route53',
        metricName: 'HealthCheckStatus',
        dimensionsMap: { HealthCheckId: healthCheckId },
        statistic: 'Minimum',
        period: Duration.minutes(ORIGIN_HEALTH_ALARM.periodMinutes),
        region: 'us-east-1',
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: ORIGIN_HEALTH_ALARM.evaluationPeriods,
      datapointsToAlarm: ORIGIN_HEALTH_ALARM.evaluationPeriods,
      // Route 53 reports every minute; silence means the check itself is gone.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    alarm.addAlarmAction(new cwactions.SnsAction(topic));
    alarm.addOkAction(new cwactions.SnsAction(topic));
  }
}
