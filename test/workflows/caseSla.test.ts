// SLA clocks and reminder timers of caseWorkflow on the time-skipping server: hours of
// SLA pass in milliseconds, and every firing is checked against the instant it was due.
import { and, eq } from 'drizzle-orm';
import { cases, escalations, slaResults } from '../../db/schema';
import type { Actor, CaseState } from '../../domain';
import * as defs from '../../workflows/definitions';
import { ON_TIME_MS, agent, eventsOf, stageIs, startCaseTestEnv, stateOf, until, type CaseHandle, type CaseTestEnv } from '../support/caseTestEnv';
import { createEngineers, uniqueRegion } from '../support/roster';

const M = 60_000;
const dispatcher: Actor = { role: 'dispatcher', subject: 'D01' };
const engineer: Actor = { role: 'engineer', subject: 'E001' };
let t: CaseTestEnv;

beforeAll(async () => {
  t = await startCaseTestEnv('case-sla-test');
});
afterEach(() => t.endTest());
afterAll(() => t?.close());

/** Minutes after the case opened at which each SLA event of a clock happened. */
async function slaTimeline(caseNo: string, clock: string) {
  const events = await eventsOf(t.db, caseNo);
  const opened = events[0]!.occurredAt.getTime();
  return events
    .filter((e) => e.type.startsWith('sla.') && (e.data as { clock?: string }).clock === clock)
    .map((e) => [e.type, (e.data as { level: number }).level, Math.round(((e.occurredAt.getTime() - opened) / M) * 10) / 10]);
}

async function walk(h: CaseHandle, ...steps: Array<'assign' | 'contact' | 'book' | 'checkIn'>) {
  for (const step of steps) {
    if (step === 'assign') await h.executeUpdate(defs.assignEngineer, { args: [dispatcher, { engineerId: 'E001' }] });
    if (step === 'contact') await h.executeUpdate(defs.recordContact, { args: [engineer, { confirmedAddress: 'x', diagnosis: 'y', partsToBring: [] }] });
    if (step === 'book') {
      // The test server's clock runs ahead of this process's after earlier skips.
      const start = new Date((await t.env.currentTimeMs()) + 3 * 86_400_000 + Math.floor(Math.random() * 1e4) * 3_600_000);
      await h.executeUpdate(defs.bookAppointment, {
        args: [engineer, { start: start.toISOString(), end: new Date(start.getTime() + 3_600_000).toISOString() }],
      });
    }
    if (step === 'checkIn') await h.executeUpdate(defs.checkIn, { args: [engineer, {}] });
  }
}

