// One trace from the HTTP request to the activity, across both processes: an API and a
// worker (`npm run api` / `npm run worker` under tsx) on a task queue of this test, with
// OTEL_EXPORTER_OTLP_ENDPOINT pointing at a receiver in the test. POST /cases's server
// span, the Temporal client's span, the workflow's and recordCaseEvent's activity span
// share one trace id; and the worker's log line for that activity carries the trace id,
// the request id (X-Request-Id) and the case number, as does a line the workflow itself
// logs. A second API and worker with tracing off show the request id and the case number
// still reach activity and workflow lines (a Temporal header, not baggage), an Update's
// its own.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { intakeInput } from '../support/fixtures';
import { freePort } from '../support/globalSetup';
import { call, eventually, idempotencyKey } from '../support/http';
import { startOtlpReceiver, type ReceivedSpan } from '../support/otlpReceiver';
import { startHttpReceiver, type HttpReceiver } from '../support/receivers';
import { API_KEY_SECRET, API_KEYS_SPEC, ARTIFACTS, LINK_SECRET, STACK_LIMITS_ENV, stackInfo } from '../support/stackInfo';
import { TEST_PAYLOAD_KEYS } from '../support/payloadKeys';
import { killWorkerProcesses, startWorkerProcess } from '../support/workerProcess';

const root = path.resolve(__dirname, '..', '..');
const TASK_QUEUE = `tracing-${Date.now()}`;
const PLAIN_QUEUE = `${TASK_QUEUE}-untraced`;
const workerLog = path.join(ARTIFACTS, `${TASK_QUEUE}-worker.log`);
const plainWorkerLog = path.join(ARTIFACTS, `${PLAIN_QUEUE}-worker.log`);
/** The SMS gateway refuses (400: not retried) messages to this number, so the workflow logs "notification refused". */
const REFUSED_PHONE = '+86 139 0000 6666';
let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
let sms: HttpReceiver;
const apis: Array<{ child: ChildProcess; log: () => string }> = [];
let base: string;
let plainBase: string;
let workerMetrics: string;
let sdkMetrics: string;

function startApiProcess(env: Record<string, string>): Promise<{ child: ChildProcess; log: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'api', 'main.ts')], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const api = { child, log: () => out };
  apis.push(api);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`API not ready in 60 s:\n${out}`)), 60_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('API ready')) {
        clearTimeout(timer);
        resolve(api);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`API exited ${code}:\n${out}`)));
  });
}

/** The JSON lines of `text` that contain every one of `parts`. */
function linesWith(text: string, ...parts: string[]): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((l) => parts.every((p) => l.includes(p)))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function openCase(at: string, requestId: string, phone?: string): Promise<string> {
  const input = intakeInput();
  const res = await fetch(`${at}/cases`, {
    method: 'POST',
    headers: { authorization: 'Bearer test-agent-key', 'content-type': 'application/json', 'idempotency-key': idempotencyKey(), 'x-request-id': requestId },
    body: JSON.stringify(phone ? { ...input, customer: { ...input.customer, phone } } : input),
  });
  expect(res.status).toBe(201);
  expect(res.headers.get('x-request-id')).toBe(requestId);
  return ((await res.json()) as { case: { caseNo: string } }).case.caseNo;
}

