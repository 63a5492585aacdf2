// The case and complaint state machines against hand-written tables
// (test/support/stageTables.ts): every stage × action pair, legal or illegal.
import {
  ACTION_FROM,
  ACTIONS,
  canPerform,
  CHECK_OUT_RESULTS,
  CLOSED_STAGES,
  CUSTOMER_WAIT_STAGES,
  ENGINEER_OWN_ACTIONS,
  isOpenStage,
  OPEN_STAGES,
  STAGE_LABELS,
  stageAfterCheckOut,
  STAGES,
  type CaseAction,
  type Stage,
} from '../../domain/stages';
import {
  canPerformComplaint,
  CLOSED_COMPLAINT_STAGES,
  COMPLAINT_ACTION_FROM,
  COMPLAINT_ACTIONS,
  COMPLAINT_STAGE_LABELS,
  COMPLAINT_STAGES,
  isOpenComplaintStage,
  type ComplaintAction,
  type ComplaintStage,
} from '../../domain/complaints';
import { ALL_ACTIONS, ALL_COMPLAINT_ACTIONS, ALL_COMPLAINT_STAGES, ALL_STAGES, CASE_LEGAL, COMPLAINT_LEGAL } from '../support/stageTables';

const pairs = <S, A>(stages: readonly S[], actions: readonly A[]) => stages.flatMap((s) => actions.map((a) => [s, a] as const));
const verdict = (legal: boolean) => (legal ? 'legal' : 'illegal');

describe('case stages', () => {
  test('the stages and actions are the ones the tables know', () => {
    expect(STAGES).toEqual(ALL_STAGES);
    expect(ACTIONS).toEqual(ALL_ACTIONS);
    expect(Object.keys(ACTION_FROM).sort()).toEqual([...ALL_ACTIONS].sort());
  });

  test.each(pairs(ALL_STAGES, ALL_ACTIONS))('from %s, %s is as the table says', (stage: Stage, action: CaseAction) => {
    const expected = verdict(CASE_LEGAL[stage].includes(action));
    expect(`${action} from ${stage}: ${verdict(canPerform(action, stage))}`).toBe(`${action} from ${stage}: ${expected}`);
    expect(`${action} from ${stage}: ${verdict(ACTION_FROM[action].includes(stage))}`).toBe(`${action} from ${stage}: ${expected}`);
  });

  test('each action is listed once per stage in ACTION_FROM', () => {
    for (const action of ALL_ACTIONS) expect(new Set(ACTION_FROM[action]).size).toBe(ACTION_FROM[action].length);
  });

  test('the walk-through: a booked visit comes before check-in, never straight from contact', () => {
    expect(canPerform('checkIn', 'contacted')).toBe(false);
    expect(canPerform('checkIn', 'dispatched')).toBe(false);
    expect(canPerform('checkIn', 'scheduled')).toBe(true);
    expect(canPerform('checkOut', 'scheduled')).toBe(false);
    expect(canPerform('assign', 'on_site')).toBe(false);
    expect(canPerform('cancel', 'archived')).toBe(false);
  });

  test('open and closed stages', () => {
    expect([...CLOSED_STAGES].sort()).toEqual(['archived', 'cancelled']);
    expect(OPEN_STAGES).toEqual([
      'accepted',
      'offered',
      'manual_dispatch',
      'dispatched',
      'contacted',
      'scheduled',
      'on_site',
      'awaiting_approval',
      'awaiting_parts',
      'awaiting_confirmation',
      'escalated',
    ]);
    const open = ALL_STAGES.filter((s) => isOpenStage(s));
    expect(open).toEqual(OPEN_STAGES);
    expect(isOpenStage('archived')).toBe(false);
    expect(isOpenStage('cancelled')).toBe(false);
    expect(isOpenStage('accepted')).toBe(true);
  });

  test('check-out leads to confirmation, parts or a supervisor', () => {
    expect(CHECK_OUT_RESULTS).toEqual(['fixed', 'needs_parts', 'cannot_fix']);
    expect(stageAfterCheckOut('fixed')).toBe('awaiting_confirmation');
    expect(stageAfterCheckOut('needs_parts')).toBe('awaiting_parts');
    expect(stageAfterCheckOut('cannot_fix')).toBe('escalated');
  });

  test('the SLA clocks pause only while the customer decides a quote', () => {
    expect(CUSTOMER_WAIT_STAGES).toEqual(['awaiting_approval']);
  });

  test('the actions an engineer may do only on their own case', () => {
    expect([...ENGINEER_OWN_ACTIONS].sort()).toEqual(
      ['acceptOffer', 'declineOffer', 'recordContact', 'appointment', 'noShow', 'checkIn', 'diagnose', 'quote', 'checkOut'].sort(),
    );
  });

  test('every stage has its own, non-empty label', () => {
    const labels = ALL_STAGES.map((s) => STAGE_LABELS[s]);
    for (const l of labels) expect(l).toMatch(/\S{3}/);
    expect(new Set(labels).size).toBe(ALL_STAGES.length);
  });
});

describe('complaint stages', () => {
  test('the stages and actions are the ones the tables know', () => {
    expect(COMPLAINT_STAGES).toEqual(ALL_COMPLAINT_STAGES);
    expect(COMPLAINT_ACTIONS).toEqual(ALL_COMPLAINT_ACTIONS);
    expect(Object.keys(COMPLAINT_ACTION_FROM).sort()).toEqual([...ALL_COMPLAINT_ACTIONS].sort());
  });

  test.each(pairs(ALL_COMPLAINT_STAGES, ALL_COMPLAINT_ACTIONS))('from %s, %s is as the table says', (stage: ComplaintStage, action: ComplaintAction) => {
    const expected = verdict(COMPLAINT_LEGAL[stage].includes(action));
    expect(`${action} from ${stage}: ${verdict(canPerformComplaint(action, stage))}`).toBe(`${action} from ${stage}: ${expected}`);
  });

  test('open and closed stages', () => {
    expect([...CLOSED_COMPLAINT_STAGES].sort()).toEqual(['closed', 'withdrawn']);
    expect(ALL_COMPLAINT_STAGES.filter((s) => isOpenComplaintStage(s))).toEqual([
      'received',
      'acknowledged',
      'investigating',
      'resolution_proposed',
      'customer_confirmed',
      'callback_verified',
    ]);
  });

  test('every stage has its own, non-empty label', () => {
    const labels = ALL_COMPLAINT_STAGES.map((s) => COMPLAINT_STAGE_LABELS[s]);
    for (const l of labels) expect(l).toMatch(/\S{3}/);
    expect(new Set(labels).size).toBe(ALL_COMPLAINT_STAGES.length);
  });
});
