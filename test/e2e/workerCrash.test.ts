// A worker killed (SIGKILL) with cases in flight: a new worker picks them up, nothing
// is lost and nothing is written twice. Worker processes run `npm run worker`'s entry
// point against the test stack's Temporal and PostgreSQL, on a task queue of their own.
import fs from 'node:fs';
import path from 'node:path';
import { Pool } from 'pg';
import { futureSlot, intakeInput } from '../support/fixtures';
import { call, callRetrying, idempotencyKey, waitForStage } from '../support/http';
import { startApi, type InProcessApi } from '../support/inProcessApi';
import { ARTIFACTS, stackInfo } from '../support/stackInfo';
import { killWorkerProcesses, startWorkerProcess } from '../support/workerProcess';

const TASK_QUEUE = `crash-test-${Date.now()}`;
const logFile = path.join(ARTIFACTS, 'worker-crash.log');
const startWorker = () => startWorkerProcess({ taskQueue: TASK_QUEUE, logFile });

let api: InProcessApi;
let base: string;
let pool: Pool;

beforeAll(async () => {
  const info = stackInfo();
  api = await startApi({ temporalAddress: info.temporalAddress, databaseUrl: info.databaseUrl, taskQueue: TASK_QUEUE });
  base = api.base;
  pool = new Pool({ connectionString: info.databaseUrl, max: 2 });
});

afterAll(async () => {
  await killWorkerProcesses();
  await api.close();
  await pool.end();
});

test('SIGKILL of the worker mid-flight: cases resume on a new worker, each event exactly once', async () => {
  fs.writeFileSync(logFile, '');
  const first = startWorker();
  await first.ready;

  const caseNos: string[] = [];
  for (let i = 0; i < 4; i++) {
    const opened = await call('POST', '/cases', { base, body: intakeInput(), headers: { 'idempotency-key': idempotencyKey() } });
    expect(opened.status).toBe(201);
    const caseNo = opened.body.case.caseNo;
    caseNos.push(caseNo);
    await waitForStage(caseNo, 'manual_dispatch', { base });
    const assigned = await call('POST', `/cases/${caseNo}/assign`, { base, as: 'dispatcher', body: { engineerId: 'E001' } });
    expect(assigned.status).toBe(200);
    const contacted = await call('POST', `/cases/${caseNo}/contact`, {
      base,
      as: 'engineerE001',
      body: { confirmedAddress: '世纪大道100号', diagnosis: '待查' },
    });
    expect(contacted.status).toBe(200);
  }

  await first.stop('SIGKILL');

  // Bookings sent while no worker runs wait in Temporal, then complete on the new one.
  const bookings = Promise.all(caseNos.map((caseNo) => callRetrying('POST', `/cases/${caseNo}/appointment`, { base, as: 'engineerE001', body: futureSlot() })));
  const second = startWorker();
  try {
    await second.ready;
    const replies = await bookings;
    expect(replies.map((r) => r.status)).toEqual(caseNos.map(() => 200));
    expect(replies.map((r) => r.body.case.stage)).toEqual(caseNos.map(() => 'scheduled'));

    const { rows } = await pool.query(
      `SELECT case_no, array_agg(seq ORDER BY seq) AS seqs, count(*)::int AS n FROM case_events
       WHERE case_no = ANY($1) GROUP BY case_no ORDER BY case_no`,
      [caseNos],
    );
    // opened, ranked, exhausted, assigned, contact, booked, customer notified
    const seqs = [1, 2, 3, 4, 5, 6, 7];
    expect(rows).toEqual([...caseNos].sort().map((caseNo) => ({ case_no: caseNo, seqs, n: seqs.length })));
  } finally {
    await second.stop('SIGTERM');
  }
});
