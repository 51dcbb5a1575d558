/**
 * The recovery runbooks the service can run on itself (runbook: "Automated Recovery",
 * "Manual Intervention"): each action first counts what it would touch, then — unless it is
 * a dry run — does it and reports what it did. Every action is one the platform already
 * performs periodically; running it now only stops waiting for the next tick.
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import { JOB_NAMES, type JobQueue } from '../../platform/queue/queue.js';
import type { BookingsService } from '../bookings/service.js';
import type { Clock } from '../../platform/clock.js';

export const RECOVERY_ACTIONS = ['dead-letters', 'expired-holds', 'invoices', 'payments'] as const;
export type RecoveryAction = (typeof RECOVERY_ACTIONS)[number];

export interface RecoveryOutcome {
  action: RecoveryAction;
  /** What needed recovery when counted. */
  found: number;
  /** What was done (0 on a dry run). */
  done: number;
  detail: string;
}

export interface RecoveryDeps {
  db: Kysely<DB>;
  queue: JobQueue;
  bookings: BookingsService;
  clock: Clock;
}

async function scalar(db: Kysely<DB>, query: ReturnType<typeof sql<{ n: number }>>): Promise<number> {
  return Number((await query.execute(db)).rows[0]?.n ?? 0);
}

export async function runRecovery(deps: RecoveryDeps, action: RecoveryAction, dryRun: boolean): Promise<RecoveryOutcome> {
  const { db, queue, clock } = deps;
  switch (action) {
    case 'dead-letters': {
      const perQueue: string[] = [];
      let found = 0;
      let done = 0;
      for (const name of JOB_NAMES) {
        const failed = (await queue.failed(name, 1_000)).length;
        if (failed === 0) continue;
        found += failed;
        const retried = dryRun ? 0 : await queue.retryFailed(name);
        done += retried;
        perQueue.push(`${name}: ${failed} failed${dryRun ? '' : `, ${retried} retried`}`);
      }
      return { action, found, done, detail: perQueue.join('; ') || 'no failed jobs in any queue' };
    }
    case 'expired-holds': {
      const found = await scalar(db, sql<{ n: number }>`select count(*)::int as n from bookings where status = 'pending' and hold_expires_at <= ${clock.now()}`);
      const done = dryRun || found === 0 ? 0 : await deps.bookings.expireHolds();
      return { action, found, done, detail: dryRun ? `${found} unpaid holds past their expiry` : `${done} expired holds released (their time is free again)` };
    }
    case 'invoices': {
      const found = await scalar(db, sql<{ n: number }>`select count(*)::int as n from invoices where status in ('pending', 'issuing')`);
      if (!dryRun && found > 0) await queue.enqueue('invoices.issue', {}, { jobId: `recovery-invoices-${clock.now().getTime()}` });
      return { action, found, done: !dryRun && found > 0 ? 1 : 0, detail: `${found} vouchers waiting for AFIP${!dryRun && found > 0 ? '; an issuing run was queued now' : ''}` };
    }
    case 'payments': {
      const found = await scalar(
        db,
        sql<{ n: number }>`select (select count(*) from payment_notifications where processed_at is null) + (select count(*) from payments where status in ('checkout', 'pending'))::int as n`,
      );
      if (!dryRun && found > 0) await queue.enqueue('payments.reconcile', {}, { jobId: `recovery-payments-${clock.now().getTime()}` });
      return { action, found, done: !dryRun && found > 0 ? 1 : 0, detail: `${found} unprocessed notifications and open checkouts${!dryRun && found > 0 ? '; a reconciliation with MercadoPago was queued now' : ''}` };
    }
  }
}

export interface UsageFigures {
  measuredAt: string;
  databaseBytes: number;
  users: { customer: number; provider: number; admin: number };
  /** Customers with a booking created in the last 30 days. */
  activeCustomers30d: number;
  bookingsCreated30d: number;
  paymentsApproved30d: number;
}

/** Usage counted in the database now, for the cost reports. */
export async function measureUsage(db: Kysely<DB>, clock: Clock): Promise<UsageFigures> {
  const now = clock.now();
  const since = new Date(now.getTime() - 30 * 86_400_000);
  const size = await sql<{ bytes: string }>`select pg_database_size(current_database())::text as bytes`.execute(db);
  const roles = await sql<{ role: string; n: number }>`select role::text as role, count(*)::int as n from users group by role`.execute(db);
  const activity = await sql<{ customers: number; bookings: number }>`
    select count(distinct customer_id)::int as customers, count(*)::int as bookings from bookings where created_at >= ${since}`.execute(db);
  const approved = await sql<{ n: number }>`select count(*)::int as n from payments where approved_at >= ${since}`.execute(db);
  const users = { customer: 0, provider: 0, admin: 0 };
  for (const r of roles.rows) if (r.role in users) users[r.role as keyof typeof users] = Number(r.n);
  return {
    measuredAt: now.toISOString(),
    databaseBytes: Number(size.rows[0]?.bytes ?? 0),
    users,
    activeCustomers30d: Number(activity.rows[0]?.customers ?? 0),
    bookingsCreated30d: Number(activity.rows[0]?.bookings ?? 0),
    paymentsApproved30d: Number(approved.rows[0]?.n ?? 0),
  };
}

export async function appliedMigrations(db: Kysely<DB>): Promise<Array<{ name: string; appliedAt: string }>> {
  const result = await sql<{ name: string; timestamp: string }>`select name, timestamp from schema_migrations order by name`.execute(db);
  return result.rows.map((r) => ({ name: r.name, appliedAt: new Date(r.timestamp).toISOString() }));
}
