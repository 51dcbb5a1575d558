/**
 * The browser's only way to the API: bearer token, one silent refresh on 401, and RFC 9457
 * problem+json turned into ApiError so every screen can show the API's own Spanish message.
 */
import type { ApiOperations } from './types.gen';

export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  code?: string;
  [extension: string]: unknown;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
  }
  get status(): number {
    return this.problem.status;
  }
  get code(): string | undefined {
    return this.problem.code;
  }
}

const REFRESH_KEY = 'barberpro.refreshToken';

interface TokenState {
  accessToken: string | null;
  refreshing: Promise<boolean> | null;
}

const tokens: TokenState = { accessToken: null, refreshing: null };
const listeners = new Set<() => void>();

export const session = {
  setTokens(accessToken: string, refreshToken: string): void {
    tokens.accessToken = accessToken;
    localStorage.setItem(REFRESH_KEY, refreshToken);
    listeners.forEach((l) => l());
  },
  clear(): void {
    tokens.accessToken = null;
    localStorage.removeItem(REFRESH_KEY);
    listeners.forEach((l) => l());
  },
  hasRefreshToken(): boolean {
    return localStorage.getItem(REFRESH_KEY) !== null;
  },
  refreshToken(): string | null {
    return localStorage.getItem(REFRESH_KEY);
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

async function refresh(): Promise<boolean> {
  const refreshToken = session.refreshToken();
  if (!refreshToken) return false;
  tokens.refreshing ??= (async () => {
    try {
      const res = await fetch('/api/v1/auth/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken }),
      });
      if (!res.ok) {
        session.clear();
        return false;
      }
      const body = (await res.json()) as { accessToken: string; refreshToken: string };
      session.setTokens(body.accessToken, body.refreshToken);
      return true;
    } finally {
      tokens.refreshing = null;
    }
  })();
  return tokens.refreshing;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined | null> | undefined;
  body?: unknown;
  idempotencyKey?: string | undefined;
  signal?: AbortSignal | undefined;
}

function buildUrl(path: string, query: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function toError(res: Response): Promise<ApiError> {
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    const body = (await res.json().catch(() => ({}))) as Partial<Problem>;
    return new ApiError({ ...body, status: res.status });
  }
  return new ApiError({ status: res.status, title: res.statusText || 'Error de red' });
}

/** Low-level call; prefer `api` (typed by the OpenAPI document). Returns the raw Response for downloads. */
export async function request(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
  if (!tokens.accessToken && session.hasRefreshToken()) await refresh();
  const send = () => {
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (tokens.accessToken) headers.authorization = `Bearer ${tokens.accessToken}`;
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    return fetch(buildUrl(path, options.query), {
      method,
      headers,
      body: options.body === undefined ? null : JSON.stringify(options.body),
      signal: options.signal ?? null,
    });
  };
  let res: Response;
  try {
    res = await send();
    if (res.status === 401 && session.hasRefreshToken() && (await refresh())) res = await send();
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError({ status: 0, title: 'Sin conexión', detail: 'No pudimos conectarnos. Revisá tu conexión e intentá de nuevo.' });
  }
  if (!res.ok) throw await toError(res);
  return res;
}

type Operation = keyof ApiOperations;
type Field<O extends Operation, K extends string> = K extends keyof ApiOperations[O] ? ApiOperations[O][K] : never;

/**
 * Typed call: `api('GET /api/v1/shops/{shopId}', { params: { shopId } })`. Operation names,
 * path parameters, query, body and response types come from types.gen.ts, which is
 * generated from /openapi.json (npm run generate:api) and checked against it in CI.
 */
export async function api<O extends Operation>(
  operation: O,
  options: { params?: Record<string, string> } & Omit<RequestOptions, 'query' | 'body'> & {
      query?: Field<O, 'query'>;
      body?: Field<O, 'body'>;
    } = {},
): Promise<Field<O, 'response'>> {
  const [method, template] = (operation as string).split(' ') as [string, string];
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = options.params?.[name];
    if (value === undefined) throw new Error(`missing path parameter ${name} for ${operation as string}`);
    return encodeURIComponent(value);
  });
  const res = await request(method, path, {
    query: options.query as RequestOptions['query'],
    body: options.body,
    idempotencyKey: options.idempotencyKey,
    signal: options.signal,
  });
  if (res.status === 204) return undefined as Field<O, 'response'>;
  return (await res.json()) as Field<O, 'response'>;
}
