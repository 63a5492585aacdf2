// Callback and maintenance APIs on the real stack. The rows are made here the way the
// aftercare workflow makes them (that workflow is tested on the time-skipping server).
import { Pool } from 'pg';
import { intakeInput } from '../support/fixtures';
import { call } from '../support/http';
import { stackInfo } from '../support/stackInfo';

let pool: Pool;
beforeAll(() => {
  pool = new Pool({ connectionString: stackInfo().databaseUrl, max: 2 });
});
afterAll(() => pool.end());

test('an agent works a callback: list, record the result once', async () => {
  const caseNo = `CS-20000102-${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
  const { rows } = await pool.query(
    `INSERT INTO callback_tasks (case_no, customer_name, customer_phone, engineer_id, rating, due_at, status) VALUES ($1, '张三', '+86 138 0013 8000', 'E001', 2, now(), 'open') RETURNING id`,
    [caseNo],
  );
  const id = Number(rows[0].id);
  const open = await call('GET', '/callbacks?status=open&limit=100', { as: 'agent' });
  expect(open.status).toBe(200);
  expect(open.body.items.map((c: { caseNo: string }) => c.caseNo)).toContain(caseNo);
  const missing = await call('POST', `/callbacks/${id}/result`, { as: 'agent', body: { reached: true } });
  expect(missing.status).toBe(400);
  expect(missing.body.error.fields[0].path).toBe('body.satisfaction');
  const done = await call('POST', `/callbacks/${id}/result`, { as: 'agent', body: { reached: true, satisfaction: 4, note: '已解决' } });
  expect(done.status).toBe(200);
  expect(done.body).toMatchObject({ status: 'done', result: { reached: true, satisfaction: 4 } });
  expect((await call('POST', `/callbacks/${id}/result`, { as: 'agent', body: { reached: false } })).status).toBe(409);
  expect((await call('POST', '/callbacks/99999999/result', { as: 'agent', body: { reached: false } })).status).toBe(404);
  expect((await call('GET', '/callbacks', { as: 'engineerE001' })).status).toBe(403);
});

test('a maintenance reminder opens one maintenance case, also when retried', async () => {
  const input = intakeInput();
  const { rows } = await pool.query(
    `INSERT INTO maintenance_reminders (case_no, customer, product, due_at, status) VALUES ('CS-20000102-000001', $1, $2, now(), 'due') RETURNING id`,
    [JSON.stringify({ ...input.customer, tier: 'standard', language: 'zh-CN' }), JSON.stringify(input.product)],
  );
  const id = Number(rows[0].id);
  const first = await call('POST', `/maintenance/${id}/open-case`, { as: 'agent' });
  expect(first.status).toBe(201);
  expect(first.body.case).toMatchObject({ priority: 'P4', faultDescription: expect.stringContaining('保养') });
  const again = await call('POST', `/maintenance/${id}/open-case`, { as: 'agent' });
  expect(again.status).toBe(200);
  expect(again.body.case.caseNo).toBe(first.body.case.caseNo);
  const listed = await call('GET', '/maintenance?status=opened&limit=100', { as: 'agent' });
  expect(listed.body.items.find((m: { id: number }) => Number(m.id) === id)).toMatchObject({ openedCaseNo: first.body.case.caseNo });
  await call('POST', `/cases/${first.body.case.caseNo}/cancel`, { body: { reason: 'test over' } });
});
