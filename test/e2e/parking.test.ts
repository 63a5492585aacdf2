// A step the database refuses for good (here a CHECK constraint added for one case)
// does not spin and does not fail the case: the worker classifies the error as one no
// retry can fix, the workflow parks the case, ops find it in /ops/stuck and in Temporal
// (NeedsAttention), fix the cause and resume it; the move then lands exactly once.
import { Client, Connection } from '@temporalio/client';
import { Pool } from 'pg';
import { intakeInput } from '../support/fixtures';
import { call, eventually, idempotencyKey, openCase, waitForStage } from '../support/http';
import { stackInfo } from '../support/stackInfo';
import { testClient } from '../support/payloadKeys';

let pool: Pool;
let connection: Connection;
let temporal: Client;
beforeAll(async () => {
  pool = new Pool({ connectionString: stackInfo().databaseUrl, max: 2 });
  connection = await Connection.connect({ address: stackInfo().temporalAddress });
  temporal = testClient(connection);
});
afterAll(async () => {
  await pool.end();
  await connection.close();
});

async function eventCount(caseNo: string, type: string): Promise<number> {
  const { rows } = await pool.query('SELECT count(*)::int AS n FROM case_events WHERE case_no = $1 AND type = $2', [caseNo, type]);
  return rows[0].n;
}

async function needsAttention(caseNo: string): Promise<number> {
  let n = 0;
  for await (const _ of temporal.workflow.list({ query: `CaseNo = '${caseNo}' AND NeedsAttention = true` })) n++;
  return n;
}

test('a refused step parks the case for ops, who resume it after the fix; the move lands once', async () => {
  const opened = await openCase(intakeInput());
  const caseNo: string = opened.body.case.caseNo;
  await waitForStage(caseNo, 'manual_dispatch');
  const constraint = `qa_refuse_${caseNo.replace(/\W/g, '_').toLowerCase()}`;
  await pool.query(`ALTER TABLE case_events ADD CONSTRAINT ${constraint} CHECK (case_no <> '${caseNo}' OR type <> 'case.cancelled') NOT VALID`);
  const key = idempotencyKey();
  const cancel = () =>
    call('POST', `/cases/${caseNo}/cancel`, { as: 'supervisor', body: { reason: 'customer withdrew' }, headers: { 'idempotency-key': key } });
  try {
    // The move cannot be recorded: the request gets its deadline's 503, not a hang.
    const first = await cancel();
    expect(first.status).toBe(503);

    const stuck = await eventually('the case listed as needing attention', async () => {
      const r = await call('GET', '/ops/stuck?scan=0', { as: 'ops' });
      const it = r.body.items.find((i: { caseNo: string }) => i.caseNo === caseNo);
      return it?.reasons.some((x: { kind: string }) => x.kind === 'needs_attention') ? it : undefined;
    });
    const reason = stuck.reasons.find((x: { kind: string }) => x.kind === 'needs_attention');
    expect(reason.detail).toMatch(new RegExp(`recordCaseEvent parked: recordCaseEvent: PostgreSQL error 23514 .*constraint ${constraint}`));
    // No personal data in what Temporal stores and ops see.
    expect(reason.detail).not.toContain(intakeInput().customer.name);
    expect(await needsAttention(caseNo)).toBe(1);
    // Parked, not spinning: no activity keeps retrying.
    const described = await temporal.workflow.getHandle(`case-${caseNo}`).describe();
    expect(described.raw.pendingActivities ?? []).toEqual([]);
    expect(await eventCount(caseNo, 'case.cancelled')).toBe(0);
  } finally {
    await pool.query(`ALTER TABLE case_events DROP CONSTRAINT IF EXISTS ${constraint}`);
  }

  const resumed = await call('POST', `/ops/cases/${caseNo}/retry-now`, { as: 'ops', body: { reason: 'dropped the bad constraint' } });
  expect(resumed.status).toBe(200);
  expect(resumed.body.resumed).toBe(1);

  // The caller's retry with its key gets the first move's outcome.
  const retried = await eventually('the cancel answered', async () => {
    const r = await cancel();
    return r.status === 503 ? undefined : r;
  });
  expect(retried.status).toBe(200);
  expect(retried.body.case.stage).toBe('cancelled');
  await eventually('the resume on the timeline', async () => ((await eventCount(caseNo, 'case.resumed')) === 1 ? true : undefined));
  expect(await eventCount(caseNo, 'case.cancelled')).toBe(1);
  const { rows } = await pool.query(`SELECT actor_role, data FROM case_events WHERE case_no = $1 AND type = 'case.resumed'`, [caseNo]);
  expect(rows[0]).toMatchObject({ actor_role: 'ops', data: { reason: 'dropped the bad constraint', parked: [{ activity: 'recordCaseEvent' }] } });
  await eventually('NeedsAttention cleared', async () => ((await needsAttention(caseNo)) === 0 ? true : undefined));
});

