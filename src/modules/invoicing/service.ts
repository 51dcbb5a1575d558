import type { Transaction } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import type { SecretBox } from '../../platform/crypto/secret-box.js';
import type { AfipEnvironmentName, DB, InvoiceStatus } from '../../platform/db/schema.js';
import type { Principal } from '../../platform/http/access.js';
import { problems, ProblemError } from '../../platform/http/problem.js';
import type { JobQueue } from '../../platform/queue/queue.js';
import type { ShopAccess } from '../catalog/shop-access.js';
import type { MoneyMovement, MoneyMovementListener } from '../payments/service.js';
import { afipDateToIso } from './dates.js';
import { invoiceFigures } from './figures.js';
import { checkCredentials, readCertificate, receiverFromBilling, storedReceiver, type BillingInput, type CertificateInfo } from './fiscal.js';
import { privateKeyContext, voucherName, type InvoiceIssuer, type IssueReport } from './issuer.js';
import { renderInvoicePdf } from './pdf.js';
import { qrUrl } from './qr.js';
import type { FiscalSettingsRow, InvoiceRow, InvoicingRepository } from './repository.js';
import { creditNoteTypeFor, voucherClassOf, type InvoiceDocument, type InvoiceType, type Receiver, type VoucherType } from './types.js';
import { chooseVoucher, formatVoucherNumber } from './vouchers.js';

export const ISSUE_JOB = 'invoices.issue';

export type InvoicingLog = (level: 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>) => void;

interface AfipMessageDto {
  code: number;
  message: string;
}

export interface InvoiceDto {
  id: string;
  kind: 'invoice' | 'credit_note';
  status: InvoiceStatus;
  shopId: string;
  bookingId: string | null;
  associatedInvoiceId: string | null;
  voucher: { type: number; class: 'A' | 'B' | 'C'; name: string };
  pointOfSale: number | null;
  number: number | null;
  formattedNumber: string | null;
  issueDate: string | null;
  total: { amountCents: number; currency: 'ARS' };
  net: { amountCents: number; currency: 'ARS' };
  iva: { amountCents: number; currency: 'ARS' };
  receiver: { kind: 'consumidor_final' | 'dni' | 'cuil' | 'cuit'; name: string | null; document: string | null; ivaCondition: string | null };
  cae: string | null;
  caeExpiresOn: string | null;
  qrUrl: string | null;
  pdfUrl: string | null;
  /** Why it is waiting (pending, issuing). */
  pendingReason: string | null;
  rejection: { reason: string; errors: AfipMessageDto[]; observations: AfipMessageDto[] } | null;
  createdAt: string;
  authorizedAt: string | null;
}

export interface FiscalSettingsDto {
  shopId: string;
  pointOfSale: number;
  businessName: string;
  grossIncomeRegistration: string;
  activityStartDate: string;
  environment: AfipEnvironmentName;
  enabled: boolean;
  certificate: { subject: string; cuit: string | null; notBefore: string; notAfter: string; fingerprint256: string } | null;
  /** The key itself is never returned. */
  hasPrivateKey: boolean;
  updatedAt: string;
}

export interface FiscalSettingsInput {
  pointOfSale: number;
  businessName: string;
  grossIncomeRegistration: string;
  activityStartDate: string;
  certificatePem: string;
  privateKeyPem?: string | undefined;
  environment: AfipEnvironmentName;
  enabled: boolean;
}

const money = (amountCents: number) => ({ amountCents, currency: 'ARS' as const });

function messages(value: unknown): AfipMessageDto[] {
  if (!Array.isArray(value)) return [];
  return value.map((m: { code?: unknown; msg?: unknown }) => ({ code: Number(m.code ?? 0), message: String(m.msg ?? '') }));
}

function receiverDto(r: Receiver): InvoiceDto['receiver'] {
  switch (r.kind) {
    case 'anonymous':
      return { kind: 'consumidor_final', name: null, document: null, ivaCondition: 'consumidor_final' };
    case 'dni':
      return { kind: 'dni', name: r.name, document: r.dni, ivaCondition: 'consumidor_final' };
    case 'cuil':
      return { kind: 'cuil', name: r.name, document: r.cuil, ivaCondition: 'consumidor_final' };
    case 'cuit':
      return { kind: 'cuit', name: r.name, document: r.cuit, ivaCondition: r.ivaCondition };
  }
}

