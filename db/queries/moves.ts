// The ledger behind idempotent moves and the one-201 rule of intake.
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Actor } from '../../domain';
import type { Database } from '../client';
import { complaintRequests, intakeRequests, moveRequests } from '../schema';

export type MoveRequest = typeof moveRequests.$inferSelect;

/** Records the key's move, or returns what the key already names. */
export async function claimMove(
  db: Database,
  args: { targetNo: string; key: string; action: string; requestHash: string; actor: Actor },
): Promise<{ replay: boolean; request: MoveRequest }> {
  const [inserted] = await db
    .insert(moveRequests)
    .values({
      targetNo: args.targetNo,
      idempotencyKey: args.key,
      action: args.action,
      requestHash: args.requestHash,
      actorRole: args.actor.role,
      actorSubject: args.actor.subject ?? null,
    })
    .onConflictDoNothing()
    .returning();
  if (inserted) return { replay: false, request: inserted };
  const [existing] = await db
    .select()
    .from(moveRequests)
    .where(and(eq(moveRequests.targetNo, args.targetNo), eq(moveRequests.idempotencyKey, args.key)));
  return { replay: true, request: existing! };
}

export async function markMoveCompleted(db: Database, targetNo: string, key: string): Promise<void> {
  await db
    .update(moveRequests)
    .set({ completedAt: new Date() })
    .where(and(eq(moveRequests.targetNo, targetNo), eq(moveRequests.idempotencyKey, key), isNull(moveRequests.completedAt)));
}

/** Whether the key's move on the target completed, with this action and request (a retried one-tap link answers as the first). */
export async function completedMove(db: Database, targetNo: string, key: string, action: string, requestHash: string): Promise<boolean> {
  const [row] = await db
    .select({ completedAt: moveRequests.completedAt, action: moveRequests.action, requestHash: moveRequests.requestHash })
    .from(moveRequests)
    .where(and(eq(moveRequests.targetNo, targetNo), eq(moveRequests.idempotencyKey, key)));
  return !!row?.completedAt && row.action === action && row.requestHash === requestHash;
}

/** A claim older than this belongs to a request that died mid-start: another may take over. */
const CLAIM_STALE_MS = 60_000;

type Ledger = typeof intakeRequests | typeof complaintRequests;

/**
 * Of the requests replaying one intake key while its workflow is not yet recorded, the
 * one that takes this claim starts the workflow and answers 201; the rest answer 200.
 */
export async function claimStart(db: Database, ledger: Ledger, key: string): Promise<boolean> {
  const stale = new Date(Date.now() - CLAIM_STALE_MS);
  const rows = await db
    .update(ledger)
    .set({ startClaimedAt: sql`now()` })
    .where(and(eq(ledger.idempotencyKey, key), or(isNull(ledger.startClaimedAt), lt(ledger.startClaimedAt, stale))))
    .returning({ key: ledger.idempotencyKey });
  return rows.length > 0;
}

/** The claimer's start failed (Temporal down, deadline): the next retry may claim. */
export async function releaseStart(db: Database, ledger: Ledger, key: string): Promise<void> {
  await db.update(ledger).set({ startClaimedAt: null }).where(eq(ledger.idempotencyKey, key));
}