test('a refused step parks a complaint the same way; ops resume it with /ops/complaints/:no/retry-now', async () => {
  const registered = await call('POST', '/complaints', {
    as: 'agent',
    body: {
      category: 'service_attitude',
      grade: 'general',
      channel: 'phone',
      summary: 'parking test',
      customer: { name: '李四', phone: '+86 137 0000 1234', language: 'zh-CN' },
    },
    headers: { 'idempotency-key': idempotencyKey() },
  });
  expect(registered.status).toBe(201);
  const complaintNo: string = registered.body.complaint.complaintNo;
  const constraint = `qa_refuse_${complaintNo.replace(/\W/g, '_').toLowerCase()}`;
  await pool.query(
    `ALTER TABLE complaint_events ADD CONSTRAINT ${constraint} CHECK (complaint_no <> '${complaintNo}' OR type <> 'complaint.acknowledged') NOT VALID`,
  );
  const key = idempotencyKey();
  const acknowledge = () => call('POST', `/complaints/${complaintNo}/acknowledge`, { as: 'supervisor', body: {}, headers: { 'idempotency-key': key } });
  const complaintEvents = async (type: string) =>
    (await pool.query('SELECT count(*)::int AS n FROM complaint_events WHERE complaint_no = $1 AND type = $2', [complaintNo, type])).rows[0].n;
  try {
    expect((await acknowledge()).status).toBe(503);
    const stuck = await eventually('the complaint listed as needing attention', async () => {
      const r = await call('GET', '/ops/stuck?scan=0', { as: 'ops' });
      const it = r.body.complaints.find((i: { complaintNo: string }) => i.complaintNo === complaintNo);
      return it?.reasons.some((x: { kind: string }) => x.kind === 'needs_attention') ? it : undefined;
    });
    expect(stuck.reasons.find((x: { kind: string }) => x.kind === 'needs_attention').detail).toMatch(
      new RegExp(`recordComplaintEvent parked: .*23514.*constraint ${constraint}.*POST /ops/complaints/${complaintNo}/retry-now`),
    );
    const described = await temporal.workflow.getHandle(`complaint-${complaintNo}`).describe();
    expect(described.raw.pendingActivities ?? []).toEqual([]);
  } finally {
    await pool.query(`ALTER TABLE complaint_events DROP CONSTRAINT IF EXISTS ${constraint}`);
  }
  expect((await call('POST', '/ops/complaints/CP-19990101-000001/retry-now', { as: 'ops', body: { reason: 'x' } })).status).toBe(404);
  expect((await call('POST', `/ops/complaints/${complaintNo}/retry-now`, { as: 'agent', body: { reason: 'x' } })).status).toBe(403);
  const resumed = await call('POST', `/ops/complaints/${complaintNo}/retry-now`, { as: 'ops', body: { reason: 'dropped the bad constraint' } });
  expect([resumed.status, resumed.body.resumed]).toEqual([200, 1]);
  const retried = await eventually('the acknowledge answered', async () => {
    const r = await acknowledge();
    return r.status === 503 ? undefined : r;
  });
  expect([retried.status, retried.body.complaint.stage]).toEqual([200, 'acknowledged']);
  await eventually('the resume on the timeline', async () => ((await complaintEvents('complaint.resumed')) === 1 ? true : undefined));
  expect(await complaintEvents('complaint.acknowledged')).toBe(1);
});
