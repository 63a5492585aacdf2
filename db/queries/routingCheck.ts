// Whether escalations can always find someone: every role the workflows route to needs a
// usable global fallback ('*'), or an escalation outside every shift reaches nobody.
// Reported in /health's details and warned about once when the API or worker starts.
import { eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import { ANY_REGION, ROUTED_ROLES, rolesWithoutGlobalFallback } from '../../domain/duty';
import type { Database } from '../client';
import { dutyFallbacks } from '../schema';
import { findPeople } from './people';

/** Routed roles without a usable global fallback (none set, or its person deactivated or without the role). */
export async function missingGlobalFallbacks(db: Database): Promise<string[]> {
  const fallbacks = await db.select().from(dutyFallbacks).where(eq(dutyFallbacks.region, ANY_REGION));
  const persons = await findPeople(db, [...new Set(fallbacks.map((f) => f.personId))]);
  return rolesWithoutGlobalFallback({ people: persons, shifts: [], fallbacks }, ROUTED_ROLES);
}

export const NO_GLOBAL_FALLBACK_WARNING =
  'no global fallback for some routed roles: an escalation outside every shift reaches nobody (PUT /duty/fallbacks with region "*")';

/** One warning at start when a routed role has no global fallback; a failed check only logs why (it never stops a start). */
export async function warnIfNothingRoutes(db: Database, logger: Pick<Logger, 'warn'>): Promise<void> {
  try {
    const missing = await missingGlobalFallbacks(db);
    if (missing.length) logger.warn({ globalFallbackMissing: missing }, NO_GLOBAL_FALLBACK_WARNING);
  } catch (err) {
    logger.warn({ err }, 'could not check the global fallbacks');
  }
}
