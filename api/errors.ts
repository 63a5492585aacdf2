// Every error leaves the API as JSON: { error: { code, message, fields?, currentStage? } }.
import type { ErrorRequestHandler } from 'express';
import { WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { z } from 'zod';

/** Seconds a client should wait before retrying a 503. */
export const RETRY_AFTER_SECONDS = 5;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: { fields?: FieldError[]; currentStage?: string; existingCaseNo?: string; existingComplaintNo?: string } = {},
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

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  '57P01',
  '57P03',
  '08006',
  '08001',
  '08003',
  '08004',
]);
const UNAVAILABLE_TEXT =
  /Connection terminated|timeout exceeded when trying to connect|Query read timeout|UNAVAILABLE|Failed to connect|No connection established/i;

/**
 * Connection-level failures of PostgreSQL or Temporal: the client's request was fine.
 * Drizzle and the Temporal client wrap the socket error, so the cause chain is walked.
 */
export function isUnavailable(err: unknown): boolean {
  for (let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 6; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && UNAVAILABLE_CODES.has(e.code)) return true;
    // gRPC UNAVAILABLE (14) from the Temporal client (DEADLINE_EXCEEDED: isTemporalTimeout).
    if (e.code === 14) return true;
    if (typeof e.message === 'string' && UNAVAILABLE_TEXT.test(e.message)) return true;
  }
  return false;
}

const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_CANCELLED = 1;

/**
 * Temporal did not answer in time: it is reachable (an unreachable server fails fast,
 * see isUnavailable) but no worker ran the request within its deadline.
 */
export function isTemporalTimeout(err: unknown): boolean {
  for (let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 6; e = e.cause as typeof e, depth++) {
    if (e instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
    if (e.code === GRPC_DEADLINE_EXCEEDED || e.code === GRPC_CANCELLED) return true;
    // The server refuses an Update (FAILED_PRECONDITION) while the workflow's task is being
    // retried, e.g. after its worker died or timed out under load (seen on the real server
    // in test:production): transient, the same request succeeds once the task goes through.
    if (typeof e.message === 'string' && WORKFLOW_TASK_FAILING.test(e.message)) return true;
  }
  return false;
}

const WORKFLOW_TASK_FAILING = /due to Workflow Task in failed state/i;

export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  // The request deadline already answered; the handler finished (or failed) too late.
  if (res.headersSent) return;
  if (err instanceof HttpError) {
    if (err.status === 503) res.set('Retry-After', String(RETRY_AFTER_SECONDS));
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
  if (bodyErr.type === 'charset.unsupported' || bodyErr.type === 'encoding.unsupported') {
    res.status(415).json({ error: { code: 'unsupported_media_type', message: String((err as Error).message) } });
    return;
  }
  if (bodyErr.status && bodyErr.status >= 400 && bodyErr.status < 500) {
    res.status(bodyErr.status).json({ error: { code: 'bad_request', message: String((err as Error).message) } });
    return;
  }
  if (isTemporalTimeout(err)) {
    req.log?.warn({ err }, 'no worker answered in time');
    res
      .set('Retry-After', String(RETRY_AFTER_SECONDS))
      .status(503)
      .json({
        error: {
          code: 'worker_unavailable',
          message: 'no worker completed the request in time; it may still be applied: retry with the same Idempotency-Key to get its outcome',
        },
      });
    return;
  }
  if (isUnavailable(err)) {
    req.log?.warn({ err }, 'dependency unavailable');
    res
      .set('Retry-After', String(RETRY_AFTER_SECONDS))
      .status(503)
      .json({
        error: { code: 'service_unavailable', message: 'Temporal or the database is unreachable; retry later (with the same Idempotency-Key for POST /cases)' },
      });
    return;
  }
  req.log?.error({ err }, 'unhandled error');
  res.status(500).json({ error: { code: 'internal_error', message: 'internal error' } });
};
