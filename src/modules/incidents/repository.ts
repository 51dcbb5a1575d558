import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import type { IncidentRow, IncidentSeverity, IncidentSource, IncidentStatus } from './tables.js';
import './tables.js';

type Executor = Kysely<DB> | Transaction<DB>;

export interface NewIncident {
  title: string;
  description: string | null;
  severity: IncidentSeverity;
  source: IncidentSource;
  groupKey: string | null;
  detectedAt: Date;
  openedAt: Date;
  nextEscalationAt: Date | null;
}

export interface KnownAlert {
  fingerprint: string;
  starts_at: Date;
  incident_id: string;
  resolved_at: Date | null;
  incident_status: IncidentStatus;
}

export interface IncidentFigures {
  severity: IncidentSeverity;
  count: number;
  resolved: number;
  autoResolved: number;
  mttrSeconds: number | null;
  mttaSeconds: number | null;
  mttdSeconds: number | null;
  acknowledged: number;
  /** Opened by Alertmanager: the ones with a detection time (MTTD). */
  alerted: number;
}

/** All SQL of incidents. */
export class IncidentsRepository {
  constructor(readonly db: Kysely<DB>) {}

  transaction<T>(work: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(work);
  }

  async openByGroupKey(trx: Executor, groupKey: string): Promise<IncidentRow | undefined> {
    return trx.selectFrom('incidents').selectAll().where('group_key', '=', groupKey).where('status', '<>', 'resolved').forUpdate().executeTakeFirst();
  }

  /** Undefined when another delivery opened the same group's incident first (partial unique index). */
  async insert(trx: Executor, incident: NewIncident): Promise<IncidentRow | undefined> {
    const values = {
      title: incident.title,
      description: incident.description,
      severity: incident.severity,
      source: incident.source,
      group_key: incident.groupKey,
      detected_at: incident.detectedAt,
      opened_at: incident.openedAt,
      next_escalation_at: incident.nextEscalationAt,
    };
    if (incident.groupKey === null) return trx.insertInto('incidents').values(values).returningAll().executeTakeFirstOrThrow();
    const result = await sql<IncidentRow>`
      insert into incidents (title, description, severity, source, group_key, detected_at, opened_at, next_escalation_at)
      values (${values.title}, ${values.description}, ${values.severity}, ${values.source}, ${values.group_key}, ${values.detected_at}, ${values.opened_at}, ${values.next_escalation_at})
      on conflict (group_key) where status <> 'resolved' and group_key is not null do nothing
      returning *`.execute(trx);
    return result.rows[0];
  }

  async knownAlerts(trx: Executor, keys: ReadonlyArray<{ fingerprint: string; startsAt: Date }>): Promise<KnownAlert[]> {
    if (keys.length === 0) return [];
    return trx
      .selectFrom('incident_alerts as a')
      .innerJoin('incidents as i', 'i.id', 'a.incident_id')
      .select(['a.fingerprint', 'a.starts_at', 'a.incident_id', 'a.resolved_at', 'i.status as incident_status'])
      .where((eb) => eb.or(keys.map((k) => eb.and([eb('a.fingerprint', '=', k.fingerprint), eb('a.starts_at', '=', k.startsAt)]))))
      .execute();
  }

  /** True when the alert was new to the incident. */
  async addAlert(trx: Executor, alert: { incidentId: string; fingerprint: string; startsAt: Date; alertname: string; severity: string }): Promise<boolean> {
    const rows = await trx
      .insertInto('incident_alerts')
      .values({ incident_id: alert.incidentId, fingerprint: alert.fingerprint, starts_at: alert.startsAt, alertname: alert.alertname, severity: alert.severity })
      .onConflict((oc) => oc.columns(['fingerprint', 'starts_at']).doNothing())
      .returning('fingerprint')
      .execute();
    return rows.length > 0;
  }

  /** True when the alert was still firing on the incident. */
  async resolveAlert(trx: Executor, incidentId: string, fingerprint: string, startsAt: Date, at: Date): Promise<boolean> {
    const rows = await trx
      .updateTable('incident_alerts')
      .set({ resolved_at: at })
      .where('incident_id', '=', incidentId)
      .where('fingerprint', '=', fingerprint)
      .where('starts_at', '=', startsAt)
      .where('resolved_at', 'is', null)
      .returning('fingerprint')
      .execute();
    return rows.length > 0;
  }

  async addEvent(trx: Executor, incidentId: string, at: Date, kind: string, detail: string): Promise<void> {
    await trx.insertInto('incident_events').values({ incident_id: incidentId, at, kind, detail }).execute();
  }

  async update(trx: Executor, id: string, patch: Partial<Omit<IncidentRow, 'id'>>): Promise<IncidentRow> {
    return trx.updateTable('incidents').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  }

  async lock(trx: Executor, id: string): Promise<IncidentRow | undefined> {
    return trx.selectFrom('incidents').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  }

