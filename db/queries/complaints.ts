// Reads of the complaint projection for the API: one complaint, its timeline, the
// tracking list (filters, keyset pages) and the statistics sheet; and the intake ledger.
import { and, asc, desc, eq, gte, inArray, lt, notInArray, or, sql, type SQL } from 'drizzle-orm';
import { normalizePhone } from '../../domain';
import { CLOSED_COMPLAINT_STAGES, formatComplaintNo } from '../../domain/complaints';
import type { ComplaintListQuery } from '../../domain/complaintSchemas';
import type { Actor } from '../../domain';
import type { Database } from '../client';
import { complaintEvents, complaintNoSequence, complaintRequests, complaints } from '../schema';
import { decodeCursor, encodeCursor } from './cursor';

export type ComplaintRow = typeof complaints.$inferSelect;
export type ComplaintEventRow = typeof complaintEvents.$inferSelect;

export async function findComplaint(db: Database, complaintNo: string): Promise<ComplaintRow | undefined> {
  const [row] = await db.select().from(complaints).where(eq(complaints.complaintNo, complaintNo)).limit(1);
  return row;
}

/** In time order, seq within one instant (a reset's new run repeats the old run's seq numbers). */
export async function complaintTimeline(db: Database, complaintNo: string): Promise<ComplaintEventRow[]> {
  return db
    .select()
    .from(complaintEvents)
    .where(eq(complaintEvents.complaintNo, complaintNo))
    .orderBy(asc(complaintEvents.occurredAt), asc(complaintEvents.seq), asc(complaintEvents.id));
}

export async function complaintsAboutCase(db: Database, caseNo: string): Promise<ComplaintRow[]> {
  return db.select().from(complaints).where(eq(complaints.caseNo, caseNo)).orderBy(asc(complaints.createdAt), asc(complaints.complaintNo));
}

/** The tracking sheet: newest first, keyset-paginated on (created_at, complaint_no). */
export async function listComplaints(db: Database, q: ComplaintListQuery): Promise<{ items: ComplaintRow[]; nextCursor: string | null }> {
  const where: SQL[] = [];
  if (q.stage) where.push(eq(complaints.stage, q.stage));
  if (q.category) where.push(eq(complaints.category, q.category));
  if (q.grade) where.push(eq(complaints.grade, q.grade));
  if (q.owner) where.push(eq(complaints.owner, q.owner));
  if (q.caseNo) where.push(eq(complaints.caseNo, q.caseNo));
  if (q.phone) where.push(eq(complaints.customerPhoneKey, normalizePhone(q.phone)));
  if (q.source) where.push(eq(complaints.source, q.source));
  if (q.trigger) where.push(eq(complaints.trigger, q.trigger));
  if (q.open === 'true') where.push(notInArray(complaints.stage, [...CLOSED_COMPLAINT_STAGES]));
  if (q.open === 'false') where.push(inArray(complaints.stage, [...CLOSED_COMPLAINT_STAGES]));
  if (q.breached) where.push(eq(complaints.slaBreached, q.breached === 'true'));
  if (q.createdFrom) where.push(gte(complaints.createdAt, new Date(q.createdFrom)));
  if (q.createdTo) where.push(lt(complaints.createdAt, new Date(q.createdTo)));
  if (q.cursor) {
    const c = decodeCursor(q.cursor);
    where.push(or(lt(complaints.createdAt, c.at), and(eq(complaints.createdAt, c.at), lt(complaints.complaintNo, c.id)))!);
  }
  const rows = await db
    .select()
    .from(complaints)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(complaints.createdAt), desc(complaints.complaintNo))
    .limit(q.limit + 1);
  const items = rows.slice(0, q.limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > q.limit && last ? encodeCursor(last.createdAt, last.complaintNo) : null };
}

export interface ComplaintStatsRow {
  key: string;
  total: number;
  open: number;
  closed: number;
  withdrawn: number;
  reopened: number;
  breached: number;
  /** Acknowledged within the target / acknowledged; null when none was acknowledged. */
  acknowledgedOnTimeRate: number | null;
  /** Resolved within the target / resolved; null when none was resolved. */
  resolvedOnTimeRate: number | null;
  /** Mean minutes from opening to acknowledgement. */
  meanAcknowledgeMinutes: number | null;
}

const DIMENSIONS = { category: complaints.category, grade: complaints.grade, owner: complaints.owner, source: complaints.source } as const;
export type StatsDimension = keyof typeof DIMENSIONS;

