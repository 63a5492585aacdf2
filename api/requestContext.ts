// Each request runs inside its context: a request id (the caller's X-Request-Id if it is a
// plain token, else a new UUID; echoed in the response), a log context the case or
// complaint number is added to, and — tracing on — a server span made active, so the
// Temporal client's spans and the workflow and activities they lead to share its trace.
// The span is named by the route template (POST /cases/:caseNo/...), never the raw URL.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler } from 'express';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { runWithLogContext, type LogContext } from '../shared/logContext';
import { REQUEST_ID_BAGGAGE, tracing } from '../shared/tracing';

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** The route template a request matched ("unmatched" for a 404): a metric label and span name, never the URL. */
export function routeTemplate(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${req.baseUrl}${path}` : 'unmatched';
}

export function requestIdOf(req: IncomingMessage): string {
  const sent = req.headers['x-request-id'];
  return typeof sent === 'string' && REQUEST_ID.test(sent) ? sent : randomUUID();
}

export function requestContext(): RequestHandler {
  return (req, res, next) => {
    const requestId = requestIdOf(req);
    req.id = requestId;
    res.setHeader('X-Request-Id', requestId);
    const logContext: LogContext = { requestId };
    if (!tracing().enabled) return runWithLogContext(logContext, next);

    const parent = propagation.extract(context.active(), req.headers);
    const span = trace
      .getTracer('casework-api')
      .startSpan(
        `${req.method} unmatched`,
        { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'casework.request_id': requestId } },
        parent,
      );
    res.once('finish', () => {
      const route = routeTemplate(req);
      span.updateName(`${req.method} ${route}`);
      span.setAttributes({ 'http.route': route, 'http.response.status_code': res.statusCode });
      if (logContext.caseNo) span.setAttribute('casework.case_no', logContext.caseNo);
      if (logContext.complaintNo) span.setAttribute('casework.complaint_no', logContext.complaintNo);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    const baggage = (propagation.getBaggage(parent) ?? propagation.createBaggage()).setEntry(REQUEST_ID_BAGGAGE, { value: requestId });
    const active = propagation.setBaggage(trace.setSpan(parent, span), baggage);
    context.with(active, () => runWithLogContext(logContext, next));
  };
}
