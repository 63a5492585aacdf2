// GET /dev/outbox: what the embedded default's local gateways received, for developers.
// Registered only when the launcher asks for it (--dev-outbox / DEV_OUTBOX in the embedded
// default), and masked even then.
import { z } from 'zod';
import type { Role } from '../../domain';
import { ErrorSchema } from '../../domain/schemas';
import { strictInt } from '../../domain/strictInt';
import type { Database } from '../../db/client';
import { listNotifications, type NotificationRow } from '../../db/queries/notifications';
import { maskedOutbox, type OutboxSnapshot } from '../../shared/devOutbox';
import { redactValue } from '../../shared/redact';
import { defineRoute, type RouteSpec } from '../routeSpec';

/** What GET /dev/outbox reads: the local receivers' capture (launcher/localGateways). */
export interface DevOutboxSource {
  snapshot(limit?: number): OutboxSnapshot;
}

const DEV_OUTBOX_READERS: readonly Role[] = ['ops', 'admin'];

export function devOutboxRoute(db: Database, devOutbox: DevOutboxSource, notificationView: (row: NotificationRow) => object): RouteSpec {
  return defineRoute<unknown, { limit: number }, unknown>({
    method: 'get',
    path: '/dev/outbox',
    tag: 'Development',
    summary: 'What the local gateways received (embedded default with --dev-outbox / DEV_OUTBOX only)',
    description:
      'E-mails captured by the local SMTP server, SMS and webhook POSTs received by the local HTTP receiver, and the latest notifications rows; ' +
      'phone numbers, e-mail addresses and link tokens masked. Served only by the embedded default started with --dev-outbox (`npm start`) or DEV_OUTBOX=1.',
    roles: DEV_OUTBOX_READERS,
    query: z.strictObject({ limit: strictInt(1, 1000).default(100) }),
    responses: {
      200: {
        description: 'The outbox',
        schema: z
          .object({
            emails: z.array(z.record(z.string(), z.unknown())),
            sms: z.array(z.record(z.string(), z.unknown())),
            webhooks: z.array(z.record(z.string(), z.unknown())),
            notifications: z.array(z.record(z.string(), z.unknown())),
          })
          .meta({ id: 'DevOutbox' }),
      },
      400: { description: 'Invalid input (field-level messages)', schema: ErrorSchema },
      401: { description: 'Missing or unknown API key', schema: ErrorSchema },
      403: { description: 'Role not allowed', schema: ErrorSchema },
      503: { description: 'PostgreSQL unavailable', schema: ErrorSchema },
    },
    async handler({ res, query }) {
      const page = await listNotifications(db, { limit: query.limit });
      const rows = page.items.map((row) => ({ ...notificationView(row), payload: redactValue(row.payload) }));
      res.json({ ...maskedOutbox(devOutbox.snapshot(query.limit)), notifications: rows });
    },
  });
}