/** The statistics sheet (客户投诉处理统计表): counts and on-time rates per dimension. */
export async function complaintStats(
  db: Database,
  from: Date,
  to: Date,
): Promise<{ overall: ComplaintStatsRow; by: Record<StatsDimension, ComplaintStatsRow[]> }> {
  const closed = sql.join(
    CLOSED_COMPLAINT_STAGES.map((s) => sql`${s}`),
    sql`, `,
  );
  const measures = {
    total: sql<number>`count(*)::int`,
    open: sql<number>`count(*) FILTER (WHERE ${complaints.stage} NOT IN (${closed}))::int`,
    closed: sql<number>`count(*) FILTER (WHERE ${complaints.stage} = 'closed')::int`,
    withdrawn: sql<number>`count(*) FILTER (WHERE ${complaints.stage} = 'withdrawn')::int`,
    reopened: sql<number>`count(*) FILTER (WHERE ${complaints.reopenCount} > 0)::int`,
    breached: sql<number>`count(*) FILTER (WHERE ${complaints.slaBreached})::int`,
    ackOnTime: sql<number>`count(*) FILTER (WHERE ${complaints.acknowledgedOnTime})::int`,
    ackCounted: sql<number>`count(${complaints.acknowledgedOnTime})::int`,
    resolvedOnTime: sql<number>`count(*) FILTER (WHERE ${complaints.resolvedOnTime})::int`,
    resolvedCounted: sql<number>`count(${complaints.resolvedOnTime})::int`,
    meanAck: sql<number | null>`round((avg(extract(epoch FROM ${complaints.acknowledgedAt} - ${complaints.createdAt})) / 60)::numeric, 1)::float8`,
  };
  const window = and(gte(complaints.createdAt, from), lt(complaints.createdAt, to));
  const shape = (key: string, m: { [K in keyof typeof measures]: number | null }): ComplaintStatsRow => ({
    key,
    total: m.total ?? 0,
    open: m.open ?? 0,
    closed: m.closed ?? 0,
    withdrawn: m.withdrawn ?? 0,
    reopened: m.reopened ?? 0,
    breached: m.breached ?? 0,
    acknowledgedOnTimeRate: m.ackCounted ? Math.round(((m.ackOnTime ?? 0) / m.ackCounted) * 1000) / 1000 : null,
    resolvedOnTimeRate: m.resolvedCounted ? Math.round(((m.resolvedOnTime ?? 0) / m.resolvedCounted) * 1000) / 1000 : null,
    meanAcknowledgeMinutes: m.meanAck,
  });
  const dimensions = Object.entries(DIMENSIONS) as Array<[StatsDimension, (typeof DIMENSIONS)[StatsDimension]]>;
  // Independent reads over the same window: issued together, not one after another.
  const [[overall], ...grouped] = await Promise.all([
    db.select(measures).from(complaints).where(window),
    ...dimensions.map(([, column]) =>
      db
        .select({ key: column, ...measures })
        .from(complaints)
        .where(window)
        .groupBy(column)
        .orderBy(desc(measures.total), asc(column)),
    ),
  ]);
  const by = Object.fromEntries(dimensions.map(([name], i) => [name, grouped[i]!.map(({ key, ...m }) => shape(key, m))])) as Record<
    StatsDimension,
    ComplaintStatsRow[]
  >;
  return { overall: shape('all', overall!), by };
}

export type ComplaintRequest = typeof complaintRequests.$inferSelect;

/** Reserves a complaint number for an Idempotency-Key, or returns what the key already has. */
export async function reserveComplaint(
  db: Database,
  args: { key: string; requestHash: string; actor: Actor; now: Date },
): Promise<{ kind: 'reserved' | 'replay'; request: ComplaintRequest }> {
  const [existing] = await db.select().from(complaintRequests).where(eq(complaintRequests.idempotencyKey, args.key)).limit(1);
  if (existing) return { kind: 'replay', request: existing };
  const [seq] = await db.execute<{ n: string }>(sql`SELECT nextval(${complaintNoSequence.seqName}) AS n`).then((r) => r.rows);
  const [request] = await db
    .insert(complaintRequests)
    .values({
      idempotencyKey: args.key,
      requestHash: args.requestHash,
      complaintNo: formatComplaintNo(args.now, Number(seq?.n)),
      actorRole: args.actor.role,
      actorSubject: args.actor.subject ?? null,
      startClaimedAt: args.now,
    })
    .onConflictDoNothing({ target: complaintRequests.idempotencyKey })
    .returning();
  if (request) return { kind: 'reserved', request };
  // The same key raced in from another request: it is a replay.
  const [raced] = await db.select().from(complaintRequests).where(eq(complaintRequests.idempotencyKey, args.key)).limit(1);
  return { kind: 'replay', request: raced! };
}
