import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import type { SecretBox } from '../../platform/crypto/secret-box.js';
import type { DB, PaymentRowStatus } from '../../platform/db/schema.js';
import type { Principal } from '../../platform/http/access.js';
import { ProblemError, problems } from '../../platform/http/problem.js';
import type { JobQueue } from '../../platform/queue/queue.js';
import type { OAuthStateSigner } from '../accounts/tokens.js';
import type { AgendaEvent, BookingsService } from '../bookings/service.js';
import type { ShopAccess } from '../catalog/shop-access.js';
import type { AuditTrail } from '../audit/service.js';
import type { LedgerService } from '../ledger/service.js';
import { chargebackPostings, chargebackReversalPostings, paymentApprovedPostings, refundPostings } from '../ledger/postings.js';
import { crashIfConfigured, type CrashPoint } from './crash-points.js';
import { amountToCentavos, centavosToAmount } from './mercadopago/money.js';
import { MercadoPagoError, type MercadoPagoClient, type MpPayment } from './mercadopago/client.js';
import { commissionCents, evaluatePayment, refundOnCancellation, wasCollected } from './policy.js';
import type { PaymentRow, PaymentsRepository } from './repository.js';

export interface PaymentsConfig {
  publicBaseUrl: string;
  /** The platform's marketplace fee, in basis points of what the customer pays. */
  commissionBasisPoints: number;
  /** Test-only (crash-points.ts): where this process kills itself. Never set in production. */
  crashAt?: CrashPoint | undefined;
}

/**
 * What applying a payment changed, announced after its transaction commits. Each is emitted
 * once per real change: applying the same MercadoPago state again emits nothing.
 */
export type PaymentTransition =
  | { type: 'status_changed'; paymentId: string; shopId: string; from: PaymentRowStatus; to: PaymentRowStatus }
  | { type: 'refund_recorded'; paymentId: string; shopId: string; refundCents: number };

export type PaymentTransitionListener = (event: PaymentTransition) => void;

/**
 * Money that moved for a booking, as the ledger recorded it (once per ledger key). Other
 * modules (invoicing) hook in without payments knowing them.
 */
export type MoneyMovement =
  | { type: 'collected'; paymentId: string; shopId: string; bookingId: string; amountCents: number; sourceRef: string; occurredAt: Date; paidAt: Date }
  | { type: 'refunded'; paymentId: string; shopId: string; bookingId: string; refundCents: number; sourceRef: string; occurredAt: Date };

export interface MoneyMovementListener {
  /** In the payment's transaction: what it writes commits or rolls back with the movement. */
  inTransaction(trx: Transaction<DB>, event: MoneyMovement): Promise<void>;
  /** After the commit; a failure is logged and changes nothing already committed. */
  committed?(events: readonly MoneyMovement[]): Promise<void>;
}

export interface MerchantLinking {
  clientId: string | undefined;
  clientSecret: string | undefined;
  state: OAuthStateSigner;
  access: ShopAccess;
}

export interface CheckoutDto {
  paymentId: string;
  bookingId: string;
  checkoutUrl: string;
  amount: { amountCents: number; currency: 'ARS' };
  expiresAt: string;
}

const tokenContext = (shopId: string) => `merchant_accounts.access_token:${shopId}`;

/**
 * Checkout, webhook processing, reconciliation and refunds. MercadoPago is the source of
 * truth for a payment: every path (webhook, reconciliation, refund) fetches the payment and
 * applies its current state with `applyPayment`, whose effects (booking confirmation, ledger
 * entries, audit rows) are each keyed so applying the same state twice changes nothing.
 */
export class PaymentsService {
  private readonly transitionListeners: PaymentTransitionListener[] = [];
  private readonly movementListeners: MoneyMovementListener[] = [];

  constructor(
    private readonly db: Kysely<DB>,
    private readonly repo: PaymentsRepository,
    private readonly bookings: BookingsService,
    private readonly mp: MercadoPagoClient,
    private readonly box: SecretBox,
    private readonly ledger: LedgerService,
    private readonly audit: AuditTrail,
    private readonly queue: JobQueue,
    private readonly clock: Clock,
    private readonly config: PaymentsConfig,
    private readonly log: (level: 'info' | 'warn', message: string, data?: Record<string, unknown>) => void = () => undefined,
    private readonly linking?: MerchantLinking,
  ) {}

