// What the customer pages show, built from the projection rows (pure: no I/O, so the unit
// tests build it from plain objects). Words are chosen later, in the components.
import type { CaseState, Quote, Stage } from '../../../domain';
import type { ComplaintStage, ComplaintState } from '../../../domain/complaints';
import { CUSTOMER_COMPLAINT_EVENT_LABELS, CUSTOMER_EVENT_LABELS } from '../../../domain/customerView';
import { dueAt } from '../../../domain/sla';
import { CLOSED_STAGES } from '../../../domain';
import type { Lang } from './i18n';
import { STAGE_STEP, STEPS } from './stageWords';

export interface EventItem {
  label: Record<Lang, string>;
  at: string;
}

export interface ComplaintModel {
  complaintNo: string;
  stage: ComplaintStage;
  category: string;
  summary: string;
  acknowledgeBy?: string;
  resolveBy?: string;
  resolution?: { text: string; compensation?: { amount: number; currency: string }; proposedAt: string };
  decidedAt?: string;
  canDecide: boolean;
  closed: boolean;
  events: EventItem[];
}

export interface CaseModel {
  caseNo: string;
  stage: Stage;
  customerLang: string;
  product: { category: string; model: string };
  steps: Array<{ index: number; at?: string; state: 'done' | 'current' | 'todo' }>;
  engineer: { name: string | null; badgeNo: string | null } | null;
  appointment: { start: string; end: string } | null;
  /** What happens next (words in stageWords.ts). */
  next: NextStep;
  /** When the next thing should have happened at the latest (the running SLA clock's deadline). */
  nextBy?: string;
  /** While the visit is booked: the time the customer was texted to expect contact or arrival by. */
  eta?: string;
  /** Each "not fixed" answer (oldest first), read back from the case's rework events (the workflow forgets the answer). */
  notFixed: Array<{ at: string; reason?: string }>;
  /** The latest "not fixed" is still being acted on: the engineer is to return. */
  returnPending: boolean;
  /** The visit ended because the customer declined the quote (so "not fixed" reopens nothing). */
  repairDeclined: boolean;
  canReschedule: boolean;
  events: EventItem[];
  quote: Quote | null;
  confirmation: CaseState['confirmation'] | null;
  canApproveQuote: boolean;
  canConfirm: boolean;
  closed: boolean;
  complaints: ComplaintModel[];
}

export interface CaseRowLike {
  caseNo: string;
  stage: string;
  customerLanguage: string;
  productCategory: string;
  productModel: string;
  engineerId: string | null;
  engineerName: string | null;
  appointmentStart: Date | null;
  appointmentEnd: Date | null;
  snapshot: unknown;
}

export interface EventRowLike {
  type: string;
  occurredAt: Date;
  /** The event's payload (case_events.data): the rework's reason, the ETA the customer was texted. */
  data?: unknown;
}

/** What happens next: the stage's own line, or a finer one where the stage alone says the wrong thing (NEXT_SUBSTEP_WORDS). */
export type NextStep = Stage | 'repairing' | 'return_visit' | 'confirm_no_repair';

/** Stages where the visit is still ahead: the customer may ask to move it. */
const BEFORE_VISIT: readonly Stage[] = ['dispatched', 'contacted', 'scheduled', 'awaiting_parts'];
const AT_DISPATCH: readonly Stage[] = ['accepted', 'offered', 'manual_dispatch'];

/** The earliest deadline among the case's running clocks (none while paused: the customer is waited on). */
export function nextDeadline(snap: Partial<CaseState>): string | undefined {
  const sla = snap.sla;
  if (!sla) return undefined;
  const due = sla.clocks
    .filter((c) => c.cycle === sla.cycle && c.stoppedAt === undefined && c.pausedSince === undefined)
    .map((c) => dueAt(c, 1, sla.policy.calendar));
  return due.length > 0 ? new Date(Math.min(...due)).toISOString() : undefined;
}

export function nextStep(stage: Stage, snap: Partial<CaseState>): NextStep {
  if (stage === 'on_site' && (snap.quote?.status === 'approved' || snap.quote?.status === 'waived')) return 'repairing';
  if (AT_DISPATCH.includes(stage) && (snap.reworks ?? 0) > 0) return 'return_visit';
  if (stage === 'awaiting_confirmation' && snap.visitOutcome === 'repair_declined') return 'confirm_no_repair';
  return stage;
}

const dataOf = (e: EventRowLike) => (e.data ?? {}) as Record<string, unknown>;

