// The complaint rules that are not the state machine (stageRules.test.ts): grades, the
// graded response standard, numbering.
import {
  autoComplaintNo,
  COMPLAINT_CATEGORIES,
  COMPLAINT_CLOCK_LABELS,
  COMPLAINT_CLOCKS,
  COMPLAINT_GRADES,
  COMPLAINT_NO_PATTERN,
  COMPLAINT_TRIGGERS,
  complaintPolicyOf,
  complaintTarget,
  complaintWorkflowId,
  DEFAULT_COMPLAINT_OWNER,
  DEFAULT_COMPLAINT_POLICY,
  formatComplaintNo,
  LOW_RATING_THRESHOLD,
  raisedGrade,
  startComplaintClock,
} from '../../domain/complaints';
import { DEFAULT_SLA_POLICY, type SlaPolicy } from '../../domain/sla';

const M = 60_000;
const H = 60 * M;

test('grades rise general → serious → critical, and critical stays critical', () => {
  expect(COMPLAINT_GRADES).toEqual(['general', 'serious', 'critical']);
  expect(raisedGrade('general')).toBe('serious');
  expect(raisedGrade('serious')).toBe('critical');
  expect(raisedGrade('critical')).toBe('critical');
});

test('the categories, triggers and clocks', () => {
  expect(COMPLAINT_CATEGORIES).toEqual(['service_attitude', 'repair_quality', 'timeliness', 'price_parts', 'other']);
  expect(COMPLAINT_TRIGGERS).toEqual(['low_rating', 'second_rework', 'callback_unsatisfied']);
  expect(COMPLAINT_CLOCKS).toEqual(['acknowledge', 'resolve']);
  expect(COMPLAINT_CLOCK_LABELS.acknowledge).toMatch(/^Acknowledge: /);
  expect(COMPLAINT_CLOCK_LABELS.resolve).toMatch(/^Resolve: /);
  expect(DEFAULT_COMPLAINT_OWNER).toBe('duty-supervisor');
  expect(LOW_RATING_THRESHOLD).toBe(2);
});

describe('graded response standard', () => {
  test('the default targets (README: 2 h / 48 h, 1 h / 24 h, 30 min / 8 h, around the clock)', () => {
    expect(complaintTarget(DEFAULT_SLA_POLICY, 'general', 'acknowledge')).toEqual({ targetMs: 2 * H, calendar: '24x7' });
    expect(complaintTarget(DEFAULT_SLA_POLICY, 'general', 'resolve')).toEqual({ targetMs: 48 * H, calendar: '24x7' });
    expect(complaintTarget(DEFAULT_SLA_POLICY, 'serious', 'acknowledge')).toEqual({ targetMs: 1 * H, calendar: '24x7' });
    expect(complaintTarget(DEFAULT_SLA_POLICY, 'serious', 'resolve')).toEqual({ targetMs: 24 * H, calendar: '24x7' });
    expect(complaintTarget(DEFAULT_SLA_POLICY, 'critical', 'acknowledge')).toEqual({ targetMs: 30 * M, calendar: '24x7' });
    expect(complaintTarget(DEFAULT_SLA_POLICY, 'critical', 'resolve')).toEqual({ targetMs: 8 * H, calendar: '24x7' });
  });

  test('a policy version saved before complaints existed uses the defaults', () => {
    const old: SlaPolicy = { ...DEFAULT_SLA_POLICY, complaints: undefined };
    expect(complaintPolicyOf(old)).toBe(DEFAULT_COMPLAINT_POLICY);
    expect(complaintTarget(old, 'serious', 'resolve')).toEqual({ targetMs: 24 * H, calendar: '24x7' });
  });

  test("a policy's own standard wins over the defaults", () => {
    const own: SlaPolicy = {
      ...DEFAULT_SLA_POLICY,
      complaints: {
        general: { calendar: 'business', acknowledgeMinutes: 240, resolveMinutes: 5 * 24 * 60 },
        serious: { calendar: '24x7', acknowledgeMinutes: 90, resolveMinutes: 36 * 60 },
        critical: { calendar: '24x7', acknowledgeMinutes: 15, resolveMinutes: 4 * 60 },
      },
    };
    expect(complaintTarget(own, 'general', 'acknowledge')).toEqual({ targetMs: 4 * H, calendar: 'business' });
    expect(complaintTarget(own, 'general', 'resolve')).toEqual({ targetMs: 120 * H, calendar: 'business' });
    expect(complaintTarget(own, 'critical', 'acknowledge')).toEqual({ targetMs: 15 * M, calendar: '24x7' });
  });

  test('a started clock carries its target, calendar, cycle and start, nothing fired or paused', () => {
    expect(startComplaintClock('resolve', 2, 1_000, 'serious', DEFAULT_SLA_POLICY)).toEqual({
      clock: 'resolve',
      cycle: 2,
      startedAt: 1_000,
      targetMs: 24 * H,
      mode: '24x7',
      pausedMs: 0,
      fired: [],
    });
  });
});

describe('complaint numbers', () => {
  test('CP-<yyyymmdd>-<6 digits>, from the UTC date', () => {
    expect(formatComplaintNo(new Date('2026-11-22T23:30:00Z'), 42)).toBe('CP-20261122-000042');
    expect(formatComplaintNo(new Date('2026-01-02T00:00:00Z'), 1234567)).toBe('CP-20260102-1234567');
  });

  test('an automatic complaint is named after its case and trigger', () => {
    expect(autoComplaintNo('CS-20261122-000123', 'low_rating')).toBe('CP-CS-20261122-000123-LR');
    expect(autoComplaintNo('CS-20261122-000123', 'second_rework')).toBe('CP-CS-20261122-000123-RW');
  });

  test('the pattern takes both kinds and nothing else', () => {
    for (const ok of ['CP-20261122-000042', 'CP-20261122-1234567', 'CP-CS-20261122-000123-LR', 'CP-CS-20261122-000123-RW', 'CP-CS-20261122-000123-CB']) {
      expect([ok, COMPLAINT_NO_PATTERN.test(ok)]).toEqual([ok, true]);
    }
    for (const bad of [
      'CP-2026112-000042',
      'CP-20261122-00042',
      'CS-20261122-000042',
      'CP-CS-20261122-000123-XX',
      'xCP-20261122-000042',
      'CP-20261122-000042x',
      'CP-CS-20261122-00012-LR',
      'CP-abcdefgh-000042',
    ]) {
      expect([bad, COMPLAINT_NO_PATTERN.test(bad)]).toEqual([bad, false]);
    }
  });

  test('workflow ids', () => {
    expect(complaintWorkflowId('CP-20261122-000042')).toBe('complaint-CP-20261122-000042');
  });
});