  /**
   * Observers of committed payment changes (metrics). Synchronous and after the commit: a
   * listener that throws is logged and cannot undo or fail the payment.
   */
  onTransition(listener: PaymentTransitionListener): void {
    this.transitionListeners.push(listener);
  }

  onMoneyMovement(listener: MoneyMovementListener): void {
    this.movementListeners.push(listener);
  }

  private async moneyMoved(trx: Transaction<DB>, event: MoneyMovement, movements: MoneyMovement[]): Promise<void> {
    movements.push(event);
    for (const listener of this.movementListeners) await listener.inTransaction(trx, event);
  }

  private async movementsCommitted(movements: readonly MoneyMovement[]): Promise<void> {
    if (movements.length === 0) return;
    for (const listener of this.movementListeners) {
      try {
        await listener.committed?.(movements);
      } catch (error) {
        this.log('warn', 'money movement listener failed after commit', { error: error instanceof Error ? error.name : 'unknown' });
      }
    }
  }

  private emitTransitions(events: readonly PaymentTransition[]): void {
    for (const event of events)
      for (const listener of this.transitionListeners) {
        try {
          listener(event);
        } catch (error) {
          this.log('warn', 'payment transition listener failed', { paymentId: event.paymentId, error: error instanceof Error ? error.name : 'unknown' });
        }
      }
  }

  // Linking a shop's MercadoPago account (OAuth) -------------------------------------------

  private oauthRedirectUri(): string {
    return `${this.config.publicBaseUrl.replace(/\/$/, '')}/api/v1/mercadopago/oauth/callback`;
  }

  private requireLinking(): MerchantLinking & { clientId: string; clientSecret: string } {
    const l = this.linking;
    if (!l?.clientId || !l.clientSecret)
      throw new ProblemError(503, 'mercadopago_not_configured', 'MercadoPago no está configurado', 'Falta configurar la aplicación de MercadoPago de BarberPro.');
    return l as MerchantLinking & { clientId: string; clientSecret: string };
  }

  /** Where the shop owner goes to authorise BarberPro on their MercadoPago account. */
  async authorizationUrl(principal: Principal, shopId: string): Promise<string> {
    const linking = this.requireLinking();
    await linking.access.assertCanManage(principal, shopId);
    const state = await linking.state.sign({ shopId, userId: principal.userId }, this.clock.now());
    return this.mp.authorizationUrl({ clientId: linking.clientId, redirectUri: this.oauthRedirectUri(), state });
  }

  /**
   * Whether the shop can take deposits: its MercadoPago link and whether BarberPro's
   * MercadoPago application is configured at all (without it no shop can link).
   */
  async linkStatus(principal: Principal, shopId: string): Promise<{ configured: boolean; status: 'unlinked' | 'linked' | 'revoked' | 'refresh_failed'; linkedAt: string | null }> {
    if (!this.linking) throw problems.unavailable();
    await this.linking.access.assertCanManage(principal, shopId);
    const row = await this.repo.merchantLinkStatus(shopId);
    return {
      configured: Boolean(this.linking.clientId && this.linking.clientSecret),
      status: row?.status ?? 'unlinked',
      linkedAt: row ? (row.refreshed_at ?? row.linked_at).toISOString() : null,
    };
  }

  /** MercadoPago sends the owner back with a code: exchange it and keep the tokens sealed. */
  async completeLink(code: string, state: string): Promise<string> {
    const linking = this.requireLinking();
    const claims = await linking.state.verify(state, this.clock.now());
    if (!claims) throw problems.badRequest('invalid_oauth_state', 'El enlace para vincular MercadoPago venció o no es válido. Empezá de nuevo desde el panel.');
    const tokens = await this.mp.oauthToken({
      grant_type: 'authorization_code',
      client_id: linking.clientId,
      client_secret: linking.clientSecret,
      code,
      redirect_uri: this.oauthRedirectUri(),
    });
    await this.storeTokens(claims.shopId, tokens);
    this.log('info', 'mercadopago account linked', { shopId: claims.shopId });
    return claims.shopId;
  }

