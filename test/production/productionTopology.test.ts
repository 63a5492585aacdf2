// The production topology on this machine: the real Temporal server (PostgreSQL
// persistence and SQL visibility, set up with the schema tool, the repository's server and
// dynamic config), the namespace and search attributes set up through the frontend's APIs
// as docker-compose.yml's one-shot job does, two workers and two APIs from the compiled
// build. A batch of cases and complaints goes through both APIs alternately while one
// worker and one API are killed; then nothing is lost or doubled, every custom search
// attribute finds the right workflows, and /ops retry-now (ResetActivity, the resume
// Update) works on this server. `npm run test:production` (not part of `npm test`).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection, type Client } from '@temporalio/client';
import { Pool } from 'pg';
import { createDatabase } from '../../db/client';
import { ensureNamespace, ensureSearchAttributes } from '../../scripts/temporalClusterSetup';
import { futureSlot, intakeInput, uniqueSerial } from '../support/fixtures';
import { freePort } from '../support/globalSetup';
import { eventually } from '../support/http';
import { testClient, TEST_PAYLOAD_KEYS } from '../support/payloadKeys';
import { startHttpReceiver, type HttpReceiver } from '../support/receivers';
import { ensureKeyedEngineers, uniqueRegion } from '../support/roster';
import { API_KEY_SECRET, API_KEYS_SPEC, ARTIFACTS, LINK_SECRET, STACK_LIMITS_ENV } from '../support/stackInfo';
import { killCompiledProcesses, startCompiled, type CompiledProcess } from './support/compiledProcesses';
import { startRealTemporal, type RealTemporal } from '../../scripts/cluster/realTemporal';
import { ApiPool } from './support/twoApis';
import { checkVisibility, driveCase, driveComplaint, expectQuery, listIds } from './support/batch';
import { checkSlaVisibility } from './support/slaBreach';

const COMPLAINT_STAGES = ['received', 'acknowledged', 'investigating', 'resolution_proposed', 'customer_confirmed', 'callback_verified', 'closed'];
const NAMESPACE = 'casework';
const RETENTION_DAYS = 30;
const CASES = 8;
const COMPLAINTS = 4;
const region = uniqueRegion('PROD');
const logDir = path.join(ARTIFACTS, 'production');
const setupLog = { info: () => undefined, warn: () => undefined };

let temporal: RealTemporal;
let connection: Connection;
let client: Client;
let pool: Pool;
let sms: HttpReceiver;
const workers: CompiledProcess[] = [];
let apis: CompiledProcess[] = [];
let api: ApiPool;
const started = Date.now();
const owner = `QA-PROD-${Date.now().toString(36)}`;
const timings: Record<string, number> = {};
let dataDir: string;
const healthFile = (n: number) => path.join(dataDir, `worker-${n}.health`);

beforeAll(async () => {
  // This run's logs only.
  fs.rmSync(logDir, { recursive: true, force: true });
  fs.mkdirSync(logDir, { recursive: true });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-production-'));
  temporal = await startRealTemporal({ dataDir, logFile: path.join(logDir, 'temporal-server.log') });
  connection = await Connection.connect({ address: temporal.address });
  client = testClient(connection, NAMESPACE);
  // What docker-compose.yml's temporal-setup job does, before any app process starts.
  let t = Date.now();
  await ensureNamespace(connection, NAMESPACE, RETENTION_DAYS, setupLog);
  await ensureSearchAttributes(connection, NAMESPACE, setupLog);
  timings.namespaceAndSearchAttributes = (Date.now() - t) / 1000;

  // The compiled build the processes run.
  t = Date.now();
  const build = spawnSync('npm', ['run', 'build'], { cwd: path.resolve(__dirname, '..', '..'), encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);
  timings.build = (Date.now() - t) / 1000;
  // The one-shot migrate job of docker-compose.yml; the replicas then only check.
  const migrate = spawnSync(process.execPath, ['dist/db/migrate-cli.js'], {
    cwd: path.resolve(__dirname, '..', '..'),
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: temporal.pg.url },
  });
  if (migrate.status !== 0) throw new Error(`migrate job failed:\n${migrate.stdout}\n${migrate.stderr}`);
  t = Date.now();

  sms = await startHttpReceiver();
  const common = {
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: NAMESPACE,
    DATABASE_URL: temporal.pg.url,
    TASK_QUEUE: 'casework',
    CUSTOMER_LINK_SECRET: LINK_SECRET,
    API_KEY_SECRET,
    PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
    LOG_LEVEL: 'info',
    MIGRATE_ON_START: 'false',
  };
  for (const n of [1, 2]) {
    const env = { ...common, SMS_GATEWAY_URL: `${sms.url}/sms`, WORKER_HEALTH_FILE: healthFile(n) };
    workers.push(startCompiled(`worker-${n}`, 'worker/main.js', env, 'worker running', path.join(logDir, `worker-${n}.log`)));
  }
  const ports = [await freePort(), await freePort()];
  apis = ports.map((port, i) =>
    startCompiled(
      `api-${i + 1}`,
      'api/main.js',
      { ...common, ...STACK_LIMITS_ENV, PORT: String(port), HOST: '127.0.0.1', API_KEYS: API_KEYS_SPEC },
      'API ready',
      path.join(logDir, `api-${i + 1}.log`),
    ),
  );
  await Promise.all([...workers, ...apis].map((p) => p.ready));
  timings.processesReady = (Date.now() - t) / 1000;
  api = new ApiPool(ports.map((p) => `http://127.0.0.1:${p}`));
  pool = new Pool({ connectionString: temporal.pg.url, max: 2 });
  const db = createDatabase(temporal.pg.url, { max: 1 });
  try {
    await ensureKeyedEngineers(db);
  } finally {
    await db.$client.end();
  }
  // The complaints' owner, a supervisor of the staff directory.
  await api.move('/staff', 'admin', {
    id: owner,
    name: '主管PROD',
    roles: ['supervisor'],
    email: `${owner.toLowerCase()}@staff.example.com`,
    preferredChannel: 'email',
  });
}, 900_000);

