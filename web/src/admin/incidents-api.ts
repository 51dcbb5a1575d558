import { request } from '../api/client';
import type { IncidentDetail, IncidentList, IncidentMetrics, IncidentStatus, OpenIncidentBody, ResolveIncidentBody } from './incidents-types';

// The low-level client until the incidents routes are in the generated types (see incidents-types.ts).
async function body<T>(response: Promise<Response>): Promise<T> {
  const res = await response;
  return (res.status === 204 ? undefined : await res.json()) as T;
}

export const incidentsApi = {
  list: (status: IncidentStatus | undefined) => body<IncidentList>(request('GET', '/api/v1/admin/incidents', { query: { status } })),
  get: (id: string) => body<IncidentDetail>(request('GET', `/api/v1/admin/incidents/${encodeURIComponent(id)}`)),
  metrics: (days: number) => body<IncidentMetrics>(request('GET', '/api/v1/admin/incidents/metrics', { query: { days } })),
  // The merged route takes an optional { note }: an empty object, never a body-less JSON POST.
  acknowledge: (id: string) => body<unknown>(request('POST', `/api/v1/admin/incidents/${encodeURIComponent(id)}/acknowledge`, { body: {} })),
  resolve: (id: string, input: ResolveIncidentBody) => body<unknown>(request('POST', `/api/v1/admin/incidents/${encodeURIComponent(id)}/resolve`, { body: input })),
  open: (input: OpenIncidentBody, idempotencyKey: string) => body<IncidentDetail>(request('POST', '/api/v1/admin/incidents', { body: input, idempotencyKey })),
};

export const SEVERITY_LABELS = { critical: 'Crítica', high: 'Alta', medium: 'Media', low: 'Baja' } as const;
export const STATUS_LABELS = { open: 'Abierto', acknowledged: 'Reconocido', resolved: 'Resuelto' } as const;
/** The runbook's response times per severity (Incident Classification). */
export const RESPONSE_TARGET_MINUTES = { critical: 5, high: 15, medium: 60, low: 24 * 60 } as const;

export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = seconds / 60;
  if (minutes < 60) return `${new Intl.NumberFormat('es-AR', { maximumFractionDigits: 1 }).format(minutes)} min`;
  const hours = minutes / 60;
  if (hours < 48) return `${new Intl.NumberFormat('es-AR', { maximumFractionDigits: 1 }).format(hours)} h`;
  return `${new Intl.NumberFormat('es-AR', { maximumFractionDigits: 1 }).format(hours / 24)} días`;
}
