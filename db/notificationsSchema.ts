// Notifications: one row per idempotency key (what was asked, its state, the provider's
// id), webhook subscribers and the log of every webhook POST attempt.
import { sql } from 'drizzle-orm';
import { bigserial, boolean, index, integer, jsonb, pgTable, serial, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { ts } from './columns';
import { people } from './peopleSchema';

export interface NotificationPayload {
  vars: Record<string, string | number>;
  subject?: string;
  text?: string;
}

export const notifications = pgTable(
  'notifications',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** notificationKey(subject, event, recipient, channel): one message per key, ever. */
    key: text('key').notNull().unique(),
    channel: text('channel').notNull(),
    /** The real address (needed to send); logs and the API show it masked. */
    recipient: text('recipient').notNull(),
    /**
     * The person the message was for, when the sender knew one (a routed supervisor, a
     * complaint's owner, an engineer's linked person): GET /me/notifications lists by it.
     * Null for customers, webhooks and rows written before it (migration 0022).
     */
    personId: text('person_id').references(() => people.id, { onDelete: 'restrict' }),
    event: text('event').notNull(),
    locale: text('locale').notNull(),
    caseNo: text('case_no'),
    complaintNo: text('complaint_no'),
    /** queued → sent, or failed (still retried by the activity unless non-retryable). */
    status: text('status').notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    providerMessageId: text('provider_message_id'),
    lastError: text('last_error'),
    payload: jsonb('payload').$type<NotificationPayload>().notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    sentAt: ts('sent_at'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('notifications_case_idx').on(t.caseNo, t.id),
    index('notifications_complaint_idx').on(t.complaintNo, t.id),
    index('notifications_status_idx').on(t.status, t.id),
    // GET /me/notifications: a person's rows, newest first (keyset on id).
    index('notifications_person_idx').on(t.personId, t.id),
  ],
);

export const webhookSubscriptions = pgTable('webhook_subscriptions', {
  id: serial('id').primaryKey(),
  url: text('url').notNull(),
  /** HMAC-SHA256 key for X-Casework-Signature; shown once, at creation. */
  secret: text('secret').notNull(),
  /** Event names, or ['*'] for all. */
  events: text('events')
    .array()
    .notNull()
    .default(sql`ARRAY['*']::text[]`),
  active: boolean('active').notNull().default(true),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    subscriptionId: integer('subscription_id')
      .notNull()
      .references(() => webhookSubscriptions.id),
    /** The notification key, also sent as X-Casework-Delivery. */
    notificationKey: text('notification_key').notNull(),
    event: text('event').notNull(),
    /** Per subscriber and key: 1, 2, … */
    attempt: integer('attempt').notNull(),
    /** HTTP status, null when no response (timeout, refused). */
    statusCode: integer('status_code'),
    delivered: boolean('delivered').notNull(),
    error: text('error'),
    durationMs: integer('duration_ms'),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [
    index('webhook_deliveries_subscription_idx').on(t.subscriptionId, t.id),
    index('webhook_deliveries_key_idx').on(t.notificationKey, t.subscriptionId),
    // At most one successful delivery per subscriber and key.
    uniqueIndex('webhook_deliveries_delivered_uq')
      .on(t.subscriptionId, t.notificationKey)
      .where(sql`delivered`),
  ],
);
