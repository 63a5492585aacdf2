// Engineers for tests, written straight to the test stack's PostgreSQL.
import { engineerBookings, engineerLoad } from '../../db/schema';
import type { Database } from '../../db/client';
import { upsertEngineer } from '../../db/queries/engineers';
import { EngineerInputSchema, type EngineerInput } from '../../domain/schemas';
import { inArray } from 'drizzle-orm';

/** A region code no other test uses: its roster decides dispatch alone. */
export function uniqueRegion(prefix = 'QA'): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 8).toUpperCase()}`;
}

export function engineerInput(over: Partial<EngineerInput> & { id: string }): EngineerInput {
  return EngineerInputSchema.parse({
    name: `工程师${over.id}`,
    badgeNo: `B-${over.id}`,
    skills: [{ category: 'air_conditioner', level: 2 }],
    regions: ['QA-HOLD'],
    workingHours: { days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '00:00' },
    maxOpenCases: 5,
    rating: 4.5,
    ...over,
  });
}

export async function createEngineers(db: Database, list: Array<Partial<EngineerInput> & { id: string }>): Promise<void> {
  for (const e of list) await upsertEngineer(db, engineerInput(e));
}

/**
 * The engineers E001/E002 that the test API keys act as: no skills, so automatic
 * dispatch never picks them; dispatchers assign them by hand. Their load and bookings
 * are cleared so each suite starts with free calendars.
 */
export async function ensureKeyedEngineers(db: Database): Promise<void> {
  await createEngineers(db, [
    { id: 'E001', name: '李工', skills: [], maxOpenCases: 50 },
    { id: 'E002', name: '王工', skills: [], maxOpenCases: 50 },
  ]);
  await db.delete(engineerLoad).where(inArray(engineerLoad.engineerId, ['E001', 'E002']));
  await db.delete(engineerBookings).where(inArray(engineerBookings.engineerId, ['E001', 'E002']));
}
