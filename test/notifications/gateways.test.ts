// sendNotification against real local servers (an SMTP server, an HTTP server playing
// the SMS gateway and webhook subscribers) and the test stack's PostgreSQL.
import { createHmac } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { eq, inArray } from 'drizzle-orm';
import { createEmailGateway, createSmsGateway, createWebhookGateway, gatewaysFromConfig, messageIdFor, type Gateways } from '../../activities/gateways';
import { createNotificationActivities } from '../../activities/notifications';
import { createDatabase, type Database } from '../../db/client';
import { upsertPerson } from '../../db/queries/people';
import { notifications, webhookDeliveries, webhookSubscriptions } from '../../db/schema';
import { notificationKey, renderNotification, WEBHOOK_SUBSCRIBERS, type NotificationRequest } from '../../domain/notifications';
import { testCaseNo } from '../support/fixtures';
import { startHttpReceiver, startSmtpReceiver, type HttpReceiver, type SmtpReceiver } from '../support/receivers';
import { stackInfo } from '../support/stackInfo';
import { parseAllowedTargets } from '../../shared/webhookTargets';

const FROM = 'casework <service@casework.test>';
let db: Database;
let smtp: SmtpReceiver;
let sms: HttpReceiver;
let hooks: HttpReceiver;
let gateways: Gateways;
let send: ReturnType<typeof createNotificationActivities>['sendNotification'];
const subscriptionIds: number[] = [];

beforeAll(async () => {
  db = createDatabase(stackInfo().databaseUrl, { max: 12 });
  [smtp, sms, hooks] = await Promise.all([startSmtpReceiver(), startHttpReceiver(), startHttpReceiver()]);
  gateways = {
    email: createEmailGateway({ url: smtp.url, from: FROM, timeoutMs: 5000 }),
    sms: createSmsGateway({ url: `${sms.url}/v1/messages`, token: 'sms-token-123', timeoutMs: 5000 }),
    webhook: createWebhookGateway({ timeoutMs: 5000, maxAttempts: 3, allowedTargets: parseAllowedTargets('127.0.0.1') }),
  };
  send = createNotificationActivities(db, gateways).sendNotification;
});

afterAll(async () => {
  if (subscriptionIds.length) await db.update(webhookSubscriptions).set({ active: false }).where(inArray(webhookSubscriptions.id, subscriptionIds));
  await Promise.all([smtp?.close(), sms?.close(), hooks?.close()]);
  await db?.$client.end();
});

async function row(key: string) {
  const [r] = await db.select().from(notifications).where(eq(notifications.key, key));
  return r!;
}

