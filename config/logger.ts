import pino, { type Logger } from 'pino';

/** Structured JSON logs; phone numbers, e-mail addresses and API keys never reach them. */
export function createLogger(level: string, name = 'casework'): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers["idempotency-key"]', '*.phone', '*.*.phone', '*.email', '*.*.email'],
      censor: '[redacted]',
    },
  });
}
