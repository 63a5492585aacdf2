// Real local servers for the notification tests: an HTTP server that records every
// request (the SMS gateway, webhook subscribers) and an SMTP server that records every
// message it accepts.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { parseMail, type ParsedMail } from '../../launcher/mailParse';

export interface Received {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: any;
}

export interface HttpReceiver {
  url: string;
  received: Received[];
  /** Decides each answer (default 200 {"id": "msg-<n>"}). */
  respond: (req: Received, n: number) => { status: number; body?: unknown } | Promise<{ status: number; body?: unknown }>;
  close(): Promise<void>;
}

/** `host`: 127.0.0.2 for a webhook subscriber of the test stack (its WEBHOOK_ALLOWED_HOSTS). */
export async function startHttpReceiver(host = '127.0.0.1'): Promise<HttpReceiver> {
  const receiver: HttpReceiver = {
    url: '',
    received: [],
    respond: (_req, n) => ({ status: 200, body: { id: `msg-${n}` } }),
    close: async () => undefined,
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    // A respond() that throws answers 500 rather than leaving a rejection nobody handles.
    const answered = async () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = raw;
      try {
        body = JSON.parse(raw);
      } catch {
        /* text */
      }
      const entry: Received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, raw, body };
      const answer = await receiver.respond(entry, receiver.received.length + 1);
      // Only what the "provider" accepted counts as received.
      if (answer.status < 300) receiver.received.push(entry);
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    };
    req.on('end', () => {
      answered().catch((err: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: String(err) }));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, () => resolve()));
  receiver.url = `http://${host}:${(server.address() as AddressInfo).port}`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return receiver;
}

export interface SmtpReceiver {
  url: string;
  mails: Array<ParsedMail & { envelopeTo: string[]; raw: string }>;
  close(): Promise<void>;
}

export async function startSmtpReceiver(): Promise<SmtpReceiver> {
  const mails: SmtpReceiver['mails'] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    closeTimeout: 1000,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        mails.push({ ...parseMail(raw), envelopeTo: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** One request as the fake SMS provider saw it arrive. */
export interface SmsArrival {
  key: string;
  request: Received;
  /** Set when the provider has written its answer (the sender may never read it). */
  answeredAt?: number;
  /** The provider's message id: the same for every request with this key. */
  providerId: string;
  /** false: this key had been seen before; nothing new was delivered. */
  firstForKey: boolean;
}

export interface SmsProvider {
  url: string;
  receiver: HttpReceiver;
  /** Every request, in arrival order, recorded before it is answered. */
  arrivals: SmsArrival[];
  /** The messages delivered to handsets: one per Idempotency-Key, the first request's. */
  delivered: Map<string, SmsArrival>;
  /** How long to hold a request before answering (default: answer at once). */
  delayMs: (arrival: SmsArrival) => number;
  inFlight(): number;
  close(): Promise<void>;
}

/**
 * An SMS gateway that behaves like a real provider: it deduplicates on the
 * Idempotency-Key header (a repeat is answered 200 with the first request's message id
 * and delivers nothing), and can hold answers (`delayMs`) to keep sends in flight.
 * A request without the header is refused 400.
 */
export async function startSmsProvider(): Promise<SmsProvider> {
  const receiver = await startHttpReceiver();
  const provider: SmsProvider = {
    url: receiver.url,
    receiver,
    arrivals: [],
    delivered: new Map(),
    delayMs: () => 0,
    inFlight: () => provider.arrivals.filter((a) => a.answeredAt === undefined).length,
    close: () => receiver.close(),
  };
  receiver.respond = async (request) => {
    const header = request.headers['idempotency-key'];
    const key = typeof header === 'string' ? header : '';
    const first = key ? provider.delivered.get(key) : undefined;
    const arrival: SmsArrival = { key, request, providerId: first?.providerId ?? `sms-${provider.delivered.size + 1}`, firstForKey: !first };
    provider.arrivals.push(arrival);
    if (!key) {
      arrival.answeredAt = Date.now();
      return { status: 400, body: { error: 'Idempotency-Key header required' } };
    }
    if (!first) provider.delivered.set(key, arrival);
    const delay = provider.delayMs(arrival);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    arrival.answeredAt = Date.now();
    return { status: 200, body: { id: arrival.providerId, duplicate: !arrival.firstForKey } };
  };
  return provider;
}
