// The webhook SSRF guard through the stack: subscriptions to non-public addresses are
// refused (422, nothing stored) unless WEBHOOK_ALLOWED_HOSTS names them, and a
// subscriber whose name resolves to loopback when a message goes out is refused then,
// recorded once as a failed delivery and not retried. No outside network here: the
// "public-looking" name is `localhost` from /etc/hosts.
import { createDatabase, type Database } from '../../db/client';
import { createWebhookSubscription } from '../../db/queries/notifications';
import { call, eventually, idempotencyKey } from '../support/http';
import { startHttpReceiver, type HttpReceiver } from '../support/receivers';
import { ALLOWED_WEBHOOK_HOST, stackInfo } from '../support/stackInfo';

let db: Database;
let loopback: HttpReceiver;
let allowed: HttpReceiver;
const created: number[] = [];

beforeAll(async () => {
  db = createDatabase(stackInfo().databaseUrl, { max: 2 });
  [loopback, allowed] = await Promise.all([startHttpReceiver('127.0.0.1'), startHttpReceiver(ALLOWED_WEBHOOK_HOST)]);
});

afterAll(async () => {
  // Other tests' messages must not go to these subscribers.
  for (const id of created) await call('DELETE', `/webhooks/${id}`, { as: 'admin' });
  await Promise.all([loopback?.close(), allowed?.close()]);
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
