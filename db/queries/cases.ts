// Reads of the case projection for the API.
import { and, asc, desc, eq, gt, gte, lt, lte, or, type SQL } from 'drizzle-orm';
import type { CaseListQuery } from '../../domain/schemas';
import { BadCursorError, decodeCursor, encodeCursor } from './cursor';
import type { Database } from '../client';
import { caseEvents, cases } from '../schema';

export type CaseRow = typeof cases.$inferSelect;
export type CaseEventRow = typeof caseEvents.$inferSelect;

export async function findCase(db: Database, caseNo: string): Promise<CaseRow | undefined> {
  const [row] = await db.select().from(cases).where(eq(cases.caseNo, caseNo)).limit(1);
  return row;
}

/**
 * In time order, seq within one instant. Not by seq alone: after a workflow reset the new
 * run's seq numbers repeat the old run's, and its events come after them.
 */
export async function caseTimeline(db: Database, caseNo: string): Promise<CaseEventRow[]> {
  return db.select().from(caseEvents).where(eq(caseEvents.caseNo, caseNo)).orderBy(asc(caseEvents.occurredAt), asc(caseEvents.seq), asc(caseEvents.id));
}

export { BadCursorError };

/** Newest first, keyset-paginated on (created_at, case_no). */
export async function listCases(db: Database, q: CaseListQuery): Promise<{ items: CaseRow[]; nextCursor: string | null }> {
  const where: SQL[] = [];
  if (q.stage) where.push(eq(cases.stage, q.stage));
  if (q.priority) where.push(eq(cases.priority, q.priority));
  // An engineer's cases include the one offered to them.
  if (q.engineer) where.push(or(eq(cases.engineerId, q.engineer), eq(cases.offeredEngineerId, q.engineer))!);
  if (q.region) where.push(eq(cases.region, q.region));
  if (q.createdFrom) where.push(gte(cases.createdAt, new Date(q.createdFrom)));
  if (q.createdTo) where.push(lte(cases.createdAt, new Date(q.createdTo)));
  if (q.cursor) {
    const c = decodeCursor(q.cursor);
    where.push(or(lt(cases.createdAt, c.at), and(eq(cases.createdAt, c.at), lt(cases.caseNo, c.id)))!);
  }
  const rows = await db
    .select()
    .from(cases)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(cases.createdAt), desc(cases.caseNo))
    .limit(q.limit + 1);
  const items = rows.slice(0, q.limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > q.limit && last ? encodeCursor(last.createdAt, last.caseNo) : null };
}

/** The manual-dispatch queue: oldest first (longest waiting), keyset on (updated_at, case_no). */
export async function dispatchQueue(
  db: Database,
  q: { limit: number; cursor?: string; region?: string },
): Promise<{ items: CaseRow[]; nextCursor: string | null }> {
  const where: SQL[] = [eq(cases.stage, 'manual_dispatch')];
  if (q.region) where.push(eq(cases.region, q.region));
  if (q.cursor) {
    const c = decodeCursor(q.cursor);
    where.push(or(gt(cases.updatedAt, c.at), and(eq(cases.updatedAt, c.at), gt(cases.caseNo, c.id)))!);
  }
  const rows = await db
    .select()
    .from(cases)
    .where(and(...where))
    .orderBy(asc(cases.updatedAt), asc(cases.caseNo))
    .limit(q.limit + 1);
  const items = rows.slice(0, q.limit);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.updatedAt, last.caseNo) : null,
  };
}
