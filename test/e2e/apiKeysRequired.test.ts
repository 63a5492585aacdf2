// `npm run api` (production mode: TEMPORAL_ADDRESS and DATABASE_URL set) with no key at all
// — API_KEYS empty and no usable row in api_keys — refuses to start, saying why, as
// docker-compose.yml's api service says; a stored key (not revoked, not expired) suffices.
// Against a database of its own on the test stack's PostgreSQL, so other suites' keys do
// not count.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';
import { hashKey } from '../../api/apiKeyHash';
import { createDatabase, type Database } from '../../db/client';
import { migrateDatabase } from '../../db/migrate';
import { issueApiKey, revokeApiKey } from '../../db/queries/apiKeys';
import { freePort } from '../support/globalSetup';
import { API_KEY_SECRET, LINK_SECRET, STACK_LIMITS_ENV, stackInfo } from '../support/stackInfo';
import { TEST_PAYLOAD_KEYS } from '../support/payloadKeys';

const root = path.resolve(__dirname, '..', '..');
const name = `casework_no_keys_${process.pid}_${Date.now().toString(36)}`;
const ADMIN = { role: 'admin' as const, subject: 'test' };
let admin: Client;
let db: Database;
let url: string;

beforeAll(async () => {
  admin = new Client({ connectionString: stackInfo().databaseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const u = new URL(stackInfo().databaseUrl);
  u.pathname = `/${name}`;
  url = u.toString();
  await migrateDatabase(url);
  db = createDatabase(url, { max: 1 });
});

afterAll(async () => {
  await db?.$client.end();
  await admin?.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin?.end();
});

/** Runs `npm run api` without API_KEYS until it is ready (then stops it) or exits; its output and how it ended. */
async function runApi(): Promise<{ ready: boolean; code: number | string | null; output: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: url,
    TEMPORAL_ADDRESS: stackInfo().temporalAddress,
    PORT: String(await freePort()),
    HOST: '127.0.0.1',
    API_KEYS: '',
    API_KEY_SECRET,
    CUSTOMER_LINK_SECRET: LINK_SECRET,
    PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
    LOG_LEVEL: 'info',
    ...STACK_LIMITS_ENV,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'api', 'main.ts')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let ready = false;
  const onData = (d: Buffer) => {
    output += d.toString();
    if (!ready && output.includes('API ready')) {
      ready = true;
      child.kill('SIGTERM');
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const code = await new Promise<number | string | null>((resolve) => child.on('exit', (c, signal) => resolve(c ?? signal)));
  return { ready, code, output };
}

test('no key in API_KEYS and none stored: the API refuses to start, saying so', async () => {
  const run = await runApi();
  expect(run).toMatchObject({ ready: false, code: 1 });
  expect(run.output).toContain('no API key: set API_KEYS');
}, 60_000);

test('a revoked or expired stored key does not count; a usable one lets it start', async () => {
  const revoked = await issueApiKey(db, { keyHash: hashKey(API_KEY_SECRET, 'revoked-key-0123456789'), role: 'admin', label: 'revoked' }, ADMIN);
  if (!revoked.ok) throw new Error(`not issued: ${revoked.reason}`);
  await revokeApiKey(db, revoked.row.id, ADMIN);
  await issueApiKey(
    db,
    { keyHash: hashKey(API_KEY_SECRET, 'expired-key-0123456789'), role: 'admin', label: 'expired', expiresAt: new Date(Date.now() - 60_000) },
    ADMIN,
  );
  expect((await runApi()).code).toBe(1);
  await issueApiKey(db, { keyHash: hashKey(API_KEY_SECRET, 'usable-key-0123456789'), role: 'ops', label: 'usable' }, ADMIN);
  const run = await runApi();
  expect(run.ready).toBe(true);
  expect(run.output).not.toContain('no API key');
}, 90_000);
