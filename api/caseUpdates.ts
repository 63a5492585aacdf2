// Sends one case or complaint Update and maps the workflow's refusals to HTTP errors.
// A move with an Idempotency-Key is idempotent: the key is the Update id, so Temporal
// returns a retry the first run's outcome (also after a 503 or an API restart), and the
// move ledger refuses the key for another move or body (422).
import { createHash } from 'node:crypto';
import { type Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import type { Actor, CaseReceipt } from '../domain';
import { FAILURE } from '../domain/failures';
import type { Database } from '../db/client';
import { findCase, type CaseRow } from '../db/queries/cases';
import { findComplaint, type ComplaintRow } from '../db/queries/complaints';
import { claimMove, markMoveCompleted, type MoveRequest } from '../db/queries/moves';
import type { ComplaintState } from '../domain/complaints';
import { HttpError } from './errors';

interface FailureDetails {
  /** The machine-readable reason of a refusal that has several (bookingRefused). */
  code?: string;
  currentStage?: string;
  fields?: Array<{ path: string; message: string }>;
}

/** Which move this is, and the caller's Idempotency-Key if it sent one. */
export interface Move {
  action: string;
  key?: string;
}

/** What the move ledger compares a retry with: who moves, and with which body. */
export function moveRequestHash(actor: Actor, body: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify([actor.role, actor.subject ?? null, body]))
    .digest('hex');
}

/**
 * Runs an Update; a refusal becomes its HTTP error, and a finished workflow becomes the
 * 409 that `closed()` builds (with the stage it closed in), unless this key's move had
 * already succeeded (the retry of a move that closed the workflow answers as the first).
 * Returns the Update's result, except for a retry (whose result is the first run's: the
 * caller reads the current row instead).
 */
export async function runUpdate<R, B>(
  client: Client,
  db: Database,
  target: { no: string; workflowId: string },
  def: UpdateDefinition<R, [Actor, B]>,
  actor: Actor,
  body: B,
  move: Move,
  closed: () => Promise<HttpError>,
): Promise<R | undefined> {
  let replayOf: MoveRequest | undefined;
  if (move.key) {
    const requestHash = moveRequestHash(actor, body);
    const { replay, request } = await claimMove(db, { targetNo: target.no, key: move.key, action: move.action, requestHash, actor });
    if (request.action !== move.action || request.requestHash !== requestHash) {
      throw new HttpError(
        422,
        'idempotency_key_reused',
        `Idempotency-Key was used for another move on ${target.no} (${request.action}) or with a different body`,
      );
    }
    if (replay) replayOf = request;
  }
  const handle = client.workflow.getHandle(target.workflowId);
  try {
    const result = await handle.executeUpdate(def, { args: [actor, body], ...(move.key ? { updateId: `${move.action}:${move.key}` } : {}) });
    if (move.key && !replayOf?.completedAt) await markMoveCompleted(db, target.no, move.key);
    return replayOf ? undefined : result;
  } catch (err) {
    const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
    if (cause instanceof ApplicationFailure) {
      const details = (cause.details?.[0] ?? {}) as FailureDetails;
      switch (cause.type) {
        case FAILURE.illegalTransition:
          throw new HttpError(409, 'illegal_transition', cause.message, { currentStage: details.currentStage });
        case FAILURE.forbidden:
          throw new HttpError(403, 'forbidden', cause.message);
        case FAILURE.slotConflict:
          throw new HttpError(409, 'slot_conflict', cause.message, { currentStage: details.currentStage });
        case FAILURE.bookingRefused:
          throw new HttpError(409, details.code ?? 'booking_refused', cause.message, { currentStage: details.currentStage });
        case FAILURE.limitReached:
          throw new HttpError(409, 'limit_reached', cause.message, { currentStage: details.currentStage });
        case FAILURE.unchanged:
          throw new HttpError(409, 'no_change', cause.message, { currentStage: details.currentStage });
        case FAILURE.invalid:
          throw new HttpError(400, 'validation_failed', cause.message, { fields: details.fields });
      }
    }
    if (err instanceof WorkflowNotFoundError || /already completed|workflow not found/i.test(String((err as Error).message))) {
      if (replayOf?.completedAt) return undefined;
      throw await closed();
    }
    throw err;
  }
}

export async function runCaseUpdate<B>(
  client: Client,
  db: Database,
  row: CaseRow,
  def: UpdateDefinition<CaseReceipt, [Actor, B]>,
  actor: Actor,
  body: B,
  move: Move,
): Promise<CaseReceipt | undefined> {
  return runUpdate(client, db, { no: row.caseNo, workflowId: row.workflowId }, def, actor, body, move, async () => {
    // The workflow has finished: the case is closed.
    const now = await findCase(db, row.caseNo);
    return new HttpError(409, 'illegal_transition', `case ${row.caseNo} is closed`, { currentStage: now?.stage ?? row.stage });
  });
}

export async function runComplaintUpdate<B>(
  client: Client,
  db: Database,
  row: ComplaintRow,
  def: UpdateDefinition<ComplaintState, [Actor, B]>,
  actor: Actor,
  body: B,
  move: Move,
): Promise<void> {
  await runUpdate(client, db, { no: row.complaintNo, workflowId: row.workflowId }, def, actor, body, move, async () => {
    const now = await findComplaint(db, row.complaintNo);
    return new HttpError(409, 'illegal_transition', `complaint ${row.complaintNo} is ${now?.stage ?? row.stage}`, { currentStage: now?.stage ?? row.stage });
  });
}
