// Escalation routing on the time-skipping server with the real activities and
// PostgreSQL: warnings and escalations go to whoever the duty roster names AT THE
// INSTANT they fire (a roster changed after the case opened counts; a person
// deactivated mid-case is passed over for the fallback; no one at all → the global
// fallback), the timeline names them, and their preferred channel carries the message.
// A complaint's owner is the supervisor on duty; reassigning tells the new owner.
import { and, eq } from 'drizzle-orm';
import { caseEvents, complaintEvents, notifications } from '../../db/schema';
import { updatePerson } from '../../db/queries/people';
import type { Actor } from '../../domain';
import { complaintWorkflowId, type ComplaintState } from '../../domain/complaints';
import { complaintWorkflow } from '../../workflows';
import { COMPLAINT_UPDATES, complaintReceipt, getComplaintState } from '../../workflows/complaintDefinitions';
import { stageIs, startCaseTestEnv, until, type CaseTestEnv } from '../support/caseTestEnv';
import { testComplaintNo } from '../support/fixtures';
import { eventually } from '../support/http';
import { addPerson, addShift, removeFallbacks, removeShifts, setFallbackPerson } from '../support/organisation';
import { uniqueRegion } from '../support/roster';

const M = 60_000;
const TASK_QUEUE = 'duty-routing-test';
const supervisorActor: Actor = { role: 'supervisor', subject: 'S01' };
let t: CaseTestEnv;
const complaintIds: string[] = [];

beforeAll(async () => {
  t = await startCaseTestEnv(TASK_QUEUE);
});
afterEach(async () => {
  await t.endTest();
  await Promise.all(
    complaintIds.splice(0).map((id) =>
      t.env.client.workflow
        .getHandle(id)
        .executeUpdate(COMPLAINT_UPDATES.withdraw, { args: [supervisorActor, { reason: 'test over' }] })
        .catch(() => undefined),
    ),
  );
});
afterAll(() => t?.close());

/** The `notified` field of a case's SLA events, by event type and level. */
async function notifiedOn(caseNo: string, clock = 'dispatch') {
  const rows = await t.db.select().from(caseEvents).where(eq(caseEvents.caseNo, caseNo)).orderBy(caseEvents.seq);
  return rows
    .filter((e) => e.type.startsWith('sla.') && (e.data as { clock?: string }).clock === clock && 'notified' in e.data)
    .map((e) => [e.type, (e.data as { level: number }).level, (e.data as { notified: unknown }).notified]);
}

async function messagesOf(caseNo: string) {
  return eventually(`messages of ${caseNo}`, async () => {
    const rows = await t.db.select().from(notifications).where(eq(notifications.caseNo, caseNo)).orderBy(notifications.id);
    const staff = rows.filter((r) => r.channel !== 'webhook' && r.event.startsWith('sla.'));
    return staff.length >= 3 ? staff.map((r) => [r.event, r.channel, r.recipient, r.locale]) : undefined;
  });
}

/** Opens a P1 case nobody serves in `region`, and lets its dispatch clock reach level 2 (15 min). */
async function breachToLevel2(region: string, between: () => Promise<void>) {
  const { caseNo, handle } = await t.openCase({ priority: 'P1' }, { region });
  await stageIs(handle, 'manual_dispatch');
  // The roster changes after the case opened and before anything fired.
  await between();
  await t.env.sleep(16 * M);
  await until(handle, (s) => s.sla.clocks.find((c) => c.clock === 'dispatch')!.fired.length === 3, 'warning, level 1 and level 2');
  return caseNo;
}

