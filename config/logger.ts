import pino, { type DestinationStream, type Logger } from 'pino';
import { redactText } from '../shared/redact';
import { logContextFields } from '../shared/logContext';

/**
 * Structured JSON logs; API keys, link tokens, phone numbers, e-mail addresses and URL
 * passwords never reach them. Known fields are censored by path; then every finished
 * line passes through redactText, so a token or phone number inside a message, a URL or
 * an error's stack is masked too, whoever logged it (our code, pino-http, the Temporal
 * SDK, an activity). Each line also carries its request id, case or complaint number and
 * trace id from the context it was logged in (shared/logContext.ts).
 */
export function createLogger(level: string, name = 'casework', destination: DestinationStream = pino.destination({ dest: 1, sync: true })): Logger {
  return pino(
    {
      name,
      level,
      mixin: logContextFields,
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["idempotency-key"]', '*.phone', '*.*.phone', '*.email', '*.*.email'],
        censor: '[redacted]',
      },
    },
    redactingStream(destination),
  );
}

/** A destination that masks each line before it is written. */
export function redactingStream(destination: DestinationStream): DestinationStream {
  return { write: (line: string) => destination.write(redactText(line)) };
}
