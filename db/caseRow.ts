// The case row as the workflow's state (or an Update's receipt) determines it: written by
// the move activities (activities/caseRecords.ts), and built in memory by the API to
// answer a move or an intake from the Update's receipt instead of reading it back. Pure.
import { normalizePhone, type CaseReceipt, type CaseState } from '../domain';
import type { CaseRow } from './queries/cases';
import type { cases } from './schema';

/** The state, or a receipt (no SLA book: the row's SLA columns then hold their defaults). */
export type CaseRowSource = CaseReceipt & Partial<Pick<CaseState, 'sla'>>;

export function caseRowFrom(state: CaseRowSource, runId = ''): typeof cases.$inferInsert {
  const { intake } = state;
  return {
    caseNo: state.caseNo,
    workflowId: state.workflowId,
    stage: state.stage,
    priority: state.priority,
    channel: intake.channel,
    customerName: intake.customer.name,
    customerPhone: intake.customer.phone,
    customerPhoneKey: normalizePhone(intake.customer.phone),
    customerAddress: intake.customer.address,
    customerLat: intake.customer.lat ?? null,
    customerLng: intake.customer.lng ?? null,
    customerTier: intake.customer.tier,
    customerLanguage: intake.customer.language,
    region: intake.customer.region ?? null,
    productCategory: intake.product.category,
    productModel: intake.product.model,
    productSerial: intake.product.serial,
    faultDescription: intake.faultDescription,
    attachments: intake.attachments,
    preferredWindows: intake.preferredWindows,
    engineerId: state.engineerId ?? null,
    engineerName: state.engineerName ?? null,
    appointmentStart: state.appointment ? new Date(state.appointment.start) : null,
    appointmentEnd: state.appointment ? new Date(state.appointment.end) : null,
    visits: state.visits,
    checkOutResult: state.checkOut?.result ?? null,
    resolution: state.checkOut?.resolution ?? null,
    rating: state.confirmation?.rating ?? null,
    ratingComment: state.confirmation?.comment ?? null,
    cancelReason: state.cancellation?.reason ?? null,
    openedByRole: state.openedBy.role,
    openedBySubject: state.openedBy.subject ?? null,
    createdAt: new Date(state.openedAt),
    updatedAt: new Date(state.updatedAt),
    closedAt: state.closedAt ? new Date(state.closedAt) : null,
    offeredEngineerId: state.stage === 'offered' ? (state.offer?.engineerId ?? null) : null,
    slaBreached: state.sla?.breached ?? false,
    escalationLevel: state.sla?.level ?? 0,
    nextDeadline: state.sla?.nextDeadline ? new Date(state.sla.nextDeadline) : null,
    snapshot: state,
    lastEventSeq: state.eventSeq,
    runId,
    kind: intake.kind ?? 'repair',
  };
}

/** The row a receipt implies, as the API's views read it (id: not known, not shown). */
export function caseRowOfReceipt(receipt: CaseReceipt): CaseRow {
  const row = caseRowFrom(receipt);
  return { id: 0, ...row, snapshot: row.snapshot ?? {} } as CaseRow;
}