describe('escalations go to the people on duty when they fire', () => {
  test('the roster as it is at firing time, not at opening; each over their preferred channel', async () => {
    const region = uniqueRegion('DR');
    const early = await addPerson(t.db, { id: `${region}-S1`, name: '早班主管', roles: ['supervisor'], preferredChannel: 'email' });
    const late = await addPerson(t.db, { id: `${region}-S2`, name: '接班主管', roles: ['supervisor'], preferredChannel: 'sms', language: 'en' });
    const manager = await addPerson(t.db, { id: `${region}-M`, name: '区域经理', roles: ['manager'], preferredChannel: 'sms' });
    await addShift(t.db, early.id, 'supervisor', region);
    await addShift(t.db, manager.id, 'manager', region);

    const caseNo = await breachToLevel2(region, async () => {
      await removeShifts(t.db, region);
      await addShift(t.db, late.id, 'supervisor', region);
      await addShift(t.db, manager.id, 'manager', region);
    });

    const s2 = { role: 'supervisor', personId: late.id, name: '接班主管', via: 'shift', channel: 'sms' };
    const m = { role: 'manager', personId: manager.id, name: '区域经理', via: 'shift', channel: 'sms' };
    expect(await notifiedOn(caseNo)).toEqual([
      ['sla.warning', 0, [s2]],
      ['sla.escalated', 1, [s2]],
      ['sla.escalated', 2, [m]],
    ]);
    // Each in their own language; the early supervisor heard nothing.
    expect(await messagesOf(caseNo)).toEqual([
      ['sla.warning', 'sms', late.phone, 'en'],
      ['sla.escalation', 'sms', late.phone, 'en'],
      ['sla.escalation', 'sms', manager.phone, 'zh-CN'],
    ]);
  });

  test('a real shift end between two thresholds of one case: before 20:00 the day supervisor, from 20:00 the night one', async () => {
    const region = uniqueRegion('DR');
    const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];
    const day = { days: EVERY_DAY, start: '08:00', end: '20:00' };
    const night = { days: EVERY_DAY, start: '20:00', end: '08:00' };
    const daySup = await addPerson(t.db, { id: `${region}-SD`, name: '白班主管', roles: ['supervisor'], preferredChannel: 'email' });
    const nightSup = await addPerson(t.db, { id: `${region}-SN`, name: '夜班主管', roles: ['supervisor'], preferredChannel: 'sms' });
    const dayMgr = await addPerson(t.db, { id: `${region}-MD`, name: '白班经理', roles: ['manager'], preferredChannel: 'sms' });
    const nightMgr = await addPerson(t.db, { id: `${region}-MN`, name: '夜班经理', roles: ['manager'], preferredChannel: 'email' });
    await addShift(t.db, daySup.id, 'supervisor', region, day);
    await addShift(t.db, nightSup.id, 'supervisor', region, night);
    await addShift(t.db, dayMgr.id, 'manager', region, day);
    await addShift(t.db, nightMgr.id, 'manager', region, night);

    // The test server's clock to the next 19:50 in the service time zone (UTC+8): the P1
    // dispatch warning is due at 19:57:30, level 1 at 20:00 (the handover), level 2 at 20:05.
    const now = await t.env.currentTimeMs();
    const H = 60 * M;
    const localMidnight = Math.floor((now + 8 * H) / (24 * H)) * 24 * H - 8 * H;
    let opening = localMidnight + 19 * H + 50 * M;
    if (opening < now + M) opening += 24 * H;
    await t.env.sleep(opening - (await t.env.currentTimeMs()));
    const { caseNo, handle } = await t.openCase({ priority: 'P1' }, { region });
    await stageIs(handle, 'manual_dispatch');
    await t.env.sleep(16 * M);
    await until(handle, (s) => s.sla.clocks.find((c) => c.clock === 'dispatch')!.fired.length === 3, 'warning, level 1 and level 2');

    const handover = opening + 10 * M;
    const fired = (await t.db.select().from(caseEvents).where(eq(caseEvents.caseNo, caseNo)).orderBy(caseEvents.seq)).filter(
      (e) => e.type.startsWith('sla.') && (e.data as { clock?: string }).clock === 'dispatch',
    );
    // Who was named, and on which side of 20:00 each fired.
    expect(
      fired.map((e) => [
        e.type,
        (e.data as { level: number }).level,
        e.occurredAt.getTime() < handover ? 'day' : 'night',
        (e.data as { notified: Array<{ personId: string }> }).notified.map((n) => n.personId),
      ]),
    ).toEqual([
      ['sla.warning', 0, 'day', [daySup.id]],
      ['sla.escalated', 1, 'night', [nightSup.id]],
      ['sla.escalated', 2, 'night', [nightMgr.id]],
    ]);
    // And the messages went to them, each over their own channel.
    expect((await messagesOf(caseNo)).map((m) => [m[0], m[1], m[2]])).toEqual([
      ['sla.warning', 'email', daySup.email],
      ['sla.escalation', 'sms', nightSup.phone],
      ['sla.escalation', 'email', nightMgr.email],
    ]);
  });

  test('a person deactivated mid-case is passed over for the region fallback', async () => {
    const region = uniqueRegion('DR');
    const onShift = await addPerson(t.db, { id: `${region}-S1`, name: '值班主管', roles: ['supervisor'] });
    const standIn = await addPerson(t.db, { id: `${region}-FB`, name: '后备主管', roles: ['supervisor', 'manager'], preferredChannel: 'email' });
    await addShift(t.db, onShift.id, 'supervisor', region);
    await setFallbackPerson(t.db, region, 'supervisor', standIn.id);
    await setFallbackPerson(t.db, region, 'manager', standIn.id);

    const caseNo = await breachToLevel2(region, async () => {
      await updatePerson(t.db, onShift.id, { active: false });
    });

    const fb = (role: string) => ({ role, personId: standIn.id, name: '后备主管', via: 'region_fallback', channel: 'email' });
    expect(await notifiedOn(caseNo)).toEqual([
      ['sla.warning', 0, [fb('supervisor')]],
      ['sla.escalated', 1, [fb('supervisor')]],
      ['sla.escalated', 2, [fb('manager')]],
    ]);
    expect((await messagesOf(caseNo)).map((m) => m[2])).toEqual([standIn.email, standIn.email, standIn.email]);
  });

  test('nobody on duty and no region fallback: the global fallback, and the timeline says so', async () => {
    const region = uniqueRegion('DR');
    const global = await addPerson(t.db, { id: `${region}-G`, name: '总部值班', roles: ['supervisor', 'manager'], preferredChannel: 'email' });
    try {
      const caseNo = await breachToLevel2(region, async () => {
        await setFallbackPerson(t.db, '*', 'supervisor', global.id);
        await setFallbackPerson(t.db, '*', 'manager', global.id);
      });
      const g = (role: string) => ({
        role,
        personId: global.id,
        name: '总部值班',
        via: 'global_fallback',
        channel: 'email',
        note: 'no one on duty or on the region fallback: sent to the global fallback',
      });
      expect(await notifiedOn(caseNo)).toEqual([
        ['sla.warning', 0, [g('supervisor')]],
        ['sla.escalated', 1, [g('supervisor')]],
        ['sla.escalated', 2, [g('manager')]],
      ]);
    } finally {
      // The global fallback would change every other suite's routing.
      await removeFallbacks(t.db, '*', ['supervisor', 'manager']);
    }
  });
});

