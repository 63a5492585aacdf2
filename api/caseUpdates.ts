// Sends one case or complaint Update and maps the workflow's refusals to HTTP errors.
import { type Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import type { Actor, CaseState, Stage } from '../domain';
import { FAILURE } from '../domain/failures';
import type { Database } from '../db/client';
import { findCase, type CaseRow } from '../db/queries/cases';
import { findComplaint, type ComplaintRow } from '../db/queries/complaints';
import type { ComplaintState } from '../domain/complaints';
import { HttpError } from './errors';

interface FailureDetails {
  currentStage?: string;
  fields?: Array<{ path: string; message: string }>;
}

/**
 * Runs an Update; a refusal becomes its HTTP error, and a finished workflow becomes the
 * 409 that `closed()` builds (with the stage it closed in).
 */
export async function runUpdate<R, B>(
  client: Client,
  workflowId: string,
  def: UpdateDefinition<R, [Actor, B]>,
  actor: Actor,
  body: B,
  closed: () => Promise<HttpError>,
): Promise<R> {
  const handle = client.workflow.getHandle(workflowId);
  try {
    return await handle.executeUpdate(def, { args: [actor, body] });
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
        case FAILURE.limitReached:
          throw new HttpError(409, 'limit_reached', cause.message, { currentStage: details.currentStage });
        case FAILURE.invalid:
          throw new HttpError(400, 'validation_failed', cause.message, { fields: details.fields });
      }
    }
    if (err instanceof WorkflowNotFoundError || /already completed|workflow not found/i.test(String((err as Error).message))) {
      throw await closed();
    }
    throw err;
  }
}

export async function runCaseUpdate<B>(
  client: Client,
  db: Database,
  row: CaseRow,
  def: UpdateDefinition<CaseState, [Actor, B]>,
  actor: Actor,
  body: B,
): Promise<CaseState> {
  return runUpdate(client, row.workflowId, def, actor, body, async () => {
    // The workflow has finished: the case is closed.
    const now = await findCase(db, row.caseNo);
    return new HttpError(409, 'illegal_transition', `case ${row.caseNo} is closed`, { currentStage: (now?.stage ?? row.stage) as Stage });
  });
}

export async function runComplaintUpdate<B>(
  client: Client,
  db: Database,
  row: ComplaintRow,
  def: UpdateDefinition<ComplaintState, [Actor, B]>,
  actor: Actor,
  body: B,
): Promise<ComplaintState> {
  return runUpdate(client, row.workflowId, def, actor, body, async () => {
    const now = await findComplaint(db, row.complaintNo);
    return new HttpError(409, 'illegal_transition', `complaint ${row.complaintNo} is ${now?.stage ?? row.stage}`, { currentStage: now?.stage ?? row.stage });
  });
}
