/**
 * cost-monitoring, budget-analysis, cost-optimization-report: the deployed sizing
 * (infra/lib/settings.ts) priced from ops/cost/prices-sa-east-1.json, with usage measured on
 * the running BarberPro (users, bookings, database size, Redis memory, CPU, cache hit rate,
 * unused indexes). Each line says where its figure came from.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { measureUsage, type UsageFigures } from '../../../modules/ops/recovery.js';
import { inspectDbPerformance, type DbPerformance } from '../../../modules/ops/inspection.js';
import { systemClock } from '../../../platform/clock.js';
import { describeError, redactUrl, sourceFor, type OpsContext } from '../context.js';
import { judgeBudget, priceTopology, usd, type PriceTable, type TopologyCost, type TopologySettings } from '../cost-model.js';
import { gaugeValue, type Sample } from '../prometheus.js';
import { check, count, pct, type CheckResult } from '../report.js';
import { scrapeMetrics } from '../signals.js';
import { fetchAdmin } from './admin.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
export const PRICE_TABLE = join(REPO, 'ops', 'cost', 'prices-sa-east-1.json');
const SETTINGS = join(REPO, 'infra', 'lib', 'settings.ts');
/** The runbook's "Monthly Infrastructure Cost: ~$12,000 USD", when no budget is given. */
export const RUNBOOK_MONTHLY_USD = 12_000;
/** The runbook's "Cost per User: ~$6.50 USD/month", "Cost per Transaction: ~$0.18 USD". */
export const RUNBOOK_PER_USER_USD = 6.5;
export const RUNBOOK_PER_TRANSACTION_USD = 0.18;

export interface CostInputs {
  environment: string;
  settings: TopologySettings & { database: TopologySettings['database'] & { allocatedStorageGiB: number } };
  table: PriceTable;
  cost: TopologyCost;
  checks: CheckResult[];
}

/** Sizing and prices: fails clearly when either cannot be read (the container image ships neither). */
export async function loadCost(environment: string): Promise<CostInputs | { checks: CheckResult[] }> {
  let table: PriceTable;
  try {
    table = JSON.parse(await readFile(PRICE_TABLE, 'utf8')) as PriceTable;
  } catch (error) {
    return { checks: [check.fail('cost.prices', 'Price table', `${PRICE_TABLE}: ${describeError(error)} (run from a repository checkout)`)] };
  }
  let environments: Record<string, TopologySettings>;
  try {
    // The CDK app's own settings module (no imports of its own), so sizing has one source.
    environments = ((await import(SETTINGS)) as { ENVIRONMENTS: Record<string, TopologySettings> }).ENVIRONMENTS;
  } catch (error) {
    return { checks: [check.fail('cost.settings', 'Deployed sizing', `${SETTINGS}: ${describeError(error)} (run from a repository checkout)`)] };
  }
  const settings = environments[environment] as CostInputs['settings'] | undefined;
  if (!settings) return { checks: [check.fail('cost.settings', 'Deployed sizing', `no environment "${environment}" in infra/lib/settings.ts (${Object.keys(environments).join(', ')})`)] };
  const cost = priceTopology(settings, table);
  const priceCheck = table.verified
    ? check.pass('cost.prices', 'Price table', `${table.region} prices recorded ${table.recorded}, verified against their sources`)
    : check.warn('cost.prices', 'Price table', `${table.region} prices recorded ${table.recorded}, NOT verified against their sources: every USD figure below is provisional`, { details: [table.note] });
  return { environment, settings, table, cost, checks: [priceCheck] };
}

export function costLines(inputs: CostInputs): CheckResult[] {
  const lines = inputs.cost.lines.map((l, i) =>
    l.monthlyUsd === undefined
      ? check.warn(`cost.line.${i}`, l.item, `${l.quantity}: no price in the table (${l.priceKeys.join(', ')})`)
      : check.info(`cost.line.${i}`, l.item, `${usd(l.monthlyUsd)}/month (${l.quantity}; infra/lib/settings.ts ${inputs.environment} × ${l.sources.join(', ')})`),
  );
  lines.push(check.info('cost.unpriced', 'Not in the estimate', `${inputs.cost.unpriced.length} items`, { details: inputs.cost.unpriced }));
  return lines;
}

export function budgetCheck(monthlyUsd: number, budget: { usd: number; from: string }): CheckResult {
  const { verdict, share } = judgeBudget(monthlyUsd, budget.usd);
  const figure = `${usd(monthlyUsd)}/month is ${pct(share, 1)} of the ${usd(budget.usd)} budget (${budget.from})`;
  if (verdict === 'over') return check.fail('cost.budget', 'Monthly cost vs budget', figure, { details: [`over by ${usd(monthlyUsd - budget.usd)}/month`] });
  if (verdict === 'near') return check.warn('cost.budget', 'Monthly cost vs budget', figure, { details: [`${usd(budget.usd - monthlyUsd)}/month of headroom`] });
  return check.pass('cost.budget', 'Monthly cost vs budget', figure);
}

