// SLA clocks: the policy table, business-hours arithmetic (domain/businessHours.ts,
// re-exported here) and the clock model. Pure and deterministic (no Intl, no Date.now):
// the case workflow runs it for its timers, the API for reports, and the README table is
// generated from DEFAULT_SLA_POLICY.
import type { Priority } from './schemas';
import type { Stage } from './stages';
import { addWorkingMs, workingMsBetween, type BusinessCalendar, type CalendarMode } from './businessHours';
import { DEFAULT_COMPLAINT_POLICY, type ComplaintSlaPolicy } from './complaintStandard';

export * from './businessHours';

export const CLOCKS = ['firstResponse', 'dispatch', 'engineerAcceptance', 'customerContact', 'onSiteArrival', 'resolution'] as const;
export type ClockName = (typeof CLOCKS)[number];

export const CLOCK_LABELS: Record<ClockName, string> = {
  firstResponse: 'First response: case opened → engineer has called the customer',
  dispatch: 'Dispatch: case opened → an engineer holds it',
  engineerAcceptance: 'Engineer acceptance: first offer → an engineer holds it',
  customerContact: 'Customer contact: engineer holds it → contact recorded',
  onSiteArrival: 'On-site arrival: engineer holds it → check-in',
  resolution: 'Resolution: case opened → awaiting confirmation',
};

export const ESCALATION_ACTIONS = ['notify_supervisor', 'notify_manager', 'raise_priority', 'force_redispatch', 'ops_action'] as const;
export type EscalationAction = (typeof ESCALATION_ACTIONS)[number];

export interface EscalationLevel {
  level: number;
  /** Fraction of the target at which this level fires (1 = at the deadline). */
  atFraction: number;
  actions: EscalationAction[];
}

export interface SlaPolicy {
  warningAt: number;
  ladder: EscalationLevel[];
  calendar: BusinessCalendar;
  priorities: Record<Priority, { calendar: CalendarMode; targetsMinutes: Record<ClockName, number> }>;
  /** Complaint response standards per grade (domain/complaints.ts); absent in versions saved before complaints existed. */
  complaints?: ComplaintSlaPolicy;
}

const MINUTE = 60_000;

export const DEFAULT_SLA_POLICY: SlaPolicy = {
  warningAt: 0.75,
  ladder: [
    { level: 1, atFraction: 1, actions: ['notify_supervisor'] },
    { level: 2, atFraction: 1.5, actions: ['notify_manager', 'raise_priority'] },
    { level: 3, atFraction: 2, actions: ['force_redispatch', 'ops_action'] },
  ],
  calendar: {
    utcOffsetMinutes: 480,
    workdays: [1, 2, 3, 4, 5],
    open: '09:00',
    close: '18:00',
    // Public holidays of mainland China, 2026-2027 (State Council schedule), and make-up days.
    // prettier-ignore
    holidays: [
      '2026-01-01', '2026-01-02', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-23',
      '2026-04-06', '2026-05-01', '2026-05-04', '2026-05-05', '2026-06-19', '2026-09-25', '2026-10-01', '2026-10-02',
      '2026-10-05', '2026-10-06', '2026-10-07', '2027-01-01', '2027-02-05', '2027-02-08', '2027-02-09', '2027-02-10',
      '2027-02-11', '2027-04-05', '2027-05-03', '2027-05-04', '2027-05-05', '2027-06-09', '2027-09-15', '2027-10-01',
      '2027-10-04', '2027-10-05', '2027-10-06', '2027-10-07',
    ],
    makeupWorkdays: ['2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10', '2027-02-20', '2027-09-26', '2027-10-09'],
  },
  // prettier-ignore
  priorities: {
    P1: { calendar: '24x7', targetsMinutes: { firstResponse: 30, dispatch: 10, engineerAcceptance: 10, customerContact: 15, onSiteArrival: 240, resolution: 480 } },
    P2: { calendar: '24x7', targetsMinutes: { firstResponse: 30, dispatch: 20, engineerAcceptance: 20, customerContact: 30, onSiteArrival: 480, resolution: 1440 } },
    P3: { calendar: 'business', targetsMinutes: { firstResponse: 60, dispatch: 30, engineerAcceptance: 30, customerContact: 30, onSiteArrival: 1080, resolution: 2160 } },
    P4: { calendar: 'business', targetsMinutes: { firstResponse: 120, dispatch: 60, engineerAcceptance: 30, customerContact: 60, onSiteArrival: 2160, resolution: 4320 } },
  },
  complaints: DEFAULT_COMPLAINT_POLICY,
};

export function slaPolicyFor(policy: SlaPolicy, priority: Priority, clock: ClockName): { targetMs: number; calendar: CalendarMode } {
  const p = policy.priorities[priority];
  return { targetMs: p.targetsMinutes[clock] * MINUTE, calendar: p.calendar };
}

// The clock model ------------------------------------------------------------------

export type ThresholdKey = 'warning' | `L${number}`;

/** A running SLA clock. Cases use ClockName; complaints use their own clock names. */
export interface SlaClock<N extends string = ClockName> {
  clock: N;
  /** 0 for the first run; rework restarts clocks as a new cycle. */
  cycle: number;
  startedAt: number;
  targetMs: number;
  mode: CalendarMode;
  /** Working ms spent paused (waiting on the customer), in this clock's calendar mode. */
  pausedMs: number;
  pausedSince?: number;
  /**
   * The ended pauses [from, to), so a priority change onto another calendar can measure
   * them again in the new mode. Absent on clocks that paused before it was kept.
   */
  pauses?: Array<[number, number]>;
  stoppedAt?: number;
  fired: ThresholdKey[];
}

