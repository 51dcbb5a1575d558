import { sql, type Kysely, type Transaction } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/helpers.js';
import type { Database } from '../../platform/db/database.js';
import type { DB } from '../../platform/db/schema.js';
import { GENESIS_HASH, hashRow, verifyChain } from './chain.js';
import { AuditTrail, type AuditEventInput } from './service.js';

const ENGINE = process.env.DATABASE_URL ? 'real PostgreSQL' : 'PGlite';

let n = 0;
function event(overrides: Partial<AuditEventInput> = {}): AuditEventInput {
  n += 1;
  return {
    eventType: 'payment.approved',
    entityType: 'payment',
    entityId: `pay-${n}`,
    actor: 'mercadopago',
    payload: { amountCents: 1_000 * n, currency: 'ARS' },
    dedupeKey: `mp:${n}:approved`,
    occurredAt: new Date(Date.UTC(2026, 11, 1, 12, 0, 0, n)),
    ...overrides,
  };
}

async function appendMany(db: Kysely<DB>, audit: AuditTrail, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await db.transaction().execute((trx) => audit.append(trx, event()));
}

/** As the superuser, with the append-only trigger off: what an attacker with the owner's rights could do. */
async function tamper(db: Kysely<DB>, change: (trx: Transaction<DB>) => Promise<unknown>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`alter table audit_log disable trigger audit_log_append_only`.execute(trx);
    await change(trx);
    await sql`alter table audit_log enable trigger audit_log_append_only`.execute(trx);
  });
}

describe(`the audit trail (${ENGINE})`, () => {
  let database: Database;
  let db: Kysely<DB>;
  let audit: AuditTrail;
  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    audit = new AuditTrail(db);
  });
  afterAll(async () => database.close());

  it('chains appends from the genesis hash and verifies them', async () => {
    expect(await audit.verify()).toEqual({ ok: true, rows: 0, head: null });
    const first = await db.transaction().execute((trx) => audit.append(trx, event()));
    expect(first.created).toBe(true);
    expect(first.row).toMatchObject({ seq: 1, prevHash: GENESIS_HASH });
    await appendMany(db, audit, 4);
    const rows = await db.selectFrom('audit_log').selectAll().orderBy('seq').execute();
    expect(rows.map((r) => Number(r.seq))).toEqual([1, 2, 3, 4, 5]);
    expect(verifyChain(rows)).toMatchObject({ ok: true, rows: 5 });
    expect(await audit.verify({ batchSize: 2 })).toEqual({ ok: true, rows: 5, head: { seq: 5, hash: rows[4]!.hash } });
  });

  it('stores what it hashed: Dates, bigints and nested keys in the payload verify after a round trip', async () => {
    const { row } = await db.transaction().execute((trx) =>
      audit.append(trx, event({ payload: { z: 1, a: { when: new Date('2026-12-24T20:00:00-03:00'), big: 2n ** 70n, list: [3, 'x', null, { b: true, a: 0.1 }] }, note: 'ñ “q” \\ /' } })),
    );
    expect(row.payload).toEqual({ z: 1, a: { when: '2026-12-24T23:00:00.000Z', big: '1180591620717411303424', list: [3, 'x', null, { b: true, a: 0.1 }] }, note: 'ñ “q” \\ /' });
    const stored = await db.selectFrom('audit_log').selectAll().where('seq', '=', row.seq).executeTakeFirstOrThrow();
    expect(stored.hash).toBe(hashRow(stored.prev_hash, stored));
    expect((await audit.verify()).ok).toBe(true);
  });

  it('is idempotent by dedupe key: the second append returns the first row', async () => {
    const input = event();
    const first = await db.transaction().execute((trx) => audit.append(trx, input));
    const again = await db.transaction().execute((trx) => audit.append(trx, { ...input, payload: { other: true }, occurredAt: new Date() }));
    expect(again).toEqual({ created: false, row: first.row });
    const racing = event();
    const results = await Promise.all(Array.from({ length: 8 }, () => db.transaction().execute((trx) => audit.append(trx, racing))));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.row.seq)).size).toBe(1);
    expect(await db.selectFrom('audit_log').select('seq').where('dedupe_key', 'in', [input.dedupeKey, racing.dedupeKey]).execute()).toHaveLength(2);
  });

  it('a rolled-back append leaves no trace and no gap', async () => {
    const before = await audit.verify();
    await expect(
      db.transaction().execute(async (trx) => {
        await audit.append(trx, event());
        throw new Error('the payment failed after all');
      }),
    ).rejects.toThrow('the payment failed');
    const { row } = await db.transaction().execute((trx) => audit.append(trx, event()));
    expect(row.seq).toBe(before.rows + 1);
    expect((await audit.verify()).ok).toBe(true);
  });

  it('refuses UPDATE, DELETE and TRUNCATE', async () => {
    await expect(sql`update audit_log set actor = 'someone else' where seq = 1`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`update audit_log set payload = '{}'::jsonb`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log where seq = 1`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_log`.execute(db)).rejects.toThrow(/append-only/);
    expect((await audit.verify()).ok).toBe(true);
  });

  it('refuses a row that does not extend the chain, even written around the service', async () => {
    const last = await db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    const base = { occurred_at: new Date(), event_type: 'payment.approved', entity_type: 'payment', entity_id: 'x', actor: 'x', payload: '{}', dedupe_key: `raw-${n++}` };
    const insert = (seq: number, prev: string) =>
      db.insertInto('audit_log').values({ ...base, seq, prev_hash: prev, hash: hashRow(prev, { ...base, seq, payload: {} }) }).execute();
    await expect(insert(Number(last.seq) + 1, GENESIS_HASH)).rejects.toThrow(/does not extend the chain/);
    await expect(insert(Number(last.seq) + 2, last.hash)).rejects.toThrow(/does not extend the chain/);
    await expect(insert(Number(last.seq), last.hash)).rejects.toThrow(/does not extend the chain/);
  });
});

