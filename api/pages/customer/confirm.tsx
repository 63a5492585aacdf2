// Confirmation and rating (确认与评价): fixed with 1-5 stars and a comment, or not fixed
// (rework) with a reason. Final: once sent, the page shows the answer instead of the form.
import { formatTime, MESSAGES } from './i18n';
import { FormFields, type FormContext } from './layout';
import type { CaseModel } from './model';

export function ConfirmSection({ model, ctx }: { model: CaseModel; ctx: FormContext }) {
  const t = MESSAGES[ctx.lang];
  const c = model.confirmation;
  if (c && !c.auto) {
    return (
      <section aria-labelledby="confirm-h" class="card" id="confirm">
        <h2 id="confirm-h">{t.confirmTitle}</h2>
        <p class="outcome" role="status">
          <strong>{c.fixed ? t.confirmedFixed : t.confirmedRework}</strong> · {t.at} <time dateTime={c.at}>{formatTime(c.at, ctx.lang)}</time>
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
      </section>
    );
  }
  if (!model.canConfirm) return null;
  return (
    <section aria-labelledby="confirm-h" class="card emphasis" id="confirm">
      <h2 id="confirm-h">{t.confirmTitle}</h2>
      <form method="post" action={`${ctx.base}/forms/confirm`}>
        <FormFields csrf={ctx.csrf} formKey={ctx.newKey()} lang={ctx.lang} />
        <fieldset>
          <legend>{t.fixedQ}</legend>
          <label class="choice">
            <input type="radio" name="fixed" value="true" checked required /> {t.fixed}
          </label>
          <label class="choice">
            <input type="radio" name="fixed" value="false" /> {t.notFixed}
          </label>
        </fieldset>
        <fieldset class="stars">
          <legend>{t.rating}</legend>
          {[5, 4, 3, 2, 1].map((n) => (
            <label class="choice">
              <input type="radio" name="rating" value={String(n)} required checked={n === 5} /> <span aria-hidden="true">{'★'.repeat(n)}</span>
              <span class="sr">
                {n} {t.stars}
              </span>
            </label>
          ))}
        </fieldset>
        <label for="confirm-comment">
          {t.comment} / {t.reasonHelp}
        </label>
        <textarea id="confirm-comment" name="comment" maxLength={1000} rows={3} />
        <p class="note">{t.finalNote}</p>
        <button type="submit" class="button primary">
          {t.submit}
        </button>
      </form>
    </section>
  );
}
