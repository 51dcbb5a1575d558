/**
 * `barberpro ops <check>`: the runbook's scripts (../shared/seed/launch-readiness-infrastructure.md).
 * Each command measures against a running BarberPro and exits non-zero when what it checks
 * does not hold (the deploy and DR scripts are `barberpro deploy <name>`, src/cli/deploy).
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { createContext, type OpsContext, type OpsOptions } from './context.js';
import { EXIT, exitCodeOf, renderHuman, renderJson, type CheckResult, type OpsReport } from './report.js';
import { probeDatabase, probeLiveness, probeReadiness, probeRedis, judgeMetrics } from './signals.js';
import { runSecurityVerification } from './checks/security.js';
import { auditChainCheck, dbPerformanceChecks, documentChecks, ledgerChecks } from './checks/admin.js';
import { runPerformanceValidation } from './checks/performance.js';
import { runDrReadiness } from './checks/dr.js';
import { runAfipHealthCheck } from './checks/afip.js';
import { runDataProtectionCheck } from './checks/data-protection.js';
import { assessSeverity, SEVERITY, statusOfSeverity } from './verdicts.js';
import { check } from './report.js';
import { analyseIncidents, notifyIncident, openIncidents, preDeploymentCheck, recover, RECOVERY_TYPES } from './checks/incidents.js';
import { budgetCheck, budgetFrom, costLines, fetchUsage, loadCost, optimizationFindings, unitCosts } from './checks/cost.js';
import { priceTopology, usd } from './cost-model.js';
import { scalingDecision } from './checks/scaling.js';
import { worstSeverity } from '../../modules/incidents/policy.js';

export interface CommandOutcome {
  checks: CheckResult[];
  notes?: string[];
}

type Runner = (ctx: OpsContext, options: Record<string, any>) => Promise<CommandOutcome>;

interface OpsCommand {
  name: string;
  description: string;
  /** Positional arguments (commander syntax), passed to run as options.args. */
  arguments?: string;
  options?: Option[];
  run: Runner;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
}

const environmentOption = () => new Option('--environment <name>', 'which infra/lib/settings.ts environment to price').choices(['production', 'staging']).default('production');
const budgetOption = () => new Option('--budget <usd>', 'monthly budget in USD (default BARBERPRO_MONTHLY_BUDGET_USD, else the runbook’s ~12,000)').argParser(positiveNumber);

function positiveInt(max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > max) throw new InvalidArgumentError(`must be a whole number from 0 to ${max}`);
    return n;
  };
}

const windowOption = () =>
  new Option('--window <seconds>', 'judge error rate and latency over this many seconds between two scrapes (0: since each instance started)').argParser(positiveInt(3600)).default(0);