/**
 * Invoices and credit notes: recorded in the payment's own transaction (an invoice per
 * collection, a credit note per refund), issued by the outbox job (issuer.ts), shown to the
 * customer and the shop, and the shop's fiscal settings. Who sees what: the booking's customer,
 * the shop's members and admins see a voucher; only owners and admins manage settings, list
 * the shop's vouchers and retry rejected ones.
 */
export class InvoicingService {
  constructor(
    private readonly repo: InvoicingRepository,
    private readonly issuer: InvoiceIssuer,
    private readonly access: ShopAccess,
    private readonly box: SecretBox,
    private readonly queue: JobQueue,
    private readonly clock: Clock,
    /** The AFIP this server issues against; undefined when it issues nothing. */
    private readonly environment: AfipEnvironmentName | undefined,
    private readonly log: InvoicingLog = () => undefined,
  ) {}

  issuePending(): Promise<IssueReport> {
    return this.issuer.issuePending();
  }

  /** Asks for an issuing run soon; the periodic run catches up if the queue is down. */
  async kick(): Promise<void> {
    await this.queue.enqueue(ISSUE_JOB, {}).catch(() => undefined);
  }

  /** Plugged into payments: the voucher rows commit with the money movement they document. */
  readonly moneyMovementListener: MoneyMovementListener = {
    inTransaction: (trx, event) => this.recordMovement(trx, event),
    committed: () => this.kick(),
  };

  async recordMovement(trx: Transaction<DB>, event: MoneyMovement): Promise<void> {
    if (event.type === 'collected') {
      const info = await this.repo.shopForBooking(trx, event.bookingId);
      if (!info) return;
      const receiver = storedReceiver(info.receiver ?? { kind: 'anonymous' });
      const choice = chooseVoucher({ taxCondition: info.tax_condition }, receiver, event.amountCents);
      const cbteTipo: InvoiceType = choice.ok ? choice.value.cbteTipo : info.tax_condition === 'responsable_inscripto' ? 6 : 11;
      const figures = invoiceFigures({ voucherType: cbteTipo, totalCents: event.amountCents });
      await this.repo.insertInvoice(trx, {
        shop_id: info.shop_id,
        booking_id: event.bookingId,
        payment_id: event.paymentId,
        kind: 'invoice',
        source_ref: event.sourceRef,
        associated_invoice_id: null,
        cbte_tipo: cbteTipo,
        point_of_sale: info.enabled ? info.point_of_sale : null,
        cuit: info.cuit,
        total_cents: event.amountCents,
        net_cents: figures.netCents,
        iva_cents: figures.ivaCents,
        iva_rate_id: figures.iva[0]?.id ?? null,
        receiver,
        ...(choice.ok ? {} : { status: 'rejected' as const, last_error: choice.reason }),
      });
      return;
    }
    const invoice = await this.repo.invoiceOfPayment(trx, event.paymentId);
    if (!invoice) {
      // A payment collected before invoicing existed: nothing to credit.
      this.log('warn', 'refund without an invoice to credit', { paymentId: event.paymentId });
      return;
    }
    await this.repo.insertInvoice(trx, {
      shop_id: invoice.shop_id,
      booking_id: event.bookingId,
      payment_id: event.paymentId,
      kind: 'credit_note',
      source_ref: event.sourceRef,
      associated_invoice_id: invoice.id,
      cbte_tipo: creditNoteTypeFor(invoice.cbte_tipo as InvoiceType),
      point_of_sale: invoice.point_of_sale,
      cuit: invoice.cuit,
      total_cents: event.refundCents,
      net_cents: 0,
      iva_cents: 0,
      iva_rate_id: invoice.iva_rate_id,
      receiver: invoice.receiver,
    });
  }

  // Reading ---------------------------------------------------------------------------------

  private async canSee(principal: Principal, invoice: { shop_id: string; customer_id: string | null }): Promise<boolean> {
    if (principal.role === 'admin') return true;
    if (principal.role === 'customer') return invoice.customer_id === principal.userId;
    return (await this.access.roleIn(principal, invoice.shop_id)) !== undefined;
  }

  private async visible(principal: Principal, id: string) {
    const row = await this.repo.findView(id);
    if (!row || !(await this.canSee(principal, row))) throw problems.notFound('La factura');
    return row;
  }

  async get(principal: Principal, id: string): Promise<InvoiceDto> {
    return this.toDto(await this.visible(principal, id));
  }

