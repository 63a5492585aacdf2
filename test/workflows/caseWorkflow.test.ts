// caseWorkflow on Temporal's time-skipping test server, with the real activities writing
// to the test stack's PostgreSQL: every stage rule, dispatch branch and visit path.
import { Context } from '@temporalio/activity';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundle } from '@temporalio/worker';
import { and, eq } from 'drizzle-orm';
import { createActivities } from '../../activities';
import { createDatabase, type Database } from '../../db/client';
import { caseEvents, caseMetrics, cases, engineerBookings, engineerLoad, engineers } from '../../db/schema';
import { ACTIONS, nextRating, workflowIdFor, type Actor, type CaseAction, type CaseState, type CaseWorkflowInput, type Stage } from '../../domain';
import type { CaseIntakeInput } from '../../domain/schemas';
import { caseWorkflow } from '../../workflows';
import * as defs from '../../workflows/definitions';
import { futureSlot, intake, testCaseNo } from '../support/fixtures';
import { createEngineers, ensureKeyedEngineers, uniqueRegion } from '../support/roster';
import { stackInfo } from '../support/stackInfo';
import { createTimeSkippingEnv } from '../support/timeSkipping';
import { endCases } from '../support/caseTestEnv';
import { CASE_LEGAL } from '../support/stageTables';
import { eventually } from '../support/http';
import { testDataConverter } from '../support/payloadKeys';

const TASK_QUEUE = 'case-workflow-test';
const agent: Actor = { role: 'agent', subject: 'A01' };
const dispatcher: Actor = { role: 'dispatcher', subject: 'D01' };
const supervisor: Actor = { role: 'supervisor', subject: 'S01' };
const engineer: Actor = { role: 'engineer', subject: 'E001' };
const otherEngineer: Actor = { role: 'engineer', subject: 'E002' };
const asEngineer = (id: string): Actor => ({ role: 'engineer', subject: id });

