// Where the Temporal payload keys come from: PAYLOAD_KEYS, or the file PAYLOAD_KEYS_FILE
// (same format), never from code. Processes that talk to a Temporal of their own choosing
// (TEMPORAL_ADDRESS set) refuse to start without them; the embedded `npm start` keeps a
// generated key in DATA_DIR.
import fs from 'node:fs';
import path from 'node:path';
import { newPayloadKeySpec, parsePayloadKeys, PayloadKeyError, type PayloadKeyring } from '../shared/payloadKeys';
import { ConfigError, type Env } from './env';

/** The keys configured in the environment, or undefined when neither variable is set. */
export function payloadKeysFromEnv(env: Pick<Env, 'PAYLOAD_KEYS' | 'PAYLOAD_KEYS_FILE'>): PayloadKeyring | undefined {
  try {
    if (env.PAYLOAD_KEYS) return parsePayloadKeys(env.PAYLOAD_KEYS);
    if (env.PAYLOAD_KEYS_FILE) {
      let text: string;
      try {
        text = fs.readFileSync(env.PAYLOAD_KEYS_FILE, 'utf8');
      } catch (err) {
        throw new ConfigError(`PAYLOAD_KEYS_FILE: cannot read ${env.PAYLOAD_KEYS_FILE} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      }
      return parsePayloadKeys(text, 'PAYLOAD_KEYS_FILE');
    }
    return undefined;
  } catch (err) {
    throw err instanceof PayloadKeyError ? new ConfigError(err.message) : err;
  }
}

/** The keys, or a configuration error that says how to make one. */
export function requirePayloadKeys(env: Pick<Env, 'PAYLOAD_KEYS' | 'PAYLOAD_KEYS_FILE'>): PayloadKeyring {
  const keys = payloadKeysFromEnv(env);
  if (!keys) {
    throw new ConfigError(
      'PAYLOAD_KEYS or PAYLOAD_KEYS_FILE is required: Temporal payloads are encrypted (AES-256-GCM). ' +
        "Make a key with: node -e \"console.log('k1:' + require('crypto').randomBytes(32).toString('base64'))\"",
    );
  }
  return keys;
}

/** The embedded default: the environment's keys, else a key generated once into DATA_DIR (kept across restarts). */
export function localPayloadKeys(env: Pick<Env, 'PAYLOAD_KEYS' | 'PAYLOAD_KEYS_FILE' | 'DATA_DIR'>): PayloadKeyring {
  const configured = payloadKeysFromEnv(env);
  if (configured) return configured;
  const file = path.join(env.DATA_DIR, 'payload-keys');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(env.DATA_DIR, { recursive: true });
    fs.writeFileSync(file, `${newPayloadKeySpec()}\n`, { mode: 0o600, flag: 'wx' });
  }
  return payloadKeysFromEnv({ PAYLOAD_KEYS_FILE: file })!;
}
