// SLA rules beyond the arithmetic of test/domain/sla.test.ts: which stage starts and stops
// which clock, the threshold ladder, clock edge cases, priorities.
import {
  addWorkingMs,
  clockTransitions,
  CLOCKS,
  DEFAULT_SLA_POLICY,
  elapsedMs,
  ESCALATION_ACTIONS,
  nextDue,
  pauseClock,
  raisedPriority,
  resumeClock,
  slaPolicyFor,
  startClock,
  stopClock,
  thresholdsOf,
  workingMsBetween,
  type BusinessCalendar,
  type ClockName,
  type SlaClock,
  type SlaPolicy,
} from '../../domain/sla';
import type { Stage } from '../../domain/stages';

const M = 60_000;
const H = 60 * M;
const cal = DEFAULT_SLA_POLICY.calendar;
/** Shanghai local time (UTC+8) as epoch ms. */
const sh = (local: string) => Date.parse(`${local}+08:00`);

describe('which stage starts and stops which clock', () => {
  // prettier-ignore
  const TABLE: Array<[Stage | null, Stage, ClockName[], ClockName[]]> = [
    // from            to                        start                                           stop
    [null,              'accepted',              ['firstResponse', 'dispatch', 'resolution'],    []],
    [null,              'offered',               ['firstResponse', 'dispatch', 'resolution', 'engineerAcceptance'], []],
    ['accepted',        'offered',               ['engineerAcceptance'],                         []],
    ['offered',         'offered',               ['engineerAcceptance'],                         []],
    ['accepted',        'manual_dispatch',       [],                                             []],
    ['offered',         'dispatched',            ['customerContact', 'onSiteArrival'],           ['dispatch', 'engineerAcceptance']],
    ['manual_dispatch', 'dispatched',            ['customerContact', 'onSiteArrival'],           ['dispatch', 'engineerAcceptance']],
    ['dispatched',      'contacted',             [],                                             ['firstResponse', 'customerContact']],
    ['contacted',       'scheduled',             [],                                             []],
    ['scheduled',       'on_site',               [],                                             ['onSiteArrival']],
    ['on_site',         'awaiting_approval',     [],                                             []],
    ['on_site',         'awaiting_parts',        [],                                             []],
    ['on_site',         'awaiting_confirmation', [],                                             ['resolution']],
    ['on_site',         'escalated',             [],                                             []],
    ['awaiting_confirmation', 'archived',        [],                                             []],
    ['scheduled',       'cancelled',             [],                                             []],
  ];
  test.each(TABLE)('%s → %s', (from, to, start, stop) => {
    expect(clockTransitions(from, to)).toEqual({ start, stop });
  });
});

test('the six clocks and the escalation actions', () => {
  expect(CLOCKS).toEqual(['firstResponse', 'dispatch', 'engineerAcceptance', 'customerContact', 'onSiteArrival', 'resolution']);
  expect(ESCALATION_ACTIONS).toEqual(['notify_supervisor', 'notify_manager', 'raise_priority', 'force_redispatch', 'ops_action']);
});

test('a level-2 escalation raises the priority one step, P1 stays P1', () => {
  expect(raisedPriority('P4')).toBe('P3');
  expect(raisedPriority('P3')).toBe('P2');
  expect(raisedPriority('P2')).toBe('P1');
  expect(raisedPriority('P1')).toBe('P1');
});

test('targets and calendars per priority and clock', () => {
  expect(slaPolicyFor(DEFAULT_SLA_POLICY, 'P1', 'dispatch')).toEqual({ targetMs: 10 * M, calendar: '24x7' });
  expect(slaPolicyFor(DEFAULT_SLA_POLICY, 'P4', 'onSiteArrival')).toEqual({ targetMs: 36 * H, calendar: 'business' });
});

describe('thresholds', () => {
  test('the default ladder: warning at 75%, then levels 1-3 with their actions', () => {
    expect(thresholdsOf(DEFAULT_SLA_POLICY)).toEqual([
      { key: 'warning', kind: 'warning', level: 0, fraction: 0.75, actions: [] },
      { key: 'L1', kind: 'escalation', level: 1, fraction: 1, actions: ['notify_supervisor'] },
      { key: 'L2', kind: 'escalation', level: 2, fraction: 1.5, actions: ['notify_manager', 'raise_priority'] },
      { key: 'L3', kind: 'escalation', level: 3, fraction: 2, actions: ['force_redispatch', 'ops_action'] },
    ]);
  });

  test('they come in the order they fall due, whatever the order of the ladder', () => {
    const policy: SlaPolicy = {
      ...DEFAULT_SLA_POLICY,
      warningAt: 0.5,
      ladder: [
        { level: 2, atFraction: 3, actions: ['notify_manager'] },
        { level: 1, atFraction: 1.2, actions: ['notify_supervisor'] },
      ],
    };
    expect(thresholdsOf(policy).map((t) => [t.key, t.fraction])).toEqual([
      ['warning', 0.5],
      ['L1', 1.2],
      ['L2', 3],
    ]);
  });
});

