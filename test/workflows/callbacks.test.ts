// The callback workflow (回访) on the time-skipping server with the real activities, the
// test stack's PostgreSQL and a local SMS receiver: attempts at +0 / +4 h / +24 h, an
// unreachable customer re-queued each time, a lapsed attempt, the SMS survey through the
// customer link after the last, partly and refused ending it at once, the survey window
// lapsing unanswered, and an unsatisfied customer's complaint.
import { and, eq } from 'drizzle-orm';
import { createActivities } from '../../activities';
import { receiverNotifications } from '../support/testNotifications';
import { createDatabase, type Database } from '../../db/client';
import { callbackAttempts, callbackTasks, complaints, notifications } from '../../db/schema';
import type { Actor } from '../../domain';
import { DEFAULT_CALLBACK_POLICY, callbackWorkflowId, type CallbackWorkflowInput } from '../../domain/callbacks';
import { complaintWorkflowId } from '../../domain/complaints';
import { callbackWorkflow } from '../../workflows';
import { getCallbackState, recordCallbackOutcome, submitCallbackSurvey, type CallbackState } from '../../workflows/callbackDefinitions';
import { startCaseTestEnv, type CaseTestEnv } from '../support/caseTestEnv';
import { eventually } from '../support/http';
import { testCaseNo } from '../support/fixtures';
import { startHttpReceiver, type HttpReceiver, type Received } from '../support/receivers';
import { stackInfo } from '../support/stackInfo';

const H = 60 * 60_000;
const agentA: Actor = { role: 'agent', subject: 'A07' };
const linkConfig = { secret: 'callback-test-secret-0123456789abcdef', baseUrl: 'https://service.test', ttlHours: 72 };
const TASK_QUEUE = 'callbacks-test';
let t: CaseTestEnv;
let db: Database;
let gateway: HttpReceiver;

beforeAll(async () => {
  gateway = await startHttpReceiver();
  db = createDatabase(stackInfo().databaseUrl);
  const sending = receiverNotifications(db, gateway.url);
  // Real signed customer links (the survey's), as a worker with CUSTOMER_LINK_SECRET issues them.
  const { issueCustomerLink } = createActivities(db, { customerLinks: linkConfig });
  t = await startCaseTestEnv(TASK_QUEUE, (real) => ({ ...real, ...sending, issueCustomerLink }));
});
afterAll(async () => {
  await t?.close();
  await gateway?.close();
  await db?.$client.end();
});

const waitFor = <T>(what: string, read: () => Promise<T | undefined>): Promise<T> => eventually(what, read, 20_000, 50);

// Callbacks a test started: terminated after it, so no later time skip fires their timers.
const started: string[] = [];
afterEach(async () => {
  await Promise.all(
    started.splice(0).map((id) =>
      t.env.client.workflow
        .getHandle(id)
        .terminate('test over')
        .catch(() => undefined),
    ),
  );
});

async function startCallback(over: Partial<CallbackWorkflowInput> = {}) {
  const caseNo = testCaseNo();
  const firstDueAt = new Date((await t.env.currentTimeMs()) + 60_000).toISOString();
  const handle = await t.env.client.workflow.start(callbackWorkflow, {
    taskQueue: TASK_QUEUE,
    workflowId: callbackWorkflowId(caseNo),
    args: [
      {
        caseNo,
        customer: { name: '赵敏', phone: '+86 136 7777 8888', language: 'zh-CN', region: 'SH-PD' },
        product: { category: 'air_conditioner', model: 'KFR-35GW' },
        engineerId: 'E001',
        rating: 2,
        reworks: 0,
        firstDueAt,
        policy: DEFAULT_CALLBACK_POLICY,
        ...over,
      },
    ],
  });
  started.push(handle.workflowId);
  return { caseNo, handle, firstDueAt: Date.parse(firstDueAt) };
}

type Handle = Awaited<ReturnType<typeof startCallback>>['handle'];
const openAttempt = (h: Handle, n: number) =>
  waitFor<CallbackState>(`attempt ${n} open`, async () => {
    const s = await h.query(getCallbackState);
    return s.status === 'open' && s.attempt === n ? s : undefined;
  });
const taskOf = async (caseNo: string) => (await t.db.select().from(callbackTasks).where(eq(callbackTasks.caseNo, caseNo)))[0]!;
const smsTo = (caseNo: string, event: string) =>
  gateway.received.filter((r: Received) => r.path === '/sms' && r.body?.caseNo === caseNo && r.body?.event === event);

