import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShopFixture, type ShopFixture } from '../../../test/fixtures.js';
import { createTestContext, type TestContext } from '../../../test/helpers.js';
import { RETENTION_KINDS } from './policy.js';
import { RetentionRepository } from './repository.js';
import { RetentionService } from './service.js';

const NOW = new Date('2026-12-01T12:00:00Z');
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000);

let ctx: TestContext;
let shop: ShopFixture;
let outbox: string;
let slot = 0;

async function booking(customerId: string, status: 'expired' | 'confirmed', updatedAt: Date): Promise<string> {
  const starts = new Date(Date.UTC(2026, 9, 1, 12) + slot++ * 3_600_000);
  const ends = new Date(starts.getTime() + 30 * 60_000);
  const row = await ctx.database.db
    .insertInto('bookings')
    .values({
      shop_id: shop.shopId,
      barber_id: shop.barberIds[0]!,
      service_id: shop.services.cut!.id,
      customer_id: customerId,
      status,
      starts_at: starts,
      ends_at: ends,
      blocked_from: starts,
      blocked_to: ends,
      price_cents: 100_000,
      customer_note: 'Sin máquina, solo tijera',
      created_at: updatedAt,
      updated_at: updatedAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function customer(createdAt: Date, role: 'customer' | 'provider' = 'customer'): Promise<string> {
  const row = await ctx.database.db
    .insertInto('users')
    .values({ email: `ret-${randomUUID().slice(0, 8)}@example.com`, password_hash: 'x', full_name: 'Retención', phone: null, role, created_at: createdAt })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const exists = async (table: 'bookings' | 'users' | 'payment_notifications' | 'refresh_tokens', id: string) =>
  Boolean(await ctx.database.db.selectFrom(table).select('id').where('id', '=', id).executeTakeFirst());

beforeAll(async () => {
  ctx = await createTestContext({ now: NOW.toISOString() });
  shop = await createShopFixture(ctx, { services: [{ key: 'cut', durationMinutes: 30, priceCents: 100_000 }] });
  outbox = await mkdtemp(join(tmpdir(), 'bp-retention-'));
});
afterAll(async () => {
  await ctx?.close();
  await rm(outbox, { recursive: true, force: true });
});

describe('retention job', () => {
  it('purges or anonymises exactly what is past retention, records the run, and a second run finds nothing', async () => {
    const db = ctx.database.db;
    const active = await customer(daysAgo(500));
    const oldHold = await booking(active, 'expired', daysAgo(40));
    const recentHold = await booking(active, 'expired', daysAgo(10));
    const paidHold = await booking(active, 'expired', daysAgo(40));
    await db.insertInto('payments').values({ booking_id: paidHold, shop_id: shop.shopId, status: 'rejected', amount_cents: 100_000 }).execute();
    const oldConfirmed = await booking(active, 'confirmed', daysAgo(200));
    await db.insertInto('booking_billing').values({ booking_id: oldHold, receiver: JSON.stringify({ kind: 'anonymous' }) }).execute();

    const unused = await customer(daysAgo(400));
    const unusedButLoggedIn = await customer(daysAgo(400));
    await db.updateTable('users').set({ last_active_at: daysAgo(100) }).where('id', '=', unusedButLoggedIn).execute();
    await db.insertInto('refresh_tokens').values({ user_id: unusedButLoggedIn, family_id: randomUUID(), token_hash: randomUUID(), expires_at: daysAgo(70), created_at: daysAgo(100) }).execute();
    const youngUnused = await customer(daysAgo(100));
    const oldProvider = await customer(daysAgo(400), 'provider');

    const expiredToken = await db.insertInto('refresh_tokens').values({ user_id: active, family_id: randomUUID(), token_hash: randomUUID(), expires_at: daysAgo(40), created_at: daysAgo(70) }).returning('id').executeTakeFirstOrThrow();
    const liveToken = await db.insertInto('refresh_tokens').values({ user_id: active, family_id: randomUUID(), token_hash: randomUUID(), expires_at: daysAgo(-20), created_at: daysAgo(10) }).returning('id').executeTakeFirstOrThrow();

    await db.insertInto('idempotency_keys').values([
      { user_id: active, key: 'old', scope: 'bookings.create', request_hash: 'h', status_code: 201, response_body: JSON.stringify({ phone: '+54 9 11 5555-0000' }), created_at: daysAgo(31) },
      { user_id: active, key: 'new', scope: 'bookings.create', request_hash: 'h', status_code: 201, response_body: JSON.stringify({}), created_at: daysAgo(1) },
    ]).execute();

    await db.insertInto('notifications').values([
      { booking_id: oldConfirmed, customer_id: active, kind: 'confirmation', channel: 'email', status: 'failed', due_at: daysAgo(200), last_error: 'smtp 550 mailbox cliente@example.com unknown', updated_at: daysAgo(100) },
      { booking_id: oldConfirmed, customer_id: active, kind: 'reminder_24h', channel: 'email', status: 'failed', due_at: daysAgo(10), last_error: 'recent error', updated_at: daysAgo(10) },
    ]).execute();

    const oldWebhook = await db.insertInto('payment_notifications').values({ mp_payment_id: '1', received_at: daysAgo(100), processed_at: daysAgo(100) }).returning('id').executeTakeFirstOrThrow();
    const unprocessedWebhook = await db.insertInto('payment_notifications').values({ mp_payment_id: '2', received_at: daysAgo(100) }).returning('id').executeTakeFirstOrThrow();

    await writeFile(join(outbox, 'old.eml'), 'To: cliente@example.com');
    await utimes(join(outbox, 'old.eml'), daysAgo(100), daysAgo(100));
    await writeFile(join(outbox, 'new.eml'), 'To: cliente@example.com');
    await utimes(join(outbox, 'new.eml'), daysAgo(5), daysAgo(5));

    const service = new RetentionService(new RetentionRepository(db), ctx.clock, outbox);
    const first = await service.run();
    expect(first.errors).toEqual({});
    expect(first.counts).toEqual({
      expired_holds: 1,
      unused_accounts: 1,
      idempotency_responses: 1,
      notification_payloads: 2, // one error text, one .eml file
      webhook_notifications: 1,
      // The logged-in account's token expired 70 days ago: purged, but its last_active_at keeps the account.
      expired_refresh_tokens: 2,
    });
    expect(await exists('bookings', oldHold)).toBe(false);
    expect(await db.selectFrom('booking_billing').select('booking_id').where('booking_id', '=', oldHold).execute()).toEqual([]);
    for (const kept of [recentHold, paidHold, oldConfirmed]) expect(await exists('bookings', kept)).toBe(true);
    expect(await exists('users', unused)).toBe(false);
    for (const kept of [unusedButLoggedIn, youngUnused, oldProvider, active]) expect(await exists('users', kept)).toBe(true);
    expect(await exists('refresh_tokens', expiredToken.id)).toBe(false);
    expect(await db.selectFrom('refresh_tokens').select('id').where('user_id', '=', unusedButLoggedIn).execute()).toEqual([]);
    expect(await exists('refresh_tokens', liveToken.id)).toBe(true);
    expect((await db.selectFrom('idempotency_keys').select('key').where('user_id', '=', active).execute()).map((r) => r.key)).toEqual(['new']);
    expect((await db.selectFrom('notifications').select('last_error').where('booking_id', '=', oldConfirmed).orderBy('due_at').execute()).map((r) => r.last_error)).toEqual([null, 'recent error']);
    expect(await exists('payment_notifications', oldWebhook.id)).toBe(false);
    expect(await exists('payment_notifications', unprocessedWebhook.id)).toBe(true);
    expect(await readdir(outbox)).toEqual(['new.eml']);

    ctx.clock.advance(60_000);
    const second = await service.run();
    ctx.clock.set(NOW.toISOString());
    expect(second.counts).toEqual(Object.fromEntries(RETENTION_KINDS.map((k) => [k, 0])));

    const runs = await new RetentionRepository(db).lastRuns(5);
    expect(runs).toHaveLength(2);
    expect(runs[1]).toMatchObject({ counts: first.counts, errors: {} });
    expect(runs[1]!.finished_at).toEqual(NOW);
  });

  it('moves with the clock: the hold kept today is purged once it is 30 days old', async () => {
    const db = ctx.database.db;
    const someone = await customer(daysAgo(5));
    const hold = await booking(someone, 'expired', daysAgo(29));
    const service = new RetentionService(new RetentionRepository(db), ctx.clock);
    expect((await service.run()).counts.expired_holds).toBe(0);
    ctx.clock.advance(2 * 86_400_000);
    try {
      expect((await service.run()).counts.expired_holds).toBe(1);
      expect(await exists('bookings', hold)).toBe(false);
    } finally {
      ctx.clock.set(NOW.toISOString());
    }
  });

  it('a kind that fails is recorded with its reason and the other kinds still run', async () => {
    const db = ctx.database.db;
    const repo = new RetentionRepository(db);
    repo.deleteProcessedWebhooks = async () => {
      throw new Error('relation "payment_notifications" is locked');
    };
    await db.insertInto('idempotency_keys').values({ user_id: await customer(daysAgo(1)), key: 'k', scope: 's', request_hash: 'h', status_code: 200, response_body: '{}', created_at: daysAgo(60) }).execute();
    await db.insertInto('payment_notifications').values({ mp_payment_id: '3', received_at: daysAgo(100), processed_at: daysAgo(100) }).execute();
    // Later than the runs of the tests before (one of them moved the clock 2 days).
    ctx.clock.advance(3 * 86_400_000);
    const run = await new RetentionService(repo, ctx.clock).run();
    ctx.clock.set(NOW.toISOString());
    expect(run.errors).toEqual({ webhook_notifications: 'relation "payment_notifications" is locked' });
    expect(run.counts.idempotency_responses).toBe(1);
    const [last] = await repo.lastRuns(1);
    expect(last!.errors).toEqual(run.errors);
  });
});
