// /cases: intake, reads and the stage transitions. Thin: validate, authorise, then a
// Temporal Update (writes) or PostgreSQL (reads).
import { createHash } from 'node:crypto';
import {
  type Client,
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import { z } from 'zod';
import {
  ACTION_ROLES,
  maskPhone,
  normalizePhone,
  workflowIdFor,
  type Actor,
  type CaseState,
  type CaseWorkflowInput,
  type Stage,
} from '../../domain';
import {
  AppointmentBodySchema,
  AssignBodySchema,
  CancelBodySchema,
  CaseIntakeSchema,
  CaseListQuerySchema,
  CaseNoSchema,
  CheckInBodySchema,
  CheckOutBodySchema,
  ConfirmBodySchema,
  ErrorSchema,
} from '../../domain/schemas';
import { SA } from '../../domain/searchAttributes';
import type { Database } from '../../db/client';
import { BadCursorError, caseTimeline, findCase, listCases, type CaseRow } from '../../db/queries/cases';
import { findIntakeRequest, reserveIntake, type ReserveResult } from '../../db/queries/intake';
import {
  assignEngineer,
  bookAppointment,
  cancelCase,
  checkIn,
  checkOut,
  confirmCase,
  FAILURE,
  getCaseState,
  intakeReceipt,
} from '../../workflows/definitions';
import type { caseWorkflow } from '../../workflows';
import { HttpError } from '../errors';
import { defineRoute, type RouteSpec } from '../routeSpec';
import { caseEventView, CaseEventViewSchema, caseView, CaseViewSchema } from '../views';

export interface CaseRouteDeps {
  client: Client;
  db: Database;
  taskQueue: string;
}

const CaseParams = z.strictObject({ caseNo: CaseNoSchema });
const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{8,200}$/)
    .meta({ description: 'Unique per intended case (8-200 printable ASCII); retries reuse it' }),
});
const CaseEnvelope = z.object({ case: CaseViewSchema }).meta({ id: 'CaseEnvelope' });
const errors = {
  400: { description: 'Invalid input (field-level messages)', schema: ErrorSchema },
  401: { description: 'Missing or unknown API key', schema: ErrorSchema },
  403: { description: 'Role or engineer not allowed', schema: ErrorSchema },
  503: { description: 'Temporal or PostgreSQL unavailable', schema: ErrorSchema },
};

