// Stored API keys through HTTP on the real stack: keyed hashes (and the transition of rows
// hashed with a bare sha256), expiry, last use, and the admin routes (issue, list, revoke,
// rotate with a grace period), each audited.
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { legacyHashKey } from '../../api/apiKeyHash';
import { insertApiKey, storedKeyHash } from '../support/apiKeyRows';
import { call, eventually } from '../support/http';
import { stackInfo } from '../support/stackInfo';

let pool: Pool;
beforeAll(() => {
  pool = new Pool({ connectionString: stackInfo().databaseUrl, max: 2 });
});
afterAll(() => pool.end());

const fresh = (role: string) => `cw_${role}_test_${randomBytes(12).toString('hex')}`;

async function keyRow(id: number) {
  const { rows } = await pool.query('SELECT key_hash, hash_scheme, last_used_at, expires_at, revoked FROM api_keys WHERE id = $1', [id]);
  return rows[0];
}

async function audit(id: number): Promise<string[]> {
  const r = await call('GET', `/audit-events?targetKind=api_key&targetId=${id}`, { as: 'admin' });
  expect(r.status).toBe(200);
  return r.body.items.map((e: { action: string }) => e.action);
}

test('a stored key works by its HMAC, and its last use is recorded at most once a minute', async () => {
  const key = fresh('dispatcher');
  const id = await insertApiKey(pool, { key, role: 'dispatcher', label: 'test:hmac' });
  expect((await keyRow(id)).last_used_at).toBeNull();
  expect((await call('GET', '/dispatch/queue', { key })).status).toBe(200);
  const first = (await keyRow(id)).last_used_at as Date;
  expect(first).toBeInstanceOf(Date);
  // The role is the row's: a dispatcher may not manage keys.
  expect((await call('GET', '/api-keys', { key })).status).toBe(403);
  expect((await keyRow(id)).last_used_at).toEqual(first);
});

test("a row hashed with a bare sha256 still works, and its first use re-hashes it under the server's secret", async () => {
  const key = fresh('ops');
  const id = await insertApiKey(pool, { key, role: 'ops', label: 'test:legacy', legacySha256: true });
  expect(await keyRow(id)).toMatchObject({ key_hash: legacyHashKey(key), hash_scheme: 'sha256' });
  expect((await call('GET', '/ops/stuck', { key })).status).toBe(200);
  expect(await keyRow(id)).toMatchObject({ key_hash: storedKeyHash(key), hash_scheme: 'hmac-sha256' });
  expect((await call('GET', '/ops/stuck', { key })).status).toBe(200);
  // Only the key itself opens it: its sha256 presented as a key does not.
  expect((await call('GET', '/ops/stuck', { key: legacyHashKey(key) })).status).toBe(401);
});

test('an expired key is refused with 401 key_expired and a message that says so', async () => {
  const key = fresh('agent');
  await insertApiKey(pool, { key, role: 'agent', label: 'test:expired', expiresAt: new Date(Date.now() - 60_000) });
  const r = await call('GET', '/cases', { key });
  expect(r.status).toBe(401);
  expect(r.body.error.code).toBe('key_expired');
  expect(r.body.error.message).toMatch(/expired at .*ask an admin/);
});

test('an admin issues a key (shown once), lists it without secrets, and revokes it', async () => {
  const issued = await call('POST', '/api-keys', { as: 'admin', body: { role: 'engineer', subject: 'E001', label: 'test:issued', expiresInDays: 30 } });
  expect(issued.status).toBe(201);
  const { apiKey, key } = issued.body;
  expect(key).toMatch(/^cw_engineer_/);
  expect(apiKey).toMatchObject({
    role: 'engineer',
    subject: 'E001',
    label: 'test:issued',
    revoked: false,
    expired: false,
    lastUsedAt: null,
    hashScheme: 'hmac-sha256',
  });
  expect(Date.parse(apiKey.expiresAt) - Date.now()).toBeGreaterThan(29 * 24 * 3600_000);
  expect((await keyRow(apiKey.id)).key_hash).toBe(storedKeyHash(key));

  expect((await call('GET', '/cases?limit=1', { key })).status).toBe(200);
  const list = await call('GET', '/api-keys?limit=500', { as: 'admin' });
  expect(list.status).toBe(200);
  const listed = list.body.items.find((k: { id: number }) => k.id === apiKey.id);
  expect(listed).toMatchObject({ id: apiKey.id, role: 'engineer', subject: 'E001', lastUsedAt: expect.any(String), createdAt: expect.any(String) });
  expect(JSON.stringify(list.body)).not.toContain(key);
  expect(JSON.stringify(list.body)).not.toContain(storedKeyHash(key));

  const revoked = await call('DELETE', `/api-keys/${apiKey.id}`, { as: 'admin' });
  expect(revoked.status).toBe(200);
  expect(revoked.body.apiKey).toMatchObject({ revoked: true, revokedAt: expect.any(String) });
  expect((await call('GET', '/cases?limit=1', { key })).status).toBe(401);
  // Revoking again changes nothing; the revoked key is listed only on request.
  expect((await call('DELETE', `/api-keys/${apiKey.id}`, { as: 'admin' })).status).toBe(200);
  const active = await call('GET', '/api-keys?limit=500', { as: 'admin' });
  expect(active.body.items.map((k: { id: number }) => k.id)).not.toContain(apiKey.id);
  const all = await call('GET', '/api-keys?limit=500&includeRevoked=true', { as: 'admin' });
  expect(all.body.items.map((k: { id: number }) => k.id)).toContain(apiKey.id);
  expect(await audit(apiKey.id)).toEqual(['api_key.revoked', 'api_key.issued']);
});

