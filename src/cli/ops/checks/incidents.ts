/**
 * The runbook's incident scripts, over the incidents API (GET/POST /api/v1/admin/incidents…):
 * open incidents for the assessment, stakeholder notification (an incident whose escalation
 * pages the matrix), post-incident analysis against the runbook's KPIs, and recovery runbooks
 * (POST /api/v1/admin/ops/recovery) recorded on the incident. Writes need the admin API.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import { systemClock } from '../../../platform/clock.js';
import type { DB } from '../../../platform/db/schema.js';
import { appliedMigrations, type RecoveryOutcome } from '../../../modules/ops/recovery.js';
import { ESCALATION_MATRIX, INCIDENT_KPIS, severityFromLabel, worstSeverity } from '../../../modules/incidents/policy.js';
import { IncidentsRepository } from '../../../modules/incidents/repository.js';
import { IncidentsService, type IncidentDetail, type IncidentMetrics, type IncidentView } from '../../../modules/incidents/service.js';
import type { IncidentSeverity } from '../../../modules/incidents/tables.js';
import { bearer, sourceFor, type OpsContext } from '../context.js';
import { check, count, type CheckResult } from '../report.js';
import { fetchAdmin } from './admin.js';
import { maintenanceDecision, type MaintenanceKind } from '../maintenance-window.js';
import { probeDatabase, probeLiveness, probeReadiness, scrapeMetrics } from '../signals.js';
import { queueDepths } from '../prometheus.js';
import { TARGETS } from '../verdicts.js';

const direct = (db: Kysely<DB>) =>
  new IncidentsService(new IncidentsRepository(db), systemClock, [], { publicBaseUrl: '' });

const duration = (seconds: number | null) => (seconds === null ? '—' : seconds < 120 ? `${seconds} s` : seconds < 7200 ? `${(seconds / 60).toFixed(1)} min` : `${(seconds / 3600).toFixed(1)} h`);

/** Incidents not resolved, with the worst unacknowledged severity. */
export async function openIncidents(ctx: OpsContext): Promise<{ result: CheckResult; worstUnacknowledged: IncidentSeverity | undefined; items: IncidentView[] }> {
  const title = 'Open incidents';
  const source = sourceFor(ctx);
  const open = await fetchAdmin<{ items: IncidentView[] }>(ctx, source, '/api/v1/admin/incidents?status=open', async (d) => ({ items: await direct(d.db).list('open') }));
  if (!open.ok) return { result: open.result('incidents.open', title), worstUnacknowledged: undefined, items: [] };
  const acked = await fetchAdmin<{ items: IncidentView[] }>(ctx, source, '/api/v1/admin/incidents?status=acknowledged', async (d) => ({ items: await direct(d.db).list('acknowledged') }));
  if (!acked.ok) return { result: acked.result('incidents.open', title), worstUnacknowledged: undefined, items: [] };
  const items = [...open.value.items, ...acked.value.items];
  const worst = worstSeverity(open.value.items.map((i) => i.severity));
  const details = items.map((i) => `${i.id} ${ESCALATION_MATRIX[i.severity].label} ${i.status}, opened ${i.openedAt}, level ${i.escalationLevel}: ${i.title}`);
  const figure = `${open.value.items.length} open, ${acked.value.items.length} acknowledged (via ${open.via})`;
  const result =
    open.value.items.length > 0
      ? check.warn('incidents.open', title, figure, { details, data: items })
      : acked.value.items.length > 0
        ? check.info('incidents.open', title, figure, { details, data: items })
        : check.pass('incidents.open', title, figure, { data: items });
  return { result, worstUnacknowledged: worst, items };
}

function needsApi(ctx: OpsContext, id: string, title: string): CheckResult | undefined {
  if (ctx.adminToken) return undefined;
  return check.skip(id, title, 'needs BARBERPRO_ADMIN_TOKEN: this writes through the server’s admin API (the server pages and records it)');
}

