/**
 * What every ops command shares: the target, credentials from the environment (never
 * printed), an HTTP helper that measures and never throws, and progress on stderr.
 */

export interface OpsOptions {
  url?: string;
  json?: boolean;
  strict?: boolean;
  timeout?: number;
  quiet?: boolean;
}

export interface OpsContext {
  /** Base URL without a trailing slash. */
  baseUrl: string;
  https: boolean;
  /** Bearer for /metrics: METRICS_TOKEN, else the admin token. */
  metricsToken: string | undefined;
  /** An admin's access token for the admin API (BARBERPRO_ADMIN_TOKEN). */
  adminToken: string | undefined;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  timeoutMs: number;
  /** Progress for people, on stderr; silent with --json or --quiet. */
  progress(message: string): void;
  http(method: string, path: string, init?: { headers?: Record<string, string>; body?: string; timeoutMs?: number }): Promise<HttpResult>;
}

export interface HttpResult {
  /** Undefined when no answer came (refused, timed out, DNS …); see error. */
  status: number | undefined;
  headers: Record<string, string>;
  text: string;
  json: unknown;
  ms: number;
  error?: string;
}

export const DEFAULT_URL = 'http://localhost:3000';

export function createContext(options: OpsOptions, env: NodeJS.ProcessEnv = process.env, stderr: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): OpsContext {
  const raw = options.url ?? env.BARBERPRO_URL ?? DEFAULT_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`Not a URL: ${raw}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`The target must be http(s): ${raw}`);
  const baseUrl = url.toString().replace(/\/+$/, '');
  const timeoutMs = (options.timeout ?? 10) * 1000;
  const adminToken = env.BARBERPRO_ADMIN_TOKEN || undefined;
  const silent = options.json || options.quiet;
  return {
    baseUrl,
    https: url.protocol === 'https:',
    metricsToken: env.METRICS_TOKEN || adminToken,
    adminToken,
    databaseUrl: env.DATABASE_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    timeoutMs,
    progress: (message) => {
      if (!silent) stderr(`… ${message}`);
    },
    http: (method, path, init = {}) => request(baseUrl, method, path, init.headers ?? {}, init.body, init.timeoutMs ?? timeoutMs),
  };
}

async function request(baseUrl: string, method: string, path: string, headers: Record<string, string>, body: string | undefined, timeoutMs: number): Promise<HttpResult> {
  const started = performance.now();
  try {
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    const out: Record<string, string> = {};
    res.headers.forEach((value, key) => {
      out[key] = value;
    });
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: out, text, json, ms: performance.now() - started };
  } catch (error) {
    return { status: undefined, headers: {}, text: '', json: undefined, ms: performance.now() - started, error: describeError(error) };
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    if (error.name === 'TimeoutError') return 'no answer within the timeout';
    if (cause instanceof Error) return `${error.message}: ${(cause as NodeJS.ErrnoException).code ?? cause.message}`;
    return error.message;
  }
  return String(error);
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Where an admin check can get its data: the server's admin API, the database, or nowhere. */
export type Source = { kind: 'api'; token: string } | { kind: 'db'; url: string } | { kind: 'none'; reason: string };

/**
 * The server's admin API when an admin token is given (the only way on the embedded
 * default, whose database belongs to the server process), else DATABASE_URL directly.
 */
export function sourceFor(ctx: Pick<OpsContext, 'adminToken' | 'databaseUrl'>): Source {
  if (ctx.adminToken) return { kind: 'api', token: ctx.adminToken };
  if (ctx.databaseUrl) return { kind: 'db', url: ctx.databaseUrl };
  return { kind: 'none', reason: 'needs BARBERPRO_ADMIN_TOKEN (an admin’s access token, for the server’s admin API) or DATABASE_URL' };
}

/** The database's address without credentials, for reports. */
export function redactUrl(raw: string): string {
  try {
    const u = new URL(raw);
    return `${u.protocol}//${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
  } catch {
    return '(unparseable URL)';
  }
}
