// POST /duty/shifts names only an active person who holds the shift's role, and checks it
// under a share lock on the person in the transaction that writes the shift (as PUT
// /duty/fallbacks does): a deactivation or loss of the role that is under way when the
// shift is added either commits first, and the shift is refused, or waits for it.
//
// The race is made deterministic (test/support/personChangeRace.ts): the change stays
// uncommitted until the API's query waits for it. Without the lock the API reads the
// person as it was before that change, the insert waits only for the foreign-key check,
// and the shift is created (201) for a person who can no longer serve.
import { Pool } from 'pg';
import { call } from '../support/http';
import { DEACTIVATE, duringPersonChange, removeRole } from '../support/personChangeRace';
import { stackInfo } from '../support/stackInfo';

const tag = `QA-DS-${Date.now().toString(36).toUpperCase()}`;
const region = `${tag}-R`;
const person = (suffix: string, roles: string[]) => ({
  id: `${tag}-${suffix}`,
  name: `测试${suffix}`,
  roles,
  email: `${tag.toLowerCase()}-${suffix.toLowerCase()}@staff.example.com`,
  preferredChannel: 'email',
});
const shift = (personId: string) => ({ personId, role: 'dispatcher', region, days: [1, 2, 3], start: '08:00', end: '16:00' });
let pool: Pool;

beforeAll(() => {
  pool = new Pool({ connectionString: stackInfo().databaseUrl, max: 3 });
});
afterAll(() => pool?.end());

const shiftsOf = async (personId: string) => Number((await pool.query('SELECT count(*) FROM duty_shifts WHERE person_id = $1', [personId])).rows[0].count);

test('a person who is unknown, deactivated or without the role gets no shift (404, 409 with the code); one who may serve does', async () => {
  const ok = person('OK', ['dispatcher']);
  const gone = person('GONE', ['dispatcher']);
  const agent = person('AGT', ['agent']);
  for (const p of [ok, gone, agent]) expect((await call('POST', '/staff', { as: 'admin', body: p })).status).toBe(201);
  expect((await call('DELETE', `/staff/${gone.id}`, { as: 'admin' })).status).toBe(200);

  const add = async (personId: string) => {
    const r = await call('POST', '/duty/shifts', { as: 'admin', body: shift(personId) });
    return [r.status, r.body?.error?.code ?? r.body.shift.personId];
  };
  expect(await add(`${tag}-NOBODY`)).toEqual([404, 'person_not_found']);
  expect(await add(gone.id)).toEqual([409, 'person_inactive']);
  expect(await add(agent.id)).toEqual([409, 'role_not_held']);
  expect([await shiftsOf(gone.id), await shiftsOf(agent.id)]).toEqual([0, 0]);
  expect(await add(ok.id)).toEqual([201, ok.id]);
});

describe.each([
  ['deactivation', DEACTIVATE, 'person_inactive'],
  ['loss of the role', removeRole('dispatcher'), 'role_not_held'],
])('a %s under way while the shift is added', (what, change, code) => {
  test(`waits for it and refuses the shift (409 ${code})`, async () => {
    const p = person(what === 'deactivation' ? 'RACE1' : 'RACE2', ['dispatcher', 'supervisor']);
    expect((await call('POST', '/staff', { as: 'admin', body: p })).status).toBe(201);
    const race = await duringPersonChange(pool, p.id, change, () => call('POST', '/duty/shifts', { as: 'admin', body: shift(p.id) }));
    expect([race.waited, race.answeredBeforeCommit]).toEqual([true, false]);
    expect([race.answer.status, race.answer.body.error?.code]).toEqual([409, code]);
    expect(await shiftsOf(p.id)).toBe(0);
  });
});
