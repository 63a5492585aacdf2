// The API started while PostgreSQL is unreachable listens at once and answers 503 with
// Retry-After (liveness 200), instead of refusing connections or hanging; when PostgreSQL
// comes, it migrates and serves without a restart.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { startTcpProxy, type TcpProxy } from '../chaos/harness/tcpProxy';
import { freePort } from '../support/globalSetup';
import { eventually } from '../support/http';
import { API_KEY_SECRET, API_KEYS_SPEC, KEYS, LINK_SECRET, STACK_LIMITS_ENV, stackInfo } from '../support/stackInfo';
import { TEST_PAYLOAD_KEYS } from '../support/payloadKeys';

const root = path.resolve(__dirname, '..', '..');
let api: ChildProcess | undefined;
let proxy: TcpProxy | undefined;
afterAll(async () => {
  api?.kill('SIGKILL');
  await proxy?.close();
});

test('an API started before PostgreSQL answers 503 + Retry-After, then serves once PostgreSQL is there', async () => {
  const info = stackInfo();
  const pg = new URL(info.databaseUrl);
  proxy = await startTcpProxy({ host: pg.hostname, port: Number(pg.port) });
  await proxy.down();
  const viaProxy = new URL(info.databaseUrl);
  viaProxy.port = String(proxy.port);
  const port = await freePort();
  let log = '';
  api = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'api', 'main.ts')], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: viaProxy.toString(),
      TEMPORAL_ADDRESS: info.temporalAddress,
      PORT: String(port),
      HOST: '127.0.0.1',
      API_KEYS: API_KEYS_SPEC,
      CUSTOMER_LINK_SECRET: LINK_SECRET,
      API_KEY_SECRET,
      PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
      LOG_LEVEL: 'info',
      ...STACK_LIMITS_ENV,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  api.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  api.on('exit', (code) => code !== null && console.log(`API exited ${code}:\n${log}`));
  api.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const base = `http://127.0.0.1:${port}`;
  const get = (p: string) => fetch(`${base}${p}`, { headers: { authorization: `Bearer ${KEYS.agent}` }, signal: AbortSignal.timeout(5_000) });

  await eventually('the API listening', async () => (log.includes('API listening') ? true : undefined));
  const waiting = await eventually('migrations waiting for PostgreSQL', async () => (log.includes('migrations wait') ? true : undefined));
  expect(waiting).toBe(true);
  const early = await get('/cases?limit=1');
  expect(early.status).toBe(503);
  expect(early.headers.get('retry-after')).toMatch(/^\d+$/);
  expect(((await early.json()) as { error: { code: string } }).error.code).toBe('service_unavailable');
  expect((await get('/health/live')).status).toBe(200);
  expect((await get('/health')).status).toBe(503);

  await proxy.up();
  const served = await eventually(
    'the API serving',
    async () => {
      const r = await get('/cases?limit=1');
      return r.status === 503 ? undefined : r;
    },
    60_000,
  );
  expect(served.status).toBe(200);
  expect(api.exitCode).toBeNull();
}, 90_000);

test('npm run api refuses to start without API_KEY_SECRET, saying so, before it listens', async () => {
  const info = stackInfo();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: info.databaseUrl,
    TEMPORAL_ADDRESS: info.temporalAddress,
    PORT: String(await freePort()),
    HOST: '127.0.0.1',
    API_KEYS: API_KEYS_SPEC,
    CUSTOMER_LINK_SECRET: LINK_SECRET,
    PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
  };
  delete env.API_KEY_SECRET;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'api', 'main.ts')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  expect(code).toBe(1);
  expect(output).toContain('API_KEY_SECRET is required');
  expect(output).not.toContain('API listening');
}, 60_000);
