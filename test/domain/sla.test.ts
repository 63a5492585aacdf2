import fs from 'node:fs';
import path from 'node:path';
import { slaTableMarkdown } from '../../scripts/slaTable';
// SLA arithmetic alone: business hours across weekends, holidays and make-up days; the
// clock model's thresholds, pauses and re-targeting.
import {
  addWorkingMs,
  DEFAULT_SLA_POLICY,
  elapsedMs,
  nextDue,
  pauseClock,
  resumeClock,
  retargetClock,
  startClock,
  stopClock,
  workingMsBetween,
  type BusinessCalendar,
} from '../../domain/sla';

const H = 3_600_000;
const M = 60_000;
const cal: BusinessCalendar = { ...DEFAULT_SLA_POLICY.calendar, holidays: ['2026-12-25'], makeupWorkdays: ['2026-12-27'] };
/** Shanghai local time (UTC+8) as epoch ms. */
const sh = (local: string) => Date.parse(`${local}+08:00`);

describe('business hours (Mon-Fri 09:00-18:00, UTC+8)', () => {
  test('inside one working day', () => {
    expect(addWorkingMs(sh('2026-11-23T10:00:00'), 2 * H, 'business', cal)).toBe(sh('2026-11-23T12:00:00'));
    expect(workingMsBetween(sh('2026-11-23T08:00:00'), sh('2026-11-23T20:00:00'), 'business', cal)).toBe(9 * H);
  });

  test('across a weekend: Friday 17:00 + 2 working hours is Monday 10:00', () => {
    expect(addWorkingMs(sh('2026-11-27T17:00:00'), 2 * H, 'business', cal)).toBe(sh('2026-11-30T10:00:00'));
    expect(workingMsBetween(sh('2026-11-27T17:00:00'), sh('2026-11-30T10:00:00'), 'business', cal)).toBe(2 * H);
  });

  test('a start outside hours begins at the next opening', () => {
    expect(addWorkingMs(sh('2026-11-28T23:00:00'), 30 * M, 'business', cal)).toBe(sh('2026-11-30T09:30:00'));
  });

  test('a holiday is skipped and a make-up Sunday is worked', () => {
    // Thu 24 Dec 17:00 + 3 h: 1 h on Thursday, Friday 25 is a holiday, Saturday off,
    // Sunday 27 a make-up workday → Sunday 11:00.
    expect(addWorkingMs(sh('2026-12-24T17:00:00'), 3 * H, 'business', cal)).toBe(sh('2026-12-27T11:00:00'));
    expect(workingMsBetween(sh('2026-12-24T00:00:00'), sh('2026-12-28T00:00:00'), 'business', cal)).toBe(18 * H);
  });

  test('24x7 is plain arithmetic', () => {
    expect(addWorkingMs(sh('2026-11-28T23:00:00'), 30 * M, '24x7', cal)).toBe(sh('2026-11-28T23:30:00'));
  });
});

describe('the clock model', () => {
  const policy = { ...DEFAULT_SLA_POLICY, calendar: cal };
  const t0 = sh('2026-11-23T10:00:00');

  test('thresholds fall at 75%, 100%, 150% and 200% of the target, in order', () => {
    const c = startClock('dispatch', 0, t0, 'P1', policy); // 10 min, 24x7
    const seen: Array<[string, number]> = [];
    for (let due = nextDue(c, policy); due; due = nextDue(c, policy)) {
      seen.push([due.threshold.key, (due.at - t0) / M]);
      c.fired.push(due.threshold.key);
    }
    expect(seen).toEqual([
      ['warning', 7.5],
      ['L1', 10],
      ['L2', 15],
      ['L3', 20],
    ]);
  });

  test('paused time does not count and moves the deadlines', () => {
    const c = startClock('resolution', 0, t0, 'P1', policy); // 480 min
    pauseClock(c, t0 + 60 * M);
    expect(nextDue(c, policy)).toBeUndefined();
    resumeClock(c, t0 + 100 * M, cal);
    expect(c.pausedMs).toBe(40 * M);
    expect(nextDue(c, policy)!.at).toBe(t0 + 360 * M + 40 * M);
    const result = stopClock(c, t0 + 200 * M, cal);
    expect(result).toEqual({ clock: 'resolution', cycle: 0, targetMs: 480 * M, actualMs: 160 * M, pausedMs: 40 * M, met: true });
  });

  test('a priority change keeps elapsed and paused time, and moves only the target', () => {
    const c = startClock('dispatch', 0, t0, 'P2', policy); // 20 min
    pauseClock(c, t0 + 5 * M);
    resumeClock(c, t0 + 8 * M, cal);
    retargetClock(c, 'P1', policy); // 10 min
    expect(c).toMatchObject({ startedAt: t0, pausedMs: 3 * M, targetMs: 10 * M });
    expect(elapsedMs(c, t0 + 12 * M, cal)).toBe(9 * M);
    expect(nextDue(c, policy)!.at).toBe(t0 + 7.5 * M + 3 * M);
  });

  test('business-hours clocks (P3) count only working time', () => {
    const c = startClock('dispatch', 0, sh('2026-11-27T17:45:00'), 'P3', policy); // 30 min, business
    // 15 min on Friday, then Monday 09:00 + 7.5 min → warning at 75% (22.5 min).
    expect(nextDue(c, policy)!.at).toBe(sh('2026-11-30T09:07:30'));
  });
});

test('the README SLA table is the one generated from DEFAULT_SLA_POLICY', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.split('<!-- sla-table:start -->')[1]!.split('<!-- sla-table:end -->')[0]!.trim();
  expect(section).toBe(slaTableMarkdown());
});
