// The progress tracker: where the case is, who comes when, what happens next and by when,
// and what has happened so far.
import { formatClock, formatTime, MESSAGES, type Lang } from './i18n';
import type { CaseModel, EventItem, NextStep } from './model';
import { NEXT_SUBSTEP_WORDS, NEXT_WORDS, STAGE_WORDS, STEPS } from './stageWords';

function nextWords(next: NextStep, lang: Lang): string {
  return (next in NEXT_SUBSTEP_WORDS ? NEXT_SUBSTEP_WORDS[next as keyof typeof NEXT_SUBSTEP_WORDS] : NEXT_WORDS[next as keyof typeof NEXT_WORDS])[lang];
}

/** The ETA in the words of the SMS that gave it ("expected contact or arrival by"). */
function Eta({ at, lang }: { at: string; lang: Lang }) {
  const time = <time dateTime={at}>{formatTime(at, lang)}</time>;
  return <p class="eta">{lang === 'en' ? <>Expected contact or arrival by {time}</> : <>预计 {time} 前与您联系或到达</>}</p>;
}

export function Progress({ model, lang }: { model: CaseModel; lang: Lang }) {
  const t = MESSAGES[lang];
  return (
    <section aria-labelledby="progress-h" class="card">
      <h2 id="progress-h">{t.progress}</h2>
      <p class="stage">
        <strong>{STAGE_WORDS[model.stage][lang]}</strong>
      </p>
      <ol class="tracker">
        {model.steps.map((s) => (
          <li class={s.state} aria-current={s.state === 'current' ? 'step' : undefined}>
            <span class="dot" aria-hidden="true" />
            <span class="step">{STEPS[s.index]!.words[lang]}</span>
            {s.at && <time dateTime={s.at}>{formatTime(s.at, lang)}</time>}
            {s.state === 'current' && <span class="sr">({t.stageNow})</span>}
          </li>
        ))}
      </ol>
      <h3>{t.next}</h3>
      <p>{nextWords(model.next, lang)}</p>
      {/* A booked visit's ETA is the promise the customer holds (the SLA deadline may lie before a window they chose). */}
      {model.eta && <Eta at={model.eta} lang={lang} />}
      {!model.eta && model.nextBy && (
        <p>
          {t.expectBy} <time dateTime={model.nextBy}>{formatTime(model.nextBy, lang)}</time>
        </p>
      )}
    </section>
  );
}

export function EngineerAndVisit({ model, lang }: { model: CaseModel; lang: Lang }) {
  const t = MESSAGES[lang];
  const a = model.appointment;
  return (
    <section aria-labelledby="engineer-h" class="card">
      <h2 id="engineer-h">{t.engineer}</h2>
      {model.engineer ? (
        <div class="engineer">
          <span class="photo" role="img" aria-label={t.engineer}>
            {(model.engineer.name ?? '?').slice(0, 1)}
          </span>
          <p>
            <strong>{model.engineer.name}</strong>
            {model.engineer.badgeNo && (
              <>
                <br />
                {t.badge} {model.engineer.badgeNo}
              </>
            )}
          </p>
        </div>
      ) : (
        <p>{t.noEngineer}</p>
      )}
      <h3>{t.appointment}</h3>
      {a ? (
        <p>
          <time dateTime={a.start}>{formatTime(a.start, lang)}</time> – <time dateTime={a.end}>{formatClock(a.end, lang)}</time>
        </p>
      ) : (
        <p>{t.noAppointment}</p>
      )}
    </section>
  );
}

export function Events({ events, lang, heading }: { events: EventItem[]; lang: Lang; heading: string }) {
  return (
    <section aria-labelledby="events-h" class="card">
      <h2 id="events-h">{heading}</h2>
      <ul class="events">
        {events.map((e) => (
          <li>
            <time dateTime={e.at}>{formatTime(e.at, lang)}</time> {e.label[lang]}
          </li>
        ))}
      </ul>
    </section>
  );
}
