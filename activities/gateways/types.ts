// The one interface every channel implements.
import type { NotificationChannel, NotificationEvent, NotificationLocale, NotificationVars } from '../../domain/notifications';
import type { Database } from '../../db/client';

export interface OutgoingMessage {
  /** Idempotency key: sent to providers (Idempotency-Key, Message-ID, X-Casework-Delivery). */
  key: string;
  channel: NotificationChannel;
  recipient: string;
  event: NotificationEvent;
  locale: NotificationLocale;
  subject: string;
  text: string;
  vars: NotificationVars;
  caseNo?: string;
  complaintNo?: string;
  /** When the notification row was created (webhooks: subscribers registered later are skipped). */
  createdAt: Date;
}

export interface SendContext {
  /** The transaction holding the notification row's lock (webhook deliveries are logged in it). */
  db: Database;
}

export interface SendResult {
  providerMessageId: string | null;
}

export interface Gateway {
  send(message: OutgoingMessage, ctx: SendContext): Promise<SendResult>;
  close?(): Promise<void>;
}

export type Gateways = Record<NotificationChannel, Gateway>;

/** A gateway refusal. retryable=false: retrying cannot help (bad request, not configured). */
export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** HTTP statuses worth retrying: timeouts, rate limits, server errors. */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/** fetch with a timeout; network errors and timeouts become retryable GatewayErrors. */
export async function fetchWithTimeout(url: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const why = e.name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : (e.cause?.code ?? e.cause?.message ?? e.message);
    throw new GatewayError(`${new URL(url).origin}: ${why}`, true);
  }
}
