// Bearer API keys → role (+ subject). Keys come from API_KEYS (deployment, black-box
// tests) or the api_keys table (`npm run seed:keys`, the admin routes of /api-keys). Both
// are held as HMAC-SHA-256 digests under API_KEY_SECRET and compared in constant time.
import type { RequestHandler } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { ROLES, type Actor, type Role } from '../domain';
import type { Database } from '../db/client';
import { hashKey } from './apiKeyHash';
import { HttpError } from './errors';
import { storedKeyActor, storedKeyLookup } from './storedKeys';

/** The keys of API_KEYS as digests, and the secret every key is hashed with. */
export interface EnvKeys {
  secret: string;
  entries: ReadonlyArray<{ digest: Buffer; actor: Actor }>;
}

/** Parses `role[:subject]=key,...`; throws with the offending entry (never the key). */
export function parseApiKeys(spec: string, secret: string): EnvKeys {
  const entries: Array<{ digest: Buffer; actor: Actor }> = [];
  for (const raw of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const eqAt = raw.indexOf('=');
    const who = eqAt > 0 ? raw.slice(0, eqAt) : '';
    const key = eqAt > 0 ? raw.slice(eqAt + 1) : '';
    const [role, subject] = who.split(':');
    if (!role || !(ROLES as readonly string[]).includes(role) || key.length < 2) {
      throw new Error(`API_KEYS entry '${raw.replace(/=.*/, '=…')}' is not role[:subject]=key with a role of ${ROLES.join(', ')}`);
    }
    if (role === 'engineer' && !subject) throw new Error(`API_KEYS engineer entry needs a subject: engineer:E001=key`);
    entries.push({ digest: Buffer.from(hashKey(secret, key), 'hex'), actor: { role: role as Role, subject: subject || undefined } });
  }
  return { secret, entries };
}

/** Compares against every entry, match or not, so the time taken says nothing about which. */
function envActor(envKeys: EnvKeys, digest: Buffer): Actor | undefined {
  let found: Actor | undefined;
  for (const entry of envKeys.entries) {
    if (timingSafeEqual(entry.digest, digest) && !found) found = entry.actor;
  }
  return found;
}

declare module 'express-serve-static-core' {
  interface Request {
    actor?: Actor;
  }
}

export function authenticate(envKeys: EnvKeys, db: Database): RequestHandler {
  return async (req, _res, next) => {
    try {
      const header = req.get('authorization') ?? '';
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match?.[1]) throw new HttpError(401, 'unauthenticated', 'missing or malformed Authorization: Bearer <api key>');
      const digest = Buffer.from(hashKey(envKeys.secret, match[1]), 'hex');
      req.actor = envActor(envKeys, digest) ?? (await storedKeyActor(db, match[1], digest.toString('hex'), req.log));
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** The actor a presented key stands for (API_KEYS first), and its api_keys row if stored; 401 if none. */
export async function actorForKey(envKeys: EnvKeys, db: Database, key: string): Promise<{ actor: Actor; keyId?: number }> {
  const digest = Buffer.from(hashKey(envKeys.secret, key), 'hex');
  const env = envActor(envKeys, digest);
  return env ? { actor: env } : await storedKeyLookup(db, key, digest.toString('hex'));
}

export function requireRole(roles: readonly Actor['role'][]): RequestHandler {
  return (req, _res, next) => {
    if (!req.actor) return next(new HttpError(401, 'unauthenticated', 'authentication required'));
    if (!roles.includes(req.actor.role)) {
      return next(new HttpError(403, 'forbidden', `role '${req.actor.role}' may not do this (allowed: ${roles.join(', ')})`));
    }
    next();
  };
}
