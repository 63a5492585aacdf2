// The keys of the Temporal payload codec: `id:base64key,...` (PAYLOAD_KEYS, or the same
// text in the file PAYLOAD_KEYS_FILE, one key per line or comma-separated). The first key
// encrypts; every key listed decrypts, so a rotation adds the new key in front and keeps
// the old ones until no open workflow's history needs them.
import { randomBytes } from 'node:crypto';

export interface PayloadKey {
  id: string;
  /** 32 bytes: AES-256. */
  key: Buffer;
}

/** First the key that encrypts, then the older ones that still decrypt. */
export type PayloadKeyring = readonly [PayloadKey, ...PayloadKey[]];

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

export class PayloadKeyError extends Error {}

/** Parses `id:base64key` entries; a malformed entry throws naming it (never echoing the key). */
export function parsePayloadKeys(spec: string, source = 'PAYLOAD_KEYS'): PayloadKeyring {
  const entries = spec
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== '' && !s.startsWith('#'));
  const keys = entries.map((entry, i) => {
    const colon = entry.indexOf(':');
    const id = colon > 0 ? entry.slice(0, colon) : '';
    if (!KEY_ID.test(id)) throw new PayloadKeyError(`${source}: entry ${i + 1} needs the form id:base64key (id of letters, digits, . _ -)`);
    const key = Buffer.from(entry.slice(colon + 1), 'base64');
    if (key.length !== 32) throw new PayloadKeyError(`${source}: key "${id}" must be 32 bytes in base64 (AES-256), got ${key.length}`);
    return { id, key };
  });
  const [first, ...rest] = keys;
  if (!first) throw new PayloadKeyError(`${source}: no key given`);
  const ids = new Set(keys.map((k) => k.id));
  if (ids.size !== keys.length) throw new PayloadKeyError(`${source}: a key id appears twice`);
  return [first, ...rest];
}

/** A new `id:base64key` entry (the id names its creation date, so rotations read well). */
export function newPayloadKeySpec(now = new Date()): string {
  const id = `k${now.toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(3).toString('hex')}`;
  return `${id}:${randomBytes(32).toString('base64')}`;
}
