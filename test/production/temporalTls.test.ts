// casework against a secured Temporal: the real server (as in the production topology)
// with TLS on its frontend and client certificates required (mTLS), certificates made for
// the test by openssl. casework connects through the environment only (Temporal's own
// variables, a TEMPORAL_CONFIG_FILE profile, casework's older names) and does real round
// trips; a wrong CA and a missing client certificate fail with errors that say so. The
// OSS server does not check API keys, so for the API key the test shows what is sent:
// `authorization: Bearer <key>` over TLS, to a local HTTP/2 listener standing in for Temporal
// Cloud. `npm run test:production`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { loadEnv, temporalSecurity } from '../../config/env';
import { apiConnectionOptions } from '../../api/temporalConnection';
import { startRealTemporal, type RealTemporal } from '../../scripts/cluster/realTemporal';
import { temporalConnectionSecurity } from '../../shared/temporalData';
import { connectExplained } from '../../shared/temporalTlsProbe';
import { connectWorkerConnection } from '../../worker/createWorker';
import { testClient } from '../support/payloadKeys';
import { ARTIFACTS } from '../support/stackInfo';
import { makeTestPki, type TestPki } from './support/testCertificates';

const NAMESPACE = 'casework-tls';
const root = path.resolve(__dirname, '..', '..');
let dir: string;
let pki: TestPki;
let temporal: RealTemporal;
/** The frontend by name (the certificate is for localhost), as a client outside would reach it. */
let address: string;

/** What the API and the setup job connect with, from these variables alone. */
function clientConnect(vars: NodeJS.ProcessEnv): Promise<Connection> {
  const env = loadEnv(vars);
  const options = apiConnectionOptions(env.TEMPORAL_ADDRESS!, temporalSecurity(env));
  return connectExplained(() => Connection.connect(options), options.address!, options.tls ?? undefined);
}
const workerConnect = (vars: NodeJS.ProcessEnv) => {
  const env = loadEnv(vars);
  return connectWorkerConnection(env.TEMPORAL_ADDRESS!, temporalSecurity(env));
};

const mtlsVars = () => ({
  TEMPORAL_ADDRESS: address,
  TEMPORAL_NAMESPACE: NAMESPACE,
  TEMPORAL_TLS_CLIENT_CERT_PATH: pki.client.cert,
  TEMPORAL_TLS_CLIENT_KEY_PATH: pki.client.key,
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: pki.ca.cert,
});

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-tls-'));
  pki = makeTestPki(path.join(dir, 'pki'));
  const logDir = path.join(ARTIFACTS, 'production');
  fs.mkdirSync(logDir, { recursive: true });
  temporal = await startRealTemporal({
    // A directory of its own: PostgreSQL's user must be able to enter it.
    dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'casework-tls-pg-')),
    logFile: path.join(logDir, 'temporal-server-tls.log'),
    frontendTls: {
      certFile: pki.server.cert,
      keyFile: pki.server.key,
      caFile: pki.ca.cert,
      clientCaFile: pki.ca.cert,
      probe: {
        serverRootCACertificate: fs.readFileSync(pki.ca.cert),
        clientCertPair: { crt: fs.readFileSync(pki.client.cert), key: fs.readFileSync(pki.client.key) },
      },
    },
  });
  address = `localhost:${temporal.address.split(':')[1]}`;
}, 300_000);

afterAll(async () => {
  await temporal?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('over mTLS, configured by Temporal variables only: the setup job registers the namespace, the API client starts a workflow the worker connection sees', async () => {
  // docker-compose.yml's one-shot job (scripts/temporal-setup.ts), in a process of its own.
  const setup = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'temporal-setup.ts')], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', TEMPORAL_RETENTION_DAYS: '45', ...mtlsVars() },
    timeout: 120_000,
  });
  expect({ status: setup.status, stderr: setup.stderr }).toEqual({ status: 0, stderr: '' });

  const connection = await clientConnect(mtlsVars());
  try {
    const described = await connection.workflowService.describeNamespace({ namespace: NAMESPACE });
    expect(Number(described.config?.workflowExecutionRetentionTtl?.seconds)).toBe(45 * 86_400);
    const client = testClient(connection, NAMESPACE);
    const workflowId = `tls-${Date.now().toString(36)}`;
    // No worker polls this queue: the workflow stays open for the other connection to see.
    const handle = await client.workflow.start('caseWorkflow', { taskQueue: 'tls-test', workflowId, args: [{ probe: true }] });
    const worker = await workerConnect(mtlsVars());
    try {
      const seen = await worker.workflowService.describeWorkflowExecution({ namespace: NAMESPACE, execution: { workflowId } });
      expect(seen.workflowExecutionInfo?.type?.name).toBe('caseWorkflow');
      expect(seen.workflowExecutionInfo?.execution?.runId).toBe(handle.firstExecutionRunId);
    } finally {
      await worker.close();
    }
    await handle.terminate('TLS test done');
  } finally {
    await connection.close();
  }
});