describe('SLA clocks', () => {
  test('a clock met in time gives no warning or escalation, and records met', async () => {
    const region = uniqueRegion();
    await createEngineers(t.db, [{ id: `${region}-A`, regions: [region] }]);
    const { caseNo, handle } = await t.openCase({ priority: 'P1' }, { region });
    await stageIs(handle, 'offered');
    await handle.executeUpdate(defs.acceptOffer, { args: [{ role: 'engineer', subject: `${region}-A` }, {}] });
    await handle.executeUpdate(defs.cancelCase, { args: [agent, { reason: 'done' }] });
    await handle.result();
    expect(await t.db.select().from(escalations).where(eq(escalations.caseNo, caseNo))).toEqual([]);
    const results = await t.db.select().from(slaResults).where(eq(slaResults.caseNo, caseNo));
    expect(results.map((r) => [r.clock, r.met, r.policyVersion > 0])).toEqual(
      expect.arrayContaining([
        ['dispatch', true, true],
        ['engineerAcceptance', true, true],
      ]),
    );
  });

  test('a lapse fires the warning, then each level once, at the moment it is due', async () => {
    // P1 dispatch: 10 min. Nobody serves the region: the case waits in the manual queue.
    const { caseNo, handle } = await t.openCase({ priority: 'P1' });
    await stageIs(handle, 'manual_dispatch');
    await t.env.sleep(25 * M);
    await until(handle, (s) => s.sla.clocks.find((c) => c.clock === 'dispatch')!.fired.length === 4, 'four dispatch thresholds');
    expect(await slaTimeline(caseNo, 'dispatch')).toEqual([
      ['sla.warning', 0, 7.5],
      ['sla.escalated', 1, 10],
      ['sla.escalated', 2, 15],
      ['sla.escalated', 3, 20],
      // Level 3 on a case nobody holds: an ops action is asked for.
      ['sla.ops_action_required', 3, 20],
    ]);
    const rows = await t.db
      .select()
      .from(escalations)
      .where(and(eq(escalations.caseNo, caseNo), eq(escalations.clock, 'dispatch')));
    expect(rows.map((r) => [r.kind, r.level])).toEqual([
      ['warning', 0],
      ['escalation', 1],
      ['escalation', 2],
      ['escalation', 3],
    ]);
    // Fired on the timer, not on a later scan: within the time the step's own writes take.
    for (const r of rows) expect(r.firedAt.getTime() - r.dueAt.getTime()).toBeGreaterThanOrEqual(0);
    for (const r of rows) expect(r.firedAt.getTime() - r.dueAt.getTime()).toBeLessThan(ON_TIME_MS);
    const s = await stateOf(handle);
    expect(s.sla).toMatchObject({ breached: true, level: 3 });
    // Search attributes ops query on.
    const attrs = (await handle.describe()).typedSearchAttributes;
    expect(attrs.getAll().find((p) => p.key.name === 'SlaBreached')?.value).toBe(true);
    expect(attrs.getAll().find((p) => p.key.name === 'EscalationLevel')?.value).toBe(3);
    await handle.executeUpdate(defs.cancelCase, { args: [agent, { reason: 'done' }] });
  });

  test('level 2 raises the priority; the running clocks keep their elapsed time', async () => {
    // P2 dispatch: 20 min; at 30 min (level 2) the case becomes P1, whose target is 10 min:
    // 30 min elapsed is already past 200% of it, so level 3 follows at once.
    const { caseNo, handle } = await t.openCase({ priority: 'P2' });
    await stageIs(handle, 'manual_dispatch');
    await t.env.sleep(31 * M);
    const s = await until(handle, (x) => x.sla.level === 3, 'level 3');
    expect(s.priority).toBe('P1');
    const dispatch = s.sla.clocks.find((c) => c.clock === 'dispatch')!;
    expect(dispatch).toMatchObject({ targetMs: 10 * M, startedAt: Date.parse(s.openedAt) });
    const timeline = await slaTimeline(caseNo, 'dispatch');
    expect(timeline.slice(0, 4)).toEqual([
      ['sla.warning', 0, 15],
      ['sla.escalated', 1, 20],
      ['sla.escalated', 2, 30],
      ['sla.escalated', 3, 30],
    ]);
    const raised = (await eventsOf(t.db, caseNo)).find((e) => e.type === 'sla.escalated' && (e.data as { level: number }).level === 2)!;
    expect(raised.data).toMatchObject({ priority: { from: 'P2', to: 'P1' } });
    await handle.executeUpdate(defs.cancelCase, { args: [agent, { reason: 'done' }] });
  });

  test('time waiting for the customer to approve a quote is not counted', async () => {
    const { caseNo, handle } = await t.openCase({ priority: 'P1' });
    await stageIs(handle, 'manual_dispatch');
    await walk(handle, 'assign', 'contact', 'book', 'checkIn');
    await handle.executeUpdate(defs.submitQuote, {
      args: [engineer, { lines: [{ kind: 'labour', description: '维修', quantity: 1, unitPrice: 100 }], currency: 'CNY' }],
    });
    await t.env.sleep(600 * M); // 10 h, beyond the 8 h P1 resolution target
    await handle.executeUpdate(defs.decideQuote, { args: [agent, { approve: true }] });
    await handle.executeUpdate(defs.checkOut, { args: [engineer, { result: 'fixed', resolution: 'ok', partsUsed: [], warrantyDays: 0 }] });
    const s = await until(handle, (x) => x.sla.results.some((r) => r.clock === 'resolution'), 'resolution result');
    const resolution = s.sla.results.find((r) => r.clock === 'resolution')!;
    expect(resolution.pausedMs).toBeGreaterThanOrEqual(600 * M);
    expect(resolution.met).toBe(true);
    expect((await slaTimeline(caseNo, 'resolution')).length).toBe(0);
    await handle.executeUpdate(defs.cancelCase, { args: [agent, { reason: 'done' }] });
  });
});

