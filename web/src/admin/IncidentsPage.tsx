import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { Empty, ErrorState, errorMessage, Field, Loading, PageTitle } from '../ui/components';
import { formatNumber } from '../ui/format';
import { arTime, CHART_COLORS, ChartCard, Kpi } from './components';
import { duration, incidentsApi, RESPONSE_TARGET_MINUTES, SEVERITY_LABELS, STATUS_LABELS } from './incidents-api';
import type { IncidentSeverity, IncidentStatus } from './incidents-api';

const METRICS_DAYS = 30;
/** The runbook's operational KPI: MTTR under 15 minutes for critical incidents. */
const MTTR_TARGET_SECONDS = 15 * 60;
const SEVERITIES: IncidentSeverity[] = ['critical', 'high', 'medium', 'low'];
const SEVERITY_COLORS: Record<IncidentSeverity, string> = { critical: CHART_COLORS.danger, high: CHART_COLORS.warning, medium: CHART_COLORS.secondary, low: CHART_COLORS.muted };
const FILTERS: Array<{ value: IncidentStatus | 'all'; label: string }> = [
  { value: 'open', label: 'Abiertos' },
  { value: 'acknowledged', label: 'Reconocidos' },
  { value: 'resolved', label: 'Resueltos' },
  { value: 'all', label: 'Todos' },
];

export function SeverityBadge({ severity }: { severity: IncidentSeverity }) {
  return <span className={`severity severity-${severity}`}>{SEVERITY_LABELS[severity] ?? severity}</span>;
}

