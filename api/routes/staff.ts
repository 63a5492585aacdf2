// /staff: the staff directory (admins write; who routes work reads), whether a person is
// on duty now, and /me/notifications: what was sent to the caller's own person.
import { z } from 'zod';
import { ACTION_ROLES } from '../../domain';
import { currentShiftOf } from '../../domain/duty';
import { ErrorSchema } from '../../domain/schemas';
import { MyNotificationsQuerySchema, PersonIdSchema, PersonInputSchema, PersonListQuerySchema, PersonPatchSchema } from '../../domain/staffSchemas';
import type { Database } from '../../db/client';
import { createPerson, findPerson, listPeople, notificationsTo, shiftsOf, updatePerson, type PersonRow } from '../../db/queries/people';
import { BadCursorError } from '../../db/queries/notifications';
import { utcOffsetMinutes } from '../../shared/timeZone';
import { HttpError } from '../errors';
import { defineRoute, type RouteSpec } from '../routeSpec';
import { PersonViewSchema, personView, ShiftViewSchema, shiftView } from '../staffViews';

const Params = z.strictObject({ id: PersonIdSchema });
const Envelope = z.object({ person: PersonViewSchema }).meta({ id: 'PersonEnvelope' });
const errors = {
  400: { description: 'Invalid input (field-level messages)', schema: ErrorSchema },
  401: { description: 'Missing or unknown API key', schema: ErrorSchema },
  403: { description: 'Role not allowed', schema: ErrorSchema },
};
const notFound = { 404: { description: 'Unknown person', schema: ErrorSchema } };

const MyNotificationSchema = z
  .object({
    id: z.int(),
    channel: z.string(),
    event: z.string(),
    caseNo: z.string().nullable(),
    complaintNo: z.string().nullable(),
    status: z.string(),
    subject: z.string().nullable(),
    text: z.string().nullable(),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
  })
  .meta({ id: 'MyNotification' });

