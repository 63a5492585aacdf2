// `npm run bench:kpi`: times the KPI rollup and every KPI table on the database at
// DATABASE_URL (after `npm run kpi:generate`): the full rebuild, incremental refreshes,
// each (grain × dimension) table with every KPI over the last year, and each KPI alone.
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
  const counts = await db.$client.query<{ cases: string; events: string; sla: string; complaints: string }>(
    `SELECT (SELECT count(*) FROM cases) cases, (SELECT count(*) FROM case_events) events,
            (SELECT count(*) FROM sla_results) sla, (SELECT count(*) FROM complaints) complaints`,
  );
  const c = counts.rows[0]!;
  console.log(`cases ${c.cases}, case_events ${c.events}, sla_results ${c.sla}, complaints ${c.complaints}\n`);
  const refresh = (full: boolean) => () => refreshKpiRollup(db, { full });
  const said = (r: { mode: string; days: number; rows: number }) => `${r.mode}: ${r.days} days, ${r.rows} rollup rows`;
  await timed('rollup: full rebuild', refresh(true), said);
  await timed('rollup: incremental, nothing new', refresh(false), said);
  // One case moves: an event recorded now makes its intake day stale.
  await db.$client.query(
    `INSERT INTO case_events (case_no, workflow_id, seq, type, to_stage, actor_role, data, occurred_at)
     SELECT case_no, workflow_id, 1000 + last_event_seq, 'bench.touch', stage, 'system', '{}', now() FROM cases ORDER BY created_at DESC LIMIT 1`,
  );
  await timed('rollup: incremental, one case moved', refresh(false), said);

  const last = await db.$client.query<{ to: string }>(`SELECT (max(day) + 1)::text AS to FROM kpi_daily`);
  const to = last.rows[0]?.to ?? new Date().toISOString().slice(0, 10);
  const from = new Date(Date.parse(to) - 365 * 86_400_000).toISOString().slice(0, 10);
  console.log(`\nKPI tables, all ${KPI_DEFINITIONS.length} KPIs, ${from} .. ${to}:`);
  for (const grain of KPI_GRAINS) {
    for (const by of KPI_DIMENSIONS) {
      await timed(
        `  grain=${grain} by=${by}`,
        () => kpiTable(db, { from, to, grain, by }),
        (r) => `${r.rows.length} rows`,
      );
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
