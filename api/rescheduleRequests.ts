// A customer's reschedule request, shared by the JSON route at the link and the page's
// form: the windows checked against the clock, the case open, one open request per case
// (a second is refused with 409 while the first waits for the dispatcher).
import { z } from 'zod';
import { CLOSED_STAGES } from '../domain';
import { RESCHEDULE_REQUEST_STATUSES, RequestedWindowSchema, windowTimeProblems, type RescheduleRequestBody } from '../domain/rescheduleRequests';
import type { Database } from '../db/client';
import type { CaseRow } from '../db/queries/cases';
import { createRescheduleRequest, type RescheduleRequestRow } from '../db/queries/rescheduleRequests';
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

/** Stores the customer's request (validated body); 400 with field paths, 409 when closed or one is already open. */
export async function submitRescheduleRequest(db: Database, row: CaseRow, body: RescheduleRequestBody, prefix = 'body'): Promise<RescheduleRequestRow> {
  assertLinkWritable(row.caseNo, row.stage, CLOSED_STAGES);
  const fields = windowTimeProblems(body.windows, Date.now(), prefix);
  if (fields.length > 0) throw new HttpError(400, 'validation_failed', 'invalid body', { fields });
  // Stored as UTC instants, whatever offset the customer's client used.
  const windows = body.windows.map((w) => ({ start: new Date(w.start).toISOString(), end: new Date(w.end).toISOString() }));
  const created = await createRescheduleRequest(db, { caseNo: row.caseNo, engineerId: row.engineerId, windows, reason: body.reason });
  if (!created)
    throw new HttpError(409, 'request_open', `${row.caseNo} already has a reschedule request waiting for the dispatcher`, { currentStage: row.stage });
  return created;
}
