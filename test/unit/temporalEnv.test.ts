// Temporal's standard client variables, TEMPORAL_CONFIG_FILE profiles and casework's older
// names (config/temporalEnv.ts, config/temporalToml.ts): what loadEnv makes of them. The
// connection itself, over TLS to a real server: test/production/temporalTls.test.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadEnv, temporalSecurity } from '../../config/env';
import { parseTemporalToml } from '../../config/temporalToml';
import { temporalConnectionSecurity } from '../../shared/temporalData';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-temporal-env-'));
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
};
const cert = file('client.pem', 'CLIENT CERT');
const key = file('client.key', 'CLIENT KEY');
const ca = file('ca.pem', 'CA CERT');
const security = (vars: NodeJS.ProcessEnv) => temporalConnectionSecurity(temporalSecurity(loadEnv(vars)));

test("Temporal's variable names: certificate files or inline PEM, the server name, the API key", () => {
  expect(
    security({
      TEMPORAL_TLS_CLIENT_CERT_PATH: cert,
      TEMPORAL_TLS_CLIENT_KEY_DATA: 'INLINE KEY',
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca,
      TEMPORAL_TLS_SERVER_NAME: 'ns.tmprl.cloud',
    }),
  ).toEqual({
    tls: {
      serverNameOverride: 'ns.tmprl.cloud',
      serverRootCACertificate: Buffer.from('CA CERT'),
      clientCertPair: { crt: Buffer.from('CLIENT CERT'), key: Buffer.from('INLINE KEY') },
    },
  });
  expect(security({ TEMPORAL_API_KEY: 'k-1' })).toEqual({ tls: true, apiKey: 'k-1' });
  expect(() => security({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca, TEMPORAL_TLS_SERVER_CA_CERT_DATA: 'PEM' })).toThrow(
    /TEMPORAL_TLS_SERVER_CA_CERT_PATH and TEMPORAL_TLS_SERVER_CA_CERT_DATA both set/,
  );
  expect(() => security({ TEMPORAL_TLS_CLIENT_CERT_DATA: 'C' })).toThrow(/TEMPORAL_TLS_CLIENT_CERT_\* and TEMPORAL_TLS_CLIENT_KEY_\* go together/);
  // The TypeScript SDK cannot skip the host check: refused rather than ignored.
  expect(() => loadEnv({ TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: 'true' })).toThrow(/TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: not supported/);
  expect(() => loadEnv({ TEMPORAL_GRPC_META_X_TENANT: 'a' })).toThrow(/TEMPORAL_GRPC_META_\* is not supported/);
});

test("casework's older names still work, equal to the standard ones or alone; different is an error naming both", () => {
  const older = security({ TEMPORAL_TLS_CERT: cert, TEMPORAL_TLS_KEY: key, TEMPORAL_TLS_CA: ca });
  expect(older).toEqual(security({ TEMPORAL_TLS_CLIENT_CERT_PATH: cert, TEMPORAL_TLS_CLIENT_KEY_PATH: key, TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca }));
  expect(security({ TEMPORAL_TLS_CA: ca, TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca })).toEqual(security({ TEMPORAL_TLS_CA: ca }));
  // A compose file's empty ${X:-} is no value.
  expect(security({ TEMPORAL_TLS_CA: '', TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca })).toEqual(security({ TEMPORAL_TLS_CA: ca }));
  expect(() => loadEnv({ TEMPORAL_TLS_CA: ca, TEMPORAL_TLS_SERVER_CA_CERT_PATH: cert })).toThrow(ConfigError);
  expect(() => loadEnv({ TEMPORAL_TLS_CA: ca, TEMPORAL_TLS_SERVER_CA_CERT_PATH: cert })).toThrow(
    /TEMPORAL_TLS_CA=.*ca\.pem and TEMPORAL_TLS_SERVER_CA_CERT_PATH=.*client\.pem disagree: TEMPORAL_TLS_CA is casework's older name/,
  );
});

