// With no worker polling, every request still gets an answer within its deadline (503
// worker_unavailable with Retry-After, GET from PostgreSQL), /health says not ready,
// and a move retried with its Idempotency-Key after the worker is back runs once.
// The API runs in this process on a task queue of the test's own, with short deadlines.
import path from 'node:path';
import { Pool } from 'pg';
import { futureSlot, intakeInput } from '../support/fixtures';
import { call, eventually, idempotencyKey, waitForStage } from '../support/http';
import { startApi, type InProcessApi } from '../support/inProcessApi';
import { ARTIFACTS, stackInfo } from '../support/stackInfo';
import { killWorkerProcesses, startWorkerProcess, type WorkerProcess } from '../support/workerProcess';

const TASK_QUEUE = `deadline-test-${Date.now()}`;
const logFile = path.join(ARTIFACTS, 'worker-deadlines.log');
const startWorker = () => startWorkerProcess({ taskQueue: TASK_QUEUE, logFile });

let api: InProcessApi;
let base: string;
let pool: Pool;

beforeAll(async () => {
  const info = stackInfo();
  api = await startApi({
    temporalAddress: info.temporalAddress,
    databaseUrl: info.databaseUrl,
    taskQueue: TASK_QUEUE,
    deadlines: { temporalMs: 1_500, liveQueryMs: 500, requestMs: 8_000 },
  });
  base = api.base;
  pool = new Pool({ connectionString: info.databaseUrl, max: 2 });
});

afterAll(async () => {
  await killWorkerProcesses();
  await api.close();
  await pool.end();
});

async function events(caseNo: string, type: string): Promise<number> {
  const { rows } = await pool.query('SELECT count(*)::int AS n FROM case_events WHERE case_no = $1 AND type = $2', [caseNo, type]);
  return rows[0].n;
}

