// The case's SLA clocks inside its workflow: each clock is a durable timer (one
// `condition` with a timeout, re-armed whenever a clock starts, stops, pauses or is
// re-targeted), so a lapse escalates at the moment it happens. Deterministic.
import { Alarm } from './timers';
import {
  clockTransitions,
  elapsedMs,
  nextDue,
  pauseClock,
  raisedPriority,
  resumeClock,
  retargetClock,
  startClock,
  stopClock,
  type CaseState,
  type ClockName,
  type SlaClock,
  type Stage,
  type Threshold,
} from '../domain';

export interface SlaHooks {
  state: CaseState;
  /** Writes a timeline event (and the case row) after a synchronous change. */
  advance(type: string, data: Record<string, unknown>, change?: (s: CaseState) => Stage | void): Promise<unknown>;
  recordThreshold(c: SlaClock, t: Threshold, dueAt: number): Promise<unknown>;
  recordResult(result: CaseState['sla']['results'][number]): Promise<unknown>;
  /** Tells the people a threshold names (supervisor, manager); never blocks the clock. */
  notify(c: SlaClock, t: Threshold, dueAt: number): void;
  /** Level-3 action for dispatch clocks: take the case from the engineer and dispatch again. */
  forceRedispatch(clock: ClockName): Promise<void>;
  isClosed(): boolean;
}

const MINUTE = 60_000;
const DISPATCH_CLOCKS: readonly ClockName[] = ['dispatch', 'engineerAcceptance', 'customerContact'];

export class CaseSlaClocks {
  private epoch = 0;
  private readonly alarm = new Alarm();
  private pendingResults: CaseState['sla']['results'] = [];

  constructor(private readonly hooks: SlaHooks) {}

  private get sla() {
    return this.hooks.state.sla;
  }

  private running(): SlaClock[] {
    return this.sla.clocks.filter((c) => c.cycle === this.sla.cycle && c.stoppedAt === undefined);
  }

  private start(clock: ClockName, at: number): void {
    if (this.sla.clocks.some((c) => c.clock === clock && c.cycle === this.sla.cycle)) return;
    this.sla.clocks.push(startClock(clock, this.sla.cycle, at, this.hooks.state.priority, this.sla.policy));
  }

  private stop(clock: ClockName, at: number): void {
    const c = this.running().find((x) => x.clock === clock);
    if (!c) return;
    const result = stopClock(c, at, this.sla.policy.calendar);
    this.sla.results.push(result);
    this.pendingResults.push(result);
  }

  /** Called synchronously on every stage change. */
  onStage(from: Stage | null, to: Stage, at: number): void {
    const { start, stop } = clockTransitions(from, to);
    for (const c of stop) this.stop(c, at);
    for (const c of start) this.start(c, at);
    // Waiting on the customer does not count.
    if (to === 'awaiting_approval') for (const c of this.running()) pauseClock(c, at);
    if (from === 'awaiting_approval' || to === 'on_site') this.resumeAll(at);
    this.epoch++;
  }

  /** Rework: a new cycle of the clocks that measure getting the case fixed again. */
  newCycle(at: number): void {
    for (const c of this.running()) c.stoppedAt = at; // abandoned, not counted
    this.sla.cycle += 1;
    for (const c of ['firstResponse', 'dispatch', 'resolution'] as const) this.start(c, at);
    this.epoch++;
  }

  /** A customer-requested reschedule: the visit clocks wait until the new slot starts. */
  holdForCustomer(until: number, at: number): void {
    for (const c of this.running()) if (c.clock === 'onSiteArrival' || c.clock === 'resolution') pauseClock(c, at);
    this.sla.holdUntil = new Date(until).toISOString();
    this.epoch++;
  }

  private resumeAll(at: number): void {
    this.sla.holdUntil = undefined;
    for (const c of this.running()) resumeClock(c, at, this.sla.policy.calendar);
  }

  /** A priority change re-targets running clocks; elapsed and paused time stay. */
  retarget(): void {
    for (const c of this.running()) retargetClock(c, this.hooks.state.priority, this.sla.policy);
    this.epoch++;
  }

