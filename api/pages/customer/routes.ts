// The customer's pages at their signed link: GET with Accept: text/html renders the page
// (other clients fall through to the JSON routes at the same URL); each form POSTs once
// (CSRF-checked, with a per-form idempotency key) to the same Temporal Update the JSON
// route uses, then redirects back to the page (POST-redirect-GET). Errors are pages.
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { CLOSED_STAGES, type Actor } from '../../../domain';
import { CLOSED_COMPLAINT_STAGES } from '../../../domain/complaints';
import { RescheduleRequestBodySchema } from '../../../domain/rescheduleRequests';
import { ConfirmBodySchema, NOT_FIXED_REASON_REQUIRED, RATING_REQUIRED } from '../../../domain/schemas';
import type { Database } from '../../../db/client';
import { caseTimeline, findCase, type CaseRow } from '../../../db/queries/cases';
import { complaintsAboutCase, complaintTimeline, findComplaint, type ComplaintRow } from '../../../db/queries/complaints';
import { issueCustomerLink } from '../../../db/queries/customerLinks';
import { latestRescheduleRequest } from '../../../db/queries/rescheduleRequests';
import type { CustomerLinkConfig } from '../../../shared/customerLinks';
import { COMPLAINT_UPDATES } from '../../../workflows/complaintDefinitions';
import { confirmCase, decideQuote } from '../../../workflows/definitions';
import { runCaseUpdate, runComplaintUpdate } from '../../caseUpdates';
import { createCaseIntake } from '../../caseIntake';
import { createComplaintIntake } from '../../complaintIntake';
import { assertLinkWritable, linkSubjectOrThrow, signedLinkOrThrow } from '../../customerLinks';
import { fieldErrors, HttpError, isUnavailable } from '../../errors';
import { submitRescheduleRequest, rescheduleRequestView } from '../../rescheduleRequests';
import { unstorableText } from '../../storableText';
import { renderAftercareRefusal } from './aftercare';
import { aftercarePageView, isAftercareForm, postAftercareForm } from './aftercareForms';
import { csrfKey, csrfToken, csrfValid, ensureNonce } from './csrf';
import { renderProblem, type PageProblem } from './errorPage';
import { ComplaintForm, ConfirmForm, DecisionForm, FormEnvelope, QuoteForm, RescheduleForm } from './forms';
import { isLang, pageLang, type Lang } from './i18n';
import type { FormContext, PageFrame } from './layout';
import { linkLanguage } from './linkLanguage';
import { caseModel, complaintModel, type ComplaintModel } from './model';
import { renderCasePage, renderComplaintPage, type CaseStep } from './pages';

/** Pages load only their own stylesheet and post only to this origin. */
export const PAGE_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export interface CustomerPageDeps {
  client: Client;
  db: Database;
  taskQueue: string;
  customerLinks: CustomerLinkConfig;
  hotline: string;
  temporalMs: number;
}

interface PageLocals {
  lang: Lang;
  explicitLang: boolean;
  token: string;
  back?: string;
}

const Token = z.string().min(10).max(500);
const FORM_BODY_LIMIT = 16 * 1024;

/** A browser asking for a page (Accept: text/html before JSON); programs keep the JSON API. */
export function wantsHtml(req: Request): boolean {
  return req.accepts(['application/json', 'text/html']) === 'text/html';
}

