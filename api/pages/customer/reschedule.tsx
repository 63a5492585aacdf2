// Ask to move the visit (改约): up to three windows and a reason. Stored as a request for
// the dispatcher (no change to the visit until they accept one window); while it waits the
// page shows it as requested, and a decided request shows how it was answered.
import type { RescheduleRequestView } from '../../rescheduleRequests';
import { formatClock, formatTime, type Lang } from './i18n';
import { FormFields, type FormContext } from './layout';
import type { CaseModel } from './model';

const WORDS = {
  'zh-CN': {
    title: '申请改约',
    help: '请给出最多三个方便的时间段，调度员会选择其中一个并通知您。',
    window: '时间段',
    from: '开始',
    to: '结束',
    reason: '改约原因',
    send: '提交申请',
    waiting: '已申请改约，等待调度员处理',
    accepted: '调度员已接受改约，新的上门时间见上方',
    declined: '调度员未能接受改约',
  },
  en: {
    title: 'Ask for another visit time',
    help: 'Give up to three windows that suit you; the dispatcher picks one and lets you know.',
    window: 'Window',
    from: 'From',
    to: 'To',
    reason: 'Why',
    send: 'Send the request',
    waiting: 'Requested, waiting for the dispatcher',
    accepted: 'The dispatcher accepted: the new visit window is above',
    declined: 'The dispatcher could not accept the request',
  },
} as const satisfies Record<Lang, Record<string, string>>;

function Requested({ r, lang }: { r: RescheduleRequestView; lang: Lang }) {
  const w = WORDS[lang];
  return (
    <div class="request">
      <p class="outcome" role="status">
        <strong>{w[r.status === 'open' ? 'waiting' : r.status]}</strong>
      </p>
      <ul>
        {r.windows.map((x, i) => (
          <li>
            {r.chosen === i ? '✓ ' : ''}
            <time dateTime={x.start}>{formatTime(x.start, lang)}</time> – <time dateTime={x.end}>{formatClock(x.end, lang)}</time>
          </li>
        ))}
      </ul>
      <p class="quoted">{r.reason}</p>
      {r.decisionReason && <p class="quoted">{r.decisionReason}</p>}
    </div>
  );
}

export function RescheduleSection({ model, request, ctx }: { model: CaseModel; request?: RescheduleRequestView; ctx: FormContext }) {
  const w = WORDS[ctx.lang];
  // The form only while the visit is still ahead; after it (on site, awaiting confirmation,
  // closed) a request still waiting is shown, nothing else.
  const waiting = request?.status === 'open' && !model.closed && model.stage !== 'awaiting_confirmation';
  if (!model.canReschedule && !waiting) return null;
  return (
    <section aria-labelledby="reschedule-h" class="card" id="reschedule">
      <h2 id="reschedule-h">{w.title}</h2>
      {request && <Requested r={request} lang={ctx.lang} />}
      {model.canReschedule && request?.status !== 'open' && (
        <details>
          <summary class="button">{w.title}</summary>
          <p>{w.help}</p>
          <form method="post" action={`${ctx.base}/forms/reschedule`}>
            <FormFields csrf={ctx.csrf} formKey={ctx.newKey()} lang={ctx.lang} />
            {[1, 2, 3].map((n) => (
              <fieldset>
                <legend>
                  {w.window} {n}
                </legend>
                <label for={`start${n}`}>{w.from}</label>
                <input type="datetime-local" id={`start${n}`} name={`start${n}`} required={n === 1} />
                <label for={`end${n}`}>{w.to}</label>
                <input type="datetime-local" id={`end${n}`} name={`end${n}`} required={n === 1} />
              </fieldset>
            ))}
            <label for="reschedule-reason">{w.reason}</label>
            <textarea id="reschedule-reason" name="reason" required minLength={1} maxLength={500} rows={3} />
            <button type="submit" class="button primary">
              {w.send}
            </button>
          </form>
        </details>
      )}
    </section>
  );
}
