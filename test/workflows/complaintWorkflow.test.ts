// complaintWorkflow on the time-skipping test server with the real activities and
// PostgreSQL: every stage move, the graded response standard (hours pass in
// milliseconds), re-opening with a raised grade, and the automatic complaints a case
// opens by itself.
import { Context } from '@temporalio/activity';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { and, eq } from 'drizzle-orm';
import { complaintEvents, complaints, escalations } from '../../db/schema';
import type { Actor } from '../../domain';
import {
  autoComplaintNo,
  COMPLAINT_ACTIONS,
  COMPLAINT_STAGES,
  complaintWorkflowId,
  type ComplaintAction,
  type ComplaintIntake,
  type ComplaintStage,
  type ComplaintState,
  type ComplaintWorkflowInput,
} from '../../domain/complaints';
import { complaintWorkflow } from '../../workflows';
import { COMPLAINT_UPDATES, complaintReceipt, getComplaintState } from '../../workflows/complaintDefinitions';
import * as defs from '../../workflows/definitions';
import { ON_TIME_MS, agent, stageIs, startCaseTestEnv, type CaseTestEnv } from '../support/caseTestEnv';
import { recordHistories } from '../support/historyRecorder';
import { testComplaintNo } from '../support/fixtures';
import { eventually } from '../support/http';
import { COMPLAINT_LEGAL } from '../support/stageTables';

const M = 60_000;
const H = 60 * M;
const TASK_QUEUE = 'complaint-workflow-test';
const supervisor: Actor = { role: 'supervisor', subject: 'S01' };
const dispatcher: Actor = { role: 'dispatcher', subject: 'D01' };
const engineer: Actor = { role: 'engineer', subject: 'E001' };

let t: CaseTestEnv;
const openComplaints: string[] = [];

/** Complaints whose first recordComplaintEvent attempt "crashes" right after committing. */
const crashAfterCommit = new Set<string>();
const retried = new Map<string, number>();

beforeAll(async () => {
  t = await startCaseTestEnv(TASK_QUEUE, (real) => ({
    ...real,
    async recordComplaintEvent(...args: Parameters<typeof real.recordComplaintEvent>) {
      const result = await real.recordComplaintEvent(...args);
      const no = args[0].complaintNo;
      if (Context.current().info.attempt > 1) retried.set(no, (retried.get(no) ?? 0) + 1);
      if (crashAfterCommit.has(no) && Context.current().info.attempt === 1) throw new Error('simulated worker crash after the write committed');
      return result;
    },
  }));
});
afterEach(async () => {
  await t.endTest();
  await recordHistories(t.env.client.workflow, openComplaints);
  // Withdrawn through their own update: nothing left in flight to hold the test clock.
  await Promise.all(
    openComplaints.splice(0).map((id) =>
      t.env.client.workflow
        .getHandle(id)
        .executeUpdate(COMPLAINT_UPDATES.withdraw, { args: [supervisor, { reason: 'test over' }] })
        .catch(() => undefined),
    ),
  );
});
afterAll(() => t?.close());

type Handle = WorkflowHandle<typeof complaintWorkflow>;

async function openComplaint(
  intake: Partial<ComplaintIntake> = {},
  complaintNo = testComplaintNo(),
  extra: Partial<ComplaintWorkflowInput> = {},
): Promise<{ complaintNo: string; handle: Handle }> {
  const handle = await t.env.client.workflow.start(complaintWorkflow, {
    taskQueue: TASK_QUEUE,
    workflowId: complaintWorkflowId(complaintNo),
    args: [
      {
        complaintNo,
        source: 'agent',
        openedBy: agent,
        intake: {
          category: 'service_attitude',
          grade: 'general',
          channel: 'phone',
          summary: '工程师态度恶劣',
          customer: { name: '张三', phone: '+86 139 0000 1111', language: 'zh-CN' },
          ...intake,
        },
        ...extra,
      },
    ],
  });
  openComplaints.push(handle.workflowId);
  await handle.executeUpdate(complaintReceipt);
  return { complaintNo, handle };
}