  private async storeTokens(shopId: string, tokens: { access_token: string; refresh_token?: string | null | undefined; user_id: number | string; public_key?: string | null | undefined; expires_in?: number | null | undefined }): Promise<void> {
    const now = this.clock.now();
    await this.repo.upsertMerchantAccount({
      shop_id: shopId,
      mp_user_id: String(tokens.user_id),
      access_token_sealed: this.box.encrypt(tokens.access_token, tokenContext(shopId)),
      refresh_token_sealed: tokens.refresh_token ? this.box.encrypt(tokens.refresh_token, `merchant_accounts.refresh_token:${shopId}`) : null,
      public_key: tokens.public_key ?? null,
      token_expires_at: tokens.expires_in ? new Date(now.getTime() + tokens.expires_in * 1000) : null,
    });
  }

  /** Refreshes seller tokens that expire within a week, before checkouts start failing. */
  async refreshExpiringTokens(): Promise<number> {
    if (!this.linking?.clientId || !this.linking.clientSecret) return 0;
    const soon = new Date(this.clock.now().getTime() + 7 * 86_400_000);
    let refreshed = 0;
    for (const account of await this.repo.accountsExpiringBefore(soon)) {
      try {
        const tokens = await this.mp.oauthToken({
          grant_type: 'refresh_token',
          client_id: this.linking.clientId,
          client_secret: this.linking.clientSecret,
          refresh_token: this.box.decrypt(account.refresh_token_sealed!, `merchant_accounts.refresh_token:${account.shop_id}`),
        });
        await this.storeTokens(account.shop_id, tokens);
        refreshed++;
      } catch (error) {
        this.log('warn', 'could not refresh a MercadoPago seller token', { shopId: account.shop_id, error: error instanceof Error ? error.name : 'unknown' });
      }
    }
    return refreshed;
  }

  private async sellerToken(shopId: string): Promise<string> {
    const account = await this.repo.merchantAccount(shopId);
    if (!account) throw problems.conflict('shop_payments_not_linked', 'La barbería todavía no vinculó su cuenta de MercadoPago.');
    return this.box.decrypt(account.access_token_sealed, tokenContext(shopId));
  }

  // Checkout ------------------------------------------------------------------------------

  async startCheckout(principal: Principal, bookingId: string): Promise<CheckoutDto> {
    const booking = await this.bookings.get(principal, bookingId);
    if (booking.customer.id !== principal.userId) throw problems.notFound('El turno');
    if (booking.status !== 'pending' || !booking.holdExpiresAt)
      throw problems.conflict('booking_not_payable', 'Este turno no tiene un pago pendiente.');
    const now = this.clock.now();
    const expiresAt = new Date(booking.holdExpiresAt);
    if (expiresAt.getTime() <= now.getTime()) throw problems.conflict('hold_expired', 'La reserva venció y el horario se liberó. Elegí otro horario.');

    const open = await this.repo.openCheckout(bookingId, now);
    if (open?.checkout_url) return this.toCheckout(open, booking.deposit.amountCents);

    const token = await this.sellerToken(booking.shopId);
    const amount = booking.deposit.amountCents;
    const row = open ?? (await this.repo.insertCheckout({
      booking_id: bookingId,
      shop_id: booking.shopId,
      amount_cents: amount,
      commission_cents: commissionCents(amount, this.config.commissionBasisPoints),
      checkout_expires_at: expiresAt,
    }));
    const base = this.config.publicBaseUrl.replace(/\/$/, '');
    try {
      const preference = await this.mp.createPreference(
        token,
        {
          items: [{ id: booking.serviceId, title: `${booking.serviceName} — ${booking.shopName}`, quantity: 1, currency_id: 'ARS', unit_price: centavosToAmount(amount) }],
          external_reference: bookingId,
          notification_url: `${base}/api/v1/webhooks/mercadopago`,
          back_urls: {
            success: `${base}/reservas/${bookingId}?pago=aprobado`,
            failure: `${base}/reservas/${bookingId}?pago=rechazado`,
            pending: `${base}/reservas/${bookingId}?pago=pendiente`,
          },
          auto_return: 'approved',
          expires: true,
          expiration_date_to: booking.holdExpiresAt,
          marketplace_fee: centavosToAmount(row.commission_cents),
          statement_descriptor: 'BARBERPRO',
          metadata: { booking_id: bookingId, payment_id: row.id },
        },
        // Retries of this checkout reuse the row, so MercadoPago sees one preference.
        `preference:${row.id}`,
      );
      await this.repo.setCheckoutPreference(row.id, preference.id, preference.init_point);
      return this.toCheckout({ ...row, checkout_url: preference.init_point }, amount);
    } catch (error) {
      if (error instanceof MercadoPagoError && error.retryable)
        throw new ProblemError(503, 'payment_provider_unavailable', 'MercadoPago no responde', 'Tu reserva sigue guardada. Probá pagar de nuevo en unos segundos.', {
          retryAfterSeconds: 5,
        });
      throw error;
    }
  }

