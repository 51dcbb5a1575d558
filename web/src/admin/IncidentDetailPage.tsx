import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { ErrorState, errorMessage, Field, Loading, PageTitle } from '../ui/components';
import { arTime, DataTable } from './components';
import { duration, incidentsApi, STATUS_LABELS } from './incidents-api';
import { SeverityBadge } from './IncidentsPage';

const TIMELINE_KINDS: Record<string, string> = {
  opened: 'Abierto',
  acknowledged: 'Reconocido',
  escalated: 'Escalado',
  resolved: 'Resuelto',
  note: 'Nota',
  notified: 'Notificación enviada',
  detected: 'Detectado',
  alert_firing: 'Alerta activa',
  alert_resolved: 'Alerta resuelta',
  severity_raised: 'Severidad elevada',
  notification_sent: 'Aviso enviado',
  notification_failed: 'Aviso fallido',
  recovery_action: 'Acción de recuperación',
};

export function IncidentDetailPage() {
  const { id = '' } = useParams();
  const queryClient = useQueryClient();
  const incident = useQuery({ queryKey: ['admin', 'incidents', 'detail', id], queryFn: () => incidentsApi.get(id), refetchInterval: 30_000 });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['admin', 'incidents'] });
  const acknowledge = useMutation({ mutationFn: () => incidentsApi.acknowledge(id), onSettled: refresh });
  const [note, setNote] = useState('');
  const [noteError, setNoteError] = useState<string>();
  const resolve = useMutation({ mutationFn: () => incidentsApi.resolve(id, { note: note.trim() }), onSuccess: () => setNote(''), onSettled: refresh });

  function submitResolve(event: FormEvent) {
    event.preventDefault();
    if (!note.trim()) return setNoteError('Contá cómo se resolvió.');
    setNoteError(undefined);
    resolve.mutate();
  }

  if (incident.isPending) return <Loading />;
  if (incident.error) return <ErrorState error={incident.error} onRetry={() => void incident.refetch()} />;
  const i = incident.data;
  return (
    <>
      <p>
        <Link to="/admin/incidentes">← Todos los incidentes</Link>
      </p>
      <PageTitle
        actions={
          i.status === 'open' ? (
            <button type="button" className="button" disabled={acknowledge.isPending} onClick={() => acknowledge.mutate()}>
              {acknowledge.isPending ? 'Reconociendo…' : 'Reconocer'}
            </button>
          ) : null
        }
      >
        {i.title}
      </PageTitle>
      {acknowledge.error ? <ErrorState error={acknowledge.error} /> : null}
      <DataTable
        caption="Datos del incidente"
        rows={[i]}
        columns={[
          { header: 'Severidad', cell: (r) => <SeverityBadge severity={r.severity} /> },
          { header: 'Estado', cell: (r) => STATUS_LABELS[r.status] ?? r.status },
          { header: 'Abierto', cell: (r) => arTime(r.openedAt) },
          { header: 'Reconocido', cell: (r) => (r.acknowledgedAt ? arTime(r.acknowledgedAt) : '—') },
          { header: 'Resuelto', cell: (r) => (r.resolvedAt ? arTime(r.resolvedAt) : '—') },
          { header: 'Escalamiento', cell: (r) => `Nivel ${r.escalationLevel}` },
          { header: 'Origen', cell: (r) => r.source },
          { header: 'Tiempo de resolución', cell: (r) => duration(r.mttrSeconds) },
        ]}
      />
      <h2>Línea de tiempo</h2>
      {i.timeline.length === 0 ? (
        <p className="muted">Sin eventos registrados.</p>
      ) : (
        <ol className="timeline">
          {i.timeline.map((entry, n) => (
            <li key={n}>
              <time dateTime={entry.at}>{arTime(entry.at)}</time>
              <strong>{TIMELINE_KINDS[entry.kind] ?? entry.kind}</strong>
              {entry.detail ? <> — {entry.detail}</> : null}
            </li>
          ))}
        </ol>
      )}
      {i.status !== 'resolved' ? (
        <section className="narrow" aria-labelledby="resolve-title" style={{ marginLeft: 0 }}>
          <h2 id="resolve-title">Resolver</h2>
          <form className="form" onSubmit={submitResolve} noValidate>
            <Field label="Nota de resolución" hint="Qué pasó y qué se hizo; queda en la línea de tiempo." error={noteError}>
              <textarea rows={3} value={note} maxLength={4000} onChange={(e) => setNote(e.target.value)} aria-invalid={noteError ? true : undefined} />
            </Field>
            {resolve.error ? (
              <p className="form-error" role="alert">
                {errorMessage(resolve.error)}
              </p>
            ) : null}
            <button type="submit" className="button" disabled={resolve.isPending}>
              {resolve.isPending ? 'Resolviendo…' : 'Marcar como resuelto'}
            </button>
          </form>
        </section>
      ) : null}
    </>
  );
}
