import { Command, InvalidArgumentError } from 'commander';
import { seedDemoData, DEMO_ACCOUNTS, DEMO_PASSWORD } from '../demo/seed.js';
import { loadConfig } from '../platform/config.js';
import { migrateToLatest } from '../platform/db/migrator.js';
import { createPersonalDataCipher } from '../platform/crypto/personal-data.js';
import { sealPlaintextAtMigrate } from '../platform/crypto/rotation.js';
import { registerKeysCommands } from './keys.js';
import { isClusterWorker, openDatabase, serve, serveClusterWorker, type ServeOptions } from './serve.js';
import { parseBatchSize, runAuditVerify } from '../modules/audit/cli.js';
import { registerOpsCommands } from './ops/commands.js';
import { registerDeployCommands } from './deploy/commands.js';

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('must be a port number');
  return port;
}

function parseWorkers(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidArgumentError('must be a whole number from 1 to 64');
  return n;
}

const program = new Command()
  .name('barberpro')
  .description('BarberPro: booking marketplace for barbershops in Argentina')
  .showHelpAfterError();

program
  .command('serve')
  .description('Run the API server (migrates the database first; seeds demo data on the embedded default)')
  .option('-p, --port <port>', 'port to listen on (default PORT or 3000)', parsePort)
  .option('--host <host>', 'interface to bind (default HOST or 0.0.0.0)')
  .option('-w, --workers <n>', 'processes sharing the port (node:cluster); needs DATABASE_URL', parseWorkers)
  .action((options: ServeOptions) => (isClusterWorker() ? serveClusterWorker(options) : serve(options)));

program
  .command('migrate')
  .description('Apply pending database migrations')
  .action(async () => {
    const config = loadConfig();
    const database = await openDatabase(config);
    try {
      const report = await migrateToLatest(database.db);
      console.log(
        report.applied.length ? `Applied ${report.applied.join(', ')} on ${database.description}.` : `${database.description} is up to date.`,
      );
      const sealed = await sealPlaintextAtMigrate(database.db, createPersonalDataCipher(config));
      if (sealed) console.log(`Sealed ${sealed} personal data value(s) stored in plaintext.`);
    } finally {
      await database.close();
    }
  });

program
  .command('seed')
  .description('Load the demo shops and accounts (idempotent)')
  .action(async () => {
    const config = loadConfig();
    const database = await openDatabase(config);
    try {
      await migrateToLatest(database.db);
      const result = await seedDemoData(database.db);
      await sealPlaintextAtMigrate(database.db, createPersonalDataCipher(config));
      console.log(
        result.created
          ? `Seeded ${result.shops} demo shops on ${database.description}.\nAccounts (password "${DEMO_PASSWORD}"): ${Object.values(DEMO_ACCOUNTS).join(', ')}`
          : 'Demo data is already there; nothing to do.',
      );
    } finally {
      await database.close();
    }
  });

program
  .command('audit')
  .description('The tamper-evident audit trail of financial events')
  .command('verify')
  .description('Walk the hash chain and name the first broken row (exit 0 intact, 1 broken, 2 could not check)')
  .option('--json', 'print the result as JSON')
  .option('--batch-size <n>', 'rows read per query', parseBatchSize)
  .action(async (options: { json?: boolean; batchSize?: number }) => {
    process.exitCode = await runAuditVerify(loadConfig(), options);
  });

registerOpsCommands(program);
registerKeysCommands(program);
registerDeployCommands(program);

await program.parseAsync(process.argv);
