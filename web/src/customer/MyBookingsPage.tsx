import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api } from '../api/client';
import { Empty, ErrorState, Field, PageTitle, errorMessage } from '../ui/components';
import { formatDateTime, formatTime, localDate } from '../ui/format';
import { CalendarButton } from './BookingPage';
import { useShop } from './ShopPage';
import { SlotPicker, formatDay } from './SlotPicker';
import { STATUS_LABELS, alternativesOf, downloadFile, formatDuration, type Booking, type Slot } from './shared';

const LIVE: ReadonlySet<Booking['status']> = new Set(['pending', 'confirmed']);

export function MyBookingsPage() {
  const bookings = useQuery({ queryKey: ['bookings', 'mine'], queryFn: () => api('GET /api/v1/bookings', { query: { pageSize: 100 } }) });
  const now = Date.now();
  const items = bookings.data?.items ?? [];
  const upcoming = items.filter((b) => LIVE.has(b.status) && new Date(b.end).getTime() > now).sort((a, b) => a.start.localeCompare(b.start));
  const past = items.filter((b) => !upcoming.includes(b));

  return (
    <div className="customer">
      <PageTitle
        actions={
          <Link className="button secondary" to="/">
            Reservar otro turno
          </Link>
        }
      >
        Mis turnos
      </PageTitle>
      {bookings.isPending ? (
        <div className="stack" aria-busy="true" aria-label="Cargando tus turnos">
          <div className="card skeleton-card" />
          <div className="card skeleton-card" />
        </div>
      ) : bookings.isError ? (
        <ErrorState error={bookings.error} onRetry={() => void bookings.refetch()} />
      ) : (
        <>
          <section aria-labelledby="upcoming-title">
            <h2 id="upcoming-title">Próximos</h2>
            {upcoming.length === 0 ? (
              <Empty>
                No tenés turnos próximos. <Link to="/">Buscá una barbería</Link>
              </Empty>
            ) : (
              <ul className="stack booking-list">
                {upcoming.map((b) => (
                  <BookingCard key={b.id} booking={b} />
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="past-title">
            <h2 id="past-title">Anteriores</h2>
            {past.length === 0 ? (
              <Empty>Todavía no tenés turnos anteriores.</Empty>
            ) : (
              <ul className="stack booking-list">
                {past.map((b) => (
                  <BookingCard key={b.id} booking={b} />
                ))}
              </ul>
            )}
          </section>
        </>
      )}
    </div>
  );
}

type Panel = 'none' | 'cancel' | 'reschedule';

function BookingCard({ booking }: { booking: Booking }) {
  const [panel, setPanel] = useState<Panel>('none');
  const upcoming = LIVE.has(booking.status) && new Date(booking.start).getTime() > Date.now();
  const title = `${booking.serviceName} en ${booking.shopName}`;
  return (
    <li className="card booking-card" aria-label={title}>
      <div className="booking-card-head">
        <h3>{title}</h3>
        <span className={`badge${booking.status === 'pending' ? ' warning' : booking.status === 'cancelled' || booking.status === 'expired' || booking.status === 'no_show' ? ' danger' : ''}`}>
          {STATUS_LABELS[booking.status]}
        </span>
      </div>
      <p>
        {formatDateTime(booking.start, booking.timezone)} · con {booking.barberName}
      </p>
      {booking.cancellation ? (
        <p className="muted small">
          Cancelado {booking.cancellation.byCustomer ? 'por vos' : 'por la barbería'}
          {booking.cancellation.late ? ' fuera del plazo sin cargo' : ''}.
        </p>
      ) : null}
      <div className="row actions">
        {booking.status === 'pending' && upcoming ? (
          <Link className="button" to={`/reservas/${booking.id}`}>
            Pagar la seña
          </Link>
        ) : null}
        {booking.status === 'confirmed' ? <CalendarButton booking={booking} /> : null}
        {upcoming ? (
          <>
            <button type="button" className="button secondary" aria-expanded={panel === 'reschedule'} onClick={() => setPanel(panel === 'reschedule' ? 'none' : 'reschedule')}>
              Reprogramar
            </button>
            <button type="button" className="button secondary danger-text" aria-expanded={panel === 'cancel'} onClick={() => setPanel(panel === 'cancel' ? 'none' : 'cancel')}>
              Cancelar turno
            </button>
          </>
        ) : null}
        {/* The deposit is invoiced when it is paid; the visit itself, by the shop. */}
        {booking.status === 'completed' || (booking.status === 'confirmed' && booking.deposit.amountCents > 0) ? <InvoiceButton booking={booking} /> : null}
      </div>
      {panel === 'cancel' ? <CancelPanel booking={booking} onDone={() => setPanel('none')} /> : null}
      {panel === 'reschedule' ? <ReschedulePanel booking={booking} onDone={() => setPanel('none')} /> : null}
      {booking.status === 'completed' && !booking.reviewed ? <ReviewForm booking={booking} /> : null}
      {booking.status === 'completed' && booking.reviewed ? <p className="muted small">Ya dejaste tu opinión. ¡Gracias!</p> : null}
    </li>
  );
}

function useRefreshBookings() {
  const queryClient = useQueryClient();
  return (booking?: Booking) => {
    if (booking) queryClient.setQueryData(['booking', booking.id], booking);
    return queryClient.invalidateQueries({ queryKey: ['bookings'] });
  };
}

function CancelPanel({ booking, onDone }: { booking: Booking; onDone(): void }) {
  const shop = useShop(booking.shopId);
  const refresh = useRefreshBookings();
  const cancel = useMutation({
    mutationFn: () => api('POST /api/v1/bookings/{id}/cancel', { params: { id: booking.id }, body: {} }),
    onSuccess: async (b) => {
      await refresh(b);
      onDone();
    },
  });
  const cutoff = shop.data?.policies.cancellationCutoffMinutes;
  const freeUntil = cutoff !== undefined ? new Date(new Date(booking.start).getTime() - cutoff * 60_000) : undefined;
  return (
    <div className="panel" role="region" aria-label="Cancelar turno">
      <p>
        {freeUntil
          ? freeUntil.getTime() > Date.now()
            ? `Podés cancelar sin cargo hasta el ${formatDateTime(freeUntil.toISOString(), booking.timezone)} (${formatDuration(cutoff!)} antes).`
            : `Ya pasó el plazo para cancelar sin cargo (${formatDuration(cutoff!)} antes del turno).`
          : 'La barbería define hasta cuándo se puede cancelar sin cargo.'}
      </p>
      {cancel.isError ? (
        <p className="form-error" role="alert">
          {errorMessage(cancel.error)}
        </p>
      ) : null}
      <div className="row">
        <button type="button" className="button danger" disabled={cancel.isPending} onClick={() => cancel.mutate()}>
          {cancel.isPending ? 'Cancelando…' : 'Sí, cancelar el turno'}
        </button>
        <button type="button" className="button secondary" onClick={onDone}>
          No, volver
        </button>
      </div>
    </div>
  );
}

function ReschedulePanel({ booking, onDone }: { booking: Booking; onDone(): void }) {
  const shop = useShop(booking.shopId);
  const refresh = useRefreshBookings();
  const [day, setDay] = useState<string>();
  const [slot, setSlot] = useState<Slot>();
  const move = useMutation({
    mutationFn: (to: Slot) => api('POST /api/v1/bookings/{id}/reschedule', { params: { id: booking.id }, body: { start: to.start, barberId: to.barberId } }),
    onSuccess: async (b) => {
      await refresh(b);
      onDone();
    },
  });
  const alternatives = alternativesOf(move.error);
  return (
    <div className="panel" role="region" aria-label="Reprogramar turno">
      {shop.isPending ? (
        <p className="muted">Cargando…</p>
      ) : shop.isError ? (
        <ErrorState error={shop.error} />
      ) : (
        <>
          <p>Elegí el nuevo día y horario con {booking.barberName}:</p>
          <SlotPicker
            shopId={booking.shopId}
            serviceId={booking.serviceId}
            barberId={booking.barberId}
            timezone={booking.timezone}
            horizonDays={shop.data.policies.bookingHorizonDays}
            day={day}
            onDayChange={setDay}
            selectedStart={slot?.start}
            onSelect={setSlot}
            excludeStart={booking.start}
          />
        </>
      )}
      {move.isError ? (
        <div role="alert">
          <p className="form-error">{errorMessage(move.error)}</p>
          {alternatives.length > 0 ? (
            <ul className="choice-list" aria-label="Horarios alternativos">
              {alternatives.map((alt) => (
                <li key={`${alt.start}-${alt.barberId}`}>
                  <button type="button" className="choice" onClick={() => move.mutate(alt)}>
                    {formatDay(localDate(new Date(alt.start), booking.timezone), 'long')}, {formatTime(alt.start, booking.timezone)} h
                  </button>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <div className="row">
        <button type="button" className="button" disabled={!slot || move.isPending} onClick={() => slot && move.mutate(slot)}>
          {move.isPending ? 'Reprogramando…' : slot ? `Pasar al ${formatDay(localDate(new Date(slot.start), booking.timezone), 'long')}, ${formatTime(slot.start, booking.timezone)} h` : 'Elegí un horario'}
        </button>
        <button type="button" className="button secondary" onClick={onDone}>
          Volver
        </button>
      </div>
    </div>
  );
}

function InvoiceButton({ booking }: { booking: Booking }) {
  const [message, setMessage] = useState<string>();
  const download = useMutation({
    mutationFn: async () => {
      setMessage(undefined);
      const { items } = await api('GET /api/v1/bookings/{id}/invoices', { params: { id: booking.id } });
      const invoices = items.filter((i) => i.kind === 'invoice');
      const authorized = invoices.find((i) => i.status === 'authorized');
      if (!authorized) {
        setMessage(invoices.length ? 'La factura todavía se está emitiendo en AFIP. Probá de nuevo en unos minutos.' : 'Este turno no tiene factura.');
        return;
      }
      await downloadFile(`/api/v1/invoices/${authorized.id}/pdf`, `factura-${authorized.formattedNumber ?? authorized.id}.pdf`);
    },
  });
  return (
    <div>
      <button type="button" className="button secondary" disabled={download.isPending} onClick={() => download.mutate()}>
        {download.isPending ? 'Descargando…' : 'Descargar factura'}
      </button>
      {message ? (
        <p className="muted small" role="status">
          {message}
        </p>
      ) : null}
      {download.isError ? (
        <p className="form-error" role="alert">
          {errorMessage(download.error)}
        </p>
      ) : null}
    </div>
  );
}

function ReviewForm({ booking }: { booking: Booking }) {
  const refresh = useRefreshBookings();
  const [rating, setRating] = useState(0);
  const [comment, setComment] = useState('');
  const [missing, setMissing] = useState(false);
  const review = useMutation({
    mutationFn: () => api('POST /api/v1/bookings/{id}/review', { params: { id: booking.id }, body: { rating, comment } }),
    onSuccess: () => refresh(),
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (rating === 0) {
      setMissing(true);
      return;
    }
    review.mutate();
  }

  return (
    <form className="form panel" onSubmit={submit} aria-label={`Opinar sobre ${booking.serviceName} en ${booking.shopName}`}>
      <fieldset className="stars-input">
        <legend>¿Cómo te fue con {booking.barberName}?</legend>
        {[1, 2, 3, 4, 5].map((n) => (
          <label key={n} className={n <= rating ? 'on' : ''}>
            <input
              type="radio"
              name={`rating-${booking.id}`}
              value={n}
              checked={rating === n}
              onChange={() => {
                setRating(n);
                setMissing(false);
              }}
              aria-label={`${n} ${n === 1 ? 'estrella' : 'estrellas'}`}
            />
            <span aria-hidden="true">★</span>
          </label>
        ))}
      </fieldset>
      {missing ? (
        <p className="form-error" role="alert">
          Elegí de 1 a 5 estrellas.
        </p>
      ) : null}
      <Field label="Comentario (opcional)">
        <textarea value={comment} onChange={(e) => setComment(e.target.value)} maxLength={2000} rows={3} />
      </Field>
      {review.isError ? (
        <p className="form-error" role="alert">
          {errorMessage(review.error)}
        </p>
      ) : null}
      <button type="submit" className="button" disabled={review.isPending}>
        {review.isPending ? 'Enviando…' : 'Enviar opinión'}
      </button>
    </form>
  );
}

