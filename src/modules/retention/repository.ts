import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.js';

/** Deletes in batches of this many rows, so no run holds long locks on a busy table. */
const BATCH = 1000;

/** All of the retention job's SQL. Every statement is idempotent: a second run finds nothing. */
export class RetentionRepository {
  constructor(private readonly db: Kysely<DB>) {}

  private async inBatches(run: () => Promise<bigint | number | undefined>): Promise<number> {
    let total = 0;
    for (;;) {
      const n = Number((await run()) ?? 0);
      total += n;
      if (n < BATCH) return total;
    }
  }

  /** Expired holds nothing financial points at; their events, notifications and billing go with them (cascade). */
  deleteExpiredHolds(before: Date): Promise<number> {
    return this.inBatches(async () => {
      const r = await sql`
        delete from bookings where id in (
          select b.id from bookings b
          where b.status = 'expired' and b.updated_at < ${before}
            and not exists (select 1 from payments p where p.booking_id = b.id)
            and not exists (select 1 from invoices i where i.booking_id = b.id)
            and not exists (select 1 from ledger_entries l where l.booking_id = b.id)
            and not exists (select 1 from refunds r where r.booking_id = b.id)
            and not exists (select 1 from reviews v where v.booking_id = b.id)
          limit ${BATCH})`.execute(this.db);
      return r.numAffectedRows;
    });
  }

  /**
   * Customer accounts created before the cutoff that never booked, reviewed or belonged to a
   * shop, and got no session since the cutoff (last_active_at, which outlives purged tokens).
   * Their tokens, preferences and stored answers go with them (cascade).
   */
  deleteUnusedAccounts(before: Date): Promise<number> {
    return this.inBatches(async () => {
      const r = await sql`
        delete from users where id in (
          select u.id from users u
          where u.role = 'customer' and u.created_at < ${before}
            and not exists (select 1 from bookings b where b.customer_id = u.id or b.cancelled_by = u.id)
            and not exists (select 1 from reviews v where v.customer_id = u.id)
            and not exists (select 1 from shop_members m where m.user_id = u.id)
            and coalesce(u.last_active_at, u.created_at) < ${before}
            and not exists (select 1 from refresh_tokens t where t.user_id = u.id and t.created_at >= ${before})
          limit ${BATCH})`.execute(this.db);
      return r.numAffectedRows;
    });
  }

  deleteIdempotencyResponses(before: Date): Promise<number> {
    return this.inBatches(async () => {
      const r = await sql`
        delete from idempotency_keys where (user_id, scope, key) in (
          select user_id, scope, key from idempotency_keys where created_at < ${before} limit ${BATCH})`.execute(this.db);
      return r.numAffectedRows;
    });
  }

  /** Settled notifications keep their row (the history of what was sent) but lose the provider's error text. */
  async clearNotificationPayloads(before: Date): Promise<number> {
    const r = await sql`
      update notifications set last_error = null
      where status in ('sent', 'failed', 'skipped') and updated_at < ${before} and last_error is not null`.execute(this.db);
    return Number(r.numAffectedRows ?? 0);
  }

  deleteProcessedWebhooks(before: Date): Promise<number> {
    return this.inBatches(async () => {
      const r = await sql`
        delete from payment_notifications where id in (
          select id from payment_notifications where processed_at is not null and processed_at < ${before} limit ${BATCH})`.execute(this.db);
      return r.numAffectedRows;
    });
  }

  deleteExpiredRefreshTokens(before: Date): Promise<number> {
    return this.inBatches(async () => {
      const r = await sql`
        delete from refresh_tokens where id in (select id from refresh_tokens where expires_at < ${before} limit ${BATCH})`.execute(this.db);
      return r.numAffectedRows;
    });
  }

  async startRun(at: Date): Promise<string> {
    const row = await this.db.insertInto('retention_runs').values({ started_at: at }).returning('id').executeTakeFirstOrThrow();
    return row.id;
  }

  async finishRun(id: string, at: Date, counts: Record<string, number>, errors: Record<string, string>): Promise<void> {
    await this.db.updateTable('retention_runs').set({ finished_at: at, counts: JSON.stringify(counts), errors: JSON.stringify(errors) }).where('id', '=', id).execute();
  }

  lastRuns(limit: number) {
    return this.db.selectFrom('retention_runs').selectAll().orderBy('started_at', 'desc').limit(limit).execute();
  }
}