  private toCheckout(row: Pick<PaymentRow, 'id' | 'booking_id' | 'checkout_url' | 'checkout_expires_at'>, amountCents: number): CheckoutDto {
    return {
      paymentId: row.id,
      bookingId: row.booking_id!,
      checkoutUrl: row.checkout_url!,
      amount: { amountCents, currency: 'ARS' },
      expiresAt: row.checkout_expires_at!.toISOString(),
    };
  }

  // Notifications ------------------------------------------------------------------------

  /** Stores a verified notification and queues its processing; answers MercadoPago fast. */
  async receiveNotification(input: { mpPaymentId: string; mpUserId: string | null; action: string | null; requestId: string | null }): Promise<void> {
    const { id } = await this.repo.insertNotification({
      mp_payment_id: input.mpPaymentId,
      mp_user_id: input.mpUserId,
      action: input.action,
      request_id: input.requestId,
    });
    await crashIfConfigured(this.config.crashAt, 'after-notification-stored');
    // The row is the durable record; if the queue is down, reconciliation processes it.
    // No ':' in the id: BullMQ refuses custom ids containing one (an enqueue that always
    // failed, leaving every webhook to the periodic reconciliation when Redis runs the jobs).
    await this.queue.enqueue('webhooks.process', { notificationId: id }, { jobId: `mp-notification-${id}` }).catch(() => undefined);
  }

  async processNotification(notificationId: string): Promise<void> {
    const notification = await this.repo.findNotification(notificationId);
    if (!notification || notification.processed_at) return;
    try {
      const shopId = await this.shopForNotification(notification.mp_user_id);
      await this.syncPayment(shopId, notification.mp_payment_id);
      await this.repo.markPaymentNotificationsProcessed(notification.id);
    } catch (error) {
      await this.repo.markNotification(notificationId, { processed: false, error: error instanceof Error ? error.message.slice(0, 200) : 'failed' });
      throw error;
    }
  }

  private async shopForNotification(mpUserId: string | null): Promise<string | null> {
    if (!mpUserId) return null;
    return (await this.repo.merchantByMpUser(mpUserId))?.shop_id ?? null;
  }

  /** Fetches a payment with its seller's token and applies what MercadoPago says now. */
  async syncPayment(shopId: string | null, mpPaymentId: string): Promise<void> {
    if (!shopId) throw new Error(`no linked seller for payment ${mpPaymentId}`);
    const payment = await this.mp.getPayment(await this.sellerToken(shopId), mpPaymentId);
    await crashIfConfigured(this.config.crashAt, 'after-payment-fetched');
    await this.applyPayment(shopId, payment);
  }

  // Applying a payment -------------------------------------------------------------------

