import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../api/client';
import type { GetMeDataExportResponse, PostMeRectificationBody, PutMeConsentsBody } from '../api/types.gen';
import { RequireRole } from '../auth/RequireRole';
import { useAuth } from '../auth/session';
import { Empty, errorMessage, ErrorState, Field, Loading, PageTitle } from '../ui/components';
import { formatCentavos } from '../ui/format';
import { LEGAL_NOTICE_25326 } from './footer';
import './privacy.css';

const AR = 'America/Argentina/Buenos_Aires';
const when = (iso: string | null) => (iso ? new Intl.DateTimeFormat('es-AR', { dateStyle: 'medium', timeStyle: 'short', timeZone: AR }).format(new Date(iso)) : '—');

const KIND_LABEL: Record<string, string> = {
  access: 'Acceso',
  rectification: 'Rectificación',
  deletion: 'Supresión',
  withdrawal: 'Arrepentimiento',
  cancellation: 'Baja',
};
const STATUS_LABEL: Record<string, string> = { received: 'Recibido', in_review: 'En revisión (datos bloqueados)', completed: 'Resuelto', rejected: 'Rechazado' };
const DOCUMENT_LABEL: Record<string, string> = { terms: 'Términos', privacy_notice: 'Política de privacidad', marketing: 'Promociones' };

function ErrorLine({ error }: { error: unknown }) {
  return error ? (
    <p className="form-error" role="alert">
      {errorMessage(error)}
    </p>
  ) : null;
}

function PendingConsents() {
  const { user } = useAuth();
  const queryClient = useQueryClient();
  const accept = useMutation({
    // The API takes at most four versions (its schema types that as tuples); there are two documents.
    mutationFn: (versions: string[]) => api('PUT /api/v1/me/consents', { body: { acceptVersions: versions as PutMeConsentsBody['acceptVersions'] } }),
    onSuccess: () => Promise.all([queryClient.invalidateQueries({ queryKey: ['me'] }), queryClient.invalidateQueries({ queryKey: ['consents'] })]),
  });
  const pending = user?.pendingConsents ?? [];
  if (pending.length === 0) return null;
  return (
    <div className="card stack" role="alert">
      <h2>Actualizamos nuestros textos legales</h2>
      <p>
        Para seguir usando BarberPro, leé y aceptá:{' '}
        {pending.map((p) => (
          <a key={p.version} href={`/privacidad#${p.document === 'terms' ? 'terminos' : 'privacidad'}`}>
            {DOCUMENT_LABEL[p.document]} ({p.version}){' '}
          </a>
        ))}
      </p>
      <ErrorLine error={accept.error} />
      <div className="row">
        <button type="button" className="button" disabled={accept.isPending} onClick={() => accept.mutate(pending.map((p) => p.version))}>
          Leí y acepto
        </button>
      </div>
    </div>
  );
}

