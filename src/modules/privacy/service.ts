import { randomBytes } from 'node:crypto';
import type { Transaction } from 'kysely';
import { DateTime } from 'luxon';
import type { Clock } from '../../platform/clock.js';
import type { DB, PrivacyRequestKind, PrivacyRequestStatus } from '../../platform/db/schema.js';
import type { Principal } from '../../platform/http/access.js';
import { ProblemError, problems } from '../../platform/http/problem.js';
import { money } from '../../platform/http/schemas.js';
import type { AccountsRepository, ProfileChange } from '../accounts/repository.js';
import type { AccountConsents, PendingConsent } from '../accounts/service.js';
import { AR_ZONE, HolidayTableExhausted, deadlineState, dueDate } from './deadlines.js';
import { AR_HOLIDAY_YEARS, businessDayHolidays, type HolidayCalendar } from './holidays-ar.js';
import { LEGAL_NOTICE_25326, PRIVACY_NOTICES, TERMS, currentLegalDocuments, signUpConsents, type LegalDocument } from './legal-texts.js';
import type { PersonalDetails, PrivacyRepository, PrivacyRequestRow, RequestFilter } from './repository.js';
import type { AdminPrivacyRequestDto, ConsentsDto, DataExport, PrivacyRequestDto, PrivacySummary, PublicRequestInput, RectificationInput } from './schemas.js';

export type PrivacyLog = (level: 'info' | 'warn', message: string, data?: Record<string, unknown>) => void;

/** What the privacy module reads through other modules, so their storage stays theirs. */
export interface PrivacyCollaborators {
  accounts: AccountsRepository;
  passwordMatches(userId: string, password: string): Promise<boolean>;
  /** Cancels a booking as its customer would, under the shop's normal policy. */
  cancelBooking(principal: Principal, bookingId: string, reason: string): Promise<unknown>;
  notificationPreferences(userId: string): Promise<{ email: boolean; whatsapp: boolean; whatsappPhone: string | null }>;
  invoicesForBooking(principal: Principal, bookingId: string): Promise<
    Array<{
      id: string;
      bookingId: string | null;
      kind: 'invoice' | 'credit_note';
      status: string;
      voucher: { name: string };
      formattedNumber: string | null;
      issueDate: string | null;
      total: { amountCents: number };
      cae: string | null;
      receiver: { kind: string; name: string | null; document: string | null };
      pdfUrl: string | null;
    }>
  >;
}

const CODE_PREFIX: Record<PrivacyRequestKind, string> = {
  access: 'ACC',
  rectification: 'REC',
  deletion: 'SUP',
  withdrawal: 'ARR',
  cancellation: 'BAJ',
};
// Crockford's base32: no I, L, O or U, so a code read over the phone is not misheard.
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function newProcedureCode(kind: PrivacyRequestKind, receivedAt: Date, random: Buffer = randomBytes(8)): string {
  const year = DateTime.fromJSDate(receivedAt, { zone: AR_ZONE }).year;
  const suffix = [...random.subarray(0, 8)].map((b) => CODE_ALPHABET[b % 32]).join('');
  return `${CODE_PREFIX[kind]}-${year}-${suffix}`;
}

const iso = (d: Date) => DateTime.fromJSDate(d, { zone: AR_ZONE }).toISO()!;
const arDay = (d: Date) => DateTime.fromJSDate(d, { zone: AR_ZONE }).toISODate()!;

/** Not personal: field names, reasons and flags. What the requester wrote goes to personal_details. */
interface RequestDetails {
  fields?: string[];
  reviewReasons?: string[];
  accountMatched?: boolean;
  bookingMatched?: boolean;
  deadlineEstimated?: boolean;
  scrubbed?: Record<string, number>;
}

const details = (row: PrivacyRequestRow): RequestDetails => (row.details && typeof row.details === 'object' ? (row.details as RequestDetails) : {});

const DELETION_ANSWER = 'Eliminamos tus datos personales. Conservamos solo las facturas emitidas, como exige la normativa tributaria.';

/**
 * Data-subject rights (Ley 25.326: access, rectification, deletion, blocking), consent, and
 * the consumer "Botón de arrepentimiento" and "Botón de baja". Every request is a row with its
 * legal deadline; what can be done at once is done at once and the row is answered with it.
 */
export class PrivacyService implements AccountConsents {
  private readonly holidays: HolidayCalendar;

