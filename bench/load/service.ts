/**
 * The service under test, as operators run it: `node bin/barberpro.mjs serve --workers N`,
 * a child process on a free loopback port, stopped with SIGTERM (it drains) at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { sleep } from './env.js';

export interface ServiceOptions {
  cwd: string;
  workers: number;
  port: number;
  env: Record<string, string>;
  /** Flags for node itself (cluster workers inherit them), e.g. --cpu-prof. */
  nodeArgs?: string[];
  readyTimeoutMs?: number;
}

export interface ServiceExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Whether it exited on its own within the drain timeout after SIGTERM. */
  graceful: boolean;
  /** ms from SIGTERM to exit. */
  drainMs: number;
}

export interface ServiceLogSummary {
  file: string;
  lines: number;
  /** Lines that look like pino warn/error/fatal records or uncaught errors. */
  problems: string[];
  /** "worker … exited …; starting a replacement" lines from the cluster primary. */
  workerRestarts: string[];
}

export class ServiceProcess {
  readonly url: string;
  readonly logFile: string;
  private child: ChildProcess | undefined;
  private exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private lineCount = 0;
  private readonly problems: string[] = [];
  private readonly restarts: string[] = [];
  private readonly tail: string[] = [];

  constructor(private readonly options: ServiceOptions) {
    this.url = `http://127.0.0.1:${options.port}`;
    this.logFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'barberpro-bench-')), 'service.log');
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.exitInfo === undefined;
  }

  start(): void {
    const args = [...(this.options.nodeArgs ?? []), 'bin/barberpro.mjs', 'serve', '--workers', String(this.options.workers), '--port', String(this.options.port), '--host', '127.0.0.1'];
    const child = spawn(process.execPath, args, { cwd: this.options.cwd, env: this.options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const log = createWriteStream(this.logFile);
    const onData = (chunk: Buffer) => {
      log.write(chunk);
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        this.lineCount++;
        this.tail.push(line);
        if (this.tail.length > 40) this.tail.shift();
        if (/starting a replacement/.test(line)) this.restarts.push(line);
        else if (/"level":(40|50|60)|Error|error/.test(line) && this.problems.length < 200) this.problems.push(line.slice(0, 600));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        log.end();
        resolve({ code, signal });
      });
    });
  }

  /** Resolves once /readyz answers 200; rejects if the process dies or it takes too long. */
  async waitReady(): Promise<number> {
    const started = Date.now();
    const deadline = started + (this.options.readyTimeoutMs ?? 180_000);
    while (Date.now() < deadline) {
      if (this.exitInfo) throw new Error(`the service exited during startup (${this.describeExit()}):\n${this.tail.join('\n')}`);
      try {
        const res = await httpGet(`${this.url}/readyz`, {}, 2_000);
        if (res.status === 200) return Date.now() - started;
      } catch {
        // not listening yet
      }
      await sleep(250);
    }
    throw new Error(`the service did not become ready within ${Math.round((deadline - started) / 1000)} s:\n${this.tail.join('\n')}`);
  }

  /** SIGTERM, then wait for the drain; SIGKILL (primary and its workers) if it hangs. */
  async stop(drainTimeoutMs = 30_000): Promise<ServiceExit | undefined> {
    if (!this.child || !this.exited) return undefined;
    const started = Date.now();
    if (this.exitInfo) return { ...this.exitInfo, graceful: false, drainMs: 0 };
    const workerPids = childPids(this.child.pid!);
    this.child.kill('SIGTERM');
    const timer = sleep(drainTimeoutMs).then(() => 'timeout' as const);
    const outcome = await Promise.race([this.exited, timer]);
    if (outcome === 'timeout') {
      for (const pid of [this.child.pid!, ...workerPids]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      const info = await this.exited;
      return { ...info, graceful: false, drainMs: Date.now() - started };
    }
    return { ...outcome, graceful: true, drainMs: Date.now() - started };
  }

  /** Deletes the captured log (after a clean run nothing in it is worth keeping). */
  removeLog(): void {
    rmSync(path.dirname(this.logFile), { recursive: true, force: true });
  }

  logSummary(): ServiceLogSummary {
    return { file: this.logFile, lines: this.lineCount, problems: [...this.problems], workerRestarts: [...this.restarts] };
  }

  describeExit(): string {
    return this.exitInfo ? `code ${this.exitInfo.code ?? '-'}, signal ${this.exitInfo.signal ?? '-'}` : 'running';
  }

  /** Throws when the service is gone (crashed, or killed by someone else) with what is known. */
  assertRunning(when: string): void {
    if (this.running) return;
    throw new Error(`the service exited ${when} (${this.describeExit()}; log ${this.logFile}):\n${this.tail.slice(-15).join('\n')}`);
  }
}

/** Direct children of a process (the cluster workers of the primary), from /proc. */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

export interface HttpResult {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/**
 * One request on a fresh connection (no keep-alive agent): the cluster primary hands each new
 * connection to the next worker in turn, which is what the per-worker metrics scrape relies on.
 */
export function httpRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: options.method ?? 'GET',
        agent: false,
        headers: { connection: 'close', ...(options.body ? { 'content-type': 'application/json' } : {}), ...options.headers },
        timeout: options.timeoutMs ?? 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${options.method ?? 'GET'} ${url}: no answer within ${options.timeoutMs ?? 15_000} ms`)));
    req.on('error', reject);
    if (options.body) req.write(options.body);
    req.end();
  });
}

export function httpGet(url: string, headers: Record<string, string> = {}, timeoutMs = 15_000): Promise<HttpResult> {
  return httpRequest(url, { headers, timeoutMs });
}

export async function getJson<T>(url: string, headers: Record<string, string> = {}): Promise<T> {
  const res = await httpGet(url, headers);
  if (res.status !== 200) throw new Error(`GET ${url} → ${res.status}: ${res.body.slice(0, 300)}`);
  return JSON.parse(res.body) as T;
}
