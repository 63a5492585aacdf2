// The notification activities the workflow tests run: SMS to a local receiver (what a test
// reads back), e-mail to a local SMTP capture when given (else a port nothing listens on),
// webhooks to the subscriptions on record.
import { createEmailGateway, createSmsGateway, createWebhookGateway } from '../../activities/gateways';
import { createNotificationActivities } from '../../activities/notifications';
import type { Database } from '../../db/client';

export function receiverNotifications(db: Database, receiverUrl: string, webhook = createWebhookGateway(), smtpUrl = 'smtp://127.0.0.1:1') {
  return createNotificationActivities(db, {
    sms: createSmsGateway({ url: `${receiverUrl}/sms`, token: 't', timeoutMs: 5000 }),
    email: createEmailGateway({ url: smtpUrl, from: 'x <x@casework.test>', timeoutMs: 5000 }),
    webhook,
  });
}
