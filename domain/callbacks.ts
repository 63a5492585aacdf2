// Satisfaction callbacks (回访): the attempt policy, the outcomes and the standard
// questions an agent asks. Pure; the callback workflow copies the policy into its input
// at start, so a change here reaches new callbacks only.

/**
 * When each attempt falls due, in minutes after the first one (archive + 24 h). An
 * unreachable customer is re-queued for the next row; after the last, an SMS survey.
 * Spaced so the second try lands at another time of the same day and the third on the
 * next day, when someone who was out is more likely to answer.
 */
export const CALLBACK_ATTEMPT_POLICY = [
  { attempt: 1, afterFirstMinutes: 0 },
  { attempt: 2, afterFirstMinutes: 4 * 60 },
  { attempt: 3, afterFirstMinutes: 24 * 60 },
] as const;

/** An attempt nobody records an outcome for within this counts as unreachable. */
export const CALLBACK_ATTEMPT_LAPSE_MINUTES = 3 * 24 * 60;
/** How long the SMS survey link is waited for after the last failed attempt. */
export const CALLBACK_SURVEY_WINDOW_MINUTES = 7 * 24 * 60;

export const CALLBACK_OUTCOMES = ['satisfied', 'partly', 'unsatisfied', 'unreachable', 'refused'] as const;
export type CallbackOutcome = (typeof CALLBACK_OUTCOMES)[number];
/** Outcomes that end the callback: the customer answered (or declined to). */
export const FINAL_OUTCOMES: readonly CallbackOutcome[] = ['satisfied', 'partly', 'unsatisfied', 'refused'];

/**
 * The standard questions of the callback record (客户回访登记表, seed 004): each answered
 * 1-5 except `fixed` (yes/no). The agent reads them in this order.
 */
export const CALLBACK_QUESTIONS = [
  { id: 'overall', zh: '您对本次服务总体是否满意？', en: 'Overall, how satisfied are you with this service?', kind: 'scale' },
  { id: 'fixed', zh: '故障是否已经排除？', en: 'Is the fault fixed?', kind: 'yes_no' },
  { id: 'punctual', zh: '工程师是否按约定时间上门？', en: 'Did the engineer arrive at the agreed time?', kind: 'scale' },
  { id: 'attitude', zh: '工程师的服务态度与专业程度如何？', en: "How was the engineer's manner and competence?", kind: 'scale' },
  { id: 'price', zh: '收费是否清楚、合理？', en: 'Were the charges clear and fair?', kind: 'scale' },
] as const;
export type CallbackQuestionId = (typeof CALLBACK_QUESTIONS)[number]['id'];

/** Queue order: 1 first. Low ratings and reworked cases are called before the rest. */
export const CALLBACK_PRIORITY = { urgent: 1, normal: 2 } as const;
export const LOW_RATING_FOR_CALLBACK = 2;

export function callbackPriority(rating: number | undefined, reworks: number): number {
  return (rating !== undefined && rating <= LOW_RATING_FOR_CALLBACK) || reworks > 0 ? CALLBACK_PRIORITY.urgent : CALLBACK_PRIORITY.normal;
}

/** A survey answer of this rating or lower counts as unsatisfied (and opens a complaint). */
export const SURVEY_UNSATISFIED_AT_OR_BELOW = 2;

export function surveyOutcome(rating: number): CallbackOutcome {
  if (rating <= SURVEY_UNSATISFIED_AT_OR_BELOW) return 'unsatisfied';
  return rating >= 4 ? 'satisfied' : 'partly';
}

export interface CallbackPolicy {
  attempts: ReadonlyArray<{ attempt: number; afterFirstMinutes: number }>;
  lapseMinutes: number;
  surveyWindowMinutes: number;
}

export const DEFAULT_CALLBACK_POLICY: CallbackPolicy = {
  attempts: CALLBACK_ATTEMPT_POLICY,
  lapseMinutes: CALLBACK_ATTEMPT_LAPSE_MINUTES,
  surveyWindowMinutes: CALLBACK_SURVEY_WINDOW_MINUTES,
};

/** When attempt `n` (1-based) is due: its offset from the first, never before `now`. */
export function attemptDueAt(policy: CallbackPolicy, firstDueAt: number, n: number, now: number): number {
  const row = policy.attempts[n - 1];
  if (!row) throw new Error(`no callback attempt ${n}`);
  return Math.max(firstDueAt + row.afterFirstMinutes * 60_000, now);
}

export interface CallbackWorkflowInput {
  caseNo: string;
  customer: { name: string; phone: string; language: string; region?: string };
  product: { category: string; model: string };
  engineerId?: string;
  rating?: number;
  reworks: number;
  kind?: string;
  /** The first attempt (archive + the case's callback interval). */
  firstDueAt: string;
  /** Copied from DEFAULT_CALLBACK_POLICY when the case archives. */
  policy: CallbackPolicy;
}

export function callbackWorkflowId(caseNo: string): string {
  return `callback-${caseNo}`;
}

/** What an agent records for one attempt (also what the survey link records). */
export interface CallbackOutcomeRecord {
  attempt: number;
  outcome: CallbackOutcome;
  /** Overall satisfaction 1-5 when the customer answered. */
  satisfaction?: number;
  answers?: Partial<Record<CallbackQuestionId, number | boolean>>;
  note?: string;
  by: { role: string; subject?: string };
  via: 'phone' | 'sms_survey' | 'lapsed';
}
