import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import { canonicalJson, GENESIS, hashRow, verifyChain, type AuditChainRow, type BreakReason, type ChainHead } from './chain.js';

/**
 * The key of the transaction-scoped advisory lock that serialises appends ('BarbrAud' in ASCII).
 * Any code that appends to audit_log must take it; AuditTrail.append does.
 */
export const AUDIT_APPEND_LOCK_KEY = 0x4261726272417564n;

export interface AuditEventInput {
  /** e.g. payment.approved, refund.requested, ledger.entry_recorded */
  eventType: string;
  entityType: string;
  entityId: string;
  /** Who caused it: a user id, `mercadopago`, `system`… */
  actor: string;
  /** JSON data; Dates become ISO strings and bigints decimal strings (canonical JSON). */
  payload: unknown;
  /** The event's natural key: appending it again returns the row already there. */
  dedupeKey: string;
  occurredAt: Date;
}

export interface AuditRecord {
  seq: number;
  occurredAt: Date;
  eventType: string;
  entityType: string;
  entityId: string;
  actor: string;
  payload: unknown;
  dedupeKey: string;
  prevHash: string;
  hash: string;
}

export type AuditVerification =
  | { ok: true; rows: number; head: ChainHead | null }
  | { ok: false; rows: number; firstBrokenSeq: number; reason: BreakReason; detail: string; lastGood: ChainHead | null };

const COLUMNS = ['seq', 'occurred_at', 'event_type', 'entity_type', 'entity_id', 'actor', 'payload', 'dedupe_key', 'prev_hash', 'hash'] as const;

type StoredRow = AuditChainRow & { seq: number; occurred_at: Date };

function toRecord(row: StoredRow): AuditRecord {
  return {
    seq: Number(row.seq),
    occurredAt: row.occurred_at,
    eventType: row.event_type,
    entityType: row.entity_type,
    entityId: row.entity_id,
    actor: row.actor,
    payload: row.payload,
    dedupeKey: row.dedupe_key,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/**
 * The append-only, hash-chained audit trail of financial events (chain.ts has the rules).
 * Appends happen in the caller's transaction, so an event is recorded if and only if what
 * it describes commits. They are serialised by an advisory lock held until that transaction
 * ends; take it late (append as the last step) to keep financial transactions short, and
 * use READ COMMITTED (the default), so the appender sees the row committed before it.
 */
export class AuditTrail {
  constructor(private readonly db: Kysely<DB>) {}

  async append(trx: Transaction<DB>, event: AuditEventInput): Promise<{ created: boolean; row: AuditRecord }> {
    if (!trx.isTransaction) throw new Error('AuditTrail.append needs the caller’s transaction');
    if (!(event.occurredAt instanceof Date) || Number.isNaN(event.occurredAt.getTime())) throw new TypeError('occurredAt must be a valid Date');
    // Normalised once: what is stored (jsonb of the canonical text) reads back as this value.
    const payloadText = canonicalJson(event.payload);
    const payload: unknown = JSON.parse(payloadText);

    await sql`select pg_advisory_xact_lock(${AUDIT_APPEND_LOCK_KEY.toString()}::bigint)`.execute(trx);
    const existing = await trx.selectFrom('audit_log').select(COLUMNS).where('dedupe_key', '=', event.dedupeKey).executeTakeFirst();
    if (existing) return { created: false, row: toRecord(existing as StoredRow) };

    const last = await trx.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    const prevHash = last?.hash ?? GENESIS.hash;
    const content = {
      seq: Number(last?.seq ?? 0) + 1,
      // The column keeps milliseconds, as does a Date: the instant hashed is the instant stored.
      occurred_at: new Date(event.occurredAt.getTime()),
      event_type: event.eventType,
      entity_type: event.entityType,
      entity_id: event.entityId,
      actor: event.actor,
      payload,
      dedupe_key: event.dedupeKey,
    };
    const hash = hashRow(prevHash, content);
    await trx
      .insertInto('audit_log')
      .values({ ...content, payload: payloadText, prev_hash: prevHash, hash })
      .execute();
    return { created: true, row: toRecord({ ...content, prev_hash: prevHash, hash }) };
  }

  /** Rows of one entity, oldest first. */
  async history(entityType: string, entityId: string): Promise<AuditRecord[]> {
    const rows = await this.db.selectFrom('audit_log').select(COLUMNS).where('entity_type', '=', entityType).where('entity_id', '=', entityId).orderBy('seq').execute();
    return rows.map((r) => toRecord(r as StoredRow));
  }

  /**
   * Walks the whole table in seq order, `batchSize` rows at a time (memory stays bounded),
   * and stops at the first broken row. Rows appended while it runs are checked too.
   */
  async verify({ batchSize = 1_000 }: { batchSize?: number } = {}): Promise<AuditVerification> {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError('batchSize must be a positive integer');
    let head: ChainHead = GENESIS;
    let rows = 0;
    for (;;) {
      const batch = (await this.db
        .selectFrom('audit_log')
        .select(COLUMNS)
        .where('seq', '>', head.seq)
        .orderBy('seq')
        .limit(batchSize)
        .execute()) as StoredRow[];
      if (batch.length === 0) return { ok: true, rows, head: head.seq === 0 ? null : head };
      const result = verifyChain(batch, head);
      rows += result.rows;
      if (!result.ok)
        return {
          ok: false,
          rows,
          firstBrokenSeq: result.firstBrokenSeq,
          reason: result.reason,
          detail: result.detail,
          lastGood: result.head.seq === 0 ? null : result.head,
        };
      head = result.head;
      if (batch.length < batchSize) return { ok: true, rows, head };
    }
  }
}
