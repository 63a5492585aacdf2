// /complaints: the complaint closed loop (投诉闭环). Thin: validate, authorise, then a
// Temporal Update (moves) or PostgreSQL (the tracking list, one complaint, statistics).
import type { Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { z } from 'zod';
import { ACTION_ROLES, type Actor, type Role } from '../../domain';
import {
  COMPLAINT_CLOCK_LABELS,
  complaintPolicyOf,
  isOpenComplaintStage,
  type ComplaintAction,
  type ComplaintStage,
  type ComplaintState,
} from '../../domain/complaints';
import {
  AcknowledgeBodySchema,
  CallbackBodySchema,
  CloseBodySchema,
  ComplaintListQuerySchema,
  ComplaintNoSchema,
  ComplaintOpenSchema,
  ComplaintStatsQuerySchema,
  DecisionBodySchema,
  InvestigateBodySchema,
  NoteBodySchema,
  ProposeResolutionBodySchema,
  ReassignBodySchema,
  WithdrawBodySchema,
} from '../../domain/complaintSchemas';
import { ErrorSchema } from '../../domain/schemas';
import type { Database } from '../../db/client';
import { BadCursorError } from '../../db/queries/cases';
import { currentSlaPolicy } from '../../db/queries/sla';
import { complaintStats, complaintTimeline, findComplaint, listComplaints, type ComplaintRow } from '../../db/queries/complaints';
import { COMPLAINT_UPDATES, getComplaintState } from '../../workflows/complaintDefinitions';
import { createComplaintIntake, eligibleOwner } from '../complaintIntake';
import { complaintEventView, ComplaintEventViewSchema, complaintView, ComplaintViewSchema } from '../complaintViews';
import { runComplaintUpdate } from '../caseUpdates';
import type { ApiDeadlines } from '../deadlines';
import { HttpError } from '../errors';
import { liveState } from '../liveState';
import { LiveSourceSchema } from '../views';
import { IdempotencyHeaders, idempotencyKeyOf, MoveIdempotencyHeaders, moveKeyOf } from '../idempotency';
import { defineRoute, type RouteSpec } from '../routeSpec';

const Params = z.strictObject({ complaintNo: ComplaintNoSchema });
const Envelope = z.object({ complaint: ComplaintViewSchema }).meta({ id: 'ComplaintEnvelope' });
const errors = {
  400: { description: 'Invalid input (field-level messages)', schema: ErrorSchema },
  401: { description: 'Missing or unknown API key', schema: ErrorSchema },
  403: { description: 'Role not allowed', schema: ErrorSchema },
  503: { description: 'Temporal or PostgreSQL unavailable', schema: ErrorSchema },
};

const StatsRowSchema = z.object({
  key: z.string(),
  total: z.int(),
  open: z.int(),
  closed: z.int(),
  withdrawn: z.int(),
  reopened: z.int(),
  breached: z.int(),
  acknowledgedOnTimeRate: z.number().nullable(),
  resolvedOnTimeRate: z.number().nullable(),
  meanAcknowledgeMinutes: z.number().nullable(),
});

export function complaintRoutes(deps: { client: Client; db: Database; taskQueue: string; deadlines: ApiDeadlines }): RouteSpec[] {
  const { client, db } = deps;
  const openComplaint = createComplaintIntake(deps);

  async function load(complaintNo: string): Promise<ComplaintRow> {
    const row = await findComplaint(db, complaintNo);
    if (!row) throw new HttpError(404, 'complaint_not_found', `no complaint ${complaintNo}`);
    return row;
  }

  /** `check`: refuses a body the workflow must not see (an owner who is not an eligible person). */
  function move<B>(
    action: ComplaintAction,
    path: string,
    summary: string,
    roles: readonly Role[],
    body: z.ZodType<B>,
    check?: (body: B) => Promise<void>,
  ): RouteSpec {
    return defineRoute<{ complaintNo: string }, unknown, B>({
      method: 'post',
      path: `/complaints/:complaintNo/${path}`,
      tag: 'Complaint stages',
      summary,
      roles,
      params: Params,
      headers: MoveIdempotencyHeaders,
      body,
      responses: {
        200: { description: 'The complaint after the move (also for a retry with the same Idempotency-Key)', schema: Envelope },
        ...errors,
        404: { description: 'Unknown complaint (or, reassign: unknown person)', schema: ErrorSchema },
        409: { description: 'Illegal in the current stage (currentStage says which); reassign: the person cannot own complaints', schema: ErrorSchema },
        422: { description: 'Idempotency-Key already used for another move or body', schema: ErrorSchema },
      },
      async handler({ req, res, actor, params, body: input }) {
        const key = moveKeyOf(req, actor);
        const row = await load(params.complaintNo);
        await check?.(input);
        const def = COMPLAINT_UPDATES[action] as unknown as UpdateDefinition<ComplaintState, [Actor, B]>;
        await runComplaintUpdate(client, db, row, def, actor, input, { action, key });
        res.json({ complaint: complaintView((await findComplaint(db, row.complaintNo)) ?? row) });
      },
    });
  }

  const manage = ACTION_ROLES.complaintManage;
  const followUp = ACTION_ROLES.complaintFollowUp;

  return [
    defineRoute<unknown, unknown, z.output<typeof ComplaintOpenSchema>>({
      method: 'post',
      path: '/complaints',
      tag: 'Complaints',
      summary: 'Register a complaint (受理), from any channel; linked to a case or standalone by phone',
      description:
        'Requires an Idempotency-Key header: a retry with the same key and body returns the same complaint (200). ' +
        'The graded response standard (acknowledge-by, resolve-by) starts at once; see GET /complaints/standard.',
      roles: ACTION_ROLES.complaintOpen,
      headers: IdempotencyHeaders,
      body: ComplaintOpenSchema,
      responses: {
        201: { description: 'Complaint registered', schema: Envelope },
        200: { description: 'Replay of an earlier request with this Idempotency-Key', schema: Envelope },
        ...errors,
        404: { description: 'The owner named is no person of the staff directory', schema: ErrorSchema },
        409: { description: 'The owner named is deactivated, or neither a supervisor nor a manager', schema: ErrorSchema },
        422: { description: 'Idempotency-Key reused with a different body', schema: ErrorSchema },
      },
      async handler({ req, res, actor, body }) {
        const { created, row } = await openComplaint(body, idempotencyKeyOf(req), actor);
        res.status(created ? 201 : 200).json({ complaint: complaintView(row) });
      },
    }),

    defineRoute<unknown, z.output<typeof ComplaintListQuerySchema>, unknown>({
      method: 'get',
      path: '/complaints',
      tag: 'Complaints',
      summary: 'The complaint tracking list (用户投诉跟踪表): filters, newest first, cursor pages',
      roles: ACTION_ROLES.complaintRead,
      query: ComplaintListQuerySchema,
      responses: {
        200: {
          description: 'A page of complaints',
          schema: z.object({ items: z.array(ComplaintViewSchema), nextCursor: z.string().nullable() }).meta({ id: 'ComplaintPage' }),
        },
        ...errors,
      },
      async handler({ res, query }) {
        try {
          const page = await listComplaints(db, query);
          res.json({ items: page.items.map(complaintView), nextCursor: page.nextCursor });
        } catch (err) {
          if (err instanceof BadCursorError)
            throw new HttpError(400, 'validation_failed', 'invalid query', { fields: [{ path: 'query.cursor', message: err.message }] });
          throw err;
        }
      },
    }),

    defineRoute<unknown, z.output<typeof ComplaintStatsQuerySchema>, unknown>({
      method: 'get',
      path: '/complaints/stats',
      tag: 'Complaints',
      summary: 'The complaint statistics sheet (客户投诉处理统计表): by category, grade, owner and source, with on-time rates',
      roles: ACTION_ROLES.complaintStats,
      query: ComplaintStatsQuerySchema,
      responses: {
        200: {
          description: 'Counts and on-time rates over complaints opened in [from, to)',
          schema: z
            .object({
              from: z.string(),
              to: z.string(),
              overall: StatsRowSchema,
              by: z.object({
                category: z.array(StatsRowSchema),
                grade: z.array(StatsRowSchema),
                owner: z.array(StatsRowSchema),
                source: z.array(StatsRowSchema),
              }),
            })
            .meta({ id: 'ComplaintStats' }),
        },
        ...errors,
      },
      async handler({ res, query }) {
        const to = query.to ? new Date(query.to) : new Date();
        const from = query.from ? new Date(query.from) : new Date(to.getTime() - 30 * 86_400_000);
        if (from >= to) throw new HttpError(400, 'validation_failed', 'invalid query', { fields: [{ path: 'query.from', message: 'must be before to' }] });
        const stats = await complaintStats(db, from, to);
        res.json({ from: from.toISOString(), to: to.toISOString(), ...stats });
      },
    }),

    defineRoute({
      method: 'get',
      path: '/complaints/standard',
      tag: 'Complaints',
      summary: 'The graded response standard in force (分级响应机制): acknowledge and resolve targets per grade, and the escalation ladder',
      description: 'Part of the SLA policy table (PUT /sla/policy, key `complaints`); a complaint keeps the version it opened with.',
      roles: ACTION_ROLES.complaintRead,
      responses: {
        200: {
          description: 'Current version',
          schema: z.object({
            version: z.int(),
            grades: z.record(z.string(), z.object({ calendar: z.string(), acknowledgeMinutes: z.number(), resolveMinutes: z.number() })),
            warningAt: z.number(),
            ladder: z.array(z.object({ level: z.int(), atFraction: z.number(), actions: z.array(z.string()) })),
            clocks: z.record(z.string(), z.string()),
          }),
        },
        ...errors,
      },
      async handler({ res }) {
        const { version, policy } = await currentSlaPolicy(db);
        res.json({ version, grades: complaintPolicyOf(policy), warningAt: policy.warningAt, ladder: policy.ladder, clocks: COMPLAINT_CLOCK_LABELS });
      },
    }),

    defineRoute<{ complaintNo: string }, unknown, unknown>({
      method: 'get',
      path: '/complaints/:complaintNo',
      tag: 'Complaints',
      summary: 'One complaint: its row, the live workflow state and the audit timeline',
      roles: ACTION_ROLES.complaintRead,
      params: Params,
      responses: {
        200: {
          description: 'The complaint',
          schema: z
            .object({
              complaint: ComplaintViewSchema,
              live: z.record(z.string(), z.unknown()).nullable(),
              liveSource: LiveSourceSchema,
              timeline: z.array(ComplaintEventViewSchema),
            })
            .meta({ id: 'ComplaintDetail' }),
        },
        ...errors,
        404: { description: 'Unknown complaint', schema: ErrorSchema },
      },
      async handler({ req, res, params }) {
        const row = await load(params.complaintNo);
        const closed = !isOpenComplaintStage(row.stage as ComplaintStage);
        const [timeline, { live, liveSource }] = await Promise.all([
          complaintTimeline(db, row.complaintNo),
          liveState({
            client,
            workflowId: row.workflowId,
            query: getComplaintState,
            closed,
            snapshot: row.snapshot,
            deadlineMs: deps.deadlines.liveQueryMs,
            log: req.log,
          }),
        ]);
        res.json({ complaint: complaintView(row), live, liveSource, timeline: timeline.map(complaintEventView) });
      },
    }),

    move(
      'acknowledge',
      'acknowledge',
      'The owner acknowledges: has contacted the customer (stops the acknowledge clock); may re-classify',
      manage,
      AcknowledgeBodySchema,
    ),
    move('investigate', 'investigate', 'Start the investigation (调查)', manage, InvestigateBodySchema),
    move(
      'proposeResolution',
      'resolution',
      'Propose a resolution (处理方案), optionally with compensation; the customer is told by SMS',
      manage,
      ProposeResolutionBodySchema,
    ),
    move(
      'recordDecision',
      'decision',
      "Record the customer's answer: accepted stops the resolve clock; rejected re-opens with a raised grade",
      followUp,
      DecisionBodySchema,
    ),
    move('verifyCallback', 'callback', 'Record the follow-up call (回访): satisfied, or re-open with a raised grade', followUp, CallbackBodySchema),
    move('close', 'close', 'Close (结案) with root cause and responsibility', manage, CloseBodySchema),
    move(
      'reassign',
      'reassign',
      'Hand the complaint to another owner: an active supervisor or manager of the staff directory, who is told (their preferred channel)',
      manage,
      ReassignBodySchema,
      (body) => eligibleOwner(db, body.owner),
    ),
    move('addNote', 'notes', 'Add a note to the audit timeline', followUp, NoteBodySchema),
    move('withdraw', 'withdraw', 'The customer withdraws the complaint', followUp, WithdrawBodySchema),
  ];
}
