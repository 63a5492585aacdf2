// `npm run seed:keys`: creates one development API key per role (and two engineers),
// stores only their HMAC (API_KEY_SECRET, or the one `npm start` keeps in DATA_DIR),
// revokes the previous dev keys, and prints the keys. Uses DATABASE_URL, or the embedded
// PostgreSQL of a running `npm start`. Every change is an audit_events row.
import { and, eq } from 'drizzle-orm';
import { hashKey, newApiKey } from '../api/apiKeyHash';
import { apiKeySecret, loadEnv } from '../config/env';
import { API_KEY_SECRET_FILE, keptSecret } from '../config/keptSecret';
import { embeddedDatabaseUrl } from '../launcher/embeddedPostgres';
import { printableError } from '../shared/redact';
import { createDatabase } from '../db/client';
import { migrateDatabase } from '../db/migrate';
import { recordAudit } from '../db/queries/audit';
import { apiKeys } from '../db/schema';
import { ROLES, type Actor, type Role } from '../domain';

const DEV_KEYS: Array<{ role: Role; subject?: string }> = [
  ...ROLES.filter((r) => r !== 'engineer').map((role) => ({ role })),
  { role: 'engineer', subject: 'E001' },
  { role: 'engineer', subject: 'E002' },
];
const SEEDER: Actor = { role: 'system', subject: 'seed:keys' };

async function main(): Promise<void> {
  const env = loadEnv();
  const url = env.DATABASE_URL ?? embeddedDatabaseUrl(env.DATA_DIR, env.EMBEDDED_PG_PORT);
  // Against the embedded default, the secret `npm start` keeps; elsewhere it must be set.
  const secret = apiKeySecret(env, env.API_KEY_SECRET ?? (env.DATABASE_URL ? undefined : keptSecret(env.DATA_DIR, API_KEY_SECRET_FILE)));
  await migrateDatabase(url);
  const db = createDatabase(url, { max: 1 });
  const printed: string[] = [];
  try {
    for (const { role, subject } of DEV_KEYS) {
      const label = `dev:${role}${subject ? `:${subject}` : ''}`;
      const key = newApiKey(role);
      await db.transaction(async (tx) => {
        const revoked = await tx
          .update(apiKeys)
          .set({ revoked: true, revokedAt: new Date() })
          .where(and(eq(apiKeys.label, label), eq(apiKeys.revoked, false)))
          .returning({ id: apiKeys.id });
        for (const r of revoked)
          await recordAudit(tx, { actor: SEEDER, action: 'api_key.revoked', targetKind: 'api_key', targetId: String(r.id), data: { label } });
        const [row] = await tx
          .insert(apiKeys)
          .values({ keyHash: hashKey(secret, key), role, subject: subject ?? null, label })
          .returning({ id: apiKeys.id });
        await recordAudit(tx, { actor: SEEDER, action: 'api_key.issued', targetKind: 'api_key', targetId: String(row!.id), data: { role, subject, label } });
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
  console.error('Is `npm start` running (embedded PostgreSQL), or DATABASE_URL (and API_KEY_SECRET) set?');
  process.exit(1);
});