describe('a complaint’s owner is a person', () => {
  async function openComplaint(region: string) {
    const complaintNo = testComplaintNo();
    const handle = await t.env.client.workflow.start(complaintWorkflow, {
      taskQueue: TASK_QUEUE,
      workflowId: complaintWorkflowId(complaintNo),
      args: [
        {
          complaintNo,
          source: 'agent',
          openedBy: { role: 'agent', subject: 'A01' },
          intake: {
            category: 'service_attitude',
            grade: 'general',
            channel: 'phone',
            summary: '工程师态度恶劣',
            region,
            customer: { name: '张三', phone: '+86 139 0000 1111', language: 'zh-CN' },
          },
        },
      ],
    });
    complaintIds.push(handle.workflowId);
    await handle.executeUpdate(complaintReceipt);
    return { complaintNo, handle };
  }

  const assignedTo = (complaintNo: string, n: number) =>
    eventually(`assignment messages of ${complaintNo}`, async () => {
      const rows = await t.db
        .select()
        .from(notifications)
        .where(and(eq(notifications.complaintNo, complaintNo), eq(notifications.event, 'complaint.assigned')))
        .orderBy(notifications.id);
      return rows.length >= n ? rows.map((r) => [r.channel, r.recipient]) : undefined;
    });

  test('routed to the supervisor on duty at open; reassigning names and tells the new owner', async () => {
    const region = uniqueRegion('DR');
    const duty = await addPerson(t.db, { id: `${region}-S1`, name: '值班主管', roles: ['supervisor'], preferredChannel: 'email' });
    const next = await addPerson(t.db, { id: `${region}-S2`, name: '新负责人', roles: ['supervisor'], preferredChannel: 'sms' });
    await addShift(t.db, duty.id, 'supervisor', region);

    const { complaintNo, handle } = await openComplaint(region);
    const opened = await handle.query(getComplaintState);
    expect([opened.owner, opened.ownerName, opened.ownerRouting]).toEqual([
      duty.id,
      '值班主管',
      { role: 'supervisor', personId: duty.id, name: '值班主管', via: 'shift', channel: 'email' },
    ]);
    expect(await assignedTo(complaintNo, 1)).toEqual([['email', duty.email]]);

    const s: ComplaintState = await handle.executeUpdate(COMPLAINT_UPDATES.reassign, { args: [supervisorActor, { owner: next.id, reason: '轮班交接' }] });
    expect([s.owner, s.ownerName]).toEqual([next.id, '新负责人']);
    expect(await assignedTo(complaintNo, 2)).toEqual([
      ['email', duty.email],
      ['sms', next.phone],
    ]);
    const events = await t.db.select().from(complaintEvents).where(eq(complaintEvents.complaintNo, complaintNo)).orderBy(complaintEvents.seq);
    expect(events.find((e) => e.type === 'complaint.reassigned')!.data).toEqual({
      from: duty.id,
      fromName: '值班主管',
      to: next.id,
      toName: '新负责人',
      reason: '轮班交接',
    });
  });

  test('nobody on duty and no fallback: unassigned, and the timeline says so', async () => {
    const { complaintNo, handle } = await openComplaint(uniqueRegion('DR'));
    const s = await handle.query(getComplaintState);
    expect([s.owner, s.ownerRouting]).toEqual(['unassigned', { role: 'supervisor', via: 'none', note: 'nobody on duty and no fallback configured' }]);
    const [opened] = await t.db.select().from(complaintEvents).where(eq(complaintEvents.complaintNo, complaintNo)).orderBy(complaintEvents.seq);
    expect(opened!.data).toMatchObject({ owner: 'unassigned', ownerRouting: { via: 'none' } });
  });
});
