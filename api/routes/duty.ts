// /duty: the duty roster — weekly shifts, the fallbacks per region and role (region '*'
// is the global fallback), and who the routing names right now. Admins write; every
// change is audited. A global fallback is replaced, never removed (nothing routes to nobody).
import { z } from 'zod';
import { ACTION_ROLES } from '../../domain';
import { ANY_REGION, whoIsOnDuty } from '../../domain/duty';
import { ErrorSchema } from '../../domain/schemas';
import { FallbackInputSchema, PersonRoleSchema, ShiftInputSchema, ShiftListQuerySchema } from '../../domain/staffSchemas';
import { strictInt, MAX_PG_INT } from '../../domain/strictInt';
import type { Database } from '../../db/client';
import { listFallbacks, listShifts, loadRoster } from '../../db/queries/people';
import { createShiftAudited, deleteShiftAudited, removeFallbackAudited, setFallbackAudited } from '../../db/queries/rosterChanges';
import { utcOffsetMinutes } from '../../shared/timeZone';
import { HttpError } from '../errors';
import { defineRoute, type RouteSpec } from '../routeSpec';
import { FallbackViewSchema, fallbackView, PersonViewSchema, personView, ShiftViewSchema, shiftView } from '../staffViews';

const errors = {
  400: { description: 'Invalid input (field-level messages)', schema: ErrorSchema },
  401: { description: 'Missing or unknown API key', schema: ErrorSchema },
  403: { description: 'Role not allowed', schema: ErrorSchema },
};
const region = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'a region code');
const ineligible = {
  person_inactive: (personId: string, _role: string) => `person ${personId} is deactivated`,
  role_not_held: (personId: string, role: string) => `person ${personId} does not hold the role ${role}`,
};
/** A shift or fallback names an active person who holds the role (checked by the write, under a lock): 404 / 409 otherwise. */
function refusal(reason: 'person_not_found' | keyof typeof ineligible, personId: string, role: string): HttpError {
  if (reason === 'person_not_found') return new HttpError(404, 'person_not_found', `no person ${personId}`);
  return new HttpError(409, reason, ineligible[reason](personId, role));
}
const NowQuery = z.strictObject({ role: PersonRoleSchema, region: region.optional() }).meta({ id: 'DutyNowQuery' });

