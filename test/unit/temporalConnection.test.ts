// How casework connects to a secured Temporal (TEMPORAL_TLS_*, TEMPORAL_API_KEY; the names,
// profiles and precedence: test/unit/temporalEnv.test.ts), and the
// worker's health file: pure option building and small files, no server.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadEnv, temporalSecurity } from '../../config/env';
import { apiConnectionOptions } from '../../api/temporalConnection';
import { isTemporalTimeout } from '../../api/errors';
import { temporalConnectionSecurity } from '../../shared/temporalData';
import { HEALTH_STALE_MS, isHealthy, writeHealthFile } from '../../worker/healthFile';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-tls-'));
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
};
const cert = file('client.pem', 'CLIENT CERT');
const key = file('client.key', 'CLIENT KEY');
const ca = file('ca.pem', 'CA CERT');

test('nothing set: a plain connection (the dev server, a private cluster)', () => {
  expect(temporalConnectionSecurity(temporalSecurity(loadEnv({})))).toEqual({});
  expect(apiConnectionOptions('temporal:7233')).not.toHaveProperty('tls');
});

test('mTLS: client certificate and key, the CA and the server name are read from their files', () => {
  const env = loadEnv({ TEMPORAL_TLS_CERT: cert, TEMPORAL_TLS_KEY: key, TEMPORAL_TLS_CA: ca, TEMPORAL_TLS_SERVER_NAME: 'temporal.internal' });
  const { tls, apiKey } = temporalConnectionSecurity(temporalSecurity(env));
  expect(apiKey).toBeUndefined();
  expect(tls).toEqual({
    serverNameOverride: 'temporal.internal',
    serverRootCACertificate: Buffer.from('CA CERT'),
    clientCertPair: { crt: Buffer.from('CLIENT CERT'), key: Buffer.from('CLIENT KEY') },
  });
  // The API's connection carries them too.
  expect(apiConnectionOptions('temporal:7233', temporalSecurity(env)).tls).toEqual(tls);
});

test('an API key turns TLS on (Temporal Cloud) unless TEMPORAL_TLS=false says otherwise', () => {
  expect(temporalConnectionSecurity(temporalSecurity(loadEnv({ TEMPORAL_API_KEY: 'k-123' })))).toEqual({ tls: true, apiKey: 'k-123' });
  expect(temporalConnectionSecurity(temporalSecurity(loadEnv({ TEMPORAL_API_KEY: 'k-123', TEMPORAL_TLS: 'false' })))).toEqual({ apiKey: 'k-123' });
  expect(temporalConnectionSecurity(temporalSecurity(loadEnv({ TEMPORAL_TLS: 'true' })))).toEqual({ tls: true });
});

test('a certificate without its key, or an unreadable file, fails at start with what is wrong', () => {
  expect(() => temporalSecurity(loadEnv({ TEMPORAL_TLS_CERT: cert }))).toThrow(ConfigError);
  expect(() => temporalConnectionSecurity({ serverCa: { path: path.join(dir, 'missing.pem') } })).toThrow(
    /cannot read the Temporal TLS CA certificate .*missing\.pem/,
  );
  expect(() => temporalConnectionSecurity({ tls: false, serverCa: { path: ca } })).toThrow(/contradicts/);
  expect(() => loadEnv({ TEMPORAL_TLS: 'yes' })).toThrow(ConfigError);
});

test('TEMPORAL_RETENTION_DAYS: 30 by default, at least one day', () => {
  expect(loadEnv({}).TEMPORAL_RETENTION_DAYS).toBe(30);
  expect(loadEnv({ TEMPORAL_RETENTION_DAYS: '90' }).TEMPORAL_RETENTION_DAYS).toBe(90);
  expect(() => loadEnv({ TEMPORAL_RETENTION_DAYS: '0' })).toThrow(ConfigError);
});

describe('worker health file', () => {
  test('healthy while the worker polls, not while it is between restarts or after it stopped', () => {
    const health = path.join(dir, 'worker.health');
    let state: string | undefined = 'RUNNING';
    const stop = writeHealthFile(health, () => state);
    try {
      expect(isHealthy(health)).toBe(true);
      // A stale file (a hung process stops refreshing it) is not healthy.
      expect(isHealthy(health, Date.now() + HEALTH_STALE_MS + 1)).toBe(false);
      state = undefined;
      stop();
      expect(isHealthy(health)).toBe(false);
    } finally {
      stop();
    }
    const between = path.join(dir, 'between.health');
    writeHealthFile(between, () => 'FAILED')();
    expect(isHealthy(between)).toBe(false);
    expect(isHealthy(path.join(dir, 'never-written'))).toBe(false);
  });
});

test('an Update the server refuses while the workflow task is failing is a retryable 503 (worker_unavailable), not a 500', () => {
  const refused = Object.assign(new Error('Unable to perform workflow execution update due to Workflow Task in failed state.'), { code: 9 });
  expect(isTemporalTimeout(refused)).toBe(true);
  expect(isTemporalTimeout(new Error('wrapped', { cause: refused }))).toBe(true);
  expect(isTemporalTimeout(Object.assign(new Error('Namespace is not active'), { code: 9 }))).toBe(false);
});
