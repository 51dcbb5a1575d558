/**
 * `npm run bench`: the load benchmark against real PostgreSQL and Redis.
 *
 *   npm run bench                       # full run: 10, 50, 200 connections, 15 s per stage
 *   npm run bench -- --quick            # 3 s stages, 50 customers (a smoke run; writes <date>-quick.*)
 *   npm run bench -- --workers 1 --tag workers1
 *   BENCH_DURATION=5 npm run bench
 *
 * Options: --workers N (4) · --concurrency 10,50,200 · --duration S (BENCH_DURATION, 15) ·
 * --quick · --tag NAME (results file suffix) · --no-write · --check (exit 3 when a target is missed) ·
 * --wait-quiet S (wait up to S seconds for other processes to leave the CPU before measuring) ·
 * --retry-noisy N (run a stage again, up to N times, when other processes took the CPU during it) ·
 * --warmup S (seconds of the mix before measuring; 5) · --offered-rate A,B,… (open-loop rates at the largest
 * concurrency, req/s; default 25/50/75 % of its closed-loop throughput).
 * Env: DATABASE_URL (server for the scratch database; default postgres://postgres@127.0.0.1:5432/postgres),
 * BENCH_REDIS_URL (redis://127.0.0.1:6379/7), BENCH_MIX ("search=40,availability=40,booking=15,webhook=5"),
 * BENCH_SEED, BENCH_CUSTOMERS (300), BENCH_DB_POOL_MAX (10 per worker), BENCH_SERVICE_NODE_ARGS (node flags
 * for the service process and its workers, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile them).
 *
 * Loopback only, bounded in time and requests; everything it creates is removed at the end,
 * also on failure or Ctrl-C.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { mulberry32 } from '../slot-engine.js';
import { cpuSnapshot, cpuUsage } from './cpu.js';
import { freeConnections, prepareRawInsertTable, runNodeInserts, runPgbench, type DbCeilingResult } from './db-ceiling.js';
import { constant, runStage, type StageResult } from './driver.js';
import { runOpenLoopStage } from './open-loop.js';
import { Cleanup, createScratchDatabase, freePort, machineInfo, openRedisNamespace, sleep, which } from './env.js';
import { cacheDelta, hitRate, queueDepths, requestsPerWorker, routeDelta, scrapeAllWorkers, type ScrapeOutcome } from './prometheus.js';
import { costPerRequest, evaluateTargets, renderMarkdown, type BenchReport, type CacheMeasurement, type CostStage, type OpenLoopStage, type StageRecord } from './report.js';
import { ANY_BARBER_SHARE, CITY_WEIGHTS, KINDS, parseMix, Scenario, WEBHOOK_LABEL, WEBHOOK_PATH, WEBHOOK_STANDIN_LABEL, WEEK_WEIGHTS, type NotificationCounts } from './scenario.js';
import { childPids, getJson, ServiceProcess } from './service.js';
import { BENCH_HOLD_MINUTES, depositSlots, linkShops, payDeposits, startBenchMercadoPago, type PaidDeposit } from './payments.js';
import { buildSlotPool, insertCustomers, loadCatalog, logIn, migrateAndSeed, shopIds } from './setup.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RESULTS_DIR = path.join(ROOT, 'bench/results');
const READ_MIX_CACHES = ['search', 'availability'] as const;
const RATE_LIMIT = 1_000_000_000;
const ACCESS_TOKEN_TTL_SECONDS = 3_600;
const REQUEST_TIMEOUT_SECONDS = 10;
/** Open-loop rates as shares of the largest concurrency's closed-loop throughput. */
const OPEN_LOOP_SHARES = [0.25, 0.5, 0.75];
/** Generator lateness (p99) beyond which an open-loop stage's offered rate is not trustworthy. */
const OPEN_LOOP_MAX_LAG_MS = 20;

