// API keys that belong to people, through HTTP on the real stack: POST /api-keys with a
// personId (the person exists, is active and holds the key's role; 422 with the field
// otherwise), listed, kept by rotation, and /me/notifications is theirs; PATCH links an
// existing key (or unlinks it, or relabels it) with the same checks, keeping its secret;
// the database holds the links with foreign keys; the audit trail names the acting key's
// person for key, staff directory and duty roster changes.
import { Pool } from 'pg';
import { call } from '../support/http';
import { DEACTIVATE, duringPersonChange } from '../support/personChangeRace';
import { stackInfo } from '../support/stackInfo';

const tag = `QA-KP-${Date.now().toString(36).toUpperCase()}`;
const mail = (id: string) => `${id.toLowerCase()}@staff.example.com`;
const person = (suffix: string, roles: string[]) => ({
  id: `${tag}-${suffix}`,
  name: `测试${suffix}`,
  roles,
  email: mail(`${tag}-${suffix}`),
  preferredChannel: 'email',
});
const admin = person('ADM', ['admin']);
const supervisor = person('SUP', ['supervisor']);
let pool: Pool;
let adminKey: string;

beforeAll(async () => {
  pool = new Pool({ connectionString: stackInfo().databaseUrl, max: 3 });
  for (const p of [admin, supervisor]) expect((await call('POST', '/staff', { as: 'admin', body: p })).status).toBe(201);
  const issued = await call('POST', '/api-keys', { as: 'admin', body: { role: 'admin', personId: admin.id, label: `test:${tag}:admin` } });
  expect(issued.status).toBe(201);
  adminKey = issued.body.key;
});
afterAll(() => pool?.end());

/**
 * The people a refusal needs (`prefix` keeps two tests' ids apart): a deactivated
 * supervisor, an engineer's person with their engineer, and another engineer person.
 */
async function refusalCast(prefix: string) {
  const gone = person(`${prefix}GONE`, ['supervisor']);
  const fitter = person(`${prefix}ENG`, ['engineer']);
  const other = person(`${prefix}ENG2`, ['engineer']);
  for (const p of [gone, fitter, other]) expect((await call('POST', '/staff', { as: 'admin', body: p })).status).toBe(201);
  expect((await call('DELETE', `/staff/${gone.id}`, { as: 'admin' })).status).toBe(200);
  const engineer = { id: `${tag}-${prefix}E`, name: '测试工', badgeNo: `${tag}${prefix}`, skills: [], regions: [tag], personId: fitter.id };
  expect((await call('POST', '/engineers', { as: 'admin', body: engineer })).status).toBe(201);
  return { gone, fitter, other, engineer };
}

const keyCount = async () => Number((await pool.query('SELECT count(*) FROM api_keys')).rows[0].count);

test('a key issued with a personId belongs to them: listed, kept by rotation, and /me/notifications is theirs', async () => {
  const issued = await call('POST', '/api-keys', { as: 'admin', body: { role: 'supervisor', personId: supervisor.id, label: `test:${tag}:sup` } });
  expect([issued.status, issued.body.apiKey.personId]).toEqual([201, supervisor.id]);
  const mine = await call('GET', '/me/notifications', { key: issued.body.key });
  expect([mine.status, mine.body.personId, mine.body.items]).toEqual([200, supervisor.id, []]);
  const listed = (await call('GET', '/api-keys?limit=500', { as: 'admin' })).body.items.find((k: { id: number }) => k.id === issued.body.apiKey.id);
  expect(listed.personId).toBe(supervisor.id);
  expect((await pool.query('SELECT person_id FROM api_keys WHERE id = $1', [issued.body.apiKey.id])).rows[0].person_id).toBe(supervisor.id);

  const rotated = await call('POST', `/api-keys/${issued.body.apiKey.id}/rotate`, { as: 'admin', body: { graceSeconds: 0 } });
  expect([rotated.status, rotated.body.apiKey.personId, rotated.body.previous.personId]).toEqual([201, supervisor.id, supervisor.id]);
  expect((await call('GET', '/me/notifications', { key: rotated.body.key })).body.personId).toBe(supervisor.id);

  // A role-only key: the answer says how to get a key of one's own.
  const none = await call('GET', '/me/notifications', { as: 'supervisor' });
  expect([none.status, none.body.error.code]).toEqual([409, 'no_person']);
  expect(none.body.error.message).toContain('PATCH /api-keys/:id with your personId');
});

