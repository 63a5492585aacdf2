// What the customer's case link offers after the visit, read from the rows the callback and
// maintenance workflows write: the SMS survey (open, answered, closed) and the latest
// maintenance reminder of the case (open for booking, booked, closed, opted out). Shared by
// the JSON link routes (api/routes/callbacks.ts) and the customer pages.
import { and, desc, eq, isNotNull } from 'drizzle-orm';
import type { Database } from '../db/client';
import { callbackTasks, maintenanceOptOuts, maintenanceReminders } from '../db/schema';
import { CALLBACK_SURVEY_WINDOW_MINUTES } from '../domain/callbacks';
import { MAINTENANCE_BOOKING_GRACE_DAYS, maintenancePolicy } from '../domain/maintenance';
import { HttpError } from './errors';
import type { ReminderRow } from './maintenanceBooking';

export interface SurveyView {
  status: 'open' | 'answered' | 'closed';
  sentAt: string;
  /** The end of the answer window (the workflow's surveyWindowMinutes, 7 days). */
  closesAt: string;
  rating?: number;
  comment?: string;
  answeredAt?: string;
}

/** The case's SMS survey, once it was sent; undefined before (or when the callback reached the customer by phone). */
export async function surveyOfCase(db: Database, caseNo: string, now = new Date()): Promise<SurveyView | undefined> {
  const [row] = await db.select().from(callbackTasks).where(eq(callbackTasks.caseNo, caseNo));
  if (!row?.surveySentAt) return undefined;
  const closesAt = new Date(row.surveySentAt.getTime() + CALLBACK_SURVEY_WINDOW_MINUTES * 60_000);
  const base = { sentAt: row.surveySentAt.toISOString(), closesAt: closesAt.toISOString() };
  if (row.status === 'done') {
    if (row.via !== 'sms_survey') return { ...base, status: 'closed' };
    return {
      ...base,
      status: 'answered',
      ...(row.satisfaction !== null ? { rating: row.satisfaction } : {}),
      ...(row.result?.note ? { comment: row.result.note } : {}),
      ...(row.doneAt ? { answeredAt: row.doneAt.toISOString() } : {}),
    };
  }
  return { ...base, status: now < closesAt ? 'open' : 'closed' };
}

export interface MaintenanceView {
  reminderId: number;
  seriesId: string | null;
  service: { zh: string; en: string };
  product: { category: string; model: string; serial: string };
  dueAt: string;
  /** Booking stays open until due + MAINTENANCE_BOOKING_GRACE_DAYS (the series' graceDays). */
  closesAt: string;
  booking: 'open' | 'booked' | 'closed';
  bookedCaseNo?: string;
  bookedAt?: string;
  optedOutAt?: string;
}

/** The latest reminder of the link's case that has a series (the one the SMS came from). */
export async function latestSeriesReminder(db: Database, caseNo: string): Promise<ReminderRow | undefined> {
  const [r] = await db
    .select()
    .from(maintenanceReminders)
    .where(and(eq(maintenanceReminders.caseNo, caseNo), isNotNull(maintenanceReminders.seriesId)))
    .orderBy(desc(maintenanceReminders.cycle))
    .limit(1);
  return r;
}

export async function maintenanceView(db: Database, r: ReminderRow, now = new Date()): Promise<MaintenanceView> {
  const [optOut] = r.seriesId ? await db.select().from(maintenanceOptOuts).where(eq(maintenanceOptOuts.seriesId, r.seriesId)) : [];
  const closesAt = new Date(r.dueAt.getTime() + MAINTENANCE_BOOKING_GRACE_DAYS * 24 * 3600_000);
  const product = r.product as { category?: string; model?: string; serial?: string };
  const closed = r.status === 'lapsed' || r.status === 'opted_out' || now >= closesAt;
  return {
    reminderId: r.id,
    seriesId: r.seriesId,
    service: maintenancePolicy(product.category ?? '').service,
    product: { category: product.category ?? '', model: product.model ?? '', serial: product.serial ?? '' },
    dueAt: r.dueAt.toISOString(),
    closesAt: closesAt.toISOString(),
    booking: r.status === 'opened' ? 'booked' : closed ? 'closed' : 'open',
    ...(r.openedCaseNo ? { bookedCaseNo: r.openedCaseNo } : {}),
    ...(r.bookedAt ? { bookedAt: r.bookedAt.toISOString() } : {}),
    ...(optOut ? { optedOutAt: optOut.optedOutAt.toISOString() } : {}),
  };
}

/**
 * Why the customer may not book this reminder now (409), or undefined. A booked reminder
 * is not refused here: the JSON route answers a retry with the case it opened.
 */
export function bookingRefusal(v: MaintenanceView): HttpError | undefined {
  if (v.booking === 'booked') return undefined;
  if (v.optedOutAt) return new HttpError(409, 'maintenance_opted_out', 'you stopped the maintenance reminders for this product; call the hotline to book');
  if (v.booking === 'closed') return new HttpError(409, 'booking_closed', `booking for the service due ${v.dueAt.slice(0, 10)} closed at ${v.closesAt}`);
  return undefined;
}
