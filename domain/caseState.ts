// The live state of one case, as its workflow holds it and the Query returns it.
import type { ClockResult, SlaClock, SlaPolicy } from './sla';
import type { DispatchPolicy, DispatchPolicyOverrides, RankedCandidate } from './dispatch';
import type { Actor } from './roles';
import type { CaseIntake, ContactBody, QuoteBody } from './schemas';
import type { CheckOutResult, Stage, VisitOutcome } from './stages';
import { CALLBACK_AFTER_MINUTES, maintenanceIntervalDays } from './aftercare';
import { escalationContactsFrom, type EscalationContacts } from './notifications';

export interface Appointment {
  start: string;
  end: string;
  note?: string;
  bookingId: string;
  bookedAt: string;
}

export interface Offer {
  engineerId: string;
  engineerName: string;
  engineerBadgeNo: string;
  engineerPhone?: string;
  /** The language of the engineer's person, for their messages (zh-CN when unknown). */
  engineerLanguage?: 'zh-CN' | 'en';
  /** The engineer's linked person, whose messages these are (unset without one, and in runs claimed before it). */
  engineerPersonId?: string;
  round: number;
  offeredAt: string;
  expiresAt: string;
}

export interface Quote {
  lines: QuoteBody['lines'];
  currency: string;
  total: number;
  coveredByWarranty: boolean;
  status: 'awaiting_approval' | 'approved' | 'rejected' | 'waived';
  decidedBy?: Actor;
  decidedAt?: string;
  comment?: string;
}

export interface PartUsed {
  partNo: string;
  description?: string;
  quantity: number;
  oldPartReturned: boolean;
  /** The visit it was fitted on. */
  visit: number;
  warrantyUntil: string;
}

export interface CaseMetrics {
  /** Milliseconds spent in each stage, summed over re-entries. */
  stageMs: Partial<Record<Stage, number>>;
  visits: number;
  reworks: number;
  firstTimeFix: boolean;
  totalMs: number;
}

export interface CaseState {
  /** Steps parked because the database refused them for good (worker/activityErrors.ts); ops resume them. */
  attention?: Array<{ activity: string; error: string; since: string }>;
  caseNo: string;
  workflowId: string;
  stage: Stage;
  priority: CaseIntake['priority'];
  intake: CaseIntake;
  openedBy: Actor;
  openedAt: string;
  updatedAt: string;
  /** Set once the intake has been written to PostgreSQL. */
  recorded: boolean;
  policy: DispatchPolicy;
  dispatch: {
    round: number;
    /** Engineers offered this round: never offered the same case twice. */
    offeredThisRound: string[];
    /** Engineers kept off the case (no-show, missed contact window). */
    excluded: string[];
    /** Preferred on rework: the engineer who did the repair. */
    preferred?: string;
    lastRanking?: RankedCandidate[];
  };
  offer?: Offer;
  engineerId?: string;
  engineerName?: string;
  engineerBadgeNo?: string;
  engineerPhone?: string;
  engineerLanguage?: 'zh-CN' | 'en';
  engineerPersonId?: string;
  acceptedAt?: string;
  contact?: ContactBody & { at: string };
  appointment?: Appointment;
  reschedules: { customer: number; engineer: number };
  noShows: { customer: number; engineer: number };
  /** Check-ins so far; more than one means a return visit. */
  visits: number;
  diagnosis?: { cause: string; at: string };
  quote?: Quote;
  visitOutcome?: VisitOutcome;
  checkOut?: { result: CheckOutResult; resolution: string; at: string };
  partsUsed: PartUsed[];
  /** The customer's confirmation; `auto` when nobody answered within the auto-confirm delay. */
  confirmation?: { rating?: number; comment?: string; fixed: boolean; at: string; by: Actor; auto?: boolean };
  reworks: number;
  cancellation?: { reason: string; at: string; by: Actor };
  /** When the current stage was entered, and time spent per stage so far. */
  stageSince: string;
  stageMs: Partial<Record<Stage, number>>;
  metrics?: CaseMetrics;
  sla: CaseSla;
  /** Reminders already sent (keys include the booking, so a reschedule sends anew). */
  remindersSent: string[];
  /** Complaints this case opened by itself (low rating, second rework). */
  complaints: string[];
  closedAt?: string;
  /** Sequence number of the last timeline event; events are keyed by workflow run + seq. */
  eventSeq: number;
  /** The defaults that shape this run, resolved once when it opened (see CaseSettings). */
  settings: CaseSettings;
}