export function customerPages(deps: CustomerPageDeps): { router: express.Router; pageErrors: ErrorRequestHandler } {
  const { client, db } = deps;
  const key = csrfKey(deps.customerLinks.secret);
  const openComplaint = createComplaintIntake(deps);
  const aftercare = { client, db, openCase: createCaseIntake(deps) };
  const parseForm = express.urlencoded({ extended: false, limit: FORM_BODY_LIMIT, parameterLimit: 20 });
  const router = express.Router();

  const frameOf = (res: Response, path: string): PageFrame => ({ lang: locals(res).lang, hotline: deps.hotline, path });
  const locals = (res: Response) => res.locals.customerPage as PageLocals;

  /** Marks the request as a page (errors become pages) and checks the link's signature first. */
  const asPage: RequestHandler = (req, res, next) => {
    const token = Token.safeParse(req.params.token);
    const asked = isLang(req.query.lang) ? req.query.lang : undefined;
    res.locals.customerPage = { lang: pageLang(req), explicitLang: asked !== undefined, token: token.success ? token.data : '' } satisfies PageLocals;
    res.setHeader('Content-Security-Policy', PAGE_CSP);
    if (!token.success) return next(new HttpError(401, 'invalid_link', 'this link is not valid'));
    try {
      signedLinkOrThrow(req, deps.customerLinks.secret, token.data);
      next();
    } catch (err) {
      next(err);
    }
  };

  /** Form posts: urlencoded only, then the envelope (language, CSRF field, key); the token is judged after the link. */
  const formBody: RequestHandler = (req, res, next) => {
    if (!req.is('application/x-www-form-urlencoded')) return next(new HttpError(415, 'unsupported_media_type', 'a form post'));
    parseForm(req, res, (err?: unknown) => {
      if (err) return next(err);
      const env = FormEnvelope.safeParse(req.body ?? {});
      const l = locals(res);
      if (env.success && env.data.lang) Object.assign(l, { lang: env.data.lang, explicitLang: true });
      if (unstorableText(req.body, 'body').length > 0 || !env.success) return next(new HttpError(400, 'validation_failed', 'invalid form'));
      next();
    });
  };

  /** After the link checked out (a revoked link's post says so, not "form expired"). */
  function requireCsrf(req: Request, res: Response): void {
    if (!csrfValid(key, req, locals(res).token, (req.body as { csrf?: unknown }).csrf)) throw new HttpError(403, 'csrf_failed', 'form token does not match');
  }

  function formContext(req: Request, res: Response, base: string): FormContext {
    const csrf = csrfToken(key, locals(res).token, ensureNonce(req, res));
    return { lang: locals(res).lang, base, csrf, newKey: () => randomBytes(16).toString('base64url') };
  }

  async function caseOf(req: Request, res: Response, forWrite: boolean): Promise<{ row: CaseRow; actor: Actor }> {
    const l = locals(res);
    const row = await findCase(db, await linkSubjectOrThrow(req, db, deps.customerLinks.secret, l.token, 'case'));
    if (!row) throw new HttpError(401, 'invalid_link', 'this link is not valid');
    if (!l.explicitLang) l.lang = pageLang(req, row.customerLanguage);
    l.back = `/customer/cases/${l.token}?lang=${l.lang}`;
    if (forWrite) assertLinkWritable(row.caseNo, row.stage, CLOSED_STAGES);
    return { row, actor: { role: 'customer', subject: row.caseNo } };
  }

  async function complaintOf(req: Request, res: Response, forWrite: boolean): Promise<{ row: ComplaintRow; actor: Actor }> {
    const l = locals(res);
    const row = await findComplaint(db, await linkSubjectOrThrow(req, db, deps.customerLinks.secret, l.token, 'complaint'));
    if (!row) throw new HttpError(401, 'invalid_link', 'this link is not valid');
    const language = (row.snapshot as { customer?: { language?: string } }).customer?.language;
    if (!l.explicitLang) l.lang = pageLang(req, language);
    l.back = `/customer/complaints/${l.token}?lang=${l.lang}`;
    if (forWrite) assertLinkWritable(row.complaintNo, row.stage, CLOSED_COMPLAINT_STAGES);
    return { row, actor: { role: 'customer', subject: row.complaintNo } };
  }

  const complaintOfRow = async (row: ComplaintRow): Promise<ComplaintModel> => complaintModel(row, await complaintTimeline(db, row.complaintNo));

  /** Runs a handler under the Temporal deadline, errors to the page error handler. */
  const handle =
    (fn: (req: Request, res: Response) => Promise<void>): RequestHandler =>
    (req, res, next) => {
      client.withDeadline(Date.now() + deps.temporalMs, () => fn(req, res)).catch(next);
    };

  /** After a POST: back to the page (303: the browser GETs it), the language kept. */
  const backTo = (res: Response, path: string, anchor: string) => res.redirect(303, `${path}?lang=${locals(res).lang}&sent=1#${anchor}`);

  // next('route') leaves this route (and the router): the JSON route at the same path answers.
  const htmlOnly: RequestHandler = (req, _res, next) => (wantsHtml(req) ? next() : next('route'));

  router.get(
    '/customer/cases/:token',
    htmlOnly,
    asPage,
    handle(async (req, res) => {
      const { row } = await caseOf(req, res, false);
      const complaints = await Promise.all((await complaintsAboutCase(db, row.caseNo)).map(complaintOfRow));
      const model = caseModel(row, await caseTimeline(db, row.caseNo), complaints);
      const request = await latestRescheduleRequest(db, row.caseNo);
      const path = `/customer/cases/${locals(res).token}`;
      const step: CaseStep = req.query.step === 'approve' || req.query.step === 'decline' ? req.query.step : undefined;
      const after = await aftercarePageView(db, row.caseNo, req.query.step);
      res
        .type('html')
        .send(
          renderCasePage(
            frameOf(res, path),
            formContext(req, res, path),
            model,
            step,
            req.query.sent === '1',
            request && rescheduleRequestView(request),
            after,
          ),
        );
    }),
  );

  router.post(
    '/customer/cases/:token/forms/:form',
    asPage,
    formBody,
    handle(async (req, res) => {
      // A complaint may still be filed from a closed case's link (complaints most often come
      // after the visit), and so may the survey, maintenance booking and opt-out (they only
      // come after it); every other decision is read-only once the case is closed.
      const { row, actor } = await caseOf(req, res, req.params.form !== 'complaint' && !isAftercareForm(req.params.form));
      requireCsrf(req, res);
      const path = `/customer/cases/${locals(res).token}`;
      const moveKey = `page-${(req.body as { key: string }).key}`;
      if (isAftercareForm(req.params.form)) {
        const done = await postAftercareForm(aftercare, req.params.form, row.caseNo, actor, req.body, moveKey);
        if ('refused' in done)
          return void res
            .status(409)
            .type('html')
            .send(renderAftercareRefusal(frameOf(res, path), done.refused, locals(res).back));
        return backTo(res, path, done.anchor);
      }
      switch (req.params.form) {
        case 'quote':
          await runCaseUpdate(client, db, row, decideQuote, actor, formOrThrow(QuoteForm, req.body), { action: 'decideQuote', key: moveKey });
          return backTo(res, path, 'quote');
        case 'confirm': {
          // The JSON route's schema, so a "not fixed" without a reason is refused alike (400 naming body.comment).
          const body = ConfirmBodySchema.safeParse(formOrThrow(ConfirmForm, req.body));
          if (!body.success) throw new HttpError(400, 'validation_failed', 'invalid form', { fields: fieldErrors(body.error, 'body') });
          await runCaseUpdate(client, db, row, confirmCase, actor, body.data, { action: 'confirm', key: moveKey });
          return backTo(res, path, 'confirm');
        }
        case 'reschedule': {
          const body = RescheduleRequestBodySchema.safeParse(formOrThrow(RescheduleForm, req.body));
          if (!body.success) throw new HttpError(400, 'validation_failed', 'invalid form');
          // A double tap: the first request is open, and the page shows it.
          await submitRescheduleRequest({ client, db }, row, body.data).catch((err: unknown) => {
            if (!(err instanceof HttpError && err.code === 'request_open')) throw err;
          });
          return backTo(res, path, 'reschedule');
        }
        case 'complaint': {
          const form = formOrThrow(ComplaintForm, req.body);
          const opened = await openComplaint({ ...form, grade: 'general', channel: 'web', caseNo: row.caseNo }, moveKey, actor);
          // The customer follows the new complaint at its own link (earlier ones stay valid).
          const link = await issueCustomerLink(db, deps.customerLinks, { subjectNo: opened.row.complaintNo, issuedBy: actor, keepOthers: true });
          return backTo(res, `/customer/complaints/${link.token}`, 'complaint-h');
        }
        default:
          throw new HttpError(404, 'not_found', 'no such form');
      }
    }),
  );

  router.get(
    '/customer/complaints/:token',
    htmlOnly,
    asPage,
    handle(async (req, res) => {
      const { row } = await complaintOf(req, res, false);
      const path = `/customer/complaints/${locals(res).token}`;
      res.type('html').send(renderComplaintPage(frameOf(res, path), formContext(req, res, path), await complaintOfRow(row), req.query.sent === '1'));
    }),
  );

  router.post(
    '/customer/complaints/:token/forms/decision',
    asPage,
    formBody,
    handle(async (req, res) => {
      const { row, actor } = await complaintOf(req, res, true);
      requireCsrf(req, res);
      const body = formOrThrow(DecisionForm, req.body);
      const moveKey = `page-${(req.body as { key: string }).key}`;
      await runComplaintUpdate(client, db, row, COMPLAINT_UPDATES.recordDecision, actor, body, { action: 'recordDecision', key: moveKey });
      backTo(res, `/customer/complaints/${locals(res).token}`, 'complaint-h');
    }),
  );

  /** Any error of a page request, as a page in the customer's language. */
  const pageErrors: ErrorRequestHandler = (err, req, res, next) => {
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
        .send(renderProblem(frameOf(res, path), problem, problem.kind === 'busy' || status < 500 ? l.back : undefined));
    })().catch(next);
  };
  return { router, pageErrors };
}

/** A body parser's own 4xx (too large, malformed), if it is one. */
function clientError(err: unknown): number | undefined {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

function formOrThrow<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new HttpError(400, 'validation_failed', 'invalid form');
  return parsed.data;
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
