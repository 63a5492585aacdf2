// E-mail through SMTP (nodemailer). The Message-ID is derived from the idempotency key,
// so a resend after a crash carries the same Message-ID and receiving systems that
// deduplicate on it show one message.
import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Gateway, OutgoingMessage, SendResult } from './types';
import { GatewayError } from './types';

export interface EmailGatewayOptions {
  /** smtp://user:pass@host:587 or smtps://host:465 */
  url: string;
  /** "Name <address>" */
  from: string;
  timeoutMs?: number;
}

export function messageIdFor(key: string, from: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'casework.local';
  return `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@${domain}>`;
}

const PERMANENT_SMTP = /^5\d\d$/;

export function createEmailGateway(opts: EmailGatewayOptions): Gateway {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const transport = nodemailer.createTransport(opts.url, {
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  } as object);

  return {
    async send(m: OutgoingMessage): Promise<SendResult> {
      const messageId = messageIdFor(m.key, opts.from);
      try {
        const info = await transport.sendMail({
          from: opts.from,
          to: m.recipient,
          subject: m.subject,
          text: m.text,
          messageId,
          headers: {
            'X-Casework-Key': m.key,
            'X-Casework-Event': m.event,
            'Content-Language': m.locale,
          },
        });
        return { providerMessageId: info.messageId ?? messageId };
      } catch (err) {
        const e = err as Error & { responseCode?: number; code?: string };
        // 5xx SMTP replies (unknown mailbox, rejected) are permanent; the rest (4xx,
        // connection refused, timeouts) are worth retrying.
        const permanent = e.responseCode !== undefined && PERMANENT_SMTP.test(String(e.responseCode));
        throw new GatewayError(`SMTP: ${e.responseCode ? `${e.responseCode} ` : ''}${e.code ? `${e.code} ` : ''}${e.message}`, !permanent, e.responseCode);
      }
    },
    async close() {
      transport.close();
    },
  };
}
