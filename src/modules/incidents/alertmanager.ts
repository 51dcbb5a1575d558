/**
 * Alertmanager's webhook (payload version 4,
 * https://prometheus.io/docs/alerting/latest/configuration/#webhook_config) and what an
 * incident takes from it. Pure: parsing and interpretation, no I/O.
 */
import { z } from 'zod';
import { severityFromLabel, worstSeverity } from './policy.js';
import type { IncidentSeverity } from './tables.js';

const labels = z.record(z.string(), z.string());

export const alertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels,
  annotations: labels.default({}),
  startsAt: z.iso.datetime({ offset: true }),
  // "0001-01-01T00:00:00Z" while the alert fires without a known end.
  endsAt: z.iso.datetime({ offset: true }).optional(),
  generatorURL: z.string().max(4000).optional(),
  fingerprint: z.string().min(1).max(128),
});

export const alertmanagerPayloadSchema = z.object({
  version: z.literal('4'),
  groupKey: z.string().min(1).max(4000),
  truncatedAlerts: z.number().int().min(0).default(0),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().max(300),
  groupLabels: labels.default({}),
  commonLabels: labels.default({}),
  commonAnnotations: labels.default({}),
  externalURL: z.string().max(4000).default(''),
  alerts: z.array(alertSchema).min(1).max(1000),
});

export type AlertmanagerPayload = z.infer<typeof alertmanagerPayloadSchema>;
export type Alert = z.infer<typeof alertSchema>;

export interface AlertSeen {
  fingerprint: string;
  startsAt: Date;
  alertname: string;
  severity: IncidentSeverity;
  /** The label was missing or not one of the runbook's classes. */
  severityLabel: string | undefined;
  severityRecognized: boolean;
  summary: string;
  /** Set for resolved alerts: when the condition ended (clamped by the caller). */
  endsAt: Date | undefined;
  status: 'firing' | 'resolved';
}

const ZERO_TIME = Date.parse('0001-01-01T00:00:00Z');

export function readAlert(alert: Alert): AlertSeen {
  const { severity, recognized } = severityFromLabel(alert.labels.severity);
  const endsAt = alert.endsAt ? new Date(alert.endsAt) : undefined;
  return {
    fingerprint: alert.fingerprint,
    startsAt: new Date(alert.startsAt),
    alertname: alert.labels.alertname ?? 'unnamed alert',
    severity,
    severityLabel: alert.labels.severity,
    severityRecognized: recognized,
    summary: alert.annotations.summary ?? alert.annotations.description ?? '',
    endsAt: endsAt && endsAt.getTime() > ZERO_TIME ? endsAt : undefined,
    status: alert.status,
  };
}

/** The incident's title: the group's common summary, else its alert name(s). */
export function incidentTitle(payload: AlertmanagerPayload): string {
  const summary = payload.commonAnnotations.summary?.trim();
  const names = [...new Set(payload.alerts.map((a) => a.labels.alertname ?? 'unnamed alert'))];
  const title = summary ? `${names.join(', ')}: ${summary}` : names.join(', ');
  return title.slice(0, 300);
}

export function payloadSeverity(alerts: readonly AlertSeen[]): IncidentSeverity {
  return worstSeverity(alerts.filter((a) => a.status === 'firing').map((a) => a.severity)) ?? worstSeverity(alerts.map((a) => a.severity)) ?? 'high';
}
