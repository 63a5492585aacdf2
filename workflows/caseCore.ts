// The case as its workflow holds it: the state, the one way it changes (`advance`:
// apply the change, project it to PostgreSQL with its timeline event, publish it for
// ops), the guard every move passes, and what the handler modules share: with
// WorkflowCore, activities that park on an unfixable failure and the outbox; the
// customer's link; letting an engineer go. The modules (caseDispatch, caseVisit,
// caseClosure, caseReminders) register their handlers and loops on it; the state as
// plain data (its opening value, `now`, clearEngineer) is caseState.ts. Deterministic.
import { patched, setHandler, workflowInfo } from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { CaseActivities } from '../activities';
import {
  canPerform,
  caseReceipt,
  ENGINEER_OWN_ACTIONS,
  isOpenStage,
  type Actor,
  type CaseAction,
  type CaseEvent,
  type CaseReceipt,
  type CaseState,
  type CaseWorkflowInput,
  type Stage,
} from '../domain';
import { FAILURE } from '../domain/failures';
import {
  linkOrHotline,
  notificationKey,
  type NotificationChannel,
  type NotificationEvent,
  type NotificationLocale,
  type NotificationVars,
} from '../domain/notifications';
import { reject } from './activities';
import { publishForOps, publishOpening, SA_ON_CHANGE_PATCH } from './caseOps';
import type { CaseSlaClocks } from './caseSla';
import { initialState, now, slaResultRecord } from './caseState';
import { ACTION_UPDATES, getCaseState, intakeReceipt } from './definitions';
import { Alarm, WakeClock, type Waiter } from './timers';
import { WorkflowCore } from './workflowCore';

/**
 * Runs opened with this marker write everything a move implies (its event, the row, the
 * clock results it stopped, the archive) in one activity and one transaction, instead
 * of an activity each. Runs without it keep their activities (README "Changing workflow code").
 */
export const ONE_WRITE_PATCH = 'case-move-one-write';

/**
 * Runs opened with this marker wait for all their deadlines (SLA thresholds, reminders,
 * the contact and offer windows) on one timer armed for the earliest (timers.ts WakeClock),
 * instead of a timer per loop that each move cancelled and restarted.
 */
export const ONE_TIMER_PATCH = 'case-one-timer';

/**
 * Runs opened with this marker (and ONE_WRITE_PATCH) fold into a move's one write what
 * followed it as activities of their own: the dispatch round's ranking with its
 * exhaustion, the "customer told" event with the booking or quote that tells them, the
 * bookings a check-out, a declined quote or a cancellation closes, and the customer link
 * the move's message carries (signed in the move's transaction).
 */
export const MOVE_FOLDS_PATCH = 'case-move-folds';

/** What a move writes besides its event and row (activities/caseRecords.ts). */
export type MoveWrites = Omit<NonNullable<Parameters<CaseActivities['recordCaseEvent']>[2]>, 'before' | 'after'>;

/** What the move's write returns (the customer link, when the move asked for one). */
export type MoveWritten = Awaited<ReturnType<CaseActivities['recordCaseEvent']>>;

/** A timeline event written with a move (MOVE_FOLDS_PATCH): `before` it in the same stage, or `after` it in the new one. */
export interface FoldedEvent {
  type: string;
  data: Record<string, unknown>;
  /** Default: the move's actor. */
  actor?: Actor;
}

/** The update handler of a move: the validated actor and body in, the new state out. */
export type Handler<B> = (actor: Actor, body: B) => Promise<CaseState>;

export class CaseCore extends WorkflowCore<CaseState> {
  readonly sla: CaseSlaClocks;
  /** Bumped on every change: the main loop and the reminders sleep until it moves. */
  epoch = 0;
  /** Decided once, when the run starts (ONE_WRITE_PATCH): a run never mixes the two ways. */
  readonly oneWrite = patched(ONE_WRITE_PATCH);
  /** Decided once, when the run starts (SA_ON_CHANGE_PATCH): search attributes upserted only when they change. */
  private readonly saOnChange = patched(SA_ON_CHANGE_PATCH);
  /** Decided once, when the run starts (ONE_TIMER_PATCH): one timer for all the case's deadlines. */
  readonly clock = patched(ONE_TIMER_PATCH) ? new WakeClock() : undefined;
  /** Decided once, when the run starts (MOVE_FOLDS_PATCH, on one-write runs only). */
  readonly folds = this.oneWrite && patched(MOVE_FOLDS_PATCH);

