import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, ReferenceArea, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api } from '../api/client';
import type { GetShopsShopIdPayoutsResponse, GetShopsShopIdUtilizationResponse } from '../api/types.gen';
import { Empty, ErrorState, PageTitle } from '../ui/components';
import { formatCentavos, formatNumber, formatPercent, localDate } from '../ui/format';
import { addDays, formatCalendarDate } from './dates';
import { OwnerOnly, useShopContext } from './ProviderShell';

const PERIODS = [
  { days: 7, label: 'Últimos 7 días' },
  { days: 30, label: 'Últimos 30 días' },
] as const;

export function NumbersPage() {
  const { shopId, shop, role } = useShopContext();
  const [days, setDays] = useState<7 | 30>(7);
  const to = localDate(new Date(), shop.timezone);
  const from = addDays(to, -(days - 1));
  const owner = role === 'owner';
  const payouts = useQuery({
    queryKey: ['provider', shopId, 'payouts', from, to],
    queryFn: () => api('GET /api/v1/shops/{shopId}/payouts', { params: { shopId }, query: { from, to } }),
    enabled: owner,
  });
  const utilization = useQuery({
    queryKey: ['provider', shopId, 'utilization', from, to],
    queryFn: () => api('GET /api/v1/shops/{shopId}/utilization', { params: { shopId }, query: { from, to } }),
    enabled: owner,
  });
  const completed = useQuery({
    queryKey: ['provider', shopId, 'completed', from, to],
    queryFn: () => completedValue(shopId, from, to),
    enabled: owner,
  });
  if (!owner) return <OwnerOnly />;

  return (
    <section>
      <PageTitle
        actions={
          <div className="segmented" role="group" aria-label="Período">
            {PERIODS.map((p) => (
              <button key={p.days} type="button" aria-pressed={days === p.days} onClick={() => setDays(p.days)}>
                {p.label}
              </button>
            ))}
          </div>
        }
      >
        Ingresos y ocupación
      </PageTitle>
      <p className="muted">
        Del {formatCalendarDate(from)} al {formatCalendarDate(to)}.
      </p>

      <h2>Ingresos</h2>
      <div className="figures" aria-busy={completed.isPending}>
        <Figure label="Turnos realizados" value={completed.data ? formatNumber(completed.data.count) : undefined} error={completed.error} />
        <Figure label="Valor de los turnos realizados" value={completed.data ? formatCentavos(completed.data.cents) : undefined} error={completed.error} hint="Precio de lista de cada turno marcado como realizado" />
      </div>

      <h2>Liquidación de MercadoPago</h2>
      {payouts.isError ? <ErrorState error={payouts.error} onRetry={() => void payouts.refetch()} /> : <PayoutFigures report={payouts.data} />}

      <h2>Ocupación</h2>
      {utilization.isError ? (
        <ErrorState error={utilization.error} onRetry={() => void utilization.refetch()} />
      ) : (
        <UtilizationSection data={utilization.data} />
      )}
    </section>
  );
}

/** Every completed booking of the period, page by page: the sum is only shown when all pages arrived. */
async function completedValue(shopId: string, from: string, to: string): Promise<{ count: number; cents: number }> {
  let page = 1;
  let cents = 0;
  let count = 0;
  for (;;) {
    const res = await api('GET /api/v1/bookings', { query: { shopId, status: 'completed', from, to, page, pageSize: 100 } });
    for (const b of res.items) cents += b.price.amountCents;
    count += res.items.length;
    if (count >= res.total || res.items.length === 0) return { count, cents };
    page += 1;
  }
}

function Figure({ label, value, hint, error, tone }: { label: string; value: string | undefined; hint?: string; error?: unknown; tone?: 'negative' }) {
  return (
    <div className="figure card" role="group" aria-label={label}>
      <span className="figure-label" aria-hidden="true">
        {label}
      </span>
      <span className={`figure-value ${tone ?? ''}`}>{error ? '—' : (value ?? <span className="skeleton-text" aria-label="Cargando" />)}</span>
      {hint ? <span className="muted small">{hint}</span> : null}
    </div>
  );
}

