// Complaints from the customer's side: file one from the case page (category and text),
// follow its stage and response deadlines, and accept or reject a proposed resolution.
import { COMPLAINT_CATEGORIES } from '../../../domain/complaints';
import { formatMoney, formatTime, MESSAGES, type Lang } from './i18n';
import { FormFields, type FormContext } from './layout';
import type { ComplaintModel } from './model';
import { COMPLAINT_CATEGORY_WORDS, COMPLAINT_STAGE_WORDS } from './stageWords';

function Deadline({ label, at, lang }: { label: string; at?: string; lang: Lang }) {
  if (!at) return null;
  return (
    <p>
      {label}: <time dateTime={at}>{formatTime(at, lang)}</time>
    </p>
  );
}

/** One complaint's status: stage, deadlines, the proposal and the customer's answer. */
export function ComplaintStatus({ c, lang }: { c: ComplaintModel; lang: Lang }) {
  const t = MESSAGES[lang];
  return (
    <div class="complaint">
      <p>
        {t.complaintNo} {c.complaintNo} · {COMPLAINT_CATEGORY_WORDS[c.category as keyof typeof COMPLAINT_CATEGORY_WORDS]?.[lang] ?? c.category}
      </p>
      <p>
        {t.complaintStage}: <strong>{COMPLAINT_STAGE_WORDS[c.stage][lang]}</strong>
      </p>
      {!c.closed && c.stage === 'received' && <Deadline label={t.respondBy} at={c.acknowledgeBy} lang={lang} />}
      {!c.closed && <Deadline label={t.resolveBy} at={c.resolveBy} lang={lang} />}
      {c.resolution && (
        <div class="proposal">
          <h3>{t.proposal}</h3>
          <p class="quoted">{c.resolution.text}</p>
          {c.resolution.compensation && (
            <p>
              {t.compensation}: {formatMoney(c.resolution.compensation.amount, c.resolution.compensation.currency, lang)}
            </p>
          )}
        </div>
      )}
      {c.decidedAt && (
        <p class="outcome" role="status">
          <strong>{t.decidedAccepted}</strong> · {t.at} <time dateTime={c.decidedAt}>{formatTime(c.decidedAt, lang)}</time>
        </p>
      )}
    </div>
  );
}

export function DecisionForm({ c, ctx }: { c: ComplaintModel; ctx: FormContext }) {
  if (!c.canDecide) return null;
  const t = MESSAGES[ctx.lang];
  return (
    <form method="post" action={`${ctx.base}/forms/decision`} class="emphasis">
      <FormFields csrf={ctx.csrf} formKey={ctx.newKey()} lang={ctx.lang} />
      <label for="decision-comment">{t.comment}</label>
      <textarea id="decision-comment" name="comment" maxLength={2000} rows={2} />
      <div class="actions">
        <button type="submit" name="accepted" value="true" class="button primary">
          {t.acceptProposal}
        </button>
        <button type="submit" name="accepted" value="false" class="button">
          {t.rejectProposal}
        </button>
      </div>
    </form>
  );
}

/** On the case page: the complaints about this case, and a form to file one. */
export function CaseComplaints({ complaints, ctx, canFile }: { complaints: ComplaintModel[]; ctx: FormContext; canFile: boolean }) {
  const t = MESSAGES[ctx.lang];
  return (
    <section aria-labelledby="complaints-h" class="card" id="complaints">
      <h2 id="complaints-h">{t.complaints}</h2>
      {complaints.map((c) => (
        <ComplaintStatus c={c} lang={ctx.lang} />
      ))}
      {canFile && (
        <details>
          <summary class="button">{t.fileComplaint}</summary>
          <form method="post" action={`${ctx.base}/forms/complaint`}>
            <FormFields csrf={ctx.csrf} formKey={ctx.newKey()} lang={ctx.lang} />
            <label for="complaint-category">{t.category}</label>
            <select id="complaint-category" name="category" required>
              {COMPLAINT_CATEGORIES.map((cat) => (
                <option value={cat}>{COMPLAINT_CATEGORY_WORDS[cat][ctx.lang]}</option>
              ))}
            </select>
            <label for="complaint-text">{t.complaintText}</label>
            <textarea id="complaint-text" name="summary" required minLength={1} maxLength={2000} rows={4} />
            <button type="submit" class="button primary">
              {t.submit}
            </button>
          </form>
        </details>
      )}
    </section>
  );
}
