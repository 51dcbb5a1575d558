import cluster from 'node:cluster';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.js';
import { scheduleCoreJobs } from '../jobs.js';
import { EMBEDDED_CLIENT, startEmbeddedMercadoPago } from './embedded-mercadopago.js';
import { startEmbeddedAfip } from './embedded-afip.js';
import { seedDemoData } from '../demo/seed.js';
import { loadConfig, type AppConfig } from '../platform/config.js';
import { createDatabase, type Database } from '../platform/db/database.js';
import { DataDirLockedError } from '../platform/db/data-dir-lock.js';
import { migrateToLatest } from '../platform/db/migrator.js';
import { createPersonalDataCipher } from '../platform/crypto/personal-data.js';
import { sealPlaintextAtMigrate } from '../platform/crypto/rotation.js';
import { WEB_DIST } from '../platform/http/web-app.js';
import { BullMQJobQueue } from '../platform/queue/bullmq-queue.js';
import { InProcessJobQueue } from '../platform/queue/in-process-queue.js';
import type { JobQueue } from '../platform/queue/queue.js';
import { createRequestRedis, jobConnection, parseRedisTarget } from '../platform/redis.js';
import { resolveJwtSecret } from '../platform/secrets.js';
import { startTracing } from '../platform/tracing.js';
import { serveClusterMetrics } from '../platform/metrics-cluster.js';
import { publishQueueDepth } from '../platform/queue/queue-depth-metric.js';

export interface ServeOptions {
  port?: number | undefined;
  host?: string | undefined;
  workers?: number | undefined;
}

export async function openDatabase(config: AppConfig): Promise<Database> {
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

function configFor(options: ServeOptions): AppConfig {
  const config = loadConfig();
  if (options.port !== undefined) config.port = options.port;
  if (options.host !== undefined) config.host = options.host;
  return config;
}

/**
 * `serve --workers N`: the primary prepares the database once, then forks N processes that
 * share the port (node:cluster) and restarts any that die. Workers hold no state that
 * matters: PostgreSQL and Redis are shared, so this is the same as N machines.
 */
export async function serve(options: ServeOptions): Promise<void> {
  const workers = options.workers ?? 1;
  if (workers <= 1) {
    await startInstance(configFor(options), { prepareDatabase: true });
    return;
  }
  const config = configFor(options);
  if (config.database.kind === 'pglite')
    throw new Error('--workers needs DATABASE_URL: the embedded database belongs to a single process.');
  if (!config.redisUrl) console.warn('REDIS_URL is not set: each worker keeps its own cache, rate limits and job runner.');

  const database = await createDatabase(config.database);
  await migrateToLatest(database.db);
  if (config.seedDemo) await seedDemoData(database.db);
  await sealPlaintextAtMigrate(database.db, createPersonalDataCipher(config));
  await database.close();

  let stopping = false;
  serveClusterMetrics();
  cluster.setupPrimary({ args: process.argv.slice(2) });
  for (let i = 0; i < workers; i++) cluster.fork({ BARBERPRO_CLUSTER_WORKER: '1' });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    console.error(`worker ${worker.process.pid} exited (${signal ?? code}); starting a replacement`);
    cluster.fork({ BARBERPRO_CLUSTER_WORKER: '1' });
  });
  const stop = (signal: NodeJS.Signals) => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    // Workers drain their in-flight requests, then exit; the primary follows them.
    const check = setInterval(() => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    }, 100);
    check.unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/** A cluster worker: the primary already migrated the database. */
export async function serveClusterWorker(options: ServeOptions): Promise<void> {
  await startInstance(configFor(options), { prepareDatabase: false });
}

export function isClusterWorker(): boolean {
  return cluster.isWorker && process.env.BARBERPRO_CLUSTER_WORKER === '1';
}

async function startInstance(config: AppConfig, { prepareDatabase }: { prepareDatabase: boolean }): Promise<FastifyInstance> {
  // First, so that everything this process serves is traced (only with OTEL_EXPORTER_OTLP_ENDPOINT).
  const stopTracing = await startTracing(config);
  const database = await openDatabase(config);
  const migrations = prepareDatabase ? await migrateToLatest(database.db) : undefined;
  const redisTarget = config.redisUrl ? parseRedisTarget(config.redisUrl, config.redisCluster) : undefined;
  const redis = redisTarget ? createRequestRedis(redisTarget) : undefined;
  // Jobs report through the app's logger, which exists once buildApp returns.
  const started: { app?: FastifyInstance } = {};
  const onJobError = (error: unknown, job: { name: string; id: string }) =>
    started.app?.log.warn({ job: job.name, jobId: job.id, err: error instanceof Error ? { message: error.message } : error }, 'job attempt failed');
  const queue: JobQueue = config.redisUrl ? new BullMQJobQueue(jobConnection(redisTarget!), onJobError) : new InProcessJobQueue(onJobError);

  const seeded = prepareDatabase && config.seedDemo ? await seedDemoData(database.db) : undefined;
  // Plaintext written before encryption at rest (or by the seed) is sealed before serving.
  if (prepareDatabase) await sealPlaintextAtMigrate(database.db, createPersonalDataCipher(config));
  const sandbox = await startEmbeddedMercadoPago(config, database.db);
  const afip = await startEmbeddedAfip(config, database.db);
  const app = await buildApp({
    config,
    database,
    jwtSecret: resolveJwtSecret(config),
    redis,
    queue,
    clusterMetrics: isClusterWorker(),
    webDist: WEB_DIST,
    ...(sandbox ? { mercadopago: { baseUrl: sandbox.url, authBaseUrl: sandbox.url, clientId: EMBEDDED_CLIENT.id, clientSecret: EMBEDDED_CLIENT.secret } } : {}),
    ...(afip ? { afip: afip.endpoints } : {}),
  });
  app.log.info(
    {
      database: database.description,
      cache: app.cache.kind,
      queue: queue.kind,
      mercadopago: sandbox ? `local sandbox at ${sandbox.url}` : (config.mercadopago.baseUrl ?? 'https://api.mercadopago.com'),
      afip: afip ? `local sandbox at ${afip.sandbox.url}` : (config.afip.environment ?? 'not configured: invoices are recorded but not issued'),
      ...(migrations ? { applied: migrations.applied, schema: migrations.checksum } : {}),
    },
    'dependencies ready',
  );
  if (seeded?.created) app.log.info({ shops: seeded.shops }, 'demo data seeded (accounts are listed in the README)');

  started.app = app;
  const instance = app;
  await queue.start();
  // Scheduling needs Redis; if it is down at start, keep trying rather than run without jobs.
  const schedule = () =>
    scheduleCoreJobs(queue).catch((error: unknown) => {
      instance.log.warn({ err: error instanceof Error ? { message: error.message } : error }, 'could not schedule periodic jobs yet; retrying in 30 s');
      setTimeout(schedule, 30_000).unref();
    });
  await schedule();
  const stopQueueDepth = config.environmentName ? publishQueueDepth(config.environmentName, () => queue.depths()) : () => undefined;

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    instance.log.info({ signal }, 'shutting down: draining in-flight requests');
    stopQueueDepth();
    await instance.close();
    await queue.close();
    await sandbox?.close();
    await afip?.sandbox.close();
    redis?.disconnect();
    await database.close();
    await stopTracing(); // flushes the last spans
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await instance.listen({ port: config.port, host: config.host });
  return instance;
}
