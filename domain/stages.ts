// The case spine as a state machine. Pure data: imported by workflows, activities and API.

export const STAGES = [
  'accepted',
  'dispatched',
  'scheduled',
  'on_site',
  'awaiting_confirmation',
  'archived',
  'cancelled',
] as const;
export type Stage = (typeof STAGES)[number];

export const CLOSED_STAGES: readonly Stage[] = ['archived', 'cancelled'];
export const OPEN_STAGES: readonly Stage[] = STAGES.filter((s) => !CLOSED_STAGES.includes(s));

export function isOpenStage(stage: Stage): boolean {
  return !CLOSED_STAGES.includes(stage);
}

/** The actions that move a case, each exposed as one Temporal Update and one API route. */
export const ACTIONS = ['assign', 'appointment', 'checkIn', 'checkOut', 'confirm', 'cancel'] as const;
export type CaseAction = (typeof ACTIONS)[number];

/**
 * Where each action may start from. Re-assigning a dispatched case and re-booking a
 * scheduled one are legal (the engineer or slot changes, the stage does not).
 */
export const ACTION_FROM: Record<CaseAction, readonly Stage[]> = {
  assign: ['accepted', 'dispatched', 'scheduled'],
  appointment: ['dispatched', 'scheduled'],
  checkIn: ['scheduled'],
  checkOut: ['on_site'],
  confirm: ['awaiting_confirmation'],
  cancel: OPEN_STAGES,
};

export const CHECK_OUT_RESULTS = ['fixed', 'needs_parts', 'cannot_fix'] as const;
export type CheckOutResult = (typeof CHECK_OUT_RESULTS)[number];

/** The stage an action leads to; check-out depends on the visit's result. */
export function stageAfter(action: CaseAction, result?: CheckOutResult): Stage {
  switch (action) {
    case 'assign':
      return 'dispatched';
    case 'appointment':
      return 'scheduled';
    case 'checkIn':
      return 'on_site';
    case 'checkOut':
      // Waiting for parts means a return visit: the engineer books again.
      return result === 'needs_parts' ? 'dispatched' : 'awaiting_confirmation';
    case 'confirm':
      return 'archived';
    case 'cancel':
      return 'cancelled';
  }
}

export function canPerform(action: CaseAction, stage: Stage): boolean {
  return ACTION_FROM[action].includes(stage);
}

/** Human names for summaries, logs and the docs. */
export const STAGE_LABELS: Record<Stage, string> = {
  accepted: 'Accepted (受理)',
  dispatched: 'Dispatched (派单)',
  scheduled: 'Scheduled (预约)',
  on_site: 'On site (上门服务)',
  awaiting_confirmation: 'Awaiting confirmation (用户确认)',
  archived: 'Archived (归档)',
  cancelled: 'Cancelled',
};
