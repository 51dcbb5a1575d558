import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, freePort, testPersonalData, type TestContext, type TestUser } from '../../../test/helpers.js';
import { AccountsRepository } from '../../modules/accounts/repository.js';
import { RetentionRepository } from '../../modules/retention/repository.js';
import { RetentionService } from '../../modules/retention/service.js';
import { runOpsCommand } from './commands.js';
import { EXIT, type CheckResult } from './report.js';

async function listen(app: FastifyInstance): Promise<string> {
  const port = await freePort();
  await app.listen({ port, host: '127.0.0.1' });
  return `http://127.0.0.1:${port}`;
}

let ctx: TestContext;
let url: string;
let admin: TestUser;

async function run(name = 'data-protection-check') {
  const out: string[] = [];
  const { exitCode, report } = await runOpsCommand(name, { url, quiet: true, timeout: 10 }, { env: { BARBERPRO_ADMIN_TOKEN: admin.token }, stdout: (t) => out.push(t), stderr: () => undefined });
  const byId = (id: string): CheckResult => {
    const found = report?.checks.find((c) => c.id === id);
    if (!found) throw new Error(`no check ${id} in ${out.join('\n')}`);
    return found;
  };
  return { exitCode, byId, stdout: out.join('\n') };
}

beforeAll(async () => {
  // The check compares with the wall clock; the app's clock is real time too.
  ctx = await createTestContext({ now: new Date().toISOString() });
  url = await listen(ctx.app);
  admin = await ctx.createUser('admin');
  await new AccountsRepository(ctx.database.db, testPersonalData()).insertUser({ email: 'dp@example.com', password_hash: 'x', full_name: 'Protegida', phone: '+54 9 11 5555-7777', role: 'customer' });
});
afterAll(async () => ctx?.close());

describe('barberpro ops data-protection-check', () => {
  it('is red while the retention job never ran; says "not available" for requests the server does not track', async () => {
    const r = await run();
    expect(r.exitCode).toBe(EXIT.failed);
    expect(r.byId('retention.last-run')).toMatchObject({ status: 'fail', measured: expect.stringMatching(/never ran/) });
    expect(r.byId('encryption.personal-data')).toMatchObject({ status: 'pass', measured: expect.stringMatching(/^1 value\(s\) in \d+ columns, 100 % sealed/) });
    expect(r.byId('encryption.keys')).toMatchObject({ status: 'pass', measured: 'test1: 1; all under the current key test1' });
    expect(r.byId('privacy.requests')).toMatchObject({ status: 'pass', measured: expect.stringMatching(/^none overdue or due soon; [\d.]+ % of accounts accepted the texts in force$/) });
  });

  it('passes once retention ran, and is red naming the column when a plaintext value is found in an encrypted column', async () => {
    await new RetentionService(new RetentionRepository(ctx.database.db), ctx.clock).run();
    const green = await run();
    expect(green.byId('retention.last-run').status).toBe('pass');
    expect(green.exitCode).toBe(EXIT.ok);

    const leaked = await ctx.createUser('customer');
    await ctx.database.db.updateTable('users').set({ phone: '+54 9 11 4444-0000' }).where('id', '=', leaked.id).execute();
    const red = await run();
    expect(red.exitCode).toBe(EXIT.failed);
    const personal = red.byId('encryption.personal-data');
    expect(personal.status).toBe('fail');
    expect(personal.measured).toMatch(/^1 plaintext value\(s\) in encrypted columns: users\.phone \(1 of 2\); 50 % sealed overall/);
    expect(personal.details).toContain('users.phone: 1 of 2 sealed (50 %) — 1 PLAINTEXT');
    // The value itself never reaches the report.
    expect(red.stdout).not.toContain('4444');

    // compliance-validation carries the same verdicts.
    const compliance = await run('compliance-validation');
    expect(compliance.byId('encryption.personal-data').status).toBe('fail');
  });
});
