// What the embedded default's local gateways (launcher/localGateways.ts) capture and
// GET /dev/outbox (api/routes/webhooks.ts) shows: the contract between the two, kept
// below both so that the API does not reach up into the launcher.
import { redactValue } from './redact';
export interface CapturedEmail {
  at: string;
  envelopeFrom: string | null;
  envelopeTo: string[];
  from: string;
  to: string;
  subject: string;
  text: string;
  messageId: string;
  key: string | null;
  /** Same Message-ID captured before (a resend after a crash). */
  duplicate: boolean;
}

export interface CapturedSms {
  at: string;
  id: string;
  idempotencyKey: string | null;
  to: string;
  text: string;
  event: string | null;
  locale: string | null;
  /** Same Idempotency-Key seen before: answered with the first id, not delivered again. */
  duplicate: boolean;
}

export interface CapturedWebhook {
  at: string;
  path: string;
  event: string | null;
  delivery: string | null;
  timestamp: string | null;
  signature: string | null;
  body: unknown;
}

export interface OutboxSnapshot {
  emails: CapturedEmail[];
  sms: CapturedSms[];
  webhooks: CapturedWebhook[];
}

/**
 * The outbox as GET /dev/outbox shows it: phone numbers, e-mail addresses and link tokens
 * masked even here (the texts are real customers' messages whenever a developer runs
 * real data; the local receivers keep the unmasked copy in DATA_DIR/outbox.jsonl).
 */
export function maskedOutbox(snapshot: OutboxSnapshot): OutboxSnapshot {
  return redactValue(snapshot);
}
