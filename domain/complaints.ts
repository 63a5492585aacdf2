// The complaint closed loop (投诉闭环) as a state machine, with its graded response
// standard (分级响应机制). Pure: imported by the complaint workflow, its activities and
// the API. The targets live in the SLA policy table (`complaints` key), so one table
// drives case clocks, complaint clocks and the reports of both.
import type { Actor } from './roles';
import type { CalendarMode, ClockResult, SlaClock, SlaPolicy } from './sla';
import { escalationContactsFrom, type EscalationContacts, type NotificationLocale } from './notifications';

export const COMPLAINT_CATEGORIES = ['service_attitude', 'repair_quality', 'timeliness', 'price_parts', 'other'] as const;
export type ComplaintCategory = (typeof COMPLAINT_CATEGORIES)[number];

// The grades and their default targets are a column of the SLA policy table: they live in
// domain/complaintStandard.ts, below both this module and domain/sla.ts.
import { DEFAULT_COMPLAINT_POLICY, type ComplaintGrade, type ComplaintSlaPolicy } from './complaintStandard';
export { COMPLAINT_GRADES, DEFAULT_COMPLAINT_POLICY, type ComplaintGrade, type ComplaintSlaPolicy } from './complaintStandard';

export const COMPLAINT_STAGES = [
  'received', // 受理: registered, the owner must acknowledge it
  'acknowledged', // the owner has contacted the customer
  'investigating', // 调查: facts, responsibility, remedy
  'resolution_proposed', // 处理方案 offered; waits for the customer
  'customer_confirmed', // the customer accepted the resolution
  'callback_verified', // 回访: a follow-up call verified the customer is satisfied
  'closed', // 结案
  'withdrawn', // the customer withdrew it
] as const;
export type ComplaintStage = (typeof COMPLAINT_STAGES)[number];
export const CLOSED_COMPLAINT_STAGES: readonly ComplaintStage[] = ['closed', 'withdrawn'];
export const isOpenComplaintStage = (s: ComplaintStage) => !CLOSED_COMPLAINT_STAGES.includes(s);

export const COMPLAINT_STAGE_LABELS: Record<ComplaintStage, string> = {
  received: 'Received (受理)',
  acknowledged: 'Acknowledged',
  investigating: 'Investigating (调查)',
  resolution_proposed: 'Resolution proposed (处理方案)',
  customer_confirmed: 'Customer confirmed',
  callback_verified: 'Callback verified (回访)',
  closed: 'Closed (结案)',
  withdrawn: 'Withdrawn',
};

export const COMPLAINT_ACTIONS = [
  'acknowledge',
  'investigate',
  'proposeResolution',
  'recordDecision',
  'verifyCallback',
  'close',
  'reassign',
  'addNote',
  'withdraw',
] as const;
export type ComplaintAction = (typeof COMPLAINT_ACTIONS)[number];

const OPEN: readonly ComplaintStage[] = COMPLAINT_STAGES.filter(isOpenComplaintStage);

export const COMPLAINT_ACTION_FROM: Record<ComplaintAction, readonly ComplaintStage[]> = {
  acknowledge: ['received'],
  investigate: ['acknowledged'],
  proposeResolution: ['investigating'],
  recordDecision: ['resolution_proposed'],
  verifyCallback: ['customer_confirmed'],
  close: ['callback_verified'],
  reassign: OPEN,
  addNote: OPEN,
  withdraw: OPEN,
};

export function canPerformComplaint(action: ComplaintAction, stage: ComplaintStage): boolean {
  return COMPLAINT_ACTION_FROM[action].includes(stage);
}

/** The next more severe grade (a rejected resolution and a level-2 lapse raise it). */
export function raisedGrade(g: ComplaintGrade): ComplaintGrade {
  return g === 'general' ? 'serious' : 'critical';
}

// Graded response standard ----------------------------------------------------------

export const COMPLAINT_CLOCKS = ['acknowledge', 'resolve'] as const;
export type ComplaintClock = (typeof COMPLAINT_CLOCKS)[number];

export const COMPLAINT_CLOCK_LABELS: Record<ComplaintClock, string> = {
  acknowledge: 'Acknowledge: complaint received → owner has contacted the customer',
  resolve: 'Resolve: complaint received → customer accepts the resolution (waiting on the customer excluded)',
};

/** The complaint standard of a policy version (versions saved before complaints use the defaults). */
export function complaintPolicyOf(policy: SlaPolicy): ComplaintSlaPolicy {
  return policy.complaints ?? DEFAULT_COMPLAINT_POLICY;
}

export function complaintTarget(policy: SlaPolicy, grade: ComplaintGrade, clock: ComplaintClock): { targetMs: number; calendar: CalendarMode } {
  const g = complaintPolicyOf(policy)[grade];
  return { targetMs: (clock === 'acknowledge' ? g.acknowledgeMinutes : g.resolveMinutes) * 60_000, calendar: g.calendar };
}

export function startComplaintClock(clock: ComplaintClock, cycle: number, at: number, grade: ComplaintGrade, policy: SlaPolicy): SlaClock<ComplaintClock> {
  const { targetMs, calendar } = complaintTarget(policy, grade, clock);
  return { clock, cycle, startedAt: at, targetMs, mode: calendar, pausedMs: 0, fired: [] };
}

// State ---------------------------------------------------------------------------

// callback_unsatisfied: the customer said so on the satisfaction callback (回访) or its SMS survey.
export const COMPLAINT_TRIGGERS = ['low_rating', 'second_rework', 'callback_unsatisfied'] as const;
export type ComplaintTrigger = (typeof COMPLAINT_TRIGGERS)[number];

