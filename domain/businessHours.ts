// Business-hours arithmetic of the SLA clocks: a service area's working calendar and
// the working time between two instants. Pure and deterministic (no Intl, no Date.now).
// A leaf of domain/: domain/sla.ts (which re-exports it) and the complaint standard
// both build on it.
const MINUTE = 60_000;
const DAY = 86_400_000;

export interface BusinessCalendar {
  /** Offset of the service area's local time from UTC, minutes (Asia/Shanghai: 480). */
  utcOffsetMinutes: number;
  /** ISO weekdays that are working days, 1 = Monday. */
  workdays: number[];
  /** Working hours, local "HH:MM". */
  open: string;
  close: string;
  /** Local dates "YYYY-MM-DD" that are not worked although their weekday is. */
  holidays: string[];
  /** Local dates that are worked although their weekday is not (调休 make-up days). */
  makeupWorkdays: string[];
}

export type CalendarMode = '24x7' | 'business';

// Business-hours arithmetic --------------------------------------------------------

function hm(s: string): number {
  const [h, m] = s.split(':').map(Number);
  return ((h ?? 0) * 60 + (m ?? 0)) * MINUTE;
}

function localDate(dayStartLocal: number): string {
  return new Date(dayStartLocal).toISOString().slice(0, 10);
}

/** The working interval [from, to) in UTC ms of the local day starting at `dayStartLocal`, or null. */
function workingInterval(dayStartLocal: number, cal: BusinessCalendar): [number, number] | null {
  const date = localDate(dayStartLocal);
  const weekday = ((new Date(dayStartLocal).getUTCDay() + 6) % 7) + 1;
  const worked = cal.makeupWorkdays.includes(date) || (cal.workdays.includes(weekday) && !cal.holidays.includes(date));
  if (!worked) return null;
  const offset = cal.utcOffsetMinutes * MINUTE;
  return [dayStartLocal + hm(cal.open) - offset, dayStartLocal + hm(cal.close) - offset];
}

function localDayStart(utcMs: number, cal: BusinessCalendar): number {
  const local = utcMs + cal.utcOffsetMinutes * MINUTE;
  return local - (((local % DAY) + DAY) % DAY);
}

/** Working milliseconds between two instants (0 if b <= a). */
export function workingMsBetween(a: number, b: number, mode: CalendarMode, cal: BusinessCalendar): number {
  if (b <= a) return 0;
  if (mode === '24x7') return b - a;
  let total = 0;
  for (let day = localDayStart(a, cal); day - cal.utcOffsetMinutes * MINUTE < b; day += DAY) {
    const w = workingInterval(day, cal);
    if (w) total += Math.max(0, Math.min(b, w[1]) - Math.max(a, w[0]));
  }
  return total;
}

/** The instant at which `ms` working milliseconds have passed since `start`. */
export function addWorkingMs(start: number, ms: number, mode: CalendarMode, cal: BusinessCalendar): number {
  if (mode === '24x7') return start + ms;
  let left = ms;
  for (let day = localDayStart(start, cal), guard = 0; guard < 3660; day += DAY, guard++) {
    const w = workingInterval(day, cal);
    if (!w) continue;
    const from = Math.max(start, w[0]);
    if (from >= w[1]) continue;
    if (from + left <= w[1]) return from + left;
    left -= w[1] - from;
  }
  throw new Error('business calendar has no working time in ten years');
}
