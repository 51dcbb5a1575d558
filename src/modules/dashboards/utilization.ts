import { computeSlots, localDayBounds, schedulesFromRows, type BarberSchedule, type LocalDate } from '../availability/slot-engine.js';
import type { UtilizationInputs } from './repository.js';

/**
 * Provider utilization: minutes of booked appointments over minutes the barbers were
 * scheduled to work (weekly hours minus breaks, date overrides, minus time off), per shop
 * and window of the shop's local days. Pure: data in, figures out.
 *
 * Scheduled time is measured with the availability engine itself, asking it for 5-minute
 * slots with nothing booked, so "working time" here is exactly what customers could book
 * (same overrides, time off and timezone rules) instead of a second interpretation of the
 * schedule. A working range whose length is not a multiple of 5 minutes loses its last
 * remainder minutes (under 5 per range).
 */

const GRAIN_MINUTES = 5;
const DAY_MS = 86_400_000;

export interface ShopUtilization {
  shopId: string;
  name: string;
  city: string;
  region: string;
  scheduledMinutes: number;
  bookedMinutes: number;
  /** booked / scheduled; null when nobody was scheduled to work. */
  ratio: number | null;
}

export function schedulesOf(inputs: UtilizationInputs, shopId: string): BarberSchedule[] {
  const schedules = schedulesFromRows(
    inputs.barbers.filter((b) => b.shopId === shopId).map((b) => b.id),
    inputs.weekly,
    inputs.overrides,
  );
  for (const t of inputs.timeOff) schedules.get(t.barberId)?.timeOff.push({ start: t.start, end: t.end });
  return [...schedules.values()];
}

/** Utilization of every shop over its local days [from, to] (inclusive). */
export function utilization(inputs: UtilizationInputs, from: LocalDate, to: LocalDate): ShopUtilization[] {
  return inputs.shops.map((shop) => {
    const start = localDayBounds(from, shop.timezone).start;
    const end = localDayBounds(to, shop.timezone).end;
    const barbers = schedulesOf(inputs, shop.id);
    const slots = computeSlots(
      {
        timezone: shop.timezone,
        from,
        to,
        durationMinutes: GRAIN_MINUTES,
        bufferBeforeMinutes: 0,
        bufferAfterMinutes: 0,
        slotStepMinutes: GRAIN_MINUTES,
        minNoticeMinutes: 0,
        horizonDays: Math.ceil((end - start) / DAY_MS) + 1,
        now: start,
      },
      barbers,
    );
    const scheduledMinutes = slots.length * GRAIN_MINUTES;
    const bookedMinutes = Math.round(
      inputs.bookings.filter((b) => b.shopId === shop.id && b.start >= start && b.start < end).reduce((sum, b) => sum + (b.end - b.start), 0) / 60_000,
    );
    return {
      shopId: shop.id,
      name: shop.name,
      city: shop.city,
      region: shop.region,
      scheduledMinutes,
      bookedMinutes,
      ratio: scheduledMinutes > 0 ? bookedMinutes / scheduledMinutes : null,
    };
  });
}
