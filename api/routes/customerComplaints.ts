// The customer's side of a complaint, reached through the signed link in the SMS that
// carries a proposed resolution: see where it stands and accept or reject the proposal.
import type { Client } from '@temporalio/client';
import type { Request } from 'express';
import { z } from 'zod';
import type { Actor } from '../../domain';
import { CLOSED_COMPLAINT_STAGES, COMPLAINT_STAGE_LABELS, type ComplaintStage, type ComplaintState } from '../../domain/complaints';
import { ComplaintStageSchema, DecisionBodySchema } from '../../domain/complaintSchemas';
import { CUSTOMER_COMPLAINT_EVENT_LABELS } from '../../domain/customerView';
import { ErrorSchema } from '../../domain/schemas';
import type { Database } from '../../db/client';
import { complaintTimeline, findComplaint, type ComplaintRow } from '../../db/queries/complaints';
import { COMPLAINT_UPDATES } from '../../workflows/complaintDefinitions';
import { runComplaintUpdate } from '../caseUpdates';
import type { CustomerLinkConfig } from '../../shared/customerLinks';
import { assertLinkWritable, linkSubjectOrThrow } from '../customerLinks';
import { HttpError } from '../errors';
import { MoveIdempotencyHeaders, moveKeyOf } from '../idempotency';
import { defineRoute, type RouteSpec } from '../routeSpec';

const TokenParams = z.strictObject({ token: z.string().min(10).max(500) });

export const CustomerComplaintViewSchema = z
  .object({
    complaintNo: z.string(),
    stage: ComplaintStageSchema,
    stageLabel: z.string(),
    summary: z.string(),
    resolution: z.object({ text: z.string(), compensation: z.object({ amount: z.number(), currency: z.string() }).nullable() }).nullable(),
    canDecide: z.boolean().meta({ description: 'A proposed resolution waits for your answer' }),
    timeline: z.array(z.object({ type: z.string(), label: z.string(), at: z.string() })),
  })
  .meta({ id: 'CustomerComplaintView' });

const linkErrors = {
  400: { description: 'Invalid input (field-level messages)', schema: ErrorSchema },
  401: { description: 'Forged, malformed or expired link', schema: ErrorSchema },
  410: { description: 'Revoked link: replaced by a newer one, or withdrawn by staff (link_revoked)', schema: ErrorSchema },
};

export function customerComplaintRoutes(deps: { client: Client; db: Database; customerLinks: CustomerLinkConfig }): RouteSpec[] {
  const { client, db } = deps;

  /** `forWrite`: a closed complaint's link only reads (409 link_read_only). */
  async function complaintForToken(req: Request, token: string, forWrite = false): Promise<{ row: ComplaintRow; actor: Actor }> {
    const row = await findComplaint(db, await linkSubjectOrThrow(req, db, deps.customerLinks.secret, token, 'complaint'));
    if (!row) throw new HttpError(401, 'invalid_link', 'this link is not valid');
    if (forWrite) assertLinkWritable(row.complaintNo, row.stage, CLOSED_COMPLAINT_STAGES);
    return { row, actor: { role: 'customer', subject: row.complaintNo } };
  }

  async function view(row: ComplaintRow): Promise<z.infer<typeof CustomerComplaintViewSchema>> {
    const complaintNo = row.complaintNo;
    const snap = row.snapshot as unknown as Partial<ComplaintState>;
    const lang = snap.customer?.language === 'en' ? 'en' : 'zh-CN';
    const stage = row.stage as ComplaintStage;
    const timeline = await complaintTimeline(db, complaintNo);
    return {
      complaintNo,
      stage,
      stageLabel: COMPLAINT_STAGE_LABELS[stage],
      summary: row.summary,
      resolution: snap.resolution ? { text: snap.resolution.text, compensation: snap.resolution.compensation ?? null } : null,
      canDecide: stage === 'resolution_proposed',
      timeline: timeline
        .filter((e) => e.type in CUSTOMER_COMPLAINT_EVENT_LABELS)
        .map((e) => ({ type: e.type, label: CUSTOMER_COMPLAINT_EVENT_LABELS[e.type]![lang], at: e.occurredAt.toISOString() })),
    };
  }

  return [
    defineRoute<{ token: string }, unknown, unknown>({
      method: 'get',
      path: '/customer/complaints/:token',
      tag: 'Customer',
      summary: "The customer's view of their complaint: stage, proposed resolution, key steps",
      params: TokenParams,
      responses: { 200: { description: 'The complaint as the customer sees it', schema: CustomerComplaintViewSchema }, ...linkErrors },
      async handler({ req, res, params }) {
        const { row } = await complaintForToken(req, params.token);
        res.json(await view(row));
      },
    }),
    defineRoute<{ token: string }, unknown, z.output<typeof DecisionBodySchema>>({
      method: 'post',
      path: '/customer/complaints/:token/decision',
      tag: 'Customer',
      summary: 'The customer accepts the proposed resolution, or rejects it (re-opened, one grade more severe)',
      params: TokenParams,
      headers: MoveIdempotencyHeaders,
      body: DecisionBodySchema,
      responses: {
        200: { description: 'The complaint after the answer', schema: CustomerComplaintViewSchema },
        ...linkErrors,
        409: { description: 'No proposal waits for an answer; link_read_only once the complaint is closed or withdrawn', schema: ErrorSchema },
        422: { description: 'Idempotency-Key already used for another move or body', schema: ErrorSchema },
      },
      async handler({ req, res, params, body }) {
        const { row, actor } = await complaintForToken(req, params.token, true);
        await runComplaintUpdate(client, db, row, COMPLAINT_UPDATES.recordDecision, actor, body, { action: 'recordDecision', key: moveKeyOf(req, actor) });
        res.json(await view((await findComplaint(db, row.complaintNo)) ?? row));
      },
    }),
  ];
}
