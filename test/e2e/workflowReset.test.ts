// A real `temporal workflow reset` on the running stack. The new run re-lives the
// history from the reset point, so its timeline seq numbers start again below the old
// run's: the PostgreSQL projection (row and timeline) must follow the new run, keep
// what the old run recorded, and still write each event of a run exactly once.
import { execFileSync } from 'node:child_process';
import { Client, Connection } from '@temporalio/client';
import { Pool } from 'pg';
import { writeCaseEvent } from '../../activities/caseRecords';
import { createDatabase } from '../../db/client';
import type { CaseState, Stage } from '../../domain';
import { findTemporalCli } from '../../launcher/temporalBinaries';
import { futureSlot, intakeInput, testCaseNo } from '../support/fixtures';
import { call, eventually, idempotencyKey, openCase, waitForStage, type KeyName } from '../support/http';
import { replayWorkflow } from '../support/replay';
import { stackInfo } from '../support/stackInfo';
import { testClient } from '../support/payloadKeys';

let pool: Pool;
let connection: Connection;
let temporal: Client;

beforeAll(async () => {
  const info = stackInfo();
  pool = new Pool({ connectionString: info.databaseUrl, max: 2 });
  connection = await Connection.connect({ address: info.temporalAddress });
  temporal = testClient(connection);
});
afterAll(async () => {
  await pool.end();
  await connection.close();
});

const runIdOf = async (workflowId: string) => (await temporal.workflow.getHandle(workflowId).describe()).runId;

/**
 * Resets the workflow to its first workflow task with the real CLI, as ops would. Updates
 * after that point are not re-applied: the new run starts over from the intake.
 */
async function resetToFirstWorkflowTask(workflowId: string): Promise<string> {
  const cli = findTemporalCli();
  expect(cli).toBeDefined();
  const before = await runIdOf(workflowId);
  execFileSync(
    cli!.path,
    [
      'workflow',
      'reset',
      '--address',
      stackInfo().temporalAddress,
      '--workflow-id',
      workflowId,
      '--type',
      'FirstWorkflowTask',
      '--reapply-exclude',
      'All',
      '--reason',
      'e2e: reset test',
    ],
    { encoding: 'utf8' },
  );
  const after = await runIdOf(workflowId);
  expect(after).not.toBe(before);
  return after;
}

async function post(path: string, as: KeyName, body: unknown): Promise<any> {
  const r = await call('POST', path, { as, body });
  expect({ path, status: r.status, body: r.status === 200 ? undefined : r.body }).toEqual({ path, status: 200, body: undefined });
  return r.body;
}

type TimelineEvent = { seq: number; type: string; runId: string };
const brief = (timeline: TimelineEvent[]) => timeline.map((e) => [e.runId, e.seq, e.type]);

