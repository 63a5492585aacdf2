// The customer's pages in a phone-sized Chromium on the real stack, from the links the
// SMS receiver captured: approve the quote, file a complaint, confirm with a rating,
// reject then accept a proposed resolution; a second case asks to move its visit and then
// answers "not fixed" (rework). The workflow moves each time. Every page and state is kept
// as a screenshot (375×812, zh-CN and en), checked by axe-core (no serious or critical
// violation), held to the page-weight budget, made sure not to scroll sideways at 360 px,
// and measured (bytes, gzip, first contentful paint).
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { CUSTOMER_CSS } from '../../api/pages/customer/styles';
import { futureSlot, intakeInput } from '../support/fixtures';
import { call, eventually, openCase, waitForStage } from '../support/http';
import { gatewayOutbox } from '../support/gatewayOutbox';
import { LINK_SECRET, stackInfo } from '../support/stackInfo';
import { assertCjkFonts, PAGE_ARTIFACTS, phone, screenshot, seriousViolations, type PageWeight, withinPageLimits } from '../support/customerBrowser';
import { launchChromium } from '../support/headlessChromium';

jest.setTimeout(300_000);

type Lang = 'zh-CN' | 'en';
const LANGS: readonly Lang[] = ['zh-CN', 'en'];
let browser: Browser;
const weights: PageWeight[] = [];
beforeAll(async () => {
  assertCjkFonts();
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
const withLang = (url: string, lang: Lang) => `${url}${url.includes('?') ? '&' : '?'}lang=${lang}`;

/** The page as it is now: its screenshot, axe, no sideways scroll at 360 px, its weight within the budget. */
async function check(page: Page, name: string, lang: Lang, res: Response | null): Promise<void> {
  expect(res?.headers()['content-type']).toMatch(/^text\/html/);
  expect(await page.locator('html').getAttribute('lang')).toBe(lang);
  await screenshot(page, `${name}.${lang}`);
  expect([name, lang, await seriousViolations(page)]).toEqual([name, lang, []]);
  weights.push(await withinPageLimits(page, name, lang, (await res!.text()) ?? '', CUSTOMER_CSS));
}

/** Shows `url` in both languages (after `prepare`, e.g. opening a <details>) and checks each. */
async function record(page: Page, url: string, name: string, prepare?: (lang: Lang) => Promise<void>): Promise<void> {
  for (const lang of LANGS) {
    const res = await page.goto(withLang(url, lang));
    if (prepare) await prepare(lang);
    await check(page, name, lang, res);
  }
}

/** Checks the page a form post answers with (an error page: no redirect). */
async function recordPost(page: Page, name: string, lang: Lang, submit: () => Promise<void>, status: number): Promise<void> {
  const [res] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), submit()]);
  await page.waitForLoadState();
  expect([name, res.status()]).toEqual([name, status]);
  await check(page, name, lang, res);
}

/** Opens the <details> whose summary is `summary` (forms folded away until asked for). */
const openDetails = (page: Page, summary: string) => page.locator('summary', { hasText: summary }).click();

