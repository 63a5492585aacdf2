// The webhook SSRF guard through the stack: subscriptions to non-public addresses are
// refused (422, nothing stored) unless WEBHOOK_ALLOWED_HOSTS names them, and a
// subscriber whose name resolves to loopback when a message goes out is refused then,
// recorded once as a failed delivery and not retried. No outside network here: the
// "public-looking" name is `localhost` from /etc/hosts. And the POST connects to the
// address the check approved (pinned), never to a second DNS answer (rebinding).
import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq, inArray } from 'drizzle-orm';
import { createWebhookGateway } from '../../activities/gateways';
import { postPinned } from '../../activities/gateways/pinnedPost';
import type { Gateway, OutgoingMessage } from '../../activities/gateways/types';
import { createDatabase, type Database } from '../../db/client';
import { createWebhookSubscription } from '../../db/queries/notifications';
import { webhookDeliveries, webhookSubscriptions } from '../../db/schema';
import { WEBHOOK_SUBSCRIBERS, type NotificationEvent } from '../../domain/notifications';
import { parseAllowedTargets, systemResolve, type Resolve } from '../../shared/webhookTargets';
import { call, eventually, idempotencyKey } from '../support/http';
import { startHttpReceiver, type HttpReceiver } from '../support/receivers';
import { ALLOWED_WEBHOOK_HOST, stackInfo } from '../support/stackInfo';

let db: Database;
let loopback: HttpReceiver;
let allowed: HttpReceiver;
let pinned: HttpReceiver;
const created: number[] = [];

beforeAll(async () => {
  db = createDatabase(stackInfo().databaseUrl, { max: 2 });
  [loopback, allowed, pinned] = await Promise.all([startHttpReceiver('127.0.0.1'), startHttpReceiver(ALLOWED_WEBHOOK_HOST), startHttpReceiver('127.0.0.1')]);
});

afterAll(async () => {
  // Other tests' messages must not go to these subscribers.
  for (const id of created) await call('DELETE', `/webhooks/${id}`, { as: 'admin' });
  await Promise.all([loopback?.close(), allowed?.close(), pinned?.close()]);
  await db?.$client.end();
});

const subscribe = (url: string) => call('POST', '/webhooks', { as: 'admin', body: { url, events: ['complaint.opened'] } });

function openComplaint() {
  const phone = `+86 137 ${String(Date.now()).slice(-8, -4)} ${String(Date.now()).slice(-4)}`;
  const body = { category: 'other', grade: 'general', channel: 'phone', summary: 'webhook guard', customer: { name: 'Guard', phone } };
  return call('POST', '/complaints', { as: 'agent', body, headers: { 'idempotency-key': idempotencyKey() } });
}

test.each([
  ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is a link-local address'],
  ['http://127.0.0.1:9/hook', '127.0.0.1 is a loopback address'],
  ['http://10.1.2.3/hook', '10.1.2.3 is a private address'],
  ['http://192.168.0.10:8080/hook', '192.168.0.10 is a private address'],
  ['http://[::1]:8080/hook', '::1 is a loopback address'],
  ['http://[fd00::5]/hook', 'fd00::5 is a private address'],
  ['http://0.0.0.0/hook', '0.0.0.0 is a unspecified address'],
  ['http://localhost:9/hook', 'localhost resolves to 127.0.0.1, a loopback address'],
])('a subscription to %s is refused with 422 and not stored', async (url, why) => {
  const r = await subscribe(url);
  expect(r.status).toBe(422);
  expect(r.body.error).toMatchObject({ code: 'webhook_target_refused', fields: [{ path: 'body.url', message: expect.stringContaining(why) }] });
  expect(r.body.error.message).toContain('WEBHOOK_ALLOWED_HOSTS');
  const listed = await call('GET', '/webhooks?includeInactive=true', { as: 'admin' });
  expect(listed.body.items.map((w: { url: string }) => w.url)).not.toContain(url);
});