export const COMMANDS: OpsCommand[] = [
  {
    name: 'infrastructure-health-check',
    description: 'Liveness, readiness, PostgreSQL and Redis, /metrics: error rate, p95 (overall and per region), queue depth',
    options: [windowOption()],
    run: async (ctx, o) => {
      ctx.progress('probing /healthz, /readyz and the dependencies');
      const probes = await Promise.all([probeLiveness(ctx), probeReadiness(ctx), probeDatabase(ctx), probeRedis(ctx)]);
      ctx.progress('scraping /metrics');
      const metrics = await judgeMetrics(ctx, o.window as number);
      return { checks: [...probes, ...metrics.checks] };
    },
  },
  {
    name: 'security-verification',
    description: 'Security headers, rate limits, login lockout, no anonymous access to protected routes, webhook signatures, TLS',
    options: [
      new Option('--login-attempts <n>', 'failed logins to send before concluding there is no lockout').argParser(positiveInt(200)).default(30),
      new Option('--no-login-probe', 'do not send the failed-login burst (it counts against this address for the lockout window)'),
    ],
    run: async (ctx, o) => ({ checks: await runSecurityVerification(ctx, { loginAttempts: o.loginAttempts as number, loginProbe: o.loginProbe !== false }) }),
  },
  {
    name: 'audit-integrity-check',
    description: 'Walk the audit hash chain and check the ledger (BARBERPRO_ADMIN_TOKEN or DATABASE_URL)',
    run: async (ctx) => ({ checks: [await auditChainCheck(ctx), ...(await ledgerChecks(ctx))] }),
  },
  {
    name: 'financial-compliance-check',
    description: 'Ledger balances, collected payments have postings and invoices, refunds have credit notes',
    options: [new Option('--grace-minutes <n>', 'how long a payment or refund may wait for its voucher before it counts as missing').argParser(positiveInt(10_080)).default(60)],
    run: async (ctx, o) => ({ checks: [...(await ledgerChecks(ctx)), ...(await documentChecks(ctx, o.graceMinutes as number))] }),
  },
  {
    name: 'db-performance-check',
    description: 'pg_stat_statements (PostgreSQL 13+ columns) vs "95 % of queries < 100 ms", unused and missing indexes, pg_stats',
    options: [new Option('--min-rows <n>', 'tables at least this big are checked for sequential scans').argParser(positiveInt(1_000_000_000)).default(10_000)],
    run: async (ctx, o) => ({ checks: await dbPerformanceChecks(ctx, { minRows: o.minRows as number }) }),
  },
  {
    name: 'performance-validation',
    description: 'A short read-only load scenario against the target: p95 < 200 ms, error rate < 0.1 %',
    options: [
      new Option('--duration <seconds>', 'how long to generate load').argParser(positiveInt(3600)).default(20),
      new Option('--connections <n>', 'concurrent connections').argParser(positiveInt(1000)).default(10),
    ],
    run: async (ctx, o) => ({ checks: await runPerformanceValidation(ctx, { durationSeconds: Math.max(1, o.duration as number), connections: Math.max(1, o.connections as number) }) }),
  },
  {
    name: 'incident-assessment',
    description: 'Read the live signals and classify the incident by the runbook (Critical, High, Medium, Low) with its escalation',
    options: [windowOption()],
    run: async (ctx, o) => {
      const probes = await Promise.all([probeLiveness(ctx), probeReadiness(ctx), probeDatabase(ctx), probeRedis(ctx)]);
      const metrics = await judgeMetrics(ctx, o.window as number);
      const incidents = await openIncidents(ctx);
      const checks = [...probes, ...metrics.checks, incidents.result];
      const assessed = assessSeverity(checks.filter((c) => c.id !== 'incidents.open'));
      const reasons = [...assessed.reasons];
      // An open, unacknowledged incident is at least as severe as its class.
      const fromIncidents = incidents.worstUnacknowledged;
      if (fromIncidents) reasons.push(`an open ${SEVERITY[fromIncidents].label} incident is not acknowledged`);
      const severity = assessed.severity === 'none' ? (fromIncidents ?? 'none') : fromIncidents ? worstSeverity([assessed.severity, fromIncidents])! : assessed.severity;
      const level = severity === 'none' ? undefined : SEVERITY[severity];
      const notes = level
        ? [`Assessed severity: ${level.label} — respond within ${level.respondWithin}; escalate ${level.escalation}.`, ...reasons.map((r) => `  because ${r}`)]
        : ['Assessed severity: none — nothing failing, and no warning that points to an incident.'];
      checks.push({ id: 'incident.severity', title: 'Incident severity', status: statusOfSeverity(severity), measured: level?.label ?? 'none', data: { severity, reasons } });
      return { checks, notes };
    },
  },
  {
    name: 'afip-health-check',
    description: 'AFIP reachable (FEDummy), WSAA tickets, last number at AFIP vs ours per sequence, invoice queue depth, oldest waiting and rejected vouchers',
    run: async (ctx) => runAfipHealthCheck(ctx),
  },
  {
    name: 'dr-readiness-check',
    description: 'Primary serving, WAL archiving age vs the 15-minute RPO; snapshots and restore tests come with the deployment issue',
    run: async (ctx) => ({ checks: await runDrReadiness(ctx) }),
  },
  {
    name: 'data-protection-check',
    description: 'Personal data and secrets encrypted at rest (measured per column), keys in use, last retention run (≤ 2 days), data-subject requests near their deadline',
    run: async (ctx) => ({ checks: await runDataProtectionCheck(ctx) }),
  },
  {
    name: 'compliance-validation',
    description: 'The daily compliance checks together: audit trail, ledger, invoices and credit notes, AFIP health, data protection',
    options: [new Option('--grace-minutes <n>', 'how long a payment or refund may wait for its voucher').argParser(positiveInt(10_080)).default(60)],
    run: async (ctx, o) => ({
      checks: [
        await auditChainCheck(ctx),
        ...(await ledgerChecks(ctx)),
        ...(await documentChecks(ctx, o.graceMinutes as number)),
        ...(await runAfipHealthCheck(ctx)).checks,
        ...(await runDataProtectionCheck(ctx)),
      ],
    }),
  },
  {
    name: 'post-deployment-validation',
    description: 'After a deploy: liveness, readiness, protected routes, webhook signatures, error rate and p95 over a window',
    options: [windowOption().default(30)],
    run: async (ctx, o) => {
      const probes = await Promise.all([probeLiveness(ctx), probeReadiness(ctx)]);
      const security = (await runSecurityVerification(ctx, { loginAttempts: 0, loginProbe: false })).filter((c) => c.id === 'routes.anonymous' || c.id === 'webhook.signature');
      const metrics = await judgeMetrics(ctx, o.window as number);
      return { checks: [...probes, ...security, ...metrics.checks.filter((c) => !c.id.startsWith('queue.'))] };
    },
  },
  {
    name: 'incident-notification',
    description: 'Notify stakeholders: open an incident of the given severity, whose escalation pages the matrix (DevOps first), and confirm the first page went out',
    arguments: '[severity] [description...]',
    options: [new Option('--wait <seconds>', 'how long to wait for the first page').argParser(positiveInt(600)).default(20)],
    run: async (ctx, o) => ({ checks: await notifyIncident(ctx, (o.args as string[] | undefined) ?? [], o.wait as number) }),
  },
  {
    name: 'post-incident-analysis',
    description: 'One incident’s timeline, time to detect, acknowledge and resolve against the runbook (or, without an id, the last --days: MTTR, MTTD, auto-resolution)',
    arguments: '[incident-id]',
    options: [new Option('--days <n>', 'window for the KPIs when no incident is given').argParser(positiveInt(365)).default(30)],
    run: async (ctx, o) => analyseIncidents(ctx, (o.args as string[] | undefined)?.[0], Math.max(1, o.days as number)),
  },
  {
    name: 'automated-recovery',
    description: 'Run every recovery the service can do on itself (retry dead-letter jobs, release expired holds, queue pending invoices and payment reconciliation); --dry-run only counts',
    options: [new Option('--dry-run', 'count what needs recovery, change nothing'), new Option('--incident <id>', 'record each action on this incident’s timeline')],
    run: async (ctx, o) => ({ checks: await recover(ctx, { dryRun: Boolean(o.dryRun), ...(o.incident ? { incidentId: o.incident as string } : {}) }) }),
  },
  {
    name: 'manual-recovery',
    description: `One recovery action by incident type (${Object.keys(RECOVERY_TYPES).join(', ')}); --dry-run only counts`,
    arguments: '[incident-type]',
    options: [new Option('--dry-run', 'count what needs recovery, change nothing'), new Option('--incident <id>', 'record the action on this incident’s timeline')],
    run: async (ctx, o) => {
      const type = (o.args as string[] | undefined)?.[0];
      const action = type ? RECOVERY_TYPES[type] : undefined;
      if (!action) return { checks: [check.fail('recovery.usage', 'Recovery', `usage: manual-recovery <${Object.keys(RECOVERY_TYPES).join('|')}>${type ? ` (unknown type "${type}")` : ''}`)] };
      return { checks: await recover(ctx, { actions: [action], dryRun: Boolean(o.dryRun), ...(o.incident ? { incidentId: o.incident as string } : {}) }) };
    },
  },
  {
    name: 'pre-deployment-check',
    description: 'Before a deploy: maintenance window (Argentine time), target health, database, pending migrations, queue backlog, no open critical incident',
    options: [
      new Option('--kind <kind>', 'what is about to happen').choices(['deployment', 'database']).default('deployment'),
      new Option('--emergency', 'an emergency change: the secondary window (Wednesday 01:00-03:00 ART) is allowed'),
      new Option('--force', 'proceed outside the windows (needs --reason)'),
      new Option('--reason <text>', 'why it cannot wait for a window'),
      new Option('--at <instant>', 'judge the maintenance window at this ISO-8601 instant instead of now (planning a deploy)').argParser((v: string) => {
        const at = new Date(v);
        if (!/^\d{4}-\d{2}-\d{2}T/.test(v) || Number.isNaN(at.getTime())) throw new InvalidArgumentError('must be an ISO-8601 instant, e.g. 2026-12-06T02:30:00-03:00');
        return at;
      }),
    ],
    run: async (ctx, o) =>
      preDeploymentCheck(ctx, {
        kind: o.kind as 'deployment' | 'database',
        emergency: Boolean(o.emergency),
        force: Boolean(o.force),
        reason: o.reason as string | undefined,
        ...(o.at ? { now: o.at as Date } : {}),
      }),
  },
  {
    name: 'scaling-decision',
    description: 'The runbook’s autoscaling policy applied to the last 15 minutes of live metrics from Prometheus (scale out, scale in or hold, and why)',
    options: [
      new Option('--prometheus <url>', 'the Prometheus scraping BarberPro (default PROMETHEUS_URL)'),
      new Option('--job <name>', 'its scrape job for BarberPro').default('barberpro'),
      environmentOption(),
    ],
    run: async (ctx, o) => {
      const inputs = await loadCost(o.environment as string);
      if (!('cost' in inputs)) return { checks: inputs.checks };
      const { cpu, memoryMiB, min, max } = inputs.settings.service;
      return scalingDecision({ prometheus: (o.prometheus as string | undefined) ?? process.env.PROMETHEUS_URL, job: o.job as string, task: { cpu, memoryMiB, min, max }, timeoutMs: ctx.timeoutMs });
    },
  },
  {
    name: 'cost-monitoring',
    description: 'Monthly cost of the deployed sizing (infra/lib/settings.ts × ops/cost price table) vs the budget, per active customer and per booking from counted usage',
    options: [environmentOption(), budgetOption()],
    run: async (ctx, o) => {
      const inputs = await loadCost(o.environment as string);
      if (!('cost' in inputs)) return { checks: inputs.checks };
      const usage = await fetchUsage(ctx);
      const checks = [...inputs.checks, ...costLines(inputs), budgetCheck(inputs.cost.monthlyUsd, budgetFrom(o.budget as number | undefined, process.env))];
      checks.push(...(usage.ok ? unitCosts(inputs.cost.monthlyUsd, usage.value, usage.via) : [usage.result]));
      return { checks, notes: [`Estimated monthly cost (${inputs.environment}, priced lines only): ${usd(inputs.cost.monthlyUsd)}`] };
    },
  },
  {
    name: 'budget-analysis',
    description: 'The month’s estimate against the budget with headroom and the year’s projection, and unit costs against the runbook’s',
    options: [environmentOption(), budgetOption()],
    run: async (ctx, o) => {
      const inputs = await loadCost(o.environment as string);
      if (!('cost' in inputs)) return { checks: inputs.checks };
      const budget = budgetFrom(o.budget as number | undefined, process.env);
      const monthly = inputs.cost.monthlyUsd;
      const usage = await fetchUsage(ctx);
      const checks = [
        ...inputs.checks,
        budgetCheck(monthly, budget),
        check.info('budget.year', 'Year at this sizing', `${usd(monthly * 12)} vs ${usd(budget.usd * 12)} budgeted (${usd((budget.usd - monthly) * 12)} ${monthly <= budget.usd ? 'under' : 'over'})`),
        check.info('budget.scaling', `At the scaling maximum (${inputs.settings.service.max} tasks)`, `${usd(priceTopology(inputs.settings, inputs.table, inputs.settings.service.max).monthlyUsd)}/month if every task ran all month`),
        ...(usage.ok ? unitCosts(monthly, usage.value, usage.via) : [usage.result]),
      ];
      return { checks };
    },
  },
  {
    name: 'cost-optimization-report',
    description: 'Findings from measured usage: storage and Redis memory vs what is provisioned, CPU vs task size, cache hit rate, unused indexes, reservation candidates',
    options: [environmentOption()],
    run: async (ctx, o) => {
      const inputs = await loadCost(o.environment as string);
      if (!('cost' in inputs)) return { checks: inputs.checks };
      return { checks: [...inputs.checks, ...(await optimizationFindings(ctx, inputs))] };
    },
  },
];