/** A request that must be answered (any status) before the client gives up at 10 s. */
async function answered(method: string, p: string, opts: Parameters<typeof call>[2] = {}) {
  return Promise.race([
    call(method, p, { base, ...opts }),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${method} ${p} not answered within 10 s`)), 10_000).unref()),
  ]);
}

test('no worker: 503 worker_unavailable with Retry-After, /health not ready; the retry after recovery makes one case', async () => {
  const live = await answered('GET', '/health/live', { as: null });
  expect(live).toEqual({ status: 200, body: { status: 'alive' } });
  // An ops key sees the poller count (the public answer only up/down).
  const health = await answered('GET', '/health', { as: 'ops' });
  expect(health.status).toBe(503);
  expect(health.body).toMatchObject({ status: 'degraded', temporal: { ok: true }, database: { ok: true }, workers: { ok: false, pollers: 0 } });

  const input = intakeInput();
  const key = idempotencyKey();
  const res = await fetch(`${base}/cases`, {
    method: 'POST',
    headers: { authorization: 'Bearer test-agent-key', 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(input),
  });
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe('worker_unavailable');

  const worker = startWorker();
  try {
    await worker.ready;
    await eventually('the worker shows in /health', async () => ((await call('GET', '/health', { base, as: null })).status === 200 ? true : undefined));
    // A fresh worker's first tasks may still miss this API's short deadline: retry the 503.
    const retried = await eventually('the retried intake is answered', async () => {
      const r = await answered('POST', '/cases', { body: input, headers: { 'idempotency-key': key } });
      return r.status === 503 ? undefined : r;
    });
    expect([200, 201]).toContain(retried.status);
    const rows = await pool.query('SELECT count(*)::int AS n FROM cases WHERE product_serial = $1', [input.product.serial]);
    expect(rows.rows[0].n).toBe(1);
  } finally {
    await worker.stop('SIGTERM');
  }
});

describe('moves with an Idempotency-Key', () => {
  let worker: WorkerProcess;
  let caseNo: string;

  beforeAll(async () => {
    worker = startWorker();
    await worker.ready;
    // A fresh worker's first tasks can take longer than this API's short deadline: a
    // client retries the 503 with the same key.
    const input = intakeInput();
    const key = idempotencyKey();
    const opened = await eventually('the case opens', async () => {
      const r = await answered('POST', '/cases', { body: input, headers: { 'idempotency-key': key } });
      return r.status === 503 ? undefined : r;
    });
    expect([200, 201]).toContain(opened.status);
    caseNo = opened.body.case.caseNo;
    await waitForStage(caseNo, 'manual_dispatch', { base });
  });
  afterAll(() => worker.stop('SIGTERM'));

  test('a retried move returns the first outcome and runs once; the key for another body is 422; agents must send one', async () => {
    const key = idempotencyKey();
    const first = await answered('POST', `/cases/${caseNo}/assign`, { as: 'dispatcher', body: { engineerId: 'E001' }, headers: { 'idempotency-key': key } });
    const again = await answered('POST', `/cases/${caseNo}/assign`, { as: 'dispatcher', body: { engineerId: 'E001' }, headers: { 'idempotency-key': key } });
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(again.body.case).toMatchObject({ stage: 'dispatched', engineer: { id: 'E001' } });
    expect(await events(caseNo, 'engineer.assigned')).toBe(1);
    expect(await events(caseNo, 'engineer.reassigned')).toBe(0);

    const other = await answered('POST', `/cases/${caseNo}/assign`, { as: 'dispatcher', body: { engineerId: 'E002' }, headers: { 'idempotency-key': key } });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('idempotency_key_reused');

    const noKey = await answered('POST', `/cases/${caseNo}/contact`, {
      as: 'engineerE001',
      body: { confirmedAddress: 'x', diagnosis: 'y' },
      headers: { 'idempotency-key': '' },
    });
    expect(noKey.status).toBe(400);
    expect(noKey.body.error.fields[0].path).toBe('headers.Idempotency-Key');
  });

  test('a retried reschedule books once, counts once and is answered with the first outcome', async () => {
    const opened = await answered('POST', '/cases', { body: intakeInput(), headers: { 'idempotency-key': idempotencyKey() } });
    const other: string = opened.body.case.caseNo;
    await waitForStage(other, 'manual_dispatch', { base });
    const move = (path: string, as: 'dispatcher' | 'engineerE001', body: unknown, key = idempotencyKey()) =>
      answered('POST', `/cases/${other}/${path}`, { as, body, headers: { 'idempotency-key': key } });
    expect((await move('assign', 'dispatcher', { engineerId: 'E001' })).status).toBe(200);
    expect((await move('contact', 'engineerE001', { confirmedAddress: '世纪大道100号', diagnosis: '待查' })).status).toBe(200);
    expect((await move('appointment', 'engineerE001', futureSlot())).status).toBe(200);
    const key = idempotencyKey();
    const body = { ...futureSlot(), requestedBy: 'engineer', reason: '零件未到' };
    const first = await move('appointment', 'engineerE001', body, key);
    const retried = await move('appointment', 'engineerE001', body, key);
    expect([first.status, retried.status]).toEqual([200, 200]);
    expect(retried.body.case.appointment).toEqual(first.body.case.appointment);
    expect(await events(other, 'appointment.rescheduled')).toBe(1);
    const live = await answered('GET', `/cases/${other}`, { as: 'supervisor' });
    expect(live.body.live.reschedules).toEqual({ customer: 0, engineer: 1 });
    const { rows } = await pool.query(`SELECT status, count(*)::int AS n FROM engineer_bookings WHERE case_no = $1 GROUP BY status ORDER BY status`, [other]);
    expect(rows).toEqual([
      { status: 'active', n: 1 },
      { status: 'cancelled', n: 1 },
    ]);
  });

  test('no worker: GET answers from PostgreSQL and says so; a move is 503, and its retry after recovery runs once', async () => {
    await worker.stop('SIGTERM');
    const got = await answered('GET', `/cases/${caseNo}`, { as: 'supervisor' });
    expect(got.status).toBe(200);
    expect(got.body.liveSource).toBe('projection');
    expect(got.body.live).toMatchObject({ caseNo, stage: 'dispatched' });

    const key = idempotencyKey();
    const cancel = () =>
      answered('POST', `/cases/${caseNo}/cancel`, { as: 'supervisor', body: { reason: 'customer withdrew' }, headers: { 'idempotency-key': key } });
    const down = await cancel();
    expect(down.status).toBe(503);
    expect(down.body.error.code).toBe('worker_unavailable');

    worker = startWorker();
    await worker.ready;
    const back = await eventually('the retried cancel is answered', async () => {
      const r = await cancel();
      return r.status === 503 ? undefined : r;
    });
    expect(back.status).toBe(200);
    expect(back.body.case.stage).toBe('cancelled');
    // The workflow has closed: the same key still gets the first outcome.
    const after = await cancel();
    expect(after.status).toBe(200);
    expect(after.body.case.stage).toBe('cancelled');
    expect(await events(caseNo, 'case.cancelled')).toBe(1);
  });
});
