// Refreshes kpi_daily from the recorded tables: cases, case_events (milestones),
// case_metrics (archive: first-time fix, reworks, rating), sla_results, callback_tasks
// (the satisfaction callback's outcome) and complaints.
//
// Incremental: a day is stale when an event of one of its cases (or complaints) was
// recorded, or its cases' callback row written (callback_tasks.updated_at), since the
// watermark; only stale days are deleted and recomputed. An event's
// recorded_at is its writer's transaction start (now()), and a writer may commit after
// the refresh that did not see it: the next watermark is therefore the start of the
// oldest transaction still open on the database (or this refresh's start), never later.
import type { Database } from '../client';
import { CLOCKS } from '../../domain';
import { FINAL_OUTCOMES } from '../../domain/callbacks';
import { KPI_TIME_ZONE, slaColumn } from './kpiDefinitions';

const KPI_LOCK = 4_242_017;
const tz = `'${KPI_TIME_ZONE}'`;
const ms = (later: string, earlier: string) => `extract(epoch from (${later} - ${earlier})) * 1000`;
/** Reached: the customer answered (satisfied / partly / unsatisfied) or declined to (refused). */
const REACHED = FINAL_OUTCOMES.map((o) => `'${o}'`).join(', ');

/** Each kpi_daily measure and its value for one case fact (f) or complaint fact (k). */
const CASE_MEASURES: Record<string, string> = {
  cases: '1',
  archived: '(cm.case_no IS NOT NULL)::int',
  cancelled: "(c.stage = 'cancelled')::int",
  accept_n: '(ev.accepted_at IS NOT NULL)::int',
  accept_ms: `coalesce(${ms('ev.accepted_at', 'c.created_at')}, 0)`,
  contact_n: '(ev.contacted_at IS NOT NULL)::int',
  contact_ms: `coalesce(${ms('ev.contacted_at', 'c.created_at')}, 0)`,
  on_site_n: '(ev.on_site_at IS NOT NULL)::int',
  on_site_ms: `coalesce(${ms('ev.on_site_at', 'c.created_at')}, 0)`,
  resolution_ms: `coalesce(${ms('cm.archived_at', 'c.created_at')}, 0)`,
  first_time_fix: 'coalesce(cm.first_time_fix, false)::int',
  reworked: '(coalesce(cm.reworks, 0) > 0)::int',
  rated: '(cm.rating IS NOT NULL)::int',
  rating_sum: 'coalesce(cm.rating, 0)',
  ...Object.fromEntries([1, 2, 3, 4, 5].map((r) => [`rating_${r}`, `(cm.rating IS NOT DISTINCT FROM ${r})::int`])),
  ...Object.fromEntries(CLOCKS.flatMap((c) => [`${slaColumn(c)}_n`, `${slaColumn(c)}_met`]).map((col) => [col, `coalesce(sr.${col}, 0)`])),
  // cb: the case's callback_tasks row of the callback workflow, once its first attempt fell due.
  callbacks: '(cb.case_no IS NOT NULL)::int',
  callbacks_reached: `coalesce(cb.outcome IN (${REACHED}), false)::int`,
  callbacks_satisfied: "coalesce(cb.outcome = 'satisfied', false)::int",
  callbacks_unreachable: "coalesce(cb.outcome = 'unreachable', false)::int",
};
const COMPLAINT_MEASURES: Record<string, string> = {
  complaints: '1',
  ack_due: '(k.acknowledged_on_time IS NOT NULL)::int',
  ack_on_time: 'coalesce(k.acknowledged_on_time, false)::int',
  resolve_due: '(k.resolved_on_time IS NOT NULL)::int',
  resolve_on_time: 'coalesce(k.resolved_on_time, false)::int',
};
export const KPI_MEASURES = [...Object.keys(CASE_MEASURES), ...Object.keys(COMPLAINT_MEASURES)];

const slaSums = CLOCKS.map(
  (c) => `count(*) FILTER (WHERE r.clock = '${c}') AS ${slaColumn(c)}_n, count(*) FILTER (WHERE r.clock = '${c}' AND r.met) AS ${slaColumn(c)}_met`,
).join(',\n    ');

