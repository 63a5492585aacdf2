// caseWorkflow on Temporal's time-skipping test server, with the real activities writing
// to the test stack's PostgreSQL.
import { Context } from '@temporalio/activity';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundle } from '@temporalio/worker';
import { eq } from 'drizzle-orm';
import { createActivities } from '../../activities';
import { createDatabase, type Database } from '../../db/client';
import { caseEvents, cases } from '../../db/schema';
import { ACTION_FROM, ACTIONS, OPEN_STAGES, workflowIdFor, type Actor, type CaseAction, type Stage } from '../../domain';
import { caseWorkflow } from '../../workflows';
import * as defs from '../../workflows/definitions';
import { futureSlot, intake, testCaseNo } from '../support/fixtures';
import { stackInfo } from '../support/stackInfo';
import { createTimeSkippingEnv } from '../support/timeSkipping';

const TASK_QUEUE = 'case-workflow-test';
const agent: Actor = { role: 'agent', subject: 'A01' };
const dispatcher: Actor = { role: 'dispatcher' };
const engineer: Actor = { role: 'engineer', subject: 'E001' };
const otherEngineer: Actor = { role: 'engineer', subject: 'E002' };

let env: TestWorkflowEnvironment;
let db: Database;
let worker: Worker;
let running: Promise<void>;
/** Cases whose first recordCaseEvent attempt "crashes" right after committing. */
const crashAfterCommit = new Set<string>();

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  db = createDatabase(stackInfo().databaseUrl);
  const real = createActivities(db);
  const bundle: WorkflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows') });
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: TASK_QUEUE,
    workflowBundle: bundle,
    activities: {
      ...real,
      async recordCaseEvent(...args: Parameters<typeof real.recordCaseEvent>) {
        const result = await real.recordCaseEvent(...args);
        if (crashAfterCommit.has(args[0].caseNo) && Context.current().info.attempt === 1) {
          throw new Error('simulated worker crash after the write committed');
        }
        return result;
      },
    },
  });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
  await db?.$client.end();
});

async function openCase(overrides: Parameters<typeof intake>[0] = {}) {
  const caseNo = testCaseNo();
  const handle = await env.client.workflow.start(caseWorkflow, {
    taskQueue: TASK_QUEUE,
    workflowId: workflowIdFor(caseNo),
    args: [{ caseNo, intake: intake(overrides), openedBy: agent }],
  });
  await handle.executeUpdate(defs.intakeReceipt);
  return { caseNo, handle };
}

type Handle = Awaited<ReturnType<typeof openCase>>['handle'];
const slot = futureSlot();

/** Performs one action with a valid body as the given actor. */
function perform(handle: Handle, action: CaseAction, actor: Actor = actorFor(action)) {
  switch (action) {
    case 'assign':
      return handle.executeUpdate(defs.assignEngineer, { args: [actor, { engineerId: 'E001', engineerName: '李工' }] });
    case 'appointment':
      return handle.executeUpdate(defs.bookAppointment, { args: [actor, slot] });
    case 'checkIn':
      return handle.executeUpdate(defs.checkIn, { args: [actor, {}] });
    case 'checkOut':
      return handle.executeUpdate(defs.checkOut, { args: [actor, { result: 'fixed', resolution: '更换电容' }] });
    case 'confirm':
      return handle.executeUpdate(defs.confirmCase, { args: [actor, { rating: 5, comment: '很满意' }] });
    case 'cancel':
      return handle.executeUpdate(defs.cancelCase, { args: [actor, { reason: '客户取消' }] });
  }
}

function actorFor(action: CaseAction): Actor {
  return action === 'assign' ? dispatcher : ['appointment', 'checkIn', 'checkOut'].includes(action) ? engineer : agent;
}

/** The shortest path of actions from `accepted` to each open stage. */
const PATH_TO: Record<string, CaseAction[]> = {
  accepted: [],
  dispatched: ['assign'],
  scheduled: ['assign', 'appointment'],
  on_site: ['assign', 'appointment', 'checkIn'],
  awaiting_confirmation: ['assign', 'appointment', 'checkIn', 'checkOut'],
};

async function caseAt(stage: Stage) {
  const opened = await openCase();
  for (const action of PATH_TO[stage]!) await perform(opened.handle, action);
  expect((await opened.handle.query(defs.getCaseState)).stage).toBe(stage);
  return opened;
}

