// /staff: the staff directory (admins write; who routes work reads), whether a person is
// on duty now, and /me/notifications: what was sent to the caller's own person.
import { z } from 'zod';
import { ACTION_ROLES, type Actor } from '../../domain';
import { currentShiftOf, shiftCovers } from '../../domain/duty';
import { ErrorSchema, WorkingHoursSchema } from '../../domain/schemas';
import { MyNotificationsQuerySchema, PersonIdSchema, PersonInputSchema, PersonListQuerySchema, PersonPatchSchema } from '../../domain/staffSchemas';
import type { Database } from '../../db/client';
import { findEngineerOfPerson } from '../../db/queries/engineers';
import { findPerson, listPeople, notificationsTo, shiftsOf, type PersonRow } from '../../db/queries/people';
import { createPersonAudited, updatePersonAudited, type PersonChange } from '../../db/queries/rosterChanges';
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
const fallbackInUse = {
  409: { description: 'The person is the global fallback of a role the change would leave with nobody (is_global_fallback)', schema: ErrorSchema },
};

/** The person after a change, or why it was refused. */
function changed(id: string, outcome: PersonChange): PersonRow {
  if (outcome.ok) return outcome.person;
  if (outcome.reason === 'not_found') throw new HttpError(404, 'person_not_found', `no person ${id}`);
  const roles = outcome.roles.join(', ');
  throw new HttpError(
    409,
    'is_global_fallback',
    `person ${id} is the global fallback for ${roles}: set another person first (PUT /duty/fallbacks, region "*"), or escalations outside every shift would reach nobody`,
  );
}

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

/** An engineer key's own person: the key's person, or the person of the engineer it acts as. */
function isOwnPerson(actor: Actor, personId: string, personsEngineer: string | undefined): boolean {
  if (actor.personId) return actor.personId === personId;
  return !!actor.subject && actor.subject === personsEngineer;
}

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
      async handler({ res, actor, body }) {
        if (!(await createPersonAudited(db, body, actor))) throw new HttpError(409, 'person_exists', `person ${body.id} exists; PATCH it instead`);
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
      responses: { 200: { description: 'The person after the change', schema: Envelope }, ...errors, ...notFound, ...fallbackInUse },
      async handler({ res, actor, params, body }) {
        const before = await load(params.id);
        // The preferred channel must still reach them after the change.
        const after = { ...before, ...body };
        const channel = after.preferredChannel;
        if ((channel === 'sms' && !after.phone) || (channel === 'email' && !after.email)) {
          const path = channel === 'sms' ? 'body.phone' : 'body.email';
          throw new HttpError(400, 'validation_failed', 'invalid body', { fields: [{ path, message: `required when preferredChannel is ${channel}` }] });
        }
        res.json({ person: personView(changed(params.id, await updatePersonAudited(db, params.id, body, actor))) });
      },
    }),
    defineRoute<{ id: string }, unknown, unknown>({
      method: 'delete',
      path: '/staff/:id',
      tag: 'Staff',
      summary: 'Deactivate a person (kept for history; routing skips them from now on; refused while they are a global fallback)',
      roles: ACTION_ROLES.staffWrite,
      params: Params,
      responses: { 200: { description: 'The deactivated person', schema: Envelope }, ...errors, ...notFound, ...fallbackInUse },
      async handler({ res, actor, params }) {
        res.json({ person: personView(changed(params.id, await updatePersonAudited(db, params.id, { active: false }, actor))) });
      },
    }),
    defineRoute<{ id: string }, unknown, unknown>({
      method: 'get',
      path: '/staff/:id/on-duty',
      tag: 'Staff',
      summary: 'Is this person on duty now: a duty shift, or (an engineer) their working hours',
      description:
        "On duty: active and a weekly duty shift of theirs covers this instant in TIME_ZONE, or the person is an engineer's (engineers.personId) and that active engineer's working hours cover it. Fallback duty is not a shift. An engineer key may ask about its own person only (403 otherwise).",
      roles: ACTION_ROLES.personOnDuty,
      params: Params,
      responses: {
        200: {
          description: 'Now',
          schema: z
            .object({
              personId: z.string(),
              active: z.boolean(),
              onDuty: z.boolean(),
              at: z.string(),
              shift: z.union([ShiftViewSchema, z.null()]).meta({ description: 'The duty shift covering now, if any' }),
              engineer: z
                .union([
                  z.object({ id: z.string(), active: z.boolean(), workingHours: WorkingHoursSchema, onShift: z.boolean() }).meta({ id: 'EngineerOnDuty' }),
                  z.null(),
                ])
                .meta({ description: "The person's engineer, if linked: on shift when active and their working hours cover now" }),
            })
            .meta({ id: 'OnDuty' }),
        },
        ...errors,
        ...notFound,
      },
      async handler({ res, actor, params }) {
        const person = await load(params.id);
        const engineer = await findEngineerOfPerson(db, person.id);
        if (actor.role === 'engineer' && !isOwnPerson(actor, person.id, engineer?.id)) {
          throw new HttpError(403, 'forbidden', 'an engineer may ask only about their own person');
        }
        const now = new Date();
        const offset = utcOffsetMinutes(deps.timeZone, now);
        const shift = person.active ? currentShiftOf(await shiftsOf(db, person.id), person.id, now.getTime(), offset) : undefined;
        const engineerOnShift = !!engineer && person.active && engineer.active && shiftCovers(engineer.workingHours, now.getTime(), offset);
        res.json({
          personId: person.id,
          active: person.active,
          onDuty: !!shift || engineerOnShift,
          at: now.toISOString(),
          shift: shift ? shiftView(shift) : null,
          engineer: engineer ? { id: engineer.id, active: engineer.active, workingHours: engineer.workingHours, onShift: engineerOnShift } : null,
        });
      },
    }),
    defineRoute<unknown, z.output<typeof MyNotificationsQuerySchema>, unknown>({
      method: 'get',
      path: '/me/notifications',
      tag: 'Staff',
      summary: "Recent messages sent to the caller's person (newest first, cursor-paginated)",
      description:
        'The API key must belong to a person (personId: POST /api-keys, or PATCH /api-keys/:id for an existing key); otherwise 409 no_person. Lists the messages written for that person (whatever address they went to), and messages naming no person (written before notifications carried one) sent to their current phone or e-mail.',
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
        if (!actor.personId)
          throw new HttpError(
            409,
            'no_person',
            'this API key belongs to no person; ask an admin to link it to you (PATCH /api-keys/:id with your personId) or for a key of your own',
          );
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
