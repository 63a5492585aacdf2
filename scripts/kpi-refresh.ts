// `npm run kpi:refresh [-- --full]`: brings the KPI rollup (kpi_daily) up to date outside
// the API. The API refreshes incrementally on demand within its 15 s query timeout; a full
// rebuild of a large database (a year of a million cases: minutes) cannot run there, so
// operators run this after a restore, after a migration that adds rollup measures, or
// nightly from cron. Without --full it refreshes the stale days only (a full rebuild
// when the rollup was never built). It takes the same advisory lock as the API, so the
// two never rebuild at once.
//   DATABASE_URL=… npm run kpi:refresh -- --full
import { performance } from 'node:perf_hooks';
import { drizzle } from 'drizzle-orm/node-postgres';
import { Pool } from 'pg';
import type { Database } from '../db/client';
import * as schema from '../db/schema';
import { refreshKpiRollup } from '../db/queries/kpiRollup';
import { printableError } from '../shared/redact';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is required');
  process.exit(2);
}
const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== '--full');
if (unknown.length > 0) {
  console.error(`unknown argument ${unknown.join(' ')}; usage: npm run kpi:refresh [-- --full]`);
  process.exit(2);
}

async function main(): Promise<void> {
  // A pool of its own without db/client's 15 s statement timeout: the rebuild may take minutes.
  const db: Database = drizzle(new Pool({ connectionString: url, max: 1, statement_timeout: 0 }), { schema });
  const started = performance.now();
  try {
    const r = await refreshKpiRollup(db, { full: args.includes('--full') });
    const s = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`kpi rollup ${r.mode} refresh: ${r.days} days, ${r.rows} rows in ${s} s`);
  } finally {
    await db.$client.end();
  }
}

main().catch((err: unknown) => {
  console.error('kpi refresh failed:', printableError(err));
  process.exit(1);
});
