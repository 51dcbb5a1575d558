import type { ColumnType, Generated, Selectable } from 'kysely';

// Migration 0010. Declaration merging adds the incident tables to the app's DB type.

export type IncidentSeverity = 'critical' | 'high' | 'medium' | 'low';
export type IncidentStatus = 'open' | 'acknowledged' | 'resolved';
export type IncidentSource = 'alertmanager' | 'manual';

export interface IncidentsTable {
  id: Generated<string>;
  title: string;
  description: string | null;
  severity: IncidentSeverity;
  status: ColumnType<IncidentStatus, IncidentStatus | undefined, IncidentStatus>;
  source: IncidentSource;
  group_key: string | null;
  detected_at: Date;
  opened_at: Date;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  resolved_at: Date | null;
  resolved_by: string | null;
  resolved_via: 'alert' | 'operator' | null;
  resolution_note: string | null;
  escalation_level: ColumnType<number, number | undefined, number>;
  next_escalation_at: Date | null;
}

export interface IncidentAlertsTable {
  fingerprint: string;
  starts_at: Date;
  incident_id: string;
  alertname: string;
  severity: string;
  resolved_at: Date | null;
}

export interface IncidentEventsTable {
  id: Generated<string>;
  incident_id: string;
  at: Date;
  kind: string;
  detail: string;
}

export interface IncidentPagesTable {
  id: Generated<string>;
  incident_id: string;
  level: number;
  target: string;
  status: ColumnType<'pending' | 'sending' | 'sent' | 'failed', 'pending' | undefined, 'pending' | 'sending' | 'sent' | 'failed'>;
  attempts: ColumnType<number, number | undefined, number>;
  channel: string | null;
  created_at: Date;
  sent_at: Date | null;
  last_error: string | null;
}

export type IncidentRow = Selectable<IncidentsTable>;

declare module '../../platform/db/schema.js' {
  interface DB {
    incidents: IncidentsTable;
    incident_alerts: IncidentAlertsTable;
    incident_events: IncidentEventsTable;
    incident_pages: IncidentPagesTable;
  }
}
