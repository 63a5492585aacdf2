// The customer's pages in a phone-sized Chromium on the real stack, from the links the
// SMS receiver captured: approve the quote, file a complaint, confirm with a rating,
// reject then accept a proposed resolution; the workflow moves each time. Every page is
// kept as a screenshot (375×812, zh-CN and en), checked by axe-core (no serious or
// critical violation) and measured (bytes, gzip, first contentful paint).
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CUSTOMER_CSS } from '../../api/pages/customer/styles';
import { futureSlot, intakeInput } from '../support/fixtures';
import { call, eventually, openCase, waitForStage } from '../support/http';
import { gatewayOutbox } from '../support/gatewayOutbox';
import { LINK_SECRET, stackInfo } from '../support/stackInfo';
import { measure, PAGE_ARTIFACTS, phone, screenshot, seriousViolations, type PageWeight } from '../support/customerBrowser';
import { launchChromium } from '../support/headlessChromium';

jest.setTimeout(240_000);

let browser: Browser;
const weights: PageWeight[] = [];
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  if (weights.length) {
    fs.mkdirSync(PAGE_ARTIFACTS, { recursive: true });
    fs.writeFileSync(path.join(PAGE_ARTIFACTS, 'page-weight.json'), JSON.stringify(weights, null, 2));
    // The figures the README and the closing note quote.
    console.log(`customer page weight and first render:\n${weights.map((w) => JSON.stringify(w)).join('\n')}`);
  }
});

/** The newest SMS to the case or complaint whose text carries a customer link of `kind`. */
async function smsLink(subjectNo: string, kind: 'cases' | 'complaints', after = 0): Promise<{ url: string; index: number }> {
  return eventually(`an SMS with a ${kind} link for ${subjectNo}`, async () => {
    const sms = (await gatewayOutbox()).sms;
    for (let i = sms.length - 1; i >= after; i--) {
      const m = sms[i]!;
      const found = new RegExp(`https?://[^\\s]+/customer/${kind}/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+`).exec(m.text);
      if (found && (m.idempotencyKey ?? '').startsWith(subjectNo)) return { url: found[0], index: i + 1 };
    }
    return undefined;
  });
}

/** The link's path on the test stack (the SMS carries PUBLIC_BASE_URL's origin). */
const onStack = (url: string) => `${stackInfo().apiUrl}${new URL(url).pathname}`;

/** Shows `url` in both languages: a screenshot each, axe on each, the weight measured (zh-CN). */
async function record(page: Page, url: string, name: string): Promise<void> {
  for (const lang of ['zh-CN', 'en'] as const) {
    const sep = url.includes('?') ? '&' : '?';
    const res = await page.goto(`${url}${sep}lang=${lang}`);
    expect(res?.headers()['content-type']).toMatch(/^text\/html/);
    expect(await page.locator('html').getAttribute('lang')).toBe(lang);
    await screenshot(page, `${name}.${lang}`);
    expect([name, lang, await seriousViolations(page)]).toEqual([name, lang, []]);
    if (lang === 'zh-CN') weights.push(await measure(page, name, (await res!.text()) ?? '', CUSTOMER_CSS));
  }
}

const supervisor = (path: string, body: unknown) => call('POST', `/complaints/${path}`, { as: 'supervisor', body });

