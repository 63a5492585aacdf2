// The case as a state machine. Pure data: imported by workflows, activities and API.

export const STAGES = [
  'accepted', // 受理: opened, automatic dispatch runs
  'offered', // 派单: an engineer has an offer to accept or decline
  'manual_dispatch', // candidates ran out: a dispatcher assigns by hand
  'dispatched', // 接单: the engineer accepted; must contact the customer in the contact window
  'contacted', // the engineer called the customer; the visit is to be booked
  'scheduled', // 预约: a visit slot is booked
  'on_site', // 上门: checked in; diagnosis, quote, repair
  'awaiting_approval', // the quote waits for the customer's consent
  'awaiting_parts', // the repair needs parts: a return visit is to be booked
  'awaiting_confirmation', // 确认: the customer confirms and rates
  'escalated', // cannot fix: a supervisor decides
  'archived', // 归档
  'cancelled',
] as const;
export type Stage = (typeof STAGES)[number];

export const CLOSED_STAGES: readonly Stage[] = ['archived', 'cancelled'];
export const OPEN_STAGES: readonly Stage[] = STAGES.filter((s) => !CLOSED_STAGES.includes(s));

export function isOpenStage(stage: Stage): boolean {
  return !CLOSED_STAGES.includes(stage);
}

/** The actions that move a case, each exposed as one Temporal Update and one API route. */
export const ACTIONS = [
  'assign',
  'redispatch',
  'acceptOffer',
  'declineOffer',
  'recordContact',
  'appointment',
  'noShow',
  'checkIn',
  'diagnose',
  'quote',
  'decideQuote',
  'checkOut',
  'confirm',
  'cancel',
  'changePriority',
] as const;
export type CaseAction = (typeof ACTIONS)[number];

/** Stages where an engineer holds the case (assigned, before the visit is over). */
const WITH_ENGINEER: readonly Stage[] = ['dispatched', 'contacted', 'scheduled', 'awaiting_parts'];

/**
 * Where each action may start from. A dispatcher's manual assignment is the override:
 * legal wherever no engineer is on site.
 */
export const ACTION_FROM: Record<CaseAction, readonly Stage[]> = {
  assign: ['accepted', 'offered', 'manual_dispatch', 'escalated', ...WITH_ENGINEER],
  redispatch: ['manual_dispatch', 'escalated', ...WITH_ENGINEER],
  acceptOffer: ['offered'],
  declineOffer: ['offered'],
  recordContact: ['dispatched'],
  appointment: ['contacted', 'scheduled', 'awaiting_parts'],
  noShow: ['scheduled'],
  checkIn: ['scheduled'],
  diagnose: ['on_site'],
  quote: ['on_site'],
  decideQuote: ['awaiting_approval'],
  checkOut: ['on_site'],
  confirm: ['awaiting_confirmation'],
  cancel: OPEN_STAGES,
  changePriority: OPEN_STAGES,
};

export function canPerform(action: CaseAction, stage: Stage): boolean {
  return ACTION_FROM[action].includes(stage);
}

/** Actions an engineer may only perform on a case assigned (or offered) to them. */
export const ENGINEER_OWN_ACTIONS: readonly CaseAction[] = [
  'acceptOffer',
  'declineOffer',
  'recordContact',
  'appointment',
  'noShow',
  'checkIn',
  'diagnose',
  'quote',
  'checkOut',
];

export const CHECK_OUT_RESULTS = ['fixed', 'needs_parts', 'cannot_fix'] as const;
export type CheckOutResult = (typeof CHECK_OUT_RESULTS)[number];

/** How a visit ended: a check-out result, or the customer declining the quote. */
export type VisitOutcome = CheckOutResult | 'repair_declined';

/** Where check-out leads. */
export function stageAfterCheckOut(result: CheckOutResult): Stage {
  switch (result) {
    case 'fixed':
      return 'awaiting_confirmation';
    case 'needs_parts':
      return 'awaiting_parts';
    case 'cannot_fix':
      return 'escalated';
  }
}

/** Stages the customer waits on: SLA clocks pause here (issue 4). */
export const CUSTOMER_WAIT_STAGES: readonly Stage[] = ['awaiting_approval'];

/** Human names for summaries, logs and the docs. */
export const STAGE_LABELS: Record<Stage, string> = {
  accepted: 'Accepted (受理)',
  offered: 'Offered to an engineer (派单)',
  manual_dispatch: 'Manual dispatch queue (人工派单)',
  dispatched: 'Engineer accepted (接单)',
  contacted: 'Customer contacted (已联系)',
  scheduled: 'Scheduled (预约)',
  on_site: 'On site (上门服务)',
  awaiting_approval: 'Quote awaiting approval (待客户确认报价)',
  awaiting_parts: 'Awaiting parts (待配件)',
  awaiting_confirmation: 'Awaiting confirmation (用户确认)',
  escalated: 'Escalated to a supervisor (升级)',
  archived: 'Archived (归档)',
  cancelled: 'Cancelled',
};
