// Engineers on the duty model, on the time-skipping server with the real activities (the
// roster and people in the test stack's PostgreSQL, messages through a real local HTTP
// server as the SMS gateway): offers reach only engineers on shift or starting within
// the offer window, read at the instant of the offer; a booking must fit the engineer's
// hours and the customer's preferred windows unless a dispatcher overrides (recorded);
// the customer's reschedule reaches the engineer, in the language of their person.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { and, eq } from 'drizzle-orm';
import { receiverNotifications } from '../support/testNotifications';
import { createDatabase, type Database } from '../../db/client';
import { notifications } from '../../db/schema';
import type { Actor } from '../../domain';
import type { AppointmentBody } from '../../domain/schemas';
import { FAILURE } from '../../domain/failures';
import * as defs from '../../workflows/definitions';
import { eventsOf, stageIs, startCaseTestEnv, stateOf, type CaseHandle, type CaseTestEnv } from '../support/caseTestEnv';
import { eventually } from '../support/http';
import { addPerson, ALWAYS } from '../support/organisation';
import { startHttpReceiver, type HttpReceiver, type Received } from '../support/receivers';
import { createEngineers, uniqueRegion } from '../support/roster';
import { stackInfo } from '../support/stackInfo';

const MIN = 60_000;
const HOUR = 60 * MIN;
const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];
const dispatcher: Actor = { role: 'dispatcher', subject: 'D01' };
const agentActor: Actor = { role: 'agent', subject: 'A01' };

let t: CaseTestEnv;
let db: Database;
let gateway: HttpReceiver;

beforeAll(async () => {
  gateway = await startHttpReceiver();
  db = createDatabase(stackInfo().databaseUrl);
  const sending = receiverNotifications(db, gateway.url);
  t = await startCaseTestEnv('engineer-duty-test', (real) => ({ ...real, ...sending }));
});
afterEach(() => t.endTest());
afterAll(async () => {
  await t?.close();
  await gateway?.close();
  await db?.$client.end();
});

/** "HH:MM" of an instant in Shanghai (the activities' default time zone). */
const hhmm = (ms: number) => new Date(ms + 8 * HOUR).toISOString().slice(11, 16);

function smsFor(caseNo: string, event: string, count = 1): Promise<Received[]> {
  return eventually(`${count} ${event} SMS for ${caseNo}`, async () => {
    const got = gateway.received.filter((r) => r.path === '/sms' && r.body?.caseNo === caseNo && r.body?.event === event);
    return got.length >= count ? got : undefined;
  });
}

async function ranked(caseNo: string) {
  const e = (await eventsOf(t.db, caseNo)).find((x) => x.type === 'dispatch.ranked')!;
  const data = e.data as { candidates: Array<{ engineerId: string }>; filteredOut: Record<string, string[]> };
  return { at: e.occurredAt.getTime(), candidates: data.candidates.map((c) => c.engineerId), filteredOut: data.filteredOut };
}

