// Engineers on the duty model: an engineer's working hours are a weekly shift read with
// the same rule as the duty roster's (domain/duty.ts: days in the service time zone,
// overnight when `end` is at or before `start`, 24 hours when they are equal). Two
// questions are asked of them: may the engineer be offered a case now, and does a visit
// slot fit their hours and the customer's preferred windows. Pure (no I/O, no clock).
import { shiftCovers } from './duty';

/** An engineer's weekly hours (the roster's `workingHours`). */
export interface WeeklyHours {
  /** ISO weekdays the hours start on, 1 = Monday. */
  days: readonly number[];
  start: string;
  end: string;
}

export interface Interval {
  start: string;
  end: string;
}

const MINUTE = 60_000;

/**
 * Whether the hours cover every instant of [from, to): coverage only changes on a whole
 * local minute, so `from` and each minute boundary after it are enough.
 */
export function coversThroughout(hours: WeeklyHours, from: number, to: number, utcOffsetMinutes: number): boolean {
  for (let t = from; t < to; t = Math.floor(t / MINUTE) * MINUTE + MINUTE) {
    if (!shiftCovers(hours, t, utcOffsetMinutes)) return false;
  }
  return true;
}

/**
 * Offers go to engineers on shift at `at`, or whose shift starts within the offer window
 * (`at` excluded, the window's end included): they can still answer before it lapses.
 */
export function availableForOffer(hours: WeeklyHours, at: number, windowMs: number, utcOffsetMinutes: number): boolean {
  if (shiftCovers(hours, at, utcOffsetMinutes)) return true;
  for (let t = Math.floor(at / MINUTE) * MINUTE + MINUTE; t <= at + windowMs; t += MINUTE) {
    if (shiftCovers(hours, t, utcOffsetMinutes)) return true;
  }
  return false;
}

/** Who may book outside these rules, with a reason (the dispatcher's override). */
export const BOOKING_OVERRIDE_ROLES: readonly string[] = ['dispatcher', 'supervisor', 'admin'];

export const BOOKING_REFUSALS = ['outside_engineer_hours', 'outside_preferred_windows'] as const;
export type BookingRefusal = (typeof BOOKING_REFUSALS)[number];

export type BookingVerdict = { ok: true } | { ok: false; code: BookingRefusal; message: string };

function weekdayList(days: readonly number[]): string {
  const names = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  return days.length === 7
    ? 'every day'
    : [...days]
        .sort()
        .map((d) => names[d - 1])
        .join(', ');
}

/** How the hours read in a message: "08:00-20:00 Mon, Tue", "20:00-08:00 (overnight) every day", "24 hours every day". */
export function describeHours(hours: WeeklyHours): string {
  const span = hours.start === hours.end ? '24 hours' : `${hours.start}-${hours.end}${hours.end < hours.start ? ' (overnight)' : ''}`;
  return `${span} ${weekdayList(hours.days)}`;
}

/**
 * A visit slot must lie inside the engineer's hours and, where the customer gave
 * preferred windows, inside one of them. The first rule broken is the answer.
 */
export function checkBookingSlot(
  hours: WeeklyHours,
  preferredWindows: readonly Interval[],
  slot: Interval,
  utcOffsetMinutes: number,
  engineer = 'the engineer',
): BookingVerdict {
  const start = Date.parse(slot.start);
  const end = Date.parse(slot.end);
  if (!coversThroughout(hours, start, end, utcOffsetMinutes)) {
    return {
      ok: false,
      code: 'outside_engineer_hours',
      message: `the visit ${slot.start} – ${slot.end} is outside ${engineer}'s working hours (${describeHours(hours)}, UTC${offsetLabel(utcOffsetMinutes)})`,
    };
  }
  if (preferredWindows.length > 0 && !preferredWindows.some((w) => Date.parse(w.start) <= start && end <= Date.parse(w.end))) {
    return {
      ok: false,
      code: 'outside_preferred_windows',
      message: `the visit ${slot.start} – ${slot.end} is outside the customer's preferred windows (${preferredWindows.map((w) => `${w.start} – ${w.end}`).join('; ')})`,
    };
  }
  return { ok: true };
}

function offsetLabel(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${Math.floor(abs / 60)}${abs % 60 ? `:${String(abs % 60).padStart(2, '0')}` : ''}`;
}
