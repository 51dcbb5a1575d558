import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers.js';

/**
 * The alert rules and Grafana dashboards may only name metrics the app really exports (or
 * recording rules defined next to them): the names come from a live app's GET /metrics, so
 * renaming a metric in src/ fails here instead of silently emptying a panel or an alert.
 * promtool (ops/prometheus/check.sh) proves the rules' syntax and behaviour; this proves
 * their vocabulary.
 */
const OPS = join(import.meta.dirname, '..', '..', 'ops');
const RULE_FILES = ['recording-rules.yml', 'alerts.yml'].map((f) => join(OPS, 'prometheus', f));
const DASHBOARDS = join(OPS, 'grafana', 'dashboards');
/** Series Prometheus itself writes. */
const PROMETHEUS_SERIES = ['up', 'ALERTS', 'ALERTS_FOR_STATE'];
/** The runbook's escalation matrix. */
const SEVERITIES = ['critical', 'high', 'medium', 'low'];
/** "Critical Dashboards to Monitor" in the launch runbook. */
const RUNBOOK_DASHBOARDS = ['Infrastructure', 'Business Intelligence', 'Security', 'Argentina Performance'];

interface Rule {
  kind: 'record' | 'alert';
  name: string;
  expr: string;
  severity?: string;
  annotations: string[];
}

/**
 * Enough YAML for these rule files (no YAML parser is a declared dependency): each rule
 * starts with `- record:` or `- alert:`; `expr:` is inline or a `|` block; labels and
 * annotations are `key: value` lines. Anything it cannot read fails the test.
 */
function parseRules(text: string): Rule[] {
  const rules: Rule[] = [];
  const lines = text.split('\n');
  let current: Rule | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const start = /^\s*- (record|alert): (\S+)\s*$/.exec(line);
    if (start) {
      current = { kind: start[1] as Rule['kind'], name: start[2]!, expr: '', annotations: [] };
      rules.push(current);
      continue;
    }
    if (!current) continue;
    const expr = /^(\s*)expr: (.*)$/.exec(line);
    if (expr) {
      if (expr[2]!.trim() === '|') {
        const body: string[] = [];
        while (i + 1 < lines.length && (lines[i + 1]!.startsWith(`${expr[1]}  `) || lines[i + 1]!.trim() === '')) body.push(lines[++i]!.trim());
        current.expr = body.join('\n').trim();
      } else current.expr = expr[2]!.trim();
      continue;
    }
    const severity = /^\s*severity: (\S+)\s*$/.exec(line);
    if (severity) current.severity = severity[1]!;
    const annotation = /^\s*(summary|description|runbook_url): /.exec(line);
    if (annotation) current.annotations.push(annotation[1]!);
  }
  return rules;
}

const KEYWORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'inf', 'nan']);

/** Metric and recording-rule names a PromQL expression selects (functions, labels and keywords left out). */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\{?\w+\}?/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/(?<![\w.:])([A-Za-z_:][\w:]*)(?![\w:]|\s*\()/g)) {
    if (!KEYWORDS.has(match[1]!.toLowerCase())) names.add(match[1]!);
  }
  return [...names];
}

/** Every PromQL string in a dashboard: panel targets (rows included) and query variables. */
function dashboardQueries(dashboard: any): Array<{ where: string; expr: string }> {
  const out: Array<{ where: string; expr: string }> = [];
  const visit = (panels: any[]) => {
    for (const panel of panels ?? []) {
      for (const target of panel.targets ?? []) out.push({ where: `panel "${panel.title}" ${target.refId}`, expr: target.expr });
      visit(panel.panels);
    }
  };
  visit(dashboard.panels);
  for (const variable of dashboard.templating?.list ?? []) {
    if (variable.type !== 'query') continue;
    const query: string = typeof variable.query === 'string' ? variable.query : variable.query.query;
    // label_values(selector, label): only the selector is PromQL.
    const labelValues = /^label_values\((.*),\s*\w+\)$/.exec(query);
    out.push({ where: `variable $${variable.name}`, expr: labelValues ? labelValues[1]! : query });
  }
  return out;
}

/** Family names in the exposition text, with the series names histograms and summaries add. */
function exportedNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const match of exposition.matchAll(/^# TYPE (\S+) (\w+)$/gm)) {
    const [, name, type] = match;
    names.add(name!);
    if (type === 'histogram') for (const suffix of ['_bucket', '_count', '_sum']) names.add(name! + suffix);
    if (type === 'summary') for (const suffix of ['_count', '_sum']) names.add(name! + suffix);
  }
  return names;
}