test('what WEBHOOK_ALLOWED_HOSTS names is accepted and delivered to: the local sink and the tests’ own address', async () => {
  const sink = await subscribe(stackInfo().localGateways!.webhookUrl);
  expect(sink.status).toBe(201);
  created.push(sink.body.webhook.id);
  const own = await subscribe(`${allowed.url}/crm`);
  expect(own.status).toBe(201);
  created.push(own.body.webhook.id);

  const { complaintNo } = (await openComplaint()).body.complaint;
  const post = await eventually('the complaint.opened POST', async () => allowed.received.find((r) => r.body?.complaintNo === complaintNo));
  expect(post.headers['x-casework-event']).toBe('complaint.opened');
});

test('a subscriber whose name resolves to loopback when a message goes out is refused then, once, and not retried', async () => {
  // Stands for a name that resolved to a public address when it subscribed (or a
  // subscription older than the guard): the row goes in as the API once stored it.
  const row = await createWebhookSubscription(db, {
    url: `http://localhost:${new URL(loopback.url).port}/hook`,
    secret: 'guard-secret-0123456789',
    events: ['complaint.opened'],
  });
  created.push(row.id);

  const { complaintNo } = (await openComplaint()).body.complaint;
  const mine = async () => {
    const r = await call('GET', `/webhooks/${row.id}/deliveries?limit=100`, { as: 'admin' });
    return (r.body.items as Array<{ notificationKey: string; delivered: boolean; statusCode: number | null; error: string | null }>).filter((d) =>
      d.notificationKey.startsWith(`${complaintNo}#`),
    );
  };
  const [refused] = await eventually('the refused delivery', async () => ((await mine()).length ? mine() : undefined));
  expect(refused).toMatchObject({
    delivered: false,
    statusCode: null,
    error: 'refused: localhost resolves to 127.0.0.1, a loopback address; webhooks go to public addresses unless WEBHOOK_ALLOWED_HOSTS names it',
  });

  // The message went on: done, or retried for some other subscriber that failed; either
  // way this one was not asked again.
  await eventually('the webhook notification done or retried', async () => {
    const r = await call('GET', `/notifications?complaintNo=${complaintNo}&channel=webhook`, { as: 'agent' });
    return r.body.items.find((n: { status: string; attempts: number }) => n.status === 'sent' || n.attempts >= 2);
  });
  expect(await mine()).toHaveLength(1);
  expect(loopback.received).toHaveLength(0);
});