  constructor(
    private readonly repo: PrivacyRepository,
    private readonly peers: PrivacyCollaborators,
    private readonly clock: Clock,
    private readonly log: PrivacyLog,
    holidays: HolidayCalendar = businessDayHolidays(),
  ) {
    this.holidays = holidays;
  }

  // Deadlines and request rows -------------------------------------------------------------

  /**
   * The legal deadline. Past the holiday table a business-day deadline cannot be counted; the
   * request is still taken (never lost) with 5 calendar days, which is never later than 5
   * business days, and flagged so the table gets its next year.
   */
  private deadline(kind: PrivacyRequestKind, receivedAt: Date): { dueAt: Date; estimated: boolean } {
    try {
      return { dueAt: dueDate(kind, receivedAt, this.holidays), estimated: false };
    } catch (error) {
      if (!(error instanceof HolidayTableExhausted)) throw error;
      this.log('warn', 'holiday table exhausted: deadline estimated with calendar days', { year: error.year });
      return { dueAt: new Date(receivedAt.getTime() + 5 * 86_400_000), estimated: true };
    }
  }

  private async insertRequest(
    db: Transaction<DB> | PrivacyRepository['db'],
    input: {
      kind: PrivacyRequestKind;
      status: PrivacyRequestStatus;
      userId: string | null;
      contactEmail?: string | null;
      bookingId?: string | null;
      details: RequestDetails;
      personalDetails?: PersonalDetails;
      answer?: string;
    },
  ): Promise<PrivacyRequestRow> {
    const now = this.clock.now();
    const { dueAt, estimated } = this.deadline(input.kind, now);
    const closed = input.status === 'completed' || input.status === 'rejected';
    for (let attempt = 0; attempt < 5; attempt++) {
      const row = await this.repo.insertRequest(db, {
        procedure_code: newProcedureCode(input.kind, now),
        kind: input.kind,
        status: input.status,
        user_id: input.userId,
        contact_email: input.contactEmail ?? null,
        booking_id: input.bookingId ?? null,
        details: JSON.stringify(estimated ? { ...input.details, deadlineEstimated: true } : input.details),
        personal_details: input.personalDetails ?? null,
        received_at: now,
        due_at: dueAt,
        answered_at: closed ? now : null,
        answer: closed ? (input.answer ?? null) : null,
      });
      if (row) return row;
    }
    throw new Error('could not draw a free procedure code');
  }

  toDto(row: PrivacyRequestRow): PrivacyRequestDto {
    return {
      id: row.id,
      procedureCode: row.procedure_code,
      kind: row.kind,
      status: row.status,
      receivedAt: iso(row.received_at),
      dueAt: iso(row.due_at),
      answeredAt: row.answered_at ? iso(row.answered_at) : null,
      answer: row.answer,
      fields: details(row).fields ?? [],
    };
  }

  toAdminDto(row: PrivacyRequestRow, now: Date): AdminPrivacyRequestDto {
    const d = details(row);
    return {
      ...this.toDto(row),
      userId: row.user_id,
      contactEmail: row.contact_email,
      bookingId: row.booking_id,
      description: row.personal_details?.description ?? null,
      deadline: row.answered_at ? 'answered' : deadlineState(row.due_at, now),
      reviewReasons: d.reviewReasons ?? [],
    };
  }

  // Access ----------------------------------------------------------------------------------

