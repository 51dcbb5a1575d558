import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Bar, BarChart, CartesianGrid, Legend, ReferenceArea, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api } from '../api/client';
import { PageTitle } from '../ui/components';
import { formatNumber, formatPercent } from '../ui/format';
import { arTime, CHART_COLORS, ChartCard, DataTable, Kpi, longDay, milliseconds, msTick, niceMax, shortDay, useWindowDays, WindowPicker } from './components';

const REGION_NONE = 'none';

function regionName(region: string): string {
  return region === REGION_NONE ? 'Sin barbería' : region === 'other' ? 'Otras' : region.charAt(0).toLocaleUpperCase('es-AR') + region.slice(1);
}

function hours(minutes: number): string {
  return `${new Intl.NumberFormat('es-AR', { maximumFractionDigits: 1 }).format(minutes / 60)} h`;
}

export function OperationalPage() {
  const [days, setDays] = useWindowDays();
  const query = useQuery({
    queryKey: ['admin', 'dashboards', 'operational', days],
    queryFn: () => api('GET /api/v1/admin/dashboards/operational', { query: { days } }),
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });
  const data = query.data;
  const metrics = data?.metrics;
  const util = data?.utilization;
  const payments = data?.payments;
  const regions = metrics?.regions.filter((r) => r.region !== REGION_NONE) ?? [];
  const utilRows =
    util?.shops.map((s) => ({
      label: s.name,
      past: s.past.ratio === null ? null : Math.round(s.past.ratio * 1000) / 10,
      upcoming: s.upcoming.ratio === null ? null : Math.round(s.upcoming.ratio * 1000) / 10,
      shop: s,
    })) ?? [];

  return (
    <>
      <PageTitle actions={<WindowPicker days={days} onChange={setDays} />}>Tablero operativo</PageTitle>
      {metrics ? <p className="scope-note">Tiempos y errores: este proceso de la API desde {arTime(metrics.since)}. Utilización y pagos: últimos {days} días.</p> : null}
      <div className="kpis">
        <Kpi label="Solicitudes atendidas" value={metrics ? formatNumber(metrics.requests) : undefined} note={metrics ? `Desde ${arTime(metrics.since)}` : undefined} />
        <Kpi
          label="Errores 5xx"
          value={metrics ? (metrics.serverErrorRate === null ? 'Sin solicitudes' : formatPercent(metrics.serverErrorRate, 3)) : undefined}
          note={metrics ? `${formatNumber(metrics.serverErrors)} errores · objetivo < ${formatPercent(metrics.targets.serverErrorRate, 1)}` : undefined}
          tone={metrics?.serverErrorRate == null ? undefined : metrics.serverErrorRate <= metrics.targets.serverErrorRate ? 'ok' : 'bad'}
        />
        <Kpi
          label="Pagos exitosos"
          value={payments ? (payments.successRate === null ? 'Sin pagos' : formatPercent(payments.successRate)) : undefined}
          note={payments ? `${formatNumber(payments.succeeded)} aprobados, ${formatNumber(payments.failed)} rechazados · objetivo > ${formatPercent(payments.target, 0)}` : undefined}
          tone={payments?.successRate == null ? undefined : payments.successRate >= payments.target ? 'ok' : 'bad'}
        />
      </div>

      <div className="charts">
        <ChartCard
          id="latency-by-region"
          title="Tiempo de respuesta por región"
          source="Percentiles 50 y 95 del histograma http_request_duration_seconds, por región de la barbería a la que se refiere cada solicitud. Objetivo del runbook: p95 < 200 ms."
          query={query}
          empty={metrics !== undefined && regions.length === 0}
          emptyText="Todavía no hubo solicitudes sobre una barbería en este proceso."
          table={
            <DataTable
              caption="Tiempo de respuesta por región"
              rows={metrics?.regions ?? []}
              columns={[
                { header: 'Región', cell: (r) => regionName(r.region) },
                { header: 'Solicitudes', cell: (r) => formatNumber(r.requests), numeric: true },
                { header: 'p50', cell: (r) => milliseconds(r.p50Ms), numeric: true },
                { header: 'p95', cell: (r) => `${r.p95AboveLastBucket ? '> ' : ''}${milliseconds(r.p95Ms)}`, numeric: true },
                { header: 'Errores 5xx', cell: (r) => formatNumber(r.serverErrors), numeric: true },
              ]}
            />
          }
        >
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={regions.map((r) => ({ ...r, label: regionName(r.region) }))} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="label" fontSize={12} />
              <YAxis fontSize={12} width={64} tickFormatter={msTick} domain={[0, niceMax(metrics?.targets.p95Ms)]} />
              <Tooltip formatter={(v, name) => [milliseconds(Number(v)), String(name)]} />
              <Legend />
              <Bar dataKey="p50Ms" name="p50" fill={CHART_COLORS.secondary} isAnimationActive={false} />
              <Bar dataKey="p95Ms" name="p95" fill={CHART_COLORS.primary} isAnimationActive={false} />
              <ReferenceLine y={metrics?.targets.p95Ms} stroke={CHART_COLORS.target} strokeDasharray="6 3" label={{ value: 'Objetivo p95', position: 'insideTopRight', fontSize: 12, fill: CHART_COLORS.target }} />
            </BarChart>
          </ResponsiveContainer>
        </ChartCard>

        <ChartCard
          id="responses-by-status"
          title="Respuestas por tipo"
          source="Conteo del histograma http_request_duration_seconds por clase de estado HTTP; los errores más frecuentes, de http_requests_errors_total."
          query={query}
          empty={metrics !== undefined && metrics.requests === 0}
          emptyText="Este proceso todavía no atendió solicitudes."
          table={
            metrics && metrics.topErrors.length > 0 ? (
              <DataTable
                caption="Errores más frecuentes"
                rows={metrics.topErrors}
                columns={[
                  { header: 'Ruta', cell: (r) => `${r.method} ${r.route}` },
                  { header: 'Clase', cell: (r) => r.statusClass },
                  { header: 'Código', cell: (r) => <code>{r.code}</code> },
                  { header: 'Cantidad', cell: (r) => formatNumber(r.count), numeric: true },
                ]}
              />
            ) : (
              <p>Sin errores registrados.</p>
            )
          }
        >
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={metrics?.statusClasses} margin={{ top: 8, right: 8, bottom: 0, left: -8 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="statusClass" fontSize={12} />
              <YAxis allowDecimals={false} fontSize={12} />
              <Tooltip formatter={(v) => [formatNumber(Number(v)), 'Respuestas']} />
              <Bar dataKey="count" name="Respuestas" fill={CHART_COLORS.primary} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </ChartCard>

        <ChartCard
          id="utilization"
          tall
          title="Utilización de barberos"
          source={
            util ? (
              <>
                Minutos reservados (confirmados, completados, ausentes) sobre minutos de agenda (horario semanal menos pausas, excepciones y licencias), por barbería: pasado ({longDay(util.past.from)} a{' '}
                {longDay(util.past.to)}) y próximos {days} días. Banda óptima del runbook: {formatPercent(util.band.low, 0)}–{formatPercent(util.band.high, 0)}.
              </>
            ) : (
              'Minutos reservados sobre minutos de agenda, por barbería.'
            )
          }
          query={query}
          empty={util !== undefined && util.shops.every((s) => s.past.scheduledMinutes === 0 && s.upcoming.scheduledMinutes === 0)}
          emptyText="No hay barberías activas con horarios cargados."
          table={
            <DataTable
              caption="Utilización por barbería"
              rows={util?.shops ?? []}
              columns={[
                { header: 'Barbería', cell: (r) => `${r.name} (${r.city})` },
                { header: 'Pasado', cell: (r) => (r.past.ratio === null ? 'Sin agenda' : `${formatPercent(r.past.ratio)} de ${hours(r.past.scheduledMinutes)}`), numeric: true },
                { header: 'Próximos días', cell: (r) => (r.upcoming.ratio === null ? 'Sin agenda' : `${formatPercent(r.upcoming.ratio)} de ${hours(r.upcoming.scheduledMinutes)}`), numeric: true },
              ]}
            />
          }
        >
          <ResponsiveContainer width="100%" height="100%">
            <BarChart layout="vertical" data={utilRows} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" horizontal={false} />
              <XAxis type="number" domain={[0, (max: number) => Math.max(100, max)]} unit=" %" fontSize={12} />
              <YAxis type="category" dataKey="label" width={124} fontSize={11} interval={0} />
              <Tooltip formatter={(v, name) => [v === null ? 'Sin agenda' : `${Number(v).toLocaleString('es-AR')} %`, String(name)]} />
              <Legend />
              {util ? <ReferenceArea x1={util.band.low * 100} x2={util.band.high * 100} fill={CHART_COLORS.primary} fillOpacity={0.12} /> : null}
              <Bar dataKey="past" name="Pasado" fill={CHART_COLORS.muted} isAnimationActive={false} />
              <Bar dataKey="upcoming" name="Próximos días" fill={CHART_COLORS.primary} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </ChartCard>

        <ChartCard
          id="payments"
          title="Resultado de los pagos"
          source="Pagos iniciados cada día, según su estado actual (tabla payments): aprobados (incluye luego devueltos), rechazados y en curso. Objetivo del runbook: más de 95 % exitosos."
          query={query}
          empty={payments !== undefined && payments.days.every((d) => d.succeeded + d.failed + d.open === 0)}
          emptyText={`No se inició ningún pago en los últimos ${days} días.`}
          table={
            <DataTable
              caption="Pagos por día"
              rows={payments?.days ?? []}
              columns={[
                { header: 'Día', cell: (r) => longDay(r.day) },
                { header: 'Aprobados', cell: (r) => formatNumber(r.succeeded), numeric: true },
                { header: 'Rechazados', cell: (r) => formatNumber(r.failed), numeric: true },
                { header: 'En curso', cell: (r) => formatNumber(r.open), numeric: true },
              ]}
            />
          }
        >
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={payments?.days.map((d) => ({ ...d, label: shortDay(d.day) }))} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="label" fontSize={12} />
              <YAxis allowDecimals={false} fontSize={12} />
              <Tooltip />
              <Legend />
              <Bar dataKey="succeeded" name="Aprobados" stackId="p" fill={CHART_COLORS.primary} isAnimationActive={false} />
              <Bar dataKey="failed" name="Rechazados" stackId="p" fill={CHART_COLORS.danger} isAnimationActive={false} />
              <Bar dataKey="open" name="En curso" stackId="p" fill={CHART_COLORS.muted} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </ChartCard>
      </div>
    </>
  );
}
