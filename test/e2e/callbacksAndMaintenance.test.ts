// On the real stack (worker, API, PostgreSQL, the local SMS receiver): an agent records
// an unsatisfied callback and a complaint opens; a maintenance reminder's SMS link books a
// case of kind maintenance and the series moves to its next cycle. The two workflows are
// started here as aftercare starts them (aftercare itself: test/workflows/aftercare.test.ts),
// with dates already due, so nothing waits on a clock.
import { Connection } from '@temporalio/client';
import { Pool } from 'pg';
import { DEFAULT_CALLBACK_POLICY, callbackWorkflowId } from '../../domain/callbacks';
import { complaintWorkflowId } from '../../domain/complaints';
import { seriesInputFor } from '../../domain/maintenance';
import { getMaintenanceState } from '../../workflows/callbackDefinitions';
import { uniqueSerial } from '../support/fixtures';
import { gatewayOutbox } from '../support/gatewayOutbox';
import { call, idempotencyKey } from '../support/http';
import { testClient } from '../support/payloadKeys';
import { stackInfo } from '../support/stackInfo';

let pool: Pool;
let connection: Connection;
const cleanup: string[] = [];
beforeAll(async () => {
  pool = new Pool({ connectionString: stackInfo().databaseUrl, max: 2 });
  connection = await Connection.connect({ address: stackInfo().temporalAddress });
});
afterAll(async () => {
  const client = testClient(connection);
  await Promise.all(
    cleanup.map((id) =>
      client.workflow
        .getHandle(id)
        .terminate('test over')
        .catch(() => undefined),
    ),
  );
  await connection.close();
  await pool.end();
});

