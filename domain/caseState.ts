// The live state of one case, as its workflow holds it and the Query returns it.
import type { Actor } from './roles';
import type { CaseIntake } from './schemas';
import type { CheckOutResult, Stage } from './stages';

export interface Appointment {
  start: string;
  end: string;
  note?: string;
}

export interface CaseState {
  caseNo: string;
  workflowId: string;
  stage: Stage;
  priority: CaseIntake['priority'];
  intake: CaseIntake;
  openedBy: Actor;
  openedAt: string;
  updatedAt: string;
  /** Set once the intake has been written to PostgreSQL. */
  recorded: boolean;
  engineerId?: string;
  engineerName?: string;
  appointment?: Appointment;
  /** Check-ins so far; more than one means a return visit. */
  visits: number;
  checkOut?: { result: CheckOutResult; resolution: string; at: string };
  confirmation?: { rating: number; comment?: string; at: string };
  cancellation?: { reason: string; at: string; by: Actor };
  closedAt?: string;
  /** Sequence number of the last timeline event; events are keyed by workflow + seq. */
  eventSeq: number;
}

/** One entry of the append-only timeline. */
export interface CaseEvent {
  seq: number;
  type: string;
  fromStage: Stage | null;
  toStage: Stage;
  actor: Actor;
  data: Record<string, unknown>;
  occurredAt: string;
}

export interface CaseWorkflowInput {
  caseNo: string;
  intake: CaseIntake;
  openedBy: Actor;
  idempotencyKey?: string;
}
