// Update and query definitions shared by the workflow and its callers (API, tests).
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor, CaseState } from '../domain';
import type {
  AppointmentBody,
  AssignBody,
  CancelBody,
  CheckInBody,
  CheckOutBody,
  ConfirmBody,
} from '../domain/schemas';

export const getCaseState = defineQuery<CaseState>('getCaseState');

/** Resolves once the intake is in PostgreSQL; lets POST /cases answer with a readable case. */
export const intakeReceipt = defineUpdate<CaseState>('intakeReceipt');

export const assignEngineer = defineUpdate<CaseState, [Actor, AssignBody]>('assignEngineer');
export const bookAppointment = defineUpdate<CaseState, [Actor, AppointmentBody]>('bookAppointment');
export const checkIn = defineUpdate<CaseState, [Actor, CheckInBody]>('checkIn');
export const checkOut = defineUpdate<CaseState, [Actor, CheckOutBody]>('checkOut');
export const confirmCase = defineUpdate<CaseState, [Actor, ConfirmBody]>('confirmCase');
export const cancelCase = defineUpdate<CaseState, [Actor, CancelBody]>('cancelCase');

/** ApplicationFailure types raised by update validators; the API maps them to HTTP. */
export const FAILURE = {
  illegalTransition: 'IllegalTransition',
  forbidden: 'Forbidden',
} as const;