beforeAll(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  receiver = await startOtlpReceiver();
  sms = await startHttpReceiver();
  sms.respond = (req, n) =>
    req.raw.replace(/\D/g, '').includes('8613900006666') ? { status: 400, body: { error: 'refused' } } : { status: 200, body: { id: `msg-${n}` } };
  const info = stackInfo();
  const common = {
    TEMPORAL_ADDRESS: info.temporalAddress,
    DATABASE_URL: info.databaseUrl,
    CUSTOMER_LINK_SECRET: LINK_SECRET,
    API_KEY_SECRET,
    PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
    SMS_GATEWAY_URL: `${sms.url}/sms`,
  };
  const traced = { ...common, TASK_QUEUE, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint };
  // The same pair with tracing off: the request id must reach the activities without it.
  const plain = { ...common, TASK_QUEUE: PLAIN_QUEUE, OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '' };
  const [metricsPort, sdkPort, port, plainPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  workerMetrics = `http://127.0.0.1:${metricsPort}/metrics`;
  sdkMetrics = `http://127.0.0.1:${sdkPort}/metrics`;
  const worker = startWorkerProcess({
    taskQueue: TASK_QUEUE,
    logFile: workerLog,
    env: { ...traced, WORKER_METRICS_PORT: String(metricsPort), TEMPORAL_METRICS_ADDRESS: `127.0.0.1:${sdkPort}` },
  });
  const plainWorker = startWorkerProcess({ taskQueue: PLAIN_QUEUE, logFile: plainWorkerLog, env: plain });
  base = `http://127.0.0.1:${port}`;
  plainBase = `http://127.0.0.1:${plainPort}`;
  const apiEnv = { ...STACK_LIMITS_ENV, HOST: '127.0.0.1', API_KEYS: API_KEYS_SPEC, LOG_LEVEL: 'info' };
  await Promise.all([
    worker.ready,
    plainWorker.ready,
    startApiProcess({ ...traced, ...apiEnv, PORT: String(port) }),
    startApiProcess({ ...plain, ...apiEnv, PORT: String(plainPort) }),
  ]);
}, 180_000);