export function IncidentsPage() {
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const raw = params.get('estado');
  const filter = FILTERS.find((f) => f.value === raw)?.value ?? 'open';
  const list = useQuery({
    queryKey: ['admin', 'incidents', 'list', filter],
    queryFn: () => incidentsApi.list(filter === 'all' ? undefined : filter),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });
  const metrics = useQuery({ queryKey: ['admin', 'incidents', 'metrics', METRICS_DAYS], queryFn: () => incidentsApi.metrics(METRICS_DAYS), refetchInterval: 60_000 });
  const acknowledge = useMutation({
    mutationFn: (id: string) => incidentsApi.acknowledge(id),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['admin', 'incidents'] }),
  });
  const m = metrics.data;
  const bySeverity = SEVERITIES.map((s) => ({ severity: s, label: SEVERITY_LABELS[s], count: m?.bySeverity[s] ?? 0 }));

  return (
    <>
      <PageTitle>Incidentes</PageTitle>
      <div className="kpis">
        <Kpi label={`Incidentes (${METRICS_DAYS} días)`} value={m ? formatNumber(m.count) : metrics.error ? '—' : undefined} />
        <Kpi
          label="MTTR"
          value={m ? duration(m.mttrSeconds) : metrics.error ? '—' : undefined}
          note="Tiempo medio hasta resolver · objetivo < 15 min (críticos)"
          tone={m?.mttrSeconds == null ? undefined : m.mttrSeconds <= MTTR_TARGET_SECONDS ? 'ok' : 'bad'}
        />
        <Kpi label="MTTA" value={m ? duration(m.mttaSeconds) : metrics.error ? '—' : undefined} note="Tiempo medio hasta reconocer" />
      </div>

      <div className="charts">
        <ChartCard
          id="incidents-by-severity"
          title={`Incidentes por severidad (${METRICS_DAYS} días)`}
          source="Incidentes abiertos en el período, por severidad (API de incidentes)."
          query={metrics}
          empty={m !== undefined && m.count === 0}
          emptyText={`Sin incidentes en los últimos ${METRICS_DAYS} días.`}
        >
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={bySeverity} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="label" fontSize={12} />
              <YAxis allowDecimals={false} fontSize={12} />
              <Tooltip formatter={(v) => [formatNumber(Number(v)), 'Incidentes']} />
              <Bar dataKey="count" name="Incidentes" isAnimationActive={false}>
                {bySeverity.map((s) => (
                  <Cell key={s.severity} fill={SEVERITY_COLORS[s.severity]} />
                ))}
              </Bar>
            </BarChart>
          </ResponsiveContainer>
        </ChartCard>
        <OpenIncidentForm />
      </div>

      <h2>Lista</h2>
      <nav aria-label="Filtrar por estado" className="admin-nav">
        {FILTERS.map((f) => (
          <a
            key={f.value}
            href={`?estado=${f.value}`}
            className={f.value === filter ? 'active' : undefined}
            aria-current={f.value === filter ? 'page' : undefined}
            onClick={(e) => {
              e.preventDefault();
              setParams({ estado: f.value }, { replace: true });
            }}
          >
            {f.label}
          </a>
        ))}
      </nav>
      {acknowledge.error ? <ErrorState error={acknowledge.error} /> : null}
      {list.isPending ? (
        <Loading />
      ) : list.error ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.items.length === 0 ? (
        <Empty>{filter === 'open' ? 'No hay incidentes abiertos.' : 'No hay incidentes con este estado.'}</Empty>
      ) : (
        <div className="table-scroll">
          <table>
            <caption className="sr-only">Incidentes</caption>
            <thead>
              <tr>
                <th scope="col">Incidente</th>
                <th scope="col">Severidad</th>
                <th scope="col">Estado</th>
                <th scope="col">Abierto</th>
                <th scope="col" className="num">Escalamiento</th>
                <th scope="col">Origen</th>
                <th scope="col" className="num">Resolución</th>
                <th scope="col">
                  <span className="sr-only">Acciones</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((incident) => (
                <tr key={incident.id}>
                  <td>
                    <Link to={`/admin/incidentes/${incident.id}`}>{incident.title}</Link>
                  </td>
                  <td>
                    <SeverityBadge severity={incident.severity} />
                  </td>
                  <td>{STATUS_LABELS[incident.status] ?? incident.status}</td>
                  <td>{arTime(incident.openedAt)}</td>
                  <td className="num">{incident.escalationLevel}</td>
                  <td>{incident.source}</td>
                  <td className="num">{duration(incident.mttrSeconds)}</td>
                  <td>
                    {incident.status === 'open' ? (
                      <button
                        type="button"
                        className="button secondary"
                        disabled={acknowledge.isPending && acknowledge.variables === incident.id}
                        onClick={() => acknowledge.mutate(incident.id)}
                        aria-label={`Reconocer: ${incident.title}`}
                      >
                        Reconocer
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function OpenIncidentForm() {
  const queryClient = useQueryClient();
  const formId = useId();
  const [title, setTitle] = useState('');
  const [severity, setSeverity] = useState<IncidentSeverity>('high');
  const [description, setDescription] = useState('');
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const [errors, setErrors] = useState<{ title?: string; description?: string }>({});
  const open = useMutation({
    mutationFn: () => incidentsApi.open({ title: title.trim(), severity, description: description.trim() }, idempotencyKey),
    onSuccess: () => {
      setTitle('');
      setDescription('');
      setIdempotencyKey(crypto.randomUUID());
      void queryClient.invalidateQueries({ queryKey: ['admin', 'incidents'] });
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    const next = {
      ...(title.trim() ? {} : { title: 'Escribí un título.' }),
      ...(description.trim() ? {} : { description: 'Describí qué está pasando.' }),
    };
    setErrors(next);
    if (Object.keys(next).length === 0) open.mutate();
  }

  return (
    <section className="chart-card" aria-labelledby={`${formId}-title`}>
      <h2 id={`${formId}-title`}>Abrir un incidente</h2>
      <p className="chart-source">Para problemas que las alertas no detectaron. Severidad según la clasificación del runbook.</p>
      <form className="form" onSubmit={submit} noValidate>
        <Field label="Título" error={errors.title}>
          <input value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} aria-invalid={errors.title ? true : undefined} />
        </Field>
        <Field label="Severidad" hint={`Respuesta esperada: ${RESPONSE_TARGET_MINUTES[severity] >= 60 ? `${RESPONSE_TARGET_MINUTES[severity] / 60} h` : `${RESPONSE_TARGET_MINUTES[severity]} min`}`}>
          <select value={severity} onChange={(e) => setSeverity(e.target.value as IncidentSeverity)}>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {SEVERITY_LABELS[s]}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Descripción" error={errors.description}>
          <textarea rows={3} value={description} maxLength={4000} onChange={(e) => setDescription(e.target.value)} aria-invalid={errors.description ? true : undefined} />
        </Field>
        {open.error ? (
          <p className="form-error" role="alert">
            {errorMessage(open.error)}
          </p>
        ) : null}
        {open.isSuccess ? <p role="status">Incidente abierto.</p> : null}
        <button type="submit" className="button" disabled={open.isPending}>
          {open.isPending ? 'Abriendo…' : 'Abrir incidente'}
        </button>
      </form>
    </section>
  );
}
