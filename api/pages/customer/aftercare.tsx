// After the visit, on the case's link: the SMS survey (1-5 stars and a comment, one POST;
// the answer shown back with its time, or that the survey closed) and the maintenance
// reminder (product, due date, a booking form with optional preferred windows, opt-out
// behind a confirmation step; what was done shown back). Refusals are pages of their own.
import type { MaintenanceView, SurveyView } from '../../customerAftercare';
import { AFTERCARE_WORDS, REFUSAL_WORDS, type AftercareRefusal } from './aftercareWords';
import { formatTime, MESSAGES, type Lang } from './i18n';
import { FormFields, renderPage, type FormContext, type PageFrame } from './layout';

export interface AftercarePageView {
  survey?: SurveyView;
  maintenance?: MaintenanceView;
  /** ?step=opt-out: the opt-out's confirmation step is shown. */
  optOutStep: boolean;
}

/** A calendar day as the customer reads it (the service area's zone). */
export function formatDay(iso: string, lang: Lang, timeZone = 'Asia/Shanghai'): string {
  return new Intl.DateTimeFormat(lang, { timeZone, year: 'numeric', month: 'long', day: 'numeric' }).format(new Date(iso));
}

function Stars({ n, lang }: { n: number; lang: Lang }) {
  return (
    <>
      <span aria-hidden="true">{'★'.repeat(n) + '☆'.repeat(5 - n)}</span>
      <span class="sr">
        {n} {MESSAGES[lang].stars}
      </span>
    </>
  );
}

export function SurveySection({ survey, ctx }: { survey: SurveyView; ctx: FormContext }) {
  const { lang } = ctx;
  const w = AFTERCARE_WORDS[lang];
  const t = MESSAGES[lang];
  if (survey.status === 'answered') {
    return (
      <section aria-labelledby="survey-h" class="card" id="survey">
        <h2 id="survey-h">{w.surveyTitle}</h2>
        <p class="outcome" role="status">
          <strong>{w.surveyThanks}</strong>
          {survey.answeredAt && (
            <>
              {' '}
              · {t.at} <time dateTime={survey.answeredAt}>{formatTime(survey.answeredAt, lang)}</time>
            </>
          )}
        </p>
        {survey.rating !== undefined && (
          <p class="stars">
            {w.surveyAnswered}: <Stars n={survey.rating} lang={lang} />
          </p>
        )}
        {survey.comment && <p class="quoted">{survey.comment}</p>}
      </section>
    );
  }
  if (survey.status === 'closed') {
    return (
      <section aria-labelledby="survey-h" class="card" id="survey">
        <h2 id="survey-h">{w.surveyTitle}</h2>
        <p role="status">{w.surveyClosed}</p>
      </section>
    );
  }
  return (
    <section aria-labelledby="survey-h" class="card emphasis" id="survey">
      <h2 id="survey-h">{w.surveyTitle}</h2>
      <p>{w.surveyHelp}</p>
      <form method="post" action={`${ctx.base}/forms/survey`}>
        <FormFields csrf={ctx.csrf} formKey={ctx.newKey()} lang={lang} />
        <fieldset class="stars">
          <legend>{w.surveyRating}</legend>
          {[5, 4, 3, 2, 1].map((n) => (
            <label class="choice">
              <input type="radio" name="rating" value={String(n)} required /> <span aria-hidden="true">{'★'.repeat(n)}</span>
              <span class="sr">
                {n} {t.stars}
              </span>
            </label>
          ))}
        </fieldset>
        <label for="survey-comment">{w.surveyComment}</label>
        <textarea id="survey-comment" name="comment" maxLength={1000} rows={3} />
        <p class="note">
          {w.surveyAnswerBy} <time dateTime={survey.closesAt}>{formatTime(survey.closesAt, lang)}</time>
        </p>
        <button type="submit" class="button primary">
          {w.surveySend}
        </button>
      </form>
    </section>
  );
}

function BookingForm({ ctx }: { ctx: FormContext }) {
  const w = AFTERCARE_WORDS[ctx.lang];
  return (
    <form method="post" action={`${ctx.base}/forms/maintenance`}>
      <FormFields csrf={ctx.csrf} formKey={ctx.newKey()} lang={ctx.lang} />
      <p>{w.bookHelp}</p>
      {[1, 2, 3].map((n) => (
        <fieldset>
          <legend>
            {w.window} {n}
          </legend>
          <label for={`maintenance-start${n}`}>{w.from}</label>
          <input type="datetime-local" id={`maintenance-start${n}`} name={`start${n}`} />
          <label for={`maintenance-end${n}`}>{w.to}</label>
          <input type="datetime-local" id={`maintenance-end${n}`} name={`end${n}`} />
        </fieldset>
      ))}
      <button type="submit" class="button primary">
        {w.book}
      </button>
    </form>
  );
}

