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
  // Grouped and ordered by the period's date (not its text): at grain day (and none) the
  // groups then come straight off the primary key's (dim, day, key) order, so a page stops
  // after its rows instead of aggregating and sorting a year (by engineer per day: 88,000
  // groups, seconds). The statistics kpi_daily_day_key (migration 0020) tell the planner
  // how many groups there are. Engineers' names are looked up apart, for the returned keys.
  const period = GRAIN_SQL[q.grain];
  const text = `
SELECT (${period})::text AS period, key,
  ${exprs}
FROM kpi_daily
WHERE dim = $1 AND day >= $2::date AND day < $3::date
GROUP BY ${period}, key
ORDER BY ${period}, key
LIMIT $4 OFFSET $5`;
  const res = await db.$client.query<Record<string, unknown>>(text, [q.by, q.from, q.to, limit + 1, q.offset ?? 0]);
  const names = q.by === 'engineer' ? await engineerNames(db, [...new Set(res.rows.map((r) => String(r.key)))]) : new Map<string, string>();
  const rows = res.rows.slice(0, limit).map((r) => ({
    period: (r.period as string | null) ?? null,
    key: String(r.key),
    label: names.get(String(r.key)) ?? String(r.key),
    values: Object.fromEntries(defs.map((d, i) => [d.id, r[`k${i}`] == null ? null : Number(r[`k${i}`])])),
  }));
  return { rows, hasMore: res.rows.length > limit };
}

/**
 * The table's date range cut into parts of whole periods (about a month of days, a quarter
 * of weeks, a year of months), in order, so an export can run one short query per part
 * instead of one long one (a year by engineer per day is ~88,000 groups: 7-20 s in one
 * query, over the client's query timeout on a loaded server). Week parts start on Mondays,
 * as date_trunc('week') does, and month parts on the 1st, so no period spans two parts.
 */
export function kpiExportParts(q: Pick<KpiQuery, 'from' | 'to' | 'grain'>): Array<{ from: string; to: string }> {
  if (q.grain === 'none') return [{ from: q.from, to: q.to }];
  const end = Date.parse(`${q.to}T00:00:00Z`);
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const next = (ms: number): number => {
    const d = new Date(ms);
    if (q.grain === 'day') return ms + 31 * 86_400_000;
    if (q.grain === 'month') return Date.UTC(d.getUTCFullYear() + 1, 0, 1);
    const toMonday = (8 - d.getUTCDay()) % 7 || 7; // the next Monday after ms
    return ms + (toMonday + 12 * 7) * 86_400_000;
  };
  const parts: Array<{ from: string; to: string }> = [];
  for (let start = Date.parse(`${q.from}T00:00:00Z`); start < end;) {
    const stop = Math.min(next(start), end);
    parts.push({ from: day(start), to: day(stop) });
    start = stop;
  }
  return parts;
}

/** The whole table, part by part (kpiExportParts), for a streamed export. */
export async function* kpiTableParts(db: Database, q: Omit<KpiQuery, 'limit' | 'offset'>): AsyncGenerator<KpiRow[]> {
  for (const part of kpiExportParts(q)) yield (await kpiTable(db, { ...q, ...part })).rows;
}

async function engineerNames(db: Database, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const r = await db.$client.query<{ id: string; name: string }>('SELECT id, name FROM engineers WHERE id = ANY($1::text[])', [ids]);
  return new Map(r.rows.map((e) => [e.id, e.name]));
}

/**
 * How long a request may spend bringing the rollup up to date: under db/client's 15 s
 * query timeout, so the server cancels the refresh cleanly (rolled back, lock released)
 * before the client gives up on a connection still busy with it.
 */
export const KPI_REFRESH_TIMEOUT_MS = 10_000;

/** The rollup is out of date and a request may not wait for it (npm run kpi:refresh). */
export class KpiRefreshTimeoutError extends Error {
  constructor(
    /** Never built (a new or restored database, or a migration reset it): a full rebuild is due. */
    readonly neverBuilt: boolean,
    options?: { cause?: unknown },
  ) {
    super(neverBuilt ? 'the KPI rollup was never built' : 'the KPI rollup could not be refreshed in time', options);
  }
}

/** Refreshes the rollup when its last refresh is older than maxAgeMs (0: always), within timeoutMs. */
export async function ensureKpiFresh(db: Database, maxAgeMs: number, timeoutMs = KPI_REFRESH_TIMEOUT_MS): Promise<void> {
  const at = await kpiRefreshedAt(db);
  if (at && Date.now() - at.getTime() < maxAgeMs) return;
  try {
    await refreshKpiRollup(db, { timeoutMs });
  } catch (err) {
    // 57014 query_canceled: statement_timeout (the refresh itself, or the wait for another one).
    if ((err as { code?: unknown }).code === '57014') throw new KpiRefreshTimeoutError(at === null, { cause: err });
    throw err;
  }
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

/**
 * Open satisfaction callbacks in the order agents get them from `GET /callbacks/queue`:
 * priority (low ratings and reworks first), then due time, then id (the queue's index).
 */
export async function callbackQueue(db: Database, limit: number) {
  const r = await db.$client.query<{ case_no: string; customer_name: string; rating: number | null; priority: number; due_at: Date }>(
    `SELECT case_no, customer_name, rating, priority, due_at FROM callback_tasks WHERE status = 'open' ORDER BY priority, due_at, id LIMIT $1`,
    [limit],
  );
  return r.rows;
}
