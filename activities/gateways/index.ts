// Gateways chosen by configuration. A channel without configuration refuses its
// messages with a non-retryable error naming the missing variable.
import type { AllowedTarget } from '../../shared/webhookTargets';
import type { Gateway, Gateways } from './types';
import { GatewayError } from './types';
import { createEmailGateway } from './email';
import { createSmsGateway } from './sms';
import { createWebhookGateway } from './webhook';

export * from './types';
export { createEmailGateway, messageIdFor } from './email';
export { createSmsGateway } from './sms';
export { createWebhookGateway, webhookBody, webhookSignature } from './webhook';

export interface GatewayConfig {
  smsUrl?: string;
  smsToken?: string;
  smtpUrl?: string;
  mailFrom: string;
  timeoutMs: number;
  webhookMaxAttempts: number;
  /** Non-public webhook targets allowed (WEBHOOK_ALLOWED_HOSTS); none by default. */
  webhookAllowedTargets?: readonly AllowedTarget[];
}

function unconfigured(variable: string): Gateway {
  return {
    async send() {
      throw new GatewayError(`${variable} is not set: this channel is not configured`, false);
    },
  };
}

export function gatewaysFromConfig(config: GatewayConfig): Gateways {
  return {
    sms: config.smsUrl ? createSmsGateway({ url: config.smsUrl, token: config.smsToken, timeoutMs: config.timeoutMs }) : unconfigured('SMS_GATEWAY_URL'),
    email: config.smtpUrl ? createEmailGateway({ url: config.smtpUrl, from: config.mailFrom, timeoutMs: config.timeoutMs }) : unconfigured('SMTP_URL'),
    webhook: createWebhookGateway({ timeoutMs: config.timeoutMs, maxAttempts: config.webhookMaxAttempts, allowedTargets: config.webhookAllowedTargets }),
  };
}

/** The gateway configuration from the environment (config/env.ts). */
export function gatewayConfigFromEnv(env: {
  SMS_GATEWAY_URL?: string;
  SMS_GATEWAY_TOKEN?: string;
  SMTP_URL?: string;
  MAIL_FROM: string;
  NOTIFY_TIMEOUT_MS: number;
  WEBHOOK_MAX_ATTEMPTS: number;
  WEBHOOK_ALLOWED_HOSTS?: readonly AllowedTarget[];
}): GatewayConfig {
  return {
    smsUrl: env.SMS_GATEWAY_URL,
    smsToken: env.SMS_GATEWAY_TOKEN,
    smtpUrl: env.SMTP_URL,
    mailFrom: env.MAIL_FROM,
    timeoutMs: env.NOTIFY_TIMEOUT_MS,
    webhookMaxAttempts: env.WEBHOOK_MAX_ATTEMPTS,
    webhookAllowedTargets: env.WEBHOOK_ALLOWED_HOSTS ?? [],
  };
}
