// Webhooks: an HMAC-signed JSON POST to every active subscriber whose events match.
// Each attempt is logged in webhook_deliveries; a subscriber that already accepted a key
// is never sent it again, and one that keeps failing is given up on after maxAttempts
// so it cannot hold the others' notifications back forever.
import { createHmac } from 'node:crypto';
import { and, eq, lte, sql } from 'drizzle-orm';
import { webhookDeliveries, webhookSubscriptions } from '../../db/schema';
import { checkWebhookTarget, type AllowedTarget, type Resolve } from '../../shared/webhookTargets';
import type { Gateway, OutgoingMessage, SendContext, SendResult } from './types';
import { postPinned } from './pinnedPost';
import { GatewayError } from './types';

export interface WebhookGatewayOptions {
  timeoutMs?: number;
  /** Failed POSTs to one subscriber for one key before giving up on it. */
  maxAttempts?: number;
  /** Clock for X-Casework-Timestamp (tests). */
  now?: () => Date;
  /** Non-public targets allowed (WEBHOOK_ALLOWED_HOSTS); every other non-public one is refused. */
  allowedTargets?: readonly AllowedTarget[];
  /** DNS resolution of subscriber hosts (tests); default the system resolver. */
  resolve?: Resolve;
}

/** sha256=<hex HMAC-SHA256 of "<timestamp>.<body>"> */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function webhookBody(m: OutgoingMessage): string {
  return JSON.stringify({
    id: m.key,
    event: m.event,
    locale: m.locale,
    caseNo: m.caseNo ?? null,
    complaintNo: m.complaintNo ?? null,
    subject: m.subject,
    text: m.text,
    data: m.vars,
    createdAt: m.createdAt.toISOString(),
  });
}

/** How a delivery refused by the SSRF guard starts its error (never retried for that message). */
const REFUSED = 'refused: ';

export function createWebhookGateway(opts: WebhookGatewayOptions = {}): Gateway {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const maxAttempts = opts.maxAttempts ?? 20;
  const now = opts.now ?? (() => new Date());
  const allowedTargets = opts.allowedTargets ?? [];

  return {
    async send(m: OutgoingMessage, { db }: SendContext): Promise<SendResult> {
      const subscribers = await db
        .select()
        .from(webhookSubscriptions)
        .where(
          and(
            eq(webhookSubscriptions.active, true),
            // Subscribers registered after the notification was raised do not get it.
            lte(webhookSubscriptions.createdAt, m.createdAt),
            sql`(${webhookSubscriptions.events} @> ARRAY['*']::text[] OR ${webhookSubscriptions.events} @> ARRAY[${m.event}]::text[])`,
          ),
        )
        .orderBy(webhookSubscriptions.id);
      if (subscribers.length === 0) return { providerMessageId: 'no-subscribers' };

      const history = await db
        .select({
          subscriptionId: webhookDeliveries.subscriptionId,
          attempts: sql<number>`count(*)::int`,
          delivered: sql<boolean>`bool_or(${webhookDeliveries.delivered})`,
          refused: sql<boolean>`bool_or(${webhookDeliveries.error} LIKE ${`${REFUSED}%`})`,
        })
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.notificationKey, m.key))
        .groupBy(webhookDeliveries.subscriptionId);
      const bySub = new Map(history.map((h) => [h.subscriptionId, h]));

      const body = webhookBody(m);
      const outcomes = await Promise.all(
        subscribers.map(async (sub) => {
          const past = bySub.get(sub.id);
          if (past?.delivered) return { id: sub.id, state: 'delivered' as const };
          if (past?.refused) return { id: sub.id, state: 'abandoned' as const };
          const attempt = (past?.attempts ?? 0) + 1;
          if (attempt > maxAttempts) return { id: sub.id, state: 'abandoned' as const };
          const timestamp = String(Math.floor(now().getTime() / 1000));
          const started = Date.now();
          let statusCode: number | null = null;
          let error: string | null = null;
          // Checked again now, after DNS resolution: a refusal is final for this message
          // (recorded, not retried), whatever the host resolved to when it subscribed. The
          // POST connects only to the addresses checked here (no second DNS answer).
          const target = await checkWebhookTarget(sub.url, allowedTargets, opts.resolve);
          if (!target.ok) {
            await db.insert(webhookDeliveries).values({
              subscriptionId: sub.id,
              notificationKey: m.key,
              event: m.event,
              attempt,
              statusCode,
              delivered: false,
              error: `${REFUSED}${target.reason}`,
              durationMs: Date.now() - started,
            });
            return { id: sub.id, state: 'abandoned' as const };
          }
          try {
            statusCode = await postPinned(
              sub.url,
              target.addresses,
              {
                'content-type': 'application/json',
                'user-agent': 'casework-webhooks/1',
                'x-casework-event': m.event,
                'x-casework-delivery': m.key,
                'x-casework-timestamp': timestamp,
                'x-casework-signature': webhookSignature(sub.secret, timestamp, body),
              },
              body,
              timeoutMs,
            );
            if (statusCode < 200 || statusCode > 299) error = `HTTP ${statusCode}`;
          } catch (err) {
            error = err instanceof Error ? err.message : String(err);
          }
          const delivered = error === null;
          await db.insert(webhookDeliveries).values({
            subscriptionId: sub.id,
            notificationKey: m.key,
            event: m.event,
            attempt,
            statusCode,
            delivered,
            error,
            durationMs: Date.now() - started,
          });
          if (delivered) return { id: sub.id, state: 'delivered' as const };
          return { id: sub.id, state: attempt >= maxAttempts ? ('abandoned' as const) : ('failed' as const), error };
        }),
      );

      const failed = outcomes.filter((o) => o.state === 'failed');
      if (failed.length) {
        throw new GatewayError(`webhook delivery failed for subscription(s) ${failed.map((f) => `${f.id} (${'error' in f ? f.error : ''})`).join(', ')}`, true);
      }
      const delivered = outcomes.filter((o) => o.state === 'delivered').map((o) => o.id);
      const abandoned = outcomes.filter((o) => o.state === 'abandoned').map((o) => o.id);
      return {
        providerMessageId: `delivered:${delivered.join(',') || '-'}${abandoned.length ? ` abandoned:${abandoned.join(',')}` : ''}`,
      };
    },
  };
}
