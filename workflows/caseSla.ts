// The case's SLA clocks on the shared engine (slaEngine.ts): which clocks a stage change
// starts, stops, pauses and resumes, the new cycle of a rework, the hold of a
// customer-requested reschedule, and a priority raise. Deterministic.
import { patched } from '@temporalio/workflow';
import { SlaEngine, type Fired, type Raise } from './slaEngine';
import type { Waiter } from './timers';
import {
  clockTransitions,
  pauseClock,
  raisedPriority,
  retargetClock,
  slaPolicyFor,
  startClock,
  type CaseState,
  type ClockName,
  type SlaClock,
  type Stage,
  type Threshold,
} from '../domain';
import type { RoutedPerson } from '../domain/duty';
import type { Priority } from '../domain/schemas';

export interface SlaHooks {
  state: CaseState;
  /** Writes a timeline event (and the case row) after a synchronous change. */
  advance(type: string, data: Record<string, unknown>, change?: (s: CaseState) => Stage | void, fired?: Fired<ClockName>): Promise<unknown>;
  /** Runs with ONE_WRITE_PATCH: a threshold's record goes with its event. */
  thresholdWithEvent(): boolean;
  recordThreshold(c: SlaClock, t: Threshold, dueAt: number): Promise<unknown>;
  recordResult(result: CaseState['sla']['results'][number]): Promise<unknown>;
  /** Duty routing of a threshold (see SlaEngineHooks.route). */
  route?(c: SlaClock, t: Threshold): Promise<{ data: Record<string, unknown>; people: RoutedPerson[] }> | undefined;
  /** Tells the people a threshold names (supervisor, manager); never blocks the clock. */
  notify(c: SlaClock, t: Threshold, dueAt: number, routed?: RoutedPerson[]): void;
  /** Level-3 action for dispatch clocks: take the case from the engineer and dispatch again. */
  forceRedispatch(clock: ClockName): Promise<void>;
  isClosed(): boolean;
  /** What the clock loop waits with (see SlaEngineHooks.waiter). */
  waiter?(): Waiter;
}

const DISPATCH_CLOCKS: readonly ClockName[] = ['dispatch', 'engineerAcceptance', 'customerContact'];

export class CaseSlaClocks {
  private readonly engine: SlaEngine<ClockName>;

  constructor(private readonly hooks: SlaHooks) {
    const state = hooks.state;
    this.engine = new SlaEngine<ClockName>({
      book: () => state.sla,
      stage: () => state.stage,
      isClosed: () => hooks.isClosed(),
      advance: (type, data, change, fired) => hooks.advance(type, data, change, fired),
      thresholdWithEvent: () => hooks.thresholdWithEvent(),
      raise: () => this.raise(),
      thresholdData: (t) => ({
        notify: [...(t.actions.includes('notify_supervisor') ? ['supervisor'] : []), ...(t.actions.includes('notify_manager') ? ['manager'] : [])],
      }),
      recordThreshold: (c, t, dueAt) => hooks.recordThreshold(c, t, dueAt),
      route: (c, t) => hooks.route?.(c, t),
      notify: (c, t, dueAt, routed) => hooks.notify(c, t, dueAt, routed),
      // A held case (offered or dispatched) is taken back on a dispatch clock.
      canTakeBack: (c) => DISPATCH_CLOCKS.includes(c.clock) && (state.stage === 'offered' || state.stage === 'dispatched'),
      takeBack: (c) => hooks.forceRedispatch(c.clock),
      recordResult: (r) => hooks.recordResult(r),
      waiter: hooks.waiter && (() => hooks.waiter!()),
    });
  }

  private get sla() {
    return this.hooks.state.sla;
  }

  private start(clock: ClockName, at: number): void {
    if (this.sla.clocks.some((c) => c.clock === clock && c.cycle === this.sla.cycle)) return;
    this.engine.add(startClock(clock, this.sla.cycle, at, this.hooks.state.priority, this.sla.policy));
  }

  /** Called synchronously on every stage change. */
  onStage(from: Stage | null, to: Stage, at: number): void {
    const { start, stop } = clockTransitions(from, to);
    for (const c of stop) this.engine.stop(c, at);
    for (const c of start) this.start(c, at);
    // Waiting on the customer does not count.
    if (to === 'awaiting_approval') for (const c of this.engine.running()) pauseClock(c, at);
    if (from === 'awaiting_approval' || to === 'on_site') this.engine.resumeAll(at);
    this.engine.touch();
  }

  /** Clock results not yet written (caseCore's `advance` writes them with its event). */
  takeResults(): CaseState['sla']['results'] {
    return this.engine.takeResults();
  }

  /** Rework: a new cycle of the clocks that measure getting the case fixed again. */
  newCycle(at: number): void {
    for (const c of this.engine.running()) c.stoppedAt = at; // abandoned, not counted
    this.sla.cycle += 1;
    for (const c of ['firstResponse', 'dispatch', 'resolution'] as const) this.start(c, at);
    this.engine.touch();
  }

  /** A customer-requested reschedule: the visit clocks wait until the new slot starts. */
  holdForCustomer(until: number, at: number): void {
    for (const c of this.engine.running()) if (c.clock === 'onSiteArrival' || c.clock === 'resolution') pauseClock(c, at);
    this.sla.holdUntil = new Date(until).toISOString();
    this.engine.touch();
  }

  /**
   * The one way the priority changes (a person's move and the level-2 raise): the running
   * clocks re-target with their start and paused time kept (retargetClock), and the
   * engine re-plans, so a deadline already past fires at once. Called synchronously
   * inside `advance`'s change.
   */
  changePriority(to: Priority): void {
    const state = this.hooks.state;
    const { policy } = this.sla;
    state.priority = to;
    const running = this.engine.running();
    // Runs before this patch kept each clock on the calendar it started with; the marker
    // is written only when a calendar would change, so other changes issue no new command.
    const switchCalendar = running.some((c) => slaPolicyFor(policy, to, c.clock).calendar !== c.mode) && patched('priority-change-calendar');
    for (const c of running) retargetClock(c, to, policy, switchCalendar);
    this.engine.touch();
  }

  /** Level 2 raises the priority one step (none above P1). */
  private raise(): Raise | undefined {
    const state = this.hooks.state;
    if (state.priority === 'P1') return undefined;
    const to = raisedPriority(state.priority);
    return {
      data: { priority: { from: state.priority, to } },
      apply: () => this.changePriority(to),
    };
  }

  /**
   * The next SLA deadline, for the case's search attributes and summary. Search
   * attributes are only upserted by the case workflow's `advance` (in step with the
   * state change and its timeline event), never from this loop: an upsert issued by a
   * coroutine woken by a condition could land on either side of an update's completion,
   * and replay must see the same order.
   */
  nextDeadlineIso(): string | undefined {
    const next = this.engine.nextDeadline();
    this.sla.nextDeadline = next ? new Date(next.at).toISOString() : undefined;
    return this.sla.nextDeadline;
  }

  /** Runs until the case closes: fires each warning and level once, when it falls due. */
  run(): Promise<void> {
    return this.engine.run();
  }
}
