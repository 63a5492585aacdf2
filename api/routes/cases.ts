// /cases: intake, reads and the stage transitions. Thin: validate, authorise, then a
// Temporal Update (writes) or PostgreSQL (reads).
import type { Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { z } from 'zod';
import { ACTION_ROLES, OPEN_STAGES, type Actor, type CaseReceipt, type Role, type Stage } from '../../domain';
import {
  AcceptOfferBodySchema,
  AppointmentBodySchema,
  AssignBodySchema,
  CancelBodySchema,
  CaseIntakeSchema,
  CaseListQuerySchema,
  CaseNoSchema,
  CheckInBodySchema,
  CheckOutBodySchema,
  ConfirmBodySchema,
  ContactBodySchema,
  DeclineOfferBodySchema,
  DiagnoseBodySchema,
  ErrorSchema,
  NoShowBodySchema,
  PriorityChangeBodySchema,
  QuoteBodySchema,
  QuoteDecisionBodySchema,
  RedispatchBodySchema,
} from '../../domain/schemas';
import type { Database } from '../../db/client';
import { BadCursorError, caseTimeline, findCase, listCases, type CaseRow } from '../../db/queries/cases';
import { complaintsAboutCase } from '../../db/queries/complaints';
import { ACTION_UPDATES, getCaseState } from '../../workflows/definitions';
import { caseRowOfReceipt } from '../../db/caseRow';
import { engineers } from '../../db/schema';
import { eq } from 'drizzle-orm';
import type { DispatchPolicyOverrides } from '../../domain';
import { createCaseIntake } from '../caseIntake';
import type { ApiDeadlines } from '../deadlines';
import { liveState } from '../liveState';
import { runCaseUpdate } from '../caseUpdates';
import { HttpError } from '../errors';
import { IdempotencyHeaders, idempotencyKeyOf, MoveIdempotencyHeaders, moveKeyOf } from '../idempotency';
import { defineRoute, type RouteSpec } from '../routeSpec';
import { caseEventView, CaseDetailSchema, caseView, CaseViewSchema } from '../views';
import {
  caseFor,
  EngineerCaseDetailSchema,
  EngineerCaseEnvelopeSchema,
  EngineerCasePageSchema,
  engineerCaseView,
  engineerTimeline,
  perRole,
} from '../engineerViews';

export interface CaseRouteDeps {
  client: Client;
  db: Database;
  taskQueue: string;
  /** Overrides of the dispatch windows for new cases (DISPATCH_POLICY). */
  dispatchPolicy?: DispatchPolicyOverrides;
  deadlines: ApiDeadlines;
}

const CaseParams = z.strictObject({ caseNo: CaseNoSchema });
const CaseEnvelope = z.object({ case: CaseViewSchema }).meta({ id: 'CaseEnvelope' });
const errors = {
  400: { description: 'Invalid input (field-level messages)', schema: ErrorSchema },
  401: { description: 'Missing or unknown API key', schema: ErrorSchema },
  403: { description: 'Role or engineer not allowed', schema: ErrorSchema },
  503: { description: 'Temporal or PostgreSQL unavailable', schema: ErrorSchema },
};

export function caseRoutes(deps: CaseRouteDeps): RouteSpec[] {
  const { client, db } = deps;

  async function loadCase(caseNo: string, actor: Actor): Promise<CaseRow> {
    const row = await findCase(db, caseNo);
    if (!row) throw new HttpError(404, 'case_not_found', `no case ${caseNo}`);
    if (actor.role === 'engineer' && row.engineerId !== actor.subject && row.offeredEngineerId !== actor.subject) {
      throw new HttpError(403, 'forbidden', `case ${caseNo} is not assigned to engineer ${actor.subject}`);
    }
    return row;
  }

  const openCaseIdempotently = createCaseIntake(deps);

  function transition<A extends keyof typeof ACTION_UPDATES, B>(
    action: A,
    path: string,
    summary: string,
    body: z.ZodType<B>,
    check?: (body: B) => void | Promise<void>,
  ): RouteSpec {
    return defineRoute<{ caseNo: string }, unknown, B>({
      method: 'post',
      path: `/cases/:caseNo/${path}`,
      tag: 'Case stages',
      summary,
      roles: ACTION_ROLES[action],
      params: CaseParams,
      headers: MoveIdempotencyHeaders,
      body,
      responses: {
        200: {
          description: 'The case after the transition (also for a retry with the same Idempotency-Key)',
          schema: (ACTION_ROLES[action] as readonly Role[]).includes('engineer') ? perRole(CaseEnvelope, EngineerCaseEnvelopeSchema) : CaseEnvelope,
        },
        ...errors,
        404: { description: 'Unknown case', schema: ErrorSchema },
        409: { description: 'Illegal in the current stage (currentStage says which), a slot conflict or a limit reached', schema: ErrorSchema },
        422: { description: 'Idempotency-Key already used for another move or body', schema: ErrorSchema },
      },
      async handler({ req, res, actor, params, body: input }) {
        const key = moveKeyOf(req, actor);
        await check?.(input);
        const row = await loadCase(params.caseNo, actor);
        const receipt = await runCaseUpdate(client, db, row, ACTION_UPDATES[action] as unknown as UpdateDefinition<CaseReceipt, [Actor, B]>, actor, input, {
          action,
          key,
        });
        // The Update's receipt is the case after the move; a retry's is the first run's, so the row is read instead.
        const after = receipt ? caseRowOfReceipt(receipt) : await findCase(db, params.caseNo);
        res.json({ case: caseFor(after ?? row, actor) });
      },
    });
  }

  return [
    defineRoute<unknown, unknown, z.output<typeof CaseIntakeSchema>>({
      method: 'post',
      path: '/cases',
      tag: 'Cases',
      summary: 'Open a case (受理)',
      description:
        'Requires an Idempotency-Key header: a retry with the same key and body returns the same case (200). ' +
        'An open case for the same customer phone + product serial is a duplicate (409) unless allowDuplicate is true.',
      roles: ACTION_ROLES.open,
      headers: IdempotencyHeaders,
      body: CaseIntakeSchema,
      responses: {
        201: { description: 'Case opened', schema: CaseEnvelope },
        200: { description: 'Replay of an earlier request with this Idempotency-Key', schema: CaseEnvelope },
        ...errors,
        409: { description: 'Duplicate of an open case (existingCaseNo)', schema: ErrorSchema },
        422: { description: 'Idempotency-Key reused with a different body', schema: ErrorSchema },
      },
      async handler({ req, res, actor, body }) {
        const { created, row } = await openCaseIdempotently(body, idempotencyKeyOf(req), actor);
        res.status(created ? 201 : 200).json({ case: caseView(row) });
      },
    }),

    defineRoute<unknown, z.output<typeof CaseListQuerySchema>, unknown>({
      method: 'get',
      path: '/cases',
      tag: 'Cases',
      summary: 'List cases (newest first, cursor-paginated)',
      description: 'Engineers see only the cases assigned or offered to them, in their view (EngineerCase).',
      roles: ACTION_ROLES.read,
      query: CaseListQuerySchema,
      responses: {
        200: {
          description: 'A page of cases',
          schema: perRole(z.object({ items: z.array(CaseViewSchema), nextCursor: z.string().nullable() }).meta({ id: 'CasePage' }), EngineerCasePageSchema),
        },
        ...errors,
      },
      async handler({ res, actor, query }) {
        if (actor.role === 'engineer') {
          if (query.engineer && query.engineer !== actor.subject) {
            throw new HttpError(403, 'forbidden', 'engineers may list only their own cases');
          }
          query.engineer = actor.subject;
        }
        try {
          const page = await listCases(db, query);
          res.json({ items: page.items.map((r) => caseFor(r, actor)), nextCursor: page.nextCursor });
        } catch (err) {
          if (err instanceof BadCursorError) {
            throw new HttpError(400, 'validation_failed', 'invalid query', { fields: [{ path: 'query.cursor', message: err.message }] });
          }
          throw err;
        }
      },
    }),

    defineRoute<{ caseNo: string }, unknown, unknown>({
      method: 'get',
      path: '/cases/:caseNo',
      tag: 'Cases',
      summary: 'One case: its row, the live workflow state and the timeline',
      roles: ACTION_ROLES.read,
      params: CaseParams,
      responses: {
        200: {
          description: 'The case',
          schema: perRole(CaseDetailSchema, EngineerCaseDetailSchema),
        },
        ...errors,
        404: { description: 'Unknown case', schema: ErrorSchema },
      },
      async handler({ req, res, actor, params }) {
        const row = await loadCase(params.caseNo, actor);
        if (actor.role === 'engineer') {
          // Least privilege: the visit's facts and steps; no live state (dispatch ranking, other engineers).
          res.json({ case: engineerCaseView(row, actor.subject ?? ''), timeline: engineerTimeline(await caseTimeline(db, row.caseNo), actor.subject ?? '') });
          return;
        }
        // A closed case's workflow has finished: its last snapshot is its final state, and
        // querying it would make Temporal replay the whole history.
        const closed = !OPEN_STAGES.includes(row.stage as Stage);
        const [timeline, { live, liveSource }, complaints] = await Promise.all([
          caseTimeline(db, row.caseNo),
          liveState({
            client,
            workflowId: row.workflowId,
            query: getCaseState,
            closed,
            snapshot: row.snapshot,
            deadlineMs: deps.deadlines.liveQueryMs,
            log: req.log,
          }),
          complaintsAboutCase(db, row.caseNo),
        ]);
        res.json({
          case: caseView(row),
          live,
          liveSource,
          timeline: timeline.map(caseEventView),
          complaints: complaints.map((c) => ({
            complaintNo: c.complaintNo,
            stage: c.stage,
            grade: c.grade,
            category: c.category,
            source: c.source,
            createdAt: c.createdAt.toISOString(),
          })),
        });
      },
    }),

    transition('assign', 'assign', 'Assign or reassign an engineer by hand (派单, dispatcher override)', AssignBodySchema, async (b) => {
      const [e] = await db.select({ active: engineers.active }).from(engineers).where(eq(engineers.id, b.engineerId));
      if (!e || !e.active) {
        throw new HttpError(400, 'validation_failed', 'invalid body', {
          fields: [{ path: 'body.engineerId', message: e ? 'engineer is inactive' : 'no such engineer' }],
        });
      }
    }),
    transition('redispatch', 'redispatch', 'Run automatic dispatch again, without the current engineer', RedispatchBodySchema),
    transition('acceptOffer', 'offer/accept', 'The offered engineer accepts (接单)', AcceptOfferBodySchema),
    transition('declineOffer', 'offer/decline', 'The offered engineer declines with a reason; the next candidate gets the offer', DeclineOfferBodySchema),
    transition('recordContact', 'contact', 'The engineer records contact with the customer (address, first diagnosis, parts to bring)', ContactBodySchema),
    transition(
      'appointment',
      'appointment',
      "Book or reschedule the visit (预约) inside the engineer's working hours and the customer's preferred windows (409 outside_engineer_hours / outside_preferred_windows, unless a dispatcher overrides with a reason); an engineer is never double-booked",
      AppointmentBodySchema,
      (b) => {
        if (Date.parse(b.start) < Date.now() - 5 * 60_000) {
          throw new HttpError(400, 'validation_failed', 'invalid body', { fields: [{ path: 'body.start', message: 'the visit must start in the future' }] });
        }
      },
    ),
    transition('noShow', 'no-show', 'Report a no-show: the customer (rebook) or the engineer (re-dispatch)', NoShowBodySchema),
    transition('checkIn', 'check-in', 'Engineer checks in on site (上门)', CheckInBodySchema),
    transition('diagnose', 'diagnosis', 'Record the diagnosed cause', DiagnoseBodySchema),
    transition('quote', 'quote', 'Quote parts and labour; above zero and out of warranty it waits for the customer', QuoteBodySchema),
    transition('decideQuote', 'quote/decision', "Record the customer's approval or rejection of the quote (agent on the phone)", QuoteDecisionBodySchema),
    transition('checkOut', 'check-out', 'Engineer checks out with a result, parts used and warranty', CheckOutBodySchema),
    transition(
      'confirm',
      'confirm',
      'Customer confirms and rates (确认/归档); fixed=false re-opens as rework (a reason in comment, no rating needed)',
      ConfirmBodySchema,
    ),
    transition('cancel', 'cancel', 'Cancel an open case with a reason', CancelBodySchema),
    transition(
      'changePriority',
      'priority',
      'Change the priority with a reason; the SLA clocks keep their start and paused time and take the new targets (409 no_change if already that priority)',
      PriorityChangeBodySchema,
    ),
  ];
}
