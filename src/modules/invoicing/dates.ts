import { DateTime } from 'luxon';
import type { AfipDate, Checked } from './types.js';

/**
 * Voucher dates. AFIP's days are Argentine calendar days whatever the server's clock or a
 * shop's configured zone says, so the zone is fixed here rather than taken from the shop.
 * (Same value as platform/db's ARGENTINA_TIMEZONE; not imported from there because that
 * module loads the database drivers.)
 */
export const AFIP_ZONE = 'America/Argentina/Buenos_Aires';

/**
 * CONFIGURABLE ASSUMPTION. How many days CbteFch may sit from the service day (and, for the
 * caller, from the day the CAE is requested). argentina.md confirms ±5 days for Concepto 1
 * (products, error 10016) and leaves the services window unverified; the ±10 days often
 * quoted for Concepto 2 is not confirmed, so this takes 5, which satisfies either rule.
 * Widen only after checking WSFEv1's manual or homologation.
 */
export const ISSUE_WINDOW_DAYS = 5;

const AFIP_DATE = /^\d{8}$/;

function parse(date: AfipDate): DateTime {
  const dt = AFIP_DATE.test(date) ? DateTime.fromFormat(date, 'yyyyMMdd', { zone: AFIP_ZONE }) : DateTime.invalid('not YYYYMMDD');
  if (!dt.isValid) throw new RangeError(`Not a YYYYMMDD date: ${JSON.stringify(date)}`);
  return dt;
}

export function isAfipDate(value: string): boolean {
  return AFIP_DATE.test(value) && DateTime.fromFormat(value, 'yyyyMMdd', { zone: AFIP_ZONE }).isValid;
}

/** The Argentine calendar day of an instant, as WSFEv1 writes it. */
export function afipDate(instant: Date): AfipDate {
  if (Number.isNaN(instant.getTime())) throw new RangeError('invalid instant');
  return DateTime.fromJSDate(instant, { zone: AFIP_ZONE }).toFormat('yyyyMMdd');
}

/** 20261202 → "2026-12-02" (the QR's fecha). */
export function afipDateToIso(date: AfipDate): string {
  parse(date);
  return `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`;
}

/** 20261202 → "02/12/2026", as dates are printed in Argentina. */
export function formatAfipDate(date: AfipDate): string {
  parse(date);
  return `${date.slice(6, 8)}/${date.slice(4, 6)}/${date.slice(0, 4)}`;
}

/** Midnight of that day in Argentina. */
export function startOfAfipDay(date: AfipDate): Date {
  return parse(date).toJSDate();
}

export function addDays(date: AfipDate, days: number): AfipDate {
  return parse(date).plus({ days }).toFormat('yyyyMMdd');
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: AfipDate, to: AfipDate): number {
  return Math.round(parse(to).diff(parse(from), 'days').days);
}

/** Whether a voucher dated `issueDate` may cover a service given on `serviceDate` (see ISSUE_WINDOW_DAYS). */
export function issueDateAllowed(serviceDate: AfipDate, issueDate: AfipDate, windowDays: number = ISSUE_WINDOW_DAYS): boolean {
  return Math.abs(daysBetween(serviceDate, issueDate)) <= windowDays;
}

export interface ServiceVoucherDates {
  cbteFch: AfipDate;
  fchServDesde: AfipDate;
  fchServHasta: AfipDate;
  fchVtoPago: AfipDate;
}

/**
 * The dates of a Concepto 2 (services) voucher for one appointment. The service period is the
 * appointment's day. FchVtoPago is the day it was paid, or the issue day when it was not paid
 * yet — and never before the issue day, since WSFEv1 refuses a payment due date earlier than
 * CbteFch (per its manual as recalled; argentina.md does not cover it), which a deposit paid
 * days before the appointment would otherwise produce.
 */
export function serviceVoucherDates(input: { serviceAt: Date; issuedAt: Date; paidAt?: Date | null }): Checked<ServiceVoucherDates> {
  const service = afipDate(input.serviceAt);
  const issue = afipDate(input.issuedAt);
  if (!issueDateAllowed(service, issue))
    return {
      ok: false,
      code: 'issue_date_out_of_window',
      reason: `La factura debe emitirse dentro de los ${ISSUE_WINDOW_DAYS} días del servicio (${formatAfipDate(service)}).`,
    };
  const paid = input.paidAt ? afipDate(input.paidAt) : issue;
  return { ok: true, value: { cbteFch: issue, fchServDesde: service, fchServHasta: service, fchVtoPago: paid > issue ? paid : issue } };
}
