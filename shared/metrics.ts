// Prometheus metrics of one process (API, worker, or both under `npm start`): one registry,
// read by the API's GET /metrics and the worker's metrics listener (shared/metricsServer.ts).
// Labels are small closed sets (route templates, stages, channels, levels): never a case
// number, a phone number or a raw URL, which would both leak data and explode the series.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'casework_' });

export const httpRequests = new Counter({
  name: 'casework_http_requests_total',
  help: 'HTTP requests answered, by method, route template and status code',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [metricsRegistry],
});

export const httpDuration = new Histogram({
  name: 'casework_http_request_duration_seconds',
  help: 'Time to answer an HTTP request, by method, route template and status class',
  labelNames: ['method', 'route', 'status_class'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

export const slaWarnings = new Counter({
  name: 'casework_sla_warnings_total',
  help: 'SLA warnings fired (once per case, clock, cycle and level)',
  labelNames: ['clock', 'level'] as const,
  registers: [metricsRegistry],
});

export const slaEscalations = new Counter({
  name: 'casework_sla_escalations_total',
  help: 'SLA escalations fired: a deadline passed (once per case, clock, cycle and level)',
  labelNames: ['clock', 'level'] as const,
  registers: [metricsRegistry],
});

export const slaBreaches = new Counter({
  name: 'casework_sla_breaches_total',
  help: 'SLA clocks stopped after their target (once per case, clock and cycle)',
  labelNames: ['clock', 'priority'] as const,
  registers: [metricsRegistry],
});

export const notificationsSent = new Counter({
  name: 'casework_notifications_sent_total',
  help: 'Notifications the gateway accepted, by channel',
  labelNames: ['channel'] as const,
  registers: [metricsRegistry],
});

export const notificationsFailed = new Counter({
  name: 'casework_notifications_failed_total',
  help: 'Notification attempts the gateway refused or failed (retried ones count each time), by channel and whether retried',
  labelNames: ['channel', 'retryable'] as const,
  registers: [metricsRegistry],
});

export const dispatchOffers = new Counter({
  name: 'casework_dispatch_offers_total',
  help: 'Engineer offers by outcome: sent, accepted, declined, lapsed (expired unanswered), withdrawn',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

/** The status class of a code ("2xx", "4xx", …): the histogram keeps few series. */
export function statusClass(status: number): string {
  return `${Math.floor(status / 100)}xx`;
}

/**
 * The open-cases gauge, computed at each scrape by `count` (the API passes a cheap
 * grouped COUNT over the cases table). Registered once per process; a later call only
 * replaces the source. A failed count leaves the gauge empty rather than failing the scrape.
 */
let openCasesSource: (() => Promise<Array<{ stage: string; priority: string; count: number }>>) | undefined;
new Gauge({
  name: 'casework_open_cases',
  help: 'Cases not archived or cancelled, by stage and priority (counted in PostgreSQL at scrape time)',
  labelNames: ['stage', 'priority'] as const,
  registers: [metricsRegistry],
  async collect() {
    this.reset();
    if (!openCasesSource) return;
    try {
      for (const row of await openCasesSource()) this.set({ stage: row.stage, priority: row.priority }, row.count);
    } catch {
      // PostgreSQL away: no series this scrape (its absence is the signal; /health says why).
    }
  },
});

export function countOpenCasesWith(source: typeof openCasesSource): void {
  openCasesSource = source;
}
