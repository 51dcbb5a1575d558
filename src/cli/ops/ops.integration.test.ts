import { sql, type Kysely } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.js';
import { AuditTrail } from '../../modules/audit/service.js';
import { loadConfig } from '../../platform/config.js';
import type { Database } from '../../platform/db/database.js';
import type { DB } from '../../platform/db/schema.js';
import { PUBLIC } from '../../platform/http/access.js';
import { createTestContext, createTestDatabase, freePort, TEST_ENV, TEST_JWT_SECRET, type TestContext, type TestUser } from '../../../test/helpers.js';
import { runOpsCommand } from './commands.js';
import { EXIT, type CheckResult } from './report.js';

const METRICS_TOKEN = 'ops-test-metrics-token-0123456789';

async function listen(app: FastifyInstance): Promise<string> {
  const port = await freePort();
  await app.listen({ port, host: '127.0.0.1' });
  return `http://127.0.0.1:${port}`;
}

/** Runs a command the way the CLI does, with only the environment given (never the test runner's DATABASE_URL). */
async function run(url: string, name: string, env: Record<string, string> = {}, options: Record<string, unknown> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const { exitCode, report } = await runOpsCommand(name, { url, quiet: true, timeout: 10, ...options }, { env, stdout: (t) => out.push(t), stderr: (l) => err.push(l) });
  const byId = (id: string): CheckResult => {
    const found = report?.checks.find((c) => c.id === id);
    if (!found) throw new Error(`no check ${id} in ${out.join('\n')}`);
    return found;
  };
  return { exitCode, report, byId, stdout: out.join('\n'), stderr: err.join('\n') };
}

const statuses = (checks: readonly CheckResult[] | undefined) => Object.fromEntries((checks ?? []).map((c) => [c.id, c.status]));