test('three attempts at +0, +4 h and +24 h, re-queued while unreachable, then the SMS survey; the answer closes it', async () => {
  const { caseNo, handle, firstDueAt } = await startCallback();
  await t.env.sleep(60_000);
  await openAttempt(handle, 1);
  // A low rating is called first.
  expect(await taskOf(caseNo)).toMatchObject({ status: 'open', attempt: 1, priority: 1, engineerId: 'E001', productCategory: 'air_conditioner' });
  expect((await taskOf(caseNo)).dueAt.getTime()).toBe(firstDueAt);
  await handle.executeUpdate(recordCallbackOutcome, { args: [agentA, { attempt: 1, outcome: 'unreachable', note: '无人接听' }] });
  // Re-queued for attempt 2 at +4 h, not before.
  expect((await handle.query(getCallbackState)).status).toBe('open');
  await t.env.sleep(4 * H);
  await openAttempt(handle, 2);
  const second = await taskOf(caseNo);
  expect([second.status, second.attempt, second.dueAt.getTime() - firstDueAt]).toEqual(['open', 2, 4 * H]);
  // Attempt 2 is refused for attempt 1 (already recorded) and for attempt 3 (not open).
  await expect(handle.executeUpdate(recordCallbackOutcome, { args: [agentA, { attempt: 1, outcome: 'satisfied', satisfaction: 5 }] })).rejects.toMatchObject({
    cause: { message: expect.stringMatching(/attempt 1 is not open/) },
  });
  await handle.executeUpdate(recordCallbackOutcome, { args: [agentA, { attempt: 2, outcome: 'unreachable' }] });
  await t.env.sleep(20 * H);
  await openAttempt(handle, 3);
  expect((await taskOf(caseNo)).dueAt.getTime() - firstDueAt).toBe(24 * H);
  // Nobody records attempt 3: after the lapse window it counts as unreachable and the survey goes out.
  await t.env.sleep(DEFAULT_CALLBACK_POLICY.lapseMinutes * 60_000);
  await waitFor('survey', async () => ((await handle.query(getCallbackState)).status === 'survey' ? true : undefined));
  const [sms] = await waitFor('survey SMS', async () => (smsTo(caseNo, 'callback.survey').length ? smsTo(caseNo, 'callback.survey') : undefined));
  expect(sms!.body.to).toBe('+86 136 7777 8888');
  expect(sms!.body.text).toMatch(
    new RegExp(`^尊敬的赵敏，我们多次致电未能联系到您。请通过此链接为工单 ${caseNo} 的服务评分并留言：https://service\\.test/customer/cases/`),
  );
  expect(await taskOf(caseNo)).toMatchObject({ status: 'survey', surveySentAt: expect.any(Date) });
  const attempts = await t.db.select().from(callbackAttempts).where(eq(callbackAttempts.caseNo, caseNo)).orderBy(callbackAttempts.attempt);
  expect(attempts.map((a) => [a.attempt, a.outcome, a.via, a.recordedBy])).toEqual([
    [1, 'unreachable', 'phone', 'agent:A07'],
    [2, 'unreachable', 'phone', 'agent:A07'],
    [3, 'unreachable', 'lapsed', 'system'],
  ]);
  expect(attempts.map((a) => a.dueAt.getTime() - firstDueAt)).toEqual([0, 4 * H, 24 * H]);

  await handle.executeUpdate(submitCallbackSurvey, {
    args: [
      { role: 'customer', subject: caseNo },
      { rating: 4, comment: '不错' },
    ],
  });
  const done = await handle.result();
  expect(done).toMatchObject({ status: 'done', outcome: 'satisfied', satisfaction: 4 });
  expect(await taskOf(caseNo)).toMatchObject({ status: 'done', outcome: 'satisfied', satisfaction: 4, via: 'sms_survey', complaintNo: null });
});

test('an answered call with satisfied ends at once; no survey', async () => {
  const { caseNo, handle } = await startCallback({ rating: 5 });
  await t.env.sleep(60_000);
  await openAttempt(handle, 1);
  expect((await taskOf(caseNo)).priority).toBe(2);
  await handle.executeUpdate(recordCallbackOutcome, { args: [agentA, { attempt: 1, outcome: 'satisfied', satisfaction: 5 }] });
  expect(await handle.result()).toMatchObject({ status: 'done', outcome: 'satisfied', attempt: 1 });
  expect(smsTo(caseNo, 'callback.survey')).toEqual([]);
  // The call center's CRM heard of it once, when the first attempt fell due.
  const due = await waitFor('callback.due', async () => {
    const rows = await db
      .select()
      .from(notifications)
      .where(and(eq(notifications.caseNo, caseNo), eq(notifications.event, 'callback.due')));
    return rows.length && rows.every((r) => r.status !== 'queued') ? rows : undefined;
  });
  expect(due.map((r) => [r.channel, r.recipient])).toEqual([['webhook', '*']]);
});

