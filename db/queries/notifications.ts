// Reads and admin writes of notifications and webhook subscriptions for the API.
import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { Database } from '../client';
import { notifications, webhookDeliveries, webhookSubscriptions } from '../schema';

export type NotificationRow = typeof notifications.$inferSelect;
export type WebhookSubscriptionRow = typeof webhookSubscriptions.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;

export class BadCursorError extends Error {}

/** Keyset cursors on a numeric id, newest first. */
export function encodeIdCursor(id: number): string {
  return Buffer.from(`id:${id}`).toString('base64url');
}

export function decodeIdCursor(cursor: string): number {
  const m = /^id:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw new BadCursorError('cursor is not one this API issued');
  return Number(m[1]);
}

function page<T extends { id: number }>(rows: T[], limit: number): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeIdCursor(last.id) : null };
}

export async function listNotifications(
  db: Database,
  q: { caseNo?: string; complaintNo?: string; status?: string; channel?: string; event?: string; limit: number; cursor?: string },
): Promise<{ items: NotificationRow[]; nextCursor: string | null }> {
  const where: SQL[] = [];
  if (q.caseNo) where.push(eq(notifications.caseNo, q.caseNo));
  if (q.complaintNo) where.push(eq(notifications.complaintNo, q.complaintNo));
  if (q.status) where.push(eq(notifications.status, q.status));
  if (q.channel) where.push(eq(notifications.channel, q.channel));
  if (q.event) where.push(eq(notifications.event, q.event));
  if (q.cursor) where.push(lt(notifications.id, decodeIdCursor(q.cursor)));
  const rows = await db
    .select()
    .from(notifications)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(notifications.id))
    .limit(q.limit + 1);
  return page(rows, q.limit);
}

export async function createWebhookSubscription(db: Database, values: { url: string; secret: string; events: string[] }): Promise<WebhookSubscriptionRow> {
  const [row] = await db.insert(webhookSubscriptions).values(values).returning();
  return row!;
}

export async function listWebhookSubscriptions(db: Database, opts: { includeInactive: boolean }): Promise<WebhookSubscriptionRow[]> {
  return db
    .select()
    .from(webhookSubscriptions)
    .where(opts.includeInactive ? undefined : eq(webhookSubscriptions.active, true))
    .orderBy(webhookSubscriptions.id);
}

export async function findWebhookSubscription(db: Database, id: number): Promise<WebhookSubscriptionRow | undefined> {
  const [row] = await db.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.id, id)).limit(1);
  return row;
}

export async function deactivateWebhookSubscription(db: Database, id: number): Promise<WebhookSubscriptionRow | undefined> {
  const [row] = await db.update(webhookSubscriptions).set({ active: false }).where(eq(webhookSubscriptions.id, id)).returning();
  return row;
}

export async function listWebhookDeliveries(
  db: Database,
  subscriptionId: number,
  q: { limit: number; cursor?: string },
): Promise<{ items: WebhookDeliveryRow[]; nextCursor: string | null }> {
  const where: SQL[] = [eq(webhookDeliveries.subscriptionId, subscriptionId)];
  if (q.cursor) where.push(lt(webhookDeliveries.id, decodeIdCursor(q.cursor)));
  const rows = await db
    .select()
    .from(webhookDeliveries)
    .where(and(...where))
    .orderBy(desc(webhookDeliveries.id))
    .limit(q.limit + 1);
  return page(rows, q.limit);
}
