// The customer's pages at their signed link: GET with Accept: text/html renders the page
// (other clients fall through to the JSON routes at the same URL); each form POSTs once
// (CSRF-checked, with a per-form idempotency key) to the same Temporal Update the JSON
// route uses, then redirects back to the page (POST-redirect-GET). Errors are pages
// (pageErrors.ts); what every page request passes first is pageRequest.ts.
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import { CLOSED_STAGES, type Actor } from '../../../domain';
import { CLOSED_COMPLAINT_STAGES } from '../../../domain/complaints';
import { RescheduleRequestBodySchema } from '../../../domain/rescheduleRequests';
import { ConfirmBodySchema } from '../../../domain/schemas';
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
import { assertLinkWritable, linkSubjectOrThrow } from '../../customerLinks';
import { fieldErrors, HttpError } from '../../errors';
import { submitRescheduleRequest, rescheduleRequestView } from '../../rescheduleRequests';
import { renderAftercareRefusal } from './aftercare';
import { aftercarePageView, isAftercareForm, postAftercareForm } from './aftercareForms';
import { csrfKey, csrfToken, csrfValid, ensureNonce } from './csrf';
import { ComplaintForm, ConfirmForm, DecisionForm, QuoteForm, RescheduleForm } from './forms';
import { pageLang } from './i18n';
import type { FormContext } from './layout';
import { caseModel, complaintModel, type ComplaintModel } from './model';
import { pageErrorHandler } from './pageErrors';
import { asPageFor, formBody, formOrThrow, htmlOnly, pageFrame, pageLocals } from './pageRequest';
import { renderCasePage, renderComplaintPage, type CaseStep } from './pages';

export interface CustomerPageDeps {
  client: Client;
  db: Database;
  taskQueue: string;
  customerLinks: CustomerLinkConfig;
  hotline: string;
  temporalMs: number;
}

export function customerPages(deps: CustomerPageDeps): { router: express.Router; pageErrors: ErrorRequestHandler } {
  const { client, db } = deps;
  const key = csrfKey(deps.customerLinks.secret);
  const openComplaint = createComplaintIntake(deps);
  const aftercare = { client, db, openCase: createCaseIntake(deps) };
  const asPage = asPageFor(deps.customerLinks.secret);
  const router = express.Router();

  const frameOf = (res: Response, path: string) => pageFrame(res, deps.hotline, path);

  /** After the link checked out (a revoked link's post says so, not "form expired"). */
  function requireCsrf(req: Request, res: Response): void {
    const posted = (req.body as { csrf?: unknown }).csrf;
    if (!csrfValid(key, req, pageLocals(res).token, posted)) throw new HttpError(403, 'csrf_failed', 'form token does not match');
  }

  function formContext(req: Request, res: Response, base: string): FormContext {
    const csrf = csrfToken(key, pageLocals(res).token, ensureNonce(req, res));
    return { lang: pageLocals(res).lang, base, csrf, newKey: () => randomBytes(16).toString('base64url') };
  }

  async function caseOf(req: Request, res: Response, forWrite: boolean): Promise<{ row: CaseRow; actor: Actor }> {
    const l = pageLocals(res);
    const row = await findCase(db, await linkSubjectOrThrow(req, db, deps.customerLinks.secret, l.token, 'case'));
    if (!row) throw new HttpError(401, 'invalid_link', 'this link is not valid');
    if (!l.explicitLang) l.lang = pageLang(req, row.customerLanguage);
    l.back = `/customer/cases/${l.token}?lang=${l.lang}`;
    if (forWrite) assertLinkWritable(row.caseNo, row.stage, CLOSED_STAGES);
    return { row, actor: { role: 'customer', subject: row.caseNo } };
  }

  async function complaintOf(req: Request, res: Response, forWrite: boolean): Promise<{ row: ComplaintRow; actor: Actor }> {
    const l = pageLocals(res);
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
  const backTo = (res: Response, path: string, anchor: string) => res.redirect(303, `${path}?lang=${pageLocals(res).lang}&sent=1#${anchor}`);

  router.get(
    '/customer/cases/:token',
    htmlOnly,
    asPage,
    handle(async (req, res) => {
      const { row } = await caseOf(req, res, false);
      const complaints = await Promise.all((await complaintsAboutCase(db, row.caseNo)).map(complaintOfRow));
      const model = caseModel(row, await caseTimeline(db, row.caseNo), complaints);
      const request = await latestRescheduleRequest(db, row.caseNo);
      const path = `/customer/cases/${pageLocals(res).token}`;
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
      const path = `/customer/cases/${pageLocals(res).token}`;
      const moveKey = `page-${(req.body as { key: string }).key}`;
      if (isAftercareForm(req.params.form)) {
        const done = await postAftercareForm(aftercare, req.params.form, row.caseNo, actor, req.body, moveKey);
        if ('refused' in done)
          return void res
            .status(409)
            .type('html')
            .send(renderAftercareRefusal(frameOf(res, path), done.refused, pageLocals(res).back));
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
      const path = `/customer/complaints/${pageLocals(res).token}`;
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
      backTo(res, `/customer/complaints/${pageLocals(res).token}`, 'complaint-h');
    }),
  );

  return { router, pageErrors: pageErrorHandler(deps) };
}
