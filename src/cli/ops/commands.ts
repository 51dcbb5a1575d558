/**
 * `barberpro ops <check>`: the runbook's scripts (../shared/seed/launch-readiness-infrastructure.md).
 * Each command measures against a running BarberPro and exits non-zero when what it checks
 * does not hold; commands whose subject does not exist yet say so and exit 3.
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
import { assessSeverity, SEVERITY, statusOfSeverity } from './verdicts.js';
import { check } from './report.js';

export interface CommandOutcome {
  checks: CheckResult[];
  notes?: string[];
}

type Runner = (ctx: OpsContext, options: Record<string, any>) => Promise<CommandOutcome>;

interface OpsCommand {
  name: string;
  description: string;
  options?: Option[];
  run: Runner;
}

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
      const checks = [...probes, ...metrics.checks];
      const { severity, reasons } = assessSeverity(checks);
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
    name: 'compliance-validation',
    description: 'The daily compliance checks together: audit trail, ledger, invoices and credit notes, AFIP health (data protection once it exists)',
    options: [new Option('--grace-minutes <n>', 'how long a payment or refund may wait for its voucher').argParser(positiveInt(10_080)).default(60)],
    run: async (ctx, o) => ({
      checks: [
        await auditChainCheck(ctx),
        ...(await ledgerChecks(ctx)),
        ...(await documentChecks(ctx, o.graceMinutes as number)),
        ...(await runAfipHealthCheck(ctx)).checks,
        check.skip('data-protection', 'Data protection (data-protection-check)', 'not implemented yet: issue 9 (Ley 25.326) brings it'),
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
];

/** Script names of the runbook whose subject another issue (or a later part of this one) brings. */
export const NOT_IMPLEMENTED: Record<string, string> = {
  'data-protection-check': 'issue 9 (personal data protection, Ley 25.326)',
  'automated-recovery': 'issue 6, incidents part (recovery runbooks recorded on the incident)',
  'manual-recovery': 'issue 6, incidents part',
  'incident-notification': 'issue 6, incidents part (Slack, WhatsApp, email, SMS channels)',
  'post-incident-analysis': 'issue 6, incidents part (timeline, MTTD, MTTR)',
  'cost-monitoring': 'issue 6, cost part (cost model of the topology)',
  'cost-optimization-report': 'issue 6, cost part',
  'budget-analysis': 'issue 6, cost part',
  'pre-deployment-check': 'issue 6, maintenance windows part',
};

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
    const issue = NOT_IMPLEMENTED[name];
    stderr(issue ? `barberpro ops ${name}: not implemented yet — ${issue} brings it. Nothing was checked.` : `barberpro ops: unknown command ${name}`);
    return { exitCode: issue ? EXIT.notImplemented : EXIT.usage };
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
    .description('The operations runbook’s checks against a running BarberPro (exit 0 holds, 1 a check failed, 3 not implemented yet)')
    .addHelpText(
      'after',
      '\nEnvironment: BARBERPRO_URL, BARBERPRO_ADMIN_TOKEN (an admin access token for the admin API), METRICS_TOKEN, DATABASE_URL, REDIS_URL.\n' +
        `Not implemented yet: ${Object.keys(NOT_IMPLEMENTED).join(', ')}.`,
    );
  for (const c of COMMANDS) {
    const cmd = commonOptions(ops.command(c.name).description(c.description));
    for (const option of c.options ?? []) cmd.addOption(option);
    cmd.action(async (options: OpsOptions & Record<string, unknown>) => {
      process.exitCode = (await runOpsCommand(c.name, options)).exitCode;
    });
  }
  for (const [name, issue] of Object.entries(NOT_IMPLEMENTED)) {
    ops
      .command(name)
      .description(`not implemented yet (${issue})`)
      .allowUnknownOption()
      .allowExcessArguments()
      .action(async () => {
        process.exitCode = (await runOpsCommand(name, {})).exitCode;
      });
  }
}
