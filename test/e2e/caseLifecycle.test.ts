// End-to-end through HTTP against the real launcher stack: Temporal dev server,
// embedded PostgreSQL, worker and API.
import { Client, Connection } from '@temporalio/client';
import { Pool } from 'pg';
import { SA } from '../../domain/searchAttributes';
import { futureSlot, intakeInput, MANUAL_REGION } from '../support/fixtures';
import { call, idempotencyKey, openCase, waitForStage } from '../support/http';
import { replayCase } from '../support/replay';
import { stackInfo } from '../support/stackInfo';
import { decodeStoredPayload, testClient } from '../support/payloadKeys';

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

async function walk(caseNo: string, steps: Array<[string, string, unknown]>) {
  const stages: string[] = [];
  for (const [path, as, body] of steps) {
    const r = await call('POST', `/cases/${caseNo}/${path}`, { as: as as never, body });
    expect({ path, status: r.status, body: r.status === 200 ? undefined : r.body }).toEqual({ path, status: 200, body: undefined });
    stages.push(r.body.case.stage);
  }
  return stages;
}

test('GET /health reports both dependencies up and the worker polling', async () => {
  const r = await call('GET', '/health', { as: null });
  expect(r).toEqual({ status: 200, body: { status: 'ok', temporal: { ok: true }, database: { ok: true }, workers: { ok: true } } });
  const ops = await call('GET', '/health', { as: 'ops' });
  expect(ops).toMatchObject({ status: 200, body: { status: 'ok', workers: { ok: true, pollers: 1 } } });
});

test('a case goes from intake to archived through the API', async () => {
  const opened = await openCase(intakeInput({ priority: 'P1' }));
  expect(opened.status).toBe(201);
  const caseNo: string = opened.body.case.caseNo;
  expect(caseNo).toMatch(/^CS-\d{8}-\d{6}$/);
  expect(opened.body.case).toMatchObject({ priority: 'P1', engineer: null });
  // Nobody serves the fixture's region: automatic dispatch hands it to the manual queue.
  await waitForStage(caseNo, 'manual_dispatch');

  const slot = futureSlot();
  const stages = await walk(caseNo, [
    ['assign', 'dispatcher', { engineerId: 'E001' }],
    ['contact', 'engineerE001', { confirmedAddress: '世纪大道100号 3楼', diagnosis: '疑似启动电容故障', partsToBring: [{ partNo: 'CAP-35UF', quantity: 1 }] }],
    ['appointment', 'engineerE001', slot],
    ['check-in', 'engineerE001', { lat: 31.23, lng: 121.47 }],
    ['check-out', 'engineerE001', { result: 'fixed', resolution: '更换启动电容，试机正常' }],
    ['confirm', 'agent', { rating: 5, comment: '师傅很专业' }],
  ]);
  expect(stages).toEqual(['dispatched', 'contacted', 'scheduled', 'on_site', 'awaiting_confirmation', 'archived']);

  const detail = await call('GET', `/cases/${caseNo}`);
  expect(detail.status).toBe(200);
  expect(detail.body.case).toMatchObject({
    stage: 'archived',
    engineer: { id: 'E001', name: '李工', badgeNo: 'B-E001' },
    appointment: { start: slot.start, end: slot.end },
    visits: 1,
    checkOut: { result: 'fixed' },
    confirmation: { rating: 5, comment: '师傅很专业' },
  });
  expect(detail.body.case.closedAt).not.toBeNull();
  expect(detail.body.live).toMatchObject({ caseNo, stage: 'archived', eventSeq: 10 });
  expect(detail.body.timeline.map((e: { type: string }) => e.type)).toEqual([
    'case.opened',
    'dispatch.ranked',
    'dispatch.exhausted',
    'engineer.assigned',
    'contact.recorded',
    'appointment.booked',
    'customer.notified',
    'visit.checked_in',
    'visit.checked_out',
    'case.confirmed',
  ]);
  expect(detail.body.timeline[5].actor).toEqual({ role: 'engineer', subject: 'E001', personId: null, personName: null }); // an API_KEYS key: no person
  expect(detail.body.case.metrics).toMatchObject({ visits: 1, reworks: 0, firstTimeFix: true });

  // What ops see in the Temporal UI: search attributes and a readable summary.
  const description = await temporal.workflow.getHandle(`case-${caseNo}`).describe();
  expect(description.status.name).toBe('COMPLETED');
  expect(description.typedSearchAttributes.get(SA.CaseNo)).toBe(caseNo);
  expect(description.typedSearchAttributes.get(SA.CaseStage)).toBe('archived');
  expect(description.typedSearchAttributes.get(SA.Priority)).toBe('P1');
  expect(description.typedSearchAttributes.get(SA.AssignedEngineer)).toBe('E001');
  expect(description.typedSearchAttributes.get(SA.Region)).toBe(MANUAL_REGION);
  expect(description.typedSearchAttributes.get(SA.SlaBreached)).toBe(false);
  expect(await description.staticSummary()).toContain(caseNo);

  // The real server's history replays without a nondeterminism error (workers that
  // restart, queries after a cache eviction and new deployments all replay it).
  await replayCase(caseNo);

  // A closed case refuses further moves with its stage.
  const again = await call('POST', `/cases/${caseNo}/cancel`, { body: { reason: 'too late' } });
  expect(again.status).toBe(409);
  expect(again.body.error).toMatchObject({ code: 'illegal_transition', currentStage: 'archived' });
});

