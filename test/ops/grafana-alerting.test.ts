import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readAlert } from '../../src/modules/incidents/alertmanager.js';
import { SEVERITIES } from '../../src/modules/incidents/policy.js';

const OPS = join(import.meta.dirname, '..', '..', 'ops');
const yaml = (path: string) => parse(readFileSync(join(OPS, path), 'utf8'));

describe('Grafana provisioning', () => {
  const datasources = yaml('grafana/provisioning/datasources/prometheus.yml');
  const providers = yaml('grafana/provisioning/dashboards/barberpro.yml');
  const compose = yaml('grafana/docker-compose.yml');
  const dashboardsDir = join(OPS, 'grafana', 'dashboards');
  const dashboards = readdirSync(dashboardsDir)
    .filter((f) => f.endsWith('.json'))
    .map((file) => ({ file, json: JSON.parse(readFileSync(join(dashboardsDir, file), 'utf8')) }));
  const prometheus = datasources.datasources[0];

  it('provisions one Prometheus data source with a fixed uid', () => {
    expect(datasources.apiVersion).toBe(1);
    expect(datasources.datasources).toHaveLength(1);
    expect(prometheus).toMatchObject({ type: 'prometheus', uid: 'barberpro-prometheus', access: 'proxy', isDefault: true });
    expect(prometheus.url).toBeTruthy();
  });

  it('the dashboards provider reads the directory that holds the repository’s dashboards', () => {
    expect(providers.apiVersion).toBe(1);
    const [provider] = providers.providers;
    expect(provider).toMatchObject({ type: 'file', allowUiUpdates: false });
    // The container path is mounted from the repository by ops/grafana/docker-compose.yml.
    const mounts: string[] = compose.services.grafana.volumes;
    const mount = mounts.map((m) => m.split(':')).find(([, target]) => target === provider.options.path);
    expect(mount, `no volume mounts ${provider.options.path}`).toBeDefined();
    const source = resolve(dirname(join(OPS, 'grafana/docker-compose.yml')), mount![0]!);
    expect(source).toBe(dashboardsDir);
    expect(existsSync(source)).toBe(true);
    expect(dashboards.length).toBeGreaterThanOrEqual(4);
    const provisioning = mounts.map((m) => m.split(':')).find(([, target]) => target === '/etc/grafana/provisioning');
    expect(resolve(join(OPS, 'grafana'), provisioning![0]!)).toBe(join(OPS, 'grafana', 'provisioning'));
  });

  it.each(dashboards.map((d) => [d.file, d.json]))('%s queries the provisioned data source', (_file, json) => {
    const variable = json.templating.list.find((v: { type: string }) => v.type === 'datasource');
    expect(variable.query).toBe(prometheus.type);
    expect(variable.current.value).toBe(prometheus.uid);
    const refs: Array<{ type: string; uid: string }> = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === 'datasource' && value && typeof value === 'object') refs.push(value as { type: string; uid: string });
          else walk(value);
        }
      }
    };
    walk(json.panels);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref.type).toBe('prometheus');
      expect([`\${${variable.name}}`, prometheus.uid]).toContain(ref.uid);
    }
  });
});

describe('alerts → Alertmanager → incidents', () => {
  const alerts: Array<{ alert?: string; labels?: Record<string, string> }> = yaml('prometheus/alerts.yml').groups.flatMap((g: { rules: unknown[] }) => g.rules);
  const alertmanager = yaml('alertmanager/alertmanager.yml');

  it.each(alerts.filter((r) => r.alert).map((r) => [r.alert, r.labels?.severity]))('%s carries a severity the incident receiver maps as written (%s)', (alert, severity) => {
    expect(SEVERITIES).toContain(severity);
    const seen = readAlert({ status: 'firing', labels: { alertname: alert!, severity: severity! }, annotations: {}, startsAt: '2026-12-01T12:00:00Z', fingerprint: 'f' });
    expect(seen).toMatchObject({ severity, severityRecognized: true });
  });

  it('every severity is routed, and every receiver posts to the incident webhook with its token, resolutions included', () => {
    const matched = alertmanager.route.routes.map((r: { matchers: string[] }) => r.matchers.join(','));
    for (const severity of SEVERITIES) expect(matched).toContain(`severity="${severity}"`);
    for (const receiver of alertmanager.receivers) {
      expect(receiver.webhook_configs).toHaveLength(1);
      const [hook] = receiver.webhook_configs;
      expect(new URL(hook.url).pathname).toBe('/api/v1/ops/alertmanager');
      expect(hook.send_resolved).toBe(true);
      expect(hook.max_alerts).toBeLessThanOrEqual(1000);
      expect(hook.http_config.authorization.type).toBe('Bearer');
      expect(hook.http_config.authorization.credentials_file).toBeTruthy();
    }
  });
});