  /** Everything held about the caller. Answered at once, and recorded as an access request. */
  async exportData(principal: Principal): Promise<DataExport> {
    const userId = principal.userId;
    const user = await this.peers.accounts.findUserById(userId);
    if (!user || user.deleted_at) throw problems.unauthorized();
    await this.insertRequest(this.repo.db, { kind: 'access', status: 'completed', userId, details: {}, answer: 'Exportación entregada en el momento.' });
    const [shops, bookings, reviews, payments, preferences, consents, requests] = await Promise.all([
      user.role === 'provider' ? this.peers.accounts.shopMemberships(userId) : Promise.resolve([]),
      this.repo.bookingsOf(userId),
      this.repo.reviewsOf(userId),
      this.repo.paymentsOf(userId),
      this.peers.notificationPreferences(userId),
      this.repo.consentHistory(userId),
      this.repo.requestsOf(userId),
    ]);
    const invoices = (await Promise.all(bookings.map((b) => this.peers.invoicesForBooking(principal, b.id)))).flat();
    const local = (d: Date, zone: string) => DateTime.fromJSDate(d, { zone }).toISO()!;
    this.log('info', 'personal data exported', { userId, bookings: bookings.length, invoices: invoices.length });
    return {
      format: 'barberpro-data-export/1',
      generatedAt: iso(this.clock.now()),
      account: { id: user.id, email: user.email, fullName: user.full_name, phone: user.phone, role: user.role, createdAt: iso(user.created_at), shops },
      bookings: bookings.map((b) => ({
        id: b.id,
        shopName: b.shop_name,
        serviceName: b.service_name,
        barberName: b.barber_name,
        start: local(b.starts_at, b.timezone),
        end: local(b.ends_at, b.timezone),
        timezone: b.timezone,
        status: b.status,
        price: money(b.price_cents),
        deposit: money(b.deposit_cents),
        note: b.customer_note,
        cancelledAt: b.cancelled_at ? local(b.cancelled_at, b.timezone) : null,
        cancelReason: b.cancel_reason,
        createdAt: local(b.created_at, b.timezone),
      })),
      reviews: reviews.map((r) => ({ id: r.id, bookingId: r.booking_id, shopName: r.shop_name, rating: r.rating, comment: r.comment, createdAt: iso(r.created_at) })),
      payments: payments.map((p) => ({
        id: p.id,
        bookingId: p.booking_id,
        status: p.status,
        amount: money(p.amount_cents),
        refunded: money(p.refunded_cents),
        createdAt: iso(p.created_at),
        approvedAt: p.approved_at ? iso(p.approved_at) : null,
      })),
      invoices: invoices.map((i) => ({
        id: i.id,
        bookingId: i.bookingId,
        kind: i.kind,
        status: i.status,
        voucher: i.voucher.name,
        formattedNumber: i.formattedNumber,
        issueDate: i.issueDate,
        total: money(i.total.amountCents),
        cae: i.cae,
        receiver: { kind: i.receiver.kind, name: i.receiver.name, document: i.receiver.document },
        pdfUrl: i.pdfUrl,
      })),
      notificationPreferences: preferences,
      consents: consents.map((c) => ({ document: c.document, version: c.version, granted: c.granted, source: c.source, recordedAt: iso(c.recorded_at) })),
      requests: requests.map((r) => this.toDto(r)),
    };
  }

  async myRequests(userId: string): Promise<PrivacyRequestDto[]> {
    return (await this.repo.requestsOf(userId)).map((r) => this.toDto(r));
  }

  // Rectification ---------------------------------------------------------------------------

  /**
   * Account fields (name, phone, email) are corrected at once; anything else the subject
   * describes goes to a person, and their data is blocked until it is answered. The request
   * records which fields changed, never their values.
   */
  async rectify(principal: Principal, input: RectificationInput): Promise<PrivacyRequestDto> {
    const user = await this.peers.accounts.findUserById(principal.userId);
    if (!user || user.deleted_at) throw problems.unauthorized();
    const change: ProfileChange = {};
    if (input.fullName !== undefined && input.fullName !== user.full_name) change.full_name = input.fullName;
    if (input.phone !== undefined && input.phone !== user.phone) change.phone = input.phone;
    if (input.email !== undefined && input.email !== user.email.toLowerCase()) {
      // The email is how the account signs in: changing it needs the password again.
      if (!input.currentPassword || !(await this.peers.passwordMatches(user.id, input.currentPassword))) throw wrongPassword();
      change.email = input.email;
    }
    const fields = Object.keys(change).map((k) => ({ full_name: 'fullName', phone: 'phone', email: 'email' })[k as keyof ProfileChange]);
    if (fields.length === 0 && !input.otherData) throw problems.unprocessable('nothing_to_rectify', 'Los datos que enviaste son iguales a los que ya tenemos.');
    const underReview = input.otherData !== undefined;
    const now = this.clock.now();
    const row = await this.repo.transaction(async (trx) => {
      if (fields.length) {
        const result = await this.peers.accounts.updateProfile(trx, user.id, change, now);
        if (result === 'email_taken') throw problems.conflict('email_taken', 'Ya existe una cuenta con ese email.');
        if (result === 'not_found') throw problems.unauthorized();
      }
      return this.insertRequest(trx, {
        kind: 'rectification',
        status: underReview ? 'in_review' : 'completed',
        userId: user.id,
        details: { fields },
        ...(underReview && input.otherData ? { personalDetails: { description: input.otherData } } : {}),
        answer: `Actualizamos tus datos (${fields.map(fieldLabel).join(', ')}).`,
      });
    });
    this.log('info', 'rectification recorded', { requestId: row.id, fields, underReview });
    return this.toDto(row);
  }