  /** `slaFor` wires the SLA clocks to this case (caseSlaWiring). */
  constructor(
    readonly input: CaseWorkflowInput,
    slaFor: (core: CaseCore) => CaseSlaClocks,
  ) {
    super(initialState(input), 'case.resumed');
    this.sla = slaFor(this);
  }

  /** The query and the intake receipt. */
  setup(): void {
    this.registerQueries(getCaseState, intakeReceipt, caseReceipt);
  }

  /** A loop's way to wait for an instant: a slot of the case's one timer, or (older runs) a timer of its own. */
  waiter(): Waiter {
    return this.clock?.slot() ?? new Alarm();
  }

  override isClosed(): boolean {
    return !isOpenStage(this.state.stage);
  }

  // State changes --------------------------------------------------------------------

  enter(stage: Stage): void {
    const state = this.state;
    if (stage === state.stage) return;
    const at = now();
    this.sla.onStage(state.stage, stage, Date.parse(at));
    state.stageMs[state.stage] = (state.stageMs[state.stage] ?? 0) + (Date.parse(at) - Date.parse(state.stageSince));
    state.stage = stage;
    state.stageSince = at;
  }

  /**
   * Applies a change, then persists the new snapshot and its timeline event. The change
   * runs synchronously before any await, so a concurrent update's validator already
   * sees the new stage. `change` returns the stage to enter, if any; `also`, what else
   * the move writes (read after the change).
   */
  override async advance(
    actor: Actor,
    type: string,
    data: Record<string, unknown>,
    change: (s: CaseState) => Stage | void = () => undefined,
    also: () => MoveWrites = () => ({}),
  ): Promise<CaseState> {
    await this.move(actor, type, data, change, also);
    return this.state;
  }

  /** `advance`, returning what the write returned; `folded`: events written with it (MOVE_FOLDS_PATCH runs only). */
  async move(
    actor: Actor,
    type: string,
    data: Record<string, unknown>,
    change: (s: CaseState) => Stage | void = () => undefined,
    also: () => MoveWrites = () => ({}),
    folded: { before?: FoldedEvent[]; after?: FoldedEvent[] } = {},
  ): Promise<MoveWritten> {
    const state = this.state;
    const fromStage = state.stage;
    const before = (folded.before ?? []).map((e) => {
      state.updatedAt = now();
      return this.timelineEvent(e.type, fromStage, e.actor ?? actor, e.data);
    });
    const to = change(state);
    if (to) this.enter(to);
    state.updatedAt = now();
    if (!isOpenStage(state.stage)) state.closedAt = state.updatedAt;
    this.epoch++;
    const event: CaseEvent = this.timelineEvent(type, fromStage, actor, data);
    const after = (folded.after ?? []).map((e) => this.timelineEvent(e.type, state.stage, e.actor ?? actor, e.data));
    this.publish();
    if (!this.oneWrite) return this.activities.recordCaseEvent(this.snapshot(), event);
    const results = this.sla.takeResults().map((r) => slaResultRecord(state, r));
    return this.activities.recordCaseEvent(this.snapshot(), event, {
      ...also(),
      ...(results.length ? { slaResults: results } : {}),
      ...(before.length ? { before } : {}),
      ...(after.length ? { after } : {}),
    });
  }

  protected override publish(): void {
    publishForOps(this.state, this.sla.nextDeadlineIso(), this.saOnChange);
  }

