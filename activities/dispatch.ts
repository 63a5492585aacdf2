// Dispatch I/O: rank the roster, hold capacity on engineers, book visit slots, and
// record an archived case's metrics. Every write is idempotent (keyed rows, or
// statements whose second run changes nothing), so a retried activity is harmless.
import { ApplicationFailure } from '@temporalio/common';
import { and, eq, sql } from 'drizzle-orm';
import type { Database, Transaction } from '../db/client';
import { caseMetrics, engineerBookings, engineerLoad, engineers, people } from '../db/schema';
import { nextRating, rankEngineers, type CaseMetrics, type DispatchRequest, type EngineerProfile, type Ranking } from '../domain';
import { FAILURE } from '../domain/failures';
import { checkBookingSlot, type BookingVerdict, type Interval } from '../domain/engineerHours';
import { utcOffsetMinutes } from '../shared/timeZone';

export interface EngineerCard {
  id: string;
  name: string;
  badgeNo: string;
  phone?: string;
  /** The language of the engineer's person (people.language); unset without a linked person. */
  language?: 'zh-CN' | 'en';
  /** The engineer's linked person (people.id): their messages are that person's (GET /me/notifications). */
  personId?: string;
}

export type ClaimResult = { ok: true; engineer: EngineerCard } | { ok: false; reason: 'capacity' | 'inactive' | 'unknown' };

/** ISO weekday (1 = Monday) of an instant in the service time zone. */
export function isoWeekday(at: Date, timeZone: string): number {
  const short = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short' }).format(at);
  return ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(short) + 1;
}

export async function loadEngineerProfiles(db: Database, region?: string): Promise<EngineerProfile[]> {
  const load = db
    .select({ engineerId: engineerLoad.engineerId, n: sql<number>`count(*)::int`.as('n') })
    .from(engineerLoad)
    .groupBy(engineerLoad.engineerId)
    .as('load');
  const rows = await db
    .select({ e: engineers, openCases: sql<number>`coalesce(${load.n}, 0)` })
    .from(engineers)
    .leftJoin(load, eq(load.engineerId, engineers.id))
    .where(region ? sql`${region} = ANY(${engineers.regions})` : undefined);
  return rows.map(({ e, openCases }) => ({
    id: e.id,
    name: e.name,
    badgeNo: e.badgeNo,
    skills: e.skills,
    homeLat: e.homeLat,
    homeLng: e.homeLng,
    regions: e.regions,
    workingHours: e.workingHours,
    maxOpenCases: e.maxOpenCases,
    active: e.active,
    rating: e.rating,
    openCases: Number(openCases),
  }));
}

/** What a dispatch round asks: `offerWindowMinutes` (new rounds) turns on the shift rule. */
export type RankArgs = Omit<DispatchRequest, 'weekday' | 'shift'> & { at: string; offerWindowMinutes?: number };

export async function rankCandidates(db: Database, timeZone: string, req: RankArgs): Promise<Ranking> {
  const { at, offerWindowMinutes, ...rest } = req;
  const instant = new Date(at);
  const profiles = await loadEngineerProfiles(db, req.region);
  const shift =
    offerWindowMinutes === undefined
      ? undefined
      : { at: instant.getTime(), windowMs: offerWindowMinutes * 60_000, utcOffsetMinutes: utcOffsetMinutes(timeZone, instant) };
  return rankEngineers(profiles, { ...rest, weekday: isoWeekday(instant, timeZone), ...(shift ? { shift } : {}) });
}

/** Checks a visit slot against the engineer's hours (in `timeZone`) and the customer's preferred windows. */
export async function checkVisitSlot(
  db: Database,
  timeZone: string,
  args: { engineerId: string; start: string; end: string; preferredWindows: Interval[] },
): Promise<BookingVerdict> {
  const [e] = await db.select({ name: engineers.name, workingHours: engineers.workingHours }).from(engineers).where(eq(engineers.id, args.engineerId));
  // An engineer removed from the roster has no hours to hold the visit to: the booking
  // itself (and the exclusion constraint) still applies.
  if (!e) return { ok: true };
  const offset = utcOffsetMinutes(timeZone, new Date(args.start));
  return checkBookingSlot(e.workingHours, args.preferredWindows, args, offset, `engineer ${args.engineerId} (${e.name})`);
}

/**
 * Holds one of the engineer's capacity slots for the case (an offer or an assignment).
 * The engineer row is locked, so two cases cannot both take the last slot. `force` is
 * the dispatcher's override and ignores capacity.
 */