  async pdf(principal: Principal, id: string): Promise<{ body: Buffer; filename: string }> {
    const row = await this.visible(principal, id);
    if (row.status !== 'authorized' || !row.document)
      throw problems.conflict('invoice_not_authorized', 'La factura todavía no tiene CAE de AFIP; el PDF estará disponible cuando se autorice.');
    const doc = row.document as InvoiceDocument;
    const prefix = row.kind === 'invoice' ? 'factura' : 'nota-de-credito';
    return { body: await renderInvoicePdf(doc), filename: `${prefix}-${voucherClassOf(doc.cbteTipo).toLowerCase()}-${formatVoucherNumber(doc.pointOfSale, doc.number)}.pdf` };
  }

  async forBooking(principal: Principal, bookingId: string): Promise<InvoiceDto[]> {
    const booking = await this.repo.bookingOwner(bookingId);
    if (!booking || !(await this.canSee(principal, { shop_id: booking.shop_id, customer_id: booking.customer_id }))) throw problems.notFound('El turno');
    return (await this.repo.forBooking(bookingId)).map((r) => this.toDto(r));
  }

  async forShop(principal: Principal, shopId: string, query: { status?: InvoiceStatus | undefined; page: number; pageSize: number }) {
    await this.access.assertCanManage(principal, shopId);
    const [rows, total] = await Promise.all([
      this.repo.forShop(shopId, query.status, query.pageSize, (query.page - 1) * query.pageSize),
      this.repo.countForShop(shopId, query.status),
    ]);
    return { items: rows.map((r) => this.toDto(r)), page: query.page, pageSize: query.pageSize, total };
  }

  /** A rejected voucher goes back to the queue once the provider fixed what AFIP objected to. */
  async retry(principal: Principal, id: string): Promise<InvoiceDto> {
    const row = await this.repo.findView(id);
    if (!row || !(await this.canSee(principal, row))) throw problems.notFound('La factura');
    await this.access.assertCanManage(principal, row.shop_id);
    if (!(await this.repo.retry(id))) throw problems.conflict('invoice_not_rejected', 'Solo se puede reintentar un comprobante rechazado.');
    await this.kick();
    return this.toDto((await this.repo.findView(id))!);
  }

  toDto(row: InvoiceRow): InvoiceDto {
    const type = row.cbte_tipo as VoucherType;
    const doc = row.status === 'authorized' ? (row.document as InvoiceDocument | null) : null;
    return {
      id: row.id,
      kind: row.kind,
      status: row.status,
      shopId: row.shop_id,
      bookingId: row.booking_id,
      associatedInvoiceId: row.associated_invoice_id,
      voucher: { type, class: voucherClassOf(type), name: voucherName(type) },
      pointOfSale: row.point_of_sale,
      number: row.number,
      formattedNumber: row.number !== null && row.point_of_sale !== null ? formatVoucherNumber(row.point_of_sale, row.number) : null,
      issueDate: row.issue_date,
      total: money(row.total_cents),
      net: money(row.net_cents),
      iva: money(row.iva_cents),
      receiver: receiverDto(storedReceiver(row.receiver)),
      cae: row.cae,
      caeExpiresOn: row.cae_expires_on,
      qrUrl: doc ? qrUrl(doc) : null,
      pdfUrl: doc ? `/api/v1/invoices/${row.id}/pdf` : null,
      pendingReason: row.status === 'pending' || row.status === 'issuing' ? row.last_error : null,
      rejection:
        row.status === 'rejected'
          ? { reason: row.last_error ?? 'Rechazado', errors: messages(row.afip_errors), observations: messages(row.afip_observations) }
          : null,
      createdAt: row.created_at.toISOString(),
      authorizedAt: row.authorized_at?.toISOString() ?? null,
    };
  }

  // Fiscal settings -------------------------------------------------------------------------

  async getSettings(principal: Principal, shopId: string): Promise<FiscalSettingsDto> {
    await this.access.assertCanManage(principal, shopId);
    const row = await this.repo.settings(shopId);
    if (!row) throw problems.notFound('La configuración fiscal');
    return this.settingsDto(row);
  }