  // Deletion --------------------------------------------------------------------------------

  async requestDeletion(principal: Principal, password: string): Promise<PrivacyRequestDto> {
    const user = await this.peers.accounts.findUserById(principal.userId);
    if (!user || user.deleted_at) throw problems.unauthorized();
    if (user.role === 'admin')
      throw problems.unprocessable('admin_account', 'Las cuentas de operación no se eliminan desde acá: pedíselo a otro administrador.');
    if (!(await this.peers.passwordMatches(user.id, password))) throw wrongPassword();
    if (await this.repo.openRequestOf(user.id, 'deletion')) throw problems.conflict('deletion_already_requested', 'Ya pediste eliminar tu cuenta; lo estamos revisando.');

    const reviewReasons: string[] = [];
    if (user.role === 'provider' && (await this.peers.accounts.shopMemberships(user.id)).some((m) => m.role === 'owner')) reviewReasons.push('owns_shops');
    if ((await this.repo.moneyInFlight(user.id)) > 0) reviewReasons.push('money_in_flight');

    // Recorded before anything is done, so the request survives whatever happens next.
    const request = await this.insertRequest(this.repo.db, {
      kind: 'deletion',
      status: reviewReasons.length ? 'in_review' : 'received',
      userId: user.id,
      details: { reviewReasons },
    });
    this.log('info', 'deletion requested', { requestId: request.id, reviewReasons });
    if (reviewReasons.length) return this.toDto(request);
    return this.toDto(await this.carryOutDeletion(request, null));
  }

  /**
   * Anonymizes the account. Future bookings are cancelled first, as the customer would, so the
   * shop's cancellation policy decides refunds exactly as usual. What stays, and why:
   * - invoices and credit notes, with their receiver block (a Factura A/B names the buyer's
   *   document and name): they are the tax record the shop must keep (Ley 11.683 art. 48,
   *   RG 1415), and Ley 25.326 art. 16.5 makes deletion yield to such a legal duty;
   * - payments, ledger and audit rows: amounts and ids, no personal data, append-only;
   * - ratings, no longer tied to a name; consents, as evidence of what was accepted.
   */
  private async carryOutDeletion(request: PrivacyRequestRow, answeredBy: string | null): Promise<PrivacyRequestRow> {
    const userId = request.user_id!;
    const user = await this.peers.accounts.findUserById(userId);
    let cancelled = 0;
    if (user?.role === 'customer') {
      for (const bookingId of await this.repo.openFutureBookings(userId, this.clock.now())) {
        try {
          await this.peers.cancelBooking({ userId, role: 'customer' }, bookingId, 'Cuenta eliminada a pedido del titular');
          cancelled++;
        } catch (error) {
          // It started or changed meanwhile: nothing left to cancel.
          if (!(error instanceof ProblemError)) throw error;
        }
      }
    }
    const now = this.clock.now();
    const closed = await this.repo.transaction(async (trx) => {
      const locked = await this.repo.lockRequest(trx, request.id);
      if (!locked || (locked.status !== 'received' && locked.status !== 'in_review')) return locked;
      const scrubbed = await this.repo.scrubPersonalData(trx, userId, now);
      await this.peers.accounts.removeMemberships(trx, userId);
      await this.peers.accounts.anonymizeUser(trx, userId, now);
      const [marketing] = (await this.repo.latestConsents(userId, trx)).filter((c) => c.document === 'marketing');
      if (marketing?.granted)
        await this.repo.insertConsents(trx, [{ user_id: userId, document: 'marketing', version: marketing.version, granted: false, source: 'deletion', recorded_at: now }]);
      const row = await this.repo.closeRequest(trx, request.id, 'completed', DELETION_ANSWER, answeredBy, now);
      this.log('info', 'account deleted', { requestId: request.id, bookingsCancelled: cancelled, ...scrubbed });
      return row;
    });
    return closed ?? request;
  }

  // Blocking --------------------------------------------------------------------------------

  /** While a rectification or deletion is under review the subject's data is not processed. */
  isProcessingBlocked(userId: string): Promise<boolean> {
    return this.repo.hasRequestUnderReview(userId);
  }

  /** Marketing only with the separate opt-in, and never while blocked or after deletion. */
  async mayReceiveMarketing(userId: string): Promise<boolean> {
    const user = await this.peers.accounts.findUserById(userId);
    if (!user || user.deleted_at) return false;
    const latest = await this.repo.latestConsents(userId);
    if (!latest.find((c) => c.document === 'marketing')?.granted) return false;
    return !(await this.isProcessingBlocked(userId));
  }

