import type { ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { Empty, ErrorState, Loading } from '../ui/components';

/** "2026-11-29" → "29/11": report days are Argentine calendar days already, no timezone applies. */
export function shortDay(day: string): string {
  return `${day.slice(8, 10)}/${day.slice(5, 7)}`;
}

export function longDay(day: string): string {
  return `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;
}

/** An instant for operators, in Argentine time (the runbook's reference). */
export function arTime(iso: string): string {
  return new Intl.DateTimeFormat('es-AR', { dateStyle: 'short', timeStyle: 'short', hourCycle: 'h23', timeZone: 'America/Argentina/Buenos_Aires' }).format(new Date(iso));
}

export const WINDOWS = [7, 30] as const;

/** The selected window (7 or 30 days), kept in the address so a view can be shared. */
export function useWindowDays(): [number, (days: number) => void] {
  const [params, setParams] = useSearchParams();
  const raw = Number(params.get('dias'));
  const days = (WINDOWS as readonly number[]).includes(raw) ? raw : 7;
  return [
    days,
    (next) =>
      setParams(
        (p) => {
          p.set('dias', String(next));
          return p;
        },
        { replace: true },
      ),
  ];
}

export function WindowPicker({ days, onChange }: { days: number; onChange: (days: number) => void }) {
  return (
    <fieldset className="window-picker">
      <legend>Período</legend>
      {WINDOWS.map((d) => (
        <label key={d}>
          <input type="radio" name="window" value={d} checked={days === d} onChange={() => onChange(d)} />
          Últimos {d} días
        </label>
      ))}
    </fieldset>
  );
}

export type Tone = 'ok' | 'warn' | 'bad' | undefined;

/** One headline figure. `value` undefined = still loading (the card keeps its size). */
export function Kpi({ label, value, note, tone }: { label: string; value: ReactNode | undefined; note?: ReactNode; tone?: Tone }) {
  return (
    <div className={`kpi${tone ? ` ${tone}` : ''}`}>
      <p className="kpi-label">{label}</p>
      <p className="kpi-value">{value === undefined ? <span className="skeleton" aria-hidden="true" /> : value}</p>
      {note ? <p className="kpi-note">{note}</p> : null}
    </div>
  );
}

export interface TableColumn<Row> {
  header: string;
  cell: (row: Row) => ReactNode;
  numeric?: boolean;
}

export function DataTable<Row>({ caption, columns, rows }: { caption: string; columns: TableColumn<Row>[]; rows: Row[] }) {
  return (
    <div className="table-scroll">
      <table>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.header} scope="col" className={c.numeric ? 'num' : undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i}>
              {columns.map((c) => (
                <td key={c.header} className={c.numeric ? 'num' : undefined}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * A chart with its title, where its figures come from, and the same figures as a table for
 * screen readers and for checking. The chart area keeps its height while loading, empty or
 * failed, so nothing jumps when data arrives.
 */
export function ChartCard({
  title,
  source,
  query,
  empty,
  emptyText,
  children,
  table,
  id,
  tall,
}: {
  title: string;
  source: ReactNode;
  query: { isPending: boolean; error: unknown; refetch: () => unknown };
  /** True when the data came back but holds nothing to draw. */
  empty?: boolean;
  emptyText?: ReactNode;
  children?: ReactNode;
  table?: ReactNode;
  id: string;
  /** For charts with one row per shop. */
  tall?: boolean;
}) {
  const headingId = `${id}-title`;
  return (
    <section className="chart-card" aria-labelledby={headingId} data-chart={id}>
      <h2 id={headingId}>{title}</h2>
      <p className="chart-source">{source}</p>
      <div className={tall ? 'chart-area tall' : 'chart-area'}>
        {query.isPending ? (
          <Loading label="Cargando datos…" />
        ) : query.error ? (
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        ) : empty ? (
          <Empty>{emptyText ?? 'Todavía no hay datos para este período.'}</Empty>
        ) : (
          children
        )}
      </div>
      {!query.isPending && !query.error && !empty && table ? (
        <details>
          <summary>Ver los datos</summary>
          {table}
        </details>
      ) : null}
    </section>
  );
}

export const CHART_COLORS = {
  primary: '#0f766e',
  secondary: '#6366f1',
  warning: '#b54708',
  danger: '#b42318',
  muted: '#98a2b3',
  target: '#b54708',
} as const;

export function milliseconds(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return `${new Intl.NumberFormat('es-AR', { maximumFractionDigits: value < 10 ? 1 : 0 }).format(value)} ms`;
}

/** Axis ticks in es-AR ("1.200 ms"), never the library's default "313.5". */
export function msTick(value: number): string {
  return `${formatNumberRounded(value)} ms`;
}

export function formatNumberRounded(value: number): string {
  return new Intl.NumberFormat('es-AR', { maximumFractionDigits: 0 }).format(value);
}

/** An axis top that shows the target and rounds up to a multiple of `step` (4 ticks of whole tens by default). */
export function niceMax(target: number | undefined, step = 40): (dataMax: number) => number {
  return (dataMax) => Math.max(step, Math.ceil((Math.max(dataMax, target ?? 0) * 1.1) / step) * step);
}
