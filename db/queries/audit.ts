// The audit trail of security-relevant and organisation changes (keys, links, the staff
// directory and duty roster), append-only; each row names the acting key's person.
import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { Actor } from '../../domain';
import type { Database } from '../client';
import { auditEvents } from '../schema';
import { decodeIdCursor, encodeIdCursor } from './notifications';

export type AuditEventRow = typeof auditEvents.$inferSelect;
/** A database or a transaction: an audited change and its audit row commit together. */
export type Writer = Pick<Database, 'insert'>;

/** What an audit row is about: a key (id), a case or complaint (number), a person (id), a shift (id), a fallback (region/role). */
export const AUDIT_TARGETS = ['api_key', 'case', 'complaint', 'person', 'duty_shift', 'duty_fallback'] as const;
export type AuditTarget = (typeof AUDIT_TARGETS)[number];

export async function recordAudit(
  db: Writer,
  e: { actor: Actor; action: string; targetKind: AuditTarget; targetId: string; data?: Record<string, unknown> },
): Promise<void> {
  await db.insert(auditEvents).values({
    actorRole: e.actor.role,
    actorSubject: e.actor.subject ?? null,
    actorPersonId: e.actor.personId ?? null,
    action: e.action,
    targetKind: e.targetKind,
    targetId: e.targetId,
    data: e.data ?? {},
  });
}

export async function listAuditEvents(
  db: Database,
  q: { targetKind?: string; targetId?: string; limit: number; cursor?: string },
): Promise<{ items: AuditEventRow[]; nextCursor: string | null }> {
  const where: SQL[] = [];
  if (q.targetKind) where.push(eq(auditEvents.targetKind, q.targetKind));
  if (q.targetId) where.push(eq(auditEvents.targetId, q.targetId));
  if (q.cursor) where.push(lt(auditEvents.id, decodeIdCursor(q.cursor)));
  const rows = await db
    .select()
    .from(auditEvents)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditEvents.id))
    .limit(q.limit + 1);
  const items = rows.slice(0, q.limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > q.limit && last ? encodeIdCursor(last.id) : null };
}