afterAll(async () => {
  await killCompiledProcesses();
  await pool?.end();
  await connection?.close();
  await sms?.close();
  await temporal?.stop();
  console.log(`test:production took ${Math.round((Date.now() - started) / 1000)} s; steps (s): ${JSON.stringify({ ...temporal?.timings, ...timings })}`);
});

test('the namespace has the documented retention and every custom search attribute, and setting up again changes nothing', async () => {
  const described = await connection.workflowService.describeNamespace({ namespace: NAMESPACE });
  expect(Number(described.config?.workflowExecutionRetentionTtl?.seconds)).toBe(RETENTION_DAYS * 86_400);
  expect(await ensureNamespace(connection, NAMESPACE, RETENTION_DAYS, setupLog)).toBe('unchanged');
  expect(await ensureSearchAttributes(connection, NAMESPACE, setupLog)).toEqual([]);
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: NAMESPACE });
  expect(Object.keys(customAttributes ?? {}).sort()).toEqual(
    [
      'AssignedEngineer',
      'CaseNo',
      'CaseStage',
      'ComplaintGrade',
      'ComplaintNo',
      'ComplaintStage',
      'EscalationLevel',
      'NeedsAttention',
      'NextDeadline',
      'Priority',
      'Region',
      'SlaBreached',
    ].sort(),
  );
});

