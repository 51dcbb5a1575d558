/**
 * Payment rules as pure functions of MercadoPago's latest view of a payment and what the
 * booking expected. Processing always derives our state from the payment as MercadoPago
 * reports it now, so duplicated, late or reordered notifications converge on one answer.
 */
export type PaymentStatus = 'pending' | 'approved' | 'rejected' | 'refunded' | 'partially_refunded' | 'charged_back' | 'disputed' | 'review';

export interface MpPaymentFacts {
  status: string;
  currency: string;
  amountCents: number;
  refundedCents: number;
  externalReference: string | null;
}

export interface Expectation {
  bookingId: string;
  amountCents: number;
}

export type Evaluation = { status: PaymentStatus; reviewReason?: undefined } | { status: 'review'; reviewReason: string };

/** What MercadoPago's status means for the booking, after checking the payment is the one we asked for. */
export function evaluatePayment(expected: Expectation | undefined, mp: MpPaymentFacts): Evaluation {
  if (!expected) return { status: 'review', reviewReason: 'unknown_booking' };
  if (mp.externalReference !== expected.bookingId) return { status: 'review', reviewReason: 'reference_mismatch' };
  if (mp.currency !== 'ARS') return { status: 'review', reviewReason: 'currency_not_ars' };
  if (mp.amountCents !== expected.amountCents) return { status: 'review', reviewReason: 'amount_mismatch' };
  switch (mp.status) {
    case 'approved':
    case 'authorized':
      return { status: mp.refundedCents > 0 ? 'partially_refunded' : 'approved' };
    case 'pending':
    case 'in_process':
      return { status: 'pending' };
    case 'rejected':
    case 'cancelled':
      return { status: 'rejected' };
    case 'refunded':
      return { status: 'refunded' };
    case 'charged_back':
      return { status: 'charged_back' };
    case 'in_mediation':
      return { status: 'disputed' };
    default:
      return { status: 'review', reviewReason: `unknown_status:${mp.status}` };
  }
}

/** Money has reached the shop (even if later refunded or disputed). */
export function wasCollected(status: PaymentStatus): boolean {
  return status === 'approved' || status === 'partially_refunded' || status === 'refunded' || status === 'charged_back' || status === 'disputed';
}

/** The platform's marketplace fee, in basis points of what the customer pays (rounded half up). */
export function commissionCents(amountCents: number, basisPoints: number): number {
  if (!Number.isInteger(amountCents) || amountCents < 0) throw new RangeError('amount must be whole centavos');
  if (!Number.isInteger(basisPoints) || basisPoints < 0 || basisPoints > 10_000) throw new RangeError('basis points out of range');
  return Math.floor((amountCents * basisPoints + 5_000) / 10_000);
}

/**
 * How much of a collected prepayment goes back when a booking is cancelled: all of it when
 * the shop cancels or the customer cancels before the cut-off; nothing after it (the
 * deposit is kept, as with a no-show).
 */
export function refundOnCancellation(input: { collectedCents: number; alreadyRefundedCents: number; cancelledBy: 'customer' | 'shop' | 'admin'; late: boolean }): number {
  const remaining = Math.max(0, input.collectedCents - input.alreadyRefundedCents);
  if (input.cancelledBy === 'customer' && input.late) return 0;
  return remaining;
}
