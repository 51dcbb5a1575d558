import { readFile } from 'node:fs/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountsRepository } from '../../src/modules/accounts/repository.js';
import { NotificationsRepository } from '../../src/modules/notifications/repository.js';
import { checkInventory } from '../../src/platform/privacy/inventory-check.js';
import { renderInventoryMarkdown } from '../../src/platform/privacy/inventory-doc.js';
import { PERSONAL_DATA_INVENTORY } from '../../src/platform/privacy/inventory.js';
import { createTestDatabase, testPersonalData } from '../helpers.js';
import type { Database } from '../../src/platform/db/database.js';

let database: Database;
const cipher = testPersonalData();

beforeAll(async () => {
  database = await createTestDatabase();
  // Real values in the encrypted columns, written the way the application writes them.
  const user = await new AccountsRepository(database.db, cipher).insertUser({ email: 'inv@example.com', password_hash: 'x', full_name: 'Inventario', phone: '+54 9 11 5555-0000', role: 'customer' });
  await new NotificationsRepository(database.db, cipher).savePreferences(user!.id, { email: true, whatsapp: true, whatsappPhone: '+5491155550000' }, new Date());
});
afterAll(async () => database?.close());

describe('personal-data inventory', () => {
  it('covers every column of the migrated schema that looks personal, and encrypted columns hold no plaintext', async () => {
    expect(await checkInventory(database.db)).toEqual([]);
  });

  it('docs/personal-data-inventory.md is generated from the declaration (run npm run generate:inventory when this fails)', async () => {
    const committed = await readFile(new URL('../../docs/personal-data-inventory.md', import.meta.url), 'utf8');
    expect(committed).toBe(renderInventoryMarkdown());
  });

  it('every entry states a purpose, a legal basis, a retention and, when plaintext, the reason', () => {
    for (const entry of PERSONAL_DATA_INVENTORY) {
      expect(entry.purpose.length, `${entry.table}.${entry.column}`).toBeGreaterThan(5);
      expect(entry.retention.length, `${entry.table}.${entry.column}`).toBeGreaterThan(5);
      if (entry.protection.kind === 'plaintext') expect(entry.protection.reason.length, `${entry.table}.${entry.column}`).toBeGreaterThan(10);
    }
  });

  describe('fails the build', () => {
    beforeAll(async () => {
      await sql`create schema inventory_scratch`.execute(database.db);
      await sql`create table inventory_scratch.bookings_export (id integer primary key, customer_phone text, notes_count integer, customer_email boolean)`.execute(database.db);
      await sql`insert into inventory_scratch.bookings_export values (1, '+54 9 11 4444-1234', 0, true)`.execute(database.db);
    });

    it('on a new plaintext customer_phone column that is not in the inventory, naming it and what to do', async () => {
      const findings = await checkInventory(database.db, { schema: 'inventory_scratch' });
      // Only the text column: an integer or a boolean "email" preference cannot hold a personal value.
      expect(findings).toEqual([
        {
          kind: 'undeclared',
          table: 'bookings_export',
          column: 'customer_phone',
          message:
            'inventory_scratch.bookings_export.customer_phone (text) looks like personal data (its name matches /phone/) but is not in the personal-data inventory: declare its purpose, legal basis, retention and protection in src/platform/privacy/inventory.ts (or list it in NOT_PERSONAL_COLUMNS with the reason), then run npm run generate:inventory',
        },
      ]);
    });

    it('on a column declared encrypted that holds plaintext, and passes once it is sealed', async () => {
      const inventory = [
        {
          table: 'bookings_export',
          column: 'customer_phone',
          data: 'Customer phone',
          purpose: 'Export',
          legalBasis: 'contract' as const,
          retention: '30 days',
          protection: { kind: 'encrypted' as const },
        },
      ];
      const findings = await checkInventory(database.db, { schema: 'inventory_scratch', inventory });
      expect(findings.map((f) => f.message)).toEqual([
        'inventory_scratch.bookings_export.customer_phone is declared encrypted but 1 of 1 sampled value(s) are plaintext (not a sealed v1/v2 value): some code writes it without sealing, or `npx barberpro keys rotate` has not sealed older rows',
      ]);
      await sql`update inventory_scratch.bookings_export set customer_phone = ${cipher.seal('+54 9 11 4444-1234', 'bookings_export.customer_phone:1')}`.execute(database.db);
      expect(await checkInventory(database.db, { schema: 'inventory_scratch', inventory })).toEqual([]);
    });

    it('when application code writes plaintext into an encrypted column of the real schema', async () => {
      const user = await new AccountsRepository(database.db, cipher).insertUser({ email: 'leak@example.com', password_hash: 'x', full_name: 'Fuga', phone: null, role: 'customer' });
      await database.db.updateTable('users').set({ phone: '+54 9 11 3333-0000' }).where('id', '=', user!.id).execute();
      try {
        const findings = await checkInventory(database.db);
        expect(findings).toHaveLength(1);
        expect(findings[0]).toMatchObject({ kind: 'plaintext_in_encrypted_column', table: 'users', column: 'phone' });
        expect(findings[0]!.message).toMatch(/^public\.users\.phone is declared encrypted but 1 of 2 sampled value\(s\) are plaintext/);
      } finally {
        await database.db.deleteFrom('users').where('id', '=', user!.id).execute();
      }
    });

    it('when the inventory names a column the schema no longer has', async () => {
      const inventory = [...PERSONAL_DATA_INVENTORY, { ...PERSONAL_DATA_INVENTORY[0]!, column: 'email_old' }];
      const findings = await checkInventory(database.db, { inventory });
      expect(findings.map((f) => f.message)).toEqual([
        'public.users.email_old is in the personal-data inventory but the schema has no such column: remove or rename the entry in src/platform/privacy/inventory.ts',
      ]);
    });
  });
});
