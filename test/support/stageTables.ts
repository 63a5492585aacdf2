// The case and complaint state machines, written out by hand: which action is legal in
// which stage. Never derived from ACTION_FROM / COMPLAINT_ACTION_FROM (the tables under
// test), so a move wrongly allowed or refused there makes a test fail. Used by the unit
// tests (test/unit/stageRules.test.ts) and by the workflow tests' illegal-move checks.
import type { CaseAction, Stage } from '../../domain/stages';
import type { ComplaintAction, ComplaintStage } from '../../domain/complaints';

/** Every stage, in order, by hand: a new stage fails the tests until this file knows it. */
export const ALL_STAGES: readonly Stage[] = [
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
  'archived',
  'cancelled',
];

export const ALL_ACTIONS: readonly CaseAction[] = [
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
];

/**
 * The legal actions of each case stage. The reasoning, stage by stage:
 * - a dispatcher's `assign` overrides wherever no engineer is on site or done; `redispatch`
 *   needs dispatch to be over (not while the automatic loop runs: accepted, offered);
 * - the offered engineer answers the offer; the holding engineer records contact, then the
 *   visit is booked (and re-booked while scheduled or awaiting parts), then checked in:
 *   never from `contacted`, where nothing is booked yet;
 * - on site: diagnosis, quote, check-out; the customer decides a quote; confirmation
 *   closes; `cancel` and `changePriority` from any open stage; nothing from a closed one.
 */
export const CASE_LEGAL: Record<Stage, readonly CaseAction[]> = {
  accepted: ['assign', 'cancel', 'changePriority'],
  offered: ['assign', 'acceptOffer', 'declineOffer', 'cancel', 'changePriority'],
  manual_dispatch: ['assign', 'redispatch', 'cancel', 'changePriority'],
  dispatched: ['assign', 'redispatch', 'recordContact', 'cancel', 'changePriority'],
  contacted: ['assign', 'redispatch', 'appointment', 'cancel', 'changePriority'],
  scheduled: ['assign', 'redispatch', 'appointment', 'noShow', 'checkIn', 'cancel', 'changePriority'],
  on_site: ['diagnose', 'quote', 'checkOut', 'cancel', 'changePriority'],
  awaiting_approval: ['decideQuote', 'cancel', 'changePriority'],
  awaiting_parts: ['assign', 'redispatch', 'appointment', 'cancel', 'changePriority'],
  awaiting_confirmation: ['confirm', 'cancel', 'changePriority'],
  escalated: ['assign', 'redispatch', 'cancel', 'changePriority'],
  archived: [],
  cancelled: [],
};

export const ALL_COMPLAINT_STAGES: readonly ComplaintStage[] = [
  'received',
  'acknowledged',
  'investigating',
  'resolution_proposed',
  'customer_confirmed',
  'callback_verified',
  'closed',
  'withdrawn',
];

export const ALL_COMPLAINT_ACTIONS: readonly ComplaintAction[] = [
  'acknowledge',
  'investigate',
  'proposeResolution',
  'recordDecision',
  'verifyCallback',
  'close',
  'reassign',
  'addNote',
  'withdraw',
];

/** The closed loop is a line; reassign, notes and withdrawal are open wherever it is open. */
export const COMPLAINT_LEGAL: Record<ComplaintStage, readonly ComplaintAction[]> = {
  received: ['acknowledge', 'reassign', 'addNote', 'withdraw'],
  acknowledged: ['investigate', 'reassign', 'addNote', 'withdraw'],
  investigating: ['proposeResolution', 'reassign', 'addNote', 'withdraw'],
  resolution_proposed: ['recordDecision', 'reassign', 'addNote', 'withdraw'],
  customer_confirmed: ['verifyCallback', 'reassign', 'addNote', 'withdraw'],
  callback_verified: ['close', 'reassign', 'addNote', 'withdraw'],
  closed: [],
  withdrawn: [],
};