export async function fetchUsage(ctx: OpsContext): Promise<{ ok: true; value: UsageFigures; via: string } | { ok: false; result: CheckResult }> {
  const got = await fetchAdmin<UsageFigures>(ctx, sourceFor(ctx), '/api/v1/admin/ops/usage', (d) => measureUsage(d.db, systemClock));
  return got.ok ? got : { ok: false, result: got.result('usage', 'Measured usage') };
}

/** Cost per user and per transaction from counted users and bookings (runbook: ~6.50, ~0.18). */
export function unitCosts(monthlyUsd: number, usage: UsageFigures, via: string): CheckResult[] {
  const users = usage.activeCustomers30d;
  const transactions = usage.bookingsCreated30d;
  return [
    users > 0
      ? check.info('cost.per-user', 'Cost per active customer', `${usd(monthlyUsd / users)}/month over ${count(users)} customers who booked in the last 30 days (${via}; runbook ~${usd(RUNBOOK_PER_USER_USD)})`)
      : check.skip('cost.per-user', 'Cost per active customer', `no customer booked in the last 30 days (${via})`),
    transactions > 0
      ? check.info('cost.per-transaction', 'Cost per booking', `${usd(monthlyUsd / transactions)} over ${count(transactions)} bookings in the last 30 days (${via}; runbook ~${usd(RUNBOOK_PER_TRANSACTION_USD)})`)
      : check.skip('cost.per-transaction', 'Cost per booking', `no bookings in the last 30 days (${via})`),
  ];
}

export function budgetFrom(option: number | undefined, env: NodeJS.ProcessEnv): { usd: number; from: string } {
  if (option !== undefined) return { usd: option, from: '--budget' };
  const fromEnv = Number(env.BARBERPRO_MONTHLY_BUDGET_USD);
  if (env.BARBERPRO_MONTHLY_BUDGET_USD && Number.isFinite(fromEnv) && fromEnv > 0) return { usd: fromEnv, from: 'BARBERPRO_MONTHLY_BUDGET_USD' };
  return { usd: RUNBOOK_MONTHLY_USD, from: 'the runbook’s ~USD 12,000/month; set --budget or BARBERPRO_MONTHLY_BUDGET_USD' };
}

async function redisMemory(ctx: OpsContext): Promise<{ usedBytes: number } | { error: string } | undefined> {
  if (!ctx.redisUrl) return undefined;
  const redis = new Redis(ctx.redisUrl, { lazyConnect: true, connectTimeout: 5_000, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const info = await redis.info('memory');
    return { usedBytes: Number(/used_memory:(\d+)/.exec(info)?.[1] ?? NaN) };
  } catch (error) {
    return { error: describeError(error) };
  } finally {
    redis.disconnect();
  }
}

const GiB = 1024 ** 3;

function sumCounter(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0);
}

