// Nothing routes to nobody, on the real stack: a global fallback is replaced, never
// removed, and its person cannot be deactivated or lose the role (409); /health's details
// (ops, admin) name the routed roles without one, the public answer is unchanged; the
// stack warned once at start (it starts without global fallbacks). And GET
// /staff/:id/on-duty for an engineer's person, from the engineer's working hours.
import fs from 'node:fs';
import path from 'node:path';
import { localClock } from '../../domain/duty';
import { utcOffsetMinutes } from '../../shared/timeZone';
import { removeGlobalFallbacksOf } from '../support/globalFallbacks';
import { call } from '../support/http';
import { ARTIFACTS } from '../support/stackInfo';

const tag = `QA-GF-${Date.now().toString(36).toUpperCase()}`;
const person = (suffix: string, roles: string[]) => ({
  id: `${tag}-${suffix}`,
  name: `测试${suffix}`,
  roles,
  phone: `+86 137 5551 ${String(1000 + suffix.length * 7).slice(-4)}`,
  preferredChannel: 'sms',
});

describe('the global fallback', () => {
  const first = person('D1', ['dispatcher']);
  const second = person('D2', ['dispatcher']);
  const routing = async () => (await call('GET', '/health', { as: 'ops' })).body.routing;

  beforeAll(async () => {
    for (const p of [first, second]) expect((await call('POST', '/staff', { as: 'admin', body: p })).status).toBe(201);
  });
  afterAll(async () => {
    await removeGlobalFallbacksOf(first.id);
    await removeGlobalFallbacksOf(second.id);
  });

  test('the stack started without one: warned once; /health details name the roles, the public answer is unchanged', async () => {
    const log = fs.readFileSync(path.join(ARTIFACTS, 'stack.log'), 'utf8');
    expect(log.split('no global fallback for some routed roles').length - 1).toBe(1);
    // Only this suite sets the dispatcher's (others may set supervisor and manager for a while).
    expect(await routing()).toMatchObject({ ok: false, globalFallbackMissing: expect.arrayContaining(['dispatcher']) });
    expect((await call('GET', '/health/ready', { as: 'admin' })).body.routing.globalFallbackMissing).toContain('dispatcher');
    const pub = await call('GET', '/health', { as: null });
    expect(pub).toEqual({ status: 200, body: { status: 'ok', temporal: { ok: true }, database: { ok: true }, workers: { ok: true } } });
  });

  test('is replaced, never removed; its person is not deactivated and keeps the role while they stand in', async () => {
    expect((await call('PUT', '/duty/fallbacks', { as: 'admin', body: { region: '*', role: 'dispatcher', personId: first.id } })).status).toBe(200);
    expect((await routing()).globalFallbackMissing).not.toContain('dispatcher');

    const removed = await call('DELETE', '/duty/fallbacks/*/dispatcher', { as: 'admin' });
    expect([removed.status, removed.body.error.code]).toEqual([409, 'last_global_fallback']);
    expect(removed.body.error.message).toContain('PUT /duty/fallbacks');
    for (const [method, body] of [
      ['DELETE', undefined],
      ['PATCH', { active: false }],
      ['PATCH', { roles: ['agent'] }],
    ] as const) {
      const r = await call(method, `/staff/${first.id}`, { as: 'admin', body });
      expect([method, r.status, r.body.error?.code]).toEqual([method, 409, 'is_global_fallback']);
      expect(r.body.error.message).toContain('global fallback for dispatcher');
    }
    const still = (await call('GET', `/staff/${first.id}`, { as: 'admin' })).body.person;
    expect([still.active, still.roles]).toEqual([true, ['dispatcher']]);
    const fallbacks = (await call('GET', '/duty/fallbacks', { as: 'admin' })).body.items;
    expect(fallbacks).toContainEqual(expect.objectContaining({ region: '*', role: 'dispatcher', personId: first.id }));
    // Other changes are fine.
    expect((await call('PATCH', `/staff/${first.id}`, { as: 'admin', body: { name: '改名' } })).status).toBe(200);

    // Replaced, the first person may go.
    expect((await call('PUT', '/duty/fallbacks', { as: 'admin', body: { region: '*', role: 'dispatcher', personId: second.id } })).status).toBe(200);
    expect((await call('DELETE', `/staff/${first.id}`, { as: 'admin' })).body.person.active).toBe(false);
    expect((await routing()).globalFallbackMissing).not.toContain('dispatcher');
    // A deactivated person cannot become it.
    const refused = await call('PUT', '/duty/fallbacks', { as: 'admin', body: { region: '*', role: 'dispatcher', personId: first.id } });
    expect([refused.status, refused.body.error.code]).toEqual([409, 'person_inactive']);
  });
});

