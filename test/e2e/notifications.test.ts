// Notifications end to end on the test stack: a workflow (this file's worker, its own
// task queue) calls notify(); the stack's worker runs sendNotification through the
// launcher's local SMTP capture and SMS receiver, and POSTs to a webhook subscriber
// registered through the admin API. /dev/outbox, /notifications and the delivery log
// show what happened.
import { createHmac } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { notificationKey, WEBHOOK_SUBSCRIBERS, type NotificationRequest } from '../../domain/notifications';
import { maskPhone } from '../../domain';
import { testCaseNo } from '../support/fixtures';
import { call } from '../support/http';
import { startHttpReceiver, type HttpReceiver } from '../support/receivers';
import { ALLOWED_WEBHOOK_HOST } from '../support/stackInfo';
import { stackInfo } from '../support/stackInfo';
import { notifyTwice } from '../workflows/support/notifyWorkflows';
import { testClient, testDataConverter } from '../support/payloadKeys';

const TASK_QUEUE = `notify-e2e-${Date.now()}`;
let subscriber: HttpReceiver;
let nativeConnection: NativeConnection;
let connection: Connection;
let client: Client;
let worker: Worker;
let running: Promise<void>;

beforeAll(async () => {
  const info = stackInfo();
  subscriber = await startHttpReceiver(ALLOWED_WEBHOOK_HOST);
  nativeConnection = await NativeConnection.connect({ address: info.temporalAddress });
  connection = await Connection.connect({ address: info.temporalAddress });
  client = testClient(connection);
  worker = await Worker.create({
    dataConverter: testDataConverter(),
    connection: nativeConnection,
    taskQueue: TASK_QUEUE,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows/support/notifyWorkflows') }),
  });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await nativeConnection?.close();
  await connection?.close();
  await subscriber?.close();
});

describe('webhook admin API', () => {
  test('validation, roles, list without secrets, deactivate, 404', async () => {
    expect((await call('POST', '/webhooks', { as: null, body: { url: 'https://crm.example.com/h', events: ['*'] } })).status).toBe(401);
    expect((await call('POST', '/webhooks', { as: 'agent', body: { url: 'https://crm.example.com/h', events: ['*'] } })).status).toBe(403);
    expect((await call('GET', '/webhooks', { as: 'ops' })).status).toBe(403);

    for (const body of [
      { url: 'not a url', events: ['*'] },
      { url: 'ftp://crm.example.com/h', events: ['*'] },
      { url: 'https://crm.example.com/h', events: ['no.such.event'] },
      { url: 'https://crm.example.com/h', events: [] },
      { url: 'https://crm.example.com/h', events: ['*'], secret: 'short' },
      { url: 'https://crm.example.com/h', events: ['*'], extra: 1 },
    ]) {
      const r = await call('POST', '/webhooks', { as: 'admin', body });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('validation_failed');
    }
    const bad = await call('POST', '/webhooks', { as: 'admin', body: { url: 'not a url', events: ['*'] } });
    expect(bad.body.error.fields[0].path).toBe('body.url');

    const created = await call('POST', '/webhooks', {
      as: 'admin',
      body: { url: 'https://crm.example.com/hooks/casework', events: ['case.opened', 'sla.escalation'] },
    });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    const id = created.body.webhook.id as number;
    expect(created.body.webhook).toMatchObject({ url: 'https://crm.example.com/hooks/casework', events: ['case.opened', 'sla.escalation'], active: true });

    const list = await call('GET', '/webhooks', { as: 'admin' });
    expect(list.status).toBe(200);
    expect(list.body.items.some((w: { id: number }) => w.id === id)).toBe(true);
    expect(JSON.stringify(list.body)).not.toContain(created.body.secret);
    expect(JSON.stringify(list.body)).not.toContain('"secret"');

    const deleted = await call('DELETE', `/webhooks/${id}`, { as: 'admin' });
    expect(deleted.status).toBe(200);
    expect(deleted.body.webhook.active).toBe(false);
    expect((await call('GET', '/webhooks', { as: 'admin' })).body.items.some((w: { id: number }) => w.id === id)).toBe(false);
    expect((await call('GET', '/webhooks?includeInactive=true', { as: 'admin' })).body.items.some((w: { id: number }) => w.id === id)).toBe(true);

    expect((await call('DELETE', '/webhooks/999999999', { as: 'admin' })).status).toBe(404);
    expect((await call('GET', '/webhooks/999999999/deliveries', { as: 'admin' })).status).toBe(404);
    expect((await call('GET', '/webhooks/abc/deliveries', { as: 'admin' })).status).toBe(400);
    expect((await call('GET', `/webhooks/${id}/deliveries?cursor=bogus`, { as: 'admin' })).status).toBe(400);
  });

  test('the routes are in the OpenAPI document', async () => {
    const doc = await call('GET', '/openapi.json', { as: null });
    for (const path of ['/webhooks', '/webhooks/{id}', '/webhooks/{id}/deliveries', '/notifications', '/dev/outbox']) {
      expect(doc.body.paths[path]).toBeDefined();
    }
  });
});

