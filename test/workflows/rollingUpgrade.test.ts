// A rolling upgrade on the real dev server: cases start on build A (the current code),
// some left waiting on an offer, some mid-visit; build B (the same code plus a change to
// the dispatch loop behind patched()) starts on the same task queue, build A stops, and
// every case completes on B with each timeline event written once. New cases on B take
// the new path; the old ones keep theirs.
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { sql } from 'drizzle-orm';
import { createActivities } from '../../activities';
import { createDatabase, type Database } from '../../db/client';
import { workflowIdFor, type Actor, type CaseState } from '../../domain';
import { caseWorkflow } from '../../workflows';
import * as defs from '../../workflows/definitions';
import { activityErrorInterceptor } from '../../worker/activityErrors';
import { futureSlot, intake, testCaseNo } from '../support/fixtures';
import { createEngineers, ensureKeyedEngineers, uniqueRegion } from '../support/roster';
import { stackInfo } from '../support/stackInfo';
import { bundleWorkflows, dispatchPause } from '../support/workflowVariant';
import { testClient, testDataConverter } from '../support/payloadKeys';
import { workflowSpanSinks } from '../../worker/observability';

const TASK_QUEUE = `rolling-upgrade-${Date.now()}`;
const agent: Actor = { role: 'agent', subject: 'A01' };
const dispatcher: Actor = { role: 'dispatcher', subject: 'D01' };
const E001: Actor = { role: 'engineer', subject: 'E001' };

let db: Database;
/** Each build has its own connection, as separate worker processes would. */
const builds: Array<{ worker: Worker; running: Promise<void>; connection: NativeConnection }> = [];
let connection: Connection;
let client: Client;
const opened: Array<WorkflowHandle<typeof caseWorkflow>> = [];

beforeAll(async () => {
  db = createDatabase(stackInfo().databaseUrl);
  await ensureKeyedEngineers(db);
  connection = await Connection.connect({ address: stackInfo().temporalAddress });
  client = testClient(connection);
});
afterAll(async () => {
  await Promise.all(opened.map((h) => h.terminate('test over').catch(() => undefined)));
  for (const b of builds) {
    if (b.worker.getState() === 'RUNNING') b.worker.shutdown();
    await b.running.catch(() => undefined);
    await b.connection.close();
  }
  await connection?.close();
  await db?.$client.end();
});

async function startBuild(buildId: string, guardedChange: boolean) {
  const native = await NativeConnection.connect({ address: stackInfo().temporalAddress });
  const worker = await Worker.create({
    dataConverter: testDataConverter(),
    connection: native,
    taskQueue: TASK_QUEUE,
    buildId,
    workflowBundle: await bundleWorkflows(guardedChange ? dispatchPause(true) : undefined),
    sinks: workflowSpanSinks(),
    activities: createActivities(db),
    interceptors: { activity: [activityErrorInterceptor] },
  });
  const build = { worker, running: worker.run(), connection: native };
  builds.push(build);
  return build;
}

async function openCase(region?: string) {
  const caseNo = testCaseNo();
  const base = intake();
  const handle = await client.workflow.start(caseWorkflow, {
    taskQueue: TASK_QUEUE,
    workflowId: workflowIdFor(caseNo),
    args: [{ caseNo, intake: region ? { ...base, customer: { ...base.customer, region, lat: 31.2304, lng: 121.4737 } } : base, openedBy: agent }],
  });
  opened.push(handle);
  await handle.executeUpdate(defs.intakeReceipt);
  return { caseNo, handle };
}

