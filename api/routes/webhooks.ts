// Admin API of webhook subscriptions (for a CRM), the notifications table's state and,
// in dev mode, the local outbox.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { maskRecipient, NOTIFICATION_CHANNELS, NOTIFICATION_EVENTS, NOTIFICATION_STATUSES } from '../../domain/notifications';
import type { Role } from '../../domain';
import { CaseNoSchema, ErrorSchema } from '../../domain/schemas';
import { MAX_PG_INT, strictInt } from '../../domain/strictInt';
import type { Database } from '../../db/client';
import {
  BadCursorError,
  createWebhookSubscription,
  deactivateWebhookSubscription,
  findWebhookSubscription,
  listNotifications,
  listWebhookDeliveries,
  listWebhookSubscriptions,
  type NotificationRow,
  type WebhookDeliveryRow,
  type WebhookSubscriptionRow,
} from '../../db/queries/notifications';
import { checkWebhookTarget, type AllowedTarget } from '../../shared/webhookTargets';
import { devOutboxRoute, type DevOutboxSource } from './devOutbox';
import { HttpError } from '../errors';
import { defineRoute, type RouteSpec } from '../routeSpec';

const ADMIN: readonly Role[] = ['admin'];
const NOTIFICATION_READERS: readonly Role[] = ['agent', 'supervisor', 'ops', 'admin'];

const errors = {
  400: { description: 'Invalid input (field-level messages)', schema: ErrorSchema },
  401: { description: 'Missing or unknown API key', schema: ErrorSchema },
  403: { description: 'Role not allowed', schema: ErrorSchema },
  503: { description: 'PostgreSQL unavailable', schema: ErrorSchema },
};

const EventFilterSchema = z.enum(['*', ...NOTIFICATION_EVENTS] as [string, ...string[]]);

const CreateWebhookBody = z
  .strictObject({
    url: z
      .url({ protocol: /^https?$/, error: 'an http(s) URL' })
      .max(2000)
      .meta({ example: 'https://crm.example.com/hooks/casework' }),
    events: z
      .array(EventFilterSchema)
      .min(1)
      .max(50)
      .refine((e) => new Set(e).size === e.length, 'events must not repeat')
      .meta({ description: "Event names of the template catalogue, or ['*'] for all" }),
    secret: z.string().min(16).max(200).optional().meta({ description: 'HMAC key (16-200 chars); generated and returned once if omitted' }),
  })
  .meta({ id: 'CreateWebhook' });

const WebhookViewSchema = z
  .object({
    id: z.int(),
    url: z.string(),
    events: z.array(z.string()),
    active: z.boolean(),
    createdAt: z.string(),
  })
  .meta({ id: 'Webhook' });

const DeliveryViewSchema = z
  .object({
    id: z.int(),
    subscriptionId: z.int(),
    notificationKey: z.string(),
    event: z.string(),
    attempt: z.int(),
    statusCode: z.int().nullable(),
    delivered: z.boolean(),
    error: z.string().nullable(),
    durationMs: z.int().nullable(),
    at: z.string(),
  })
  .meta({ id: 'WebhookDelivery' });

const NotificationViewSchema = z
  .object({
    id: z.int(),
    key: z.string(),
    channel: z.enum(NOTIFICATION_CHANNELS),
    recipient: z.string().meta({ description: 'Masked (138****8000, z***@example.com)' }),
    event: z.string(),
    locale: z.string(),
    caseNo: z.string().nullable(),
    complaintNo: z.string().nullable(),
    status: z.enum(NOTIFICATION_STATUSES),
    attempts: z.int(),
    providerMessageId: z.string().nullable(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Notification' });

const WebhookParams = z.strictObject({ id: strictInt(1, MAX_PG_INT) });
const PageQuery = {
  limit: strictInt(1, 100).default(20),
  cursor: z.string().max(200).optional().meta({ description: 'nextCursor of the previous page' }),
};
const DeliveriesQuery = z.strictObject(PageQuery).meta({ id: 'DeliveriesQuery' });
const NotificationsQuery = z
  .strictObject({
    caseNo: CaseNoSchema.optional(),
    complaintNo: z.string().min(1).max(64).optional(),
    status: z.enum(NOTIFICATION_STATUSES).optional(),
    channel: z.enum(NOTIFICATION_CHANNELS).optional(),
    event: z.enum(NOTIFICATION_EVENTS as [string, ...string[]]).optional(),
    ...PageQuery,
  })
  .meta({ id: 'NotificationsQuery' });

function webhookView(row: WebhookSubscriptionRow): z.output<typeof WebhookViewSchema> {
  return { id: row.id, url: row.url, events: row.events, active: row.active, createdAt: row.createdAt.toISOString() };
}

function deliveryView(row: WebhookDeliveryRow): z.output<typeof DeliveryViewSchema> {
  return { ...row, at: row.at.toISOString() };
}

function notificationView(row: NotificationRow): z.output<typeof NotificationViewSchema> {
  return {
    id: row.id,
    key: row.key,
    channel: row.channel as z.output<typeof NotificationViewSchema>['channel'],
    recipient: maskRecipient(row.channel, row.recipient),
    event: row.event,
    locale: row.locale,
    caseNo: row.caseNo,
    complaintNo: row.complaintNo,
    status: row.status as z.output<typeof NotificationViewSchema>['status'],
    attempts: row.attempts,
    providerMessageId: row.providerMessageId,
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
    sentAt: row.sentAt?.toISOString() ?? null,
    updatedAt: row.updatedAt.toISOString(),
  };
}

async function paged<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof BadCursorError) {
      throw new HttpError(400, 'validation_failed', 'invalid query', { fields: [{ path: 'query.cursor', message: err.message }] });
    }
    throw err;
  }
}

