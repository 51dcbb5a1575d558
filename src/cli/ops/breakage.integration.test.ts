import type { ChildProcess } from 'node:child_process';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.js';
import { MP_CLEARING } from '../../modules/ledger/postings.js';
import { loadConfig } from '../../platform/config.js';
import { createRequestRedis, type RedisClient } from '../../platform/redis.js';
import { createTestContext, freePort, hasRedisServer, startRedisServer, TEST_ENV, TEST_JWT_SECRET, waitFor, type TestContext } from '../../../test/helpers.js';
import { runOpsCommand } from './commands.js';
import { EXIT, type CheckResult } from './report.js';

/**
 * The runbook's checks against a running server, broken on purpose: Redis stopped, the ledger
 * unbalanced behind its triggers. Each turns the matching check red with a message that names
 * what broke. (A tampered audit row is in ops.integration.test.ts, delayed invoices in
 * afip-health.integration.test.ts.)
 */
describe.skipIf(!hasRedisServer)('ops checks go red on purpose-made faults', { timeout: 60_000 }, () => {
  let ctx: TestContext;
  let app: FastifyInstance;
  let redis: RedisClient;
  let redisProcess: ChildProcess;
  let redisUrl: string;
  let url: string;
  let adminToken: string;

  const run = async (name: string, env: Record<string, string> = {}) => {
    const out: string[] = [];
    const { exitCode, report } = await runOpsCommand(name, { url, quiet: true, timeout: 10 }, { env, stdout: (t) => out.push(t), stderr: () => undefined });
    const byId = (id: string): CheckResult => {
      const found = report?.checks.find((c) => c.id === id);
      if (!found) throw new Error(`no check ${id} in ${out.join('\n')}`);
      return found;
    };
    return { exitCode, byId };
  };

  beforeAll(async () => {
    ctx = await createTestContext();
    const port = await freePort();
    redisProcess = await startRedisServer(port);
    redisUrl = `redis://127.0.0.1:${port}`;
    redis = createRequestRedis(redisUrl);
    app = await buildApp({ config: loadConfig({ ...TEST_ENV, REDIS_URL: redisUrl }), database: ctx.database, jwtSecret: TEST_JWT_SECRET, clock: ctx.clock, redis });
    const listenPort = await freePort();
    await app.listen({ port: listenPort, host: '127.0.0.1' });
    url = `http://127.0.0.1:${listenPort}`;
    adminToken = (await ctx.createUser('admin')).token;
    await waitFor(() => redis.status === 'ready');
  });

  afterAll(async () => {
    await app?.close();
    redis?.disconnect();
    redisProcess?.kill('SIGKILL');
    await ctx?.close();
  });

  it('infrastructure-health-check: Redis stopped turns the direct probe red naming the address, and readiness degraded', async () => {
    const healthy = await run('infrastructure-health-check', { REDIS_URL: redisUrl });
    expect(healthy.byId('redis.direct').status).toBe('pass');
    expect(healthy.byId('readyz').status).toBe('pass');

    redisProcess.kill('SIGKILL');
    await waitFor(() => redis.status !== 'ready');
    const broken = await run('infrastructure-health-check', { REDIS_URL: redisUrl });
    expect(broken.exitCode).toBe(EXIT.failed);
    expect(broken.byId('redis.direct')).toMatchObject({ status: 'fail', measured: expect.stringContaining(`127.0.0.1:${redisUrl.split(':').pop()}`) });
    expect(broken.byId('readyz')).toMatchObject({ status: 'warn', measured: expect.stringContaining('degraded') });
  });

  it('financial-compliance-check: an unbalanced entry forged behind the triggers turns it red naming the entry', async () => {
    const before = await run('financial-compliance-check', { BARBERPRO_ADMIN_TOKEN: adminToken });
    expect(before.byId('ledger.entries').status).toBe('pass');

    const entryId = await ctx.database.db.transaction().execute(async (trx) => {
      // As a superuser, bypassing the guard: what the check exists for.
      await sql`alter table ledger_postings disable trigger ledger_postings_balanced`.execute(trx);
      await sql`alter table ledger_entries disable trigger ledger_entries_balanced`.execute(trx);
      await trx.insertInto('ledger_accounts').values({ code: MP_CLEARING, kind: 'asset' }).onConflict((oc) => oc.doNothing()).execute();
      const entry = await trx.insertInto('ledger_entries').values({ kind: 'manual', idempotency_key: 'forged-by-ops-test', occurred_at: new Date(), booking_id: null, payment_ref: null }).returning('id').executeTakeFirstOrThrow();
      await trx.insertInto('ledger_postings').values({ entry_id: entry.id, account_code: MP_CLEARING, amount_cents: 5_000, line_type: 'collection' }).execute();
      await sql`alter table ledger_postings enable trigger ledger_postings_balanced`.execute(trx);
      await sql`alter table ledger_entries enable trigger ledger_entries_balanced`.execute(trx);
      return entry.id;
    });
    const after = await run('financial-compliance-check', { BARBERPRO_ADMIN_TOKEN: adminToken });
    expect(after.exitCode).toBe(EXIT.failed);
    const entries = after.byId('ledger.entries');
    expect(entries).toMatchObject({ status: 'fail', measured: expect.stringMatching(/^1 unbalanced entries/) });
    expect(entries.details).toEqual([`entry ${entryId} (manual, forged-by-ops-test): 1 postings sum to 5000 centavos`]);
  });
});
