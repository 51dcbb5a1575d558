import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, ApiError } from '../api/client';
import type { GetShopsShopIdFiscalSettingsResponse, PutShopsShopIdFiscalSettingsBody } from '../api/types.gen';
import { ErrorState, errorMessage, Field, Loading, PageTitle } from '../ui/components';
import { formatDate, formatDateTime } from '../ui/format';
import { OwnerOnly, useShopContext } from './ProviderShell';
import { depositLabel } from './ServicesPage';
import { SaveActions } from './SaveActions';

export function SettingsPage() {
  const { role } = useShopContext();
  if (role !== 'owner') return <OwnerOnly />;
  return (
    <section>
      <PageTitle>Ajustes de la barbería</PageTitle>
      <div className="grid two">
        <PoliciesForm />
        <TaxIdentityForm />
        <DepositsSummary />
        <MercadoPagoCard />
      </div>
      <FiscalSettingsForm />
    </section>
  );
}

function useSaved() {
  const [saved, setSaved] = useState('');
  return [saved, setSaved] as const;
}

function PoliciesForm() {
  const { shopId, shop } = useShopContext();
  const queryClient = useQueryClient();
  const [hours, setHours] = useState(String(shop.policies.cancellationCutoffMinutes / 60));
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useSaved();
  const save = useMutation({
    mutationFn: (minutes: number) => api('PATCH /api/v1/shops/{shopId}', { params: { shopId }, body: { cancellationCutoffMinutes: minutes } }),
    // The PATCH answers with the updated shop; the public GET may sit in the browser's
    // HTTP cache for a minute (it is shared-cacheable), so the answer is kept directly.
    onSuccess: (data) => {
      setSaved('Política guardada.');
      queryClient.setQueryData(['provider', shopId, 'shop'], data);
    },
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    const value = Number(hours.replace(',', '.'));
    const minutes = Math.round(value * 60);
    if (!Number.isFinite(value) || minutes < 0 || minutes > 20_160) return setError('Entre 0 y 336 horas (14 días).');
    setError(undefined);
    save.mutate(minutes);
  }
  return (
    <form className="card form" onSubmit={submit} noValidate aria-labelledby="policies-title">
      <h2 id="policies-title">Cancelaciones</h2>
      <Field label="Plazo para cancelar sin cargo (horas antes del turno)" hint="Después de ese plazo, si el cliente cancela, la seña queda para la barbería." error={error}>
        <input inputMode="decimal" value={hours} onChange={(e) => setHours(e.target.value)} />
      </Field>
      <SaveActions mutation={save} status={saved} label="Guardar" />
    </form>
  );
}

function TaxIdentityForm() {
  const { shopId, shop } = useShopContext();
  const queryClient = useQueryClient();
  const [cuit, setCuit] = useState(shop.cuit);
  const [taxCondition, setTaxCondition] = useState(shop.taxCondition);
  const [saved, setSaved] = useSaved();
  const save = useMutation({
    mutationFn: () => api('PATCH /api/v1/shops/{shopId}', { params: { shopId }, body: { cuit, taxCondition } }),
    onSuccess: (data) => {
      setSaved('Datos fiscales guardados.');
      queryClient.setQueryData(['provider', shopId, 'shop'], data);
    },
  });
  const fieldErrors = save.error instanceof ApiError ? (save.error.problem.errors as Array<{ path: string; message: string }> | undefined) : undefined;
  return (
    <form
      className="card form"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
      noValidate
      aria-labelledby="tax-title"
    >
      <h2 id="tax-title">Datos fiscales</h2>
      <Field label="CUIT" hint="11 dígitos, con o sin guiones" error={fieldErrors?.find((f) => f.path.includes('cuit'))?.message}>
        <input inputMode="numeric" value={cuit} onChange={(e) => setCuit(e.target.value)} />
      </Field>
      <Field label="Condición frente al IVA">
        <select value={taxCondition} onChange={(e) => setTaxCondition(e.target.value as typeof taxCondition)}>
          <option value="monotributo">Monotributo (factura C)</option>
          <option value="responsable_inscripto">Responsable inscripto (factura A o B)</option>
        </select>
      </Field>
      <SaveActions mutation={save} status={saved} label="Guardar" />
    </form>
  );
}

function DepositsSummary() {
  const { shopId } = useShopContext();
  // The management list (never cached by the browser), so a deposit just changed shows here.
  const services = useQuery({ queryKey: ['provider', shopId, 'services'], queryFn: () => api('GET /api/v1/shops/{shopId}/services', { params: { shopId } }) });
  return (
    <section className="card" aria-labelledby="deposits-title">
      <h2 id="deposits-title">Señas</h2>
      <p className="muted small">La seña se define por servicio y se cobra con MercadoPago al reservar.</p>
      {services.isPending ? (
        <Loading />
      ) : services.isError ? (
        <ErrorState error={services.error} onRetry={() => void services.refetch()} />
      ) : (
        <ul className="plain-list">
          {services.data
            .filter((s) => s.active)
            .map((s) => (
              <li key={s.id}>
                {s.name}: {depositLabel(s)}
              </li>
            ))}
        </ul>
      )}
      <Link to={`/panel/${shopId}/servicios`}>Cambiar señas en Servicios y precios</Link>
    </section>
  );
}

const MP_STATUS: Record<string, string> = {
  unlinked: 'Sin vincular',
  linked: 'Vinculada',
  revoked: 'Desvinculada desde MercadoPago',
  refresh_failed: 'La vinculación venció: volvé a vincular',
};

function MercadoPagoCard() {
  const { shopId, shop } = useShopContext();
  const status = useQuery({ queryKey: ['provider', shopId, 'mercadopago'], queryFn: () => api('GET /api/v1/shops/{shopId}/mercadopago', { params: { shopId } }) });
  const connect = useMutation({
    mutationFn: () => api('GET /api/v1/shops/{shopId}/mercadopago/authorization', { params: { shopId } }),
    onSuccess: ({ authorizationUrl }) => window.location.assign(authorizationUrl),
  });
  return (
    <section className="card" aria-labelledby="mp-title">
      <h2 id="mp-title">MercadoPago</h2>
      {status.isPending ? (
        <Loading />
      ) : status.isError ? (
        <ErrorState error={status.error} onRetry={() => void status.refetch()} />
      ) : (
        <>
          <p>
            Cuenta: <span className={`badge ${status.data.status === 'linked' ? 'ok' : 'warning'}`}>{MP_STATUS[status.data.status]}</span>
          </p>
          {status.data.linkedAt ? <p className="muted small">Última vinculación: {formatDateTime(status.data.linkedAt, shop.timezone)}</p> : null}
          <p className="muted small">Las señas se cobran en tu cuenta de MercadoPago; BarberPro retiene su comisión en cada cobro.</p>
          {status.data.configured ? (
            <button type="button" className="button" disabled={connect.isPending} onClick={() => connect.mutate()}>
              {status.data.status === 'linked' ? 'Volver a vincular MercadoPago' : 'Vincular MercadoPago'}
            </button>
          ) : (
            <p className="state-error small" role="note">
              La vinculación con MercadoPago no está habilitada en este servidor.
            </p>
          )}
          {connect.isError ? (
            <p className="form-error" role="alert">
              {errorMessage(connect.error)}
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}

function FiscalSettingsForm() {
  const { shopId, shop } = useShopContext();
  const queryClient = useQueryClient();
  const current = useQuery({
    queryKey: ['provider', shopId, 'fiscal'],
    queryFn: async (): Promise<GetShopsShopIdFiscalSettingsResponse | null> => {
      try {
        return await api('GET /api/v1/shops/{shopId}/fiscal-settings', { params: { shopId } });
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null; // not configured yet
        throw e;
      }
    },
  });
  if (current.isPending) return <Loading label="Cargando facturación…" />;
  if (current.isError) return <ErrorState error={current.error} onRetry={() => void current.refetch()} />;
  return <FiscalForm key={current.data?.updatedAt ?? 'new'} shopId={shopId} timeZone={shop.timezone} taxCondition={shop.taxCondition} current={current.data} onSaved={() => void queryClient.invalidateQueries({ queryKey: ['provider', shopId, 'fiscal'] })} />;
}

function FiscalForm({ shopId, timeZone, current, taxCondition, onSaved }: { shopId: string; timeZone: string; current: GetShopsShopIdFiscalSettingsResponse | null; taxCondition: string; onSaved: () => void }) {
  const [form, setForm] = useState({
    pointOfSale: String(current?.pointOfSale ?? ''),
    businessName: current?.businessName ?? '',
    grossIncomeRegistration: current?.grossIncomeRegistration ?? '',
    activityStartDate: current?.activityStartDate ?? '',
    environment: current?.environment ?? 'homologation',
    certificatePem: '',
    privateKeyPem: '',
  });
  const [saved, setSaved] = useSaved();
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const save = useMutation({
    mutationFn: (body: PutShopsShopIdFiscalSettingsBody) => api('PUT /api/v1/shops/{shopId}/fiscal-settings', { params: { shopId }, body }),
    onSuccess: () => {
      setSaved('Facturación guardada.');
      onSaved();
    },
  });
  const problems = save.error instanceof ApiError ? (save.error.problem.errors as Array<{ path: string; message: string }> | undefined) : undefined;
  const errorFor = (field: string) => problems?.find((p) => p.path.endsWith(field))?.message;
  function submit(e: FormEvent) {
    e.preventDefault();
    save.mutate({
      pointOfSale: Number(form.pointOfSale),
      businessName: form.businessName,
      grossIncomeRegistration: form.grossIncomeRegistration,
      activityStartDate: form.activityStartDate,
      environment: form.environment,
      certificatePem: form.certificatePem,
      ...(form.privateKeyPem.trim() ? { privateKeyPem: form.privateKeyPem } : {}),
    });
  }
  return (
    <form className="card form fiscal" onSubmit={submit} noValidate aria-labelledby="fiscal-title">
      <h2 id="fiscal-title">Facturación electrónica (AFIP)</h2>
      <p className="muted small">
        {current
          ? `Configurada: punto de venta ${current.pointOfSale}${current.certificate ? `, certificado válido hasta el ${formatDate(current.certificate.notAfter, timeZone, 'short')}` : ''}.`
          : 'Sin configurar: las facturas se registran pero no se emiten en AFIP hasta que cargues el punto de venta y el certificado.'}{' '}
        Condición: {taxCondition === 'monotributo' ? 'Monotributo' : 'Responsable inscripto'}.
      </p>
      <div className="form-grid">
        <Field label="Punto de venta" hint="El número habilitado para Web Services (1 a 99999)" error={errorFor('pointOfSale')}>
          <input inputMode="numeric" value={form.pointOfSale} onChange={set('pointOfSale')} />
        </Field>
        <Field label="Razón social" error={errorFor('businessName')}>
          <input value={form.businessName} onChange={set('businessName')} />
        </Field>
        <Field label="Ingresos Brutos" error={errorFor('grossIncomeRegistration')}>
          <input value={form.grossIncomeRegistration} onChange={set('grossIncomeRegistration')} />
        </Field>
        <Field label="Inicio de actividades" error={errorFor('activityStartDate')}>
          <input type="date" value={form.activityStartDate} onChange={set('activityStartDate')} />
        </Field>
        <Field label="Entorno de AFIP">
          <select value={form.environment} onChange={set('environment')}>
            <option value="homologation">Homologación (pruebas)</option>
            <option value="production">Producción</option>
            <option value="sandbox">Sandbox local</option>
          </select>
        </Field>
      </div>
      <Field label="Certificado de AFIP (PEM)" hint="Pegá el contenido del .crt, también para cambiar otros datos." error={errorFor('certificatePem')}>
        <textarea rows={3} value={form.certificatePem} onChange={set('certificatePem')} spellCheck={false} />
      </Field>
      <Field label="Clave privada (PEM)" hint={current?.hasPrivateKey ? 'Guardada de forma cifrada. Dejala vacía para conservarla.' : 'Se guarda cifrada y nunca se vuelve a mostrar.'} error={errorFor('privateKeyPem')}>
        <textarea rows={3} value={form.privateKeyPem} onChange={set('privateKeyPem')} spellCheck={false} autoComplete="off" />
      </Field>
      <SaveActions mutation={save} status={saved} label="Guardar facturación" />
    </form>
  );
}