test('a case reset to its first workflow task: the row and the timeline follow the new run', async () => {
  const { body } = await openCase(intakeInput());
  const caseNo: string = body.case.caseNo;
  const workflowId = `case-${caseNo}`;
  await waitForStage(caseNo, 'manual_dispatch');
  await post(`/cases/${caseNo}/assign`, 'dispatcher', { engineerId: 'E001' });
  await post(`/cases/${caseNo}/contact`, 'engineerE001', { confirmedAddress: '世纪大道100号', diagnosis: '待查' });
  const oldSlot = futureSlot();
  await post(`/cases/${caseNo}/appointment`, 'engineerE001', oldSlot);
  const oldRun = await runIdOf(workflowId);
  const old = await eventually('the old run’s 7 events', async () => {
    const t = (await call('GET', `/cases/${caseNo}`, { as: 'supervisor' })).body.timeline as TimelineEvent[];
    return t.length === 7 ? t : undefined;
  });
  expect(old.map((e) => e.type)).toEqual([
    'case.opened',
    'dispatch.ranked',
    'dispatch.exhausted',
    'engineer.assigned',
    'contact.recorded',
    'appointment.booked',
    'customer.notified',
  ]);

  const newRun = await resetToFirstWorkflowTask(workflowId);

  // The new run opens and dispatches the case again (seq 1-3, below the old run's 7);
  // the row follows it.
  await eventually('the new run back in the manual queue', async () => {
    const live = (await call('GET', `/cases/${caseNo}`, { as: 'supervisor' })).body.live;
    return live?.stage === 'manual_dispatch' && live.eventSeq === 3 ? live : undefined;
  });
  await waitForStage(caseNo, 'manual_dispatch');
  await post(`/cases/${caseNo}/assign`, 'dispatcher', { engineerId: 'E002' });
  await post(`/cases/${caseNo}/contact`, 'engineerE002', { confirmedAddress: '世纪大道100号 3楼', diagnosis: '启动电容' });
  const newSlot = futureSlot();
  const moved = await post(`/cases/${caseNo}/appointment`, 'engineerE002', newSlot);
  expect(moved.case).toMatchObject({ stage: 'scheduled', engineer: { id: 'E002' }, appointment: newSlot });

  const detail = await eventually('the new run’s 7 events on the timeline', async () => {
    const r = (await call('GET', `/cases/${caseNo}`, { as: 'supervisor' })).body;
    return r.timeline.length === 14 ? r : undefined;
  });
  expect(detail.case).toMatchObject({ stage: 'scheduled', engineer: { id: 'E002' }, contact: { diagnosis: '启动电容' }, appointment: newSlot });
  expect(detail.live).toMatchObject({ stage: 'scheduled', eventSeq: 7 });
  // What the old run recorded stays (it happened), then the new run's story, in time order.
  expect(brief(detail.timeline)).toEqual([
    ...brief(old).map(([, seq, type]) => [oldRun, seq, type]),
    [newRun, 1, 'case.opened'],
    [newRun, 2, 'dispatch.ranked'],
    [newRun, 3, 'dispatch.exhausted'],
    [newRun, 4, 'engineer.assigned'],
    [newRun, 5, 'contact.recorded'],
    [newRun, 6, 'appointment.booked'],
    [newRun, 7, 'customer.notified'],
  ]);
  // Seq 7 again, as the old run's last: the row still takes the new run's.
  const row = await pool.query('SELECT stage, engineer_id, run_id, last_event_seq FROM cases WHERE case_no = $1', [caseNo]);
  expect(row.rows).toEqual([{ stage: 'scheduled', engineer_id: 'E002', run_id: newRun, last_event_seq: 7 }]);
  const perRun = await pool.query('SELECT run_id, count(*)::int AS n, count(DISTINCT seq)::int AS seqs FROM case_events WHERE case_no = $1 GROUP BY run_id', [
    caseNo,
  ]);
  expect(new Map(perRun.rows.map((r) => [r.run_id, [r.n, r.seqs]]))).toEqual(
    new Map([
      [oldRun, [7, 7]],
      [newRun, [7, 7]],
    ]),
  );
  // The new run's booking is a booking of its own (not taken for the old run's first one):
  // E002's slot is held, E001's is let go, and the customer is told who comes now.
  const bookings = await pool.query('SELECT engineer_id, starts_at, status FROM engineer_bookings WHERE case_no = $1 ORDER BY created_at', [caseNo]);
  expect(bookings.rows).toEqual([
    { engineer_id: 'E001', starts_at: new Date(oldSlot.start), status: 'cancelled' },
    { engineer_id: 'E002', starts_at: new Date(newSlot.start), status: 'active' },
  ]);
  const told = await eventually('both “who comes” SMS sent', async () => {
    const r = await pool.query(
      `SELECT status, payload->'vars'->>'engineerId' AS badge FROM notifications WHERE case_no = $1 AND event = 'engineer.assigned' ORDER BY id`,
      [caseNo],
    );
    return r.rows.length === 2 && r.rows.every((m) => m.status === 'sent') ? r.rows : undefined;
  });
  expect(told.map((m) => m.badge)).toEqual(['B-E001', 'B-E002']);

  // The reset history replays against the current code without a nondeterminism error.
  await replayWorkflow(workflowId);
});

