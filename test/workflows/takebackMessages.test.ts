// Engineers are told when the case is taken from them: on the time-skipping server with
// the real activities (SMS through a real local HTTP server as the gateway), the contact
// window lapsing, the SLA's level-3 take-back (of an offer and of a held case), an
// engineer no-show, an open offer closed by a dispatcher's assignment to someone else,
// and a redispatch each send the engineer concerned an SMS in their person's language,
// saying whether a booked visit is cancelled; the move's timeline event names the template.
// Each test's region has its own duty supervisor and manager who prefer e-mail, sent to an
// SMTP port nothing listens on: the escalations the SLA clocks fire cannot be delivered,
// and the engineers' SMS must still arrive (an e-mail outage holds up no other channel).
// Each message's row names the person it was for (notifications.person_id): the engineer's
// linked person, the duty person of an escalation.
import { and, eq, inArray } from 'drizzle-orm';
import { receiverNotifications } from '../support/testNotifications';
import { createDatabase, type Database } from '../../db/client';
import { notifications } from '../../db/schema';
import type { Actor } from '../../domain';
import * as defs from '../../workflows/definitions';
import { eventsOf, stageIs, startCaseTestEnv, until, type CaseHandle, type CaseTestEnv } from '../support/caseTestEnv';
import { eventually } from '../support/http';
import { addPerson, ALWAYS, setFallbackPerson } from '../support/organisation';
import { startHttpReceiver, type HttpReceiver, type Received } from '../support/receivers';
import { createEngineers, uniqueRegion as newRegion } from '../support/roster';
import { stackInfo } from '../support/stackInfo';

const M = 60_000;
const dispatcher: Actor = { role: 'dispatcher', subject: 'D01' };
const agentActor: Actor = { role: 'agent', subject: 'A01' };
const PRODUCT = 'air_conditioner KFR-35GW';

let t: CaseTestEnv;
let db: Database;
let gateway: HttpReceiver;

beforeAll(async () => {
  gateway = await startHttpReceiver();
  db = createDatabase(stackInfo().databaseUrl);
  const sending = receiverNotifications(db, gateway.url);
  t = await startCaseTestEnv('takeback-messages-test', (real) => ({ ...real, ...sending }));
});
afterEach(() => t.endTest());
afterAll(async () => {
  await t?.close();
  await gateway?.close();
  await db?.$client.end();
});

function smsFor(caseNo: string, event: string, count = 1): Promise<Received[]> {
  return eventually(`${count} ${event} SMS for ${caseNo}`, async () => {
    const got = gateway.received.filter((r) => r.path === '/sms' && r.body?.caseNo === caseNo && r.body?.event === event);
    return got.length >= count ? got : undefined;
  });
}

/** The person_id of the case's SMS rows of `event` (one per row; webhook copies name nobody). */
async function personsOf(caseNo: string, event: string): Promise<(string | null)[]> {
  const rows = await db
    .select({ personId: notifications.personId })
    .from(notifications)
    .where(and(eq(notifications.caseNo, caseNo), eq(notifications.event, event), eq(notifications.channel, 'sms')));
  return rows.map((r) => r.personId);
}

/** [to, locale, text] of an SMS. */
const seen = (r: Received | undefined) => [r!.body.to, r!.body.locale, r!.body.text];

/**
 * A fresh region whose supervisor and manager on duty are reached only by e-mail (the
 * SMTP gateway is down), so the test never depends on the stack's global fallback.
 */
async function uniqueRegion(): Promise<string> {
  const region = newRegion();
  const duty = await addPerson(t.db, { id: `${region}-DUTY`, roles: ['supervisor', 'manager'], phone: undefined, preferredChannel: 'email' });
  await setFallbackPerson(t.db, region, 'supervisor', duty.id);
  await setFallbackPerson(t.db, region, 'manager', duty.id);
  return region;
}

/** The `notified` field of the case's events of `type`. */
async function notifiedOn(caseNo: string, type: string) {
  return (await eventsOf(t.db, caseNo)).filter((e) => e.type === type).map((e) => (e.data as { notified?: unknown }).notified);
}

/** An engineer in `region` whose person speaks `language`; `skills: false` leaves them to dispatchers. */
async function engineer(region: string, suffix: string, phone: string, language: 'en' | 'zh-CN', skills = true) {
  const id = `${region}-${suffix}`;
  await addPerson(t.db, { id: `P-${id}`, roles: ['engineer'], language, preferredChannel: 'sms', phone });
  await createEngineers(t.db, [{ id, regions: [region], phone, personId: `P-${id}`, workingHours: ALWAYS, ...(skills ? {} : { skills: [] }) }]);
  return { id, phone, personId: `P-${id}`, actor: { role: 'engineer', subject: id } as Actor };
}