  /** Validates everything before writing anything; the key is sealed and never returned. */
  async putSettings(principal: Principal, shopId: string, input: FiscalSettingsInput): Promise<FiscalSettingsDto> {
    await this.access.assertCanManage(principal, shopId);
    const shop = await this.repo.shopTaxInfo(shopId);
    if (!shop) throw problems.notFound('La barbería');
    if (this.environment && input.environment !== this.environment)
      throw problems.unprocessable('afip_environment_mismatch', `Este servidor factura en el entorno "${this.environment}" de AFIP; el certificado y la configuración deben ser de ese entorno.`);
    if (input.activityStartDate > afipDateToIso(this.today())) throw problems.unprocessable('invalid_activity_start_date', 'La fecha de inicio de actividades no puede ser futura.');
    const existing = await this.repo.settings(shopId);
    let keyPem = input.privateKeyPem;
    if (!keyPem) {
      if (!existing) throw problems.unprocessable('private_key_required', 'Falta la clave privada del certificado.');
      keyPem = this.box.decrypt(existing.private_key_sealed, privateKeyContext(shopId));
    }
    const checked = checkCredentials({ certificatePem: input.certificatePem, privateKeyPem: keyPem, shopCuit: shop.cuit, now: this.clock.now() });
    if (!checked.ok) throw problems.unprocessable(checked.code, checked.reason);
    const saved = await this.repo.saveSettings({
      shop_id: shopId,
      point_of_sale: input.pointOfSale,
      business_name: input.businessName.trim(),
      gross_income_registration: input.grossIncomeRegistration.trim(),
      activity_start_date: input.activityStartDate,
      certificate_pem: input.certificatePem.trim() + '\n',
      private_key_sealed: this.box.encrypt(keyPem, privateKeyContext(shopId)),
      environment: input.environment,
      enabled: input.enabled,
    });
    this.log('info', 'fiscal settings saved', { shopId, pointOfSale: input.pointOfSale, enabled: input.enabled });
    if (input.enabled) await this.kick();
    return this.settingsDto(saved, checked.value);
  }

  private today(): string {
    const now = this.clock.now();
    return new Date(now.getTime() - 3 * 3_600_000).toISOString().slice(0, 10).replace(/-/g, '');
  }

  private settingsDto(row: FiscalSettingsRow, known?: CertificateInfo): FiscalSettingsDto {
    const info = known ?? (() => {
      const read = readCertificate(row.certificate_pem);
      return read.ok ? read.value.info : undefined;
    })();
    return {
      shopId: row.shop_id,
      pointOfSale: row.point_of_sale,
      businessName: row.business_name,
      grossIncomeRegistration: row.gross_income_registration,
      activityStartDate: row.activity_start_date,
      environment: row.environment,
      enabled: row.enabled,
      certificate: info
        ? { subject: info.subject, cuit: info.cuit ?? null, notBefore: info.notBefore.toISOString(), notAfter: info.notAfter.toISOString(), fingerprint256: info.fingerprint256 }
        : null,
      hasPrivateKey: row.private_key_sealed.length > 0,
      updatedAt: row.updated_at.toISOString(),
    };
  }

  // Billing data ----------------------------------------------------------------------------

  /** The customer's billing data for their booking's invoice (optional; before it is issued). */
  async putBilling(principal: Principal, bookingId: string, input: BillingInput): Promise<{ bookingId: string; receiver: InvoiceDto['receiver'] }> {
    const booking = await this.repo.bookingOwner(bookingId);
    if (!booking || booking.customer_id !== principal.userId) throw problems.notFound('El turno');
    const receiver = receiverFromBilling(input);
    if (!receiver.ok) throw problems.unprocessable(receiver.code, receiver.reason);
    const shop = await this.repo.shopTaxInfo(booking.shop_id);
    if (!shop) throw problems.notFound('El turno');
    const invoices = await this.repo.forBooking(bookingId);
    const invoice = invoices.find((i) => i.kind === 'invoice');
    let cbteTipo: number | null = null;
    if (invoice) {
      const choice = chooseVoucher({ taxCondition: shop.tax_condition }, receiver.value, invoice.total_cents);
      if (!choice.ok) throw problems.unprocessable(choice.code, choice.reason);
      cbteTipo = choice.value.cbteTipo;
    }
    if (!(await this.repo.saveBilling(bookingId, receiver.value, cbteTipo)))
      throw new ProblemError(409, 'invoice_already_issued', 'Conflicto', 'La factura de este turno ya se está emitiendo o ya fue emitida; los datos de facturación no se pueden cambiar.');
    if (invoice) await this.kick();
    return { bookingId, receiver: receiverDto(receiver.value) };
  }
}
