// Priority change on the time-skipping server: the SLA clocks re-target with their start
// and paused time kept (ServiceNow's retroactive start), and each threshold fires at the
// instant that arithmetic gives, not before. Expected instants are written from the
// case's own timeline (when it opened, when the customer-wait pause began and ended).
import { and, eq } from 'drizzle-orm';
import { escalations } from '../../db/schema';
import type { Actor } from '../../domain';
import * as defs from '../../workflows/definitions';
import { ON_TIME_MS, agent, eventsOf, stageIs, startCaseTestEnv, stateOf, until, type CaseHandle, type CaseTestEnv } from '../support/caseTestEnv';
import { eventually } from '../support/http';

const M = 60_000;
const dispatcher: Actor = { role: 'dispatcher', subject: 'D01' };
const engineer: Actor = { role: 'engineer', subject: 'E001' };
const supervisor: Actor = { role: 'supervisor', subject: 'S01' };
let t: CaseTestEnv;

beforeAll(async () => {
  t = await startCaseTestEnv('priority-change-test');
});
afterEach(() => t.endTest());
afterAll(() => t?.close());

async function thresholds(caseNo: string, clock: string) {
  const rows = await t.db
    .select()
    .from(escalations)
    .where(and(eq(escalations.caseNo, caseNo), eq(escalations.clock, clock)))
    .orderBy(escalations.dueAt);
  return rows.map((r) => ({ kind: r.kind, level: r.level, dueAt: r.dueAt.getTime(), firedAt: r.firedAt.getTime() }));
}

/** The threshold rows once `n` are written (the state marks a threshold fired before its row is recorded). */
function thresholdsWritten(caseNo: string, clock: string, n: number) {
  return eventually(
    `${n} ${clock} threshold rows for ${caseNo}`,
    async () => {
      const rows = await thresholds(caseNo, clock);
      return rows.length >= n ? rows : undefined;
    },
    20_000,
    50,
  );
}

/** Sleeps on the test server until `at` (server time). */
async function sleepUntil(at: number) {
  await t.env.sleep(at - (await t.env.currentTimeMs()));
}

async function onSite(h: CaseHandle) {
  await h.executeUpdate(defs.assignEngineer, { args: [dispatcher, { engineerId: 'E001' }] });
  await h.executeUpdate(defs.recordContact, { args: [engineer, { confirmedAddress: 'x', diagnosis: 'y', partsToBring: [] }] });
  const start = new Date((await t.env.currentTimeMs()) + 3 * 86_400_000 + Math.floor(Math.random() * 1e4) * 3_600_000);
  await h.executeUpdate(defs.bookAppointment, { args: [engineer, { start: start.toISOString(), end: new Date(start.getTime() + 3_600_000).toISOString() }] });
  await h.executeUpdate(defs.checkIn, { args: [engineer, {}] });
}