test('a started clock: its target and calendar from the policy, nothing paused or fired', () => {
  expect(startClock('onSiteArrival', 1, 5_000, 'P3', DEFAULT_SLA_POLICY)).toEqual({
    clock: 'onSiteArrival',
    cycle: 1,
    startedAt: 5_000,
    targetMs: 18 * H,
    mode: 'business',
    pausedMs: 0,
    fired: [],
  });
});

describe('clock edge cases', () => {
  const t0 = sh('2026-11-23T10:00:00');
  const fresh = (): SlaClock => startClock('dispatch', 0, t0, 'P1', DEFAULT_SLA_POLICY); // 10 min, 24x7

  test('elapsed time runs to now, to the pause, or to the stop', () => {
    const c = fresh();
    expect(elapsedMs(c, t0 + 4 * M, cal)).toBe(4 * M);
    pauseClock(c, t0 + 5 * M);
    expect(elapsedMs(c, t0 + 60 * M, cal)).toBe(5 * M);
    resumeClock(c, t0 + 7 * M, cal);
    expect(elapsedMs(c, t0 + 9 * M, cal)).toBe(7 * M);
    stopClock(c, t0 + 10 * M, cal);
    expect(elapsedMs(c, t0 + 99 * M, cal)).toBe(8 * M);
  });

  test('a second pause keeps the first start; pausing a stopped clock does nothing', () => {
    const c = fresh();
    pauseClock(c, t0 + 1 * M);
    pauseClock(c, t0 + 3 * M);
    expect(c.pausedSince).toBe(t0 + 1 * M);
    const d = fresh();
    stopClock(d, t0 + 2 * M, cal);
    pauseClock(d, t0 + 3 * M);
    expect(d.pausedSince).toBeUndefined();
  });

  test('resuming a clock that is not paused changes nothing', () => {
    const c = fresh();
    resumeClock(c, t0 + 5 * M, cal);
    expect(c).toEqual(fresh());
  });

  test('stopping a paused clock ends the pause first; late is not met', () => {
    const c = fresh();
    pauseClock(c, t0 + 2 * M);
    const r = stopClock(c, t0 + 6 * M, cal);
    expect(r).toEqual({ clock: 'dispatch', cycle: 0, targetMs: 10 * M, actualMs: 2 * M, pausedMs: 4 * M, met: true });
    expect(c).toMatchObject({ stoppedAt: t0 + 6 * M, pausedSince: undefined });
    const late = stopClock(fresh(), t0 + 10 * M + 1, cal);
    expect(late.met).toBe(false);
    expect(stopClock(fresh(), t0 + 10 * M, cal).met).toBe(true);
  });

  test('nothing falls due on a stopped, paused or fully fired clock', () => {
    const stopped = fresh();
    stopClock(stopped, t0 + M, cal);
    expect(nextDue(stopped, DEFAULT_SLA_POLICY)).toBeUndefined();
    const paused = fresh();
    pauseClock(paused, t0 + M);
    expect(nextDue(paused, DEFAULT_SLA_POLICY)).toBeUndefined();
    const done = fresh();
    done.fired.push('warning', 'L1', 'L2', 'L3');
    expect(nextDue(done, DEFAULT_SLA_POLICY)).toBeUndefined();
    const some = fresh();
    some.fired.push('warning', 'L1');
    expect(nextDue(some, DEFAULT_SLA_POLICY)).toMatchObject({ threshold: { key: 'L2' }, at: t0 + 15 * M });
  });

  test('a fractional threshold rounds up to the next millisecond', () => {
    const c: SlaClock = { ...fresh(), targetMs: 5 }; // 75% of 5 ms = 3.75 ms
    expect(nextDue(c, DEFAULT_SLA_POLICY)!.at).toBe(t0 + 4);
  });
});

