// Quote consent (seed 002 §三(四)1: nothing is repaired before the customer agrees): the
// itemised quote, approve/decline as links to a confirmation step, the step's one-POST
// form, and the decision shown back with its time.
import { formatMoney, formatTime, MESSAGES, type Lang } from './i18n';
import { FormFields, type FormContext } from './layout';
import type { CaseModel } from './model';

type QuoteOf = NonNullable<CaseModel['quote']>;

function Lines({ quote, lang }: { quote: QuoteOf; lang: Lang }) {
  const t = MESSAGES[lang];
  return (
    <table class="quote">
      <caption class="sr">{t.quote}</caption>
      <thead>
        <tr>
          <th scope="col">{t.quote}</th>
          <th scope="col" class="num">
            {t.qty}
          </th>
          <th scope="col" class="num">
            {t.total}
          </th>
        </tr>
      </thead>
      <tbody>
        {quote.lines.map((l) => (
          <tr>
            <td>
              {l.kind === 'part' ? t.part : t.labour}: {l.description}
              {l.partNo && (
                <small>
                  <br />
                  {t.partNo} {l.partNo}
                </small>
              )}
            </td>
            <td class="num">{l.quantity}</td>
            <td class="num">{formatMoney(l.quantity * l.unitPrice, quote.currency, lang)}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row" colSpan={2}>
            {t.total}
          </th>
          <td class="num">
            <strong>{formatMoney(quote.total, quote.currency, lang)}</strong>
          </td>
        </tr>
      </tfoot>
    </table>
  );
}

export function QuoteSection({ model, ctx }: { model: CaseModel; ctx: FormContext }) {
  const q = model.quote;
  if (!q) return null;
  const { lang } = ctx;
  const t = MESSAGES[lang];
  const decided = q.status === 'approved' ? t.quoteApproved : q.status === 'rejected' ? t.quoteRejected : q.status === 'waived' ? t.quoteWaived : null;
  return (
    <section aria-labelledby="quote-h" class="card" id="quote">
      <h2 id="quote-h">{t.quote}</h2>
      <Lines quote={q} lang={lang} />
      <p>{q.coveredByWarranty ? t.warrantyCovered : t.warrantyNot}</p>
      {decided && (
        <p class="outcome" role="status">
          <strong>{decided}</strong>
          {q.decidedAt && (
            <>
              {' '}
              · {t.at} <time dateTime={q.decidedAt}>{formatTime(q.decidedAt, lang)}</time>
            </>
          )}
        </p>
      )}
      {model.canApproveQuote && (
        <div class="actions">
          <a class="button primary" href={`${ctx.base}?step=approve&lang=${lang}#confirm-step`}>
            {t.approve}
          </a>
          <a class="button" href={`${ctx.base}?step=decline&lang=${lang}#confirm-step`}>
            {t.decline}
          </a>
        </div>
      )}
    </section>
  );
}

/** The confirmation step: one more tap, on a form that POSTs the decision once. */
export function QuoteConfirmStep({ model, ctx, approve }: { model: CaseModel; ctx: FormContext; approve: boolean }) {
  const q = model.quote;
  if (!q || !model.canApproveQuote) return null;
  const t = MESSAGES[ctx.lang];
  return (
    <section aria-labelledby="confirm-step-h" class="card emphasis" id="confirm-step">
      <h2 id="confirm-step-h">{approve ? t.confirmApprove : t.confirmDecline}</h2>
      <p>
        {t.total}: <strong>{formatMoney(q.total, q.currency, ctx.lang)}</strong>
      </p>
      <p>{approve ? t.confirmApproveHelp : t.confirmDeclineHelp}</p>
      <form method="post" action={`${ctx.base}/forms/quote`}>
        <FormFields csrf={ctx.csrf} formKey={ctx.newKey()} lang={ctx.lang} />
        <input type="hidden" name="approve" value={approve ? 'true' : 'false'} />
        <label for="quote-comment">{t.comment}</label>
        <textarea id="quote-comment" name="comment" maxLength={1000} rows={2} />
        <div class="actions">
          <button type="submit" class={approve ? 'button primary' : 'button danger'}>
            {approve ? t.yesApprove : t.yesDecline}
          </button>
          <a class="button" href={`${ctx.base}?lang=${ctx.lang}#quote`}>
            {t.back}
          </a>
        </div>
      </form>
    </section>
  );
}
