import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, expectProblem, json, type TestContext, type TestUser } from '../../../test/helpers.js';
import { fileChannel } from './channels.js';
import { IncidentsRepository } from './repository.js';
import { IncidentsService } from './service.js';

const TOKEN = 'alertmanager-test-token-0123456789';
const am = { authorization: `Bearer ${TOKEN}` };
const MIN = 60_000;

/** What Alertmanager 0.27 posts (webhook_config, payload version 4). */
function payload(status: 'firing' | 'resolved', options: { groupKey?: string; alerts?: Array<Partial<{ name: string; severity: string | undefined; fingerprint: string; startsAt: string; endsAt: string; status: 'firing' | 'resolved' }>> } = {}) {
  const groupKey = options.groupKey ?? '{}/{severity="critical"}:{alertname="BarberProApiUnavailable", job="barberpro"}';
  const alerts = (options.alerts ?? [{}]).map((a) => {
    const name = a.name ?? 'BarberProApiUnavailable';
    const labels: Record<string, string> = { alertname: name, job: 'barberpro' };
    const severity = 'severity' in a ? a.severity : 'critical';
    if (severity !== undefined) labels.severity = severity;
    return {
      status: a.status ?? status,
      labels,
      annotations: { summary: 'La API no responde', runbook: 'launch-readiness-infrastructure.md#incident-response-procedures' },
      startsAt: a.startsAt ?? '2026-12-01T11:58:30.123456789Z',
      endsAt: a.endsAt ?? '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus:9090/graph?g0.expr=up',
      fingerprint: a.fingerprint ?? 'c3a1b2d4e5f60718',
    };
  });
  return {
    version: '4',
    groupKey,
    truncatedAlerts: 0,
    status,
    receiver: 'critical-devops-cto-all-hands',
    groupLabels: { alertname: alerts[0]!.labels.alertname, job: 'barberpro' },
    commonLabels: alerts[0]!.labels,
    commonAnnotations: { summary: 'La API no responde' },
    externalURL: 'http://alertmanager:9093',
    alerts,
  };
}

let ctx: TestContext;
let admin: TestUser;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'bp-incidents-'));
  ctx = await createTestContext({ now: '2026-12-01T12:00:00Z', env: { ALERTMANAGER_WEBHOOK_TOKEN: TOKEN, DATA_DIR: dataDir } });
  admin = await ctx.createUser('admin');
});
afterAll(async () => ctx?.close());

