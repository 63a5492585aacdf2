// Who is on duty: the organisation's weekly shifts and fallbacks, and the one rule that
// names a person for a role in a region at an instant. Pure (no I/O, no clock): the
// routing activity loads the roster and asks this at the instant an escalation fires.

/** Roles a person can hold in the organisation (API keys carry the staff roles; `manager` only receives escalations). */
export const PERSON_ROLES = ['agent', 'dispatcher', 'engineer', 'supervisor', 'manager', 'ops', 'admin'] as const;
export type PersonRole = (typeof PERSON_ROLES)[number];

export const PREFERRED_CHANNELS = ['sms', 'email'] as const;
export type PreferredChannel = (typeof PREFERRED_CHANNELS)[number];

/** Region code of the global fallback (any region, including a case without one). */
export const ANY_REGION = '*';

/**
 * Roles the workflows route to people: the SLA ladder and complaint warnings (supervisor,
 * manager; workflows/dutyRouting.ts) and reschedule requests (dispatcher). Each needs a
 * global fallback, or an escalation outside every shift reaches nobody.
 */
export const ROUTED_ROLES = ['supervisor', 'manager', 'dispatcher'] as const;

/** What routing needs of a person. */
export interface DutyPerson {
  id: string;
  roles: readonly string[];
  active: boolean;
}

/**
 * A weekly shift: on each of `days` (ISO weekdays of the service time zone, 1 = Monday)
 * from `start` to `end` ("HH:MM"). An `end` at or before `start` ends the next day
 * (overnight: Monday 22:00-06:00 covers Tuesday 03:00; start = end is 24 hours).
 */
export interface Shift {
  id: number;
  personId: string;
  role: string;
  region: string;
  days: readonly number[];
  start: string;
  end: string;
}

/** The person who stands in for a role in a region (or, with region '*', everywhere) when no shift covers it. */
export interface DutyFallback {
  region: string;
  role: string;
  personId: string;
}

export interface DutyRoster {
  people: readonly DutyPerson[];
  shifts: readonly Shift[];
  fallbacks: readonly DutyFallback[];
}

export type DutyAnswer =
  | { personId: string; via: 'shift'; shiftId: number }
  | { personId: string; via: 'region_fallback' | 'global_fallback' }
  | { personId?: undefined; via: 'none' };

const DAY_MS = 86_400_000;

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

/** ISO weekday (1-7) and minute of the day of `at` in a zone `utcOffsetMinutes` east of UTC. */
export function localClock(at: number, utcOffsetMinutes: number): { weekday: number; minute: number } {
  const local = new Date(at + utcOffsetMinutes * 60_000);
  return { weekday: ((local.getUTCDay() + 6) % 7) + 1, minute: local.getUTCHours() * 60 + local.getUTCMinutes() };
}

/** Whether the shift covers the instant (start inclusive, end exclusive). */
export function shiftCovers(shift: Pick<Shift, 'days' | 'start' | 'end'>, at: number, utcOffsetMinutes: number): boolean {
  const { weekday, minute } = localClock(at, utcOffsetMinutes);
  const start = minutesOf(shift.start);
  const end = minutesOf(shift.end);
  if (end > start) return shift.days.includes(weekday) && minute >= start && minute < end;
  // Overnight: the evening part on a listed day, the morning part on the day after one.
  const yesterday = localClock(at - DAY_MS, utcOffsetMinutes).weekday;
  return (shift.days.includes(weekday) && minute >= start) || (shift.days.includes(yesterday) && minute < end);
}

function usable(roster: DutyRoster, personId: string, role: string): boolean {
  const p = roster.people.find((x) => x.id === personId);
  return !!p && p.active && p.roles.includes(role);
}

/**
 * Who is on duty for `role` in `region` at `at`: an active person holding the role on a
 * shift that covers the instant (the lowest shift id if several do), else the region's
 * fallback, else the global fallback, else nobody. A deactivated person, or one who
 * no longer holds the role, is skipped at every step.
 */