export function staffRoutes(deps: { db: Database; timeZone: string }): RouteSpec[] {
  const { db } = deps;
  async function load(id: string): Promise<PersonRow> {
    const p = await findPerson(db, id);
    if (!p) throw new HttpError(404, 'person_not_found', `no person ${id}`);
    return p;
  }
  return [
    defineRoute<unknown, unknown, z.output<typeof PersonInputSchema>>({
      method: 'post',
      path: '/staff',
      tag: 'Staff',
      summary: 'Add a person to the staff directory',
      roles: ACTION_ROLES.staffWrite,
      body: PersonInputSchema,
      responses: { 201: { description: 'Created', schema: Envelope }, ...errors, 409: { description: 'The id exists', schema: ErrorSchema } },
      async handler({ res, body }) {
        if (!(await createPerson(db, body))) throw new HttpError(409, 'person_exists', `person ${body.id} exists; PATCH it instead`);
        res.status(201).json({ person: personView(await load(body.id)) });
      },
    }),
    defineRoute<unknown, z.output<typeof PersonListQuerySchema>, unknown>({
      method: 'get',
      path: '/staff',
      tag: 'Staff',
      summary: 'List people (by id, cursor-paginated); filters role, region, active',
      roles: ACTION_ROLES.staffRead,
      query: PersonListQuerySchema,
      responses: {
        200: { description: 'A page', schema: z.object({ items: z.array(PersonViewSchema), nextCursor: z.string().nullable() }).meta({ id: 'PersonPage' }) },
        ...errors,
      },
      async handler({ res, query }) {
        const page = await listPeople(db, query);
        res.json({ items: page.items.map(personView), nextCursor: page.nextCursor });
      },
    }),
    defineRoute<{ id: string }, unknown, unknown>({
      method: 'get',
      path: '/staff/:id',
      tag: 'Staff',
      summary: 'One person',
      roles: ACTION_ROLES.staffRead,
      params: Params,
      responses: { 200: { description: 'The person', schema: Envelope }, ...errors, ...notFound },
      async handler({ res, params }) {
        res.json({ person: personView(await load(params.id)) });
      },
    }),
    defineRoute<{ id: string }, unknown, z.output<typeof PersonPatchSchema>>({
      method: 'patch',
      path: '/staff/:id',
      tag: 'Staff',
      summary: 'Change a person (roles, regions, contact, preferred channel, language, active)',
      roles: ACTION_ROLES.staffWrite,
      params: Params,
      body: PersonPatchSchema,
      responses: { 200: { description: 'The person after the change', schema: Envelope }, ...errors, ...notFound },
      async handler({ res, params, body }) {
        const before = await load(params.id);
        // The preferred channel must still reach them after the change.
        const after = { ...before, ...body };
        const channel = after.preferredChannel;
        if ((channel === 'sms' && !after.phone) || (channel === 'email' && !after.email)) {
          const path = channel === 'sms' ? 'body.phone' : 'body.email';
          throw new HttpError(400, 'validation_failed', 'invalid body', { fields: [{ path, message: `required when preferredChannel is ${channel}` }] });
        }
        await updatePerson(db, params.id, body);
        res.json({ person: personView(await load(params.id)) });
      },
    }),
    defineRoute<{ id: string }, unknown, unknown>({
      method: 'delete',
      path: '/staff/:id',
      tag: 'Staff',
      summary: 'Deactivate a person (kept for history; routing skips them from now on)',
      roles: ACTION_ROLES.staffWrite,
      params: Params,
      responses: { 200: { description: 'The deactivated person', schema: Envelope }, ...errors, ...notFound },
      async handler({ res, params }) {
        if (!(await updatePerson(db, params.id, { active: false }))) throw new HttpError(404, 'person_not_found', `no person ${params.id}`);
        res.json({ person: personView(await load(params.id)) });
      },
    }),
    defineRoute<{ id: string }, unknown, unknown>({
      method: 'get',
      path: '/staff/:id/on-duty',
      tag: 'Staff',
      summary: 'Is this person on duty now, and on which shift',
      description: 'On duty: active and a weekly shift of theirs covers this instant in TIME_ZONE. Fallback duty is not a shift.',
      roles: ACTION_ROLES.onDuty,
      params: Params,
      responses: {
        200: {
          description: 'Now',
          schema: z
            .object({ personId: z.string(), active: z.boolean(), onDuty: z.boolean(), at: z.string(), shift: z.union([ShiftViewSchema, z.null()]) })
            .meta({ id: 'OnDuty' }),
        },
        ...errors,
        ...notFound,
      },
      async handler({ res, params }) {
        const person = await load(params.id);
        const now = new Date();
        const shift = person.active ? currentShiftOf(await shiftsOf(db, person.id), person.id, now.getTime(), utcOffsetMinutes(deps.timeZone, now)) : undefined;
        res.json({ personId: person.id, active: person.active, onDuty: !!shift, at: now.toISOString(), shift: shift ? shiftView(shift) : null });
      },
    }),
    defineRoute<unknown, z.output<typeof MyNotificationsQuerySchema>, unknown>({
      method: 'get',
      path: '/me/notifications',
      tag: 'Staff',
      summary: "Recent messages sent to the caller's person (newest first, cursor-paginated)",
      description: 'The API key must belong to a person (api_keys.person_id); otherwise 409 no_person.',
      roles: ACTION_ROLES.myNotifications,
      query: MyNotificationsQuerySchema,
      responses: {
        200: {
          description: 'A page',
          schema: z
            .object({ personId: z.string(), items: z.array(MyNotificationSchema), nextCursor: z.string().nullable() })
            .meta({ id: 'MyNotificationPage' }),
        },
        ...errors,
        409: { description: 'The API key belongs to no person', schema: ErrorSchema },
      },
      async handler({ res, actor, query }) {
        if (!actor.personId) throw new HttpError(409, 'no_person', 'this API key belongs to no person; ask an admin to link it');
        const person = await load(actor.personId);
        let page;
        try {
          page = await notificationsTo(db, person, query);
        } catch (err) {
          if (err instanceof BadCursorError)
            throw new HttpError(400, 'validation_failed', 'invalid query', { fields: [{ path: 'query.cursor', message: err.message }] });
          throw err;
        }
        res.json({
          personId: person.id,
          items: page.items.map((n) => ({
            id: n.id,
            channel: n.channel,
            event: n.event,
            caseNo: n.caseNo,
            complaintNo: n.complaintNo,
            status: n.status,
            subject: n.payload.subject ?? null,
            text: n.payload.text ?? null,
            createdAt: n.createdAt.toISOString(),
            sentAt: n.sentAt?.toISOString() ?? null,
          })),
          nextCursor: page.nextCursor,
        });
      },
    }),
  ];
}