describe('notifications through the stack', () => {
  test('e-mail, SMS and a signed webhook from a workflow; /dev/outbox, /notifications and the delivery log show them', async () => {
    const caseNo = testCaseNo();
    const secret = 'e2e-subscriber-secret-0123456789';
    const sub = await call('POST', '/webhooks', { as: 'admin', body: { url: `${subscriber.url}/crm`, events: ['complaint.opened'], secret } });
    expect(sub.status).toBe(201);
    expect(sub.body.secret).toBe(secret);
    const subId = sub.body.webhook.id as number;

    const email = `wang.${caseNo.toLowerCase()}@example.com`;
    const requests: NotificationRequest[] = [
      {
        key: notificationKey(caseNo, 'case.opened', email, 'email'),
        channel: 'email',
        recipient: email,
        event: 'case.opened',
        locale: 'en',
        vars: { caseNo, customerName: 'Wang', product: 'washing machine XQG-80' },
        caseNo,
      },
      {
        key: notificationKey(caseNo, 'case.opened', '+86 138 0013 8000', 'sms'),
        channel: 'sms',
        recipient: '+86 138 0013 8000',
        event: 'case.opened',
        locale: 'zh-CN',
        vars: { caseNo, customerName: '王先生', product: '洗衣机 XQG-80' },
        caseNo,
      },
      {
        key: notificationKey(`CP-${caseNo}`, 'complaint.opened', WEBHOOK_SUBSCRIBERS, 'webhook'),
        channel: 'webhook',
        recipient: WEBHOOK_SUBSCRIBERS,
        event: 'complaint.opened',
        locale: 'zh-CN',
        vars: { complaintNo: `CP-${caseNo}`, customerName: '王先生', acknowledgeBy: '2026-12-01 12:00' },
        caseNo,
        complaintNo: `CP-${caseNo}`,
      },
    ];

    const result = await client.workflow.execute(notifyTwice, {
      taskQueue: TASK_QUEUE,
      workflowId: `notify-e2e-${caseNo}`,
      args: [requests, stackInfo().taskQueue],
    });
    expect(result.first.map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
    expect(result.second.every((r) => 'duplicate' in r && r.duplicate)).toBe(true);

    // The subscriber got one signed POST.
    const posts = subscriber.received.filter((r) => r.headers['x-casework-delivery'] === requests[2]!.key);
    expect(posts).toHaveLength(1);
    const ts = String(posts[0]!.headers['x-casework-timestamp']);
    expect(posts[0]!.headers['x-casework-signature']).toBe(`sha256=${createHmac('sha256', secret).update(`${ts}.${posts[0]!.raw}`).digest('hex')}`);
    expect(posts[0]!.body).toMatchObject({ event: 'complaint.opened', complaintNo: `CP-${caseNo}`, subject: `您的投诉 CP-${caseNo} 已受理` });

    const deliveries = await call('GET', `/webhooks/${subId}/deliveries?limit=10`, { as: 'admin' });
    expect(deliveries.status).toBe(200);
    expect(deliveries.body.items).toEqual([
      expect.objectContaining({ notificationKey: requests[2]!.key, attempt: 1, statusCode: 200, delivered: true, error: null }),
    ]);
    expect(deliveries.body.nextCursor).toBeNull();

    // /dev/outbox: what the local SMTP capture and SMS receiver got, plus the rows.
    expect((await call('GET', '/dev/outbox', { as: 'agent' })).status).toBe(403);
    const outbox = await call('GET', '/dev/outbox', { as: 'ops' });
    expect(outbox.status).toBe(200);
    const mails = outbox.body.emails.filter((m: { key: string }) => m.key === requests[0]!.key);
    expect(mails).toHaveLength(1);
    // Masked even here: the outbox shows real customers' messages whenever dev data is real.
    expect(mails[0]).toMatchObject({ to: 'w***@example.com', envelopeTo: ['w***@example.com'], subject: `Service case ${caseNo} received`, duplicate: false });
    expect(mails[0].text).toContain('Dear Wang, your service request (washing machine XQG-80)');
    const texts = outbox.body.sms.filter((s: { idempotencyKey: string }) => s.idempotencyKey === requests[1]!.key);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatchObject({ to: '+86138****8000', event: 'case.opened', locale: 'zh-CN', duplicate: false });
    expect(JSON.stringify(outbox.body)).not.toMatch(/138 0013 8000|wang\.cs-/i);
    expect(texts[0].text).toContain(`工单号 ${caseNo}`);
    expect(outbox.body.notifications.filter((n: { caseNo: string }) => n.caseNo === caseNo)).toHaveLength(3);

    // /notifications: the table's state, recipients masked.
    expect((await call('GET', '/notifications', { as: 'engineerE001' })).status).toBe(403);
    const listed = await call('GET', `/notifications?caseNo=${caseNo}&status=sent&limit=2`, { as: 'agent' });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toHaveLength(2);
    expect(listed.body.nextCursor).not.toBeNull();
    const rest = await call('GET', `/notifications?caseNo=${caseNo}&status=sent&limit=2&cursor=${listed.body.nextCursor}`, { as: 'agent' });
    const all = [...listed.body.items, ...rest.body.items];
    expect(all.map((n) => n.channel).sort()).toEqual(['email', 'sms', 'webhook']);
    for (const n of all) expect(n).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
    const byChannel = Object.fromEntries(all.map((n) => [n.channel, n]));
    expect(byChannel.sms.recipient).toBe(maskPhone('+86 138 0013 8000'));
    expect(byChannel.sms.recipient).not.toContain('0013');
    expect(byChannel.email.recipient).toBe(`w***@example.com`);
    expect((await call('GET', `/notifications?status=bogus`, { as: 'agent' })).status).toBe(400);

    expect((await call('DELETE', `/webhooks/${subId}`, { as: 'admin' })).status).toBe(200);
  });
});
