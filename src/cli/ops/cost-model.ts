/**
 * Monthly cost of the deployed topology: the sizing in infra/lib/settings.ts (the CDK app's
 * single source) × a dated price table (ops/cost/prices-<region>.json). Pure: the settings
 * and the table are passed in; nothing is estimated that the table does not price, and what
 * it does not price is listed as such.
 */

export interface PriceTable {
  region: string;
  currency: 'USD';
  recorded: string;
  verified: boolean;
  note: string;
  hoursPerMonth: number;
  prices: Record<string, { usd: number; source: string }>;
  specs: Record<string, { memoryGiB: number; source: string }>;
  notPriced: string[];
}

/** The parts of infra/lib/settings.ts EnvironmentSettings the model reads. */
export interface TopologySettings {
  name: string;
  natGateways: number;
  service: { cpu: number; memoryMiB: number; desired: number; min: number; max: number };
  database: { instanceClass: string; allocatedStorageGiB: number; storageType: 'io1' | 'gp3'; iops: number | undefined };
  cache: { nodeType: string; shards: number; replicasPerShard: number };
}

export interface CostLine {
  item: string;
  quantity: string;
  /** Undefined when the table has no price for it. */
  monthlyUsd: number | undefined;
  priceKeys: string[];
  sources: string[];
}

export interface TopologyCost {
  lines: CostLine[];
  /** Sum of the priced lines. */
  monthlyUsd: number;
  unpriced: string[];
}

export function priceTopology(settings: TopologySettings, table: PriceTable, tasks = settings.service.desired): TopologyCost {
  const h = table.hoursPerMonth;
  const lines: CostLine[] = [];
  const add = (item: string, quantity: string, parts: Array<[key: string, amount: number]>) => {
    const found = parts.map(([key, amount]) => ({ key, amount, price: table.prices[key] }));
    const missing = found.some((p) => !p.price);
    lines.push({
      item,
      quantity,
      monthlyUsd: missing ? undefined : found.reduce((sum, p) => sum + p.price!.usd * p.amount, 0),
      priceKeys: parts.map(([k]) => k),
      sources: [...new Set(found.filter((p) => p.price).map((p) => p.price!.source))],
    });
  };
  const vcpu = settings.service.cpu / 1024;
  const gb = settings.service.memoryMiB / 1024;
  add(`ECS Fargate tasks (${vcpu} vCPU, ${gb} GB each)`, `${tasks} tasks × ${h} h`, [
    ['fargate.linux.x86.vcpu.hour', tasks * vcpu * h],
    ['fargate.linux.x86.gb.hour', tasks * gb * h],
  ]);
  const db = settings.database;
  add(`RDS PostgreSQL ${db.instanceClass} Multi-AZ`, `1 × ${h} h`, [[`rds.postgresql.multiaz.${db.instanceClass}.hour`, h]]);
  add(`RDS storage ${db.storageType} Multi-AZ`, `${db.allocatedStorageGiB} GiB`, [[`rds.multiaz.${db.storageType}.gb.month`, db.allocatedStorageGiB]]);
  if (db.storageType === 'io1' && db.iops) add('RDS provisioned IOPS Multi-AZ', `${db.iops} IOPS`, [['rds.multiaz.io1.iops.month', db.iops]]);
  const nodes = settings.cache.shards * (1 + settings.cache.replicasPerShard);
  add(`ElastiCache ${settings.cache.nodeType}`, `${nodes} nodes × ${h} h`, [[`elasticache.${settings.cache.nodeType}.hour`, nodes * h]]);
  add('NAT gateways', `${settings.natGateways} × ${h} h`, [['natgateway.hour', settings.natGateways * h]]);
  add('Application Load Balancer (hours only)', `1 × ${h} h`, [['alb.hour', h]]);
  const priced = lines.filter((l) => l.monthlyUsd !== undefined);
  return {
    lines,
    monthlyUsd: priced.reduce((s, l) => s + l.monthlyUsd!, 0),
    unpriced: [...lines.filter((l) => l.monthlyUsd === undefined).map((l) => `${l.item} (no price for ${l.priceKeys.filter((k) => !table.prices[k]).join(', ')})`), ...table.notPriced],
  };
}

export type BudgetVerdict = 'under' | 'near' | 'over';

/** Over the budget fails; within 10 % of it warns. */
export function judgeBudget(monthlyUsd: number, budgetUsd: number): { verdict: BudgetVerdict; share: number } {
  const share = monthlyUsd / budgetUsd;
  return { verdict: share > 1 ? 'over' : share >= 0.9 ? 'near' : 'under', share };
}

export const usd = (v: number) => `USD ${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
