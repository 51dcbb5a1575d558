import type { Transaction } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import type { DB } from '../../platform/db/schema.js';
import { problems } from '../../platform/http/problem.js';
import { incidentTitle, payloadSeverity, readAlert, type AlertSeen, type AlertmanagerPayload } from './alertmanager.js';
import type { IncidentChannel } from './channels.js';
import { ESCALATION_MATRIX, SEVERITIES, dueEscalations, nextEscalation, secondsBetween, severityRank, type EscalationState } from './policy.js';
import type { IncidentFigures, IncidentsRepository } from './repository.js';
import type { IncidentRow, IncidentSeverity, IncidentStatus } from './tables.js';

export type AlertOutcome = { action: 'opened' | 'updated' | 'resolved'; incidentId: string } | { action: 'ignored'; incidentId: string | null; reason: string };

export interface IncidentView {
  id: string;
  title: string;
  severity: IncidentSeverity;
  status: IncidentStatus;
  openedAt: string;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  escalationLevel: number;
  source: 'alertmanager' | 'manual';
  mttrSeconds: number | null;
}

export interface IncidentDetail extends IncidentView {
  description: string | null;
  detectedAt: string;
  mttaSeconds: number | null;
  resolvedVia: 'alert' | 'operator' | null;
  resolutionNote: string | null;
  nextEscalation: { level: number; target: string; dueAt: string } | null;
  timeline: Array<{ at: string; kind: string; detail: string }>;
}

export interface IncidentMetrics {
  days: number;
  count: number;
  bySeverity: Record<IncidentSeverity, number>;
  mttrSeconds: number | null;
  mttaSeconds: number | null;
  mttdSeconds: number | null;
  resolved: number;
  autoResolved: number;
  /** Per severity: counts and mean times, for the runbook's KPIs (critical MTTR < 15 min). */
  details: Record<IncidentSeverity, { count: number; resolved: number; mttrSeconds: number | null; mttaSeconds: number | null }>;
}

export interface EscalationRun {
  escalated: number;
  pagesSent: number;
  pagesFailed: number;
}

export interface IncidentHooks {
  /** A new incident committed: page its first level now rather than at the next periodic run. */
  onOpened?: (incidentId: string) => void;
  onResolved?: (incident: { severity: IncidentSeverity; mttrSeconds: number }) => void;
}

const LIST_LIMIT = 200;
const PAGE_BATCH = 50;
const PAGE_ATTEMPTS = 5;
const iso = (d: Date | null) => (d ? d.toISOString() : null);

function escalationState(row: IncidentRow): EscalationState {
  return { severity: row.severity, status: row.status, openedAt: row.opened_at, escalationLevel: row.escalation_level };
}

export function toView(row: IncidentRow): IncidentView {
  return {
    id: row.id,
    title: row.title,
    severity: row.severity,
    status: row.status,
    openedAt: row.opened_at.toISOString(),
    acknowledgedAt: iso(row.acknowledged_at),
    resolvedAt: iso(row.resolved_at),
    escalationLevel: row.escalation_level,
    source: row.source,
    mttrSeconds: secondsBetween(row.opened_at, row.resolved_at),
  };
}

/**
 * Incidents: opened and closed by Alertmanager or by operators, escalated on the runbook's
 * matrix until someone acknowledges, with every step on the timeline. Escalation is driven by
 * a periodic job (runEscalations) and is safe with any number of workers.
 */
export class IncidentsService {
  constructor(
    private readonly repo: IncidentsRepository,
    private readonly clock: Clock,
    private readonly channels: readonly IncidentChannel[],
    private readonly options: { publicBaseUrl: string },
    private readonly hooks: IncidentHooks = {},
  ) {}

