/**
 * Blue-green on one machine (`--platform local`): BarberPro versions are process groups started
 * from this checkout on their own ports, behind the TrafficSwitcher. A deploy gates the new
 * version on /readyz, sends it 10% of requests while probing it, switches 100% in one
 * assignment, then drains the old version (no request of its in flight) and SIGTERMs it, which
 * lets the server finish what it holds (src/cli/serve.ts). Any failed probe or connection error
 * on the new version puts all traffic back on the old one by itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Colour, TrafficSwitcher, Upstream } from './switcher.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface LocalVersion extends Upstream {
  version: string;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
  /** SIGTERM, then the exit status (the server drains before exiting). */
  stop: (signal?: NodeJS.Signals) => Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface StartVersionOptions {
  colour: Colour;
  version: string;
  port: number;
  env: NodeJS.ProcessEnv;
}

/** `barberpro serve` from this checkout, as one version of the service. */
export function startVersion(options: StartVersionOptions): LocalVersion {
  const env: NodeJS.ProcessEnv = { ...options.env, PORT: String(options.port), HOST: '127.0.0.1', BARBERPRO_VERSION: options.version };
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/barberpro.mjs'), 'serve'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8_000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  return {
    colour: options.colour,
    url: `http://127.0.0.1:${options.port}`,
    version: options.version,
    child,
    exited,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export async function probeReady(url: string, timeoutMs = 1_000): Promise<boolean> {
  try {
    const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

export interface DeployOptions {
  /** How long the new version has to answer /readyz 200 before any traffic is sent. */
  readyTimeoutMs: number;
  canaryPercent: number;
  /** Time at the canary weight, then again at 100% before the old version is drained. */
  canaryMs: number;
  healthIntervalMs: number;
  /** Consecutive failed probes that roll back (connection errors through the proxy roll back at once). */
  unhealthyThreshold: number;
  drainTimeoutMs: number;
  /** Called once the canary weight is set (the drill uses it to break the new version). */
  onCanary?: (green: LocalVersion) => void;
  log?: (line: string) => void;
}

export const DEFAULT_DEPLOY: DeployOptions = {
  readyTimeoutMs: 60_000,
  canaryPercent: 10,
  canaryMs: 5_000,
  healthIntervalMs: 250,
  unhealthyThreshold: 2,
  drainTimeoutMs: 30_000,
};

export interface DeployResult {
  outcome: 'promoted' | 'rolled-back' | 'not-ready';
  reason?: string;
  startedAt: number;
  readyAt?: number;
  canaryAt?: number;
  /** When 100% of new requests went to the new version. */
  switchedAt?: number;
  rolledBackAt?: number;
  /** The old version had no request in flight, and then exited after SIGTERM. */
  drainedAt?: number;
  previousExit?: { code: number | null; signal: NodeJS.Signals | null };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Waits `ms`, or less if `failed` settles first; true when it did. */
async function watch(ms: number, failed: Promise<void>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const elapsed = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  const result = await Promise.race([elapsed, failed.then(() => true as const)]);
  clearTimeout(timer);
  return result;
}

/** One blue-green deploy of `green` behind `switcher`, whose stable version is `blue`. */
export async function blueGreenDeploy(switcher: TrafficSwitcher, blue: LocalVersion, green: LocalVersion, options: DeployOptions): Promise<DeployResult> {
  const log = options.log ?? (() => undefined);
  const result: DeployResult = { outcome: 'not-ready', startedAt: Date.now() };

  // Gate: no traffic until the new version answers /readyz.
  const readyBy = Date.now() + options.readyTimeoutMs;
  for (;;) {
    if (await probeReady(green.url)) break;
    if (green.child.exitCode !== null || green.child.signalCode !== null) {
      result.reason = `${green.version} exited before it was ready (${green.child.exitCode ?? green.child.signalCode})`;
      log(`${green.colour} ${green.version}: ${result.reason}; traffic stays on ${blue.version}`);
      return result;
    }
    if (Date.now() > readyBy) {
      result.reason = `${green.version} did not answer /readyz 200 within ${options.readyTimeoutMs} ms`;
      log(`${green.colour} ${green.version}: ${result.reason}; traffic stays on ${blue.version}`);
      return result;
    }
    await sleep(200);
  }
  result.readyAt = Date.now();

  let failure: string | undefined;
  let signalFailure!: () => void;
  const failed = new Promise<void>((r) => (signalFailure = r));
  const fail = (reason: string) => {
    if (failure) return;
    failure = reason;
    switcher.rollback(reason);
    result.rolledBackAt = Date.now();
    log(`rolled back to ${blue.version}: ${reason}`);
    signalFailure();
  };
  switcher.attachCanary(green, (error) => fail(`proxy could not reach ${green.version}: ${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message}`));

  let consecutive = 0;
  let monitoring = true;
  const monitor = (async () => {
    while (monitoring && !failure) {
      const ok = await probeReady(green.url, Math.min(1_000, options.healthIntervalMs * 4));
      consecutive = ok ? 0 : consecutive + 1;
      if (!monitoring) break;
      if (consecutive >= options.unhealthyThreshold) fail(`${green.version} failed ${consecutive} consecutive /readyz probes`);
      await sleep(options.healthIntervalMs);
    }
  })();

  try {
    switcher.setWeight(options.canaryPercent);
    result.canaryAt = Date.now();
    log(`${green.colour} ${green.version}: ${options.canaryPercent}% of traffic`);
    options.onCanary?.(green);
    if (await watch(options.canaryMs, failed)) return { ...result, outcome: 'rolled-back', reason: failure! };

    switcher.setWeight(100);
    result.switchedAt = Date.now();
    log(`${green.colour} ${green.version}: 100% of traffic`);
    if (await watch(options.canaryMs, failed)) return { ...result, outcome: 'rolled-back', reason: failure! };
    monitoring = false;
    await monitor;
    if (failure) return { ...result, outcome: 'rolled-back', reason: failure };

    const previous = switcher.promote();
    const drainBy = Date.now() + options.drainTimeoutMs;
    while (switcher.statsOf(previous.url).inFlight > 0 && Date.now() < drainBy) await sleep(20);
    result.previousExit = await blue.stop('SIGTERM');
    result.drainedAt = Date.now();
    log(`${blue.colour} ${blue.version}: drained and stopped (${result.previousExit.signal ?? `exit ${result.previousExit.code}`})`);
    return { ...result, outcome: 'promoted' };
  } finally {
    monitoring = false;
    await monitor;
  }
}
