// Reminder timers of an open case, derived from its state each time it changes: visit
// reminders (customer 24 h and 2 h before, engineer 1 h before; a reschedule moves
// them), the engineer's contact reminder, the confirmation reminder and auto-confirm.
// The delays are the case's own (state.settings.reminders, fixed when it opened).
import { Alarm, type Waiter } from './timers';
import { SYSTEM_ACTOR, type Actor, type CaseState, type ReminderPolicy } from '../domain';
import { localTime } from '../domain/notifications';
import type { CaseCore } from './caseCore';
import { engineerLocale, queueContactReminder } from './caseMessages';

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
      if (at >= bookedAt)
        out.push({
          key: `${kind}:${s.appointment!.bookingId}:${minutes}`,
          at,
          kind,
          data: { minutesBefore: minutes, visitStart: s.appointment!.start, engineerId: s.engineerId },
        });
    };
    for (const m of p.customerBeforeVisitMinutes) add('visit.customer', m);
    for (const m of p.engineerBeforeVisitMinutes) add('visit.engineer', m);
  }
  if (s.stage === 'dispatched' && s.acceptedAt && s.engineerId) {
    const lapse = Date.parse(s.acceptedAt) + s.policy.contactWindowMinutes * MINUTE;
    out.push({
      key: `contact.engineer:${s.engineerId}:${s.acceptedAt}`,
      at: lapse - p.contactBeforeLapseMinutes * MINUTE,
      kind: 'contact.engineer',
      data: { engineerId: s.engineerId, lapsesAt: new Date(lapse).toISOString() },
    });
  }
  if (s.stage === 'awaiting_confirmation') {
    const since = Date.parse(s.stageSince);
    out.push({ key: `confirmation.customer:${s.stageSince}`, at: since + p.confirmationReminderMinutes * MINUTE, kind: 'confirmation.customer', data: {} });
    out.push({
      key: `auto_confirm:${s.stageSince}`,
      at: since + p.autoConfirmMinutes * MINUTE,
      kind: 'auto_confirm',
      data: { afterMinutes: p.autoConfirmMinutes },
    });
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
  alarm: Waiter = new Alarm(),
): Promise<void> {
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

/** The case's reminders: sent as SMS, recorded on the timeline; auto-confirm archives. */
export class CaseReminders {
  /** `archive` is the closure's: an unanswered confirmation ends as auto_confirmed. */
  constructor(
    private readonly core: CaseCore,
    private readonly archive: (actor: Actor, type: string, c: { fixed: boolean; auto?: boolean }) => Promise<void>,
  ) {}

  run(): Promise<void> {
    const core = this.core;
    return runReminders(
      core.state,
      core.state.settings.reminders,
      () => core.epoch,
      () => core.isClosed(),
      (r) => this.send(r),
      core.waiter(),
    );
  }

  private async send(r: DueReminder): Promise<void> {
    const { core } = this;
    const state = core.state;
    if (r.kind === 'auto_confirm') {
      state.remindersSent.push(r.key);
      if (state.stage === 'awaiting_confirmation') await this.archive(SYSTEM_ACTOR, 'case.auto_confirmed', { fixed: true, auto: true });
      return;
    }
    const to = r.kind.endsWith('engineer') ? 'engineer' : 'customer';
    const visit = {
      engineerName: state.engineerName ?? '',
      start: state.appointment ? localTime(state.appointment.start, state.sla.policy.calendar.utcOffsetMinutes) : '',
      customerName: state.intake.customer.name,
      address: state.intake.customer.address,
    };
    if (r.kind === 'visit.customer') core.queueMessage(`${state.caseNo}#${r.key}`, 'appointment.reminder', 'sms', state.intake.customer.phone, visit);
    if (r.kind === 'visit.engineer') {
      const locale = engineerLocale(state.engineerLanguage, state.intake.customer.language);
      core.queueMessage(`${state.caseNo}#${r.key}`, 'engineer.reminder', 'sms', state.engineerPhone, visit, locale, state.engineerPersonId);
    }
    if (r.kind === 'confirmation.customer')
      core.queueMessage(`${state.caseNo}#${r.key}`, 'confirmation.reminder', 'sms', state.intake.customer.phone, { link: await core.customerLink() });
    if (r.kind === 'contact.engineer') queueContactReminder(core, r.key, String(r.data.lapsesAt));
    await core.advance(SYSTEM_ACTOR, 'reminder.sent', { kind: r.kind, to, ...r.data }, (s) => {
      s.remindersSent.push(r.key);
    });
  }
}
