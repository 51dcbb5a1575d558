import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { Link, useLocation, useNavigate, useParams, useSearchParams } from 'react-router';
import { api } from '../api/client';
import { useAuth } from '../auth/session';
import { Empty, ErrorState, Loading, errorMessage } from '../ui/components';
import { formatCentavos, formatTime, localDate } from '../ui/format';
import { useShop } from './ShopPage';
import { SlotPicker, formatDay } from './SlotPicker';
import { ANY_BARBER, alternativesOf, formatDuration, newIdempotencyKey, type Shop, type ShopService, type Slot } from './shared';

const STEPS = ['Servicio', 'Barbero', 'Día y horario', 'Confirmar y pagar'] as const;

/** Booking in four steps, each one's choice kept in the address so back and reload work. */
export function BookingFlow() {
  const { shopId } = useParams();
  const shop = useShop(shopId);
  if (shop.isPending) return <Loading label="Cargando la barbería…" />;
  if (shop.isError) return <ErrorState error={shop.error} onRetry={() => void shop.refetch()} />;
  return <Flow shop={shop.data} />;
}

function Flow({ shop }: { shop: Shop }) {
  const [params, setParams] = useSearchParams();
  const services = shop.services.filter((s) => s.active);
  const service = services.find((s) => s.id === params.get('servicio'));
  const barberParam = params.get('barbero');
  const barbers = shop.barbers.filter((b) => b.active && (!service || b.serviceIds.length === 0 || b.serviceIds.includes(service.id)));
  const barber = barberParam === ANY_BARBER ? ANY_BARBER : barbers.find((b) => b.id === barberParam);
  const start = params.get('hora') ?? undefined;
  const step = !service ? 0 : !barber ? 1 : !start ? 2 : 3;

  // Each step replaces the last one in place: move focus to its heading so keyboard and
  // screen-reader users continue from the new step, not from a button that disappeared.
  const stepHeading = useRef<HTMLHeadingElement>(null);
  const shownStep = useRef(step);
  useEffect(() => {
    if (shownStep.current !== step) stepHeading.current?.focus();
    shownStep.current = step;
  }, [step]);

  function choose(changes: Record<string, string | null>) {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) next.delete(k);
      else next.set(k, v);
    }
    setParams(next);
  }

  const back: Record<number, Record<string, null>> = {
    1: { servicio: null, barbero: null, dia: null, hora: null },
    2: { barbero: null, dia: null, hora: null },
    3: { hora: null },
  };

  return (
    <div className="customer booking-flow">
      <p>
        <Link to={`/barberias/${shop.id}`}>← {shop.name}</Link>
      </p>
      <h1>Reservar en {shop.name}</h1>
      <ol className="steps" aria-label="Pasos de la reserva">
        {STEPS.map((label, i) => (
          <li key={label} className={i === step ? 'current' : i < step ? 'done' : ''} aria-current={i === step ? 'step' : undefined}>
            <span className="step-number">{i + 1}</span> <span className="step-label">{label}</span>
          </li>
        ))}
      </ol>
      <section className="card step-card" aria-labelledby="step-title">
        <h2 id="step-title" ref={stepHeading} tabIndex={-1}>
          Paso {step + 1} de 4: {STEPS[step]}
        </h2>
        {step === 0 ? (
          services.length === 0 ? (
            <Empty>Esta barbería todavía no publicó servicios.</Empty>
          ) : (
            <ul className="choice-list">
              {services.map((s) => (
                <li key={s.id}>
                  <button type="button" className="choice" onClick={() => choose({ servicio: s.id })}>
                    <span className="choice-title">{s.name}</span>
                    <span className="muted">
                      {formatCentavos(s.price.amountCents)} · {formatDuration(s.durationMinutes)}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )
        ) : null}

        {step === 1 ? (
          <ul className="choice-list">
            <li>
              <button type="button" className="choice" onClick={() => choose({ barbero: ANY_BARBER })}>
                <span className="choice-title">Cualquiera</span>
                <span className="muted">El primero que esté libre: más horarios para elegir</span>
              </button>
            </li>
            {barbers.map((b) => (
              <li key={b.id}>
                <button type="button" className="choice" onClick={() => choose({ barbero: b.id })}>
                  <span className="choice-title">{b.displayName}</span>
                  {b.bio ? <span className="muted">{b.bio}</span> : null}
                </button>
              </li>
            ))}
          </ul>
        ) : null}

        {step === 2 && service ? (
          <SlotPicker
            shopId={shop.id}
            serviceId={service.id}
            barberId={barber === ANY_BARBER ? undefined : barber?.id}
            timezone={shop.timezone}
            horizonDays={shop.policies.bookingHorizonDays}
            day={params.get('dia') ?? undefined}
            onDayChange={(d) => choose({ dia: d })}
            onSelect={(slot) => choose({ hora: slot.start, dia: localDate(new Date(slot.start), shop.timezone) })}
          />
        ) : null}

        {step === 3 && service && start ? (
          <Confirm shop={shop} service={service} barberId={barber === ANY_BARBER ? undefined : barber?.id} barberName={barber === ANY_BARBER ? undefined : barber?.displayName} start={start} />
        ) : null}

        {step > 0 ? (
          <p>
            <button type="button" className="linklike" onClick={() => choose(back[step]!)}>
              ← Volver al paso anterior
            </button>
          </p>
        ) : null}
      </section>
    </div>
  );
}

function Confirm({ shop, service, barberId, barberName, start }: { shop: Shop; service: ShopService; barberId: string | undefined; barberName: string | undefined; start: string }) {
  const { user } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  // One key per chosen slot: a retry after a network error replays, never books twice.
  const keys = useRef(new Map<string, string>());
  const deposit = service.deposit.amount.amountCents;

  const book = useMutation({
    mutationFn: (slot: { start: string; barberId: string | undefined }) => {
      const id = `${slot.start}|${slot.barberId ?? ANY_BARBER}`;
      if (!keys.current.has(id)) keys.current.set(id, newIdempotencyKey());
      return api('POST /api/v1/bookings', {
        body: { shopId: shop.id, serviceId: service.id, start: slot.start, ...(slot.barberId ? { barberId: slot.barberId } : {}) },
        idempotencyKey: keys.current.get(id),
      });
    },
    onSuccess: (booking) => {
      queryClient.setQueryData(['booking', booking.id], booking);
      void queryClient.invalidateQueries({ queryKey: ['bookings'] });
      void queryClient.invalidateQueries({ queryKey: ['availability', shop.id] });
      navigate(`/reservas/${booking.id}`);
    },
  });

  const alternatives = alternativesOf(book.error);
  const back = encodeURIComponent(location.pathname + location.search);

  return (
    <div className="stack">
      <dl className="summary">
        <div>
          <dt>Servicio</dt>
          <dd>
            {service.name} ({formatDuration(service.durationMinutes)})
          </dd>
        </div>
        <div>
          <dt>Barbero</dt>
          <dd>{barberName ?? 'Cualquiera (el primero libre)'}</dd>
        </div>
        <div>
          <dt>Día y hora</dt>
          <dd>
            {formatDay(localDate(new Date(start), shop.timezone), 'long')}, {formatTime(start, shop.timezone)} h
          </dd>
        </div>
        <div>
          <dt>Dónde</dt>
          <dd>
            {shop.address}, {shop.city}
          </dd>
        </div>
        <div>
          <dt>Precio</dt>
          <dd>{formatCentavos(service.price.amountCents)}</dd>
        </div>
        {deposit > 0 ? (
          <div>
            <dt>Seña ahora</dt>
            <dd>
              <strong>{formatCentavos(deposit)}</strong> con Mercado Pago; el resto en la barbería
            </dd>
          </div>
        ) : null}
      </dl>
      {deposit > 0 ? (
        <p className="muted small">Te guardamos el horario {shop.policies.holdMinutes} minutos mientras pagás la seña.</p>
      ) : null}

      {user === undefined ? (
        <Loading />
      ) : user === null ? (
        <div className="card notice">
          <p>Para reservar necesitás una cuenta. Es gratis y tarda unos segundos.</p>
          <div className="row">
            <Link className="button" to={`/registrarse?volver=${back}`}>
              Crear cuenta
            </Link>
            <Link className="button secondary" to={`/ingresar?volver=${back}`}>
              Ya tengo cuenta
            </Link>
          </div>
        </div>
      ) : user.role !== 'customer' ? (
        <p className="form-error" role="alert">
          Ingresaste con una cuenta de {user.role === 'provider' ? 'barbería' : 'operaciones'}. Para reservar, ingresá con una cuenta de cliente.
        </p>
      ) : (
        <>
          {book.isError ? (
            <div className="card alert-card" role="alert">
              <p>{errorMessage(book.error)}</p>
              {alternatives.length > 0 ? <p>Tocá uno de estos horarios para reservarlo:</p> : null}
            </div>
          ) : null}
          {alternatives.length > 0 ? (
            <ul className="choice-list" aria-label="Horarios alternativos">
              {alternatives.map((alt: Slot) => (
                <li key={`${alt.start}-${alt.barberId}`}>
                  <button type="button" className="choice" disabled={book.isPending} onClick={() => book.mutate({ start: alt.start, barberId: barberId ? alt.barberId : undefined })}>
                    <span className="choice-title">
                      {formatDay(localDate(new Date(alt.start), shop.timezone), 'long')}, {formatTime(alt.start, shop.timezone)} h
                    </span>
                    <span className="muted">{barberId ? `con ${shop.barbers.find((b) => b.id === alt.barberId)?.displayName ?? 'el mismo barbero'}` : 'con el primero libre'}</span>
                  </button>
                </li>
              ))}
            </ul>
          ) : (
            <button type="button" className="button wide" disabled={book.isPending} onClick={() => book.mutate({ start, barberId })}>
              {book.isPending ? 'Reservando…' : deposit > 0 ? `Reservar y pagar la seña de ${formatCentavos(deposit)}` : 'Confirmar turno'}
            </button>
          )}
        </>
      )}
    </div>
  );
}