  // Consent ---------------------------------------------------------------------------------

  legalDocuments(): { terms: LegalDocument; privacyNotice: LegalDocument; legalNotice: string } {
    return { ...currentLegalDocuments(arDay(this.clock.now())), legalNotice: LEGAL_NOTICE_25326 };
  }

  async recordSignUp(trx: Transaction<DB>, userId: string, choices: { marketingOptIn: boolean }): Promise<void> {
    await this.repo.insertConsents(trx, signUpConsents(userId, this.clock.now(), choices.marketingOptIn));
  }

  async pending(userId: string): Promise<PendingConsent[]> {
    const { terms, privacyNotice } = currentLegalDocuments(arDay(this.clock.now()));
    const latest = await this.repo.latestConsents(userId);
    const accepted = (doc: 'terms' | 'privacy_notice', version: string) => latest.some((c) => c.document === doc && c.version === version && c.granted);
    return [terms, privacyNotice]
      .filter((d) => !accepted(d.document, d.version))
      .map((d) => ({ document: d.document, version: d.version, effectiveDate: d.effectiveDate }));
  }

  async getConsents(userId: string): Promise<ConsentsDto> {
    const { terms, privacyNotice } = currentLegalDocuments(arDay(this.clock.now()));
    const [latest, history, pending] = await Promise.all([this.repo.latestConsents(userId), this.repo.consentHistory(userId), this.pending(userId)]);
    const acceptedOf = (doc: 'terms' | 'privacy_notice') => {
      const c = latest.find((l) => l.document === doc && l.granted);
      return c ? { version: c.version, recordedAt: iso(c.recorded_at) } : null;
    };
    return {
      marketingOptIn: latest.find((c) => c.document === 'marketing')?.granted ?? false,
      current: { terms: { version: terms.version, effectiveDate: terms.effectiveDate }, privacyNotice: { version: privacyNotice.version, effectiveDate: privacyNotice.effectiveDate } },
      accepted: { terms: acceptedOf('terms'), privacyNotice: acceptedOf('privacy_notice') },
      pending,
      history: history.map((c) => ({ document: c.document, version: c.version, granted: c.granted, source: c.source, recordedAt: iso(c.recorded_at) })),
    };
  }

  async putConsents(userId: string, input: { marketingOptIn?: boolean | undefined; acceptVersions?: string[] | undefined }): Promise<ConsentsDto> {
    const now = this.clock.now();
    const { terms, privacyNotice } = currentLegalDocuments(arDay(now));
    const rows: Parameters<PrivacyRepository['insertConsents']>[1] = [];
    for (const version of new Set(input.acceptVersions ?? [])) {
      const doc = [terms, privacyNotice].find((d) => d.version === version);
      if (!doc) {
        const known = [...TERMS, ...PRIVACY_NOTICES].some((d) => d.version === version);
        throw known
          ? problems.conflict('consent_version_outdated', 'Esa versión ya no está vigente. Recargá la página y leé la versión actual.')
          : problems.unprocessable('unknown_consent_version', 'No conocemos esa versión de los términos.');
      }
      rows.push({ user_id: userId, document: doc.document, version, granted: true, source: 'reacceptance', recorded_at: now });
    }
    if (input.marketingOptIn !== undefined)
      rows.push({ user_id: userId, document: 'marketing', version: privacyNotice.version, granted: input.marketingOptIn, source: 'settings', recorded_at: now });
    await this.repo.insertConsents(this.repo.db, rows);
    this.log('info', 'consents recorded', { userId, documents: rows.map((r) => r.document) });
    return this.getConsents(userId);
  }

  // Consumer buttons ------------------------------------------------------------------------

