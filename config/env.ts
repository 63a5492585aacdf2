// All configuration comes from the environment, validated once at start.
import path from 'node:path';
import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65535);
const optionalUrl = z
  .string()
  .trim()
  .transform((s) => (s === '' ? undefined : s))
  .optional();

export const EnvSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default(path.resolve(__dirname, '..', '.data')),
  TEMPORAL_ADDRESS: optionalUrl,
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TASK_QUEUE: z.string().min(1).default('casework'),
  DATABASE_URL: optionalUrl,
  API_KEYS: z.string().default(''),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Embedded-default ports and binaries (ignored in production mode).
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  EMBEDDED_PG_PORT: port.default(5433),
  TEMPORAL_CLI_PATH: optionalUrl,
  /** Largest JSON body the API accepts. */
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(64 * 1024),
  /** Where `npm start` runs the worker: 'true' (in the launcher) or 'false' (run `npm run worker` yourself). */
  EMBED_WORKER: z.enum(['true', 'false']).default('true'),

  // Notification gateways (see README "Notifications"). Unset URLs in `npm start` mean a
  // local SMTP capture and a local HTTP receiver; in `npm run worker` they mean that
  // channel is not configured (its messages fail with that error).
  /** SMS HTTP gateway: POST JSON here. user:pass@ in the URL → Basic auth. */
  SMS_GATEWAY_URL: optionalUrl.pipe(z.url({ protocol: /^https?$/ }).optional()),
  /** Bearer token for the SMS gateway (instead of Basic credentials in the URL). */
  SMS_GATEWAY_TOKEN: optionalUrl,
  /** nodemailer SMTP URL: smtp://user:pass@host:587 (STARTTLS) or smtps://…:465. */
  SMTP_URL: optionalUrl.pipe(z.url({ protocol: /^smtps?$/ }).optional()),
  MAIL_FROM: z.string().min(3).default('casework <no-reply@casework.local>'),
  /** Timeout of one gateway call (SMS, SMTP, each webhook POST). */
  NOTIFY_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** Give up on one webhook subscriber for one message after this many failed POSTs. */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(20),
  /** GET /dev/outbox. Unset: on when `npm start` runs the local gateways, off otherwise. */
  DEV_OUTBOX: z.enum(['true', 'false']).optional(),
  /** Ports of the local SMTP capture and HTTP receiver (0: any free port). */
  LOCAL_SMTP_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  LOCAL_RECEIVER_PORT: z.coerce.number().int().min(0).max(65535).default(0),
});

export type Env = z.infer<typeof EnvSchema>;

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

export class ConfigError extends Error {}
