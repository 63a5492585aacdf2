// The audit trail of security-relevant actions (keys and links), append-only.
import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { Actor } from '../../domain';
import type { Database } from '../client';
import { auditEvents } from '../schema';
import { decodeIdCursor, encodeIdCursor } from './notifications';

export type AuditEventRow = typeof auditEvents.$inferSelect;
/** A database or a transaction: an audited change and its audit row commit together. */
export type Writer = Pick<Database, 'insert'>;

export async function recordAudit(
  db: Writer,
  e: { actor: Actor; action: string; targetKind: 'api_key' | 'case' | 'complaint'; targetId: string; data?: Record<string, unknown> },
): Promise<void> {
  await db.insert(auditEvents).values({
    actorRole: e.actor.role,
    actorSubject: e.actor.subject ?? null,
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
