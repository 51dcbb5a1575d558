/**
 * `barberpro deploy <verb>` and `barberpro dr drill`: the runbook's deployment and DR scripts
 * (scripts/<name>.sh call these). AWS verbs act on the topology in infra/ through the AWS SDK;
 * `deploy local --drill` and `dr drill` run the same mechanisms on this machine, measured.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
// Loaded when a verb runs, so that `barberpro serve` does not load the AWS SDK at start.
import type { EnvironmentName, OperationContext } from './aws-operations.js';
const operations = () => import('./aws-operations.js');
import { runGuarded, type GuardOptions, type Plan } from './guard.js';

/** Runbook scripts (scripts/<name>.sh) that call `barberpro deploy <name>` rather than `ops`. */
export const RUNBOOK_DEPLOY_SCRIPTS = ['blue-green-deploy', 'traffic-switch', 'verify-rollback', 'dr-activation', 'dns-failover', 'dr-verification', 'dr-notification'] as const;

interface CommonOptions {
  environment: EnvironmentName;
  region: string;
  standbyRegion: string;
  dryRun?: boolean;
  emergency?: boolean;
  force?: boolean;
  reason?: string;
}

function positive(max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new InvalidArgumentError(`must be a whole number from 1 to ${max}`);
    return n;
  };
}

function environmentOption(value: string): EnvironmentName {
  if (value !== 'production' && value !== 'staging') throw new InvalidArgumentError('must be production or staging');
  return value;
}

/** Options every AWS verb takes. */
function awsVerb(parent: Command, name: string, description: string): Command {
  return parent
    .command(name)
    .description(description)
    .addOption(new Option('-e, --environment <name>', 'production or staging').argParser(environmentOption).default('production'))
    .option('--region <region>', 'primary region', process.env.AWS_REGION ?? 'sa-east-1')
    .option('--standby-region <region>', 'standby (DR) region', 'us-east-1')
    .option('--dry-run', 'print what would be done (reads AWS to name things) and change nothing')
    .option('--emergency', 'an emergency change: the secondary (emergency-only) window applies too')
    .option('--force', 'run outside the maintenance windows (needs --reason)')
    .option('--reason <text>', 'why it runs outside the windows; printed with the change');
}

export type ContextFactory = (options: CommonOptions) => OperationContext | Promise<OperationContext>;

const defaultContext: ContextFactory = async (o) => {
  const { awsClients } = await operations();
  return {
    target: { environment: o.environment, region: o.region, standbyRegion: o.standbyRegion },
    primary: awsClients(o.region),
    standby: awsClients(o.standbyRegion),
    now: new Date(),
  };
};