test('a complaint reset to its first workflow task: the row and the timeline follow the new run', async () => {
  const owner = `QA-reset-${Date.now().toString(36)}`;
  // The owner is a supervisor of the staff directory.
  const person = { id: owner, name: '复位主管', roles: ['supervisor'], email: `${owner.toLowerCase()}@staff.example.com`, preferredChannel: 'email' };
  expect((await call('POST', '/staff', { as: 'admin', body: person })).status).toBe(201);
  const phone = `+86 137 ${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')} ${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`;
  const registered = await call('POST', '/complaints', {
    as: 'agent',
    headers: { 'idempotency-key': idempotencyKey() },
    body: { category: 'service_attitude', grade: 'general', channel: 'phone', summary: '工程师上门态度恶劣', customer: { name: '李四', phone }, owner },
  });
  expect(registered.status).toBe(201);
  const complaintNo: string = registered.body.complaint.complaintNo;
  const workflowId = `complaint-${complaintNo}`;
  const act = (path: string, body: unknown) => post(`/complaints/${complaintNo}/${path}`, 'supervisor', body);
  await act('acknowledge', { note: '已致电致歉' });
  await act('investigate', { note: '调取录音' });
  const proposed = await act('resolution', { resolution: '免费复修' });
  expect(proposed.complaint.stage).toBe('resolution_proposed');
  const oldRun = await runIdOf(workflowId);
  const old = await eventually('the old run’s 4 events', async () => {
    const t = (await call('GET', `/complaints/${complaintNo}`, { as: 'agent' })).body.timeline as TimelineEvent[];
    return t.length === 4 ? t : undefined;
  });
  expect(old.map((e) => e.type)).toEqual(['complaint.opened', 'complaint.acknowledged', 'complaint.investigating', 'complaint.resolution_proposed']);

  const newRun = await resetToFirstWorkflowTask(workflowId);

  // The new run registers it again (seq 1) and the row follows; then the owner
  // acknowledges anew (seq 2).
  await eventually('the row back at received with the new run', async () => {
    const r = (await call('GET', `/complaints/${complaintNo}`, { as: 'agent' })).body;
    return r.live?.eventSeq === 1 && r.complaint.stage === 'received' ? r : undefined;
  });
  const ack = await act('acknowledge', { note: '重新联系客户', category: 'repair_quality' });
  expect(ack.complaint).toMatchObject({ stage: 'acknowledged', category: 'repair_quality', resolution: null });

  const detail = await eventually('the new run’s 2 events on the timeline', async () => {
    const r = (await call('GET', `/complaints/${complaintNo}`, { as: 'agent' })).body;
    return r.timeline.length === 6 ? r : undefined;
  });
  expect(detail.complaint).toMatchObject({ stage: 'acknowledged', category: 'repair_quality', resolution: null });
  expect(brief(detail.timeline)).toEqual([
    ...brief(old).map(([, seq, type]) => [oldRun, seq, type]),
    [newRun, 1, 'complaint.opened'],
    [newRun, 2, 'complaint.acknowledged'],
  ]);
  const row = await pool.query('SELECT stage, run_id, last_event_seq FROM complaints WHERE complaint_no = $1', [complaintNo]);
  expect(row.rows).toEqual([{ stage: 'acknowledged', run_id: newRun, last_event_seq: 2 }]);
});

test('an old run’s write landing after the new run’s leaves the row with the new run; a retry writes nothing', async () => {
  // A real case state, written under a case number no workflow owns, as the activity
  // would write it from two runs: the old run's last activity was still in flight (or
  // retrying) when ops reset the workflow, and lands after the new run's first write.
  const { body } = await openCase(intakeInput());
  const real = (await waitForStage(body.case.caseNo, 'manual_dispatch')).live as CaseState;
  const caseNo = testCaseNo();
  const t0 = Date.parse('2030-01-01T00:00:00Z');
  const write = (runId: string, seq: number, second: number, stage: Stage) => {
    const at = new Date(t0 + second * 1000).toISOString();
    const state: CaseState = { ...real, caseNo, workflowId: `case-${caseNo}`, stage, eventSeq: seq, updatedAt: at };
    return writeCaseEvent(db, state, {
      seq,
      runId,
      type: `test.${stage}`,
      fromStage: null,
      toStage: stage,
      actor: { role: 'agent' },
      data: {},
      occurredAt: at,
    });
  };
  const db = createDatabase(stackInfo().databaseUrl, { max: 1 });
  try {
    const row = async () => (await pool.query('SELECT run_id, last_event_seq, stage FROM cases WHERE case_no = $1', [caseNo])).rows;
    for (let seq = 1; seq <= 5; seq++) await write('run-old', seq, seq, 'scheduled');
    expect(await write('run-new', 2, 60, 'manual_dispatch')).toEqual({ inserted: true });
    expect(await row()).toEqual([{ run_id: 'run-new', last_event_seq: 2, stage: 'manual_dispatch' }]);
    // The old run's seq 6 was made before the reset: on the timeline, not on the row.
    expect(await write('run-old', 6, 6, 'on_site')).toEqual({ inserted: true });
    expect(await row()).toEqual([{ run_id: 'run-new', last_event_seq: 2, stage: 'manual_dispatch' }]);
    // A retry of the new run's write, and of an old one, changes nothing.
    expect(await write('run-new', 2, 60, 'manual_dispatch')).toEqual({ inserted: false });
    expect(await write('run-old', 5, 5, 'scheduled')).toEqual({ inserted: false });
    expect(await write('run-new', 3, 61, 'dispatched')).toEqual({ inserted: true });
    expect(await row()).toEqual([{ run_id: 'run-new', last_event_seq: 3, stage: 'dispatched' }]);
    const timeline = await call('GET', `/cases/${caseNo}`, { as: 'supervisor' });
    expect(brief(timeline.body.timeline)).toEqual([
      ['run-old', 1, 'test.scheduled'],
      ['run-old', 2, 'test.scheduled'],
      ['run-old', 3, 'test.scheduled'],
      ['run-old', 4, 'test.scheduled'],
      ['run-old', 5, 'test.scheduled'],
      ['run-old', 6, 'test.on_site'],
      ['run-new', 2, 'test.manual_dispatch'],
      ['run-new', 3, 'test.dispatched'],
    ]);
  } finally {
    await db.$client.end();
  }
});