function httpFailure(id: string, title: string, what: string, res: { status: number | undefined; error?: string; json: unknown }): CheckResult {
  const detail = (res.json as { detail?: string } | undefined)?.detail;
  return check.fail(id, title, `${what}: ${res.status === undefined ? `no answer: ${res.error}` : `answered ${res.status}${detail ? ` (${detail})` : ''}`}`);
}

/** incident-notification <severity> <description…>: opens an incident and waits for its first page. */
export async function notifyIncident(ctx: OpsContext, args: string[], waitSeconds: number): Promise<CheckResult[]> {
  const title = 'Incident opened';
  const [severityArg, ...words] = args;
  const description = words.join(' ').trim();
  const parsed = severityFromLabel(severityArg);
  if (!severityArg || !parsed.recognized || description.length < 3)
    return [check.fail('incident.usage', title, 'usage: incident-notification <critical|high|medium|low|P1-P4> <description…> (at least 3 characters)')];
  const skipped = needsApi(ctx, 'incident.opened', title);
  if (skipped) return [skipped];
  const policy = ESCALATION_MATRIX[parsed.severity];
  const res = await ctx.http('POST', '/api/v1/admin/incidents', {
    headers: { ...bearer(ctx.adminToken!), 'content-type': 'application/json' },
    body: JSON.stringify({ title: description.slice(0, 300), severity: parsed.severity, description }),
  });
  if (res.status !== 201) return [httpFailure('incident.opened', title, 'POST /api/v1/admin/incidents', res)];
  const incident = res.json as IncidentDetail;
  const opened = check.pass('incident.opened', title, `${incident.id} (${policy.label}): respond within ${duration(policy.respondWithinMs / 1000)}; escalation ${policy.levels.join(' → ')}`, {
    data: { id: incident.id },
  });
  ctx.progress(`waiting up to ${waitSeconds} s for the first page (the escalation job runs when an incident opens and every minute)`);
  const deadline = Date.now() + waitSeconds * 1000;
  let last: IncidentDetail = incident;
  for (;;) {
    const got = await ctx.http('GET', `/api/v1/admin/incidents/${incident.id}`, { headers: bearer(ctx.adminToken!) });
    if (got.status === 200) last = got.json as IncidentDetail;
    const sent = last.timeline.find((e) => e.kind === 'notification_sent');
    const failed = last.timeline.find((e) => e.kind === 'notification_failed');
    if (sent) return [opened, check.pass('incident.paged', `Level 1 paged (${policy.levels[0]})`, `${sent.at}: ${sent.detail}`)];
    if (failed) return [opened, check.fail('incident.paged', `Level 1 paged (${policy.levels[0]})`, `${failed.at}: ${failed.detail}`, { details: ['the page is retried on the next escalation run'] })];
    if (Date.now() >= deadline)
      return [opened, check.warn('incident.paged', `Level 1 paged (${policy.levels[0]})`, `no page recorded within ${waitSeconds} s`, { details: ['is the server’s job runner up? (queue depth in infrastructure-health-check)'] })];
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** post-incident-analysis [incident-id]: one incident's timeline and times, or the window's KPIs. */
export async function analyseIncidents(ctx: OpsContext, incidentId: string | undefined, days: number): Promise<{ checks: CheckResult[]; notes: string[] }> {
  const source = sourceFor(ctx);
  if (incidentId) {
    const got = await fetchAdmin<IncidentDetail>(ctx, source, `/api/v1/admin/incidents/${encodeURIComponent(incidentId)}`, async (d) => direct(d.db).get(incidentId));
    if (!got.ok) return { checks: [got.result('incident.found', `Incident ${incidentId}`)], notes: [] };
    const i = got.value;
    const policy = ESCALATION_MATRIX[i.severity];
    const mttd = i.source === 'alertmanager' ? Math.round((Date.parse(i.openedAt) - Date.parse(i.detectedAt)) / 1000) : null;
    const checks: CheckResult[] = [
      check.info('incident.summary', 'Incident', `${i.id} ${policy.label} ${i.status} (${i.source}): ${i.title}`, { details: [`escalation reached level ${i.escalationLevel} of ${policy.levels.length} (${policy.levels.slice(0, Math.max(1, i.escalationLevel)).join(' → ')})`] }),
      mttd === null
        ? check.skip('incident.mttd', `Time to detect (< ${duration(INCIDENT_KPIS.mttdSeconds)})`, 'opened by hand: no detection time recorded')
        : mttd <= INCIDENT_KPIS.mttdSeconds
          ? check.pass('incident.mttd', `Time to detect (< ${duration(INCIDENT_KPIS.mttdSeconds)})`, `${duration(mttd)} from the condition starting (${i.detectedAt}) to the incident opening`)
          : check.fail('incident.mttd', `Time to detect (< ${duration(INCIDENT_KPIS.mttdSeconds)})`, `${duration(mttd)} from the condition starting (${i.detectedAt}) to the incident opening`),
      i.mttaSeconds === null
        ? (i.status === 'resolved' ? check.warn : check.fail)('incident.mtta', `Acknowledged within ${duration(policy.respondWithinMs / 1000)}`, i.status === 'resolved' ? 'resolved without being acknowledged' : 'not acknowledged yet')
        : i.mttaSeconds * 1000 <= policy.respondWithinMs
          ? check.pass('incident.mtta', `Acknowledged within ${duration(policy.respondWithinMs / 1000)}`, `${duration(i.mttaSeconds)}`)
          : check.fail('incident.mtta', `Acknowledged within ${duration(policy.respondWithinMs / 1000)}`, `${duration(i.mttaSeconds)}`),
      i.mttrSeconds === null
        ? check.warn('incident.mttr', 'Time to resolve', `still ${i.status}: ${duration(Math.round((Date.now() - Date.parse(i.openedAt)) / 1000))} so far`)
        : i.severity === 'critical'
          ? (i.mttrSeconds <= INCIDENT_KPIS.criticalMttrSeconds ? check.pass : check.fail)('incident.mttr', `Time to resolve (critical < ${duration(INCIDENT_KPIS.criticalMttrSeconds)})`, `${duration(i.mttrSeconds)} (${i.resolvedVia === 'alert' ? 'auto-resolved' : 'resolved by an operator'})`)
          : check.info('incident.mttr', 'Time to resolve', `${duration(i.mttrSeconds)} (${i.resolvedVia === 'alert' ? 'auto-resolved' : 'resolved by an operator'}; the runbook sets an MTTR target for critical only)`),
    ];
    const notes = ['Timeline:', ...i.timeline.map((e) => `  ${e.at}  ${e.kind.padEnd(18)} ${e.detail}`)];
    return { checks, notes };
  }
  const got = await fetchAdmin<IncidentMetrics>(ctx, source, `/api/v1/admin/incidents/metrics?days=${days}`, async (d) => direct(d.db).metrics(days));
  if (!got.ok) return { checks: [got.result('incidents.metrics', `Incidents in the last ${days} days`)], notes: [] };
  const m = got.value;
  const counts = `${m.count} incidents (critical ${m.bySeverity.critical}, high ${m.bySeverity.high}, medium ${m.bySeverity.medium}, low ${m.bySeverity.low}); ${m.resolved} resolved`;
  if (m.count === 0) return { checks: [check.skip('incidents.metrics', `Incidents in the last ${days} days`, 'no incidents recorded: nothing to measure')], notes: [] };
  const critical = m.details.critical;
  const checks: CheckResult[] = [
    check.info('incidents.metrics', `Incidents in the last ${days} days (via ${got.via})`, counts),
    critical.mttrSeconds === null
      ? check.skip('incidents.mttr.critical', `Critical MTTR (< ${duration(INCIDENT_KPIS.criticalMttrSeconds)})`, 'no resolved critical incident in the window')
      : (critical.mttrSeconds <= INCIDENT_KPIS.criticalMttrSeconds ? check.pass : check.fail)('incidents.mttr.critical', `Critical MTTR (< ${duration(INCIDENT_KPIS.criticalMttrSeconds)})`, `${duration(critical.mttrSeconds)} mean over ${critical.resolved} resolved`),
    m.mttdSeconds === null
      ? check.skip('incidents.mttd', `MTTD (< ${duration(INCIDENT_KPIS.mttdSeconds)})`, 'no incident opened by Alertmanager in the window')
      : (m.mttdSeconds <= INCIDENT_KPIS.mttdSeconds ? check.pass : check.fail)('incidents.mttd', `MTTD (< ${duration(INCIDENT_KPIS.mttdSeconds)})`, `${duration(m.mttdSeconds)} mean, condition start → incident open`),
    m.resolved === 0
      ? check.skip('incidents.automation', `Auto-resolution (> ${INCIDENT_KPIS.autoResolutionShare * 100} %)`, 'nothing resolved in the window')
      : (m.autoResolved / m.resolved > INCIDENT_KPIS.autoResolutionShare ? check.pass : check.fail)(
          'incidents.automation',
          `Auto-resolution (> ${INCIDENT_KPIS.autoResolutionShare * 100} %)`,
          `${((m.autoResolved / m.resolved) * 100).toFixed(1)} % (${m.autoResolved} of ${m.resolved} closed by their alert resolving)`,
        ),
    check.info('incidents.mtta', 'MTTR / MTTA, all severities', `MTTR ${duration(m.mttrSeconds)}, MTTA ${duration(m.mttaSeconds)}`),
  ];
  return { checks, notes: [] };
}

export const RECOVERY_TYPES: Record<string, RecoveryOutcome['action']> = {
  queue: 'dead-letters',
  'dead-letters': 'dead-letters',
  jobs: 'dead-letters',
  holds: 'expired-holds',
  'expired-holds': 'expired-holds',
  invoices: 'invoices',
  afip: 'invoices',
  payments: 'payments',
  mercadopago: 'payments',
};

/** automated-recovery / manual-recovery: the server runs the actions and reports each. */
export async function recover(ctx: OpsContext, options: { actions?: RecoveryOutcome['action'][]; dryRun: boolean; incidentId?: string }): Promise<CheckResult[]> {
  const skipped = needsApi(ctx, 'recovery', 'Recovery');
  if (skipped) return [skipped];
  const res = await ctx.http('POST', '/api/v1/admin/ops/recovery', {
    headers: { ...bearer(ctx.adminToken!), 'content-type': 'application/json' },
    body: JSON.stringify({ dryRun: options.dryRun, ...(options.actions ? { actions: options.actions } : {}), ...(options.incidentId ? { incidentId: options.incidentId } : {}) }),
    timeoutMs: Math.max(ctx.timeoutMs, 60_000),
  });
  if (res.status !== 200) return [httpFailure('recovery', 'Recovery', 'POST /api/v1/admin/ops/recovery', res)];
  const body = res.json as { actions: RecoveryOutcome[] };
  return body.actions.map((a) => {
    const title = `Recovery: ${a.action}${options.dryRun ? ' (dry run)' : ''}`;
    if (a.found === 0) return check.pass(`recovery.${a.action}`, title, `nothing to recover: ${a.detail}`);
    if (options.dryRun) return check.warn(`recovery.${a.action}`, title, `${count(a.found)} found, nothing done: ${a.detail}`);
    return check.pass(`recovery.${a.action}`, title, `${count(a.found)} found, ${count(a.done)} done: ${a.detail}${options.incidentId ? ` (recorded on ${options.incidentId})` : ''}`);
  });
}

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'platform', 'db', 'migrations');

/** Migrations in this checkout (the code about to be deployed). */
export function localMigrations(dir = MIGRATIONS_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .map((f) => f.replace(/\.sql$/, ''))
    .sort();
}

export function judgeMigrations(local: readonly string[], applied: readonly string[]): CheckResult {
  const title = 'Migrations: this checkout vs the target database';
  const pending = local.filter((m) => !applied.includes(m));
  const unknown = applied.filter((m) => !local.includes(m));
  if (unknown.length) return check.fail('deploy.migrations', title, `the target has ${unknown.length} migration(s) this checkout does not: ${unknown.join(', ')}`, { details: ['deploying older code over a newer schema: rebase on what is deployed'] });
  if (pending.length) return check.info('deploy.migrations', title, `${pending.length} pending, applied at start: ${pending.join(', ')}`, { data: { pending } });
  return check.pass('deploy.migrations', title, `all ${applied.length} applied, none pending`);
}

/** pre-deployment-check: the target is healthy, nothing is burning, and it is a maintenance window. */
export async function preDeploymentCheck(ctx: OpsContext, o: { kind: MaintenanceKind; emergency: boolean; force: boolean; reason: string | undefined; now?: Date }): Promise<{ checks: CheckResult[]; notes: string[] }> {
  const decision = maintenanceDecision(o.now ?? new Date(), { kind: o.kind, emergency: o.emergency, force: o.force, ...(o.reason ? { reason: o.reason } : {}) });
  const windowTitle = `Maintenance window (${o.kind})`;
  const windowCheck = !decision.allowed
    ? check.fail('deploy.window', windowTitle, decision.explanation, { details: ['use --force --reason "…" to proceed anyway (the reason is printed in this report)'] })
    : decision.forced
      ? check.warn('deploy.window', windowTitle, decision.explanation)
      : check.pass('deploy.window', windowTitle, decision.explanation);

  const [live, ready, database] = await Promise.all([probeLiveness(ctx), probeReadiness(ctx), probeDatabase(ctx)]);
  const source = sourceFor(ctx);
  const applied = await fetchAdmin<{ applied: Array<{ name: string }> }>(ctx, source, '/api/v1/admin/ops/migrations', async (d) => ({
    applied: (await appliedMigrations(d.db)).map((a) => ({ name: a.name })),
  }));
  const migrations = applied.ok ? judgeMigrations(localMigrations(), applied.value.applied.map((a) => a.name)) : applied.result('deploy.migrations', 'Migrations: this checkout vs the target database');

  const scrape = await scrapeMetrics(ctx);
  let backlog: CheckResult;
  if (!scrape.ok) backlog = check.skip('deploy.backlog', 'Queue backlog', `needs /metrics: ${scrape.result.measured}`);
  else {
    const depths = queueDepths(scrape.samples);
    const waiting = depths.reduce((a, d) => a + d.waiting + d.delayed, 0);
    const figure = `${count(waiting)} jobs waiting or delayed across ${depths.length} queues (deploy below ${TARGETS.queueScaleOut})`;
    backlog = depths.length === 0 ? check.skip('deploy.backlog', 'Queue backlog', 'barberpro_queue_jobs absent from the scrape') : waiting > TARGETS.queueScaleOut ? check.fail('deploy.backlog', 'Queue backlog', figure, { details: ['let the backlog drain before replacing the workers'] }) : check.pass('deploy.backlog', 'Queue backlog', figure);
  }

  const incidents = await openIncidents(ctx);
  const critical = incidents.items.filter((i) => i.severity === 'critical');
  const p1 = incidents.result.status === 'skip' || (incidents.result.status === 'fail' && incidents.items.length === 0)
    ? { ...incidents.result, id: 'deploy.p1', title: 'No open critical (P1) incident' }
    : critical.length > 0
      ? check.fail('deploy.p1', 'No open critical (P1) incident', `${critical.length} open: ${critical.map((i) => `${i.id} ${i.title}`).join('; ')}`, { details: ['deploy the fix for it with --force --reason, or resolve it first'] })
      : check.pass('deploy.p1', 'No open critical (P1) incident', `${incidents.items.length} unresolved, none critical`);
  const notes = decision.forced ? [`FORCED outside the maintenance windows. Reason: ${o.reason}`] : [`Next ${o.kind} window: ${decision.next.window.label}, ${decision.next.start.toISOString()} – ${decision.next.end.toISOString()}`];
  return { checks: [windowCheck, live, ready, database, migrations, backlog, p1], notes };
}
