import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api } from '../api/client';
import type { GetShopsShopIdAgendaResponse } from '../api/types.gen';
import { Empty, ErrorState, errorMessage, PageTitle } from '../ui/components';
import { formatCentavos, formatDateTime, formatTime, localDate } from '../ui/format';
import { addDays, formatCalendarDate, mondayOf } from './dates';
import { useShopContext } from './ProviderShell';

type Agenda = GetShopsShopIdAgendaResponse;
type Booking = Agenda['bookings'][number];

const STATUS: Record<Booking['status'], { label: string; tone: string }> = {
  pending: { label: 'Reserva: esperando la seña', tone: 'warning' },
  confirmed: { label: 'Confirmado', tone: '' },
  completed: { label: 'Realizado', tone: 'ok' },
  no_show: { label: 'Ausente', tone: 'danger' },
};

/** Everything that happens in one barber's day, in order. */
type Entry =
  | { kind: 'booking'; start: string; end: string; booking: Booking }
  | { kind: 'break'; start: string; end: string }
  | { kind: 'timeOff'; start: string; end: string; reason: string };

function entriesFor(agenda: Agenda, barberId: string, date: string): Entry[] {
  const day = agenda.days.find((d) => d.barberId === barberId && d.date === date);
  // Times carry the shop's offset, so their first ten characters are the shop's local date.
  const onDay = (start: string, end: string) => start.slice(0, 10) <= date && end.slice(0, 10) >= date && !(end.slice(0, 10) === date && end.slice(11, 16) === '00:00');
  const entries: Entry[] = [
    ...agenda.bookings.filter((b) => b.barberId === barberId && b.start.slice(0, 10) === date).map((b): Entry => ({ kind: 'booking', start: b.start, end: b.end, booking: b })),
    ...(day?.breaks ?? []).map((b): Entry => ({ kind: 'break', start: b.start, end: b.end })),
    ...agenda.timeOff.filter((t) => t.barberId === barberId && onDay(t.start, t.end)).map((t): Entry => ({ kind: 'timeOff', start: t.start, end: t.end, reason: t.reason })),
  ];
  return entries.sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
}

function hoursSummary(agenda: Agenda, barberId: string, date: string, timeZone: string): string {
  const day = agenda.days.find((d) => d.barberId === barberId && d.date === date);
  if (!day || day.working.length === 0) return day?.override ? 'No trabaja (fecha especial)' : 'No trabaja';
  const ranges = day.working.map((w) => `${formatTime(w.start, timeZone)}–${formatTime(w.end, timeZone)}`).join(' · ');
  return day.override ? `${ranges} (fecha especial)` : ranges;
}

export function AgendaPage() {
  const { shopId, shop } = useShopContext();
  const timeZone = shop.timezone;
  const today = localDate(new Date(), timeZone);
  const [params, setParams] = useSearchParams();
  const date = /^\d{4}-\d{2}-\d{2}$/.test(params.get('fecha') ?? '') ? params.get('fecha')! : today;
  const view = params.get('vista') === 'semana' ? 'week' : 'day';
  const barberId = params.get('barbero') ?? '';
  const from = view === 'week' ? mondayOf(date) : date;
  const to = view === 'week' ? addDays(from, 6) : date;

  const set = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) if (v === null || v === '') next.delete(k);
    else next.set(k, v);
    setParams(next, { replace: true });
  };

  const agenda = useQuery({
    queryKey: ['provider', shopId, 'agenda', from, to, barberId],
    queryFn: () => api('GET /api/v1/shops/{shopId}/agenda', { params: { shopId }, query: { from, to, ...(barberId ? { barberId } : {}) } }),
    refetchInterval: 60_000,
  });
  const barbers = shop.barbers.filter((b) => b.active);

  return (
    <section aria-labelledby="agenda-title">
      <PageTitle>
        <span id="agenda-title">Agenda</span>
      </PageTitle>
      <div className="toolbar" role="group" aria-label="Qué mostrar">
        <div className="segmented" role="group" aria-label="Vista">
          <button type="button" aria-pressed={view === 'day'} onClick={() => set({ vista: null })}>
            Día
          </button>
          <button type="button" aria-pressed={view === 'week'} onClick={() => set({ vista: 'semana' })}>
            Semana
          </button>
        </div>
        <div className="row">
          <button type="button" className="button secondary" onClick={() => set({ fecha: addDays(date, view === 'week' ? -7 : -1) })} aria-label={view === 'week' ? 'Semana anterior' : 'Día anterior'}>
            ‹
          </button>
          <label className="inline-field">
            <span className="visually-hidden">Fecha</span>
            <input type="date" value={date} onChange={(e) => e.target.value && set({ fecha: e.target.value })} />
          </label>
          <button type="button" className="button secondary" onClick={() => set({ fecha: addDays(date, view === 'week' ? 7 : 1) })} aria-label={view === 'week' ? 'Semana siguiente' : 'Día siguiente'}>
            ›
          </button>
          <button type="button" className="button secondary" onClick={() => set({ fecha: null })} disabled={date === today}>
            Hoy
          </button>
        </div>
        <label className="inline-field">
          <span className="field-label">Barbero</span>
          <select value={barberId} onChange={(e) => set({ barbero: e.target.value })}>
            <option value="">Todos</option>
            {barbers.map((b) => (
              <option key={b.id} value={b.id}>
                {b.displayName}
              </option>
            ))}
          </select>
        </label>
      </div>
      <h2 className="agenda-range">{view === 'week' ? `Semana del ${formatCalendarDate(from)} al ${formatCalendarDate(to)}` : formatCalendarDate(date)}</h2>
      {agenda.isPending ? (
        <div className="agenda-skeleton" role="status" aria-live="polite">
          Cargando agenda…
        </div>
      ) : agenda.isError ? (
        <ErrorState error={agenda.error} onRetry={() => void agenda.refetch()} />
      ) : agenda.data.barbers.length === 0 ? (
        <Empty>Esta barbería todavía no tiene barberos activos.</Empty>
      ) : view === 'day' ? (
        <DayView agenda={agenda.data} date={date} timeZone={timeZone} shopId={shopId} />
      ) : (
        <WeekView agenda={agenda.data} from={from} timeZone={timeZone} shopId={shopId} onOpenDay={(d) => set({ fecha: d, vista: null })} />
      )}
    </section>
  );
}

