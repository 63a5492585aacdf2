// The embedded default's notification gateways: an SMTP capture server (smtp-server, no
// auth) and an HTTP receiver that plays the SMS gateway and a webhook subscriber
// (POST /sms, POST /webhooks/<name>). Everything received goes to an in-memory outbox,
// also appended to <DATA_DIR>/outbox.jsonl, and is shown by GET /dev/outbox.
import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { Logger } from 'pino';
import type { CapturedEmail, CapturedSms, CapturedWebhook, OutboxSnapshot } from '../shared/devOutbox';
import { parseMail } from './mailParse';

export class Outbox {
  readonly emails: CapturedEmail[] = [];
  readonly sms: CapturedSms[] = [];
  readonly webhooks: CapturedWebhook[] = [];
  private static readonly LIMIT = 1000;

  constructor(private readonly file?: string) {}

  add(kind: 'email', item: CapturedEmail): void;
  add(kind: 'sms', item: CapturedSms): void;
  add(kind: 'webhook', item: CapturedWebhook): void;
  add(kind: 'email' | 'sms' | 'webhook', item: CapturedEmail | CapturedSms | CapturedWebhook): void {
    const list = (kind === 'email' ? this.emails : kind === 'sms' ? this.sms : this.webhooks) as unknown[];
    list.push(item);
    if (list.length > Outbox.LIMIT) list.shift();
    if (this.file) fs.appendFile(this.file, JSON.stringify({ kind, ...item }) + '\n', () => undefined);
  }

  snapshot(limit = 100): OutboxSnapshot {
    return { emails: this.emails.slice(-limit), sms: this.sms.slice(-limit), webhooks: this.webhooks.slice(-limit) };
  }
}

export interface LocalGateways {
  smtpUrl: string;
  smsUrl: string;
  /** A webhook subscriber URL on the local receiver (any path under /webhooks/ works). */
  webhookUrl: string;
  outbox: Outbox;
  stop(): Promise<void>;
}

function readBody(req: IncomingMessage, limit = 1024 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) reject(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export async function startLocalGateways(opts: {
  host?: string;
  smtpPort?: number;
  httpPort?: number;
  outboxFile?: string;
  logger?: Logger;
}): Promise<LocalGateways> {
  const host = opts.host ?? '127.0.0.1';
  const outbox = new Outbox(opts.outboxFile);
  const seenMessageIds = new Set<string>();
  const smsIds = new Map<string, string>();
  let smsCounter = 0;

  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    closeTimeout: 2000,
    size: 10 * 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        try {
          const mail = parseMail(Buffer.concat(chunks));
          const duplicate = mail.messageId !== '' && seenMessageIds.has(mail.messageId);
          seenMessageIds.add(mail.messageId);
          outbox.add('email', {
            at: new Date().toISOString(),
            envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            from: mail.from,
            to: mail.to,
            subject: mail.subject,
            text: mail.text,
            messageId: mail.messageId,
            key: mail.headers['x-casework-key'] ?? null,
            duplicate,
          });
          callback();
        } catch (err) {
          callback(err as Error);
        }
      });
    },
  });
  smtp.on('error', (err) => opts.logger?.warn({ err }, 'local SMTP capture error'));
  await new Promise<void>((resolve, reject) => {
    smtp.server.once('error', reject);
    smtp.listen(opts.smtpPort ?? 0, host, () => resolve());
  });
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  const receiver = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://local');
      if (req.method === 'GET' && url.pathname === '/outbox') return json(res, 200, outbox.snapshot());
      if (req.method !== 'POST') return json(res, 405, { error: 'POST only' });
      const raw = await readBody(req);
      if (url.pathname === '/sms') {
        let body: { to?: unknown; text?: unknown; event?: unknown; locale?: unknown; idempotencyKey?: unknown };
        try {
          body = JSON.parse(raw) as typeof body;
        } catch {
          return json(res, 400, { error: 'body is not JSON' });
        }
        if (typeof body.to !== 'string' || typeof body.text !== 'string') return json(res, 400, { error: 'to and text are required' });
        const key = req.headers['idempotency-key']?.toString() ?? (typeof body.idempotencyKey === 'string' ? body.idempotencyKey : null);
        const earlier = key ? smsIds.get(key) : undefined;
        const id = earlier ?? `local-sms-${++smsCounter}`;
        if (key && !earlier) smsIds.set(key, id);
        outbox.add('sms', {
          at: new Date().toISOString(),
          id,
          idempotencyKey: key,
          to: body.to,
          text: body.text,
          event: typeof body.event === 'string' ? body.event : null,
          locale: typeof body.locale === 'string' ? body.locale : null,
          duplicate: earlier !== undefined,
        });
        return json(res, 200, { id, status: earlier ? 'duplicate' : 'accepted' });
      }
      if (url.pathname.startsWith('/webhooks/')) {
        let body: unknown = raw;
        try {
          body = JSON.parse(raw);
        } catch {
          /* keep the text */
        }
        const h = (name: string) => req.headers[name]?.toString() ?? null;
        outbox.add('webhook', {
          at: new Date().toISOString(),
          path: url.pathname,
          event: h('x-casework-event'),
          delivery: h('x-casework-delivery'),
          timestamp: h('x-casework-timestamp'),
          signature: h('x-casework-signature'),
          body,
        });
        return json(res, 200, { received: true });
      }
      return json(res, 404, { error: 'POST /sms or /webhooks/<name>' });
    })().catch((err: Error) => {
      if (!res.headersSent) json(res, 500, { error: err.message });
    });
  });
  await new Promise<void>((resolve, reject) => {
    receiver.once('error', reject);
    receiver.listen(opts.httpPort ?? 0, host, () => resolve());
  });
  const httpPort = (receiver.address() as AddressInfo).port;
  const base = `http://${host}:${httpPort}`;

  return {
    smtpUrl: `smtp://${host}:${smtpPort}`,
    smsUrl: `${base}/sms`,
    webhookUrl: `${base}/webhooks/local`,
    outbox,
    async stop() {
      await new Promise<void>((resolve) => {
        receiver.close(() => resolve());
        receiver.closeAllConnections();
      });
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    },
  };
}
