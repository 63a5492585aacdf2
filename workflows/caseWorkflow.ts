// One workflow per case: the durable owner of its stage. Deterministic only: all I/O
// happens in activities.
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { createActivities } from '../activities';
import {
  canPerform,
  isOpenStage,
  maskPhone,
  STAGE_LABELS,
  stageAfter,
  type Actor,
  type CaseAction,
  type CaseEvent,
  type CaseState,
  type CaseWorkflowInput,
} from '../domain';
import { SA } from '../domain/searchAttributes';
import {
  assignEngineer,
  bookAppointment,
  cancelCase,
  checkIn,
  checkOut,
  confirmCase,
  FAILURE,
  getCaseState,
  intakeReceipt,
} from './definitions';

const { recordCaseEvent } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
  // A database outage delays the timeline; it never loses it.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export interface CaseOutcome {
  caseNo: string;
  stage: CaseState['stage'];
  closedAt?: string;
}

/** Actions an engineer may only perform on a case assigned to them. */
const ENGINEER_OWN_ACTIONS: readonly CaseAction[] = ['appointment', 'checkIn', 'checkOut'];

export async function caseWorkflow(input: CaseWorkflowInput): Promise<CaseOutcome> {
  const now = () => new Date(Date.now()).toISOString();
  const state: CaseState = {
    caseNo: input.caseNo,
    workflowId: workflowInfo().workflowId,
    stage: 'accepted',
    priority: input.intake.priority,
    intake: input.intake,
    openedBy: input.openedBy,
    openedAt: now(),
    updatedAt: now(),
    recorded: false,
    visits: 0,
    eventSeq: 0,
  };

  setHandler(getCaseState, () => state);
  setHandler(intakeReceipt, async () => {
    await condition(() => state.recorded);
    return state;
  });

  /** Moves the case, then persists the new snapshot and its timeline event. */
  async function advance(
    action: CaseAction,
    actor: Actor,
    type: string,
    data: Record<string, unknown>,
    change: (s: CaseState) => void,
  ): Promise<CaseState> {
    // Mutate synchronously before any await so a concurrent update's validator sees
    // the new stage (validators and handler starts run in order within an activation).
    const fromStage = state.stage;
    change(state);
    state.stage = stageAfter(action, state.checkOut?.result);
    state.updatedAt = now();
    if (!isOpenStage(state.stage)) state.closedAt = state.updatedAt;
    const event: CaseEvent = {
      seq: ++state.eventSeq,
      type,
      fromStage,
      toStage: state.stage,
      actor,
      data,
      occurredAt: state.updatedAt,
    };
    publishForOps();
    await recordCaseEvent(snapshot(), event);
    return state;
  }

  function snapshot(): CaseState {
    return JSON.parse(JSON.stringify(state)) as CaseState;
  }

  function publishForOps(): void {
    upsertSearchAttributes([
      { key: SA.CaseStage, value: state.stage },
      { key: SA.Priority, value: state.priority },
      { key: SA.AssignedEngineer, value: state.engineerId ?? null },
    ]);
    const c = state.intake.customer;
    const p = state.intake.product;
    const lines = [
      `**${state.caseNo}** · ${state.priority} · ${STAGE_LABELS[state.stage]}`,
      `Customer: ${c.name} (${maskPhone(c.phone)})${c.tier === 'vip' ? ' · VIP' : ''}`,
      `Product: ${p.category} ${p.model} #${p.serial}`,
      `Engineer: ${state.engineerId ? `${state.engineerName ?? ''} ${state.engineerId}`.trim() : '—'}`,
    ];
    if (state.appointment) lines.push(`Appointment: ${state.appointment.start} → ${state.appointment.end}`);
    if (state.cancellation) lines.push(`Cancelled: ${state.cancellation.reason}`);
    setCurrentDetails(lines.join('\n\n'));
  }

  function guard(action: CaseAction, actor: Actor): void {
    if (!canPerform(action, state.stage)) {
      throw ApplicationFailure.create({
        type: FAILURE.illegalTransition,
        message: `cannot ${action} a case in stage '${state.stage}'`,
        details: [{ currentStage: state.stage }],
        nonRetryable: true,
      });
    }
    if (actor.role === 'engineer' && ENGINEER_OWN_ACTIONS.includes(action) && actor.subject !== state.engineerId) {
      throw ApplicationFailure.create({
        type: FAILURE.forbidden,
        message: `case ${state.caseNo} is not assigned to engineer ${actor.subject ?? '(unknown)'}`,
        nonRetryable: true,
      });
    }
  }

  function on<Body>(
    def: UpdateDefinition<CaseState, [Actor, Body]>,
    action: CaseAction,
    handle: (actor: Actor, body: Body) => Promise<CaseState>,
  ): void {
    setHandler(def, handle, { validator: (actor: Actor, _body: Body) => guard(action, actor) });
  }

  on(assignEngineer, 'assign', (actor, body) =>
    advance('assign', actor, state.engineerId ? 'engineer.reassigned' : 'engineer.assigned', { ...body, previousEngineerId: state.engineerId }, (s) => {
      if (s.engineerId !== body.engineerId) s.appointment = undefined;
      s.engineerId = body.engineerId;
      s.engineerName = body.engineerName;
    }),
  );
  on(bookAppointment, 'appointment', (actor, body) =>
    advance('appointment', actor, state.appointment ? 'appointment.rescheduled' : 'appointment.booked', { ...body, previous: state.appointment }, (s) => {
      s.appointment = { start: body.start, end: body.end, note: body.note };
    }),
  );
  on(checkIn, 'checkIn', (actor, body) =>
    advance('checkIn', actor, 'visit.checked_in', { ...body, visit: state.visits + 1 }, (s) => {
      s.visits += 1;
    }),
  );
  on(checkOut, 'checkOut', (actor, body) =>
    advance('checkOut', actor, 'visit.checked_out', { ...body, visit: state.visits }, (s) => {
      s.checkOut = { result: body.result, resolution: body.resolution, at: now() };
      // A return visit needs a new booking.
      if (body.result === 'needs_parts') s.appointment = undefined;
    }),
  );
  on(confirmCase, 'confirm', (actor, body) =>
    advance('confirm', actor, 'case.confirmed', { ...body }, (s) => {
      s.confirmation = { rating: body.rating, comment: body.comment, at: now() };
    }),
  );
  on(cancelCase, 'cancel', (actor, body) =>
    advance('cancel', actor, 'case.cancelled', { ...body }, (s) => {
      s.cancellation = { reason: body.reason, at: now(), by: actor };
    }),
  );

  // The intake itself is the first timeline event.
  state.eventSeq = 1;
  publishForOps();
  upsertSearchAttributes([
    { key: SA.CaseNo, value: state.caseNo },
    { key: SA.Region, value: state.intake.customer.region ?? 'unassigned' },
    { key: SA.SlaBreached, value: false },
  ]);
  await recordCaseEvent(snapshot(), {
    seq: 1,
    type: 'case.opened',
    fromStage: null,
    toStage: 'accepted',
    actor: input.openedBy,
    data: { channel: input.intake.channel, idempotencyKey: input.idempotencyKey },
    occurredAt: state.openedAt,
  });
  state.recorded = true;

  await condition(() => !isOpenStage(state.stage) && allHandlersFinished());
  return { caseNo: state.caseNo, stage: state.stage, closedAt: state.closedAt };
}
