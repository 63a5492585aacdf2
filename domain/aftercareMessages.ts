// The messages aftercare sends when a callback or a maintenance falls due. Pure: the
// aftercare workflow builds them, the sendNotification activity renders and sends them.
import type { AftercareInput } from './aftercare';
import type { CallbackWorkflowInput } from './callbacks';
import type { MaintenanceSeriesInput } from './maintenance';
import { DEFAULT_SLA_POLICY } from './sla';
import { linkOrHotline, localTime, notificationKey, WEBHOOK_SUBSCRIBERS, type NotificationLocale, type NotificationRequest } from './notifications';

// Only the text of a message depends on it (never a command): the service area's offset.
const OFFSET = DEFAULT_SLA_POLICY.calendar.utcOffsetMinutes;

function locale(input: { customer: { language: string } }): NotificationLocale {
  return input.customer.language === 'en' ? 'en' : 'zh-CN';
}

/** The satisfaction callback is due: the call center's CRM (webhook subscribers of callback.due). */
export function callbackDueMessage(
  input: Pick<AftercareInput, 'caseNo'> & { customer: { name: string; language: string } },
  dueAt: number,
): NotificationRequest {
  return {
    key: notificationKey(`${input.caseNo}#callback`, 'callback.due', WEBHOOK_SUBSCRIBERS, 'webhook'),
    channel: 'webhook',
    recipient: WEBHOOK_SUBSCRIBERS,
    event: 'callback.due',
    locale: locale(input),
    vars: { subjectNo: input.caseNo, customerName: input.customer.name, due: localTime(dueAt, OFFSET) },
    caseNo: input.caseNo,
  };
}

/** The product is due for maintenance: the customer, by SMS. */
export function maintenanceDueMessage(input: AftercareInput, dueAt: number): NotificationRequest {
  return {
    key: notificationKey(`${input.caseNo}#maintenance-${new Date(dueAt).toISOString().slice(0, 10)}`, 'maintenance.due', input.customer.phone, 'sms'),
    channel: 'sms',
    recipient: input.customer.phone,
    event: 'maintenance.due',
    locale: locale(input),
    vars: {
      customerName: input.customer.name,
      product: `${input.product.category} ${input.product.model}`,
      serial: input.product.serial,
      due: localTime(dueAt, OFFSET).slice(0, 10),
    },
    caseNo: input.caseNo,
  };
}

/** Every callback attempt failed: the customer is asked by SMS to rate through their case link. */
export function callbackSurveyMessage(input: CallbackWorkflowInput, link: { url: string } | null): NotificationRequest {
  return {
    key: notificationKey(`${input.caseNo}#callback-survey`, 'callback.survey', input.customer.phone, 'sms'),
    channel: 'sms',
    recipient: input.customer.phone,
    event: 'callback.survey',
    locale: locale(input),
    vars: { customerName: input.customer.name, caseNo: input.caseNo, link: linkOrHotline(link, locale(input)) },
    caseNo: input.caseNo,
  };
}

/** A maintenance cycle's reminder, ahead of its due date: book or opt out by link, or call. */
export function maintenanceReminderMessage(input: MaintenanceSeriesInput, dueAt: number, link: { url: string } | null): NotificationRequest {
  const l = locale(input);
  return {
    key: notificationKey(`${input.seriesId}#cycle-${input.cycle}`, 'maintenance.reminder', input.customer.phone, 'sms'),
    channel: 'sms',
    recipient: input.customer.phone,
    event: 'maintenance.reminder',
    locale: l,
    vars: {
      customerName: input.customer.name,
      service: l === 'en' ? input.service.en : input.service.zh,
      product: `${input.product.category} ${input.product.model}`,
      serial: input.product.serial,
      due: localTime(dueAt, OFFSET).slice(0, 10),
      link: linkOrHotline(link, l),
    },
    caseNo: input.anchorCaseNo,
  };
}