  async get(id: string): Promise<IncidentRow | undefined> {
    return this.db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async list(status: IncidentStatus | undefined, limit: number): Promise<IncidentRow[]> {
    let query = this.db.selectFrom('incidents').selectAll().orderBy('opened_at', 'desc').orderBy('id').limit(limit);
    if (status) query = query.where('status', '=', status);
    return query.execute();
  }

  async timeline(id: string): Promise<Array<{ at: Date; kind: string; detail: string }>> {
    return this.db.selectFrom('incident_events').select(['at', 'kind', 'detail']).where('incident_id', '=', id).orderBy('at').orderBy('id').execute();
  }

  async dueForEscalation(now: Date, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('incidents')
      .select('id')
      .where('status', '=', 'open')
      .where('next_escalation_at', '<=', now)
      .orderBy('next_escalation_at')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  /** The open incident, locked; undefined when another worker holds it or it is no longer open. */
  async lockOpenSkipLocked(trx: Executor, id: string): Promise<IncidentRow | undefined> {
    return trx.selectFrom('incidents').selectAll().where('id', '=', id).where('status', '=', 'open').forUpdate().skipLocked().executeTakeFirst();
  }

  /** False when that level was already paged (the unique key is the last guard against doubles). */
  async addPage(trx: Executor, page: { incidentId: string; level: number; target: string; at: Date }): Promise<boolean> {
    const rows = await trx
      .insertInto('incident_pages')
      .values({ incident_id: page.incidentId, level: page.level, target: page.target, created_at: page.at })
      .onConflict((oc) => oc.columns(['incident_id', 'level']).doNothing())
      .returning('id')
      .execute();
    return rows.length > 0;
  }

  /** Claims pending pages for this worker: each row moves to `sending` exactly once. */
  async claimPages(limit: number): Promise<Array<{ id: string; incident_id: string; level: number; target: string; attempts: number }>> {
    return this.db
      .updateTable('incident_pages')
      .set((eb) => ({ status: 'sending', attempts: eb('attempts', '+', 1) }))
      .where('id', 'in', (eb) => eb.selectFrom('incident_pages').select('id').where('status', '=', 'pending').orderBy('created_at').limit(limit).forUpdate().skipLocked())
      .returning(['id', 'incident_id', 'level', 'target', 'attempts'])
      .execute();
  }

  async finishPage(id: string, outcome: { status: 'sent' | 'pending' | 'failed'; at: Date; channel: string | null; error: string | null }): Promise<void> {
    await this.db
      .updateTable('incident_pages')
      .set({ status: outcome.status, channel: outcome.channel, last_error: outcome.error, ...(outcome.status === 'sent' ? { sent_at: outcome.at } : {}) })
      .where('id', '=', id)
      .execute();
  }

  async pages(incidentId: string): Promise<Array<{ level: number; target: string; status: string; sent_at: Date | null }>> {
    return this.db.selectFrom('incident_pages').select(['level', 'target', 'status', 'sent_at']).where('incident_id', '=', incidentId).orderBy('level').execute();
  }

  async openCounts(): Promise<Array<{ severity: IncidentSeverity; count: number }>> {
    const rows = await this.db
      .selectFrom('incidents')
      .select(['severity', (eb) => eb.fn.countAll<string>().as('count')])
      .where('status', '<>', 'resolved')
      .groupBy('severity')
      .execute();
    return rows.map((r) => ({ severity: r.severity, count: Number(r.count) }));
  }

  /** Per severity, incidents opened since `since`: counts and mean times in seconds. */
  async figures(since: Date): Promise<IncidentFigures[]> {
    const result = await sql<{
      severity: IncidentSeverity;
      count: number;
      resolved: number;
      auto_resolved: number;
      acknowledged: number;
      alerted: number;
      mttr: number | null;
      mtta: number | null;
      mttd: number | null;
    }>`
      select severity,
             count(*)::int as count,
             count(resolved_at)::int as resolved,
             count(*) filter (where resolved_via = 'alert')::int as auto_resolved,
             count(acknowledged_at)::int as acknowledged,
             count(*) filter (where source = 'alertmanager')::int as alerted,
             avg(extract(epoch from resolved_at - opened_at))::float8 as mttr,
             avg(extract(epoch from acknowledged_at - opened_at))::float8 as mtta,
             avg(extract(epoch from opened_at - detected_at)) filter (where source = 'alertmanager')::float8 as mttd
      from incidents
      where opened_at >= ${since}
      group by severity`.execute(this.db);
    return result.rows.map((r) => ({
      severity: r.severity,
      count: Number(r.count),
      resolved: Number(r.resolved),
      autoResolved: Number(r.auto_resolved),
      acknowledged: Number(r.acknowledged),
      alerted: Number(r.alerted),
      mttrSeconds: r.mttr === null ? null : Number(r.mttr),
      mttaSeconds: r.mtta === null ? null : Number(r.mtta),
      mttdSeconds: r.mttd === null ? null : Number(r.mttd),
    }));
  }
}
