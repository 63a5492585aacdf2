// Server-rendered HTML pages (customer pages, staff dashboard) are Preact components
// rendered to a string: typed JSX, so tsc checks every template and its data, and text
// is escaped by default. Preact is ~4 KB and ships no client code unless a page asks.
import type { ComponentChildren } from 'preact';
import { renderToString } from 'preact-render-to-string';

export interface DocumentProps {
  lang: string;
  title: string;
  /** Same-origin stylesheets (the CSP allows no inline style). */
  stylesheets?: readonly string[];
  children: ComponentChildren;
}

/** A complete HTML document for a page body: doctype, charset, viewport for phones. */
export function renderDocument({ lang, title, stylesheets = [], children }: DocumentProps): string {
  return (
    '<!doctype html>' +
    renderToString(
      <html lang={lang}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{title}</title>
          {stylesheets.map((href) => (
            <link rel="stylesheet" href={href} />
          ))}
        </head>
        <body>{children}</body>
      </html>,
    )
  );
}
