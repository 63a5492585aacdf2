// Reminder timers of an open case, derived from its state each time it changes: visit
// reminders (customer 24 h and 2 h before, engineer 1 h before; a reschedule moves
// them), the engineer's contact reminder, the confirmation reminder and auto-confirm.
import { Alarm } from './timers';
import type { CaseState, ReminderPolicy } from '../domain';

export interface DueReminder {
  key: string;
  at: number;
  kind: 'visit.customer' | 'visit.engineer' | 'contact.engineer' | 'confirmation.customer' | 'auto_confirm';
  data: Record<string, unknown>;
}

const MINUTE = 60_000;

/** Every reminder the current state implies (sent or not); pure. */
export function remindersFor(s: CaseState, p: ReminderPolicy): DueReminder[] {
  const out: DueReminder[] = [];
  if (s.stage === 'scheduled' && s.appointment) {
    const start = Date.parse(s.appointment.start);
    const bookedAt = Date.parse(s.appointment.bookedAt);
    const add = (kind: 'visit.customer' | 'visit.engineer', minutes: number) => {
      const at = start - minutes * MINUTE;
      // A reminder whose moment had passed when the slot was booked is not sent late.
      if (at >= bookedAt) out.push({ key: `${kind}:${s.appointment!.bookingId}:${minutes}`, at, kind, data: { minutesBefore: minutes, visitStart: s.appointment!.start, engineerId: s.engineerId } });
    };
    for (const m of p.customerBeforeVisitMinutes) add('visit.customer', m);
    for (const m of p.engineerBeforeVisitMinutes) add('visit.engineer', m);
  }
  if (s.stage === 'dispatched' && s.acceptedAt && s.engineerId) {
    const lapse = Date.parse(s.acceptedAt) + s.policy.contactWindowMinutes * MINUTE;
    out.push({ key: `contact.engineer:${s.engineerId}:${s.acceptedAt}`, at: lapse - p.contactBeforeLapseMinutes * MINUTE, kind: 'contact.engineer', data: { engineerId: s.engineerId, lapsesAt: new Date(lapse).toISOString() } });
  }
  if (s.stage === 'awaiting_confirmation') {
    const since = Date.parse(s.stageSince);
    out.push({ key: `confirmation.customer:${s.stageSince}`, at: since + p.confirmationReminderMinutes * MINUTE, kind: 'confirmation.customer', data: {} });
    out.push({ key: `auto_confirm:${s.stageSince}`, at: since + p.autoConfirmMinutes * MINUTE, kind: 'auto_confirm', data: { afterMinutes: p.autoConfirmMinutes } });
  }
  return out.filter((r) => !s.remindersSent.includes(r.key));
}

/**
 * Sleeps until the next reminder (or until the state changes, which may move it) and
 * hands due ones to `send`, which records them in `remindersSent`.
 */
export async function runReminders(
  state: CaseState,
  policy: ReminderPolicy,
  epoch: () => number,
  isClosed: () => boolean,
  send: (r: DueReminder) => Promise<void>,
): Promise<void> {
  const alarm = new Alarm();
  while (!isClosed()) {
    const pending = remindersFor(state, policy).sort((a, b) => a.at - b.at);
    const now = Date.now();
    const due = pending.find((r) => r.at <= now);
    if (due) {
      await send(due);
      continue;
    }
    const seen = epoch();
    const wake = () => epoch() !== seen || isClosed();
    await alarm.wait(pending[0]?.at, wake);
  }
}