async function refusal(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

test('offers reach engineers on shift or starting within the offer window, in their language; the others are filtered off_shift', async () => {
  const region = uniqueRegion();
  const now = await t.env.currentTimeMs();
  // Starts 8-9 minutes from now: inside the P2 offer window (20 min).
  const soon = Math.ceil(now / MIN) * MIN + 8 * MIN;
  await addPerson(t.db, { id: `P-${region}-S`, roles: ['engineer'], language: 'en', preferredChannel: 'sms', phone: '+86 137 3100 0001' });
  await createEngineers(t.db, [
    {
      id: `${region}-OFF`,
      rating: 5,
      regions: [region],
      phone: '+86 137 3100 0002',
      workingHours: { days: EVERY_DAY, start: hhmm(now + 3 * HOUR), end: hhmm(now + 4 * HOUR) },
    },
    {
      id: `${region}-SOON`,
      rating: 4.8,
      regions: [region],
      phone: '+86 137 3100 0001',
      personId: `P-${region}-S`,
      workingHours: { days: EVERY_DAY, start: hhmm(soon), end: hhmm(soon + 3 * HOUR) },
    },
    { id: `${region}-ON`, rating: 3, regions: [region], phone: '+86 137 3100 0003', workingHours: ALWAYS },
  ]);
  const { caseNo, handle } = await t.openCase({ priority: 'P2' }, { region });
  await stageIs(handle, 'offered');
  expect((await stateOf(handle)).offer?.engineerId).toBe(`${region}-SOON`);
  const r = await ranked(caseNo);
  expect(r.candidates).toEqual([`${region}-SOON`, `${region}-ON`]);
  expect(r.filteredOut).toEqual({ off_shift: [`${region}-OFF`] });
  // The offer SMS speaks the engineer's person's language.
  const [sms] = await smsFor(caseNo, 'engineer.offered');
  expect(sms!.body.to).toBe('+86 137 3100 0001');
  expect(sms!.body.locale).toBe('en');
  expect(sms!.body.text).toMatch(new RegExp(`^New case ${caseNo}: air_conditioner KFR-35GW, ${region}, fault: `));
});

test('the shift boundary at the instant of the offer: a minute before the shift ends it is offered, at the end it is not', async () => {
  const region = uniqueRegion();
  const now = await t.env.currentTimeMs();
  // The engineer's shift ends at `end` (think 22:00); the other is on call around the clock.
  const end = Math.ceil(now / MIN) * MIN + 5 * MIN;
  await createEngineers(t.db, [
    { id: `${region}-EDGE`, rating: 5, regions: [region], workingHours: { days: EVERY_DAY, start: hhmm(end - 8 * HOUR), end: hhmm(end) } },
    { id: `${region}-ON`, rating: 3, regions: [region], workingHours: ALWAYS },
  ]);
  // 21:59: on shift.
  await t.env.sleep(end - MIN - (await t.env.currentTimeMs()));
  const before = await t.openCase({ priority: 'P2' }, { region });
  await stageIs(before.handle, 'offered');
  const r1 = await ranked(before.caseNo);
  expect(r1.at).toBeGreaterThanOrEqual(end - MIN);
  expect(r1.at).toBeLessThan(end);
  expect(r1.candidates).toEqual([`${region}-EDGE`, `${region}-ON`]);
  expect((await stateOf(before.handle)).offer?.engineerId).toBe(`${region}-EDGE`);

  // 22:00: off shift, and the next shift starts 16 hours later.
  await t.env.sleep(end - (await t.env.currentTimeMs()));
  const after = await t.openCase({ priority: 'P2' }, { region });
  await stageIs(after.handle, 'offered');
  const r2 = await ranked(after.caseNo);
  expect(r2.at).toBeGreaterThanOrEqual(end);
  expect(r2.candidates).toEqual([`${region}-ON`]);
  expect(r2.filteredOut).toEqual({ off_shift: [`${region}-EDGE`] });
  expect((await stateOf(after.handle)).offer?.engineerId).toBe(`${region}-ON`);
});

/** A case in the region assigned by hand to `engineerId`, contact recorded: ready to book. */
async function readyToBook(region: string, engineerId: string, preferredWindows: Array<{ start: string; end: string }> = []) {
  const opened = await t.openCase({ preferredWindows }, { region });
  await stageIs(opened.handle, 'manual_dispatch');
  await opened.handle.executeUpdate(defs.assignEngineer, { args: [dispatcher, { engineerId }] });
  await opened.handle.executeUpdate(defs.recordContact, {
    args: [
      { role: 'engineer', subject: engineerId },
      { confirmedAddress: '世纪大道100号', diagnosis: '疑似电容故障', partsToBring: [] },
    ],
  });
  return opened;
}

const book = (h: CaseHandle, actor: Actor, body: AppointmentBody) => h.executeUpdate(defs.bookAppointment, { args: [actor, body] });

test('a booking outside the engineer hours or the customer windows is refused with its code; a dispatcher overrides with a reason, recorded', async () => {
  const region = uniqueRegion();
  const x = `${region}-X`;
  const engineer: Actor = { role: 'engineer', subject: x };
  // No skills: automatic dispatch leaves the case to the dispatcher.
  await createEngineers(t.db, [{ id: x, regions: [region], skills: [], workingHours: { days: EVERY_DAY, start: '08:00', end: '20:00' } }]);
  const day = '2031-06-03';
  const local = (hm: string) => `${day}T${hm}:00+08:00`;
  const { caseNo, handle } = await readyToBook(region, x, [{ start: local('09:00'), end: local('12:00') }]);

  const late = await refusal(book(handle, engineer, { start: local('19:30'), end: local('20:30') }));
  expect([late.type, (late.details?.[0] as { code: string }).code]).toEqual([FAILURE.bookingRefused, 'outside_engineer_hours']);
  expect(late.message).toContain(`outside engineer ${x} (工程师${x})'s working hours (08:00-20:00 every day, UTC+8)`);
  const afternoon = await refusal(book(handle, engineer, { start: local('14:00'), end: local('16:00') }));
  expect([afternoon.type, (afternoon.details?.[0] as { code: string }).code]).toEqual([FAILURE.bookingRefused, 'outside_preferred_windows']);
  // Only a dispatcher (supervisor, admin) overrides.
  const notYours = await refusal(book(handle, engineer, { start: local('14:00'), end: local('16:00'), override: { reason: '客户来电改约' } }));
  expect(notYours.type).toBe(FAILURE.forbidden);
  expect((await stateOf(handle)).stage).toBe('contacted');

  await book(handle, dispatcher, { start: local('14:00'), end: local('16:00'), override: { reason: '客户来电改约下午' } });
  expect((await stateOf(handle)).appointment).toMatchObject({ start: local('14:00'), end: local('16:00') });
  const booked = (await eventsOf(t.db, caseNo)).find((e) => e.type === 'appointment.booked')!;
  expect([booked.actorRole, booked.actorSubject]).toEqual(['dispatcher', 'D01']);
  expect((booked.data as { override?: unknown }).override).toEqual({
    reason: '客户来电改约下午',
    overrode: 'outside_preferred_windows',
    rule: expect.stringContaining("outside the customer's preferred windows"),
  });
  // Inside the rules, no override is recorded.
  await book(handle, engineer, { start: local('10:00'), end: local('11:00'), requestedBy: 'engineer', reason: '上午顺路' });
  const moved = (await eventsOf(t.db, caseNo)).find((e) => e.type === 'appointment.rescheduled')!;
  expect(moved.data).not.toHaveProperty('override');
});

test("the customer's reschedule reaches the engineer by SMS in their language and by webhook; the engineer's own does not", async () => {
  const region = uniqueRegion();
  const y = `${region}-Y`;
  const phone = '+86 137 3200 0001';
  await addPerson(t.db, { id: `P-${y}`, roles: ['engineer'], language: 'en', preferredChannel: 'sms', phone });
  await createEngineers(t.db, [{ id: y, regions: [region], skills: [], phone, personId: `P-${y}`, workingHours: ALWAYS }]);
  const { caseNo, handle } = await readyToBook(region, y);
  // The dispatcher's assignment already spoke English.
  const [assigned] = await smsFor(caseNo, 'engineer.case_assigned');
  expect([assigned!.body.to, assigned!.body.locale]).toEqual([phone, 'en']);
  expect(assigned!.body.text).toMatch(new RegExp(`^A dispatcher assigned case ${caseNo} to you`));

  await book(handle, { role: 'engineer', subject: y }, { start: '2031-07-01T01:00:00Z', end: '2031-07-01T03:00:00Z' });
  await book(handle, agentActor, { start: '2031-07-02T06:00:00Z', end: '2031-07-02T08:00:00Z', requestedBy: 'customer', reason: 'business trip' });
  const [sms] = await smsFor(caseNo, 'engineer.rescheduled');
  expect([sms!.body.to, sms!.body.locale, sms!.body.text]).toEqual([
    phone,
    'en',
    `The customer moved the visit for case ${caseNo} (air_conditioner KFR-35GW) to 2031-07-02 14:00 (UTC+8) – 2031-07-02 16:00 (UTC+8) (was 2031-07-01 09:00 (UTC+8)). Reason: business trip.`,
  ]);
  const rows = await eventually('the reschedule messages sent', async () => {
    const r = await t.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.caseNo, caseNo), eq(notifications.event, 'engineer.rescheduled')));
    return r.length === 2 && r.every((x) => x.status === 'sent') ? r : undefined;
  });
  expect(rows.map((r) => [r.channel, r.locale]).sort()).toEqual([
    ['sms', 'en'],
    ['webhook', 'en'],
  ]);
  // The engineer moving the visit knows it already: the timeline names no message.
  await book(
    handle,
    { role: 'engineer', subject: y },
    { start: '2031-07-03T06:00:00Z', end: '2031-07-03T08:00:00Z', requestedBy: 'engineer', reason: '车辆故障' },
  );
  const moves = (await eventsOf(t.db, caseNo)).filter((e) => e.type === 'appointment.rescheduled');
  expect(moves.map((e) => (e.data as { notified?: unknown }).notified)).toEqual([[{ engineerId: y, template: 'engineer.rescheduled' }], undefined]);
});
