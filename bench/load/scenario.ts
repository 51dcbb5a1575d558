/**
 * The mixed scenario: which requests, in which proportions, with which parameters. Every
 * choice comes from a seeded PRNG (mulberry32), so a run is reproducible request for request
 * (which connection sends which request depends on timing).
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { BuiltRequest as DriverRequest } from './driver.js';
import type { PaidDeposit } from './payments.js';
import { addDays, BENCH_CITIES, localDate, servicesOf, type CatalogShop, type PoolSlot } from './setup.js';

export const KINDS = ['search', 'availability', 'booking', 'webhook'] as const;
export type Kind = (typeof KINDS)[number];

export const DEFAULT_MIX: Record<Kind, number> = { search: 40, availability: 40, booking: 15, webhook: 5 };

export const WEBHOOK_PATH = '/api/v1/webhooks/mercadopago';
export const WEBHOOK_STANDIN_LABEL = 'webhook share served by GET /api/v1/bookings (the service has no webhook route, or no deposit could be paid)';
export const WEBHOOK_LABEL =
  'webhook share: signed MercadoPago payment notifications (POST /api/v1/webhooks/mercadopago?data.id=…&type=payment) for deposits booked and paid at setup ' +
  'in the local MercadoPago sandbox, one per payment until they run out, then repeats — the first makes the service fetch the payment and apply it ' +
  '(booking confirmed, ledger, audit, invoice row, email), a repeat fetches it and finds nothing new';

/**
 * A payment notification as MercadoPago sends it: `x-signature: ts=<s>,v1=<HMAC-SHA256 hex>` over
 * the manifest `id:<data.id>;request-id:<x-request-id>;ts:<ts>;`, keyed with the webhook secret.
 */
export function signedNotification(secret: string, paymentId: string, userId: string, nowMs = Date.now()): { path: string; headers: Record<string, string>; body: string } {
  const ts = Math.floor(nowMs / 1000);
  const requestId = randomUUID();
  const v1 = createHmac('sha256', secret).update(`id:${paymentId};request-id:${requestId};ts:${ts};`).digest('hex');
  return {
    path: `${WEBHOOK_PATH}?data.id=${paymentId}&type=payment`,
    headers: { 'content-type': 'application/json', 'x-signature': `ts=${ts},v1=${v1}`, 'x-request-id': requestId },
    body: JSON.stringify({
      action: 'payment.updated',
      api_version: 'v1',
      data: { id: paymentId },
      date_created: new Date(nowMs).toISOString(),
      id: Number(paymentId) + 1,
      live_mode: false,
      type: 'payment',
      user_id: userId,
    }),
  };
}

/** "search=40,availability=40,booking=15,webhook=5" → weights (missing kinds are 0). */
export function parseMix(text: string | undefined): Record<Kind, number> {
  if (!text) return { ...DEFAULT_MIX };
  const mix: Record<Kind, number> = { search: 0, availability: 0, booking: 0, webhook: 0 };
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [name, value] = part.split('=');
    if (!KINDS.includes(name as Kind)) throw new Error(`BENCH_MIX: unknown request kind "${name}" (known: ${KINDS.join(', ')})`);
    const weight = Number(value);
    if (!Number.isFinite(weight) || weight < 0) throw new Error(`BENCH_MIX: weight of ${name} must be a number ≥ 0, got "${value}"`);
    mix[name as Kind] = weight;
  }
  if (Object.values(mix).every((w) => w === 0)) throw new Error('BENCH_MIX: all weights are 0');
  return mix;
}

/** City popularity for searches and availability (roughly by metro population). */
export const CITY_WEIGHTS: Record<(typeof BENCH_CITIES)[number], number> = { 'Buenos Aires': 45, Córdoba: 22, Rosario: 18, Mendoza: 15 };
/** Which week customers look at: this week mostly, then the next ones (7-day ranges, from today + 7k). */
export const WEEK_WEIGHTS = [60, 25, 10, 5];
/** Share of availability requests for "any barber" (the rest pick one barber). */
export const ANY_BARBER_SHARE = 0.75;

export function weightedPicker<T>(items: readonly T[], weights: readonly number[], random: () => number): () => T {
  const total = weights.reduce((a, b) => a + b, 0);
  const cumulative: number[] = [];
  let acc = 0;
  for (const w of weights) cumulative.push((acc += w / total));
  return () => {
    const r = random();
    for (let i = 0; i < cumulative.length; i++) if (r < cumulative[i]!) return items[i]!;
    return items[items.length - 1]!;
  };
}

/** Webhook notifications built: all of them, and those that were their payment's first. */
export interface NotificationCounts {
  sent: number;
  first: number;
}

export interface BuiltRequest extends DriverRequest {
  kind: Kind;
}

