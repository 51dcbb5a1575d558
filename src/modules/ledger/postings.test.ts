import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  accountDefinition,
  chargebackPostings,
  chargebackReversalPostings,
  COMMISSION_REVENUE,
  LedgerInputError,
  MP_CLEARING,
  normalSide,
  paymentApprovedPostings,
  payoutPostings,
  proportionalShare,
  refundPostings,
  shopPayableAccount,
  type Posting,
} from './postings.js';

const SHOP = '6f1c1f5e-1f0b-4a41-9d1e-2b3c4d5e6f70';
const PAYABLE = shopPayableAccount(SHOP);
const MAX = 1_000_000_000_00; // a billion pesos, in centavos

function balances(postings: Posting[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of postings) out[p.accountCode] = (out[p.accountCode] ?? 0) + p.amountCents;
  for (const k of Object.keys(out)) if (out[k] === 0) delete out[k];
  return out;
}

/** The properties every entry has: balanced, whole non-zero centavos, each line type balanced on its own, known accounts. */
function expectWellFormed(postings: Posting[]): void {
  expect(postings.length).toBeGreaterThanOrEqual(2);
  expect(postings.reduce((s, p) => s + p.amountCents, 0)).toBe(0);
  for (const p of postings) {
    expect(Number.isSafeInteger(p.amountCents)).toBe(true);
    expect(p.amountCents).not.toBe(0);
    expect(accountDefinition(p.accountCode)).toBeDefined();
  }
  const byType = new Map<string, number>();
  for (const p of postings) byType.set(p.lineType, (byType.get(p.lineType) ?? 0) + p.amountCents);
  for (const sum of byType.values()) expect(sum).toBe(0);
}

/** A payment: gross G ≥ 1, fee F and commission C with F + C ≤ G. */
const payment = fc
  .integer({ min: 1, max: MAX })
  .chain((gross) =>
    fc.integer({ min: 0, max: gross }).chain((fee) => fc.record({ gross: fc.constant(gross), fee: fc.constant(fee), commission: fc.integer({ min: 0, max: gross - fee }) })),
  );

describe('chart of accounts', () => {
  it('knows the fixed accounts and shop payables, and nothing else', () => {
    expect(accountDefinition(MP_CLEARING)).toEqual({ code: MP_CLEARING, kind: 'asset', shopId: null });
    expect(accountDefinition(COMMISSION_REVENUE)).toEqual({ code: COMMISSION_REVENUE, kind: 'revenue', shopId: null });
    expect(accountDefinition(PAYABLE)).toEqual({ code: PAYABLE, kind: 'liability', shopId: SHOP });
    expect(accountDefinition('shop:not-a-uuid:payable')).toBeUndefined();
    expect(accountDefinition('cash')).toBeUndefined();
    expect([normalSide('asset'), normalSide('expense'), normalSide('liability'), normalSide('revenue')]).toEqual(['debit', 'debit', 'credit', 'credit']);
  });
});