test('rotation: a new key at once; the old one works during the grace period, then is refused', async () => {
  const issued = await call('POST', '/api-keys', { as: 'admin', body: { role: 'supervisor', label: 'test:rotate' } });
  const old = issued.body.key as string;
  const rotated = await call('POST', `/api-keys/${issued.body.apiKey.id}/rotate`, { as: 'admin', body: { graceSeconds: 2 } });
  expect(rotated.status).toBe(201);
  const { apiKey, key, previous } = rotated.body;
  expect(apiKey).toMatchObject({ role: 'supervisor', label: 'test:rotate', expiresAt: null });
  expect(previous).toMatchObject({ id: issued.body.apiKey.id, replacedBy: apiKey.id, expiresAt: expect.any(String) });
  expect(key).not.toBe(old);
  expect((await call('GET', '/cases?limit=1', { key })).status).toBe(200);
  expect((await call('GET', '/cases?limit=1', { key: old })).status).toBe(200);
  // The grace period ends (2 s): polled with a deadline, no fixed sleep.
  const refused = await eventually(
    'the old key is refused after its grace period',
    async () => {
      const r = await call('GET', '/cases?limit=1', { key: old });
      return r.status === 200 ? undefined : r;
    },
    20_000,
  );
  expect(refused.status).toBe(401);
  expect(refused.body.error.code).toBe('key_expired');
  expect((await call('GET', '/cases?limit=1', { key })).status).toBe(200);

  // The old key was rotated already: rotate its replacement instead.
  const again = await call('POST', `/api-keys/${previous.id}/rotate`, { as: 'admin', body: {} });
  expect(again).toMatchObject({ status: 409, body: { error: { code: 'key_already_rotated' } } });
  expect(await audit(previous.id)).toEqual(['api_key.rotated', 'api_key.issued']);
  expect(await audit(apiKey.id)).toEqual(['api_key.issued']);
});

test('rotation keeps a lifetime, defaults to an hour of grace, and never extends an expiry', async () => {
  const issued = await call('POST', '/api-keys', { as: 'admin', body: { role: 'agent', label: 'test:lifetime', expiresInDays: 10 } });
  const rotated = await call('POST', `/api-keys/${issued.body.apiKey.id}/rotate`, { as: 'admin', body: {} });
  expect(rotated.status).toBe(201);
  const graceLeft = Date.parse(rotated.body.previous.expiresAt) - Date.now();
  expect(graceLeft).toBeGreaterThan(3500_000);
  expect(graceLeft).toBeLessThanOrEqual(3600_000);
  expect(Date.parse(rotated.body.apiKey.expiresAt) - Date.now()).toBeGreaterThan(9.9 * 24 * 3600_000);
});

test('bad requests change nothing: 400 with field paths, 404 unknown key, 409 revoked, admins only', async () => {
  const noSubject = await call('POST', '/api-keys', { as: 'admin', body: { role: 'engineer', label: 'x' } });
  expect(noSubject.status).toBe(400);
  expect(noSubject.body.error.fields).toEqual([{ path: 'body.subject', message: expect.any(String) }]);
  const badRole = await call('POST', '/api-keys', { as: 'admin', body: { role: 'root', label: 'x', extra: 1 } });
  expect(badRole.status).toBe(400);
  expect(badRole.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(['body', 'body.role']);
  const badGrace = await call('POST', '/api-keys/1/rotate', { as: 'admin', body: { graceSeconds: -1 } });
  expect(badGrace.body.error.fields).toEqual([{ path: 'body.graceSeconds', message: expect.any(String) }]);
  expect((await call('DELETE', '/api-keys/2147483000', { as: 'admin' })).status).toBe(404);
  expect((await call('POST', '/api-keys/2147483000/rotate', { as: 'admin', body: {} })).status).toBe(404);

  const issued = await call('POST', '/api-keys', { as: 'admin', body: { role: 'ops', label: 'test:revoked-rotate' } });
  await call('DELETE', `/api-keys/${issued.body.apiKey.id}`, { as: 'admin' });
  const rotateRevoked = await call('POST', `/api-keys/${issued.body.apiKey.id}/rotate`, { as: 'admin', body: {} });
  expect(rotateRevoked).toMatchObject({ status: 409, body: { error: { code: 'key_revoked' } } });

  for (const as of ['agent', 'supervisor', 'ops'] as const) {
    expect((await call('POST', '/api-keys', { as, body: { role: 'admin', label: 'escalate' } })).status).toBe(403);
  }
  const { rows } = await pool.query("SELECT count(*)::int AS n FROM api_keys WHERE label = 'escalate'");
  expect(rows[0].n).toBe(0);
});

test('audit_events is append-only', async () => {
  await expect(pool.query("UPDATE audit_events SET action = 'x'")).rejects.toThrow(/append-only/);
  await expect(pool.query('DELETE FROM audit_events')).rejects.toThrow(/append-only/);
});
