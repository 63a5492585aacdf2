// What a case Update answers with: the fields the case row and the API's views are built
// from (caseRowFrom, caseView), not the whole state (no dispatch and SLA policies, clocks,
// ranking or settings: about a third of its size). The API answers a move or an intake
// from it instead of reading the row back from PostgreSQL. Pure.
import type { CaseState } from './caseState';

export const CASE_RECEIPT_KEYS = [
  'caseNo',
  'workflowId',
  'stage',
  'priority',
  'intake',
  'openedBy',
  'openedAt',
  'updatedAt',
  'stageSince',
  'offer',
  'engineerId',
  'engineerName',
  'engineerBadgeNo',
  'contact',
  'appointment',
  'reschedules',
  'noShows',
  'visits',
  'diagnosis',
  'quote',
  'visitOutcome',
  'checkOut',
  'partsUsed',
  'confirmation',
  'reworks',
  'cancellation',
  'metrics',
  'closedAt',
  'eventSeq',
] as const satisfies ReadonlyArray<keyof CaseState>;

export type CaseReceipt = Pick<CaseState, (typeof CASE_RECEIPT_KEYS)[number]>;

export function caseReceipt(state: CaseState): CaseReceipt {
  const out: Partial<Record<keyof CaseState, unknown>> = {};
  for (const k of CASE_RECEIPT_KEYS) if (state[k] !== undefined) out[k] = state[k];
  return out as CaseReceipt;
}