export function webhookRoutes(deps: { db: Database; webhookAllowedTargets?: readonly AllowedTarget[] }): RouteSpec[] {
  const { db } = deps;
  const allowedTargets = deps.webhookAllowedTargets ?? [];
  const notFound = { 404: { description: 'Unknown subscription', schema: ErrorSchema } };

  return [
    defineRoute<unknown, unknown, z.output<typeof CreateWebhookBody>>({
      method: 'post',
      path: '/webhooks',
      tag: 'Webhooks',
      summary: 'Subscribe a URL to notification events',
      description:
        'Each matching notification is POSTed as JSON with X-Casework-Event, X-Casework-Delivery (the idempotency key), ' +
        'X-Casework-Timestamp and X-Casework-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with the secret>. ' +
        'The secret is returned only in this response. The URL must reach a public address: loopback, link-local, private ' +
        'and other non-public addresses (also through a name that resolves to one) are refused with 422 unless ' +
        'WEBHOOK_ALLOWED_HOSTS names them; the check is repeated before every POST.',
      roles: ADMIN,
      body: CreateWebhookBody,
      responses: {
        201: {
          description: 'Subscribed; keep the secret',
          schema: z.object({ webhook: WebhookViewSchema, secret: z.string() }).meta({ id: 'WebhookCreated' }),
        },
        ...errors,
        422: { description: 'The URL reaches a non-public address (webhook_target_refused)', schema: ErrorSchema },
      },
      async handler({ res, body }) {
        const target = await checkWebhookTarget(body.url, allowedTargets);
        if (!target.ok) throw new HttpError(422, 'webhook_target_refused', target.reason, { fields: [{ path: 'body.url', message: target.reason }] });
        const secret = body.secret ?? `whsec_${randomBytes(32).toString('hex')}`;
        const row = await createWebhookSubscription(db, { url: body.url, secret, events: body.events });
        res.status(201).json({ webhook: webhookView(row), secret });
      },
    }),

    defineRoute<unknown, { includeInactive: 'true' | 'false' }, unknown>({
      method: 'get',
      path: '/webhooks',
      tag: 'Webhooks',
      summary: 'List subscriptions (secrets are never shown)',
      roles: ADMIN,
      query: z.strictObject({ includeInactive: z.enum(['true', 'false']).default('false') }),
      responses: {
        200: { description: 'Subscriptions', schema: z.object({ items: z.array(WebhookViewSchema) }).meta({ id: 'WebhookList' }) },
        ...errors,
      },
      async handler({ res, query }) {
        const rows = await listWebhookSubscriptions(db, { includeInactive: query.includeInactive === 'true' });
        res.json({ items: rows.map(webhookView) });
      },
    }),

    defineRoute<{ id: number }, unknown, unknown>({
      method: 'delete',
      path: '/webhooks/:id',
      tag: 'Webhooks',
      summary: 'Deactivate a subscription (its delivery log is kept)',
      roles: ADMIN,
      params: WebhookParams,
      responses: {
        200: { description: 'Deactivated', schema: z.object({ webhook: WebhookViewSchema }).meta({ id: 'WebhookEnvelope' }) },
        ...errors,
        ...notFound,
      },
      async handler({ res, params }) {
        const row = await deactivateWebhookSubscription(db, params.id);
        if (!row) throw new HttpError(404, 'webhook_not_found', `no webhook subscription ${params.id}`);
        res.json({ webhook: webhookView(row) });
      },
    }),

    defineRoute<{ id: number }, z.output<typeof DeliveriesQuery>, unknown>({
      method: 'get',
      path: '/webhooks/:id/deliveries',
      tag: 'Webhooks',
      summary: 'Delivery log of a subscription (newest first, cursor-paginated)',
      roles: ADMIN,
      params: WebhookParams,
      query: DeliveriesQuery,
      responses: {
        200: {
          description: 'A page of delivery attempts',
          schema: z.object({ items: z.array(DeliveryViewSchema), nextCursor: z.string().nullable() }).meta({ id: 'WebhookDeliveryPage' }),
        },
        ...errors,
        ...notFound,
      },
      async handler({ res, params, query }) {
        if (!(await findWebhookSubscription(db, params.id))) throw new HttpError(404, 'webhook_not_found', `no webhook subscription ${params.id}`);
        const page = await paged(() => listWebhookDeliveries(db, params.id, query));
        res.json({ items: page.items.map(deliveryView), nextCursor: page.nextCursor });
      },
    }),
  ];
}

export function notificationRoutes(deps: { db: Database; devOutbox?: DevOutboxSource }): RouteSpec[] {
  const { db, devOutbox } = deps;
  const routes: RouteSpec[] = [
    defineRoute<unknown, z.output<typeof NotificationsQuery>, unknown>({
      method: 'get',
      path: '/notifications',
      tag: 'Notifications',
      summary: 'Notifications and their state (newest first, cursor-paginated)',
      description:
        'queued: not sent yet; sent: accepted by the gateway (attempts, provider id); failed: the last attempt failed (lastError) and is retried unless refused for good.',
      roles: NOTIFICATION_READERS,
      query: NotificationsQuery,
      responses: {
        200: {
          description: 'A page of notifications',
          schema: z.object({ items: z.array(NotificationViewSchema), nextCursor: z.string().nullable() }).meta({ id: 'NotificationPage' }),
        },
        ...errors,
      },
      async handler({ res, query }) {
        const page = await paged(() => listNotifications(db, query));
        res.json({ items: page.items.map(notificationView), nextCursor: page.nextCursor });
      },
    }),
  ];
  if (devOutbox) routes.push(devOutboxRoute(db, devOutbox, notificationView));
  return routes;
}

export type { DevOutboxSource };