test('a customer approves the quote, files a complaint, confirms with a rating and answers two proposals, all from the SMS links', async () => {
  const opened = await openCase(intakeInput());
  expect(opened.status).toBe(201);
  const caseNo: string = opened.body.case.caseNo;
  await waitForStage(caseNo, 'manual_dispatch');
  const steps: Array<[string, string, unknown]> = [
    ['assign', 'dispatcher', { engineerId: 'E001' }],
    ['contact', 'engineerE001', { confirmedAddress: '世纪大道100号', diagnosis: '疑似电容故障', partsToBring: [] }],
    ['appointment', 'engineerE001', futureSlot()],
    ['check-in', 'engineerE001', { lat: 31.23, lng: 121.47 }],
    [
      'quote',
      'engineerE001',
      {
        lines: [
          { kind: 'part', partNo: 'CAP-35UF', description: '启动电容 35μF', quantity: 1, unitPrice: 80 },
          { kind: 'labour', description: '更换电容', quantity: 1, unitPrice: 120 },
        ],
      },
    ],
  ];
  for (const [p, as, body] of steps) expect([p, (await call('POST', `/cases/${caseNo}/${p}`, { as: as as never, body })).status]).toEqual([p, 200]);
  await waitForStage(caseNo, 'awaiting_approval');

  const { page, cspViolations } = await phone(browser, 'zh-CN');
  // 1. The quote SMS's link: the case page with the quote, then the confirmation step.
  const quoteSms = await smsLink(caseNo, 'cases');
  const caseUrl = onStack(quoteSms.url);
  await record(page, caseUrl, '01-case-quote');
  await record(page, `${caseUrl}?step=decline`, '02-quote-decline-step');
  await record(page, `${caseUrl}?step=approve`, '03-quote-approve-step');
  await page.goto(caseUrl);
  await page.getByRole('link', { name: '同意报价并维修' }).click();
  await page.getByRole('button', { name: '是，同意' }).click();
  await page.getByText('您已同意报价').waitFor();
  expect(page.url()).toMatch(/sent=1/);
  const approved = await waitForStage(caseNo, 'on_site');
  expect(approved.case.quote).toMatchObject({ status: 'approved', decidedBy: { role: 'customer' } });
  await record(page, caseUrl, '04-case-quote-approved');

  // 2. The engineer finishes; the confirmation SMS brings a new link (the old one is replaced).
  const out = await call('POST', `/cases/${caseNo}/check-out`, { as: 'engineerE001', body: { result: 'fixed', resolution: '更换电容' } });
  expect(out.status).toBe(200);
  const confirmSms = await smsLink(caseNo, 'cases', quoteSms.index);
  const confirmUrl = onStack(confirmSms.url);
  await record(page, confirmUrl, '05-case-confirm');
  await page.goto(caseUrl);
  await page.getByText('此链接已被更新的链接替换').waitFor();
  await record(page, caseUrl, '06-error-replaced');

  // 3. A complaint, filed from the case page: the customer lands on the complaint's page.
  await page.goto(`${confirmUrl}?lang=en`);
  await page.getByText('Make a complaint').click();
  await page.getByLabel('Category').selectOption('repair_quality');
  await page.getByLabel('What went wrong').fill('The engineer was 2 hours late and left a mess.');
  await page.locator('form[action$="/forms/complaint"]').getByRole('button').click();
  await page.getByText('Received', { exact: true }).first().waitFor();
  expect(page.url()).toMatch(/\/customer\/complaints\//);
  const filed = (await call('GET', `/complaints?caseNo=${caseNo}`, { as: 'supervisor' })).body.items;
  expect(filed).toEqual([expect.objectContaining({ stage: 'received', category: 'repair_quality', channel: 'web' })]);
  const complaintNo: string = filed[0].complaintNo;
  await record(page, page.url().split('?')[0]!, '07-complaint-received');

  // 4. Confirm with four stars: final, shown back; the case is archived.
  await page.goto(`${confirmUrl}?lang=zh-CN`);
  await page.getByRole('radio', { name: '4 星' }).check();
  await page.getByLabel(/备注/).fill('师傅很专业');
  await page.locator('form[action$="/forms/confirm"]').getByRole('button').click();
  await page.getByText('您已确认修好').waitFor();
  const archived = await waitForStage(caseNo, 'archived');
  expect(archived.case.confirmation).toMatchObject({ rating: 4, comment: '师傅很专业' });
  await record(page, confirmUrl, '08-case-confirmed');

  // 5. The owner proposes; the customer rejects from the proposal SMS's link, then accepts the next.
  expect((await supervisor(`${complaintNo}/acknowledge`, { note: '已致电' })).status).toBe(200);
  expect((await supervisor(`${complaintNo}/investigate`, {})).status).toBe(200);
  expect((await supervisor(`${complaintNo}/resolution`, { resolution: '免费上门复查', compensation: { amount: 50, currency: 'CNY' } })).status).toBe(200);
  const first = await smsLink(complaintNo, 'complaints');
  const proposalUrl = onStack(first.url);
  await record(page, proposalUrl, '09-complaint-proposal');
  await page.goto(proposalUrl);
  await page.getByLabel(/备注/).fill('补偿太少');
  await page.getByRole('button', { name: '不接受方案', exact: true }).click();
  await page.getByText('已提交').waitFor();
  const reopened = await call('GET', `/complaints/${complaintNo}`, { as: 'supervisor' });
  expect(reopened.body.complaint).toMatchObject({ stage: 'investigating', reopenCount: 1 });

  expect((await supervisor(`${complaintNo}/resolution`, { resolution: '免费复查并补偿200元', compensation: { amount: 200, currency: 'CNY' } })).status).toBe(
    200,
  );
  const second = await smsLink(complaintNo, 'complaints', first.index);
  await page.goto(onStack(second.url));
  await page.getByRole('button', { name: '接受方案', exact: true }).click();
  await page.getByText('您已接受处理方案').first().waitFor();
  const accepted = await call('GET', `/complaints/${complaintNo}`, { as: 'supervisor' });
  expect(accepted.body.complaint.stage).toBe('customer_confirmed');
  await record(page, onStack(second.url), '10-complaint-accepted');

  // A forged link: the error page with the hotline.
  const forged = `${stackInfo().apiUrl}/customer/cases/${new URL(confirmSms.url).pathname.split('/').pop()!.split('.')[0]}.${'A'.repeat(43)}`;
  await record(page, forged, '11-error-forged');
  const pastPayload = Buffer.from(`${caseNo}|${Math.floor(Date.now() / 1000) - 60}|${'x'.repeat(22)}`).toString('base64url');
  const expired = `${pastPayload}.${createHmac('sha256', LINK_SECRET).update(pastPayload).digest('base64url')}`;
  await record(page, `${stackInfo().apiUrl}/customer/cases/${expired}`, '12-error-expired');
  expect(cspViolations).toEqual([]);
});
