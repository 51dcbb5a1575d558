import { describe, expect, it } from 'vitest';
import { poolSizePerTask } from '../lib/data.js';
import { DEREGISTRATION_DELAY_SECONDS, STOP_TIMEOUT_SECONDS } from '../lib/service.js';
import { ENVIRONMENTS, PLACEHOLDER_ACCOUNT, PLACEHOLDER_ZONE_ID, readContext } from '../lib/settings.js';

const from = (values: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) => readContext((key) => values[key], env);

describe('context', () => {
  it('has documented defaults that synthesize offline', () => {
    const context = from({});
    expect(context).toMatchObject({ account: PLACEHOLDER_ACCOUNT, primaryRegion: 'sa-east-1', standbyRegion: 'us-east-1', edgeRegion: 'us-east-1', hostedZoneId: PLACEHOLDER_ZONE_ID, readReplica: false, guardDuty: true, environments: ['staging', 'production'] });
  });

  it('takes the account from CDK_DEFAULT_ACCOUNT when not given', () => {
    expect(from({}, { CDK_DEFAULT_ACCOUNT: '222222222222' }).account).toBe('222222222222');
    expect(from({ account: '333333333333' }, { CDK_DEFAULT_ACCOUNT: '222222222222' }).account).toBe('333333333333');
  });

  it('refuses unknown environments and flags that are not booleans', () => {
    expect(() => from({ environments: 'prod' })).toThrow(/Unknown environment "prod"/);
    expect(() => from({ readReplica: 'yes' })).toThrow(/readReplica/);
    expect(from({ readReplica: 'true', guardDuty: 'false' })).toMatchObject({ readReplica: true, guardDuty: false });
  });
});

describe('environment settings', () => {
  it('keeps production at the runbook\'s figures', () => {
    const p = ENVIRONMENTS.production;
    expect(p.service).toMatchObject({ desired: 5, min: 3, max: 20 });
    expect(p.database).toMatchObject({ instanceClass: 'db.r6g.2xlarge', allocatedStorageGiB: 500, iops: 10_000, maxConnections: 1000 });
    expect(p.cache).toMatchObject({ nodeType: 'cache.r6g.2xlarge', shards: 3, replicasPerShard: 1 });
  });

  it('never lets the fleet\'s pools exceed max_connections', () => {
    for (const settings of Object.values(ENVIRONMENTS)) {
      expect(poolSizePerTask(settings) * settings.service.max).toBeLessThan(settings.database.maxConnections);
    }
  });

  it('gives the process time after the load balancer drains it', () => {
    expect(STOP_TIMEOUT_SECONDS).toBeGreaterThan(DEREGISTRATION_DELAY_SECONDS);
    expect(STOP_TIMEOUT_SECONDS).toBeLessThanOrEqual(120); // Fargate's maximum
  });
});
