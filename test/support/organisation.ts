// People, shifts and fallbacks for tests, written straight to the test stack's PostgreSQL.
import { and, eq, inArray } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { createShift, setFallback, upsertPerson, type ShiftRow } from '../../db/queries/people';
import { dutyFallbacks, dutyShifts } from '../../db/schema';
import { PersonInputSchema, type PersonInput } from '../../domain/staffSchemas';

/** Around the clock, every day (start = end: 24 hours), so a test does not depend on the test server's weekday. */
export const ALWAYS = { days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '00:00' };

export async function addPerson(db: Database, p: Partial<PersonInput> & { id: string; roles: PersonInput['roles'] }): Promise<PersonInput> {
  const input = PersonInputSchema.parse({
    name: `员工${p.id}`,
    phone: `+86 137 ${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')} ${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`,
    email: `${p.id.toLowerCase()}@staff.example.com`,
    preferredChannel: 'email',
    ...p,
  });
  await upsertPerson(db, input);
  return input;
}

export async function addShift(db: Database, personId: string, role: string, region: string, hours = ALWAYS): Promise<ShiftRow> {
  return createShift(db, { personId, role: role as PersonInput['roles'][number], region, ...hours });
}

export async function removeShifts(db: Database, region: string): Promise<void> {
  await db.delete(dutyShifts).where(eq(dutyShifts.region, region));
}

export async function setFallbackPerson(db: Database, region: string, role: PersonInput['roles'][number], personId: string): Promise<void> {
  await setFallback(db, { region, role, personId });
}

export async function removeFallbacks(db: Database, region: string, roles: string[]): Promise<void> {
  await db.delete(dutyFallbacks).where(and(eq(dutyFallbacks.region, region), inArray(dutyFallbacks.role, roles)));
}
