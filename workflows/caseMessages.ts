// Messages of the case that are not a reply to one move: the receipt at intake (the
// customer by SMS, CRM webhooks) and the engineer's SMS before the contact window lapses.
// Each is queued on the outbox (delivered by the sendNotification activity) behind its
// own patched() id, so runs started before it keep their commands. Deterministic.
import { patched } from '@temporalio/workflow';
import { WEBHOOK_SUBSCRIBERS } from '../domain/notifications';
import { localTime } from '../domain/notifications';
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
