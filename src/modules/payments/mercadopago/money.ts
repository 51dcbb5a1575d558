/**
 * BarberPro keeps money as integer centavos; MercadoPago's JSON carries pesos as decimal
 * numbers. These two functions are the only place where one becomes the other, and they go
 * through decimal strings so no binary floating-point arithmetic ever touches an amount
 * (100 * 0.29 is 28.999999999999996, not 29).
 */

/** Integer centavos (ARS). Only a name: it documents the unit wherever an amount travels. */
export type Centavos = number;

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * The largest amount both directions handle exactly: a decimal with at most 15 significant
 * digits survives the trip through a double and back (IEEE 754 guarantees 15), so no two
 * distinct amounts up to here can become the same JSON number. About ARS 10 trillion.
 */
export const MAX_CENTAVOS = 999_999_999_999_999;

/** 1234 → 12.34. The result prints back as exactly two (or fewer) decimals in JSON. */
export function centavosToAmount(centavos: Centavos | bigint): number {
  const value = typeof centavos === 'bigint' ? centavos : checkedInteger(centavos);
  if (value < 0n) throw new RangeError(`A MercadoPago amount cannot be negative (got ${value} centavos)`);
  if (value > BigInt(MAX_CENTAVOS)) throw new RangeError('Amount too large to send to MercadoPago exactly');
  const digits = value.toString().padStart(3, '0');
  // Number() of a short decimal string is the double nearest to it, and JSON.stringify prints
  // the shortest string that maps back to that double: the same decimal we built.
  return Number(`${digits.slice(0, -2)}.${digits.slice(-2)}`);
}

/**
 * 12.34 or "12.34" → 1234. Refuses NaN, infinities, negatives and anything with more than two
 * decimals: silently rounding a third decimal would make the ledger disagree with MercadoPago.
 */
export function amountToCentavos(amount: number | string): Centavos {
  let text: string;
  if (typeof amount === 'number') {
    if (!Number.isFinite(amount)) throw new RangeError(`Not a finite amount: ${amount}`);
    if (amount < 0) throw new RangeError(`A MercadoPago amount cannot be negative: ${amount}`);
    // String() gives the shortest decimal that identifies the double; toFixed(2) of it must
    // read back as the same number, otherwise the value had more than two decimals.
    text = String(amount);
    if (/e/i.test(text)) {
      if (Number(amount.toFixed(2)) !== amount) throw new RangeError(`More than two decimals: ${text}`);
      text = amount.toFixed(2);
    }
  } else {
    text = amount.trim();
  }
  const match = DECIMAL.exec(text);
  if (!match) throw new RangeError(`Not a decimal amount: ${JSON.stringify(text)}`);
  const whole = match[1]!;
  const fraction = match[2] ?? '';
  if (fraction.length > 2) throw new RangeError(`More than two decimals: ${text}`);
  const centavos = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0') || '0');
  if (centavos > BigInt(MAX_CENTAVOS)) throw new RangeError(`Amount too large: ${text}`);
  return Number(centavos);
}

function checkedInteger(n: number): bigint {
  if (!Number.isSafeInteger(n)) throw new RangeError(`Centavos must be a whole, safe integer (got ${n})`);
  return BigInt(n);
}
