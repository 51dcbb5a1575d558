/**
 * The marketplace ledger's chart of accounts and the postings of every money movement.
 * Pure: data in, postings out. Amounts are integer centavos (ARS); a posting's amount is
 * signed, debit positive and credit negative, so every entry sums to zero.
 *
 * ## How the money moves (MercadoPago marketplace split)
 *
 * The customer pays the shop's MercadoPago account (the shop is the collector). MercadoPago
 * keeps its processing fee (`fee_details[type=mercadopago_fee]`) and routes the platform's
 * marketplace fee (`marketplace_fee`, `fee_details[type=application_fee]`) to the platform;
 * what is left is the shop's, released to it later (a payout). The ledger is the platform's
 * record of all of it: money held at MercadoPago on one side, and on the other, whose that
 * money is (the shop's, or the platform's commission).
 *
 * ## Chart of accounts (normal balance in brackets; balances use the posting sign)
 *
 * | code | kind | normal balance | meaning |
 * | --- | --- | --- | --- |
 * | `mp_clearing` | asset | debit (≥ 0) | money from marketplace collections held at MercadoPago: shops' balances not yet paid out plus the platform's commission |
 * | `shop:<uuid>:payable` | liability | credit (≤ 0) | what the platform-run marketplace owes the shop; a debit balance means the shop owes (e.g. a chargeback larger than its balance) |
 * | `platform:commission_revenue` | revenue | credit (≤ 0) | the platform's marketplace fee, net of fees given back on refunds and chargebacks |
 *
 * No expense account is needed yet: MercadoPago's fee is borne by the shop (the collector),
 * so it reduces the shop's payable rather than costing the platform. Accounts of kind
 * `expense` (debit-normal) are allowed by the schema for the day the platform absorbs a cost.
 * Assets + expenses carry debit (positive) balances, liabilities + revenue credit (negative)
 * ones, and the trial balance over all accounts sums to zero.
 *
 * ## Entries (G gross, F MercadoPago fee, C platform commission; every line type is a balanced pair)
 *
 * | entry | line type | debit | credit | amount |
 * | --- | --- | --- | --- | --- |
 * | payment approved | `collection` | `mp_clearing` | `shop:S:payable` | G — the customer's money arrives, owed to the shop |
 * |  | `mp_fee` | `shop:S:payable` | `mp_clearing` | F — MercadoPago keeps its fee (first) |
 * |  | `commission` | `shop:S:payable` | `platform:commission_revenue` | C — then the marketplace fee |
 * | refund (partial or full) | `refund` | `shop:S:payable` | `mp_clearing` | R — the customer gets R back |
 * |  | `mp_fee_refund` | `mp_clearing` | `shop:S:payable` | Fr — MercadoPago's fee it gives back |
 * |  | `commission_refund` | `platform:commission_revenue` | `shop:S:payable` | Cr — the marketplace fee given back |
 * | chargeback | `chargeback` | `shop:S:payable` | `mp_clearing` | A — MercadoPago debits the disputed amount |
 * |  | `mp_fee_refund`, `commission_refund` | as for a refund | | optional |
 * | chargeback reversed (dispute won) | `chargeback_reversal` | `mp_clearing` | `shop:S:payable` | A — the money comes back |
 * |  | `commission` | `shop:S:payable` | `platform:commission_revenue` | optional: a commission reversed at the chargeback, charged again |
 * | payout | `payout` | `shop:S:payable` | `mp_clearing` | P — the shop's money is released to it |
 *
 * After a payment the shop is owed G − F − C, the platform earned C and MercadoPago holds
 * G − F; a full refund (R = G, Fr = F, Cr = C) brings all three back to zero. By default a
 * refund gives back the commission in proportion to the amount refunded (`proportionalShare`,
 * exact over several partial refunds) and no MercadoPago fee; both can be given explicitly.
 *
 * Entry kinds are free text chosen by the caller (`payment_collected`, `refund`, `chargeback`,
 * `payout`…); reports read line types, never kinds.
 */

export type AccountKind = 'asset' | 'liability' | 'revenue' | 'expense';

export const MP_CLEARING = 'mp_clearing';
export const COMMISSION_REVENUE = 'platform:commission_revenue';

export function shopPayableAccount(shopId: string): string {
  return `shop:${shopId}:payable`;
}

const SHOP_PAYABLE = /^shop:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):payable$/;
const FIXED_ACCOUNTS: Record<string, AccountKind> = {
  [MP_CLEARING]: 'asset',
  [COMMISSION_REVENUE]: 'revenue',
};