export function caseRoutes(deps: CaseRouteDeps): RouteSpec[] {
  const { client, db, taskQueue } = deps;

  async function loadCase(caseNo: string, actor: Actor): Promise<CaseRow> {
    const row = await findCase(db, caseNo);
    if (!row) throw new HttpError(404, 'case_not_found', `no case ${caseNo}`);
    if (actor.role === 'engineer' && row.engineerId !== actor.subject) {
      throw new HttpError(403, 'forbidden', `case ${caseNo} is not assigned to engineer ${actor.subject}`);
    }
    return row;
  }

  async function startCase(input: CaseWorkflowInput): Promise<CaseState> {
    const c = input.intake.customer;
    const p = input.intake.product;
    return client.workflow.executeUpdateWithStart(intakeReceipt, {
      startWorkflowOperation: new WithStartWorkflowOperation<typeof caseWorkflow>('caseWorkflow', {
        workflowId: workflowIdFor(input.caseNo),
        taskQueue,
        args: [input],
        // A retried intake attaches to the running case; a closed case is never re-run.
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [
          { key: SA.CaseNo, value: input.caseNo },
          { key: SA.CaseStage, value: 'accepted' },
          { key: SA.Priority, value: input.intake.priority },
          { key: SA.Region, value: c.region ?? 'unassigned' },
          { key: SA.SlaBreached, value: false },
        ],
        staticSummary: `${input.caseNo} · ${input.intake.priority} · ${p.category} ${p.model} · ${c.name} ${maskPhone(c.phone)}`,
        staticDetails: `Channel: ${input.intake.channel}\n\nFault: ${input.intake.faultDescription.slice(0, 300)}`,
      }),
    });
  }

  async function runUpdate<B>(row: CaseRow, def: UpdateDefinition<CaseState, [Actor, B]>, actor: Actor, body: B): Promise<void> {
    const handle = client.workflow.getHandle(row.workflowId);
    try {
      await handle.executeUpdate(def, { args: [actor, body] });
    } catch (err) {
      const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
      if (cause instanceof ApplicationFailure) {
        if (cause.type === FAILURE.illegalTransition) {
          const currentStage = (cause.details?.[0] as { currentStage?: Stage } | undefined)?.currentStage;
          throw new HttpError(409, 'illegal_transition', cause.message, { currentStage });
        }
        if (cause.type === FAILURE.forbidden) throw new HttpError(403, 'forbidden', cause.message);
      }
      if (err instanceof WorkflowNotFoundError || /already completed|workflow not found/i.test(String((err as Error).message))) {
        // The workflow has finished: the case is closed.
        const now = await findCase(db, row.caseNo);
        throw new HttpError(409, 'illegal_transition', `case ${row.caseNo} is closed`, {
          currentStage: (now?.stage ?? row.stage) as Stage,
        });
      }
      throw err;
    }
  }

  function transition<B>(
    path: string,
    summary: string,
    def: UpdateDefinition<CaseState, [Actor, B]>,
    body: z.ZodType<B>,
    roles: readonly Actor['role'][],
    check?: (body: B) => void,
  ): RouteSpec {
    return defineRoute<{ caseNo: string }, unknown, B>({
      method: 'post',
      path: `/cases/:caseNo/${path}`,
      tag: 'Case stages',
      summary,
      roles,
      params: CaseParams,
      body,
      responses: {
        200: { description: 'The case after the transition', schema: CaseEnvelope },
        ...errors,
        404: { description: 'Unknown case', schema: ErrorSchema },
        409: { description: 'Illegal in the current stage (currentStage says which)', schema: ErrorSchema },
      },
      async handler({ res, actor, params, body: input }) {
        check?.(input);
        const row = await loadCase(params.caseNo, actor);
        await runUpdate(row, def, actor, input);
        const after = await findCase(db, params.caseNo);
        res.json({ case: caseView(after ?? row) });
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
        const headers = IdempotencyHeaders.safeParse({ 'idempotency-key': req.get('idempotency-key') });
        if (!headers.success) {
          throw new HttpError(400, 'validation_failed', 'Idempotency-Key header is required', {
            fields: [{ path: 'headers.Idempotency-Key', message: 'required: 8-200 printable ASCII characters' }],
          });
        }
        const key = headers.data['idempotency-key'];
        const requestHash = createHash('sha256').update(JSON.stringify(body)).digest('hex');
        const phoneKey = normalizePhone(body.customer.phone);
        let result: ReserveResult;
        try {
          result = await reserveIntake(db, {
            key,
            requestHash,
            phoneKey,
            serial: body.product.serial,
            allowDuplicate: body.allowDuplicate,
            actor,
            now: new Date(),
          });
        } catch (err) {
          // Same key raced in from another request: it is a replay.
          if ((err as { code?: string }).code !== '23505') throw err;
          const request = await findIntakeRequest(db, key);
          if (!request) throw err;
          result = { kind: 'replay', request };
        }
        if (result.kind === 'duplicate') {
          throw new HttpError(409, 'duplicate_case', `an open case ${result.existingCaseNo} exists for this customer and product; set allowDuplicate to open another`, {
            existingCaseNo: result.existingCaseNo,
          });
        }
        if (result.request.requestHash !== requestHash) {
          throw new HttpError(422, 'idempotency_key_reused', `Idempotency-Key was used for case ${result.request.caseNo} with a different body`, {
            existingCaseNo: result.request.caseNo,
          });
        }
        const caseNo = result.request.caseNo;
        let row = result.kind === 'replay' ? await findCase(db, caseNo) : undefined;
        const created = !row;
        if (!row) {
          // New, or a replay whose first attempt did not reach Temporal: start (idempotent).
          await startCase({ caseNo, intake: body, openedBy: actor, idempotencyKey: key });
          row = await findCase(db, caseNo);
        }
        if (!row) throw new Error(`case ${caseNo} started but its row is missing`);
        res.status(created ? 201 : 200).json({ case: caseView(row) });
      },
    }),

    defineRoute<unknown, z.output<typeof CaseListQuerySchema>, unknown>({
      method: 'get',
      path: '/cases',
      tag: 'Cases',
      summary: 'List cases (newest first, cursor-paginated)',
      description: 'Engineers see only the cases assigned to them.',
      roles: ACTION_ROLES.read,
      query: CaseListQuerySchema,
      responses: {
        200: {
          description: 'A page of cases',
          schema: z.object({ items: z.array(CaseViewSchema), nextCursor: z.string().nullable() }).meta({ id: 'CasePage' }),
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
          res.json({ items: page.items.map(caseView), nextCursor: page.nextCursor });
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
          schema: z
            .object({
              case: CaseViewSchema,
              live: z.record(z.string(), z.unknown()).nullable().meta({ description: 'Workflow query result; null if the workflow could not be queried' }),
              timeline: z.array(CaseEventViewSchema),
            })
            .meta({ id: 'CaseDetail' }),
        },
        ...errors,
        404: { description: 'Unknown case', schema: ErrorSchema },
      },
      async handler({ req, res, actor, params }) {
        const row = await loadCase(params.caseNo, actor);
        const [timeline, live] = await Promise.all([
          caseTimeline(db, row.caseNo),
          client.workflow
            .getHandle(row.workflowId)
            .query(getCaseState)
            .catch((err: unknown) => {
              req.log?.warn({ err, caseNo: row.caseNo }, 'live state unavailable');
              return null;
            }),
        ]);
        res.json({ case: caseView(row), live, timeline: timeline.map(caseEventView) });
      },
    }),

    transition('assign', 'Assign (or reassign) an engineer (派单)', assignEngineer, AssignBodySchema, ACTION_ROLES.assign),
    transition('appointment', 'Book or reschedule the visit (预约)', bookAppointment, AppointmentBodySchema, ACTION_ROLES.appointment, (b) => {
      if (Date.parse(b.start) < Date.now() - 5 * 60_000) {
        throw new HttpError(400, 'validation_failed', 'invalid body', { fields: [{ path: 'body.start', message: 'the visit must start in the future' }] });
      }
    }),
    transition('check-in', 'Engineer checks in on site (上门)', checkIn, CheckInBodySchema, ACTION_ROLES.checkIn),
    transition('check-out', 'Engineer checks out with a result', checkOut, CheckOutBodySchema, ACTION_ROLES.checkOut),
    transition('confirm', 'Customer confirms and rates; the case is archived (确认/归档)', confirmCase, ConfirmBodySchema, ACTION_ROLES.confirm),
    transition('cancel', 'Cancel an open case with a reason', cancelCase, CancelBodySchema, ACTION_ROLES.cancel),
  ];
}