/** One page per language holding a form rendered now, to be sent after the case has moved on. */
async function staleForms(context: BrowserContext, url: string): Promise<Record<Lang, Page>> {
  const pages = {} as Record<Lang, Page>;
  for (const lang of LANGS) {
    pages[lang] = await context.newPage();
    await pages[lang].goto(withLang(url, lang));
  }
  return pages;
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

  const { context, page, cspViolations } = await phone(browser, 'zh-CN');
  // 1. The quote SMS's link: the case page with the quote, then the confirmation step.
  const quoteSms = await smsLink(caseNo, 'cases');
  const caseUrl = onStack(quoteSms.url);
  await record(page, caseUrl, '01-case-quote');
  await record(page, `${caseUrl}?step=decline`, '02-quote-decline-step');
  await record(page, `${caseUrl}?step=approve`, '03-quote-approve-step');
  const lateDecline = await staleForms(context, `${caseUrl}?step=decline`);
  await page.goto(caseUrl);
  await page.getByRole('link', { name: '同意报价并维修' }).click();
  await page.getByRole('button', { name: '是，同意' }).click();
  await page.getByText('您已同意报价').waitFor();
  expect(page.url()).toMatch(/sent=1/);
  const approved = await waitForStage(caseNo, 'on_site');
  expect(approved.case.quote).toMatchObject({ status: 'approved', decidedBy: { role: 'customer' } });
  await record(page, caseUrl, '04-case-quote-approved');
  // A decline sent from a page opened before the approval: "no longer possible", and the stage it is in.
  for (const lang of LANGS) {
    const stale = lateDecline[lang];
    await recordPost(stale, '13-error-no-longer-possible', lang, () => stale.locator('form[action$="/forms/quote"] button[type=submit]').click(), 409);
    await stale.getByText(lang === 'en' ? 'Engineer on site' : '工程师上门服务中').waitFor();
    await stale.close();
  }
  expect((await call('GET', `/cases/${caseNo}`, { as: 'supervisor' })).body.case.quote.status).toBe('approved');

  // 2. The engineer finishes; the confirmation SMS brings a new link (the old one is replaced).
  const out = await call('POST', `/cases/${caseNo}/check-out`, { as: 'engineerE001', body: { result: 'fixed', resolution: '更换电容' } });
  expect(out.status).toBe(200);
  const confirmSms = await smsLink(caseNo, 'cases', quoteSms.index);
  const confirmUrl = onStack(confirmSms.url);
  await record(page, confirmUrl, '05-case-confirm');
  await page.goto(caseUrl);
  await page.getByText('此链接已被更新的链接替换').waitFor();
  await record(page, caseUrl, '06-error-replaced');

  // The complaint form, opened; then sent after the page's form token was lost (cookie cleared): "form expired", nothing filed.
  await record(page, confirmUrl, '14-complaint-form-open', (lang) => openDetails(page, lang === 'en' ? 'Make a complaint' : '我要投诉'));
  for (const lang of LANGS) {
    await page.goto(withLang(confirmUrl, lang));
    await openDetails(page, lang === 'en' ? 'Make a complaint' : '我要投诉');
    await page.locator('#complaint-text').fill('lost token');
    await context.clearCookies();
    await recordPost(page, '15-error-form-expired', lang, () => page.locator('form[action$="/forms/complaint"] button').click(), 403);
  }
  expect((await call('GET', `/complaints?caseNo=${caseNo}`, { as: 'supervisor' })).body.items).toEqual([]);

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
  const lateConfirm = await staleForms(context, confirmUrl);
  await page.goto(`${confirmUrl}?lang=zh-CN`);
  await page.getByRole('radio', { name: '4 星' }).check();
  await page.getByLabel(/备注/).fill('师傅很专业');
  await page.getByRole('button', { name: '提交：已修好' }).click();
  await page.getByText('您已确认修好').waitFor();
  const archived = await waitForStage(caseNo, 'archived');
  expect(archived.case.confirmation).toMatchObject({ rating: 4, comment: '师傅很专业' });
  await record(page, confirmUrl, '08-case-confirmed');
  // A second confirmation from a page opened before: the closed case's link only shows it.
  for (const lang of LANGS) {
    const stale = lateConfirm[lang];
    await stale.getByRole('radio', { name: lang === 'en' ? '5 stars' : '5 星' }).check();
    await recordPost(stale, '16-error-read-only', lang, () => stale.getByRole('button', { name: lang === 'en' ? 'Send: fixed' : '提交：已修好' }).click(), 409);
    await stale.close();
  }
  expect((await call('GET', `/cases/${caseNo}`, { as: 'supervisor' })).body.case.confirmation.rating).toBe(4);

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

/** A UTC instant as the datetime-local value a browser in China time sends. */
const chinaLocal = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 16);