export function whoIsOnDuty(roster: DutyRoster, q: { role: string; region?: string; at: number; utcOffsetMinutes: number }): DutyAnswer {
  if (q.region) {
    const onShift = roster.shifts
      .filter((s) => s.role === q.role && s.region === q.region && shiftCovers(s, q.at, q.utcOffsetMinutes) && usable(roster, s.personId, q.role))
      .sort((a, b) => a.id - b.id)[0];
    if (onShift) return { personId: onShift.personId, via: 'shift', shiftId: onShift.id };
    const regional = roster.fallbacks.find((f) => f.region === q.region && f.role === q.role && usable(roster, f.personId, q.role));
    if (regional) return { personId: regional.personId, via: 'region_fallback' };
  }
  const global = roster.fallbacks.find((f) => f.region === ANY_REGION && f.role === q.role && usable(roster, f.personId, q.role));
  if (global) return { personId: global.personId, via: 'global_fallback' };
  return { via: 'none' };
}

/** Which of `roles` have no usable global fallback (none set, or its person deactivated or without the role). */
export function rolesWithoutGlobalFallback(roster: DutyRoster, roles: readonly string[]): string[] {
  return roles.filter((role) => !roster.fallbacks.some((f) => f.region === ANY_REGION && f.role === role && usable(roster, f.personId, role)));
}

/**
 * The roles a person change would leave without their global fallback: those the person
 * stands in for everywhere, if the change deactivates them or takes the role away.
 */
export function globalFallbacksLost(fallbackRoles: readonly string[], after: { active: boolean; roles: readonly string[] }): string[] {
  return fallbackRoles.filter((role) => !after.active || !after.roles.includes(role));
}

/** The person's shift covering the instant, if any (GET /staff/:id/on-duty). */
export function currentShiftOf(shifts: readonly Shift[], personId: string, at: number, utcOffsetMinutes: number): Shift | undefined {
  return shifts.filter((s) => s.personId === personId && shiftCovers(s, at, utcOffsetMinutes)).sort((a, b) => a.id - b.id)[0];
}

/**
 * A person the routing activity named, as a workflow records and messages them: who,
 * how they were found, and where their preferred channel reaches them.
 */
export interface RoutedPerson {
  role: string;
  personId: string;
  name: string;
  /** How the person was found; `named` when chosen by a person (a complaint reassigned). */
  via: 'shift' | 'region_fallback' | 'global_fallback' | 'named';
  channel: PreferredChannel;
  address: string;
  language: 'zh-CN' | 'en';
  /**
   * engineerContact only: true when `personId` is the engineer's linked person. Without
   * one it is the engineer's own id, and answers recorded before this field lack it.
   */
  linkedPerson?: boolean;
}

/**
 * The person (people.id) a message to `p` is for (notifications.person_id): routed and
 * named people are people; an engineer's contact names one only with `linkedPerson`, so
 * an engineer's own id (or an answer recorded before the field) names nobody.
 */
export function messagePersonId(p: RoutedPerson): string | undefined {
  if (p.role === 'engineer' && p.via === 'named') return p.linkedPerson ? p.personId : undefined;
  return p.personId;
}

/** The routing answer for one role: a person, or nobody at all (the timeline says so). */
export type Routing = RoutedPerson | { role: string; via: 'none' };

export function isRouted(r: Routing): r is RoutedPerson {
  return r.via !== 'none';
}

/** The timeline's record of a routing answer (no address: the timeline is not a phone book). */
export function routingRecord(r: Routing): Record<string, unknown> {
  if (!isRouted(r)) return { role: r.role, via: 'none', note: 'nobody on duty and no fallback configured' };
  return {
    role: r.role,
    personId: r.personId,
    name: r.name,
    via: r.via,
    channel: r.channel,
    ...(r.via === 'global_fallback' ? { note: 'no one on duty or on the region fallback: sent to the global fallback' } : {}),
  };
}