const post = (body: unknown, headers: Record<string, string> = am) => ctx.app.inject({ method: 'POST', url: '/api/v1/ops/alertmanager', headers, payload: body as object });
const detail = async (id: string) => json(await ctx.app.inject({ method: 'GET', url: `/api/v1/admin/incidents/${id}`, headers: admin.auth }));
const escalate = () => ctx.app.services.incidents.runEscalations();
type Event = { at: string; kind: string; detail: string };
const kinds = (d: { timeline: Event[] }, kind: string): Event[] => d.timeline.filter((e) => e.kind === kind);
const pagesWritten = () => (existsSync(join(dataDir, 'outbox', 'incidents.jsonl')) ? readFileSync(join(dataDir, 'outbox', 'incidents.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)) : []);
const incidentCount = async () => Number((await ctx.database.db.selectFrom('incidents').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('Alertmanager webhook access', () => {
  it('refuses callers without Alertmanager’s token, admins included, and writes nothing', async () => {
    expectProblem(await post(payload('firing'), {}), 401, 'unauthorized');
    expectProblem(await post(payload('firing'), { authorization: 'Bearer not-the-token-at-all-0123' }), 401);
    expectProblem(await post(payload('firing'), admin.auth), 403, 'forbidden');
    expect(await incidentCount()).toBe(0);
  });

  it('a malformed payload is a 400 problem and opens nothing', async () => {
    const bad = payload('firing') as Record<string, unknown>;
    expectProblem(await post({ ...bad, version: '3' }), 400, 'validation_failed');
    expectProblem(await post({ ...bad, alerts: [] }), 400, 'validation_failed');
    expectProblem(await post({ ...bad, alerts: [{ status: 'firing', labels: {} }] }), 400, 'validation_failed');
    expect(await incidentCount()).toBe(0);
  });

  it('accepts a large group (300 alerts, beyond the API’s 64 KiB default body limit)', async () => {
    const alerts = Array.from({ length: 300 }, (_, i) => ({ name: `BarberProInstanceDown`, severity: 'medium', fingerprint: `fp-${i}`, startsAt: '2026-12-01T11:00:00Z' }));
    const body = payload('firing', { groupKey: 'large-group', alerts });
    expect(JSON.stringify(body).length).toBeGreaterThan(64 * 1024);
    const res = await post(body);
    expect(res.statusCode).toBe(200);
    const closed = json(await post(payload('resolved', { groupKey: 'large-group', alerts: alerts.map((a) => ({ ...a, endsAt: '2026-12-01T12:00:00Z' })) })));
    expect(closed.action).toBe('resolved');
    await ctx.database.db.deleteFrom('incidents').where('group_key', '=', 'large-group').execute();
  });

  it('a resolved group with no open incident is ignored', async () => {
    const res = await post(payload('resolved', { groupKey: 'never-fired' }));
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ action: 'ignored', incidentId: null });
    expect(await incidentCount()).toBe(0);
  });
});

describe('a critical alert, from firing to resolved', () => {
  let id: string;
  const opened = new Date('2026-12-01T12:00:00Z').getTime();

  it('opens a Critical incident from the severity label; redelivery attaches to it', async () => {
    ctx.clock.set(new Date(opened));
    const first = json(await post(payload('firing')));
    expect(first.action).toBe('opened');
    id = first.incidentId;
    const again = json(await post(payload('firing')));
    expect(again).toEqual({ action: 'updated', incidentId: id });
    expect(await incidentCount()).toBe(1);
    const d = await detail(id);
    expect(d).toMatchObject({ severity: 'critical', status: 'open', source: 'alertmanager', escalationLevel: 0, acknowledgedAt: null, resolvedAt: null, mttrSeconds: null });
    expect(d.title).toContain('BarberProApiUnavailable');
    expect(d.detectedAt).toBe('2026-12-01T11:58:30.123Z');
    expect(kinds(d, 'alert_firing')).toHaveLength(1);
    expect(d.nextEscalation).toEqual({ level: 1, target: 'DevOps Team', dueAt: '2026-12-01T12:00:00.000Z' });
  });

  it('pages DevOps at once, the CTO at 5 minutes and All Hands at 10 — each exactly once, even with two runners racing', async () => {
    expect(await escalate()).toMatchObject({ escalated: 1, pagesSent: 1 });
    expect(pagesWritten().map((p) => p.target)).toEqual(['DevOps Team']);
    expect(await escalate()).toMatchObject({ escalated: 0, pagesSent: 0 });

    ctx.clock.set(new Date(opened + 5 * MIN - 1000));
    expect(await escalate()).toMatchObject({ escalated: 0 });
    ctx.clock.set(new Date(opened + 5 * MIN));
    expect(await escalate()).toMatchObject({ escalated: 1, pagesSent: 1 });
    expect((await detail(id)).escalationLevel).toBe(2);

    // A second worker (its own service over the same database) races the first at the 10-minute mark.
    const other = new IncidentsService(new IncidentsRepository(ctx.database.db), ctx.clock, [fileChannel(dataDir)], { publicBaseUrl: 'http://localhost:3000' });
    ctx.clock.set(new Date(opened + 10 * MIN));
    const runs = await Promise.all([escalate(), other.runEscalations(), escalate(), other.runEscalations()]);
    expect(runs.reduce((n, r) => n + r.escalated, 0)).toBe(1);
    expect(runs.reduce((n, r) => n + r.pagesSent, 0)).toBe(1);

    const d = await detail(id);
    expect(d.escalationLevel).toBe(3);
    expect(d.nextEscalation).toBeNull();
    expect(kinds(d, 'escalated').map((e: { at: string; detail: string }) => [e.at, e.detail.split(' (')[0]])).toEqual([
      ['2026-12-01T12:00:00.000Z', 'Nivel 1: DevOps Team'],
      ['2026-12-01T12:05:00.000Z', 'Nivel 2: CTO'],
      ['2026-12-01T12:10:00.000Z', 'Nivel 3: All Hands'],
    ]);
    expect(kinds(d, 'notification_sent')).toHaveLength(3);
    expect(pagesWritten().map((p) => [p.level, p.target])).toEqual([
      [1, 'DevOps Team'],
      [2, 'CTO'],
      [3, 'All Hands'],
    ]);
    expect(pagesWritten()[0].text).toContain('[CRÍTICO]');
  });

  it('acknowledging stops the escalation; a second acknowledgement is a 409', async () => {
    ctx.clock.set(new Date(opened + 11 * MIN));
    const res = await ctx.app.inject({ method: 'POST', url: `/api/v1/admin/incidents/${id}/acknowledge`, headers: admin.auth, payload: { note: 'Mirando el ALB' } });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ status: 'acknowledged', acknowledgedAt: '2026-12-01T12:11:00.000Z', mttaSeconds: 660, nextEscalation: null });
    ctx.clock.set(new Date(opened + 60 * MIN));
    expect(await escalate()).toMatchObject({ escalated: 0, pagesSent: 0 });
    expectProblem(await ctx.app.inject({ method: 'POST', url: `/api/v1/admin/incidents/${id}/acknowledge`, headers: admin.auth, payload: {} }), 409, 'incident_acknowledged');
  });

  it('the resolved payload closes it with MTTR from opening to when the alert ended', async () => {
    ctx.clock.set(new Date(opened + 20 * MIN));
    const res = json(await post(payload('resolved', { alerts: [{ endsAt: '2026-12-01T12:14:00Z' }] })));
    expect(res).toEqual({ action: 'resolved', incidentId: id });
    const d = await detail(id);
    expect(d).toMatchObject({ status: 'resolved', resolvedAt: '2026-12-01T12:14:00.000Z', mttrSeconds: 14 * 60, mttaSeconds: 660, resolvedVia: 'alert' });
    expect(kinds(d, 'alert_resolved')).toHaveLength(1);
    expect(kinds(d, 'resolved')[0]!.detail).toContain('MTTR 840 s');
    // Redelivered, the resolution and the old firing change nothing and reopen nothing.
    expect(json(await post(payload('resolved', { alerts: [{ endsAt: '2026-12-01T12:14:00Z' }] })))).toMatchObject({ action: 'ignored' });
    expect(json(await post(payload('firing')))).toMatchObject({ action: 'ignored', incidentId: id });
    expect(await incidentCount()).toBe(1);
  });

  it('the same alert firing again later is a new incident', async () => {
    const res = json(await post(payload('firing', { alerts: [{ startsAt: '2026-12-01T12:19:00Z' }] })));
    expect(res.action).toBe('opened');
    expect(res.incidentId).not.toBe(id);
    await ctx.app.inject({ method: 'POST', url: `/api/v1/admin/incidents/${res.incidentId}/resolve`, headers: admin.auth, payload: { note: 'Falsa alarma' } });
  });

  it('reports the metrics: counts by severity, MTTR and MTTA; the gauge and histogram on /metrics', async () => {
    ctx.clock.set(new Date(opened + 30 * MIN));
    const m = json(await ctx.app.inject({ method: 'GET', url: '/api/v1/admin/incidents/metrics?days=30', headers: admin.auth }));
    // The first: 840 s to resolve, 660 s to acknowledge; the second resolved by hand the moment it opened (0 s).
    expect(m.days).toBe(30);
    expect(m.count).toBe(2);
    expect(m.bySeverity).toEqual({ critical: 2, high: 0, medium: 0, low: 0 });
    expect(m.mttrSeconds).toBe(420);
    expect(m.mttaSeconds).toBe(660);
    expect(m.resolved).toBe(2);
    expect(m.autoResolved).toBe(1);
    expect(m.mttdSeconds).toBe(Math.round((90 - 0.123 + 60) / 2));
    const metrics = (await ctx.app.inject({ method: 'GET', url: '/metrics', headers: admin.auth })).body;
    expect(metrics).toMatch(/barberpro_incidents_open\{severity="critical"\} 0/);
    expect(metrics).toMatch(/barberpro_incident_mttr_seconds_count\{severity="critical"\} 2/);
    expect(metrics).toMatch(/barberpro_incident_mttr_seconds_sum\{severity="critical"\} 840/);
    expectProblem(await ctx.app.inject({ method: 'GET', url: '/api/v1/admin/incidents/metrics?days=0', headers: admin.auth }), 400, 'validation_failed');
  });
});

describe('manual incidents and severity', () => {
  it('opens, lists by status, refuses bad input and double resolution', async () => {
    ctx.clock.set('2026-12-02T09:00:00Z');
    expectProblem(await ctx.app.inject({ method: 'POST', url: '/api/v1/admin/incidents', headers: admin.auth, payload: { title: 'x', severity: 'urgent' } }), 400, 'validation_failed');
    const before = await incidentCount();
    const created = await ctx.app.inject({ method: 'POST', url: '/api/v1/admin/incidents', headers: admin.auth, payload: { title: 'Pagos rechazados en Córdoba', severity: 'high', description: 'MercadoPago devuelve 500' } });
    expect(created.statusCode).toBe(201);
    const incident = json(created);
    expect(incident).toMatchObject({ severity: 'high', status: 'open', source: 'manual', description: 'MercadoPago devuelve 500', nextEscalation: { level: 1, target: 'DevOps Team' } });
    expect(await incidentCount()).toBe(before + 1);

    const open = json(await ctx.app.inject({ method: 'GET', url: '/api/v1/admin/incidents?status=open', headers: admin.auth }));
    expect(open.items.map((i: { id: string }) => i.id)).toEqual([incident.id]);
    expect(Object.keys(open.items[0]).sort()).toEqual(['acknowledgedAt', 'escalationLevel', 'id', 'mttrSeconds', 'openedAt', 'resolvedAt', 'severity', 'source', 'status', 'title']);

    await escalate();
    ctx.clock.set('2026-12-02T09:14:59Z');
    expect((await escalate()).escalated).toBe(0);
    ctx.clock.set('2026-12-02T09:15:00Z');
    expect((await escalate()).escalated).toBe(1);
    expect(pagesWritten().at(-1)).toMatchObject({ target: 'Tech Lead', severity: 'high', level: 2 });

    expectProblem(await ctx.app.inject({ method: 'POST', url: `/api/v1/admin/incidents/${incident.id}/resolve`, headers: admin.auth, payload: {} }), 400, 'validation_failed');
    ctx.clock.set('2026-12-02T09:20:00Z');
    const resolved = json(await ctx.app.inject({ method: 'POST', url: `/api/v1/admin/incidents/${incident.id}/resolve`, headers: admin.auth, payload: { note: 'MercadoPago se recuperó' } }));
    expect(resolved).toMatchObject({ status: 'resolved', mttrSeconds: 20 * 60, mttaSeconds: null, resolvedVia: 'operator', resolutionNote: 'MercadoPago se recuperó' });
    expectProblem(await ctx.app.inject({ method: 'POST', url: `/api/v1/admin/incidents/${incident.id}/resolve`, headers: admin.auth, payload: { note: 'otra vez' } }), 409, 'incident_resolved');
    expectProblem(await ctx.app.inject({ method: 'POST', url: `/api/v1/admin/incidents/${incident.id}/acknowledge`, headers: admin.auth, payload: {} }), 409, 'incident_resolved');
    expectProblem(await ctx.app.inject({ method: 'GET', url: '/api/v1/admin/incidents/00000000-0000-4000-8000-000000000000', headers: admin.auth }), 404, 'not_found');
  });

  it('a worse alert joining the group raises the severity; an unlabelled alert is paged as High and flagged', async () => {
    ctx.clock.set('2026-12-03T09:00:00Z');
    const groupKey = '{}:{job="barberpro"}';
    const first = json(await post(payload('firing', { groupKey, alerts: [{ name: 'BarberProCacheHitRateLow', severity: 'medium', fingerprint: 'aaa1', startsAt: '2026-12-03T08:59:00Z' }] })));
    expect((await detail(first.incidentId)).severity).toBe('medium');
    const second = json(
      await post(
        payload('firing', {
          groupKey,
          alerts: [
            { name: 'BarberProCacheHitRateLow', severity: 'medium', fingerprint: 'aaa1', startsAt: '2026-12-03T08:59:00Z' },
            { name: 'SomethingUnlabelled', severity: undefined, fingerprint: 'bbb2', startsAt: '2026-12-03T09:00:00Z' },
          ],
        }),
      ),
    );
    expect(second).toEqual({ action: 'updated', incidentId: first.incidentId });
    const d = await detail(first.incidentId);
    expect(d.severity).toBe('high');
    expect(kinds(d, 'severity_raised')).toHaveLength(1);
    expect(kinds(d, 'alert_firing').map((e: { detail: string }) => e.detail).join('\n')).toContain('etiqueta severity ausente');
  });
});

describe('a page that cannot be delivered', () => {
  let server: Server;
  let answer = 500;
  let received = 0;
  let other: TestContext;

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received++;
        res.writeHead(answer).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    other = await createTestContext({ now: '2026-12-01T12:00:00Z', env: { INCIDENT_WEBHOOK_URL: `http://127.0.0.1:${port}/hook` } });
  });
  afterAll(async () => {
    await other?.close();
    server?.close();
  });

  it('stays pending with the failure on the timeline, and is sent once the channel answers', async () => {
    const owner = await other.createUser('admin');
    const created = json(await other.app.inject({ method: 'POST', url: '/api/v1/admin/incidents', headers: owner.auth, payload: { title: 'Base de datos sin réplica', severity: 'critical' } }));
    expect(await other.app.services.incidents.runEscalations()).toMatchObject({ escalated: 1, pagesSent: 0, pagesFailed: 0 });
    answer = 200;
    expect(await other.app.services.incidents.runEscalations()).toMatchObject({ escalated: 0, pagesSent: 1 });
    expect(received).toBe(2);
    const d = json(await other.app.inject({ method: 'GET', url: `/api/v1/admin/incidents/${created.id}`, headers: owner.auth }));
    expect(kinds(d, 'notification_failed')[0]!.detail).toContain('webhook answered 500');
    expect(kinds(d, 'notification_sent')).toHaveLength(1);
  });
});
