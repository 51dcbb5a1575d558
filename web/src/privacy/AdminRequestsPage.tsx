import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { GetAdminPrivacyRequestsQuery, GetAdminPrivacyRequestsResponse } from '../api/types.gen';
import { RequireRole } from '../auth/RequireRole';
import { Empty, errorMessage, ErrorState, Field, Loading, PageTitle } from '../ui/components';
import { formatPercent } from '../ui/format';
import './privacy.css';

type Item = GetAdminPrivacyRequestsResponse['items'][number];
type Filter = NonNullable<GetAdminPrivacyRequestsQuery['status']>;

const AR = 'America/Argentina/Buenos_Aires';
const when = (iso: string | null) => (iso ? new Intl.DateTimeFormat('es-AR', { dateStyle: 'short', timeStyle: 'short', timeZone: AR }).format(new Date(iso)) : '—');
const KIND: Record<string, string> = { access: 'Acceso', rectification: 'Rectificación', deletion: 'Supresión', withdrawal: 'Arrepentimiento', cancellation: 'Baja' };
const DEADLINE: Record<Item['deadline'], { label: string; className: string }> = {
  overdue: { label: 'Vencido', className: 'badge danger' },
  due_soon: { label: 'Vence en < 24 h', className: 'badge warning' },
  on_time: { label: 'En plazo', className: 'badge' },
  answered: { label: 'Respondido', className: 'badge' },
};
const FILTERS: Array<[Filter, string]> = [
  ['open', 'Abiertos'],
  ['overdue', 'Vencidos'],
  ['due_soon', 'Vencen pronto'],
  ['in_review', 'En revisión'],
  ['all', 'Todos'],
];

function AnswerForm({ item }: { item: Item }) {
  const queryClient = useQueryClient();
  const [outcome, setOutcome] = useState<'completed' | 'rejected'>('completed');
  const [answer, setAnswer] = useState('');
  const send = useMutation({
    mutationFn: () => api('POST /api/v1/admin/privacy/requests/{id}/answer', { params: { id: item.id }, body: { outcome, answer } }),
    onSuccess: () => Promise.all([queryClient.invalidateQueries({ queryKey: ['admin-privacy'] }), queryClient.invalidateQueries({ queryKey: ['admin-privacy-summary'] })]),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    if (item.kind === 'deletion' && outcome === 'completed' && !window.confirm('Completar esta supresión anonimiza la cuenta ahora. ¿Seguir?')) return;
    send.mutate();
  }
  return (
    <form className="form" onSubmit={submit}>
      <Field label="Resultado">
        <select value={outcome} onChange={(e) => setOutcome(e.target.value as 'completed' | 'rejected')}>
          <option value="completed">{item.kind === 'deletion' ? 'Completar (eliminar la cuenta)' : 'Resuelto'}</option>
          <option value="rejected">Rechazado</option>
        </select>
      </Field>
      <Field label="Respuesta al titular">
        <textarea rows={2} minLength={5} maxLength={2000} value={answer} onChange={(e) => setAnswer(e.target.value)} />
      </Field>
      {send.error ? (
        <p className="form-error" role="alert">
          {errorMessage(send.error)}
        </p>
      ) : null}
      <button type="submit" className="button" disabled={send.isPending || answer.trim().length < 5}>
        Responder
      </button>
    </form>
  );
}

function Summary() {
  const summary = useQuery({ queryKey: ['admin-privacy-summary'], queryFn: () => api('GET /api/v1/admin/privacy/summary') });
  if (summary.isPending) return <Loading />;
  if (summary.isError) return <ErrorState error={summary.error} onRetry={() => void summary.refetch()} />;
  const s = summary.data;
  return (
    <div className="grid">
      <div className="card">
        <strong>{s.requests.open}</strong> abiertos · <strong>{s.requests.overdue}</strong> vencidos · <strong>{s.requests.dueSoon}</strong> vencen en 24 h
      </div>
      <div className="card">
        Consentimiento vigente: {s.consent.coverage === null ? '—' : formatPercent(s.consent.coverage)} de {s.consent.accounts} cuentas · {s.consent.marketingOptIns} aceptan
        promociones
      </div>
      <div className="card">Feriados cargados hasta el {s.holidayTableCoversUntil}</div>
    </div>
  );
}

/** /admin/privacidad: the data-subject and consumer request queue, most urgent first. */
export function AdminRequestsPage() {
  const [filter, setFilter] = useState<Filter>('open');
  const list = useQuery({ queryKey: ['admin-privacy', filter], queryFn: () => api('GET /api/v1/admin/privacy/requests', { query: { status: filter } }) });
  return (
    <RequireRole roles={['admin']}>
      <section className="stack">
        <PageTitle
          actions={FILTERS.map(([value, label]) => (
            <button key={value} type="button" className={value === filter ? 'button' : 'button secondary'} aria-pressed={value === filter} onClick={() => setFilter(value)}>
              {label}
            </button>
          ))}
        >
          Pedidos de datos personales
        </PageTitle>
        <Summary />
        {list.isPending ? <Loading /> : null}
        {list.isError ? <ErrorState error={list.error} onRetry={() => void list.refetch()} /> : null}
        {list.data && list.data.items.length === 0 ? <Empty>No hay pedidos en esta vista.</Empty> : null}
        {list.data?.items.map((item) => (
          <article key={item.id} className="card stack">
            <div className="row">
              <strong>{item.procedureCode}</strong>
              <span>{KIND[item.kind]}</span>
              <span className={DEADLINE[item.deadline].className}>{DEADLINE[item.deadline].label}</span>
              {item.status === 'in_review' ? <span className="badge warning">Datos bloqueados</span> : null}
            </div>
            <p className="muted">
              Recibido {when(item.receivedAt)} · vence {when(item.dueAt)}
              {item.contactEmail ? ` · ${item.contactEmail}` : ''}
              {item.reviewReasons.length ? ` · a revisar: ${item.reviewReasons.join(', ')}` : ''}
              {item.fields.length ? ` · campos: ${item.fields.join(', ')}` : ''}
            </p>
            {item.description ? <p>{item.description}</p> : null}
            {item.answeredAt ? (
              <p>
                Respondido {when(item.answeredAt)}: {item.answer}
              </p>
            ) : (
              <AnswerForm item={item} />
            )}
          </article>
        ))}
      </section>
    </RequireRole>
  );
}