function PayoutFigures({ report }: { report: GetShopsShopIdPayoutsResponse | undefined }) {
  const v = (m: { amountCents: number } | undefined) => (m ? formatCentavos(m.amountCents) : undefined);
  return (
    <div className="figures" aria-busy={!report}>
      <Figure label="Cobrado" value={v(report?.grossCollected)} hint="Señas y pagos cobrados por MercadoPago" />
      <Figure label="Comisión de MercadoPago" value={v(report?.mercadopagoFees)} />
      <Figure label="Comisión de BarberPro" value={v(report?.platformCommission)} />
      <Figure label="Devoluciones y contracargos" value={report ? formatCentavos(report.refunds.amountCents + report.chargebacks.amountCents) : undefined} />
      <Figure label="Neto del período" value={v(report?.netPayable)} />
      <Figure label="Transferido" value={v(report?.paidOut)} />
      <Figure label="Saldo a tu favor" value={v(report?.balance)} tone={report && report.balance.amountCents < 0 ? 'negative' : undefined} />
    </div>
  );
}

const hours = (minutes: number) => formatNumber(Math.round((minutes / 60) * 10) / 10);
const percent = (ratio: number | null) => (ratio === null ? 'sin horario' : formatPercent(ratio));

function UtilizationSection({ data }: { data: GetShopsShopIdUtilizationResponse | undefined }) {
  if (!data) return <div className="chart-box skeleton" role="status" aria-label="Cargando ocupación" />;
  const low = data.band.low * 100;
  const high = data.band.high * 100;
  const rows = data.days.map((d) => ({
    label: formatCalendarDate(d.date, 'short'),
    ocupacion: d.ratio === null ? null : Math.round(d.ratio * 1000) / 10,
    reservadas: Math.round((d.bookedMinutes / 60) * 10) / 10,
  }));
  if (data.total.availableMinutes === 0) return <Empty>No hubo horario de atención en este período.</Empty>;
  return (
    <>
      <p>
        Ocupación del período: <strong>{percent(data.total.ratio)}</strong> ({hours(data.total.bookedMinutes)} h reservadas de {hours(data.total.availableMinutes)} h disponibles). Rango óptimo: {formatPercent(data.band.low, 0)} a {formatPercent(data.band.high, 0)}.
      </p>
      <figure className="chart-box" aria-label={`Ocupación por día; la franja marca el rango óptimo de ${low} a ${high} %`}>
        <ResponsiveContainer width="100%" height={300}>
          <BarChart data={rows} margin={{ top: 10, right: 16, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="label" />
            <YAxis domain={[0, 100]} unit=" %" width={56} />
            <ReferenceArea y1={low} y2={high} fill="#16a34a" fillOpacity={0.18} stroke="#16a34a" strokeOpacity={0.5} label={{ value: `Óptimo ${low}–${high} %`, position: 'insideTopLeft', fill: '#166534', fontSize: 12 }} />
            <Bar dataKey="ocupacion" name="Ocupación" fill="#0f766e" isAnimationActive={false} />
            <Tooltip formatter={(value) => [`${formatNumber(Number(value))} %`, 'Ocupación']} labelFormatter={(label, payload) => `${String(label)} · ${formatNumber(Number(payload?.[0]?.payload?.reservadas ?? 0))} h reservadas`} />
          </BarChart>
        </ResponsiveContainer>
        <figcaption className="muted small">Ocupación = minutos reservados (turnos confirmados, realizados y ausentes) sobre minutos disponibles (horario menos descansos y ausencias), por día.</figcaption>
      </figure>
      <div className="table-scroll">
        <table>
          <caption className="visually-hidden">Ocupación por barbero</caption>
          <thead>
            <tr>
              <th scope="col">Barbero</th>
              <th scope="col">Horas disponibles</th>
              <th scope="col">Horas reservadas</th>
              <th scope="col">Ocupación</th>
            </tr>
          </thead>
          <tbody>
            {data.barbers.map((b) => (
              <tr key={b.id}>
                <th scope="row">{b.displayName}</th>
                <td>{hours(b.availableMinutes)}</td>
                <td>{hours(b.bookedMinutes)}</td>
                <td>
                  {percent(b.ratio)} <BandBadge ratio={b.ratio} low={data.band.low} high={data.band.high} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function BandBadge({ ratio, low, high }: { ratio: number | null; low: number; high: number }) {
  if (ratio === null) return null;
  if (ratio < low) return <span className="badge warning">por debajo del rango</span>;
  if (ratio > high) return <span className="badge danger">por encima del rango</span>;
  return <span className="badge ok">en el rango óptimo</span>;
}
