// /engineers: the roster. Admins write; dispatchers, agents and ops read.
import { z } from 'zod';
import { ACTION_ROLES } from '../../domain';
import { EngineerInputSchema, EngineerListQuerySchema, EngineerPatchSchema, ErrorSchema, SkillSchema, WorkingHoursSchema } from '../../domain/schemas';
import type { Database } from '../../db/client';
import { createEngineer, findEngineer, listEngineers, updateEngineer, type EngineerRow } from '../../db/queries/engineers';
import { findPerson } from '../../db/queries/people';
import { HttpError } from '../errors';
import { defineRoute, type RouteSpec } from '../routeSpec';

export const EngineerViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    badgeNo: z.string(),
    phone: z.string().nullable(),
    skills: z.array(SkillSchema),
    home: z.object({ lat: z.number(), lng: z.number() }).nullable(),
    regions: z.array(z.string()),
    workingHours: WorkingHoursSchema,
    maxOpenCases: z.int(),
    openCases: z.int(),
    active: z.boolean(),
    rating: z.number(),
    ratingCount: z.int(),
    personId: z.string().nullable().meta({ description: "The engineer's person in the staff directory" }),
    updatedAt: z.string(),
  })
  .meta({ id: 'Engineer' });

export function engineerView(e: EngineerRow): z.infer<typeof EngineerViewSchema> {
  return {
    id: e.id,
    name: e.name,
    badgeNo: e.badgeNo,
    phone: e.phone,
    skills: e.skills,
    home: e.homeLat != null && e.homeLng != null ? { lat: e.homeLat, lng: e.homeLng } : null,
    regions: e.regions,
    workingHours: e.workingHours,
    maxOpenCases: e.maxOpenCases,
    openCases: e.openCases,
    active: e.active,
    rating: e.rating,
    ratingCount: e.ratingCount,
    personId: e.personId,
    updatedAt: e.updatedAt.toISOString(),
  };
}

const Params = z.strictObject({ id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'an engineer id') });
const Envelope = z.object({ engineer: EngineerViewSchema }).meta({ id: 'EngineerEnvelope' });
const errors = {
  400: { description: 'Invalid input (field-level messages)', schema: ErrorSchema },
  401: { description: 'Missing or unknown API key', schema: ErrorSchema },
  403: { description: 'Role not allowed', schema: ErrorSchema },
};
const unknownPerson = { 422: { description: 'personId names no person of the staff directory', schema: ErrorSchema } };

export function engineerRoutes(deps: { db: Database }): RouteSpec[] {
  const { db } = deps;
  async function load(id: string): Promise<EngineerRow> {
    const e = await findEngineer(db, id);
    if (!e) throw new HttpError(404, 'engineer_not_found', `no engineer ${id}`);
    return e;
  }
  /** The engineer's person must be in the directory (a foreign key): 422 with the field otherwise. */
  async function checkPerson(personId: string | null | undefined): Promise<void> {
    if (!personId || (await findPerson(db, personId))) return;
    const message = `no person ${personId} in the staff directory`;
    throw new HttpError(422, 'person_not_found', message, { fields: [{ path: 'body.personId', message }] });
  }
  return [
    defineRoute<unknown, unknown, z.output<typeof EngineerInputSchema>>({
      method: 'post',
      path: '/engineers',
      tag: 'Engineers',
      summary: 'Add an engineer to the roster',
      roles: ACTION_ROLES.engineersWrite,
      body: EngineerInputSchema,
      responses: { 201: { description: 'Created', schema: Envelope }, ...errors, 409: { description: 'The id exists', schema: ErrorSchema }, ...unknownPerson },
      async handler({ res, body }) {
        await checkPerson(body.personId);
        if (!(await createEngineer(db, body))) throw new HttpError(409, 'engineer_exists', `engineer ${body.id} exists; PATCH it instead`);
        res.status(201).json({ engineer: engineerView(await load(body.id)) });
      },
    }),
    defineRoute<unknown, z.output<typeof EngineerListQuerySchema>, unknown>({
      method: 'get',
      path: '/engineers',
      tag: 'Engineers',
      summary: 'List engineers (by id, cursor-paginated) with their current load',
      roles: ACTION_ROLES.engineersRead,
      query: EngineerListQuerySchema,
      responses: {
        200: {
          description: 'A page',
          schema: z.object({ items: z.array(EngineerViewSchema), nextCursor: z.string().nullable() }).meta({ id: 'EngineerPage' }),
        },
        ...errors,
      },
      async handler({ res, query }) {
        const page = await listEngineers(db, query);
        res.json({ items: page.items.map(engineerView), nextCursor: page.nextCursor });
      },
    }),
    defineRoute<{ id: string }, unknown, unknown>({
      method: 'get',
      path: '/engineers/:id',
      tag: 'Engineers',
      summary: 'One engineer',
      roles: ACTION_ROLES.engineersRead,
      params: Params,
      responses: { 200: { description: 'The engineer', schema: Envelope }, ...errors, 404: { description: 'Unknown', schema: ErrorSchema } },
      async handler({ res, params }) {
        res.json({ engineer: engineerView(await load(params.id)) });
      },
    }),
    defineRoute<{ id: string }, unknown, z.output<typeof EngineerPatchSchema>>({
      method: 'patch',
      path: '/engineers/:id',
      tag: 'Engineers',
      summary: 'Change an engineer (skills, regions, hours, capacity, active)',
      roles: ACTION_ROLES.engineersWrite,
      params: Params,
      body: EngineerPatchSchema,
      responses: {
        200: { description: 'The engineer after the change', schema: Envelope },
        ...errors,
        404: { description: 'Unknown', schema: ErrorSchema },
        ...unknownPerson,
      },
      async handler({ res, params, body }) {
        await checkPerson(body.personId);
        if (!(await updateEngineer(db, params.id, body))) throw new HttpError(404, 'engineer_not_found', `no engineer ${params.id}`);
        res.json({ engineer: engineerView(await load(params.id)) });
      },
    }),
    defineRoute<{ id: string }, unknown, unknown>({
      method: 'delete',
      path: '/engineers/:id',
      tag: 'Engineers',
      summary: 'Deactivate an engineer (kept for history; no new offers)',
      roles: ACTION_ROLES.engineersWrite,
      params: Params,
      responses: { 200: { description: 'The deactivated engineer', schema: Envelope }, ...errors, 404: { description: 'Unknown', schema: ErrorSchema } },
      async handler({ res, params }) {
        if (!(await updateEngineer(db, params.id, { active: false }))) throw new HttpError(404, 'engineer_not_found', `no engineer ${params.id}`);
        res.json({ engineer: engineerView(await load(params.id)) });
      },
    }),
  ];
}
