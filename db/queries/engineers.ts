// The engineer roster: admin writes and dispatcher reads. Load comes from engineer_load.
import { and, asc, eq, gt, sql, type SQL } from 'drizzle-orm';
import type { EngineerInput, EngineerListQuery, EngineerPatch } from '../../domain/schemas';
import type { Database } from '../client';
import { engineerLoad, engineers } from '../schema';

export type EngineerRow = typeof engineers.$inferSelect & { openCases: number };

const openCases = sql<number>`(select count(*)::int from ${engineerLoad} where ${engineerLoad.engineerId} = ${engineers.id})`;

export async function findEngineer(db: Database, id: string): Promise<EngineerRow | undefined> {
  const [row] = await db.select({ e: engineers, openCases }).from(engineers).where(eq(engineers.id, id));
  return row ? { ...row.e, openCases: Number(row.openCases) } : undefined;
}

/** The engineer a person is (engineers.person_id): the active one first, then by id. */
export async function findEngineerOfPerson(db: Database, personId: string): Promise<EngineerRow | undefined> {
  const [row] = await db
    .select({ e: engineers, openCases })
    .from(engineers)
    .where(eq(engineers.personId, personId))
    .orderBy(sql`${engineers.active} desc`, asc(engineers.id))
    .limit(1);
  return row ? { ...row.e, openCases: Number(row.openCases) } : undefined;
}

export async function listEngineers(db: Database, q: EngineerListQuery): Promise<{ items: EngineerRow[]; nextCursor: string | null }> {
  const where: SQL[] = [];
  if (q.region) where.push(sql`${q.region} = ANY(${engineers.regions})`);
  if (q.category) where.push(sql`${engineers.skills} @> ${JSON.stringify([{ category: q.category }])}::jsonb`);
  if (q.active) where.push(eq(engineers.active, q.active === 'true'));
  if (q.cursor) where.push(gt(engineers.id, q.cursor));
  const rows = await db
    .select({ e: engineers, openCases })
    .from(engineers)
    .where(where.length ? and(...where) : undefined)
    .orderBy(asc(engineers.id))
    .limit(q.limit + 1);
  const items = rows.slice(0, q.limit).map((r) => ({ ...r.e, openCases: Number(r.openCases) }));
  return { items, nextCursor: rows.length > q.limit ? (items[items.length - 1]?.id ?? null) : null };
}

function columnsOf(input: Partial<EngineerInput> | EngineerPatch): Partial<typeof engineers.$inferInsert> {
  const out: Partial<typeof engineers.$inferInsert> = {};
  if (input.name !== undefined) out.name = input.name;
  if (input.badgeNo !== undefined) out.badgeNo = input.badgeNo;
  if (input.phone !== undefined) out.phone = input.phone;
  if (input.skills !== undefined) out.skills = input.skills;
  if (input.home !== undefined) {
    out.homeLat = input.home.lat;
    out.homeLng = input.home.lng;
  }
  if (input.regions !== undefined) out.regions = input.regions;
  if (input.workingHours !== undefined) out.workingHours = input.workingHours;
  if (input.maxOpenCases !== undefined) out.maxOpenCases = input.maxOpenCases;
  if (input.active !== undefined) out.active = input.active;
  if (input.personId !== undefined) out.personId = input.personId;
  return out;
}

/** Inserts a new engineer; false if the id exists. */
export async function createEngineer(db: Database, input: EngineerInput): Promise<boolean> {
  const inserted = await db
    .insert(engineers)
    .values({
      id: input.id,
      name: input.name,
      badgeNo: input.badgeNo,
      phone: input.phone ?? null,
      skills: input.skills,
      homeLat: input.home?.lat ?? null,
      homeLng: input.home?.lng ?? null,
      regions: input.regions,
      workingHours: input.workingHours,
      maxOpenCases: input.maxOpenCases,
      active: input.active,
      rating: input.rating,
      personId: input.personId ?? null,
    })
    .onConflictDoNothing()
    .returning({ id: engineers.id });
  return inserted.length > 0;
}

/** Creates or replaces an engineer (the seed command); keeps its rating history. */
export async function upsertEngineer(db: Database, input: EngineerInput): Promise<void> {
  const created = await createEngineer(db, input);
  if (!created) await updateEngineer(db, input.id, input);
}

export async function updateEngineer(db: Database, id: string, patch: Partial<EngineerInput> | EngineerPatch): Promise<boolean> {
  const updated = await db
    .update(engineers)
    .set({ ...columnsOf(patch), updatedAt: new Date() })
    .where(eq(engineers.id, id))
    .returning({ id: engineers.id });
  return updated.length > 0;
}