describe('TEMPORAL_CONFIG_FILE profiles', () => {
  const config = file(
    'temporal.toml',
    `# Temporal CLI / SDK client configuration
[profile.default]
address = "localhost:7233"

[profile.cloud]
address = "casework.a1b2c.tmprl.cloud:7233"   # the namespace's endpoint
namespace = 'casework.a1b2c'
api_key = "key-from-file"

[profile.mtls]
address = "temporal.internal:7233"
[profile.mtls.tls]
client_cert_path = "${cert}"
client_key_path = "${key}"
server_ca_cert_data = """
-----BEGIN CERTIFICATE-----
INLINE CA
-----END CERTIFICATE-----
"""
server_name = "temporal"

[profile.plain]
address = "10.0.0.5:7233"
[profile.plain.tls]
disabled = true
`,
  );

  test('the named profile gives address, namespace, API key and TLS; without TEMPORAL_PROFILE, "default"', () => {
    const cloud = loadEnv({ TEMPORAL_CONFIG_FILE: config, TEMPORAL_PROFILE: 'cloud' });
    expect([cloud.TEMPORAL_ADDRESS, cloud.TEMPORAL_NAMESPACE]).toEqual(['casework.a1b2c.tmprl.cloud:7233', 'casework.a1b2c']);
    expect(temporalConnectionSecurity(temporalSecurity(cloud))).toEqual({ tls: true, apiKey: 'key-from-file' });
    expect(security({ TEMPORAL_CONFIG_FILE: config, TEMPORAL_PROFILE: 'mtls' })).toEqual({
      tls: {
        serverNameOverride: 'temporal',
        // (Trimmed like every variable: PEM does not need the final newline.)
        serverRootCACertificate: Buffer.from('-----BEGIN CERTIFICATE-----\nINLINE CA\n-----END CERTIFICATE-----'),
        clientCertPair: { crt: Buffer.from('CLIENT CERT'), key: Buffer.from('CLIENT KEY') },
      },
    });
    expect(security({ TEMPORAL_CONFIG_FILE: config, TEMPORAL_PROFILE: 'plain', TEMPORAL_API_KEY: 'k' })).toEqual({ apiKey: 'k' });
    const unnamed = loadEnv({ TEMPORAL_CONFIG_FILE: config });
    expect([unnamed.TEMPORAL_ADDRESS, unnamed.TEMPORAL_NAMESPACE]).toEqual(['localhost:7233', 'default']);
  });

  test('a variable overrides the same setting of the profile, field by field; an empty one does not', () => {
    const env = loadEnv({
      TEMPORAL_CONFIG_FILE: config,
      TEMPORAL_PROFILE: 'cloud',
      TEMPORAL_NAMESPACE: 'other.a1b2c',
      TEMPORAL_API_KEY: 'key-from-env',
      TEMPORAL_ADDRESS: '',
    });
    expect([env.TEMPORAL_ADDRESS, env.TEMPORAL_NAMESPACE, env.TEMPORAL_API_KEY]).toEqual(['casework.a1b2c.tmprl.cloud:7233', 'other.a1b2c', 'key-from-env']);
    // The file's inline CA and the variable's path for the same setting: refused, not guessed.
    expect(() => security({ TEMPORAL_CONFIG_FILE: config, TEMPORAL_PROFILE: 'mtls', TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca })).toThrow(/both set/);
    expect(security({ TEMPORAL_CONFIG_FILE: config, TEMPORAL_PROFILE: 'mtls', TEMPORAL_TLS_SERVER_NAME: 'override' })).toMatchObject({
      tls: { serverNameOverride: 'override' },
    });
    // TEMPORAL_TLS=true over a profile that disables TLS.
    expect(security({ TEMPORAL_CONFIG_FILE: config, TEMPORAL_PROFILE: 'plain', TEMPORAL_TLS: 'true' })).toEqual({ tls: true });
  });

  test('a missing file or profile, a profile without a file, an unknown setting: errors that say which', () => {
    expect(() => loadEnv({ TEMPORAL_CONFIG_FILE: config, TEMPORAL_PROFILE: 'staging' })).toThrow(
      /TEMPORAL_PROFILE=staging: no \[profile\.staging\] in .*temporal\.toml \(it has: default, cloud, mtls, plain\)/,
    );
    expect(() => loadEnv({ TEMPORAL_CONFIG_FILE: path.join(dir, 'nope.toml') })).toThrow(/TEMPORAL_CONFIG_FILE .*nope\.toml cannot be read/);
    expect(() => loadEnv({ TEMPORAL_PROFILE: 'cloud' })).toThrow(/TEMPORAL_PROFILE=cloud needs TEMPORAL_CONFIG_FILE/);
    const typo = file('typo.toml', '[profile.default]\nadress = "x:1"\n');
    expect(() => loadEnv({ TEMPORAL_CONFIG_FILE: typo })).toThrow(/profile\.default\.adress is not a Temporal client setting/);
    const meta = file('meta.toml', '[profile.default.grpc_meta]\nx = "1"\n');
    expect(() => loadEnv({ TEMPORAL_CONFIG_FILE: meta })).toThrow(/grpc_meta is not supported/);
  });
});

test('the TOML reader: strings, escapes, comments, booleans; what it does not understand is refused with its line', () => {
  expect(parseTemporalToml(`a = "x\\"y\\u00e9" # c\nb = 'C:\\\\path'\n[t."q.k"]\nc = true\nd.e = '''\nraw\\n'''`, 'f')).toEqual({
    a: 'x"yé',
    b: 'C:\\\\path',
    t: { 'q.k': { c: true, d: { e: 'raw\\n' } } },
  });
  expect(() => parseTemporalToml('a = 1', 'f.toml')).toThrow(/f\.toml:1: a: only strings and true\/false are understood/);
  expect(() => parseTemporalToml('x = "1"\n[[p]]', 'f.toml')).toThrow(/f\.toml:2: arrays of tables/);
  expect(() => parseTemporalToml('a = "1"\na = "2"', 'f.toml')).toThrow(/f\.toml:2: a is set twice/);
  expect(() => parseTemporalToml('a = "1" b', 'f.toml')).toThrow(/unexpected text after the value/);
  expect(() => parseTemporalToml('a = """never closed', 'f.toml')).toThrow(/unterminated """ string/);
  expect(() => parseTemporalToml('[p.]', 'f.toml')).toThrow(/f\.toml:1: not a key: p\./);
});
