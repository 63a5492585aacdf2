// sendNotification: one message per idempotency key, whatever happens around it.
//
// 1. The row is inserted ON CONFLICT (key) DO NOTHING (status queued).
// 2. In a transaction, the row is locked (SELECT … FOR UPDATE): a concurrent execution
//    with the same key (a duplicate signal, a retried activity whose first attempt is
//    still running) waits here and then sees `sent`. A worker that dies while holding the
//    lock loses its connection and PostgreSQL releases the lock (a session idle in the
//    transaction for 60 s is ended too). The lock is held across the provider call, so
//    each in-flight send uses one pooled connection.
// 3. Already `sent` → return without sending. Else attempts + 1, send, mark `sent` with
//    the provider's id; on failure record last_error / `failed` and throw so Temporal
//    retries with backoff (a gateway outage delays messages, it does not lose them).
//
// Limit, stated plainly: if the worker crashes (or PostgreSQL becomes unreachable)
// after the provider accepted a message and before the `sent` update commits, the retry
// sends it again. Exactly-once across that window rests on the provider side: the SMS
// request carries the key (body `idempotencyKey` and `Idempotency-Key` header), the
// e-mail a Message-ID derived from the key, webhooks `X-Casework-Delivery` = key — a
// provider or subscriber that deduplicates on them shows one message. Ours cannot
// guarantee more without a two-phase protocol with the provider.
import { DEFAULT_HOTLINE } from '../config/env';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import {
  isNotificationEvent,
  maskRecipient,
  NOTIFICATION_CHANNELS,
  NOTIFICATION_LOCALES,
  renderNotification,
  TemplateError,
  WEBHOOK_SUBSCRIBERS,
  type NotificationRequest,
} from '../domain/notifications';
import type { Database } from '../db/client';
import { notifications } from '../db/schema';
import { GatewayError, type Gateways, type OutgoingMessage } from './gateways';
import { notificationsFailed, notificationsSent } from '../shared/metrics';

export const NotificationRequestSchema = z.object({
  key: z.string().min(8).max(300),
  channel: z.enum(NOTIFICATION_CHANNELS),
  recipient: z.string().min(1).max(320),
  event: z.string().refine(isNotificationEvent, 'an event of the template catalogue'),
  locale: z.enum(NOTIFICATION_LOCALES),
  vars: z.record(z.string(), z.union([z.string(), z.number()])),
  caseNo: z.string().max(64).optional(),
  complaintNo: z.string().max(64).optional(),
  personId: z.string().min(1).max(64).optional(),
});

export interface NotificationResult {
  key: string;
  status: 'sent';
  attempts: number;
  providerMessageId: string | null;
  /** true: it had been sent before; nothing was sent this time. */
  duplicate: boolean;
}

export const NOTIFICATION_FAILURE = {
  rejected: 'NotificationRejected',
  gateway: 'NotificationGatewayError',
} as const;

type Log = Pick<Console, 'info' | 'warn'>;
const silent: Log = { info: () => undefined, warn: () => undefined };

/** The activity's logger, or nothing when called outside an activity (scripts). */
function logger(): Log {
  try {
    const log = Context.current().log;
    return {
      info: (msg: string, meta?: object) => {
        log.info(msg, meta);
      },
      warn: (msg: string, meta?: object) => {
        log.warn(msg, meta);
      },
    };
  } catch {
    return silent;
  }
}

