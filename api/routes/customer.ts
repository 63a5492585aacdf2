// The customer's side, reached through a signed link (no API key): progress, quote
// approval and confirmation. Internal events, notes and staff data are left out.
import type { Client } from '@temporalio/client';
import type { Request } from 'express';
import { z } from 'zod';
import { CLOSED_STAGES, STAGE_LABELS, type Actor, type CaseState, type Stage } from '../../domain';
import { CUSTOMER_EVENT_LABELS, isCustomerVisible } from '../../domain/customerView';
import { ConfirmBodySchema, ErrorSchema, QuoteDecisionBodySchema, StageSchema } from '../../domain/schemas';
import type { Database } from '../../db/client';
import { caseTimeline, findCase, type CaseRow } from '../../db/queries/cases';
import { confirmCase, decideQuote } from '../../workflows/definitions';
import { runCaseUpdate } from '../caseUpdates';
import type { CustomerLinkConfig } from '../../shared/customerLinks';
import { assertLinkWritable, linkSubjectOrThrow } from '../customerLinks';
import { HttpError } from '../errors';
import { MoveIdempotencyHeaders, moveKeyOf } from '../idempotency';
import { defineRoute, type RouteSpec } from '../routeSpec';

const TokenParams = z.strictObject({ token: z.string().min(10).max(500) });

export const CustomerCaseViewSchema = z
  .object({
    caseNo: z.string(),
    stage: StageSchema,
    stageLabel: z.string(),
    product: z.object({ category: z.string(), model: z.string() }),
    engineer: z.object({ name: z.string().nullable(), badgeNo: z.string().nullable() }).nullable(),
    appointment: z.object({ start: z.string(), end: z.string() }).nullable(),
    quote: z
      .object({
        lines: z.array(z.object({ kind: z.string(), description: z.string(), quantity: z.int(), unitPrice: z.number() })),
        total: z.number(),
        currency: z.string(),
        status: z.string(),
      })
      .nullable(),
    canApproveQuote: z.boolean(),
    canConfirm: z.boolean(),
    timeline: z.array(z.object({ type: z.string(), label: z.string(), at: z.string() })),
  })
  .meta({ id: 'CustomerCaseView' });

const linkErrors = {
  400: { description: 'Invalid input (field-level messages)', schema: ErrorSchema },
  401: { description: 'Forged, malformed or expired link', schema: ErrorSchema },
  410: { description: 'Revoked link: replaced by a newer one, or withdrawn by staff (link_revoked)', schema: ErrorSchema },
};

function customerView(row: CaseRow, timeline: Awaited<ReturnType<typeof caseTimeline>>): z.infer<typeof CustomerCaseViewSchema> {
  const snap = (row.snapshot ?? {}) as Partial<CaseState>;
  const lang = row.customerLanguage === 'en' ? 'en' : 'zh-CN';
  const stage = row.stage as Stage;
  return {
    caseNo: row.caseNo,
    stage,
    stageLabel: STAGE_LABELS[stage],
    product: { category: row.productCategory, model: row.productModel },
    engineer: row.engineerId ? { name: row.engineerName, badgeNo: snap.engineerBadgeNo ?? null } : null,
    appointment: row.appointmentStart && row.appointmentEnd ? { start: row.appointmentStart.toISOString(), end: row.appointmentEnd.toISOString() } : null,
    quote: snap.quote
      ? {
          lines: snap.quote.lines.map((l) => ({ kind: l.kind, description: l.description, quantity: l.quantity, unitPrice: l.unitPrice })),
          total: snap.quote.total,
          currency: snap.quote.currency,
          status: snap.quote.status,
        }
      : null,
    canApproveQuote: stage === 'awaiting_approval',
    canConfirm: stage === 'awaiting_confirmation',
    timeline: timeline
      .filter((e) => isCustomerVisible(e.type))
      .map((e) => ({ type: e.type, label: CUSTOMER_EVENT_LABELS[e.type]![lang], at: e.occurredAt.toISOString() })),
  };
}

export function customerRoutes(deps: { client: Client; db: Database; customerLinks: CustomerLinkConfig }): RouteSpec[] {
  const { client, db } = deps;

  /** `forWrite`: a closed case's link only reads (409 link_read_only). */
  async function caseForToken(req: Request, token: string, forWrite = false): Promise<{ row: CaseRow; actor: Actor }> {
    const row = await findCase(db, await linkSubjectOrThrow(req, db, deps.customerLinks.secret, token, 'case'));
    if (!row) throw new HttpError(401, 'invalid_link', 'this link is not valid');
    if (forWrite) assertLinkWritable(row.caseNo, row.stage, CLOSED_STAGES);
    return { row, actor: { role: 'customer', subject: row.caseNo } };
  }

  /** The view of `row`; after a move, pass `fresh` to read the row the move wrote. */
  async function respond(row: CaseRow, fresh = false): Promise<z.infer<typeof CustomerCaseViewSchema>> {
    const current = fresh ? ((await findCase(db, row.caseNo)) ?? row) : row;
    return customerView(current, await caseTimeline(db, row.caseNo));
  }

  const stageErrors = {
    ...linkErrors,
    409: { description: 'Not possible in the current stage; link_read_only once the case is archived or cancelled', schema: ErrorSchema },
    422: { description: 'Idempotency-Key already used for another move or body', schema: ErrorSchema },
  };
  return [
    defineRoute<{ token: string }, unknown, unknown>({
      method: 'get',
      path: '/customer/cases/:token',
      tag: 'Customer',
      summary: "The customer's view of the case: stage, engineer, appointment, quote, key events",
      params: TokenParams,
      responses: { 200: { description: 'The case as the customer sees it', schema: CustomerCaseViewSchema }, ...linkErrors },
      async handler({ req, res, params }) {
        const { row } = await caseForToken(req, params.token);
        res.json(await respond(row));
      },
    }),
    defineRoute<{ token: string }, unknown, z.output<typeof QuoteDecisionBodySchema>>({
      method: 'post',
      path: '/customer/cases/:token/quote-decision',
      tag: 'Customer',
      summary: 'The customer approves or rejects the quote',
      params: TokenParams,
      headers: MoveIdempotencyHeaders,
      body: QuoteDecisionBodySchema,
      responses: { 200: { description: 'The case after the decision', schema: CustomerCaseViewSchema }, ...stageErrors },
      async handler({ req, res, params, body }) {
        const { row, actor } = await caseForToken(req, params.token, true);
        await runCaseUpdate(client, db, row, decideQuote, actor, body, { action: 'decideQuote', key: moveKeyOf(req, actor) });
        res.json(await respond(row, true));
      },
    }),
    defineRoute<{ token: string }, unknown, z.output<typeof ConfirmBodySchema>>({
      method: 'post',
      path: '/customer/cases/:token/confirm',
      tag: 'Customer',
      summary: 'The customer confirms with a 1-5 rating; fixed=false asks for another repair (a reason in comment, no rating needed)',
      params: TokenParams,
      headers: MoveIdempotencyHeaders,
      body: ConfirmBodySchema,
      responses: { 200: { description: 'The case after confirmation', schema: CustomerCaseViewSchema }, ...stageErrors },
      async handler({ req, res, params, body }) {
        const { row, actor } = await caseForToken(req, params.token, true);
        await runCaseUpdate(client, db, row, confirmCase, actor, body, { action: 'confirm', key: moveKeyOf(req, actor) });
        res.json(await respond(row, true));
      },
    }),
  ];
}
