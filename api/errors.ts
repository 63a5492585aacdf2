// Every error leaves the API as JSON: { error: { code, message, fields?, currentStage? } }.
import type { ErrorRequestHandler } from 'express';
import { z } from 'zod';
import type { Stage } from '../domain';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: { fields?: FieldError[]; currentStage?: Stage; existingCaseNo?: string } = {},
  ) {
    super(message);
  }
}

export interface FieldError {
  path: string;
  message: string;
}

export function fieldErrors(err: z.ZodError, prefix?: string): FieldError[] {
  return err.issues.map((issue) => {
    const parts = [prefix, ...issue.path.map(String)].filter(Boolean);
    const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
    return { path: parts.join('.') || '(root)', message: issue.message + keys };
  });
}

export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'params'): z.output<S> {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) {
    throw new HttpError(400, 'validation_failed', `invalid ${where}`, { fields: fieldErrors(parsed.error, where) });
  }
  return parsed.data;
}

/** Connection-level failures of PostgreSQL or Temporal: the client's request was fine. */
export function isUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown; name?: unknown } | undefined;
  if (!e) return false;
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (code && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', '57P01', '57P03', '08006', '08001', '08003'].includes(code)) {
    return true;
  }
  // gRPC UNAVAILABLE (14) / DEADLINE_EXCEEDED (4) from the Temporal client.
  if (typeof e.code === 'number' && (e.code === 14 || e.code === 4)) return true;
  const message = typeof e.message === 'string' ? e.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED|Query read timeout|UNAVAILABLE|Failed to connect/i.test(message);
}

export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  if (err instanceof HttpError) {
    res.status(err.status).json({ error: { code: err.code, message: err.message, ...err.extra } });
    return;
  }
  const bodyErr = err as { type?: string; status?: number; limit?: number };
  if (bodyErr.type === 'entity.parse.failed') {
    res.status(400).json({ error: { code: 'malformed_json', message: 'request body is not valid JSON' } });
    return;
  }
  if (bodyErr.type === 'entity.too.large') {
    res.status(413).json({ error: { code: 'body_too_large', message: `request body exceeds ${bodyErr.limit} bytes` } });
    return;
  }
  if (bodyErr.status && bodyErr.status >= 400 && bodyErr.status < 500) {
    res.status(bodyErr.status).json({ error: { code: 'bad_request', message: String((err as Error).message) } });
    return;
  }
  if (isUnavailable(err)) {
    req.log?.warn({ err }, 'dependency unavailable');
    res.status(503).json({
      error: { code: 'service_unavailable', message: 'Temporal or the database is unreachable; retry later (with the same Idempotency-Key for POST /cases)' },
    });
    return;
  }
  req.log?.error({ err }, 'unhandled error');
  res.status(500).json({ error: { code: 'internal_error', message: 'internal error' } });
};