  async applyPayment(shopId: string, mp: MpPayment): Promise<void> {
    const now = this.clock.now();
    const mpPaymentId = String(mp.id);
    const bookingId = isUuid(mp.external_reference) ? mp.external_reference : null;
    const amountCents = amountToCentavos(mp.transaction_amount);
    const refundedCents = amountToCentavos(mp.transaction_amount_refunded ?? 0);
    const mpFeeCents = (mp.fee_details ?? []).filter((f) => f.type === 'mercadopago_fee').reduce((sum, f) => sum + amountToCentavos(f.amount), 0);

    // With the booking's start: caches refresh that day only, not the shop's whole agenda.
    const announcements: Array<{ shopId: string; bookingId: string; type: string; starts: Date[] }> = [];
    const transitions: PaymentTransition[] = [];
    const movements: MoneyMovement[] = [];
    await this.db.transaction().execute(async (trx) => {
      // Lock order: booking row, then the audit trail's lock (taken by the ledger and audit
      // writes below) — the same order a cancellation takes, so the two cannot deadlock.
      const booking = bookingId
        ? await trx.selectFrom('bookings').select(['id', 'shop_id', 'deposit_cents', 'status', 'starts_at']).where('id', '=', bookingId).forUpdate().executeTakeFirst()
        : undefined;
      let row = await this.repo.lockForMpPayment(trx, mpPaymentId, bookingId);
      const expectation = booking && booking.shop_id === shopId ? { bookingId: booking.id, amountCents: booking.deposit_cents } : undefined;
      const evaluation = evaluatePayment(expectation, {
        status: mp.status,
        currency: mp.currency_id,
        amountCents,
        refundedCents,
        externalReference: mp.external_reference ?? null,
      });
      if (!row) {
        row = await this.repo.insertPayment(trx, {
          booking_id: expectation ? expectation.bookingId : null,
          shop_id: shopId,
          mp_payment_id: mpPaymentId,
          amount_cents: amountCents,
          status: 'pending',
        });
      }
      const commission = row.commission_cents;
      // Under the row lock: a concurrent duplicate sees the new status and reports no change.
      if (row.status !== evaluation.status) transitions.push({ type: 'status_changed', paymentId: row.id, shopId, from: row.status, to: evaluation.status });
      await this.repo.updatePayment(trx, row.id, {
        mp_payment_id: mpPaymentId,
        status: evaluation.status,
        mp_status: mp.status,
        mp_status_detail: mp.status_detail ?? null,
        refunded_cents: refundedCents,
        mp_fee_cents: mpFeeCents,
        review_reason: evaluation.reviewReason ?? null,
        last_synced_at: now,
        ...(wasCollected(evaluation.status) && !row.approved_at ? { approved_at: mp.date_approved ? new Date(mp.date_approved) : now } : {}),
      });

      const ref = `mp:${mpPaymentId}`;
      const auditEvent = (eventType: string, dedupeKey: string, payload: Record<string, unknown>) =>
        this.audit.append(trx, {
          eventType,
          entityType: 'payment',
          entityId: row!.id,
          actor: 'mercadopago',
          payload: { mpPaymentId, bookingId: expectation?.bookingId ?? null, shopId, ...payload },
          dedupeKey,
          occurredAt: now,
        });

      if (evaluation.status === 'review') {
        await auditEvent('payment.flagged', `${ref}:review:${evaluation.reviewReason}`, { reason: evaluation.reviewReason, amountCents, currency: mp.currency_id });
        this.log('warn', 'payment flagged for review', { paymentId: row.id, reason: evaluation.reviewReason });
        return;
      }
      const bookingIdOk = expectation!.bookingId;

      if (wasCollected(evaluation.status)) {
        const recorded = await this.ledger.record(trx, {
          kind: 'payment_collected',
          idempotencyKey: `${ref}:collected`,
          occurredAt: now,
          bookingId: bookingIdOk,
          paymentRef: ref,
          description: `Seña del turno ${bookingIdOk}`,
          postings: paymentApprovedPostings({ shopId, bookingId: bookingIdOk, paymentRef: ref, amountCents, mercadopagoFeeCents: mpFeeCents, platformCommissionCents: commission }),
        });
        if (recorded.created) {
          await auditEvent('payment.approved', `${ref}:approved`, { amountCents, mpFeeCents, commissionCents: commission });
          const paidAt = mp.date_approved ? new Date(mp.date_approved) : now;
          await this.moneyMoved(trx, { type: 'collected', paymentId: row.id, shopId, bookingId: bookingIdOk, amountCents, sourceRef: `${ref}:collected`, occurredAt: now, paidAt }, movements);
        }
      }
      // Only money that is still there confirms a booking; a payment first seen already
      // refunded or charged back (notifications out of order) gives the held time back.
      if (evaluation.status === 'refunded' || evaluation.status === 'charged_back') {
        if (await this.bookings.releaseUnpaidInTransaction(trx, bookingIdOk, `mercadopago:${mp.status}`, now))
          announcements.push({ shopId, bookingId: bookingIdOk, type: 'payment_failed', starts: [booking!.starts_at] });
      }
      if (evaluation.status === 'approved' || evaluation.status === 'partially_refunded') {
        const outcome = await this.bookings.confirmPaidInTransaction(trx, bookingIdOk, now);
        if (outcome === 'confirmed') announcements.push({ shopId, bookingId: bookingIdOk, type: 'confirmed', starts: [booking!.starts_at] });
        if (outcome === 'slot_lost' || outcome === 'not_payable') {
          // Paid for a time that is no longer theirs: give the money back.
          const alreadyQueued = await trx.selectFrom('refunds').select('id').where('payment_id', '=', row.id).where('reason', '=', outcome).executeTakeFirst();
          const remaining = amountCents - refundedCents;
          if (!alreadyQueued && remaining > 0) {
            await this.repo.insertRefund(trx, { payment_id: row.id, booking_id: bookingIdOk, amount_cents: remaining, reason: outcome });
            await auditEvent('refund.requested', `${ref}:refund-requested:${outcome}`, { amountCents: remaining, reason: outcome });
          }
        }
      } else if (evaluation.status === 'rejected') {
        if (await this.bookings.releaseUnpaidInTransaction(trx, bookingIdOk, `mercadopago:${mp.status_detail ?? mp.status}`, now))
          announcements.push({ shopId, bookingId: bookingIdOk, type: 'payment_failed', starts: [booking!.starts_at] });
        await auditEvent('payment.rejected', `${ref}:rejected`, { statusDetail: mp.status_detail ?? null });
      }

      let refundedBefore = 0;
      const refunds = [...(mp.refunds ?? [])].sort((a, b) => String(a.date_created ?? '').localeCompare(String(b.date_created ?? '')) || Number(a.id) - Number(b.id));
      for (const refund of refunds) {
        const refundCents = amountToCentavos(refund.amount);
        const refundRef = `${ref}:refund:${refund.id}`;
        const before = refundedBefore;
        refundedBefore += refundCents;
        const recorded = await this.ledger.record(trx, {
          kind: 'refund',
          idempotencyKey: refundRef,
          occurredAt: now,
          bookingId: bookingIdOk,
          paymentRef: ref,
          description: `Devolución del turno ${bookingIdOk}`,
          // The marketplace fee goes back in proportion; MercadoPago keeps its own fee.
          postings: refundPostings({ shopId, bookingId: bookingIdOk, paymentRef: ref, refundRef, refundCents, amountCents, platformCommissionCents: commission, alreadyRefundedCents: before }),
        });
        if (recorded.created) {
          await auditEvent('payment.refunded', refundRef, { refundCents, mpRefundId: String(refund.id) });
          transitions.push({ type: 'refund_recorded', paymentId: row.id, shopId, refundCents });
          await this.moneyMoved(trx, { type: 'refunded', paymentId: row.id, shopId, bookingId: bookingIdOk, refundCents, sourceRef: refundRef, occurredAt: now }, movements);
        }
      }

      if (evaluation.status === 'charged_back' && amountCents - refundedCents > 0) {
        // The first chargeback recorded is the one that counts; the key never records twice.
        const recorded = await this.ledger.record(trx, {
          kind: 'chargeback',
          idempotencyKey: `${ref}:chargeback`,
          occurredAt: now,
          bookingId: bookingIdOk,
          paymentRef: ref,
          description: `Contracargo del turno ${bookingIdOk}`,
          postings: chargebackPostings({ shopId, bookingId: bookingIdOk, paymentRef: ref, chargebackRef: `${ref}:chargeback`, amountCents: amountCents - refundedCents }),
        });
        if (recorded.created) {
          await auditEvent('payment.charged_back', `${ref}:chargeback`, { amountCents: amountCents - refundedCents });
          // The booking stays as it is (the service was, or will be, given); the shop sees the
          // debit in its payout statement and the payment reads charged_back.
          this.log('warn', 'payment charged back', { paymentId: row.id, shopId, bookingId: bookingIdOk });
        }
      }

      if (evaluation.status === 'approved' || evaluation.status === 'partially_refunded') {
        // Approved again after a chargeback: the dispute was won and MercadoPago gave the money back.
        const chargedBack = await this.repo.chargebackCents(trx, `${ref}:chargeback`);
        if (chargedBack > 0) {
          const reversalKey = `${ref}:chargeback:reversed`;
          const recorded = await this.ledger.record(trx, {
            kind: 'chargeback_reversal',
            idempotencyKey: reversalKey,
            occurredAt: now,
            bookingId: bookingIdOk,
            paymentRef: ref,
            description: `Contracargo revertido del turno ${bookingIdOk}`,
            postings: chargebackReversalPostings({ shopId, bookingId: bookingIdOk, paymentRef: ref, chargebackRef: `${ref}:chargeback`, amountCents: chargedBack }),
          });
          if (recorded.created) await auditEvent('payment.chargeback_reversed', reversalKey, { amountCents: chargedBack });
        }
      }
    });
    await crashIfConfigured(this.config.crashAt, 'after-payment-committed');
    this.emitTransitions(transitions);
    await this.movementsCommitted(movements);
    await this.bookings.announce(announcements);
  }