export interface ScenarioOptions {
  mix: Record<Kind, number>;
  shops: readonly CatalogShop[];
  tokens: readonly string[];
  pool: readonly PoolSlot[];
  /** MP_WEBHOOK_SECRET given to the service. */
  webhookSecret: string;
  /**
   * Deposits paid in the sandbox and not yet notified: the webhook share names them in order.
   * Empty when the service has no webhook route (or nothing could be paid): the share then reads bookings.
   */
  deposits: readonly PaidDeposit[];
  runId: string;
}

/**
 * Builds requests for the mixed stages. The booking pool is shared by all stages (each slot is
 * booked once); `poolUsed` says how far it got, `poolExhausted` when a stage asked for more.
 */
export class Scenario {
  poolUsed = 0;
  poolExhausted = false;
  private readonly cityShops: Map<string, CatalogShop[]>;

  /** Notifications built so far, and how many of them were a payment's first. */
  notifications = 0;
  firstNotifications = 0;

  /** The counts so far, or since `since` (an earlier result of this). */
  notificationCounts(since?: NotificationCounts): NotificationCounts {
    return { sent: this.notifications - (since?.sent ?? 0), first: this.firstNotifications - (since?.first ?? 0) };
  }

  constructor(private readonly options: ScenarioOptions) {
    this.cityShops = new Map(BENCH_CITIES.map((city) => [city, options.shops.filter((s) => s.city === city)]));
    for (const [city, shops] of this.cityShops) if (shops.length === 0) throw new Error(`no demo shop in ${city}`);
  }

  /** A request generator for one stage, seeded by `random`; `only` sends just that kind (same pool). */
  generator(random: () => number, only?: Kind): () => BuiltRequest {
    const { mix, tokens, pool, runId } = this.options;
    const pickKind = only ? () => only : weightedPicker(KINDS, KINDS.map((k) => mix[k]), random);
    const pickCity = weightedPicker(BENCH_CITIES, BENCH_CITIES.map((c) => CITY_WEIGHTS[c]), random);
    const pickWeek = weightedPicker([0, 1, 2, 3], WEEK_WEIGHTS, random);
    const pickToken = () => tokens[Math.floor(random() * tokens.length)]!;
    const pickOf = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    // Popular services first: weight 1/(rank+1), so a shop's first service (a haircut) leads.
    const servicePickers = new Map(
      this.options.shops.map((shop) => [
        shop.id,
        weightedPicker(shop.services, shop.services.map((_, i) => 1 / (i + 1)), random),
      ]),
    );
    return (): BuiltRequest => {
      const kind = pickKind();
      switch (kind) {
        case 'search':
          return { kind, method: 'GET', path: `/api/v1/shops?city=${encodeURIComponent(pickCity())}&page=1`, headers: {} };
        case 'availability': {
          const shop = pickOf(this.cityShops.get(pickCity())!);
          const service = servicePickers.get(shop.id)!();
          const from = addDays(localDate(Date.now(), shop.timezone), 7 * pickWeek());
          let barber = '';
          if (random() >= ANY_BARBER_SHARE) {
            const able = shop.barbers.filter((b) => servicesOf(shop, b).some((s) => s.id === service.id));
            if (able.length > 0) barber = `&barberId=${pickOf(able).id}`;
          }
          return {
            kind,
            method: 'GET',
            path: `/api/v1/shops/${shop.id}/availability?serviceId=${service.id}&from=${from}&to=${addDays(from, 6)}${barber}`,
            headers: {},
          };
        }
        case 'booking': {
          const slot = pool[this.poolUsed];
          if (!slot) {
            this.poolExhausted = true;
            // Never reuse a slot (that would be a 409 we caused); the driver stops the stage.
            return { kind, method: 'GET', path: '/healthz', headers: {}, ignore: true };
          }
          const n = this.poolUsed++;
          return {
            kind,
            method: 'POST',
            path: '/api/v1/bookings',
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${pickToken()}`,
              'idempotency-key': `bench-${runId}-${n}`,
            },
            body: JSON.stringify({ shopId: slot.shopId, serviceId: slot.serviceId, barberId: slot.barberId, start: slot.start }),
          };
        }
        case 'webhook': {
          const { deposits } = this.options;
          if (deposits.length > 0) {
            const n = this.notifications++;
            if (n < deposits.length) this.firstNotifications++;
            const deposit = deposits[n % deposits.length]!;
            return { kind, method: 'POST', ...signedNotification(this.options.webhookSecret, deposit.paymentId, deposit.sellerUserId) };
          }
          // Stand-in until payments land (see WEBHOOK_STANDIN_LABEL): a customer's own bookings.
          return { kind, method: 'GET', path: '/api/v1/bookings?page=1', headers: { authorization: `Bearer ${pickToken()}` } };
        }
      }
    };
  }
}
