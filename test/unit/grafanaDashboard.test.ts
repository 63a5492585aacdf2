// The Grafana dashboard (deploy/grafana/casework.json) queries metrics that exist: every
// casework_* name in its expressions is registered (shared/metrics.ts), so renaming a
// metric without the dashboard fails here; every panel has a query and a unique id.
import fs from 'node:fs';
import path from 'node:path';
import { metricsRegistry } from '../../shared/metrics';

interface Panel {
  id: number;
  title: string;
  targets?: Array<{ expr: string }>;
}
const dashboard = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'deploy', 'grafana', 'casework.json'), 'utf8')) as {
  uid: string;
  panels: Panel[];
};

test('every casework_* metric the dashboard queries is registered', () => {
  const registered = new Set(metricsRegistry.getMetricsAsArray().map((m) => m.name));
  const queried = new Set(
    dashboard.panels.flatMap((p) =>
      (p.targets ?? []).flatMap((t) => [...t.expr.matchAll(/\bcasework_[a-z_]+/g)].map((m) => m[0].replace(/_(bucket|count|sum)$/, ''))),
    ),
  );
  expect(queried.size).toBeGreaterThanOrEqual(8);
  expect([...queried].filter((name) => !registered.has(name))).toEqual([]);
});

test('panels: each has a query, ids are unique; the main figures are there', () => {
  expect(dashboard.panels.every((p) => (p.targets ?? []).length > 0)).toBe(true);
  expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
  const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)).join('\n');
  for (const name of ['temporal_activity_schedule_to_start_latency_bucket', 'casework_http_request_duration_seconds_bucket', 'casework_open_cases'])
    expect(exprs).toContain(name);
});