/**
 * Every default that shapes a case run (DEFAULT_REMINDER_POLICY, the escalation
 * contacts, the aftercare intervals), resolved from the input over the code's defaults
 * once, when the case opens, and read only from the state after that. The workflow code
 * never reads these defaults again, so a change of one is a change at this single place:
 * guard it with patched() there, or let the starter pass the resolved values in the input
 * (the fields are optional), which puts them in the run's history. The case passes its
 * resolved values on to the children it starts (aftercare, automatic complaints).
 */
export interface CaseSettings {
  reminders: ReminderPolicy;
  /**
   * 'duty': warnings and escalations go to the people the duty roster names when they
   * fire. Runs started before duty routing have no `routing` and keep fixed `contacts`.
   */
  routing?: 'duty';
  contacts?: EscalationContacts;
  aftercare: { callbackAfterMinutes: number; maintenanceAfterDays: number };
}

/** `dutyRouting`: the run took the 'duty-routing' patch (workflows/caseState.ts). */
export function caseSettingsFrom(input: Pick<CaseWorkflowInput, 'intake' | 'reminders' | 'contacts' | 'aftercare'>, dutyRouting = false): CaseSettings {
  return {
    reminders: { ...DEFAULT_REMINDER_POLICY, ...input.reminders },
    ...(dutyRouting ? { routing: 'duty' as const } : { contacts: escalationContactsFrom(input.contacts) }),
    aftercare: {
      callbackAfterMinutes: input.aftercare?.callbackAfterMinutes ?? CALLBACK_AFTER_MINUTES,
      maintenanceAfterDays: input.aftercare?.maintenanceAfterDays ?? maintenanceIntervalDays(input.intake.product.category),
    },
  };
}

export interface CaseSla {
  policyVersion: number;
  policy: SlaPolicy;
  /** Rework starts a new cycle of clocks. */
  cycle: number;
  clocks: SlaClock[];
  results: ClockResult[];
  breached: boolean;
  /** Highest escalation level fired (0 = none). */
  level: number;
  nextDeadline?: string;
  /** A customer-requested reschedule pauses the visit clocks until this instant. */
  holdUntil?: string;
}

/** One entry of the append-only timeline. */
export interface CaseEvent {
  seq: number;
  /**
   * The workflow run that made the event. A reset starts a new run whose seq numbers
   * restart from the reset point, so seq is unique per run only. Absent in events
   * scheduled by older code: the activity then takes its own run id.
   */
  runId?: string;
  type: string;
  fromStage: Stage | null;
  toStage: Stage;
  actor: Actor;
  data: Record<string, unknown>;
  occurredAt: string;
}

export interface CaseWorkflowInput {
  caseNo: string;
  intake: CaseIntake;
  openedBy: Actor;
  idempotencyKey?: string;
  /** Windows and limits; defaults from DEFAULT_DISPATCH_POLICY (tests shorten them). */
  policy?: DispatchPolicyOverrides;
  /** Reminder and auto-confirm delays; defaults from DEFAULT_REMINDER_POLICY. */
  reminders?: Partial<ReminderPolicy>;
  /** Runs started before duty routing only: fixed e-mail contacts of warnings and escalations (ignored by new runs). */
  contacts?: { supervisorEmail?: string; managerEmail?: string };
  /** Callback and maintenance delays (tests shorten them). */
  aftercare?: { callbackAfterMinutes?: number; maintenanceAfterDays?: number };
  /**
   * The SLA policy in force when the API opened the case (patch 'sla-policy-in-input'):
   * the run keeps it without an activity of its own. Absent: the run loads it.
   */
  slaPolicy?: { version: number; policy: SlaPolicy };
}

export interface ReminderPolicy {
  /** Customer reminders before the visit, minutes. */
  customerBeforeVisitMinutes: number[];
  /** Engineer reminder before the visit, minutes. */
  engineerBeforeVisitMinutes: number[];
  /** Engineer reminder this long before the contact window lapses, minutes. */
  contactBeforeLapseMinutes: number;
  /** Confirmation reminder after this long in awaiting_confirmation, minutes. */
  confirmationReminderMinutes: number;
  /** Auto-close as auto_confirmed after this long, minutes. */
  autoConfirmMinutes: number;
}

export const DEFAULT_REMINDER_POLICY: ReminderPolicy = {
  customerBeforeVisitMinutes: [24 * 60, 2 * 60],
  engineerBeforeVisitMinutes: [60],
  contactBeforeLapseMinutes: 10,
  confirmationReminderMinutes: 24 * 60,
  autoConfirmMinutes: 72 * 60,
};
