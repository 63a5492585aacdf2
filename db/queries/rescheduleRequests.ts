// Customers' reschedule requests (db/rescheduleSchema.ts): one open per case, listed
// oldest first for dispatchers (an engineer sees the ones on their cases), decided once.
import { and, asc, eq, gt, type SQL } from 'drizzle-orm';
import type { Database } from '../client';
import { rescheduleRequests, type RequestedWindow } from '../schema';

export type RescheduleRequestRow = typeof rescheduleRequests.$inferSelect;

/** The new request, or undefined when the case already has an open one. */
export async function createRescheduleRequest(
  db: Database,
  r: { caseNo: string; engineerId: string | null; windows: RequestedWindow[]; reason: string },
): Promise<RescheduleRequestRow | undefined> {
  const [row] = await db.insert(rescheduleRequests).values(r).onConflictDoNothing().returning();
  return row;
}

export async function findRescheduleRequest(db: Database, id: number): Promise<RescheduleRequestRow | undefined> {
  const [row] = await db.select().from(rescheduleRequests).where(eq(rescheduleRequests.id, id)).limit(1);
  return row;
}

/** The case's latest request (open or decided), for the customer's page. */
export async function latestRescheduleRequest(db: Database, caseNo: string): Promise<RescheduleRequestRow | undefined> {
  const rows = await db.select().from(rescheduleRequests).where(eq(rescheduleRequests.caseNo, caseNo));
  return rows.sort((a, b) => b.id - a.id)[0];
}

/** Oldest first, keyset-paginated on id (the cursor is the last id seen). */
export async function listRescheduleRequests(
  db: Database,
  q: { status?: string; engineerId?: string; cursor?: number; limit: number },
): Promise<{ items: RescheduleRequestRow[]; nextCursor: string | null }> {
  const where: SQL[] = [];
  if (q.status) where.push(eq(rescheduleRequests.status, q.status));
  if (q.engineerId) where.push(eq(rescheduleRequests.engineerId, q.engineerId));
  if (q.cursor !== undefined) where.push(gt(rescheduleRequests.id, q.cursor));
  const rows = await db
    .select()
    .from(rescheduleRequests)
    .where(where.length ? and(...where) : undefined)
    .orderBy(asc(rescheduleRequests.id))
    .limit(q.limit + 1);
  const items = rows.slice(0, q.limit);
  return { items, nextCursor: rows.length > q.limit ? String(items[items.length - 1]!.id) : null };
}

/** Decides an open request; undefined if it was no longer open. */
export async function decideRescheduleRequest(
  db: Database,
  id: number,
  d: { status: 'accepted' | 'declined'; chosen?: number; reason?: string; role: string; subject?: string },
): Promise<RescheduleRequestRow | undefined> {
  const [row] = await db
    .update(rescheduleRequests)
    .set({
      status: d.status,
      chosen: d.chosen ?? null,
      decisionReason: d.reason ?? null,
      decidedByRole: d.role,
      decidedBySubject: d.subject ?? null,
      decidedAt: new Date(),
    })
    .where(and(eq(rescheduleRequests.id, id), eq(rescheduleRequests.status, 'open')))
    .returning();
  return row;
}
