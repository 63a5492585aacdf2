// After the case: satisfaction callbacks (回访) for agents, and maintenance reminders
// (保养提醒) from which an agent opens a maintenance case.
import { and, asc, eq, gt } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../db/client';
import { callbackTasks, maintenanceReminders } from '../../db/schema';
import type { Client } from '@temporalio/client';
import { ErrorSchema } from '../../domain/schemas';
import { bookMaintenance, optOutOfMaintenance } from '../maintenanceBooking';
import { strictInt } from '../../domain/strictInt';
import type { OpenCase } from '../caseIntake';
import { HttpError } from '../errors';
import { defineRoute, type RouteSpec } from '../routeSpec';
import { caseView, CaseViewSchema } from '../views';

const roles = ['agent', 'supervisor', 'admin'] as const;
const errors = {
  400: { description: 'Invalid input', schema: ErrorSchema },
  401: { description: 'Missing or unknown API key', schema: ErrorSchema },
  403: { description: 'Role not allowed', schema: ErrorSchema },
};
const IdParams = z.strictObject({ id: strictInt(1, Number.MAX_SAFE_INTEGER) });
const PageQuery = (statuses: readonly [string, ...string[]]) =>
  z.strictObject({
    status: z.enum(statuses).optional(),
    limit: strictInt(1, 100).default(20),
    cursor: strictInt(1, Number.MAX_SAFE_INTEGER).optional().meta({ description: 'nextCursor of the previous page' }),
  });
const CallbackQuery = PageQuery(['open', 'survey', 'done']);
const MaintenanceQuery = PageQuery(['due', 'opened', 'lapsed', 'opted_out']);
const CallbackResult = z
  .strictObject({
    reached: z.boolean().meta({ description: 'The customer answered' }),
    satisfaction: z.int().min(1).max(5).optional(),
    note: z.string().trim().max(1000).optional(),
  })
  .refine((r) => !r.reached || r.satisfaction !== undefined, { message: 'satisfaction is required when the customer was reached', path: ['satisfaction'] })
  .meta({ id: 'CallbackResult' });

export const OptedOutSchema = z.object({ seriesId: z.string(), optedOut: z.literal(true) }).meta({ id: 'MaintenanceOptOut' });

export function aftercareRoutes(deps: { client: Client; db: Database; openCase: OpenCase }): RouteSpec[] {
  const { db } = deps;
  async function reminder(id: number) {
    const [r] = await db.select().from(maintenanceReminders).where(eq(maintenanceReminders.id, id));
    if (!r) throw new HttpError(404, 'maintenance_not_found', `no maintenance reminder ${id}`);
    return r;
  }
  return [
    defineRoute<unknown, z.output<typeof CallbackQuery>, unknown>({
      method: 'get',
      path: '/callbacks',
      tag: 'Aftercare',
      summary: 'Satisfaction callbacks (回访), due one day after a case is archived; oldest first',
      roles,
      query: CallbackQuery,
      responses: {
        200: { description: 'A page', schema: z.object({ items: z.array(z.record(z.string(), z.unknown())), nextCursor: z.number().nullable() }) },
        ...errors,
      },
      async handler({ res, query }) {
        const rows = await db
          .select()
          .from(callbackTasks)
          .where(
            and(
              query.status ? eq(callbackTasks.status, query.status as 'open' | 'survey' | 'done') : undefined,
              query.cursor ? gt(callbackTasks.id, query.cursor) : undefined,
            ),
          )
          .orderBy(asc(callbackTasks.id))
          .limit(query.limit + 1);
        const items = rows.slice(0, query.limit);
        res.json({ items, nextCursor: rows.length > query.limit ? items[items.length - 1]!.id : null });
      },
    }),
    defineRoute<{ id: number }, unknown, z.output<typeof CallbackResult>>({
      method: 'post',
      path: '/callbacks/:id/result',
      tag: 'Aftercare',
      summary: 'Record the result of a callback',
      roles,
      params: IdParams,
      body: CallbackResult,
      responses: {
        200: { description: 'The callback', schema: z.record(z.string(), z.unknown()) },
        ...errors,
        404: { description: 'Unknown', schema: ErrorSchema },
        409: { description: 'Already done', schema: ErrorSchema },
      },
      async handler({ res, actor, params, body }) {
        const [done] = await db
          .update(callbackTasks)
          .set({ status: 'done', result: body, doneBy: `${actor.role}:${actor.subject ?? ''}`, doneAt: new Date() })
          .where(and(eq(callbackTasks.id, params.id), eq(callbackTasks.status, 'open')))
          .returning();
        if (done) return void res.json(done);
        const [exists] = await db.select().from(callbackTasks).where(eq(callbackTasks.id, params.id));
        if (!exists) throw new HttpError(404, 'callback_not_found', `no callback ${params.id}`);
        throw new HttpError(409, 'callback_done', `callback ${params.id} was already recorded`);
      },
    }),
    defineRoute<unknown, z.output<typeof MaintenanceQuery>, unknown>({
      method: 'get',
      path: '/maintenance',
      tag: 'Aftercare',
      summary: 'Maintenance reminders (保养提醒), due per product category after a completed service',
      roles,
      query: MaintenanceQuery,
      responses: {
        200: { description: 'A page', schema: z.object({ items: z.array(z.record(z.string(), z.unknown())), nextCursor: z.number().nullable() }) },
        ...errors,
      },
      async handler({ res, query }) {
        const rows = await db
          .select()
          .from(maintenanceReminders)
          .where(
            and(
              query.status ? eq(maintenanceReminders.status, query.status as 'due' | 'opened' | 'lapsed' | 'opted_out') : undefined,
              query.cursor ? gt(maintenanceReminders.id, query.cursor) : undefined,
            ),
          )
          .orderBy(asc(maintenanceReminders.id))
          .limit(query.limit + 1);
        const items = rows.slice(0, query.limit);
        res.json({ items, nextCursor: rows.length > query.limit ? items[items.length - 1]!.id : null });
      },
    }),
    defineRoute<{ id: number }, unknown, unknown>({
      method: 'post',
      path: '/maintenance/:id/open-case',
      tag: 'Aftercare',
      summary: 'Open a maintenance case for the reminder (idempotent: a retry returns the same case)',
      roles,
      params: IdParams,
      responses: {
        201: { description: 'Opened', schema: z.object({ case: CaseViewSchema }) },
        200: { description: 'Already opened', schema: z.object({ case: CaseViewSchema }) },
        ...errors,
        404: { description: 'Unknown', schema: ErrorSchema },
      },
      async handler({ res, actor, params }) {
        const r = await reminder(params.id);
        const { created, row } = await bookMaintenance(deps, r, actor, 'agent');
        res.status(created ? 201 : 200).json({ case: caseView(row) });
      },
    }),
    defineRoute<{ id: number }, unknown, unknown>({
      method: 'post',
      path: '/maintenance/:id/opt-out',
      tag: 'Aftercare',
      summary: 'The customer asked on the phone for no more maintenance reminders for this product (idempotent)',
      roles,
      params: IdParams,
      responses: {
        200: { description: 'Opted out', schema: OptedOutSchema },
        ...errors,
        404: { description: 'Unknown', schema: ErrorSchema },
      },
      async handler({ res, actor, params }) {
        const { seriesId } = await optOutOfMaintenance(deps, await reminder(params.id), actor, 'agent');
        res.json({ seriesId, optedOut: true });
      },
    }),
  ];
}
