import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Bar, BarChart, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api } from '../api/client';
import { PageTitle } from '../ui/components';
import { formatCentavos, formatNumber } from '../ui/format';
import { CHART_COLORS, ChartCard, DataTable, Kpi, longDay, milliseconds, msTick, shortDay, useWindowDays, WindowPicker } from './components';

/** A NUMERIC in pesos as the API gives it ("12000.50") → centavos, exactly (no float on money). */
function pesosToCentavos(value: string | null): number | null {
  if (value === null) return null;
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value);
  if (!match) return null;
  const fraction = (match[3] ?? '').padEnd(3, '0');
  // Round half up on the third decimal (AVG gives many decimals).
  const cents = Number(match[2]) * 100 + Number(fraction.slice(0, 2)) + (Number(fraction[2]) >= 5 ? 1 : 0);
  return match[1] ? -cents : cents;
}

function rating(value: string | null): string {
  return value === null ? 'Sin reseñas' : Number(value).toLocaleString('es-AR', { maximumFractionDigits: 2 });
}

export function BusinessPage() {
  const [days, setDays] = useWindowDays();
  const query = useQuery({
    queryKey: ['admin', 'dashboards', 'business', days],
    queryFn: () => api('GET /api/v1/admin/dashboards/business', { query: { days } }),
    placeholderData: keepPreviousData,
  });
  const data = query.data;
  const daily = data?.dailySummary.rows ?? [];
  const regional = data?.regional.rows ?? [];
  const totalBookings = daily.reduce((s, r) => s + r.bookings, 0);
  const totalRevenue = daily.reduce((s, r) => s + (pesosToCentavos(r.totalRevenue) ?? 0), 0);
  const dailyChart = daily.map((r) => ({ label: shortDay(r.date), bookings: r.bookings, revenue: (pesosToCentavos(r.totalRevenue) ?? 0) / 100 }));

  return (
    <>
      <PageTitle actions={<WindowPicker days={days} onChange={setDays} />}>Inteligencia de negocio</PageTitle>
      {data ? (
        <p className="scope-note">
          Las dos consultas del runbook, sobre los últimos {days} días ({longDay(data.window.from)} a {longDay(data.window.to)}), en vivo sobre la base de datos.
        </p>
      ) : null}
      <div className="kpis">
        <Kpi label="Reservas creadas" value={data ? formatNumber(totalBookings) : undefined} note={`Últimos ${days} días`} />
        <Kpi label="Valor reservado" value={data ? formatCentavos(totalRevenue) : undefined} note="Sin canceladas ni vencidas" />
        <Kpi label="Regiones con reservas" value={data ? formatNumber(regional.length) : undefined} />
      </div>
      <div className="charts">
        <ChartCard
          id="daily-summary"
          title="Resumen diario de rendimiento"
          source="Consulta “Daily performance summary” del runbook: reservas creadas por día y su valor (booking_value excluye canceladas y vencidas)."
          query={query}
          empty={data !== undefined && daily.length === 0}
          emptyText={`No se crearon reservas en los últimos ${days} días.`}
          table={
            <>
              <DataTable
                caption="Resumen diario"
                rows={daily}
                columns={[
                  { header: 'Fecha', cell: (r) => longDay(r.date) },
                  { header: 'Reservas', cell: (r) => formatNumber(r.bookings), numeric: true },
                  { header: 'Valor promedio', cell: (r) => (r.avgValue === null ? '—' : formatCentavos(pesosToCentavos(r.avgValue)!)), numeric: true },
                  { header: 'Valor total', cell: (r) => (r.totalRevenue === null ? '—' : formatCentavos(pesosToCentavos(r.totalRevenue)!)), numeric: true },
                ]}
              />
              <pre className="sql" aria-label="Consulta SQL del resumen diario">{data?.dailySummary.query}</pre>
            </>
          }
        >
          <ResponsiveContainer width="100%" height="100%">
            <ComposedChart data={dailyChart} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="label" fontSize={12} />
              <YAxis yAxisId="bookings" allowDecimals={false} fontSize={12} width={40} />
              <YAxis yAxisId="revenue" orientation="right" fontSize={12} width={80} tickFormatter={(v: number) => `$ ${formatNumber(v)}`} />
              <Tooltip formatter={(v, name) => (name === 'Valor total' ? [formatCentavos(Math.round(Number(v) * 100)), name] : [formatNumber(Number(v)), String(name)])} />
              <Legend />
              <Bar yAxisId="bookings" dataKey="bookings" name="Reservas" fill={CHART_COLORS.primary} isAnimationActive={false} />
              <Line yAxisId="revenue" dataKey="revenue" name="Valor total" stroke={CHART_COLORS.secondary} dot isAnimationActive={false} />
            </ComposedChart>
          </ResponsiveContainer>
        </ChartCard>

        <ChartCard
          id="regional"
          title="Rendimiento por región"
          source="Consulta “Regional performance analysis” del runbook (vista booking_analytics): reservas, calificación promedio y tiempo de respuesta medido al crear cada reserva."
          query={query}
          empty={data !== undefined && regional.length === 0}
          emptyText={`No hubo reservas en ninguna región en los últimos ${days} días.`}
          table={
            <>
              <DataTable
                caption="Rendimiento por región"
                rows={regional}
                columns={[
                  { header: 'Región', cell: (r) => r.providerRegion },
                  { header: 'Reservas', cell: (r) => formatNumber(r.bookings), numeric: true },
                  { header: 'Calificación', cell: (r) => rating(r.avgRating), numeric: true },
                  { header: 'Respuesta promedio', cell: (r) => milliseconds(r.avgResponseTimeMs === null ? null : Number(r.avgResponseTimeMs)), numeric: true },
                ]}
              />
              <pre className="sql" aria-label="Consulta SQL del rendimiento regional">{data?.regional.query}</pre>
            </>
          }
        >
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={regional.map((r) => ({ ...r, responseMs: r.avgResponseTimeMs === null ? null : Number(r.avgResponseTimeMs) }))} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="providerRegion" fontSize={12} />
              <YAxis yAxisId="bookings" allowDecimals={false} fontSize={12} width={40} />
              <YAxis yAxisId="ms" orientation="right" fontSize={12} width={64} tickFormatter={msTick} />
              <Tooltip formatter={(v, name) => (name === 'Respuesta promedio' ? [milliseconds(Number(v)), name] : [formatNumber(Number(v)), String(name)])} />
              <Legend />
              <Bar yAxisId="bookings" dataKey="bookings" name="Reservas" fill={CHART_COLORS.primary} isAnimationActive={false} />
              <Bar yAxisId="ms" dataKey="responseMs" name="Respuesta promedio" fill={CHART_COLORS.secondary} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </ChartCard>
      </div>
    </>
  );
}