  /**
   * Start, once the SLA policy in force is loaded (the case keeps that version): the
   * clocks, the search attributes, and the intake as the first timeline event, whose
   * write is returned (its caller awaits it, then marks the intake recorded).
   */
  recordOpening(slaPolicy: { version: number; policy: CaseState['sla']['policy'] }): Promise<unknown> {
    const state = this.state;
    state.sla.policyVersion = slaPolicy.version;
    state.sla.policy = slaPolicy.policy;
    this.sla.onStage(null, 'accepted', Date.parse(state.openedAt));

    // The intake itself is the first timeline event.
    state.eventSeq = 1;
    this.publish();
    publishOpening(state, this.saOnChange);
    return this.activities.recordCaseEvent(this.snapshot(), {
      seq: 1,
      runId: workflowInfo().runId,
      type: 'case.opened',
      fromStage: null,
      toStage: 'accepted',
      actor: this.input.openedBy,
      data: { channel: this.input.intake.channel, idempotencyKey: this.input.idempotencyKey },
      occurredAt: state.openedAt,
    });
  }

  // Moves -----------------------------------------------------------------------------

  private ownerFor(action: CaseAction): string | undefined {
    return action === 'acceptOffer' || action === 'declineOffer' ? this.state.offer?.engineerId : this.state.engineerId;
  }

  /** Refuses a move the stage does not allow, or an engineer's move on a case not theirs. */
  guard(action: CaseAction, actor: Actor): void {
    const state = this.state;
    if (!canPerform(action, state.stage)) {
      reject(FAILURE.illegalTransition, `cannot ${action} a case in stage '${state.stage}'`, { currentStage: state.stage });
    }
    if (actor.role === 'engineer' && ENGINEER_OWN_ACTIONS.includes(action) && actor.subject !== this.ownerFor(action)) {
      reject(FAILURE.forbidden, `case ${state.caseNo} is not ${action.endsWith('Offer') ? 'offered' : 'assigned'} to engineer ${actor.subject ?? '(unknown)'}`);
    }
  }

  /** Registers the update of a move: guarded, then checked by `validate`, then handled. */
  on<B>(action: CaseAction, handle: Handler<B>, validate?: (actor: Actor, body: B) => void): void {
    const def = ACTION_UPDATES[action] as unknown as UpdateDefinition<CaseReceipt, [Actor, B]>;
    // The answer is the receipt, not the state: an Update's result is not a command, so runs recorded before replay alike.
    setHandler(def, async (actor: Actor, body: B) => caseReceipt(await handle(actor, body)), {
      validator: (actor: Actor, body: B) => {
        this.guard(action, actor);
        validate?.(actor, body);
      },
    });
  }

  // Shared means ----------------------------------------------------------------------

  /** `locale`: the recipient's language (staff); default the customer's. `personId`: the staff member it is for, if known. */
  queueMessage(
    subject: string,
    event: NotificationEvent,
    channel: NotificationChannel,
    recipient: string | undefined,
    vars: NotificationVars,
    locale: NotificationLocale = this.state.intake.customer.language,
    personId?: string,
  ): void {
    if (!recipient) return;
    const state = this.state;
    this.outbox.push({
      key: notificationKey(subject, event, recipient, channel),
      channel,
      recipient,
      event,
      locale,
      vars: { caseNo: state.caseNo, ...vars },
      caseNo: state.caseNo,
      ...(personId ? { personId } : {}),
    });
  }

  /** A signed link for the customer (issued by an activity: the workflow holds no secret). */
  async customerLink(): Promise<string> {
    return this.linkText(await this.activities.issueCustomerLink({ subjectNo: this.state.caseNo }));
  }

  /** A link signed by a move's write (MOVE_FOLDS_PATCH), as the message puts it. */
  linkText(signed: MoveWritten['customerLink']): string {
    return linkOrHotline(signed ?? null, this.state.intake.customer.language);
  }

  /** Releases capacity and the booking an engineer held on this case. */
  async letGo(engineerId: string | undefined, hadBooking: boolean): Promise<void> {
    if (engineerId) await this.activities.releaseEngineer({ caseNo: this.state.caseNo, engineerId });
    if (hadBooking) await this.activities.closeBookings({ caseNo: this.state.caseNo, status: 'cancelled' });
  }
}