describe(`20 transactions appending at once (${ENGINE})`, () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database.close());

  it('form one valid chain, numbered 1 to 20', async () => {
    const audit = new AuditTrail(database.db);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        database.db.transaction().execute(async (trx) => {
          // Work before and after the append, so that the transactions overlap.
          await sql`select pg_sleep(${(i % 5) / 200})`.execute(trx);
          const appended = await audit.append(trx, event({ entityId: `concurrent-${i}` }));
          await sql`select pg_sleep(0.005)`.execute(trx);
          return appended;
        }),
      ),
    );
    expect(results.every((r) => r.created)).toBe(true);
    expect(results.map((r) => r.row.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await audit.verify({ batchSize: 7 })).toMatchObject({ ok: true, rows: 20 });
  });
});

describe(`tampering is found, with the seq of the first broken row (${ENGINE})`, () => {
  let database: Database;
  let db: Kysely<DB>;
  let audit: AuditTrail;
  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    audit = new AuditTrail(db);
    await appendMany(db, audit, 12);
  });
  afterAll(async () => database.close());

  /** Tampers, verifies with a few batch sizes, then undoes the tampering. */
  async function expectBroken(change: string, undo: string, expected: { seq: number; reason: 'content' | 'link' }) {
    await tamper(db, (trx) => sql.raw(change).execute(trx));
    try {
      for (const batchSize of [1, 5, 1000]) {
        expect(await audit.verify({ batchSize })).toMatchObject({ ok: false, rows: expected.seq - 1, firstBrokenSeq: expected.seq, reason: expected.reason });
      }
    } finally {
      await tamper(db, (trx) => sql.raw(undo).execute(trx));
    }
    expect((await audit.verify()).ok).toBe(true);
  }

  it('an edited payload', async () => {
    const row = await db.selectFrom('audit_log').select(sql<string>`payload::text`.as('p')).where('seq', '=', 7).executeTakeFirstOrThrow();
    await expectBroken(`update audit_log set payload = jsonb_set(payload, '{amountCents}', '1') where seq = 7`, `update audit_log set payload = '${row.p}'::jsonb where seq = 7`, { seq: 7, reason: 'content' });
  });

  it('an edited actor, time or dedupe key', async () => {
    await expectBroken(`update audit_log set actor = 'admin' where seq = 3`, `update audit_log set actor = 'mercadopago' where seq = 3`, { seq: 3, reason: 'content' });
    await expectBroken(`update audit_log set occurred_at = occurred_at + interval '1 millisecond' where seq = 12`, `update audit_log set occurred_at = occurred_at - interval '1 millisecond' where seq = 12`, { seq: 12, reason: 'content' });
    await expectBroken(`update audit_log set dedupe_key = dedupe_key || 'x' where seq = 1`, `update audit_log set dedupe_key = left(dedupe_key, -1) where seq = 1`, { seq: 1, reason: 'content' });
  });

  it('a deleted row breaks the next one', async () => {
    const row = await db.selectFrom('audit_log').selectAll().where('seq', '=', 5).executeTakeFirstOrThrow();
    await tamper(db, (trx) => sql`delete from audit_log where seq = 5`.execute(trx));
    try {
      expect(await audit.verify({ batchSize: 3 })).toMatchObject({ ok: false, rows: 4, firstBrokenSeq: 6, reason: 'link' });
    } finally {
      // The insert trigger refuses a row that is not at the end, so it goes off too while restoring.
      await db.transaction().execute(async (trx) => {
        await sql`alter table audit_log disable trigger audit_log_extends_chain`.execute(trx);
        await trx.insertInto('audit_log').values({ ...row, payload: JSON.stringify(row.payload) }).execute();
        await sql`alter table audit_log enable trigger audit_log_extends_chain`.execute(trx);
      });
    }
    expect((await audit.verify()).ok).toBe(true);
  });

  it('a recomputed hash for an edited row breaks the link of the next row', async () => {
    const row = await db.selectFrom('audit_log').selectAll().where('seq', '=', 9).executeTakeFirstOrThrow();
    const forgedPayload = { ...(row.payload as object), amountCents: 1 };
    const forgedHash = hashRow(row.prev_hash, { ...row, payload: forgedPayload });
    await expectBroken(
      `update audit_log set payload = '${JSON.stringify(forgedPayload)}'::jsonb, hash = '${forgedHash}' where seq = 9`,
      `update audit_log set payload = '${JSON.stringify(row.payload)}'::jsonb, hash = '${row.hash}' where seq = 9`,
      { seq: 10, reason: 'link' },
    );
  });
});