test('a batch through both APIs alternately, one worker and one API killed mid-batch: all complete, none lost or doubled', async () => {
  await eventually(
    'both workers polling',
    async () => {
      const r = await api.call('GET', '/health', { as: 'ops' });
      return r.body?.workers?.pollers >= 2 ? true : undefined;
    },
    120_000,
  );
  let stepsDone = 0;
  let killed: Promise<unknown> | undefined;
  let apiKilledAt = Infinity;
  const totalSteps = (CASES + COMPLAINTS) * 7;
  const step = () => {
    stepsDone++;
    // Mid-batch, while requests and workflow tasks are in flight on both.
    if (!killed) {
      if (stepsDone < totalSteps / 3) return;
      killed = Promise.all([workers[0]!.kill('SIGKILL'), apis[0]!.kill('SIGKILL').then((how) => ((apiKilledAt = Date.now()), how))]);
    }
  };
  const priorities = ['P1', 'P2', 'P3', 'P4'] as const;
  const caseRuns = Array.from({ length: CASES }, (_, i) =>
    driveCase(
      api,
      {
        intake: intakeInput({
          priority: priorities[i % 4],
          customer: { ...intakeInput().customer, region },
          product: { ...intakeInput().product, serial: uniqueSerial() },
        }),
        engineer: i % 2 ? 'E002' : 'E001',
        slot: futureSlot(),
      },
      step,
    ),
  );
  const complaintRuns = Array.from({ length: COMPLAINTS }, (_, i) =>
    driveComplaint(api, { grade: i % 2 ? 'serious' : 'general', summary: `production batch ${region} #${i}`, owner }, step),
  );
  const cases = await Promise.all(caseRuns);
  const complaints = await Promise.all(complaintRuns);
  await killed;
  expect(killed).toBeDefined();
  expect(await workers[0]!.exited).toBe('SIGKILL');
  expect(await apis[0]!.exited).toBe('SIGKILL');

  // Every case archived, its timeline each event once, in order.
  for (const c of cases) {
    const detail = await api.call('GET', `/cases/${c.caseNo}`, { as: 'supervisor' });
    expect({ caseNo: c.caseNo, stage: detail.body.case.stage }).toEqual({ caseNo: c.caseNo, stage: 'archived' });
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
  }
  for (const c of complaints) {
    const detail = await api.call('GET', `/complaints/${c.complaintNo}`, { as: 'agent' });
    expect({ complaintNo: c.complaintNo, stage: detail.body.complaint.stage }).toEqual({ complaintNo: c.complaintNo, stage: 'closed' });
    // Each stage reached once, in order.
    const stages = detail.body.timeline.map((e: { toStage: string }) => e.toStage).filter((st: string, i: number, all: string[]) => st !== all[i - 1]);
    expect({ complaintNo: c.complaintNo, stages }).toEqual({ complaintNo: c.complaintNo, stages: COMPLAINT_STAGES });
  }
  // Nothing lost or doubled: one row per case, no event recorded twice, one workflow run each.
  const caseNos = cases.map((c) => c.caseNo);
  const rows = await pool.query('SELECT count(*)::int AS n FROM cases WHERE case_no = ANY($1)', [caseNos]);
  expect(rows.rows[0].n).toBe(CASES);
  expect(new Set(caseNos).size).toBe(CASES);
  const doubled = await pool.query(
    'SELECT case_no, type, count(*)::int AS n FROM case_events WHERE case_no = ANY($1) GROUP BY case_no, type HAVING count(*) > 1',
    [caseNos],
  );
  expect(doubled.rows).toEqual([]);
  await expectQuery(
    client,
    `Region = '${region}'`,
    caseNos.map((n) => `case-${n}`),
  );
  for (const c of cases) {
    const d = await client.workflow.getHandle(`case-${c.caseNo}`).describe();
    expect([c.caseNo, d.status.name]).toEqual([c.caseNo, 'COMPLETED']);
  }

  // Complaints likewise: one row each, no event twice, one completed workflow each.
  const complaintNos = complaints.map((c) => c.complaintNo);
  expect(new Set(complaintNos).size).toBe(COMPLAINTS);
  const complaintRows = await pool.query('SELECT count(*)::int AS n FROM complaints WHERE complaint_no = ANY($1)', [complaintNos]);
  expect(complaintRows.rows[0].n).toBe(COMPLAINTS);
  const complaintDoubled = await pool.query(
    `SELECT complaint_no, type, to_stage, count(*)::int AS n FROM complaint_events WHERE complaint_no = ANY($1)
     GROUP BY complaint_no, type, to_stage, data::text HAVING count(*) > 1`,
    [complaintNos],
  );
  expect(complaintDoubled.rows).toEqual([]);
  for (const no of complaintNos) {
    const d = await client.workflow.getHandle(`complaint-${no}`).describe();
    expect([no, d.status.name]).toEqual([no, 'COMPLETED']);
  }

  await checkVisibility(client, { region, cases, complaints });
  // The survivors did the rest: requests moved to the live API.
  expect(api.retries).toBeGreaterThan(0);
  // The killed API answered nothing after it died; what was sent to it then, the other answered.
  const [killedApi, liveApi] = api.bases;
  expect(api.lastAnswer.get(killedApi!)).toBeLessThan(apiKilledAt);
  const refused = api.failovers.filter((f) => f.refusedBy === killedApi);
  expect(refused.length).toBeGreaterThan(0);
  expect(new Set(refused.map((f) => f.answeredBy))).toEqual(new Set([liveApi]));
  expect((await api.call('GET', '/health', { as: 'ops' })).status).toBe(200);
  // The compose health check of the surviving worker (dist/worker/healthCheck.js) says it polls.
  const healthCheck = (n: number) =>
    spawnSync(process.execPath, ['dist/worker/healthCheck.js'], {
      cwd: path.resolve(__dirname, '..', '..'),
      env: { ...process.env, WORKER_HEALTH_FILE: healthFile(n) },
    }).status;
  expect(healthCheck(2)).toBe(0);
  expect(healthCheck(3)).toBe(1);
}, 900_000);

test('SLA state in visibility: SlaBreached, EscalationLevel and NextDeadline each tell a breached case from a calm one; /ops/stuck lists it', async () => {
  await checkSlaVisibility(api, client, uniqueRegion('PRODSLA'));
}, 300_000);