async function failure(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

function smsRequest(caseNo: string, phone: string, overrides: Partial<NotificationRequest> = {}): NotificationRequest {
  return {
    key: notificationKey(caseNo, 'engineer.assigned', phone, 'sms'),
    channel: 'sms',
    recipient: phone,
    event: 'engineer.assigned',
    locale: 'zh-CN',
    vars: { caseNo, engineerName: '李工', engineerId: 'E001', eta: '2026-12-01 10:00' },
    caseNo,
    ...overrides,
  };
}

describe('e-mail through SMTP', () => {
  test("the SMTP server receives the message in the customer's language, with a Message-ID derived from the key", async () => {
    const caseNo = testCaseNo();
    const en: NotificationRequest = {
      key: notificationKey(caseNo, 'case.opened', 'Alice@Example.com', 'email'),
      channel: 'email',
      recipient: 'alice@example.com',
      event: 'case.opened',
      locale: 'en',
      vars: { caseNo, customerName: 'Alice', product: 'air conditioner KFR-35GW' },
      caseNo,
    };
    const zh: NotificationRequest = {
      ...en,
      key: notificationKey(caseNo, 'engineer.assigned', 'zhang@example.cn', 'email'),
      recipient: 'zhang@example.cn',
      event: 'engineer.assigned',
      locale: 'zh-CN',
      vars: { caseNo, engineerName: '李工', engineerId: 'E001', eta: '12月1日 10:00' },
    };
    const before = smtp.mails.length;
    const r1 = await send(en);
    const r2 = await send(zh);
    expect(r1).toMatchObject({ status: 'sent', attempts: 1, duplicate: false });
    expect(r2).toMatchObject({ status: 'sent', attempts: 1, duplicate: false });

    const got = smtp.mails.slice(before);
    expect(got).toHaveLength(2);
    const [mailEn, mailZh] = got;
    expect(mailEn!.envelopeTo).toEqual(['alice@example.com']);
    expect(mailEn!.to).toBe('alice@example.com');
    expect(mailEn!.from).toContain('service@casework.test');
    expect(mailEn!.subject).toBe(`Service case ${caseNo} received`);
    expect(mailEn!.text).toBe(
      `Dear Alice, your service request (air conditioner KFR-35GW) has been received as case ${caseNo}. An engineer will contact you shortly.`,
    );
    expect(mailEn!.messageId).toBe(messageIdFor(en.key, FROM));
    expect(mailEn!.headers['x-casework-key']).toBe(en.key);

    expect(mailZh!.subject).toBe(`工单 ${caseNo}：工程师已派单`);
    expect(mailZh!.text).toBe(renderNotification('engineer.assigned', 'zh-CN', zh.vars).text);
    expect(mailZh!.text).toContain('工程师李工（工号 E001）');
    expect(mailZh!.headers['content-language']).toBe('zh-CN');

    const stored = await row(en.key);
    expect(stored).toMatchObject({
      status: 'sent',
      attempts: 1,
      channel: 'email',
      recipient: 'alice@example.com',
      caseNo,
      providerMessageId: messageIdFor(en.key, FROM),
    });
    expect(stored.sentAt).not.toBeNull();
    expect(stored.payload.subject).toBe(mailEn!.subject);
  });

  test('an unreachable SMTP server fails the attempt (retryable) and records the error', async () => {
    const dead = createNotificationActivities(db, { ...gateways, email: createEmailGateway({ url: 'smtp://127.0.0.1:1', from: FROM, timeoutMs: 2000 }) });
    const caseNo = testCaseNo();
    const req: NotificationRequest = {
      key: notificationKey(caseNo, 'case.opened', 'bob@example.com', 'email'),
      channel: 'email',
      recipient: 'bob@example.com',
      event: 'case.opened',
      locale: 'en',
      vars: { caseNo, customerName: 'Bob', product: 'washer' },
      caseNo,
    };
    const err = await failure(dead.sendNotification(req));
    expect(err.nonRetryable).toBe(false);
    expect(await row(req.key)).toMatchObject({ status: 'failed', attempts: 1 });
    expect((await row(req.key)).lastError).toMatch(/ECONNREFUSED|connect/i);
    // The retry (the same activity, a working server) sends it.
    expect(await send(req)).toMatchObject({ status: 'sent', attempts: 2 });
  });
});

describe('SMS through the HTTP gateway', () => {
  test('POSTs JSON with the key in the body and the Idempotency-Key header, bearer token', async () => {
    const caseNo = testCaseNo();
    const req = smsRequest(caseNo, '+86 139 0000 1111');
    const before = sms.received.length;
    const result = await send(req);
    expect(result).toMatchObject({ status: 'sent', attempts: 1, duplicate: false });
    const got = sms.received.slice(before);
    expect(got).toHaveLength(1);
    expect(got[0]!.method).toBe('POST');
    expect(got[0]!.path).toBe('/v1/messages');
    expect(got[0]!.headers['authorization']).toBe('Bearer sms-token-123');
    expect(got[0]!.headers['idempotency-key']).toBe(req.key);
    expect(got[0]!.body).toMatchObject({ idempotencyKey: req.key, to: '+86 139 0000 1111', event: 'engineer.assigned', locale: 'zh-CN', caseNo });
    expect(got[0]!.body.text).toBe(`工单 ${caseNo} 已由工程师李工（工号 E001）负责，预计 2026-12-01 10:00 前与您联系或到达。`);
    expect((await row(req.key)).providerMessageId).toBe(result.providerMessageId);
    expect(result.providerMessageId).toMatch(/^msg-\d+$/);
    // The key carries no phone number.
    expect(req.key).not.toMatch(/1390000|1111/);
  });

  test('the row names the person it is for; an id the directory does not hold names nobody, and the message still goes', async () => {
    const caseNo = testCaseNo();
    const personId = `QA-NP-${caseNo}`;
    await upsertPerson(db, {
      id: personId,
      name: '测试',
      roles: ['engineer'],
      regions: [],
      phone: '13800000010',
      preferredChannel: 'sms',
      language: 'zh-CN',
      active: true,
    });
    const theirs = smsRequest(caseNo, '13800000010', { personId });
    await send(theirs);
    expect((await row(theirs.key)).personId).toBe(personId);
    const unknown = smsRequest(caseNo, '13800000011', { personId: `${personId}-NOBODY` });
    expect(await send(unknown)).toMatchObject({ status: 'sent', duplicate: false });
    expect(await row(unknown.key)).toMatchObject({ status: 'sent', personId: null });
  });

  test('credentials in the URL become HTTP Basic auth', async () => {
    const basic = createNotificationActivities(db, {
      ...gateways,
      sms: createSmsGateway({ url: `${sms.url.replace('http://', 'http://acct:p%40ss@')}/send` }),
    });
    const req = smsRequest(testCaseNo(), '13800138000');
    const before = sms.received.length;
    await basic.sendNotification(req);
    expect(sms.received[before]!.headers['authorization']).toBe(`Basic ${Buffer.from('acct:p@ss').toString('base64')}`);
  });

  test('the same key twice, and five times concurrently, sends one message each', async () => {
    const caseNo = testCaseNo();
    const once = smsRequest(caseNo, '13800000001');
    const before = sms.received.length;
    const a = await send(once);
    const b = await send(once);
    expect(a.duplicate).toBe(false);
    expect(b).toMatchObject({ duplicate: true, status: 'sent', attempts: 1, providerMessageId: a.providerMessageId });

    // A slow gateway widens the race window.
    const respond = sms.respond;
    sms.respond = async (r, n) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return respond(r, n);
    };
    try {
      const concurrent = smsRequest(caseNo, '13800000002');
      const results = await Promise.all(Array.from({ length: 5 }, () => send(concurrent)));
      expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
      expect(new Set(results.map((r) => r.providerMessageId)).size).toBe(1);
      expect((await row(concurrent.key)).attempts).toBe(1);
    } finally {
      sms.respond = respond;
    }
    const got = sms.received.slice(before);
    expect(got.map((g) => g.body.to)).toEqual(['13800000001', '13800000002']);
  });

  test('a 4xx refusal is final (non-retryable); a 503 is retryable; both are recorded', async () => {
    const caseNo = testCaseNo();
    const respond = sms.respond;
    try {
      sms.respond = () => ({ status: 422, body: { error: 'bad number' } });
      const bad = smsRequest(caseNo, '13800000003');
      const e1 = await failure(send(bad));
      expect(e1.nonRetryable).toBe(true);
      expect(await row(bad.key)).toMatchObject({ status: 'failed', attempts: 1 });
      expect((await row(bad.key)).lastError).toContain('422');

      sms.respond = () => ({ status: 503, body: { error: 'maintenance' } });
      const later = smsRequest(caseNo, '13800000004');
      const e2 = await failure(send(later));
      expect(e2.nonRetryable).toBe(false);
      expect(await row(later.key)).toMatchObject({ status: 'failed', attempts: 1 });
    } finally {
      sms.respond = respond;
    }
  });

  test('refused before anything is stored: missing template variables, a bad recipient, an unconfigured channel', async () => {
    const caseNo = testCaseNo();
    const noVars = smsRequest(caseNo, '13800000005', { vars: { caseNo } });
    expect((await failure(send(noVars))).message).toMatch(/needs .*engineerName/);
    const badEmail = { ...smsRequest(caseNo, 'nobody'), channel: 'email' as const, key: notificationKey(caseNo, 'engineer.assigned', 'nobody', 'email') };
    expect((await failure(send(badEmail))).nonRetryable).toBe(true);
    expect(
      await db
        .select()
        .from(notifications)
        .where(inArray(notifications.key, [noVars.key, badEmail.key])),
    ).toEqual([]);

    const unconfigured = createNotificationActivities(db, gatewaysFromConfig({ mailFrom: FROM, timeoutMs: 1000, webhookMaxAttempts: 3 }));
    const req = smsRequest(caseNo, '13800000006');
    const err = await failure(unconfigured.sendNotification(req));
    expect(err.nonRetryable).toBe(true);
    expect(err.message).toContain('SMS_GATEWAY_URL');
    expect(await row(req.key)).toMatchObject({ status: 'failed', lastError: expect.stringContaining('SMS_GATEWAY_URL') });
  });
});

