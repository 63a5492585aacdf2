// The audit trail of keys, links, the staff directory and the duty roster (audit_events:
// append-only), for admins and ops.
import { z } from 'zod';
import type { Role } from '../../domain';
import { ErrorSchema } from '../../domain/schemas';
import { strictInt } from '../../domain/strictInt';
import type { Database } from '../../db/client';
import { AUDIT_TARGETS, listAuditEvents } from '../../db/queries/audit';
import { BadCursorError } from '../../db/queries/notifications';
import { HttpError } from '../errors';
import { defineRoute, type RouteSpec } from '../routeSpec';

const READERS: readonly Role[] = ['ops', 'admin'];

const AuditEventSchema = z
  .object({
    id: z.int(),
    at: z.string(),
    actor: z.object({
      role: z.string(),
      subject: z.string().nullable(),
      personId: z.string().nullable().meta({ description: "The acting key's person (staff directory); null for a role-only key" }),
    }),
    action: z.string().meta({ example: 'api_key.rotated' }),
    targetKind: z.enum(AUDIT_TARGETS).meta({ description: "duty_fallback's targetId is region/role" }),
    targetId: z.string(),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'AuditEvent' });

const Query = z
  .strictObject({
    targetKind: z.enum(AUDIT_TARGETS).optional(),
    targetId: z.string().min(1).max(64).optional(),
    limit: strictInt(1, 200).default(50),
    cursor: z.string().max(200).optional().meta({ description: 'nextCursor of the previous page' }),
  })
  .meta({ id: 'AuditQuery' });

export function auditRoutes(deps: { db: Database }): RouteSpec[] {
  return [
    defineRoute<unknown, z.output<typeof Query>, unknown>({
      method: 'get',
      path: '/audit-events',
      tag: 'Audit',
      summary:
        'Audit trail, newest first: API keys (issued, rotated, revoked), customer-link revocations, the staff directory (person created, updated, deactivated) and duty roster (shifts, fallbacks)',
      roles: READERS,
      query: Query,
      responses: {
        200: {
          description: 'A page of audit events',
          schema: z.object({ items: z.array(AuditEventSchema), nextCursor: z.string().nullable() }).meta({ id: 'AuditEventPage' }),
        },
        400: { description: 'Invalid input (field-level messages)', schema: ErrorSchema },
      },
      async handler({ res, query }) {
        try {
          const page = await listAuditEvents(deps.db, query);
          res.json({
            items: page.items.map((e) => ({
              id: e.id,
              at: e.at.toISOString(),
              actor: { role: e.actorRole, subject: e.actorSubject, personId: e.actorPersonId },
              action: e.action,
              targetKind: e.targetKind as z.output<typeof AuditEventSchema>['targetKind'],
              targetId: e.targetId,
              data: e.data,
            })),
            nextCursor: page.nextCursor,
          });
        } catch (err) {
          if (err instanceof BadCursorError)
            throw new HttpError(400, 'validation_failed', 'invalid query', { fields: [{ path: 'query.cursor', message: err.message }] });
          throw err;
        }
      },
    }),
  ];
}
