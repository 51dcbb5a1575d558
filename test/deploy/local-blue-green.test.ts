import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runLocalDrill, type DrillReport } from '../../src/cli/deploy/local-drill.js';
import { createTestDatabase } from '../helpers.js';
import type { Database } from '../../src/platform/db/database.js';

/**
 * The done-when: real BarberPro processes (one database, Redis when given) behind the
 * local switcher, autocannon driving load throughout; a healthy version is promoted and a
 * version killed during its canary is rolled back by itself, both with zero failed requests.
 */
const templateUrl = inject('templateDatabaseUrl');

describe.skipIf(!templateUrl)('local blue-green under load', () => {
  let database: Database;
  let report: DrillReport;

  beforeAll(async () => {
    database = await createTestDatabase();
    const name = (await sql<{ name: string }>`select current_database() as name`.execute(database.db)).rows[0]!.name;
    const url = new URL(templateUrl!);
    url.pathname = `/${name}`;
    report = await runLocalDrill({ databaseUrl: url.toString(), redisUrl: process.env.REDIS_URL, connections: 8, canaryMs: 3_000 });
  }, 150_000);
  afterAll(async () => database?.close());

  it('loses no client request across the switch, the rollback and the refused deploy', () => {
    expect(report.load.requests).toBeGreaterThan(500);
    expect(report.load.failures).toBe(0);
    expect(report.load.statusCodes).toEqual({ '200': report.load.requests });
  });

  it('promotes a healthy version after its canary and drains the old one to a clean exit', () => {
    const [healthy] = report.deploys;
    expect(healthy!.result.outcome).toBe('promoted');
    expect(healthy!.servedByNew).toBeGreaterThan(0);
    expect(healthy!.result.previousExit).toEqual({ code: 0, signal: null });
  });

  it('rolls back by itself when the new version dies during its canary', () => {
    const killed = report.deploys[1]!;
    expect(killed.result.outcome).toBe('rolled-back');
    expect(killed.killedAt).toBeDefined();
    // Detected from the proxy's own connection errors or /readyz probes, well under the canary time.
    expect(killed.rollbackMs).toBeLessThan(3_000);
    expect(killed.result.switchedAt).toBeUndefined();
  });

  it('sends nothing to a version that never becomes ready', () => {
    const broken = report.deploys[2]!;
    expect(broken.result.outcome).toBe('not-ready');
    expect(broken.servedByNew).toBe(0);
    expect(report.passed).toBe(true);
  });
});
