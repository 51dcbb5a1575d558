import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commissionCents, evaluatePayment, refundOnCancellation } from './policy.js';

const booking = { bookingId: 'b1', amountCents: 525_000 };
const mp = (over: Partial<Parameters<typeof evaluatePayment>[1]> = {}) => ({
  status: 'approved',
  currency: 'ARS',
  amountCents: 525_000,
  refundedCents: 0,
  externalReference: 'b1',
  ...over,
});

describe('evaluatePayment', () => {
  it.each([
    ['approved', 'approved'],
    ['authorized', 'approved'],
    ['pending', 'pending'],
    ['in_process', 'pending'],
    ['rejected', 'rejected'],
    ['cancelled', 'rejected'],
    ['refunded', 'refunded'],
    ['charged_back', 'charged_back'],
    ['in_mediation', 'disputed'],
  ])('MercadoPago %s → %s', (status, expected) => expect(evaluatePayment(booking, mp({ status })).status).toBe(expected));

  it('a partly refunded approved payment stays collected', () => expect(evaluatePayment(booking, mp({ refundedCents: 1 })).status).toBe('partially_refunded'));

  it.each([
    [undefined, mp(), 'unknown_booking'],
    [booking, mp({ externalReference: 'b2' }), 'reference_mismatch'],
    [booking, mp({ currency: 'USD' }), 'currency_not_ars'],
    [booking, mp({ amountCents: 524_999 }), 'amount_mismatch'],
    [booking, mp({ status: 'weird' }), 'unknown_status:weird'],
  ])('flags for review instead of confirming (%#)', (expected, payment, reason) => {
    expect(evaluatePayment(expected, payment)).toEqual({ status: 'review', reviewReason: reason });
  });
});

describe('commissionCents', () => {
  it('is exact integer arithmetic, never more than the amount, and monotone', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_00 }), fc.integer({ min: 0, max: 10_000 }), (amount, bps) => {
        const c = commissionCents(amount, bps);
        expect(Number.isInteger(c)).toBe(true);
        expect(c).toBeGreaterThanOrEqual(0);
        expect(c).toBeLessThanOrEqual(amount);
        expect(Math.abs(c - (amount * bps) / 10_000)).toBeLessThanOrEqual(0.5);
        expect(commissionCents(amount + 1, bps)).toBeGreaterThanOrEqual(c);
      }),
    );
    expect(commissionCents(525_000, 500)).toBe(26_250);
    expect(() => commissionCents(1.5, 500)).toThrow(RangeError);
  });
});

describe('refundOnCancellation', () => {
  it('refunds what is left unless the customer cancelled late', () => {
    expect(refundOnCancellation({ collectedCents: 500, alreadyRefundedCents: 0, cancelledBy: 'customer', late: false })).toBe(500);
    expect(refundOnCancellation({ collectedCents: 500, alreadyRefundedCents: 0, cancelledBy: 'customer', late: true })).toBe(0);
    expect(refundOnCancellation({ collectedCents: 500, alreadyRefundedCents: 200, cancelledBy: 'shop', late: true })).toBe(300);
    expect(refundOnCancellation({ collectedCents: 500, alreadyRefundedCents: 600, cancelledBy: 'admin', late: false })).toBe(0);
  });
});