const { values: args } = parseArgs({
  options: {
    workers: { type: 'string' },
    concurrency: { type: 'string' },
    duration: { type: 'string' },
    quick: { type: 'boolean', default: false },
    tag: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
    'wait-quiet': { type: 'string' },
    'retry-noisy': { type: 'string' },
    'offered-rate': { type: 'string' },
    warmup: { type: 'string' },
  },
  strict: true,
});

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive whole number, got "${value}"`);
  return n;
}

const quick = args.quick ?? false;
const workers = positiveInt('--workers', args.workers, 4);
const durationSeconds = positiveInt('--duration / BENCH_DURATION', args.duration ?? process.env.BENCH_DURATION, quick ? 3 : 15);
const concurrency = (args.concurrency ?? '10,50,200').split(',').map((c) => positiveInt('--concurrency', c.trim(), 1));
const warmupSeconds = positiveInt('--warmup', args.warmup, quick ? 1 : Math.min(5, durationSeconds));
const seed = positiveInt('BENCH_SEED', process.env.BENCH_SEED, 20_260_601);
const customers = positiveInt('BENCH_CUSTOMERS', process.env.BENCH_CUSTOMERS, quick ? 50 : 300);
const dbPoolMax = positiveInt('BENCH_DB_POOL_MAX', process.env.BENCH_DB_POOL_MAX, 10);
const paidDeposits = positiveInt('BENCH_PAID_DEPOSITS', process.env.BENCH_PAID_DEPOSITS, quick ? 300 : 2_500);
const mix = parseMix(process.env.BENCH_MIX);
const baseDatabaseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379/7';
const waitQuietSeconds = args['wait-quiet'] === undefined ? 0 : positiveInt('--wait-quiet', args['wait-quiet'], 0);
const retryNoisy = args['retry-noisy'] === undefined ? 0 : positiveInt('--retry-noisy', args['retry-noisy'], 0);
const tag = args.tag ?? (quick ? 'quick' : undefined);
const packageVersion = (name: string) => (JSON.parse(readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
const autocannonVersion = packageVersion('autocannon');

const log = (message: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
const warnings: string[] = [];
const cleanup = new Cleanup();
cleanup.installSignalHandlers();

/** The service's environment: nothing inherited but the basics (no OTEL exporter, SMTP or WhatsApp from the shell). */
function serviceEnv(databaseUrl: string, port: number, dataDir: string, jwtSecret: string, metricsToken: string, webhookSecret: string, dataKeys: string): Record<string, string> {
  const keep = ['PATH', 'HOME', 'LANG', 'TMPDIR', 'NODE_EXTRA_CA_CERTS'];
  const env: Record<string, string> = {};
  for (const k of keep) if (process.env[k]) env[k] = process.env[k]!;
  return {
    ...env,
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_MAX: String(dbPoolMax),
    REDIS_URL: redisUrl,
    JWT_SECRET: jwtSecret,
    METRICS_TOKEN: metricsToken,
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    SEED_DEMO: 'false',
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    ACCESS_TOKEN_TTL_SECONDS: String(ACCESS_TOKEN_TTL_SECONDS),
    RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
    RATE_LIMIT_LOGIN_PER_MINUTE: String(RATE_LIMIT),
    RATE_LIMIT_BOOKINGS_PER_MINUTE: String(RATE_LIMIT),
    // Payments (production requires them). MercadoPago is never the real one: a loopback URL.
    MP_WEBHOOK_SECRET: webhookSecret,
    DATA_ENCRYPTION_KEYS: dataKeys,
    DATA_HASH_KEY: randomBytes(32).toString('base64'),
  };
}

const QUIET = 0.15;

/** Share of all cores busy over 3 s, minus this process and the service (when it runs). */
async function backgroundLoad(servicePid?: number): Promise<number> {
  const before = cpuSnapshot();
  await sleep(3_000);
  const usage = cpuUsage(before, cpuSnapshot(), servicePid);
  return usage ? usage.machineBusy - usage.groups.loadGenerator - usage.groups.service : 0;
}

function describeStage(label: string, r: StageResult): string {
  const l = r.total.latencyMs;
  return `${label}: ${r.total.throughput.toFixed(0)} req/s, p50 ${l?.p50.toFixed(1)} ms, p95 ${l?.p95.toFixed(1)} ms, p99 ${l?.p99.toFixed(1)} ms, errors ${r.total.errors}`;
}

async function main(): Promise<number> {
  const startedAt = new Date();
  log(`workers ${workers}, connections ${concurrency.join('/')}, ${durationSeconds} s per stage${quick ? ' (quick)' : ''}`);

  // Redis: a database index of our own, flushed before and after.
  const redis = await openRedisNamespace(redisUrl);
  cleanup.add('close redis', () => redis.close());
  if (redis.keysBefore > 0) warnings.push(`Redis ${redisUrl} held ${redis.keysBefore} keys before the run; they were flushed.`);
  await redis.flush();
  cleanup.add('flush redis', () => redis.flush());

  // PostgreSQL: a scratch database beside DATABASE_URL.
  const scratch = await createScratchDatabase(baseDatabaseUrl);
  cleanup.add(`drop ${scratch.name}`, () => scratch.drop());
  log(`scratch database ${scratch.name}`);
  const pgbench = await which('pgbench');
  const machine = { ...(await machineInfo(scratch.adminUrl, redis, autocannonVersion)), pgbench: pgbench ?? null };

  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'barberpro-bench-data-'));
  cleanup.add('remove DATA_DIR', async () => rmSync(dataDir, { recursive: true, force: true }));
  const metricsToken = randomBytes(24).toString('hex');
  const webhookSecret = randomBytes(24).toString('hex');
  const dataKeys = `bench:${randomBytes(32).toString('base64')}`;
  const env = serviceEnv(scratch.url, port, dataDir, randomBytes(32).toString('hex'), metricsToken, webhookSecret, dataKeys);

  log('migrate + seed (CLI)');
  const seeded = await migrateAndSeed(ROOT, env);
  log(`${seeded.migrate} ${seeded.seed}`);
  const emails = await insertCustomers(scratch.url, customers);

  // MercadoPago: the local sandbox, every shop linked to one of its sellers (never the real one).
  const mp = await startBenchMercadoPago(await shopIds(scratch.url), webhookSecret);
  cleanup.add('stop the MercadoPago sandbox', () => mp.sandbox.close());
  await linkShops(scratch.url, dataKeys, mp.sellers);
  env.MP_BASE_URL = mp.sandbox.url;

  // What the rest of the machine is doing (a shared machine skews every figure below).
  let background = await backgroundLoad();
  for (const deadline = Date.now() + waitQuietSeconds * 1000; background > QUIET && Date.now() < deadline; ) {
    log(`other processes use ${(background * 100).toFixed(0)} % of the CPU; waiting for a quieter machine`);
    await sleep(5_000);
    background = await backgroundLoad();
  }
  log(`CPU used by other processes before measuring: ${(background * 100).toFixed(0)} %`);
  if (background > QUIET)
    warnings.push(`Other processes were using ${(background * 100).toFixed(0)} % of the machine's CPU when measurement started (see "other processes" per stage): every figure is lower than on an idle machine.`);

  // The database ceiling, before the service exists (nothing else of ours on the server).
  await prepareRawInsertTable(scratch.url);
  const database: Record<number, DbCeilingResult> = {};
  const cap = await freeConnections(scratch.url);
  for (const c of concurrency) {
    const clients = Math.min(c, cap);
    log(`raw INSERT ceiling: ${clients} connections, ${durationSeconds} s (${pgbench ? 'pgbench' : 'node pg'})`);
    database[c] = pgbench ? await runPgbench(pgbench, scratch.url, c, clients, durationSeconds) : await runNodeInserts(scratch.url, c, clients, durationSeconds);
    log(`  ${database[c]!.insertsPerSecond.toFixed(0)} tx/s, p95 ${database[c]!.latencyMs?.p95.toFixed(2)} ms`);
  }

  // The service.
  const nodeArgs = (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  if (nodeArgs.length) warnings.push(`The service ran with node flags ${nodeArgs.join(' ')} (BENCH_SERVICE_NODE_ARGS): figures are not comparable with a plain run.`);
  const service = new ServiceProcess({ cwd: ROOT, workers, port, env, nodeArgs });
  cleanup.add('stop service', async () => {
    if (service.running) await service.stop();
  });
  log(`starting node bin/barberpro.mjs serve --workers ${workers} --port ${port}`);
  service.start();
  const readyMs = await service.waitReady();
  log(`/readyz 200 after ${(readyMs / 1000).toFixed(1)} s`);

  // Every worker up? The metrics rotation check answers that; without /metrics, count the processes.
  let metricsAvailable = true;
  let metricsNote: string | undefined;
  const firstScrape = await scrapeAllWorkers(service.url, metricsToken, workers, 60);
  if (!firstScrape.ok) {
    metricsAvailable = false;
    metricsNote = `Prometheus not used: ${firstScrape.reason}; Redis INFO keyspace counters instead`;
    warnings.push(metricsNote);
    const deadline = Date.now() + 120_000;
    while (workers > 1 && childPids(service.pid!).length < workers && Date.now() < deadline) await sleep(500);
    await sleep(5_000);
  }

  const openapi = await getJson<{ paths: Record<string, Record<string, unknown>> }>(`${service.url}/openapi.json`);
  const webhookRoute = Boolean(openapi.paths[WEBHOOK_PATH]?.post);
  log(webhookRoute ? `${WEBHOOK_PATH} exists: ${WEBHOOK_LABEL}` : `${WEBHOOK_PATH} not in /openapi.json: ${WEBHOOK_STANDIN_LABEL}`);

  log(`logging in ${customers} customers`);
  const tokens = await logIn(service.url, emails);
  const shops = await loadCatalog(service.url);
  const random = mulberry32(seed);
  // Slots must stay bookable until the last stage: leave out the next (run time + 30 min).
  const runSeconds = warmupSeconds + 2 + concurrency.length * (2 * durationSeconds + 10) + (KINDS.length + 1) * (Math.min(durationSeconds, 10) + 3) + OPEN_LOOP_SHARES.length * (durationSeconds + 12);
  const pool = await buildSlotPool(service.url, shops, random, (runSeconds + 30 * 60) * 1000);
  log(`${shops.length} shops; booking pool of ${pool.slots.length} non-overlapping slots (${pool.requests} availability requests)`);

  const runId = randomBytes(4).toString('hex');
  // Deposits for the webhook share come out of the pool, so the booking share never takes their slots.
  const depositCandidates = webhookRoute && mix.webhook > 0 ? depositSlots(shops, pool.slots) : [];
  const toPay = depositCandidates.slice(0, Math.min(paidDeposits, Math.floor(depositCandidates.length / 2)));
  const paying = new Set(toPay);
  const bookingSlots = pool.slots.filter((slot) => !paying.has(slot));
  let deposits: PaidDeposit[] = [];
  if (toPay.length > 0) {
    log(`booking and paying ${toPay.length} deposits in the MercadoPago sandbox (notified later, by the webhook share)`);
    const paidStarted = Date.now();
    deposits = await payDeposits(service.url, mp, tokens, toPay, runId);
    log(`  paid in ${((Date.now() - paidStarted) / 1000).toFixed(1)} s`);
  } else if (webhookRoute && mix.webhook > 0) warnings.push('No deposit slots to pay for the webhook share: it read the customers\' bookings instead.');
  const scenario = new Scenario({ mix, shops, tokens, pool: bookingSlots, webhookSecret, deposits, runId });

  log('warm-up');
  const warmHealth = await runStage({ url: service.url, connections: 10, durationSeconds: 1, next: constant('/healthz') });
  const warmMixed = await runStage({ url: service.url, connections: 10, durationSeconds: warmupSeconds, next: scenario.generator(mulberry32(seed ^ 0x5eed)) });
  if (warmMixed.total.errors > 0) warnings.push(`Warm-up had ${warmMixed.total.errors} errors: ${Object.values(warmMixed.byKind).flatMap((k) => k.errorSamples).slice(0, 3).join(' | ')}`);

  // What each kind of request costs in CPU (service, PostgreSQL, Redis), one kind at a time,
  // so the report can say what the mix costs and which throughput these cores could reach.
  // Background work a kind causes itself (a booking's confirmation email, a payment's jobs)
  // counts when it runs in its stage; what an earlier stage left queued must not, so each
  // starts once the job queues have nothing waiting or running. Webhooks go last, after the
  // mixed stages: the deposits' first notifications belong to the mix.
  const waitForIdleQueues = async () => {
    for (const deadline = Date.now() + 60_000; metricsAvailable && Date.now() < deadline; await sleep(1_000)) {
      const depths = await queueDepths(service.url, metricsToken);
      if (!depths || Object.values(depths).every((states) => !states.waiting && !states.active)) return;
    }
  };
  const costs: CostStage[] = [];
  const costConnections = 10;
  const costSeconds = Math.min(durationSeconds, 10);
  const measureCost = async (kind: CostStage['kind'], i: number) => {
    if (scenario.poolExhausted) return;
    await waitForIdleQueues();
    await sleep(2_000);
    service.assertRunning(`before the ${kind} cost stage`);
    const notifications = scenario.notificationCounts();
    const before = cpuSnapshot();
    const result = await runStage({
      url: service.url,
      connections: costConnections,
      durationSeconds: costSeconds,
      next: kind === 'healthz' ? constant('/healthz') : scenario.generator(mulberry32(seed + 31 + i), kind),
      timeoutSeconds: REQUEST_TIMEOUT_SECONDS,
    });
    // The jobs these requests queued (emails, payment processing) are part of their cost: the
    // CPU is measured until the queues are idle again.
    const drainStarted = Date.now();
    await waitForIdleQueues();
    const drainSeconds = (Date.now() - drainStarted) / 1000;
    const cpu = cpuUsage(before, cpuSnapshot(), service.pid);
    costs.push({ kind, connections: costConnections, result, cpu, drainSeconds, ...(kind === 'webhook' ? { notifications: scenario.notificationCounts(notifications) } : {}) });
    const cost = costPerRequest(costs[costs.length - 1]!);
    log(`cost of ${kind}: ${result.total.throughput.toFixed(0)} req/s (queues idle ${drainSeconds.toFixed(1)} s later), CPU per request: ${cost ? `service ${cost.service.toFixed(2)} ms, PostgreSQL ${cost.postgres.toFixed(2)} ms, Redis ${cost.redis.toFixed(2)} ms` : 'n/a'}, errors ${result.total.errors}`);
    if (result.total.errors > 0) warnings.push(`Cost stage ${kind}: ${result.total.errors} errors.`);
  };
  const costKinds = ['healthz', ...KINDS.filter((k) => mix[k] > 0)] as const;
  for (const [i, kind] of costKinds.entries()) if (kind !== 'webhook') await measureCost(kind, i);

  const stages: StageRecord[] = [];
  for (const [index, c] of concurrency.entries()) {
    let attempt = 0;
    let healthz: StageResult, mixed: StageResult;
    let healthCpu: ReturnType<typeof cpuUsage>, mixedCpu: ReturnType<typeof cpuUsage>;
    let scrapeBefore: ScrapeOutcome | undefined, scrapeAfter: ScrapeOutcome | undefined;
    let redisBefore: Record<string, string>, redisAfter: Record<string, string>;
    let notificationsBefore: NotificationCounts;
    for (;;) {
      attempt++;
      // Each stage starts quiet: the jobs an earlier stage queued (emails, payments) run first.
      await waitForIdleQueues();
      await sleep(1_000);
      service.assertRunning(`before the ${c}-connection stages`);
      let before = cpuSnapshot();
      healthz = await runStage({ url: service.url, connections: c, durationSeconds, next: constant('/healthz'), timeoutSeconds: REQUEST_TIMEOUT_SECONDS });
      healthCpu = cpuUsage(before, cpuSnapshot(), service.pid);
      log(describeStage(`/healthz @${c}`, healthz));
      await sleep(1_000);
      service.assertRunning(`during the ${c}-connection /healthz stage`);

      scrapeBefore = metricsAvailable ? await scrapeAllWorkers(service.url, metricsToken, workers) : undefined;
      redisBefore = await redis.info('stats');
      notificationsBefore = scenario.notificationCounts();
      before = cpuSnapshot();
      mixed = await runStage({
        url: service.url,
        connections: c,
        durationSeconds,
        next: scenario.generator(mulberry32(seed + index + 1 + 1000 * (attempt - 1))),
        timeoutSeconds: REQUEST_TIMEOUT_SECONDS,
      });
      mixedCpu = cpuUsage(before, cpuSnapshot(), service.pid);
      service.assertRunning(`during the ${c}-connection mixed stage`);
      redisAfter = await redis.info('stats');
      scrapeAfter = metricsAvailable ? await scrapeAllWorkers(service.url, metricsToken, workers) : undefined;
      const noise = Math.max(healthCpu?.groups.other ?? 0, mixedCpu?.groups.other ?? 0);
      if (noise <= QUIET || attempt > retryNoisy || mixed.stoppedEarly) break;
      log(`other processes took ${(noise * 100).toFixed(0)} % of the CPU during the ${c}-connection stages: running them again (attempt ${attempt + 1} of ${retryNoisy + 1})`);
      for (const deadline = Date.now() + waitQuietSeconds * 1000; (await backgroundLoad(service.pid)) > QUIET && Date.now() < deadline; ) await sleep(2_000);
    }
    if (attempt > 1) warnings.push(`${c} connections: measured ${attempt} times because other processes took the CPU (--retry-noisy); the last attempt is reported.`);

    const keyspaceHits = Number(redisAfter.keyspace_hits) - Number(redisBefore.keyspace_hits);
    const keyspaceMisses = Number(redisAfter.keyspace_misses) - Number(redisBefore.keyspace_misses);
    const redisKeyspace = { hits: keyspaceHits, misses: keyspaceMisses, rate: keyspaceHits + keyspaceMisses > 0 ? keyspaceHits / (keyspaceHits + keyspaceMisses) : null };
    let cache: CacheMeasurement;
    const record: Partial<StageRecord> = {};
    if (scrapeBefore?.ok && scrapeAfter?.ok) {
      const delta = cacheDelta(scrapeBefore.total, scrapeAfter.total);
      cache = { source: 'prometheus', readMix: hitRate(delta, READ_MIX_CACHES), perCache: delta, redisKeyspace };
      const routes = routeDelta(scrapeBefore.total, scrapeAfter.total);
      record.serverRoutes = Object.fromEntries(
        Object.entries(routes).map(([k, r]) => [k, { count: r.count, meanMs: (r.sumSeconds / r.count) * 1000, under50ms: r.under50ms }]),
      );
      record.requestsPerWorker = requestsPerWorker(scrapeAfter.workers);
    } else {
      const reason = [scrapeBefore, scrapeAfter].find((s) => s && !s.ok) as { reason: string } | undefined;
      const note = metricsNote ?? `Prometheus not used for this stage: ${reason?.reason ?? 'no scrape'}; Redis INFO keyspace counters instead`;
      if (!metricsNote) warnings.push(`${c} connections: ${note}`);
      cache = { source: 'redis-info', note, readMix: redisKeyspace.rate === null ? null : { hits: keyspaceHits, misses: keyspaceMisses, errors: 0, bypass: 0, lookups: keyspaceHits + keyspaceMisses, rate: redisKeyspace.rate }, redisKeyspace };
    }
    log(describeStage(`mixed @${c}`, mixed) + `, cache hit rate ${cache.readMix?.rate === null || !cache.readMix ? 'n/a' : (cache.readMix.rate * 100).toFixed(1) + ' %'} (${cache.source})`);
    if (mixed.total.errors > 0)
      log(`  errors: ${Object.entries(mixed.byKind).filter(([, k]) => k.errors > 0).map(([kind, k]) => `${kind}: ${k.errorSamples.slice(0, 2).join(' | ')}`).join(' ; ')}`);
    stages.push({
      concurrency: c,
      healthz,
      mixed,
      cache,
      cpu: { healthz: healthCpu, mixed: mixedCpu },
      notifications: scenario.notificationCounts(notificationsBefore),
      ...(database[c] ? { database: database[c] } : {}),
      ...record,
    });
    if (mixed.stoppedEarly) {
      warnings.push(`The booking pool (${pool.slots.length} slots) ran out during the ${c}-connection stage: it was stopped after ${mixed.durationSeconds} s and later stages were skipped.`);
      break;
    }
  }

  // The closed loop answers "how much can it take"; users arrive at a rate whether or not
  // others are waiting. So the largest concurrency runs again open-loop (see open-loop.ts) at
  // a quarter, half and three quarters of what its closed loop achieved (or --offered-rate).
  const openLoop: OpenLoopStage[] = [];
  const top = stages.find((st) => st.concurrency === Math.max(...concurrency));
  if (top && !top.mixed.stoppedEarly) {
    const closedLoop = top.mixed.total.throughput;
    const rates = args['offered-rate']
      ? args['offered-rate'].split(',').map((r) => positiveInt('--offered-rate', r.trim(), 1))
      : OPEN_LOOP_SHARES.map((share) => Math.max(1, Math.round(closedLoop * share)));
    for (const [i, rate] of rates.entries()) {
      if (scenario.poolExhausted) break;
      await waitForIdleQueues();
      await sleep(1_000);
      service.assertRunning(`before the open-loop stage at ${rate} req/s`);
      const notifications = scenario.notificationCounts();
      const before = cpuSnapshot();
      const result = await runOpenLoopStage({
        url: service.url,
        connections: top.concurrency,
        rate,
        durationSeconds,
        next: scenario.generator(mulberry32(seed + 7_777 + i)),
        random: mulberry32(seed + 9_999 + i),
        timeoutSeconds: REQUEST_TIMEOUT_SECONDS,
      });
      const cpu = cpuUsage(before, cpuSnapshot(), service.pid);
      openLoop.push({ connections: top.concurrency, offeredRate: rate, closedLoopThroughput: closedLoop, result, cpu, notifications: scenario.notificationCounts(notifications) });
      const lag = result.schedulerLagMs;
      log(
        `open loop @${top.concurrency} offered ${rate} req/s: ${result.total.throughput.toFixed(0)} req/s answered, p50 ${result.total.latencyMs?.p50.toFixed(1)} ms, ` +
          `p95 ${result.total.latencyMs?.p95.toFixed(1)} ms, errors ${result.total.errors}, most outstanding ${result.maxOutstanding}, generator lag p99 ${lag?.p99.toFixed(1)} ms`,
      );
      if (result.stoppedEarly) warnings.push(`The booking pool ran out during the open-loop stage at ${rate} req/s.`);
      if (lag && lag.p99 > OPEN_LOOP_MAX_LAG_MS)
        warnings.push(`Open loop at ${rate} req/s: the load generator handed 1 % of arrivals to the pool more than ${lag.p99.toFixed(0)} ms late (its CPU was starved), so it offered less than scheduled.`);
    }
  }

  if (costKinds.includes('webhook')) await measureCost('webhook', costKinds.indexOf('webhook'));

  // Background work the run left behind (e.g. retried jobs), as the service reports it.
  const jobsAfter = metricsAvailable ? await queueDepths(service.url, metricsToken) : undefined;
  const failedJobs = Object.entries(jobsAfter ?? {}).filter(([, states]) => (states.failed ?? 0) > 0);
  if (failedJobs.length)
    warnings.push(`Jobs that failed every attempt during the run: ${failedJobs.map(([queue, states]) => `${queue} ${states.failed}`).join(', ')} (see the service log).`);

  log('stopping the service (SIGTERM)');
  const serviceExit = await service.stop();
  const serviceLog = service.logSummary();
  if (!serviceExit || serviceExit.code !== 0 || !serviceExit.graceful)
    warnings.push(`The service did not stop cleanly: ${JSON.stringify(serviceExit)} (log: ${serviceLog.file}).`);
  if (serviceLog.workerRestarts.length) warnings.push(`${serviceLog.workerRestarts.length} worker(s) died and were restarted during the run: ${serviceLog.workerRestarts.slice(0, 3).join(' | ')}`);
  if (serviceLog.problems.length) warnings.push(`${serviceLog.problems.length} warning/error line(s) in the service log, e.g.: ${serviceLog.problems.slice(0, 3).map((l) => l.slice(0, 240)).join(' | ')}`);
  for (const st of stages) {
    const busiest = Math.max(st.cpu.healthz?.groups.other ?? 0, st.cpu.mixed?.groups.other ?? 0);
    if (busiest > QUIET)
      warnings.push(`${st.concurrency} connections: other processes took ${(busiest * 100).toFixed(0)} % of the machine's CPU during the stage; its figures are lower than this machine can do.`);
    if (st.mixed.total.socketErrors + st.healthz.total.socketErrors > 0) warnings.push(`${st.concurrency} connections: socket errors (see the JSON for samples).`);
    const cross = st.mixed.autocannon;
    if (cross.non2xx !== st.mixed.total.non2xx || cross.timeouts !== st.mixed.total.timeouts)
      warnings.push(`${st.concurrency} connections: autocannon's own counters differ from the per-kind tally (non2xx ${cross.non2xx} vs ${st.mixed.total.non2xx}, timeouts ${cross.timeouts} vs ${st.mixed.total.timeouts}).`);
  }

  const report: BenchReport = {
    version: 1,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    settings: {
      workers,
      concurrency,
      durationSeconds,
      warmupSeconds,
      quick,
      mix,
      webhookRoute,
      webhookShare: deposits.length > 0 ? WEBHOOK_LABEL : WEBHOOK_STANDIN_LABEL,
      mercadopagoBaseUrl: mp.sandbox.url,
      paidDeposits: deposits.length,
      holdMinutes: BENCH_HOLD_MINUTES,
      seed,
      customers,
      databasePoolMaxPerWorker: dbPoolMax,
      rateLimitsPerMinute: RATE_LIMIT,
      accessTokenTtlSeconds: ACCESS_TOKEN_TTL_SECONDS,
      redisUrl,
      scratchDatabase: scratch.name,
      requestTimeoutSeconds: REQUEST_TIMEOUT_SECONDS,
      openLoopGenerator: `undici ${packageVersion('undici')} Pool, seeded Poisson arrivals, latency from each scheduled arrival`,
      scenario: {
        search: 'GET /api/v1/shops?city=<city>&page=1',
        cityWeights: CITY_WEIGHTS,
        availability: `7-day ranges from today + 7k days (k weights ${WEEK_WEIGHTS.join('/')}), service weight 1/rank, ${ANY_BARBER_SHARE * 100} % any barber`,
        booking: 'next slot of the shuffled pool, named barber, random customer, unique Idempotency-Key',
        webhook: deposits.length > 0 ? `signed POST ${WEBHOOK_PATH}` : 'GET /api/v1/bookings?page=1 as a random customer',
      },
    },
    machine,
    setup: {
      serviceReadyMs: readyMs,
      shops: shops.length,
      services: shops.reduce((a, s) => a + s.services.length, 0),
      barbers: shops.reduce((a, s) => a + s.barbers.length, 0),
      pool: { size: pool.slots.length, used: scenario.poolUsed, exhausted: scenario.poolExhausted, offered: pool.offered, requests: pool.requests, horizonDays: pool.horizonDays, earliestStart: pool.earliestStart },
      warmup: { healthz: warmHealth, mixed: warmMixed },
      redisKeysBeforeFlush: redis.keysBefore,
      backgroundCpuBeforeRun: background,
    },
    jobsAfterRun: jobsAfter ?? null,
    stages,
    costs,
    openLoop,
    targets: [],
    allTargetsMet: false,
    service: { exit: serviceExit, log: serviceLog },
    warnings,
  };
  report.targets = evaluateTargets(report);
  report.allTargetsMet = report.targets.every((t) => t.met === true) && !quick;
  if (quick) warnings.push('Quick run: stages are too short for the figures to mean much; run `npm run bench` for the real thing.');

  const markdown = renderMarkdown(report);
  console.log(markdown);
  if (!args['no-write']) {
    mkdirSync(RESULTS_DIR, { recursive: true });
    const base = path.join(RESULTS_DIR, `${new Intl.DateTimeFormat('en-CA').format(startedAt)}${tag ? `-${tag}` : ''}`);
    writeFileSync(`${base}.json`, JSON.stringify(report, null, 2) + '\n');
    writeFileSync(`${base}.md`, markdown + '\n');
    log(`wrote ${path.relative(ROOT, base)}.json and .md`);
  }
  const clean = serviceExit?.code === 0 && serviceExit.graceful && serviceLog.problems.length === 0 && serviceLog.workerRestarts.length === 0;
  if (clean) service.removeLog();
  else log(`service log kept: ${serviceLog.file}`);
  return args.check && !report.allTargetsMet ? 3 : 0;
}

let code: number;
try {
  code = await main();
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  code = 1;
}
await cleanup.run();
process.exit(code);