describe('payment approved', () => {
  it('MercadoPago holds G − F, the shop is owed G − F − C, the platform earned C — always balanced', () => {
    fc.assert(
      fc.property(payment, ({ gross, fee, commission }) => {
        const postings = paymentApprovedPostings({ shopId: SHOP, paymentRef: 'mp:1', amountCents: gross, mercadopagoFeeCents: fee, platformCommissionCents: commission });
        expectWellFormed(postings);
        const b = balances(postings);
        expect(b[MP_CLEARING] ?? 0).toBe(gross - fee);
        expect(b[PAYABLE] ?? 0).toBe(0 - (gross - fee - commission));
        expect(b[COMMISSION_REVENUE] ?? 0).toBe(0 - commission);
        // No zero lines: a zero fee or commission leaves its pair out.
        expect(postings.some((p) => p.lineType === 'mp_fee')).toBe(fee > 0);
        expect(postings.some((p) => p.lineType === 'commission')).toBe(commission > 0);
      }),
    );
  });

  it('a worked example: $10.000 with a $629,90 MercadoPago fee and a 10 % commission', () => {
    expect(paymentApprovedPostings({ shopId: SHOP, paymentRef: 'mp:2', amountCents: 1_000_000, mercadopagoFeeCents: 62_990, platformCommissionCents: 100_000 })).toEqual([
      { accountCode: MP_CLEARING, amountCents: 1_000_000, lineType: 'collection' },
      { accountCode: PAYABLE, amountCents: -1_000_000, lineType: 'collection' },
      { accountCode: PAYABLE, amountCents: 62_990, lineType: 'mp_fee' },
      { accountCode: MP_CLEARING, amountCents: -62_990, lineType: 'mp_fee' },
      { accountCode: PAYABLE, amountCents: 100_000, lineType: 'commission' },
      { accountCode: COMMISSION_REVENUE, amountCents: -100_000, lineType: 'commission' },
    ]);
  });

  it.each([
    [{ amountCents: 0, mercadopagoFeeCents: 0, platformCommissionCents: 0 }, 'zero payment'],
    [{ amountCents: -100, mercadopagoFeeCents: 0, platformCommissionCents: 0 }, 'negative payment'],
    [{ amountCents: 100.5, mercadopagoFeeCents: 0, platformCommissionCents: 0 }, 'fractional centavos'],
    [{ amountCents: 100, mercadopagoFeeCents: -1, platformCommissionCents: 0 }, 'negative fee'],
    [{ amountCents: 100, mercadopagoFeeCents: 60, platformCommissionCents: 41 }, 'fees above the payment'],
    [{ amountCents: Number.MAX_SAFE_INTEGER + 1, mercadopagoFeeCents: 0, platformCommissionCents: 0 }, 'unsafe integer'],
    [{ amountCents: Number.NaN, mercadopagoFeeCents: 0, platformCommissionCents: 0 }, 'NaN'],
  ])('refuses %o (%s)', (amounts) => {
    expect(() => paymentApprovedPostings({ shopId: SHOP, paymentRef: 'x', ...amounts })).toThrow(LedgerInputError);
  });
});

describe('refunds', () => {
  it('partial and full refunds are balanced; the shop gives back R less the fees returned', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX }).chain((refund) =>
          fc.integer({ min: 0, max: refund }).chain((fee) => fc.record({ refund: fc.constant(refund), fee: fc.constant(fee), commission: fc.integer({ min: 0, max: refund - fee }) })),
        ),
        ({ refund, fee, commission }) => {
          const postings = refundPostings({ shopId: SHOP, paymentRef: 'mp:1', refundRef: 'r1', refundCents: refund, feeRefundedCents: fee, commissionRefundedCents: commission });
          expectWellFormed(postings);
          const b = balances(postings);
          expect(b[PAYABLE] ?? 0).toBe(refund - fee - commission);
          expect(b[MP_CLEARING] ?? 0).toBe(0 - (refund - fee));
          expect(b[COMMISSION_REVENUE] ?? 0).toBe(commission);
        },
      ),
    );
  });

  it('a full refund giving back every fee returns every account to zero', () => {
    fc.assert(
      fc.property(payment, ({ gross, fee, commission }) => {
        const all = [
          ...paymentApprovedPostings({ shopId: SHOP, paymentRef: 'p', amountCents: gross, mercadopagoFeeCents: fee, platformCommissionCents: commission }),
          ...refundPostings({ shopId: SHOP, paymentRef: 'p', refundRef: 'r', refundCents: gross, feeRefundedCents: fee, commissionRefundedCents: commission }),
        ];
        expect(balances(all)).toEqual({});
      }),
    );
  });

  it('by default gives back the commission in proportion, exactly over any split into partial refunds', () => {
    fc.assert(
      fc.property(
        payment,
        fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 8 }),
        ({ gross, fee, commission }, weights) => {
          // Split the gross into parts proportional to the weights (each ≥ 1 when possible).
          const total = weights.reduce((a, b) => a + b, 0);
          const parts: number[] = [];
          let left = gross;
          weights.forEach((w, i) => {
            const part = i === weights.length - 1 ? left : Math.min(left, Math.floor((gross * w) / total));
            if (part > 0) parts.push(part);
            left -= part;
          });
          let before = 0;
          const all = paymentApprovedPostings({ shopId: SHOP, paymentRef: 'p', amountCents: gross, mercadopagoFeeCents: fee, platformCommissionCents: commission });
          for (const part of parts) {
            const postings = refundPostings({ shopId: SHOP, refundCents: part, amountCents: gross, platformCommissionCents: commission, alreadyRefundedCents: before, feeRefundedCents: 0 });
            expectWellFormed(postings);
            all.push(...postings);
            before += part;
          }
          expect(before).toBe(gross);
          const b = balances(all);
          // The commission is all given back; MercadoPago kept its fee, which the shop bore.
          expect(b[COMMISSION_REVENUE] ?? 0).toBe(0);
          expect(b[PAYABLE] ?? 0).toBe(fee);
          expect(b[MP_CLEARING] ?? 0).toBe(0 - fee);
        },
      ),
    );
  });

  it('proportional share: floor of the cumulative proportion', () => {
    expect(proportionalShare(100_000, 250_000, 1_000_000)).toBe(25_000);
    expect(proportionalShare(1, 1, 3)).toBe(0);
    expect(proportionalShare(1, 1, 3, 2)).toBe(1);
    expect(proportionalShare(99_999_999_999, 77_777_777_777, 99_999_999_999)).toBe(77_777_777_777); // beyond 2^53 in the product
    expect(() => proportionalShare(10, 5, 10, 6)).toThrow(LedgerInputError);
  });

  it('refuses a zero refund, and fees given back above the refund', () => {
    expect(() => refundPostings({ shopId: SHOP, refundCents: 0 })).toThrow(LedgerInputError);
    expect(() => refundPostings({ shopId: SHOP, refundCents: 100, feeRefundedCents: 60, commissionRefundedCents: 41 })).toThrow(LedgerInputError);
  });
});