async function until(h: WorkflowHandle, ok: (s: CaseState) => boolean, what: string): Promise<CaseState> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const s = await h.query(defs.getCaseState);
    if (ok(s)) return s;
    if (Date.now() > deadline) throw new Error(`never reached: ${what}; now ${JSON.stringify(s.stage)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The visit's moves, by the engineer the case is assigned to. */
const visit = (h: WorkflowHandle, who: Actor = E001) => ({
  contact: () => h.executeUpdate(defs.recordContact, { args: [who, { confirmedAddress: '世纪大道100号', diagnosis: '待查', partsToBring: [] }] }),
  book: () => h.executeUpdate(defs.bookAppointment, { args: [who, futureSlot()] }),
  checkIn: () => h.executeUpdate(defs.checkIn, { args: [who, {}] }),
  checkOut: () => h.executeUpdate(defs.checkOut, { args: [who, { result: 'fixed', resolution: '更换电容', partsUsed: [], warrantyDays: 90 }] }),
  confirm: () => h.executeUpdate(defs.confirmCase, { args: [agent, { rating: 5, comment: '好', fixed: true }] }),
});

/** Each case's timeline: every seq once, and the events of one visit once each. */
async function timelineIntact(caseNo: string): Promise<{ total: number; distinctSeq: number; confirmed: number; checkedIn: number }> {
  const r = await db.execute<{ total: number; distinct_seq: number; confirmed: number; checked_in: number }>(sql`
    SELECT count(*)::int AS total, count(DISTINCT seq)::int AS distinct_seq,
           count(*) FILTER (WHERE type = 'case.confirmed')::int AS confirmed,
           count(*) FILTER (WHERE type = 'visit.checked_in')::int AS checked_in
    FROM case_events WHERE case_no = ${caseNo}`);
  const row = r.rows[0]!;
  return { total: row.total, distinctSeq: row.distinct_seq, confirmed: row.confirmed, checkedIn: row.checked_in };
}

/** Markers of the test's own patch (other patches of the current code are not its business). */
const patchMarkers = async (h: WorkflowHandle, id = 'dispatch-round-pause') =>
  ((await h.fetchHistory()).events ?? []).filter((e) => {
    const m = e.markerRecordedEventAttributes;
    if (m?.markerName !== 'core_patch') return false;
    return Object.values(m.details ?? {}).some((d) =>
      (d.payloads ?? []).some((p) =>
        Buffer.from(p.data ?? [])
          .toString('utf8')
          .includes(id),
      ),
    );
  }).length;

test('cases started on build A, mid-offer and mid-visit, complete on build B; nothing lost or doubled', async () => {
  const region = uniqueRegion('UPG');
  const eng = (n: string) => `${region}-${n}`;
  await createEngineers(db, [{ id: eng('A'), regions: [region], home: { lat: 31.231, lng: 121.474 }, rating: 4.9, maxOpenCases: 10 }]);

  const a = await startBuild('casework-A', false);
  const offered = await Promise.all([openCase(region), openCase(region)]);
  for (const c of offered) await until(c.handle, (s) => s.stage === 'offered', 'offered on A');
  const scheduled = await openCase();
  const onSite = await openCase();
  for (const c of [scheduled, onSite]) {
    await until(c.handle, (s) => s.stage === 'manual_dispatch', 'manual queue');
    await c.handle.executeUpdate(defs.assignEngineer, { args: [dispatcher, { engineerId: 'E001' }] });
    await visit(c.handle).contact();
    await visit(c.handle).book();
  }
  await visit(onSite.handle).checkIn();

  // Deploy B beside A, then stop A: from here on only B runs workflow tasks.
  const b = await startBuild('casework-B', true);
  a.worker.shutdown();
  await a.running;

  for (const c of offered) {
    const who: Actor = { role: 'engineer', subject: eng('A') };
    await c.handle.executeUpdate(defs.acceptOffer, { args: [who, {}] });
    const v = visit(c.handle, who);
    for (const move of [v.contact, v.book, v.checkIn, v.checkOut, v.confirm]) await move();
  }
  await visit(scheduled.handle).checkIn();
  for (const c of [scheduled, onSite]) {
    await visit(c.handle).checkOut();
    await visit(c.handle).confirm();
  }
  // A case opened after the upgrade takes the new path (the patch marker is in its history).
  const fresh = await openCase(region);
  await until(fresh.handle, (s) => s.stage === 'offered', 'offered on B');

  for (const c of [...offered, scheduled, onSite]) {
    const s = await until(c.handle, (x) => x.stage === 'archived', `${c.caseNo} archived`);
    expect(s.stage).toBe('archived');
    const t = await timelineIntact(c.caseNo);
    expect(t).toEqual({ total: s.eventSeq, distinctSeq: s.eventSeq, confirmed: 1, checkedIn: 1 });
    expect(await patchMarkers(c.handle)).toBe(0); // build A's path
  }
  expect(await patchMarkers(fresh.handle)).toBe(1); // build B's patch

  b.worker.shutdown();
  await b.running;
}, 180_000);