export interface AccountDefinition {
  code: string;
  kind: AccountKind;
  shopId: string | null;
}

/** The chart of accounts as a function: an account's kind and owning shop from its code; undefined if not in the chart. */
export function accountDefinition(code: string): AccountDefinition | undefined {
  const fixed = FIXED_ACCOUNTS[code];
  if (fixed) return { code, kind: fixed, shopId: null };
  const shop = SHOP_PAYABLE.exec(code);
  if (shop) return { code, kind: 'liability', shopId: shop[1]! };
  return undefined;
}

/** Debit-normal kinds carry positive balances, credit-normal ones negative balances. */
export function normalSide(kind: AccountKind): 'debit' | 'credit' {
  return kind === 'asset' || kind === 'expense' ? 'debit' : 'credit';
}

export const LINE_TYPES = [
  'collection',
  'mp_fee',
  'mp_fee_refund',
  'commission',
  'commission_refund',
  'refund',
  'chargeback',
  'chargeback_reversal',
  'payout',
] as const;
export type LineType = (typeof LINE_TYPES)[number];

export interface Posting {
  accountCode: string;
  /** Integer centavos, debit positive, credit negative, never zero. */
  amountCents: number;
  lineType: LineType;
}

export class LedgerInputError extends RangeError {
  override name = 'LedgerInputError';
}

function centavos(name: string, value: number, { positive }: { positive: boolean }): number {
  if (!Number.isSafeInteger(value)) throw new LedgerInputError(`${name} must be a whole number of centavos, got ${value}`);
  if (positive ? value <= 0 : value < 0) throw new LedgerInputError(`${name} must be ${positive ? 'positive' : 'zero or more'}, got ${value}`);
  return value;
}

/** A balanced pair: `amount` moves from `credit` to `debit`; nothing when it is zero. */
function transfer(lineType: LineType, debit: string, credit: string, amount: number): Posting[] {
  if (amount === 0) return [];
  return [
    { accountCode: debit, amountCents: amount, lineType },
    { accountCode: credit, amountCents: -amount, lineType },
  ];
}

export interface PaymentApprovedInput {
  shopId: string;
  bookingId?: string | null;
  paymentRef: string;
  /** What the customer paid (MercadoPago's transaction_amount), centavos. */
  amountCents: number;
  /** MercadoPago's processing fee borne by the shop (fee_details, type mercadopago_fee). */
  mercadopagoFeeCents: number;
  /** The platform's marketplace fee (marketplace_fee; fee_details type application_fee). */
  platformCommissionCents: number;
}

export function paymentApprovedPostings(input: PaymentApprovedInput): Posting[] {
  const gross = centavos('amountCents', input.amountCents, { positive: true });
  const fee = centavos('mercadopagoFeeCents', input.mercadopagoFeeCents, { positive: false });
  const commission = centavos('platformCommissionCents', input.platformCommissionCents, { positive: false });
  if (fee + commission > gross)
    throw new LedgerInputError(`fees (${fee} + ${commission}) exceed the payment (${gross})`);
  const payable = shopPayableAccount(input.shopId);
  return [
    ...transfer('collection', MP_CLEARING, payable, gross),
    ...transfer('mp_fee', payable, MP_CLEARING, fee),
    ...transfer('commission', payable, COMMISSION_REVENUE, commission),
  ];
}

export interface RefundInput {
  shopId: string;
  bookingId?: string | null;
  paymentRef?: string;
  refundRef?: string;
  /** What goes back to the customer, centavos (a part of the payment, or all of it). */
  refundCents: number;
  /** MercadoPago's fee it gives back with the refund (default 0). */
  feeRefundedCents?: number;
  /**
   * The marketplace fee given back with the refund. When absent and the original payment's
   * `amountCents` and `platformCommissionCents` are given, it is the refund's proportional
   * share (see `proportionalShare`); otherwise 0.
   */
  commissionRefundedCents?: number;
  /** The original payment: what the customer paid, and the commission taken on it. */
  amountCents?: number;
  platformCommissionCents?: number;
  /** What earlier refunds of the same payment gave back already (default 0). */
  alreadyRefundedCents?: number;
}

/**
 * The share of `total` that belongs to `part` out of `whole`, computed cumulatively so that
 * refunding a payment in several parts gives back exactly `total` once everything is refunded:
 * floor(total · (before + part) / whole) − floor(total · before / whole). Exact (BigInt).
 */