let env: TestWorkflowEnvironment;
let db: Database;
let worker: Worker;
let running: Promise<void>;
/** Cases whose first recordCaseEvent attempt "crashes" right after committing. */
const crashAfterCommit = new Set<string>();
/** Retried recordCaseEvent attempts per case (local activities leave no history event per attempt). */
const retries = new Map<string, number>();

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  db = createDatabase(stackInfo().databaseUrl);
  await ensureKeyedEngineers(db);
  const real = createActivities(db);
  const bundle: WorkflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows') });
  worker = await Worker.create({
    dataConverter: testDataConverter(),
    connection: env.nativeConnection,
    taskQueue: TASK_QUEUE,
    workflowBundle: bundle,
    activities: {
      ...real,
      async recordCaseEvent(...args: Parameters<typeof real.recordCaseEvent>) {
        const result = await real.recordCaseEvent(...args);
        const { attempt } = Context.current().info;
        if (attempt > 1) retries.set(args[0].caseNo, (retries.get(args[0].caseNo) ?? 0) + 1);
        if (crashAfterCommit.has(args[0].caseNo) && attempt === 1) {
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

/**
 * Cases a test opened. Each test ends them: when a later test skips time, the SLA and
 * reminder timers of earlier open cases would otherwise all fire with it.
 */
const opened: Array<{ workflowId: string }> = [];
afterEach(async () => {
  await endCases(
    env,
    opened.splice(0).map((h) => h.workflowId),
  );
});

async function openCase(overrides: Partial<CaseIntakeInput> = {}, customer: Partial<CaseIntakeInput['customer']> = {}, extra: Partial<CaseWorkflowInput> = {}) {
  const caseNo = testCaseNo();
  const base = intake(overrides);
  const handle = await env.client.workflow.start(caseWorkflow, {
    taskQueue: TASK_QUEUE,
    workflowId: workflowIdFor(caseNo),
    args: [{ caseNo, intake: { ...base, customer: { ...base.customer, ...customer } }, openedBy: agent, ...extra }],
  });
  opened.push(handle);
  await handle.executeUpdate(defs.intakeReceipt);
  return { caseNo, handle };
}
type Handle = Awaited<ReturnType<typeof openCase>>['handle'];

const state = (h: Handle) => h.query(defs.getCaseState);

/** The workflow moves by itself (dispatch, timers): poll its state until it gets there. */
async function until(h: Handle, ok: (s: CaseState) => boolean, what: string): Promise<CaseState> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const s = await state(h);
    if (ok(s)) return s;
    if (Date.now() > deadline) throw new Error(`case never reached: ${what}; now ${JSON.stringify(s.stage)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const stageIs = (h: Handle, stage: Stage) => until(h, (s) => s.stage === stage, stage);

async function eventsOf(caseNo: string) {
  return db.select().from(caseEvents).where(eq(caseEvents.caseNo, caseNo)).orderBy(caseEvents.seq);
}

const quoteLines = [
  { kind: 'part' as const, partNo: 'CAP-35UF', description: '启动电容', quantity: 1, unitPrice: 80 },
  { kind: 'labour' as const, description: '上门维修', quantity: 1, unitPrice: 100 },
];

/** Valid body and actor for each action, on a case held by E001. */
function perform(h: Handle, action: CaseAction, actor?: Actor): Promise<CaseState> {
  const u = <B>(def: UpdateDefinition<CaseState, [Actor, B]>, who: Actor, body: B) => h.executeUpdate(def, { args: [actor ?? who, body] });
  switch (action) {
    case 'assign':
      return u(pick(defs.assignEngineer), dispatcher, { engineerId: 'E001' });
    case 'redispatch':
      return u(pick(defs.redispatchCase), dispatcher, { reason: '重新派单' });
    case 'acceptOffer':
      return u(pick(defs.acceptOffer), dispatcher, {});
    case 'declineOffer':
      return u(pick(defs.declineOffer), dispatcher, { reason: '忙' });
    case 'recordContact':
      return u(pick(defs.recordContact), engineer, {
        confirmedAddress: '世纪大道100号',
        diagnosis: '疑似电容故障',
        partsToBring: [{ partNo: 'CAP-35UF', quantity: 1 }],
      });
    case 'appointment':
      return u(pick(defs.bookAppointment), engineer, futureSlot());
    case 'noShow':
      return u(pick(defs.reportNoShow), engineer, { party: 'customer' as const });
    case 'checkIn':
      return u(pick(defs.checkIn), engineer, {});
    case 'diagnose':
      return u(pick(defs.recordDiagnosis), engineer, { cause: '启动电容老化' });
    case 'quote':
      return u(pick(defs.submitQuote), engineer, { lines: quoteLines, currency: 'CNY' });
    case 'decideQuote':
      return u(pick(defs.decideQuote), agent, { approve: true });
    case 'checkOut':
      return u(pick(defs.checkOut), engineer, { result: 'fixed' as const, resolution: '更换电容', partsUsed: [], warrantyDays: 90 });
    case 'confirm':
      return u(pick(defs.confirmCase), agent, { rating: 5, comment: '很满意', fixed: true });
    case 'cancel':
      return u(pick(defs.cancelCase), agent, { reason: '客户取消' });
    case 'changePriority':
      return u(pick(defs.changePriority), agent, { priority: 'P1' as const, reason: '客户投诉升级' });
  }
}
function pick<B>(def: unknown): UpdateDefinition<CaseState, [Actor, B]> {
  return def as UpdateDefinition<CaseState, [Actor, B]>;
}

/** From the manual queue (no roster in the fixture's region) to each open stage. */
const PATH_TO: Partial<Record<Stage, CaseAction[]>> = {
  manual_dispatch: [],
  dispatched: ['assign'],
  contacted: ['assign', 'recordContact'],
  scheduled: ['assign', 'recordContact', 'appointment'],
  on_site: ['assign', 'recordContact', 'appointment', 'checkIn'],
  awaiting_approval: ['assign', 'recordContact', 'appointment', 'checkIn', 'quote'],
  awaiting_confirmation: ['assign', 'recordContact', 'appointment', 'checkIn', 'checkOut'],
};

async function caseAt(stage: Stage) {
  const opened = await openCase();
  await stageIs(opened.handle, 'manual_dispatch');
  for (const action of PATH_TO[stage] ?? []) await perform(opened.handle, action);
  if (stage === 'awaiting_parts' || stage === 'escalated') {
    for (const action of PATH_TO.on_site!) await perform(opened.handle, action);
    await opened.handle.executeUpdate(defs.checkOut, {
      args: [engineer, { result: stage === 'awaiting_parts' ? 'needs_parts' : 'cannot_fix', resolution: '—', partsUsed: [], warrantyDays: 0 }],
    });
  }
  expect((await state(opened.handle)).stage).toBe(stage);
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

/** A region with a known roster: A is nearest and best rated, then B, then C. */
async function rosterRegion(extra: Parameters<typeof createEngineers>[1] = []) {
  const region = uniqueRegion();
  const id = (n: string) => `${region}-${n}`;
  await createEngineers(db, [
    { id: id('A'), regions: [region], home: { lat: 31.231, lng: 121.474 }, rating: 4.9 },
    { id: id('B'), regions: [region], home: { lat: 31.26, lng: 121.5 }, rating: 4.6 },
    { id: id('C'), regions: [region], home: { lat: 31.4, lng: 121.7 }, rating: 4.2 },
    ...extra.map((e) => ({ ...e, id: id(e.id), regions: [region] })),
  ]);
  return { region, id };
}
const at = { lat: 31.2304, lng: 121.4737 };

describe('dispatch', () => {
  test('ranks the roster and offers the best candidate; accepting assigns the engineer', async () => {
    const { region, id } = await rosterRegion([
      { id: 'X', skills: [{ category: 'tv', level: 3 }] },
      { id: 'Z', active: false },
    ]);
    const { caseNo, handle } = await openCase({}, { region, ...at });
    const offered = await stageIs(handle, 'offered');
    expect(offered.offer).toMatchObject({ engineerId: id('A'), round: 1 });
    const ranked = (await eventsOf(caseNo)).find((e) => e.type === 'dispatch.ranked')!;
    const data = ranked.data as { candidates: Array<{ engineerId: string; reasons: string[] }>; filteredOut: Record<string, string[]> };
    expect(data.candidates.map((c) => c.engineerId)).toEqual([id('A'), id('B'), id('C')]);
    expect(data.candidates[0]!.reasons.join(' ')).toMatch(/km away.*open cases.*rating 4\.90/);
    expect(data.filteredOut).toEqual({ skill: [id('X')], inactive: [id('Z')] });
    // The offer holds a capacity slot.
    expect(await db.select().from(engineerLoad).where(eq(engineerLoad.caseNo, caseNo))).toMatchObject([{ engineerId: id('A'), kind: 'offered' }]);

    const failure = await rejection(perform(handle, 'acceptOffer', asEngineer(id('B'))));
    expect(failure.type).toBe(defs.FAILURE.forbidden);
    const accepted = await perform(handle, 'acceptOffer', asEngineer(id('A')));
    expect(accepted).toMatchObject({ stage: 'dispatched', engineerId: id('A'), engineerBadgeNo: `B-${id('A')}` });
    expect(await db.select().from(engineerLoad).where(eq(engineerLoad.caseNo, caseNo))).toMatchObject([{ engineerId: id('A'), kind: 'assigned' }]);
  });

  test('declines move to the next candidate, never the same engineer twice, then to the manual queue', async () => {
    const { region, id } = await rosterRegion();
    const { caseNo, handle } = await openCase({}, { region, ...at });
    for (const who of ['A', 'B', 'C']) {
      const s = await until(handle, (x) => x.stage === 'offered' && x.offer?.engineerId === id(who), `offer to ${who}`);
      expect(s.dispatch.offeredThisRound).toContain(id(who));
      await perform(handle, 'declineOffer', asEngineer(id(who)));
    }
    await stageIs(handle, 'manual_dispatch');
    const events = await eventsOf(caseNo);
    const offers = events.filter((e) => e.type === 'offer.sent').map((e) => (e.data as { engineerId: string }).engineerId);
    expect(offers).toEqual([id('A'), id('B'), id('C')]);
    expect(events.filter((e) => e.type === 'offer.declined').map((e) => (e.data as { reason: string }).reason)).toEqual(['忙', '忙', '忙']);
    expect(events.at(-1)).toMatchObject({ type: 'dispatch.exhausted', toStage: 'manual_dispatch' });
    expect(await db.select().from(engineerLoad).where(eq(engineerLoad.caseNo, caseNo))).toEqual([]);
    // The dispatcher assigns by hand from the queue.
    expect(await perform(handle, 'assign')).toMatchObject({ stage: 'dispatched', engineerId: 'E001' });
  });

  test('an unanswered offer expires after its window and goes to the next candidate', async () => {
    // A window of 1.2 s (the default P2 window is 20 min; the arithmetic is the same).
    // Real time, not a time skip: the test server's skipping is unreliable with updates.
    const { region, id } = await rosterRegion();
    const { caseNo, handle } = await openCase({ priority: 'P2' }, { region, ...at }, { policy: { offerWindowMinutes: { P2: 0.02 } } });
    const first = await stageIs(handle, 'offered');
    expect(Date.parse(first.offer!.expiresAt) - Date.parse(first.offer!.offeredAt)).toBe(1200);
    await until(handle, (s) => s.offer?.engineerId === id('B'), 'offer to B');
    // The state moves before its event is written (the write is the step's activity).
    const events = await eventually('offer to B recorded', async () => {
      const rows = await eventsOf(caseNo);
      return rows.filter((e) => e.type === 'offer.sent').length === 2 ? rows : undefined;
    });
    expect(events.map((e) => e.type).filter((t) => !t.startsWith('sla.'))).toEqual([
      'case.opened',
      'dispatch.ranked',
      'offer.sent',
      'offer.expired',
      'offer.sent',
    ]);
    expect(events.find((e) => e.type === 'offer.sent')!.data).toMatchObject({ windowMinutes: 0.02 });
  });

  test('an engineer at capacity is skipped; two cases never take the last slot at once', async () => {
    const { region, id } = await rosterRegion([{ id: 'ONE', home: { lat: 31.2305, lng: 121.4738 }, rating: 5, maxOpenCases: 1 }]);
    const [a, b] = await Promise.all([openCase({}, { region, ...at }), openCase({}, { region, ...at })]);
    const offers = await Promise.all([a, b].map((c) => stageIs(c.handle, 'offered')));
    const toOne = offers.filter((s) => s.offer!.engineerId === id('ONE'));
    expect(toOne).toHaveLength(1);
    const load = await db
      .select()
      .from(engineerLoad)
      .where(eq(engineerLoad.engineerId, id('ONE')));
    expect(load).toHaveLength(1);
    const other = [a, b].find((c) => c.caseNo !== load[0]!.caseNo)!;
    expect((await eventsOf(other.caseNo)).some((e) => e.type === 'offer.skipped' && (e.data as { reason: string }).reason === 'capacity')).toBe(true);
  });

  test('VIP and P1 weigh toward the best rated: weights are recorded with the ranking', async () => {
    const { region } = await rosterRegion();
    const { caseNo, handle } = await openCase({ priority: 'P1' }, { region, ...at, tier: 'vip' });
    await stageIs(handle, 'offered');
    const ranked = (await eventsOf(caseNo)).find((e) => e.type === 'dispatch.ranked')!;
    expect((ranked.data as { weights: object }).weights).toEqual({ distance: 0.4, workload: 0.1, rating: 0.4, skill: 0.1 });
  });
});

describe('contact and appointment', () => {
  test('a missed contact window re-dispatches without that engineer', async () => {
    const { region, id } = await rosterRegion();
    const { caseNo, handle } = await openCase({}, { region, ...at }, { policy: { contactWindowMinutes: 0.02 } });
    await stageIs(handle, 'offered');
    await perform(handle, 'acceptOffer', asEngineer(id('A')));
    const s = await until(handle, (x) => x.stage === 'offered' && x.offer?.engineerId === id('B'), 'offer to B');
    expect(s.dispatch.excluded).toEqual([id('A')]);
    const lapse = (await eventsOf(caseNo)).find((e) => e.type === 'contact.window_lapsed')!;
    expect(lapse).toMatchObject({
      fromStage: 'dispatched',
      toStage: 'accepted',
      data: { engineerId: id('A'), escalatedTo: 'dispatcher', windowMinutes: 0.02 },
    });
  });

  test('contact in time, then booking notifies the customer with name, ID number and ETA', async () => {
    const { caseNo, handle } = await caseAt('contacted');
    const slot = futureSlot();
    await handle.executeUpdate(defs.bookAppointment, { args: [engineer, slot] });
    const notified = (await eventsOf(caseNo)).at(-1)!;
    expect(notified).toMatchObject({ type: 'customer.notified', data: { engineerName: '李工', engineerBadgeNo: 'B-E001', eta: slot.start } });
  });

  test('reschedules need a reason and stop at the limit per requester', async () => {
    const { handle } = await caseAt('scheduled');
    const missing = await rejection(handle.executeUpdate(defs.bookAppointment, { args: [engineer, futureSlot()] }));
    expect(missing.type).toBe(defs.FAILURE.invalid);
    for (let i = 0; i < 3; i++) {
      await handle.executeUpdate(defs.bookAppointment, { args: [agent, { ...futureSlot(), requestedBy: 'customer', reason: '客户出差' }] });
    }
    const limit = await rejection(handle.executeUpdate(defs.bookAppointment, { args: [agent, { ...futureSlot(), requestedBy: 'customer', reason: '又改' }] }));
    expect(limit.type).toBe(defs.FAILURE.limitReached);
    // The engineer's own reschedules count separately.
    const s = await handle.executeUpdate(defs.bookAppointment, { args: [engineer, { ...futureSlot(), requestedBy: 'engineer', reason: '车坏了' }] });
    expect(s.reschedules).toEqual({ customer: 3, engineer: 1 });
  });

  test('an engineer is never double-booked, across cases', async () => {
    const [a, b] = await Promise.all([caseAt('contacted'), caseAt('contacted')]);
    const slot = futureSlot();
    const results = await Promise.allSettled([a, b].map((c) => c.handle.executeUpdate(defs.bookAppointment, { args: [engineer, slot] })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(((failed.reason as WorkflowUpdateFailedError).cause as ApplicationFailure).type).toBe(defs.FAILURE.slotConflict);
    const active = await db
      .select()
      .from(engineerBookings)
      .where(and(eq(engineerBookings.engineerId, 'E001'), eq(engineerBookings.startsAt, new Date(slot.start))));
    expect(active.filter((x) => x.status === 'active')).toHaveLength(1);
  });

  test('customer no-show: rebook; engineer no-show: re-dispatch without them', async () => {
    const { handle } = await caseAt('scheduled');
    const rebook = await handle.executeUpdate(defs.reportNoShow, { args: [engineer, { party: 'customer' }] });
    expect(rebook).toMatchObject({ stage: 'contacted', noShows: { customer: 1, engineer: 0 } });
    expect(rebook.appointment).toBeUndefined();
    const refused = await rejection(handle.executeUpdate(defs.reportNoShow, { args: [engineer, { party: 'engineer' }] }));
    expect(refused.type).toBe(defs.FAILURE.illegalTransition);
    await perform(handle, 'appointment');
    const engineerAbsent = await handle.executeUpdate(defs.reportNoShow, { args: [agent, { party: 'engineer' }] });
    expect(engineerAbsent.noShows).toEqual({ customer: 1, engineer: 1 });
    const s = await stageIs(handle, 'manual_dispatch');
    expect(s.dispatch.excluded).toEqual(['E001']);
    expect(s.engineerId).toBeUndefined();
  });
});

describe('on site', () => {
  test('a quote out of warranty waits for approval; approval resumes the repair', async () => {
    const { caseNo, handle } = await caseAt('on_site');
    await perform(handle, 'diagnose');
    const waiting = await perform(handle, 'quote');
    expect(waiting).toMatchObject({ stage: 'awaiting_approval', quote: { total: 180, status: 'awaiting_approval', coveredByWarranty: false } });
    const blocked = await rejection(perform(handle, 'checkOut'));
    expect(blocked.details?.[0]).toEqual({ currentStage: 'awaiting_approval' });
    const approved = await perform(handle, 'decideQuote');
    expect(approved).toMatchObject({ stage: 'on_site', quote: { status: 'approved', decidedBy: agent } });
    const done = await handle.executeUpdate(defs.checkOut, {
      args: [engineer, { result: 'fixed', resolution: '更换电容', partsUsed: [{ partNo: 'CAP-35UF', quantity: 1, oldPartReturned: true }], warrantyDays: 90 }],
    });
    expect(done.stage).toBe('awaiting_confirmation');
    expect(done.partsUsed).toEqual([
      expect.objectContaining({ partNo: 'CAP-35UF', oldPartReturned: true, visit: 1, warrantyUntil: expect.stringMatching(/^\d{4}-\d\d-\d\d$/) }),
    ]);
    const types = (await eventsOf(caseNo)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['diagnosis.recorded', 'quote.submitted', 'customer.notified', 'quote.approved', 'visit.checked_out']));
  });

  test('a rejected quote closes the visit as repair_declined', async () => {
    const { handle } = await caseAt('awaiting_approval');
    const s = await handle.executeUpdate(defs.decideQuote, {
      args: [
        { role: 'customer', subject: 'link' },
        { approve: false, comment: '太贵' },
      ],
    });
    expect(s).toMatchObject({ stage: 'awaiting_confirmation', visitOutcome: 'repair_declined', quote: { status: 'rejected' } });
  });

  test('a product under warranty, or a zero total, needs no approval', async () => {
    const covered = await openCase({ product: { category: 'air_conditioner', model: 'KFR', serial: `W-${Date.now()}`, warrantyUntil: '9999-12-31' } });
    await stageIs(covered.handle, 'manual_dispatch');
    for (const a of PATH_TO.on_site!) await perform(covered.handle, a);
    expect(await perform(covered.handle, 'quote')).toMatchObject({ stage: 'on_site', quote: { status: 'waived', coveredByWarranty: true } });

    const { handle } = await caseAt('on_site');
    const free = await handle.executeUpdate(defs.submitQuote, {
      args: [engineer, { lines: [{ kind: 'labour', description: '检查', quantity: 1, unitPrice: 0 }], currency: 'CNY' }],
    });
    expect(free).toMatchObject({ stage: 'on_site', quote: { total: 0, status: 'waived' } });
  });

  test('needs parts: the case waits for parts and books a return visit', async () => {
    const { handle } = await caseAt('awaiting_parts');
    expect((await state(handle)).appointment).toBeUndefined();
    await perform(handle, 'appointment');
    const back = await perform(handle, 'checkIn');
    expect(back.visits).toBe(2);
  });

  test('cannot fix escalates to a supervisor, who can re-dispatch', async () => {
    const { caseNo, handle } = await caseAt('escalated');
    expect((await eventsOf(caseNo)).at(-1)).toMatchObject({ type: 'case.escalated', data: { to: 'supervisor', reason: 'cannot_fix' } });
    await handle.executeUpdate(defs.redispatchCase, { args: [supervisor, { reason: '换高级工程师' }] });
    const s = await stageIs(handle, 'manual_dispatch');
    expect(s.dispatch.excluded).toEqual(['E001']);
  });
});

describe('confirmation, rework and archive', () => {
  test('archive records stage durations, first-time-fix and moves the engineer rating', async () => {
    const { caseNo, handle } = await caseAt('awaiting_confirmation');
    const [before] = await db.select().from(engineers).where(eq(engineers.id, 'E001'));
    await perform(handle, 'confirm');
    expect(await handle.result()).toMatchObject({ caseNo, stage: 'archived' });
    const [m] = await db.select().from(caseMetrics).where(eq(caseMetrics.caseNo, caseNo));
    expect(m).toMatchObject({ engineerId: 'E001', firstTimeFix: true, visits: 1, reworks: 0, rating: 5 });
    expect(Object.keys(m!.metrics.stageMs).sort()).toEqual(
      ['accepted', 'awaiting_confirmation', 'contacted', 'dispatched', 'manual_dispatch', 'on_site', 'scheduled'].sort(),
    );
    const [after] = await db.select().from(engineers).where(eq(engineers.id, 'E001'));
    expect(after!.ratingCount).toBe(before!.ratingCount + 1);
    expect(after!.rating).toBe(nextRating(before!.rating, before!.ratingCount, 5).rating);
    expect(await db.select().from(engineerLoad).where(eq(engineerLoad.caseNo, caseNo))).toEqual([]);
    const [row] = await db.select().from(cases).where(eq(cases.caseNo, caseNo));
    expect(row).toMatchObject({ stage: 'archived', rating: 5 });
  });

  test('"not fixed" reopens as rework and offers the same engineer first', async () => {
    const { region, id } = await rosterRegion();
    const { caseNo, handle } = await openCase({}, { region, ...at });
    await stageIs(handle, 'offered');
    // B did the first repair (A declined).
    await perform(handle, 'declineOffer', asEngineer(id('A')));
    await until(handle, (s) => s.offer?.engineerId === id('B'), 'offer to B');
    const b = asEngineer(id('B'));
    await perform(handle, 'acceptOffer', b);
    for (const a of ['recordContact', 'appointment', 'checkIn', 'checkOut'] as const) await perform(handle, a, b);
    const rework = await handle.executeUpdate(defs.confirmCase, { args: [agent, { rating: 2, comment: '还是不制冷', fixed: false }] });
    expect(rework).toMatchObject({ reworks: 1 });
    // The Update answers with the receipt (no dispatch book); the state query has it.
    expect((await handle.query(defs.getCaseState)).dispatch.preferred).toBe(id('B'));
    const again = await until(handle, (s) => s.stage === 'offered' && s.dispatch.round === 2, 'second round offer');
    expect(again.offer!.engineerId).toBe(id('B'));
    for (const a of ['acceptOffer', 'recordContact', 'appointment', 'checkIn', 'checkOut'] as const) await perform(handle, a, b);
    await perform(handle, 'confirm');
    await handle.result();
    const [m] = await db.select().from(caseMetrics).where(eq(caseMetrics.caseNo, caseNo));
    expect(m).toMatchObject({ firstTimeFix: false, visits: 2, reworks: 1 });
  });
});

describe('settings fixed at start', () => {
  test('the defaults that shape a run are in its state from the start; values in the input win', async () => {
    const { handle } = await openCase();
    expect((await state(handle)).settings).toEqual({
      reminders: {
        customerBeforeVisitMinutes: [1440, 120],
        engineerBeforeVisitMinutes: [60],
        contactBeforeLapseMinutes: 10,
        confirmationReminderMinutes: 1440,
        autoConfirmMinutes: 4320,
      },
      // Escalations go to the people on duty when they fire: no fixed address in the run.
      routing: 'duty',
      aftercare: { callbackAfterMinutes: 1440, maintenanceAfterDays: 180 }, // air_conditioner
    });
    const custom = await openCase(
      { product: { category: 'tv', model: 'X', serial: `TV-${Date.now()}` } },
      {},
      {
        reminders: { autoConfirmMinutes: 60 },
        // Fixed contacts are for runs started before duty routing: a new run ignores them.
        contacts: { managerEmail: 'manager-7@example.com' },
        aftercare: { callbackAfterMinutes: 5 },
      },
    );
    expect((await state(custom.handle)).settings).toEqual({
      reminders: {
        customerBeforeVisitMinutes: [1440, 120],
        engineerBeforeVisitMinutes: [60],
        contactBeforeLapseMinutes: 10,
        confirmationReminderMinutes: 1440,
        autoConfirmMinutes: 60,
      },
      routing: 'duty',
      aftercare: { callbackAfterMinutes: 5, maintenanceAfterDays: 0 }, // tv: no maintenance reminder
    });
  });
});

describe('stage rules', () => {
  // Every action not legal in a stage is refused by the validator, with the current
  // stage, and changes nothing (state and timeline).
  const stages = Object.keys(PATH_TO).concat(['awaiting_parts', 'escalated']) as Stage[];
  for (const stage of stages) {
    test(`illegal actions from ${stage} are rejected and change nothing`, async () => {
      const { caseNo, handle } = await caseAt(stage);
      const before = await state(handle);
      // From the hand-written table, not ACTION_FROM: a move wrongly allowed there is caught.
      const illegal = ACTIONS.filter((a) => !CASE_LEGAL[stage].includes(a));
      expect(illegal.length).toBeGreaterThan(0);
      for (const action of illegal) {
        const failure = await rejection(perform(handle, action));
        expect([action, failure.type, failure.details?.[0]]).toEqual([action, defs.FAILURE.illegalTransition, { currentStage: stage }]);
      }
      expect(await state(handle)).toEqual(before);
      expect(await eventsOf(caseNo)).toHaveLength(before.eventSeq);
    });
  }

  test('an engineer cannot act on a case assigned to someone else', async () => {
    const { handle } = await caseAt('dispatched');
    const failure = await rejection(perform(handle, 'recordContact', otherEngineer));
    expect(failure.type).toBe(defs.FAILURE.forbidden);
    expect((await state(handle)).contact).toBeUndefined();
  });

  test('reassigning clears the old engineer, releases their slot and booking', async () => {
    const { caseNo, handle } = await caseAt('scheduled');
    const s = await handle.executeUpdate(defs.assignEngineer, { args: [dispatcher, { engineerId: 'E002' }] });
    expect(s).toMatchObject({ stage: 'dispatched', engineerId: 'E002' });
    expect(s.appointment).toBeUndefined();
    expect((await db.select().from(engineerLoad).where(eq(engineerLoad.caseNo, caseNo))).map((l) => l.engineerId)).toEqual(['E002']);
    expect((await db.select().from(engineerBookings).where(eq(engineerBookings.caseNo, caseNo))).map((b) => b.status)).toEqual(['cancelled']);
  });

  test('assigning an unknown engineer is refused as invalid', async () => {
    const { handle } = await caseAt('manual_dispatch');
    const failure = await rejection(handle.executeUpdate(defs.assignEngineer, { args: [dispatcher, { engineerId: 'NOPE-404' }] }));
    expect(failure.type).toBe(defs.FAILURE.invalid);
    expect((await state(handle)).stage).toBe('manual_dispatch');
  });

  test('cancel closes the workflow with the reason and frees the engineer', async () => {
    const { caseNo, handle } = await caseAt('scheduled');
    await perform(handle, 'cancel');
    expect(await handle.result()).toMatchObject({ caseNo, stage: 'cancelled' });
    const [row] = await db.select().from(cases).where(eq(cases.caseNo, caseNo));
    expect(row).toMatchObject({ stage: 'cancelled', cancelReason: '客户取消' });
    expect(await db.select().from(engineerLoad).where(eq(engineerLoad.caseNo, caseNo))).toEqual([]);
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
    await stageIs(handle, 'manual_dispatch');
    await perform(handle, 'assign');
    await perform(handle, 'cancel');
    await handle.result();
    // Four writes, each retried once: the dispatch round's ranking and exhaustion are one (patch case-move-folds).
    expect(retries.get(caseNo)).toBe(4);
    const events = await eventsOf(caseNo);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
  });
});
