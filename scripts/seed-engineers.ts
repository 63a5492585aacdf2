// `npm run seed:engineers`: loads the demo roster (36 engineers in SH-PD, SH-XH, SH-MH).
// Idempotent: re-running updates the same engineers. Uses DATABASE_URL, or the
// embedded PostgreSQL of a running `npm start`.
import { loadEnv } from '../config/env';
import { embeddedDatabaseUrl } from '../launcher/embeddedPostgres';
import { printableError } from '../shared/redact';
import { createDatabase } from '../db/client';
import { migrateDatabase } from '../db/migrate';
import { upsertEngineer } from '../db/queries/engineers';
import { EngineerInputSchema } from '../domain/schemas';
import { demoRoster } from './demoRoster';

async function main(): Promise<void> {
  const env = loadEnv();
  const url = env.DATABASE_URL ?? embeddedDatabaseUrl(env.DATA_DIR, env.EMBEDDED_PG_PORT);
  await migrateDatabase(url);
  const db = createDatabase(url, { max: 1 });
  try {
    const roster = demoRoster().map((e) => EngineerInputSchema.parse(e));
    for (const e of roster) await upsertEngineer(db, e);
    const byRegion = new Map<string, number>();
    for (const e of roster) byRegion.set(e.regions[0]!, (byRegion.get(e.regions[0]!) ?? 0) + 1);
    console.log(`Loaded ${roster.length} engineers: ${[...byRegion].map(([r, n]) => `${r} ${n}`).join(', ')}`);
  } finally {
    await db.$client.end();
  }
}

main().catch((err) => {
  console.error(printableError(err));
  process.exit(1);
});