export function MaintenanceSection({ m, ctx }: { m: MaintenanceView; ctx: FormContext }) {
  const { lang } = ctx;
  const w = AFTERCARE_WORDS[lang];
  const t = MESSAGES[lang];
  return (
    <section aria-labelledby="maintenance-h" class={m.booking === 'open' && !m.optedOutAt ? 'card emphasis' : 'card'} id="maintenance">
      <h2 id="maintenance-h">{w.maintenanceTitle}</h2>
      <p>
        <strong>{lang === 'en' ? m.service.en : m.service.zh}</strong>
        <br />
        {w.maintenanceProduct} {m.product.model} ({w.serial} {m.product.serial})
      </p>
      <p>
        {w.maintenanceDue} <time dateTime={m.dueAt}>{formatDay(m.dueAt, lang)}</time>
        {m.booking === 'open' && !m.optedOutAt && (
          <>
            {' '}
            · {w.maintenanceBookBy} <time dateTime={m.closesAt}>{formatDay(m.closesAt, lang)}</time>
          </>
        )}
      </p>
      {m.booking === 'booked' && (
        <p class="outcome" role="status">
          <strong>{w.booked}</strong>
          {m.bookedAt && (
            <>
              {' '}
              · {t.at} <time dateTime={m.bookedAt}>{formatTime(m.bookedAt, lang)}</time>
            </>
          )}
          <br />
          {w.bookedCase} {m.bookedCaseNo} · {w.bookedNext}
        </p>
      )}
      {m.optedOutAt ? (
        <p class="outcome" role="status">
          <strong>{w.optedOut}</strong> · {t.at} <time dateTime={m.optedOutAt}>{formatTime(m.optedOutAt, lang)}</time>
        </p>
      ) : (
        <>
          {m.booking === 'closed' && <p role="status">{w.bookingClosed}</p>}
          {m.booking === 'open' && <BookingForm ctx={ctx} />}
          <div class="actions">
            <a class="button" href={`${ctx.base}?step=opt-out&lang=${lang}#opt-out`}>
              {w.optOut}
            </a>
          </div>
        </>
      )}
    </section>
  );
}

/** The opt-out's confirmation step: one more tap, on a form that POSTs once. */
export function OptOutStep({ ctx }: { ctx: FormContext }) {
  const w = AFTERCARE_WORDS[ctx.lang];
  return (
    <section aria-labelledby="opt-out-h" class="card emphasis" id="opt-out">
      <h2 id="opt-out-h">{w.optOutConfirm}</h2>
      <p>{w.optOutHelp}</p>
      <form method="post" action={`${ctx.base}/forms/maintenance-opt-out`}>
        <FormFields csrf={ctx.csrf} formKey={ctx.newKey()} lang={ctx.lang} />
        <div class="actions">
          <button type="submit" class="button danger">
            {w.optOutYes}
          </button>
          <a class="button" href={`${ctx.base}?lang=${ctx.lang}#maintenance`}>
            {MESSAGES[ctx.lang].back}
          </a>
        </div>
      </form>
    </section>
  );
}

/** The sections a closed case's link shows first: what the customer came for from the SMS. */
export function AftercareSections({ view, ctx }: { view: AftercarePageView; ctx: FormContext }) {
  const m = view.maintenance;
  return (
    <>
      {m && view.optOutStep && !m.optedOutAt && <OptOutStep ctx={ctx} />}
      {view.survey && <SurveySection survey={view.survey} ctx={ctx} />}
      {m && <MaintenanceSection m={m} ctx={ctx} />}
    </>
  );
}

/** A refused after-visit form, as a page: what happened, and the way back to the case. */
export function renderAftercareRefusal(frame: PageFrame, refusal: AftercareRefusal, backHref?: string): string {
  const w = AFTERCARE_WORDS[frame.lang];
  const t = MESSAGES[frame.lang];
  return renderPage(
    frame,
    w.refusedTitle,
    w.refusedTitle,
    <section class="card emphasis" role="alert">
      <p>{w[REFUSAL_WORDS[refusal]]}</p>
      <p>
        {t.hotlineHelp} {frame.hotline}
      </p>
      {backHref && (
        <p>
          <a class="button" href={backHref}>
            {t.backToCase}
          </a>
        </p>
      )}
    </section>,
  );
}
