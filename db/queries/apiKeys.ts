// The api_keys table: lookup for authentication, and the admin writes (issue, revoke,
// rotate), each committed together with its audit_events row.
import { and, desc, eq, gt, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Actor, Role } from '../../domain';
import type { Database } from '../client';
import { apiKeys, engineers, people } from '../schema';
import { recordAudit } from './audit';
import { decodeIdCursor, encodeIdCursor } from './notifications';

export type ApiKeyRow = typeof apiKeys.$inferSelect;
type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

/** Why a person may not own a key. */
export type KeyPersonRefusal = 'person_not_found' | 'person_inactive' | 'role_not_held' | 'person_mismatch';

/**
 * Why `personId` may not own a key of this role (an engineer key: acting as engineer
 * `subject`), or undefined if they may. The person and engineer rows are read under share
 * locks held to the end of the transaction: a deactivation, loss of the role or relinked
 * engineer under way commits first (and is seen) or waits for the key.
 */
async function keyPersonRefusal(tx: Tx, key: { role: string; subject: string | null }, personId: string): Promise<KeyPersonRefusal | undefined> {
  const [person] = await tx.select().from(people).where(eq(people.id, personId)).for('share');
  if (!person) return 'person_not_found';
  if (!person.active) return 'person_inactive';
  if (!person.roles.includes(key.role)) return 'role_not_held';
  if (key.role === 'engineer' && key.subject) {
    // An engineer key acts as its engineer: it may only belong to that engineer's person.
    const [engineer] = await tx.select({ personId: engineers.personId }).from(engineers).where(eq(engineers.id, key.subject)).for('share');
    if (engineer?.personId && engineer.personId !== personId) return 'person_mismatch';
  }
  return undefined;
}

/** Rows whose key_hash is one of `hashes` (the keyed and the legacy hash of one presented key). */
export async function findKeysByHash(db: Database, hashes: string[]): Promise<Array<ApiKeyRow & { personName: string | null }>> {
  // A key that belongs to a person carries their name, so the timeline names who acted.
  const rows = await db
    .select({ key: apiKeys, personName: people.name })
    .from(apiKeys)
    .leftJoin(people, eq(people.id, apiKeys.personId))
    .where(inArray(apiKeys.keyHash, hashes))
    .limit(2);
  return rows.map((r) => ({ ...r.key, personName: r.personName }));
}

/** Whether any stored key could authenticate now (not revoked, not expired). */
export async function hasUsableApiKey(db: Database): Promise<boolean> {
  const [row] = await db
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(and(eq(apiKeys.revoked, false), or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, sql`now()`))))
    .limit(1);
  return row !== undefined;
}

/** A legacy row, used successfully: from now on it holds the keyed hash. */
export async function upgradeKeyHash(db: Database, id: number, keyedHash: string): Promise<void> {
  await db
    .update(apiKeys)
    .set({ keyHash: keyedHash, hashScheme: 'hmac-sha256' })
    .where(and(eq(apiKeys.id, id), eq(apiKeys.hashScheme, 'sha256')));
}

/** Records a use, unless one was recorded in the last minute (by this or another replica). */
export async function touchLastUsed(db: Database, id: number): Promise<void> {
  await db
    .update(apiKeys)
    .set({ lastUsedAt: sql`now()` })
    .where(and(eq(apiKeys.id, id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, sql`now() - interval '1 minute'`))));
}

export async function listApiKeys(
  db: Database,
  q: { includeRevoked: boolean; limit: number; cursor?: string },
): Promise<{ items: ApiKeyRow[]; nextCursor: string | null }> {
  const where: SQL[] = [];
  if (!q.includeRevoked) where.push(eq(apiKeys.revoked, false));
  if (q.cursor) where.push(lt(apiKeys.id, decodeIdCursor(q.cursor)));
  const rows = await db
    .select()
    .from(apiKeys)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(apiKeys.id))
    .limit(q.limit + 1);
  const items = rows.slice(0, q.limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > q.limit && last ? encodeIdCursor(last.id) : null };
}

export interface NewKey {
  keyHash: string;
  role: Role;
  subject?: string;
  /** The person the key belongs to: active, holding the role (checked by issueApiKey). */
  personId?: string;
  label: string;
  expiresAt?: Date;
}

export type IssueOutcome = { ok: true; row: ApiKeyRow } | { ok: false; reason: KeyPersonRefusal };

export async function issueApiKey(db: Database, key: NewKey, actor: Actor): Promise<IssueOutcome> {
  return db.transaction(async (tx): Promise<IssueOutcome> => {
    const refused = key.personId ? await keyPersonRefusal(tx, { role: key.role, subject: key.subject ?? null }, key.personId) : undefined;
    if (refused) return { ok: false, reason: refused };
    const [row] = await tx
      .insert(apiKeys)
      .values({
        keyHash: key.keyHash,
        role: key.role,
        subject: key.subject ?? null,
        personId: key.personId ?? null,
        label: key.label,
        expiresAt: key.expiresAt ?? null,
      })
      .returning();
    await recordAudit(tx, { actor, action: 'api_key.issued', targetKind: 'api_key', targetId: String(row!.id), data: auditData(row!) });
    return { ok: true, row: row! };
  });
}

