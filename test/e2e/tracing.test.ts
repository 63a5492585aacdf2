// One trace from the HTTP request to the activity, across both processes: an API and a
// worker (`npm run api` / `npm run worker` under tsx) on a task queue of this test, with
// OTEL_EXPORTER_OTLP_ENDPOINT pointing at a receiver in the test. POST /cases's server
// span, the Temporal client's span, the workflow's and recordCaseEvent's activity span
// share one trace id; and the worker's log line for that activity carries the trace id,
// the request id (X-Request-Id) and the case number.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { intakeInput } from '../support/fixtures';
import { freePort } from '../support/globalSetup';
import { call, eventually, idempotencyKey } from '../support/http';
import { startOtlpReceiver, type ReceivedSpan } from '../support/otlpReceiver';
import { API_KEY_SECRET, API_KEYS_SPEC, ARTIFACTS, LINK_SECRET, STACK_LIMITS_ENV, stackInfo } from '../support/stackInfo';
import { TEST_PAYLOAD_KEYS } from '../support/payloadKeys';
import { killWorkerProcesses, startWorkerProcess } from '../support/workerProcess';

const root = path.resolve(__dirname, '..', '..');
const TASK_QUEUE = `tracing-${Date.now()}`;
const workerLog = path.join(ARTIFACTS, `${TASK_QUEUE}-worker.log`);
let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
let api: ChildProcess | undefined;
let apiLog = '';
let base: string;
let workerMetrics: string;
let sdkMetrics: string;

function startApiProcess(env: Record<string, string>): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'api', 'main.ts')], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  api = child;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`API not ready in 60 s:\n${apiLog}`)), 60_000);
    const onData = (d: Buffer) => {
      apiLog += d.toString();
      if (apiLog.includes('API ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`API exited ${code}:\n${apiLog}`)));
  });
}

beforeAll(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  receiver = await startOtlpReceiver();
  const info = stackInfo();
  const common = {
    TEMPORAL_ADDRESS: info.temporalAddress,
    DATABASE_URL: info.databaseUrl,
    TASK_QUEUE,
    CUSTOMER_LINK_SECRET: LINK_SECRET,
    API_KEY_SECRET,
    PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
  };
  const [metricsPort, sdkPort, port] = [await freePort(), await freePort(), await freePort()];
  workerMetrics = `http://127.0.0.1:${metricsPort}/metrics`;
  sdkMetrics = `http://127.0.0.1:${sdkPort}/metrics`;
  const worker = startWorkerProcess({
    taskQueue: TASK_QUEUE,
    logFile: workerLog,
    env: {
      ...common,
      SMS_GATEWAY_URL: info.localGateways?.smsUrl ?? '',
      WORKER_METRICS_PORT: String(metricsPort),
      TEMPORAL_METRICS_ADDRESS: `127.0.0.1:${sdkPort}`,
    },
  });
  base = `http://127.0.0.1:${port}`;
  await Promise.all([
    worker.ready,
    startApiProcess({ ...common, ...STACK_LIMITS_ENV, PORT: String(port), HOST: '127.0.0.1', API_KEYS: API_KEYS_SPEC, LOG_LEVEL: 'info' }),
  ]);
}, 120_000);

afterAll(async () => {
  await killWorkerProcesses();
  if (api && api.exitCode === null) {
    const exited = new Promise((r) => api!.once('exit', r));
    api.kill('SIGTERM');
    await exited;
  }
  await receiver?.close();
});

test('POST /cases → Temporal client → workflow → recordCaseEvent is one trace, and the activity log line names it', async () => {
  const requestId = `trace-test-${Date.now()}`;
  const res = await fetch(`${base}/cases`, {
    method: 'POST',
    headers: { authorization: 'Bearer test-agent-key', 'content-type': 'application/json', 'idempotency-key': idempotencyKey(), 'x-request-id': requestId },
    body: JSON.stringify(intakeInput()),
  });
  expect(res.status).toBe(201);
  expect(res.headers.get('x-request-id')).toBe(requestId);
  const caseNo = ((await res.json()) as { case: { caseNo: string } }).case.caseNo;

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
    async () =>
      fs
        .readFileSync(workerLog, 'utf8')
        .split('\n')
        .filter((l) => l.includes('"case event recorded"') && l.includes(caseNo))
        .map((l) => JSON.parse(l) as Record<string, unknown>)[0],
  );
  expect(line).toMatchObject({ caseNo, trace_id: server.traceId, requestId });

  // The API's request line (pino-http, logged as the response finishes) names them too.
  const requestLine = await eventually(
    'the API logged POST /cases',
    async () =>
      apiLog
        .split('\n')
        .filter((l) => l.includes('"request completed"') && l.includes(requestId))
        .map((l) => JSON.parse(l) as Record<string, unknown>)[0],
  );
  expect(requestLine).toMatchObject({ requestId, caseNo, trace_id: server.traceId, req: { id: requestId, method: 'POST', url: '/cases' } });

  // Leave nothing running on this test's queue; the workflow's own span ends with it.
  expect((await call('POST', `/cases/${caseNo}/cancel`, { base, as: 'supervisor', body: { reason: 'tracing test' } })).status).toBe(200);
  const run = await eventually('RunWorkflow:caseWorkflow, once the case ended', async () => inTrace((s) => s.name === 'RunWorkflow:caseWorkflow'));
  expect(run.service).toBe('casework-worker');
  expect(scheduled.parentSpanId).toBe(run.spanId);
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
