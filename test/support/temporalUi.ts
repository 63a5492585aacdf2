// A headless Chromium (Debian `chromium` + playwright-core) on the test stack's
// Temporal Web UI: what ops see, checked and kept as screenshots.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium } from './headlessChromium';
import { ARTIFACTS, stackInfo } from './stackInfo';

export async function withTemporalUi<T>(use: (page: Page, uiUrl: string) => Promise<T>): Promise<T> {
  const uiUrl = stackInfo().temporalUiUrl;
  if (!uiUrl) throw new Error('the test stack has no Temporal UI');
  const browser = await launchChromium();
  try {
    return await use(await browser.newPage({ viewport: { width: 1600, height: 900 } }), uiUrl);
  } finally {
    await browser.close();
  }
}

/** Lists workflows with a visibility query, waits for `expected` on the page, keeps a screenshot. */
export async function uiListShows(page: Page, uiUrl: string, query: string, expected: string, screenshot: string): Promise<void> {
  await page.goto(`${uiUrl}/namespaces/default/workflows?query=${encodeURIComponent(query)}`, { waitUntil: 'domcontentloaded' });
  await page.getByText(expected).first().waitFor({ timeout: 30_000 });
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, screenshot), fullPage: true });
}