export function dutyRoutes(deps: { db: Database; timeZone: string }): RouteSpec[] {
  const { db } = deps;
  return [
    defineRoute<unknown, z.output<typeof ShiftListQuerySchema>, unknown>({
      method: 'get',
      path: '/duty/shifts',
      tag: 'Duty roster',
      summary: 'List weekly shifts (by id, cursor-paginated); filters person, region, role',
      roles: ACTION_ROLES.staffRead,
      query: ShiftListQuerySchema,
      responses: {
        200: { description: 'A page', schema: z.object({ items: z.array(ShiftViewSchema), nextCursor: z.int().nullable() }).meta({ id: 'ShiftPage' }) },
        ...errors,
      },
      async handler({ res, query }) {
        const page = await listShifts(db, query);
        res.json({ items: page.items.map(shiftView), nextCursor: page.nextCursor });
      },
    }),
    defineRoute<unknown, unknown, z.output<typeof ShiftInputSchema>>({
      method: 'post',
      path: '/duty/shifts',
      tag: 'Duty roster',
      summary: 'Add a weekly shift (days, start-end in TIME_ZONE; end at or before start runs overnight)',
      roles: ACTION_ROLES.staffWrite,
      body: ShiftInputSchema,
      responses: {
        201: { description: 'Created', schema: z.object({ shift: ShiftViewSchema }) },
        ...errors,
        404: { description: 'Unknown person', schema: ErrorSchema },
        409: { description: 'The person is deactivated or does not hold the role', schema: ErrorSchema },
      },
      async handler({ res, actor, body }) {
        const outcome = await createShiftAudited(db, body, actor);
        if (!outcome.ok) throw refusal(outcome.reason, body.personId, body.role);
        res.status(201).json({ shift: shiftView(outcome.shift) });
      },
    }),
    defineRoute<{ id: number }, unknown, unknown>({
      method: 'delete',
      path: '/duty/shifts/:id',
      tag: 'Duty roster',
      summary: 'Remove a shift (routing stops naming it at once)',
      roles: ACTION_ROLES.staffWrite,
      params: z.strictObject({ id: strictInt(1, MAX_PG_INT) }),
      responses: { 204: { description: 'Removed' }, ...errors, 404: { description: 'Unknown shift', schema: ErrorSchema } },
      async handler({ res, actor, params }) {
        if (!(await deleteShiftAudited(db, params.id, actor))) throw new HttpError(404, 'shift_not_found', `no shift ${params.id}`);
        res.status(204).end();
      },
    }),
    defineRoute({
      method: 'get',
      path: '/duty/fallbacks',
      tag: 'Duty roster',
      summary: "Who stands in per region and role when no shift covers it (region '*': the global fallback)",
      roles: ACTION_ROLES.staffRead,
      responses: { 200: { description: 'All fallbacks', schema: z.object({ items: z.array(FallbackViewSchema) }).meta({ id: 'FallbackList' }) }, ...errors },
      async handler({ res }) {
        res.json({ items: (await listFallbacks(db)).map(fallbackView) });
      },
    }),
    defineRoute<unknown, unknown, z.output<typeof FallbackInputSchema>>({
      method: 'put',
      path: '/duty/fallbacks',
      tag: 'Duty roster',
      summary: "Set the fallback person of a region and role (region '*': the global fallback)",
      roles: ACTION_ROLES.staffWrite,
      body: FallbackInputSchema,
      responses: {
        200: { description: 'The fallback', schema: z.object({ fallback: FallbackViewSchema }) },
        ...errors,
        404: { description: 'Unknown person', schema: ErrorSchema },
        409: { description: 'The person is deactivated or does not hold the role', schema: ErrorSchema },
      },
      async handler({ res, actor, body }) {
        const outcome = await setFallbackAudited(db, body, actor);
        if (!outcome.ok) throw refusal(outcome.reason, body.personId, body.role);
        res.json({ fallback: fallbackView(outcome.fallback) });
      },
    }),
    defineRoute<{ region: string; role: string }, unknown, unknown>({
      method: 'delete',
      path: '/duty/fallbacks/:region/:role',
      tag: 'Duty roster',
      summary: "Remove the fallback of a region and role (a global fallback, region '*', is replaced with PUT, never removed)",
      roles: ACTION_ROLES.staffWrite,
      params: z.strictObject({ region: z.union([region, z.literal(ANY_REGION)]), role: PersonRoleSchema }),
      responses: {
        204: { description: 'Removed' },
        ...errors,
        404: { description: 'No such fallback', schema: ErrorSchema },
        409: { description: 'The global fallback of the role: escalations outside every shift would reach nobody (last_global_fallback)', schema: ErrorSchema },
      },
      async handler({ res, actor, params }) {
        const outcome = await removeFallbackAudited(db, params.region, params.role, actor);
        if (outcome === 'not_found') throw new HttpError(404, 'fallback_not_found', `no fallback for ${params.role} in ${params.region}`);
        if (outcome === 'last_global_fallback')
          throw new HttpError(
            409,
            'last_global_fallback',
            `the global fallback for ${params.role} cannot be removed: escalations outside every shift would reach nobody; replace it with PUT /duty/fallbacks`,
          );
        res.status(204).end();
      },
    }),
    defineRoute<unknown, z.output<typeof NowQuery>, unknown>({
      method: 'get',
      path: '/duty/now',
      tag: 'Duty roster',
      summary: 'Who an escalation for this role and region would go to now (shift, region fallback or global fallback)',
      roles: ACTION_ROLES.onDuty,
      query: NowQuery,
      responses: {
        200: {
          description: 'The routing answer',
          schema: z
            .object({
              role: z.string(),
              region: z.string().nullable(),
              at: z.string(),
              via: z.enum(['shift', 'region_fallback', 'global_fallback', 'none']),
              shiftId: z.int().nullable(),
              person: z.union([PersonViewSchema, z.null()]),
            })
            .meta({ id: 'DutyNow' }),
        },
        ...errors,
      },
      async handler({ res, query }) {
        const now = new Date();
        const { roster, people } = await loadRoster(db, [query.role]);
        const answer = whoIsOnDuty(roster, {
          role: query.role,
          region: query.region,
          at: now.getTime(),
          utcOffsetMinutes: utcOffsetMinutes(deps.timeZone, now),
        });
        const person = answer.via === 'none' ? undefined : people.find((p) => p.id === answer.personId);
        res.json({
          role: query.role,
          region: query.region ?? null,
          at: now.toISOString(),
          via: answer.via,
          shiftId: answer.via === 'shift' ? answer.shiftId : null,
          person: person ? personView(person) : null,
        });
      },
    }),
  ];
}
