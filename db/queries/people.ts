// The staff directory and duty roster: admin writes, the roster routing reads, and the
// messages sent to a person.
import { and, asc, desc, eq, gt, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { DutyRoster } from '../../domain/duty';
import type { FallbackInput, PersonInput, PersonListQuery, PersonPatch, ShiftInput, ShiftListQuery } from '../../domain/staffSchemas';
import type { Database } from '../client';
import { decodeIdCursor, encodeIdCursor, type NotificationRow } from './notifications';
import { dutyFallbacks, dutyShifts, notifications, people } from '../schema';

export type PersonRow = typeof people.$inferSelect;
export type ShiftRow = typeof dutyShifts.$inferSelect;
export type FallbackRow = typeof dutyFallbacks.$inferSelect;

export async function findPerson(db: Database, id: string): Promise<PersonRow | undefined> {
  const [row] = await db.select().from(people).where(eq(people.id, id));
  return row;
}

export async function findPeople(db: Database, ids: string[]): Promise<PersonRow[]> {
  return ids.length ? db.select().from(people).where(inArray(people.id, ids)) : [];
}

export async function listPeople(db: Database, q: PersonListQuery): Promise<{ items: PersonRow[]; nextCursor: string | null }> {
  const where: SQL[] = [];
  if (q.role) where.push(sql`${q.role} = ANY(${people.roles})`);
  if (q.region) where.push(sql`${q.region} = ANY(${people.regions})`);
  if (q.active) where.push(eq(people.active, q.active === 'true'));
  if (q.cursor) where.push(gt(people.id, q.cursor));
  const rows = await db
    .select()
    .from(people)
    .where(where.length ? and(...where) : undefined)
    .orderBy(asc(people.id))
    .limit(q.limit + 1);
  const items = rows.slice(0, q.limit);
  return { items, nextCursor: rows.length > q.limit ? (items[items.length - 1]?.id ?? null) : null };
}

/** Inserts a person; false if the id exists. */
export async function createPerson(db: Database, p: PersonInput): Promise<boolean> {
  const inserted = await db
    .insert(people)
    .values({ ...p, phone: p.phone ?? null, email: p.email ?? null })
    .onConflictDoNothing()
    .returning({ id: people.id });
  return inserted.length > 0;
}

export async function updatePerson(db: Database, id: string, patch: PersonPatch | Partial<PersonInput>): Promise<boolean> {
  const updated = await db
    .update(people)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(people.id, id))
    .returning({ id: people.id });
  return updated.length > 0;
}

/** Creates or replaces a person (the demo seed). */
export async function upsertPerson(db: Database, p: PersonInput): Promise<void> {
  if (!(await createPerson(db, p))) await updatePerson(db, p.id, p);
}

export async function createShift(db: Database, s: ShiftInput): Promise<ShiftRow> {
  const [row] = await db.insert(dutyShifts).values(s).returning();
  return row!;
}

export async function deleteShift(db: Database, id: number): Promise<boolean> {
  const deleted = await db.delete(dutyShifts).where(eq(dutyShifts.id, id)).returning({ id: dutyShifts.id });
  return deleted.length > 0;
}

export async function listShifts(db: Database, q: ShiftListQuery): Promise<{ items: ShiftRow[]; nextCursor: number | null }> {
  const where: SQL[] = [];
  if (q.personId) where.push(eq(dutyShifts.personId, q.personId));
  if (q.region) where.push(eq(dutyShifts.region, q.region));
  if (q.role) where.push(eq(dutyShifts.role, q.role));
  if (q.cursor !== undefined) where.push(gt(dutyShifts.id, q.cursor));
  const rows = await db
    .select()
    .from(dutyShifts)
    .where(where.length ? and(...where) : undefined)
    .orderBy(asc(dutyShifts.id))
    .limit(q.limit + 1);
  const items = rows.slice(0, q.limit);
  return { items, nextCursor: rows.length > q.limit ? (items[items.length - 1]?.id ?? null) : null };
}

export async function shiftsOf(db: Database, personId: string): Promise<ShiftRow[]> {
  return db.select().from(dutyShifts).where(eq(dutyShifts.personId, personId)).orderBy(asc(dutyShifts.id));
}

export async function setFallback(db: Database, f: FallbackInput): Promise<FallbackRow> {
  const [row] = await db
    .insert(dutyFallbacks)
    .values(f)
    .onConflictDoUpdate({ target: [dutyFallbacks.region, dutyFallbacks.role], set: { personId: f.personId, updatedAt: new Date() } })
    .returning();
  return row!;
}

export async function removeFallback(db: Database, region: string, role: string): Promise<boolean> {
  const deleted = await db
    .delete(dutyFallbacks)
    .where(and(eq(dutyFallbacks.region, region), eq(dutyFallbacks.role, role)))
    .returning({ region: dutyFallbacks.region });
  return deleted.length > 0;
}

export async function listFallbacks(db: Database): Promise<FallbackRow[]> {
  return db.select().from(dutyFallbacks).orderBy(asc(dutyFallbacks.region), asc(dutyFallbacks.role));
}

/** What routing needs for some roles: their shifts, fallbacks and the people those name. */
export async function loadRoster(db: Database, roles: string[]): Promise<{ roster: DutyRoster; people: PersonRow[] }> {
  const [shifts, fallbacks] = await Promise.all([
    db.select().from(dutyShifts).where(inArray(dutyShifts.role, roles)),
    db.select().from(dutyFallbacks).where(inArray(dutyFallbacks.role, roles)),
  ]);
  const ids = [...new Set([...shifts.map((s) => s.personId), ...fallbacks.map((f) => f.personId)])];
  const persons = await findPeople(db, ids);
  return { roster: { people: persons, shifts, fallbacks }, people: persons };
}

/**
 * Messages sent (or queued) to a person, newest first: the rows written for them
 * (person_id), plus rows that name no person — written before notifications carried one
 * (migration 0022), or for an address no sender tied to a person — sent to their
 * current phone or e-mail. So a number or e-mail changed keeps their messages, and a
 * message written for someone else never shows, whatever address it went to.
 */
export async function notificationsTo(
  db: Database,
  person: Pick<PersonRow, 'id' | 'phone' | 'email'>,
  q: { limit: number; cursor?: string },
): Promise<{ items: NotificationRow[]; nextCursor: string | null }> {
  const addresses = [person.phone, person.email].filter((a): a is string => !!a);
  const theirs = eq(notifications.personId, person.id);
  const where: SQL[] = [addresses.length ? or(theirs, and(isNull(notifications.personId), inArray(notifications.recipient, addresses)))! : theirs];
  if (q.cursor) where.push(lt(notifications.id, decodeIdCursor(q.cursor)));
  const rows = await db
    .select()
    .from(notifications)
    .where(and(...where))
    .orderBy(desc(notifications.id))
    .limit(q.limit + 1);
  const items = rows.slice(0, q.limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > q.limit && last ? encodeIdCursor(last.id) : null };
}
