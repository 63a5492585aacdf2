// How API keys are hashed: HMAC-SHA-256 under API_KEY_SECRET, so a copy of the api_keys
// table (a backup, a replica) is no list of keys to try offline: without the secret a
// hash cannot be checked. 'sha256' is the bare hash of rows written before; they are
// re-hashed on their first successful use (api/storedKeys.ts).
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Role } from '../domain';

export type HashScheme = 'hmac-sha256' | 'sha256';

export function hashKey(secret: string, key: string): string {
  return createHmac('sha256', secret).update(key).digest('hex');
}

/** The bare sha256 of rows written before the keyed hash (and their transition only). */
export function legacyHashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Equal hex digests, compared in constant time. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** A new key: the role in clear (people tell keys apart), 192 random bits. */
export function newApiKey(role: Role): string {
  return `cw_${role}_${randomBytes(24).toString('base64url')}`;
}