describe('webhooks', () => {
  async function subscribe(path: string, events: string[], secret: string) {
    const [sub] = await db
      .insert(webhookSubscriptions)
      .values({ url: `${hooks.url}${path}`, secret, events })
      .returning();
    subscriptionIds.push(sub!.id);
    return sub!;
  }

  test('each matching subscriber gets one HMAC-signed POST; failures are retried for that subscriber only; every attempt is logged', async () => {
    const crm = await subscribe('/crm', ['sla.escalation'], 'crm-secret-0123456789');
    const all = await subscribe('/all', ['*'], 'all-secret-0123456789');
    const other = await subscribe('/other', ['maintenance.due'], 'other-secret-0123456789');
    const caseNo = testCaseNo();
    const req: NotificationRequest = {
      key: notificationKey(caseNo, 'sla.escalation', WEBHOOK_SUBSCRIBERS, 'webhook'),
      channel: 'webhook',
      recipient: WEBHOOK_SUBSCRIBERS,
      event: 'sla.escalation',
      locale: 'en',
      vars: { caseNo, stage: 'dispatched', deadline: '2026-12-01T10:00:00Z', level: 2, role: 'manager' },
      caseNo,
    };
    // /all fails once.
    let allFailures = 0;
    hooks.respond = (r) => (r.path === '/all' && allFailures++ === 0 ? { status: 500 } : { status: 204 });
    const before = hooks.received.length;

    const err = await failure(send(req));
    expect(err.nonRetryable).toBe(false);
    expect(err.message).toContain(`subscription(s) ${all.id}`);
    expect(await row(req.key)).toMatchObject({ status: 'failed', attempts: 1 });

    const ok = await send(req);
    expect(ok).toMatchObject({ status: 'sent', attempts: 2 });
    expect(ok.providerMessageId).toBe(`delivered:${crm.id},${all.id}`);
    // A third call sends nothing at all.
    expect(await send(req)).toMatchObject({ duplicate: true });

    const got = hooks.received.slice(before).filter((g) => g.headers['x-casework-delivery'] === req.key);
    expect(got.map((g) => g.path).sort()).toEqual(['/all', '/crm']);
    for (const g of got) {
      const secret = g.path === '/crm' ? crm.secret : all.secret;
      const ts = String(g.headers['x-casework-timestamp']);
      const expected = `sha256=${createHmac('sha256', secret).update(`${ts}.${g.raw}`).digest('hex')}`;
      expect(g.headers['x-casework-signature']).toBe(expected);
      expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(60);
      expect(g.headers['x-casework-event']).toBe('sla.escalation');
      expect(g.body).toMatchObject({ id: req.key, event: 'sla.escalation', caseNo, data: req.vars });
      expect(g.body.subject).toBe(`SLA escalation (level 2): case ${caseNo}`);
      // A wrong secret does not verify.
      expect(createHmac('sha256', other.secret).update(`${ts}.${g.raw}`).digest('hex')).not.toBe(expected.slice(7));
    }
    const log = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.notificationKey, req.key)).orderBy(webhookDeliveries.id);
    expect(log.map((l) => [l.subscriptionId, l.attempt, l.statusCode, l.delivered])).toEqual([
      ...[
        [crm.id, 1, 204, true],
        [all.id, 1, 500, false],
      ].sort((a, b) => Number(a[0]) - Number(b[0])),
      [all.id, 2, 204, true],
    ]);
    hooks.respond = () => ({ status: 200 });
    await db
      .update(webhookSubscriptions)
      .set({ active: false })
      .where(inArray(webhookSubscriptions.id, [crm.id, all.id, other.id]));
  });

  test('a subscriber that keeps failing is given up on after maxAttempts; a later subscriber does not get older events', async () => {
    const dead = await subscribe('/dead', ['callback.due'], 'dead-secret-0123456789');
    hooks.respond = (r) => (r.path === '/dead' ? { status: 502 } : { status: 200 });
    const caseNo = testCaseNo();
    const req: NotificationRequest = {
      key: notificationKey(caseNo, 'callback.due', WEBHOOK_SUBSCRIBERS, 'webhook'),
      channel: 'webhook',
      recipient: WEBHOOK_SUBSCRIBERS,
      event: 'callback.due',
      locale: 'zh-CN',
      vars: { subjectNo: caseNo, customerName: '张三', due: '2026-12-02' },
      caseNo,
    };
    await failure(send(req));
    await failure(send(req));
    // Registered after the notification was raised: not a recipient of it.
    const late = await subscribe('/late', ['callback.due'], 'late-secret-0123456789');
    const third = await send(req); // third failed POST to /dead = maxAttempts → abandoned
    expect(third.providerMessageId).toBe(`delivered:- abandoned:${dead.id}`);
    const log = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.notificationKey, req.key));
    expect(log.map((l) => l.subscriptionId)).toEqual([dead.id, dead.id, dead.id]);
    expect(log.some((l) => l.subscriptionId === late.id)).toBe(false);
    await db
      .update(webhookSubscriptions)
      .set({ active: false })
      .where(inArray(webhookSubscriptions.id, [dead.id, late.id]));
    hooks.respond = () => ({ status: 200 });
  });
});
