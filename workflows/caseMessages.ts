// Messages of the case beside its moves: the receipt at intake (the customer by SMS, CRM
// webhooks), the offer to the offered engineer (SMS with a one-tap link, webhooks), the
// engineer's SMS before the contact window lapses, the moves an engineer is told of
// (assignment, reassignment away, cancellation, the customer's reschedule, the case or
// offer taken back by the system), each in the engineer's language.
// Each is queued on the outbox (delivered by the sendNotification activity) behind its
// own patched() id, so runs started before it keep their commands. Deterministic.
import { patched } from '@temporalio/workflow';
import { WEBHOOK_SUBSCRIBERS } from '../domain/notifications';
import { faultInBrief, localTime, offerLinkOrApp, type NotificationLocale, type NotificationVars } from '../domain/notifications';
import type { CaseCore } from './caseCore';

/** The receipt: "your request is case CS-…", to the customer and to subscribed webhooks. */
export function queueCaseOpened(core: CaseCore): void {
  if (!patched('case-opened-message')) return;
  const { caseNo, intake } = core.state;
  const vars = { customerName: intake.customer.name, product: `${intake.product.category} ${intake.product.model}` };
  core.queueMessage(`${caseNo}#opened`, 'case.opened', 'sms', intake.customer.phone, vars);
  core.queueMessage(`${caseNo}#opened`, 'case.opened', 'webhook', WEBHOOK_SUBSCRIBERS, vars);
}

/** The engineer is told by SMS that the contact window lapses at `lapsesAt` (the reminder's key names the acceptance). */
export function queueContactReminder(core: CaseCore, reminderKey: string, lapsesAt: string): void {
  if (!patched('contact-reminder-sms')) return;
  const state = core.state;
  core.queueMessage(
    `${state.caseNo}#${reminderKey}`,
    'contact.reminder',
    'sms',
    state.engineerPhone,
    { customerName: state.intake.customer.name, lapsesAt: localTime(lapsesAt, state.sla.policy.calendar.utcOffsetMinutes) },
    engineerLocale(state.engineerLanguage, state.intake.customer.language),
    state.engineerPersonId,
  );
}

/** Marks the offer rounds that tell the engineer (checked once per offer, before offer.sent). */
export const ENGINEER_OFFER_PATCH = 'engineer-offer-message';

/**
 * The offered engineer is told by SMS (and webhooks): product, region, the fault in a few
 * words (no customer phone or address before acceptance), the window's end, and a signed
 * one-tap link for this engineer and this offer round (issued by an activity).
 */
export async function queueOfferMessage(
  core: CaseCore,
  offer: { engineerId: string; engineerPhone?: string; engineerLanguage?: NotificationLocale; engineerPersonId?: string; round: number; expiresAt: string },
): Promise<void> {
  const { caseNo, intake } = core.state;
  const link = await core.activities.issueOfferLink({ caseNo, engineerId: offer.engineerId, round: offer.round, expiresAt: offer.expiresAt });
  const locale = engineerLocale(offer.engineerLanguage);
  const vars = {
    product: `${intake.product.category} ${intake.product.model}`,
    region: intake.customer.region ?? '-',
    fault: faultInBrief(intake.faultDescription),
    expiresAt: localTime(offer.expiresAt, core.state.sla.policy.calendar.utcOffsetMinutes),
    link: offerLinkOrApp(link, locale),
    engineerId: offer.engineerId,
  };
  const subject = `${caseNo}#offer-${offer.round}-${offer.engineerId}`;
  core.queueMessage(subject, 'engineer.offered', 'sms', offer.engineerPhone, vars, locale, offer.engineerPersonId);
  // Webhooks reach every subscriber: the link (a bearer credential for this engineer) stays out.
  const withheld = locale === 'en' ? '(link sent to the engineer only)' : '（链接仅发给工程师本人）';
  core.queueMessage(subject, 'engineer.offered', 'webhook', WEBHOOK_SUBSCRIBERS, { ...vars, link: withheld }, locale);
}

/** Marks the runs whose engineer messages speak the engineer's language (their person's), not always zh-CN. */
export const ENGINEER_LANGUAGE_PATCH = 'engineer-language';

/**
 * The language of a message to an engineer: their person's (people.language, carried on
 * the claim), zh-CN without one — and for runs recorded before the rule.
 */
export function engineerLocale(language: NotificationLocale | undefined, fallback: NotificationLocale = 'zh-CN'): NotificationLocale {
  return language && patched(ENGINEER_LANGUAGE_PATCH) ? language : fallback;
}

/** Marks the moves that tell the engineers they concern (assignment by hand, reassignment away, cancellation). */
export const ENGINEER_MOVE_PATCH = 'engineer-move-messages';

export type EngineerMoveEvent =
  'engineer.case_assigned' | 'engineer.unassigned' | 'engineer.unassigned_visit_cancelled' | 'engineer.offer_withdrawn' | 'engineer.case_cancelled';

