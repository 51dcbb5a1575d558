import { randomInt } from 'node:crypto';
import { cuitCheckDigit } from '../src/modules/catalog/cuit.js';
import type { Database } from '../src/platform/db/database.js';
import type { DepositKind, TaxCondition } from '../src/platform/db/schema.js';
import { SecretBox, parseKeyRing } from '../src/platform/crypto/secret-box.js';
import { TEST_ENV, type TestContext, type TestUser } from './helpers.js';

export interface ShopFixture {
  shopId: string;
  owner: TestUser;
  barberIds: string[];
  barberUsers: TestUser[];
  services: Record<string, { id: string; priceCents: number; durationMinutes: number }>;
}

export interface ShopFixtureOptions {
  name?: string;
  city?: string;
  province?: string;
  region?: string;
  timezone?: string;
  taxCondition?: TaxCondition;
  barbers?: number;
  /** Working hours every weekday listed, as minutes after midnight. */
  weekdays?: number[];
  open?: number;
  close?: number;
  lunch?: [number, number] | null;
  minNoticeMinutes?: number;
  slotStepMinutes?: number;
  bookingHorizonDays?: number;
  cancellationCutoffMinutes?: number;
  holdMinutes?: number;
  services?: Array<{
    key: string;
    name?: string;
    durationMinutes: number;
    priceCents: number;
    deposit?: { kind: DepositKind; value: number };
    bufferBefore?: number;
    bufferAfter?: number;
  }>;
}

let counter = 0;

/** A shop straight in the database, so API tests start from a known catalog. */
export async function createShopFixture(ctx: TestContext, options: ShopFixtureOptions = {}): Promise<ShopFixture> {
  const db: Database['db'] = ctx.database.db;
  const owner = await ctx.createUser('provider');
  counter += 1;
  const shop = await db
    .insertInto('shops')
    .values({
      name: options.name ?? `Barbería Test ${counter}`,
      slug: `barberia-test-${counter}-${owner.id.slice(0, 6)}`,
      cuit: '20123456786',
      tax_condition: options.taxCondition ?? 'monotributo',
      address: 'Córdoba 1234',
      city: options.city ?? 'Rosario',
      province: options.province ?? 'Santa Fe',
      region: options.region ?? 'Litoral',
      timezone: options.timezone ?? 'America/Argentina/Buenos_Aires',
      latitude: -32.9468,
      longitude: -60.6393,
      min_notice_minutes: options.minNoticeMinutes ?? 0,
      slot_step_minutes: options.slotStepMinutes ?? 30,
      booking_horizon_days: options.bookingHorizonDays ?? 60,
      cancellation_cutoff_minutes: options.cancellationCutoffMinutes ?? 1440,
      hold_minutes: options.holdMinutes ?? 10,
    })
    .returning(['id'])
    .executeTakeFirstOrThrow();
  await db.insertInto('shop_members').values({ shop_id: shop.id, user_id: owner.id, role: 'owner' }).execute();

  const services: ShopFixture['services'] = {};
  for (const s of options.services ?? [{ key: 'cut', durationMinutes: 30, priceCents: 1_000_000 }]) {
    const row = await db
      .insertInto('services')
      .values({
        shop_id: shop.id,
        name: s.name ?? `Servicio ${s.key}`,
        duration_minutes: s.durationMinutes,
        price_cents: s.priceCents,
        deposit_kind: s.deposit?.kind ?? 'none',
        deposit_value: s.deposit?.value ?? 0,
        buffer_before_minutes: s.bufferBefore ?? 0,
        buffer_after_minutes: s.bufferAfter ?? 0,
      })
      .returning(['id'])
      .executeTakeFirstOrThrow();
    services[s.key] = { id: row.id, priceCents: s.priceCents, durationMinutes: s.durationMinutes };
  }

  const barberIds: string[] = [];
  const barberUsers: TestUser[] = [];
  for (let i = 0; i < (options.barbers ?? 2); i++) {
    const user = await ctx.createUser('provider');
    await db.insertInto('shop_members').values({ shop_id: shop.id, user_id: user.id, role: 'barber' }).execute();
    const barber = await db
      .insertInto('barbers')
      .values({ shop_id: shop.id, display_name: `Barbero ${i + 1}`, user_id: user.id })
      .returning(['id'])
      .executeTakeFirstOrThrow();
    const weekdays = options.weekdays ?? [1, 2, 3, 4, 5, 6];
    const rows = weekdays.flatMap((weekday) => [
      { barber_id: barber.id, weekday, start_minute: options.open ?? 9 * 60, end_minute: options.close ?? 18 * 60, kind: 'work' as const },
      ...(options.lunch === null
        ? []
        : [{ barber_id: barber.id, weekday, start_minute: (options.lunch ?? [13 * 60, 14 * 60])[0], end_minute: (options.lunch ?? [13 * 60, 14 * 60])[1], kind: 'break' as const }]),
    ]);
    if (rows.length) await db.insertInto('barber_weekly_hours').values(rows).execute();
    barberIds.push(barber.id);
    barberUsers.push(user);
  }
  return { shopId: shop.id, owner, barberIds, barberUsers, services };
}

/**
 * Links a shop to a MercadoPago seller of the local sandbox, as the OAuth callback would:
 * the seller's token sealed with the test key under the same context the app reads it with.
 */
export async function linkMercadoPagoSeller(db: Database['db'], shopId: string, seller: { token: string; userId: number }): Promise<void> {
  const box = new SecretBox(parseKeyRing(TEST_ENV.DATA_ENCRYPTION_KEYS));
  await db
    .insertInto('merchant_accounts')
    .values({
      shop_id: shopId,
      mp_user_id: String(seller.userId),
      access_token_sealed: box.encrypt(seller.token, `merchant_accounts.access_token:${shopId}`),
      refresh_token_sealed: null,
      public_key: null,
      token_expires_at: null,
    })
    .execute();
}

const issuedCuits = new Set<string>();

/** A valid CUIT (check digit right) not handed out before in this test file: AFIP numbering is per CUIT. */
export function freshCuit(prefix: '20' | '23' | '27' | '30' | '33' = '20'): string {
  for (;;) {
    const body = prefix + String(randomInt(1e8)).padStart(8, '0');
    const digit = cuitCheckDigit(body);
    const cuit = `${body}${digit}`;
    if (digit !== null && !issuedCuits.has(cuit)) {
      issuedCuits.add(cuit);
      return cuit;
    }
  }
}