test('partly and refused end the callback at once: out of the queue, no complaint, no further attempt, no survey', async () => {
  const partly = await startCallback({ rating: 3 });
  const refused = await startCallback({ rating: 1 });
  await t.env.sleep(60_000);
  await openAttempt(partly.handle, 1);
  await openAttempt(refused.handle, 1);
  const answers = { overall: 3, fixed: true, punctual: 3 };
  await partly.handle.executeUpdate(recordCallbackOutcome, { args: [agentA, { attempt: 1, outcome: 'partly', satisfaction: 3, answers, note: '一般' }] });
  await refused.handle.executeUpdate(recordCallbackOutcome, { args: [agentA, { attempt: 1, outcome: 'refused', note: '不想回答' }] });
  expect(await partly.handle.result()).toMatchObject({ status: 'done', outcome: 'partly', satisfaction: 3, attempt: 1 });
  const refusedState = await refused.handle.result();
  expect(refusedState).toMatchObject({ status: 'done', outcome: 'refused', attempt: 1 });
  expect(refusedState.satisfaction).toBeUndefined();
  expect(refusedState.complaintNo).toBeUndefined();
  // Done rows leave the queue (it lists status open); the KPIs count both as reached (refused: reached, not satisfied).
  expect(await taskOf(partly.caseNo)).toMatchObject({
    status: 'done',
    outcome: 'partly',
    satisfaction: 3,
    answers,
    via: 'phone',
    complaintNo: null,
    surveySentAt: null,
  });
  expect(await taskOf(refused.caseNo)).toMatchObject({
    status: 'done',
    outcome: 'refused',
    satisfaction: null,
    via: 'phone',
    complaintNo: null,
    surveySentAt: null,
  });
  // A later time skip queues nothing more: one attempt row each, no survey SMS.
  await t.env.sleep(2 * 24 * H);
  for (const { caseNo } of [partly, refused]) {
    const attempts = await t.db.select().from(callbackAttempts).where(eq(callbackAttempts.caseNo, caseNo));
    expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([[1, caseNo === partly.caseNo ? 'partly' : 'refused']]);
    expect(smsTo(caseNo, 'callback.survey')).toEqual([]);
    expect(
      await t.db
        .select()
        .from(complaints)
        .where(eq(complaints.complaintNo, `CP-${caseNo}-CB`)),
    ).toEqual([]);
  }
});

test('an SMS survey nobody answers within its window ends the callback unreachable', async () => {
  // One attempt (the policy is the workflow's input), so the survey follows the first failure.
  const policy = { ...DEFAULT_CALLBACK_POLICY, attempts: DEFAULT_CALLBACK_POLICY.attempts.slice(0, 1) };
  const { caseNo, handle } = await startCallback({ rating: 4, policy });
  await t.env.sleep(60_000);
  await openAttempt(handle, 1);
  await handle.executeUpdate(recordCallbackOutcome, { args: [agentA, { attempt: 1, outcome: 'unreachable' }] });
  const surveyAt = await waitFor('survey', async () => {
    const s = await handle.query(getCallbackState);
    return s.status === 'survey' ? Date.parse(s.surveySentAt!) : undefined;
  });
  await waitFor('survey SMS', async () => (smsTo(caseNo, 'callback.survey').length ? true : undefined));
  // A minute before the window closes it is still open...
  await t.env.sleep(surveyAt + DEFAULT_CALLBACK_POLICY.surveyWindowMinutes * 60_000 - 60_000 - (await t.env.currentTimeMs()));
  expect((await handle.query(getCallbackState)).status).toBe('survey');
  expect((await taskOf(caseNo)).status).toBe('survey');
  // ...and once it has, the callback ends unreachable: no complaint, nothing more to answer.
  await t.env.sleep(2 * 60_000);
  expect(await handle.result()).toMatchObject({ status: 'done', outcome: 'unreachable', attempt: 1 });
  expect(await taskOf(caseNo)).toMatchObject({
    status: 'done',
    outcome: 'unreachable',
    satisfaction: null,
    via: 'lapsed',
    doneBy: 'system:caseWorkflow',
    complaintNo: null,
  });
  await expect(
    handle.executeUpdate(submitCallbackSurvey, {
      args: [{ role: 'customer', subject: caseNo }, { rating: 5 }],
    }),
  ).rejects.toThrow();
});

// Last: the complaint it opens keeps running (its messages retry) until the file ends.
test('an unsatisfied customer on the first call opens a complaint through the complaint workflow', async () => {
  const { caseNo, handle } = await startCallback({ rating: 4, reworks: 1 });
  await t.env.sleep(60_000);
  await openAttempt(handle, 1);
  expect((await taskOf(caseNo)).priority).toBe(1); // reworked
  const answers = { overall: 2, fixed: false, punctual: 4, attitude: 3, price: 3 };
  await handle.executeUpdate(recordCallbackOutcome, { args: [agentA, { attempt: 1, outcome: 'unsatisfied', satisfaction: 2, answers, note: '空调又坏了' }] });
  const done = await handle.result();
  const complaintNo = `CP-${caseNo}-CB`;
  expect(done).toMatchObject({ status: 'done', outcome: 'unsatisfied', complaintNo });
  expect(await taskOf(caseNo)).toMatchObject({
    status: 'done',
    outcome: 'unsatisfied',
    satisfaction: 2,
    answers,
    via: 'phone',
    complaintNo,
    doneBy: 'agent:A07',
  });
  const row = await waitFor(
    'complaint row',
    async () =>
      (
        await t.db
          .select()
          .from(complaints)
          .where(and(eq(complaints.complaintNo, complaintNo)))
      )[0],
  );
  expect(row).toMatchObject({ caseNo, source: 'auto', stage: 'received' });
  expect(row.summary).toContain('空调又坏了');
  started.push(complaintWorkflowId(complaintNo));
});
