// `npm start` without API_KEYS: the launcher (launcher/stack.ts) calls ensureDemoKeys,
// which loads the demo organisation on a first start and gives each demo person a key,
// kept in DATA_DIR and reused on every later start. Tested against real PostgreSQL: a
// database of its own on the test stack's server (the demo roster would otherwise
// replace the engineers other suites use), migrated as the launcher migrates.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, like } from 'drizzle-orm';
import { Client } from 'pg';
import { hashKey } from '../../api/apiKeyHash';
import { createDatabase, type Database } from '../../db/client';
import { migrateDatabase } from '../../db/migrate';
import { apiKeys, engineers, people } from '../../db/schema';
import { ensureDemoKeys } from '../../launcher/demoKeys';
import { DEMO_ON_CALL } from '../../launcher/demoRoster';
import { stackInfo } from '../support/stackInfo';

const SECRET = 'demo-keys-test-secret-0123456789abcdef';
const name = `casework_demo_keys_${process.pid}_${Date.now().toString(36)}`;
let admin: Client;
let db: Database;
let dataDir: string;

beforeAll(async () => {
  admin = new Client({ connectionString: stackInfo().databaseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(stackInfo().databaseUrl);
  url.pathname = `/${name}`;
  await migrateDatabase(url.toString());
  db = createDatabase(url.toString(), { max: 2 });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-demo-keys-'));
});

afterAll(async () => {
  await db?.$client.end();
  await admin?.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin?.end();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const demoRows = () => db.select().from(apiKeys).where(like(apiKeys.label, 'demo:%'));

test('a first start loads the demo organisation and gives each demo person a key; a later start reuses them', async () => {
  const first = await ensureDemoKeys(db, dataDir, SECRET);
  expect(first.map((k) => [k.name, k.role, k.subject ?? null, k.personId])).toEqual([
    ['AGENT_KEY', 'agent', null, 'P-PD-AGENT'],
    ['DISPATCHER_KEY', 'dispatcher', null, 'P-PD-DISP'],
    ['SUPERVISOR_KEY', 'supervisor', null, 'P-PD-SUP'],
    ['OPS_KEY', 'ops', null, 'P-OPS'],
    ['ADMIN_KEY', 'admin', null, 'P-ADMIN'],
    ['ENG_E011_KEY', 'engineer', 'E011', 'P-E011'],
    ['ENG_E006_KEY', 'engineer', 'E006', 'P-E006'],
  ]);
  expect(new Set(first.map((k) => k.key)).size).toBe(first.length);
  for (const k of first) expect(k.key).toMatch(/^cw_demo_[A-Za-z0-9_-]{24}$/);

  // The organisation came with them: every key's person exists, and the walk-through's
  // engineers are on call around the clock.
  const persons = await db.select().from(people);
  for (const k of first) expect(persons.find((p) => p.id === k.personId)).toMatchObject({ active: true });
  for (const id of DEMO_ON_CALL) {
    const [e] = await db.select().from(engineers).where(eq(engineers.id, id));
    expect([e!.personId, e!.workingHours]).toEqual([`P-${id}`, { days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '00:00' }]);
  }

  // Only HMAC hashes under API_KEY_SECRET are stored, each row naming its person.
  const rows = await demoRows();
  expect(rows.map((r) => [r.label, r.keyHash, r.role, r.subject, r.personId]).sort()).toEqual(
    first.map((k) => [`demo:${k.name}`, hashKey(SECRET, k.key), k.role, k.subject ?? null, k.personId]).sort(),
  );
  expect(JSON.stringify(rows)).not.toContain(first[0]!.key);

  // A shell can source them; only the owner may read the files.
  const env = fs.readFileSync(path.join(dataDir, 'demo-keys.env'), 'utf8');
  expect(env).toBe(first.map((k) => `export ${k.name}=${k.key}\n`).join(''));
  for (const f of ['demo-keys.env', 'demo-keys.json']) expect(fs.statSync(path.join(dataDir, f)).mode & 0o777).toBe(0o600);

  // A later start: the same keys, no new rows, and what an admin changed is kept.
  await db.update(people).set({ name: '陈静（改）' }).where(eq(people.id, 'P-PD-AGENT'));
  const second = await ensureDemoKeys(db, dataDir, SECRET);
  expect(second).toEqual(first);
  expect(await demoRows()).toHaveLength(first.length);
  const [agent] = await db.select().from(people).where(eq(people.id, 'P-PD-AGENT'));
  expect(agent!.name).toBe('陈静（改）');
});

test('a lost key file gives new keys on the next start, and the new keys are stored beside the old', async () => {
  const before = JSON.parse(fs.readFileSync(path.join(dataDir, 'demo-keys.json'), 'utf8')) as Array<{ key: string }>;
  fs.rmSync(path.join(dataDir, 'demo-keys.json'));
  const fresh = await ensureDemoKeys(db, dataDir, SECRET);
  expect(fresh).toHaveLength(before.length);
  for (const k of fresh) expect(before.map((b) => b.key)).not.toContain(k.key);
  const hashes = (await demoRows()).map((r) => r.keyHash);
  for (const k of fresh) expect(hashes).toContain(hashKey(SECRET, k.key));
});

test('a demo key an admin revoked is replaced on the next start; the others are kept', async () => {
  const before = JSON.parse(fs.readFileSync(path.join(dataDir, 'demo-keys.json'), 'utf8')) as Array<{ name: string; key: string }>;
  const agent = before.find((k) => k.name === 'AGENT_KEY')!;
  await db
    .update(apiKeys)
    .set({ revoked: true, revokedAt: new Date() })
    .where(eq(apiKeys.keyHash, hashKey(SECRET, agent.key)));
  const after = await ensureDemoKeys(db, dataDir, SECRET);
  const newAgent = after.find((k) => k.name === 'AGENT_KEY')!;
  expect(newAgent.key).not.toBe(agent.key);
  expect(after.filter((k) => k.name !== 'AGENT_KEY').map((k) => k.key)).toEqual(before.filter((k) => k.name !== 'AGENT_KEY').map((k) => k.key));
  const [row] = await db
    .select()
    .from(apiKeys)
    .where(eq(apiKeys.keyHash, hashKey(SECRET, newAgent.key)));
  expect(row).toMatchObject({ revoked: false, personId: 'P-PD-AGENT', role: 'agent' });
});