async function waitFor<T>(what: string, read: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const v = await read();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`never: ${what}`);
}
const freshCaseNo = () => `CS-20000103-${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;

test('an unsatisfied callback opens a complaint; the queue lists it first, the outcome is idempotent', async () => {
  const caseNo = freshCaseNo();
  const client = testClient(connection);
  await client.workflow.start('callbackWorkflow', {
    taskQueue: stackInfo().taskQueue,
    workflowId: callbackWorkflowId(caseNo),
    args: [
      {
        caseNo,
        customer: { name: '钱伟', phone: '+86 138 4444 5555', language: 'zh-CN' },
        product: { category: 'air_conditioner', model: 'KFR-35GW' },
        engineerId: 'E001',
        rating: 1,
        reworks: 0,
        firstDueAt: new Date(Date.now() - 1000).toISOString(),
        policy: DEFAULT_CALLBACK_POLICY,
      },
    ],
  });
  cleanup.push(callbackWorkflowId(caseNo));
  const item = await waitFor('in the queue', async () => {
    const page = await call('GET', '/callbacks/queue?limit=100', { as: 'agent' });
    expect(page.status).toBe(200);
    return (page.body.items as Array<{ caseNo: string; id: number; priority: number; attempt: number }>).find((i) => i.caseNo === caseNo);
  });
  expect(item).toMatchObject({ priority: 1, attempt: 1 });
  expect((await call('GET', '/callbacks/queue', { as: 'agent' })).body.questions.map((q: { id: string }) => q.id)).toEqual([
    'overall',
    'fixed',
    'punctual',
    'attitude',
    'price',
  ]);

  const missing = await call('POST', `/callbacks/${item.id}/outcome`, { as: 'agent', body: { attempt: 1, outcome: 'unsatisfied' } });
  expect(missing.status).toBe(400);
  const key = idempotencyKey();
  const body = { attempt: 1, outcome: 'unsatisfied', satisfaction: 1, note: '师傅迟到两小时' };
  const first = await call('POST', `/callbacks/${item.id}/outcome`, { as: 'agent', body, headers: { 'idempotency-key': key } });
  expect(first.status).toBe(200);
  expect(first.body.attempts[0]).toMatchObject({ attempt: 1, outcome: 'unsatisfied', satisfaction: 1, via: 'phone' });
  const again = await call('POST', `/callbacks/${item.id}/outcome`, { as: 'agent', body, headers: { 'idempotency-key': key } });
  expect(again.status).toBe(200);

  const complaintNo = `CP-${caseNo}-CB`;
  cleanup.push(complaintWorkflowId(complaintNo));
  const complaint = await waitFor('the complaint', async () => {
    const r = await call('GET', `/complaints/${complaintNo}`, { as: 'agent' });
    return r.status === 200 ? r.body.complaint : undefined;
  });
  expect(complaint).toMatchObject({ complaintNo, caseNo, source: 'auto', grade: 'serious' });
  const { rows } = await pool.query('SELECT status, outcome, satisfaction, complaint_no FROM callback_tasks WHERE case_no = $1', [caseNo]);
  expect(rows).toEqual([{ status: 'done', outcome: 'unsatisfied', satisfaction: 1, complaint_no: complaintNo }]);
  // A second outcome for the closed callback is refused.
  const late = await call('POST', `/callbacks/${item.id}/outcome`, {
    as: 'agent',
    body: { attempt: 1, outcome: 'refused' },
    headers: { 'idempotency-key': idempotencyKey() },
  });
  expect(late.status).toBe(409);
});

test('the maintenance reminder SMS link books a maintenance case; the series moves to its next cycle', async () => {
  const caseNo = freshCaseNo();
  const input = seriesInputFor({
    caseNo,
    // Last serviced a year and a day ago: this cycle's reminder is due at once.
    archivedAt: new Date(Date.now() - 366 * 24 * 3600_000).toISOString(),
    customer: { name: '周强', phone: '+86 139 6666 7777', address: '上海市浦东新区', language: 'zh-CN', tier: 'standard' },
    product: { category: 'air_conditioner', model: 'KFR-35GW', serial: uniqueSerial() },
  })!;
  const client = testClient(connection);
  const handle = await client.workflow.start('maintenanceWorkflow', { taskQueue: stackInfo().taskQueue, workflowId: input.seriesId, args: [input] });
  cleanup.push(input.seriesId);
  const sms = await waitFor('the reminder SMS', async () => {
    const outbox = await gatewayOutbox();
    return outbox.sms.find((m) => (m.idempotencyKey ?? '').startsWith(`${input.seriesId}#cycle-1`));
  });
  expect(sms.to).toBe('+86 139 6666 7777');
  const token = /\/customer\/cases\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/.exec(sms.text)![1]!;

  const booked = await call('POST', `/customer/cases/${token}/maintenance/book`, { as: null, body: {} });
  expect(booked.status).toBe(201);
  const bookedNo = booked.body.case.caseNo as string;
  expect(booked.body.case).toMatchObject({ priority: 'P4', faultDescription: expect.stringContaining('保养') });
  const again = await call('POST', `/customer/cases/${token}/maintenance/book`, { as: null, body: {} });
  expect([again.status, again.body.case.caseNo]).toEqual([200, bookedNo]);
  expect((await pool.query('SELECT kind FROM cases WHERE case_no = $1', [bookedNo])).rows).toEqual([{ kind: 'maintenance' }]);
  const { rows } = await pool.query('SELECT status, opened_case_no, booked_via, sent_at IS NOT NULL AS sent FROM maintenance_reminders WHERE series_id = $1', [
    input.seriesId,
  ]);
  expect(rows).toEqual([{ status: 'opened', opened_case_no: bookedNo, booked_via: 'link', sent: true }]);
  // The series continued as new into cycle 2, counted from the booking.
  await waitFor('cycle 2', async () => ((await handle.query(getMaintenanceState)).cycle === 2 ? true : undefined));
  expect((await handle.describe()).runId).not.toBe(handle.firstExecutionRunId);

  // The customer opts out through the same link: recorded, and the series ends.
  const out = await call('POST', `/customer/cases/${token}/maintenance/opt-out`, { as: null });
  expect(out.status).toBe(200);
  expect(out.body).toEqual({ seriesId: input.seriesId, optedOut: true });
  expect(await handle.result()).toMatchObject({ status: 'opted_out', cycle: 2 });
  await call('POST', `/cases/${bookedNo}/cancel`, { body: { reason: 'test over' } });
});
