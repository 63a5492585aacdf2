// The small domain modules: case numbers, the customer's view of the timeline, aftercare
// intervals, failure types, strict integers, search attributes.
import { z } from 'zod';
import { CALLBACK_AFTER_MINUTES, DEFAULT_MAINTENANCE_INTERVAL_DAYS, maintenanceIntervalDays } from '../../domain/aftercare';
import { CASE_NO_PATTERN, formatCaseNo, workflowIdFor } from '../../domain/caseNumber';
import { DEFAULT_REMINDER_POLICY } from '../../domain/caseState';
import { CUSTOMER_COMPLAINT_EVENT_LABELS, CUSTOMER_EVENT_LABELS, isCustomerVisible } from '../../domain/customerView';
import { FAILURE, UNFIXABLE_BY_RETRY } from '../../domain/failures';
import { searchAttributeCliSpecs } from '../../domain/searchAttributes';
import { MAX_PG_INT, strictInt } from '../../domain/strictInt';

describe('case numbers', () => {
  test('CS-<yyyymmdd>-<6 digits or more>, from the UTC date', () => {
    expect(formatCaseNo(new Date('2026-11-22T23:59:59Z'), 7)).toBe('CS-20261122-000007');
    expect(formatCaseNo(new Date('2026-03-01T00:00:00Z'), 1234567)).toBe('CS-20260301-1234567');
    expect(workflowIdFor('CS-20261122-000007')).toBe('case-CS-20261122-000007');
  });

  test('the pattern', () => {
    for (const ok of ['CS-20261122-000007', 'CS-20261122-1234567']) expect([ok, CASE_NO_PATTERN.test(ok)]).toEqual([ok, true]);
    for (const bad of ['CS-2026112-000007', 'CS-20261122-00007', 'CP-20261122-000007', 'xCS-20261122-000007', 'CS-20261122-000007x', 'CS-2026112a-000007']) {
      expect([bad, CASE_NO_PATTERN.test(bad)]).toEqual([bad, false]);
    }
  });
});

describe("the customer's view", () => {
  test('only these case events reach the customer, each with an English and a Chinese label', () => {
    expect(Object.keys(CUSTOMER_EVENT_LABELS).sort()).toEqual(
      [
        'case.opened',
        'offer.accepted',
        'engineer.assigned',
        'engineer.reassigned',
        'contact.recorded',
        'appointment.booked',
        'appointment.rescheduled',
        'visit.checked_in',
        'diagnosis.recorded',
        'quote.submitted',
        'quote.approved',
        'quote.rejected',
        'visit.checked_out',
        'case.confirmed',
        'case.rework',
        'case.cancelled',
      ].sort(),
    );
    for (const [type, l] of Object.entries(CUSTOMER_EVENT_LABELS)) {
      expect([type, l.en]).toEqual([type, expect.stringMatching(/^[A-Z][a-z]/)]);
      expect([type, l['zh-CN']]).toEqual([type, expect.stringMatching(/[\u4e00-\u9fff]/)]);
    }
    expect(isCustomerVisible('case.opened')).toBe(true);
    expect(isCustomerVisible('sla.escalation')).toBe(false);
    expect(isCustomerVisible('note.added')).toBe(false);
  });

  test('only these complaint events reach the customer', () => {
    expect(Object.keys(CUSTOMER_COMPLAINT_EVENT_LABELS).sort()).toEqual(
      [
        'complaint.opened',
        'complaint.acknowledged',
        'complaint.investigating',
        'complaint.resolution_proposed',
        'complaint.reopened',
        'complaint.customer_confirmed',
        'complaint.callback_verified',
        'complaint.closed',
        'complaint.withdrawn',
      ].sort(),
    );
    for (const [type, l] of Object.entries(CUSTOMER_COMPLAINT_EVENT_LABELS)) {
      expect([type, l.en]).toEqual([type, expect.stringMatching(/^[A-Z][a-z]/)]);
      expect([type, l['zh-CN']]).toEqual([type, expect.stringMatching(/[\u4e00-\u9fff]/)]);
    }
  });
});

test('reminders (README): the customer 24 h and 2 h before the visit, the engineer 1 h before and 10 min before the contact window lapses; confirmation at 24 h, auto-confirm at 72 h', () => {
  expect(DEFAULT_REMINDER_POLICY).toEqual({
    customerBeforeVisitMinutes: [1440, 120],
    engineerBeforeVisitMinutes: [60],
    contactBeforeLapseMinutes: 10,
    confirmationReminderMinutes: 1440,
    autoConfirmMinutes: 4320,
  });
});

test('aftercare: the callback a day after archive; maintenance per category, a year by default', () => {
  expect(CALLBACK_AFTER_MINUTES).toBe(1440);
  expect(DEFAULT_MAINTENANCE_INTERVAL_DAYS).toBe(365);
  expect(maintenanceIntervalDays('air_conditioner')).toBe(180);
  expect(maintenanceIntervalDays('water_heater')).toBe(365);
  expect(maintenanceIntervalDays('tv')).toBe(0);
  expect(maintenanceIntervalDays('dishwasher')).toBe(365);
});

test('failure types: names that running workflows and the API agree on', () => {
  expect(FAILURE).toEqual({
    illegalTransition: 'IllegalTransition',
    forbidden: 'Forbidden',
    slotConflict: 'SlotConflict',
    bookingRefused: 'BookingRefused',
    limitReached: 'LimitReached',
    invalid: 'InvalidRequest',
    unchanged: 'Unchanged',
  });
  expect(UNFIXABLE_BY_RETRY).toBe('UnfixableByRetry');
});

describe('strict integers', () => {
  const n = strictInt(-5, 100);
  test('decimal digits, an optional minus, within the bounds', () => {
    expect(n.parse('42')).toBe(42);
    expect(n.parse('-5')).toBe(-5);
    expect(n.parse('100')).toBe(100);
    expect(n.parse(7)).toBe(7);
    expect(z.object({ limit: strictInt(1, 10).default(3) }).parse({})).toEqual({ limit: 3 });
  });

  test.each(['0x10', '1e1', ' 5', '5 ', '5.0', '+5', '', '-', '101', '-6', 'five'])('%j is refused', (text) => {
    expect(n.safeParse(text).success).toBe(false);
  });

  test('the message says what is wanted', () => {
    const r = n.safeParse('5.0');
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toBe('an integer in decimal digits');
    expect(n.safeParse(5.5).success).toBe(false);
    // Only text is read as digits: an array, a boolean or null stays what it is and fails.
    for (const v of [[5], ['5'], true, null]) expect([v, n.safeParse(v).success]).toEqual([v, false]);
  });

  test('the largest PostgreSQL integer', () => {
    expect(MAX_PG_INT).toBe(2 ** 31 - 1);
  });
});

test('search attributes as the Temporal CLI spells them (README table)', () => {
  expect(searchAttributeCliSpecs()).toEqual([
    'CaseNo=Keyword',
    'CaseStage=Keyword',
    'Priority=Keyword',
    'AssignedEngineer=Keyword',
    'Region=Keyword',
    'SlaBreached=Bool',
    'EscalationLevel=Int',
    'NextDeadline=Datetime',
    'NeedsAttention=Bool',
    'ComplaintNo=Keyword',
    'ComplaintStage=Keyword',
    'ComplaintGrade=Keyword',
  ]);
});