/** cost-optimization-report: concrete findings from measured figures; none invented. */
export async function optimizationFindings(ctx: OpsContext, inputs: CostInputs): Promise<CheckResult[]> {
  const findings: CheckResult[] = [];
  const { settings, table, cost } = inputs;

  const usage = await fetchUsage(ctx);
  if (usage.ok) {
    const usedGiB = usage.value.databaseBytes / GiB;
    const allocated = settings.database.allocatedStorageGiB;
    const share = usedGiB / allocated;
    const figure = `${usedGiB.toFixed(2)} GiB used of ${allocated} GiB allocated (${pct(share, 2)}; pg_database_size via ${usage.via})`;
    findings.push(
      share < 0.1
        ? check.warn('opt.db-storage', 'Database storage vs allocation', figure, { details: ['storage is provisioned far ahead of use; RDS storage can grow (maxAllocatedStorageGiB) but never shrink, so start smaller on a new instance'] })
        : check.info('opt.db-storage', 'Database storage vs allocation', figure),
    );
  } else findings.push(usage.result);

  const redis = await redisMemory(ctx);
  const nodeSpec = table.specs[settings.cache.nodeType];
  if (!redis) findings.push(check.skip('opt.cache-memory', 'Redis memory vs cluster size', 'REDIS_URL is not set'));
  else if ('error' in redis) findings.push(check.fail('opt.cache-memory', 'Redis memory vs cluster size', `${redactUrl(ctx.redisUrl!)}: ${redis.error}`));
  else if (!nodeSpec) findings.push(check.skip('opt.cache-memory', 'Redis memory vs cluster size', `no memory figure for ${settings.cache.nodeType} in the price table`));
  else {
    const capacity = nodeSpec.memoryGiB * settings.cache.shards;
    const share = redis.usedBytes / GiB / capacity;
    const figure = `${(redis.usedBytes / 1024 ** 2).toFixed(1)} MiB used (Redis INFO) vs ${capacity.toFixed(1)} GiB across ${settings.cache.shards} shards of ${settings.cache.nodeType} (${pct(share, 3)})`;
    findings.push(share < 0.1 ? check.warn('opt.cache-memory', 'Redis memory vs cluster size', figure, { details: ['a smaller node type holds this working set; keep the shard count for throughput and failover'] }) : check.info('opt.cache-memory', 'Redis memory vs cluster size', figure));
  }

  const scrape = await scrapeMetrics(ctx);
  if (!scrape.ok) findings.push({ ...scrape.result, id: 'opt.metrics' });
  else {
    const s = scrape.samples;
    const cpuSeconds = gaugeValue(s, 'process_cpu_seconds_total');
    const start = gaugeValue(s, 'process_start_time_seconds');
    const taskVcpu = settings.service.cpu / 1024;
    if (cpuSeconds !== undefined && start !== undefined) {
      const uptime = Date.now() / 1000 - start;
      const share = cpuSeconds / uptime / taskVcpu;
      const figure = `this instance used ${pct(share, 1)} of a ${taskVcpu}-vCPU task on average over ${(uptime / 3600).toFixed(1)} h (process_cpu_seconds_total)`;
      findings.push(
        share < 0.3
          ? check.warn('opt.cpu', 'CPU utilization vs task size', figure, { details: [`below the runbook’s 30 % scale-in line: ${settings.service.desired} tasks could be fewer (minimum ${settings.service.min}); confirm with CloudWatch CPUUtilization across the fleet`] })
          : check.info('opt.cpu', 'CPU utilization vs task size', figure),
      );
    } else findings.push(check.skip('opt.cpu', 'CPU utilization vs task size', 'process_cpu_seconds_total or process_start_time_seconds absent from /metrics'));

    const hits = sumCounter(s, 'barberpro_cache_requests_total', { result: 'hit' });
    const lookups = hits + sumCounter(s, 'barberpro_cache_requests_total', { result: 'miss' });
    if (lookups === 0) findings.push(check.skip('opt.cache-hit', 'Cache hit rate (> 90 %)', 'no cache lookups since this instance started'));
    else {
      const rate = hits / lookups;
      const figure = `${pct(rate, 1)} of ${count(lookups)} lookups (barberpro_cache_requests_total, this instance)`;
      findings.push(rate > 0.9 ? check.pass('opt.cache-hit', 'Cache hit rate (> 90 %)', figure) : check.warn('opt.cache-hit', 'Cache hit rate (> 90 %)', figure, { details: ['misses go to PostgreSQL: a low rate makes the database tier, not the cache, the one to size'] }));
    }
  }

  const perf = await fetchAdmin<DbPerformance>(ctx, sourceFor(ctx), '/api/v1/admin/ops/db-performance', (d) => inspectDbPerformance(d.db));
  if (!perf.ok) findings.push(perf.result('opt.indexes', 'Unused indexes'));
  else {
    const unused = perf.value.unusedIndexes;
    const bytes = unused.reduce((a, i) => a + i.sizeBytes, 0);
    findings.push(
      unused.length
        ? check.warn('opt.indexes', 'Unused indexes', `${unused.length} never scanned since statistics reset (${perf.value.statsReset ?? 'never reset'}), ${(bytes / 1024 ** 2).toFixed(1)} MiB (${perf.via})`, {
            details: unused.slice(0, 20).map((i) => `${i.table}.${i.index}: ${(i.sizeBytes / 1024).toFixed(0)} KiB`),
          })
        : check.pass('opt.indexes', 'Unused indexes', `none (${perf.via})`),
    );
  }

  // Steady 24×7 lines are what reservations discount; the table holds no reserved prices, so no saving is computed.
  const steady = cost.lines.filter((l) => /^RDS PostgreSQL|^ElastiCache/.test(l.item) && l.monthlyUsd !== undefined);
  const annual = steady.reduce((a, l) => a + l.monthlyUsd! * 12, 0);
  findings.push(
    check.info('opt.reserved', 'Reservation candidates', `${steady.map((l) => l.item).join(' and ')}: ${usd(annual)}/year on demand`, {
      details: ['the runbook expects ~30 % (USD 3,600/year) from 1-year reservations; add reserved prices to the table to compute it'],
    }),
  );
  return findings;
}