/** Polls the complaint's state until `ok` holds (it moves by itself on timers). */
async function untilComplaint(h: { query: Handle['query'] }, ok: (s: ComplaintState) => boolean, what: string): Promise<ComplaintState> {
  let last: unknown;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const s = await h.query(getComplaintState).catch((e: unknown) => ((last = e), undefined));
    if (s && ok(s)) return s;
    if (Date.now() > deadline) throw new Error(`complaint never reached: ${what}; now ${s?.stage ?? `unknown (${String(last)})`}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const act = <A extends ComplaintAction>(h: Handle, action: A, body: unknown, actor: Actor = supervisor) =>
  h.executeUpdate<ComplaintState, [Actor, never]>(COMPLAINT_UPDATES[action] as never, { args: [actor, body] as never });

async function eventsOf(complaintNo: string) {
  return t.db.select().from(complaintEvents).where(eq(complaintEvents.complaintNo, complaintNo)).orderBy(complaintEvents.seq);
}
async function rowOf(complaintNo: string) {
  const [row] = await t.db.select().from(complaints).where(eq(complaints.complaintNo, complaintNo));
  return row!;
}

/** Minutes after opening at which each SLA event of a complaint clock happened. */
async function slaTimeline(complaintNo: string, clock: string) {
  const events = await eventsOf(complaintNo);
  const opened = events[0]!.occurredAt.getTime();
  return events
    .filter((e) => e.type.startsWith('sla.') && (e.data as { clock?: string }).clock === clock)
    .map((e) => [e.type, (e.data as { level: number }).level, Math.round(((e.occurredAt.getTime() - opened) / M) * 10) / 10]);
}

/** The state moves before its event row is written (the write is the step's activity): poll the rows. */
async function timelineUntil(complaintNo: string, clock: string, ok: (t: Array<Array<string | number>>) => boolean) {
  return eventually(`${clock} timeline of ${complaintNo}`, async () => {
    const t = await slaTimeline(complaintNo, clock);
    return ok(t) ? t : undefined;
  });
}

const BODIES: Record<ComplaintAction, unknown> = {
  acknowledge: { note: '已致电客户致歉' },
  investigate: { note: '调取服务录音' },
  proposeResolution: { resolution: '更换工程师并上门复检', compensation: { amount: 100, currency: 'CNY' } },
  recordDecision: { accepted: true },
  verifyCallback: { satisfied: true, note: '客户满意' },
  close: { rootCause: '工程师沟通不当', responsibility: 'engineer', summary: '已培训' },
  reassign: { owner: 'S02', reason: '轮班' },
  addNote: { note: '客户再次来电' },
  withdraw: { reason: '客户撤回' },
};

/** The moves that lead to each open stage from received. */
const PATH: Record<ComplaintStage, ComplaintAction[]> = {
  received: [],
  acknowledged: ['acknowledge'],
  investigating: ['acknowledge', 'investigate'],
  resolution_proposed: ['acknowledge', 'investigate', 'proposeResolution'],
  customer_confirmed: ['acknowledge', 'investigate', 'proposeResolution', 'recordDecision'],
  callback_verified: ['acknowledge', 'investigate', 'proposeResolution', 'recordDecision', 'verifyCallback'],
  closed: ['acknowledge', 'investigate', 'proposeResolution', 'recordDecision', 'verifyCallback', 'close'],
  withdrawn: ['withdraw'],
};

describe('complaint stages', () => {
  test('the closed loop, with the exact timeline and the tracking row', async () => {
    const { complaintNo, handle } = await openComplaint();
    for (const a of PATH.closed) await act(handle, a, BODIES[a]);
    expect(await handle.result()).toMatchObject({ complaintNo, stage: 'closed' });
    const events = await eventsOf(complaintNo);
    expect(events.map((e) => [e.seq, e.type, e.fromStage, e.toStage])).toEqual([
      [1, 'complaint.opened', null, 'received'],
      [2, 'complaint.acknowledged', 'received', 'acknowledged'],
      [3, 'complaint.investigating', 'acknowledged', 'investigating'],
      [4, 'complaint.resolution_proposed', 'investigating', 'resolution_proposed'],
      [5, 'complaint.customer_confirmed', 'resolution_proposed', 'customer_confirmed'],
      [6, 'complaint.callback_verified', 'customer_confirmed', 'callback_verified'],
      [7, 'complaint.closed', 'callback_verified', 'closed'],
    ]);
    expect(await rowOf(complaintNo)).toMatchObject({
      stage: 'closed',
      grade: 'general',
      // No one on duty in a complaint without a region, and no global fallback in the test stack.
      owner: 'unassigned',
      acknowledgedOnTime: true,
      resolvedOnTime: true,
      slaBreached: false,
      rootCause: '工程师沟通不当',
      responsibility: 'engineer',
      lastEventSeq: 7,
    });
    const row = await rowOf(complaintNo);
    // Graded standard for "general": acknowledge within 2 h, resolve within 48 h.
    expect(row.acknowledgeBy!.getTime() - row.createdAt.getTime()).toBe(2 * H);
    expect(row.resolveBy!.getTime() - row.createdAt.getTime()).toBe(48 * H);
  });

  test('every (open stage × action) pair is legal or refused with the current stage, and a refusal changes nothing', async () => {
    const openStages = COMPLAINT_STAGES.filter((s) => s !== 'closed' && s !== 'withdrawn');
    const handles = await Promise.all(
      openStages.map(async (stage) => {
        const opened = await openComplaint();
        for (const a of PATH[stage]) await act(opened.handle, a, BODIES[a]);
        return { stage, ...opened };
      }),
    );
    for (const { stage, complaintNo, handle } of handles) {
      const before = await handle.query(getComplaintState);
      for (const action of COMPLAINT_ACTIONS) {
        const legal = COMPLAINT_LEGAL[stage].includes(action);
        if (legal) continue;
        const err = await act(handle, action, BODIES[action]).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
        const cause = (err as WorkflowUpdateFailedError).cause as ApplicationFailure;
        expect([action, stage, cause.type, (cause.details?.[0] as { currentStage: string }).currentStage]).toEqual([action, stage, 'IllegalTransition', stage]);
      }
      const after = await handle.query(getComplaintState);
      expect(after).toEqual(before);
      expect((await eventsOf(complaintNo)).length).toBe(before.eventSeq);
    }
    // And the legal ones move it: checked pair by pair on fresh complaints.
    let legalPairs = 0;
    for (const stage of openStages) {
      for (const action of COMPLAINT_ACTIONS) {
        if (!COMPLAINT_LEGAL[stage].includes(action)) continue;
        const { handle } = await openComplaint();
        for (const a of PATH[stage]) await act(handle, a, BODIES[a]);
        const s = await act(handle, action, BODIES[action]);
        expect(s.eventSeq).toBe(PATH[stage].length + 2);
        legalPairs++;
      }
    }
    expect(legalPairs).toBe(6 + 3 * openStages.length);
  });
});

describe('settings fixed at start', () => {
  test('a new run routes to people on duty: no fixed contacts, and input contacts are ignored', async () => {
    const { handle } = await openComplaint();
    expect((await handle.query(getComplaintState)).settings).toEqual({ routing: 'duty' });
    const custom = await openComplaint({}, testComplaintNo(), { contacts: { managerEmail: 'manager-3@example.com' } });
    expect((await custom.handle.query(getComplaintState)).settings).toEqual({ routing: 'duty' });
  });
});

describe('retries', () => {
  test('a timeline write retried after its commit leaves each event once', async () => {
    const complaintNo = testComplaintNo();
    crashAfterCommit.add(complaintNo);
    const { handle } = await openComplaint({}, complaintNo);
    for (const a of PATH.resolution_proposed) await act(handle, a, BODIES[a]);
    const events = await eventsOf(complaintNo);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    // Every write was attempted twice (the first "crashed" after committing).
    expect(retried.get(complaintNo)).toBe(4);
    expect((await rowOf(complaintNo)).lastEventSeq).toBe(4);
  });
});

describe('graded response standard', () => {
  test("resolve lapse: warning at 75% and level 1 at the critical grade's 8 h, while acknowledged in time", async () => {
    const { complaintNo, handle } = await openComplaint({ grade: 'critical' });
    await act(handle, 'acknowledge', {});
    await act(handle, 'investigate', {});
    await t.env.sleep(8 * H + M);
    await untilComplaint(handle, (x) => x.sla.level >= 1, 'resolve level 1');
    expect(await slaTimeline(complaintNo, 'acknowledge')).toEqual([]);
    expect((await timelineUntil(complaintNo, 'resolve', (x) => x.length >= 2)).slice(0, 2)).toEqual([
      ['sla.warning', 0, 360],
      ['sla.escalated', 1, 480],
    ]);
    expect(await rowOf(complaintNo)).toMatchObject({ acknowledgedOnTime: true, slaBreached: true, escalationLevel: 1 });
  });

  test('acknowledged late: warning, then each level once when due; level 2 raises the grade', async () => {
    // general: acknowledge within 120 min → warning 90, L1 120, L2 180 (grade → serious,
    // whose 60 min target is already 3× past: L3 follows at once).
    const { complaintNo, handle } = await openComplaint();
    await t.env.sleep(181 * M);
    const s = await untilComplaint(handle, (x) => x.sla.level === 3, 'level 3');
    expect(s.grade).toBe('serious');
    expect(await timelineUntil(complaintNo, 'acknowledge', (x) => x.some((e) => e[0] === 'sla.ops_action_required'))).toEqual([
      ['sla.warning', 0, 90],
      ['sla.escalated', 1, 120],
      ['sla.escalated', 2, 180],
      ['sla.escalated', 3, 180],
      ['sla.ops_action_required', 3, 180],
    ]);
    const rows = await t.db
      .select()
      .from(escalations)
      .where(and(eq(escalations.caseNo, complaintNo), eq(escalations.clock, 'complaint.acknowledge')));
    expect(rows.map((r) => [r.kind, r.level])).toEqual([
      ['warning', 0],
      ['escalation', 1],
      ['escalation', 2],
      ['escalation', 3],
    ]);
    // Fired on the timer, within the time the step's own writes take; level 3 was already
    // past due when level 2 re-targeted the clock, so it fired right after level 2.
    for (const r of rows.slice(0, 3)) expect(r.firedAt.getTime() - r.dueAt.getTime()).toBeLessThan(ON_TIME_MS);
    expect(rows[3]!.dueAt.getTime()).toBe(rows[0]!.dueAt.getTime() - 90 * M + 120 * M);
    expect(rows[3]!.firedAt.getTime() - rows[2]!.firedAt.getTime()).toBeLessThan(ON_TIME_MS);
    await act(handle, 'acknowledge', {});
    expect(await rowOf(complaintNo)).toMatchObject({
      acknowledgedOnTime: false,
      slaBreached: true,
      escalationLevel: 3,
      grade: 'serious',
      initialGrade: 'general',
    });
    const attrs = (await handle.describe()).typedSearchAttributes.getAll();
    expect(attrs.find((p) => p.key.name === 'ComplaintGrade')?.value).toBe('serious');
    expect(attrs.find((p) => p.key.name === 'SlaBreached')?.value).toBe(true);
  });

  test('rejected resolution: re-opened, grade raised, and time waiting on the customer not counted', async () => {
    const { complaintNo, handle } = await openComplaint({ grade: 'serious' });
    for (const a of PATH.resolution_proposed) await act(handle, a, BODIES[a]);
    await t.env.sleep(30 * H); // the customer thinks it over: beyond serious's 24 h resolve target
    const reopened = await act(handle, 'recordDecision', { accepted: false, comment: '补偿太少' });
    expect(reopened).toMatchObject({ stage: 'investigating', grade: 'critical', reopenCount: 1 });
    const resolve = reopened.sla.clocks.find((c) => c.clock === 'resolve')!;
    expect(resolve.targetMs).toBe(8 * H);
    expect(resolve.pausedMs).toBeGreaterThanOrEqual(30 * H);
    expect(resolve.fired).toEqual([]);
    const rejected = (await eventsOf(complaintNo)).at(-1)!;
    expect([rejected.type, rejected.data]).toEqual([
      'complaint.reopened',
      expect.objectContaining({ reason: 'resolution_rejected', grade: { from: 'serious', to: 'critical' }, reopen: 1 }),
    ]);
    await act(handle, 'proposeResolution', { resolution: '全额退款' });
    const accepted = await act(handle, 'recordDecision', { accepted: true });
    expect(accepted.stage).toBe('customer_confirmed');
    expect(await rowOf(complaintNo)).toMatchObject({
      stage: 'customer_confirmed',
      grade: 'critical',
      reopenCount: 1,
      resolvedOnTime: true,
      slaBreached: false,
    });
  });

  test('an unsatisfied callback re-opens with a new resolve cycle at the raised grade', async () => {
    const { complaintNo, handle } = await openComplaint({ grade: 'general' });
    for (const a of PATH.customer_confirmed) await act(handle, a, BODIES[a]);
    const s = await act(handle, 'verifyCallback', { satisfied: false, note: '问题复发' });
    expect(s).toMatchObject({ stage: 'investigating', grade: 'serious', reopenCount: 1 });
    const cycles = s.sla.clocks.filter((c) => c.clock === 'resolve').map((c) => [c.cycle, c.targetMs, c.stoppedAt === undefined]);
    expect(cycles).toEqual([
      [0, 48 * H, false],
      [1, 24 * H, true],
    ]);
    expect(await rowOf(complaintNo)).toMatchObject({ stage: 'investigating', resolvedAt: null, resolvedOnTime: null });
  });
});

describe('automatic complaints', () => {
  async function toConfirmation(handle: Awaited<ReturnType<CaseTestEnv['openCase']>>['handle']) {
    await stageIs(handle, 'manual_dispatch');
    await handle.executeUpdate(defs.assignEngineer, { args: [dispatcher, { engineerId: 'E001' }] });
    await handle.executeUpdate(defs.recordContact, { args: [engineer, { confirmedAddress: 'x', diagnosis: 'y', partsToBring: [] }] });
    const start = new Date((await t.env.currentTimeMs()) + 3 * 86_400_000 + Math.floor(Math.random() * 1e5) * 3_600_000);
    await handle.executeUpdate(defs.bookAppointment, { args: [engineer, { start: start.toISOString(), end: new Date(start.getTime() + H).toISOString() }] });
    await handle.executeUpdate(defs.checkIn, { args: [engineer, {}] });
    await handle.executeUpdate(defs.checkOut, { args: [engineer, { result: 'fixed', resolution: 'ok', partsUsed: [], warrantyDays: 0 }] });
  }

  test('a rating of 2 or less opens one complaint linked to the case', async () => {
    const { caseNo, handle } = await t.openCase({ priority: 'P2' });
    await toConfirmation(handle);
    await handle.executeUpdate(defs.confirmCase, { args: [agent, { rating: 1, comment: '态度差', fixed: true }] });
    const complaintNo = autoComplaintNo(caseNo, 'low_rating');
    const child = t.env.client.workflow.getHandle(complaintWorkflowId(complaintNo));
    openComplaints.push(child.workflowId);
    const s = await untilComplaint(child, (x) => x.recorded, 'complaint recorded');
    expect(s).toMatchObject({
      complaintNo,
      caseNo,
      source: 'auto',
      trigger: { kind: 'low_rating', rating: 1 },
      grade: 'serious',
      stage: 'received',
      customer: { phone: '+86 138 0013 8000' },
    });
    // Routed to people, in the case's region.
    expect([s.settings, s.region]).toEqual([{ routing: 'duty' }, 'QA-MANUAL']);
    const row = await rowOf(complaintNo);
    expect(row).toMatchObject({ caseNo, source: 'auto', trigger: 'low_rating', openedByRole: 'system' });
    const caseState = await handle.query(defs.getCaseState);
    expect(caseState.complaints).toEqual([complaintNo]);
  });

  test('a rating of 3 opens none; a second rework opens one for repair quality', async () => {
    const { caseNo, handle } = await t.openCase({ priority: 'P2' });
    await toConfirmation(handle);
    await handle.executeUpdate(defs.confirmCase, { args: [agent, { rating: 3, fixed: false }] });
    await toConfirmation(handle);
    await handle.executeUpdate(defs.confirmCase, { args: [agent, { rating: 3, fixed: false }] });
    const complaintNo = autoComplaintNo(caseNo, 'second_rework');
    openComplaints.push(complaintWorkflowId(complaintNo));
    const caseState = await handle.query(defs.getCaseState);
    expect(caseState.complaints).toEqual([complaintNo]);
    // The child writes its own row once it runs.
    const row = await eventually('complaint row', () => rowOf(complaintNo));
    expect(row).toMatchObject({ caseNo, category: 'repair_quality', grade: 'serious', trigger: 'second_rework' });
  });
});
