import type { DepositKind } from '../../platform/db/schema.js';

/** What the customer pays upfront, in integer centavos (percentages round half up). */
export function depositCents(priceCents: number, kind: DepositKind, value: number): number {
  switch (kind) {
    case 'none':
      return 0;
    case 'full':
      return priceCents;
    case 'fixed':
      return Math.min(value, priceCents);
    case 'percent':
      return Math.min(priceCents, Math.floor((priceCents * value + 50) / 100));
  }
}
