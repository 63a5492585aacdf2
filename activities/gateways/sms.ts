// SMS through an HTTP gateway: POST JSON { idempotencyKey, to, text, … } with an
// Idempotency-Key header; the provider's message id comes back as `id` / `messageId`.
import type { Gateway, OutgoingMessage, SendResult } from './types';
import { fetchWithTimeout, GatewayError, retryableStatus } from './types';

export interface SmsGatewayOptions {
  /** http(s) URL; user:pass@ in it means HTTP Basic auth. */
  url: string;
  /** Bearer token (takes precedence over Basic credentials). */
  token?: string;
  timeoutMs?: number;
}

export function createSmsGateway(opts: SmsGatewayOptions): Gateway {
  const parsed = new URL(opts.url);
  const basic = parsed.username ? `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}` : undefined;
  parsed.username = '';
  parsed.password = '';
  const url = parsed.toString();
  const authorization = opts.token ? `Bearer ${opts.token}` : basic ? `Basic ${Buffer.from(basic).toString('base64')}` : undefined;
  const timeoutMs = opts.timeoutMs ?? 10_000;

  return {
    async send(m: OutgoingMessage): Promise<SendResult> {
      const body = JSON.stringify({
        idempotencyKey: m.key,
        to: m.recipient,
        text: m.text,
        event: m.event,
        locale: m.locale,
        ...(m.caseNo ? { caseNo: m.caseNo } : {}),
        ...(m.complaintNo ? { complaintNo: m.complaintNo } : {}),
      });
      const res = await fetchWithTimeout(
        url,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'idempotency-key': m.key,
            ...(authorization ? { authorization } : {}),
          },
          body,
        },
        timeoutMs,
      );
      const text = await res.text().catch(() => '');
      if (!res.ok) {
        throw new GatewayError(`SMS gateway answered ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`, retryableStatus(res.status), res.status);
      }
      let id: unknown;
      try {
        const json = JSON.parse(text) as { id?: unknown; messageId?: unknown; message_id?: unknown };
        id = json.id ?? json.messageId ?? json.message_id;
      } catch {
        /* a 2xx without JSON is still accepted */
      }
      // A provider's id is a string or a number; anything else is stored as it stringifies.
      // eslint-disable-next-line @typescript-eslint/no-base-to-string
      return { providerMessageId: id === undefined || id === null ? null : String(id) };
    },
  };
}
