/**
 * Real deposits for the webhook share. MercadoPago is a local sandbox started in this process
 * (it stands in for MercadoPago, which runs outside the service's machine too, so its CPU is
 * billed to the load generator's side). Every shop is linked to a sandbox seller, deposits are
 * booked and checked out through the service's API and paid in the sandbox, and the sandbox
 * sends no notification by itself: the load generator sends them during the stages, signed as
 * MercadoPago does, so each first notification makes the service fetch the payment from the
 * sandbox and apply it (booking confirmed, ledger, audit trail, invoice row, emails).
 */
import pg from 'pg';
import { SecretBox, parseKeyRing } from '../../src/platform/crypto/secret-box.js';
import { startMercadoPagoSandbox, type MercadoPagoSandbox } from '../../src/sandbox/mercadopago/index.js';
import { httpRequest } from './service.js';
import type { CatalogShop, PoolSlot } from './setup.js';

/** Longest hold a shop may set (catalog schema): pending deposits outlive a default run. */
export const BENCH_HOLD_MINUTES = 120;
const SELLER_ID_BASE = 3_000_000;

export interface PaidDeposit {
  bookingId: string;
  /** MercadoPago's payment id (data.id of its notifications). */
  paymentId: string;
  /** The seller's MercadoPago user id (user_id of its notifications). */
  sellerUserId: string;
}

export interface BenchMercadoPago {
  sandbox: MercadoPagoSandbox;
  sellers: Map<string, { token: string; userId: number }>;
}

export async function startBenchMercadoPago(shopIds: readonly string[], webhookSecret: string): Promise<BenchMercadoPago> {
  const sellers = new Map(shopIds.map((id, i) => [id, { token: `APP_USR-bench-${id}`, userId: SELLER_ID_BASE + i }]));
  const sandbox = await startMercadoPagoSandbox({
    host: '127.0.0.1',
    port: 0,
    webhookSecret,
    clientId: 'barberpro-bench',
    clientSecret: 'barberpro-bench-secret',
    sellerTokens: Object.fromEntries([...sellers.values()].map((s) => [s.token, s.userId])),
    sendNotifications: false,
  });
  return { sandbox, sellers };
}

/**
 * Links every shop to its sandbox seller, as the OAuth callback would store it (token sealed
 * with the service's data key), and sets the longest hold, so that deposits paid at setup are
 * still pending when their notification arrives minutes later.
 */
export async function linkShops(databaseUrl: string, dataKeys: string, sellers: BenchMercadoPago['sellers']): Promise<void> {
  const box = new SecretBox(parseKeyRing(dataKeys));
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (const [shopId, seller] of sellers) {
      await client.query(
        `insert into merchant_accounts (shop_id, mp_user_id, access_token_sealed) values ($1, $2, $3)
         on conflict (shop_id) do update set mp_user_id = excluded.mp_user_id, access_token_sealed = excluded.access_token_sealed`,
        [shopId, String(seller.userId), box.encrypt(seller.token, `merchant_accounts.access_token:${shopId}`)],
      );
    }
    await client.query('update shops set hold_minutes = $1', [BENCH_HOLD_MINUTES]);
  } finally {
    await client.end();
  }
}

/** Pool slots whose service takes a deposit: booking one leaves a hold to pay. */
export function depositSlots(shops: readonly CatalogShop[], slots: readonly PoolSlot[]): PoolSlot[] {
  const withDeposit = new Set(shops.flatMap((shop) => shop.services.filter((s) => s.depositKind !== 'none').map((s) => s.id)));
  return slots.filter((slot) => withDeposit.has(slot.serviceId));
}

/**
 * Books each slot as a customer (a hold), opens its checkout through the API and pays it in
 * the sandbox with the approving test card (APRO). Nothing is notified yet.
 */
export async function payDeposits(
  baseUrl: string,
  mp: BenchMercadoPago,
  tokens: readonly string[],
  slots: readonly PoolSlot[],
  runId: string,
  parallel = 4,
): Promise<PaidDeposit[]> {
  const paid: PaidDeposit[] = new Array(slots.length);
  let next = 0;
  const call = async <T>(method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> => {
    const res = await httpRequest(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (res.status < 200 || res.status >= 300) throw new Error(`${method} ${path} → ${res.status}: ${res.body.slice(0, 300)}`);
    return JSON.parse(res.body) as T;
  };
  const worker = async () => {
    while (next < slots.length) {
      const i = next++;
      const slot = slots[i]!;
      const token = tokens[i % tokens.length]!;
      const booking = await call<{ id: string; status: string }>(
        'POST',
        '/api/v1/bookings',
        token,
        { shopId: slot.shopId, serviceId: slot.serviceId, barberId: slot.barberId, start: slot.start },
        { 'idempotency-key': `bench-${runId}-deposit-${i}` },
      );
      if (booking.status !== 'pending') throw new Error(`booking ${booking.id} of a deposit service is ${booking.status}, not a pending hold`);
      const checkout = await call<{ checkoutUrl: string }>('POST', `/api/v1/bookings/${booking.id}/checkout`, token);
      const preferenceId = decodeURIComponent(new URL(checkout.checkoutUrl).pathname.split('/').pop()!);
      const { paymentId } = mp.sandbox.pay(preferenceId, { cardholderName: 'APRO' });
      const payment = mp.sandbox.payments.get(paymentId);
      if (payment?.status !== 'approved') throw new Error(`sandbox payment ${paymentId} is ${String(payment?.status)}, not approved`);
      paid[i] = { bookingId: booking.id, paymentId: String(paymentId), sellerUserId: String(payment.collector_id) };
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return paid;
}