export function proportionalShare(total: number, part: number, whole: number, before = 0): number {
  centavos('total', total, { positive: false });
  centavos('part', part, { positive: false });
  centavos('whole', whole, { positive: true });
  centavos('before', before, { positive: false });
  if (before + part > whole) throw new LedgerInputError(`${before} + ${part} exceeds the whole (${whole})`);
  const upTo = (n: number) => (BigInt(total) * BigInt(n)) / BigInt(whole);
  return Number(upTo(before + part) - upTo(before));
}

function givenBack(payable: string, fee: number, commission: number): Posting[] {
  return [...transfer('mp_fee_refund', MP_CLEARING, payable, fee), ...transfer('commission_refund', COMMISSION_REVENUE, payable, commission)];
}

export function refundPostings(input: RefundInput): Posting[] {
  const refund = centavos('refundCents', input.refundCents, { positive: true });
  const fee = centavos('feeRefundedCents', input.feeRefundedCents ?? 0, { positive: false });
  const commission =
    input.commissionRefundedCents !== undefined
      ? centavos('commissionRefundedCents', input.commissionRefundedCents, { positive: false })
      : input.amountCents !== undefined && input.platformCommissionCents !== undefined
        ? proportionalShare(input.platformCommissionCents, refund, input.amountCents, input.alreadyRefundedCents ?? 0)
        : 0;
  if (fee + commission > refund)
    throw new LedgerInputError(`fees given back (${fee} + ${commission}) exceed the refund (${refund})`);
  const payable = shopPayableAccount(input.shopId);
  return [...transfer('refund', payable, MP_CLEARING, refund), ...givenBack(payable, fee, commission)];
}

export interface ChargebackInput {
  shopId: string;
  bookingId?: string | null;
  paymentRef?: string;
  chargebackRef?: string;
  /** What MercadoPago debits for the dispute, centavos. */
  amountCents: number;
  feeRefundedCents?: number;
  /** Whether the platform gives its marketplace fee back on a chargeback is policy; default 0. */
  commissionRefundedCents?: number;
}

export function chargebackPostings(input: ChargebackInput): Posting[] {
  const amount = centavos('amountCents', input.amountCents, { positive: true });
  const fee = centavos('feeRefundedCents', input.feeRefundedCents ?? 0, { positive: false });
  const commission = centavos('commissionRefundedCents', input.commissionRefundedCents ?? 0, { positive: false });
  if (fee + commission > amount)
    throw new LedgerInputError(`fees given back (${fee} + ${commission}) exceed the chargeback (${amount})`);
  const payable = shopPayableAccount(input.shopId);
  return [...transfer('chargeback', payable, MP_CLEARING, amount), ...givenBack(payable, fee, commission)];
}

export interface ChargebackReversalInput {
  shopId: string;
  bookingId?: string | null;
  paymentRef?: string;
  chargebackRef?: string;
  /** What MercadoPago gives back when the dispute is won, centavos. */
  amountCents: number;
  /** A commission given back at the chargeback and charged again now (default 0). */
  commissionCents?: number;
}

export function chargebackReversalPostings(input: ChargebackReversalInput): Posting[] {
  const amount = centavos('amountCents', input.amountCents, { positive: true });
  const commission = centavos('commissionCents', input.commissionCents ?? 0, { positive: false });
  if (commission > amount) throw new LedgerInputError(`commission (${commission}) exceeds the amount (${amount})`);
  const payable = shopPayableAccount(input.shopId);
  return [...transfer('chargeback_reversal', MP_CLEARING, payable, amount), ...transfer('commission', payable, COMMISSION_REVENUE, commission)];
}

export interface PayoutInput {
  shopId: string;
  amountCents: number;
  payoutRef?: string;
}

export function payoutPostings(input: PayoutInput): Posting[] {
  const amount = centavos('amountCents', input.amountCents, { positive: true });
  return transfer('payout', shopPayableAccount(input.shopId), MP_CLEARING, amount);
}

/** Idempotency keys for the entries above, one per real-world event. */
export const ledgerKeys = {
  paymentApproved: (paymentRef: string) => `payment:${paymentRef}:approved`,
  refund: (refundRef: string) => `refund:${refundRef}`,
  chargeback: (chargebackRef: string) => `chargeback:${chargebackRef}`,
  chargebackReversal: (chargebackRef: string) => `chargeback:${chargebackRef}:reversed`,
  payout: (payoutRef: string) => `payout:${payoutRef}`,
};
