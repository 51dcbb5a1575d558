import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { GetShopsShopIdServicesResponse } from '../api/types.gen';
import { Empty, ErrorState, errorMessage, Field, Loading, PageTitle } from '../ui/components';
import { formatCentavos } from '../ui/format';
import { centavosToInput, parsePesos } from './money';
import { OwnerOnly, useShopContext } from './ProviderShell';

type Service = GetShopsShopIdServicesResponse[number];
type DepositKind = Service['deposit']['kind'];

export function depositLabel(s: Pick<Service, 'deposit'>): string {
  switch (s.deposit.kind) {
    case 'none':
      return 'Sin seña';
    case 'full':
      return 'Pago total por adelantado';
    case 'percent':
      return `Seña ${s.deposit.value}% (${formatCentavos(s.deposit.amount.amountCents)})`;
    case 'fixed':
      return `Seña ${formatCentavos(s.deposit.amount.amountCents)}`;
  }
}

export function ServicesPage() {
  const { shopId, role } = useShopContext();
  const services = useQuery({ queryKey: ['provider', shopId, 'services'], queryFn: () => api('GET /api/v1/shops/{shopId}/services', { params: { shopId } }), enabled: role === 'owner' });
  const [editing, setEditing] = useState<string | 'new' | null>(null);
  if (role !== 'owner') return <OwnerOnly />;

  return (
    <section>
      <PageTitle
        actions={
          editing === 'new' ? null : (
            <button type="button" className="button" onClick={() => setEditing('new')}>
              Agregar servicio
            </button>
          )
        }
      >
        Servicios y precios
      </PageTitle>
      {editing === 'new' ? <ServiceForm shopId={shopId} onDone={() => setEditing(null)} /> : null}
      {services.isPending ? (
        <Loading />
      ) : services.isError ? (
        <ErrorState error={services.error} onRetry={() => void services.refetch()} />
      ) : services.data.length === 0 ? (
        <Empty>Todavía no cargaste servicios. Agregá el primero para empezar a recibir turnos.</Empty>
      ) : (
        <ul className="service-list">
          {services.data.map((s) => (
            <li key={s.id} className="card">
              {editing === s.id ? (
                <ServiceForm shopId={shopId} service={s} onDone={() => setEditing(null)} />
              ) : (
                <div className="service-row">
                  <div>
                    <h2 className="service-name">
                      {s.name} {s.active ? null : <span className="badge danger">Retirado</span>}
                    </h2>
                    <p className="muted small">
                      {s.durationMinutes} min · {depositLabel(s)}
                      {s.bufferAfterMinutes ? ` · ${s.bufferAfterMinutes} min de preparación después` : ''}
                    </p>
                  </div>
                  <p className="service-price">{formatCentavos(s.price.amountCents)}</p>
                  <button type="button" className="button secondary" onClick={() => setEditing(s.id)} aria-label={`Editar ${s.name}`}>
                    Editar
                  </button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function ServiceForm({ shopId, service, onDone }: { shopId: string; service?: Service; onDone: () => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState(service?.name ?? '');
  const [description, setDescription] = useState(service?.description ?? '');
  const [duration, setDuration] = useState(String(service?.durationMinutes ?? 30));
  const [price, setPrice] = useState(service ? centavosToInput(service.price.amountCents) : '');
  const [depositKind, setDepositKind] = useState<DepositKind>(service?.deposit.kind ?? 'none');
  const [depositValue, setDepositValue] = useState(
    service?.deposit.kind === 'fixed' ? centavosToInput(service.deposit.value) : service?.deposit.kind === 'percent' ? String(service.deposit.value) : '',
  );
  const [bufferAfter, setBufferAfter] = useState(String(service?.bufferAfterMinutes ?? 0));
  const [active, setActive] = useState(service?.active ?? true);
  const [errors, setErrors] = useState<Record<string, string>>({});

  const save = useMutation({
    mutationFn: (body: { name: string; description: string; durationMinutes: number; priceCents: number; deposit: { kind: DepositKind; value: number }; bufferAfterMinutes: number; active: boolean }) => {
      if (service) return api('PATCH /api/v1/shops/{shopId}/services/{serviceId}', { params: { shopId, serviceId: service.id }, body });
      const { active: _active, ...create } = body;
      return api('POST /api/v1/shops/{shopId}/services', { params: { shopId }, body: create });
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['provider', shopId] });
      onDone();
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    const found: Record<string, string> = {};
    const priceCents = parsePesos(price);
    if (name.trim().length < 2) found.name = 'Poné un nombre de al menos 2 letras.';
    const minutes = Number(duration);
    if (!Number.isInteger(minutes) || minutes < 5 || minutes > 480) found.duration = 'La duración va de 5 a 480 minutos.';
    if (priceCents === null) found.price = 'Escribí el precio en pesos, por ejemplo 15.000 o 15000,50.';
    let value = 0;
    if (depositKind === 'fixed') {
      const cents = parsePesos(depositValue);
      if (cents === null || cents < 1 || (priceCents !== null && cents > priceCents)) found.deposit = 'La seña fija debe ser mayor a $ 0 y no superar el precio.';
      else value = cents;
    } else if (depositKind === 'percent') {
      const pct = Number(depositValue);
      if (!Number.isInteger(pct) || pct < 1 || pct > 100) found.deposit = 'El porcentaje de seña va de 1 a 100.';
      else value = pct;
    }
    const after = Number(bufferAfter);
    if (!Number.isInteger(after) || after < 0 || after > 120) found.bufferAfter = 'De 0 a 120 minutos.';
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    save.mutate({ name: name.trim(), description, durationMinutes: minutes, priceCents: priceCents!, deposit: { kind: depositKind, value }, bufferAfterMinutes: after, active });
  }

  return (
    <form className="form card service-form" onSubmit={submit} noValidate aria-label={service ? `Editar ${service.name}` : 'Nuevo servicio'}>
      <h2>{service ? `Editar ${service.name}` : 'Nuevo servicio'}</h2>
      <div className="form-grid">
        <Field label="Nombre" error={errors.name}>
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={80} required />
        </Field>
        <Field label="Precio ($)" hint="En pesos, con centavos si hace falta: 15.000,50" error={errors.price}>
          <input inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} required />
        </Field>
        <Field label="Duración (minutos)" error={errors.duration}>
          <input type="number" min={5} max={480} step={5} value={duration} onChange={(e) => setDuration(e.target.value)} required />
        </Field>
        <Field label="Preparación después (minutos)" error={errors.bufferAfter}>
          <input type="number" min={0} max={120} step={5} value={bufferAfter} onChange={(e) => setBufferAfter(e.target.value)} />
        </Field>
        <Field label="Seña para reservar">
          <select value={depositKind} onChange={(e) => setDepositKind(e.target.value as DepositKind)}>
            <option value="none">Sin seña</option>
            <option value="percent">Porcentaje del precio</option>
            <option value="fixed">Monto fijo</option>
            <option value="full">Pago total por adelantado</option>
          </select>
        </Field>
        {depositKind === 'percent' || depositKind === 'fixed' ? (
          <Field label={depositKind === 'percent' ? 'Porcentaje de seña (%)' : 'Monto de la seña ($)'} error={errors.deposit}>
            <input inputMode={depositKind === 'percent' ? 'numeric' : 'decimal'} value={depositValue} onChange={(e) => setDepositValue(e.target.value)} />
          </Field>
        ) : null}
      </div>
      <Field label="Descripción">
        <textarea value={description} maxLength={1000} rows={2} onChange={(e) => setDescription(e.target.value)} />
      </Field>
      {service ? (
        <label className="checkbox">
          <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} /> Se puede reservar (desmarcá para retirarlo)
        </label>
      ) : null}
      {save.isError ? (
        <p className="form-error" role="alert">
          {errorMessage(save.error)}
        </p>
      ) : null}
      <div className="row">
        <button type="submit" className="button" disabled={save.isPending}>
          {save.isPending ? 'Guardando…' : 'Guardar'}
        </button>
        <button type="button" className="button secondary" onClick={onDone}>
          Cancelar
        </button>
      </div>
    </form>
  );
}
