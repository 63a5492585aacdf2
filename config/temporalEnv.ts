// Where casework's connection to Temporal comes from: Temporal's own client variables
// (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*; the names and
// precedence of the SDKs' environment configuration, docs.temporal.io "Environment
// configuration"), over a profile of the file TEMPORAL_CONFIG_FILE names, with
// casework's older TLS names still read. loadEnv (config/env.ts) applies it first, so the
// rest of casework sees one set of variables whichever way they were given.
import fs from 'node:fs';
import { ConfigError } from './configError';
import { parseTemporalToml } from './temporalToml';

/** casework's older names → Temporal's standard ones (the same setting). */
export const TEMPORAL_ALIASES = {
  TEMPORAL_TLS_CERT: 'TEMPORAL_TLS_CLIENT_CERT_PATH',
  TEMPORAL_TLS_KEY: 'TEMPORAL_TLS_CLIENT_KEY_PATH',
  TEMPORAL_TLS_CA: 'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
} as const;

/** A profile's fields → the variables that override them (as the SDKs' envconfig maps them). */
const PROFILE_FIELDS: Record<string, string> = {
  address: 'TEMPORAL_ADDRESS',
  namespace: 'TEMPORAL_NAMESPACE',
  api_key: 'TEMPORAL_API_KEY',
};
const PROFILE_TLS_FIELDS: Record<string, string> = {
  client_cert_path: 'TEMPORAL_TLS_CLIENT_CERT_PATH',
  client_cert_data: 'TEMPORAL_TLS_CLIENT_CERT_DATA',
  client_key_path: 'TEMPORAL_TLS_CLIENT_KEY_PATH',
  client_key_data: 'TEMPORAL_TLS_CLIENT_KEY_DATA',
  server_ca_cert_path: 'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
  server_ca_cert_data: 'TEMPORAL_TLS_SERVER_CA_CERT_DATA',
  server_name: 'TEMPORAL_TLS_SERVER_NAME',
  disable_host_verification: 'TEMPORAL_TLS_DISABLE_HOST_VERIFICATION',
};

type Vars = Record<string, string | undefined>;

/** The variables a profile of TEMPORAL_CONFIG_FILE stands for. */
function profileVars(file: string, profileName: string | undefined): Vars {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`TEMPORAL_CONFIG_FILE ${file} cannot be read: ${(err as Error).message}`);
  }
  const profiles = parseTemporalToml(text, file).profile ?? {};
  if (typeof profiles !== 'object') throw new ConfigError(`${file}: profile must be a table`);
  const name = profileName ?? 'default';
  const profile = profiles[name];
  // An unnamed profile may be absent (the variables alone then); a named one must exist.
  if (profile === undefined && profileName !== undefined) {
    throw new ConfigError(`TEMPORAL_PROFILE=${profileName}: no [profile.${profileName}] in ${file} (it has: ${Object.keys(profiles).join(', ') || 'none'})`);
  }
  if (profile === undefined) return {};
  if (typeof profile !== 'object') throw new ConfigError(`${file}: profile.${name} must be a table`);
  const vars: Vars = {};
  const str = (field: string, v: unknown) => {
    if (typeof v !== 'string') throw new ConfigError(`${file}: profile.${name}.${field} must be a string`);
    return v;
  };
  for (const [field, value] of Object.entries(profile)) {
    if (field in PROFILE_FIELDS) vars[PROFILE_FIELDS[field]!] = str(field, value);
    else if (field === 'codec')
      continue; // the CLI's and the UI's codec server: casework has its own (PAYLOAD_KEYS)
    else if (field === 'tls') {
      if (typeof value !== 'object') throw new ConfigError(`${file}: profile.${name}.tls must be a table`);
      // A [tls] table turns TLS on unless it says disabled = true.
      vars.TEMPORAL_TLS = 'true';
      for (const [tlsField, v] of Object.entries(value)) {
        if (tlsField === 'disabled' || tlsField === 'disable_host_verification') {
          if (typeof v !== 'boolean') throw new ConfigError(`${file}: profile.${name}.tls.${tlsField} must be true or false`);
          if (tlsField === 'disabled') vars.TEMPORAL_TLS = String(!v);
          else vars[PROFILE_TLS_FIELDS[tlsField]!] = String(v);
        } else if (tlsField in PROFILE_TLS_FIELDS) vars[PROFILE_TLS_FIELDS[tlsField]!] = str(`tls.${tlsField}`, v);
        else throw new ConfigError(`${file}: profile.${name}.tls.${tlsField} is not a Temporal TLS setting`);
      }
    } else if (field === 'grpc_meta') {
      throw new ConfigError(`${file}: profile.${name}.grpc_meta is not supported by casework (no extra gRPC headers are sent)`);
    } else throw new ConfigError(`${file}: profile.${name}.${field} is not a Temporal client setting`);
  }
  return vars;
}

/**
 * `source` with its Temporal client settings resolved: casework's older names folded into
 * Temporal's (both set and different is an error), then each variable over the same
 * setting of the TEMPORAL_CONFIG_FILE profile (TEMPORAL_PROFILE, default "default").
 * An empty variable counts as unset (a compose file's `${X:-}`), so it does not blank out
 * the profile. The default file of the Temporal CLI (~/.config/temporalio/temporal.toml)
 * is not read: a developer's CLI profile must not turn `npm start` towards a cluster.
 */
export function resolveTemporalEnv(source: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const given = (name: string) => (source[name]?.trim() ? source[name] : undefined);
  const env: Vars = { ...source };
  for (const [old, standard] of Object.entries(TEMPORAL_ALIASES)) {
    const a = given(old);
    const b = given(standard);
    if (a !== undefined && b !== undefined && a !== b) {
      throw new ConfigError(`${old}=${a} and ${standard}=${b} disagree: ${old} is casework's older name for ${standard}; set only ${standard}`);
    }
    delete env[old];
    env[standard] = b ?? a;
  }
  if (Object.keys(source).some((k) => k.startsWith('TEMPORAL_GRPC_META_') && given(k) !== undefined)) {
    throw new ConfigError('TEMPORAL_GRPC_META_* is not supported by casework (no extra gRPC headers are sent)');
  }
  const file = given('TEMPORAL_CONFIG_FILE');
  const profile = given('TEMPORAL_PROFILE');
  if (!file) {
    if (profile !== undefined) throw new ConfigError(`TEMPORAL_PROFILE=${profile} needs TEMPORAL_CONFIG_FILE (the file its profile is in)`);
    return env;
  }
  const fromFile = profileVars(file, profile);
  for (const [name, value] of Object.entries(fromFile)) {
    if (!env[name]?.trim()) env[name] = value;
  }
  return env;
}
