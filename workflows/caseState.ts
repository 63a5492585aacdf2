// The case's state as plain data, outside CaseCore: the state a run opens with (the
// dispatch policy with the case's overrides, its settings), the instant a change carries,
// and what several moves do to it (let go of the engineer, record a stopped clock). Deterministic.
import { patched, workflowInfo } from '@temporalio/workflow';
import {
  caseSettingsFrom,
  DEFAULT_DISPATCH_POLICY,
  DEFAULT_SLA_POLICY,
  type CaseState,
  type CaseWorkflowInput,
  type DispatchPolicy,
  type DispatchPolicyOverrides,
} from '../domain';
import { DUTY_ROUTING_PATCH } from './dutyRouting';

export function dispatchPolicyFrom(input?: DispatchPolicyOverrides): DispatchPolicy {
  return {
    ...DEFAULT_DISPATCH_POLICY,
    ...input,
    offerWindowMinutes: { ...DEFAULT_DISPATCH_POLICY.offerWindowMinutes, ...input?.offerWindowMinutes },
  };
}

export const now = () => new Date(Date.now()).toISOString();

/** A stopped clock's result as sla_results stores it. */
export function slaResultRecord(state: CaseState, r: CaseState['sla']['results'][number]) {
  return { ...r, caseNo: state.caseNo, workflowId: state.workflowId, priority: state.priority, policyVersion: state.sla.policyVersion, stoppedAt: now() };
}

/** The state a case's run opens with (CaseCore's constructor). */
export function initialState(input: CaseWorkflowInput): CaseState {
  return {
    caseNo: input.caseNo,
    workflowId: workflowInfo().workflowId,
    stage: 'accepted',
    priority: input.intake.priority,
    intake: input.intake,
    openedBy: input.openedBy,
    openedAt: now(),
    updatedAt: now(),
    recorded: false,
    policy: dispatchPolicyFrom(input.policy),
    dispatch: { round: 0, offeredThisRound: [], excluded: [] },
    reschedules: { customer: 0, engineer: 0 },
    noShows: { customer: 0, engineer: 0 },
    visits: 0,
    partsUsed: [],
    reworks: 0,
    stageSince: now(),
    stageMs: {},
    sla: { policyVersion: 0, policy: DEFAULT_SLA_POLICY, cycle: 0, clocks: [], results: [], breached: false, level: 0 },
    remindersSent: [],
    complaints: [],
    eventSeq: 0,
    // New runs route warnings and escalations to people on duty; runs recorded before
    // (no marker) keep the fixed contacts, so their histories replay.
    settings: caseSettingsFrom(input, patched(DUTY_ROUTING_PATCH)),
  };
}

/** The case no longer has an engineer (nor their contact, booking or offer). */
export function clearEngineer(s: CaseState): void {
  s.engineerId = undefined;
  s.engineerName = undefined;
  s.engineerBadgeNo = undefined;
  s.engineerPhone = undefined;
  s.engineerLanguage = undefined;
  s.engineerPersonId = undefined;
  s.acceptedAt = undefined;
  s.contact = undefined;
  s.appointment = undefined;
  s.offer = undefined;
}
