// SLA rows: the policy in force (read by the SLA activities and the API), the
// escalations that fired and the clock results (written by activities, reported by the
// API). Inserts are keyed (workflow, clock, cycle[, kind, level]) so a retry writes nothing.
import { and, desc, eq, gte, sql } from 'drizzle-orm';
import { DEFAULT_SLA_POLICY, type ClockResult, type SlaPolicy } from '../../domain/sla';
import type { Database, Transaction } from '../client';
import { escalations, slaPolicies, slaResults } from '../schema';

export interface PolicyVersion {
  version: number;
  policy: SlaPolicy;
}

/** The newest policy version; the first call stores the default as version 1. */
export async function currentSlaPolicy(db: Database): Promise<PolicyVersion> {
  const [row] = await db.select().from(slaPolicies).orderBy(desc(slaPolicies.version)).limit(1);
  if (row) return { version: row.version, policy: row.policy };
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('sla_policies_seed'))`);
    const [again] = await tx.select().from(slaPolicies).orderBy(desc(slaPolicies.version)).limit(1);
    if (again) return { version: again.version, policy: again.policy };
    const [made] = await tx.insert(slaPolicies).values({ policy: DEFAULT_SLA_POLICY, createdBy: 'system', note: 'defaults' }).returning();
    return { version: made!.version, policy: made!.policy };
  });
}

export async function saveSlaPolicy(db: Database, policy: SlaPolicy, createdBy: string, note?: string): Promise<PolicyVersion> {
  await currentSlaPolicy(db); // the default stays version 1
  const [made] = await db.insert(slaPolicies).values({ policy, createdBy, note }).returning();
  return { version: made!.version, policy: made!.policy };
}

export interface ThresholdRecord {
  caseNo: string;
  workflowId: string;
  clock: string;
  cycle: number;
  kind: 'warning' | 'escalation';
  level: number;
  actions: string[];
  stage: string;
  targetMinutes: number;
  dueAt: string;
  firedAt: string;
}

export async function recordSlaThreshold(db: Database | Transaction, r: ThresholdRecord): Promise<{ inserted: boolean }> {
  const rows = await db
    .insert(escalations)
    .values({ ...r, dueAt: new Date(r.dueAt), firedAt: new Date(r.firedAt) })
    .onConflictDoNothing()
    .returning({ id: escalations.id });
  return { inserted: rows.length > 0 };
}

export type SlaResultRecord = ClockResult & { caseNo: string; workflowId: string; priority: string; policyVersion: number; stoppedAt: string };

/** `db` may be a transaction: a move writes its clock results with its event (activities/caseRecords.ts). */
export async function recordSlaResult(db: Database | Transaction, r: SlaResultRecord): Promise<{ inserted: boolean }> {
  const rows = await db
    .insert(slaResults)
    .values({
      caseNo: r.caseNo,
      workflowId: r.workflowId,
      clock: r.clock,
      cycle: r.cycle,
      priority: r.priority,
      policyVersion: r.policyVersion,
      targetMs: r.targetMs,
      actualMs: r.actualMs,
      pausedMs: r.pausedMs,
      met: r.met,
      stoppedAt: new Date(r.stoppedAt),
    })
    .onConflictDoNothing()
    .returning({ id: slaResults.id });
  return { inserted: rows.length > 0 };
}

/** Every policy version, newest first (at most 200). */
export async function listSlaPolicyVersions(db: Database) {
  await currentSlaPolicy(db);
  return db.select().from(slaPolicies).orderBy(desc(slaPolicies.version)).limit(200);
}

/** Clock results per clock and priority, and escalations per clock, kind and level, since `since`. */
export async function slaReport(db: Database, since: Date) {
  const rows = await db
    .select({
      clock: slaResults.clock,
      priority: slaResults.priority,
      count: sql<number>`count(*)::int`,
      met: sql<number>`count(*) filter (where ${slaResults.met})::int`,
      avgActual: sql<number>`avg(${slaResults.actualMs})::float`,
      avgPaused: sql<number>`avg(${slaResults.pausedMs})::float`,
    })
    .from(slaResults)
    .where(gte(slaResults.stoppedAt, since))
    .groupBy(slaResults.clock, slaResults.priority)
    .orderBy(slaResults.clock, slaResults.priority);
  const fired = await db
    .select({ clock: escalations.clock, kind: escalations.kind, level: escalations.level, count: sql<number>`count(*)::int` })
    .from(escalations)
    .where(and(gte(escalations.firedAt, since)))
    .groupBy(escalations.clock, escalations.kind, escalations.level)
    .orderBy(escalations.clock, escalations.level);
  return { rows, fired };
}

/** A case's warnings and escalations, oldest first. */
export async function caseEscalations(db: Database, caseNo: string) {
  return db.select().from(escalations).where(eq(escalations.caseNo, caseNo)).orderBy(escalations.firedAt, escalations.id);
}