/** The export as a readable page that prints well, plus the JSON file. */
function DataExport() {
  const [open, setOpen] = useState(false);
  const data = useQuery({ queryKey: ['data-export'], queryFn: () => api('GET /api/v1/me/data-export'), enabled: open, staleTime: 0 });

  function download(body: GetMeDataExportResponse) {
    const url = URL.createObjectURL(new Blob([JSON.stringify(body, null, 2)], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `barberpro-mis-datos-${body.generatedAt.slice(0, 10)}.json`;
    a.click();
    URL.revokeObjectURL(url);
  }

  return (
    <section className="card stack" aria-labelledby="export-title">
      <h2 id="export-title">Todos tus datos</h2>
      <p>Todo lo que BarberPro guarda sobre vos: cuenta, turnos, opiniones, pagos, facturas, preferencias, consentimientos y tus pedidos.</p>
      <div className="row no-print">
        <button type="button" className="button" onClick={() => (open ? void data.refetch() : setOpen(true))}>
          {open ? 'Actualizar' : 'Ver mis datos'}
        </button>
        {data.data ? (
          <>
            <button type="button" className="button secondary" onClick={() => download(data.data)}>
              Descargar (JSON)
            </button>
            <button type="button" className="button secondary" onClick={() => window.print()}>
              Imprimir
            </button>
          </>
        ) : null}
      </div>
      {open && data.isPending ? <Loading /> : null}
      {data.isError ? <ErrorState error={data.error} onRetry={() => void data.refetch()} /> : null}
      {data.data ? <ExportView data={data.data} /> : null}
    </section>
  );
}

function ExportView({ data }: { data: GetMeDataExportResponse }) {
  return (
    <div className="stack">
      <p className="muted">Generado el {when(data.generatedAt)}.</p>
      <h3>Cuenta</h3>
      <table className="data-table">
        <tbody>
          <tr><th>Nombre</th><td>{data.account.fullName}</td></tr>
          <tr><th>Email</th><td>{data.account.email}</td></tr>
          <tr><th>Teléfono</th><td>{data.account.phone ?? '—'}</td></tr>
          <tr><th>Tipo de cuenta</th><td>{data.account.role}</td></tr>
          <tr><th>Creada</th><td>{when(data.account.createdAt)}</td></tr>
          {data.account.shops.map((s) => (
            <tr key={s.shopId}><th>Barbería</th><td>{s.shopName} ({s.role === 'owner' ? 'dueño' : 'barbero'})</td></tr>
          ))}
        </tbody>
      </table>
      <h3>Turnos ({data.bookings.length})</h3>
      {data.bookings.length === 0 ? (
        <Empty>Sin turnos.</Empty>
      ) : (
        <div className="table-scroll">
          <table className="data-table">
            <thead><tr><th>Fecha</th><th>Barbería</th><th>Servicio</th><th>Barbero</th><th>Estado</th><th>Precio</th><th>Seña</th><th>Nota</th></tr></thead>
            <tbody>
              {data.bookings.map((b) => (
                <tr key={b.id}>
                  <td>{new Intl.DateTimeFormat('es-AR', { dateStyle: 'medium', timeStyle: 'short', timeZone: b.timezone }).format(new Date(b.start))}</td>
                  <td>{b.shopName}</td><td>{b.serviceName}</td><td>{b.barberName}</td><td>{b.status}</td>
                  <td>{formatCentavos(b.price.amountCents)}</td><td>{formatCentavos(b.deposit.amountCents)}</td><td>{b.note || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3>Opiniones ({data.reviews.length})</h3>
      {data.reviews.map((r) => (
        <p key={r.id}>{r.shopName}: {'★'.repeat(r.rating)} {r.comment}</p>
      ))}
      <h3>Pagos ({data.payments.length})</h3>
      {data.payments.length ? (
        <table className="data-table">
          <thead><tr><th>Fecha</th><th>Estado</th><th>Monto</th><th>Devuelto</th></tr></thead>
          <tbody>
            {data.payments.map((p) => (
              <tr key={p.id}><td>{when(p.createdAt)}</td><td>{p.status}</td><td>{formatCentavos(p.amount.amountCents)}</td><td>{formatCentavos(p.refunded.amountCents)}</td></tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <h3>Facturas ({data.invoices.length})</h3>
      {data.invoices.length ? (
        <table className="data-table">
          <thead><tr><th>Comprobante</th><th>Número</th><th>Fecha</th><th>Total</th><th>CAE</th><th>A nombre de</th></tr></thead>
          <tbody>
            {data.invoices.map((i) => (
              <tr key={i.id}>
                <td>{i.voucher}</td><td>{i.formattedNumber ?? 'pendiente'}</td><td>{i.issueDate ?? '—'}</td><td>{formatCentavos(i.total.amountCents)}</td><td>{i.cae ?? '—'}</td>
                <td>{i.receiver.kind === 'consumidor_final' ? 'Consumidor final' : `${i.receiver.name ?? ''} ${i.receiver.document ?? ''}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <h3>Avisos</h3>
      <p>
        Email: {data.notificationPreferences.email ? 'sí' : 'no'} · WhatsApp: {data.notificationPreferences.whatsapp ? `sí (${data.notificationPreferences.whatsappPhone ?? ''})` : 'no'}
      </p>
      <h3>Consentimientos</h3>
      <ul>
        {data.consents.map((c, i) => (
          <li key={i}>{when(c.recordedAt)}: {DOCUMENT_LABEL[c.document]} {c.version} — {c.granted ? 'aceptado' : 'no aceptado'}</li>
        ))}
      </ul>
    </div>
  );
}

function Rectification() {
  const { user } = useAuth();
  const queryClient = useQueryClient();
  const [fullName, setFullName] = useState('');
  const [phone, setPhone] = useState('');
  const [email, setEmail] = useState('');
  const [currentPassword, setCurrentPassword] = useState('');
  const [otherData, setOtherData] = useState('');
  const rectify = useMutation({
    mutationFn: (body: PostMeRectificationBody) => api('POST /api/v1/me/rectification', { body }),
    onSuccess: () => {
      setFullName('');
      setPhone('');
      setEmail('');
      setCurrentPassword('');
      setOtherData('');
      return Promise.all([queryClient.invalidateQueries({ queryKey: ['me'] }), queryClient.invalidateQueries({ queryKey: ['privacy-requests'] })]);
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    rectify.mutate({
      ...(fullName.trim() ? { fullName: fullName.trim() } : {}),
      ...(phone.trim() ? { phone: phone.trim() } : {}),
      ...(email.trim() ? { email: email.trim(), currentPassword } : {}),
      ...(otherData.trim() ? { otherData: otherData.trim() } : {}),
    });
  }
  return (
    <section className="card stack" aria-labelledby="rect-title">
      <h2 id="rect-title">Corregir tus datos</h2>
      <p className="muted">
        Ahora: {user?.fullName} · {user?.email} · {user?.phone ?? 'sin teléfono'}. Nombre, teléfono y email se corrigen en el momento; cualquier otro dato lo revisamos en
        hasta 5 días hábiles y, mientras tanto, no usamos tus datos para avisos ni promociones.
      </p>
      <form className="form" onSubmit={submit} noValidate>
        <Field label="Nombre y apellido"><input autoComplete="name" value={fullName} onChange={(e) => setFullName(e.target.value)} /></Field>
        <Field label="Teléfono" hint="Ej. +54 9 11 1234-5678"><input type="tel" autoComplete="tel" value={phone} onChange={(e) => setPhone(e.target.value)} /></Field>
        <Field label="Email"><input type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} /></Field>
        {email.trim() ? (
          <Field label="Tu contraseña actual" hint="Para cambiar el email necesitamos confirmar que sos vos.">
            <input type="password" autoComplete="current-password" value={currentPassword} onChange={(e) => setCurrentPassword(e.target.value)} />
          </Field>
        ) : null}
        <Field label="Otro dato a corregir (opcional)" hint="Por ejemplo, el DNI de una factura.">
          <textarea rows={2} maxLength={2000} value={otherData} onChange={(e) => setOtherData(e.target.value)} />
        </Field>
        <ErrorLine error={rectify.error} />
        {rectify.data ? (
          <p role="status">
            Pedido {rectify.data.procedureCode}: {rectify.data.status === 'completed' ? 'listo, ya corregimos tus datos.' : `lo revisamos antes del ${when(rectify.data.dueAt)}.`}
          </p>
        ) : null}
        <button type="submit" className="button" disabled={rectify.isPending || !(fullName.trim() || phone.trim() || email.trim() || otherData.trim())}>
          Corregir
        </button>
      </form>
    </section>
  );
}

function Marketing() {
  const queryClient = useQueryClient();
  const consents = useQuery({ queryKey: ['consents'], queryFn: () => api('GET /api/v1/me/consents') });
  const change = useMutation({
    mutationFn: (marketingOptIn: boolean) => api('PUT /api/v1/me/consents', { body: { marketingOptIn } }),
    onSuccess: (data) => queryClient.setQueryData(['consents'], data),
  });
  if (consents.isPending) return <Loading />;
  if (consents.isError) return <ErrorState error={consents.error} onRetry={() => void consents.refetch()} />;
  return (
    <section className="card stack" aria-labelledby="consent-title">
      <h2 id="consent-title">Promociones</h2>
      <label className="row">
        <input type="checkbox" checked={consents.data.marketingOptIn} disabled={change.isPending} onChange={(e) => change.mutate(e.target.checked)} />
        <span>Quiero recibir promociones de BarberPro.</span>
      </label>
      <ErrorLine error={change.error} />
      <p className="muted">
        Aceptaste los términos {consents.data.accepted.terms?.version ?? '—'} y la política de privacidad {consents.data.accepted.privacyNotice?.version ?? '—'}.
      </p>
    </section>
  );
}

function MyRequests() {
  const requests = useQuery({ queryKey: ['privacy-requests'], queryFn: () => api('GET /api/v1/me/privacy-requests') });
  return (
    <section className="card stack" aria-labelledby="requests-title">
      <h2 id="requests-title">Tus pedidos</h2>
      {requests.isPending ? <Loading /> : null}
      {requests.isError ? <ErrorState error={requests.error} onRetry={() => void requests.refetch()} /> : null}
      {requests.data && requests.data.items.length === 0 ? <Empty>Todavía no hiciste pedidos.</Empty> : null}
      {requests.data && requests.data.items.length ? (
        <table className="data-table">
          <thead><tr><th>Código</th><th>Tipo</th><th>Estado</th><th>Recibido</th><th>Plazo</th><th>Respuesta</th></tr></thead>
          <tbody>
            {requests.data.items.map((r) => (
              <tr key={r.id}>
                <td>{r.procedureCode}</td><td>{KIND_LABEL[r.kind]}</td><td>{STATUS_LABEL[r.status]}</td><td>{when(r.receivedAt)}</td><td>{when(r.dueAt)}</td><td>{r.answer ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function DeleteAccount() {
  const { logout } = useAuth();
  const navigate = useNavigate();
  const [password, setPassword] = useState('');
  const [understood, setUnderstood] = useState(false);
  const [result, setResult] = useState<string>();
  const remove = useMutation({
    mutationFn: () => api('POST /api/v1/me/deletion', { body: { password, confirm: true } }),
    onSuccess: async (request) => {
      if (request.status === 'completed') {
        await logout();
        navigate('/', { replace: true });
      } else setResult(`Recibimos tu pedido ${request.procedureCode}. Lo revisamos antes del ${when(request.dueAt)}; mientras tanto tus datos quedan bloqueados.`);
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    if (window.confirm('¿Seguro que querés eliminar tu cuenta? No se puede deshacer.')) remove.mutate();
  }
  return (
    <section className="card stack danger-zone" aria-labelledby="delete-title">
      <h2 id="delete-title">Eliminar tu cuenta</h2>
      <p>
        Cancelamos tus turnos futuros (con la política de cada barbería: si cancelás antes del plazo, te devolvemos la seña) y borramos tu nombre, email, teléfono, notas
        y opiniones escritas. Conservamos las facturas emitidas, porque la ley tributaria obliga a guardarlas. Después no vas a poder ingresar.
      </p>
      {result ? (
        <p role="status">{result}</p>
      ) : (
        <form className="form" onSubmit={submit} noValidate>
          <Field label="Tu contraseña">
            <input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
          </Field>
          <label className="row">
            <input type="checkbox" checked={understood} onChange={(e) => setUnderstood(e.target.checked)} />
            <span>Entiendo que no se puede deshacer.</span>
          </label>
          <ErrorLine error={remove.error} />
          <button type="submit" className="button danger" disabled={!understood || !password || remove.isPending}>
            {remove.isPending ? 'Eliminando…' : 'Eliminar mi cuenta'}
          </button>
        </form>
      )}
    </section>
  );
}

/** /mis-datos: the rights of Ley 25.326 as a page — see, correct, choose, delete. */
export function MyDataPage() {
  return (
    <RequireRole roles={['customer', 'provider', 'admin']}>
      <section className="stack">
        <PageTitle>Mis datos personales</PageTitle>
        <PendingConsents />
        <DataExport />
        <div className="no-print stack">
          <Rectification />
          <Marketing />
          <MyRequests />
          <DeleteAccount />
        </div>
        <p className="legal-notice">{LEGAL_NOTICE_25326}</p>
      </section>
    </RequireRole>
  );
}