  async receiveAlertmanager(payload: AlertmanagerPayload): Promise<AlertOutcome> {
    const now = this.clock.now();
    const alerts = payload.alerts.map(readAlert);
    const outcome = await this.repo.transaction(async (trx) => {
      const known = await this.repo.knownAlerts(trx, alerts);
      const isKnown = (a: AlertSeen) => known.find((k) => k.fingerprint === a.fingerprint && k.starts_at.getTime() === a.startsAt.getTime());
      let incident = await this.repo.openByGroupKey(trx, payload.groupKey);

      if (payload.status === 'resolved') {
        if (!incident) return { action: 'ignored', incidentId: null, reason: 'no open incident for this alert group' } as const;
        await this.recordAlerts(trx, incident, alerts, now);
        const ends = alerts.map((a) => a.endsAt?.getTime() ?? now.getTime());
        // When the condition ended, not when the (possibly delayed) notification arrived.
        const resolvedAt = new Date(Math.min(now.getTime(), Math.max(incident.opened_at.getTime(), ...ends)));
        const closed = await this.close(trx, incident, { at: resolvedAt, via: 'alert', by: null, note: 'Alertmanager informó que las alertas se resolvieron.' });
        return { action: 'resolved', incidentId: incident.id, closed } as const;
      }

      const firing = alerts.filter((a) => a.status === 'firing');
      // A redelivered firing of alerts an incident already closed must not reopen anything.
      const fresh = firing.filter((a) => {
        const k = isKnown(a);
        return !k || k.incident_status !== 'resolved';
      });
      if (!incident && fresh.length === 0) return { action: 'ignored', incidentId: known[0]?.incident_id ?? null, reason: 'these alerts belong to a resolved incident' } as const;

      let action: 'opened' | 'updated' = 'updated';
      if (!incident) {
        const severity = payloadSeverity(fresh);
        const detectedAt = new Date(Math.min(now.getTime(), ...fresh.map((a) => a.startsAt.getTime())));
        const inserted = await this.repo.insert(trx, {
          title: incidentTitle(payload),
          description: payload.commonAnnotations.description ?? null,
          severity,
          source: 'alertmanager',
          groupKey: payload.groupKey,
          detectedAt,
          openedAt: now,
          nextEscalationAt: now,
        });
        if (inserted) {
          action = 'opened';
          await this.repo.addEvent(trx, inserted.id, detectedAt, 'detected', `Prometheus detectó la condición (${fresh.map((a) => a.alertname).join(', ')}).`);
          await this.repo.addEvent(trx, inserted.id, now, 'opened', `Incidente ${ESCALATION_MATRIX[severity].label} abierto por Alertmanager (receptor ${payload.receiver}).`);
        }
        // Another delivery of the same group opened it first: attach to that one.
        incident = inserted ?? (await this.repo.openByGroupKey(trx, payload.groupKey));
        if (!incident) throw new Error('incident for the alert group vanished while opening it');
      }
      incident = await this.recordAlerts(trx, incident, alerts, now);
      return { action, incidentId: incident.id } as const;
    });
    if (outcome.action === 'opened') this.hooks.onOpened?.(outcome.incidentId);
    if (outcome.action === 'resolved') {
      this.hooks.onResolved?.(outcome.closed);
      return { action: 'resolved', incidentId: outcome.incidentId };
    }
    return outcome;
  }

