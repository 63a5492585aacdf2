// A customer's reschedule request as the case workflow hears of it, on the time-skipping
// server with the real activities (duty routing, the engineer's contact, sendNotification
// through a local SMS receiver) and the test stack's PostgreSQL: the engineer and the
// dispatcher on duty are told once however often the Update comes, the timeline names
// them; a decline texts the customer; a case with nobody to tell records that.
import { and, eq, inArray, like } from 'drizzle-orm';
import { receiverNotifications } from '../support/testNotifications';
import { createDatabase, type Database } from '../../db/client';
import { notifications } from '../../db/schema';
import type { Actor } from '../../domain';
import * as defs from '../../workflows/definitions';
import { eventsOf, stageIs, startCaseTestEnv, type CaseTestEnv } from '../support/caseTestEnv';
import { eventually } from '../support/http';
import { futureSlot } from '../support/fixtures';
import { addPerson, addShift } from '../support/organisation';
import { startHttpReceiver, type HttpReceiver, type Received } from '../support/receivers';
import { createEngineers, uniqueRegion } from '../support/roster';
import { stackInfo } from '../support/stackInfo';

const dispatcher: Actor = { role: 'dispatcher', subject: 'D01' };
const supervisor: Actor = { role: 'supervisor', subject: 'S01' };
const customer = (caseNo: string): Actor => ({ role: 'customer', subject: caseNo });
let t: CaseTestEnv;
let gateway: HttpReceiver;
let db: Database;

beforeAll(async () => {
  gateway = await startHttpReceiver();
  db = createDatabase(stackInfo().databaseUrl);
  t = await startCaseTestEnv('reschedule-requests-test', (real) => ({
    ...real,
    ...receiverNotifications(db, gateway.url),
  }));
});
afterEach(() => t.endTest());
afterAll(async () => {
  await t?.close();
  await gateway?.close();
  await db?.$client.end();
});

const sms = (caseNo: string, event: string): Received[] =>
  gateway.received.filter((r) => r.path === '/sms' && r.body?.caseNo === caseNo && r.body?.event === event);

function settled<T>(probe: () => T[] | Promise<T[]>, count: number, what: string): Promise<T[]> {
  return eventually(
    what,
    async () => {
      const got = await probe();
      return got.length >= count ? got : undefined;
    },
    20_000,
    50,
  );
}

test('the engineer and the dispatcher on duty are told once, with the windows in service time; a decline texts the customer', async () => {
  const region = uniqueRegion('RS');
  const duty = await addPerson(t.db, {
    id: `${region}-D`,
    name: 'Ann Duty',
    roles: ['dispatcher'],
    regions: [region],
    preferredChannel: 'sms',
    language: 'en',
  });
  await addShift(t.db, duty.id, 'dispatcher', region);
  const engineerId = `${region}-E`;
  await createEngineers(t.db, [{ id: engineerId, name: '赵工', phone: '+86 137 3333 5555', regions: [region], skills: [] }]);
  // Someone else whose person id is the engineer's id: the engineer's messages are not theirs.
  await addPerson(t.db, { id: engineerId, roles: ['agent'] });
  const { caseNo, handle } = await t.openCase({ priority: 'P3' }, { name: '陈静', phone: '+86 139 2222 7777', region });
  await stageIs(handle, 'manual_dispatch');
  await handle.executeUpdate(defs.assignEngineer, { args: [dispatcher, { engineerId }] });
  await handle.executeUpdate(defs.recordContact, { args: [supervisor, { confirmedAddress: 'x', diagnosis: 'y', partsToBring: [] }] });
  await handle.executeUpdate(defs.bookAppointment, { args: [dispatcher, futureSlot()] });

  const notice = { requestId: 9001, windows: [{ start: '2031-03-03T01:00:00.000Z', end: '2031-03-03T03:00:00.000Z' }], reason: '出差' };
  // Twice, under different Update ids: the handler itself tells nobody twice.
  for (const id of ['a', 'b']) await handle.executeUpdate(defs.rescheduleRequested, { args: [customer(caseNo), notice], updateId: `rs-${id}` });

  const [toEngineer] = await settled(() => sms(caseNo, 'engineer.reschedule_requested'), 1, 'engineer SMS');
  const [toDispatcher] = await settled(() => sms(caseNo, 'reschedule.requested'), 1, 'dispatcher SMS');
  expect([toEngineer!.body.to, toEngineer!.body.locale]).toEqual(['+86 137 3333 5555', 'zh-CN']);
  expect(toEngineer!.body.text).toContain('可选时段：2031-03-03 09:00–11:00 (UTC+8)；原因：出差');
  expect([toDispatcher!.body.to, toDispatcher!.body.locale]).toEqual([duty.phone, 'en']);
  expect(toDispatcher!.body.text).toContain(
    `to one of: 2031-03-03 09:00–11:00 (UTC+8). Reason: 出差. Decide in dispatch: POST /reschedule-requests/9001/accept`,
  );

  await handle.executeUpdate(defs.rescheduleDeclined, { args: [dispatcher, { requestId: 9001, reason: 'no engineer free then' }] });
  const [declined] = await settled(() => sms(caseNo, 'reschedule.declined'), 1, 'customer SMS');
  expect([declined!.body.to, declined!.body.locale]).toEqual(['+86 139 2222 7777', 'zh-CN']);
  expect(declined!.body.text).toMatch(/原因：no engineer free then。原预约不变；如需帮助请致电客服热线 \S+。/);

  const events = await settled(async () => (await eventsOf(t.db, caseNo)).filter((e) => e.type.startsWith('reschedule.')), 2, 'timeline');
  expect(events.map((e) => [e.type, e.actorRole, (e.data as { notified: unknown }).notified])).toEqual([
    [
      'reschedule.requested',
      'customer',
      [
        { role: 'engineer', personId: engineerId, name: '赵工', via: 'named', channel: 'sms', engineerId },
        { role: 'dispatcher', personId: duty.id, name: 'Ann Duty', via: 'shift', channel: 'sms' },
      ],
    ],
    ['reschedule.declined', 'dispatcher', [{ role: 'customer', channel: 'sms', template: 'reschedule.declined', language: 'zh-CN' }]],
  ]);
  // Each row names the person it was for: the dispatcher on duty; not the engineer, who
  // has no linked person (their contact's personId is the engineer's own id); not the customer.
  const rows = await db
    .select({ event: notifications.event, personId: notifications.personId })
    .from(notifications)
    .where(and(eq(notifications.caseNo, caseNo), like(notifications.event, '%reschedule%')));
  expect(rows.map((r) => [r.event, r.personId]).sort()).toEqual([
    ['engineer.reschedule_requested', null],
    ['reschedule.declined', null],
    ['reschedule.requested', duty.id],
  ]);
  await new Promise((r) => setTimeout(r, 300));
  expect([sms(caseNo, 'engineer.reschedule_requested').length, sms(caseNo, 'reschedule.requested').length, sms(caseNo, 'reschedule.declined').length]).toEqual([
    1, 1, 1,
  ]);
});

