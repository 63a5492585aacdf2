// What every log line says about where it comes from: the HTTP request id, the case or
// complaint number, and the trace. The API runs each request inside a LogContext (set by
// api/requestContext.ts, the case number added once the route knows it); the worker runs
// each activity inside one made from its workflow id (worker/activityContext.ts). The
// logger's mixin (config/logger.ts) reads it at every line, so nobody adds them by hand.
import { AsyncLocalStorage } from 'node:async_hooks';
import { activeTraceIds, baggageRequestId } from './tracing';

export interface LogContext {
  requestId?: string;
  caseNo?: string;
  complaintNo?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

export function runWithLogContext<T>(ctx: LogContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

export function currentLogContext(): LogContext | undefined {
  return storage.getStore();
}

/** Names the case or complaint of the current context (a request learns it from its route or creates it). */
export function setLogSubject(subject: { caseNo?: string; complaintNo?: string }): void {
  const ctx = storage.getStore();
  if (!ctx) return;
  if (subject.caseNo) ctx.caseNo = subject.caseNo;
  if (subject.complaintNo) ctx.complaintNo = subject.complaintNo;
}

/**
 * The case or complaint a workflow id names (case-<no>, complaint-<no>, aftercare-<no>,
 * callback-<no>). A maintenance series is named by product (maintenance-<category>-<serial>):
 * no number, its lines carry the workflowId only.
 */
export function subjectOfWorkflowId(workflowId: string): { caseNo?: string; complaintNo?: string } {
  const complaint = /^complaint-(.+)$/.exec(workflowId);
  if (complaint) return { complaintNo: complaint[1] };
  const kase = /^(?:case|aftercare|callback)-(.+)$/.exec(workflowId);
  return kase ? { caseNo: kase[1] } : {};
}

/** The fields a log line gets from its context (pino mixin); a field a line sets itself wins. */
export function logContextFields(): Record<string, string> {
  const ctx = storage.getStore();
  const fields: Record<string, string> = {};
  const requestId = ctx?.requestId ?? baggageRequestId();
  if (requestId) fields.requestId = requestId;
  if (ctx?.caseNo) fields.caseNo = ctx.caseNo;
  if (ctx?.complaintNo) fields.complaintNo = ctx.complaintNo;
  return { ...fields, ...activeTraceIds() };
}
