// Customers' reschedule requests. The customer asks at the link
// (POST /customer/cases/:token/reschedule-request, or the page's form); dispatchers list the
// open ones and accept a window (the case's existing appointment Update runs then, as a
// customer reschedule that counts against the limit) or decline with a reason. An
// engineer lists the requests on their own cases. The case workflow is told of a stored
// request (it messages the engineer and the dispatcher on duty) and of a decline (it texts
// the customer the reason): Updates keyed by the request id (api/rescheduleRequests.ts).
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { ACTION_ROLES, CLOSED_STAGES, type Role } from '../../domain';
import {
  AcceptRescheduleBodySchema,
  DeclineRescheduleBodySchema,
  RESCHEDULE_REQUEST_STATUSES,
  RescheduleRequestBodySchema,
} from '../../domain/rescheduleRequests';
import { ErrorSchema } from '../../domain/schemas';
import { strictInt } from '../../domain/strictInt';
import type { Database } from '../../db/client';
import { findCase } from '../../db/queries/cases';
import { decideRescheduleRequest, findRescheduleRequest, listRescheduleRequests, type RescheduleRequestRow } from '../../db/queries/rescheduleRequests';
import type { CustomerLinkConfig } from '../../shared/customerLinks';
import { ACTION_UPDATES } from '../../workflows/definitions';
import { runCaseUpdate } from '../caseUpdates';
import { assertLinkWritable, linkSubjectOrThrow } from '../customerLinks';
import { HttpError } from '../errors';
import { IdempotencyHeaders, idempotencyKeyOf } from '../idempotency';
import { rescheduleRequestView, RescheduleRequestViewSchema, submitRescheduleRequest, tellDeclined } from '../rescheduleRequests';
import { defineRoute, type RouteSpec } from '../routeSpec';

const DECIDE: readonly Role[] = ['dispatcher', ...ACTION_ROLES.dispatchQueue.filter((r) => r !== 'dispatcher')];
const LIST: readonly Role[] = [...DECIDE, 'engineer'];

const IdParams = z.strictObject({ id: strictInt(1, Number.MAX_SAFE_INTEGER) });
const TokenParams = z.strictObject({ token: z.string().min(10).max(500) });
const ListQuery = z
  .strictObject({
    status: z.enum(RESCHEDULE_REQUEST_STATUSES).optional(),
    limit: strictInt(1, 100).default(20),
    cursor: z
      .string()
      .regex(/^[0-9]{1,15}$/, 'the nextCursor of the previous page')
      .optional(),
  })
  .meta({ id: 'RescheduleRequestQuery' });

const errors = {
  400: { description: 'Invalid input (field-level messages)', schema: ErrorSchema },
  401: { description: 'Missing or unknown API key', schema: ErrorSchema },
  403: { description: 'Role not allowed', schema: ErrorSchema },
  503: { description: 'Temporal or PostgreSQL unavailable', schema: ErrorSchema },
};
const decided = {
  404: { description: 'No such request', schema: ErrorSchema },
  409: { description: 'Already decided (request_decided), or the case cannot move now (currentStage, slot conflict, limit reached)', schema: ErrorSchema },
};
const One = { description: 'The request', schema: RescheduleRequestViewSchema };