/** Assigned by hand to `engineerId`, contact recorded, a visit booked at `start`. */
async function booked(h: CaseHandle, engineerId: string, start: string) {
  await h.executeUpdate(defs.assignEngineer, { args: [dispatcher, { engineerId }] });
  const as: Actor = { role: 'engineer', subject: engineerId };
  await h.executeUpdate(defs.recordContact, { args: [as, { confirmedAddress: '世纪大道100号', diagnosis: '疑似电容故障', partsToBring: [] }] });
  await h.executeUpdate(defs.bookAppointment, { args: [as, { start, end: new Date(Date.parse(start) + 2 * 3_600_000).toISOString() }] });
}

test('(a) the contact window lapses: the engineer is told the case is taken off them, in their language', async () => {
  const region = await uniqueRegion();
  const a = await engineer(region, 'A', '+86 137 5100 0001', 'en');
  const { caseNo, handle } = await t.openCase({ priority: 'P2' }, { region });
  await stageIs(handle, 'offered');
  await handle.executeUpdate(defs.acceptOffer, { args: [a.actor, {}] });
  // Contact window: 30 min (default policy).
  await t.env.sleep(31 * M);
  await until(handle, (s) => s.dispatch.excluded.includes(a.id), 'taken back');
  const [sms] = await smsFor(caseNo, 'engineer.unassigned');
  expect(seen(sms)).toEqual([a.phone, 'en', `Case ${caseNo} (${PRODUCT}) has been taken off you and goes to someone else; you no longer handle it.`]);
  expect(await notifiedOn(caseNo, 'contact.window_lapsed')).toEqual([[{ engineerId: a.id, template: 'engineer.unassigned' }]]);
  // Offered, accepted, taken back: the offer's claim carried the engineer's person through.
  expect(await personsOf(caseNo, 'engineer.offered')).toEqual([a.personId]);
  expect(await personsOf(caseNo, 'engineer.unassigned')).toEqual([a.personId]);
  // The customer's message names no person.
  expect(await personsOf(caseNo, 'case.opened')).toEqual([null]);
});

test('(b) SLA level 3 withdraws an open offer: the offered engineer is told the offer is withdrawn', async () => {
  const region = await uniqueRegion();
  const a = await engineer(region, 'A', '+86 137 5200 0001', 'zh-CN');
  // The offer stays open past level 3 of the dispatch clock (P1: 10 min, level 3 at 20 min).
  const { caseNo, handle } = await t.openCase({ priority: 'P1' }, { region }, { policy: { offerWindowMinutes: { P1: 120 } } });
  await stageIs(handle, 'offered');
  await t.env.sleep(21 * M);
  await until(handle, (s) => s.sla.level === 3, 'level 3');
  const withdrawn = await eventually('the offer withdrawn', async () => {
    const n = await notifiedOn(caseNo, 'offer.withdrawn');
    return n.length > 0 ? n : undefined;
  });
  // Every withdrawal (the engineer may be offered again by the next round) names its message.
  for (const n of withdrawn) expect(n).toEqual([{ engineerId: a.id, template: 'engineer.offer_withdrawn' }]);
  const sms = await smsFor(caseNo, 'engineer.offer_withdrawn', withdrawn.length);
  expect(seen(sms[0])).toEqual([a.phone, 'zh-CN', `工单 ${caseNo}（${PRODUCT}）的派单邀请已撤回，您无需再接单或拒单。`]);
  // The escalations before it went to the region's duty people by e-mail, which cannot be delivered.
  const escalated = (await eventsOf(t.db, caseNo)).filter((e) => e.type === 'sla.escalated');
  expect(escalated.flatMap((e) => (e.data as { notified?: unknown[] }).notified ?? [])).toContainEqual(
    expect.objectContaining({ personId: `${region}-DUTY`, via: 'region_fallback', channel: 'email' }),
  );
  // The e-mail to the duty person is written for them (ops webhooks for nobody). Only the
  // first e-mail reaches the activity: the others wait behind it in the e-mail lane.
  const slaRows = await eventually('the first SLA e-mail written', async () => {
    const rows = await db
      .select({ channel: notifications.channel, personId: notifications.personId })
      .from(notifications)
      .where(and(eq(notifications.caseNo, caseNo), inArray(notifications.event, ['sla.warning', 'sla.escalation'])));
    return rows.some((r) => r.channel === 'email') ? rows : undefined;
  });
  expect(new Set(slaRows.map((r) => `${r.channel} ${r.personId}`))).toEqual(new Set([`email ${region}-DUTY`, 'webhook null']));
  expect(await personsOf(caseNo, 'engineer.offer_withdrawn')).toEqual(withdrawn.map(() => a.personId));
});

