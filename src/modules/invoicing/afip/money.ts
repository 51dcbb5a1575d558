/**
 * WSFEv1 carries amounts as decimal numbers ("1234.56"); BarberPro keeps integer centavos.
 * Both directions go through decimal strings and bigint so no binary float ever touches an
 * amount: 0.1 + 0.2 is not 0.3, and an invoice total that is off by a centavo is a
 * different invoice to AFIP.
 */

/** Integer centavos (ARS). */
export type Centavos = number;

/**
 * AFIP stores amounts as decimal(13+2); anything beyond Number.MAX_SAFE_INTEGER centavos would
 * not survive as a JavaScript number anyway.
 */
export const MAX_AFIP_CENTAVOS = Number.MAX_SAFE_INTEGER;

/** 123456 → "1234.56"; 5 → "0.05"; 0 → "0.00". Always exactly two decimals and a dot. */
export function formatCentavos(centavos: Centavos | bigint): string {
  let value: bigint;
  if (typeof centavos === 'bigint') value = centavos;
  else {
    if (!Number.isSafeInteger(centavos)) throw new RangeError(`Centavos must be a whole, safe integer (got ${centavos})`);
    value = BigInt(centavos);
  }
  if (value < 0n) throw new RangeError(`AFIP amounts are not negative (got ${value} centavos)`);
  if (value > BigInt(MAX_AFIP_CENTAVOS)) throw new RangeError('Amount too large');
  const digits = value.toString().padStart(3, '0');
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d{1,4}))?$/;

/**
 * "1234.56", "1234.5", "1234", "1.2345E3" → centavos. WSFEv1 declares amounts as xs:double,
 * so .NET may print exponent notation or drop trailing zeros; both are read exactly. Refuses
 * negatives and anything with a non-zero digit below the centavo rather than rounding: a
 * rounded amount would silently disagree with what AFIP authorized.
 */
export function parseAmountToCentavos(text: string): Centavos {
  const match = DECIMAL.exec(text.trim());
  if (!match) throw new RangeError(`Not a decimal amount: ${JSON.stringify(text)}`);
  const [, sign, whole, fraction = '', exponent] = match;
  // Treat the number as digits × 10^scale, then shift to centavos (scale + 2).
  let digits = `${whole}${fraction}`.replace(/^0+(?=\d)/, '');
  const scale = Number(exponent ?? 0) - fraction.length + 2;
  if (scale >= 0) {
    if (digits.length + scale > 20) throw new RangeError(`Amount too large: ${text}`);
    digits += '0'.repeat(scale);
  } else {
    const cut = -scale;
    const padded = digits.padStart(cut + 1, '0');
    const dropped = padded.slice(-cut);
    if (/[1-9]/.test(dropped)) throw new RangeError(`More than two decimals: ${text}`);
    digits = padded.slice(0, -cut);
  }
  const value = BigInt(digits);
  if (value === 0n) return 0;
  if (sign === '-') throw new RangeError(`AFIP amounts are not negative: ${text}`);
  if (value > BigInt(MAX_AFIP_CENTAVOS)) throw new RangeError(`Amount too large: ${text}`);
  return Number(value);
}