afterAll(async () => {
  await killWorkerProcesses();
  for (const { child } of apis) {
    if (child.exitCode !== null) continue;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  await receiver?.close();
  await sms?.close();
});

test('POST /cases → Temporal client → workflow → recordCaseEvent is one trace, and the activity log line names it', async () => {
  const requestId = `trace-test-${Date.now()}`;
  const caseNo = await openCase(base, requestId);

  const server = await eventually('the POST /cases server span', async () =>
    receiver.spans.find((s) => s.name === 'POST /cases' && s.attributes['casework.request_id'] === requestId),
  );
  expect(server).toMatchObject({ service: 'casework-api', attributes: { 'http.route': '/cases', 'casework.case_no': caseNo } });
  const inTrace = (pred: (s: ReceivedSpan) => boolean) => receiver.spans.find((s) => s.traceId === server.traceId && pred(s));
  const activity = await eventually('recordCaseEvent in the same trace', async () =>
    inTrace((s) => s.name === 'RunActivity:recordCaseEvent' && s.attributes['temporalWorkflowId'] === `case-${caseNo}`),
  );
  expect(activity.service).toBe('casework-worker');
  // The links between: the client's call (API) and the workflow's scheduling of the
  // activity (made in the worker's sandbox, exported through its sink) is the activity's parent.
  expect(inTrace((s) => s.service === 'casework-api' && s.name.startsWith('UpdateWithStartWorkflow'))).toBeDefined();
  const scheduled = await eventually('StartActivity:recordCaseEvent', async () => inTrace((s) => s.spanId === activity.parentSpanId));
  expect(scheduled).toMatchObject({ service: 'casework-worker', name: 'StartActivity:recordCaseEvent' });
  // One trace: nothing of this case landed in another one.
  const caseSpans = receiver.spans.filter((s) => s.attributes['temporalWorkflowId'] === `case-${caseNo}`);
  expect(new Set(caseSpans.map((s) => s.traceId))).toEqual(new Set([server.traceId]));

  // The worker's log line for that activity: trace, request and case, no hand-added fields needed.
  const line = await eventually(
    'the worker logged the case event',
    async () => linesWith(fs.readFileSync(workerLog, 'utf8'), '"case event recorded"', caseNo)[0],
  );
  expect(line).toMatchObject({ caseNo, trace_id: server.traceId, requestId });

  // The API's request line (pino-http, logged as the response finishes) names them too.
  const requestLine = await eventually('the API logged POST /cases', async () => linesWith(apis[0]!.log(), '"request completed"', requestId)[0]);
  expect(requestLine).toMatchObject({ requestId, caseNo, trace_id: server.traceId, req: { id: requestId, method: 'POST', url: '/cases' } });

  // Leave nothing running on this test's queue; the workflow's own span ends with it.
  expect((await call('POST', `/cases/${caseNo}/cancel`, { base, as: 'supervisor', body: { reason: 'tracing test' } })).status).toBe(200);
  const run = await eventually('RunWorkflow:caseWorkflow, once the case ended', async () => inTrace((s) => s.name === 'RunWorkflow:caseWorkflow'));
  expect(run.service).toBe('casework-worker');
  expect(scheduled.parentSpanId).toBe(run.spanId);
}, 120_000);

test("a workflow's own log line names its case, the request and the trace", async () => {
  const requestId = `trace-refused-${Date.now()}`;
  const caseNo = await openCase(base, requestId, REFUSED_PHONE);
  // notify() in the workflow logs the gateway's refusal (workflows/notify.ts) through the runtime logger.
  const line = await eventually(
    'the workflow logged the refusal',
    async () => linesWith(fs.readFileSync(workerLog, 'utf8'), '"notification refused"', caseNo)[0],
    60_000,
  );
  const server = await eventually('its POST /cases span', async () =>
    receiver.spans.find((s) => s.name === 'POST /cases' && s.attributes['casework.request_id'] === requestId),
  );
  expect(line).toMatchObject({ caseNo, requestId, trace_id: server.traceId, workflowId: `case-${caseNo}`, sdk: true });
  expect((await call('POST', `/cases/${caseNo}/cancel`, { base, as: 'supervisor', body: { reason: 'tracing test' } })).status).toBe(200);
}, 120_000);

test('with tracing off, activity and workflow log lines still carry the request id and the case, each handler its own request', async () => {
  const requestId = `plain-open-${Date.now()}`;
  const caseNo = await openCase(plainBase, requestId, REFUSED_PHONE);
  const log = () => fs.readFileSync(plainWorkerLog, 'utf8');
  const opened = await eventually('the case.opened event logged', async () => linesWith(log(), '"case event recorded"', caseNo, '"case.opened"')[0], 60_000);
  expect(opened).toMatchObject({ caseNo, requestId });
  expect(opened.trace_id).toBeUndefined();
  const refused = await eventually('the workflow logged the refusal', async () => linesWith(log(), '"notification refused"', caseNo)[0], 60_000);
  expect(refused).toMatchObject({ caseNo, requestId, workflowId: `case-${caseNo}` });
  expect(refused.trace_id).toBeUndefined();
  // An Update carries its own request's id to what it records.
  const cancelId = `plain-cancel-${Date.now()}`;
  const cancel = await fetch(`${plainBase}/cases/${caseNo}/cancel`, {
    method: 'POST',
    headers: { authorization: 'Bearer test-supervisor-key', 'content-type': 'application/json', 'idempotency-key': idempotencyKey(), 'x-request-id': cancelId },
    body: JSON.stringify({ reason: 'tracing test' }),
  });
  expect(cancel.status).toBe(200);
  const cancelled = await eventually(
    'the case.cancelled event logged',
    async () => linesWith(log(), '"case event recorded"', caseNo, '"case.cancelled"')[0],
    60_000,
  );
  expect(cancelled).toMatchObject({ caseNo, requestId: cancelId });
  expect(receiver.spans.some((s) => s.attributes['casework.request_id'] === requestId || s.attributes['temporalWorkflowId'] === `case-${caseNo}`)).toBe(false);
}, 120_000);

test("the worker's metrics listener serves its counters, and the SDK runtime its Temporal metrics", async () => {
  // The case above recorded its events and sent its opening SMS through this worker.
  const ours = await eventually('the worker counted the opening SMS', async () => {
    const text = await (await fetch(workerMetrics)).text();
    return /^casework_notifications_sent_total\{channel="sms"\} [1-9]/m.test(text) ? text : undefined;
  });
  expect(ours).toMatch(/^# TYPE casework_dispatch_offers_total counter$/m);
  expect((await fetch(workerMetrics.replace('/metrics', '/other'))).status).toBe(404);
  const sdk = await (await fetch(sdkMetrics)).text();
  expect(sdk).toMatch(/^temporal_activity_schedule_to_start_latency_bucket\{/m);
  expect(sdk).toMatch(/^temporal_workflow_task_schedule_to_start_latency_bucket\{/m);
}, 60_000);
