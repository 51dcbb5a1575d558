// Prices are typed in pesos the Argentine way ("15.000,50", "15000,5", "15000") and stored
// as integer centavos; floats never touch money (15000.5 * 100 is not always exact).

/** Integer centavos from a peso amount as a person types it, or null when it is not one. */
export function parsePesos(input: string): number | null {
  const text = input.replace(/\$|\s/g, '');
  // Thousands with dots (optional), decimals after a comma, at most two of them.
  const match = /^(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}))?$/.exec(text);
  if (!match) return null;
  const pesos = Number(match[1]!.replace(/\./g, ''));
  const centavos = Number((match[2] ?? '').padEnd(2, '0') || '0');
  const total = pesos * 100 + centavos;
  return Number.isSafeInteger(total) ? total : null;
}

/** "15000,50" for an input field (no thousands separator, so editing is easy). */
export function centavosToInput(centavos: number): string {
  const pesos = Math.floor(centavos / 100);
  const rest = centavos % 100;
  return rest === 0 ? String(pesos) : `${pesos},${String(rest).padStart(2, '0')}`;
}