test('the same settings from a TEMPORAL_CONFIG_FILE profile, and under casework’s older names, connect too', async () => {
  const file = path.join(dir, 'temporal.toml');
  fs.writeFileSync(
    file,
    [
      '[profile.default]',
      'address = "localhost:1"',
      '[profile.secure]',
      `address = "${address}"`,
      `namespace = "${NAMESPACE}"`,
      '[profile.secure.tls]',
      `client_cert_path = '${pki.client.cert}'`,
      `client_key_path = '${pki.client.key}'`,
      `server_ca_cert_data = """\n${fs.readFileSync(pki.ca.cert, 'utf8')}"""`,
    ].join('\n'),
  );
  for (const vars of [
    { TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'secure' },
    { TEMPORAL_ADDRESS: address, TEMPORAL_TLS_CERT: pki.client.cert, TEMPORAL_TLS_KEY: pki.client.key, TEMPORAL_TLS_CA: pki.ca.cert },
  ]) {
    const connection = await clientConnect(vars);
    try {
      const { namespaceInfo } = await connection.workflowService.describeNamespace({ namespace: NAMESPACE });
      expect(namespaceInfo?.name).toBe(NAMESPACE);
    } finally {
      await connection.close();
    }
  }
});

test('a CA that did not sign the server certificate: both connections refuse, saying the certificate is not trusted', async () => {
  const vars = { ...mtlsVars(), TEMPORAL_TLS_SERVER_CA_CERT_PATH: pki.otherCa.cert };
  await expect(clientConnect(vars)).rejects.toThrow(
    /over TLS: the server's certificate is not trusted \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED_CERT_IN_CHAIN)[^]*TEMPORAL_TLS_SERVER_CA_CERT_PATH/,
  );
  await expect(workerConnect(vars)).rejects.toThrow(/over TLS: the server's certificate is not trusted/);
});

test('no client certificate: the server (mTLS) refuses, and the error says a client certificate is wanted', async () => {
  const { TEMPORAL_TLS_CLIENT_CERT_PATH: _c, TEMPORAL_TLS_CLIENT_KEY_PATH: _k, ...vars } = mtlsVars();
  await expect(clientConnect(vars)).rejects.toThrow(/over TLS: .*client certificate.*TEMPORAL_TLS_CLIENT_CERT_PATH/);
  await expect(workerConnect(vars)).rejects.toThrow(/over TLS: .*client certificate.*TEMPORAL_TLS_CLIENT_CERT_PATH/);
});

test('TEMPORAL_API_KEY goes out as `authorization: Bearer <key>` over TLS, from the API client and the worker connection alike', async () => {
  // Temporal Cloud's side of it: an HTTP/2 (gRPC) server over TLS that records each call's
  // headers and answers GetSystemInfo, the call both connections open with, with an empty message.
  const calls: { path: string; authorization?: string }[] = [];
  const cloud = http2.createSecureServer({ cert: fs.readFileSync(pki.server.cert), key: fs.readFileSync(pki.server.key) });
  cloud.on('stream', (stream, headers) => {
    calls.push({ path: String(headers[':path']), authorization: headers.authorization });
    stream.on('data', () => undefined);
    stream.on('end', () => {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      stream.end(Buffer.alloc(5)); // one gRPC message of length 0
    });
  });
  await new Promise<void>((resolve) => cloud.listen(0, '127.0.0.1', resolve));
  const vars = {
    TEMPORAL_ADDRESS: `localhost:${(cloud.address() as AddressInfo).port}`,
    TEMPORAL_API_KEY: 'cw-test-key-7Q',
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: pki.ca.cert,
  };
  // TLS is on without TEMPORAL_TLS: an API key implies it.
  expect(temporalConnectionSecurity(temporalSecurity(loadEnv(vars)))).toMatchObject({
    tls: { serverRootCACertificate: expect.any(Buffer) },
    apiKey: 'cw-test-key-7Q',
  });
  try {
    const connection = await clientConnect(vars);
    await connection.close();
    const worker = await workerConnect(vars);
    await worker.close();
  } finally {
    await new Promise((resolve) => cloud.close(resolve));
  }
  const systemInfo = calls.filter((c) => c.path === '/temporal.api.workflowservice.v1.WorkflowService/GetSystemInfo');
  expect(systemInfo.length).toBeGreaterThanOrEqual(2);
  expect(calls.map((c) => c.authorization)).toEqual(calls.map(() => 'Bearer cw-test-key-7Q'));
});