  /** Records each alert once on the incident; raises the severity when a worse one joins. */
  private async recordAlerts(trx: Transaction<DB>, incident: IncidentRow, alerts: readonly AlertSeen[], now: Date): Promise<IncidentRow> {
    let current = incident;
    for (const alert of alerts) {
      if (alert.status === 'firing') {
        if (await this.repo.addAlert(trx, { incidentId: current.id, fingerprint: alert.fingerprint, startsAt: alert.startsAt, alertname: alert.alertname, severity: alert.severity })) {
          const flag = alert.severityRecognized ? '' : ` (etiqueta severity ${alert.severityLabel === undefined ? 'ausente' : `"${alert.severityLabel}" desconocida`}: se trata como High)`;
          await this.repo.addEvent(trx, current.id, now, 'alert_firing', `${alert.alertname}${alert.summary ? `: ${alert.summary}` : ''}${flag}`);
          if (current.status !== 'resolved' && severityRank(alert.severity) > severityRank(current.severity)) {
            const from = current.severity;
            current = await this.repo.update(trx, current.id, { severity: alert.severity, ...(current.status === 'open' ? { next_escalation_at: now } : {}) });
            await this.repo.addEvent(trx, current.id, now, 'severity_raised', `Severidad elevada de ${ESCALATION_MATRIX[from].label} a ${ESCALATION_MATRIX[alert.severity].label} por ${alert.alertname}.`);
          }
        }
      } else {
        // The alert may have joined on this very delivery: record it so its firing is known.
        await this.repo.addAlert(trx, { incidentId: current.id, fingerprint: alert.fingerprint, startsAt: alert.startsAt, alertname: alert.alertname, severity: alert.severity });
        if (await this.repo.resolveAlert(trx, current.id, alert.fingerprint, alert.startsAt, alert.endsAt ?? now))
          await this.repo.addEvent(trx, current.id, now, 'alert_resolved', `${alert.alertname} dejó de dispararse.`);
      }
    }
    return current;
  }

  async open(input: { title: string; severity: IncidentSeverity; description: string | null }, actorId: string): Promise<IncidentDetail> {
    const now = this.clock.now();
    const row = await this.repo.transaction(async (trx) => {
      const incident = await this.repo.insert(trx, { ...input, source: 'manual', groupKey: null, detectedAt: now, openedAt: now, nextEscalationAt: now });
      if (!incident) throw new Error('manual incident insert returned nothing');
      await this.repo.addEvent(trx, incident.id, now, 'opened', `Incidente ${ESCALATION_MATRIX[input.severity].label} abierto manualmente (usuario ${actorId}).`);
      return incident;
    });
    this.hooks.onOpened?.(row.id);
    return this.get(row.id);
  }

  async acknowledge(id: string, actorId: string, note: string | undefined): Promise<IncidentDetail> {
    const now = this.clock.now();
    await this.repo.transaction(async (trx) => {
      const incident = await this.repo.lock(trx, id);
      if (!incident) throw problems.notFound('El incidente');
      if (incident.status !== 'open')
        throw problems.conflict(`incident_${incident.status}`, incident.status === 'resolved' ? 'El incidente ya está resuelto.' : 'El incidente ya fue reconocido.');
      await this.repo.update(trx, id, { status: 'acknowledged', acknowledged_at: now, acknowledged_by: actorId, next_escalation_at: null });
      await this.repo.addEvent(trx, id, now, 'acknowledged', `Reconocido por el usuario ${actorId} tras ${secondsBetween(incident.opened_at, now)} s; la escalación se detiene.${note ? ` Nota: ${note}` : ''}`);
    });
    return this.get(id);
  }

  async resolve(id: string, actorId: string, note: string): Promise<IncidentDetail> {
    const now = this.clock.now();
    const closed = await this.repo.transaction(async (trx) => {
      const incident = await this.repo.lock(trx, id);
      if (!incident) throw problems.notFound('El incidente');
      if (incident.status === 'resolved') throw problems.conflict('incident_resolved', 'El incidente ya está resuelto.');
      return this.close(trx, incident, { at: now, via: 'operator', by: actorId, note });
    });
    this.hooks.onResolved?.(closed);
    return this.get(id);
  }