/** An engineer a move concerns is told by SMS; `occurrence` names the move (its event seq). */
export function queueEngineerMove(
  core: CaseCore,
  event: EngineerMoveEvent,
  engineer: { id: string; phone?: string; language?: NotificationLocale; personId?: string },
  occurrence: number,
  extra: NotificationVars = {},
): void {
  const { caseNo, intake } = core.state;
  core.queueMessage(
    `${caseNo}#move-${occurrence}-${engineer.id}`,
    event,
    'sms',
    engineer.phone,
    {
      product: `${intake.product.category} ${intake.product.model}`,
      region: intake.customer.region ?? '-',
      fault: faultInBrief(intake.faultDescription),
      engineerId: engineer.id,
      ...extra,
    },
    engineerLocale(engineer.language),
    engineer.personId,
  );
}

/**
 * Marks the runs whose system take-backs tell the engineer (the contact window lapsed,
 * SLA level 3, an engineer no-show, an open offer closed by a dispatcher's assignment to
 * someone else), and whose "the case is taken off you" says whether a booked visit goes
 * with it. One id for all of them: checked where each take-back decides to tell.
 */
export const ENGINEER_TAKEBACK_PATCH = 'engineer-takeback-messages';

/** An engineer the case is taken from, as the move saw them before it cleared them. */
export interface EngineerLosing {
  id: string;
  phone?: string;
  language?: NotificationLocale;
  /** Their linked person (people.id), whose message it is. */
  personId?: string;
  /** The booked visit's start, if one was booked (it is cancelled with the case). */
  visitStart?: string;
}

/** The template that tells `engineer` they lost the case: with the cancelled visit if one was booked (new runs only). */
export function lossTemplate(engineer: EngineerLosing, takeback: boolean): 'engineer.unassigned' | 'engineer.unassigned_visit_cancelled' {
  return takeback && engineer.visitStart ? 'engineer.unassigned_visit_cancelled' : 'engineer.unassigned';
}

/** Queues the message `lossTemplate` names (the visit's start in the service area's time). */
export function queueEngineerLoss(core: CaseCore, engineer: EngineerLosing, occurrence: number, takeback: boolean): void {
  const event = lossTemplate(engineer, takeback);
  const extra: NotificationVars =
    event === 'engineer.unassigned_visit_cancelled' ? { start: localTime(engineer.visitStart!, core.state.sla.policy.calendar.utcOffsetMinutes) } : {};
  queueEngineerMove(core, event, engineer, occurrence, extra);
}

/**
 * What a take-back by the system (the contact window, SLA level 3, an engineer no-show)
 * tells the engineer who loses the case or its open offer (new runs,
 * ENGINEER_TAKEBACK_PATCH): `notified` for the move's timeline event, and `send()` to
 * queue the SMS once the move is written. Call before the move clears the engineer.
 */
export function tellTakeback(core: CaseCore): { notified: { notified?: { engineerId: string; template: EngineerMoveEvent }[] }; send: () => void } {
  const state = core.state;
  const offer = state.offer;
  const losing: EngineerLosing | undefined = state.engineerId
    ? {
        id: state.engineerId,
        phone: state.engineerPhone,
        language: state.engineerLanguage,
        personId: state.engineerPersonId,
        visitStart: state.appointment?.start,
      }
    : offer
      ? { id: offer.engineerId, phone: offer.engineerPhone, language: offer.engineerLanguage, personId: offer.engineerPersonId }
      : undefined;
  if (!losing || !patched(ENGINEER_TAKEBACK_PATCH)) return { notified: {}, send: () => undefined };
  const template = state.engineerId ? lossTemplate(losing, true) : 'engineer.offer_withdrawn';
  const seq = state.eventSeq;
  return {
    notified: { notified: [{ engineerId: losing.id, template }] },
    send: () => (template === 'engineer.offer_withdrawn' ? queueEngineerMove(core, template, losing, seq) : queueEngineerLoss(core, losing, seq, true)),
  };
}

/** Marks the customer's reschedules that tell the assigned engineer (SMS and webhooks). */
export const ENGINEER_RESCHEDULE_PATCH = 'engineer-reschedule-message';

/**
 * The assigned engineer is told the customer moved the visit: the new and the old slot
 * and the reason, by SMS in their language and to webhook subscribers; `bookingId` (the
 * new booking) keys it, so each move sends once.
 */
export function queueRescheduleMessage(core: CaseCore, move: { bookingId: string; start: string; end: string; previousStart?: string; reason?: string }): void {
  const state = core.state;
  const offset = state.sla.policy.calendar.utcOffsetMinutes;
  const locale = engineerLocale(state.engineerLanguage);
  const vars = {
    product: `${state.intake.product.category} ${state.intake.product.model}`,
    start: localTime(move.start, offset),
    end: localTime(move.end, offset),
    previous: move.previousStart ? localTime(move.previousStart, offset) : '-',
    reason: move.reason ?? '-',
    engineerId: state.engineerId ?? '',
  };
  const subject = `${state.caseNo}#${move.bookingId}-engineer`;
  core.queueMessage(subject, 'engineer.rescheduled', 'sms', state.engineerPhone, vars, locale, state.engineerPersonId);
  core.queueMessage(subject, 'engineer.rescheduled', 'webhook', WEBHOOK_SUBSCRIBERS, vars, locale);
}
