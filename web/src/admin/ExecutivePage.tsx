import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Bar, BarChart, CartesianGrid, Cell, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api } from '../api/client';
import { PageTitle } from '../ui/components';
import { formatCentavos, formatNumber, formatPercent } from '../ui/format';
import { arTime, CHART_COLORS, ChartCard, DataTable, Kpi, milliseconds, msTick, niceMax, shortDay, longDay, useWindowDays, WindowPicker, type Tone } from './components';

export function ExecutivePage() {
  const [days, setDays] = useWindowDays();
  const query = useQuery({
    queryKey: ['admin', 'dashboards', 'executive', days],
    queryFn: () => api('GET /api/v1/admin/dashboards/executive', { query: { days } }),
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });
  const data = query.data;
  const revenue = data?.revenue;
  const target = revenue?.targetDailyCents ?? null;
  const revenueDays = revenue?.days.map((d) => ({ ...d, label: shortDay(d.day), pesos: d.collectedCents / 100 })) ?? [];
  const perf = data?.performance;
  const satisfaction = data?.satisfaction;

  const p95Tone: Tone = perf?.p95Ms == null ? undefined : perf.p95Ms <= perf.targets.p95Ms ? 'ok' : 'bad';
  const errorTone: Tone = perf?.serverErrorRate == null ? undefined : perf.serverErrorRate <= perf.targets.serverErrorRate ? 'ok' : 'bad';
  const satisfactionTone: Tone = satisfaction?.average == null ? undefined : satisfaction.average >= satisfaction.target ? 'ok' : 'warn';
  const windowTarget = target === null ? null : target * days;

  return (
    <>
      <PageTitle actions={<WindowPicker days={days} onChange={setDays} />}>Tablero ejecutivo</PageTitle>
      {data ? (
        <p className="scope-note">
          Del {longDay(data.window.from)} al {longDay(data.window.to)} (días de Argentina).
        </p>
      ) : null}
      <div className="kpis">
        <Kpi label="Usuarios activos" value={data ? formatNumber(data.dailyActiveUsers.distinctUsers) : undefined} note={`Distintos en ${days} días`} />
        <Kpi
          label="Cobrado"
          value={revenue ? formatCentavos(revenue.totalCents) : undefined}
          note={windowTarget === null ? 'Sin objetivo configurado' : `Objetivo del período: ${formatCentavos(windowTarget)} (${formatPercent(revenue!.totalCents / windowTarget)})`}
          tone={windowTarget === null || !revenue ? undefined : revenue.totalCents >= windowTarget ? 'ok' : 'warn'}
        />
        <Kpi
          label="Satisfacción"
          value={satisfaction ? (satisfaction.average === null ? 'Sin reseñas' : `${satisfaction.average.toLocaleString('es-AR', { maximumFractionDigits: 2 })} / 5`) : undefined}
          note={satisfaction ? `${formatNumber(satisfaction.reviews)} reseñas · objetivo ≥ ${satisfaction.target.toLocaleString('es-AR')}` : undefined}
          tone={satisfactionTone}
        />
        <Kpi
          label="Tiempo de respuesta p95"
          value={perf ? (perf.p95Ms === null ? 'Sin solicitudes' : `${perf.p95AboveLastBucket ? '> ' : ''}${milliseconds(perf.p95Ms)}`) : undefined}
          note={perf ? `Objetivo < ${perf.targets.p95Ms} ms · ${formatNumber(perf.requests)} solicitudes` : undefined}
          tone={p95Tone}
        />
        <Kpi
          label="Tasa de errores 5xx"
          value={perf ? (perf.serverErrorRate === null ? 'Sin solicitudes' : formatPercent(perf.serverErrorRate, 3)) : undefined}
          note={perf ? `Objetivo < ${formatPercent(perf.targets.serverErrorRate, 1)} · ${formatNumber(perf.serverErrors)} errores` : undefined}
          tone={errorTone}
        />
      </div>

      <div className="charts">
        <ChartCard
          id="daily-active-users"
          title="Usuarios activos por día"
          source="Usuarios distintos que iniciaron o renovaron sesión cada día (tabla refresh_tokens)."
          query={query}
          empty={data !== undefined && data.dailyActiveUsers.days.every((d) => d.users === 0)}
          emptyText={`Nadie inició sesión en los últimos ${days} días.`}
          table={
            <DataTable caption="Usuarios activos por día" rows={data?.dailyActiveUsers.days ?? []} columns={[{ header: 'Día', cell: (r) => longDay(r.day) }, { header: 'Usuarios', cell: (r) => formatNumber(r.users), numeric: true }]} />
          }
        >
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={data?.dailyActiveUsers.days.map((d) => ({ ...d, label: shortDay(d.day) }))} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="label" fontSize={12} />
              <YAxis allowDecimals={false} fontSize={12} />
              <Tooltip formatter={(v) => [formatNumber(Number(v)), 'Usuarios']} />
              <Bar dataKey="users" name="Usuarios" fill={CHART_COLORS.primary} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </ChartCard>

        <ChartCard
          id="revenue"
          title="Cobrado por día vs. objetivo"
          source={
            <>
              Pagos aprobados por MercadoPago, netos de devoluciones, por día de aprobación (tabla payments).{' '}
              {target === null ? (
                <>Sin objetivo: configurá <code>REVENUE_TARGET_DAILY_CENTAVOS</code> en el servidor.</>
              ) : (
                <>Objetivo diario {formatCentavos(target)} (variable <code>REVENUE_TARGET_DAILY_CENTAVOS</code>).</>
              )}
            </>
          }
          query={query}
          empty={revenue !== undefined && revenue.days.every((d) => d.collectedCents === 0)}
          emptyText={`No se cobró ningún pago en los últimos ${days} días.`}
          table={
            <DataTable
              caption="Cobrado por día"
              rows={revenue?.days ?? []}
              columns={[
                { header: 'Día', cell: (r) => longDay(r.day) },
                { header: 'Pagos', cell: (r) => formatNumber(r.payments), numeric: true },
                { header: 'Cobrado', cell: (r) => formatCentavos(r.collectedCents), numeric: true },
              ]}
            />
          }
        >
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={revenueDays} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="label" fontSize={12} />
              <YAxis fontSize={12} tickFormatter={(v: number) => `$ ${formatNumber(v)}`} width={80} domain={[0, (max: number) => Math.max(max, target === null ? 0 : target / 100)]} />
              <Tooltip formatter={(v) => [formatCentavos(Math.round(Number(v) * 100)), 'Cobrado']} />
              <Bar dataKey="pesos" name="Cobrado" isAnimationActive={false}>
                {revenueDays.map((d) => (
                  <Cell key={d.day} fill={target !== null && d.collectedCents < target ? CHART_COLORS.muted : CHART_COLORS.primary} />
                ))}
              </Bar>
              {target !== null ? <ReferenceLine y={target / 100} stroke={CHART_COLORS.target} strokeDasharray="6 3" label={{ value: 'Objetivo', position: 'insideTopRight', fontSize: 12, fill: CHART_COLORS.target }} /> : null}
            </BarChart>
          </ResponsiveContainer>
        </ChartCard>

        <ChartCard
          id="satisfaction"
          title="Satisfacción de clientes"
          source="Calificaciones (1 a 5) de las reseñas escritas en el período (tabla reviews). Objetivo del runbook: más de 4,5."
          query={query}
          empty={satisfaction !== undefined && satisfaction.reviews === 0}
          emptyText={`Sin reseñas en los últimos ${days} días.`}
          table={
            <DataTable
              caption="Reseñas por calificación"
              rows={satisfaction?.distribution ?? []}
              columns={[
                { header: 'Calificación', cell: (r) => `${r.rating} ★` },
                { header: 'Reseñas', cell: (r) => formatNumber(r.reviews), numeric: true },
              ]}
            />
          }
        >
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={satisfaction?.distribution.map((d) => ({ ...d, label: `${d.rating} ★` }))} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="label" fontSize={12} />
              <YAxis allowDecimals={false} fontSize={12} />
              <Tooltip formatter={(v) => [formatNumber(Number(v)), 'Reseñas']} />
              <Bar dataKey="reviews" name="Reseñas" fill={CHART_COLORS.secondary} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </ChartCard>

        <ChartCard
          id="performance"
          title="Rendimiento del sistema"
          source={
            perf ? (
              <>
                Histograma <code>http_request_duration_seconds</code> de este proceso desde {arTime(perf.since)}; percentiles interpolados de los buckets (como histogram_quantile de Prometheus).
              </>
            ) : (
              'Histograma de tiempos de respuesta de la API.'
            )
          }
          query={query}
          empty={perf !== undefined && perf.requests === 0}
          emptyText="Este proceso todavía no atendió solicitudes."
          table={
            perf ? (
              <DataTable
                caption="Rendimiento"
                rows={[perf]}
                columns={[
                  { header: 'Solicitudes', cell: (r) => formatNumber(r.requests), numeric: true },
                  { header: 'p50', cell: (r) => milliseconds(r.p50Ms), numeric: true },
                  { header: 'p95', cell: (r) => milliseconds(r.p95Ms), numeric: true },
                  { header: 'Errores 5xx', cell: (r) => formatNumber(r.serverErrors), numeric: true },
                ]}
              />
            ) : null
          }
        >
          <ResponsiveContainer width="100%" height="100%">
            <BarChart
              layout="vertical"
              data={perf ? [{ label: 'p50', ms: perf.p50Ms ?? 0 }, { label: 'p95', ms: perf.p95Ms ?? 0 }] : []}
              margin={{ top: 8, right: 24, bottom: 0, left: 0 }}
            >
              <CartesianGrid strokeDasharray="3 3" horizontal={false} />
              <XAxis type="number" fontSize={12} tickFormatter={msTick} domain={[0, niceMax(perf?.targets.p95Ms)]} />
              <YAxis type="category" dataKey="label" fontSize={12} width={40} />
              <Tooltip formatter={(v) => [milliseconds(Number(v)), 'Tiempo']} />
              <Bar dataKey="ms" name="Tiempo" fill={CHART_COLORS.primary} isAnimationActive={false} />
              <ReferenceLine x={perf?.targets.p95Ms} stroke={CHART_COLORS.target} strokeDasharray="6 3" label={{ value: 'Objetivo p95', position: 'insideTopRight', fontSize: 12, fill: CHART_COLORS.target }} />
            </BarChart>
          </ResponsiveContainer>
        </ChartCard>

        <ChartCard
          id="satisfaction-trend"
          title="Calificación promedio por día"
          source="Promedio de las reseñas escritas cada día (tabla reviews); los días sin reseñas no tienen punto."
          query={query}
          empty={satisfaction !== undefined && satisfaction.reviews === 0}
          emptyText={`Sin reseñas en los últimos ${days} días.`}
        >
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={satisfaction?.days.map((d) => ({ ...d, label: shortDay(d.day) }))} margin={{ top: 8, right: 20, bottom: 0, left: -16 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="label" fontSize={12} padding={{ left: 8, right: 8 }} />
              <YAxis domain={[1, 5]} ticks={[1, 2, 3, 4, 5]} fontSize={12} />
              <Tooltip formatter={(v) => [Number(v).toLocaleString('es-AR', { maximumFractionDigits: 2 }), 'Promedio']} />
              <Legend />
              <ReferenceLine y={satisfaction?.target} stroke={CHART_COLORS.target} strokeDasharray="6 3" />
              <Line dataKey="average" name="Promedio" stroke={CHART_COLORS.secondary} connectNulls dot isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        </ChartCard>
      </div>
    </>
  );
}
