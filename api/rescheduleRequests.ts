// A customer's reschedule request, shared by the JSON route at the link and the page's
// form: the windows checked against the clock, the case open, one open request per case
// (a second is refused with 409 while the first waits for the dispatcher; the same one
// again is its retry). Once stored, the case workflow is told (an Update keyed by the
// request id), and it messages the engineer and the dispatcher on duty: the API sends nothing.
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { isOpenStage, CLOSED_STAGES, type Actor, type Stage } from '../domain';
import { RESCHEDULE_REQUEST_STATUSES, RequestedWindowSchema, windowTimeProblems, type RescheduleRequestBody } from '../domain/rescheduleRequests';
import type { Database } from '../db/client';
import type { CaseRow } from '../db/queries/cases';
import { createRescheduleRequest, latestRescheduleRequest, type RescheduleRequestRow } from '../db/queries/rescheduleRequests';
import { rescheduleDeclined, rescheduleRequested } from '../workflows/definitions';
import { runCaseUpdate } from './caseUpdates';
import { assertLinkWritable } from './customerLinks';
import { HttpError } from './errors';

export const RescheduleRequestViewSchema = z
  .object({
    id: z.number(),
    caseNo: z.string(),
    engineerId: z.string().nullable(),
    windows: z.array(RequestedWindowSchema),
    reason: z.string(),
    status: z.enum(RESCHEDULE_REQUEST_STATUSES),
    chosen: z.number().nullable().meta({ description: 'Index of the accepted window' }),
    decisionReason: z.string().nullable(),
    createdAt: z.string(),
    decidedAt: z.string().nullable(),
  })
  .meta({ id: 'RescheduleRequest' });
export type RescheduleRequestView = z.infer<typeof RescheduleRequestViewSchema>;

export function rescheduleRequestView(r: RescheduleRequestRow): RescheduleRequestView {
  return {
    id: r.id,
    caseNo: r.caseNo,
    engineerId: r.engineerId,
    windows: r.windows,
    reason: r.reason,
    status: r.status as RescheduleRequestView['status'],
    chosen: r.chosen,
    decisionReason: r.decisionReason,
    createdAt: r.createdAt.toISOString(),
    decidedAt: r.decidedAt?.toISOString() ?? null,
  };
}

/** The same windows and reason: a retry of the open request, not a second one. */
function sameRequest(r: RescheduleRequestRow, windows: Array<{ start: string; end: string }>, reason: string): boolean {
  // Field by field: jsonb hands the windows back with their keys reordered.
  const same = r.windows.length === windows.length && r.windows.every((w, i) => w.start === windows[i]!.start && w.end === windows[i]!.end);
  return r.status === 'open' && r.reason === reason && same;
}

/**
 * Stores the customer's request (validated body) and tells the case workflow; 400 with
 * field paths, 409 when closed or another one is already open. The same request again
 * (a retry after a timeout, a double tap) answers with the stored one and tells the
 * workflow again, which the Update id (the request's) makes a no-op if it was told.
 */
export async function submitRescheduleRequest(
  deps: { client: Client; db: Database },
  row: CaseRow,
  body: RescheduleRequestBody,
  prefix = 'body',
): Promise<RescheduleRequestRow> {
  const { client, db } = deps;
  assertLinkWritable(row.caseNo, row.stage, CLOSED_STAGES);
  const fields = windowTimeProblems(body.windows, Date.now(), prefix);
  if (fields.length > 0) throw new HttpError(400, 'validation_failed', 'invalid body', { fields });
  // Stored as UTC instants, whatever offset the customer's client used.
  const windows = body.windows.map((w) => ({ start: new Date(w.start).toISOString(), end: new Date(w.end).toISOString() }));
  let request = await createRescheduleRequest(db, { caseNo: row.caseNo, engineerId: row.engineerId, windows, reason: body.reason });
  if (!request) {
    const open = await latestRescheduleRequest(db, row.caseNo);
    if (!open || !sameRequest(open, windows, body.reason))
      throw new HttpError(409, 'request_open', `${row.caseNo} already has a reschedule request waiting for the dispatcher`, { currentStage: row.stage });
    request = open;
  }
  const actor: Actor = { role: 'customer', subject: row.caseNo };
  // One spelling of the windows, so a retry's Update body (and its ledger hash) is the first's.
  const notice = { requestId: request.id, windows: request.windows.map((w) => ({ start: w.start, end: w.end })), reason: request.reason };
  await runCaseUpdate(client, db, row, rescheduleRequested, actor, notice, { action: 'rescheduleRequested', key: `reschedule-request-${request.id}` });
  return request;
}

/**
 * Tells the case workflow a request was declined (it texts the customer the reason); the
 * actor is who declined (`decider`, with their person, on the first call; on a retry the
 * decider recorded on the request), so a retry by anyone is the same move.
 * A closed case is not told: its visit is not happening anyway.
 */
export async function tellDeclined(deps: { client: Client; db: Database }, row: CaseRow, r: RescheduleRequestRow, decider?: Actor): Promise<void> {
  if (!isOpenStage(row.stage as Stage)) return;
  const actor = decider ?? ({ role: r.decidedByRole, subject: r.decidedBySubject ?? undefined } as Actor);
  const notice = { requestId: r.id, reason: r.decisionReason ?? '' };
  await runCaseUpdate(deps.client, deps.db, row, rescheduleDeclined, actor, notice, { action: 'rescheduleDeclined', key: `reschedule-declined-${r.id}` }).catch(
    (err: unknown) => {
      // The case closed meanwhile (the workflow finished): nobody to tell.
      if (!(err instanceof HttpError && err.status === 409 && err.code === 'illegal_transition')) throw err;
    },
  );
}
