import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/helpers.js';
import type { Database } from '../../platform/db/database.js';
import { inspectDbPerformance, inspectFinancialDocuments } from './inspection.js';

describe('ops inspections of the database', () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database.close());

  it('a collected payment without an invoice is listed with its age; one with a queued invoice is not', async () => {
    const db = database.db;
    const hasInvoices = (await sql<{ t: string | null }>`select to_regclass('public.invoices')::text as t`.execute(db)).rows[0]?.t;
    const before = await inspectFinancialDocuments(db);
    if (!hasInvoices) {
      expect(before.invoices).toMatchObject({ available: false });
      expect(before.invoices.reason).toContain('no invoices table');
      return;
    }
    const shop = await sql<{ id: string }>`
      insert into shops (name, slug, cuit, tax_condition, address, city, province, region, latitude, longitude)
      values ('Ops test', 'ops-test', '20123456786', 'monotributo', 'Calle 1', 'Rosario', 'Santa Fe', 'Litoral', -32.95, -60.65) returning id`.execute(db);
    const paid = await sql<{ id: string }>`
      insert into payments (status, amount_cents, approved_at, created_at) values ('approved', 100000, now() - interval '3 hours', now() - interval '3 hours') returning id`.execute(db);
    const id = paid.rows[0]!.id;
    const after = await inspectFinancialDocuments(db);
    expect(after.invoices.available).toBe(true);
    expect(after.invoices.expected).toBe(before.invoices.expected + 1);
    const missing = after.invoices.missing.find((m) => m.id === `payment ${id}`);
    expect(missing?.ageMinutes).toBeGreaterThan(170);
    // A queued (pending) invoice covers it.
    await sql`
      insert into invoices (shop_id, payment_id, kind, source_ref, cbte_tipo, cuit, total_cents, receiver)
      values (${shop.rows[0]!.id}, ${id}, 'invoice', 'mp:ops-test:collected', 11, '20123456786', 100000, '{}'::jsonb)`.execute(db);
    const covered = await inspectFinancialDocuments(db);
    expect(covered.invoices.missing.find((m) => m.id === `payment ${id}`)).toBeUndefined();
  });

  it('without an invoices table the coverage is unavailable, with the reason', async () => {
    await sql`drop table if exists invoices cascade`.execute(database.db);
    const result = await inspectFinancialDocuments(database.db);
    expect(result.invoices).toEqual({ available: false, reason: 'the database has no invoices table yet (issue 4 (AFIP invoices) brings it)', expected: 0, missing: [] });
    expect(result.creditNotes.available).toBe(false);
  });

  it('statement statistics are reported as unavailable when pg_stat_statements is not loaded; index and table statistics are read', async () => {
    const p = await inspectDbPerformance(database.db);
    const loaded = (await sql<{ n: number }>`select count(*)::int as n from pg_extension where extname = 'pg_stat_statements'`.execute(database.db)).rows[0]?.n;
    if (!loaded) {
      expect(p.statements.available).toBe(false);
      if (!p.statements.available) expect(p.statements.reason).toMatch(/pg_stat_statements/);
    }
    expect(p.tables.map((t) => t.table)).toContain('bookings');
    expect(p.unusedIndexes.every((i) => i.scans === 0)).toBe(true);
    // Unique and primary-key indexes enforce rules: never reported as unused.
    expect(p.unusedIndexes.map((i) => i.index)).not.toContain('bookings_pkey');
  });
});