test('a personId naming nobody, a deactivated person or one without the role is refused 422 with the field; nothing is issued', async () => {
  const { gone, other, engineer } = await refusalCast('');
  const before = await keyCount();

  const refused = async (body: Record<string, unknown>) => {
    const r = await call('POST', '/api-keys', { as: 'admin', body: { label: `test:${tag}:refused`, ...body } });
    return [r.status, r.body.error.code, r.body.error.fields.map((f: { path: string }) => f.path)];
  };
  expect(await refused({ role: 'supervisor', personId: `${tag}-NOBODY` })).toEqual([422, 'person_not_found', ['body.personId']]);
  expect(await refused({ role: 'supervisor', personId: gone.id })).toEqual([422, 'person_inactive', ['body.personId']]);
  expect(await refused({ role: 'agent', personId: supervisor.id })).toEqual([422, 'role_not_held', ['body.role']]);
  expect(await refused({ role: 'engineer', subject: engineer.id, personId: other.id })).toEqual([422, 'person_mismatch', ['body.personId']]);
  expect(await refused({ role: 'supervisor', personId: 'not an id!' })).toEqual([400, 'validation_failed', ['body.personId']]);
  expect(await keyCount()).toBe(before);

  // Engineers point at people too (a foreign key): an unknown person is 422, not a 500.
  const badEngineer = await call('POST', '/engineers', { as: 'admin', body: { ...engineer, id: `${tag}-E9`, personId: `${tag}-NOBODY` } });
  expect([badEngineer.status, badEngineer.body.error.fields]).toEqual([422, [{ path: 'body.personId', message: expect.any(String) }]]);
  const badPatch = await call('PATCH', `/engineers/${engineer.id}`, { as: 'admin', body: { personId: `${tag}-NOBODY` } });
  expect([badPatch.status, badPatch.body.error.code]).toEqual([422, 'person_not_found']);
  // The database refuses a dangling link whatever writes it (migration 0021).
  await expect(
    pool.query(`INSERT INTO api_keys (key_hash, role, person_id, label) VALUES ($1, 'agent', $2, 'test')`, [`${tag}-hash`, `${tag}-NOBODY`]),
  ).rejects.toMatchObject({ code: '23503' });
  await expect(pool.query('UPDATE engineers SET person_id = $1 WHERE id = $2', [`${tag}-NOBODY`, engineer.id])).rejects.toMatchObject({ code: '23503' });
});

test('the audit trail names the acting person: key, staff directory and roster changes', async () => {
  const as = { key: adminKey };
  const p = person('AUD', ['dispatcher', 'supervisor']);
  const region = `${tag}-R`;
  expect((await call('POST', '/staff', { ...as, body: p })).status).toBe(201);
  expect((await call('PATCH', `/staff/${p.id}`, { ...as, body: { name: '改名', phone: '+86 137 5550 0101' } })).status).toBe(200);
  // A change that changes nothing writes no row.
  expect((await call('PATCH', `/staff/${p.id}`, { ...as, body: { name: '改名' } })).status).toBe(200);
  const shift = await call('POST', '/duty/shifts', { ...as, body: { personId: p.id, role: 'dispatcher', region, days: [1], start: '08:00', end: '12:00' } });
  expect(shift.status).toBe(201);
  expect((await call('DELETE', `/duty/shifts/${shift.body.shift.id}`, as)).status).toBe(204);
  expect((await call('PUT', '/duty/fallbacks', { ...as, body: { region, role: 'dispatcher', personId: p.id } })).status).toBe(200);
  expect((await call('DELETE', `/duty/fallbacks/${region}/dispatcher`, as)).status).toBe(204);
  expect((await call('DELETE', `/staff/${p.id}`, as)).status).toBe(200);
  const key = await call('POST', '/api-keys', { ...as, body: { role: 'agent', label: `test:${tag}:by-person` } });

  const trail = async (kind: string, id: string) =>
    (await call('GET', `/audit-events?targetKind=${kind}&targetId=${encodeURIComponent(id)}`, { as: 'ops' })).body.items.map(
      (e: { action: string; actor: unknown; data: unknown }) => [e.action, e.actor, e.data],
    );
  const actor = { role: 'admin', subject: null, personId: admin.id };
  expect(await trail('person', p.id)).toEqual([
    ['person.deactivated', actor, { active: false }],
    ['person.updated', actor, { name: '改名', contactChanged: ['phone'] }],
    [
      'person.created',
      actor,
      { id: p.id, name: p.name, roles: p.roles, regions: [], preferredChannel: 'email', language: 'zh-CN', active: true, contactChanged: ['email'] },
    ],
  ]);
  const shiftData = { personId: p.id, role: 'dispatcher', region, days: [1], start: '08:00', end: '12:00' };
  expect(await trail('duty_shift', String(shift.body.shift.id))).toEqual([
    ['duty_shift.deleted', actor, shiftData],
    ['duty_shift.created', actor, shiftData],
  ]);
  expect(await trail('duty_fallback', `${region}/dispatcher`)).toEqual([
    ['duty_fallback.removed', actor, { region, role: 'dispatcher', personId: p.id }],
    ['duty_fallback.set', actor, { region, role: 'dispatcher', personId: p.id, previousPersonId: null }],
  ]);
  expect(await trail('api_key', String(key.body.apiKey.id))).toEqual([['api_key.issued', actor, expect.objectContaining({ role: 'agent', personId: null })]]);
  // No phone or e-mail in the trail, only that they changed.
  expect(JSON.stringify(await trail('person', p.id))).not.toMatch(/5550|staff\.example/);
  // A role-only key's actions name no person.
  const envIssued = await call('POST', '/api-keys', { as: 'admin', body: { role: 'agent', label: `test:${tag}:env` } });
  expect((await trail('api_key', String(envIssued.body.apiKey.id)))[0][1]).toEqual({ role: 'admin', subject: null, personId: null });
});

