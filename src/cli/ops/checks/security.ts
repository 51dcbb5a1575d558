import { randomBytes, randomUUID } from 'node:crypto';
import tls from 'node:tls';
import type { OpsContext } from '../context.js';
import { check, type CheckResult } from '../report.js';
import {
  judgeAnonymousAccess,
  judgeCertificateExpiry,
  judgeLegacyTls,
  judgeLoginBurst,
  judgeRateLimitHeaders,
  judgeSecurityHeaders,
  judgeTlsProtocol,
  judgeWebhookSignature,
  type AnonymousProbe,
} from '../verdicts.js';

export interface SecurityOptions {
  /** Failed logins to send before giving up on seeing a 429. */
  loginAttempts: number;
  loginProbe: boolean;
}

const WEBHOOK = '/api/v1/webhooks/mercadopago';
const LOGIN = '/api/v1/auth/login';
/** Routes the OpenAPI document hides but that must be protected. */
const HIDDEN_PROTECTED = [{ method: 'GET', route: '/metrics' }];

export async function runSecurityVerification(ctx: OpsContext, options: SecurityOptions): Promise<CheckResult[]> {
  const checks: CheckResult[] = [];

  ctx.progress('security headers');
  const probe = await ctx.http('GET', '/api/v1/shops?page=1');
  if (probe.status === undefined) return [check.fail('target', 'Target answers', `GET /api/v1/shops: ${probe.error}`)];
  checks.push(...judgeSecurityHeaders(probe.headers, ctx.https));
  checks.push(judgeRateLimitHeaders('/api/v1/shops?page=1', probe.status, probe.headers));

  ctx.progress('anonymous calls to every protected route');
  checks.push(await anonymousAccess(ctx));

  ctx.progress('MercadoPago webhook without and with a forged signature');
  checks.push(await webhookSignature(ctx));

  if (!options.loginProbe) checks.push(check.skip('login.lockout', 'Login burst is refused (429 / lockout)', 'turned off with --no-login-probe'));
  else {
    ctx.progress(`up to ${options.loginAttempts} failed logins for a probe account that does not exist`);
    checks.push(await loginBurst(ctx, options.loginAttempts));
  }

  if (ctx.https) {
    ctx.progress('TLS handshake');
    checks.push(...(await tlsChecks(ctx)));
  } else {
    const host = new URL(ctx.baseUrl).hostname;
    const local = host === 'localhost' || host === '127.0.0.1' || host === '::1' || host === '[::1]';
    checks.push(
      local
        ? check.skip('tls.protocol', 'TLS protocol and certificate chain', 'target is plain http on loopback: TLS is terminated in front of the service (ALB/CloudFront)')
        : check.warn('tls.protocol', 'TLS protocol and certificate chain', `target ${host} is plain http: credentials and tokens would travel in clear text`),
    );
  }
  return checks;
}

interface OpenApiDocument {
  paths?: Record<string, Record<string, { security?: unknown[] }>>;
}

/** Protected routes from the server's own OpenAPI document: those declaring security, and anything under /admin/. */
export function protectedRoutes(doc: OpenApiDocument): Array<{ method: string; route: string }> {
  const out: Array<{ method: string; route: string }> = [];
  for (const [path, ops] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(ops)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const declared = Array.isArray(op.security) && op.security.length > 0;
      // An admin path that declares no security is exactly the mistake this check exists for.
      if (declared || /\/admin(\/|$)/.test(path)) out.push({ method: method.toUpperCase(), route: path });
    }
  }
  return [...out, ...HIDDEN_PROTECTED.filter((h) => !out.some((o) => o.method === h.method && o.route === h.route))];
}

/** Fills path parameters with values that name nothing: the route must refuse before looking. */
export function concretePath(route: string): string {
  return route.replace(/\{date\}/g, '2026-12-01').replace(/\{[^}]+\}/g, () => randomUUID());
}

