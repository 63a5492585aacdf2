// Confirmation and rating (确认与评价): "fixed" with 1-5 stars and a comment, or "not
// fixed" (rework) with a reason and no rating: two forms, so each one's `required` fields
// hold without JavaScript. Final: once sent, the page shows the answer instead of a form;
// a "not fixed" is read back from the case's rework event (the workflow reopens the case
// and forgets the answer), so it stays on the page while the engineer returns.
import { formatTime, MESSAGES, type Lang } from './i18n';
import { FormFields, type FormContext } from './layout';
import type { CaseModel } from './model';

const WORDS = {
  'zh-CN': {
    fixedTitle: '已修好：请评价',
    sendFixed: '提交：已修好',
    notFixedReason: '哪里还有问题？',
    notFixedNote: '我们将安排工程师再次上门维修，无需评分。',
    sendNotFixed: '提交：没修好',
    notFixedClosed: '您反馈未修好',
  },
  en: {
    fixedTitle: 'Fixed: rate the service',
    sendFixed: 'Send: fixed',
    notFixedReason: 'What is still wrong?',
    notFixedNote: 'We send an engineer back to repair it again; no rating is asked.',
    sendNotFixed: 'Send: not fixed',
    notFixedClosed: 'You told us it is not fixed',
  },
} as const satisfies Record<Lang, Record<string, string>>;

/** "You said not fixed at <time>: <reason>; the engineer will return." */
function NotFixedAnswer({ at, reason, returning, lang }: { at: string; reason?: string; returning: boolean; lang: Lang }) {
  const time = <time dateTime={at}>{formatTime(at, lang)}</time>;
  const because = reason ? <q>{reason}</q> : null;
  return (
    <p class="outcome" role="status">
      {lang === 'en' ? (
        <>
          <strong>You said not fixed</strong> at {time}
          {because && <>: {because}</>}
          {returning && '; the engineer will return.'}
        </>
      ) : (
        <>
          您于 {time} <strong>反馈未修好</strong>
          {because && <>：{because}</>}
          {returning && '；工程师将再次上门维修。'}
        </>
      )}
    </p>
  );
}

function ConfirmForms({ model, ctx }: { model: CaseModel; ctx: FormContext }) {
  const t = MESSAGES[ctx.lang];
  const w = WORDS[ctx.lang];
  return (
    <>
      <p>{t.fixedQ}</p>
      <form method="post" action={`${ctx.base}/forms/confirm`}>
        <FormFields csrf={ctx.csrf} formKey={ctx.newKey()} lang={ctx.lang} />
        <input type="hidden" name="fixed" value="true" />
        <fieldset class="stars">
          <legend>
            {w.fixedTitle} · {t.rating}
          </legend>
          {[5, 4, 3, 2, 1].map((n) => (
            <label class="choice">
              <input type="radio" name="rating" value={String(n)} required /> <span aria-hidden="true">{'★'.repeat(n)}</span>
              <span class="sr">
                {n} {t.stars}
              </span>
            </label>
          ))}
        </fieldset>
        <label for="confirm-comment">{t.comment}</label>
        <textarea id="confirm-comment" name="comment" maxLength={1000} rows={2} />
        <p class="note">{t.finalNote}</p>
        <button type="submit" class="button primary">
          {w.sendFixed}
        </button>
      </form>
      <details id="not-fixed">
        <summary class="button">{t.notFixed}</summary>
        <form method="post" action={`${ctx.base}/forms/confirm`}>
          <FormFields csrf={ctx.csrf} formKey={ctx.newKey()} lang={ctx.lang} />
          <input type="hidden" name="fixed" value="false" />
          <label for="rework-reason">
            {w.notFixedReason} ({t.required})
          </label>
          <textarea id="rework-reason" name="comment" required minLength={1} maxLength={1000} rows={3} />
          {!model.repairDeclined && <p class="note">{w.notFixedNote}</p>}
          <p class="note">{t.finalNote}</p>
          <button type="submit" class="button">
            {w.sendNotFixed}
          </button>
        </form>
      </details>
    </>
  );
}

export function ConfirmSection({ model, ctx }: { model: CaseModel; ctx: FormContext }) {
  const t = MESSAGES[ctx.lang];
  const c = model.confirmation && !model.confirmation.auto ? model.confirmation : null;
  if (!c && !model.canConfirm && model.notFixed.length === 0) return null;
  return (
    <section aria-labelledby="confirm-h" class={c || !model.canConfirm ? 'card' : 'card emphasis'} id="confirm">
      <h2 id="confirm-h">{t.confirmTitle}</h2>
      {model.notFixed.map((n, i) => (
        <NotFixedAnswer at={n.at} reason={n.reason} returning={model.returnPending && i === model.notFixed.length - 1} lang={ctx.lang} />
      ))}
      {c ? (
        <>
          <p class="outcome" role="status">
            <strong>{c.fixed ? t.confirmedFixed : WORDS[ctx.lang].notFixedClosed}</strong> · {t.at} <time dateTime={c.at}>{formatTime(c.at, ctx.lang)}</time>
          </p>
          {c.rating !== undefined && (
            <p>
              {t.yourRating}: <span aria-hidden="true">{'★'.repeat(c.rating) + '☆'.repeat(5 - c.rating)}</span>
              <span class="sr">
                {c.rating} {t.stars}
              </span>
            </p>
          )}
          {c.comment && <p class="quoted">{c.comment}</p>}
        </>
      ) : (
        model.canConfirm && <ConfirmForms model={model} ctx={ctx} />
      )}
    </section>
  );
}