test('(b) SLA level 3 takes back a held case: the engineer is told', async () => {
  const region = await uniqueRegion();
  const b = await engineer(region, 'B', '+86 137 5300 0001', 'zh-CN', false);
  // Customer contact (P1): 15 min, level 3 at 30 min; the contact window is longer.
  const { caseNo, handle } = await t.openCase({ priority: 'P1' }, { region }, { policy: { contactWindowMinutes: 120 } });
  await stageIs(handle, 'manual_dispatch');
  await handle.executeUpdate(defs.assignEngineer, { args: [dispatcher, { engineerId: b.id }] });
  await t.env.sleep(31 * M);
  await until(handle, (s) => s.dispatch.excluded.includes(b.id), 'taken back');
  const [sms] = await smsFor(caseNo, 'engineer.unassigned');
  expect(seen(sms)).toEqual([b.phone, 'zh-CN', `工单 ${caseNo}（${PRODUCT}）已从您名下收回并改派他人，您无需再处理。`]);
  // Assigned by hand: that claim carried the person through to both messages.
  expect([await personsOf(caseNo, 'engineer.case_assigned'), await personsOf(caseNo, 'engineer.unassigned')]).toEqual([[b.personId], [b.personId]]);
  const restarted = (await eventsOf(t.db, caseNo)).filter((e) => e.type === 'dispatch.restarted');
  expect(restarted.map((e) => e.data)).toEqual([
    expect.objectContaining({ reason: 'SLA customerContact level-3 escalation', notified: [{ engineerId: b.id, template: 'engineer.unassigned' }] }),
  ]);
});

test('(c) an engineer no-show: the engineer is told the case and the booked visit are gone', async () => {
  const region = await uniqueRegion();
  const c = await engineer(region, 'C', '+86 137 5400 0001', 'en', false);
  const { caseNo, handle } = await t.openCase({ priority: 'P3' }, { region });
  await stageIs(handle, 'manual_dispatch');
  await booked(handle, c.id, '2031-08-01T01:00:00.000Z');
  await handle.executeUpdate(defs.reportNoShow, { args: [agentActor, { party: 'engineer', note: '未上门' }] });
  const [sms] = await smsFor(caseNo, 'engineer.unassigned_visit_cancelled');
  expect(seen(sms)).toEqual([
    c.phone,
    'en',
    `Case ${caseNo} (${PRODUCT}) has been taken off you and goes to someone else; your visit booked for 2031-08-01 09:00 (UTC+8) is cancelled, please do not go.`,
  ]);
  expect(await notifiedOn(caseNo, 'visit.no_show')).toEqual([[{ engineerId: c.id, template: 'engineer.unassigned_visit_cancelled' }]]);
});

test('(d) a dispatcher assigns a case on offer to someone else: the offered engineer is told the offer is withdrawn', async () => {
  const region = await uniqueRegion();
  const a = await engineer(region, 'A', '+86 137 5500 0001', 'en');
  const b = await engineer(region, 'B', '+86 137 5500 0002', 'zh-CN', false);
  const { caseNo, handle } = await t.openCase({ priority: 'P2' }, { region });
  await stageIs(handle, 'offered');
  await handle.executeUpdate(defs.assignEngineer, { args: [dispatcher, { engineerId: b.id }] });
  const [sms] = await smsFor(caseNo, 'engineer.offer_withdrawn');
  expect(seen(sms)).toEqual([a.phone, 'en', `The offer of case ${caseNo} (${PRODUCT}) has been withdrawn; you need not accept or decline it.`]);
  expect((await smsFor(caseNo, 'engineer.case_assigned')).map((s) => s.body.to)).toEqual([b.phone]);
  expect(await notifiedOn(caseNo, 'engineer.assigned')).toEqual([
    [
      { engineerId: b.id, template: 'engineer.case_assigned' },
      { engineerId: a.id, template: 'engineer.offer_withdrawn' },
    ],
  ]);
});

test('a redispatch says whether the booked visit is cancelled', async () => {
  const region = await uniqueRegion();
  const d = await engineer(region, 'D', '+86 137 5600 0001', 'zh-CN', false);
  const e = await engineer(region, 'E', '+86 137 5600 0002', 'zh-CN', false);
  const { caseNo, handle } = await t.openCase({ priority: 'P3' }, { region });
  await stageIs(handle, 'manual_dispatch');
  await booked(handle, d.id, '2031-08-02T06:30:00.000Z');
  await handle.executeUpdate(defs.redispatchCase, { args: [dispatcher, { reason: '工程师请假' }] });
  const [visit] = await smsFor(caseNo, 'engineer.unassigned_visit_cancelled');
  expect(seen(visit)).toEqual([
    d.phone,
    'zh-CN',
    `工单 ${caseNo}（${PRODUCT}）已从您名下收回并改派他人，您无需再处理；原定 2031-08-02 14:30 (UTC+8) 的上门预约已取消，请勿上门。`,
  ]);
  // No visit booked: the plain message.
  await stageIs(handle, 'manual_dispatch');
  await handle.executeUpdate(defs.assignEngineer, { args: [dispatcher, { engineerId: e.id }] });
  await handle.executeUpdate(defs.redispatchCase, { args: [dispatcher, { reason: '客户要求换人' }] });
  const [plain] = await smsFor(caseNo, 'engineer.unassigned');
  expect(seen(plain)).toEqual([e.phone, 'zh-CN', `工单 ${caseNo}（${PRODUCT}）已从您名下收回并改派他人，您无需再处理。`]);
  expect(await notifiedOn(caseNo, 'dispatch.restarted')).toEqual([
    [{ engineerId: d.id, template: 'engineer.unassigned_visit_cancelled' }],
    [{ engineerId: e.id, template: 'engineer.unassigned' }],
  ]);
});
