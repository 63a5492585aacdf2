// What a customer reads when their page request fails: the error as a page in their
// language (the link's own language for an expired or replaced link), with the way back
// to their page where there is one. Errors of other requests go on to the JSON handler.
import type { ErrorRequestHandler } from 'express';
import type { Database } from '../../../db/client';
import { NOT_FIXED_REASON_REQUIRED, RATING_REQUIRED } from '../../../domain/schemas';
import type { CustomerLinkConfig } from '../../../shared/customerLinks';
import { HttpError, isUnavailable } from '../../errors';
import { renderProblem, type PageProblem } from './errorPage';
import { linkLanguage } from './linkLanguage';
import { pageFrame, type PageLocals } from './pageRequest';

/** Any error of a page request, as a page in the customer's language. */
export function pageErrorHandler(deps: { db: Database; customerLinks: CustomerLinkConfig; hotline: string }): ErrorRequestHandler {
  const { db } = deps;
  return (err, req, res, next) => {
    const l = res.locals.customerPage as PageLocals | undefined;
    if (!l || res.headersSent) return next(err);
    void (async () => {
      let problem = problemOf(err);
      if (!problem) return next(err);
      // The redirect after a decision that made the workflow text a newer link (which revoked this one).
      if (problem.kind === 'revoked' && req.method === 'GET' && req.query.sent === '1') problem = { kind: 'sent_new_link' };
      if (!l.explicitLang && ['expired', 'revoked', 'withdrawn'].includes(problem.kind)) {
        const own = await linkLanguage(db, deps.customerLinks.secret, l.token).catch(() => undefined);
        if (own) l.lang = own;
      }
      const status = err instanceof HttpError ? err.status : (clientError(err) ?? (isUnavailable(err) ? 503 : 500));
      if (status >= 500) req.log?.error({ err }, 'customer page failed');
      const path = req.path.replace(/\/forms\/[^/]+$/, '');
      res
        .status(status)
        .type('html')
        .send(renderProblem(pageFrame(res, deps.hotline, path), problem, problem.kind === 'busy' || status < 500 ? l.back : undefined));
    })().catch(next);
  };
}

/** A body parser's own 4xx (too large, malformed), if it is one. */
function clientError(err: unknown): number | undefined {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

/** What a person is told for an error; undefined: not one of ours (the JSON handler answers). */
export function problemOf(err: unknown): PageProblem | undefined {
  if (!(err instanceof HttpError)) return clientError(err) ? { kind: 'invalid_input' } : { kind: 'busy' };
  switch (err.code) {
    case 'link_expired':
      return { kind: 'expired' };
    case 'invalid_link':
      return { kind: 'invalid' };
    case 'link_revoked':
      return { kind: /replaced/.test(err.message) ? 'revoked' : 'withdrawn' };
    case 'link_read_only':
      return { kind: 'read_only' };
    case 'illegal_transition':
    case 'limit_reached':
    case 'no_change':
      return { kind: 'moved', stage: err.extra.currentStage };
    case 'csrf_failed':
      return { kind: 'form_expired' };
    case 'validation_failed': {
      const messages = (err.extra.fields ?? []).map((f) => f.message);
      if (messages.includes(NOT_FIXED_REASON_REQUIRED)) return { kind: 'reason_required' };
      if (messages.includes(RATING_REQUIRED)) return { kind: 'rating_required' };
    }
  }
  return err.status >= 500 || err.status === 429 ? { kind: 'busy' } : { kind: 'invalid_input' };
}
