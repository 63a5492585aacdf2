// Update and query definitions of the complaint workflow, shared with the API and tests.
import type { UpdateDefinition } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../domain';
import type { ComplaintAction, ComplaintState } from '../domain/complaints';
import type {
  AcknowledgeBody,
  CallbackBody,
  CloseBody,
  DecisionBody,
  InvestigateBody,
  NoteBody,
  ProposeResolutionBody,
  ReassignBody,
  WithdrawBody,
} from '../domain/complaintSchemas';

export const getComplaintState = defineQuery<ComplaintState>('getComplaintState');

/** Resolves once the complaint is in PostgreSQL; lets POST /complaints answer with a readable row. */
export const complaintReceipt = defineUpdate<ComplaintState>('complaintReceipt');

type ComplaintUpdate<Body> = UpdateDefinition<ComplaintState, [Actor, Body]>;

/** The update behind each action: one table for the workflow, the API and the tests. */
export const COMPLAINT_UPDATES = {
  acknowledge: defineUpdate('acknowledgeComplaint') as ComplaintUpdate<AcknowledgeBody>,
  investigate: defineUpdate('investigateComplaint') as ComplaintUpdate<InvestigateBody>,
  proposeResolution: defineUpdate('proposeResolution') as ComplaintUpdate<ProposeResolutionBody>,
  recordDecision: defineUpdate('recordCustomerDecision') as ComplaintUpdate<DecisionBody>,
  verifyCallback: defineUpdate('verifyCallback') as ComplaintUpdate<CallbackBody>,
  close: defineUpdate('closeComplaint') as ComplaintUpdate<CloseBody>,
  reassign: defineUpdate('reassignComplaint') as ComplaintUpdate<ReassignBody>,
  addNote: defineUpdate('addComplaintNote') as ComplaintUpdate<NoteBody>,
  withdraw: defineUpdate('withdrawComplaint') as ComplaintUpdate<WithdrawBody>,
} satisfies Record<ComplaintAction, unknown>;
