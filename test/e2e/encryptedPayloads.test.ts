// Temporal never holds a customer's personal data in clear: a case driven through HTTP,
// read back WITHOUT the payload codec (history, describe with memo, summary and search
// attributes, the visibility listing, the UI's metadata query), contains no byte of the
// customer's phone (any spelling), name or address; WITH the codec the case is all there.
// A write PostgreSQL refuses with a message quoting the row leaves no customer data in
// the activity failure Temporal keeps either.
import { Connection, type Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Pool } from 'pg';
import { maskPhone } from '../../domain/privacy';
import { SA } from '../../domain/searchAttributes';
import { casePayloadCodec } from '../../shared/temporalData';
import { allPayloads, clearBytes, clientWithoutCodec, storedBytes, type Customer } from '../support/clearPersonalData';
import { futureSlot, intakeInput } from '../support/fixtures';
import { call, eventually, openCase, waitForStage } from '../support/http';
import { decodeStoredPayload, testClient, testPayloadKeys } from '../support/payloadKeys';
import { stackInfo } from '../support/stackInfo';

let connection: Connection;
let plain: Client;
let withCodec: Client;
let pool: Pool;
beforeAll(async () => {
  connection = await Connection.connect({ address: stackInfo().temporalAddress });
  plain = clientWithoutCodec(connection);
  withCodec = testClient(connection);
  pool = new Pool({ connectionString: stackInfo().databaseUrl, max: 2 });
});
afterAll(async () => {
  await connection.close();
  await pool.end();
});

function customer(): Customer {
  const n = String(Date.now() % 1e8).padStart(8, '0');
  return { name: '欧阳晓明', phone: `+86 139 ${n.slice(0, 4)} ${n.slice(4)}`, address: `上海市徐汇区漕溪北路${n.slice(-3)}号 7楼` };
}

async function openDriven(c: Customer): Promise<string> {
  const opened = await openCase(intakeInput({ customer: { ...intakeInput().customer, ...c } }));
  expect(opened.status).toBe(201);
  const caseNo: string = opened.body.case.caseNo;
  await waitForStage(caseNo, 'manual_dispatch');
  for (const [path, as, body] of [
    ['assign', 'dispatcher', { engineerId: 'E001' }],
    ['contact', 'engineerE001', { confirmedAddress: c.address, diagnosis: `客户${c.name}说外机异响，电话${c.phone}` }],
    ['appointment', 'engineerE001', futureSlot()],
  ] as const) {
    const r = await call('POST', `/cases/${caseNo}/${path}`, { as, body });
    expect([path, r.status]).toEqual([path, 200]);
  }
  return caseNo;
}

function report(what: string, stored: Record<string, Buffer>, c: Customer): number {
  let total = 0;
  const lines = Object.entries(stored).map(([part, bytes]) => {
    const { bytes: n, found } = clearBytes(bytes, c);
    total += n;
    return `  ${part.padEnd(14)} ${String(bytes.length).padStart(7)} bytes read, ${n} bytes of personal data in clear${found.length ? ` (${found.join(', ')})` : ''}`;
  });
  process.stdout.write(`${what}\n${lines.join('\n')}\n  clear personal-data bytes found in Temporal: ${total}\n`);
  return total;
}

