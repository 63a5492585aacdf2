// The messages the case and aftercare workflows now send, on the time-skipping server
// with the real sendNotification activity, a real local HTTP server as the SMS gateway
// and webhook subscriber, and the test stack's PostgreSQL: the receipt at intake, the
// engineer's contact-window reminder, and aftercare's callback and maintenance messages.
import { and, eq } from 'drizzle-orm';
import { receiverNotifications } from '../support/testNotifications';
import { createDatabase, type Database } from '../../db/client';
import { notifications } from '../../db/schema';
import type { Actor } from '../../domain';
import * as defs from '../../workflows/definitions';
import { ON_TIME_MS, agent, eventsOf, stageIs, startCaseTestEnv, stateOf, until, type CaseTestEnv } from '../support/caseTestEnv';
import { eventually } from '../support/http';
import { futureSlot } from '../support/fixtures';
import { startHttpReceiver, type HttpReceiver, type Received } from '../support/receivers';
import { createEngineers, uniqueRegion } from '../support/roster';
import { stackInfo } from '../support/stackInfo';

const M = 60_000;
const dispatcher: Actor = { role: 'dispatcher', subject: 'D01' };
const engineer: Actor = { role: 'engineer', subject: 'E001' };
let t: CaseTestEnv;
let db: Database;
let gateway: HttpReceiver;

beforeAll(async () => {
  gateway = await startHttpReceiver();
  db = createDatabase(stackInfo().databaseUrl);
  const sending = receiverNotifications(db, gateway.url);
  t = await startCaseTestEnv('case-messages-test', (real) => ({ ...real, ...sending }));
});
afterEach(() => t.endTest());
afterAll(async () => {
  await t?.close();
  await gateway?.close();
  await db?.$client.end();
});

/** SMS the gateway received for a case and event (polls: the outbox sends in the background). */
function smsFor(caseNo: string, event: string, count = 1): Promise<Received[]> {
  return eventually(
    `${count} ${event} SMS for ${caseNo}`,
    async () => {
      const got = gateway.received.filter((r) => r.path === '/sms' && r.body?.caseNo === caseNo && r.body?.event === event);
      return got.length >= count ? got : undefined;
    },
    20_000,
    50,
  );
}

function rowsFor(caseNo: string, event: string, count = 1) {
  return eventually(
    `${count} ${event} notification for ${caseNo}`,
    async () => {
      const rows = await db
        .select()
        .from(notifications)
        .where(and(eq(notifications.caseNo, caseNo), eq(notifications.event, event)));
      return rows.length >= count && rows.every((r) => r.status !== 'queued') ? rows : undefined;
    },
    20_000,
    50,
  );
}

test('intake: the customer gets the receipt by SMS and webhook subscribers get case.opened', async () => {
  const { caseNo } = await t.openCase({ priority: 'P2' }, { name: '王芳', phone: '+86 139 1111 2222' });
  const [sms] = await smsFor(caseNo, 'case.opened');
  expect(sms!.body).toMatchObject({ to: '+86 139 1111 2222', locale: 'zh-CN' });
  expect(sms!.body.text).toBe(`尊敬的王芳，您的报修（air_conditioner KFR-35GW）已受理，工单号 ${caseNo}。我们将尽快安排工程师与您联系。`);
  const rows = await rowsFor(caseNo, 'case.opened', 2);
  expect(rows.map((r) => [r.channel, r.status]).sort()).toEqual([
    ['sms', 'sent'],
    ['webhook', 'sent'],
  ]);
});

test('the engineer gets an SMS 10 min before the contact window lapses, once', async () => {
  const region = uniqueRegion();
  const id = `${region}-C`;
  await createEngineers(t.db, [{ id, name: '赵工', phone: '+86 137 3333 4444', regions: [region], skills: [] }]);
  const { caseNo, handle } = await t.openCase({ priority: 'P3' }, { name: '陈静' });
  await stageIs(handle, 'manual_dispatch');
  await handle.executeUpdate(defs.assignEngineer, { args: [dispatcher, { engineerId: id }] });
  const accepted = Date.parse((await stateOf(handle)).acceptedAt!);
  await t.env.sleep(19 * M);
  expect(gateway.received.filter((r) => r.body?.caseNo === caseNo && r.body?.event === 'contact.reminder')).toEqual([]);
  await t.env.sleep(2 * M);
  const [sms] = await smsFor(caseNo, 'contact.reminder');
  expect(sms!.body.to).toBe('+86 137 3333 4444');
  // The window is 30 min from acceptance, in Shanghai time.
  const lapses = new Date(accepted + 30 * M + 8 * 60 * M).toISOString();
  expect(sms!.body.text).toBe(
    `提醒：请在 ${lapses.slice(0, 10)} ${lapses.slice(11, 16)} (UTC+8) 前联系工单 ${caseNo} 的客户陈静并记录联系结果，逾期工单将改派他人。`,
  );
  // The SMS goes out beside the timeline write: wait for the event too.
  await until(handle, (s) => s.remindersSent.some((k) => k.startsWith('contact.engineer')), 'contact reminder recorded');
  let reminder;
  for (let i = 0; i < 200 && !reminder; i++) {
    reminder = (await eventsOf(t.db, caseNo)).find((e) => e.type === 'reminder.sent');
    if (!reminder) await new Promise((r) => setTimeout(r, 50));
  }
  if (!reminder) throw new Error('no reminder.sent event');
  // On the timer: within the time the step's own writes take.
  expect(reminder.occurredAt.getTime() - accepted - 20 * M).toBeGreaterThanOrEqual(0);
  expect(reminder.occurredAt.getTime() - accepted - 20 * M).toBeLessThan(ON_TIME_MS);
  expect((await rowsFor(caseNo, 'contact.reminder')).map((r) => [r.channel, r.status])).toEqual([['sms', 'sent']]);
  expect(gateway.received.filter((r) => r.body?.caseNo === caseNo && r.body?.event === 'contact.reminder')).toHaveLength(1);
});

test('aftercare: the callback workflow takes over (callback.due is sent by it: callbacks.test.ts)', async () => {
  const { caseNo, handle } = await t.openCase(
    { priority: 'P1' },
    { name: '刘洋', phone: '+86 135 5555 6666' },
    { aftercare: { callbackAfterMinutes: 5, maintenanceAfterDays: 0 } },
  );
  await stageIs(handle, 'manual_dispatch');
  await handle.executeUpdate(defs.assignEngineer, { args: [dispatcher, { engineerId: 'E001' }] });
  await handle.executeUpdate(defs.recordContact, { args: [engineer, { confirmedAddress: 'x', diagnosis: 'y', partsToBring: [] }] });
  await handle.executeUpdate(defs.bookAppointment, { args: [engineer, futureSlot()] });
  await handle.executeUpdate(defs.checkIn, { args: [engineer, {}] });
  await handle.executeUpdate(defs.checkOut, { args: [engineer, { result: 'fixed', resolution: 'ok', partsUsed: [], warrantyDays: 90 }] });
  await handle.executeUpdate(defs.confirmCase, { args: [agent, { rating: 5, fixed: true }] });
  const result = await t.env.client.workflow.getHandle(`aftercare-${caseNo}`).result();
  // No maintenance for this case (interval 0): no series.
  expect(result.maintenanceAt).toBeUndefined();
  expect(Date.parse(result.callbackAt)).toBeGreaterThan(Date.now() - 60 * M);
  const callback = await t.env.client.workflow.getHandle(`callback-${caseNo}`).describe();
  expect(callback.status.name).toBe('RUNNING');
});
