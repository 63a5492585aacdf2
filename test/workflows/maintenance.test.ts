// The maintenance series (保养提醒) on the time-skipping server with the real activities and
// a local SMS receiver: three cycles of a water purifier (every 6 months) — the first not
// booked (the next counts from its due date), the second booked (the next counts from the
// booking), the third opted out (the series ends). Each cycle is a new run (continue-as-new)
// and every run's history stays small.
import { and, eq } from 'drizzle-orm';
import { createActivities } from '../../activities';
import { receiverNotifications } from '../support/testNotifications';
import { createDatabase, type Database } from '../../db/client';
import { customerLinks, maintenanceReminders } from '../../db/schema';
import { addMonths, seriesInputFor } from '../../domain/maintenance';
import { maintenanceWorkflow } from '../../workflows';
import { verifyCustomerToken } from '../../shared/customerLinks';
import { getMaintenanceState, maintenanceBooked, maintenanceOptOut } from '../../workflows/callbackDefinitions';
import { startCaseTestEnv, type CaseTestEnv } from '../support/caseTestEnv';
import { eventually } from '../support/http';
import { testCaseNo, uniqueSerial } from '../support/fixtures';
import { startHttpReceiver, type HttpReceiver } from '../support/receivers';
import { stackInfo } from '../support/stackInfo';

const DAY = 24 * 60 * 60_000;
const TASK_QUEUE = 'maintenance-test';
const LINK_SECRET = 'maintenance-test-secret-0123456789';
let t: CaseTestEnv;
let db: Database;
let gateway: HttpReceiver;

beforeAll(async () => {
  gateway = await startHttpReceiver();
  db = createDatabase(stackInfo().databaseUrl);
  const sending = receiverNotifications(db, gateway.url);
  const { issueCustomerLink } = createActivities(db, {
    customerLinks: { secret: LINK_SECRET, baseUrl: 'https://service.test', ttlHours: 720 },
  });
  t = await startCaseTestEnv(TASK_QUEUE, (real) => ({ ...real, ...sending, issueCustomerLink }));
});
afterAll(async () => {
  await t?.close();
  await gateway?.close();
  await db?.$client.end();
});

const waitFor = <T>(what: string, read: () => Promise<T | undefined>): Promise<T> => eventually(what, read, 20_000, 50);

