import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import type { SecretBox } from '../../platform/crypto/secret-box.js';
import type { AfipEnvironmentName, DB } from '../../platform/db/schema.js';
import type { AuditTrail } from '../audit/service.js';
import { normalizeCuit } from '../catalog/cuit.js';
import { AfipAmbiguousError, AfipFaultError, AfipUnavailableError, WsfeError, WSFE_CODE, type AfipMessage, type FeCaeSolicitarRequest, type FeComprobante, type WsfeAuth } from './afip/index.js';
import type { AfipGateway, ShopCredentials } from './afip-gateway.js';
import { addDays, afipDate, afipDateToIso, formatAfipDate, ISSUE_WINDOW_DAYS, startOfAfipDay } from './dates.js';
import { storedReceiver } from './fiscal.js';
import type { FiscalSettingsRow, InvoiceContext, InvoiceRow, InvoicingRepository, SequenceKey } from './repository.js';
import { isCreditNote, type Checked, type InvoiceDocument, type Issuer, type VoucherType } from './types.js';
import { authorisedDocument, draftCreditNote, draftInvoice, formatVoucherNumber, type InvoiceDraft } from './vouchers.js';

export const privateKeyContext = (shopId: string) => `shop_fiscal_settings.private_key:${shopId}`;

export interface IssueReport {
  sequences: number;
  authorized: number;
  rejected: number;
  /** Attempts that stopped a sequence (AFIP unreachable, outcome unknown …). */
  failed: number;
}

export type IssuerLog = (level: 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>) => void;

export interface InvoiceIssuerOptions {
  db: Kysely<DB>;
  repo: InvoicingRepository;
  /** Absent when the server has no AFIP endpoints: vouchers are then recorded and wait. */
  gateway: AfipGateway | undefined;
  /** Which AFIP the gateway talks to; a shop's settings must be for the same one. */
  environment: AfipEnvironmentName | undefined;
  box: SecretBox;
  audit: AuditTrail;
  clock: Clock;
  /** PGlite: one connection, one process. The sequence is then serialised in memory only. */
  singleConnection: boolean;
  log: IssuerLog;
}

type Executor = Kysely<DB> | Transaction<DB>;
type Step = 'next' | 'stop';

/** One step's context. `seq` reads and writes the sequence row: the locking transaction itself, since any other connection would wait on that lock. */
interface Run {
  key: SequenceKey;
  seq: Executor;
  report: IssueReport;
  retries: { token: number; notNext: number };
}

/** Vouchers one run takes from one sequence before moving on (bounds a run, not correctness). */
const MAX_STEPS_PER_SEQUENCE = 1_000;
/** AFIP errors that say "try later", not "this voucher is wrong". */
const TRANSIENT_CODES: ReadonlySet<number> = new Set([WSFE_CODE.INTERNAL_DB_ERROR, 502]);

export function retryDelayMs(failures: number): number {
  return Math.min(5_000 * 2 ** Math.max(0, failures), 5 * 60_000);
}

/**
 * Issues pending vouchers, sequence by sequence (CUIT, point of sale, voucher type), oldest
 * first, keeping numbers consecutive with no gaps or duplicates across instances and crashes:
 *
 * - Each step holds the sequence's invoice_sequences row FOR UPDATE, so one issuer at a time
 *   numbers it, whatever the number of instances.
 * - The number (FECompUltimoAutorizado + 1) and status 'issuing' are committed before
 *   FECAESolicitar is sent. A voucher found 'issuing' is therefore resolved by asking AFIP
 *   (FECompConsultar) before anything else: authorized there → authorized here; not there and
 *   still next → sent again under the same number; never a second number for one voucher.
 * - AFIP unreachable → the voucher goes back to pending and the sequence waits (backoff), so
 *   later vouchers never overtake it; outcome unknown → it stays 'issuing' for the next run.
 * - Rejected (Resultado R) → stored with AFIP's errors and observations, no number, and the
 *   sequence moves on.
 */
export class InvoiceIssuer {
  private running: Promise<IssueReport> | undefined;
  private rerun = false;
  private readonly localLocks = new Map<string, Promise<unknown>>();

  constructor(private readonly o: InvoiceIssuerOptions) {}

  get configured(): boolean {
    return this.o.gateway !== undefined;
  }