/** Rows of `table` (alias a) opened on the stale days: a range scan of its created_at index per day. */
const onStaleDays = (table: string, a: string) =>
  `kpi_stale s JOIN ${table} ${a} ON ${a}.created_at >= (s.day::timestamp AT TIME ZONE ${tz}) AND ${a}.created_at < ((s.day + 1)::timestamp AT TIME ZONE ${tz})`;

const caseDay = `(c.created_at AT TIME ZONE ${tz})::date`;

/**
 * The cases opened on the stale days, as a temporary table with statistics. Reached
 * through kpi_stale's join, the planner guessed a ninth of all cases per day (111,115
 * for 2,812 on the million-case set) and hashed every case_events, sla_results,
 * case_metrics and callback_tasks row: 9 s for one day. Counted, it looks each case up
 * by index.
 */
const STALE_CASES = `CREATE TEMP TABLE kpi_scope ON COMMIT DROP AS SELECT c.*, ${caseDay} AS day FROM ${onStaleDays('cases', 'c')}`;

/**
 * The INSERT that recomputes kpi_daily: every case and complaint opened on the stale days
 * (the temporary tables kpi_scope and kpi_stale), or on any day.
 */
function rebuildSql(scope: 'all' | 'stale'): string {
  const caseCols = KPI_MEASURES.map((m) => `${CASE_MEASURES[m] ?? '0'} AS ${m}`).join(', ');
  const complaintCols = KPI_MEASURES.map((m) => `${COMPLAINT_MEASURES[m] ?? '0'} AS ${m}`).join(', ');
  return `
WITH scoped AS ${scope === 'all' ? `MATERIALIZED (SELECT c.*, ${caseDay} AS day FROM cases c)` : '(SELECT * FROM kpi_scope)'}, ev AS (
  SELECT e.case_no,
    min(e.occurred_at) FILTER (WHERE e.to_stage = 'dispatched') AS accepted_at,
    min(e.occurred_at) FILTER (WHERE e.to_stage = 'contacted') AS contacted_at,
    min(e.occurred_at) FILTER (WHERE e.to_stage = 'on_site') AS on_site_at
  FROM case_events e JOIN scoped s ON s.case_no = e.case_no
  WHERE e.to_stage IN ('dispatched', 'contacted', 'on_site')
  GROUP BY e.case_no
), sr AS (
  SELECT r.case_no,
    ${slaSums}
  FROM sla_results r JOIN scoped s ON s.case_no = r.case_no
  GROUP BY r.case_no
), facts AS (
  SELECT c.day, coalesce(c.region, '') AS region, coalesce(c.engineer_id, '') AS engineer, c.product_category AS category,
    c.priority, c.channel, ${caseCols}
  FROM scoped c
  LEFT JOIN ev ON ev.case_no = c.case_no
  LEFT JOIN sr ON sr.case_no = c.case_no
  LEFT JOIN case_metrics cm ON cm.case_no = c.case_no
  LEFT JOIN callback_tasks cb ON cb.case_no = c.case_no AND cb.workflow_id IS NOT NULL
  UNION ALL
  SELECT (k.created_at AT TIME ZONE ${tz})::date, coalesce(c.region, ''), coalesce(c.engineer_id, ''), coalesce(c.product_category, ''),
    coalesce(c.priority, ''), coalesce(c.channel, ''), ${complaintCols}
  FROM ${scope === 'all' ? 'complaints k' : onStaleDays('complaints', 'k')} LEFT JOIN cases c ON c.case_no = k.case_no
)
INSERT INTO kpi_daily (dim, day, key, ${KPI_MEASURES.join(', ')})
SELECT d.dim, f.day, d.key, ${KPI_MEASURES.map((m) => `sum(f.${m})`).join(', ')}
FROM facts f
CROSS JOIN LATERAL (VALUES ('all', ''), ('region', f.region), ('engineer', f.engineer), ('category', f.category),
  ('priority', f.priority), ('channel', f.channel)) AS d(dim, key)
GROUP BY d.dim, f.day, d.key`;
}

/**
 * The stale days: those of cases and complaints with an event recorded since `watermark`,
 * and of cases whose callback row was written since (its updated_at is the writer's
 * transaction start, like recorded_at).
 */
