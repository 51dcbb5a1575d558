import { useQuery } from '@tanstack/react-query';
import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api } from '../api/client';
import { PageTitle } from '../ui/components';
import { formatNumber } from '../ui/format';
import { arTime, CHART_COLORS, ChartCard, DataTable, Kpi } from './components';

const SIGNATURE_REASONS: Record<string, string> = {
  missing: 'Sin firma',
  malformed: 'Firma mal formada',
  mismatch: 'Firma incorrecta',
  stale: 'Firma vencida',
};

export function SecurityPage() {
  const query = useQuery({
    queryKey: ['admin', 'dashboards', 'security'],
    queryFn: () => api('GET /api/v1/admin/dashboards/security'),
    refetchInterval: 30_000,
  });
  const data = query.data;
  const signatureTotal = data?.signatureFailures.reduce((s, r) => s + r.count, 0) ?? 0;
  const events = data
    ? [
        { label: 'Ingresos fallidos', count: data.failedLogins, color: CHART_COLORS.warning },
        { label: 'Bloqueos de cuenta', count: data.lockouts.account, color: CHART_COLORS.danger },
        { label: 'Bloqueos de dirección', count: data.lockouts.ip, color: CHART_COLORS.danger },
        { label: 'Intentos bloqueados', count: data.lockedOutAttempts, color: CHART_COLORS.secondary },
        { label: 'Límite de solicitudes', count: data.rateLimited, color: CHART_COLORS.secondary },
        { label: 'Firmas de webhook', count: signatureTotal, color: CHART_COLORS.danger },
      ]
    : [];
  const perHour = data?.failedLoginsPerHour;

  return (
    <>
      <PageTitle>Seguridad</PageTitle>
      {data ? <p className="scope-note">Contadores de este proceso de la API desde {arTime(data.since)}; se reinician cuando el proceso se reinicia.</p> : null}
      <div className="kpis">
        <Kpi
          label="Ingresos fallidos"
          value={data ? formatNumber(data.failedLogins) : undefined}
          note={perHour === undefined ? undefined : `${perHour.toLocaleString('es-AR', { maximumFractionDigits: 1 })} por hora · normal < ${data!.targets.failedLoginsPerHour}/h`}
          tone={perHour === undefined ? undefined : perHour < data!.targets.failedLoginsPerHour ? 'ok' : 'bad'}
        />
        <Kpi
          label="Bloqueos por intentos"
          value={data ? formatNumber(data.lockouts.account + data.lockouts.ip) : undefined}
          note={data ? `${formatNumber(data.lockouts.account)} de cuentas, ${formatNumber(data.lockouts.ip)} de direcciones` : undefined}
        />
        <Kpi label="Solicitudes bloqueadas" value={data ? formatNumber(data.rateLimited + data.lockedOutAttempts) : undefined} note={data ? `${formatNumber(data.rateLimited)} por límite, ${formatNumber(data.lockedOutAttempts)} por bloqueo` : undefined} />
        <Kpi label="Firmas de webhook rechazadas" value={data ? formatNumber(signatureTotal) : undefined} note="Notificaciones de MercadoPago" tone={data ? (signatureTotal === 0 ? 'ok' : 'warn') : undefined} />
      </div>
      <div className="charts">
        <ChartCard
          id="security-events"
          title="Eventos de seguridad"
          source="Respuestas 401 de POST /api/v1/auth/login y 429 (login_locked, rate_limited) de http_requests_errors_total; bloqueos y firmas rechazadas de sus contadores propios."
          query={query}
          empty={data !== undefined && events.every((e) => e.count === 0)}
          emptyText={data ? `Sin eventos de seguridad desde ${arTime(data.since)}.` : undefined}
          table={
            <DataTable
              caption="Eventos de seguridad"
              rows={events}
              columns={[
                { header: 'Evento', cell: (r) => r.label },
                { header: 'Cantidad', cell: (r) => formatNumber(r.count), numeric: true },
              ]}
            />
          }
        >
          <ResponsiveContainer width="100%" height="100%">
            <BarChart layout="vertical" data={events} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" horizontal={false} />
              <XAxis type="number" allowDecimals={false} fontSize={12} />
              <YAxis type="category" dataKey="label" width={150} fontSize={12} interval={0} />
              <Tooltip formatter={(v) => [formatNumber(Number(v)), 'Cantidad']} />
              <Bar dataKey="count" name="Cantidad" isAnimationActive={false}>
                {events.map((e) => (
                  <Cell key={e.label} fill={e.color} />
                ))}
              </Bar>
            </BarChart>
          </ResponsiveContainer>
        </ChartCard>

        <ChartCard
          id="rate-limited"
          title="Solicitudes limitadas por ruta"
          source="Respuestas 429 rate_limited por ruta (http_requests_errors_total)."
          query={query}
          empty={data !== undefined && data.rateLimitedByRoute.length === 0}
          emptyText="Ninguna solicitud superó el límite."
          table={
            <DataTable caption="Solicitudes limitadas por ruta" rows={data?.rateLimitedByRoute ?? []} columns={[{ header: 'Ruta', cell: (r) => r.route }, { header: 'Cantidad', cell: (r) => formatNumber(r.count), numeric: true }]} />
          }
        >
          <ResponsiveContainer width="100%" height="100%">
            <BarChart layout="vertical" data={data?.rateLimitedByRoute} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" horizontal={false} />
              <XAxis type="number" allowDecimals={false} fontSize={12} />
              <YAxis type="category" dataKey="route" width={180} fontSize={11} interval={0} />
              <Tooltip formatter={(v) => [formatNumber(Number(v)), 'Solicitudes']} />
              <Bar dataKey="count" name="Solicitudes" fill={CHART_COLORS.secondary} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </ChartCard>

        <ChartCard
          id="signature-failures"
          title="Webhooks con firma rechazada"
          source="Notificaciones de MercadoPago rechazadas por su x-signature, por motivo (barberpro_webhook_signature_failures_total)."
          query={query}
          empty={data !== undefined && data.signatureFailures.length === 0}
          emptyText="Ninguna notificación fue rechazada por su firma."
          table={
            <DataTable
              caption="Firmas rechazadas por motivo"
              rows={data?.signatureFailures ?? []}
              columns={[{ header: 'Motivo', cell: (r) => SIGNATURE_REASONS[r.reason] ?? r.reason }, { header: 'Cantidad', cell: (r) => formatNumber(r.count), numeric: true }]}
            />
          }
        >
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={data?.signatureFailures.map((r) => ({ ...r, label: SIGNATURE_REASONS[r.reason] ?? r.reason }))} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="label" fontSize={12} />
              <YAxis allowDecimals={false} fontSize={12} />
              <Tooltip formatter={(v) => [formatNumber(Number(v)), 'Rechazos']} />
              <Bar dataKey="count" name="Rechazos" fill={CHART_COLORS.danger} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </ChartCard>
      </div>
    </>
  );
}