  private async close(trx: Transaction<DB>, incident: IncidentRow, how: { at: Date; via: 'alert' | 'operator'; by: string | null; note: string }): Promise<{ severity: IncidentSeverity; mttrSeconds: number }> {
    const resolved = await this.repo.update(trx, incident.id, {
      status: 'resolved',
      resolved_at: how.at,
      resolved_by: how.by,
      resolved_via: how.via,
      resolution_note: how.note,
      next_escalation_at: null,
    });
    const mttr = secondsBetween(resolved.opened_at, how.at) ?? 0;
    const mtta = secondsBetween(resolved.opened_at, resolved.acknowledged_at);
    await this.repo.addEvent(
      trx,
      incident.id,
      how.at,
      'resolved',
      `${how.via === 'alert' ? 'Resuelto automáticamente (Alertmanager)' : `Resuelto por el usuario ${how.by}`}: ${how.note} MTTR ${mttr} s${mtta === null ? ', sin reconocimiento' : `, reconocido a los ${mtta} s`}.`,
    );
    return { severity: resolved.severity, mttrSeconds: mttr };
  }

  /** Adds a line to an incident's timeline (recovery runbooks, notifications sent by hand). */
  async recordEvent(id: string, kind: string, detail: string): Promise<void> {
    if (!(await this.repo.get(id))) throw problems.notFound('El incidente');
    await this.repo.addEvent(this.repo.db, id, this.clock.now(), kind, detail);
  }

  async list(status: IncidentStatus | undefined): Promise<IncidentView[]> {
    return (await this.repo.list(status, LIST_LIMIT)).map(toView);
  }

  async get(id: string): Promise<IncidentDetail> {
    const row = await this.repo.get(id);
    if (!row) throw problems.notFound('El incidente');
    const next = nextEscalation(escalationState(row));
    const timeline = await this.repo.timeline(id);
    return {
      ...toView(row),
      description: row.description,
      detectedAt: row.detected_at.toISOString(),
      mttaSeconds: secondsBetween(row.opened_at, row.acknowledged_at),
      resolvedVia: row.resolved_via,
      resolutionNote: row.resolution_note,
      nextEscalation: next ? { level: next.level, target: next.target, dueAt: next.dueAt.toISOString() } : null,
      timeline: timeline.map((e) => ({ at: e.at.toISOString(), kind: e.kind, detail: e.detail })),
    };
  }

  async metrics(days: number): Promise<IncidentMetrics> {
    const since = new Date(this.clock.now().getTime() - days * 86_400_000);
    const figures = await this.repo.figures(since);
    return summarizeFigures(days, figures);
  }

  /**
   * One escalation pass: pages every level that fell due on open incidents, then sends
   * pending pages. Each incident is escalated under its row lock (SKIP LOCKED: a second
   * worker moves on), and the level paged is re-read inside that lock, so a level is
   * recorded once however many workers run; sending claims each page row once.
   */
  async runEscalations(): Promise<EscalationRun> {
    const now = this.clock.now();
    let escalated = 0;
    for (const id of await this.repo.dueForEscalation(now, 100)) {
      escalated += await this.repo.transaction(async (trx) => {
        const incident = await this.repo.lockOpenSkipLocked(trx, id);
        if (!incident) return 0;
        const state = escalationState(incident);
        const steps = dueEscalations(state, now);
        let level = incident.escalation_level;
        let recorded = 0;
        for (const step of steps) {
          if (!(await this.repo.addPage(trx, { incidentId: id, level: step.level, target: step.target, at: now }))) continue;
          const late = Math.round((now.getTime() - step.dueAt.getTime()) / 1000);
          const why = step.level === 1 ? 'primer aviso' : `sin reconocer tras ${Math.round(((step.level - 1) * ESCALATION_MATRIX[incident.severity].respondWithinMs) / 60_000)} min`;
          await this.repo.addEvent(trx, id, now, 'escalated', `Nivel ${step.level}: ${step.target} (${why}; vencía ${step.dueAt.toISOString()}${late > 0 ? `, ${late} s de demora` : ''}).`);
          level = Math.max(level, step.level);
          recorded++;
        }
        const next = nextEscalation({ ...state, escalationLevel: level });
        await this.repo.update(trx, id, { escalation_level: level, next_escalation_at: next?.dueAt ?? null });
        return recorded;
      });
    }
    const { sent, failed } = await this.deliverPages();
    return { escalated, pagesSent: sent, pagesFailed: failed };
  }