  private nextDeadline(): { clock: SlaClock; due: NonNullable<ReturnType<typeof nextDue>> } | undefined {
    let best: { clock: SlaClock; due: NonNullable<ReturnType<typeof nextDue>> } | undefined;
    for (const c of this.running()) {
      const due = nextDue(c, this.sla.policy);
      if (due && (!best || due.at < best.due.at)) best = { clock: c, due };
    }
    return best;
  }

  /**
   * The next SLA deadline, for the case's search attributes and summary. Search
   * attributes are only upserted by the case workflow's `advance` (in step with the
   * state change and its timeline event), never from this loop: an upsert issued by a
   * coroutine woken by a condition could land on either side of an update's completion,
   * and replay must see the same order.
   */
  nextDeadlineIso(): string | undefined {
    const next = this.nextDeadline();
    this.sla.nextDeadline = next ? new Date(next.due.at).toISOString() : undefined;
    return this.sla.nextDeadline;
  }

  private async fire(c: SlaClock, t: Threshold, dueAt: number): Promise<void> {
    c.fired.push(t.key);
    const now = Date.now();
    const raise = t.actions.includes('raise_priority') && this.hooks.state.priority !== 'P1';
    await this.hooks.advance(t.kind === 'warning' ? 'sla.warning' : 'sla.escalated', {
      clock: c.clock,
      cycle: c.cycle,
      level: t.level,
      actions: t.actions,
      targetMinutes: c.targetMs / MINUTE,
      elapsedMinutes: Math.round(elapsedMs(c, now, this.sla.policy.calendar) / MINUTE),
      dueAt: new Date(dueAt).toISOString(),
      notify: [...(t.actions.includes('notify_supervisor') ? ['supervisor'] : []), ...(t.actions.includes('notify_manager') ? ['manager'] : [])],
      ...(raise ? { priority: { from: this.hooks.state.priority, to: raisedPriority(this.hooks.state.priority) } } : {}),
    }, (s) => {
      if (t.kind === 'escalation') {
        s.sla.breached = true;
        s.sla.level = Math.max(s.sla.level, t.level);
      }
      if (raise) {
        s.priority = raisedPriority(s.priority);
        this.retarget();
      }
    });
    await this.hooks.recordThreshold(c, t, dueAt);
    this.hooks.notify(c, t, dueAt);
    const held = this.hooks.state.stage === 'offered' || this.hooks.state.stage === 'dispatched';
    if (t.actions.includes('force_redispatch') && DISPATCH_CLOCKS.includes(c.clock) && held) {
      await this.hooks.forceRedispatch(c.clock);
    } else if (t.actions.includes('ops_action') || t.actions.includes('force_redispatch')) {
      // Nothing to take back (or not a dispatch clock): a person must act.

      await this.hooks.advance('sla.ops_action_required', { clock: c.clock, cycle: c.cycle, level: t.level, stage: this.hooks.state.stage });
    }
  }

  /** Runs until the case closes: fires each warning and level once, when it falls due. */
  async run(): Promise<void> {
    for (;;) {
      while (this.pendingResults.length) await this.hooks.recordResult(this.pendingResults.shift()!);
      if (this.hooks.isClosed()) return;
      const now = Date.now();
      if (this.sla.holdUntil && Date.parse(this.sla.holdUntil) <= now) {
        const until = this.sla.holdUntil;
        await this.hooks.advance('sla.resumed', { reason: 'rescheduled visit time reached', heldUntil: until }, () => this.resumeAll(now));
        continue;
      }
      const next = this.nextDeadline();
      if (next && next.due.at <= now) {
        await this.fire(next.clock, next.due.threshold, next.due.at);
        continue;
      }
      const wakeAt = Math.min(next?.due.at ?? Infinity, this.sla.holdUntil ? Date.parse(this.sla.holdUntil) : Infinity);
      const seen = this.epoch;
      const wake = () => this.epoch !== seen || this.hooks.isClosed() || this.pendingResults.length > 0;
      await this.alarm.wait(wakeAt === Infinity ? undefined : wakeAt, wake);
    }
  }
}
