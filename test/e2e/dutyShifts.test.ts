// POST /duty/shifts names only an active person who holds the shift's role, and checks it
// under a share lock on the person in the transaction that writes the shift (as PUT
// /duty/fallbacks does): a deactivation or loss of the role that is under way when the
// shift is added either commits first, and the shift is refused, or waits for it.
//
// The race is made deterministic: a transaction of the test changes the person the way
// PATCH /staff/:id and DELETE /staff/:id do (SELECT ... FOR UPDATE, then UPDATE) and stays
// open while the API adds the shift; the test commits it once PostgreSQL reports the API's
// query waiting for that transaction. Without the lock the API reads the person as it was
// before that change (it is not committed yet), the insert waits only for the foreign-key
// check, and the shift is created (201) for a person who can no longer serve.
import { Pool } from 'pg';
import { call, type Reply } from '../support/http';
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
  ['deactivation', 'UPDATE people SET active = false, updated_at = now() WHERE id = $1', 'person_inactive'],
  ['loss of the role', "UPDATE people SET roles = array_remove(roles, 'dispatcher'), updated_at = now() WHERE id = $1", 'role_not_held'],
])('a %s under way while the shift is added', (what, change, code) => {
  test(`waits for it and refuses the shift (409 ${code})`, async () => {
    const p = person(what === 'deactivation' ? 'RACE1' : 'RACE2', ['dispatcher', 'supervisor']);
    expect((await call('POST', '/staff', { as: 'admin', body: p })).status).toBe(201);
    const tx = await pool.connect();
    let answer: Reply | undefined;
    try {
      await tx.query('BEGIN');
      const changer: number = (await tx.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      await tx.query('SELECT id FROM people WHERE id = $1 FOR UPDATE', [p.id]);
      await tx.query(change, [p.id]);

      const pending = call('POST', '/duty/shifts', { as: 'admin', body: shift(p.id) }).then((r) => (answer = r));
      // Until the API's transaction waits for ours (or answers without waiting: the check ran on the old row).
      const deadline = Date.now() + 20_000;
      let waiting = false;
      while (!answer && !waiting && Date.now() < deadline) {
        const blocked = await pool.query('SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [changer]);
        waiting = Number(blocked.rows[0].count) > 0;
        if (!waiting) await new Promise((r) => setTimeout(r, 20));
      }
      expect({ answeredBeforeTheChangeCommitted: answer?.status, waiting }).toEqual({ answeredBeforeTheChangeCommitted: undefined, waiting: true });
      await tx.query('COMMIT');
      await pending;
    } finally {
      await tx.query('ROLLBACK').catch(() => undefined); // after COMMIT: a warning, nothing to undo
      tx.release();
    }
    expect([answer?.status, answer?.body.error?.code]).toEqual([409, code]);
    expect(await shiftsOf(p.id)).toBe(0);
  });
});
