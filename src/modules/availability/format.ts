import { IANAZone } from 'luxon';
import type { AvailabilityView, AvailableSlot } from './service.js';

const DAY_MS = 86_400_000;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * Formats instants as ISO-8601 with the shop's offset (2026-12-01T09:00:00-03:00).
 * Hand-rolled on top of luxon's zone offsets because formatting through a luxon DateTime
 * per slot dominated the availability endpoint's time. Offsets are looked up at both ends
 * of each UTC day: when they agree (every day but the two DST changes a year) the whole day
 * shares it; otherwise each instant is looked up exactly.
 */
export function shopTimeFormatter(timezone: string): (instant: number | Date) => string {
  const zone = IANAZone.create(timezone);
  if (!zone.isValid) throw new RangeError(`unknown timezone ${timezone}`);
  const dayOffsets = new Map<number, number | null>();
  const offsetAt = (ms: number): number => {
    const day = Math.floor(ms / DAY_MS);
    let offset = dayOffsets.get(day);
    if (offset === undefined) {
      const start = zone.offset(day * DAY_MS);
      offset = start === zone.offset((day + 1) * DAY_MS - 1) ? start : null;
      dayOffsets.set(day, offset);
    }
    return offset ?? zone.offset(ms);
  };
  return (instant) => {
    const ms = typeof instant === 'number' ? instant : instant.getTime();
    const offset = offsetAt(ms);
    const local = new Date(ms + offset * 60_000);
    const sign = offset < 0 ? '-' : '+';
    const abs = Math.abs(offset);
    const millis = local.getUTCMilliseconds();
    return (
      `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
      `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}` +
      (millis ? `.${pad(millis, 3)}` : '') +
      `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
    );
  };
}

/** One-off formatting; prefer shopTimeFormatter for many instants. */
export function toShopIso(instant: number | Date, timezone: string): string {
  return shopTimeFormatter(timezone)(instant);
}

export function toSlotDto(slot: AvailableSlot, format: (instant: number) => string) {
  return { start: format(slot.start), end: format(slot.end), barberId: slot.barberId, availableBarberIds: slot.availableBarberIds };
}

/** The availability endpoint's response body (see availabilitySchema), serialized once so it can be cached as is. */
export function availabilityBody(request: { shopId: string; serviceId: string; from: string; to: string; barberId?: string | undefined }, view: AvailabilityView): string {
  const format = shopTimeFormatter(view.timezone);
  return JSON.stringify({
    shopId: request.shopId,
    serviceId: request.serviceId,
    timezone: view.timezone,
    from: request.from,
    to: request.to,
    barberId: request.barberId ?? null,
    durationMinutes: view.durationMinutes,
    slots: view.slots.map((s) => toSlotDto(s, format)),
  });
}