describe('chargebacks and payouts', () => {
  it('a chargeback debits the shop; reversing it credits the shop again', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX }), fc.nat(), (amount, seed) => {
        const commission = seed % (amount + 1);
        const chargeback = chargebackPostings({ shopId: SHOP, paymentRef: 'p', amountCents: amount, commissionRefundedCents: commission });
        const reversal = chargebackReversalPostings({ shopId: SHOP, paymentRef: 'p', amountCents: amount, commissionCents: commission });
        expectWellFormed(chargeback);
        expectWellFormed(reversal);
        expect(balances(chargeback)[PAYABLE] ?? 0).toBe(amount - commission);
        expect(balances([...chargeback, ...reversal])).toEqual({});
      }),
    );
  });

  it('a payout moves the shop’s money out of MercadoPago clearing', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX }), (amount) => {
        const postings = payoutPostings({ shopId: SHOP, amountCents: amount, payoutRef: 'po-1' });
        expectWellFormed(postings);
        expect(balances(postings)).toEqual({ [PAYABLE]: amount, [MP_CLEARING]: -amount });
      }),
    );
    expect(() => payoutPostings({ shopId: SHOP, amountCents: 0, payoutRef: 'x' })).toThrow(LedgerInputError);
  });

  it('any sequence of movements keeps the books balanced and the shop owed gross − fees − commission − refunds − chargebacks − payouts', () => {
    const movement = fc.oneof(
      payment.map((p) => ({ type: 'payment' as const, ...p })),
      fc.integer({ min: 1, max: MAX }).map((amount) => ({ type: 'refund' as const, amount })),
      fc.integer({ min: 1, max: MAX }).map((amount) => ({ type: 'chargeback' as const, amount })),
      fc.integer({ min: 1, max: MAX }).map((amount) => ({ type: 'payout' as const, amount })),
    );
    fc.assert(
      fc.property(fc.array(movement, { maxLength: 30 }), (movements) => {
        let owed = 0;
        let commission = 0;
        const all: Posting[] = [];
        for (const m of movements) {
          if (m.type === 'payment') {
            all.push(...paymentApprovedPostings({ shopId: SHOP, paymentRef: 'p', amountCents: m.gross, mercadopagoFeeCents: m.fee, platformCommissionCents: m.commission }));
            owed += m.gross - m.fee - m.commission;
            commission += m.commission;
          } else if (m.type === 'refund') {
            all.push(...refundPostings({ shopId: SHOP, refundCents: m.amount }));
            owed -= m.amount;
          } else if (m.type === 'chargeback') {
            all.push(...chargebackPostings({ shopId: SHOP, amountCents: m.amount }));
            owed -= m.amount;
          } else {
            all.push(...payoutPostings({ shopId: SHOP, amountCents: m.amount }));
            owed -= m.amount;
          }
        }
        expect(all.reduce((s, p) => s + p.amountCents, 0)).toBe(0);
        const b = balances(all);
        expect(0 - (b[PAYABLE] ?? 0)).toBe(owed);
        expect(0 - (b[COMMISSION_REVENUE] ?? 0)).toBe(commission);
        // MercadoPago holds exactly what is owed to the shop plus the platform's commission.
        expect(b[MP_CLEARING] ?? 0).toBe(owed + commission);
      }),
    );
  });
});
