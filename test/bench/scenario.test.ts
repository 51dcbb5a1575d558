import { describe, expect, it } from 'vitest';
import { Scenario } from '../../bench/load/scenario.js';
import { BENCH_CITIES, type CatalogShop } from '../../bench/load/setup.js';
import { mulberry32 } from '../../bench/slot-engine.js';
import { verifyWebhookSignature, webhookQuery } from '../../src/modules/payments/mercadopago/signature.js';

const secret = 'bench-webhook-secret';
const shops: CatalogShop[] = BENCH_CITIES.map((city, i) => ({
  id: `00000000-0000-4000-8000-00000000000${i}`,
  name: `Shop ${i}`,
  city,
  timezone: 'America/Argentina/Buenos_Aires',
  services: [{ id: `10000000-0000-4000-8000-00000000000${i}`, name: 'Corte', durationMinutes: 30, bufferBeforeMinutes: 0, bufferAfterMinutes: 0, depositKind: 'fixed' }],
  barbers: [{ id: `20000000-0000-4000-8000-00000000000${i}`, serviceIds: [] }],
  policies: { minNoticeMinutes: 60, bookingHorizonDays: 30, slotStepMinutes: 15 },
}));
const deposits = [
  { bookingId: 'b-1', paymentId: '1001', sellerUserId: '3000000' },
  { bookingId: 'b-2', paymentId: '1002', sellerUserId: '3000001' },
];

function scenario(withDeposits = deposits) {
  return new Scenario({
    mix: { search: 0, availability: 0, booking: 0, webhook: 1 },
    shops,
    tokens: ['token'],
    pool: [],
    webhookSecret: secret,
    deposits: withDeposits,
    runId: 'test',
  });
}

describe('bench webhook share', () => {
  it('names each paid deposit once, in order, then repeats them, and counts the first notifications', () => {
    const s = scenario();
    const next = s.generator(mulberry32(1), 'webhook');
    const sent = Array.from({ length: 5 }, next);
    expect(sent.map((r) => webhookQuery(r.path).dataId)).toEqual(['1001', '1002', '1001', '1002', '1001']);
    expect(s.notificationCounts()).toEqual({ sent: 5, first: 2 });
    const since = s.notificationCounts();
    next();
    expect(s.notificationCounts(since)).toEqual({ sent: 1, first: 0 });
  });

  it('signs each notification as MercadoPago does, from the deposit’s seller', () => {
    const request = scenario().generator(mulberry32(1), 'webhook')();
    expect(request).toMatchObject({ method: 'POST', kind: 'webhook' });
    expect(webhookQuery(request.path)).toEqual({ dataId: '1001', type: 'payment' });
    const body = JSON.parse(request.body!) as { user_id: string; data: { id: string }; type: string };
    expect(body).toMatchObject({ user_id: '3000000', data: { id: '1001' }, type: 'payment' });
    const check = (key: string) =>
      verifyWebhookSignature({
        secret: key,
        signatureHeader: request.headers['x-signature'],
        requestId: request.headers['x-request-id'],
        dataId: '1001',
        nowSeconds: Math.floor(Date.now() / 1000),
      });
    expect(check(secret)).toMatchObject({ ok: true });
    expect(check('another-secret')).toMatchObject({ ok: false });
  });

  it('without deposits to name, reads the customer’s bookings instead', () => {
    const s = scenario([]);
    const request = s.generator(mulberry32(1), 'webhook')();
    expect(request).toMatchObject({ method: 'GET', path: '/api/v1/bookings?page=1' });
    expect(s.notificationCounts()).toEqual({ sent: 0, first: 0 });
  });
});
