// Rows of the callback workflow: the case's callback_tasks row (the agents' queue and the
// final outcome, read by the KPIs) and one callback_attempts row per attempt. Each write
// is keyed so a retried activity writes once.
import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { callbackAttempts, callbackTasks } from '../db/schema';

export interface QueueAttempt {
  caseNo: string;
  workflowId: string;
  attempt: number;
  dueAt: string;
  customerName: string;
  customerPhone: string;
  engineerId?: string;
  rating?: number;
  reworks: number;
  priority: number;
  productCategory: string;
  region?: string;
  caseKind?: string;
}

/** Puts the case in the agents' queue for attempt `attempt` (the task row moves on; the attempt row is added once). */
export async function queueCallbackAttempt(db: Database, a: QueueAttempt): Promise<{ taskId: number }> {
  return db.transaction(async (tx) => {
    const values = {
      caseNo: a.caseNo,
      customerName: a.customerName,
      customerPhone: a.customerPhone,
      engineerId: a.engineerId ?? null,
      rating: a.rating ?? null,
      dueAt: new Date(a.dueAt),
      status: 'open' as const,
      workflowId: a.workflowId,
      attempt: a.attempt,
      priority: a.priority,
      reworks: a.reworks,
      productCategory: a.productCategory,
      region: a.region ?? null,
      caseKind: a.caseKind ?? 'repair',
    };
    const [task] = await tx
      .insert(callbackTasks)
      .values(values)
      .onConflictDoUpdate({
        target: callbackTasks.caseNo,
        set: { attempt: a.attempt, dueAt: new Date(a.dueAt), status: 'open' },
        // Never re-opens a closed callback, never moves one back to an earlier attempt.
        setWhere: sql`${callbackTasks.status} <> 'done' AND ${callbackTasks.attempt} <= ${a.attempt}`,
      })
      .returning({ id: callbackTasks.id });
    await tx
      .insert(callbackAttempts)
      .values({ caseNo: a.caseNo, attempt: a.attempt, dueAt: new Date(a.dueAt) })
      .onConflictDoNothing();
    const id = task?.id ?? (await tx.select({ id: callbackTasks.id }).from(callbackTasks).where(eq(callbackTasks.caseNo, a.caseNo)))[0]!.id;
    return { taskId: id };
  });
}

export interface AttemptResult {
  caseNo: string;
  attempt: number;
  outcome: string;
  satisfaction?: number;
  answers?: Record<string, number | boolean>;
  note?: string;
  via: string;
  recordedBy: string;
  recordedAt: string;
}

/** Records what came of an attempt; a retry finds it recorded and changes nothing. */
export async function recordCallbackAttempt(db: Database, r: AttemptResult): Promise<void> {
  await db
    .update(callbackAttempts)
    .set({
      outcome: r.outcome,
      satisfaction: r.satisfaction ?? null,
      answers: r.answers ?? null,
      note: r.note ?? null,
      via: r.via,
      recordedBy: r.recordedBy,
      recordedAt: new Date(r.recordedAt),
    })
    .where(and(eq(callbackAttempts.caseNo, r.caseNo), eq(callbackAttempts.attempt, r.attempt), isNull(callbackAttempts.outcome)));
}

export interface CallbackClose {
  caseNo: string;
  status: 'survey' | 'done';
  at: string;
  outcome?: string;
  satisfaction?: number;
  answers?: Record<string, number | boolean>;
  note?: string;
  via?: string;
  doneBy?: string;
  complaintNo?: string;
}

/** The SMS survey went out (status survey), or the callback is over (done, with its final outcome). */
export async function closeCallback(db: Database, c: CallbackClose): Promise<void> {
  const at = new Date(c.at);
  await db
    .update(callbackTasks)
    .set(
      c.status === 'survey'
        ? { status: 'survey', surveySentAt: at }
        : {
            status: 'done',
            doneAt: at,
            outcome: c.outcome ?? null,
            satisfaction: c.satisfaction ?? null,
            answers: c.answers ?? null,
            via: c.via ?? null,
            doneBy: c.doneBy ?? null,
            complaintNo: c.complaintNo ?? null,
            result: c.note ? { reached: c.outcome !== 'unreachable', satisfaction: c.satisfaction, note: c.note } : null,
          },
    )
    .where(and(eq(callbackTasks.caseNo, c.caseNo), ne(callbackTasks.status, 'done')));
}