export async function claimEngineer(
  db: Database,
  args: { engineerId: string; caseNo: string; kind: 'offered' | 'assigned'; force?: boolean },
): Promise<ClaimResult> {
  return db.transaction(async (tx) => {
    const [e] = await tx.select().from(engineers).where(eq(engineers.id, args.engineerId)).for('update');
    if (!e) return { ok: false, reason: 'unknown' } as const;
    if (!e.active) return { ok: false, reason: 'inactive' } as const;
    const [person] = e.personId ? await tx.select({ language: people.language }).from(people).where(eq(people.id, e.personId)) : [];
    const card: EngineerCard = {
      id: e.id,
      name: e.name,
      badgeNo: e.badgeNo,
      phone: e.phone ?? undefined,
      ...(person ? { language: person.language, personId: e.personId! } : {}),
    };
    const held = await tx
      .update(engineerLoad)
      .set({ kind: args.kind })
      .where(and(eq(engineerLoad.engineerId, e.id), eq(engineerLoad.caseNo, args.caseNo)))
      .returning();
    if (held.length > 0) return { ok: true, engineer: card } as const;
    const [{ n }] = (await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(engineerLoad)
      .where(eq(engineerLoad.engineerId, e.id))) as [{ n: number }];
    if (n >= e.maxOpenCases && !args.force) return { ok: false, reason: 'capacity' } as const;
    await tx.insert(engineerLoad).values({ engineerId: e.id, caseNo: args.caseNo, kind: args.kind });
    return { ok: true, engineer: card } as const;
  });
}

/** Frees the case's capacity slots: one engineer's, or all of them (`engineerId` unset). */
export async function releaseEngineer(db: Database, args: { caseNo: string; engineerId?: string }): Promise<void> {
  await db.delete(engineerLoad).where(and(eq(engineerLoad.caseNo, args.caseNo), args.engineerId ? eq(engineerLoad.engineerId, args.engineerId) : undefined));
}

/**
 * Books a visit slot, replacing the case's previous booking in the same transaction.
 * Overlap with another active booking of the engineer violates the exclusion
 * constraint (23P01) and fails the booking as SlotConflict; the old booking stays.
 */
export async function reserveVisit(db: Database, args: { bookingId: string; caseNo: string; engineerId: string; start: string; end: string }): Promise<void> {
  try {
    await db.transaction(async (tx) => {
      const [existing] = await tx.select().from(engineerBookings).where(eq(engineerBookings.id, args.bookingId));
      if (existing) return; // a retry of a booking that committed
      await tx
        .update(engineerBookings)
        .set({ status: 'cancelled' })
        .where(and(eq(engineerBookings.caseNo, args.caseNo), eq(engineerBookings.status, 'active')));
      await tx.insert(engineerBookings).values({
        id: args.bookingId,
        engineerId: args.engineerId,
        caseNo: args.caseNo,
        startsAt: new Date(args.start),
        endsAt: new Date(args.end),
        status: 'active',
      });
    });
  } catch (err) {
    if ((err as { code?: string }).code === '23P01' || (err as { cause?: { code?: string } }).cause?.code === '23P01') {
      throw ApplicationFailure.create({
        type: FAILURE.slotConflict,
        message: `engineer ${args.engineerId} already has a visit overlapping ${args.start} – ${args.end}`,
        nonRetryable: true,
      });
    }
    throw err;
  }
}

/** Closes the case's active booking (visit happened, or case moved away from it). */
export async function closeBookings(db: Database | Transaction, args: { caseNo: string; status: 'done' | 'cancelled' }): Promise<void> {
  await db
    .update(engineerBookings)
    .set({ status: args.status })
    .where(and(eq(engineerBookings.caseNo, args.caseNo), eq(engineerBookings.status, 'active')));
}

/** Stores the archived case's metrics and moves the engineer's rating, once per case. */
export interface ArchiveRecord {
  caseNo: string;
  engineerId?: string;
  metrics: CaseMetrics;
  rating?: number;
  archivedAt: string;
}

/** `db` may be a transaction: the archiving move writes this with its event (caseRecords.ts). */
export async function recordArchive(db: Database | Transaction, args: ArchiveRecord): Promise<{ inserted: boolean }> {
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(caseMetrics)
      .values({
        caseNo: args.caseNo,
        engineerId: args.engineerId ?? null,
        metrics: args.metrics,
        firstTimeFix: args.metrics.firstTimeFix,
        visits: args.metrics.visits,
        reworks: args.metrics.reworks,
        rating: args.rating ?? null,
        archivedAt: new Date(args.archivedAt),
      })
      .onConflictDoNothing()
      .returning({ caseNo: caseMetrics.caseNo });
    if (inserted.length === 0) return { inserted: false };
    await tx.delete(engineerLoad).where(eq(engineerLoad.caseNo, args.caseNo));
    if (args.engineerId && args.rating != null) {
      const [e] = await tx.select().from(engineers).where(eq(engineers.id, args.engineerId)).for('update');
      if (e) {
        const next = nextRating(e.rating, e.ratingCount, args.rating);
        await tx.update(engineers).set({ rating: next.rating, ratingCount: next.count, updatedAt: new Date() }).where(eq(engineers.id, e.id));
      }
    }
    return { inserted: true };
  });
}