describe('priority change', () => {
  test('P3 → P1 after a customer-wait pause: the resolution warning fires at start + 360 min + paused time, not before', async () => {
    const { caseNo, handle } = await t.openCase({ priority: 'P3' });
    await stageIs(handle, 'manual_dispatch');
    await onSite(handle);
    // Only the resolution clock still runs on site; the quote makes it wait for the customer.
    await handle.executeUpdate(defs.submitQuote, {
      args: [engineer, { lines: [{ kind: 'labour', description: '维修', quantity: 1, unitPrice: 100 }], currency: 'CNY' }],
    });
    await t.env.sleep(60 * M);
    await handle.executeUpdate(defs.decideQuote, { args: [agent, { approve: true }] });
    await t.env.sleep(30 * M);
    await handle.executeUpdate(defs.changePriority, { args: [supervisor, { priority: 'P1', reason: '客户为医院，升级处理' }] });
    // The Update answers with the receipt (no clocks); the state query has them.
    const after = await handle.query(defs.getCaseState);

    const events = await eventsOf(t.db, caseNo);
    const opened = events[0]!.occurredAt.getTime();
    const pausedAt = events.find((e) => e.type === 'quote.submitted')!.occurredAt.getTime();
    const resumedAt = events.find((e) => e.type === 'quote.approved')!.occurredAt.getTime();
    const paused = resumedAt - pausedAt;
    expect(paused).toBeGreaterThanOrEqual(60 * M);
    const changed = events.find((e) => e.type === 'priority.changed')!;
    expect([changed.actorRole, changed.actorSubject, changed.data]).toEqual([
      'supervisor',
      'S01',
      { priority: { from: 'P3', to: 'P1' }, reason: '客户为医院，升级处理' },
    ]);
    expect(after.priority).toBe('P1');
    // P1 runs 24x7 from the clock's start; the pause is counted in wall time now.
    expect(after.sla.clocks.find((c) => c.clock === 'resolution' && c.stoppedAt === undefined)).toMatchObject({
      startedAt: opened,
      targetMs: 480 * M,
      mode: '24x7',
      pausedMs: paused,
    });

    const warningDue = opened + 360 * M + paused;
    await sleepUntil(warningDue - M);
    expect(await thresholds(caseNo, 'resolution')).toEqual([]);
    await t.env.sleep(2 * M);
    await until(handle, (s) => s.sla.clocks.some((c) => c.clock === 'resolution' && c.fired.includes('warning')), 'resolution warning');
    const [warning] = await thresholdsWritten(caseNo, 'resolution', 1);
    expect(warning).toMatchObject({ kind: 'warning', level: 0, dueAt: warningDue });
    expect(warning!.firedAt - warningDue).toBeGreaterThanOrEqual(0);
    expect(warning!.firedAt - warningDue).toBeLessThan(ON_TIME_MS);
  });

  test('a deadline already past under the new target escalates at once; the next level at its instant', async () => {
    // P3 dispatch: 30 working minutes. Nobody serves the region: the case waits in the manual queue.
    const { caseNo, handle } = await t.openCase({ priority: 'P3' });
    await stageIs(handle, 'manual_dispatch');
    await t.env.sleep(12 * M);
    expect(await thresholds(caseNo, 'dispatch')).toEqual([]);
    await handle.executeUpdate(defs.changePriority, { args: [agent, { priority: 'P1', reason: '燃气热水器漏气' }] });
    // P1 dispatch: 10 min from the start, 24x7: the warning (7.5) and level 1 (10) are past.
    await until(handle, (s) => s.sla.clocks.find((c) => c.clock === 'dispatch')!.fired.length === 2, 'warning and level 1');
    const events = await eventsOf(t.db, caseNo);
    const opened = events[0]!.occurredAt.getTime();
    const changedAt = events.find((e) => e.type === 'priority.changed')!.occurredAt.getTime();
    const fired = await thresholdsWritten(caseNo, 'dispatch', 2);
    expect(fired.map((r) => [r.kind, r.level, r.dueAt - opened])).toEqual([
      ['warning', 0, 7.5 * M],
      ['escalation', 1, 10 * M],
    ]);
    for (const r of fired) expect(r.firedAt - changedAt).toBeGreaterThanOrEqual(0);
    for (const r of fired) expect(r.firedAt - changedAt).toBeLessThan(ON_TIME_MS);
    // Level 2 (150%) is 15 min after the start: not a moment before.
    await sleepUntil(opened + 15 * M - 30_000);
    expect((await thresholds(caseNo, 'dispatch')).length).toBe(2);
    await t.env.sleep(M);
    await until(handle, (s) => s.sla.clocks.find((c) => c.clock === 'dispatch')!.fired.includes('L2'), 'level 2');
    const level2 = (await thresholdsWritten(caseNo, 'dispatch', 3))[2]!;
    expect([level2.kind, level2.level, level2.dueAt - opened]).toEqual(['escalation', 2, 15 * M]);
    expect(level2.firedAt - level2.dueAt).toBeGreaterThanOrEqual(0);
    expect(level2.firedAt - level2.dueAt).toBeLessThan(ON_TIME_MS);
  });

  test('the same priority is refused with the stage, and changes nothing', async () => {
    const { caseNo, handle } = await t.openCase({ priority: 'P2' });
    await stageIs(handle, 'manual_dispatch');
    const before = await stateOf(handle);
    const failure = await handle.executeUpdate(defs.changePriority, { args: [agent, { priority: 'P2', reason: '再次确认' }] }).then(
      () => undefined,
      (err: { cause?: { type?: string; message?: string; details?: unknown[] } }) => err.cause,
    );
    expect([failure?.type, failure?.message, failure?.details]).toEqual([
      defs.FAILURE.unchanged,
      `case ${caseNo} is already P2`,
      [{ currentStage: 'manual_dispatch' }],
    ]);
    expect(await stateOf(handle)).toEqual(before);
    expect((await eventsOf(t.db, caseNo)).some((e) => e.type === 'priority.changed')).toBe(false);
  });
});
