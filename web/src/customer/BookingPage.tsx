import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { api } from '../api/client';
import { ErrorState, Loading, errorMessage } from '../ui/components';
import { formatCentavos, formatDateTime, formatTime } from '../ui/format';
import { STATUS_LABELS, downloadFile, type Booking } from './shared';

/** How often a booking waiting for MercadoPago's notification is read again. */
const PAYMENT_POLL_MS = 1_500;
/** How often an unpaid hold is read again otherwise (the shop may confirm it, or it expires). */
const HOLD_POLL_MS = 15_000;
/**
 * MercadoPago's notification usually lands within seconds. After this long the page stops the
 * spinner and the fast polling and says what happens next, instead of spinning forever (the
 * server's reconciliation still picks the payment up if the notification never comes).
 */
const PAYMENT_WAIT_MS = 60_000;

export function useBooking(id: string | undefined, awaitingPayment = false) {
  return useQuery({
    queryKey: ['booking', id],
    queryFn: () => api('GET /api/v1/bookings/{id}', { params: { id: id! } }),
    enabled: Boolean(id),
    // A hold turns confirmed when MercadoPago's webhook lands (or expires): keep looking.
    refetchInterval: (query) => (query.state.data?.status === 'pending' ? (awaitingPayment ? PAYMENT_POLL_MS : HOLD_POLL_MS) : false),
  });
}

export function BookingPage() {
  const { id } = useParams();
  const [params] = useSearchParams();
  const backFromCheckout = params.get('pago') === 'aprobado' || params.get('pago') === 'pendiente';
  const [waitedTooLong, setWaitedTooLong] = useState(false);
  useEffect(() => {
    setWaitedTooLong(false);
    if (!backFromCheckout) return;
    const timer = setTimeout(() => setWaitedTooLong(true), PAYMENT_WAIT_MS);
    return () => clearTimeout(timer);
  }, [backFromCheckout, id]);
  const booking = useBooking(id, backFromCheckout && !waitedTooLong);
  if (booking.isPending) return <Loading label="Cargando tu turno…" />;
  if (booking.isError) return <ErrorState error={booking.error} onRetry={() => void booking.refetch()} />;
  return <BookingStatus booking={booking.data} waitedTooLong={waitedTooLong} refreshing={booking.isFetching} onRefresh={() => void booking.refetch()} />;
}

/** `waitedTooLong`: back from the checkout, and MercadoPago's notification has not come in time. */
function BookingStatus({ booking, waitedTooLong, refreshing, onRefresh }: { booking: Booking; waitedTooLong: boolean; refreshing: boolean; onRefresh(): void }) {
  const [params] = useSearchParams();
  const payment = params.get('pago');

  return (
    <div className="customer narrow">
      {booking.status === 'pending' ? (
        waitedTooLong ? (
          <div className="card" role="status" aria-live="polite">
            <h1>Tu pago todavía no se acreditó</h1>
            <p>
              {payment === 'aprobado' ? 'Mercado Pago aprobó el pago, pero su aviso todavía no nos llegó.' : 'Mercado Pago sigue procesando el pago.'} No vuelvas a
              pagar: en cuanto se acredite confirmamos tu turno y te avisamos por email.
            </p>
            {booking.holdExpiresAt ? <p>Te guardamos el horario hasta las {formatTime(booking.holdExpiresAt, booking.timezone)} h.</p> : null}
            <button type="button" className="button secondary" disabled={refreshing} onClick={onRefresh}>
              {refreshing ? 'Consultando…' : 'Consultar de nuevo'}
            </button>
          </div>
        ) : payment === 'aprobado' || payment === 'pendiente' ? (
          <div className="card" role="status" aria-live="polite">
            <h1>Estamos confirmando tu pago</h1>
            <p>
              <span className="spinner" aria-hidden="true" />
              {payment === 'aprobado' ? 'Mercado Pago aprobó el pago; en unos segundos se confirma tu turno.' : 'Mercado Pago está procesando el pago. Te avisamos cuando se acredite.'}
            </p>
          </div>
        ) : (
          <PayDeposit booking={booking} onExpired={onRefresh} rejected={payment === 'rechazado'} />
        )
      ) : booking.status === 'confirmed' ? (
        <div className="card success-card" role="status">
          <h1>¡Turno confirmado!</h1>
          <p>Te esperamos. También te lo mandamos por email.</p>
        </div>
      ) : booking.status === 'expired' ? (
        <div className="card alert-card" role="alert">
          <h1>La reserva venció</h1>
          <p>{payment === 'rechazado' ? 'Mercado Pago rechazó el pago y liberamos el horario.' : 'No se pagó la seña a tiempo y el horario se liberó.'}</p>
          <p>
            <Link className="button" to={`/barberias/${booking.shopId}/reservar?servicio=${booking.serviceId}`}>
              Elegir otro horario
            </Link>
          </p>
        </div>
      ) : (
        <h1>Turno: {STATUS_LABELS[booking.status].toLowerCase()}</h1>
      )}

      <BookingSummary booking={booking} />

      {booking.status === 'confirmed' ? <CalendarButton booking={booking} /> : null}
      <p>
        <Link to="/mis-turnos">Ver mis turnos</Link>
      </p>
    </div>
  );
}

