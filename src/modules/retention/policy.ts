/**
 * How long each kind of personal data the retention job handles is kept, in days. The
 * personal-data inventory (src/platform/privacy/inventory.ts) quotes these in its retention
 * column; invoices and the ledger are never touched (tax law keeps them ten years).
 */
export const RETENTION_DAYS = {
  /** Holds that expired unpaid, with no payment, invoice, ledger entry or review behind them. */
  expired_holds: 30,
  /** Customer accounts that never booked and have not logged in (no refresh token issued) since. */
  unused_accounts: 365,
  /** Stored answers to replayed POSTs: clients retry within minutes, never a month later. */
  idempotency_responses: 30,
  /** Provider error texts of settled notifications, and the development outbox's .eml files. */
  notification_payloads: 90,
  /** MercadoPago webhook notifications already processed. */
  webhook_notifications: 90,
  /** Refresh tokens this long past their expiry (reuse detection only needs live families). */
  expired_refresh_tokens: 30,
} as const;

export type RetentionKind = keyof typeof RETENTION_DAYS;
export const RETENTION_KINDS = Object.keys(RETENTION_DAYS) as RetentionKind[];

const DAY_MS = 86_400_000;

/** The instant before which a kind's records are past retention. */
export function retentionCutoff(kind: RetentionKind, now: Date): Date {
  return new Date(now.getTime() - RETENTION_DAYS[kind] * DAY_MS);
}