test('a case driven through HTTP: no personal data in clear in Temporal; with the codec the case is there', async () => {
  const c = customer();
  const caseNo = await openDriven(c);
  const workflowId = `case-${caseNo}`;

  const stored = await storedBytes(plain, workflowId, { running: true });
  expect(report(`case ${caseNo}, read without the payload codec:`, stored, c)).toBe(0);
  // The haystack is real: the case number, its search attributes and the activities are in it.
  expect(stored.history!.includes(Buffer.from(caseNo))).toBe(true);
  expect(stored.history!.includes(Buffer.from('recordCaseEvent'))).toBe(true);
  expect(stored.history!.includes(Buffer.from('binary/encrypted'))).toBe(true);
  // Without the codec the client cannot read the state at all.
  await expect(plain.workflow.getHandle(workflowId).query('getCaseState')).rejects.toThrow(/encoding|binary\/encrypted/i);

  // With the codec: the live state, the start input and the UI's texts, which carry a masked phone and no name.
  const handle = withCodec.workflow.getHandle(workflowId);
  const state = await handle.query<{ stage: string; intake: { customer: Customer } }>('getCaseState');
  expect(state.stage).toBe('scheduled');
  expect(state.intake.customer).toMatchObject(c);
  const history = await handle.fetchHistory();
  const input = await decodeStoredPayload<{ intake: { customer: Customer } }>(
    history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!,
  );
  expect(input.intake.customer).toMatchObject(c);
  // The search finds the data where it is in clear: in the same history's payloads, decrypted.
  const decrypted = await casePayloadCodec(testPayloadKeys).decode(allPayloads(history));
  expect(decrypted.length).toBeGreaterThan(10);
  const inClear = clearBytes(Buffer.concat(decrypted.map((p) => Buffer.from(p.data ?? []))), c);
  expect(inClear.found).toEqual(expect.arrayContaining([c.phone, c.name, c.address]));
  const description = await handle.describe();
  const summary = (await description.staticSummary()) ?? '';
  const details = (await description.staticDetails()) ?? '';
  expect(summary).toContain(caseNo);
  expect(summary).toContain(maskPhone(c.phone));
  const meta = await handle.query<{ currentDetails: string }>('__temporal_workflow_metadata');
  expect(meta.currentDetails).toContain(`Customer: ${maskPhone(c.phone)}`);
  for (const text of [summary, details, meta.currentDetails]) expect(clearBytes(Buffer.from(text), c).found).toEqual([]);
  expect(description.typedSearchAttributes.get(SA.CaseStage)).toBe('scheduled');

  await call('POST', `/cases/${caseNo}/cancel`, { as: 'supervisor', body: { reason: 'test over' } });
  await waitForStage(caseNo, 'cancelled');
  expect(report(`case ${caseNo} closed, read without the payload codec:`, await storedBytes(plain, workflowId, { running: false }), c)).toBe(0);
});

test('a write PostgreSQL refuses with a message quoting the row: the activity failure in Temporal has the SQLSTATE, no customer data', async () => {
  const c = customer();
  const caseNo = await openDriven(c);
  const workflowId = `case-${caseNo}`;
  const fn = `qa_leak_${caseNo.replace(/\W/g, '_').toLowerCase()}`;
  // The server's own message carries the whole row (snapshot: name, phone, address), as a careless trigger's would.
  await pool.query(`CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW.case_no = '${caseNo}' AND NEW.type = 'case.cancelled' THEN RAISE EXCEPTION 'refused row %', row_to_json(NEW)::text; END IF; RETURN NEW; END $$`);
  await pool.query(`CREATE TRIGGER ${fn} BEFORE INSERT ON case_events FOR EACH ROW EXECUTE FUNCTION ${fn}()`);
  try {
    // The move waits for a write that keeps failing: the caller gets its deadline's 503.
    const cancel = await call('POST', `/cases/${caseNo}/cancel`, { as: 'supervisor', body: { reason: 'customer withdrew' } });
    expect(cancel.status).toBe(503);
    const failing = await eventually('the write failing and retried', async () => {
      const d = await plain.workflow.getHandle(workflowId).describe();
      const pending = (d.raw.pendingActivities ?? []).find((a) => (a.attempt ?? 0) >= 2 && a.lastFailure);
      return pending ?? undefined;
    });
    expect(failing.lastFailure!.message).toMatch(/^recordCaseEvent: PostgreSQL error P0001 PL\/pgSQL error$/);
    const raw = Buffer.from(temporal.api.failure.v1.Failure.encode(failing.lastFailure!).finish());
    expect(raw.includes(Buffer.from('Failed query'))).toBe(false);
    expect(report(`case ${caseNo}, refused write pending:`, { lastFailure: raw, ...(await storedBytes(plain, workflowId, { running: true })) }, c)).toBe(0);
  } finally {
    await pool.query(`DROP TRIGGER IF EXISTS ${fn} ON case_events`);
    await pool.query(`DROP FUNCTION IF EXISTS ${fn}()`);
  }
  await waitForStage(caseNo, 'cancelled', { timeoutMs: 60_000 });
  // The retried activity's last failure is now in the history (ActivityTaskStarted.lastFailure).
  const stored = await storedBytes(plain, workflowId, { running: false });
  expect(stored.history!.includes(Buffer.from('PostgreSQL error P0001'))).toBe(true);
  expect(report(`case ${caseNo} after the refused write, read without the payload codec:`, stored, c)).toBe(0);
});
