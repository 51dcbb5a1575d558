import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import { AuditTrail } from '../audit/service.js';
import { accountDefinition, LINE_TYPES, normalSide, shopPayableAccount, type AccountDefinition, type AccountKind, type Posting } from './postings.js';
import { LedgerRepository, type PaymentWithoutPostings, type UnbalancedEntry } from './repository.js';

export interface RecordEntryInput {
  /** Free text, lower snake case: payment_collected, refund, chargeback, payout… */
  kind: string;
  /** One real-world event, one key: recording it again writes nothing. */
  idempotencyKey: string;
  occurredAt: Date;
  bookingId?: string | null;
  paymentRef?: string | null;
  description: string;
  postings: readonly Posting[];
  /** Who caused it, for the audit row (default `system`). */
  actor?: string;
}

export type RecordResult = { created: boolean; entryId: string };

/** Input the ledger refuses before writing anything. */
export class LedgerValidationError extends Error {
  override name = 'LedgerValidationError';
}

/** The idempotency key was used for a different movement. */
export class LedgerConflictError extends Error {
  override name = 'LedgerConflictError';
}

export interface PayoutReport {
  shopId: string;
  /** The period, [from, to). */
  from: Date;
  to: Date;
  /** What the shop was owed when the period began (negative: what it owed). */
  openingBalanceCents: number;
  grossCollectedCents: number;
  /** MercadoPago fees net of those it gave back. */
  mercadopagoFeesCents: number;
  /** The platform's commission net of what it gave back. */
  platformCommissionCents: number;
  refundsCents: number;
  /** Chargebacks net of those reversed. */
  chargebacksCents: number;
  /** Movements of other line types on the shop's account (none today). */
  otherCents: number;
  /** gross − fees − commission − refunds − chargebacks − other: what the period earned the shop. */
  netPayableCents: number;
  paidOutCents: number;
  /** opening + net payable − paid out: what the shop is owed at the end of the period. */
  balanceCents: number;
}

export interface TrialBalanceLine {
  code: string;
  kind: AccountKind;
  normalSide: 'debit' | 'credit';
  shopId: string | null;
  /** Debit positive, credit negative. */
  balanceCents: number;
}

export interface TrialBalance {
  accounts: TrialBalanceLine[];
  /** Zero when the books balance. */
  totalCents: number;
}

export interface LedgerCheck {
  ok: boolean;
  unbalancedEntries: UnbalancedEntry[];
  /** The sum of every posting ever made; must be 0. */
  trialBalanceCents: number;
  /** Whether a payments table exists to check against. */
  paymentsTable: boolean;
  approvedPaymentsWithoutPostings: PaymentWithoutPostings[];
}

const KEY_LIMIT = 255;

function validate(input: RecordEntryInput): AccountDefinition[] {
  const fail = (message: string): never => {
    throw new LedgerValidationError(`ledger entry ${JSON.stringify(input.idempotencyKey)}: ${message}`);
  };
  if (typeof input.idempotencyKey !== 'string' || input.idempotencyKey.length < 1 || input.idempotencyKey.length > KEY_LIMIT)
    fail(`the idempotency key must have 1 to ${KEY_LIMIT} characters`);
  if (!/^[a-z][a-z_]*$/.test(input.kind)) fail(`kind must be lower snake case, got ${JSON.stringify(input.kind)}`);
  if (!(input.occurredAt instanceof Date) || Number.isNaN(input.occurredAt.getTime())) fail('occurredAt must be a valid Date');
  if (input.postings.length < 2) fail('an entry needs at least two postings');
  const accounts = new Map<string, AccountDefinition>();
  let sum = 0;
  for (const posting of input.postings) {
    if (!Number.isSafeInteger(posting.amountCents) || posting.amountCents === 0)
      fail(`posting amounts must be non-zero whole centavos, got ${posting.amountCents} on ${posting.accountCode}`);
    if (!(LINE_TYPES as readonly string[]).includes(posting.lineType)) fail(`unknown line type ${JSON.stringify(posting.lineType)}`);
    const account = accountDefinition(posting.accountCode);
    if (!account) fail(`unknown account ${JSON.stringify(posting.accountCode)}`);
    accounts.set(account!.code, account!);
    sum += posting.amountCents;
  }
  if (!Number.isSafeInteger(sum) || sum !== 0) fail(`postings sum to ${sum} centavos, not 0`);
  return [...accounts.values()];
}

function sameMovement(a: readonly Posting[], b: readonly Posting[]): boolean {
  const key = (p: Posting) => `${p.accountCode}|${p.lineType}|${p.amountCents}`;
  const sorted = (ps: readonly Posting[]) => ps.map(key).sort().join('\n');
  return sorted(a) === sorted(b);
}

/**
 * The double-entry ledger: balanced entries, written exactly once per idempotency key inside
 * the caller's transaction, each with its audit row; and the reports read from them.
 */
export class LedgerService {
  private readonly repo: LedgerRepository;

  constructor(
    db: Kysely<DB>,
    private readonly audit: AuditTrail = new AuditTrail(db),
  ) {
    this.repo = new LedgerRepository(db);
  }

