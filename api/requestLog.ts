// The API's request log line (pino-http). A request's URL carries personal data and
// secrets in the clear: a link token in /customer/cases/<token>, a phone number in
// GET /complaints?phone=…; the line keeps the method and the URL redacted, and leaves
// out the parsed query and route params (the same data again, unmasked).
import type { IncomingMessage } from 'node:http';
import pinoHttp from 'pino-http';
import type { Logger } from 'pino';
import { redactRequestUrl } from '../shared/redact';

interface SerializedRequest {
  id?: unknown;
  method?: string;
  url?: string;
  remoteAddress?: string;
  headers?: Record<string, unknown>;
}

export function requestLogger(logger: Logger) {
  return pinoHttp<IncomingMessage>({
    logger,
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    serializers: {
      req: (req: SerializedRequest) => ({
        id: req.id,
        method: req.method,
        url: redactRequestUrl(req.url ?? ''),
        remoteAddress: req.remoteAddress,
        userAgent: req.headers?.['user-agent'],
      }),
    },
  });
}
