// A phone-sized headless Chromium (Debian `chromium` + playwright-core) on the customer
// pages: screenshots at 375×812, axe-core run in each page, CSP violations collected, and
// page weight and time to first render measured.
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ARTIFACTS } from './stackInfo';

export const PAGE_ARTIFACTS = path.join(ARTIFACTS, 'customer-pages');
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
  htmlBytes: number;
  htmlGzipBytes: number;
  cssBytes: number;
  cssGzipBytes: number;
  firstContentfulPaintMs: number | null;
  domContentLoadedMs: number;
}

/** The page's HTML and stylesheet sizes (raw and gzip) and its paint timing from the browser. */
export async function measure(page: Page, name: string, html: string, css: string): Promise<PageWeight> {
  const timing = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
    return { fcp: fcp ? fcp.startTime : null, dcl: nav ? nav.domContentLoadedEventEnd : 0 };
  });
  return {
    page: name,
    htmlBytes: Buffer.byteLength(html),
    htmlGzipBytes: gzipSync(html).length,
    cssBytes: Buffer.byteLength(css),
    cssGzipBytes: gzipSync(css).length,
    firstContentfulPaintMs: timing.fcp === null ? null : Math.round(timing.fcp),
    domContentLoadedMs: Math.round(timing.dcl),
  };
}