export interface Threshold {
  key: ThresholdKey;
  kind: 'warning' | 'escalation';
  level: number;
  fraction: number;
  actions: EscalationAction[];
}

export function thresholdsOf(policy: SlaPolicy): Threshold[] {
  return [
    { key: 'warning' as ThresholdKey, kind: 'warning' as const, level: 0, fraction: policy.warningAt, actions: [] as EscalationAction[] },
    ...policy.ladder.map((l) => ({
      key: `L${l.level}` as ThresholdKey,
      kind: 'escalation' as const,
      level: l.level,
      fraction: l.atFraction,
      actions: l.actions,
    })),
  ].sort((a, b) => a.fraction - b.fraction);
}

export function startClock(clock: ClockName, cycle: number, at: number, priority: Priority, policy: SlaPolicy): SlaClock {
  const { targetMs, calendar } = slaPolicyFor(policy, priority, clock);
  return { clock, cycle, startedAt: at, targetMs, mode: calendar, pausedMs: 0, fired: [] };
}

/** Elapsed working time that counts (paused time excluded). */
export function elapsedMs(c: SlaClock<string>, now: number, cal: BusinessCalendar): number {
  const end = c.stoppedAt ?? c.pausedSince ?? now;
  return workingMsBetween(c.startedAt, end, c.mode, cal) - c.pausedMs;
}

/**
 * When `fraction` of the clock's target falls due (1 = its deadline): the start, plus
 * that share of the target, plus the time paused so far, in the clock's calendar.
 */
export function dueAt(c: SlaClock<string>, fraction: number, cal: BusinessCalendar): number {
  return addWorkingMs(c.startedAt, Math.ceil(fraction * c.targetMs) + c.pausedMs, c.mode, cal);
}

/** When the next unfired threshold falls due; none while paused or stopped. */
export function nextDue(c: SlaClock<string>, policy: SlaPolicy): { threshold: Threshold; at: number } | undefined {
  if (c.stoppedAt !== undefined || c.pausedSince !== undefined) return undefined;
  const t = thresholdsOf(policy).find((x) => !c.fired.includes(x.key));
  if (!t) return undefined;
  return { threshold: t, at: dueAt(c, t.fraction, policy.calendar) };
}

export function pauseClock(c: SlaClock<string>, at: number): void {
  if (c.stoppedAt === undefined && c.pausedSince === undefined) c.pausedSince = at;
}

export function resumeClock(c: SlaClock<string>, at: number, cal: BusinessCalendar): void {
  if (c.pausedSince === undefined) return;
  c.pausedMs += workingMsBetween(c.pausedSince, at, c.mode, cal);
  c.pauses = [...(c.pauses ?? []), [c.pausedSince, at]];
  c.pausedSince = undefined;
}

/**
 * A priority change, as ServiceNow's retroactive start: the clock keeps its start and
 * the time it was paused, and takes the new priority's target — and, when
 * `switchCalendar`, its calendar (a P3 raised to P1 runs 24x7 from its start). Its
 * deadline becomes start + new target + paused time (dueAt); one already past is due at
 * once, and the engine fires it and the levels after it in order. Thresholds already
 * fired stay fired. Pauses kept in `pauses` are measured again in the new calendar;
 * paused time counted before they were kept stays as it was counted.
 */
export function retargetClock(c: SlaClock, priority: Priority, policy: SlaPolicy, switchCalendar = true): void {
  const next = slaPolicyFor(policy, priority, c.clock);
  c.targetMs = next.targetMs;
  if (!switchCalendar || next.calendar === c.mode) return;
  const measured = (mode: CalendarMode) => (c.pauses ?? []).reduce((sum, [from, to]) => sum + workingMsBetween(from, to, mode, policy.calendar), 0);
  c.pausedMs = c.pausedMs - measured(c.mode) + measured(next.calendar);
  c.mode = next.calendar;
}

export interface ClockResult<N extends string = ClockName> {
  clock: N;
  cycle: number;
  targetMs: number;
  actualMs: number;
  pausedMs: number;
  met: boolean;
}

export function stopClock<N extends string>(c: SlaClock<N>, at: number, cal: BusinessCalendar): ClockResult<N> {
  resumeClock(c, at, cal);
  c.stoppedAt = at;
  const actualMs = elapsedMs(c, at, cal);
  return { clock: c.clock, cycle: c.cycle, targetMs: c.targetMs, actualMs, pausedMs: c.pausedMs, met: actualMs <= c.targetMs };
}

/** The priority one step more urgent (level-2 escalations raise it). */
export function raisedPriority(p: Priority): Priority {
  return p === 'P4' ? 'P3' : p === 'P3' ? 'P2' : 'P1';
}

/**
 * Which clocks a stage change starts and stops. Clocks start once per cycle and stop
 * at the first stage that satisfies them.
 */
export function clockTransitions(from: Stage | null, to: Stage): { start: ClockName[]; stop: ClockName[] } {
  const start: ClockName[] = [];
  const stop: ClockName[] = [];
  if (from === null) start.push('firstResponse', 'dispatch', 'resolution');
  if (to === 'offered') start.push('engineerAcceptance');
  if (to === 'dispatched') {
    stop.push('dispatch', 'engineerAcceptance');
    start.push('customerContact', 'onSiteArrival');
  }
  if (to === 'contacted') stop.push('firstResponse', 'customerContact');
  if (to === 'on_site') stop.push('onSiteArrival');
  if (to === 'awaiting_confirmation') stop.push('resolution');
  return { start, stop };
}