describe('reminders', () => {
  test('visit reminders fire 24 h and 2 h (customer) and 1 h (engineer) before, and move with a reschedule', async () => {
    const { caseNo, handle } = await t.openCase({ priority: 'P4' });
    await stageIs(handle, 'manual_dispatch');
    await walk(handle, 'assign', 'contact');
    const first = (await t.env.currentTimeMs()) + 3 * 86_400_000;
    const slot = (at: number) => ({ start: new Date(at).toISOString(), end: new Date(at + 3_600_000).toISOString() });
    await handle.executeUpdate(defs.bookAppointment, { args: [engineer, slot(first)] });
    // The customer moves the visit a day later before any reminder is due.
    const moved = first + 86_400_000;
    await handle.executeUpdate(defs.bookAppointment, { args: [agent, { ...slot(moved), requestedBy: 'customer', reason: '出差' }] });
    await t.env.sleep(moved - (await t.env.currentTimeMs()) - 30 * M);
    await until(handle, (s) => s.remindersSent.length === 3, 'three reminders');
    const sent = (await eventsOf(t.db, caseNo)).filter((e) => e.type === 'reminder.sent');
    expect(
      sent.map((e) => [
        (e.data as { kind: string }).kind,
        (e.data as { minutesBefore: number }).minutesBefore,
        Math.round((moved - e.occurredAt.getTime()) / M),
      ]),
    ).toEqual([
      ['visit.customer', 1440, 1440],
      ['visit.customer', 120, 120],
      ['visit.engineer', 60, 60],
    ]);
    expect(sent.every((e) => (e.data as { visitStart: string }).visitStart === new Date(moved).toISOString())).toBe(true);
    await handle.executeUpdate(defs.cancelCase, { args: [agent, { reason: 'done' }] });
  });

  test('the engineer is reminded 10 min before the contact window lapses', async () => {
    const { caseNo, handle } = await t.openCase({ priority: 'P3' });
    await stageIs(handle, 'manual_dispatch');
    await walk(handle, 'assign');
    const accepted = Date.parse((await stateOf(handle)).acceptedAt!);
    await t.env.sleep(21 * M);
    await until(handle, (s) => s.remindersSent.some((k) => k.startsWith('contact.engineer')), 'contact reminder');
    const reminder = (await eventsOf(t.db, caseNo)).find((e) => e.type === 'reminder.sent')!;
    expect(reminder.data).toMatchObject({ kind: 'contact.engineer', to: 'engineer', engineerId: 'E001' });
    expect((reminder.occurredAt.getTime() - accepted) / M).toBeCloseTo(20, 0);
    await handle.executeUpdate(defs.cancelCase, { args: [agent, { reason: 'done' }] });
  });

  test('an unconfirmed case is reminded after 24 h and auto-confirmed after 72 h', async () => {
    const { caseNo, handle } = await t.openCase({ priority: 'P1' });
    await stageIs(handle, 'manual_dispatch');
    await walk(handle, 'assign', 'contact', 'book', 'checkIn');
    const done = await handle.executeUpdate(defs.checkOut, { args: [engineer, { result: 'fixed', resolution: 'ok', partsUsed: [], warrantyDays: 0 }] });
    const since = Date.parse(done.stageSince);
    const outcome = await handle.result(); // time skips until the workflow ends
    expect(outcome.stage).toBe('archived');
    const events = await eventsOf(t.db, caseNo);
    const at = (type: string) => (events.find((e) => e.type === type)!.occurredAt.getTime() - since) / 3_600_000;
    expect(at('reminder.sent')).toBeCloseTo(24, 1);
    expect(at('case.auto_confirmed')).toBeCloseTo(72, 1);
    const [row] = await t.db.select().from(cases).where(eq(cases.caseNo, caseNo));
    const s = row!.snapshot as unknown as CaseState;
    expect(s.confirmation).toMatchObject({ auto: true, fixed: true });
    expect(s.metrics!.firstTimeFix).toBe(false);
  });
});
