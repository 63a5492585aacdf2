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
  /** When the next thing should have happened at the latest (the running SLA clock's deadline). */
  nextBy?: string;
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
}

/** The earliest deadline among the case's running clocks (none while paused: the customer is waited on). */
export function nextDeadline(snap: Partial<CaseState>): string | undefined {
  const sla = snap.sla;
  if (!sla) return undefined;
  const due = sla.clocks
    .filter((c) => c.cycle === sla.cycle && c.stoppedAt === undefined && c.pausedSince === undefined)
    .map((c) => dueAt(c, 1, sla.policy.calendar));
  return due.length > 0 ? new Date(Math.min(...due)).toISOString() : undefined;
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
  return {
    caseNo: row.caseNo,
    stage,
    customerLang: row.customerLanguage,
    product: { category: row.productCategory, model: row.productModel },
    steps,
    engineer: row.engineerId ? { name: row.engineerName, badgeNo: snap.engineerBadgeNo ?? null } : null,
    appointment: row.appointmentStart && row.appointmentEnd ? { start: row.appointmentStart.toISOString(), end: row.appointmentEnd.toISOString() } : null,
    ...(CLOSED_STAGES.includes(stage) ? {} : { nextBy: nextDeadline(snap) }),
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