export function rescheduleRequestRoutes(deps: { client: Client; db: Database; customerLinks: CustomerLinkConfig }): RouteSpec[] {
  const { client, db } = deps;

  async function load(id: number): Promise<RescheduleRequestRow> {
    const r = await findRescheduleRequest(db, id);
    if (!r) throw new HttpError(404, 'not_found', `no reschedule request ${id}`);
    return r;
  }
  const alreadyDecided = (r: RescheduleRequestRow) =>
    new HttpError(409, 'request_decided', `reschedule request ${r.id} is already ${r.status}`, { currentStage: r.status });

  return [
    defineRoute<{ token: string }, unknown, z.output<typeof RescheduleRequestBodySchema>>({
      method: 'post',
      path: '/customer/cases/:token/reschedule-request',
      tag: 'Customer',
      summary: 'The customer asks to move the visit: up to three windows and a reason, for the dispatcher to accept or decline',
      description:
        'One open request per case: a second one while the first waits is refused (409 request_open); the same windows and reason again answer with the stored request (a retry). ' +
        "The case's engineer and the dispatcher on duty for its region are told (their preferred channel and language), once.",
      params: TokenParams,
      body: RescheduleRequestBodySchema,
      responses: {
        201: { description: 'The request, waiting for the dispatcher', schema: RescheduleRequestViewSchema },
        400: errors[400],
        401: { description: 'Forged, malformed or expired link', schema: ErrorSchema },
        409: { description: 'A request is already open (request_open), or the case is closed (link_read_only)', schema: ErrorSchema },
        410: { description: 'Revoked link', schema: ErrorSchema },
        503: errors[503],
      },
      async handler({ req, res, params, body }) {
        const row = await findCase(db, await linkSubjectOrThrow(req, db, deps.customerLinks.secret, params.token, 'case'));
        if (!row) throw new HttpError(401, 'invalid_link', 'this link is not valid');
        res.status(201).json(rescheduleRequestView(await submitRescheduleRequest(deps, row, body)));
      },
    }),
    defineRoute<unknown, z.output<typeof ListQuery>, unknown>({
      method: 'get',
      path: '/reschedule-requests',
      tag: 'Dispatch',
      summary: "Customers' reschedule requests, oldest first (status=open: waiting for a dispatcher); an engineer sees those on their cases",
      roles: LIST,
      query: ListQuery,
      responses: {
        200: {
          description: 'A page',
          schema: z.object({ items: z.array(RescheduleRequestViewSchema), nextCursor: z.string().nullable() }).meta({ id: 'RescheduleRequestPage' }),
        },
        ...errors,
      },
      async handler({ res, actor, query }) {
        const page = await listRescheduleRequests(db, {
          status: query.status,
          engineerId: actor.role === 'engineer' ? (actor.subject ?? '-') : undefined,
          cursor: query.cursor === undefined ? undefined : Number(query.cursor),
          limit: query.limit,
        });
        res.json({ items: page.items.map(rescheduleRequestView), nextCursor: page.nextCursor });
      },
    }),
    defineRoute<{ id: number }, unknown, z.output<typeof AcceptRescheduleBodySchema>>({
      method: 'post',
      path: '/reschedule-requests/:id/accept',
      tag: 'Dispatch',
      summary: "Accept one of the customer's windows: the visit moves (a customer reschedule, counted against the limit)",
      roles: DECIDE,
      params: IdParams,
      headers: IdempotencyHeaders,
      body: AcceptRescheduleBodySchema,
      responses: { 200: One, ...errors, ...decided, 422: { description: 'Idempotency-Key already used for another move or body', schema: ErrorSchema } },
      async handler({ req, res, actor, params, body }) {
        const key = idempotencyKeyOf(req);
        const r = await load(params.id);
        // A retry of the same acceptance answers as the first did.
        if (r.status === 'accepted' && r.chosen === body.window) return void res.json(rescheduleRequestView(r));
        if (r.status !== 'open') throw alreadyDecided(r);
        const w = r.windows[body.window];
        if (!w)
          throw new HttpError(400, 'validation_failed', 'invalid body', {
            fields: [{ path: 'body.window', message: `the request has ${r.windows.length} window(s)` }],
          });
        const row = await findCase(db, r.caseNo);
        if (!row) throw new HttpError(404, 'not_found', `no case ${r.caseNo}`);
        assertLinkWritable(row.caseNo, row.stage, CLOSED_STAGES);
        const move = { start: w.start, end: w.end, requestedBy: 'customer' as const, reason: `customer request #${r.id}: ${r.reason}`.slice(0, 500) };
        await runCaseUpdate(client, db, row, ACTION_UPDATES.appointment, actor, move, { action: 'appointment', key });
        const done = await decideRescheduleRequest(db, r.id, { status: 'accepted', chosen: body.window, role: actor.role, subject: actor.subject });
        res.json(rescheduleRequestView(done ?? (await load(r.id))));
      },
    }),
    defineRoute<{ id: number }, unknown, z.output<typeof DeclineRescheduleBodySchema>>({
      method: 'post',
      path: '/reschedule-requests/:id/decline',
      tag: 'Dispatch',
      summary: 'Decline the request with a reason; the visit stays as it is, and the customer is texted the reason',
      description: 'The same reason again answers 200 as the first did (a retry); another decision on a decided request is 409 request_decided.',
      roles: DECIDE,
      params: IdParams,
      body: DeclineRescheduleBodySchema,
      responses: { 200: One, ...errors, ...decided },
      async handler({ res, actor, params, body }) {
        const r = await load(params.id);
        // A retry of the same decline answers as the first did (and makes sure the customer was told).
        const retry = r.status === 'declined' && r.decisionReason === body.reason;
        const done = retry ? r : await decideRescheduleRequest(db, r.id, { status: 'declined', reason: body.reason, role: actor.role, subject: actor.subject });
        if (!done) throw alreadyDecided(await load(r.id));
        const row = await findCase(db, done.caseNo);
        if (row) await tellDeclined(deps, row, done, retry ? undefined : actor);
        res.json(rescheduleRequestView(done));
      },
    }),
  ];
}