describe('PATCH /api-keys/:id', () => {
  const as = () => ({ key: adminKey });
  const keyRow = async (id: number) => (await pool.query('SELECT * FROM api_keys WHERE id = $1', [id])).rows[0];
  const auditRows = async (id: number) =>
    Number((await pool.query("SELECT count(*) FROM audit_events WHERE target_kind = 'api_key' AND target_id = $1", [String(id)])).rows[0].count);
  const trail = async (id: number) =>
    (await call('GET', `/audit-events?targetKind=api_key&targetId=${id}`, { as: 'ops' })).body.items.map(
      (e: { action: string; actor: unknown; data: unknown }) => [e.action, e.actor, e.data],
    );
  const listed = async (id: number) => (await call('GET', '/api-keys?limit=500', { as: 'admin' })).body.items.find((k: { id: number }) => k.id === id);

  test('links a role-only key to a person, relabels and unlinks it; the key itself keeps working; audited, naming the admin', async () => {
    const issued = await call('POST', '/api-keys', { as: 'admin', body: { role: 'supervisor', label: `test:${tag}:role-only` } });
    const id: number = issued.body.apiKey.id;
    expect((await call('GET', '/me/notifications', { key: issued.body.key })).body.error.code).toBe('no_person');
    const hashBefore = (await keyRow(id)).key_hash;

    const linked = await call('PATCH', `/api-keys/${id}`, { ...as(), body: { personId: supervisor.id, label: `test:${tag}:linked` } });
    expect(linked.status).toBe(200);
    expect(linked.body).toEqual({ apiKey: await listed(id) });
    expect(linked.body.apiKey).toMatchObject({ id, personId: supervisor.id, label: `test:${tag}:linked`, role: 'supervisor', revoked: false });
    expect(JSON.stringify(linked.body)).not.toContain(issued.body.key);
    // The same change again: the same answer, no second audit row (below).
    const again = await call('PATCH', `/api-keys/${id}`, { ...as(), body: { personId: supervisor.id, label: `test:${tag}:linked` } });
    expect([again.status, again.body]).toEqual([200, linked.body]);
    // The same key, now theirs.
    expect((await keyRow(id)).key_hash).toBe(hashBefore);
    expect((await call('GET', '/me/notifications', { key: issued.body.key })).body.personId).toBe(supervisor.id);

    const relabelled = await call('PATCH', `/api-keys/${id}`, { ...as(), body: { label: `  test:${tag}:renamed ` } });
    expect([relabelled.status, relabelled.body.apiKey.label, relabelled.body.apiKey.personId]).toEqual([200, `test:${tag}:renamed`, supervisor.id]);
    const unlinked = await call('PATCH', `/api-keys/${id}`, { ...as(), body: { personId: null } });
    expect([unlinked.status, unlinked.body.apiKey.personId, unlinked.body.apiKey.label]).toEqual([200, null, `test:${tag}:renamed`]);
    expect((await listed(id)).personId).toBeNull();
    expect((await call('GET', '/me/notifications', { key: issued.body.key })).body.error.code).toBe('no_person');

    const actor = { role: 'admin', subject: null, personId: admin.id };
    const data = (personId: string | null, label: string, previous: Record<string, unknown>) => ({
      role: 'supervisor',
      subject: null,
      personId,
      label,
      expiresAt: null,
      previous,
    });
    expect(await trail(id)).toEqual([
      ['api_key.updated', actor, data(null, `test:${tag}:renamed`, { personId: supervisor.id })],
      ['api_key.updated', actor, data(supervisor.id, `test:${tag}:renamed`, { label: `test:${tag}:linked` })],
      ['api_key.updated', actor, data(supervisor.id, `test:${tag}:linked`, { label: `test:${tag}:role-only`, personId: null })],
      ['api_key.issued', { role: 'admin', subject: null, personId: null }, expect.objectContaining({ personId: null })],
    ]);
  });

  test('refuses a bad body (400), an unknown key (404), a revoked key (409) and a person who may not hold it (422); a refusal changes nothing', async () => {
    const { gone, fitter, other, engineer } = await refusalCast('P');
    const sup = await call('POST', '/api-keys', { as: 'admin', body: { role: 'supervisor', label: `test:${tag}:p-sup` } });
    const eng = await call('POST', '/api-keys', { as: 'admin', body: { role: 'engineer', subject: engineer.id, label: `test:${tag}:p-eng` } });
    const revoked = await call('POST', '/api-keys', { as: 'admin', body: { role: 'supervisor', label: `test:${tag}:p-revoked` } });
    expect((await call('DELETE', `/api-keys/${revoked.body.apiKey.id}`, { as: 'admin' })).status).toBe(200);
    const ids: number[] = [sup.body.apiKey.id, eng.body.apiKey.id, revoked.body.apiKey.id];
    const before = await Promise.all(ids.map(async (id) => [await keyRow(id), await auditRows(id)]));

    const refused = async (id: number | string, body: unknown) => {
      const r = await call('PATCH', `/api-keys/${id}`, { ...as(), body });
      return [r.status, r.body.error.code, r.body.error.fields?.map((f: { path: string }) => f.path)];
    };
    const [supId, engId, revokedId] = ids as [number, number, number];
    expect(await refused(supId, {})).toEqual([400, 'validation_failed', ['body']]);
    expect(await refused(supId, { label: '  ' })).toEqual([400, 'validation_failed', ['body.label']]);
    expect(await refused(supId, { personId: 'not an id!' })).toEqual([400, 'validation_failed', ['body.personId']]);
    expect(await refused(supId, { role: 'admin' })).toEqual([400, 'validation_failed', ['body']]);
    expect(await refused(supId, { label: 'x', key: 'cw_admin_mine' })).toEqual([400, 'validation_failed', ['body']]);
    expect(await refused('abc', { label: 'x' })).toEqual([400, 'validation_failed', ['params.id']]);
    expect(await refused(2147483000, { label: 'x' })).toEqual([404, 'api_key_not_found', undefined]);
    expect(await refused(revokedId, { label: 'x' })).toEqual([409, 'key_revoked', undefined]);
    expect(await refused(revokedId, { personId: supervisor.id })).toEqual([409, 'key_revoked', undefined]);
    expect(await refused(supId, { personId: `${tag}-NOBODY` })).toEqual([422, 'person_not_found', ['body.personId']]);
    expect(await refused(supId, { personId: gone.id, label: 'x' })).toEqual([422, 'person_inactive', ['body.personId']]);
    expect(await refused(supId, { personId: fitter.id })).toEqual([422, 'role_not_held', ['body.personId']]);
    expect(await refused(engId, { personId: other.id })).toEqual([422, 'person_mismatch', ['body.personId']]);
    expect(await Promise.all(ids.map(async (id) => [await keyRow(id), await auditRows(id)]))).toEqual(before);

    // The engineer's own person is accepted.
    const own = await call('PATCH', `/api-keys/${engId}`, { ...as(), body: { personId: fitter.id } });
    expect([own.status, own.body.apiKey.personId, own.body.apiKey.subject]).toEqual([200, fitter.id, engineer.id]);
  });

  test('a deactivation under way when a key is linked or issued is waited for: 422 person_inactive, nothing linked or issued', async () => {
    const leaving = [person('LEAVE1', ['supervisor']), person('LEAVE2', ['supervisor'])] as const;
    for (const p of leaving) expect((await call('POST', '/staff', { as: 'admin', body: p })).status).toBe(201);
    const roleOnly = await call('POST', '/api-keys', { as: 'admin', body: { role: 'supervisor', label: `test:${tag}:race` } });
    const id: number = roleOnly.body.apiKey.id;

    const linking = await duringPersonChange(pool, leaving[0].id, DEACTIVATE, () =>
      call('PATCH', `/api-keys/${id}`, { ...as(), body: { personId: leaving[0].id } }),
    );
    expect([linking.waited, linking.answeredBeforeCommit, linking.answer.status, linking.answer.body.error?.code]).toEqual([
      true,
      false,
      422,
      'person_inactive',
    ]);
    expect([(await keyRow(id)).person_id, await auditRows(id)]).toEqual([null, 1]);

    const issuing = await duringPersonChange(pool, leaving[1].id, DEACTIVATE, () =>
      call('POST', '/api-keys', { as: 'admin', body: { role: 'supervisor', personId: leaving[1].id, label: `test:${tag}:race2` } }),
    );
    expect([issuing.waited, issuing.answeredBeforeCommit, issuing.answer.status, issuing.answer.body.error?.code]).toEqual([
      true,
      false,
      422,
      'person_inactive',
    ]);
    expect((await pool.query('SELECT count(*) FROM api_keys WHERE person_id = $1', [leaving[1].id])).rows[0].count).toBe('0');
  });
});