/** E-mail addresses and phone-like digit runs masked out of free text (provider errors) for logs. */
export function scrubForLog(text: string): string {
  return text.replace(/[^\s@<>"']+@[^\s@<>"']+/g, (m) => maskRecipient('email', m)).replace(/\+?\d[\d\s-]{7,}\d/g, (m) => maskRecipient('sms', m));
}

function checkRecipient(request: NotificationRequest): string | undefined {
  if (request.channel === 'email' && !/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(request.recipient)) return 'recipient is not an e-mail address';
  if (request.channel === 'sms' && request.recipient.replace(/[^0-9]/g, '').length < 5) return 'recipient is not a phone number';
  if (request.channel === 'webhook' && request.recipient !== WEBHOOK_SUBSCRIBERS) return `webhook recipient must be '${WEBHOOK_SUBSCRIBERS}'`;
  return undefined;
}

/**
 * `hotline`: the number a message names ({hotline}), filled in at send time from
 * SERVICE_HOTLINE so it has one source (the customer pages show the same), never from
 * workflow code.
 */
export function createNotificationActivities(db: Database, gateways: Gateways | (() => Gateways), hotline: () => string = () => DEFAULT_HOTLINE) {
  let resolved: Gateways | undefined;
  const gatewayFor = (channel: keyof Gateways) => {
    resolved ??= typeof gateways === 'function' ? gateways() : gateways;
    return resolved[channel];
  };

  return {
    /** Sends one notification exactly once per key (see the file comment for the limit). */
    async sendNotification(input: NotificationRequest): Promise<NotificationResult> {
      const parsed = NotificationRequestSchema.safeParse(input);
      if (!parsed.success) {
        throw ApplicationFailure.nonRetryable(
          `invalid notification request: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
          NOTIFICATION_FAILURE.rejected,
        );
      }
      const request = { ...parsed.data, event: parsed.data.event };
      const badRecipient = checkRecipient(request);
      if (badRecipient) throw ApplicationFailure.nonRetryable(badRecipient, NOTIFICATION_FAILURE.rejected);
      let rendered: { subject: string; text: string };
      try {
        rendered = renderNotification(request.event, request.locale, { hotline: hotline(), ...request.vars });
      } catch (err) {
        if (err instanceof TemplateError) throw ApplicationFailure.nonRetryable(err.message, NOTIFICATION_FAILURE.rejected);
        throw err;
      }
      const log = logger();
      const masked = maskRecipient(request.channel, request.recipient);

      await db
        .insert(notifications)
        .values({
          key: request.key,
          channel: request.channel,
          recipient: request.recipient,
          event: request.event,
          locale: request.locale,
          caseNo: request.caseNo ?? null,
          complaintNo: request.complaintNo ?? null,
          // Only a person the directory holds (people are never deleted): an id it does not
          // know stores NULL rather than failing the foreign key on every retry, unsent.
          personId: request.personId ? sql`(SELECT id FROM people WHERE id = ${request.personId})` : null,
          status: 'queued',
          payload: { vars: request.vars, ...rendered },
        })
        .onConflictDoNothing({ target: notifications.key });

      const outcome = await db.transaction(async (tx) => {
        // A worker cut off mid-send (network partition, not a clean crash) must not hold
        // the row lock until TCP keepalive notices: PostgreSQL ends the session instead.
        await tx.execute(sql`SET LOCAL idle_in_transaction_session_timeout = '60s'`);
        const [row] = await tx.select().from(notifications).where(eq(notifications.key, request.key)).for('update');
        if (!row) throw new Error(`notification ${request.key} vanished`);
        if (row.status === 'sent') return { kind: 'duplicate' as const, row };
        if (row.channel !== request.channel || row.recipient !== request.recipient || row.event !== request.event) {
          return { kind: 'mismatch' as const, row };
        }
        const attempts = row.attempts + 1;
        const message: OutgoingMessage = {
          key: request.key,
          channel: request.channel,
          recipient: request.recipient,
          event: request.event,
          locale: request.locale,
          ...rendered,
          vars: request.vars,
          caseNo: request.caseNo,
          complaintNo: request.complaintNo,
          createdAt: row.createdAt,
        };
        try {
          const result = await whileHeartbeating(() => gatewayFor(request.channel).send(message, { db: tx as unknown as Database }));
          const now = new Date();
          await tx
            .update(notifications)
            .set({ status: 'sent', attempts, providerMessageId: result.providerMessageId, lastError: null, sentAt: now, updatedAt: now })
            .where(eq(notifications.key, request.key));
          return { kind: 'sent' as const, attempts, providerMessageId: result.providerMessageId };
        } catch (err) {
          const error = err instanceof Error ? err.message : String(err);
          const retryable = err instanceof GatewayError ? err.retryable : true;
          await tx
            .update(notifications)
            .set({ status: 'failed', attempts, lastError: error.slice(0, 2000), updatedAt: new Date() })
            .where(eq(notifications.key, request.key));
          return { kind: 'failed' as const, attempts, error, retryable };
        }
      });

      const fields = { key: request.key, channel: request.channel, event: request.event, to: masked };
      switch (outcome.kind) {
        case 'duplicate':
          log.info('notification already sent; not sending again', { ...fields, attempts: outcome.row.attempts });
          return { key: request.key, status: 'sent', attempts: outcome.row.attempts, providerMessageId: outcome.row.providerMessageId, duplicate: true };
        case 'mismatch':
          throw ApplicationFailure.nonRetryable(
            `idempotency key ${request.key} was used for a different message (${outcome.row.channel} ${outcome.row.event} to ${maskRecipient(outcome.row.channel, outcome.row.recipient)})`,
            NOTIFICATION_FAILURE.rejected,
          );
        case 'sent':
          notificationsSent.inc({ channel: request.channel });
          log.info('notification sent', { ...fields, attempts: outcome.attempts, providerMessageId: outcome.providerMessageId });
          return { key: request.key, status: 'sent', attempts: outcome.attempts, providerMessageId: outcome.providerMessageId, duplicate: false };
        case 'failed':
          notificationsFailed.inc({ channel: request.channel, retryable: String(outcome.retryable) });
          log.warn('notification not sent', { ...fields, attempts: outcome.attempts, error: scrubForLog(outcome.error), retryable: outcome.retryable });
          // The failure travels into Temporal's history and the SDK's logs: scrubbed.
          // last_error in the table keeps the provider's full answer.
          throw outcome.retryable
            ? ApplicationFailure.retryable(scrubForLog(outcome.error), NOTIFICATION_FAILURE.gateway)
            : ApplicationFailure.nonRetryable(scrubForLog(outcome.error), NOTIFICATION_FAILURE.rejected);
      }
    },
  };
}

export type NotificationActivities = ReturnType<typeof createNotificationActivities>;

/**
 * Heartbeats while a send is in flight, so a worker that dies mid-send is noticed within
 * the heartbeat timeout (workflows/notify.ts) and the message retried in seconds, not
 * after the whole start-to-close timeout. Outside an activity (unit tests) it just runs.
 */
async function whileHeartbeating<T>(send: () => Promise<T>): Promise<T> {
  let ctx: Context;
  try {
    ctx = Context.current();
  } catch {
    return send();
  }
  ctx.heartbeat();
  const beat = setInterval(() => ctx.heartbeat(), 2_000);
  try {
    return await send();
  } finally {
    clearInterval(beat);
  }
}
