// The production build: `npm run build` compiles to dist/ and prebuilds the workflow
// bundle; the committed histories replay against that very bundle; and the compiled API
// and worker (plain node, no tsx, no webpack at start) run a case on the test stack.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { intakeInput } from '../support/fixtures';
import { freePort } from '../support/globalSetup';
import { committedReleases, loadHistories, replayFailures } from '../support/historyReplay';
import { call, idempotencyKey, waitForStage } from '../support/http';
import { API_KEY_SECRET, API_KEYS_SPEC, LINK_SECRET, STACK_LIMITS_ENV, stackInfo } from '../support/stackInfo';
import { TEST_PAYLOAD_KEYS } from '../support/payloadKeys';

const root = path.resolve(__dirname, '..', '..');
const bundlePath = path.join(root, 'dist', 'workflow-bundle.js');
const tracedBundlePath = path.join(root, 'dist', 'workflow-bundle-traced.js');
const TASK_QUEUE = `production-build-${Date.now()}`;
const children: ChildProcess[] = [];

afterAll(async () => {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGTERM');
        }),
    ),
  );
});

/** Starts a compiled entry point with plain node; resolves with its log once `ready` appears. */
function startCompiled(entry: string, env: Record<string, string>, ready: string): Promise<{ log: () => string }> {
  const child = spawn(process.execPath, [path.join(root, 'dist', entry)], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let log = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} not ready in 60 s:\n${log}`)), 60_000);
    const onData = (d: Buffer) => {
      log += d.toString();
      if (log.includes(ready)) {
        clearTimeout(timer);
        resolve({ log: () => log });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${entry} exited ${code}:\n${log}`)));
  });
}

test('npm run build compiles and prebuilds the workflow bundle; the committed histories replay against it', async () => {
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8' });
  expect(build.status).toBe(0);
  expect(fs.statSync(bundlePath).size).toBeGreaterThan(100_000);
  // The image holds dist/ only: the dashboard's browser files must be in it.
  expect(fs.existsSync(path.join(root, 'dist', 'api', 'pages', 'dashboard', 'assets', 'dashboard.js'))).toBe(true);
  // The tracing workflow interceptors (~2.5 MB per cached case) are in the traced bundle
  // only, which the worker loads when tracing is on.
  expect(fs.readFileSync(bundlePath, 'utf8')).not.toContain('OpenTelemetryInboundInterceptor');
  expect(fs.readFileSync(tracedBundlePath, 'utf8')).toMatch(/OpenTelemetryInboundInterceptor[\s\S]*workflow-interceptors/);
  for (const release of committedReleases()) {
    expect(await replayFailures({ codePath: bundlePath }, loadHistories(release), `prebuilt-${release}`)).toEqual([]);
  }
  const newest = committedReleases().at(-1)!;
  expect(await replayFailures({ codePath: tracedBundlePath }, loadHistories(newest), `prebuilt-traced-${newest}`)).toEqual([]);
}, 240_000);

test('the compiled worker loads the prebuilt bundle and, with the compiled API, runs a case', async () => {
  const info = stackInfo();
  const common = {
    TEMPORAL_ADDRESS: info.temporalAddress,
    DATABASE_URL: info.databaseUrl,
    TASK_QUEUE,
    LOG_LEVEL: 'info',
    CUSTOMER_LINK_SECRET: LINK_SECRET,
    API_KEY_SECRET,
    PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
  };
  const worker = await startCompiled('worker/main.js', common, 'worker running');
  expect(worker.log()).toContain(`"workflowBundle":"${bundlePath}"`);
  const port = await freePort();
  await startCompiled('api/main.js', { ...common, ...STACK_LIMITS_ENV, PORT: String(port), HOST: '127.0.0.1', API_KEYS: API_KEYS_SPEC }, 'API ready');
  const base = `http://127.0.0.1:${port}`;

  const opened = await call('POST', '/cases', { base, body: intakeInput(), headers: { 'idempotency-key': idempotencyKey() } });
  expect(opened.status).toBe(201);
  const caseNo: string = opened.body.case.caseNo;
  await waitForStage(caseNo, 'manual_dispatch', { base });
  const cancelled = await call('POST', `/cases/${caseNo}/cancel`, { base, as: 'supervisor', body: { reason: 'production build test' } });
  expect([cancelled.status, cancelled.body.case.stage]).toEqual([200, 'cancelled']);
}, 180_000);