export function BookingSummary({ booking }: { booking: Booking }) {
  return (
    <dl className="summary card">
      <div>
        <dt>Barbería</dt>
        <dd>{booking.shopName}</dd>
      </div>
      <div>
        <dt>Servicio</dt>
        <dd>{booking.serviceName}</dd>
      </div>
      <div>
        <dt>Barbero</dt>
        <dd>{booking.barberName}</dd>
      </div>
      <div>
        <dt>Cuándo</dt>
        <dd>{formatDateTime(booking.start, booking.timezone)}</dd>
      </div>
      <div>
        <dt>Precio</dt>
        <dd>{formatCentavos(booking.price.amountCents)}</dd>
      </div>
      {booking.deposit.amountCents > 0 ? (
        <div>
          <dt>Seña</dt>
          <dd>{formatCentavos(booking.deposit.amountCents)}</dd>
        </div>
      ) : null}
      <div>
        <dt>Estado</dt>
        <dd>{STATUS_LABELS[booking.status]}</dd>
      </div>
    </dl>
  );
}

export function CalendarButton({ booking }: { booking: Booking }) {
  const download = useMutation({ mutationFn: () => downloadFile(`/api/v1/bookings/${booking.id}/calendar.ics`, 'turno.ics') });
  return (
    <div>
      <button type="button" className="button secondary" disabled={download.isPending} onClick={() => download.mutate()}>
        Agregar al calendario
      </button>
      {download.isError ? (
        <p className="form-error" role="alert">
          {errorMessage(download.error)}
        </p>
      ) : null}
    </div>
  );
}

function remainingSeconds(expiresAt: string | null): number {
  if (!expiresAt) return 0;
  return Math.max(0, Math.ceil((new Date(expiresAt).getTime() - Date.now()) / 1000));
}

function PayDeposit({ booking, onExpired, rejected }: { booking: Booking; onExpired(): void; rejected: boolean }) {
  const [left, setLeft] = useState(() => remainingSeconds(booking.holdExpiresAt));
  useEffect(() => {
    const timer = setInterval(() => {
      const s = remainingSeconds(booking.holdExpiresAt);
      setLeft(s);
      if (s === 0) {
        clearInterval(timer);
        onExpired();
      }
    }, 1000);
    return () => clearInterval(timer);
  }, [booking.holdExpiresAt, onExpired]);

  const checkout = useMutation({
    mutationFn: () => api('POST /api/v1/bookings/{id}/checkout', { params: { id: booking.id } }),
    onSuccess: (c) => window.location.assign(c.checkoutUrl),
  });

  const minutes = Math.floor(left / 60);
  const seconds = String(left % 60).padStart(2, '0');
  return (
    <div className="card">
      <h1>Te guardamos el turno</h1>
      {rejected ? (
        <p className="form-error" role="alert">
          Mercado Pago rechazó el pago. Probá con otra tarjeta antes de que venza la reserva.
        </p>
      ) : null}
      <p>
        Pagá la seña de <strong>{formatCentavos(booking.deposit.amountCents)}</strong> para confirmarlo.
      </p>
      <p className="countdown" role="timer" aria-label={`Tiempo para pagar: ${minutes} minutos ${seconds} segundos`}>
        Tiempo para pagar: <strong>{`${minutes}:${seconds}`}</strong>
      </p>
      <button type="button" className="button wide" disabled={checkout.isPending || left === 0} onClick={() => checkout.mutate()}>
        {checkout.isPending ? 'Abriendo Mercado Pago…' : `Pagar ${formatCentavos(booking.deposit.amountCents)} con Mercado Pago`}
      </button>
      {checkout.isError ? (
        <p className="form-error" role="alert">
          {errorMessage(checkout.error)}
        </p>
      ) : null}
    </div>
  );
}
