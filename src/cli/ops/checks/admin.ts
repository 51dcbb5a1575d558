/**
 * Checks that read the books, the audit trail and the database: through the server's admin
 * API with BARBERPRO_ADMIN_TOKEN (the only way on the embedded default), or with DATABASE_URL
 * directly. Both paths run the same server code, so they report the same figures.
 */
import { AuditTrail } from '../../../modules/audit/service.js';
import { auditVerificationBody } from '../../../modules/audit/routes.js';
import { LedgerService } from '../../../modules/ledger/service.js';
import { inspectDbPerformance, inspectFinancialDocuments, type DbPerformance, type FinancialDocuments } from '../../../modules/ops/inspection.js';
import { createDatabase, type Database } from '../../../platform/db/database.js';
import { bearer, describeError, redactUrl, sourceFor, type OpsContext, type Source } from '../context.js';
import { check, count, type CheckResult } from '../report.js';
import {
  judgeAuditChain,
  judgeCoverage,
  judgeLedger,
  judgeQueryShare,
  judgeSequentialScans,
  judgeSlowStatements,
  judgeUnusedIndexes,
  type AuditVerifyBody,
  type LedgerCheckBody,
} from '../verdicts.js';

type Fetched<T> = { ok: true; value: T; via: string } | { ok: false; result: (id: string, title: string) => CheckResult };

async function withDatabase<T>(url: string, use: (database: Database) => Promise<T>): Promise<T> {
  const database = await createDatabase({ kind: 'postgres', url, poolMax: 2 });
  try {
    return await use(database);
  } finally {
    await database.close();
  }
}

/** One admin figure: from the API route, or computed on the database directly. */
export async function fetchAdmin<T>(ctx: OpsContext, source: Source, path: string, direct: (database: Database) => Promise<T>): Promise<Fetched<T>> {
  if (source.kind === 'none') return { ok: false, result: (id, title) => check.skip(id, title, source.reason) };
  if (source.kind === 'api') {
    const res = await ctx.http('GET', path, { headers: bearer(source.token), timeoutMs: Math.max(ctx.timeoutMs, 60_000) });
    if (res.status === 200) return { ok: true, value: res.json as T, via: `GET ${path}` };
    const why =
      res.status === undefined
        ? `no answer: ${res.error}`
        : res.status === 401
          ? '401: BARBERPRO_ADMIN_TOKEN was refused (expired or not signed by this server)'
          : res.status === 403
            ? '403: BARBERPRO_ADMIN_TOKEN is not an admin’s'
            : res.status === 404
              ? `404: this server has no ${path}`
              : `answered ${res.status}`;
    return { ok: false, result: (id, title) => check.fail(id, title, `GET ${path}: ${why}`) };
  }
  try {
    const value = await withDatabase(source.url, direct);
    return { ok: true, value, via: `database ${redactUrl(source.url)}` };
  } catch (error) {
    return { ok: false, result: (id, title) => check.fail(id, title, `${redactUrl(source.url)}: ${describeError(error)}`) };
  }
}

export async function auditChainCheck(ctx: OpsContext): Promise<CheckResult> {
  ctx.progress('walking the audit hash chain');
  const got = await fetchAdmin<AuditVerifyBody>(ctx, sourceFor(ctx), '/api/v1/admin/audit/verify', async (database) => auditVerificationBody(await new AuditTrail(database.db).verify()));
  return got.ok ? judgeAuditChain(got.value, got.via) : got.result('audit.chain', 'Audit trail hash chain');
}

