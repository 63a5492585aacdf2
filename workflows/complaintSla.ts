// The complaint's graded response standard on the shared SLA engine (slaEngine.ts): two
// clocks (acknowledge, resolve) per round, paused while a proposal waits on the
// customer, re-targeted when the grade rises, and the deadlines people are shown.
// Deterministic.
import { SlaEngine, type Raise } from './slaEngine';
import { addWorkingMs, pauseClock, resumeClock, workingMsBetween, type SlaClock, type Threshold } from '../domain';
import type { RoutedPerson } from '../domain/duty';
import { complaintTarget, raisedGrade, startComplaintClock, type ComplaintClock, type ComplaintStage, type ComplaintState } from '../domain/complaints';

export interface ComplaintSlaHooks {
  state: ComplaintState;
  /** Writes a timeline event (and the complaint row) after a synchronous change. */
  advance(type: string, data: Record<string, unknown>, change?: (s: ComplaintState) => ComplaintStage | void): Promise<unknown>;
  recordThreshold(c: SlaClock<ComplaintClock>, t: Threshold, dueAt: number): Promise<unknown>;
  /** Duty routing of a threshold (see SlaEngineHooks.route). */
  route?(c: SlaClock<ComplaintClock>, t: Threshold): Promise<{ data: Record<string, unknown>; people: RoutedPerson[] }> | undefined;
  /** Tells the owner's supervisor and manager (and ops); never blocks the clock. */
  notify(c: SlaClock<ComplaintClock>, t: Threshold, dueAt: number, routed?: RoutedPerson[]): void;
  isClosed(): boolean;
}

export class ComplaintSlaClocks {
  private readonly engine: SlaEngine<ComplaintClock>;

  constructor(private readonly hooks: ComplaintSlaHooks) {
    const state = hooks.state;
    this.engine = new SlaEngine<ComplaintClock>({
      book: () => state.sla,
      stage: () => state.stage,
      isClosed: () => hooks.isClosed(),
      advance: (type, data, change) => hooks.advance(type, data, change),
      raise: () => this.raise(),
      recordThreshold: (c, t, dueAt) => hooks.recordThreshold(c, t, dueAt),
      route: (c, t) => hooks.route?.(c, t),
      notify: (c, t, dueAt, routed) => hooks.notify(c, t, dueAt, routed),
      // Nothing to take back automatically on a complaint: management must act.
    });
  }

  private get state(): ComplaintState {
    return this.hooks.state;
  }

  private get cal() {
    return this.state.sla.policy.calendar;
  }

  /** Every change of the complaint: the clock loop re-plans. */
  touch(): void {
    this.engine.touch();
  }

  /** Starts a clock; a re-opened complaint's resolve clock is its next cycle. */
  start(name: ComplaintClock, at: number): void {
    const cycle = this.state.sla.clocks.filter((c) => c.clock === name).length;
    this.engine.add(startComplaintClock(name, cycle, at, this.state.grade, this.state.sla.policy));
  }

  /** Called synchronously on every stage change. */
  onStage(from: ComplaintStage, to: ComplaintStage, at: number): void {
    if (to === 'acknowledged') this.engine.stop('acknowledge', at);
    // Waiting on the customer's answer does not count against the resolve target.
    if (to === 'resolution_proposed') {
      const c = this.engine.find('resolve');
      if (c) pauseClock(c, at);
    }
    if (from === 'resolution_proposed' && to === 'investigating') {
      const c = this.engine.find('resolve');
      if (c) resumeClock(c, at, this.cal);
    }
    if (to === 'customer_confirmed') this.engine.stop('resolve', at);
    if (to === 'withdrawn') for (const c of this.engine.running()) c.stoppedAt = at; // abandoned, not counted
  }

  /** Re-opened: the resolve clock runs again (a new cycle if it had stopped), at the raised grade's target. */
  reopen(at: number): void {
    if (!this.engine.find('resolve')) this.start('resolve', at);
    this.retarget();
  }

  /** A grade change moves the targets; elapsed and paused time stay. */
  retarget(): void {
    for (const c of this.engine.running()) c.targetMs = complaintTarget(this.state.sla.policy, this.state.grade, c.clock).targetMs;
  }

  /** When a clock is due if it runs on from now (a paused clock's pause so far excluded). */
  private dueAt(c: SlaClock<ComplaintClock>, at: number): string {
    const pausing = c.pausedSince !== undefined ? workingMsBetween(c.pausedSince, at, c.mode, this.cal) : 0;
    return new Date(addWorkingMs(c.startedAt, c.targetMs + c.pausedMs + pausing, c.mode, this.cal)).toISOString();
  }

  /** The deadlines people see (acknowledge-by, resolve-by) and the next threshold. */
  refreshDeadlines(at: number): void {
    const ack = this.engine.find('acknowledge');
    const resolve = this.engine.find('resolve');
    if (ack) this.state.acknowledgeBy = this.dueAt(ack, at);
    if (resolve) this.state.resolveBy = this.dueAt(resolve, at);
    const next = this.engine.nextDeadline();
    this.state.sla.nextDeadline = next ? new Date(next.at).toISOString() : undefined;
  }

  /** Level 2 raises the grade one step (none above critical). */
  private raise(): Raise | undefined {
    const state = this.state;
    if (state.grade === 'critical') return undefined;
    const fromGrade = state.grade;
    return {
      data: { grade: { from: fromGrade, to: raisedGrade(fromGrade) } },
      apply: () => {
        state.grade = raisedGrade(state.grade);
        this.retarget();
      },
    };
  }

  /** Fires each warning and level once, when it falls due, until the complaint closes. */
  run(): Promise<void> {
    return this.engine.run();
  }
}
