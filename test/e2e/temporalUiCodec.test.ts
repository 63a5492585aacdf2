// The Temporal Web UI (headless Chromium) on an encrypted case: without an ops key for the
// codec server it can only show the ciphertext (no phone, no name); when the codec
// endpoint answers it — the UI passing an ops key as `Authorization: Bearer`, as its
// "Pass the user access token" setting does — it shows the case in clear. The dev server
// is started with `--ui-codec-endpoint` pointing at the API's /codec (launcher).
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { Connection } from '@temporalio/client';
import { clientWithoutCodec } from '../support/clearPersonalData';
import { intakeInput } from '../support/fixtures';
import { call, openCase } from '../support/http';
import { ARTIFACTS, KEYS, stackInfo } from '../support/stackInfo';
import { withTemporalUi } from '../support/temporalUi';

const phone = `+86 135 ${String(Date.now() % 1e8).padStart(8, '0')}`;
const name = '司马测试';
let caseNo: string;
let ciphertext: string;

beforeAll(async () => {
  const opened = await openCase(intakeInput({ customer: { ...intakeInput().customer, name, phone } }));
  expect(opened.status).toBe(201);
  caseNo = opened.body.case.caseNo;
  const connection = await Connection.connect({ address: stackInfo().temporalAddress });
  try {
    const history = await clientWithoutCodec(connection).workflow.getHandle(`case-${caseNo}`).fetchHistory();
    ciphertext = Buffer.from(history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!.data!).toString('base64');
  } finally {
    await connection.close();
  }
});

afterAll(async () => {
  await call('POST', `/cases/${caseNo}/cancel`, { as: 'supervisor', body: { reason: 'test over' } });
});

async function workflowPage(page: Page, uiUrl: string, shows: string, screenshot: string): Promise<string> {
  await page.goto(`${uiUrl}/namespaces/default/workflows/case-${caseNo}`, { waitUntil: 'domcontentloaded' });
  // A locator, not a page function: the UI's CSP forbids evaluating strings.
  await page.getByText(shows).first().waitFor({ timeout: 30_000 });
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, screenshot), fullPage: true });
  return page.innerText('body');
}

test('the Temporal UI shows ciphertext without an ops key for the codec server, and the case with one (screenshots kept)', async () => {
  await withTemporalUi(async (page, uiUrl) => {
    const codecCalls: number[] = [];
    page.on('response', (r) => {
      if (r.url().startsWith(`${stackInfo().apiUrl}/codec/decode`)) codecCalls.push(r.status());
    });
    // The input panel shows the stored payload: the ciphertext, base64.
    const encrypted = await workflowPage(page, uiUrl, ciphertext.slice(0, 60), 'temporal-ui-encrypted.png');
    expect(encrypted).not.toContain(phone);
    expect(encrypted).not.toContain(name);
    expect(encrypted).toContain('Codec Server could not connect');
    expect(codecCalls.length).toBeGreaterThan(0);
    expect(codecCalls.every((s) => s === 401)).toBe(true);

    // The same UI, its codec requests now carrying an ops key.
    codecCalls.length = 0;
    await page.route(`${stackInfo().apiUrl}/codec/**`, (route) =>
      route.continue({ headers: { ...route.request().headers(), authorization: `Bearer ${KEYS.ops}` } }),
    );
    const decoded = await workflowPage(page, uiUrl, phone, 'temporal-ui-decoded.png');
    expect(decoded).toContain(name);
    expect(decoded).not.toContain(ciphertext.slice(0, 60));
    // (A late answer to the first page's requests may still count here: no "every".)
    expect(codecCalls).toContain(200);
  });
});
