/**
 * MercadoPago's Argentine test cards: the cardholder name picks the outcome. The statuses
 * follow MercadoPago's payment status table (pending_contingency belongs to in_process).
 */
export interface CardOutcome {
  status: 'approved' | 'in_process' | 'rejected';
  statusDetail: string;
  /** What the checkout page says, in Spanish. */
  label: string;
}

export const TEST_CARDHOLDER_OUTCOMES: Readonly<Record<string, CardOutcome>> = {
  APRO: { status: 'approved', statusDetail: 'accredited', label: 'Pago aprobado' },
  CONT: { status: 'in_process', statusDetail: 'pending_contingency', label: 'Pago pendiente' },
  OTHE: { status: 'rejected', statusDetail: 'cc_rejected_other_reason', label: 'Rechazado por error general' },
  CALL: { status: 'rejected', statusDetail: 'cc_rejected_call_for_authorize', label: 'Rechazado: requiere autorización' },
  FUND: { status: 'rejected', statusDetail: 'cc_rejected_insufficient_amount', label: 'Rechazado por fondos insuficientes' },
  SECU: { status: 'rejected', statusDetail: 'cc_rejected_bad_filled_security_code', label: 'Rechazado por código de seguridad inválido' },
  EXPI: { status: 'rejected', statusDetail: 'cc_rejected_bad_filled_date', label: 'Rechazado por fecha de vencimiento' },
  FORM: { status: 'rejected', statusDetail: 'cc_rejected_bad_filled_other', label: 'Rechazado por error en el formulario' },
};

export const TEST_CARDS = [
  { brand: 'Mastercard', number: '5031 7557 3453 0604' },
  { brand: 'Visa', number: '4509 9535 6623 3704' },
] as const;
export const TEST_CARD_CVV = '123';
export const TEST_CARD_EXPIRY = '11/30';

export function outcomeForCardholder(name: string): CardOutcome | undefined {
  const key = name.trim().toUpperCase();
  return Object.hasOwn(TEST_CARDHOLDER_OUTCOMES, key) ? TEST_CARDHOLDER_OUTCOMES[key] : undefined;
}

export type CardCheck =
  | { ok: true; digits: string; paymentMethodId: 'visa' | 'master' | 'amex' }
  | { ok: false; message: string };

/** Enough of a card check to catch typos: digits, length, Luhn, a known brand. */
export function checkCardNumber(input: string): CardCheck {
  const digits = input.replace(/[\s-]/g, '');
  if (!/^\d{13,19}$/.test(digits)) return { ok: false, message: 'Ingresá un número de tarjeta de 13 a 19 dígitos.' };
  if (!luhn(digits)) return { ok: false, message: 'El número de tarjeta no es válido. Revisalo e intentá de nuevo.' };
  const paymentMethodId = digits.startsWith('4') ? 'visa' : /^(5[1-5]|2[2-7]|50)/.test(digits) ? 'master' : /^3[47]/.test(digits) ? 'amex' : null;
  if (!paymentMethodId) return { ok: false, message: 'No reconocemos esta tarjeta. Usá una de las tarjetas de prueba.' };
  return { ok: true, digits, paymentMethodId };
}

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