describe('business hours, more edges', () => {
  test('no time between an instant and itself or an earlier one', () => {
    const t = sh('2026-11-23T10:00:00');
    expect(workingMsBetween(t, t, 'business', cal)).toBe(0);
    expect(workingMsBetween(t, t - H, 'business', cal)).toBe(0);
    expect(workingMsBetween(t, t - H, '24x7', cal)).toBe(0);
    expect(workingMsBetween(t - H, t, '24x7', cal)).toBe(H);
    // Around the clock counts nights and weekends too.
    expect(workingMsBetween(sh('2026-11-28T00:00:00'), sh('2026-11-29T00:00:00'), '24x7', cal)).toBe(24 * H);
  });

  test('a weekend counts nothing, a weekday its nine hours, partial days their part', () => {
    expect(workingMsBetween(sh('2026-11-28T00:00:00'), sh('2026-11-30T00:00:00'), 'business', cal)).toBe(0);
    expect(workingMsBetween(sh('2026-11-23T00:00:00'), sh('2026-11-24T00:00:00'), 'business', cal)).toBe(9 * H);
    expect(workingMsBetween(sh('2026-11-23T17:30:00'), sh('2026-11-24T09:30:00'), 'business', cal)).toBe(H);
  });

  test('a start at the close moves to the next opening; a start at the opening stays', () => {
    expect(addWorkingMs(sh('2026-11-23T18:00:00'), 30 * M, 'business', cal)).toBe(sh('2026-11-24T09:30:00'));
    expect(addWorkingMs(sh('2026-11-23T20:00:00'), 30 * M, 'business', cal)).toBe(sh('2026-11-24T09:30:00'));
    expect(addWorkingMs(sh('2026-11-23T09:00:00'), 9 * H, 'business', cal)).toBe(sh('2026-11-23T18:00:00'));
    expect(addWorkingMs(sh('2026-11-23T09:00:00'), 9 * H + 1, 'business', cal)).toBe(sh('2026-11-24T09:00:00') + 1);
  });

  test('holidays in the default calendar are skipped (National Day week 2026)', () => {
    // Wed 30 Sep 17:00 + 2 h: 1 h on the 30th; 1-7 Oct are holidays or the weekend
    // (3, 4 Oct); Thu 8 Oct opens at 09:00 → 10:00.
    expect(addWorkingMs(sh('2026-09-30T17:00:00'), 2 * H, 'business', cal)).toBe(sh('2026-10-08T10:00:00'));
  });

  test('a calendar west of UTC and with minutes in its hours', () => {
    const ny: BusinessCalendar = { utcOffsetMinutes: -300, workdays: [1, 2, 3, 4, 5], open: '08:30', close: '17:15', holidays: [], makeupWorkdays: [] };
    const nyt = (local: string) => Date.parse(`${local}-05:00`);
    expect(addWorkingMs(nyt('2026-11-27T17:00:00'), 30 * M, 'business', ny)).toBe(nyt('2026-11-30T08:45:00'));
    expect(workingMsBetween(nyt('2026-11-23T00:00:00'), nyt('2026-11-24T00:00:00'), 'business', ny)).toBe(8 * H + 45 * M);
  });

  test('local days start at local midnight, east and west of UTC', () => {
    // Open from midnight east of UTC: the first hours of a local day are still that day.
    const east: BusinessCalendar = { utcOffsetMinutes: 480, workdays: [1, 2, 3, 4, 5], open: '00:00', close: '12:00', holidays: [], makeupWorkdays: [] };
    expect(workingMsBetween(sh('2026-11-23T00:00:00'), sh('2026-11-23T06:00:00'), 'business', east)).toBe(6 * H);
    // Open late west of UTC: the evening of a local day is already the next day in UTC.
    const west: BusinessCalendar = { utcOffsetMinutes: -300, workdays: [1, 2, 3, 4, 5], open: '08:00', close: '23:00', holidays: [], makeupWorkdays: [] };
    const nyt = (local: string) => Date.parse(`${local}-05:00`);
    expect(addWorkingMs(nyt('2026-11-23T20:00:00'), H, 'business', west)).toBe(nyt('2026-11-23T21:00:00'));
    expect(workingMsBetween(nyt('2026-11-23T20:00:00'), nyt('2026-11-23T22:00:00'), 'business', west)).toBe(2 * H);
  });

  test('the search for working time gives up after ten years (3660 days)', () => {
    const start = Date.parse('2026-01-01T00:00:00Z');
    const dayOf = (n: number) => new Date(start + n * 86_400_000).toISOString().slice(0, 10);
    const only = (n: number): BusinessCalendar => ({
      utcOffsetMinutes: 0,
      workdays: [],
      open: '09:00',
      close: '10:00',
      holidays: [],
      makeupWorkdays: [dayOf(n)],
    });
    expect(addWorkingMs(start, M, 'business', only(3659))).toBe(Date.parse(`${dayOf(3659)}T09:01:00Z`));
    expect(() => addWorkingMs(start, M, 'business', only(3660))).toThrow(/no working time/);
  });

  test('a calendar without working days is an error, not an endless loop', () => {
    const never: BusinessCalendar = { ...cal, workdays: [], makeupWorkdays: [] };
    expect(() => addWorkingMs(sh('2026-11-23T10:00:00'), M, 'business', never)).toThrow(/no working time/);
  });
});
