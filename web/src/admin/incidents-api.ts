import { api } from '../api/client';
import type { GetAdminIncidentsIdResponse, GetAdminIncidentsQuery, PostAdminIncidentsBody, PostAdminIncidentsIdResolveBody } from '../api/types.gen';

export type IncidentSeverity = GetAdminIncidentsIdResponse['severity'];
export type IncidentStatus = NonNullable<GetAdminIncidentsQuery['status']>;

export const incidentsApi = {
  list: (status: IncidentStatus | undefined) => api('GET /api/v1/admin/incidents', { query: status ? { status } : {} }),
  get: (id: string) => api('GET /api/v1/admin/incidents/{id}', { params: { id } }),
  metrics: (days: number) => api('GET /api/v1/admin/incidents/metrics', { query: { days } }),
  acknowledge: (id: string) => api('POST /api/v1/admin/incidents/{id}/acknowledge', { params: { id }, body: {} }),
  resolve: (id: string, input: PostAdminIncidentsIdResolveBody) => api('POST /api/v1/admin/incidents/{id}/resolve', { params: { id }, body: input }),
  open: (input: PostAdminIncidentsBody, idempotencyKey: string) => api('POST /api/v1/admin/incidents', { body: input, idempotencyKey }),
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