async function anonymousAccess(ctx: OpsContext): Promise<CheckResult> {
  const docRes = await ctx.http('GET', '/openapi.json');
  if (docRes.status !== 200 || !docRes.json)
    return check.fail('routes.anonymous', 'Protected routes refuse anonymous callers', `GET /openapi.json answered ${docRes.status ?? docRes.error}: cannot list the routes`);
  const routes = protectedRoutes(docRes.json as OpenApiDocument);
  const probes: AnonymousProbe[] = [];
  // A few at a time: enough to be quick, few enough not to look like an attack.
  for (let i = 0; i < routes.length; i += 4) {
    const batch = routes.slice(i, i + 4);
    probes.push(
      ...(await Promise.all(
        batch.map(async ({ method, route }) => {
          const hasBody = method !== 'GET' && method !== 'DELETE';
          const res = await ctx.http(method, concretePath(route), hasBody ? { headers: { 'content-type': 'application/json' }, body: '{}' } : {});
          return { method, route, status: res.status, ...(res.error ? { error: res.error } : {}) };
        }),
      )),
    );
  }
  return judgeAnonymousAccess(probes);
}

async function webhookSignature(ctx: OpsContext): Promise<CheckResult> {
  // A payment id no one has: even if a signature were wrongly accepted, nothing real is touched.
  const dataId = `ops-probe-${randomBytes(6).toString('hex')}`;
  const body = JSON.stringify({ type: 'payment', action: 'payment.updated', data: { id: dataId } });
  const path = `${WEBHOOK}?data.id=${dataId}&type=payment`;
  const unsigned = await ctx.http('POST', path, { headers: { 'content-type': 'application/json' }, body });
  const ts = Math.floor(Date.now() / 1000);
  const forged = await ctx.http('POST', path, {
    headers: { 'content-type': 'application/json', 'x-request-id': randomUUID(), 'x-signature': `ts=${ts},v1=${randomBytes(32).toString('hex')}` },
    body,
  });
  return judgeWebhookSignature(unsigned.status, forged.status);
}

async function loginBurst(ctx: OpsContext, attempts: number): Promise<CheckResult> {
  // An address under a reserved TLD (RFC 2606): no real account is ever locked by the probe.
  const email = `ops-lockout-probe-${randomBytes(6).toString('hex')}@barberpro-ops.invalid`;
  const statuses: number[] = [];
  const codes: (string | undefined)[] = [];
  for (let i = 0; i < attempts; i++) {
    const res = await ctx.http('POST', LOGIN, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: `wrong-${i}` }) });
    if (res.status === undefined) return check.fail('login.lockout', 'Login burst is refused (429 / lockout)', `attempt ${i + 1}: no answer (${res.error})`);
    statuses.push(res.status);
    codes.push((res.json as { code?: string } | undefined)?.code);
    if (res.status === 429) break;
  }
  const result = judgeLoginBurst(statuses, attempts, codes);
  if (result.status === 'pass') result.details = [`the probe used ${email}; it adds ${statuses.filter((s) => s === 401).length} failed logins to this address’s count`];
  return result;
}

async function tlsChecks(ctx: OpsContext): Promise<CheckResult[]> {
  const url = new URL(ctx.baseUrl);
  const port = Number(url.port || 443);
  const host = url.hostname;
  const modern = await handshake(host, port, {});
  const out: CheckResult[] = [judgeTlsProtocol(modern.protocol, modern.authorized, modern.error)];
  if (modern.validTo) out.push(judgeCertificateExpiry(modern.validTo, new Date()));
  const legacy = await handshake(host, port, { minVersion: 'TLSv1', maxVersion: 'TLSv1.1' });
  // OpenSSL 3 may refuse to offer TLS ≤ 1.1 at all: then nothing was tested, and the verdict says so.
  const clientCannotOffer = !legacy.protocol && /no protocols available/i.test(legacy.error ?? '');
  out.push(judgeLegacyTls(legacy.protocol ? true : clientCannotOffer ? undefined : false, legacy.protocol));
  return out;
}

function handshake(host: string, port: number, versions: { minVersion?: tls.SecureVersion; maxVersion?: tls.SecureVersion }): Promise<{ protocol?: string; authorized: boolean; error?: string; validTo?: Date }> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host, port, servername: host, rejectUnauthorized: false, ...versions, ...(versions.maxVersion ? { ciphers: 'DEFAULT:@SECLEVEL=0' } : {}) });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ authorized: false, error: 'no handshake within 10 s' });
    }, 10_000);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const cert = socket.getPeerCertificate();
      const result = {
        protocol: socket.getProtocol() ?? undefined,
        authorized: socket.authorized,
        ...(socket.authorizationError ? { error: String(socket.authorizationError) } : {}),
        ...(cert?.valid_to ? { validTo: new Date(cert.valid_to) } : {}),
      };
      socket.end();
      resolve(result);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      resolve({ authorized: false, error: error.message });
    });
  });
}