  /**
   * Records a movement. Refuses (LedgerValidationError) unbalanced or malformed input before
   * writing anything; a key recorded before returns `{ created: false }` with that entry, or
   * throws LedgerConflictError if the postings differ. Appends `ledger.<kind>` to the audit
   * trail in the same transaction, so call it late in the transaction (the audit lock is held
   * until commit). The database checks again at commit that the entry balances.
   */
  async record(trx: Transaction<DB>, input: RecordEntryInput): Promise<RecordResult> {
    if (!trx.isTransaction) throw new Error('LedgerService.record needs the caller’s transaction');
    const accounts = validate(input);
    const entryId = await this.repo.insertEntry(trx, {
      kind: input.kind,
      idempotencyKey: input.idempotencyKey,
      occurredAt: input.occurredAt,
      bookingId: input.bookingId ?? null,
      paymentRef: input.paymentRef ?? null,
      description: input.description,
    });
    if (!entryId) {
      const existing = await this.repo.entryByKey(trx, input.idempotencyKey);
      if (!existing) throw new Error(`ledger entry ${input.idempotencyKey} vanished`);
      if (existing.kind !== input.kind || !sameMovement(existing.postings, input.postings))
        throw new LedgerConflictError(`idempotency key ${JSON.stringify(input.idempotencyKey)} was recorded with different postings`);
      return { created: false, entryId: existing.id };
    }
    await this.repo.ensureAccounts(trx, accounts);
    await this.repo.insertPostings(trx, entryId, input.postings);
    await this.audit.append(trx, {
      eventType: `ledger.${input.kind}`,
      entityType: 'ledger_entry',
      entityId: entryId,
      actor: input.actor ?? 'system',
      payload: {
        idempotencyKey: input.idempotencyKey,
        kind: input.kind,
        bookingId: input.bookingId ?? null,
        paymentRef: input.paymentRef ?? null,
        description: input.description,
        postings: input.postings.map((p) => ({ account: p.accountCode, amountCents: p.amountCents, line: p.lineType })),
      },
      dedupeKey: `ledger:${input.idempotencyKey}`,
      occurredAt: input.occurredAt,
    });
    return { created: true, entryId };
  }

  /** What the marketplace owes the shop now (negative: what the shop owes). */
  async shopBalance(shopId: string): Promise<{ shopId: string; balanceCents: number }> {
    return { shopId, balanceCents: 0 - (await this.repo.accountBalance(shopPayableAccount(shopId))) };
  }

  /** The shop's statement for entries that occurred in [from, to). */
  async payoutReport(shopId: string, from: Date, to: Date): Promise<PayoutReport> {
    if (!(from.getTime() <= to.getTime())) throw new RangeError('from must not be after to');
    const account = shopPayableAccount(shopId);
    const [opening, lines] = await Promise.all([this.repo.accountBalance(account, from), this.repo.lineTotals(account, from, to)]);
    // The payable is credit-normal: credits (negative) are owed to the shop. (0 − x, not −x: no −0.)
    const take = (...types: string[]) =>
      types.reduce((sum, type) => {
        const value = lines.get(type) ?? 0;
        lines.delete(type);
        return sum + value;
      }, 0);
    const grossCollectedCents = 0 - take('collection');
    const mercadopagoFeesCents = take('mp_fee', 'mp_fee_refund');
    const platformCommissionCents = take('commission', 'commission_refund');
    const refundsCents = take('refund');
    const chargebacksCents = take('chargeback', 'chargeback_reversal');
    const paidOutCents = take('payout');
    const otherCents = take(...lines.keys());
    const netPayableCents = grossCollectedCents - mercadopagoFeesCents - platformCommissionCents - refundsCents - chargebacksCents - otherCents;
    const openingBalanceCents = 0 - opening;
    return {
      shopId,
      from,
      to,
      openingBalanceCents,
      grossCollectedCents,
      mercadopagoFeesCents,
      platformCommissionCents,
      refundsCents,
      chargebacksCents,
      otherCents,
      netPayableCents,
      paidOutCents,
      balanceCents: openingBalanceCents + netPayableCents - paidOutCents,
    };
  }

  /** The shop's timezone, or undefined when there is no such shop. */
  shopTimezone(shopId: string): Promise<string | undefined> {
    return this.repo.shopTimezone(shopId);
  }

  async trialBalance(): Promise<TrialBalance> {
    const accounts = (await this.repo.trialBalance()).map((a) => ({ ...a, normalSide: normalSide(a.kind) }));
    return { accounts, totalCents: accounts.reduce((sum, a) => sum + a.balanceCents, 0) };
  }

  /** Every entry balances, the books sum to zero, and every collected payment has its postings. */
  async check(): Promise<LedgerCheck> {
    const [unbalancedEntries, trialBalanceCents, payments] = await Promise.all([
      this.repo.unbalancedEntries(),
      this.repo.totalOfAllPostings(),
      this.repo.paymentsWithoutPostings(),
    ]);
    return {
      ok: unbalancedEntries.length === 0 && trialBalanceCents === 0 && payments.rows.length === 0,
      unbalancedEntries,
      trialBalanceCents,
      paymentsTable: payments.paymentsTable,
      approvedPaymentsWithoutPostings: payments.rows,
    };
  }
}
