// Update and query definitions shared by the workflow and its callers (API, tests).
import type { UpdateDefinition } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor, CaseAction, CaseReceipt, CaseState } from '../domain';
import type {
  AcceptOfferBody,
  AppointmentBody,
  AssignBody,
  CancelBody,
  CheckInBody,
  CheckOutBody,
  ConfirmBody,
  ContactBody,
  DeclineOfferBody,
  DiagnoseBody,
  NoShowBody,
  PriorityChangeBody,
  QuoteBody,
  QuoteDecisionBody,
  RedispatchBody,
} from '../domain/schemas';
import type { RescheduleDeclineNotice, RescheduleRequestNotice } from '../domain/rescheduleRequests';

export { FAILURE } from '../domain/failures';

export const getCaseState = defineQuery<CaseState>('getCaseState');

/** Resolves once the intake is in PostgreSQL; POST /cases answers from its receipt (domain/caseReceipt). */
export const intakeReceipt = defineUpdate<CaseReceipt>('intakeReceipt');

/** A move answers with the case's receipt (the fields its row and views need), not the whole state. */
type CaseUpdate<Body> = UpdateDefinition<CaseReceipt, [Actor, Body]>;

export const assignEngineer: CaseUpdate<AssignBody> = defineUpdate('assignEngineer');
export const redispatchCase: CaseUpdate<RedispatchBody> = defineUpdate('redispatchCase');
export const acceptOffer: CaseUpdate<AcceptOfferBody> = defineUpdate('acceptOffer');
export const declineOffer: CaseUpdate<DeclineOfferBody> = defineUpdate('declineOffer');
export const recordContact: CaseUpdate<ContactBody> = defineUpdate('recordContact');
export const bookAppointment: CaseUpdate<AppointmentBody> = defineUpdate('bookAppointment');
export const reportNoShow: CaseUpdate<NoShowBody> = defineUpdate('reportNoShow');
export const checkIn: CaseUpdate<CheckInBody> = defineUpdate('checkIn');
export const recordDiagnosis: CaseUpdate<DiagnoseBody> = defineUpdate('recordDiagnosis');
export const submitQuote: CaseUpdate<QuoteBody> = defineUpdate('submitQuote');
export const decideQuote: CaseUpdate<QuoteDecisionBody> = defineUpdate('decideQuote');
export const checkOut: CaseUpdate<CheckOutBody> = defineUpdate('checkOut');
export const confirmCase: CaseUpdate<ConfirmBody> = defineUpdate('confirmCase');
export const cancelCase: CaseUpdate<CancelBody> = defineUpdate('cancelCase');
export const changePriority: CaseUpdate<PriorityChangeBody> = defineUpdate('changePriority');

/** A customer's reschedule request was stored: the engineer and the dispatcher on duty are told (no stage change). */
export const rescheduleRequested: CaseUpdate<RescheduleRequestNotice> = defineUpdate('rescheduleRequested');
/** A dispatcher declined a reschedule request: the customer is told why. */
export const rescheduleDeclined: CaseUpdate<RescheduleDeclineNotice> = defineUpdate('rescheduleDeclined');

/** The update behind each action: one table for the workflow, the API and the tests. */
export const ACTION_UPDATES = {
  assign: assignEngineer,
  redispatch: redispatchCase,
  acceptOffer,
  declineOffer,
  recordContact,
  appointment: bookAppointment,
  noShow: reportNoShow,
  checkIn,
  diagnose: recordDiagnosis,
  quote: submitQuote,
  decideQuote,
  checkOut,
  confirm: confirmCase,
  cancel: cancelCase,
  changePriority,
} satisfies Record<CaseAction, unknown>;
