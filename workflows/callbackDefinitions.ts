// Update, signal and query definitions of the callback and maintenance workflows, shared
// with the API and the tests.
import type { UpdateDefinition } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../domain';
import type { CallbackOutcome, CallbackQuestionId } from '../domain/callbacks';

export interface CallbackState {
  caseNo: string;
  /** waiting: before the first attempt; queueing → open: attempt `attempt` in the agents' queue; survey: SMS survey sent; done. */
  status: 'waiting' | 'queueing' | 'open' | 'survey' | 'done';
  attempt: number;
  dueAt?: string;
  attempts: Array<{ attempt: number; dueAt: string; outcome?: CallbackOutcome; at?: string; via?: string }>;
  outcome?: CallbackOutcome;
  satisfaction?: number;
  complaintNo?: string;
  surveySentAt?: string;
}

export interface CallbackOutcomeBody {
  attempt: number;
  outcome: CallbackOutcome;
  satisfaction?: number;
  answers?: Partial<Record<CallbackQuestionId, number | boolean>>;
  note?: string;
}

export interface CallbackSurveyBody {
  rating: number;
  comment?: string;
}

export const getCallbackState = defineQuery<CallbackState>('getCallbackState');
/** An agent records what came of the open attempt (phone). */
export const recordCallbackOutcome: UpdateDefinition<CallbackState, [Actor, CallbackOutcomeBody]> = defineUpdate('recordCallbackOutcome');
/** The customer answers the SMS survey through their case link. */
export const submitCallbackSurvey: UpdateDefinition<CallbackState, [Actor, CallbackSurveyBody]> = defineUpdate('submitCallbackSurvey');

export interface MaintenanceSeriesState {
  seriesId: string;
  cycle: number;
  status: 'waiting' | 'reminded' | 'booked' | 'opted_out';
  dueAt: string;
  remindAt: string;
  reminderId?: number;
  bookedCaseNo?: string;
}

export const getMaintenanceState = defineQuery<MaintenanceSeriesState>('getMaintenanceState');
/** A maintenance case was opened from this cycle's reminder (the API wrote the row first). */
/** `cycle`: the reminder's cycle; a run of another cycle ignores it (signals sent before it was added carry none). */
export const maintenanceBooked = defineSignal<[{ caseNo: string; at: string; via: 'agent' | 'link'; cycle?: number }]>('maintenanceBooked');
/** The customer wants no more reminders for this product (the API wrote the opt-out row first). */
export const maintenanceOptOut = defineSignal<[{ at: string; via: 'agent' | 'link' }]>('maintenanceOptOut');
