// The after-visit customer pages in a phone-sized Chromium on the real stack, from the
// links the SMS receiver captured: the survey answered with four stars, then a year on the
// maintenance reminder booked and its reminders stopped behind the confirmation step; a
// stale tab's booking gets the "already booked" page. Every page is kept as a screenshot
// (375×812, zh-CN and en, under test-artifacts/customer-pages/), checked by axe-core (no
// serious or critical violation) and measured (aftercare-page-weight.json).
import fs from 'node:fs';
import path from 'node:path';
import { Connection, type Client } from '@temporalio/client';
import type { Browser, Page } from 'playwright-core';
import { Pool } from 'pg';
import { CUSTOMER_CSS } from '../../api/pages/customer/styles';
import { archivedCase, maintenanceReminded, surveySent } from '../support/aftercareCase';
import { PAGE_ARTIFACTS, phone, screenshot, seriousViolations, type PageWeight, withinPageLimits } from '../support/customerBrowser';
import { launchChromium } from '../support/headlessChromium';
import { call } from '../support/http';
import { testClient } from '../support/payloadKeys';
import { stackInfo } from '../support/stackInfo';

jest.setTimeout(240_000);

let browser: Browser;
let pool: Pool;
let connection: Connection;
let client: Client;
const weights: PageWeight[] = [];
const cleanup: string[] = [];
beforeAll(async () => {
  browser = await launchChromium();
  pool = new Pool({ connectionString: stackInfo().databaseUrl, max: 2 });
  connection = await Connection.connect({ address: stackInfo().temporalAddress });
  client = testClient(connection);
});
afterAll(async () => {
  await browser?.close();
  await Promise.all(
    cleanup.map((id) =>
      client.workflow
        .getHandle(id)
        .terminate('test over')
        .catch(() => undefined),
    ),
  );
  await connection?.close();
  await pool?.end();
  if (weights.length) {
    fs.mkdirSync(PAGE_ARTIFACTS, { recursive: true });
    fs.writeFileSync(path.join(PAGE_ARTIFACTS, 'aftercare-page-weight.json'), JSON.stringify(weights, null, 2));
    console.log(`after-visit page weight and first render:\n${weights.map((w) => JSON.stringify(w)).join('\n')}`);
  }
});

const onStack = (token: string) => `${stackInfo().apiUrl}/customer/cases/${token}`;

/** Shows `url` in both languages: a screenshot, axe, no sideways scroll at 360 px and the weight within the budget, each. */
async function record(page: Page, url: string, name: string): Promise<void> {
  for (const lang of ['zh-CN', 'en'] as const) {
    const sep = url.includes('?') ? '&' : '?';
    const res = await page.goto(`${url}${sep}lang=${lang}`);
    expect(res?.headers()['content-type']).toMatch(/^text\/html/);
    expect(await page.locator('html').getAttribute('lang')).toBe(lang);
    await screenshot(page, `${name}.${lang}`);
    expect([name, lang, await seriousViolations(page)]).toEqual([name, lang, []]);
    weights.push(await withinPageLimits(page, name, lang, (await res!.text()) ?? '', CUSTOMER_CSS));
  }
}

/** A page that came back from a form post (no GET to repeat): screenshot and axe in its language. */
async function recordAnswer(page: Page, name: string, lang: 'zh-CN' | 'en'): Promise<void> {
  expect(await page.locator('html').getAttribute('lang')).toBe(lang);
  await screenshot(page, `${name}.${lang}`);
  expect([name, lang, await seriousViolations(page)]).toEqual([name, lang, []]);
}

/** China wall-clock time for a datetime-local field. */
const chinaLocal = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 16);

test('a customer answers the SMS survey, then books the maintenance reminder and stops the reminders, from the SMS links on a phone', async () => {
  const phoneNo = `+86 136 ${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')} ${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`;
  const c = await archivedCase(client, phoneNo);
  const { page, cspViolations } = await phone(browser, 'zh-CN');

  // 1. The survey SMS's link: four stars and a comment, one tap; shown back.
  const surveyUrl = onStack(await surveySent(client, pool, c));
  await record(page, surveyUrl, '20-survey-open');
  await page.goto(surveyUrl);
  await page.getByRole('radio', { name: '4 星' }).check();
  await page.getByLabel('您的意见或建议（可选）').fill('师傅很准时，清洗得很干净');
  await page.getByRole('button', { name: '提交评价' }).click();
  await page.getByText('感谢您的评价').waitFor();
  expect(page.url()).toMatch(/sent=1/);
  expect(await client.workflow.getHandle(`callback-${c.caseNo}`).result()).toMatchObject({ status: 'done', outcome: 'satisfied', satisfaction: 4 });
  await record(page, surveyUrl, '21-survey-answered');

  // 2. A year on, the maintenance reminder's link: the product, the due date, book or opt out.
  const { token, input } = await maintenanceReminded(client, c, 366);
  cleanup.push(input.seriesId);
  const url = onStack(token);
  await record(page, url, '22-maintenance-reminder');
  await record(page, `${url}?step=opt-out`, '23-maintenance-opt-out-step');
  // A second tab left open on the reminder, in English.
  const stale = await phone(browser, 'en');
  await stale.page.goto(`${url}?lang=en`);

  await page.goto(url);
  const start = Date.now() + 3 * 24 * 3600_000;
  const hour = start - (start % 3600_000);
  await page.locator('#maintenance-start1').fill(chinaLocal(hour));
  await page.locator('#maintenance-end1').fill(chinaLocal(hour + 3 * 3600_000));
  await page.getByRole('button', { name: '预约保养上门' }).click();
  await page.getByText('您已预约保养').waitFor();
  const [reminder] = (await pool.query('SELECT status, opened_case_no FROM maintenance_reminders WHERE series_id = $1', [input.seriesId])).rows;
  expect(reminder.status).toBe('opened');
  expect((await pool.query('SELECT kind FROM cases WHERE case_no = $1', [reminder.opened_case_no])).rows).toEqual([{ kind: 'maintenance' }]);
  await record(page, url, '24-maintenance-booked');

  // The stale tab books too: told it is already booked, with the way back.
  await stale.page.getByRole('button', { name: 'Book the maintenance visit' }).click();
  await stale.page.getByText('You have already booked this maintenance visit').waitFor();
  await recordAnswer(stale.page, '25-maintenance-already-booked', 'en');
  await stale.context.close();

  // 3. Stop the reminders: the link to the confirmation step, then "yes".
  await page.goto(url);
  await page.getByRole('link', { name: '不再接收此产品的保养提醒' }).click();
  await page.getByRole('button', { name: '是，不再提醒' }).click();
  await page.getByText('您已退订此产品的保养提醒').waitFor();
  expect((await pool.query('SELECT via FROM maintenance_opt_outs WHERE series_id = $1', [input.seriesId])).rows).toEqual([{ via: 'link' }]);
  await record(page, url, '26-maintenance-opted-out');

  expect(cspViolations).toEqual([]);
  await call('POST', `/cases/${reminder.opened_case_no}/cancel`, { body: { reason: 'test over' } });
});
