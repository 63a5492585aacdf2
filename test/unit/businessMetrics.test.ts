// What each recorded fact adds to the business counters (activities/metrics.ts): the
// activities call these only when their row was first inserted (a retry counts nothing).
import { countCaseEvent, countSlaResult, countSlaThreshold } from '../../activities/metrics';
import { metricsRegistry } from '../../shared/metrics';

async function value(name: string, labels: Record<string, string>): Promise<number> {
  const metric = metricsRegistry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  return values
    .filter((v) => Object.entries(labels).every(([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want))
    .reduce((sum, v) => sum + v.value, 0);
}

beforeEach(() => metricsRegistry.resetMetrics());

test('offer events count by outcome; an expired offer is "lapsed"; other events count nothing', async () => {
  for (const type of ['offer.sent', 'offer.sent', 'offer.accepted', 'offer.declined', 'offer.expired', 'offer.withdrawn', 'case.opened', 'stage.changed'])
    countCaseEvent(type);
  expect(await value('casework_dispatch_offers_total', { outcome: 'sent' })).toBe(2);
  expect(await value('casework_dispatch_offers_total', { outcome: 'accepted' })).toBe(1);
  expect(await value('casework_dispatch_offers_total', { outcome: 'declined' })).toBe(1);
  expect(await value('casework_dispatch_offers_total', { outcome: 'lapsed' })).toBe(1);
  expect(await value('casework_dispatch_offers_total', { outcome: 'withdrawn' })).toBe(1);
  expect(await value('casework_dispatch_offers_total', {})).toBe(6);
});

test('SLA thresholds count as warnings or escalations by level; only missed clocks are breaches', async () => {
  countSlaThreshold({ clock: 'response', kind: 'warning', level: 1 });
  countSlaThreshold({ clock: 'response', kind: 'escalation', level: 1 });
  countSlaThreshold({ clock: 'resolution', kind: 'escalation', level: 2 });
  countSlaResult({ clock: 'response', priority: 'P1', met: true });
  countSlaResult({ clock: 'resolution', priority: 'P2', met: false });
  expect(await value('casework_sla_warnings_total', { clock: 'response', level: '1' })).toBe(1);
  expect(await value('casework_sla_escalations_total', { level: '1' })).toBe(1);
  expect(await value('casework_sla_escalations_total', { clock: 'resolution', level: '2' })).toBe(1);
  expect(await value('casework_sla_breaches_total', {})).toBe(1);
  expect(await value('casework_sla_breaches_total', { clock: 'resolution', priority: 'P2' })).toBe(1);
});
