// Bearer API keys → role (+ subject). Keys come from API_KEYS (deployment, black-box
// tests) or the api_keys table (hashed; `npm run seed:keys`).
import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { eq, and } from 'drizzle-orm';
import { ROLES, type Actor, type Role } from '../domain';
import type { Database } from '../db/client';
import { apiKeys, people } from '../db/schema';
import { HttpError } from './errors';

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Parses `role[:subject]=key,...`; throws with the offending entry. */
export function parseApiKeys(spec: string): Map<string, Actor> {
  const byHash = new Map<string, Actor>();
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
    byHash.set(hashKey(key), { role: role as Role, subject: subject || undefined });
  }
  return byHash;
}

declare module 'express-serve-static-core' {
  interface Request {
    actor?: Actor;
  }
}

export function authenticate(envKeys: Map<string, Actor>, db: Database): RequestHandler {
  return async (req, _res, next) => {
    try {
      const header = req.get('authorization') ?? '';
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match?.[1]) throw new HttpError(401, 'unauthenticated', 'missing or malformed Authorization: Bearer <api key>');
      const hash = hashKey(match[1]);
      let actor = envKeys.get(hash);
      if (!actor) {
        const [row] = await db
          .select({ role: apiKeys.role, subject: apiKeys.subject, personId: apiKeys.personId, personName: people.name })
          .from(apiKeys)
          .leftJoin(people, eq(people.id, apiKeys.personId))
          .where(and(eq(apiKeys.keyHash, hash), eq(apiKeys.revoked, false)))
          .limit(1);
        // A key that belongs to a person carries them, so the timeline names who acted.
        if (row)
          actor = {
            role: row.role as Role,
            subject: row.subject ?? undefined,
            ...(row.personId ? { personId: row.personId, personName: row.personName ?? undefined } : {}),
          };
      }
      if (!actor) throw new HttpError(401, 'unauthenticated', 'unknown or revoked API key');
      req.actor = actor;
      next();
    } catch (err) {
      next(err);
    }
  };
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
