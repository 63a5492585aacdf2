// The live state of one case, as its workflow holds it and the Query returns it.
import type { DispatchPolicy, DispatchPolicyOverrides, RankedCandidate } from './dispatch';
import type { Actor } from './roles';
import type { CaseIntake, ContactBody, QuoteBody } from './schemas';
import type { CheckOutResult, Stage, VisitOutcome } from './stages';

export interface Appointment {
  start: string;
  end: string;
  note?: string;
  bookingId: string;
}

export interface Offer {
  engineerId: string;
  engineerName: string;
  engineerBadgeNo: string;
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
  confirmation?: { rating: number; comment?: string; fixed: boolean; at: string; by: Actor };
  reworks: number;
  cancellation?: { reason: string; at: string; by: Actor };
  /** When the current stage was entered, and time spent per stage so far. */
  stageSince: string;
  stageMs: Partial<Record<Stage, number>>;
  metrics?: CaseMetrics;
  closedAt?: string;
  /** Sequence number of the last timeline event; events are keyed by workflow + seq. */
  eventSeq: number;
}

/** One entry of the append-only timeline. */
export interface CaseEvent {
  seq: number;
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
}
