import type { BookingStatus } from '../../platform/db/schema.js';

/**
 * Booking lifecycle rules as pure functions of the booking, the shop's policy and the clock.
 *
 *   pending ──(payment / shop confirms)──▶ confirmed ──▶ completed | no_show
 *      │                                       │
 *      ├──(hold runs out)──▶ expired           └──(cancel)──▶ cancelled
 *      └──(cancel)──▶ cancelled
 */
export type Actor = 'customer' | 'shop' | 'admin';

export interface BookingFacts {
  status: BookingStatus;
  startsAt: Date;
  endsAt: Date;
  holdExpiresAt: Date | null;
}

export type Decision = { allowed: true } | { allowed: false; code: string; reason: string };

const allow: Decision = { allowed: true };
const deny = (code: string, reason: string): Decision => ({ allowed: false, code, reason });

export function isHoldExpired(b: BookingFacts, now: Date): boolean {
  return b.status === 'pending' && b.holdExpiresAt !== null && b.holdExpiresAt.getTime() <= now.getTime();
}

/** A booking still occupying future time that someone could cancel or move. */
function isOpen(b: BookingFacts, now: Date): boolean {
  return (b.status === 'pending' && !isHoldExpired(b, now)) || b.status === 'confirmed';
}

export function initialStatus(depositCents: number): 'pending' | 'confirmed' {
  // Something to pay upfront means a hold while the customer pays; otherwise it is booked.
  return depositCents > 0 ? 'pending' : 'confirmed';
}

/** Whether cancelling now falls inside the free-cancellation window (before the cut-off). */
export function isLateCancellation(b: BookingFacts, cutoffMinutes: number, now: Date): boolean {
  return now.getTime() > b.startsAt.getTime() - cutoffMinutes * 60_000;
}

export function canCancel(b: BookingFacts, now: Date): Decision {
  if (!isOpen(b, now)) return deny('booking_not_cancellable', 'El turno ya no se puede cancelar.');
  if (b.startsAt.getTime() <= now.getTime()) return deny('booking_already_started', 'El turno ya empezó.');
  return allow;
}

export function canReschedule(b: BookingFacts, actor: Actor, cutoffMinutes: number, now: Date): Decision {
  if (!isOpen(b, now)) return deny('booking_not_reschedulable', 'El turno ya no se puede reprogramar.');
  if (b.startsAt.getTime() <= now.getTime()) return deny('booking_already_started', 'El turno ya empezó.');
  if (actor === 'customer' && isLateCancellation(b, cutoffMinutes, now))
    return deny(
      'reschedule_window_closed',
      `Solo podés reprogramar hasta ${formatCutoff(cutoffMinutes)} antes del turno. Contactá a la barbería.`,
    );
  return allow;
}

export function canConfirm(b: BookingFacts, now: Date): Decision {
  if (b.status !== 'pending') return deny('booking_not_pending', 'Solo se confirma un turno pendiente.');
  if (isHoldExpired(b, now)) return deny('hold_expired', 'La reserva venció y el horario se liberó.');
  return allow;
}

/** Completed or no-show is recorded once the appointment has started. */
export function canCloseOut(b: BookingFacts, now: Date): Decision {
  if (b.status !== 'confirmed') return deny('booking_not_confirmed', 'Solo un turno confirmado puede marcarse como realizado o ausente.');
  if (b.startsAt.getTime() > now.getTime()) return deny('booking_not_started', 'El turno todavía no empezó.');
  return allow;
}

export function canReview(b: BookingFacts): Decision {
  if (b.status !== 'completed') return deny('booking_not_completed', 'Solo podés opinar sobre un turno realizado.');
  return allow;
}

export function formatCutoff(minutes: number): string {
  if (minutes % 1440 === 0) return minutes === 1440 ? '24 horas' : `${minutes / 1440} días`;
  if (minutes % 60 === 0) return minutes === 60 ? '1 hora' : `${minutes / 60} horas`;
  return `${minutes} minutos`;
}