export interface RunIo {
  env?: NodeJS.ProcessEnv;
  stdout?: (text: string) => void;
  stderr?: (line: string) => void;
}

/** Runs one command and prints its report; returns the exit code and the report (for tests and callers). */
export async function runOpsCommand(name: string, options: OpsOptions & Record<string, unknown>, io: RunIo = {}): Promise<{ exitCode: number; report?: OpsReport }> {
  const stdout = io.stdout ?? ((t: string) => process.stdout.write(`${t}\n`));
  const stderr = io.stderr ?? ((l: string) => process.stderr.write(`${l}\n`));
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    stderr(`barberpro ops: unknown command ${name}`);
    return { exitCode: EXIT.usage };
  }
  let ctx: OpsContext;
  try {
    ctx = createContext(options, io.env ?? process.env, stderr);
  } catch (error) {
    stderr(error instanceof Error ? error.message : String(error));
    return { exitCode: EXIT.usage };
  }
  // Callers other than commander (tests, other commands) get the same defaults.
  const withDefaults: Record<string, unknown> = { ...options };
  for (const option of command.options ?? []) if (withDefaults[option.attributeName()] === undefined && option.defaultValue !== undefined) withDefaults[option.attributeName()] = option.defaultValue;
  const startedAt = new Date();
  const outcome = await command.run(ctx, withDefaults);
  const report: OpsReport = {
    command: name,
    target: ctx.baseUrl,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    checks: outcome.checks,
    ...(outcome.notes ? { notes: outcome.notes } : {}),
  };
  stdout(options.json ? renderJson(report) : renderHuman(report));
  return { exitCode: exitCodeOf(report.checks, { strict: Boolean(options.strict) }), report };
}

