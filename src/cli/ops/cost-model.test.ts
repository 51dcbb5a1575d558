import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../../../infra/lib/settings.js';
import { judgeBudget, priceTopology, type PriceTable } from './cost-model.js';

const table = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'ops', 'cost', 'prices-sa-east-1.json'), 'utf8')) as PriceTable;

describe('cost model', () => {
  it('the price table is dated, sourced and says whether it was verified', () => {
    expect(table.region).toBe('sa-east-1');
    expect(table.recorded).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(typeof table.verified).toBe('boolean');
    for (const [key, price] of Object.entries(table.prices)) {
      expect([key, price.usd > 0]).toEqual([key, true]);
      expect(price.source).toMatch(/^https:\/\/aws\.amazon\.com\//);
    }
  });

  it('prices every part of both environments’ sizing (no line left without a price)', () => {
    for (const settings of Object.values(ENVIRONMENTS)) {
      const cost = priceTopology(settings, table);
      expect(cost.lines.filter((l) => l.monthlyUsd === undefined)).toEqual([]);
      expect(cost.monthlyUsd).toBeGreaterThan(0);
    }
  });

  it('is price × quantity from the settings', () => {
    const s = ENVIRONMENTS.production;
    const cost = priceTopology(s, table);
    const p = (k: string) => table.prices[k]!.usd;
    const fargate = cost.lines.find((l) => l.item.startsWith('ECS Fargate'))!;
    expect(fargate.monthlyUsd).toBeCloseTo(s.service.desired * 730 * ((s.service.cpu / 1024) * p('fargate.linux.x86.vcpu.hour') + (s.service.memoryMiB / 1024) * p('fargate.linux.x86.gb.hour')), 6);
    const cache = cost.lines.find((l) => l.item.startsWith('ElastiCache'))!;
    expect(cache.quantity).toBe(`${s.cache.shards * (1 + s.cache.replicasPerShard)} nodes × 730 h`);
    expect(cost.monthlyUsd).toBeCloseTo(cost.lines.reduce((a, l) => a + l.monthlyUsd!, 0), 6);
    // More tasks cost more, linearly.
    expect(priceTopology(s, table, 10).lines[0]!.monthlyUsd).toBeCloseTo(2 * fargate.monthlyUsd!, 6);
  });

  it('an instance class the table does not price is reported, not guessed', () => {
    const cost = priceTopology({ ...ENVIRONMENTS.production, database: { ...ENVIRONMENTS.production.database, instanceClass: 'db.x2g.16xlarge' } }, table);
    const line = cost.lines.find((l) => l.item.includes('db.x2g.16xlarge'))!;
    expect(line.monthlyUsd).toBeUndefined();
    expect(cost.unpriced[0]).toContain('rds.postgresql.multiaz.db.x2g.16xlarge.hour');
  });

  it('budget: over fails, within 10 % warns', () => {
    expect(judgeBudget(12_001, 12_000).verdict).toBe('over');
    expect(judgeBudget(12_000, 12_000).verdict).toBe('near');
    expect(judgeBudget(10_800, 12_000).verdict).toBe('near');
    expect(judgeBudget(10_799, 12_000).verdict).toBe('under');
  });
});
