// A priority change as ServiceNow's retroactive start (domain/sla.ts retargetClock): the
// clock keeps its start and paused time, takes the new target and calendar, and its
// deadline is start + new target + paused time. Every expected instant is written out.
import { DEFAULT_SLA_POLICY, dueAt, elapsedMs, nextDue, pauseClock, resumeClock, retargetClock, startClock, type SlaPolicy } from '../../domain/sla';

const M = 60_000;
const H = 60 * M;
const policy: SlaPolicy = { ...DEFAULT_SLA_POLICY, calendar: { ...DEFAULT_SLA_POLICY.calendar, holidays: [], makeupWorkdays: [] } };
const cal = policy.calendar;
/** Shanghai local time (UTC+8) as epoch ms. 2026-11-23 is a Monday, 2026-11-27 a Friday. */
const sh = (local: string) => Date.parse(`${local}+08:00`);

describe('retroactive start, 24x7 to 24x7 (P2 → P1)', () => {
  const t0 = sh('2026-11-28T22:00:00'); // a Saturday night: 24x7 clocks do not care

  test('elapsed time is kept: the new deadline counts from the start, not from the change', () => {
    const c = startClock('resolution', 0, t0, 'P2', policy); // 1440 min
    retargetClock(c, 'P1', policy); // at t0 + 2 h: 480 min
    expect(c).toMatchObject({ startedAt: t0, targetMs: 480 * M, mode: '24x7', pausedMs: 0 });
    expect(elapsedMs(c, t0 + 2 * H, cal)).toBe(2 * H);
    expect(dueAt(c, 1, cal)).toBe(t0 + 8 * H);
    expect(nextDue(c, policy)).toMatchObject({ threshold: { key: 'warning' }, at: t0 + 6 * H });
  });

  test('paused time is kept: the deadline moves by the time paused so far', () => {
    const c = startClock('resolution', 0, t0, 'P2', policy);
    pauseClock(c, t0 + 1 * H);
    resumeClock(c, t0 + 2.5 * H, cal);
    retargetClock(c, 'P1', policy);
    expect(c.pausedMs).toBe(1.5 * H);
    expect(dueAt(c, 1, cal)).toBe(t0 + 8 * H + 1.5 * H);
    expect(elapsedMs(c, t0 + 3 * H, cal)).toBe(1.5 * H);
  });

  test('a change while paused: the pause goes on and is counted when it ends', () => {
    const c = startClock('resolution', 0, t0, 'P2', policy);
    pauseClock(c, t0 + 1 * H);
    retargetClock(c, 'P1', policy);
    expect(nextDue(c, policy)).toBeUndefined();
    resumeClock(c, t0 + 4 * H, cal);
    expect(dueAt(c, 1, cal)).toBe(t0 + 11 * H);
  });
});

describe('retroactive start across calendars', () => {
  test('P3 (business hours) raised to P1 runs 24x7 from its start: a past deadline is due at once', () => {
    // Friday 17:45: 15 working minutes before the weekend.
    const start = sh('2026-11-27T17:45:00');
    const c = startClock('dispatch', 0, start, 'P3', policy); // 30 min, business
    expect(nextDue(c, policy)!.at).toBe(sh('2026-11-30T09:07:30')); // before: Monday
    retargetClock(c, 'P1', policy); // on Saturday 10:00: 10 min, 24x7
    expect(c).toMatchObject({ mode: '24x7', targetMs: 10 * M, startedAt: start });
    expect(dueAt(c, 1, cal)).toBe(sh('2026-11-27T17:55:00'));
    // Already past on Saturday: the warning is due at once, the levels follow in order.
    expect(nextDue(c, policy)!.at).toBeLessThan(sh('2026-11-28T10:00:00'));
    expect(elapsedMs(c, sh('2026-11-28T10:00:00'), cal)).toBe(16.25 * H);
  });

  test('a pause is measured again in the new calendar', () => {
    const start = sh('2026-11-23T10:00:00'); // Monday
    const c = startClock('resolution', 0, start, 'P3', policy); // 2160 working minutes
    pauseClock(c, sh('2026-11-23T17:00:00'));
    resumeClock(c, sh('2026-11-24T10:00:00'), cal);
    expect(c.pausedMs).toBe(2 * H); // Monday 17-18 and Tuesday 9-10
    retargetClock(c, 'P1', policy); // 480 min, 24x7
    expect(c.pausedMs).toBe(17 * H);
    expect(dueAt(c, 1, cal)).toBe(start + 8 * H + 17 * H);
    expect(elapsedMs(c, sh('2026-11-24T10:00:00'), cal)).toBe(7 * H);
  });

  test('lowered to P4 (business hours): the deadline counts working time from the start', () => {
    const start = sh('2026-11-27T17:00:00'); // Friday
    const c = startClock('resolution', 0, start, 'P1', policy);
    retargetClock(c, 'P4', policy); // 4320 working minutes = 72 working hours
    expect(c.mode).toBe('business');
    // Friday 1 h, then 8 weekdays × 9 h = 72 h would end the 9th working day: Wednesday 9 Dec, 17:00.
    expect(dueAt(c, 1, cal)).toBe(sh('2026-12-09T17:00:00'));
  });

  test('business to business (P4 → P3) keeps the calendar: Friday 17:00 + 36 working hours is Thursday 17:00', () => {
    const c = startClock('resolution', 0, sh('2026-11-27T17:00:00'), 'P4', policy);
    retargetClock(c, 'P3', policy);
    expect(c).toMatchObject({ mode: 'business', targetMs: 2160 * M });
    expect(dueAt(c, 1, cal)).toBe(sh('2026-12-03T17:00:00'));
  });

  test('paused time counted before pauses were kept stays as it was counted', () => {
    const start = sh('2026-11-23T10:00:00');
    const c = startClock('resolution', 0, start, 'P3', policy);
    c.pausedMs = 30 * M; // an older run's pause, no interval kept
    pauseClock(c, sh('2026-11-23T17:00:00'));
    resumeClock(c, sh('2026-11-24T10:00:00'), cal);
    expect(c.pausedMs).toBe(30 * M + 2 * H);
    retargetClock(c, 'P1', policy);
    expect(c.pausedMs).toBe(30 * M + 17 * H);
  });

  test('without switchCalendar (runs before the patch) the clock keeps its calendar', () => {
    const c = startClock('dispatch', 0, sh('2026-11-27T17:55:00'), 'P3', policy); // Friday, 5 working minutes left
    retargetClock(c, 'P1', policy, false);
    expect(c).toMatchObject({ mode: 'business', targetMs: 10 * M });
    expect(dueAt(c, 1, cal)).toBe(sh('2026-11-30T09:05:00')); // not Friday 18:05
  });
});

describe('an already breached clock', () => {
  test('thresholds already fired stay fired; the next one, past under the new target, is due at once', () => {
    const t0 = sh('2026-11-23T10:00:00'); // Monday, inside working hours
    const c = startClock('dispatch', 0, t0, 'P3', policy); // 30 working minutes
    c.fired.push('warning', 'L1'); // fired at 10:22:30 and 10:30
    retargetClock(c, 'P1', policy); // at 10:40: 10 min 24x7
    const next = nextDue(c, policy)!;
    expect(next.threshold.key).toBe('L2');
    expect(next.at).toBe(t0 + 15 * M); // 150% of 10 min: already past at 10:40
    c.fired.push('L2');
    expect(nextDue(c, policy)).toMatchObject({ threshold: { key: 'L3' }, at: t0 + 20 * M });
  });
});