function commonOptions(cmd: Command): Command {
  return cmd
    .option('--url <url>', 'the BarberPro to check (default BARBERPRO_URL or http://localhost:3000)')
    .option('--json', 'print the report as JSON')
    .option('--strict', 'exit non-zero on warnings and skipped checks too')
    .option('--quiet', 'no progress lines on stderr')
    .addOption(new Option('--timeout <seconds>', 'per-request timeout').argParser(positiveInt(600)).default(10));
}

export function registerOpsCommands(program: Command): void {
  const ops = program
    .command('ops')
    .description('The operations runbook’s checks against a running BarberPro (exit 0 holds, 1 a check failed, 2 usage error)')
    .addHelpText(
      'after',
      '\nEnvironment: BARBERPRO_URL, BARBERPRO_ADMIN_TOKEN (an admin access token for the admin API), METRICS_TOKEN, DATABASE_URL, REDIS_URL.',
    );
  for (const c of COMMANDS) {
    const cmd = commonOptions(ops.command(c.name).description(c.description));
    if (c.arguments) cmd.arguments(c.arguments);
    for (const option of c.options ?? []) cmd.addOption(option);
    cmd.action(async (...received: unknown[]) => {
      // commander passes the declared arguments, then the options, then the command.
      const options = received.at(-2) as OpsOptions & Record<string, unknown>;
      const args = received.slice(0, -2).flatMap((a) => (a === undefined ? [] : Array.isArray(a) ? a : [a])) as string[];
      process.exitCode = (await runOpsCommand(c.name, { ...options, args })).exitCode;
    });
  }
}