/** The ETA of the booked visit as the customer's SMS gave it (engineer.assigned), else the window's start. */
function etaOf(stage: Stage, timeline: EventRowLike[], appointmentStart: Date | null): string | undefined {
  if (stage !== 'scheduled') return undefined;
  const told = timeline.filter((e) => e.type === 'customer.notified' && dataOf(e).template === 'engineer.assigned' && typeof dataOf(e).eta === 'string').at(-1);
  const eta = told ? (dataOf(told).eta as string) : appointmentStart?.toISOString();
  return eta ? new Date(eta).toISOString() : undefined;
}

export function caseModel(row: CaseRowLike, timeline: EventRowLike[], complaints: ComplaintModel[]): CaseModel {
  const snap = (row.snapshot ?? {}) as Partial<CaseState>;
  const stage = row.stage as Stage;
  const current = STAGE_STEP[stage];
  const steps = STEPS.map((step, index) => {
    const reached = timeline.filter((e) => (step.events as readonly string[]).includes(e.type)).at(-1);
    const state = index < current || (index === current && stage === 'archived') ? 'done' : index === current ? 'current' : 'todo';
    return { index, state, ...(reached && state !== 'todo' ? { at: reached.occurredAt.toISOString() } : {}) } as const;
  });
  const eta = etaOf(stage, timeline, row.appointmentStart);
  const notFixed = timeline
    .filter((e) => e.type === 'case.rework')
    .map((e) => {
      const reason = dataOf(e).comment;
      return { at: e.occurredAt.toISOString(), ...(typeof reason === 'string' && reason ? { reason } : {}) };
    });
  return {
    caseNo: row.caseNo,
    stage,
    customerLang: row.customerLanguage,
    product: { category: row.productCategory, model: row.productModel },
    steps,
    engineer: row.engineerId ? { name: row.engineerName, badgeNo: snap.engineerBadgeNo ?? null } : null,
    appointment: row.appointmentStart && row.appointmentEnd ? { start: row.appointmentStart.toISOString(), end: row.appointmentEnd.toISOString() } : null,
    next: nextStep(stage, snap),
    ...(CLOSED_STAGES.includes(stage) ? {} : { nextBy: nextDeadline(snap) }),
    ...(eta ? { eta } : {}),
    notFixed,
    returnPending: notFixed.length > 0 && stage !== 'awaiting_confirmation' && !CLOSED_STAGES.includes(stage),
    repairDeclined: snap.visitOutcome === 'repair_declined',
    canReschedule: !!row.engineerId && BEFORE_VISIT.includes(stage),
    events: timeline
      .filter((e) => e.type in CUSTOMER_EVENT_LABELS)
      .map((e) => ({ label: CUSTOMER_EVENT_LABELS[e.type]!, at: e.occurredAt.toISOString() }))
      .reverse(),
    quote: snap.quote ?? null,
    confirmation: snap.confirmation ?? null,
    canApproveQuote: stage === 'awaiting_approval',
    canConfirm: stage === 'awaiting_confirmation',
    closed: CLOSED_STAGES.includes(stage),
    complaints,
  };
}

export interface ComplaintRowLike {
  complaintNo: string;
  stage: string;
  category: string;
  summary: string;
  acknowledgeBy: Date | null;
  resolveBy: Date | null;
  snapshot: unknown;
}

export function complaintModel(row: ComplaintRowLike, timeline: EventRowLike[]): ComplaintModel {
  const snap = (row.snapshot ?? {}) as Partial<ComplaintState>;
  const stage = row.stage as ComplaintStage;
  const decided = timeline.filter((e) => e.type === 'complaint.customer_confirmed').at(-1);
  return {
    complaintNo: row.complaintNo,
    stage,
    category: row.category,
    summary: row.summary,
    ...(row.acknowledgeBy ? { acknowledgeBy: row.acknowledgeBy.toISOString() } : {}),
    ...(row.resolveBy ? { resolveBy: row.resolveBy.toISOString() } : {}),
    ...(snap.resolution ? { resolution: snap.resolution } : {}),
    ...(decided ? { decidedAt: decided.occurredAt.toISOString() } : {}),
    canDecide: stage === 'resolution_proposed',
    closed: stage === 'closed' || stage === 'withdrawn',
    events: timeline
      .filter((e) => e.type in CUSTOMER_COMPLAINT_EVENT_LABELS)
      .map((e) => ({ label: CUSTOMER_COMPLAINT_EVENT_LABELS[e.type]!, at: e.occurredAt.toISOString() }))
      .reverse(),
  };
}