  /** One run at a time per process; a call during a run makes that run go round once more. */
  issuePending(): Promise<IssueReport> {
    if (this.running) {
      this.rerun = true;
      return this.running;
    }
    this.running = (async () => {
      const total: IssueReport = { sequences: 0, authorized: 0, rejected: 0, failed: 0 };
      do {
        this.rerun = false;
        const report = await this.runOnce();
        total.sequences += report.sequences;
        total.authorized += report.authorized;
        total.rejected += report.rejected;
        total.failed += report.failed;
      } while (this.rerun);
      return total;
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async runOnce(): Promise<IssueReport> {
    const report: IssueReport = { sequences: 0, authorized: 0, rejected: 0, failed: 0 };
    if (!this.o.gateway) return report;
    await this.o.repo.assignPointsOfSale();
    for (const key of await this.o.repo.openSequences()) {
      report.sequences++;
      await this.o.repo.ensureSequence(key);
      const retries = { token: 0, notNext: 0 };
      for (let i = 0; i < MAX_STEPS_PER_SEQUENCE; i++) {
        const step = await this.withSequenceLock(key, (seq) => this.step({ key, seq, report, retries }));
        if (step === 'stop') break;
      }
    }
    return report;
  }

  private async withSequenceLock<T>(key: SequenceKey, fn: (seq: Executor) => Promise<T>): Promise<T> {
    const name = `${key.cuit}/${key.pointOfSale}/${key.cbteTipo}`;
    const previous = this.localLocks.get(name) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() =>
      this.o.singleConnection
        ? fn(this.o.db)
        : // The lock lives in this transaction; the step's own statements autocommit on other connections.
          this.o.db.transaction().execute(async (trx) => {
            await this.o.repo.lockSequence(trx, key);
            return fn(trx);
          }),
    );
    this.localLocks.set(name, run);
    try {
      return await run;
    } finally {
      if (this.localLocks.get(name) === run) this.localLocks.delete(name);
    }
  }

  private async step(run: Run): Promise<Step> {
    const { repo } = this.o;
    const { key, retries } = run;
    const now = this.o.clock.now();
    const sequence = await repo.readSequence(key, run.seq);
    if (sequence.retry_at && sequence.retry_at.getTime() > now.getTime()) return 'stop';
    const head = await repo.head(key, now);
    if (!head) return 'stop';

    const settings = await repo.settings(head.shop_id);
    if (!settings?.enabled) {
      await repo.noteWaiting(head.id, 'La barbería no tiene activa su configuración fiscal (punto de venta y certificado de AFIP).');
      return 'stop';
    }
    if (this.o.environment && settings.environment !== this.o.environment) {
      await repo.noteWaiting(head.id, `La configuración fiscal es para ${environmentLabel(settings.environment)} y este servidor factura en ${environmentLabel(this.o.environment)}.`);
      return 'stop';
    }
    const credentials: ShopCredentials = {
      certPem: settings.certificate_pem,
      keyPem: this.o.box.decrypt(settings.private_key_sealed, privateKeyContext(settings.shop_id)),
      cuit: key.cuit,
    };
    try {
      const auth = await this.o.gateway!.auth(credentials);
      return head.status === 'issuing'
        ? await this.resolveIssuing(run, head, settings, auth)
        : await this.issueNew(run, head, settings, auth);
    } catch (error) {
      if (error instanceof WsfeError && error.has(WSFE_CODE.TOKEN_INVALID) && retries.token < 2) {
        retries.token++;
        await this.o.gateway!.invalidate(credentials.certPem);
        return 'next';
      }
      await this.backOff(run, sequence.failures, head.id, error);
      return 'stop';
    }
  }

  /** A new voucher: the next number, the intent committed, then FECAESolicitar. */
  private async issueNew(run: Run, head: InvoiceRow, settings: FiscalSettingsRow, auth: WsfeAuth): Promise<Step> {
    const { key } = run;
    const now = this.o.clock.now();
    const draft = await this.draft(head, settings, now);
    if (!draft.ok) return this.draftRefused(head, draft, now, run.report);
    if (draft.value.cbteTipo !== head.cbte_tipo) {
      // The shop's tax condition changed since the payment: the voucher belongs to another sequence.
      await this.o.repo.reclassify(head.id, head.revision, draft.value.cbteTipo);
      return 'next';
    }
    const last = await this.o.gateway!.wsfe.feCompUltimoAutorizado(auth, key.pointOfSale, key.cbteTipo);
    const number = last + 1;
    if (!(await this.claim(head, number, draft.value))) return 'next';
    return this.send(run, { ...head, status: 'issuing', number }, draft.value, number, auth);
  }

  /** A voucher an earlier attempt numbered and may have sent: find out before anything else. */
  private async resolveIssuing(run: Run, head: InvoiceRow, settings: FiscalSettingsRow, auth: WsfeAuth): Promise<Step> {
    const { key } = run;
    const { wsfe } = this.o.gateway!;
    const number = head.number!;
    const sent = head.document as InvoiceDraft | null;
    const found = await wsfe.feCompConsultar(auth, key.cbteTipo, key.pointOfSale, number);
    if (found) {
      if (sent && matches(found, sent)) {
        await this.authorize(run, head, sent, number, { cae: found.codAutorizacion ?? '', caeExpiresOn: found.fchVto ?? '', observations: found.observaciones });
        run.report.authorized++;
        this.o.log('info', 'invoice authorized (found at AFIP after an unknown outcome)', { invoiceId: head.id, cbteTipo: key.cbteTipo, number });
        return 'next';
      }
      // Another voucher holds the number (e.g. issued outside BarberPro): ours was not authorized.
      this.o.log('warn', 'AFIP holds a different voucher under the number an invoice claimed; renumbering', { invoiceId: head.id, cbteTipo: key.cbteTipo, number });
      await this.o.repo.releaseNumber(head.id, `AFIP tiene otro comprobante con el número ${number}; se emite con el siguiente.`);
      return 'next';
    }
    const last = await wsfe.feCompUltimoAutorizado(auth, key.pointOfSale, key.cbteTipo);
    if (last !== number - 1) {
      await this.o.repo.releaseNumber(head.id, `AFIP no registra el comprobante ${number} y ese número ya no es el siguiente; se vuelve a numerar.`);
      return 'next';
    }
    // Never authorized, and still the next number: send it again under that same number.
    const now = this.o.clock.now();
    const draft = await this.draft({ ...head, status: 'pending' }, settings, now);
    if (!draft.ok || draft.value.cbteTipo !== head.cbte_tipo) {
      await this.o.repo.releaseNumber(head.id, draft.ok ? 'Cambió el tipo de comprobante.' : draft.reason);
      return 'next';
    }
    if (!(await this.claim(head, number, draft.value))) return 'next';
    return this.send(run, head, draft.value, number, auth);
  }

  private async claim(head: InvoiceRow, number: number, draft: InvoiceDraft): Promise<boolean> {
    const f = draft.figures;
    try {
      return await this.o.repo.claimNumber(head.id, head.revision, {
        number,
        issueDate: afipDateToIso(draft.issueDate),
        document: draft,
        netCents: f.netCents,
        ivaCents: f.ivaCents,
        ivaRateId: f.iva[0]?.id ?? null,
      });
    } catch (error) {
      if ((error as { code?: string }).code === '23505')
        // Our own table already has this number: AFIP's count is behind ours (e.g. a reset sandbox). Never reuse it.
        throw new Error(`AFIP's last number is behind the numbers already recorded here (${number} is taken); numbering stopped for this sequence`, { cause: error });
      throw error;
    }
  }

  private async send(run: Run, head: InvoiceRow, draft: InvoiceDraft, number: number, auth: WsfeAuth): Promise<Step> {
    const { key, report, retries } = run;
    const sequence = await this.o.repo.readSequence(key, run.seq);
    let result;
    try {
      result = await this.o.gateway!.wsfe.feCAESolicitar(auth, caeRequest(draft, number));
    } catch (error) {
      report.failed++;
      const retryAt = new Date(this.o.clock.now().getTime() + retryDelayMs(sequence.failures));
      const message = describe(error);
      if (error instanceof AfipUnavailableError || error instanceof AfipFaultError) {
        // Nothing was authorized: the number is free again, and later vouchers wait behind this one.
        await this.o.repo.releaseNumber(head.id, message);
      } else {
        // Sent, outcome unknown: keep the number; the next attempt consults AFIP first.
        await this.o.repo.noteIssuingFailure(head.id, message);
        this.o.log('warn', 'FECAESolicitar outcome unknown; will consult AFIP before retrying', { invoiceId: head.id, cbteTipo: key.cbteTipo, number });
      }
      await this.o.repo.sequenceFailed(key, retryAt, message, run.seq);
      return 'stop';
    }
    const detail = result.details[0];
    if (result.resultado === 'A' && detail?.resultado === 'A' && detail.cae && detail.caeFchVto) {
      await this.authorize(run, head, draft, number, { cae: detail.cae, caeExpiresOn: detail.caeFchVto, observations: detail.observaciones });
      report.authorized++;
      return 'next';
    }
    const observations = detail?.observaciones ?? [];
    const codes = [...result.errors, ...observations].map((m) => m.code);
    if (codes.includes(WSFE_CODE.TOKEN_INVALID) && retries.token < 2) {
      retries.token++;
      await this.o.repo.releaseNumber(head.id, 'AFIP rechazó el ticket de acceso; se renueva.');
      throw new WsfeError({ operation: 'FECAESolicitar', url: this.o.gateway!.wsfe.url, errors: result.errors, events: result.events });
    }
    if (codes.some((c) => TRANSIENT_CODES.has(c))) {
      report.failed++;
      const message = `AFIP no pudo procesar el comprobante (${summary(result.errors, observations)}); se reintentará.`;
      await this.o.repo.releaseNumber(head.id, message);
      await this.o.repo.sequenceFailed(key, new Date(this.o.clock.now().getTime() + retryDelayMs(sequence.failures)), message, run.seq);
      return 'stop';
    }
    if (codes.includes(WSFE_CODE.NOT_NEXT_NUMBER) && codes.length === 1 && retries.notNext < 2) {
      // Someone else took the number between our query and the request: number it again.
      retries.notNext++;
      await this.o.repo.releaseNumber(head.id, 'El número ya no era el siguiente en AFIP; se vuelve a numerar.');
      return 'next';
    }
    const reason = `AFIP rechazó el comprobante: ${summary(result.errors, observations)}`;
    await this.reject(head, { errors: result.errors, observations, reason });
    report.rejected++;
    this.o.log('warn', 'invoice rejected by AFIP', { invoiceId: head.id, cbteTipo: key.cbteTipo, codes });
    return 'next';
  }

  private async authorize(run: Run, head: InvoiceRow, draft: InvoiceDraft, number: number, outcome: { cae: string; caeExpiresOn: string; observations: AfipMessage[] }): Promise<void> {
    const doc = authorisedDocument(draft, { number, cae: outcome.cae, caeExpiresOn: outcome.caeExpiresOn });
    const at = this.o.clock.now();
    await this.o.db.transaction().execute(async (trx) => {
      await this.o.repo.markAuthorized(trx, head.id, { cae: outcome.cae, caeExpiresOn: afipDateToIso(outcome.caeExpiresOn), document: doc, observations: outcome.observations, at });
      await this.o.audit.append(trx, {
        eventType: head.kind === 'invoice' ? 'invoice.authorized' : 'credit_note.authorized',
        entityType: 'invoice',
        entityId: head.id,
        actor: 'afip',
        payload: {
          shopId: head.shop_id,
          bookingId: head.booking_id,
          paymentId: head.payment_id,
          associatedInvoiceId: head.associated_invoice_id,
          cbteTipo: doc.cbteTipo,
          pointOfSale: doc.pointOfSale,
          number: doc.number,
          issueDate: doc.issueDate,
          totalCents: doc.figures.totalCents,
          netCents: doc.figures.netCents,
          ivaCents: doc.figures.ivaCents,
          cae: doc.cae.number,
        },
        dedupeKey: `invoice:${head.id}:authorized`,
        occurredAt: at,
      });
    });
    await this.o.repo.sequenceSucceeded(run.key, run.seq);
  }

  private async reject(head: InvoiceRow, outcome: { errors: AfipMessage[] | null; observations: AfipMessage[] | null; reason: string }): Promise<void> {
    await this.o.db.transaction().execute(async (trx) => {
      await this.o.repo.markRejected(trx, head.id, outcome);
      await this.o.audit.append(trx, {
        eventType: head.kind === 'invoice' ? 'invoice.rejected' : 'credit_note.rejected',
        entityType: 'invoice',
        entityId: head.id,
        actor: outcome.errors || outcome.observations ? 'afip' : 'system',
        payload: {
          shopId: head.shop_id,
          bookingId: head.booking_id,
          cbteTipo: head.cbte_tipo,
          totalCents: head.total_cents,
          codes: [...(outcome.errors ?? []), ...(outcome.observations ?? [])].map((m) => m.code),
          reason: outcome.reason,
        },
        dedupeKey: `invoice:${head.id}:rejected:r${head.revision}:a${head.attempts}`,
        occurredAt: this.o.clock.now(),
      });
    });
  }

  private async draftRefused(head: InvoiceRow, refusal: { code: string; reason: string }, now: Date, report: IssueReport): Promise<Step> {
    if (refusal.code === 'issue_date_out_of_window') {
      const ctx = await this.o.repo.context(head.id);
      const serviceDay = ctx?.starts_at ? afipDate(ctx.starts_at) : null;
      if (serviceDay && serviceDay > afipDate(now)) {
        // Paid well ahead of the visit: invoiced once the service day is within AFIP's window.
        const from = addDays(serviceDay, -ISSUE_WINDOW_DAYS);
        await this.o.repo.defer(head.id, startOfAfipDay(from), `Se factura desde el ${formatAfipDate(from)}, dentro de los ${ISSUE_WINDOW_DAYS} días del turno.`);
        return 'next';
      }
    }
    await this.reject(head, { errors: null, observations: null, reason: refusal.reason });
    report.rejected++;
    return 'next';
  }

  private async backOff(run: Run, failures: number, invoiceId: string, error: unknown): Promise<void> {
    const { key } = run;
    run.report.failed++;
    const message = describe(error);
    const retryAt = new Date(this.o.clock.now().getTime() + retryDelayMs(failures));
    await this.o.repo.sequenceFailed(key, retryAt, message, run.seq);
    await this.o.repo.noteIssuingFailure(invoiceId, message);
    const level = error instanceof AfipUnavailableError || error instanceof AfipAmbiguousError ? 'warn' : 'error';
    this.o.log(level, 'invoice sequence paused', { cbteTipo: key.cbteTipo, pointOfSale: key.pointOfSale, retryAt: retryAt.toISOString(), error: error instanceof Error ? error.name : 'unknown' });
  }

  /** The voucher as it would be sent now (dates from the clock). */
  private async draft(head: InvoiceRow, settings: FiscalSettingsRow, now: Date): Promise<Checked<InvoiceDraft>> {
    const ctx = await this.o.repo.context(head.id);
    if (!ctx) throw new Error(`invoice ${head.id} lost its shop`);
    const pointOfSale = head.point_of_sale ?? settings.point_of_sale;
    if (head.kind === 'credit_note') {
      const invoice = head.associated_invoice_id ? await this.o.repo.findInvoice(head.associated_invoice_id) : undefined;
      if (!invoice || invoice.status !== 'authorized' || !invoice.document) return { ok: false, code: 'invoice_not_authorized', reason: 'La factura asociada todavía no fue autorizada.' };
      const previous = (await this.o.repo.authorizedCreditNotes(invoice.id)).map((r) => (r.document as InvoiceDocument).figures);
      return draftCreditNote(invoice.document as InvoiceDocument, { refundCents: head.total_cents, previousCreditNotes: previous, issuedAt: now, pointOfSale });
    }
    return draftInvoice({
      issuer: issuerOf(ctx, settings),
      receiver: storedReceiver(head.receiver),
      lines: [{ description: lineDescription(ctx, head.total_cents), quantity: 1, unitPriceCents: head.total_cents }],
      pointOfSale,
      serviceAt: ctx.starts_at ?? now,
      issuedAt: now,
      paidAt: ctx.paid_at,
      saleCondition: 'Mercado Pago',
    });
  }
}

export function issuerOf(ctx: Pick<InvoiceContext, 'tax_condition' | 'shop_cuit' | 'shop_address'>, settings: FiscalSettingsRow): Issuer {
  return {
    taxCondition: ctx.tax_condition,
    cuit: ctx.shop_cuit,
    businessName: settings.business_name,
    address: ctx.shop_address,
    grossIncomeRegistration: settings.gross_income_registration,
    activityStartDate: settings.activity_start_date.replace(/-/g, ''),
  };
}

function lineDescription(ctx: InvoiceContext, totalCents: number): string {
  const service = ctx.service_name ?? 'Servicio de barbería';
  const what = ctx.price_cents !== null && totalCents < ctx.price_cents ? `Seña: ${service}` : service;
  return ctx.starts_at ? `${what} (turno del ${formatAfipDate(afipDate(ctx.starts_at))})` : what;
}

/** FECAESolicitar for one voucher: Concepto 2 (services), CondicionIVAReceptorId always. */
export function caeRequest(draft: InvoiceDraft, number: number): FeCaeSolicitarRequest {
  const f = draft.figures;
  const v = draft.voucher;
  return {
    ptoVta: draft.pointOfSale,
    cbteTipo: draft.cbteTipo,
    details: [
      {
        concepto: 2,
        docTipo: v.docTipo,
        docNro: v.docNro,
        cbteDesde: number,
        cbteHasta: number,
        cbteFch: draft.issueDate,
        impTotal: f.totalCents,
        impTotConc: f.untaxedCents,
        impNeto: f.netCents,
        impOpEx: f.exemptCents,
        impTrib: f.otherTaxesCents,
        impIva: f.ivaCents,
        fchServDesde: draft.servicePeriod.from,
        fchServHasta: draft.servicePeriod.to,
        fchVtoPago: draft.paymentDueDate,
        monId: 'PES',
        condicionIvaReceptorId: v.condicionIvaReceptorId,
        ...(f.iva.length ? { iva: f.iva.map((a) => ({ id: a.id, baseImp: a.baseCents, importe: a.amountCents })) } : {}),
        ...(draft.associated
          ? {
              cbtesAsoc: [
                {
                  tipo: draft.associated.cbteTipo,
                  ptoVta: draft.associated.pointOfSale,
                  nro: draft.associated.number,
                  cuit: normalizeCuit(draft.issuer.cuit),
                  cbteFch: draft.associated.issueDate,
                },
              ],
            }
          : {}),
      },
    ],
  };
}

/** Whether AFIP's voucher under our number is the one we sent. */
export function matches(found: FeComprobante, sent: InvoiceDraft): boolean {
  const f = sent.figures;
  return (
    found.cbteTipo === sent.cbteTipo &&
    found.ptoVta === sent.pointOfSale &&
    found.cbteFch === sent.issueDate &&
    found.docTipo === sent.voucher.docTipo &&
    found.docNro === String(sent.voucher.docNro) &&
    found.impTotal === f.totalCents &&
    found.impNeto === f.netCents &&
    found.impIva === f.ivaCents
  );
}

function summary(errors: AfipMessage[], observations: AfipMessage[]): string {
  const all = [...errors, ...observations];
  return all.length ? all.map((m) => `${m.code} ${m.msg}`).join('; ') : 'sin detalle';
}

/** What the provider reads as the reason a voucher is waiting (never credentials). */
function describe(error: unknown): string {
  if (error instanceof AfipUnavailableError) return 'AFIP no responde; el comprobante queda pendiente y se reintentará.';
  if (error instanceof AfipAmbiguousError) return 'AFIP no confirmó la respuesta; antes de reintentar se consulta si el comprobante quedó autorizado.';
  if (error instanceof AfipFaultError) return `AFIP respondió con un error (${error.faultCode}); se reintentará.`;
  if (error instanceof WsfeError) return `AFIP respondió con un error (${error.errors.map((e) => e.code).join(', ')}); se reintentará.`;
  if (error instanceof Error && error.name === 'WsaaAlreadyAuthenticatedError') return 'AFIP indica que el certificado ya tiene un ticket vigente en otro sistema; se reintentará.';
  return 'Error interno al emitir el comprobante; se reintentará.';
}

function environmentLabel(env: AfipEnvironmentName): string {
  return env === 'production' ? 'producción' : env === 'homologation' ? 'homologación' : 'el sandbox';
}

export function voucherName(type: VoucherType): string {
  const cls = { 1: 'A', 3: 'A', 6: 'B', 8: 'B', 11: 'C', 13: 'C' }[type];
  return `${isCreditNote(type) ? 'Nota de crédito' : 'Factura'} ${cls}`;
}

export { formatVoucherNumber };