/** The owner of a complaint started before duty routing when nobody was named. */
export const DEFAULT_COMPLAINT_OWNER = 'duty-supervisor';

/** The owner of a duty-routed complaint when the roster names nobody (the timeline says so). */
export const UNASSIGNED_OWNER = 'unassigned';

export interface ComplaintIntake {
  category: ComplaintCategory;
  grade: ComplaintGrade;
  channel: string;
  summary: string;
  caseNo?: string;
  customer: { name?: string; phone: string; language: NotificationLocale };
  owner?: string;
  /** The linked case's service region: the owner and escalations are routed in it. */
  region?: string;
}

export interface ComplaintWorkflowInput {
  complaintNo: string;
  intake: ComplaintIntake;
  openedBy: Actor;
  source: 'agent' | 'auto';
  trigger?: { kind: ComplaintTrigger; rating?: number; reworks?: number; comment?: string };
  idempotencyKey?: string;
  /** Runs started before duty routing only: fixed e-mail contacts of lapses (ignored by new runs). */
  contacts?: { supervisorEmail?: string; managerEmail?: string };
}

export interface ComplaintState {
  /** Steps parked because the database refused them for good; ops resume them. */
  attention?: Array<{ activity: string; error: string; since: string }>;
  complaintNo: string;
  workflowId: string;
  stage: ComplaintStage;
  category: ComplaintCategory;
  grade: ComplaintGrade;
  initialGrade: ComplaintGrade;
  channel: string;
  summary: string;
  caseNo?: string;
  /** Service region (from the linked case): where the owner and escalations are routed. */
  region?: string;
  customer: ComplaintIntake['customer'];
  source: 'agent' | 'auto';
  trigger?: ComplaintWorkflowInput['trigger'];
  /** A person id (duty routing), or the free text of runs started before it. */
  owner: string;
  ownerName?: string;
  /** How the owner was found at open (duty routing): person, via, or nobody. */
  ownerRouting?: Record<string, unknown>;
  openedBy: Actor;
  openedAt: string;
  updatedAt: string;
  acknowledgedAt?: string;
  /** The latest proposal; earlier ones are on the timeline. */
  resolution?: { text: string; compensation?: { amount: number; currency: string }; proposedAt: string; by: Actor };
  resolvedAt?: string;
  callback?: { satisfied: boolean; note?: string; at: string; by: Actor };
  closing?: { rootCause: string; responsibility: string; summary?: string; at: string; by: Actor };
  withdrawal?: { reason: string; at: string; by: Actor };
  /** How often the customer rejected a resolution or the callback found them unsatisfied. */
  reopenCount: number;
  closedAt?: string;
  sla: {
    policyVersion: number;
    policy: SlaPolicy;
    clocks: SlaClock<ComplaintClock>[];
    results: ClockResult<ComplaintClock>[];
    breached: boolean;
    level: number;
    nextDeadline?: string;
  };
  /** Deadlines shown to people (acknowledge-by / resolve-by), ISO. */
  acknowledgeBy?: string;
  resolveBy?: string;
  eventSeq: number;
  recorded: boolean;
  /** The defaults that shape this run, resolved once when it opened (see ComplaintSettings). */
  settings: ComplaintSettings;
}

/**
 * The defaults that shape a complaint run (the escalation contacts), resolved from the
 * input once, when the complaint opens, and read only from the state after that; as
 * CaseSettings. A case passes its own resolved contacts to the complaints it opens.
 */
export interface ComplaintSettings {
  /** 'duty': the owner, warnings and escalations are routed to people (see CaseSettings). */
  routing?: 'duty';
  contacts?: EscalationContacts;
}

/** `dutyRouting`: the run took the 'duty-routing' patch (workflows/complaintCore.ts). */
export function complaintSettingsFrom(input: Pick<ComplaintWorkflowInput, 'contacts'>, dutyRouting = false): ComplaintSettings {
  return dutyRouting ? { routing: 'duty' } : { contacts: escalationContactsFrom(input.contacts) };
}

export interface ComplaintEvent {
  seq: number;
  /** The workflow run that made the event (seq is unique per run only; see CaseEvent). */
  runId?: string;
  type: string;
  fromStage: ComplaintStage | null;
  toStage: ComplaintStage;
  actor: Actor;
  data: Record<string, unknown>;
  occurredAt: string;
}

/** Complaint numbers: CP-<yyyymmdd>-<6 digits>; automatic ones are named after their case. */
export const COMPLAINT_NO_PATTERN = /^CP-(\d{8}-\d{6,}|CS-\d{8}-\d{6,}-(LR|RW|CB))$/;

export function formatComplaintNo(date: Date, sequence: number): string {
  return `CP-${date.toISOString().slice(0, 10).replace(/-/g, '')}-${String(sequence).padStart(6, '0')}`;
}

const AUTO_COMPLAINT_SUFFIX: Record<ComplaintTrigger, string> = { low_rating: 'LR', second_rework: 'RW', callback_unsatisfied: 'CB' };

/** One automatic complaint per case and trigger, whatever retries or replays happen. */
export function autoComplaintNo(caseNo: string, trigger: ComplaintTrigger): string {
  return `CP-${caseNo}-${AUTO_COMPLAINT_SUFFIX[trigger]}`;
}

export function complaintWorkflowId(complaintNo: string): string {
  return `complaint-${complaintNo}`;
}

/** Ratings at or below this open a complaint automatically. */
export const LOW_RATING_THRESHOLD = 2;