test('an engineer with a linked person: the request is written for that person, in their language', async () => {
  const region = uniqueRegion('RS');
  const engineerId = `${region}-E`;
  const person = await addPerson(t.db, { id: `P-${engineerId}`, roles: ['engineer'], language: 'en', preferredChannel: 'sms' });
  await createEngineers(t.db, [{ id: engineerId, name: 'Li Gong', phone: '+86 137 3333 6666', regions: [region], skills: [], personId: person.id }]);
  const { caseNo, handle } = await t.openCase({ priority: 'P3' }, { region });
  await stageIs(handle, 'manual_dispatch');
  await handle.executeUpdate(defs.assignEngineer, { args: [dispatcher, { engineerId }] });
  await handle.executeUpdate(defs.recordContact, { args: [supervisor, { confirmedAddress: 'x', diagnosis: 'y', partsToBring: [] }] });
  await handle.executeUpdate(defs.bookAppointment, { args: [dispatcher, futureSlot()] });
  const notice = { requestId: 9003, windows: [{ start: '2031-03-05T01:00:00.000Z', end: '2031-03-05T03:00:00.000Z' }], reason: 'away' };
  await handle.executeUpdate(defs.rescheduleRequested, { args: [customer(caseNo), notice] });
  const [toEngineer] = await settled(() => sms(caseNo, 'engineer.reschedule_requested'), 1, 'engineer SMS');
  // The engineer's own phone, their person's language; the row names the person.
  expect([toEngineer!.body.to, toEngineer!.body.locale]).toEqual(['+86 137 3333 6666', 'en']);
  const rows = await db
    .select({ event: notifications.event, personId: notifications.personId })
    .from(notifications)
    .where(and(eq(notifications.caseNo, caseNo), inArray(notifications.event, ['engineer.case_assigned', 'engineer.reschedule_requested'])));
  expect(rows.map((r) => [r.event, r.personId]).sort()).toEqual([
    ['engineer.case_assigned', person.id],
    ['engineer.reschedule_requested', person.id],
  ]);
  await handle.executeUpdate(defs.cancelCase, { args: [dispatcher, { reason: 'test done' }] });
});

test('a case without an engineer in a region nobody covers: the timeline says nobody was told; a closed case refuses the Update', async () => {
  const region = uniqueRegion('RS');
  const { caseNo, handle } = await t.openCase({ priority: 'P3' }, { region });
  await stageIs(handle, 'manual_dispatch');
  const notice = { requestId: 9002, windows: [{ start: '2031-03-04T01:00:00.000Z', end: '2031-03-04T03:00:00.000Z' }], reason: 'away' };
  await handle.executeUpdate(defs.rescheduleRequested, { args: [customer(caseNo), notice] });
  const [event] = await settled(async () => (await eventsOf(t.db, caseNo)).filter((e) => e.type === 'reschedule.requested'), 1, 'timeline');
  const notified = (event!.data as { notified: Array<{ role: string; via: string }> }).notified;
  expect(notified.map((n) => [n.role, n.via])).toEqual([['dispatcher', expect.stringMatching(/none|global_fallback/)]]);

  await handle.executeUpdate(defs.cancelCase, { args: [dispatcher, { reason: 'test done' }] });
  await expect(handle.executeUpdate(defs.rescheduleDeclined, { args: [dispatcher, { requestId: 9002, reason: 'x' }] })).rejects.toThrow();
});