const rules = RULE_FILES.flatMap((file) => parseRules(readFileSync(file, 'utf8')).map((rule) => ({ ...rule, file })));
const dashboards = readdirSync(DASHBOARDS)
  .filter((f) => f.endsWith('.json'))
  .map((file) => ({ file, json: JSON.parse(readFileSync(join(DASHBOARDS, file), 'utf8')) }));

let ctx: TestContext;
let known: Set<string>;

beforeAll(async () => {
  ctx = await createTestContext();
  const admin = await ctx.createUser('admin');
  // One request of each kind the rules read, so the per-request series exist too.
  await ctx.app.inject({ method: 'GET', url: '/api/v1/shops' });
  await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'nobody@example.com', password: 'wrong-password' } });
  const res = await ctx.app.inject({ method: 'GET', url: '/metrics', headers: admin.auth });
  expect(res.statusCode).toBe(200);
  known = exportedNames(res.body);
  for (const name of PROMETHEUS_SERIES) known.add(name);
  for (const rule of rules) if (rule.kind === 'record') known.add(rule.name);
});

afterAll(async () => {
  await ctx?.close();
});

describe('metric vocabulary', () => {
  it('the live app exports the metrics the README lists', () => {
    for (const name of [
      'http_request_duration_seconds_bucket',
      'http_requests_errors_total',
      'barberpro_cache_requests_total',
      'barberpro_queue_jobs',
      'barberpro_payment_success_ratio',
      'barberpro_invoices',
      'barberpro_metrics_collector_success',
      'process_cpu_seconds_total',
    ])
      expect(known, name).toContain(name);
  });

  it('finds metric names in PromQL and nothing else', () => {
    expect(
      metricNames('histogram_quantile(0.95, sum by (job, le) (rate(http_request_duration_seconds_bucket{route!~"/healthz|/metrics"}[5m]))) > on (region) group_left () x:y:z offset 15m'),
    ).toEqual(['http_request_duration_seconds_bucket', 'x:y:z']);
    expect(metricNames('sum(increase(foo_total{job=~"$job"}[$__rate_interval])) / 100 and bool bar')).toEqual(['foo_total', 'bar']);
  });
});

describe('Prometheus rules', () => {
  it('were all read', () => {
    expect(rules.filter((r) => r.kind === 'record').length).toBeGreaterThan(20);
    expect(rules.filter((r) => r.kind === 'alert').length).toBeGreaterThan(15);
    for (const rule of rules) expect(rule.expr, `${rule.name} has an expr`).not.toBe('');
  });

  it('select only exported metrics and defined recording rules', () => {
    const unknown = rules.flatMap((rule) => metricNames(rule.expr).filter((n) => !known.has(n)).map((n) => `${rule.name}: ${n}`));
    expect(unknown).toEqual([]);
  });

  it('give every alert a runbook severity and its annotations', () => {
    for (const alert of rules.filter((r) => r.kind === 'alert')) {
      expect(SEVERITIES, alert.name).toContain(alert.severity);
      expect(alert.annotations.sort(), alert.name).toEqual(['description', 'runbook_url', 'summary']);
    }
  });
});

describe('Grafana dashboards', () => {
  it("are the runbook's four", () => {
    expect(dashboards.map((d) => d.json.title.replace(/^BarberPro · /, '')).sort()).toEqual([...RUNBOOK_DASHBOARDS].sort());
    expect(new Set(dashboards.map((d) => d.json.uid)).size).toBe(dashboards.length);
  });

  it.each(dashboards.map((d) => [d.file, d.json] as const))('%s is provisionable Grafana JSON on a Prometheus data source variable', (_file, dashboard) => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    const datasource = dashboard.templating.list.find((v: any) => v.type === 'datasource');
    expect(datasource).toMatchObject({ name: 'datasource', query: 'prometheus' });
    const panels: any[] = dashboard.panels.flatMap((p: any) => [p, ...(p.panels ?? [])]);
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    for (const panel of panels) {
      expect(panel.gridPos, panel.title).toMatchObject({ w: expect.any(Number), h: expect.any(Number) });
      if (panel.targets) expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
    }
  });

  it('query only exported metrics and defined recording rules', () => {
    const unknown = dashboards.flatMap(({ file, json }) =>
      dashboardQueries(json).flatMap(({ where, expr }) => metricNames(expr).filter((n) => !known.has(n)).map((n) => `${file} ${where}: ${n}`)),
    );
    expect(unknown).toEqual([]);
    expect(dashboards.every(({ json }) => dashboardQueries(json).length > 3)).toBe(true);
  });
});