  // Refunds -------------------------------------------------------------------------------

  /** In the cancellation's own transaction: owe the customer what the policy gives back. */
  async onBookingCancelled(trx: Transaction<DB>, event: AgendaEvent): Promise<void> {
    const payment = await this.repo.collectedPaymentForBooking(event.bookingId, trx);
    if (!payment) return;
    const by = (event.data?.['by'] as 'customer' | 'shop' | 'admin' | undefined) ?? 'shop';
    const amount = refundOnCancellation({
      collectedCents: payment.amount_cents,
      alreadyRefundedCents: payment.refunded_cents,
      cancelledBy: by,
      late: event.data?.['late'] === true,
    });
    if (amount <= 0) return;
    await this.repo.insertRefund(trx, { payment_id: payment.id, booking_id: event.bookingId, amount_cents: amount, reason: `cancelled_by_${by}` });
    await this.audit.append(trx, {
      eventType: 'refund.requested',
      entityType: 'payment',
      entityId: payment.id,
      actor: by,
      payload: { bookingId: event.bookingId, amountCents: amount, reason: `cancelled_by_${by}` },
      dedupeKey: `refund-requested:${event.bookingId}:cancelled`,
      occurredAt: this.clock.now(),
    });
  }

  /** Sends owed refunds to MercadoPago; the refund id is the idempotency key, so a retry never refunds twice. */
  async executePendingRefunds(limit = 20): Promise<number> {
    let done = 0;
    for (const refund of await this.repo.pendingRefunds(limit)) {
      if (!refund.mp_payment_id || !refund.shop_id) continue;
      try {
        const token = await this.sellerToken(refund.shop_id);
        const result = await this.mp.refundPayment(token, refund.mp_payment_id, centavosToAmount(refund.amount_cents), `refund:${refund.id}`);
        await this.repo.completeRefund(refund.id, { mpRefundId: String(result.id) });
        await this.syncPayment(refund.shop_id, refund.mp_payment_id);
        done++;
      } catch (error) {
        const retryable = !(error instanceof MercadoPagoError) || error.retryable;
        await this.repo.completeRefund(refund.id, { error: error instanceof Error ? error.message.slice(0, 200) : 'failed', final: !retryable || refund.attempts >= 10 });
      }
    }
    return done;
  }

