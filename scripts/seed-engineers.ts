// `npm run seed:engineers`: loads the demo organisation — the 36 demo engineers in
// SH-PD, SH-XH, SH-MH, each linked to their person, the staff of every region and the
// duty roster that covers every hour (launcher/demoOrganisation.ts). Idempotent:
// re-running updates the same rows. Uses DATABASE_URL, or the embedded PostgreSQL of a
// running `npm start`.
import { loadEnv } from '../config/env';
import { embeddedDatabaseUrl } from '../launcher/embeddedPostgres';
import { printableError } from '../shared/redact';
import { createDatabase } from '../db/client';
import { migrateDatabase } from '../db/migrate';
import { DEMO_REGIONS } from '../launcher/demoRoster';
import { seedDemoOrganisation } from '../launcher/demoOrganisation';

async function main(): Promise<void> {
  const env = loadEnv();
  const url = env.DATABASE_URL ?? embeddedDatabaseUrl(env.DATA_DIR, env.EMBEDDED_PG_PORT);
  await migrateDatabase(url);
  const db = createDatabase(url, { max: 1 });
  try {
    const loaded = await seedDemoOrganisation(db);
    const perRegion = loaded.engineers / DEMO_REGIONS.length;
    console.log(`Loaded ${loaded.engineers} engineers: ${DEMO_REGIONS.map((r) => `${r.code} ${perRegion}`).join(', ')}`);
    console.log(`Loaded the demo organisation: ${loaded.people} people, ${loaded.shifts} weekly shifts (every hour of every day covered)`);
  } finally {
    await db.$client.end();
  }
}

main().catch((err) => {
  console.error(printableError(err));
  process.exit(1);
});
