// The customer's reschedule request: up to three windows and a reason. Pure: the checks
// that need the clock take `now`.
import { z } from 'zod';

export const RESCHEDULE_REQUEST_STATUSES = ['open', 'accepted', 'declined'] as const;
export type RescheduleRequestStatus = (typeof RESCHEDULE_REQUEST_STATUSES)[number];

/** A window is at least 30 minutes, at most 12 hours (as a booked slot), and starts within 60 days. */
export const WINDOW_MIN_MS = 30 * 60_000;
export const WINDOW_MAX_MS = 12 * 3600_000;
export const WINDOW_HORIZON_MS = 60 * 24 * 3600_000;

const isoDateTime = z.iso.datetime({ offset: true }).meta({ example: '2026-11-23T09:00:00+08:00' });

export const RequestedWindowSchema = z
  .strictObject({ start: isoDateTime, end: isoDateTime })
  .refine((w) => Date.parse(w.end) - Date.parse(w.start) >= WINDOW_MIN_MS, { message: 'end must be at least 30 minutes after start', path: ['end'] })
  .refine((w) => Date.parse(w.end) - Date.parse(w.start) <= WINDOW_MAX_MS, { message: 'a window is at most 12 hours', path: ['end'] })
  .meta({ id: 'RequestedWindow' });

export const RescheduleRequestBodySchema = z
  .strictObject({
    windows: z.array(RequestedWindowSchema).min(1).max(3),
    reason: z.string().trim().min(1).max(500),
  })
  .meta({ id: 'RescheduleRequestBody' });
export type RescheduleRequestBody = z.output<typeof RescheduleRequestBodySchema>;

/** Field problems that need the clock: each window starts in the future and within the horizon. */
export function windowTimeProblems(windows: ReadonlyArray<{ start: string }>, now: number, prefix = 'body'): Array<{ path: string; message: string }> {
  const out: Array<{ path: string; message: string }> = [];
  windows.forEach((w, i) => {
    const start = Date.parse(w.start);
    if (start <= now) out.push({ path: `${prefix}.windows.${i}.start`, message: 'the window must start in the future' });
    else if (start - now > WINDOW_HORIZON_MS) out.push({ path: `${prefix}.windows.${i}.start`, message: 'the window must start within 60 days' });
  });
  return out;
}

export const AcceptRescheduleBodySchema = z
  .strictObject({ window: z.int().min(0).max(2).meta({ description: 'Index of the chosen window in the request (0-2)' }) })
  .meta({ id: 'AcceptRescheduleBody' });
export const DeclineRescheduleBodySchema = z.strictObject({ reason: z.string().trim().min(1).max(500) }).meta({ id: 'DeclineRescheduleBody' });

/** What the case workflow is told when a request is stored (the rescheduleRequested Update). */
export interface RescheduleRequestNotice {
  requestId: number;
  windows: Array<{ start: string; end: string }>;
  reason: string;
}

/** What the case workflow is told when a dispatcher declines a request (the rescheduleDeclined Update). */
export interface RescheduleDeclineNotice {
  requestId: number;
  reason: string;
}