test('the defaults that shape a run are in its start input, so a later change of a default in code never reaches it', async () => {
  const opened = await openCase(intakeInput());
  const history = await temporal.workflow.getHandle(`case-${opened.body.case.caseNo}`).fetchHistory();
  const payload = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
  const input = await decodeStoredPayload<Record<string, unknown>>(payload);
  expect(input).toMatchObject({
    reminders: expect.objectContaining({ customerBeforeVisitMinutes: expect.any(Array), contactBeforeLapseMinutes: expect.any(Number) }),
    // Escalations are routed to people on duty when they fire: no fixed address in the input.
    routing: 'duty',
    aftercare: { callbackAfterMinutes: 24 * 60, maintenanceAfterDays: expect.any(Number) },
  });
  expect(input).not.toHaveProperty('contacts');
  await call('POST', `/cases/${opened.body.case.caseNo}/cancel`, { body: { reason: 'test over' } });
});

test('a case can be cancelled with a reason, and then nothing else moves it', async () => {
  const { body } = await openCase(intakeInput());
  const caseNo = body.case.caseNo;
  await waitForStage(caseNo, 'manual_dispatch');
  await walk(caseNo, [
    ['assign', 'dispatcher', { engineerId: 'E002' }],
    ['contact', 'engineerE002', { confirmedAddress: '世纪大道100号', diagnosis: '待查' }],
    ['appointment', 'engineerE002', futureSlot()],
  ]);
  const cancelled = await call('POST', `/cases/${caseNo}/cancel`, { as: 'agent', body: { reason: '客户已自行修好' } });
  expect(cancelled.status).toBe(200);
  expect(cancelled.body.case).toMatchObject({ stage: 'cancelled', cancelReason: '客户已自行修好' });
  const checkIn = await call('POST', `/cases/${caseNo}/check-in`, { as: 'engineerE002', body: {} });
  expect(checkIn.status).toBe(409);
  expect(checkIn.body.error.currentStage).toBe('cancelled');
  const description = await temporal.workflow.getHandle(`case-${caseNo}`).describe();
  expect(description.typedSearchAttributes.get(SA.CaseStage)).toBe('cancelled');
});

test('an illegal move answers 409 with the current stage and changes nothing', async () => {
  const { body } = await openCase(intakeInput());
  const caseNo = body.case.caseNo;
  await waitForStage(caseNo, 'manual_dispatch');
  const r = await call('POST', `/cases/${caseNo}/confirm`, { body: { rating: 4 } });
  expect(r.status).toBe(409);
  expect(r.body.error).toMatchObject({ code: 'illegal_transition', currentStage: 'manual_dispatch' });
  const events = await pool.query('SELECT count(*)::int AS n FROM case_events WHERE case_no = $1', [caseNo]);
  expect(events.rows[0].n).toBe(3);
});

describe('Idempotency-Key', () => {
  test('a retry returns the same case: 201 then 200, one row, one workflow', async () => {
    const input = intakeInput();
    const key = idempotencyKey();
    const first = await openCase(input, key);
    const second = await openCase(input, key);
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body.case.caseNo).toBe(first.body.case.caseNo);
    const rows = await pool.query('SELECT case_no FROM cases WHERE product_serial = $1', [input.product.serial]);
    expect(rows.rows).toEqual([{ case_no: first.body.case.caseNo }]);
    const runs = await temporal.workflow.getHandle(`case-${first.body.case.caseNo}`).fetchHistory();
    expect(runs.events!.filter((e) => e.workflowExecutionStartedEventAttributes)).toHaveLength(1);
  });

  test('concurrent retries with one key make one case: one 201, the rest 200', async () => {
    const input = intakeInput();
    const key = idempotencyKey();
    const replies = await Promise.all(Array.from({ length: 6 }, () => openCase(input, key)));
    const caseNos = new Set(replies.map((r) => r.body.case?.caseNo));
    expect(caseNos.size).toBe(1);
    // One request made it; the others are replays of it.
    expect(replies.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    const rows = await pool.query('SELECT count(*)::int AS n FROM cases WHERE product_serial = $1', [input.product.serial]);
    expect(rows.rows[0].n).toBe(1);
  });

  test('the same key with a different body is refused (422)', async () => {
    const key = idempotencyKey();
    const first = await openCase(intakeInput(), key);
    const other = await openCase(intakeInput(), key);
    expect(other.status).toBe(422);
    expect(other.body.error).toMatchObject({ code: 'idempotency_key_reused', existingCaseNo: first.body.case.caseNo });
  });

  test('a missing or malformed key is a 400', async () => {
    const missing = await call('POST', '/cases', { body: intakeInput() });
    expect(missing.status).toBe(400);
    expect(missing.body.error.fields[0].path).toBe('headers.Idempotency-Key');
    const short = await openCase(intakeInput(), 'abc');
    expect(short.status).toBe(400);
  });
});