test('/ops retry-now on this server: ResetActivity restarts a failing notification, and a parked case resumes', async () => {
  // The gateway refuses this customer's SMS until told otherwise.
  const phone = '+86 139 0000 7777';
  let gatewayDown = true;
  sms.respond = (req, n) =>
    gatewayDown && req.raw.replace(/\D/g, '').includes('8613900007777') ? { status: 500, body: { error: 'down' } } : { status: 200, body: { id: `msg-${n}` } };
  const registered = await api.move('/complaints', 'agent', {
    category: 'service_attitude',
    grade: 'general',
    channel: 'phone',
    summary: 'ops reset test',
    customer: { name: '王五', phone, language: 'zh-CN' },
    owner,
  });
  const complaintNo: string = registered.complaint.complaintNo;
  const handle = client.workflow.getHandle(`complaint-${complaintNo}`);
  const attemptOf = async () => Math.max(0, ...((await handle.describe()).raw.pendingActivities ?? []).map((a) => a.attempt ?? 0));
  const before = await eventually('the SMS activity failing a few times', async () => ((await attemptOf()) >= 3 ? attemptOf() : undefined), 60_000);
  const reset = await api.move(`/ops/complaints/${complaintNo}/retry-now`, 'ops', { reason: 'gateway fixed' });
  expect(reset.reset.length).toBeGreaterThan(0);
  // Reset: the attempt count starts again (without the reset it only grows).
  await eventually('the attempt count reset', async () => ((await attemptOf()) < before ? true : undefined), 30_000);
  gatewayDown = false;
  await eventually('the SMS delivered', async () => (sms.received.some((r) => r.raw.replace(/\D/g, '').includes('8613900007777')) ? true : undefined), 90_000);
  await eventually('no activity pending', async () => ((await attemptOf()) === 0 ? true : undefined), 60_000);
  // Open complaints carry their next deadline and escalation level.
  await expectQuery(client, `ComplaintNo = '${complaintNo}' AND NextDeadline > '2000-01-01T00:00:00Z' AND EscalationLevel = 0`, [`complaint-${complaintNo}`]);
  await api.move(`/complaints/${complaintNo}/withdraw`, 'agent', { reason: 'test over' });

  // A step the database refuses for good parks the case (NeedsAttention); retry-now resumes it.
  const opened = await api.move('/cases', 'agent', intakeInput({ customer: { ...intakeInput().customer, region } }));
  const caseNo: string = opened.case.caseNo;
  await api.until(`/cases/${caseNo}`, (b) => (b.case.stage === 'manual_dispatch' ? true : undefined), 'manual_dispatch');
  const constraint = `qa_prod_${caseNo.replace(/\W/g, '_').toLowerCase()}`;
  await pool.query(`ALTER TABLE case_events ADD CONSTRAINT ${constraint} CHECK (case_no <> '${caseNo}' OR type <> 'case.cancelled') NOT VALID`);
  try {
    const cancel = await api.call('POST', `/cases/${caseNo}/cancel`, { as: 'supervisor', body: { reason: 'parking test' } }, 5_000).catch((e: Error) => e);
    expect(cancel instanceof Error || cancel.status === 503).toBe(true);
    await eventually(
      'the case parked (NeedsAttention)',
      async () => ((await listIds(client, `CaseNo = '${caseNo}' AND NeedsAttention = true`)).length === 1 ? true : undefined),
      60_000,
    );
    // GET /ops/stuck finds it through the NeedsAttention attribute and its live state.
    const stuck = await api.call('GET', '/ops/stuck?limit=500', { as: 'ops' });
    expect(stuck.status).toBe(200);
    const parked = stuck.body.items.find((i: { caseNo: string }) => i.caseNo === caseNo);
    expect(parked?.reasons.map((r: { kind: string }) => r.kind)).toContain('needs_attention');
  } finally {
    await pool.query(`ALTER TABLE case_events DROP CONSTRAINT IF EXISTS ${constraint}`);
  }
  const resumed = await api.move(`/ops/cases/${caseNo}/retry-now`, 'ops', { reason: 'dropped the bad constraint' });
  expect(resumed.resumed).toBe(1);
  await api.until(`/cases/${caseNo}`, (b) => (b.case.stage === 'cancelled' ? true : undefined), 'cancelled after the resume');
  await eventually(
    'NeedsAttention cleared',
    async () => ((await listIds(client, `CaseNo = '${caseNo}' AND NeedsAttention = true`)).length === 0 ? true : undefined),
    60_000,
  );
  const { rows } = await pool.query(`SELECT count(*)::int AS n FROM case_events WHERE case_no = $1 AND type = 'case.cancelled'`, [caseNo]);
  expect(rows[0].n).toBe(1);
}, 600_000);
