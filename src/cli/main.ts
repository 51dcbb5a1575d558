import { Command, InvalidArgumentError } from 'commander';
import { buildApp } from '../app.js';
import { seedDemoData, DEMO_ACCOUNTS, DEMO_PASSWORD } from '../demo/seed.js';
import { loadConfig, type AppConfig } from '../platform/config.js';
import { createDatabase, type Database } from '../platform/db/database.js';
import { DataDirLockedError } from '../platform/db/data-dir-lock.js';
import { migrateToLatest } from '../platform/db/migrator.js';
import { resolveJwtSecret } from '../platform/secrets.js';

const HOLD_SWEEP_INTERVAL_MS = 30_000;

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('must be a port number');
  return port;
}

async function openDatabase(config: AppConfig): Promise<Database> {
  try {
    return await createDatabase(config.database);
  } catch (error) {
    if (error instanceof DataDirLockedError) {
      console.error(`${error.message}\nMigrations and demo data are applied by the server itself when it starts.`);
      process.exit(1);
    }
    throw error;
  }
}

async function serve(options: { port?: number; host?: string }): Promise<void> {
  const config = loadConfig();
  if (options.port !== undefined) config.port = options.port;
  if (options.host !== undefined) config.host = options.host;
  const database = await openDatabase(config);
  const migrations = await migrateToLatest(database.db);
  const app = await buildApp({ config, database, jwtSecret: resolveJwtSecret(config) });
  app.log.info({ database: database.description, applied: migrations.applied, schema: migrations.checksum }, 'database ready');
  if (config.seedDemo) {
    const seeded = await seedDemoData(database.db);
    if (seeded.created) app.log.info({ shops: seeded.shops }, 'demo data seeded (accounts are listed in the README)');
  }

  const sweep = setInterval(() => {
    app.services.bookings
      .expireHolds()
      .then((n) => n > 0 && app.log.info({ expired: n }, 'released expired booking holds'))
      .catch((error: unknown) => app.log.warn({ err: error }, 'hold sweep failed; will retry'));
  }, HOLD_SWEEP_INTERVAL_MS);
  sweep.unref();

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: draining in-flight requests');
    clearInterval(sweep);
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
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
  .action(serve);

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
      console.log(
        result.created
          ? `Seeded ${result.shops} demo shops on ${database.description}.\nAccounts (password "${DEMO_PASSWORD}"): ${Object.values(DEMO_ACCOUNTS).join(', ')}`
          : 'Demo data is already there; nothing to do.',
      );
    } finally {
      await database.close();
    }
  });

await program.parseAsync(process.argv);
