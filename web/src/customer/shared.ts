import { request, ApiError } from '../api/client';
import type { GetBookingsIdResponse, GetShopsShopIdAvailabilityResponse, GetShopsShopIdResponse } from '../api/types.gen';

export type Shop = GetShopsShopIdResponse;
export type ShopService = Shop['services'][number];
export type ShopBarber = Shop['barbers'][number];
export type Booking = GetBookingsIdResponse;
export type Slot = GetShopsShopIdAvailabilityResponse['slots'][number];

/** The "any barber" choice in URLs and state. */
export const ANY_BARBER = 'cualquiera';

/** YYYY-MM-DD plus n calendar days (pure date arithmetic: no timezone can shift it). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Alternatives a 409 slot_unavailable carries (see the API's slotTakenSchema). */
export function alternativesOf(error: unknown): Slot[] {
  if (!(error instanceof ApiError) || error.status !== 409) return [];
  const alternatives = error.problem.alternatives;
  return Array.isArray(alternatives) ? (alternatives as Slot[]) : [];
}

/** Field messages from a 400 validation problem, keyed by the field's last path segment. */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError) || !Array.isArray(error.problem.errors)) return {};
  const out: Record<string, string> = {};
  for (const e of error.problem.errors as Array<{ path?: string; message?: string }>) {
    const field = e.path?.split('.').pop();
    if (field && e.message && !out[field]) out[field] = e.message;
  }
  return out;
}

/**
 * Downloads an authenticated file: a plain link cannot carry the bearer token, so the file
 * is fetched with it and handed to the browser as a blob.
 */
export async function downloadFile(path: string, fallbackName: string): Promise<void> {
  const res = await request('GET', path);
  const disposition = res.headers.get('content-disposition') ?? '';
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

export function formatDuration(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `${h} h ${m} min` : `${h} h`;
}

export function formatRating(average: number | null, count: number): string {
  if (average === null || count === 0) return 'Sin reseñas todavía';
  const avg = new Intl.NumberFormat('es-AR', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(average);
  return `${avg} de 5 (${count} ${count === 1 ? 'reseña' : 'reseñas'})`;
}

export const STATUS_LABELS: Record<Booking['status'], string> = {
  pending: 'Esperando la seña',
  confirmed: 'Confirmado',
  completed: 'Realizado',
  no_show: 'Ausente',
  cancelled: 'Cancelado',
  expired: 'Reserva vencida',
};