  /**
   * "Botón de arrepentimiento" and "Botón de baja": no login, a procedure code at once. The
   * answer is the same whether or not the email has an account (no account discovery); the
   * row says whether it matched, for the person who answers.
   */
  async publicRequest(kind: 'withdrawal' | 'cancellation', input: PublicRequestInput) {
    const account = await this.peers.accounts.findUserByEmail(input.email);
    const userId = account && !account.deleted_at ? account.id : null;
    const bookingMatched = Boolean(userId && input.bookingId && (await this.repo.bookingBelongsTo(input.bookingId, userId)));
    const row = await this.insertRequest(this.repo.db, {
      kind,
      status: 'received',
      userId,
      contactEmail: input.email,
      bookingId: bookingMatched ? input.bookingId! : null,
      details: { accountMatched: userId !== null, ...(input.bookingId ? { bookingMatched } : {}) },
      personalDetails: { ...(input.reason ? { description: input.reason } : {}), ...(input.fullName ? { fullName: input.fullName } : {}) },
    });
    this.log('info', 'consumer request received', { requestId: row.id, kind, accountMatched: userId !== null, bookingMatched });
    return {
      procedureCode: row.procedure_code,
      kind,
      receivedAt: iso(row.received_at),
      dueAt: iso(row.due_at),
      message:
        kind === 'withdrawal'
          ? `Recibimos tu arrepentimiento. Tu código de trámite es ${row.procedure_code}; te respondemos por email dentro de las 24 horas.`
          : `Recibimos tu pedido de baja. Tu código de trámite es ${row.procedure_code}; te respondemos por email dentro de las 24 horas.`,
    };
  }

  // Admin queue -----------------------------------------------------------------------------

  async list(query: { status: RequestFilter; kind?: PrivacyRequestKind | undefined; page: number; pageSize: number }) {
    const now = this.clock.now();
    const rows = await this.repo.listRequests(query.status, query.kind, now, new Date(now.getTime() + 86_400_000), query.pageSize, (query.page - 1) * query.pageSize);
    return { items: rows.map((r) => this.toAdminDto(r, now)), page: query.page, pageSize: query.pageSize };
  }

  async answer(principal: Principal, id: string, input: { outcome: 'completed' | 'rejected'; answer: string }): Promise<AdminPrivacyRequestDto> {
    const request = await this.repo.findRequest(id);
    if (!request) throw problems.notFound('El trámite');
    if (request.status !== 'received' && request.status !== 'in_review') throw problems.conflict('request_already_answered', 'Este trámite ya fue respondido.');
    let row: PrivacyRequestRow | undefined;
    if (request.kind === 'deletion' && input.outcome === 'completed' && request.user_id) {
      row = await this.carryOutDeletion(request, principal.userId);
    } else {
      row = await this.repo.transaction((trx) => this.repo.closeRequest(trx, id, input.outcome, input.answer, principal.userId, this.clock.now()));
    }
    if (!row || (row.status !== 'completed' && row.status !== 'rejected')) throw problems.conflict('request_already_answered', 'Este trámite ya fue respondido.');
    this.log('info', 'privacy request answered', { requestId: id, kind: row.kind, outcome: row.status, adminId: principal.userId });
    return this.toAdminDto(row, this.clock.now());
  }

  async summary(): Promise<PrivacySummary> {
    const now = this.clock.now();
    const { terms, privacyNotice } = currentLegalDocuments(arDay(now));
    const [{ counts, byKind, mostOverdue }, coverage] = await Promise.all([
      this.repo.requestCounts(now, new Date(now.getTime() + 86_400_000)),
      this.repo.consentCoverage(terms.version, privacyNotice.version),
    ]);
    return {
      generatedAt: iso(now),
      requests: {
        open: Number(counts.open),
        inReview: Number(counts.in_review),
        dueSoon: Number(counts.due_soon),
        overdue: Number(counts.overdue),
        answered: Number(counts.answered),
        answeredLate: Number(counts.answered_late),
        openByKind: Object.fromEntries(byKind.map((k) => [k.kind, Number(k.n)])),
        mostOverdue: mostOverdue ? { procedureCode: mostOverdue.procedure_code, kind: mostOverdue.kind, dueAt: iso(mostOverdue.due_at) } : null,
      },
      consent: {
        termsVersion: terms.version,
        privacyNoticeVersion: privacyNotice.version,
        accounts: coverage.users,
        acceptedCurrentTerms: coverage.terms,
        acceptedCurrentPrivacyNotice: coverage.privacy,
        coverage: coverage.users ? coverage.both / coverage.users : null,
        marketingOptIns: coverage.marketing,
      },
      holidayTableCoversUntil: `${Math.max(...AR_HOLIDAY_YEARS)}-12-31`,
    };
  }
}

function wrongPassword(): ProblemError {
  return new ProblemError(403, 'password_mismatch', 'Acceso denegado', 'La contraseña no es correcta.');
}

function fieldLabel(field: string): string {
  return field === 'fullName' ? 'nombre' : field === 'phone' ? 'teléfono' : field === 'email' ? 'email' : field;
}
