// Authentication against the api_keys table: the row whose keyed hash matches (or, for a
// row written before the keyed hash, whose bare sha256 does: it is re-hashed now), not
// revoked, not expired; its last use is recorded at most once a minute.
import type { Logger } from 'pino';
import type { Actor, Role } from '../domain';
import type { Database } from '../db/client';
import { findKeysByHash, touchLastUsed, upgradeKeyHash } from '../db/queries/apiKeys';
import { legacyHashKey, sameDigest } from './apiKeyHash';
import { HttpError } from './errors';

const LAST_USED_EVERY_MS = 60_000;

export async function storedKeyActor(db: Database, presented: string, keyedHash: string, log?: Pick<Logger, 'warn'>): Promise<Actor> {
  return (await storedKeyLookup(db, presented, keyedHash, log)).actor;
}

/** storedKeyActor, and which row matched (a dashboard session ends when that key is revoked). */
export async function storedKeyLookup(
  db: Database,
  presented: string,
  keyedHash: string,
  log?: Pick<Logger, 'warn'>,
): Promise<{ actor: Actor; keyId: number }> {
  const legacyHash = legacyHashKey(presented);
  const rows = await findKeysByHash(db, [keyedHash, legacyHash]);
  // The index found the row; the digest is compared again in constant time.
  const row = rows.find((r) => sameDigest(r.keyHash, r.hashScheme === 'sha256' ? legacyHash : keyedHash));
  if (!row || row.revoked) throw new HttpError(401, 'unauthenticated', 'unknown or revoked API key');
  const now = new Date();
  if (row.expiresAt && row.expiresAt <= now) {
    throw new HttpError(401, 'key_expired', `this API key expired at ${row.expiresAt.toISOString()}; ask an admin for a new one`);
  }
  try {
    if (row.hashScheme === 'sha256') await upgradeKeyHash(db, row.id, keyedHash);
    if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_EVERY_MS) await touchLastUsed(db, row.id);
  } catch (err) {
    // Bookkeeping only: the key is valid, the request goes on (the message may quote the hash: not logged).
    log?.warn({ code: (err as { code?: unknown }).code ?? 'error', keyId: row.id }, 'api key bookkeeping failed');
  }
  const actor: Actor = {
    role: row.role as Role,
    subject: row.subject ?? undefined,
    ...(row.personId ? { personId: row.personId, personName: row.personName ?? undefined } : {}),
  };
  return { actor, keyId: row.id };
}
