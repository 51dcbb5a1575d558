import { DateTime } from 'luxon';
import type { AvailableSlot } from './service.js';

/** An instant as ISO-8601 with the shop's offset, e.g. 2026-12-01T09:00:00-03:00. */
export function toShopIso(instant: number | Date, timezone: string): string {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  return DateTime.fromMillis(ms, { zone: timezone }).toISO({ suppressMilliseconds: true })!;
}

export function toSlotDto(slot: AvailableSlot, timezone: string) {
  return {
    start: toShopIso(slot.start, timezone),
    end: toShopIso(slot.end, timezone),
    barberId: slot.barberId,
    availableBarberIds: slot.availableBarberIds,
  };
}
