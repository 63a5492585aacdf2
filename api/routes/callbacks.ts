// The callback queue (回访) agents work, the outcome of an attempt, and the customer's side
// through the signed case link: the SMS survey's rating and comment, booking a maintenance
// visit, opting out of maintenance reminders. JSON routes; the customer pages post forms of
// their own (api/pages/customer/aftercareForms.ts) that run the same Update and booking.
import type { Client } from '@temporalio/client';
import { and, asc, eq, isNotNull, lte, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../db/client';
import { callbackAttempts, callbackTasks } from '../../db/schema';
import { CALLBACK_OUTCOMES, CALLBACK_QUESTIONS, DEFAULT_CALLBACK_POLICY } from '../../domain/callbacks';
import { ErrorSchema, TimeWindowSchema } from '../../domain/schemas';
import { strictInt } from '../../domain/strictInt';
import type { CustomerLinkConfig } from '../../shared/customerLinks';
import { recordCallbackOutcome, submitCallbackSurvey } from '../../workflows/callbackDefinitions';
import { createCaseIntake } from '../caseIntake';
import { bookingRefusal, latestSeriesReminder, maintenanceView } from '../customerAftercare';
import { runUpdate } from '../caseUpdates';
import { linkSubjectOrThrow } from '../customerLinks';
import { HttpError } from '../errors';
import { MoveIdempotencyHeaders, moveKeyOf } from '../idempotency';
import { bookMaintenance, optOutOfMaintenance } from '../maintenanceBooking';
import { defineRoute, type RouteSpec } from '../routeSpec';
import { caseView, CaseViewSchema } from '../views';
import { OptedOutSchema } from './aftercare';

const roles = ['agent', 'supervisor', 'admin'] as const;
const errors = {
  400: { description: 'Invalid input', schema: ErrorSchema },
  401: { description: 'Missing or unknown API key', schema: ErrorSchema },
  403: { description: 'Role not allowed', schema: ErrorSchema },
};
const linkErrors = {
  400: { description: 'Invalid input (field-level messages)', schema: ErrorSchema },
  401: { description: 'Forged, malformed or expired link', schema: ErrorSchema },
  410: { description: 'Revoked link', schema: ErrorSchema },
};
const TokenParams = z.strictObject({ token: z.string().min(10).max(500) });
const IdParams = z.strictObject({ id: strictInt(1, Number.MAX_SAFE_INTEGER) });
// Bounded so every part fits its column (priority int, due ms as a timestamptz, id bigint): no 500 on a forged cursor.
const CURSOR = /^(\d{1,9})\.(\d{1,15})\.(\d{1,15})$/;

const QueueQuery = z.strictObject({
  limit: strictInt(1, 100).default(20),
  cursor: z.string().regex(CURSOR).optional().meta({ description: 'nextCursor of the previous page' }),
});
const QueueItem = z
  .object({
    id: z.number(),
    caseNo: z.string(),
    attempt: z.int(),
    maxAttempts: z.int(),
    priority: z.int().meta({ description: '1: low rating or reworked case, called first; 2: the rest' }),
    dueAt: z.string(),
    customerName: z.string(),
    customerPhone: z.string(),
    engineerId: z.string().nullable(),
    rating: z.int().nullable(),
    reworks: z.int(),
    productCategory: z.string().nullable(),
    region: z.string().nullable(),
  })
  .meta({ id: 'CallbackQueueItem' });
const Question = z.object({ id: z.string(), zh: z.string(), en: z.string(), kind: z.string() });

const Satisfaction = z.int().min(1).max(5);
const OutcomeBody = z
  .strictObject({
    attempt: strictInt(1, DEFAULT_CALLBACK_POLICY.attempts.length).meta({ description: 'The open attempt (from the queue)' }),
    outcome: z.enum(CALLBACK_OUTCOMES),
    satisfaction: Satisfaction.optional().meta({ description: 'Overall satisfaction, 1-5: required when the customer answered' }),
    answers: z
      .strictObject({
        overall: Satisfaction.optional(),
        fixed: z.boolean().optional(),
        punctual: Satisfaction.optional(),
        attitude: Satisfaction.optional(),
        price: Satisfaction.optional(),
      })
      .optional(),
    note: z.string().trim().max(1000).optional(),
  })
  .refine((b) => !['satisfied', 'partly', 'unsatisfied'].includes(b.outcome) || b.satisfaction !== undefined, {
    message: 'satisfaction is required when the customer answered',
    path: ['satisfaction'],
  })
  .meta({ id: 'CallbackOutcome' });
const SurveyBody = z.strictObject({ rating: Satisfaction, comment: z.string().trim().max(1000).optional() }).meta({ id: 'CallbackSurveyAnswer' });
const BookBody = z.strictObject({ preferredWindows: z.array(TimeWindowSchema).max(5).default([]) }).meta({ id: 'MaintenanceBooking' });
const CallbackResultSchema = z.object({ callback: z.record(z.string(), z.unknown()), attempts: z.array(z.record(z.string(), z.unknown())) });

export function callbackRoutes(deps: { client: Client; db: Database; taskQueue: string; customerLinks: CustomerLinkConfig }): RouteSpec[] {
  const { client, db } = deps;
  const openCase = createCaseIntake(deps);

  async function callbackView(caseNo: string) {
    const [callback] = await db.select().from(callbackTasks).where(eq(callbackTasks.caseNo, caseNo));
    const attempts = await db.select().from(callbackAttempts).where(eq(callbackAttempts.caseNo, caseNo)).orderBy(asc(callbackAttempts.attempt));
    return { callback: callback!, attempts };
  }
  /** The latest reminder of the link's case that has a series (the one the SMS came from). */
  async function reminderOfLink(caseNo: string) {
    const r = await latestSeriesReminder(db, caseNo);
    if (!r) throw new HttpError(404, 'maintenance_not_found', `no maintenance reminder for this link`);
    return r;
  }
  const linkCase = (req: Parameters<typeof linkSubjectOrThrow>[0], token: string) => linkSubjectOrThrow(req, db, deps.customerLinks.secret, token, 'case');

  return [
    defineRoute<unknown, z.output<typeof QueueQuery>, unknown>({
      method: 'get',
      path: '/callbacks/queue',
      tag: 'Aftercare',
      summary: 'The callbacks due now, for agents: low ratings and reworks first, then by due time; with the standard questions',
      roles,
      query: QueueQuery,
      responses: {
        200: { description: 'A page', schema: z.object({ items: z.array(QueueItem), nextCursor: z.string().nullable(), questions: z.array(Question) }) },
        ...errors,
      },
      async handler({ res, query }) {
        const m = query.cursor ? CURSOR.exec(query.cursor) : null;
        const after = m
          ? sql`(${callbackTasks.priority}, ${callbackTasks.dueAt}, ${callbackTasks.id}) > (${Number(m[1])}, ${new Date(Number(m[2]))}, ${Number(m[3])})`
          : undefined;
        const rows = await db
          .select()
          .from(callbackTasks)
          .where(and(eq(callbackTasks.status, 'open'), isNotNull(callbackTasks.workflowId), lte(callbackTasks.dueAt, new Date()), after))
          .orderBy(asc(callbackTasks.priority), asc(callbackTasks.dueAt), asc(callbackTasks.id))
          .limit(query.limit + 1);
        const page = rows.slice(0, query.limit);
        const last = page[page.length - 1];
        res.json({
          items: page.map((r) => ({
            id: r.id,
            caseNo: r.caseNo,
            attempt: r.attempt,
            maxAttempts: DEFAULT_CALLBACK_POLICY.attempts.length,
            priority: r.priority,
            dueAt: r.dueAt.toISOString(),
            customerName: r.customerName,
            customerPhone: r.customerPhone,
            engineerId: r.engineerId,
            rating: r.rating,
            reworks: r.reworks,
            productCategory: r.productCategory,
            region: r.region,
          })),
          nextCursor: rows.length > query.limit && last ? `${last.priority}.${last.dueAt.getTime()}.${last.id}` : null,
          questions: CALLBACK_QUESTIONS,
        });
      },
    }),
    defineRoute<{ id: number }, unknown, z.output<typeof OutcomeBody>>({
      method: 'post',
      path: '/callbacks/:id/outcome',
      tag: 'Aftercare',
      summary: 'Record what came of the open callback attempt: satisfied / partly / unsatisfied (opens a complaint) / unreachable (re-queued) / refused',
      roles,
      params: IdParams,
      headers: MoveIdempotencyHeaders,
      body: OutcomeBody,
      responses: {
        200: { description: 'The callback and its attempts', schema: CallbackResultSchema },
        ...errors,
        404: { description: 'Unknown', schema: ErrorSchema },
        409: { description: 'Not the open attempt, or the callback is over', schema: ErrorSchema },
        422: { description: 'Idempotency-Key already used for another move or body', schema: ErrorSchema },
      },
      async handler({ req, res, actor, params, body }) {
        const [row] = await db.select().from(callbackTasks).where(eq(callbackTasks.id, params.id));
        if (!row) throw new HttpError(404, 'callback_not_found', `no callback ${params.id}`);
        if (!row.workflowId)
          throw new HttpError(409, 'legacy_callback', `callback ${params.id} predates callback attempts: POST /callbacks/${params.id}/result`);
        await runUpdate(
          client,
          db,
          { no: row.caseNo, workflowId: row.workflowId },
          recordCallbackOutcome,
          actor,
          body,
          { action: 'callbackOutcome', key: moveKeyOf(req, actor) },
          async () => {
            return new HttpError(409, 'illegal_transition', `callback ${params.id} is over`, { currentStage: 'done' });
          },
        );
        res.json(await callbackView(row.caseNo));
      },
    }),
    defineRoute<{ token: string }, unknown, z.output<typeof SurveyBody>>({
      method: 'post',
      path: '/customer/cases/:token/survey',
      tag: 'Customer',
      summary: "The customer's answer to the SMS satisfaction survey (after the callbacks could not reach them): rating 1-5 and a comment",
      params: TokenParams,
      headers: MoveIdempotencyHeaders,
      body: SurveyBody,
      responses: {
        200: { description: 'Recorded', schema: z.object({ caseNo: z.string(), rating: z.int() }) },
        ...linkErrors,
        409: { description: 'No survey is open for this case', schema: ErrorSchema },
        422: { description: 'Idempotency-Key already used for another move or body', schema: ErrorSchema },
      },
      async handler({ req, res, params, body }) {
        const caseNo = await linkCase(req, params.token);
        const actor = { role: 'customer' as const, subject: caseNo };
        await runUpdate(
          client,
          db,
          { no: caseNo, workflowId: `callback-${caseNo}` },
          submitCallbackSurvey,
          actor,
          body,
          { action: 'callbackSurvey', key: moveKeyOf(req, actor) },
          async () => {
            return new HttpError(409, 'illegal_transition', `no survey is open for ${caseNo}`, { currentStage: 'done' });
          },
        );
        res.json({ caseNo, rating: body.rating });
      },
    }),
    defineRoute<{ token: string }, unknown, z.output<typeof BookBody>>({
      method: 'post',
      path: '/customer/cases/:token/maintenance/book',
      tag: 'Customer',
      summary: 'The customer books the maintenance visit their reminder offered: a case of kind maintenance (a retry returns the same case)',
      params: TokenParams,
      body: BookBody,
      responses: {
        201: { description: 'Booked', schema: z.object({ case: CaseViewSchema }) },
        200: { description: 'Already booked', schema: z.object({ case: CaseViewSchema }) },
        ...linkErrors,
        404: { description: 'No maintenance reminder for this link', schema: ErrorSchema },
        409: {
          description: 'Booking closed (30 days after the due date), or the customer opted out (booking_closed, maintenance_opted_out)',
          schema: ErrorSchema,
        },
      },
      async handler({ req, res, params, body }) {
        const caseNo = await linkCase(req, params.token);
        const r = await reminderOfLink(caseNo);
        const refused = bookingRefusal(await maintenanceView(db, r));
        if (refused) throw refused;
        const { created, row } = await bookMaintenance({ client, db, openCase }, r, { role: 'customer', subject: caseNo }, 'link', body.preferredWindows);
        res.status(created ? 201 : 200).json({ case: caseView(row) });
      },
    }),
    defineRoute<{ token: string }, unknown, unknown>({
      method: 'post',
      path: '/customer/cases/:token/maintenance/opt-out',
      tag: 'Customer',
      summary: 'The customer stops the maintenance reminders for this product (idempotent)',
      params: TokenParams,
      responses: {
        200: { description: 'Opted out', schema: OptedOutSchema },
        ...linkErrors,
        404: { description: 'No maintenance reminder for this link', schema: ErrorSchema },
      },
      async handler({ req, res, params }) {
        const caseNo = await linkCase(req, params.token);
        const { seriesId } = await optOutOfMaintenance({ client, db }, await reminderOfLink(caseNo), { role: 'customer', subject: caseNo }, 'link');
        res.json({ seriesId, optedOut: true });
      },
    }),
  ];
}
