/**
 * `barberpro deploy local --drill`: blue-green under load, measured. Starts v1 (blue) behind
 * the switcher, drives autocannon at the switcher the whole time, then
 *   1. deploys v2: canary, switch, drain and stop v1 (expected: promoted);
 *   2. deploys v3 and SIGKILLs it during its canary (expected: rolled back by itself);
 *   3. deploys v4 that cannot reach its database, so /readyz never answers (expected: no traffic).
 * Every figure comes from autocannon's counters, the switcher's per-upstream counters and
 * timestamps taken around the events.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrafficSwitcher } from './switcher.js';
import { blueGreenDeploy, DEFAULT_DEPLOY, probeReady, startVersion, type DeployResult, type LocalVersion } from './local-blue-green.js';

export interface DrillOptions {
  databaseUrl: string;
  redisUrl?: string | undefined;
  connections: number;
  canaryMs: number;
  log?: (line: string) => void;
}

export interface LoadFigures {
  requests: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** non2xx + errors (errors include timeouts): what a client saw fail. */
  failures: number;
  statusCodes: Record<string, number>;
  durationSeconds: number;
}

export interface DrillReport {
  load: LoadFigures;
  deploys: Array<{ name: string; expected: DeployResult['outcome']; result: DeployResult; servedByNew: number; replayedOnStable: number; switchMs?: number; drainMs?: number; rollbackMs?: number; killedAt?: number }>;
  passed: boolean;
  problems: string[];
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitReady(version: LocalVersion, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await probeReady(version.url))) {
    if (version.child.exitCode !== null || Date.now() > end) throw new Error(`${version.version} did not start: ${version.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function runLocalDrill(options: DrillOptions): Promise<DrillReport> {
  const log = options.log ?? (() => undefined);
  const dataDir = mkdtempSync(join(tmpdir(), 'barberpro-bluegreen-'));
  // The versions must share what a fleet shares: database, Redis, signing and encryption keys.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: options.databaseUrl,
    DATABASE_POOL_MAX: '5',
    DATA_DIR: dataDir,
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    SEED_DEMO: 'true',
    JWT_SECRET: randomBytes(32).toString('hex'),
    MP_WEBHOOK_SECRET: randomBytes(24).toString('hex'),
    DATA_ENCRYPTION_KEYS: `drill:${randomBytes(32).toString('base64')}`,
    // All load comes from one address: per-address limits would answer 429, which is not what is measured.
    RATE_LIMIT_PER_MINUTE: '10000000',
  };
  delete env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (options.redisUrl) env.REDIS_URL = options.redisUrl;
  else delete env.REDIS_URL;

  const started: LocalVersion[] = [];
  const start = async (colour: 'blue' | 'green', version: string, extra: NodeJS.ProcessEnv = {}) => {
    const v = startVersion({ colour, version, port: await freePort(), env: { ...env, ...extra } });
    started.push(v);
    return v;
  };
  let switcher: TrafficSwitcher | undefined;
  const problems: string[] = [];
  const deploys: DrillReport['deploys'] = [];
  let loadInstance: { stop(): void } | undefined;
  try {
    // The next versions boot while earlier ones serve, as a new task set would; each deploy
    // still gates on its own /readyz before sending it anything.
    log('starting v1 (blue), and booting v2, v3 and v4');
    let stable = await start('blue', 'v1');
    // Only v1 seeds the demo data (seeding is not safe to run twice at once; migrations lock).
    const later = { SEED_DEMO: 'false' };
    const v2 = await start('green', 'v2', later);
    const v3 = await start('blue', 'v3', later);
    const v4 = await start('green', 'v4', { ...later, DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/nowhere` });
    await waitReady(stable, 90_000);
    switcher = new TrafficSwitcher(stable);
    const proxyUrl = await switcher.listen(await freePort());
    const shops = (await (await fetch(`${proxyUrl}/api/v1/shops?city=Rosario`)).json()) as { items: Array<{ id: string }> };
    const shopId = shops.items[0]?.id;
    if (!shopId) throw new Error('no demo shop in Rosario: the seed did not run');

    // autocannon is a development dependency: loaded only when the drill runs.
    const { default: autocannon } = await import('autocannon');
    let finish!: (figures: LoadFigures) => void;
    let failLoad!: (error: Error) => void;
    const loadDone = new Promise<LoadFigures>((resolve, reject) => {
      finish = resolve;
      failLoad = reject;
    });
    loadInstance = autocannon(
      {
        url: proxyUrl,
        connections: options.connections,
        duration: 600,
        timeout: 10,
        requests: [
          { method: 'GET', path: '/api/v1/shops?city=Rosario' },
          { method: 'GET', path: `/api/v1/shops/${shopId}` },
          { method: 'GET', path: '/healthz' },
        ],
      },
      (error, result) => {
        if (error) return failLoad(error);
        const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count]));
        const ok = Object.entries(statusCodes).reduce((sum, [code, n]) => (code.startsWith('2') ? sum + n : sum), 0);
        finish({
          requests: ok + result.non2xx + result.errors,
          ok,
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          failures: result.non2xx + result.errors,
          statusCodes,
          durationSeconds: result.duration,
        });
      },
    );
    await new Promise((r) => setTimeout(r, 1_500));
    const deployOptions = { ...DEFAULT_DEPLOY, canaryMs: options.canaryMs, log };

    const proxy = switcher;
    const record = (name: string, expected: DeployResult['outcome'], result: DeployResult, green: LocalVersion, killedAt?: number) => {
      const s = proxy.statsOf(green.url);
      const entry: DrillReport['deploys'][number] = { name, expected, result, servedByNew: s.served, replayedOnStable: s.retriedElsewhere };
      if (result.switchedAt && result.canaryAt) entry.switchMs = result.switchedAt - result.startedAt;
      if (result.drainedAt && result.switchedAt) entry.drainMs = result.drainedAt - result.switchedAt;
      if (killedAt !== undefined) {
        entry.killedAt = killedAt;
        if (result.rolledBackAt) entry.rollbackMs = result.rolledBackAt - killedAt;
      }
      deploys.push(entry);
      if (result.outcome !== expected) problems.push(`${name}: expected ${expected}, got ${result.outcome}${result.reason ? ` (${result.reason})` : ''}`);
    };

    log('deploying v2 (green)');
    const r2 = await blueGreenDeploy(proxy, stable, v2, deployOptions);
    record('v1 → v2 (healthy)', 'promoted', r2, v2);
    if (r2.outcome === 'promoted') {
      if (r2.previousExit?.code !== 0) problems.push(`v1 did not exit cleanly after draining: ${JSON.stringify(r2.previousExit)}`);
      stable = v2;
    }

    log('deploying v3 (blue) and killing it during its canary');
    let killedAt: number | undefined;
    const r3 = await blueGreenDeploy(proxy, stable, v3, {
      ...deployOptions,
      onCanary: (green) => {
        setTimeout(() => {
          killedAt = Date.now();
          green.child.kill('SIGKILL');
        }, Math.min(1_500, options.canaryMs / 2));
      },
    });
    record('v2 → v3 (killed at 10%)', 'rolled-back', r3, v3, killedAt);

    log('deploying v4, which cannot reach its database');
    // v4 has been booting since the drill began; its gate waits 10 s more.
    const r4 = await blueGreenDeploy(proxy, stable, v4, { ...deployOptions, readyTimeoutMs: 10_000 });
    record('v2 → v4 (never ready)', 'not-ready', r4, v4);
    if (proxy.statsOf(v4.url).served > 0) problems.push('v4 received traffic without ever being ready');

    // Still serving on the surviving version after all of it.
    await new Promise((r) => setTimeout(r, 1_000));
    loadInstance.stop();
    const load = await loadDone;
    loadInstance = undefined;
    if (load.failures > 0) problems.push(`${load.failures} client requests failed (${JSON.stringify(load.statusCodes)}, ${load.errors} errors)`);
    if (load.requests === 0) problems.push('no load was sent');
    return { load, deploys, passed: problems.length === 0, problems };
  } finally {
    loadInstance?.stop();
    await switcher?.close().catch(() => undefined);
    await Promise.all(started.map((v) => v.stop('SIGTERM')));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function renderDrill(report: DrillReport): string {
  const rows = [
    ['requests', String(report.load.requests)],
    ['failed requests (non-2xx + errors)', `${report.load.failures} (${report.load.non2xx} non-2xx, ${report.load.errors} errors, ${report.load.timeouts} timeouts)`],
    ['load duration', `${report.load.durationSeconds} s`],
    ['status codes', Object.entries(report.load.statusCodes).map(([c, n]) => `${c}: ${n}`).join(', ')],
  ];
  for (const d of report.deploys) {
    const figures = [
      `outcome ${d.result.outcome} (expected ${d.expected})`,
      d.switchMs !== undefined ? `deploy start → 100% ${d.switchMs} ms` : undefined,
      d.drainMs !== undefined ? `switch → old drained and stopped ${d.drainMs} ms` : undefined,
      d.rollbackMs !== undefined ? `kill → rollback ${d.rollbackMs} ms` : undefined,
      `served by new ${d.servedByNew}`,
      d.replayedOnStable ? `replayed on stable ${d.replayedOnStable}` : undefined,
      d.result.reason ? `reason: ${d.result.reason}` : undefined,
    ].filter(Boolean);
    rows.push([d.name, figures.join('; ')]);
  }
  const width = Math.max(...rows.map(([k]) => k!.length));
  const lines = rows.map(([k, v]) => `${k!.padEnd(width)}  ${v}`);
  lines.push('', report.passed ? 'PASS: zero failed requests; promoted, rolled back and refused as expected' : `FAIL:\n  ${report.problems.join('\n  ')}`);
  return lines.join('\n');
}
