import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { metricsRegistry } from './metrics-registry';
import './scrape-samples';

const root = join(__dirname, '../../../../..');

/** Names a histogram or counter family exposes (`_bucket`, `_count`, `_sum` beside the family name). */
async function exposedNames(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const metric of await metricsRegistry.getMetricsAsJSON()) {
    names.add(metric.name);
    if (String(metric.type) === 'histogram') for (const suffix of ['_bucket', '_count', '_sum']) names.add(metric.name + suffix);
  }
  return names;
}

describe('docker/grafana dashboard and docker/prometheus scrape config', () => {
  it('query only families the services expose (a renamed metric breaks this, not a panel in production)', async () => {
    const dashboard = JSON.parse(readFileSync(join(root, 'docker/grafana/dashboards/orderline.json'), 'utf8'));
    const expressions: string[] = dashboard.panels.flatMap((panel: { targets?: Array<{ expr: string }> }) => (panel.targets ?? []).map((target) => target.expr));
    expect(expressions.length).toBeGreaterThan(15);
    const used = new Set(expressions.flatMap((expr) => expr.match(/\borderline_[a-z_]+/g) ?? []));
    const exposed = await exposedNames();
    expect([...used].filter((name) => !exposed.has(name))).toEqual([]);
    // Every orderline family has a panel.
    const families = [...exposed].filter((name) => name.startsWith('orderline_') && !/_(bucket|count|sum)$/.test(name));
    expect(families.filter((name) => ![...used].some((u) => u === name || u === `${name}_bucket`))).toEqual([]);
  });

  it('scrape every service of the compose file with the metrics token', () => {
    // Read as text: the repository carries no YAML parser, and these two files are plain enough.
    const compose = readFileSync(join(root, 'docker/docker-compose.yml'), 'utf8');
    const prometheus = readFileSync(join(root, 'docker/prometheus/prometheus.yml'), 'utf8');
    expect(prometheus).toMatch(/credentials_file: \/etc\/prometheus\/metrics-token/);
    expect(compose).toMatch(/target: \/etc\/prometheus\/metrics-token/);
    const targets = [...prometheus.matchAll(/^\s+- ([a-z-]+:\d+)$/gm)].map((match) => match[1]);
    const apps = [...compose.matchAll(/^ {2}([a-z-]+):\n(?: {4}.*\n|\n)*? {6}PORT: "(\d+)"/gm)].map((match) => `${match[1]}:${match[2]}`);
    expect(apps).toHaveLength(6);
    expect(targets.sort()).toEqual(apps.sort());
  });
});
