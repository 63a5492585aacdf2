// The embedded default's API keys: with no API_KEYS set, `npm start` gives each demo
// person a key (created once, kept in DATA_DIR/demo-keys.json, reused on every start;
// only their HMAC hashes under API_KEY_SECRET go into api_keys), so the walk-through works at once and the
// timeline names who acted. DATA_DIR/demo-keys.env exports them for a shell.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { hashKey } from '../api/apiKeyHash';
import type { Database } from '../db/client';
import { and, eq, gt, isNull, or } from 'drizzle-orm';
import { findPerson } from '../db/queries/people';
import { apiKeys } from '../db/schema';
import type { Role } from '../domain';
import { DEMO_ADMIN, DEMO_OPS, demoPersonId, seedDemoOrganisation } from './demoOrganisation';

export interface DemoKey {
  /** The shell variable the key is exported as (AGENT_KEY, ENG_E006_KEY, …). */
  name: string;
  role: Role;
  subject?: string;
  personId: string;
  key: string;
}

const WHO: Array<Omit<DemoKey, 'key'>> = [
  { name: 'AGENT_KEY', role: 'agent', personId: demoPersonId('SH-PD', 'agent') },
  { name: 'DISPATCHER_KEY', role: 'dispatcher', personId: demoPersonId('SH-PD', 'dispatcher') },
  { name: 'SUPERVISOR_KEY', role: 'supervisor', personId: demoPersonId('SH-PD', 'supervisor') },
  { name: 'OPS_KEY', role: 'ops', personId: DEMO_OPS },
  { name: 'ADMIN_KEY', role: 'admin', personId: DEMO_ADMIN },
  { name: 'ENG_E011_KEY', role: 'engineer', subject: 'E011', personId: 'P-E011' },
  { name: 'ENG_E006_KEY', role: 'engineer', subject: 'E006', personId: 'P-E006' },
];

/** Loads the demo organisation on a first start (later starts keep what admins changed), then the keys. */
export async function ensureDemoKeys(db: Database, dataDir: string, keySecret: string): Promise<DemoKey[]> {
  if (!(await findPerson(db, DEMO_ADMIN))) await seedDemoOrganisation(db);
  const file = path.join(dataDir, 'demo-keys.json');
  const saved: DemoKey[] = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as DemoKey[]) : [];
  // A saved key an admin revoked (or that expired after a rotation) is replaced: printing
  // a key that answers 401 would leave the walk-through broken.
  const usable = async (k: DemoKey) => (await usableRow(db, hashKey(keySecret, k.key))) || !(await storedRow(db, hashKey(keySecret, k.key)));
  const keys: DemoKey[] = [];
  for (const w of WHO) {
    const kept = saved.find((s) => s.name === w.name && s.personId === w.personId);
    keys.push(kept && (await usable(kept)) ? kept : { ...w, key: `cw_demo_${randomBytes(18).toString('base64url')}` });
  }
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  fs.writeFileSync(path.join(dataDir, 'demo-keys.env'), keys.map((k) => `export ${k.name}=${k.key}`).join('\n') + '\n', { mode: 0o600 });
  for (const k of keys) {
    await db
      .insert(apiKeys)
      .values({ keyHash: hashKey(keySecret, k.key), role: k.role, subject: k.subject ?? null, personId: k.personId, label: `demo:${k.name}` })
      .onConflictDoNothing();
  }
  return keys;
}

async function storedRow(db: Database, keyHash: string): Promise<boolean> {
  return (await db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.keyHash, keyHash))).length > 0;
}

/** The key's row is neither revoked nor past its expiry. */
async function usableRow(db: Database, keyHash: string): Promise<boolean> {
  const live = and(eq(apiKeys.keyHash, keyHash), eq(apiKeys.revoked, false), or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, new Date())));
  return (await db.select({ id: apiKeys.id }).from(apiKeys).where(live)).length > 0;
}