describe("GET /staff/:id/on-duty for an engineer's person", () => {
  const onShift = person('ON', ['engineer']);
  const offShift = person('OFF', ['engineer']);
  let ownKey: string;

  /** Hours two to three hours from now (service time zone, every day): never covering now. */
  function laterHours() {
    const now = Date.now();
    const hhmm = (t: number) => {
      const { minute } = localClock(t, utcOffsetMinutes('Asia/Shanghai', new Date(t)));
      return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
    };
    return { days: [1, 2, 3, 4, 5, 6, 7], start: hhmm(now + 2 * 3600_000), end: hhmm(now + 3 * 3600_000) };
  }

  beforeAll(async () => {
    for (const p of [onShift, offShift]) expect((await call('POST', '/staff', { as: 'admin', body: p })).status).toBe(201);
    const engineer = (p: { id: string }, workingHours: unknown) => ({
      id: `${p.id}-E`,
      name: '测试工',
      badgeNo: p.id,
      skills: [],
      regions: [tag],
      personId: p.id,
      workingHours,
    });
    expect(
      (await call('POST', '/engineers', { as: 'admin', body: engineer(onShift, { days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '00:00' }) })).status,
    ).toBe(201);
    expect((await call('POST', '/engineers', { as: 'admin', body: engineer(offShift, laterHours()) })).status).toBe(201);
    const issued = await call('POST', '/api-keys', {
      as: 'admin',
      body: { role: 'engineer', subject: `${onShift.id}-E`, personId: onShift.id, label: `test:${tag}:engineer` },
    });
    expect(issued.status).toBe(201);
    ownKey = issued.body.key;
  });

  test("answers from the engineer's working hours; no duty shift is needed", async () => {
    const on = await call('GET', `/staff/${onShift.id}/on-duty`, { as: 'dispatcher' });
    expect(on.body).toMatchObject({
      personId: onShift.id,
      onDuty: true,
      shift: null,
      engineer: { id: `${onShift.id}-E`, active: true, onShift: true, workingHours: { start: '00:00', end: '00:00' } },
    });
    const off = await call('GET', `/staff/${offShift.id}/on-duty`, { as: 'dispatcher' });
    expect(off.body).toMatchObject({ onDuty: false, shift: null, engineer: { id: `${offShift.id}-E`, onShift: false } });
    // A deactivated engineer is off duty whatever the hours.
    expect((await call('DELETE', `/engineers/${onShift.id}-E`, { as: 'admin' })).status).toBe(200);
    const inactive = await call('GET', `/staff/${onShift.id}/on-duty`, { as: 'dispatcher' });
    expect(inactive.body).toMatchObject({ onDuty: false, engineer: { active: false, onShift: false } });
    expect((await call('PATCH', `/engineers/${onShift.id}-E`, { as: 'admin', body: { active: true } })).status).toBe(200);
  });

  test('an engineer key asks about its own person only', async () => {
    const own = await call('GET', `/staff/${onShift.id}/on-duty`, { key: ownKey });
    expect([own.status, own.body.onDuty]).toEqual([200, true]);
    const other = await call('GET', `/staff/${offShift.id}/on-duty`, { key: ownKey });
    expect([other.status, other.body.error.code]).toEqual([403, 'forbidden']);
    // A role-only engineer key (E001) is not this person's engineer.
    const env = await call('GET', `/staff/${onShift.id}/on-duty`, { as: 'engineerE001' });
    expect(env.status).toBe(403);
    // Unknown is 404 for everyone.
    expect((await call('GET', `/staff/${tag}-NOBODY/on-duty`, { key: ownKey })).status).toBe(404);
  });
});