describe('pinning: the POST connects to the address the check approved', () => {
  // An event nothing else raises: the stack's own worker never sends to these subscribers.
  const EVENT = 'test.dns-pinning' as NotificationEvent;
  const NAME = 'hooks.example.test'; // resolved by no system DNS: only the test's resolver knows it
  const port = () => new URL(pinned.url).port;
  const mine: number[] = [];

  async function subscriber(path: string) {
    const row = await createWebhookSubscription(db, { url: `http://${NAME}:${port()}${path}`, secret: 'pin-secret-0123456789', events: [EVENT] });
    created.push(row.id);
    mine.push(row.id);
    return row;
  }

  // Each test's resolver counts the lookups of its own subscriber only.
  afterEach(async () => {
    if (mine.length)
      await db
        .update(webhookSubscriptions)
        .set({ active: false })
        .where(inArray(webhookSubscriptions.id, mine.splice(0)));
  });

  /** One delivery attempt of a new message; what was logged for `subscriptionId`. */
  async function deliver(gateway: Gateway, subscriptionId: number) {
    const m: OutgoingMessage = {
      key: `dns-pin-${randomUUID()}`,
      channel: 'webhook',
      recipient: WEBHOOK_SUBSCRIBERS,
      event: EVENT,
      locale: 'en',
      subject: 'pinning',
      text: 'pinning',
      vars: {},
      createdAt: new Date(Date.now() + 1000),
    };
    // Other tests' '*' subscribers may fail; only this one's log counts.
    await gateway.send(m, { db }).catch(() => undefined);
    const where = and(eq(webhookDeliveries.subscriptionId, subscriptionId), eq(webhookDeliveries.notificationKey, m.key));
    return { key: m.key, log: await db.select().from(webhookDeliveries).where(where) };
  }

  /** Answers NAME from `answers` (one per call, the last repeated); other names as the system does. */
  function resolver(answers: string[][]) {
    const asked: string[][] = [];
    const resolve: Resolve = async (host) => {
      if (host !== NAME) return systemResolve(host);
      const answer = answers[Math.min(asked.length, answers.length - 1)]!;
      asked.push(answer);
      return answer;
    };
    return { resolve, asked };
  }

  test('a name the resolver answers 127.0.0.1 for is POSTed to there (not looked up again), with its Host header and HMAC', async () => {
    const sub = await subscriber('/pinned');
    const { resolve, asked } = resolver([['127.0.0.1']]);
    const gateway = createWebhookGateway({ timeoutMs: 5000, allowedTargets: parseAllowedTargets(`127.0.0.1:${port()}`), resolve });
    const { key, log } = await deliver(gateway, sub.id);
    expect(log).toMatchObject([{ attempt: 1, delivered: true, statusCode: 200, error: null }]);
    expect(asked).toEqual([['127.0.0.1']]);
    const [got, ...more] = pinned.received.filter((r) => r.headers['x-casework-delivery'] === key);
    expect(more).toHaveLength(0);
    expect(got).toMatchObject({ method: 'POST', path: '/pinned', headers: { host: `${NAME}:${port()}`, 'x-casework-event': EVENT } });
    const ts = String(got!.headers['x-casework-timestamp']);
    expect(got!.headers['x-casework-signature']).toBe(`sha256=${createHmac('sha256', sub.secret).update(`${ts}.${got!.raw}`).digest('hex')}`);
  });

  test('a resolver that answers an allowed address, then a refused one: one lookup per attempt, and never a connection to the refused one', async () => {
    // Something listening on the refused address, same port, that counts connections.
    let refusedConnections = 0;
    const refused = http.createServer((_req, res) => res.end());
    refused.on('connection', () => refusedConnections++);
    await new Promise<void>((done) => refused.listen(Number(port()), '127.0.0.3', done));
    try {
      expect((refused.address() as AddressInfo).port).toBe(Number(port()));
      const sub = await subscriber('/rebound');
      const { resolve, asked } = resolver([['127.0.0.1'], ['127.0.0.3']]);
      const gateway = createWebhookGateway({ timeoutMs: 5000, allowedTargets: parseAllowedTargets(`127.0.0.1:${port()}`), resolve });

      const first = await deliver(gateway, sub.id);
      expect(first.log).toMatchObject([{ delivered: true, statusCode: 200 }]);
      expect(asked).toEqual([['127.0.0.1']]);
      expect(pinned.received.filter((r) => r.headers['x-casework-delivery'] === first.key)).toHaveLength(1);

      const second = await deliver(gateway, sub.id);
      expect(second.log).toMatchObject([
        { delivered: false, statusCode: null, error: expect.stringMatching(/^refused: hooks\.example\.test resolves to 127\.0\.0\.3, a loopback address/) },
      ]);
      expect(asked).toEqual([['127.0.0.1'], ['127.0.0.3']]);
      expect(refusedConnections).toBe(0);
    } finally {
      await new Promise<void>((done) => refused.close(() => done()));
    }
  });

  test('a name that does not resolve for the check is not left to DNS at connect time: a retryable ENOTFOUND', async () => {
    await expect(postPinned(`http://${NAME}:${port()}/x`, [], {}, '{}', 5000)).rejects.toMatchObject({
      message: `http://${NAME}:${port()}: ENOTFOUND`,
      retryable: true,
    });
  });

  test('as fetchWithTimeout did: a timeout is a retryable error, and a redirect is not followed', async () => {
    // /slow is never answered; /moved redirects to the pinned receiver.
    const other = http.createServer((req, res) => {
      if (req.url === '/moved') res.writeHead(302, { location: `${pinned.url}/followed` }).end();
    });
    await new Promise<void>((done) => other.listen(0, '127.0.0.1', done));
    const origin = `http://${NAME}:${(other.address() as AddressInfo).port}`;
    try {
      await expect(postPinned(`${origin}/slow`, ['127.0.0.1'], {}, '{}', 300)).rejects.toMatchObject({
        message: `${origin}: timed out after 300 ms`,
        retryable: true,
      });
      expect(await postPinned(`${origin}/moved`, ['127.0.0.1'], {}, '{}', 5000)).toBe(302);
      expect(pinned.received.filter((r) => r.path === '/followed')).toHaveLength(0);
    } finally {
      other.closeAllConnections();
      await new Promise<void>((done) => other.close(() => done()));
    }
  });
});
