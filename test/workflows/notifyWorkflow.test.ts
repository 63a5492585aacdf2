// notify() from a workflow on the time-skipping server, with the real sendNotification
// activity (test stack's PostgreSQL) and a real local HTTP server playing an SMS gateway
// that answers 503 for a while, then recovers: every message arrives exactly once.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { inArray } from 'drizzle-orm';
import { createWebhookGateway } from '../../activities/gateways';
import { receiverNotifications } from '../support/testNotifications';
import { createDatabase, type Database } from '../../db/client';
import { notifications } from '../../db/schema';
import { notificationKey, type NotificationRequest } from '../../domain/notifications';
import { testCaseNo } from '../support/fixtures';
import { startHttpReceiver, type HttpReceiver } from '../support/receivers';
import { stackInfo } from '../support/stackInfo';
import { createTimeSkippingEnv } from '../support/timeSkipping';
import { notifyTwice } from './support/notifyWorkflows';
import { parseAllowedTargets } from '../../shared/webhookTargets';
import { testDataConverter } from '../support/payloadKeys';

const TASK_QUEUE = 'notify-workflow-test';
let env: TestWorkflowEnvironment;
let db: Database;
let gateway: HttpReceiver;
let worker: Worker;
let running: Promise<void>;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  db = createDatabase(stackInfo().databaseUrl);
  gateway = await startHttpReceiver();
  const activities = receiverNotifications(db, gateway.url, createWebhookGateway({ allowedTargets: parseAllowedTargets('127.0.0.1') }));
  worker = await Worker.create({
    dataConverter: testDataConverter(),
    connection: env.nativeConnection,
    taskQueue: TASK_QUEUE,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('./support/notifyWorkflows') }),
    activities,
  });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
  await gateway?.close();
  await db?.$client.end();
});

test('an SMS gateway outage delays the messages; each arrives exactly once; the table shows the retries', async () => {
  const caseNo = testCaseNo();
  const phones = ['13800000011', '13800000012', '13800000013', '13800000014', '13800000015'];
  const requests: NotificationRequest[] = phones.map((phone, i) => ({
    key: notificationKey(caseNo, 'appointment.reminder', phone, 'sms'),
    channel: 'sms',
    recipient: phone,
    event: 'appointment.reminder',
    locale: i % 2 ? 'en' : 'zh-CN',
    vars: { caseNo, engineerName: '李工', start: '2026-12-01 09:00' },
    caseNo,
  }));

  // Down for the first 12 requests (every message fails at least twice), then up.
  let refused = 0;
  gateway.respond = (_r, n) => (refused < 12 ? (refused++, { status: 503, body: { error: 'maintenance' } }) : { status: 200, body: { id: `sms-${n}` } });

  const result = await env.client.workflow.execute(notifyTwice, {
    taskQueue: TASK_QUEUE,
    workflowId: `notify-outage-${caseNo}`,
    args: [requests],
  });

  expect(refused).toBe(12);
  expect(result.first.map((r) => r.status)).toEqual(phones.map(() => 'sent'));
  expect(result.first.every((r) => 'duplicate' in r && !r.duplicate)).toBe(true);
  // The second round (a replayed step, a duplicate signal) sends nothing.
  expect(result.second.every((r) => 'duplicate' in r && r.duplicate)).toBe(true);

  const keys = requests.map((r) => r.key);
  const accepted = gateway.received.filter((g) => keys.includes(String(g.headers['idempotency-key'])));
  expect(accepted.map((g) => g.body.to).sort()).toEqual([...phones].sort());
  expect(accepted[0]!.body.text).toMatch(/李工/);

  const rows = await db.select().from(notifications).where(inArray(notifications.key, keys));
  expect(rows).toHaveLength(5);
  for (const row of rows) {
    expect(row.status).toBe('sent');
    expect(row.attempts).toBeGreaterThan(1);
    expect(row.lastError).toBeNull();
    expect(row.providerMessageId).toMatch(/^sms-\d+$/);
  }
  expect(rows.reduce((n, r) => n + r.attempts, 0)).toBe(12 + 5);
});

test('a refused message (missing template variables) resolves to failed without failing the workflow', async () => {
  const caseNo = testCaseNo();
  const bad: NotificationRequest = {
    key: notificationKey(caseNo, 'quote.awaiting_approval', '13800000016', 'sms'),
    channel: 'sms',
    recipient: '13800000016',
    event: 'quote.awaiting_approval',
    locale: 'en',
    vars: { caseNo },
    caseNo,
  };
  const result = await env.client.workflow.execute(notifyTwice, { taskQueue: TASK_QUEUE, workflowId: `notify-refused-${caseNo}`, args: [[bad]] });
  expect(result.first[0]).toMatchObject({ status: 'failed', key: bad.key });
  expect((result.first[0] as { error: string }).error).toMatch(/needs .*amount/);
});