const STALE_DAYS = `
CREATE TEMP TABLE kpi_stale ON COMMIT DROP AS
SELECT DISTINCT (c.created_at AT TIME ZONE ${tz})::date AS day
FROM case_events e JOIN cases c ON c.case_no = e.case_no
WHERE e.recorded_at >= $1::timestamptz
UNION
SELECT DISTINCT (c.created_at AT TIME ZONE ${tz})::date
FROM callback_tasks t JOIN cases c ON c.case_no = t.case_no
WHERE t.updated_at >= $1::timestamptz
UNION
SELECT DISTINCT (k.created_at AT TIME ZONE ${tz})::date
FROM complaint_events e JOIN complaints k ON k.complaint_no = e.complaint_no
WHERE e.recorded_at >= $1::timestamptz`;

export interface RefreshResult {
  mode: 'full' | 'incremental';
  /** Days recomputed (full: every day with data). */
  days: number;
  rows: number;
}

/**
 * Brings kpi_daily up to date. `full` (or a first run) rebuilds it; otherwise only the
 * stale days. Concurrent callers queue on an advisory lock, so one refresh runs at a time.
 * `timeoutMs` bounds each statement, the wait for the lock included: the server cancels
 * (SQLSTATE 57014) and the transaction rolls back, leaving the rollup as it was.
 */
export async function refreshKpiRollup(db: Database, opts: { full?: boolean; timeoutMs?: number } = {}): Promise<RefreshResult> {
  const client = await db.$client.connect();
  try {
    await client.query('BEGIN');
    // SET takes no bind parameters; the value is an integer we computed, not input.
    if (opts.timeoutMs !== undefined) await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(opts.timeoutMs))}`);
    await client.query('SELECT pg_advisory_xact_lock($1)', [KPI_LOCK]);
    const state = await client.query<{ watermark: Date }>('SELECT watermark FROM kpi_refresh_state WHERE id = 1');
    const full = opts.full === true || state.rowCount === 0;
    let rows: number;
    if (full) {
      await client.query('TRUNCATE kpi_daily');
      rows = (await client.query(rebuildSql('all'))).rowCount ?? 0;
      // TRUNCATE dropped the table's statistics: the KPI queries that follow would be
      // planned for a one-row table until autovacuum gets to it.
      await client.query('ANALYZE kpi_daily');
    } else {
      await client.query(STALE_DAYS, [state.rows[0]!.watermark]);
      // A temporary table has no statistics: without them the planner guesses many stale
      // days and hashes every case_events row instead of an index lookup per case.
      await client.query('ANALYZE kpi_stale');
      await client.query(STALE_CASES);
      await client.query('ANALYZE kpi_scope');
      await client.query('DELETE FROM kpi_daily WHERE day IN (SELECT day FROM kpi_stale)');
      rows = (await client.query(rebuildSql('stale'))).rowCount ?? 0;
    }
    // now() is this transaction's start; a transaction open elsewhere may still commit
    // events recorded from its own start. Only client sessions write events: an autovacuum
    // worker's transaction (seen in CI) must not hold the watermark back.
    await client.query(
      `INSERT INTO kpi_refresh_state (id, refreshed_at, watermark)
       SELECT 1, clock_timestamp(), least(now(), (SELECT min(xact_start) FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL
           AND backend_type = 'client backend'))
       ON CONFLICT (id) DO UPDATE SET refreshed_at = excluded.refreshed_at, watermark = excluded.watermark`,
    );
    const days = await client.query<{ n: number }>(
      `SELECT count(DISTINCT day)::int AS n FROM kpi_daily WHERE ${full ? 'true' : 'day IN (SELECT day FROM kpi_stale)'}`,
    );
    await client.query('COMMIT');
    return { mode: full ? 'full' : 'incremental', days: days.rows[0]!.n, rows };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** When the rollup was last refreshed (null: never). */
export async function kpiRefreshedAt(db: Database): Promise<Date | null> {
  // Through pg itself: drizzle's execute() hands timestamps back as text.
  const r = await db.$client.query<{ refreshed_at: Date }>('SELECT refreshed_at FROM kpi_refresh_state WHERE id = 1');
  return r.rows[0]?.refreshed_at ?? null;
}
