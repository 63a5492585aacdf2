// The frame of every customer page: a header with the number and the language switch, the
// page's sections, and the service hotline at the foot (also the way out of any error).
import type { ComponentChildren } from 'preact';
import { renderDocument } from '../document';
import { MESSAGES, type Lang } from './i18n';

export const STYLESHEET = '/assets/customer.css';

export interface PageFrame {
  lang: Lang;
  hotline: string;
  /** The page's own path (without query): the language switch links to it. */
  path: string;
}

export function renderPage(frame: PageFrame, title: string, heading: string, children: ComponentChildren): string {
  const t = MESSAGES[frame.lang];
  const other: Lang = frame.lang === 'en' ? 'zh-CN' : 'en';
  return renderDocument({
    lang: frame.lang,
    title,
    stylesheets: [STYLESHEET],
    children: (
      <>
        <header class="top">
          <h1>{heading}</h1>
          <a class="lang" href={`${frame.path}?lang=${other}`} hreflang={other} lang={other}>
            {t.language}
          </a>
        </header>
        <main>{children}</main>
        <footer class="hotline">
          <p>
            {t.hotlineHelp}{' '}
            <a href={`tel:${frame.hotline.replace(/[^0-9+]/g, '')}`} class="tel">
              {t.hotline} {frame.hotline}
            </a>
          </p>
        </footer>
      </>
    ),
  });
}

/** Hidden fields every form carries: the CSRF token, the idempotency key, the language. */
export function FormFields(props: { csrf: string; formKey: string; lang: Lang }) {
  return (
    <>
      <input type="hidden" name="csrf" value={props.csrf} />
      <input type="hidden" name="key" value={props.formKey} />
      <input type="hidden" name="lang" value={props.lang} />
    </>
  );
}

export interface FormContext {
  lang: Lang;
  /** The page path the forms post below. */
  base: string;
  csrf: string;
  /** A fresh idempotency key per rendered form: a double submit is one move. */
  newKey: () => string;
}
