/**
 * CUIT/CUIL check digit (AFIP's modulo-11 algorithm): weights 5,4,3,2,7,6,5,4,3,2 over
 * the first ten digits; d = 11 − (sum mod 11), where 11 means 0 and 10 is never valid.
 */
const WEIGHTS = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2] as const;
const VALID_PREFIXES = new Set(['20', '23', '24', '25', '26', '27', '30', '33', '34']);

export function normalizeCuit(input: string): string {
  return input.replace(/[\s.-]/g, '');
}

/** The check digit for the first ten digits, or null when none exists (remainder 1). */
export function cuitCheckDigit(firstTen: string): number | null {
  if (!/^\d{10}$/.test(firstTen)) throw new RangeError('a CUIT body has exactly ten digits');
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += Number(firstTen[i]) * WEIGHTS[i]!;
  const d = 11 - (sum % 11);
  if (d === 11) return 0;
  if (d === 10) return null;
  return d;
}

export function isValidCuit(input: string): boolean {
  const cuit = normalizeCuit(input);
  if (!/^\d{11}$/.test(cuit)) return false;
  if (!VALID_PREFIXES.has(cuit.slice(0, 2))) return false;
  return cuitCheckDigit(cuit.slice(0, 10)) === Number(cuit[10]);
}

/** 20-12345678-6 style, as printed on invoices. */
export function formatCuit(cuit: string): string {
  const c = normalizeCuit(cuit);
  return `${c.slice(0, 2)}-${c.slice(2, 10)}-${c.slice(10)}`;
}