test('a second customer asks to move the visit, then answers "not fixed" with a reason: the case goes back for a return visit and the page says so', async () => {
  const opened = await openCase(intakeInput());
  const caseNo: string = opened.body.case.caseNo;
  await waitForStage(caseNo, 'manual_dispatch');
  const steps: Array<[string, string, unknown]> = [
    ['assign', 'dispatcher', { engineerId: 'E001' }],
    ['contact', 'engineerE001', { confirmedAddress: '世纪大道100号', diagnosis: '不制冷', partsToBring: [] }],
    ['appointment', 'engineerE001', futureSlot()],
  ];
  for (const [p, as, body] of steps) expect([p, (await call('POST', `/cases/${caseNo}/${p}`, { as: as as never, body })).status]).toEqual([p, 200]);
  const booked = await waitForStage(caseNo, 'scheduled');
  const link = await call('POST', `/cases/${caseNo}/customer-link`, { as: 'agent' });
  const caseUrl = `${stackInfo().apiUrl}/customer/cases/${link.body.token}`;
  const { page, cspViolations } = await phone(browser, 'en');

  // Booked: the ETA the SMS gave ("expected contact or arrival by"), and the reschedule form.
  await record(page, caseUrl, '17-case-scheduled');
  expect(await page.locator('.eta time').getAttribute('datetime')).toBe(new Date(booked.case.appointment.start).toISOString());
  await record(page, caseUrl, '18-reschedule-form-open', (lang) => openDetails(page, lang === 'en' ? 'Ask for another visit time' : '申请改约'));
  const day = Date.now() + 3 * 86_400_000;
  await page.locator('#start1').fill(chinaLocal(day));
  await page.locator('#end1').fill(chinaLocal(day + 2 * 3600_000));
  await page.locator('#reschedule-reason').fill('I am travelling that day');
  await page.getByRole('button', { name: 'Send the request' }).click();
  await page.getByText('Requested, waiting for the dispatcher').waitFor();
  let mine: { id: number; caseNo: string } | undefined;
  for (let cursor: string | null = ''; !mine && cursor !== null;) {
    const r: { body: { items: Array<{ id: number; caseNo: string }>; nextCursor: string | null } } = await call(
      'GET',
      `/reschedule-requests?status=open&limit=100${cursor ? `&cursor=${cursor}` : ''}`,
      { as: 'dispatcher' },
    );
    mine = r.body.items.find((x) => x.caseNo === caseNo);
    cursor = r.body.nextCursor;
  }
  expect(mine).toMatchObject({ status: 'open', reason: 'I am travelling that day' });
  await record(page, caseUrl, '19-reschedule-requested');
  expect((await call('POST', `/reschedule-requests/${mine!.id}/decline`, { as: 'dispatcher', body: { reason: 'no engineer free then' } })).status).toBe(200);

  // The visit: the confirmation SMS's link has no reschedule form any more.
  for (const [p, body] of [
    ['check-in', { lat: 31.23, lng: 121.47 }],
    ['check-out', { result: 'fixed', resolution: '清洗滤网' }],
  ] as const)
    expect([p, (await call('POST', `/cases/${caseNo}/${p}`, { as: 'engineerE001', body })).status]).toEqual([p, 200]);
  const confirmUrl = onStack((await smsLink(caseNo, 'cases')).url);
  await page.goto(withLang(confirmUrl, 'zh-CN'));
  expect(await page.locator('form[action$="/forms/reschedule"]').count()).toBe(0);
  await record(page, confirmUrl, '20-case-not-fixed-form', (lang) => openDetails(page, lang === 'en' ? 'Not fixed: repair again' : '没修好，需要返修'));

  // "Not fixed": no rating, a reason; the case goes back to dispatch, the page shows the answer.
  await page.goto(withLang(confirmUrl, 'zh-CN'));
  await openDetails(page, '没修好，需要返修');
  await page.getByLabel(/哪里还有问题/).fill('还是不制冷');
  await page.getByRole('button', { name: '提交：没修好' }).click();
  await page.getByText('工程师将再次上门维修').waitFor();
  const reworked = await eventually('the rework', async () => {
    const got = (await call('GET', `/cases/${caseNo}`, { as: 'supervisor' })).body;
    return got.case.reworks === 1 ? got : undefined;
  });
  expect(reworked.case.confirmation ?? null).toBeNull();
  const rework = reworked.timeline.filter((e: { type: string }) => e.type === 'case.rework');
  expect(rework).toEqual([expect.objectContaining({ data: expect.objectContaining({ comment: '还是不制冷' }) })]);
  expect(rework[0].data.rating).toBeUndefined();
  await record(page, confirmUrl, '21-case-not-fixed');
  expect(await page.getByText('You said not fixed').count()).toBe(1);
  expect(await page.getByText('the engineer will return').count()).toBe(1);
  expect(await page.locator('form[action$="/forms/confirm"]').count()).toBe(0);
  expect(cspViolations).toEqual([]);
  await call('POST', `/cases/${caseNo}/cancel`, { body: { reason: 'test done' } });
});
