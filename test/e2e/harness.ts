/**
 * The browser tests' stack: the real server process (`barberpro serve`, what `npm start`
 * runs) with the built web app, the demo seed and the local MercadoPago and AFIP sandboxes,
 * on a fresh real PostgreSQL database and the real Redis; and Debian's Chromium driven by
 * playwright-core (never `playwright install`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { inject } from 'vitest';
import { freePort } from '../helpers.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(ROOT, 'test-results', 'e2e');

/** Demo accounts the seed creates (src/demo/seed.ts). */
export const DEMO = {
  password: 'barberpro-demo',
  customer: 'cliente@demo.barberpro.ar',
  provider: 'duenio@demo.barberpro.ar',
  admin: 'admin@demo.barberpro.ar',
} as const;

/**
 * Whether this run can drive a browser. In CI (.ci/run installs chromium) a missing browser or
 * database is a failure, not a skip.
 */
export function e2eAvailable(): boolean {
  const ok = existsSync(CHROMIUM) && Boolean(inject('templateDatabaseUrl'));
  if (!ok && process.env.CI) throw new Error(`browser tests need ${CHROMIUM} and DATABASE_URL in CI`);
  return ok;
}

export interface Stack {
  baseUrl: string;
  databaseUrl: string;
  /** Everything the server printed, for a failing test's message. */
  output(): string;
  stop(): Promise<void>;
}

async function portWithSandboxes(): Promise<number> {
  // The sandboxes listen on PORT+100 (MercadoPago) and PORT+101 (AFIP).
  for (;;) {
    const port = await freePort();
    if (port + 101 > 65535) continue;
    const free = await Promise.all([port + 100, port + 101].map((p) => isFree(p)));
    if (free.every(Boolean)) return port;
  }
}

async function isFree(port: number): Promise<boolean> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer()
      .once('error', () => resolve(false))
      .listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export function buildWebApp(): void {
  const result = spawnSync(process.execPath, [join(ROOT, 'scripts/build-web-if-stale.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`web build failed:\n${result.stdout}\n${result.stderr}`);
}

/**
 * A Redis database of this stack's own (1–15, claimed with SET NX on database 0 and emptied):
 * stacks of other test files run at the same time, or just before, on other PostgreSQL
 * databases, and must not read each other's cached shop ids or share rate-limit counters.
 */
async function claimRedisDatabase(url: string): Promise<{ url: string; release(): Promise<void> }> {
  const { Redis } = await import('ioredis');
  const admin = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await admin.connect();
  const owner = randomUUID();
  for (let index = 1; index <= 15; index++) {
    if ((await admin.set(`bp-e2e:redis-db:${index}`, owner, 'EX', 900, 'NX')) !== 'OK') continue;
    const own = new URL(url);
    own.pathname = `/${index}`;
    const db = new Redis(own.toString(), { lazyConnect: true, maxRetriesPerRequest: 1 });
    await db.connect();
    await db.flushdb();
    db.disconnect();
    return {
      url: own.toString(),
      async release() {
        if ((await admin.get(`bp-e2e:redis-db:${index}`)) === owner) await admin.del(`bp-e2e:redis-db:${index}`);
        admin.disconnect();
      },
    };
  }
  admin.disconnect();
  throw new Error('no free Redis database (1-15) for another browser-test stack');
}

export async function startStack(env: Record<string, string> = {}): Promise<Stack> {
  buildWebApp();
  const redis = process.env.REDIS_URL ? await claimRedisDatabase(process.env.REDIS_URL) : undefined;
  const templateUrl = inject('templateDatabaseUrl')!;
  const template = new URL(templateUrl);
  const name = `bp_e2e_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const adminUrl = templateUrl.replace(template.pathname, '/postgres');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database "${name}" template "${template.pathname.slice(1)}"`);
  await admin.end();
  const databaseUrl = new URL(templateUrl);
  databaseUrl.pathname = `/${name}`;

  const port = await portWithSandboxes();
  const dataDir = mkdtempSync(join(tmpdir(), 'barberpro-e2e-'));
  const baseUrl = `http://127.0.0.1:${port}`;
  let output = '';
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'bin/barberpro.mjs'), 'serve'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl.toString(),
      ...(redis ? { REDIS_URL: redis.url } : {}),
      DATA_DIR: dataDir,
      SEED_DEMO: 'true',
      EMBEDDED_SANDBOXES: 'true',
      PUBLIC_BASE_URL: baseUrl,
      // One browser signs in many times from 127.0.0.1; production limits would throttle the suite.
      RATE_LIMIT_PER_MINUTE: '100000',
      RATE_LIMIT_LOGIN_PER_MINUTE: '100000',
      RATE_LIMIT_BOOKINGS_PER_MINUTE: '100000',
      LOGIN_LOCKOUT_IP_FAILURES: '100000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));

  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output}`);
    const ready = await fetch(`${baseUrl}/readyz`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`server not ready in 90 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }

  return {
    baseUrl,
    databaseUrl: databaseUrl.toString(),
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dataDir, { recursive: true, force: true });
      await redis?.release();
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists "${name}" with (force)`);
      await cleanup.end();
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // This machine's network is closed: Chromium's own background traffic only produces refusals.
    args: ['--lang=es-AR', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** A phone-sized window (360 px wide, the minimum), Spanish, Argentine time. */
export async function phoneContext(browser: Browser, baseUrl: string): Promise<BrowserContext> {
  return browser.newContext({
    baseURL: baseUrl,
    viewport: { width: 360, height: 780 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'es-AR',
    timezoneId: 'America/Argentina/Cordoba',
  });
}

/** A desktop window, for the provider's agenda and the operators' dashboards. */
export async function desktopContext(browser: Browser, baseUrl: string): Promise<BrowserContext> {
  return browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 900 }, locale: 'es-AR', timezoneId: 'America/Argentina/Buenos_Aires' });
}

/** Saves test-results/e2e/<name>.png, to look at after the run. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Signs in through the login page, as a person would. */
export async function signIn(page: Page, email: string, password: string = DEMO.password): Promise<void> {
  await page.goto('/ingresar');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Contraseña').fill(password);
  await page.getByRole('button', { name: 'Ingresar' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/ingresar'));
}
