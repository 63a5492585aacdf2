// The offered engineer's side, reached through the signed link in the offer SMS (no API
// key): see the offer, accept it or decline it, as that engineer, through the same Update
// as POST /cases/:caseNo/offer/accept|decline. Before acceptance the customer's phone and
// address are not shown.
import type { Client } from '@temporalio/client';
import type { Request } from 'express';
import { z } from 'zod';
import type { Actor, CaseState } from '../../domain';
import { faultInBrief } from '../../domain/notifications';
import { AcceptOfferBodySchema, DeclineOfferBodySchema, ErrorSchema, StageSchema } from '../../domain/schemas';
import type { Database } from '../../db/client';
import { findCase, type CaseRow } from '../../db/queries/cases';
import { completedMove } from '../../db/queries/moves';
import type { CustomerLinkConfig } from '../../shared/customerLinks';
import type { OfferLink } from '../../shared/engineerOfferLinks';
import { acceptOffer, declineOffer } from '../../workflows/definitions';
import { moveRequestHash, runCaseUpdate } from '../caseUpdates';
import { closedOffer, openOfferOrThrow } from '../engineerOfferLinks';
import { idempotencyKeyOf, MoveIdempotencyHeaders } from '../idempotency';
import { defineRoute, type RouteSpec } from '../routeSpec';

const TokenParams = z.strictObject({ token: z.string().min(10).max(500) });

export const EngineerOfferViewSchema = z
  .object({
    caseNo: z.string(),
    stage: StageSchema,
    engineerId: z.string().meta({ description: 'The engineer this link is for' }),
    round: z.int(),
    open: z.boolean().meta({ description: 'true while the offer waits for this engineer' }),
    expiresAt: z.string().meta({ description: "The offer window's end" }),
    product: z.object({ category: z.string(), model: z.string() }),
    region: z.string().nullable(),
    fault: z.string().meta({ description: 'The fault in a few words' }),
    assignedTo: z.string().nullable().meta({ description: 'The engineer the case is assigned to, if any' }),
  })
  .meta({ id: 'EngineerOfferView' });

const errors = {
  400: { description: 'Invalid input (field-level messages)', schema: ErrorSchema },
  401: { description: 'Forged, malformed or unknown link (invalid_link)', schema: ErrorSchema },
  409: { description: "Not this engineer's open offer any more: accepted, declined, lapsed or moved to another engineer (offer_closed)", schema: ErrorSchema },
  410: { description: 'The offer window has ended (offer_lapsed) or the link was withdrawn (link_revoked)', schema: ErrorSchema },
};
const moveErrors = { ...errors, 422: { description: 'Idempotency-Key already used for another move or body', schema: ErrorSchema } };

function view(link: OfferLink, row: CaseRow, open: boolean): z.infer<typeof EngineerOfferViewSchema> {
  const snap = (row.snapshot ?? {}) as Partial<CaseState>;
  return {
    caseNo: row.caseNo,
    stage: row.stage as CaseState['stage'],
    engineerId: link.engineerId,
    round: link.round,
    open,
    expiresAt: link.expiresAt.toISOString(),
    product: { category: row.productCategory, model: row.productModel },
    region: row.region,
    fault: faultInBrief(snap.intake?.faultDescription ?? row.faultDescription),
    assignedTo: row.engineerId,
  };
}

export function engineerOfferRoutes(deps: { client: Client; db: Database; customerLinks: CustomerLinkConfig }): RouteSpec[] {
  const { client, db } = deps;
  const secret = () => deps.customerLinks.secret;

  /** Accept or decline as the link's engineer; a retry (same key) after success answers as the first. */
  async function move<B>(req: Request, token: string, action: 'acceptOffer' | 'declineOffer', body: B) {
    const { link, row, open } = await openOfferOrThrow(req, db, secret(), token, { allowClosed: true });
    const key = req.get('idempotency-key') !== undefined ? idempotencyKeyOf(req) : `offer-link-${link.linkId}-${action}`;
    const actor: Actor = { role: 'engineer', subject: link.engineerId };
    if (!open && !(await completedMove(db, row.caseNo, key, action, moveRequestHash(actor, body)))) throw closedOffer(link, row);
    const def = (action === 'acceptOffer' ? acceptOffer : declineOffer) as Parameters<typeof runCaseUpdate<B>>[3];
    await runCaseUpdate(client, db, row, def, actor, body, { action, key });
    const after = (await findCase(db, row.caseNo)) ?? row;
    return view(link, after, false);
  }

  return [
    defineRoute<{ token: string }, unknown, unknown>({
      method: 'get',
      path: '/engineer/offers/:token',
      tag: 'Engineer offer link',
      summary: 'The offer as the offered engineer sees it before accepting (no customer phone or address)',
      params: TokenParams,
      responses: { 200: { description: 'The open offer', schema: EngineerOfferViewSchema }, ...errors },
      async handler({ req, res, params }) {
        const { link, row, open } = await openOfferOrThrow(req, db, secret(), params.token);
        res.json(view(link, row, open));
      },
    }),
    defineRoute<{ token: string }, unknown, z.output<typeof AcceptOfferBodySchema>>({
      method: 'post',
      path: '/engineer/offers/:token/accept',
      tag: 'Engineer offer link',
      summary: 'The offered engineer accepts (接单) through the link',
      params: TokenParams,
      headers: MoveIdempotencyHeaders,
      body: AcceptOfferBodySchema,
      responses: { 200: { description: 'The case after acceptance (also for a retry)', schema: EngineerOfferViewSchema }, ...moveErrors },
      async handler({ req, res, params, body }) {
        res.json(await move(req, params.token, 'acceptOffer', body));
      },
    }),
    defineRoute<{ token: string }, unknown, z.output<typeof DeclineOfferBodySchema>>({
      method: 'post',
      path: '/engineer/offers/:token/decline',
      tag: 'Engineer offer link',
      summary: 'The offered engineer declines with a reason through the link; the next candidate gets the offer',
      params: TokenParams,
      headers: MoveIdempotencyHeaders,
      body: DeclineOfferBodySchema,
      responses: { 200: { description: 'The case after the decline (also for a retry)', schema: EngineerOfferViewSchema }, ...moveErrors },
      async handler({ req, res, params, body }) {
        res.json(await move(req, params.token, 'declineOffer', body));
      },
    }),
  ];
}
