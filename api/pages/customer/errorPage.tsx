// Errors as a person reads them: what happened, and what to do (the hotline, or back to
// the case). Never a code or a JSON document.
import { MESSAGES, type Lang } from './i18n';
import { renderPage, type PageFrame } from './layout';
import { COMPLAINT_STAGE_WORDS, STAGE_WORDS } from './stageWords';
import type { Stage } from '../../../domain';
import type { ComplaintStage } from '../../../domain/complaints';

export type PageProblem =
  | { kind: 'expired' | 'invalid' | 'revoked' | 'withdrawn' }
  | { kind: 'moved'; stage?: string }
  | { kind: 'read_only' | 'form_expired' | 'invalid_input' | 'busy' }
  /** A confirmation without what its answer needs: "not fixed" without a reason, "fixed" without stars. */
  | { kind: 'reason_required' | 'rating_required' }
  /** The decision went through and the workflow texted a newer link (e.g. the quote declined: please confirm). */
  | { kind: 'sent_new_link' };

const MISSING: Record<Lang, Record<'reason_required' | 'rating_required', string>> = {
  'zh-CN': {
    reason_required: '选择“没修好”时请说明哪里还有问题，我们会转告工程师。请返回填写原因后再提交。',
    rating_required: '选择“已修好”时请选择 1-5 星评分。请返回选择后再提交。',
  },
  en: {
    reason_required: 'To say it is not fixed, tell us what is still wrong: the engineer gets your reason. Go back, add it and send again.',
    rating_required: 'To confirm it is fixed, choose 1-5 stars. Go back, choose and send again.',
  },
};

function stageWords(stage: string | undefined, lang: Lang): string | undefined {
  if (!stage) return undefined;
  return (STAGE_WORDS as Record<string, Record<Lang, string>>)[stage as Stage]?.[lang] ?? COMPLAINT_STAGE_WORDS[stage as ComplaintStage]?.[lang];
}

export function renderProblem(frame: PageFrame, problem: PageProblem, backHref?: string): string {
  const t = MESSAGES[frame.lang];
  const linkProblem = { expired: t.linkExpired, invalid: t.linkInvalid, revoked: t.linkRevoked, withdrawn: t.linkWithdrawn } as const;
  let heading = t.errorTitle;
  let lines: string[];
  switch (problem.kind) {
    case 'expired':
    case 'invalid':
    case 'revoked':
    case 'withdrawn':
      lines = [linkProblem[problem.kind], `${t.getNewLink} ${frame.hotline}`];
      break;
    case 'moved': {
      heading = t.notPossible;
      const words = stageWords(problem.stage, frame.lang);
      lines = words ? [`${t.movedOn} ${words}`] : [];
      break;
    }
    case 'sent_new_link':
      heading = t.done;
      lines = [t.sentNewLink, `${t.hotlineHelp} ${frame.hotline}`];
      break;
    case 'read_only':
      heading = t.notPossible;
      lines = [t.readOnly];
      break;
    case 'form_expired':
      lines = [t.formExpired];
      break;
    case 'invalid_input':
      lines = [t.invalidInput];
      break;
    case 'busy':
      lines = [t.busy];
      break;
    case 'reason_required':
    case 'rating_required':
      heading = t.invalidInput;
      lines = [MISSING[frame.lang][problem.kind]];
      break;
  }
  return renderPage(
    frame,
    heading,
    heading,
    <section class="card emphasis" role="alert">
      {lines.map((l) => (
        <p>{l}</p>
      ))}
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