describe('barberpro ops against a running server', () => {
  let ctx: TestContext;
  let url: string;
  let admin: TestUser;
  let adminEnv: Record<string, string>;

  beforeAll(async () => {
    ctx = await createTestContext({ env: { METRICS_TOKEN } });
    url = await listen(ctx.app);
    admin = await ctx.createUser('admin');
    adminEnv = { BARBERPRO_ADMIN_TOKEN: admin.token };
    const audit = new AuditTrail(ctx.database.db);
    for (let i = 1; i <= 4; i++)
      await ctx.database.db.transaction().execute((trx) =>
        audit.append(trx, { eventType: 'payment.approved', entityType: 'payment', entityId: `p-${i}`, actor: 'mercadopago', payload: { amountCents: 1000 * i }, dedupeKey: `ops-test:${i}`, occurredAt: new Date('2026-12-01T12:00:00Z') }),
      );
  });
  afterAll(async () => ctx.close());

  it('infrastructure-health-check passes on a healthy server and reports measured figures', async () => {
    for (let i = 0; i < 5; i++) await fetch(`${url}/api/v1/shops?page=1`);
    const r = await run(url, 'infrastructure-health-check', { METRICS_TOKEN });
    expect(r.exitCode).toBe(EXIT.ok);
    expect(statuses(r.report?.checks)).toMatchObject({ healthz: 'pass', readyz: 'pass', 'metrics.scrape': 'pass', 'metrics.collectors': 'pass', 'latency.p95': 'pass', 'queue.depth': 'pass' });
    // Too few requests to show < 0.1 %: said, not passed.
    expect(r.byId('errors.rate').status).toBe('warn');
    expect(r.byId('database.direct').status).toBe('skip');
    expect(r.stdout).toMatch(/PASS {2}GET \/readyz \(readiness\) +200 ok — database ok/);
  });

  it('without a metrics token the metric checks are skipped, not passed', async () => {
    const r = await run(url, 'infrastructure-health-check');
    expect(statuses(r.report?.checks)).toMatchObject({ 'metrics.scrape': 'skip', 'errors.rate': 'skip', 'latency.p95': 'skip' });
    const refused = await run(url, 'infrastructure-health-check', { METRICS_TOKEN: 'not-the-token-0123456789' });
    expect(refused.byId('metrics.scrape').status).toBe('fail');
    expect(refused.exitCode).toBe(EXIT.failed);
  });

  it('security-verification passes: headers, rate limits, 401 on every protected route, webhook signature, login lockout', async () => {
    const r = await run(url, 'security-verification');
    expect(statuses(r.report?.checks)).toMatchObject({
      'headers.csp': 'pass',
      'headers.nosniff': 'pass',
      'headers.frame': 'pass',
      'headers.hsts': 'skip',
      'ratelimit.headers': 'pass',
      'routes.anonymous': 'pass',
      'webhook.signature': 'pass',
      'login.lockout': 'pass',
      'tls.protocol': 'skip',
    });
    expect(r.byId('webhook.signature').measured).toBe('unsigned → 401, forged x-signature → 401');
    expect(r.byId('routes.anonymous').measured).toMatch(/^(\d+) of \1 answered 401$/);
    expect(r.byId('login.lockout').measured).toMatch(/^attempt 6 of at most 30 answered 429 \(login_locked\)/);
    expect(r.exitCode).toBe(EXIT.ok);
  });

  it('financial-compliance-check and db-performance-check run through the admin API', async () => {
    const fin = await run(url, 'financial-compliance-check', adminEnv);
    expect(statuses(fin.report?.checks)).toMatchObject({ 'ledger.entries': 'pass', 'ledger.trial-balance': 'pass', 'ledger.payments': 'pass' });
    expect(['pass', 'skip']).toContain(fin.byId('invoices.coverage').status);
    expect(fin.exitCode).toBe(EXIT.ok);

    const db = await run(url, 'db-performance-check', adminEnv);
    expect(db.report?.checks.filter((c) => c.status === 'fail')).toEqual([]);
    // Neither the test server nor PGlite loads pg_stat_statements: a skip with the reason.
    expect(db.byId('queries.share').status).toBe('skip');
    expect(db.byId('queries.share').measured).toMatch(/pg_stat_statements/);
    expect(db.byId('database.source').measured).toContain('GET /api/v1/admin/ops/db-performance');
  });

  it('admin checks without credentials verify nothing and say so (exit 4); a wrong token fails', async () => {
    const none = await run(url, 'audit-integrity-check');
    expect(none.exitCode).toBe(EXIT.nothingVerified);
    expect(none.stdout).toContain('NOTHING VERIFIED');
    const customer = await ctx.createUser('customer');
    const wrong = await run(url, 'audit-integrity-check', { BARBERPRO_ADMIN_TOKEN: customer.token });
    expect(wrong.byId('audit.chain').measured).toContain('403');
    expect(wrong.exitCode).toBe(EXIT.failed);
  });

  it('audit-integrity-check passes on an intact chain and fails naming the tampered row', async () => {
    const intact = await run(url, 'audit-integrity-check', adminEnv);
    expect(intact.byId('audit.chain').status).toBe('pass');
    expect(intact.byId('audit.chain').measured).toContain('4 rows');
    expect(intact.exitCode).toBe(EXIT.ok);

    await tamper(ctx.database.db, sql`update audit_log set payload = '{"amountCents": 1}'::jsonb where seq = 3`);
    const broken = await run(url, 'audit-integrity-check', adminEnv, { json: true });
    expect(broken.exitCode).toBe(EXIT.failed);
    expect(broken.byId('audit.chain').status).toBe('fail');
    expect(broken.byId('audit.chain').measured).toContain('BROKEN at seq 3');
    expect(JSON.parse(broken.stdout).summary.overall).toBe('fail');
    await tamper(ctx.database.db, sql`update audit_log set payload = '{"amountCents": 3000}'::jsonb where seq = 3`);
    expect((await run(url, 'audit-integrity-check', adminEnv)).exitCode).toBe(EXIT.ok);
  });

  it('performance-validation generates load and judges p95 and the error rate', async () => {
    const r = await run(url, 'performance-validation', {}, { duration: 2, connections: 2 });
    expect(r.byId('load.p95').measured).toMatch(/p95 .* over [\d,]+ responses/);
    expect(['pass', 'warn']).toContain(r.byId('load.errors').status);
  });

});

describe('security-verification against a misconfigured server', () => {
  let database: Database;
  let app: FastifyInstance;
  let url: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await buildApp({ config: loadConfig({ ...TEST_ENV }), database, jwtSecret: TEST_JWT_SECRET });
    // The mistake the check exists for: an admin route left open to anyone.
    app.get('/api/v1/admin/leak', { config: { access: PUBLIC }, schema: { tags: ['ops'] } }, async () => ({ users: [] }));
    url = await listen(app);
  });
  afterAll(async () => {
    await app.close();
    await database.close();
  });

  it('fails and names the open route', async () => {
    const r = await run(url, 'security-verification', {}, { loginProbe: false });
    expect(r.byId('routes.anonymous').status).toBe('fail');
    expect(r.byId('routes.anonymous').details).toEqual(['GET /api/v1/admin/leak answered 200 without credentials']);
    expect(r.byId('login.lockout').status).toBe('skip');
    expect(r.exitCode).toBe(EXIT.failed);
  });
});

/** As the table owner with the append-only trigger off: what an attacker with those rights could do. */
async function tamper(db: Kysely<DB>, change: ReturnType<typeof sql>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`alter table audit_log disable trigger audit_log_append_only`.execute(trx);
    await change.execute(trx);
    await sql`alter table audit_log enable trigger audit_log_append_only`.execute(trx);
  });
}
