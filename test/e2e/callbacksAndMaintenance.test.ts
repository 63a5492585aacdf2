// On the real stack (worker, API, PostgreSQL, the local SMS receiver): an agent records
// an unsatisfied callback and a complaint opens; partly and refused end a callback without
// one; an unreachable customer answers the SMS survey over its link (a low rating opens a
// complaint); a maintenance reminder's SMS link books a case of kind maintenance and the
// series moves to its next cycle, and an opt-out stops a series started after it. The two workflows are
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
import { call, eventually, idempotencyKey } from '../support/http';
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

const waitFor = <T>(what: string, read: () => Promise<T | undefined>): Promise<T> => eventually(what, read, 30_000, 100);
const freshCaseNo = () => `CS-20000103-${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;

/** Starts a case's callback as aftercare does, its first attempt `dueAgoMs` in the past. */
async function startCallback(caseNo: string, rating: number, dueAgoMs = 1000): Promise<void> {
  await testClient(connection).workflow.start('callbackWorkflow', {
    taskQueue: stackInfo().taskQueue,
    workflowId: callbackWorkflowId(caseNo),
    args: [
      {
        caseNo,
        customer: { name: '吴静', phone: '+86 137 1111 2222', language: 'zh-CN' },
        product: { category: 'water_heater', model: 'JSQ-16' },
        engineerId: 'E001',
        rating,
        reworks: 0,
        firstDueAt: new Date(Date.now() - dueAgoMs).toISOString(),
        policy: DEFAULT_CALLBACK_POLICY,
      },
    ],
  });
  cleanup.push(callbackWorkflowId(caseNo));
}
type QueueItem = { caseNo: string; id: number; priority: number; attempt: number };
const queueItems = async (): Promise<QueueItem[]> => {
  const items: QueueItem[] = [];
  for (let cursor: string | null = null; ;) {
    const page = await call('GET', `/callbacks/queue?limit=100${cursor ? `&cursor=${cursor}` : ''}`, { as: 'agent' });
    expect(page.status).toBe(200);
    items.push(...(page.body.items as QueueItem[]));
    cursor = page.body.nextCursor as string | null;
    if (!cursor) return items;
  }
};
const inQueue = (caseNo: string, attempt: number) =>
  waitFor(`${caseNo} attempt ${attempt} in the queue`, async () => (await queueItems()).find((i) => i.caseNo === caseNo && i.attempt === attempt));

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

  const missing = await call('POST', `/callbacks/${item.id}/outcome`, {
    as: 'agent',
    body: { attempt: 1, outcome: 'unsatisfied' },
    headers: { 'idempotency-key': idempotencyKey() },
  });
  expect([missing.status, missing.body.error.fields]).toEqual([400, [expect.objectContaining({ path: 'body.satisfaction' })]]);
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

test('partly and refused end the callback: out of the queue, no complaint, nothing more to record', async () => {
  const partlyNo = freshCaseNo();
  const refusedNo = freshCaseNo();
  await startCallback(partlyNo, 3);
  await startCallback(refusedNo, 4);
  const partly = await inQueue(partlyNo, 1);
  const refused = await inQueue(refusedNo, 1);
  expect([partly.priority, refused.priority]).toEqual([2, 2]);
  // partly needs the customer's satisfaction, as every answered outcome does; refused has none.
  const bare = await call('POST', `/callbacks/${partly.id}/outcome`, {
    as: 'agent',
    body: { attempt: 1, outcome: 'partly' },
    headers: { 'idempotency-key': idempotencyKey() },
  });
  expect([bare.status, bare.body.error.fields]).toEqual([400, [expect.objectContaining({ path: 'body.satisfaction' })]]);
  const p = await call('POST', `/callbacks/${partly.id}/outcome`, {
    as: 'agent',
    body: { attempt: 1, outcome: 'partly', satisfaction: 3, answers: { fixed: true } },
    headers: { 'idempotency-key': idempotencyKey() },
  });
  expect(p.status).toBe(200);
  expect(p.body.attempts).toEqual([expect.objectContaining({ attempt: 1, outcome: 'partly', satisfaction: 3, via: 'phone' })]);
  const r = await call('POST', `/callbacks/${refused.id}/outcome`, {
    as: 'agent',
    body: { attempt: 1, outcome: 'refused', note: '不方便' },
    headers: { 'idempotency-key': idempotencyKey() },
  });
  expect(r.status).toBe(200);
  expect(r.body.attempts).toEqual([expect.objectContaining({ attempt: 1, outcome: 'refused', satisfaction: null, via: 'phone' })]);

  const closed = (caseNo: string) =>
    waitFor(`${caseNo} done`, async () => {
      const { rows } = await pool.query('SELECT status, outcome, satisfaction, via, complaint_no, survey_sent_at FROM callback_tasks WHERE case_no = $1', [
        caseNo,
      ]);
      return rows[0]?.status === 'done' ? rows[0] : undefined;
    });
  expect(await closed(partlyNo)).toEqual({ status: 'done', outcome: 'partly', satisfaction: 3, via: 'phone', complaint_no: null, survey_sent_at: null });
  expect(await closed(refusedNo)).toEqual({ status: 'done', outcome: 'refused', satisfaction: null, via: 'phone', complaint_no: null, survey_sent_at: null });
  const queue = await queueItems();
  expect(queue.filter((i) => i.caseNo === partlyNo || i.caseNo === refusedNo)).toEqual([]);
  for (const caseNo of [partlyNo, refusedNo]) {
    expect((await call('GET', `/complaints/CP-${caseNo}-CB`, { as: 'agent' })).status).toBe(404);
  }
  const again = await call('POST', `/callbacks/${refused.id}/outcome`, {
    as: 'agent',
    body: { attempt: 1, outcome: 'satisfied', satisfaction: 5 },
    headers: { 'idempotency-key': idempotencyKey() },
  });
  expect([again.status, again.body.error.code]).toEqual([409, 'illegal_transition']);
});

test('unreachable on every attempt, then the SMS survey over the customer link: a rating of 2 opens a complaint', async () => {
  const caseNo = freshCaseNo();
  // First attempt 25 h ago: the +4 h and +24 h attempts are due as soon as each is queued.
  await startCallback(caseNo, 5, 25 * 3600_000);
  for (const attempt of [1, 2, 3]) {
    const item = await inQueue(caseNo, attempt);
    const res = await call('POST', `/callbacks/${item.id}/outcome`, {
      as: 'agent',
      body: { attempt, outcome: 'unreachable', note: '无人接听' },
      headers: { 'idempotency-key': idempotencyKey() },
    });
    expect(res.status).toBe(200);
  }
  const sms = await waitFor('the survey SMS', async () => {
    const outbox = await gatewayOutbox();
    return outbox.sms.find((m) => (m.idempotencyKey ?? '').startsWith(`${caseNo}#callback-survey`));
  });
  expect(sms.to).toBe('+86 137 1111 2222');
  const token = /\/customer\/cases\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/.exec(sms.text)![1]!;
  const { rows: sent } = await pool.query('SELECT status, survey_sent_at IS NOT NULL AS sent FROM callback_tasks WHERE case_no = $1', [caseNo]);
  expect(sent).toEqual([{ status: 'survey', sent: true }]);

  const bad = await call('POST', `/customer/cases/${token}/survey`, { as: null, body: { rating: 6 } });
  expect([bad.status, bad.body.error.fields]).toEqual([400, [expect.objectContaining({ path: 'body.rating' })]]);
  const forged = await call('POST', `/customer/cases/${token.slice(0, -2)}xx/survey`, { as: null, body: { rating: 5 } });
  expect(forged.status).toBe(401);
  const key = idempotencyKey();
  const answer = { rating: 2, comment: '热水器还是忽冷忽热' };
  const res = await call('POST', `/customer/cases/${token}/survey`, { as: null, body: answer, headers: { 'idempotency-key': key } });
  expect([res.status, res.body]).toEqual([200, { caseNo, rating: 2 }]);
  // The same answer retried with its key answers the same; another is refused, the survey being over.
  const retry = await call('POST', `/customer/cases/${token}/survey`, { as: null, body: answer, headers: { 'idempotency-key': key } });
  expect(retry.status).toBe(200);

  const complaintNo = `CP-${caseNo}-CB`;
  cleanup.push(complaintWorkflowId(complaintNo));
  const done = await waitFor('callback done', async () => {
    const { rows } = await pool.query('SELECT status, outcome, satisfaction, via, complaint_no FROM callback_tasks WHERE case_no = $1', [caseNo]);
    return rows[0]?.status === 'done' ? rows[0] : undefined;
  });
  expect(done).toEqual({ status: 'done', outcome: 'unsatisfied', satisfaction: 2, via: 'sms_survey', complaint_no: complaintNo });
  const complaint = await waitFor('the complaint', async () => {
    const r = await call('GET', `/complaints/${complaintNo}`, { as: 'agent' });
    return r.status === 200 ? r.body.complaint : undefined;
  });
  expect(complaint).toMatchObject({ complaintNo, caseNo, source: 'auto', grade: 'general' });
  expect(complaint.summary).toContain('SMS survey');
  expect(complaint.summary).toContain('热水器还是忽冷忽热');
  const late = await call('POST', `/customer/cases/${token}/survey`, { as: null, body: { rating: 5 } });
  expect([late.status, late.body.error.code]).toEqual([409, 'illegal_transition']);
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

  // The same product is repaired again later: that case's aftercare starts the product's
  // series anew (same id, the last run over). The opt-out recorded before it ends it at once.
  const laterNo = freshCaseNo();
  const later = seriesInputFor({ caseNo: laterNo, archivedAt: input.lastServiceAt, customer: input.customer, product: input.product })!;
  expect(later.seriesId).toBe(input.seriesId);
  const laterSeries = await client.workflow.start('maintenanceWorkflow', { taskQueue: stackInfo().taskQueue, workflowId: later.seriesId, args: [later] });
  expect(await laterSeries.result()).toMatchObject({ status: 'opted_out', cycle: 1 });
  // Its cycle was due at once (last serviced a year ago): without the opt-out it would have written a reminder.
  expect((await pool.query('SELECT count(*)::int AS n FROM maintenance_reminders WHERE case_no = $1', [laterNo])).rows).toEqual([{ n: 0 }]);
});
