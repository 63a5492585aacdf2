// The Temporal client's side of the request-id header (domain/requestIdHeader.ts): every
// start, Update and signal sent while a request's LogContext is current carries its id,
// so the workflow and its activities log it with tracing off too
// (workflows/requestIdInterceptors.ts passes it on, worker/observability.ts reads it).
import { defaultPayloadConverter, type Headers } from '@temporalio/common';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import { REQUEST_ID_HEADER } from '../domain/requestIdHeader';
import { currentLogContext } from './logContext';

function withRequestId(headers: Headers): Headers {
  const id = currentLogContext()?.requestId;
  return id && !headers[REQUEST_ID_HEADER] ? { ...headers, [REQUEST_ID_HEADER]: defaultPayloadConverter.toPayload(id) } : headers;
}

/** The request id a header carries, if any. */
export function requestIdOfHeaders(headers: Headers | undefined): string | undefined {
  const payload = headers?.[REQUEST_ID_HEADER];
  if (!payload) return undefined;
  try {
    const value: unknown = defaultPayloadConverter.fromPayload(payload);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

export const requestIdClientInterceptor: WorkflowClientInterceptor = {
  start: (input, next) => next({ ...input, headers: withRequestId(input.headers) }),
  startWithDetails: (input, next) => next({ ...input, headers: withRequestId(input.headers) }),
  startUpdate: (input, next) => next({ ...input, headers: withRequestId(input.headers) }),
  startUpdateWithStart: (input, next) =>
    next({ ...input, workflowStartHeaders: withRequestId(input.workflowStartHeaders), updateHeaders: withRequestId(input.updateHeaders) }),
  signal: (input, next) => next({ ...input, headers: withRequestId(input.headers) }),
  signalWithStart: (input, next) => next({ ...input, headers: withRequestId(input.headers) }),
};