test('three cycles, one run each: lapsed, booked, opted out; reminders by SMS ahead of each due date', async () => {
  const caseNo = testCaseNo();
  const serial = uniqueSerial();
  const startedAt = new Date(await t.env.currentTimeMs()).toISOString();
  const input = seriesInputFor({
    caseNo,
    archivedAt: startedAt,
    customer: { name: '孙丽', phone: '+86 131 2222 3333', address: '上海', language: 'zh-CN', tier: 'standard' },
    product: { category: 'water_purifier', model: 'RO-400', serial },
  })!;
  expect([input.intervalMonths, input.leadDays, input.graceDays]).toEqual([6, 14, 30]);
  const handle = await t.env.client.workflow.start(maintenanceWorkflow, { taskQueue: TASK_QUEUE, workflowId: input.seriesId, args: [input] });
  const rowOf = (cycle: number) =>
    waitFor(`cycle ${cycle} reminder sent`, async () => {
      const [r] = await db
        .select()
        .from(maintenanceReminders)
        .where(and(eq(maintenanceReminders.caseNo, caseNo), eq(maintenanceReminders.cycle, cycle)));
      return r?.sentAt ? r : undefined;
    });
  /** The run after `runId` (a new cycle): the series continued as new. */
  const nextRun = (runId: string | undefined) =>
    waitFor('the next run', async () => {
      const d = await handle.describe();
      return d.runId !== runId && d.status.name === 'RUNNING' ? d.runId : undefined;
    });
  const smsCount = () => gateway.received.filter((r) => r.path === '/sms' && r.body?.caseNo === caseNo && r.body?.event === 'maintenance.reminder').length;

  // Cycle 1: due 6 months after the service; the reminder 14 days ahead; not booked.
  const due1 = addMonths(startedAt, 6);
  await t.env.sleep(due1 - 14 * DAY - Date.parse(startedAt) + DAY);
  const r1 = await rowOf(1);
  expect([r1.status, r1.dueAt.getTime(), r1.seriesId]).toEqual(['due', due1, input.seriesId]);
  // On the timer, within the time the reminder's own writes and link take.
  expect(r1.sentAt!.getTime() - (due1 - 14 * DAY)).toBeGreaterThanOrEqual(0);
  expect(r1.sentAt!.getTime() - (due1 - 14 * DAY)).toBeLessThan(5000);
  await waitFor('SMS 1', async () => (smsCount() >= 1 ? true : undefined));
  const sms = gateway.received.find((r) => r.body?.caseNo === caseNo && r.body?.event === 'maintenance.reminder')!;
  expect(sms.body.to).toBe('+86 131 2222 3333');
  expect(sms.body.text).toMatch(
    /^尊敬的孙丽，您的water_purifier RO-400（序列号 .+）将于 \d{4}-\d{2}-\d{2} 到期需要净水器滤芯更换。预约上门或退订提醒：https:\/\/service\.test\/customer\/cases\/.+，或致电客服热线 400-000-0000。$/,
  );
  // The link lasts the booking window (due + 30 days), not the configured 30 days from the
  // reminder (which would end it 16 days after the due date): accepted 29 days after the
  // due date, refused once the window closes.
  const token = /\/customer\/cases\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/.exec(sms.body.text as string)![1]!;
  const closes1 = due1 + 30 * DAY;
  expect(verifyCustomerToken(LINK_SECRET, token, new Date(due1 + DAY))).toMatchObject({ ok: true, subjectNo: caseNo });
  expect(verifyCustomerToken(LINK_SECRET, token, new Date(closes1 - DAY))).toMatchObject({ ok: true, expiresAt: new Date(Math.floor(closes1 / 1000) * 1000) });
  expect(verifyCustomerToken(LINK_SECRET, token, new Date(closes1))).toEqual({ ok: false, reason: 'expired' });
  const links = await db.select().from(customerLinks).where(eq(customerLinks.subjectNo, caseNo));
  expect(links.map((l) => l.expiresAt.getTime())).toEqual([closes1]);
  // Past the 30 days of grace: lapsed, and the next cycle counts from due1.
  await t.env.sleep(45 * DAY);
  await waitFor('cycle 1 lapsed', async () => {
    const [r] = await db.select().from(maintenanceReminders).where(eq(maintenanceReminders.id, r1.id));
    return r!.status === 'lapsed' ? r : undefined;
  });
  const due2 = addMonths(new Date(due1).toISOString(), 6);

  // Cycle 2: booked a day after the reminder; the next cycle counts from the booking.
  await t.env.sleep(due2 - 14 * DAY - (await t.env.currentTimeMs()) + DAY);
  expect((await rowOf(2)).dueAt.getTime()).toBe(due2);
  const bookedAt = new Date(await t.env.currentTimeMs()).toISOString();
  const run2 = (await handle.describe()).runId;
  // An agent opening a case for cycle 1's lapsed reminder does not book cycle 2: the run
  // answers a query after the signal and is still the same run, still waiting.
  await handle.signal(maintenanceBooked, { caseNo: 'CS-20000101-999998', at: bookedAt, via: 'agent', cycle: 1 });
  expect(await handle.query(getMaintenanceState)).toMatchObject({ cycle: 2 });
  expect((await handle.describe()).runId).toBe(run2);
  await handle.signal(maintenanceBooked, { caseNo: 'CS-20000101-999999', at: bookedAt, via: 'link', cycle: 2 });
  await nextRun(run2);
  const due3 = addMonths(bookedAt, 6);

  // Cycle 3: the customer opts out after the reminder; the series ends.
  await t.env.sleep(due3 - 14 * DAY - (await t.env.currentTimeMs()) + DAY);
  const r3 = await rowOf(3);
  expect(r3.dueAt.getTime()).toBe(due3);
  await handle.signal(maintenanceOptOut, { at: new Date(await t.env.currentTimeMs()).toISOString(), via: 'link' });
  expect(await handle.result()).toMatchObject({ status: 'opted_out', cycle: 3 });
  expect((await db.select().from(maintenanceReminders).where(eq(maintenanceReminders.id, r3.id)))[0]!.status).toBe('opted_out');
  expect(smsCount()).toBe(3);

  // Continue-as-new: the last run continued an earlier one, and its history is one cycle long.
  const history = await handle.fetchHistory();
  expect(history.events![0]!.workflowExecutionStartedEventAttributes!.continuedExecutionRunId).toBeTruthy();
  // One cycle: start, opt-out check, reminder row, link, SMS, sent mark, wait, close (~50 events), whatever the cycle number.
  expect(history.events!.length).toBeLessThan(60);
  const desc = await handle.describe();
  expect(desc.runId).not.toBe(handle.firstExecutionRunId);
}, 120_000);