async function rejection(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

describe('caseWorkflow', () => {
  test('walks the spine to archived, persisting every step once', async () => {
    const { caseNo, handle } = await openCase();
    for (const action of ['assign', 'appointment', 'checkIn', 'checkOut', 'confirm'] as const) {
      await perform(handle, action);
    }
    const outcome = await handle.result();
    expect(outcome).toMatchObject({ caseNo, stage: 'archived' });

    const [row] = await db.select().from(cases).where(eq(cases.caseNo, caseNo));
    expect(row).toMatchObject({ stage: 'archived', engineerId: 'E001', visits: 1, checkOutResult: 'fixed', rating: 5, lastEventSeq: 6 });
    expect(row!.closedAt).not.toBeNull();
    const events = await db.select().from(caseEvents).where(eq(caseEvents.caseNo, caseNo)).orderBy(caseEvents.seq);
    expect(events.map((e) => [e.seq, e.type, e.fromStage, e.toStage])).toEqual([
      [1, 'case.opened', null, 'accepted'],
      [2, 'engineer.assigned', 'accepted', 'dispatched'],
      [3, 'appointment.booked', 'dispatched', 'scheduled'],
      [4, 'visit.checked_in', 'scheduled', 'on_site'],
      [5, 'visit.checked_out', 'on_site', 'awaiting_confirmation'],
      [6, 'case.confirmed', 'awaiting_confirmation', 'archived'],
    ]);
    expect(events[1]).toMatchObject({ actorRole: 'dispatcher' });
    expect(events[3]).toMatchObject({ actorRole: 'engineer', actorSubject: 'E001' });
  });

  // Every (open stage, action) pair: legal ones move the case, illegal ones are
  // rejected by the validator with the current stage and change nothing.
  for (const stage of OPEN_STAGES) {
    for (const action of ACTIONS) {
      const legal = ACTION_FROM[action].includes(stage);
      test(`${action} from ${stage} is ${legal ? 'legal' : 'rejected'}`, async () => {
        const { caseNo, handle } = await caseAt(stage);
        const before = await handle.query(defs.getCaseState);
        if (legal) {
          const after = await perform(handle, action);
          expect(after.eventSeq).toBe(before.eventSeq + 1);
          const [row] = await db.select().from(cases).where(eq(cases.caseNo, caseNo));
          expect(row!.stage).toBe(after.stage);
          expect(row!.lastEventSeq).toBe(after.eventSeq);
        } else {
          const failure = await rejection(perform(handle, action));
          expect(failure.type).toBe(defs.FAILURE.illegalTransition);
          expect(failure.details?.[0]).toEqual({ currentStage: stage });
          const after = await handle.query(defs.getCaseState);
          expect(after).toEqual(before);
          const events = await db.select().from(caseEvents).where(eq(caseEvents.caseNo, caseNo));
          expect(events).toHaveLength(before.eventSeq);
        }
      });
    }
  }

  test('check-out needing parts returns the case for a new booking', async () => {
    const { handle } = await caseAt('on_site');
    const state = await handle.executeUpdate(defs.checkOut, { args: [engineer, { result: 'needs_parts', resolution: '压缩机需更换，订件' }] });
    expect(state.stage).toBe('dispatched');
    expect(state.appointment).toBeUndefined();
    await perform(handle, 'appointment');
    const back = await perform(handle, 'checkIn');
    expect(back.visits).toBe(2);
  });

  test('an engineer cannot act on a case assigned to someone else', async () => {
    const { handle } = await caseAt('dispatched');
    const failure = await rejection(perform(handle, 'appointment', otherEngineer));
    expect(failure.type).toBe(defs.FAILURE.forbidden);
    expect((await handle.query(defs.getCaseState)).appointment).toBeUndefined();
  });

  test('reassigning clears the old engineer appointment', async () => {
    const { handle } = await caseAt('scheduled');
    const state = await handle.executeUpdate(defs.assignEngineer, { args: [dispatcher, { engineerId: 'E002' }] });
    expect(state).toMatchObject({ stage: 'dispatched', engineerId: 'E002' });
    expect(state.appointment).toBeUndefined();
  });

  test('cancel closes the workflow with the reason', async () => {
    const { caseNo, handle } = await caseAt('scheduled');
    await perform(handle, 'cancel');
    expect(await handle.result()).toMatchObject({ caseNo, stage: 'cancelled' });
    const [row] = await db.select().from(cases).where(eq(cases.caseNo, caseNo));
    expect(row).toMatchObject({ stage: 'cancelled', cancelReason: '客户取消' });
  });

  test('a retried activity (crash after commit) writes each event once', async () => {
    const caseNo = testCaseNo();
    crashAfterCommit.add(caseNo);
    const handle = await env.client.workflow.start(caseWorkflow, {
      taskQueue: TASK_QUEUE,
      workflowId: workflowIdFor(caseNo),
      args: [{ caseNo, intake: intake(), openedBy: agent }],
    });
    await handle.executeUpdate(defs.intakeReceipt);
    await perform(handle, 'assign');
    await perform(handle, 'cancel');
    await handle.result();
    const history = await handle.fetchHistory();
    const retried = history.events!.filter((e) => e.activityTaskStartedEventAttributes && Number(e.activityTaskStartedEventAttributes.attempt) > 1);
    expect(retried.length).toBeGreaterThanOrEqual(3);
    const events = await db.select().from(caseEvents).where(eq(caseEvents.caseNo, caseNo));
    expect(events.map((e) => e.seq).sort()).toEqual([1, 2, 3]);
  });
});
