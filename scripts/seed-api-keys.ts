// `npm run seed:keys`: creates one development API key per role (and two engineers),
// stores only their sha256 hashes, revokes the previous dev keys, and prints the keys.
// Uses DATABASE_URL, or the embedded PostgreSQL of a running `npm start`.
import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { hashKey } from '../api/auth';
import { loadEnv } from '../config/env';
import { embeddedDatabaseUrl } from '../launcher/embeddedPostgres';
import { printableError } from '../shared/redact';
import { createDatabase } from '../db/client';
import { migrateDatabase } from '../db/migrate';
import { apiKeys } from '../db/schema';
import { ROLES, type Role } from '../domain';

const DEV_KEYS: Array<{ role: Role; subject?: string }> = [
  ...ROLES.filter((r) => r !== 'engineer').map((role) => ({ role })),
  { role: 'engineer', subject: 'E001' },
  { role: 'engineer', subject: 'E002' },
];

async function main(): Promise<void> {
  const env = loadEnv();
  const url = env.DATABASE_URL ?? embeddedDatabaseUrl(env.DATA_DIR, env.EMBEDDED_PG_PORT);
  await migrateDatabase(url);
  const db = createDatabase(url, { max: 1 });
  const printed: string[] = [];
  try {
    for (const { role, subject } of DEV_KEYS) {
      const label = `dev:${role}${subject ? `:${subject}` : ''}`;
      const key = `cw_${role}_${randomBytes(18).toString('base64url')}`;
      await db.transaction(async (tx) => {
        await tx
          .update(apiKeys)
          .set({ revoked: true })
          .where(and(eq(apiKeys.label, label), eq(apiKeys.revoked, false)));
        await tx.insert(apiKeys).values({ keyHash: hashKey(key), role, subject: subject ?? null, label });
      });
      printed.push(`${label.padEnd(22)} ${key}`);
    }
  } finally {
    await db.$client.end();
  }
  console.log('Development API keys (shown once; earlier dev keys are revoked):\n');
  console.log(printed.join('\n'));
  console.log('\nUse them as: curl -H "Authorization: Bearer <key>" ...');
}

main().catch((err) => {
  console.error(`seed:keys failed: ${printableError(err)}`);
  console.error('Is `npm start` running (embedded PostgreSQL), or DATABASE_URL set?');
  process.exit(1);
});
