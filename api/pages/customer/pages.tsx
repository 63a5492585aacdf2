// The two pages at a customer link: the case (progress, quote, confirmation, complaints)
// and the complaint (status and the answer to a proposal).
import { AftercareSections, type AftercarePageView } from './aftercare';
import { ComplaintStatus, CaseComplaints, DecisionForm } from './complaints';
import { ConfirmSection } from './confirm';
import { MESSAGES } from './i18n';
import { renderPage, type FormContext, type PageFrame } from './layout';
import type { CaseModel, ComplaintModel } from './model';
import { EngineerAndVisit, Events, Progress } from './progress';
import { QuoteConfirmStep, QuoteSection } from './quote';
import { RescheduleSection } from './reschedule';
import type { RescheduleRequestView } from '../../rescheduleRequests';

export type CaseStep = 'approve' | 'decline' | undefined;

export function renderCasePage(
  frame: PageFrame,
  ctx: FormContext,
  model: CaseModel,
  step: CaseStep,
  sent: boolean,
  reschedule?: RescheduleRequestView,
  aftercare?: AftercarePageView,
): string {
  const t = MESSAGES[frame.lang];
  return renderPage(
    frame,
    `${t.title} ${model.caseNo}`,
    t.title,
    <>
      <p class="meta">
        {t.caseNo} {model.caseNo} · {t.product} {model.product.model}
      </p>
      {sent && (
        <p class="flash" role="status">
          {t.done}
        </p>
      )}
      {step && <QuoteConfirmStep model={model} ctx={ctx} approve={step === 'approve'} />}
      {aftercare && <AftercareSections view={aftercare} ctx={ctx} />}
      <Progress model={model} lang={frame.lang} />
      <QuoteSection model={model} ctx={ctx} />
      <ConfirmSection model={model} ctx={ctx} />
      <EngineerAndVisit model={model} lang={frame.lang} />
      <RescheduleSection model={model} request={reschedule} ctx={ctx} />
      <Events events={model.events} lang={frame.lang} heading={t.events} />
      {/* A complaint may be filed from a closed case's link too (they mostly come after the visit). */}
      <CaseComplaints complaints={model.complaints} ctx={ctx} canFile />
    </>,
  );
}

export function renderComplaintPage(frame: PageFrame, ctx: FormContext, c: ComplaintModel, sent: boolean): string {
  const t = MESSAGES[frame.lang];
  return renderPage(
    frame,
    `${t.complaints} ${c.complaintNo}`,
    t.complaints,
    <>
      {sent && (
        <p class="flash" role="status">
          {t.done}
        </p>
      )}
      <section class="card" aria-labelledby="complaint-h">
        <h2 id="complaint-h">{t.complaintStage}</h2>
        <ComplaintStatus c={c} lang={frame.lang} />
        <h3>{t.complaintText}</h3>
        <p class="quoted">{c.summary}</p>
        <DecisionForm c={c} ctx={ctx} />
      </section>
      <Events events={c.events} lang={frame.lang} heading={t.events} />
    </>,
  );
}
