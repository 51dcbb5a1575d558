import { DateTime } from 'luxon';
import type { HolidayCalendar } from './holidays-ar.js';

/**
 * Legal answer deadlines for the requests BarberPro tracks, as pure functions of the moment
 * a request was received and a holiday calendar. Days are Argentine calendar days
 * (America/Argentina/Buenos_Aires, UTC−3 all year).
 *
 * - access (Ley 25.326 art. 14.2): 10 calendar days ("días corridos") from receipt; due at the
 *   end of the tenth day after the day it was received.
 * - rectification, deletion (art. 16.2): 5 business days ("días hábiles") from receipt. A day
 *   is a business day when it is Monday–Friday and not a national holiday. A request received
 *   on a non-business day, or after the business day closes (18:00), counts as received on the
 *   next business day; the five days are counted after that day, and the answer is due at the
 *   end of the fifth.
 * - withdrawal ("Botón de arrepentimiento") and cancellation ("Botón de baja"): a procedure
 *   code at once and an answer within 24 hours (Disposición 954/2025, which replaced
 *   Resolución 424/2020): due 24 hours after receipt, to the minute.
 */
export type PrivacyRequestKind = 'access' | 'rectification' | 'deletion' | 'withdrawal' | 'cancellation';

export const AR_ZONE = 'America/Argentina/Buenos_Aires';
/** When the business day ends for counting receipt (local hour, exclusive). */
export const BUSINESS_DAY_CLOSES_AT_HOUR = 18;
export const ACCESS_CALENDAR_DAYS = 10;
export const RECTIFICATION_BUSINESS_DAYS = 5;
export const CONSUMER_ANSWER_HOURS = 24;

export class HolidayTableExhausted extends Error {
  constructor(readonly year: number) {
    super(`the holiday table does not cover ${year}: add that year to src/modules/privacy/holidays-ar.ts`);
    this.name = 'HolidayTableExhausted';
  }
}

export function isBusinessDay(day: DateTime, holidays: HolidayCalendar): boolean {
  if (!holidays.years.has(day.year)) throw new HolidayTableExhausted(day.year);
  return day.weekday <= 5 && !holidays.dates.has(day.toISODate()!);
}

function endOfDay(day: DateTime): Date {
  return day.endOf('day').toJSDate();
}

export function dueDate(kind: PrivacyRequestKind, receivedAt: Date, holidays: HolidayCalendar): Date {
  const received = DateTime.fromJSDate(receivedAt, { zone: AR_ZONE });
  switch (kind) {
    case 'withdrawal':
    case 'cancellation':
      return new Date(receivedAt.getTime() + CONSUMER_ANSWER_HOURS * 3_600_000);
    case 'access':
      return endOfDay(received.startOf('day').plus({ days: ACCESS_CALENDAR_DAYS }));
    case 'rectification':
    case 'deletion': {
      let day = received.startOf('day');
      if (!isBusinessDay(day, holidays) || received.hour >= BUSINESS_DAY_CLOSES_AT_HOUR) {
        do day = day.plus({ days: 1 });
        while (!isBusinessDay(day, holidays));
      }
      for (let counted = 0; counted < RECTIFICATION_BUSINESS_DAYS; ) {
        day = day.plus({ days: 1 });
        if (isBusinessDay(day, holidays)) counted++;
      }
      return endOfDay(day);
    }
  }
}

export type DeadlineState = 'on_time' | 'due_soon' | 'overdue';

/** Where an open request stands: due within `soonMs` is "due soon" (the admin queue's warning). */
export function deadlineState(dueAt: Date, now: Date, soonMs = 24 * 3_600_000): DeadlineState {
  const left = dueAt.getTime() - now.getTime();
  if (left < 0) return 'overdue';
  return left <= soonMs ? 'due_soon' : 'on_time';
}