export async function ledgerChecks(ctx: OpsContext): Promise<CheckResult[]> {
  ctx.progress('checking the ledger');
  const got = await fetchAdmin<LedgerCheckBody>(ctx, sourceFor(ctx), '/api/v1/admin/ledger/check', async (database) => {
    const c = await new LedgerService(database.db, new AuditTrail(database.db)).check();
    return {
      ok: c.ok,
      trialBalance: c.trialBalanceCents,
      unbalancedEntries: c.unbalancedEntries.map((e) => ({ entryId: e.entryId, idempotencyKey: e.idempotencyKey, kind: e.kind, postings: e.postings, sum: e.sumCents })),
      paymentsTable: c.paymentsTable,
      approvedPaymentsWithoutPostings: c.approvedPaymentsWithoutPostings,
    };
  });
  if (!got.ok) return [got.result('ledger.entries', 'Every ledger entry balances'), skipAfter('ledger.trial-balance', 'Books sum to zero (trial balance)'), skipAfter('ledger.payments', 'Collected payments have postings')];
  return judgeLedger(got.value, got.via);
}

const skipAfter = (id: string, title: string) => check.skip(id, title, 'the ledger check could not run (see above)');

export async function documentChecks(ctx: OpsContext, graceMinutes: number): Promise<CheckResult[]> {
  ctx.progress('matching payments to invoices and refunds to credit notes');
  const got = await fetchAdmin<FinancialDocuments>(ctx, sourceFor(ctx), '/api/v1/admin/ops/financial-documents', (database) => inspectFinancialDocuments(database.db));
  const invoiceTitle = 'Collected payments have an invoice (issued or queued)';
  const noteTitle = 'Refunds have a credit note (issued or queued)';
  if (!got.ok) return [got.result('invoices.coverage', invoiceTitle), got.result('credit-notes.coverage', noteTitle)];
  return [
    judgeCoverage('invoices.coverage', invoiceTitle, { item: 'collected payments', document: 'an invoice' }, got.value.invoices, graceMinutes),
    judgeCoverage('credit-notes.coverage', noteTitle, { item: 'refunds', document: 'a credit note' }, got.value.creditNotes, graceMinutes),
  ];
}

export async function dbPerformanceChecks(ctx: OpsContext, options: { minRows: number }): Promise<CheckResult[]> {
  ctx.progress('reading pg_stat_statements, pg_stat_user_indexes, pg_stat_user_tables and pg_stats');
  // DATABASE_URL first here: this is a check of that database, and it needs no server.
  const source: Source = ctx.databaseUrl ? { kind: 'db', url: ctx.databaseUrl } : sourceFor(ctx);
  const got = await fetchAdmin<DbPerformance>(ctx, source, '/api/v1/admin/ops/db-performance', (database) => inspectDbPerformance(database.db));
  if (!got.ok) return [got.result('database.performance', 'Database performance statistics')];
  const p = got.value;
  const checks: CheckResult[] = [check.info('database.source', 'Statistics read from', `${got.via}; statistics since ${p.statsReset ?? 'the server started'}`)];
  if (!p.statements.available) {
    checks.push(check.skip('queries.share', 'Queries under 100 ms (target 95 %)', p.statements.reason));
    checks.push(check.skip('queries.slowest', 'Slowest statements (calls > 100) by mean', p.statements.reason));
  } else {
    checks.push(judgeQueryShare(p.statements.all));
    checks.push(judgeSlowStatements(p.statements.slowest));
  }
  checks.push(judgeUnusedIndexes(p.unusedIndexes, p.statsReset));
  checks.push(judgeSequentialScans(p.tables, options.minRows));
  checks.push(
    p.columnStats.length
      ? check.info('pg_stats', 'Index usage analysis (runbook’s pg_stats query)', `${count(p.columnStats.length)} columns with statistics (first 20 by n_distinct)`, {
          details: p.columnStats.slice(0, 8).map((c) => `${c.tablename}.${c.attname}: n_distinct ${c.nDistinct}, correlation ${c.correlation === null ? '—' : c.correlation.toFixed(2)}`),
          data: p.columnStats,
        })
      : check.info('pg_stats', 'Index usage analysis (runbook’s pg_stats query)', 'no column statistics yet (ANALYZE has not run)'),
  );
  return checks;
}
