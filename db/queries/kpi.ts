// KPI tables: KPI_DEFINITIONS evaluated over kpi_daily, per period and per value of one
// dimension. The rollup is refreshed first when it is older than the caller allows.
import type { Database } from '../client';
import { GRAIN_SQL, KPI_DEFINITIONS, type KpiDefinition, type KpiDimension, type KpiGrain } from './kpiDefinitions';
import { kpiRefreshedAt, refreshKpiRollup } from './kpiRollup';

export interface KpiQuery {
  /** Service days, inclusive from, exclusive to (YYYY-MM-DD in KPI_TIME_ZONE). */
  from: string;
  to: string;
  grain: KpiGrain;
  by: KpiDimension;
  /** Only these KPI ids (default: all). */
  kpis?: readonly string[];
  limit?: number;
  offset?: number;
}

export interface KpiRow {
  /** The period's first day (null when not grouped by time). */
  period: string | null;
  /** The dimension's value ('' for 'all' or unknown). */
  key: string;
  /** A readable name for the key (the engineer's name), else the key. */
  label: string;
  values: Record<string, number | null>;
}

export function selectedDefinitions(ids?: readonly string[]): KpiDefinition[] {
  if (!ids || ids.length === 0) return [...KPI_DEFINITIONS];
  return KPI_DEFINITIONS.filter((d) => ids.includes(d.id));
}

/** The KPI table: one row per (period, key), ordered by period then key. */
export async function kpiTable(db: Database, q: KpiQuery): Promise<{ rows: KpiRow[]; hasMore: boolean }> {
  const defs = selectedDefinitions(q.kpis);
  // Definitions are code, never input: their SQL is trusted; dim, dates and paging are bound.
  const exprs = defs.map((d, i) => `${d.sql} AS k${i}`).join(',\n  ');
  const limit = q.limit ?? 100_000;
  const text = `
SELECT t.*, coalesce(e.name, t.key) AS label FROM (
  SELECT (${GRAIN_SQL[q.grain]})::text AS period, key,
  ${exprs}
  FROM kpi_daily
  WHERE dim = $1 AND day >= $2::date AND day < $3::date
  GROUP BY 1, 2
  ORDER BY 1, 2
  LIMIT $4 OFFSET $5
) t LEFT JOIN engineers e ON $1 = 'engineer' AND e.id = t.key
ORDER BY t.period, t.key`;
  const res = await db.$client.query<Record<string, unknown>>(text, [q.by, q.from, q.to, limit + 1, q.offset ?? 0]);
  const rows = res.rows.slice(0, limit).map((r) => ({
    period: (r.period as string | null) ?? null,
    key: String(r.key),
    label: String(r.label),
    values: Object.fromEntries(defs.map((d, i) => [d.id, r[`k${i}`] == null ? null : Number(r[`k${i}`])])),
  }));
  return { rows, hasMore: res.rows.length > limit };
}

/** Refreshes the rollup when its last refresh is older than maxAgeMs (0: always). */
export async function ensureKpiFresh(db: Database, maxAgeMs: number): Promise<void> {
  const at = await kpiRefreshedAt(db);
  if (at && Date.now() - at.getTime() < maxAgeMs) return;
  await refreshKpiRollup(db);
}

/** The open cases whose SLA is breached, most escalated first (the dashboard's breach list). */
export async function breachedCases(db: Database, limit: number) {
  const r = await db.$client.query<{
    case_no: string;
    stage: string;
    priority: string;
    region: string | null;
    engineer_name: string | null;
    escalation_level: number;
    created_at: Date;
  }>(
    `SELECT case_no, stage, priority, region, engineer_name, escalation_level, created_at FROM cases
     WHERE sla_breached AND stage NOT IN ('archived', 'cancelled') ORDER BY escalation_level DESC, created_at LIMIT $1`,
    [limit],
  );
  return r.rows;
}

/** Open satisfaction callbacks due first (callback_tasks as recorded today). */
export async function callbackQueue(db: Database, limit: number) {
  const r = await db.$client.query<{ case_no: string; customer_name: string; rating: number | null; due_at: Date }>(
    `SELECT case_no, customer_name, rating, due_at FROM callback_tasks WHERE status = 'open' ORDER BY due_at LIMIT $1`,
    [limit],
  );
  return r.rows;
}
