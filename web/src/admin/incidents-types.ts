/**
 * The incidents API as agreed with the ops-incidents work (not on this branch yet, so not in
 * types.gen.ts). Typed by hand from the contract; replace with the generated types once the
 * routes are merged and `npm run generate:api` includes them.
 */

export type IncidentStatus = 'open' | 'acknowledged' | 'resolved';
export type IncidentSeverity = 'critical' | 'high' | 'medium' | 'low';

export interface Incident {
  id: string;
  title: string;
  severity: IncidentSeverity;
  status: IncidentStatus;
  openedAt: string;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  escalationLevel: number;
  source: string;
  mttrSeconds: number | null;
}

export interface IncidentList {
  items: Incident[];
}

export interface IncidentTimelineEntry {
  at: string;
  kind: string;
  detail: string;
}

export interface IncidentDetail extends Incident {
  timeline: IncidentTimelineEntry[];
}

export interface IncidentMetrics {
  days: number;
  count: number;
  bySeverity: Partial<Record<IncidentSeverity, number>> & Record<string, number>;
  mttrSeconds: number | null;
  mttaSeconds: number | null;
}

export interface OpenIncidentBody {
  title: string;
  severity: IncidentSeverity;
  description: string;
}

export interface ResolveIncidentBody {
  note: string;
}
