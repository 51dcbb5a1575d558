import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api } from '../api/client';
import { ErrorState } from '../ui/components';
import { formatTime, localDate } from '../ui/format';
import { addDays, type Slot } from './shared';

const DAYS_SHOWN = 14;
const SKELETON_SLOTS = 12;

const dayLabel = new Intl.DateTimeFormat('es-AR', { weekday: 'short', day: 'numeric', month: 'numeric', timeZone: 'UTC' });
const dayLongLabel = new Intl.DateTimeFormat('es-AR', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' });

/** A calendar date (YYYY-MM-DD) read as a date, not an instant: formatted in UTC on purpose. */
function asDate(day: string): Date {
  return new Date(`${day}T12:00:00Z`);
}

export function formatDay(day: string, style: 'short' | 'long' = 'short'): string {
  return (style === 'short' ? dayLabel : dayLongLabel).format(asDate(day));
}

/**
 * Day strip and free slots of the next two weeks in the shop's timezone. The strip and the
 * slot area keep their size while availability loads (placeholders), so nothing jumps.
 */
export function SlotPicker({
  shopId,
  serviceId,
  barberId,
  timezone,
  horizonDays,
  day,
  onDayChange,
  selectedStart,
  onSelect,
  excludeStart,
}: {
  shopId: string;
  serviceId: string;
  barberId: string | undefined;
  timezone: string;
  horizonDays: number;
  day: string | undefined;
  onDayChange(day: string): void;
  selectedStart?: string | undefined;
  onSelect(slot: Slot): void;
  /** The booking's own current time, when rescheduling. */
  excludeStart?: string | undefined;
}) {
  const today = localDate(new Date(), timezone);
  const days = useMemo(() => Array.from({ length: Math.min(DAYS_SHOWN, Math.max(1, horizonDays)) }, (_, i) => addDays(today, i)), [today, horizonDays]);
  const from = days[0]!;
  const to = days[days.length - 1]!;

  // Availability is never cached for long: a stale free slot is a lost race waiting to happen.
  const availability = useQuery({
    queryKey: ['availability', shopId, serviceId, barberId ?? 'any', from, to],
    queryFn: () => api('GET /api/v1/shops/{shopId}/availability', { params: { shopId }, query: { serviceId, from, to, barberId } }),
    staleTime: 0,
  });

  const byDay = useMemo(() => {
    const map = new Map<string, Slot[]>();
    for (const slot of availability.data?.slots ?? []) {
      if (excludeStart && new Date(slot.start).getTime() === new Date(excludeStart).getTime()) continue;
      const d = localDate(new Date(slot.start), timezone);
      map.set(d, [...(map.get(d) ?? []), slot]);
    }
    return map;
  }, [availability.data, timezone, excludeStart]);

  const firstFreeDay = days.find((d) => (byDay.get(d)?.length ?? 0) > 0);
  // No day is picked for the customer until availability says which ones have room.
  const shownDay = day ?? (availability.data ? (firstFreeDay ?? days[0]!) : undefined);
  const slots = (shownDay && byDay.get(shownDay)) || [];
  const loading = availability.isPending;

  return (
    <div className="slot-picker">
      <div className="day-strip" role="group" aria-label="Día">
        {days.map((d) => {
          const count = byDay.get(d)?.length ?? 0;
          const selected = d === shownDay;
          return (
            <button
              key={d}
              type="button"
              className={`day-chip${selected ? ' selected' : ''}`}
              aria-pressed={selected}
              aria-label={`${formatDay(d, 'long')}${loading ? '' : count ? `, ${count} horarios libres` : ', sin horarios'}`}
              disabled={!loading && count === 0}
              onClick={() => onDayChange(d)}
            >
              {formatDay(d)}
            </button>
          );
        })}
      </div>
      <div className="slot-area" aria-busy={loading} aria-live="polite">
        {loading ? (
          <>
            <p className="muted slot-caption">Buscando horarios libres…</p>
            <div className="slot-grid" aria-hidden="true">
              {Array.from({ length: SKELETON_SLOTS }, (_, i) => (
                <span key={i} className="slot-button skeleton" />
              ))}
            </div>
          </>
        ) : availability.isError ? (
          <ErrorState error={availability.error} onRetry={() => void availability.refetch()} />
        ) : slots.length === 0 ? (
          <p className="state">{firstFreeDay ? 'No quedan horarios libres este día. Elegí otro.' : 'No hay horarios libres en las próximas dos semanas.'}</p>
        ) : (
          <>
            <p className="muted slot-caption">Horarios libres del {formatDay(shownDay!, 'long')} (hora de la barbería)</p>
            <div className="slot-grid" role="group" aria-label="Horario">
              {slots.map((slot) => {
                const selected = selectedStart !== undefined && new Date(selectedStart).getTime() === new Date(slot.start).getTime();
                return (
                  <button key={slot.start} type="button" className={`slot-button${selected ? ' selected' : ''}`} aria-pressed={selected} onClick={() => onSelect(slot)}>
                    {formatTime(slot.start, timezone)}
                  </button>
                );
              })}
            </div>
          </>
        )}
      </div>
    </div>
  );
}
