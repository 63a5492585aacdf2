// Every KPI, defined once: its id, name, unit, description and the SQL expression that
// computes it from the sums in kpi_daily (db/kpiSchema.ts). The API (GET /kpi), the CSV
// export and the README table are all generated from KPI_DEFINITIONS, so a figure cannot
// mean one thing on the dashboard and another in the export.
import { CLOCKS, CLOCK_LABELS, type ClockName } from '../../domain';

export interface KpiDefinition {
  id: string;
  name: string;
  /** Of the result: 'count', '%', 'min', 'h', 'per 100 cases', '1–5'. */
  unit: string;
  description: string;
  /** An aggregate over kpi_daily rows (columns unqualified). Rounded where it is a ratio. */
  sql: string;
  /** The standard the seeds set, when they set one (seed 003: satisfaction 90%). */
  target?: number;
}

/** Days are cut in the service's time zone (seed documents are Chinese service centres). */
export const KPI_TIME_ZONE = 'Asia/Shanghai';

/** sum(num) × scale / sum(den), rounded; null when the denominator is 0 (nothing to measure). */
const ratio = (num: string, den: string, scale: string, digits = 1) => `round(sum(${num})::numeric * ${scale} / nullif(sum(${den}), 0), ${digits})::float8`;

/** kpi_daily's per-clock columns: firstResponse → sla_first_response_{n,met}. */
export function slaColumn(clock: ClockName): string {
  return `sla_${clock.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;
}

const slaDefinitions: KpiDefinition[] = CLOCKS.map((clock) => ({
  id: `sla_${clock}_met`,
  name: `SLA met: ${clock}`,
  unit: '%',
  description: `Share of recorded ${CLOCK_LABELS[clock]} clock results (every cycle, reworks included) that met their target.`,
  sql: ratio(`${slaColumn(clock)}_met`, `${slaColumn(clock)}_n`, '100'),
}));

export const KPI_DEFINITIONS: readonly KpiDefinition[] = [
  { id: 'cases', name: 'Volume', unit: 'count', description: 'Cases opened (intake day).', sql: 'sum(cases)::int' },
  { id: 'archived', name: 'Archived', unit: 'count', description: 'Of those, cases archived (confirmed and closed).', sql: 'sum(archived)::int' },
  { id: 'cancelled', name: 'Cancelled', unit: 'count', description: 'Of those, cases cancelled.', sql: 'sum(cancelled)::int' },
  {
    id: 'response_accept_min',
    name: 'Response: engineer accepted',
    unit: 'min',
    description: 'Mean time from intake to the first time an engineer holds the case (接单: stage dispatched), wall clock.',
    sql: ratio('accept_ms', 'accept_n', '1 / 60000.0'),
  },
  {
    id: 'response_contact_min',
    name: 'Response: first contact',
    unit: 'min',
    description: 'Mean time from intake to the engineer first recording contact with the customer (stage contacted).',
    sql: ratio('contact_ms', 'contact_n', '1 / 60000.0'),
  },
  {
    id: 'response_on_site_min',
    name: 'Response: on site',
    unit: 'min',
    description: 'Mean time from intake to the first check-in on site (stage on_site).',
    sql: ratio('on_site_ms', 'on_site_n', '1 / 60000.0'),
  },
  {
    id: 'resolution_h',
    name: 'Time to resolution',
    unit: 'h',
    description: 'Mean time from intake to archive (the customer confirmed the fix), archived cases only.',
    sql: ratio('resolution_ms', 'archived', '1 / 3600000.0', 2),
  },
  {
    id: 'first_time_fix_rate',
    name: 'First-time-fix rate',
    unit: '%',
    description: 'Archived cases fixed on the first visit with no rework (一次修复率), over archived cases.',
    sql: ratio('first_time_fix', 'archived', '100'),
  },
  {
    id: 'rework_rate',
    name: 'Rework rate',
    unit: '%',
    description: 'Archived cases that needed at least one rework (返修: the customer said not fixed), over archived cases.',
    sql: ratio('reworked', 'archived', '100'),
  },
  { id: 'csat_rated', name: 'CSAT: ratings', unit: 'count', description: 'Archived cases with a customer rating (1–5).', sql: 'sum(rated)::int' },
  {
    id: 'csat_mean',
    name: 'CSAT: mean rating',
    unit: '1–5',
    description: 'Mean customer rating of archived, rated cases.',
    sql: 'round(sum(rating_sum)::numeric / nullif(sum(rated), 0), 2)::float8',
  },
  ...[1, 2, 3, 4, 5].map((r) => ({
    id: `csat_${r}`,
    name: `CSAT: rated ${r}`,
    unit: 'count',
    description: `Archived cases rated ${r} (the distribution).`,
    sql: `sum(rating_${r})::int`,
  })),
  {
    id: 'csat_satisfied_share',
    name: 'CSAT: satisfied (≥ 4)',
    unit: '%',
    description: 'Share of rated cases rated 4 or 5, against the satisfaction target of 90% (seed 003).',
    sql: `round((100 * (sum(rating_4) + sum(rating_5))::numeric / nullif(sum(rated), 0)), 1)::float8`,
    target: 90,
  },
  {
    id: 'complaints',
    name: 'Complaints',
    unit: 'count',
    description: 'Complaints opened (complaint day; grouped by their case, if any).',
    sql: 'sum(complaints)::int',
  },
  {
    id: 'complaint_rate',
    name: 'Complaint rate',
    unit: 'per 100 cases',
    description: 'Complaints opened per 100 cases opened in the same period and group.',
    sql: ratio('complaints', 'cases', '100', 2),
  },
  {
    id: 'complaint_ack_on_time',
    name: 'Complaints acknowledged on time',
    unit: '%',
    description: "Complaints whose acknowledge clock stopped within its grade's standard, over those whose clock stopped.",
    sql: ratio('ack_on_time', 'ack_due', '100'),
  },
  {
    id: 'complaint_resolve_on_time',
    name: 'Complaints resolved on time',
    unit: '%',
    description: 'Resolved complaints with no resolve cycle over its standard, over resolved complaints.',
    sql: ratio('resolve_on_time', 'resolve_due', '100'),
  },
  ...slaDefinitions,
  // Satisfaction callbacks (回访), counted on the case's intake day like the other case
  // figures; only callbacks of the callback workflow (its callback_tasks rows).
  {
    id: 'callbacks',
    name: 'Callbacks due',
    unit: 'count',
    description: 'Cases whose satisfaction callback (回访) fell due: the callback workflow queued its first attempt (a day after archive).',
    sql: 'sum(callbacks)::int',
  },
  {
    id: 'callback_completion_rate',
    name: 'Callback completion',
    unit: '%',
    description:
      'Callbacks completed (回访完成率), over callbacks due: completed = the customer was reached by phone or answered the SMS survey, with the outcome satisfied, partly, unsatisfied or refused. Not completed: unreachable after every attempt and the survey window, or still open.',
    sql: ratio('callbacks_reached', 'callbacks', '100'),
  },
  {
    id: 'callback_satisfied_share',
    name: 'Callback: satisfied',
    unit: '%',
    description: 'Callbacks with the outcome satisfied, over callbacks completed (reached, refusals included).',
    sql: ratio('callbacks_satisfied', 'callbacks_reached', '100'),
    target: 90,
  },
  {
    id: 'callback_unreachable_share',
    name: 'Callback: unreachable',
    unit: '%',
    description: 'Callbacks that ended unreachable (every attempt failed and the SMS survey went unanswered), over callbacks due.',
    sql: ratio('callbacks_unreachable', 'callbacks', '100'),
  },
];

/** The dimensions a KPI table is grouped by (one at a time); 'all' is no grouping. */
export const KPI_DIMENSIONS = ['all', 'region', 'engineer', 'category', 'priority', 'channel'] as const;
export type KpiDimension = (typeof KPI_DIMENSIONS)[number];

export const KPI_GRAINS = ['none', 'day', 'week', 'month'] as const;
export type KpiGrain = (typeof KPI_GRAINS)[number];

/** The period a row falls in: weeks start on Monday (ISO), months on the 1st. */
export const GRAIN_SQL: Record<KpiGrain, string> = {
  none: 'NULL::date',
  day: 'day',
  week: "date_trunc('week', day)::date",
  month: "date_trunc('month', day)::date",
};

/** The README's table, generated here and compared by a test (test/unit/kpiDefinitions.test.ts). */
export function kpiDefinitionsMarkdown(): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const rows = KPI_DEFINITIONS.map(
    (d) =>
      `| \`${d.id}\` | ${esc(d.name)} | ${esc(d.unit)} | ${esc(d.description)}${d.target !== undefined ? ` Target ${d.target}.` : ''} | \`${esc(d.sql)}\` |`,
  );
  return ['| id | KPI | unit | definition | SQL over `kpi_daily` |', '|---|---|---|---|---|', ...rows].join('\n');
}
