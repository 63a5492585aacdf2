// A phone-sized headless Chromium (Debian `chromium` + playwright-core) on the customer
// pages: screenshots at 375×812, axe-core run in each page, CSP violations collected, and
// page weight and time to first render measured.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ARTIFACTS } from './stackInfo';

export const PAGE_ARTIFACTS = path.join(ARTIFACTS, 'customer-pages');

/**
 * The page-weight budget (README "Customer pages"): HTML + the stylesheet, gzip, per page.
 * The heaviest page measured 3.9 KB (the case page with its confirmation forms, zh-CN): 6 KB leaves
 * room for a few more lines, yet stays one round trip of a slow mobile network (under the
 * ~14 KB a new TCP connection's first window carries, with headers and TLS).
 */
export const PAGE_BUDGET_GZIP_BYTES = 6 * 1024;
/** The narrowest phone the pages are made for: no horizontal scroll at this width. */
export const NARROWEST_PHONE_PX = 360;

/**
 * Screenshots of Chinese pages need a CJK font (else every character is a box and the
 * test would still pass): fail with the install step instead.
 */
export function assertCjkFonts(): void {
  let families: string;
  try {
    families = execFileSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' }).trim();
  } catch {
    families = ''; // no fontconfig at all: no font either
  }
  if (!families)
    throw new Error(
      "No Chinese (CJK) font found (`fc-list :lang=zh` lists none): the zh-CN screenshots would show boxes. Install Debian's fonts-noto-cjk: `apt-get install fonts-noto-cjk` (npm ci's postinstall, scripts/install-browser.js, does it when run as root).",
    );
}

/** The page's width at the narrowest phone (document scrollWidth at a 360 px viewport); the 375×812 viewport is put back. */
export async function widthAtNarrowest(page: Page): Promise<number> {
  await page.setViewportSize({ width: NARROWEST_PHONE_PX, height: 740 });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  await page.setViewportSize({ width: 375, height: 812 });
  return width;
}
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** A phone: 375×812, touch, the browser's language `lang` (what Accept-Language says). */
export async function phone(browser: Browser, lang: 'zh-CN' | 'en'): Promise<{ context: BrowserContext; page: Page; cspViolations: string[] }> {
  const context = await browser.newContext({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true, locale: lang });
  const page = await context.newPage();
  const cspViolations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  return { context, page, cspViolations };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: number;
}

/** axe-core in the page (evaluated over DevTools: the page's CSP allows no script of ours). */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: unknown[] }> }> };
      }
    ).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(PAGE_ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(PAGE_ARTIFACTS, `${name}.png`), fullPage: true });
}

export interface PageWeight {
  page: string;
  lang: string;
  htmlBytes: number;
  htmlGzipBytes: number;
  cssBytes: number;
  cssGzipBytes: number;
  firstContentfulPaintMs: number | null;
  domContentLoadedMs: number;
}

/** The page's HTML and stylesheet sizes (raw and gzip) and its paint timing from the browser. */
export async function measure(page: Page, name: string, lang: string, html: string, css: string): Promise<PageWeight> {
  const timing = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
    return { fcp: fcp ? fcp.startTime : null, dcl: nav ? nav.domContentLoadedEventEnd : 0 };
  });
  return {
    page: name,
    lang,
    htmlBytes: Buffer.byteLength(html),
    htmlGzipBytes: gzipSync(html).length,
    cssBytes: Buffer.byteLength(css),
    cssGzipBytes: gzipSync(css).length,
    firstContentfulPaintMs: timing.fcp === null ? null : Math.round(timing.fcp),
    domContentLoadedMs: Math.round(timing.dcl),
  };
}

/**
 * The page as it is now kept within the limits every customer page has: no sideways
 * scroll at 360 px, and HTML + CSS under the gzip budget. Returns its measured weight.
 */
export async function withinPageLimits(page: Page, name: string, lang: string, html: string, css: string): Promise<PageWeight> {
  const width = await widthAtNarrowest(page);
  if (width > NARROWEST_PHONE_PX) throw new Error(`${name}.${lang} scrolls sideways at ${NARROWEST_PHONE_PX} px: ${width} px wide`);
  const w = await measure(page, name, lang, html, css);
  const total = w.htmlGzipBytes + w.cssGzipBytes;
  if (total > PAGE_BUDGET_GZIP_BYTES) throw new Error(`${name}.${lang} weighs ${total} B gzip (HTML + CSS), over the ${PAGE_BUDGET_GZIP_BYTES} B budget`);
  return w;
}