  // Reconciliation ------------------------------------------------------------------------

  /**
   * Catches up whatever notifications could not do: unprocessed notifications (queue down),
   * open checkouts and pending payments (a lost notification), and owed refunds.
   */
  async reconcile(): Promise<{ notifications: number; payments: number; refunds: number }> {
    let notifications = 0;
    for (const n of await this.repo.pendingNotifications(50)) {
      try {
        await this.processNotification(n.id);
        notifications++;
      } catch {
        // Counted on the row; the next run tries again.
      }
    }
    let payments = 0;
    const now = this.clock.now();
    for (const open of await this.repo.openPayments(50, now)) {
      if (!open.shop_id || !open.booking_id) continue;
      try {
        const token = await this.sellerToken(open.shop_id);
        const found = await this.mp.searchPayments(token, { external_reference: open.booking_id });
        for (const mp of found.results) {
          await this.applyPayment(open.shop_id, mp);
          payments++;
        }
        // To the back of the line: abandoned checkouts must not starve newer ones of their turn.
        await this.repo.markReconciled(open.id, now);
      } catch (error) {
        this.log('warn', 'reconciliation could not reach MercadoPago', { paymentId: open.id, error: error instanceof Error ? error.message : 'unknown' });
      }
    }
    const refunds = await this.executePendingRefunds();
    await this.refreshExpiringTokens();
    return { notifications, payments, refunds };
  }
}

function isUuid(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