/** Revokes a key; undefined if there is no such key. Revoking a revoked key changes nothing. */
export async function revokeApiKey(db: Database, id: number, actor: Actor): Promise<ApiKeyRow | undefined> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(apiKeys).where(eq(apiKeys.id, id)).for('update');
    if (!row || row.revoked) return row;
    const [revoked] = await tx.update(apiKeys).set({ revoked: true, revokedAt: new Date() }).where(eq(apiKeys.id, id)).returning();
    await recordAudit(tx, { actor, action: 'api_key.revoked', targetKind: 'api_key', targetId: String(id), data: auditData(revoked!) });
    return revoked;
  });
}

/** What PATCH /api-keys/:id may change: never the secret, role or subject. personId null unlinks. */
export interface KeyChange {
  label?: string;
  personId?: string | null;
}

export type KeyChangeOutcome =
  | { ok: true; row: ApiKeyRow }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'revoked' }
  | { ok: false; reason: KeyPersonRefusal; key: ApiKeyRow };

/**
 * Relabels a key or links it to a person (or unlinks it), keeping its secret. The key row is
 * locked and the person checked under a share lock (keyPersonRefusal), so neither a
 * revocation nor the person's deactivation can slip between the check and the write. Only a
 * new link is checked: repeating the current one is no change. A change that changes
 * nothing writes no audit row (the same PATCH twice: one row).
 */
export async function updateApiKey(db: Database, id: number, change: KeyChange, actor: Actor): Promise<KeyChangeOutcome> {
  return db.transaction(async (tx): Promise<KeyChangeOutcome> => {
    const [row] = await tx.select().from(apiKeys).where(eq(apiKeys.id, id)).for('update');
    if (!row) return { ok: false, reason: 'not_found' };
    if (row.revoked) return { ok: false, reason: 'revoked' };
    const changed: KeyChange = {};
    if (change.label !== undefined && change.label !== row.label) changed.label = change.label;
    if (change.personId !== undefined && change.personId !== row.personId) changed.personId = change.personId;
    const refused = changed.personId ? await keyPersonRefusal(tx, row, changed.personId) : undefined;
    if (refused) return { ok: false, reason: refused, key: row };
    if (!Object.keys(changed).length) return { ok: true, row };
    const [after] = await tx.update(apiKeys).set(changed).where(eq(apiKeys.id, id)).returning();
    const previous = Object.fromEntries(Object.keys(changed).map((k) => [k, row[k as keyof KeyChange]]));
    await recordAudit(tx, { actor, action: 'api_key.updated', targetKind: 'api_key', targetId: String(id), data: { ...auditData(after!), previous } });
    return { ok: true, row: after! };
  });
}

export type RotateOutcome =
  { ok: true; previous: ApiKeyRow; next: ApiKeyRow } | { ok: false; reason: 'not_found' | 'revoked' | 'expired' | 'already_rotated'; row?: ApiKeyRow };

export async function findApiKey(db: Database, id: number): Promise<ApiKeyRow | undefined> {
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, id));
  return row;
}

/**
 * Replaces key `id` by a new key with the same role, subject, person and label; the old one stays
 * valid until now + graceSeconds (never longer than it already was). The new key lives
 * `lifetimeMs`, or as long as the old one was meant to (none: no expiry).
 */
export async function rotateApiKey(
  db: Database,
  args: { id: number; keyHash: string; graceSeconds: number; lifetimeMs?: number; actor: Actor },
): Promise<RotateOutcome> {
  return db.transaction(async (tx): Promise<RotateOutcome> => {
    const [row] = await tx.select().from(apiKeys).where(eq(apiKeys.id, args.id)).for('update');
    const now = new Date();
    if (!row) return { ok: false, reason: 'not_found' };
    if (row.revoked) return { ok: false, reason: 'revoked', row };
    if (row.replacedBy !== null) return { ok: false, reason: 'already_rotated', row };
    if (row.expiresAt && row.expiresAt <= now) return { ok: false, reason: 'expired', row };
    const lifetimeMs = args.lifetimeMs ?? (row.expiresAt ? row.expiresAt.getTime() - row.createdAt.getTime() : undefined);
    const [next] = await tx
      .insert(apiKeys)
      .values({
        keyHash: args.keyHash,
        role: row.role,
        subject: row.subject,
        personId: row.personId,
        label: row.label,
        expiresAt: lifetimeMs === undefined ? null : new Date(now.getTime() + lifetimeMs),
      })
      .returning();
    const graceEnd = new Date(now.getTime() + args.graceSeconds * 1000);
    const oldEnd = row.expiresAt && row.expiresAt < graceEnd ? row.expiresAt : graceEnd;
    const [previous] = await tx.update(apiKeys).set({ expiresAt: oldEnd, replacedBy: next!.id }).where(eq(apiKeys.id, row.id)).returning();
    await recordAudit(tx, {
      actor: args.actor,
      action: 'api_key.rotated',
      targetKind: 'api_key',
      targetId: String(row.id),
      data: { ...auditData(previous!), replacedBy: next!.id, graceSeconds: args.graceSeconds },
    });
    await recordAudit(tx, {
      actor: args.actor,
      action: 'api_key.issued',
      targetKind: 'api_key',
      targetId: String(next!.id),
      data: { ...auditData(next!), rotatedFrom: row.id },
    });
    return { ok: true, previous: previous!, next: next! };
  });
}

/** What an audit row says about a key: never its hash. */
function auditData(row: ApiKeyRow): Record<string, unknown> {
  return { role: row.role, subject: row.subject, personId: row.personId, label: row.label, expiresAt: row.expiresAt?.toISOString() ?? null };
}
