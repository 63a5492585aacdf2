// SLA I/O: the policy in force, the escalations that fired and the clock results.
// Inserts are keyed (workflow, clock, cycle[, kind, level]) so a retry writes nothing.
import { desc, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { escalations, slaPolicies, slaResults } from '../db/schema';
import { DEFAULT_SLA_POLICY, type ClockResult, type SlaPolicy } from '../domain/sla';

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

export async function recordSlaThreshold(db: Database, r: ThresholdRecord): Promise<{ inserted: boolean }> {
  const rows = await db
    .insert(escalations)
    .values({ ...r, dueAt: new Date(r.dueAt), firedAt: new Date(r.firedAt) })
    .onConflictDoNothing()
    .returning({ id: escalations.id });
  return { inserted: rows.length > 0 };
}

export async function recordSlaResult(
  db: Database,
  r: ClockResult & { caseNo: string; workflowId: string; priority: string; policyVersion: number; stoppedAt: string },
): Promise<{ inserted: boolean }> {
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