function DayView({ agenda, date, timeZone, shopId }: { agenda: Agenda; date: string; timeZone: string; shopId: string }) {
  return (
    <div className="agenda-day">
      {agenda.barbers.map((barber) => {
        const entries = entriesFor(agenda, barber.id, date);
        const headingId = `barber-${barber.id}`;
        return (
          <section key={barber.id} className="agenda-column card" aria-labelledby={headingId}>
            <h3 id={headingId}>{barber.displayName}</h3>
            <p className="muted small">{hoursSummary(agenda, barber.id, date, timeZone)}</p>
            {entries.length === 0 ? (
              <p className="muted">Sin turnos.</p>
            ) : (
              <ol className="agenda-list">
                {entries.map((e) => (
                  <li key={`${e.kind}-${e.kind === 'booking' ? e.booking.id : e.start}`}>
                    <EntryCard entry={e} timeZone={timeZone} shopId={shopId} />
                  </li>
                ))}
              </ol>
            )}
          </section>
        );
      })}
    </div>
  );
}

function WeekView({ agenda, from, timeZone, shopId, onOpenDay }: { agenda: Agenda; from: string; timeZone: string; shopId: string; onOpenDay: (date: string) => void }) {
  const dates = Array.from({ length: 7 }, (_, i) => addDays(from, i));
  const many = agenda.barbers.length > 1;
  return (
    <div className="agenda-week">
      {dates.map((date) => {
        const rows = agenda.barbers.flatMap((b) => entriesFor(agenda, b.id, date).filter((e) => e.kind !== 'break').map((e) => ({ barber: b, entry: e })));
        rows.sort((a, b) => Date.parse(a.entry.start) - Date.parse(b.entry.start));
        const bookings = rows.filter((r) => r.entry.kind === 'booking').length;
        return (
          <section key={date} className="agenda-weekday card" aria-label={formatCalendarDate(date)}>
            <h3>
              <button type="button" className="linklike" onClick={() => onOpenDay(date)}>
                {formatCalendarDate(date, 'short')}
              </button>
            </h3>
            <p className="muted small">{bookings === 1 ? '1 turno' : `${bookings} turnos`}</p>
            <ol className="agenda-list compact">
              {rows.map(({ barber, entry }) => (
                <li key={`${barber.id}-${entry.kind}-${entry.start}`}>
                  {many ? <span className="muted small">{barber.displayName}</span> : null}
                  <EntryCard entry={entry} timeZone={timeZone} shopId={shopId} compact />
                </li>
              ))}
            </ol>
          </section>
        );
      })}
    </div>
  );
}