  private async deliverPages(): Promise<{ sent: number; failed: number }> {
    let sent = 0;
    let failed = 0;
    for (const page of await this.repo.claimPages(PAGE_BATCH)) {
      const incident = await this.repo.get(page.incident_id);
      if (!incident) continue;
      const message = {
        pageId: page.id,
        incidentId: incident.id,
        title: incident.title,
        severity: incident.severity,
        level: page.level,
        target: page.target,
        openedAt: incident.opened_at,
        link: `${this.options.publicBaseUrl.replace(/\/+$/, '')}/admin/incidents/${incident.id}`,
      };
      const delivered: string[] = [];
      const errors: string[] = [];
      for (const channel of this.channels) {
        try {
          await channel.send(message);
          delivered.push(channel.kind);
        } catch (error) {
          errors.push(`${channel.kind}: ${error instanceof Error ? error.message : String(error)}`.slice(0, 300));
        }
      }
      const at = this.clock.now();
      if (delivered.length > 0) {
        sent++;
        await this.repo.finishPage(page.id, { status: 'sent', at, channel: delivered.join(','), error: errors.join('; ') || null });
        await this.repo.addEvent(this.repo.db, incident.id, at, 'notification_sent', `Aviso al nivel ${page.level} (${page.target}) por ${delivered.join(', ')}${errors.length ? `; fallaron ${errors.join('; ')}` : ''}.`);
      } else {
        const final = page.attempts >= PAGE_ATTEMPTS;
        if (final) failed++;
        await this.repo.finishPage(page.id, { status: final ? 'failed' : 'pending', at, channel: null, error: errors.join('; ') });
        await this.repo.addEvent(this.repo.db, incident.id, at, 'notification_failed', `No se pudo avisar al nivel ${page.level} (${page.target}), intento ${page.attempts}${final ? ', sin más reintentos' : ''}: ${errors.join('; ')}.`);
      }
    }
    return { sent, failed };
  }

  /** Open (not yet resolved) incidents per severity, for the gauge. */
  async openCounts(): Promise<Record<IncidentSeverity, number>> {
    const out = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<IncidentSeverity, number>;
    for (const row of await this.repo.openCounts()) out[row.severity] = row.count;
    return out;
  }
}

export function summarizeFigures(days: number, figures: readonly IncidentFigures[]): IncidentMetrics {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<IncidentSeverity, number>;
  const details = Object.fromEntries(SEVERITIES.map((s) => [s, { count: 0, resolved: 0, mttrSeconds: null, mttaSeconds: null }])) as IncidentMetrics['details'];
  // Means over all incidents, weighted by how many each severity's mean covers.
  const mean = (pick: (f: IncidentFigures) => [number | null, number]): number | null => {
    let sum = 0;
    let n = 0;
    for (const f of figures) {
      const [value, weight] = pick(f);
      if (value !== null && weight > 0) {
        sum += value * weight;
        n += weight;
      }
    }
    return n > 0 ? Math.round(sum / n) : null;
  };
  for (const f of figures) {
    bySeverity[f.severity] = f.count;
    details[f.severity] = {
      count: f.count,
      resolved: f.resolved,
      mttrSeconds: f.mttrSeconds === null ? null : Math.round(f.mttrSeconds),
      mttaSeconds: f.mttaSeconds === null ? null : Math.round(f.mttaSeconds),
    };
  }
  return {
    days,
    count: figures.reduce((s, f) => s + f.count, 0),
    bySeverity,
    mttrSeconds: mean((f) => [f.mttrSeconds, f.resolved]),
    mttaSeconds: mean((f) => [f.mttaSeconds, f.acknowledged]),
    mttdSeconds: mean((f) => [f.mttdSeconds, f.alerted]),
    resolved: figures.reduce((s, f) => s + f.resolved, 0),
    autoResolved: figures.reduce((s, f) => s + f.autoResolved, 0),
    details,
  };
}
