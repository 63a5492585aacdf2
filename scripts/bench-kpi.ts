// `npm run bench:kpi`: times the KPI rollup and every KPI table on the database at
// DATABASE_URL (after `npm run kpi:generate`): the full rebuild, incremental refreshes,
// each (grain × dimension) table with every KPI over the last year — the API's first JSON
// page (limit 1000, its default), its largest (limit 10,000) and the whole table (as the
// CSV export reads it) — and each KPI alone.
//   DATABASE_URL=… npm run bench:kpi
import { performance } from 'node:perf_hooks';
import { drizzle } from 'drizzle-orm/node-postgres';
import { Pool } from 'pg';
import type { Database } from '../db/client';
import * as schema from '../db/schema';
import { kpiTable } from '../db/queries/kpi';
import { KPI_DEFINITIONS, KPI_DIMENSIONS, KPI_GRAINS } from '../db/queries/kpiDefinitions';
import { refreshKpiRollup } from '../db/queries/kpiRollup';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is required');
  process.exit(2);
}
// A pool of its own: db/client's 15 s query timeout would cut the full rebuild short.
const db: Database = drizzle(new Pool({ connectionString: url, max: 1, statement_timeout: 0 }), { schema });

async function timed<T>(label: string, run: () => Promise<T>, describe: (r: T) => string): Promise<number> {
  const t = performance.now();
  const r = await run();
  const ms = performance.now() - t;
  console.log(`${label.padEnd(46)} ${ms.toFixed(1).padStart(9)} ms  ${describe(r)}`);
  return ms;
}

async function main(): Promise<void> {
  const counts = await db.$client.query<{ cases: string; events: string; sla: string; complaints: string; callbacks: string }>(
    `SELECT (SELECT count(*) FROM cases) cases, (SELECT count(*) FROM case_events) events,
            (SELECT count(*) FROM sla_results) sla, (SELECT count(*) FROM complaints) complaints,
            (SELECT count(*) FROM callback_tasks) callbacks`,
  );
  const c = counts.rows[0]!;
  console.log(`cases ${c.cases}, case_events ${c.events}, sla_results ${c.sla}, complaints ${c.complaints}, callback_tasks ${c.callbacks}\n`);
  const refresh = (full: boolean) => () => refreshKpiRollup(db, { full });
  const said = (r: { mode: string; days: number; rows: number }) => `${r.mode}: ${r.days} days, ${r.rows} rollup rows`;
  await timed('rollup: full rebuild', refresh(true), said);
  await timed('rollup: incremental, nothing new', refresh(false), said);
  // One case moves: an event recorded now makes its intake day stale. Its seq follows the
  // case's last event, so the bench can run again on the same database.
  await db.$client.query(
    `INSERT INTO case_events (case_no, workflow_id, seq, type, to_stage, actor_role, data, occurred_at)
     SELECT c.case_no, c.workflow_id, (SELECT max(e.seq) + 1 FROM case_events e WHERE e.case_no = c.case_no), 'bench.touch', c.stage, 'system', '{}', now()
     FROM (SELECT case_no, workflow_id, stage FROM cases ORDER BY created_at DESC LIMIT 1) c`,
  );
  await timed('rollup: incremental, one case moved', refresh(false), said);
  // A callback outcome is written: its case's intake day is stale (callback_tasks.updated_at).
  await db.$client.query(
    `UPDATE callback_tasks SET outcome = 'satisfied', status = 'done' WHERE id = (SELECT id FROM callback_tasks ORDER BY due_at DESC LIMIT 1)`,
  );
  await timed('rollup: incremental, one callback closed', refresh(false), said);

  const last = await db.$client.query<{ to: string }>(`SELECT (max(day) + 1)::text AS to FROM kpi_daily`);
  const to = last.rows[0]?.to ?? new Date().toISOString().slice(0, 10);
  const from = new Date(Date.parse(to) - 365 * 86_400_000).toISOString().slice(0, 10);
  console.log(`\nKPI tables, all ${KPI_DEFINITIONS.length} KPIs, ${from} .. ${to}:`);
  for (const grain of KPI_GRAINS) {
    for (const by of KPI_DIMENSIONS) {
      const page = (r: { rows: unknown[]; hasMore: boolean }) => `${r.rows.length} rows${r.hasMore ? ', more' : ''}`;
      await timed(`  grain=${grain} by=${by}: first page`, () => kpiTable(db, { from, to, grain, by, limit: 1000 }), page);
      await timed(`  grain=${grain} by=${by}: largest page`, () => kpiTable(db, { from, to, grain, by, limit: 10_000 }), page);
      await timed(`  grain=${grain} by=${by}: whole table`, () => kpiTable(db, { from, to, grain, by }), page);
    }
  }
  console.log(`\nEach KPI alone, grain=month by=engineer, ${from} .. ${to}:`);
  for (const d of KPI_DEFINITIONS) {
    await timed(
      `  ${d.id}`,
      () => kpiTable(db, { from, to, grain: 'month', by: 'engineer', kpis: [d.id] }),
      (r) => `${r.rows.length} rows`,
    );
  }
  await db.$client.end();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
