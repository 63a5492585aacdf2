// The SLA clock engine shared by cases and complaints. The earliest unfired threshold of
// the running clocks is a durable timer (re-armed whenever a clock starts, stops, pauses
// or is re-targeted and that instant changes; timers.ts), so a lapse escalates at the moment it happens: the warning and
// each level of the ladder fire once, write their event, are recorded and told to the
// people they name. Which clocks run when, what a raise means (a case's priority, a
// complaint's grade) and what a level-3 take-back does stay with the owner
// (caseSla.ts, complaintSla.ts). Deterministic.
import { Alarm, type Waiter } from './timers';
import { elapsedMs, nextDue, resumeClock, stopClock, type ClockResult, type SlaClock, type SlaPolicy, type Threshold } from '../domain';
import type { RoutedPerson } from '../domain/duty';

const MINUTE = 60_000;

/** The SLA part of a workflow's state (CaseState['sla'], ComplaintState['sla']). */
export interface SlaBook<N extends string> {
  policy: SlaPolicy;
  /** Cases: rework starts a new cycle and only the current cycle's clocks run. */
  cycle?: number;
  clocks: SlaClock<N>[];
  results: ClockResult<N>[];
  breached: boolean;
  /** Highest escalation level fired (0 = none). */
  level: number;
  nextDeadline?: string;
  /** The running clocks are paused until this instant (a customer-requested reschedule). */
  holdUntil?: string;
}

/** A raise_priority threshold moves the subject one step: its event data and the change. */
export interface Raise {
  data: Record<string, unknown>;
  apply(): void;
}

/** A threshold that fired: its clock, which threshold, and when it was due. */
export interface Fired<N extends string> {
  clock: SlaClock<N>;
  threshold: Threshold;
  dueAt: number;
}

export interface SlaEngineHooks<N extends string> {
  book(): SlaBook<N>;
  /** The owner's stage, named in an ops_action_required event. */
  stage(): string;
  isClosed(): boolean;
  /** Writes a timeline event (and the row) after a synchronous change; `fired`: the threshold it records, when written with it. */
  advance(type: string, data: Record<string, unknown>, change?: () => void, fired?: Fired<N>): Promise<unknown>;
  /** Whether a threshold is recorded by its event's write (true) or by recordThreshold after it. */
  thresholdWithEvent?(): boolean;
  /** The step a raise_priority threshold takes now; none when already at the top. */
  raise(): Raise | undefined;
  /** Fields of a threshold's event after the clock's own (cases: who is told). */
  thresholdData?(t: Threshold): Record<string, unknown>;
  recordThreshold(c: SlaClock<N>, t: Threshold, dueAt: number): Promise<unknown>;
  /**
   * Duty routing: names the people a threshold goes to at the instant it fires (an
   * activity); their record joins the threshold's event. Undefined (no await at all, so
   * runs without routing issue the commands they always did) when there is no one to route.
   */
  route?(c: SlaClock<N>, t: Threshold): Promise<{ data: Record<string, unknown>; people: RoutedPerson[] }> | undefined;
  /** Tells the people a threshold names (those routed, if routed); never blocks the clock. */
  notify(c: SlaClock<N>, t: Threshold, dueAt: number, routed?: RoutedPerson[]): void;
  /** Level 3 (force_redispatch): whether the owner can take something back from this clock now. */
  canTakeBack?(c: SlaClock<N>): boolean;
  takeBack?(c: SlaClock<N>): Promise<void>;
  /** Persists a stopped clock's result (cases); without it results stay in the state only. */
  recordResult?(result: ClockResult<N>): Promise<unknown>;
  /** What the run loop waits with (cases with 'case-one-timer': a slot of the case's one timer); default a timer of its own. */
  waiter?(): Waiter;
}

export class SlaEngine<N extends string> {
  private epoch = 0;
  private readonly alarm: Waiter;
  private readonly pendingResults: ClockResult<N>[] = [];

  constructor(private readonly hooks: SlaEngineHooks<N>) {
    this.alarm = hooks.waiter?.() ?? new Alarm();
  }

  get book(): SlaBook<N> {
    return this.hooks.book();
  }

  /** Something the clocks depend on changed: the run loop re-plans. */
  touch(): void {
    this.epoch++;
  }

  running(): SlaClock<N>[] {
    const { cycle } = this.book;
    return this.book.clocks.filter((c) => (cycle === undefined || c.cycle === cycle) && c.stoppedAt === undefined);
  }