function span(start: string, end: string, timeZone: string): string {
  if (start.slice(0, 10) !== end.slice(0, 10)) return `${formatDateTime(start, timeZone)} a ${formatDateTime(end, timeZone)}`;
  return `${formatTime(start, timeZone)}–${formatTime(end, timeZone)}`;
}

function EntryCard({ entry, timeZone, shopId, compact = false }: { entry: Entry; timeZone: string; shopId: string; compact?: boolean }) {
  if (entry.kind === 'break')
    return (
      <div className="entry entry-break">
        <span className="entry-time">{span(entry.start, entry.end, timeZone)}</span> Descanso
      </div>
    );
  if (entry.kind === 'timeOff')
    return (
      <div className="entry entry-off">
        <span className="entry-time">{span(entry.start, entry.end, timeZone)}</span> Ausencia{entry.reason ? `: ${entry.reason}` : ''}
      </div>
    );
  const b = entry.booking;
  const status = STATUS[b.status];
  return (
    <article className={`entry entry-booking status-${b.status}`} aria-label={`${formatTime(b.start, timeZone)} ${b.customerFirstName}, ${b.serviceName}`}>
      <div className="entry-line">
        <span className="entry-time">{compact ? formatTime(b.start, timeZone) : span(b.start, b.end, timeZone)}</span>
        <strong>{b.customerFirstName}</strong>
      </div>
      <div className="entry-line">
        <span>{b.serviceName}</span>
        {compact ? null : <span className="muted">{formatCentavos(b.price.amountCents)}</span>}
      </div>
      <span className={`badge ${status.tone}`}>{status.label}</span>
      {b.status === 'pending' && b.holdExpiresAt && !compact ? <span className="muted small"> · vence {formatTime(b.holdExpiresAt, timeZone)} h</span> : null}
      {b.note && !compact ? <p className="muted small">Nota: {b.note}</p> : null}
      {compact ? null : <BookingActions booking={b} shopId={shopId} />}
    </article>
  );
}

function BookingActions({ booking, shopId }: { booking: Booking; shopId: string }) {
  const queryClient = useQueryClient();
  const [cancelling, setCancelling] = useState(false);
  const [reason, setReason] = useState('');
  const [done, setDone] = useState<string>();
  const reasonId = useId();
  const started = Date.parse(booking.start) <= Date.now();
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['provider', shopId] });

  const act = useMutation({
    mutationFn: async (action: 'complete' | 'no-show' | 'cancel') => {
      const params = { id: booking.id };
      if (action === 'complete') return api('POST /api/v1/bookings/{id}/complete', { params });
      if (action === 'no-show') return api('POST /api/v1/bookings/{id}/no-show', { params });
      return api('POST /api/v1/bookings/{id}/cancel', { params, body: reason.trim() ? { reason: reason.trim() } : {} });
    },
    onSuccess: (_data, action) => {
      setDone(action === 'complete' ? 'Turno marcado como realizado.' : action === 'no-show' ? 'Turno marcado como ausente.' : 'Turno cancelado.');
      setCancelling(false);
      void refresh();
    },
  });

  const canCloseOut = booking.status === 'confirmed' && started;
  const canCancel = (booking.status === 'confirmed' || booking.status === 'pending') && !started;
  return (
    <div className="entry-actions">
      <p className="visually-hidden" role="status" aria-live="polite">
        {done}
      </p>
      {act.isError ? (
        <p className="form-error" role="alert">
          {errorMessage(act.error)}
        </p>
      ) : null}
      {canCloseOut ? (
        <div className="row">
          <button type="button" className="button small" disabled={act.isPending} onClick={() => act.mutate('complete')}>
            Marcar realizado
          </button>
          <button type="button" className="button secondary small" disabled={act.isPending} onClick={() => act.mutate('no-show')}>
            Marcar ausente
          </button>
        </div>
      ) : null}
      {canCancel && !cancelling ? (
        <button type="button" className="button secondary small" onClick={() => setCancelling(true)}>
          Cancelar turno
        </button>
      ) : null}
      {cancelling ? (
        <div className="cancel-box" role="group" aria-label="Cancelar turno">
          <p className="small">
            La barbería puede cancelar hasta que empiece el turno. Si el cliente pagó una seña, se le devuelve completa por MercadoPago.
          </p>
          <label htmlFor={reasonId} className="field-label small">
            Motivo (lo ve el cliente)
          </label>
          <input id={reasonId} value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
          <div className="row">
            <button type="button" className="button danger small" disabled={act.isPending} onClick={() => act.mutate('cancel')}>
              Confirmar cancelación
            </button>
            <button type="button" className="button secondary small" onClick={() => setCancelling(false)}>
              Volver
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
}
