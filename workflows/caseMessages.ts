// Messages of the case that are not a reply to one move: the receipt at intake (the
// customer by SMS, CRM webhooks), the offer to the offered engineer (SMS with a one-tap
// link, webhooks) and the engineer's SMS before the contact window lapses.
// Each is queued on the outbox (delivered by the sendNotification activity) behind its
// own patched() id, so runs started before it keep their commands. Deterministic.
import { patched } from '@temporalio/workflow';
import { WEBHOOK_SUBSCRIBERS } from '../domain/notifications';
import { faultInBrief, localTime, offerLinkOrApp } from '../domain/notifications';
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
  core.queueMessage(`${state.caseNo}#${reminderKey}`, 'contact.reminder', 'sms', state.engineerPhone, {
    customerName: state.intake.customer.name,
    lapsesAt: localTime(lapsesAt, state.sla.policy.calendar.utcOffsetMinutes),
  });
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
  offer: { engineerId: string; engineerPhone?: string; round: number; expiresAt: string },
): Promise<void> {
  const { caseNo, intake } = core.state;
  const link = await core.activities.issueOfferLink({ caseNo, engineerId: offer.engineerId, round: offer.round, expiresAt: offer.expiresAt });
  const vars = {
    product: `${intake.product.category} ${intake.product.model}`,
    region: intake.customer.region ?? '-',
    fault: faultInBrief(intake.faultDescription),
    expiresAt: localTime(offer.expiresAt, core.state.sla.policy.calendar.utcOffsetMinutes),
    link: offerLinkOrApp(link, 'zh-CN'),
    engineerId: offer.engineerId,
  };
  const subject = `${caseNo}#offer-${offer.round}-${offer.engineerId}`;
  core.queueMessage(subject, 'engineer.offered', 'sms', offer.engineerPhone, vars, 'zh-CN');
  // Webhooks reach every subscriber: the link (a bearer credential for this engineer) stays out.
  core.queueMessage(subject, 'engineer.offered', 'webhook', WEBHOOK_SUBSCRIBERS, { ...vars, link: '（链接仅发给工程师本人）' }, 'zh-CN');
}

/** Marks the moves that tell the engineers they concern (assignment by hand, reassignment away, cancellation). */
export const ENGINEER_MOVE_PATCH = 'engineer-move-messages';

export type EngineerMoveEvent = 'engineer.case_assigned' | 'engineer.unassigned' | 'engineer.case_cancelled';

/** An engineer a move concerns is told by SMS; `occurrence` names the move (its event seq). */
export function queueEngineerMove(core: CaseCore, event: EngineerMoveEvent, engineer: { id: string; phone?: string }, occurrence: number): void {
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
    },
    'zh-CN',
  );
}