  find(clock: N): SlaClock<N> | undefined {
    return this.running().find((c) => c.clock === clock);
  }

  add(c: SlaClock<N>): void {
    this.book.clocks.push(c);
  }

  /** Stops a running clock and keeps its result (met or not). */
  stop(clock: N, at: number): void {
    const c = this.find(clock);
    if (!c) return;
    const result = stopClock(c, at, this.book.policy.calendar);
    this.book.results.push(result);
    if (this.hooks.recordResult) this.pendingResults.push(result);
  }

  /** The results of clocks stopped since the last call, for the move that stopped them to write (no activity of their own). */
  takeResults(): ClockResult<N>[] {
    return this.pendingResults.splice(0);
  }

  /** Ends a hold and resumes every paused running clock. */
  resumeAll(at: number): void {
    this.book.holdUntil = undefined;
    for (const c of this.running()) resumeClock(c, at, this.book.policy.calendar);
  }

  /** The earliest unfired threshold over the running clocks. */
  nextDeadline(): { clock: SlaClock<N>; threshold: Threshold; at: number } | undefined {
    let next: { clock: SlaClock<N>; threshold: Threshold; at: number } | undefined;
    for (const c of this.running()) {
      const due = nextDue(c, this.book.policy);
      if (due && (!next || due.at < next.at)) next = { clock: c, ...due };
    }
    return next;
  }

  private async fire(c: SlaClock<N>, t: Threshold, dueAt: number): Promise<void> {
    c.fired.push(t.key);
    const routing = this.hooks.route?.(c, t);
    const routed = routing ? await routing : undefined;
    const now = Date.now();
    const raise = t.actions.includes('raise_priority') ? this.hooks.raise() : undefined;
    const data = {
      clock: c.clock,
      cycle: c.cycle,
      level: t.level,
      actions: t.actions,
      targetMinutes: c.targetMs / MINUTE,
      elapsedMinutes: Math.round(elapsedMs(c, now, this.book.policy.calendar) / MINUTE),
      dueAt: new Date(dueAt).toISOString(),
      ...this.hooks.thresholdData?.(t),
      ...routed?.data,
      ...raise?.data,
    };
    // One write for the event and the threshold's record where the owner allows it (one activity fewer per firing).
    const withEvent = this.hooks.thresholdWithEvent?.() === true;
    const change = () => {
      if (t.kind === 'escalation') {
        this.book.breached = true;
        this.book.level = Math.max(this.book.level, t.level);
      }
      raise?.apply();
    };
    await this.hooks.advance(t.kind === 'warning' ? 'sla.warning' : 'sla.escalated', data, change, withEvent ? { clock: c, threshold: t, dueAt } : undefined);
    if (!withEvent) await this.hooks.recordThreshold(c, t, dueAt);
    this.hooks.notify(c, t, dueAt, routed?.people);
    if (t.actions.includes('force_redispatch') && this.hooks.canTakeBack?.(c)) {
      await this.hooks.takeBack!(c);
    } else if (t.actions.includes('ops_action') || t.actions.includes('force_redispatch')) {
      // Nothing to take back (or not a clock that allows it): a person must act.
      await this.hooks.advance('sla.ops_action_required', { clock: c.clock, cycle: c.cycle, level: t.level, stage: this.hooks.stage() });
    }
  }

  /** Runs until the owner closes: fires each warning and level once, when it falls due. */
  async run(): Promise<void> {
    for (;;) {
      while (this.pendingResults.length) await this.hooks.recordResult!(this.pendingResults.shift()!);
      if (this.hooks.isClosed()) return;
      const now = Date.now();
      const { holdUntil } = this.book;
      if (holdUntil && Date.parse(holdUntil) <= now) {
        await this.hooks.advance('sla.resumed', { reason: 'rescheduled visit time reached', heldUntil: holdUntil }, () => this.resumeAll(now));
        continue;
      }
      const next = this.nextDeadline();
      if (next && next.at <= now) {
        await this.fire(next.clock, next.threshold, next.at);
        continue;
      }
      const wakeAt = Math.min(next?.at ?? Infinity, holdUntil ? Date.parse(holdUntil) : Infinity);
      const seen = this.epoch;
      const wake = () => this.epoch !== seen || this.hooks.isClosed() || this.pendingResults.length > 0;
      await this.alarm.wait(wakeAt === Infinity ? undefined : wakeAt, wake);
    }
  }
}