describe('duplicate intake', () => {
  test('an open case for the same phone + serial is a 409 naming it, unless allowDuplicate', async () => {
    const input = intakeInput();
    const first = await openCase(input);
    // The same phone written differently is the same customer.
    const samePhone = { ...input, customer: { ...input.customer, phone: '13800138000' } };
    const dup = await openCase(samePhone);
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatchObject({ code: 'duplicate_case', existingCaseNo: first.body.case.caseNo });
    const allowed = await openCase({ ...samePhone, allowDuplicate: true });
    expect(allowed.status).toBe(201);
    expect(allowed.body.case.caseNo).not.toBe(first.body.case.caseNo);
  });

  test('once the earlier case is closed, a new one may be opened', async () => {
    const input = intakeInput();
    const first = await openCase(input);
    await call('POST', `/cases/${first.body.case.caseNo}/cancel`, { body: { reason: '重复录入' } });
    const next = await openCase(input);
    expect(next.status).toBe(201);
  });
});

describe('listing', () => {
  test('filters by engineer and created range, pages with a cursor', async () => {
    const engineer = `PG${Date.now().toString(36)}`.slice(0, 12);
    const created = await call('POST', '/engineers', {
      as: 'admin',
      body: { id: engineer, name: '分页工', badgeNo: 'PG-1', skills: [], regions: ['QA-HOLD'], maxOpenCases: 10 },
    });
    expect(created.status).toBe(201);
    const since = new Date(Date.now() - 1000).toISOString();
    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { body } = await openCase(intakeInput({ priority: 'P3' }));
      made.push(body.case.caseNo);
      await waitForStage(body.case.caseNo, 'manual_dispatch');
      await walk(body.case.caseNo, [['assign', 'dispatcher', { engineerId: engineer }]]);
    }
    const q = `engineer=${engineer}&createdFrom=${encodeURIComponent(since)}&stage=dispatched&priority=P3&limit=2`;
    const page1 = await call('GET', `/cases?${q}`);
    expect(page1.status).toBe(200);
    expect(page1.body.items).toHaveLength(2);
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    const page2 = await call('GET', `/cases?${q}&cursor=${page1.body.nextCursor}`);
    expect(page2.body.items).toHaveLength(1);
    expect(page2.body.nextCursor).toBeNull();
    const seen = [...page1.body.items, ...page2.body.items].map((c: { caseNo: string }) => c.caseNo);
    expect(seen).toEqual([...made].reverse());

    const none = await call('GET', `/cases?engineer=${engineer}&stage=archived`);
    expect(none.body.items).toEqual([]);
  });

  test('an engineer sees only their own cases', async () => {
    const { body } = await openCase(intakeInput());
    await waitForStage(body.case.caseNo, 'manual_dispatch');
    await walk(body.case.caseNo, [['assign', 'dispatcher', { engineerId: 'E002' }]]);
    const mine = await call('GET', '/cases?limit=100', { as: 'engineerE002' });
    expect(mine.status).toBe(200);
    expect(mine.body.items.length).toBeGreaterThan(0);
    expect(mine.body.items.every((c: { engineer: { id: string } }) => c.engineer?.id === 'E002')).toBe(true);
    expect((await call('GET', '/cases?engineer=E002', { as: 'engineerE001' })).status).toBe(403);
    expect((await call('GET', `/cases/${body.case.caseNo}`, { as: 'engineerE001' })).status).toBe(403);
    expect((await call('GET', `/cases/${body.case.caseNo}`, { as: 'engineerE002' })).status).toBe(200);
  });
});

test('the OpenAPI document and the docs page are served', async () => {
  const doc = await call('GET', '/openapi.json', { as: null });
  expect(doc.status).toBe(200);
  expect(doc.body.openapi).toBe('3.1.0');
  expect(Object.keys(doc.body.paths)).toEqual(
    expect.arrayContaining(['/health', '/cases', '/cases/{caseNo}', '/cases/{caseNo}/assign', '/cases/{caseNo}/cancel']),
  );
  expect(doc.body.components.schemas.CaseIntake.properties.channel).toBeDefined();
  const docs = await fetch(`${stackInfo().apiUrl}/docs/`);
  expect(docs.status).toBe(200);
  expect(await docs.text()).toContain('swagger-ui');
});
