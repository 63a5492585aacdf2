// GET /dispatch/queue: cases automatic dispatch could not place, longest waiting first.
import { z } from 'zod';
import { ACTION_ROLES } from '../../domain';
import { ErrorSchema } from '../../domain/schemas';
import { strictInt } from '../../domain/strictInt';
import type { Database } from '../../db/client';
import { BadCursorError, dispatchQueue } from '../../db/queries/cases';
import { HttpError } from '../errors';
import { defineRoute, type RouteSpec } from '../routeSpec';
import { caseView, CaseViewSchema } from '../views';

const QueueQuery = z
  .strictObject({
    region: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,40}$/)
      .optional(),
    limit: strictInt(1, 100).default(20),
    cursor: z.string().max(200).optional(),
  })
  .meta({ id: 'DispatchQueueQuery' });

export function dispatchRoutes(deps: { db: Database }): RouteSpec[] {
  return [
    defineRoute<unknown, z.output<typeof QueueQuery>, unknown>({
      method: 'get',
      path: '/dispatch/queue',
      tag: 'Dispatch',
      summary: 'The manual-dispatch queue (人工派单): assign each with POST /cases/{caseNo}/assign',
      roles: ACTION_ROLES.dispatchQueue,
      query: QueueQuery,
      responses: {
        200: {
          description: 'A page, oldest first',
          schema: z.object({ items: z.array(CaseViewSchema), nextCursor: z.string().nullable() }).meta({ id: 'DispatchQueuePage' }),
        },
        400: { description: 'Invalid query', schema: ErrorSchema },
        401: { description: 'Missing or unknown API key', schema: ErrorSchema },
        403: { description: 'Role not allowed', schema: ErrorSchema },
      },
      async handler({ res, query }) {
        try {
          const page = await dispatchQueue(deps.db, query);
          res.json({ items: page.items.map(caseView), nextCursor: page.nextCursor });
        } catch (err) {
          if (err instanceof BadCursorError) {
            throw new HttpError(400, 'validation_failed', 'invalid query', { fields: [{ path: 'query.cursor', message: err.message }] });
          }
          throw err;
        }
      },
    }),
  ];
}