export function registerDeployCommands(program: Command, makeContext: ContextFactory = defaultContext, guard: Partial<GuardOptions> = {}): void {
  const deploy = program.command('deploy').description('Blue-green deploys, rollback, scaling and DR on AWS (infra/), or blue-green on this machine (deploy local)');

  const verb = <T extends object>(name: string, description: string, plan: (ctx: OperationContext, options: T & CommonOptions, args: string[]) => Promise<Plan>, configure: (c: Command) => Command = (c) => c) => {
    configure(awsVerb(deploy, name, description)).action(async (...params: unknown[]) => {
      const command = params.at(-1) as Command;
      const options = command.opts<T & CommonOptions>();
      const ctx = await makeContext(options);
      process.exitCode = await runGuarded(() => plan(ctx, options, command.args), { ...guard, dryRun: options.dryRun, force: options.force, reason: options.reason, emergency: options.emergency, now: guard.now ?? ctx.now });
    });
  };

  verb<{ taskDefinition?: string }>('blue-green-deploy', 'Register the image tag [version] as a new task definition revision and deploy it through CodeDeploy (canary 10%, then all; rollback on alarm)', async (ctx, o, args) => (await operations()).blueGreenDeployPlan(ctx, { version: args[0], taskDefinition: o.taskDefinition }), (c) =>
    c.argument('[version]', 'image tag to deploy (the current image with this tag)').option('--task-definition <arn>', 'deploy this task definition revision instead'),
  );
  verb('traffic-switch', 'Move the in-progress deployment on: reroute traffic if it waits for that, or end the wait before the old task set goes', async (ctx) => (await operations()).trafficSwitchPlan(ctx));
  verb<{ to?: string }>('rollback', 'Stop the in-progress deployment with rollback, or deploy the previous task definition revision', async (ctx, o) => (await operations()).rollbackPlan(ctx, { to: o.to }), (c) => c.option('--to <family:revision>', 'the revision to return to (default: the one before the current)'));
  verb<{ expect?: string }>('verify-rollback', 'Check the rollback took: no deployment in progress, one task set at its desired count, rollback alarms quiet (read-only)', async (ctx, o) => (await operations()).verifyRollbackPlan(ctx, { expect: o.expect }), (c) => c.option('--expect <family:revision>', 'the task definition that must be serving'));
  verb('scale-out', 'Emergency scale-out: desired 10 tasks (production), auto scaling minimum raised to match', async (ctx) => (await operations()).scaleOutPlan(ctx));
  verb('scale-in', 'Low-traffic scale-in: back to the minimum of 3 tasks (production)', async (ctx) => (await operations()).scaleInPlan(ctx));
  verb('create-read-replica', 'Create the runbook\'s barberpro-read-replica-1 of the primary database', async (ctx) => (await operations()).createReadReplicaPlan(ctx));
  verb('snapshot', 'DB snapshot maintenance-<date> before maintenance', async (ctx) => (await operations()).snapshotPlan(ctx));
  verb<{ restoreTime?: string; latest?: boolean }>('point-in-time-restore', 'Restore the primary database to a time, into a new instance barberpro-restore-<date>', async (ctx, o) => (await operations()).pointInTimeRestorePlan(ctx, { restoreTime: o.restoreTime, latest: o.latest }), (c) =>
    c.option('--restore-time <iso>', 'UTC time to restore to (ISO-8601)').option('--latest', 'the latest restorable time'),
  );
  verb<{ waitMinutes: number }>('dr-activation', 'Promote the standby region\'s replica and scale the standby service up', async (ctx, o) => (await operations()).drActivationPlan(ctx, { waitMinutes: o.waitMinutes }), (c) =>
    c.addOption(new Option('--wait-minutes <n>', 'how long to wait for the promotion').argParser(positive(120)).default(40)),
  );
  verb<{ healthCheckId?: string; failBack?: boolean }>('dns-failover', 'Send the origin name to the standby region (inverts the primary\'s Route 53 health check); --fail-back undoes it', async (ctx, o) => (await operations()).dnsFailoverPlan(ctx, { healthCheckId: o.healthCheckId, failBack: o.failBack }), (c) =>
    c.option('--health-check-id <id>', 'default: the one tagged Name=barberpro-<environment>-origin').option('--fail-back', 'return to the primary'),
  );
  verb<{ url?: string }>('dr-verification', 'Check the standby: database promoted and available, service at its desired tasks, and /readyz through the public name (read-only)', async (ctx, o) => (await operations()).drVerificationPlan(ctx, { url: o.url }), (c) =>
    c.option('--url <base>', 'public base URL to probe, e.g. https://barberpro.ar'),
  );
  verb<{ message?: string }>('dr-notification', 'Tell stakeholders DR is active (SNS critical topic in the standby region)', async (ctx, o) => (await operations()).drNotificationPlan(ctx, { message: o.message, reason: o.reason }), (c) => c.option('--message <text>', 'what to say (es-AR)'));

  deploy
    .command('local')
    .description('Blue-green on this machine: two BarberPro process groups behind a local traffic switcher')
    .option('--drill', 'run the measured drill: deploy under load, kill a canary, refuse a broken version')
    .option('--json', 'print the report as JSON')
    .addOption(new Option('--connections <n>', 'concurrent load connections').argParser(positive(200)).default(10))
    .addOption(new Option('--canary-seconds <n>', 'time at 10% and again at 100% before draining').argParser(positive(600)).default(5))
    .action(async (o: { drill?: boolean; json?: boolean; connections: number; canarySeconds: number }) => {
      if (!o.drill) {
        console.error('deploy local: only --drill is available: it starts the versions itself from this checkout');
        process.exitCode = 2;
        return;
      }
      const databaseUrl = process.env.DATABASE_URL;
      if (!databaseUrl) {
        console.error('deploy local --drill needs DATABASE_URL: two versions share one PostgreSQL (the embedded database belongs to one process)');
        process.exitCode = 2;
        return;
      }
      const { runLocalDrill, renderDrill } = await import('./local-drill.js');
      const report = await runLocalDrill({ databaseUrl, redisUrl: process.env.REDIS_URL, connections: o.connections, canaryMs: o.canarySeconds * 1000, log: o.json ? undefined : (line) => console.error(`· ${line}`) });
      console.log(o.json ? JSON.stringify(report, null, 2) : renderDrill(report));
      process.exitCode = report.passed ? 0 : 1;
    });

  program
    .command('dr')
    .description('Disaster recovery on this machine')
    .command('drill')
    .description('Kill a real PostgreSQL primary under writes, restore it from base backup + archived WAL, measure RPO and RTO')
    .option('--json', 'print the report as JSON')
    .option('--keep', 'keep the drill\'s clusters and archive (path printed)')
    .option('--pg-bin <dir>', 'PostgreSQL 15+ binaries (default PG_BIN or /usr/lib/postgresql/15/bin)')
    .addOption(new Option('--archive-timeout <seconds>', 'archive_timeout of the primary').argParser(positive(600)).default(10))
    .option('--record <dir>', 'also write the report as JSON to <dir>/dr-drill-last.json (for dr-readiness-check)')
    .action(async (o: { json?: boolean; keep?: boolean; pgBin?: string; archiveTimeout: number; record?: string }) => {
      const { runDrDrill, renderDrDrill, DEFAULT_DR_DRILL } = await import('./dr-drill.js');
      const report = await runDrDrill({ ...DEFAULT_DR_DRILL, pgBin: o.pgBin ?? DEFAULT_DR_DRILL.pgBin, archiveTimeoutSeconds: o.archiveTimeout, keep: o.keep, log: o.json ? undefined : (line) => console.error(`· ${line}`) });
      if (o.record) {
        mkdirSync(o.record, { recursive: true });
        writeFileSync(join(o.record, 'dr-drill-last.json'), JSON.stringify({ at: new Date().toISOString(), ...report }, null, 2));
      }
      console.log(o.json ? JSON.stringify(report, null, 2) : renderDrDrill(report));
      process.exitCode = report.passed ? 0 : 1;
    });
}
