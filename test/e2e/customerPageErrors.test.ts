// The customer pages when something is wrong, over plain HTTP on the real stack: a
// forged, expired or revoked link is an error page in the right language with the
// hotline, a form without its CSRF token is refused, a decision the case moved past says
// what happened, and none of them changes the case. Programs still get JSON at the link.
import { createHmac } from 'node:crypto';
import { futureSlot, intakeInput } from '../support/fixtures';
import { call, openCase, waitForStage } from '../support/http';
import { LINK_SECRET, stackInfo } from '../support/stackInfo';
import { NOT_FIXED_REASON_REQUIRED, RATING_REQUIRED } from '../../domain/schemas';

jest.setTimeout(120_000);

const html = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

async function page(path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  const res = await fetch(`${stackInfo().apiUrl}${path}`, { redirect: 'manual', ...init, headers: { ...html, ...init.headers } });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** A case with the quote waiting for an English-speaking customer, and its link. */
async function quotedCase(): Promise<{ caseNo: string; token: string }> {
  const base = intakeInput();
  const opened = await openCase({ ...base, customer: { ...base.customer, language: 'en' } });
  const caseNo: string = opened.body.case.caseNo;
  await waitForStage(caseNo, 'manual_dispatch');
  const steps: Array<[string, string, unknown]> = [
    ['assign', 'dispatcher', { engineerId: 'E001' }],
    ['contact', 'engineerE001', { confirmedAddress: '世纪大道100号', diagnosis: '电容', partsToBring: [] }],
    ['appointment', 'engineerE001', futureSlot()],
    ['check-in', 'engineerE001', { lat: 31.23, lng: 121.47 }],
    ['quote', 'engineerE001', { lines: [{ kind: 'labour', description: 'Labour', quantity: 1, unitPrice: 150 }] }],
  ];
  for (const [p, as, body] of steps) expect([p, (await call('POST', `/cases/${caseNo}/${p}`, { as: as as never, body })).status]).toEqual([p, 200]);
  await waitForStage(caseNo, 'awaiting_approval');
  const link = await call('POST', `/cases/${caseNo}/customer-link`, { as: 'agent' });
  return { caseNo, token: link.body.token };
}

const stageOf = async (caseNo: string) => (await call('GET', `/cases/${caseNo}`, { as: 'supervisor' })).body.case;

/** The CSRF cookie and token a GET of the page hands out. */
async function formTokens(token: string): Promise<{ cookie: string; csrf: string }> {
  const got = await page(`/customer/cases/${token}?step=approve`);
  const cookie = /cw_csrf=([^;]+)/.exec(got.headers.get('set-cookie') ?? '')![1]!;
  expect(got.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);
  const csrf = /name="csrf" value="([^"]+)"/.exec(got.text)![1]!;
  return { cookie: `cw_csrf=${cookie}`, csrf };
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const formHeaders = (cookie?: string) => ({ 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) });

test('forged, expired and revoked links get an error page in the right language and change nothing', async () => {
  const { caseNo, token } = await quotedCase();
  const [payload] = token.split('.');
  const forged = `${payload}.${'A'.repeat(43)}`;
  const pastPayload = Buffer.from(`${caseNo}|${Math.floor(Date.now() / 1000) - 60}|${'x'.repeat(22)}`).toString('base64url');
  const expired = `${pastPayload}.${createHmac('sha256', LINK_SECRET).update(pastPayload).digest('base64url')}`;

  // Forged: nobody is looked up, so the browser's language.
  const zh = await page(`/customer/cases/${forged}`, { headers: { 'accept-language': 'zh-CN,zh;q=0.9' } });
  expect([zh.status, zh.headers.get('content-type')]).toEqual([401, expect.stringMatching(/^text\/html/)]);
  expect(zh.text).toContain('此链接无效');
  expect(zh.text).toContain('客服热线');
  const en = await page(`/customer/cases/${forged}`, { headers: { 'accept-language': 'en-GB,en;q=0.9' } });
  expect(en.text).toContain('This link is not valid.');
  // Expired and revoked: genuinely ours, so the customer's own language (en), whatever the browser says.
  const exp = await page(`/customer/cases/${expired}`, { headers: { 'accept-language': 'zh-CN' } });
  expect([exp.status, exp.text]).toEqual([401, expect.stringContaining('This link has expired.')]);
  const newer = await call('POST', `/cases/${caseNo}/customer-link`, { as: 'agent' });
  const revoked = await page(`/customer/cases/${token}`, { headers: { 'accept-language': 'zh-CN' } });
  expect([revoked.status, revoked.text]).toEqual([410, expect.stringContaining('replaced by a newer one')]);
  expect(revoked.headers.get('cache-control')).toBe('no-store');

  // Their form posts change nothing either.
  for (const bad of [forged, expired, token]) {
    const r = await page(`/customer/cases/${bad}/forms/quote`, {
      method: 'POST',
      headers: { ...formHeaders(), 'accept-language': 'en' },
      body: form({ approve: 'true', csrf: 'x', key: 'k'.repeat(22) }),
    });
    expect([r.status, r.text]).toEqual([expect.any(Number), expect.stringContaining('Call our service hotline')]);
    expect(r.status === 401 || r.status === 410).toBe(true);
  }
  expect((await stageOf(caseNo)).stage).toBe('awaiting_approval');

  // Programs asking for JSON at the same link get JSON, as before.
  const json = await call('GET', `/customer/cases/${newer.body.token}`, { as: null });
  expect([json.status, json.body.stage]).toEqual([200, 'awaiting_approval']);

  // Declining texts a newer link (please confirm), which replaces this one: the page after the
  // redirect says the decision was sent and where to go on, not that the link is broken.
  const { cookie, csrf } = await formTokens(newer.body.token);
  const declined = await page(`/customer/cases/${newer.body.token}/forms/quote`, {
    method: 'POST',
    headers: formHeaders(cookie),
    body: form({ approve: 'false', csrf, key: 'd'.repeat(22) }),
  });
  expect(declined.status).toBe(303);
  const landing = await page(declined.headers.get('location')!);
  expect([landing.status, landing.text]).toEqual([410, expect.stringContaining('We have texted you a new link')]);
  expect((await stageOf(caseNo)).stage).toBe('awaiting_confirmation');
  await call('POST', `/cases/${caseNo}/cancel`, { body: { reason: 'test done' } });
});

test('a form post needs the CSRF token of this link and this browser; a decision the case moved past says what happened', async () => {
  const { caseNo, token } = await quotedCase();
  const { cookie, csrf } = await formTokens(token);
  const post = (fields: Record<string, string>, c?: string) =>
    page(`/customer/cases/${token}/forms/quote`, { method: 'POST', headers: formHeaders(c), body: form({ key: 'k'.repeat(22), ...fields }) });

  for (const [what, r] of [
    ['no cookie', await post({ approve: 'true', csrf })],
    ['no token', await post({ approve: 'true' }, cookie)],
    ['another cookie', await post({ approve: 'true', csrf }, 'cw_csrf=' + 'z'.repeat(24))],
  ] as const) {
    expect([what, r.status]).toEqual([what, what === 'no token' ? 400 : 403]);
  }
  expect((await stageOf(caseNo)).stage).toBe('awaiting_approval');
  // JSON to the form address is not a form.
  const notForm = await page(`/customer/cases/${token}/forms/quote`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: '{}' });
  expect(notForm.status).toBe(415);

  // The real thing: 303 back to the page; the same form sent twice is one decision.
  const key = `twice-${Date.now()}-abcdefgh`;
  const first = await post({ approve: 'true', csrf, key, comment: 'go ahead' }, cookie);
  expect([first.status, first.headers.get('location')]).toEqual([303, `/customer/cases/${token}?lang=en&sent=1#quote`]);
  const again = await post({ approve: 'true', csrf, key, comment: 'go ahead' }, cookie);
  expect(again.status).toBe(303);
  const after = await stageOf(caseNo);
  expect([after.stage, after.quote]).toEqual(['on_site', expect.objectContaining({ status: 'approved', comment: 'go ahead' })]);
  const events = (await call('GET', `/cases/${caseNo}`, { as: 'supervisor' })).body.timeline;
  expect(JSON.stringify(events).match(/quote\.approved/g)).toHaveLength(1);
  const shown = await page(`/customer/cases/${token}?lang=en&sent=1`);
  expect(shown.text).toContain('You approved the quote');

  // A decision with a new form after the case moved on: the page says what happened.
  const late = await post({ approve: 'false', csrf, key: `late-${Date.now()}-abcdefgh` }, cookie);
  expect(late.status).toBe(409);
  expect(late.text).toContain('This is no longer possible');
  expect(late.text).toContain('Engineer on site');
  expect((await stageOf(caseNo)).quote.status).toBe('approved');
  await call('POST', `/cases/${caseNo}/cancel`, { body: { reason: 'test done' } });
});

test("a closed case's link still files a complaint; every other decision stays read-only", async () => {
  const { caseNo, token } = await quotedCase();
  await call('POST', `/cases/${caseNo}/cancel`, { body: { reason: 'customer went elsewhere' } });
  await waitForStage(caseNo, 'cancelled');
  const shown = await page(`/customer/cases/${token}?lang=en`);
  expect(shown.status).toBe(200);
  expect(shown.text).toContain('/forms/complaint');
  const { cookie, csrf } = await formTokens(token);

  const quote = await page(`/customer/cases/${token}/forms/quote`, {
    method: 'POST',
    headers: formHeaders(cookie),
    body: form({ approve: 'true', csrf, key: `closed-q-${Date.now()}-abcd` }),
  });
  expect([quote.status, quote.text]).toEqual([409, expect.stringContaining('only shows it')]);

  const filed = await page(`/customer/cases/${token}/forms/complaint`, {
    method: 'POST',
    headers: formHeaders(cookie),
    body: form({ category: 'service_attitude', summary: 'Nobody came and nobody called', csrf, key: `closed-c-${Date.now()}-abcd` }),
  });
  expect([filed.status, filed.headers.get('location')]).toEqual([303, expect.stringMatching(/^\/customer\/complaints\/[^?]+\?lang=en&sent=1#complaint-h$/)]);
  const landing = await page(filed.headers.get('location')!);
  expect([landing.status, landing.text]).toEqual([200, expect.stringContaining('Nobody came and nobody called')]);
  const after = await page(`/customer/cases/${token}?lang=en`);
  expect((after.text.match(/class="complaint"/g) ?? []).length).toBe(1);
  expect((await stageOf(caseNo)).stage).toBe('cancelled');
});

test('"not fixed" needs a reason and no rating: refused without one as JSON (400 naming body.comment) and as a page, taken without a rating', async () => {
  const base = intakeInput();
  const opened = await openCase({ ...base, customer: { ...base.customer, language: 'en' } });
  const caseNo: string = opened.body.case.caseNo;
  await waitForStage(caseNo, 'manual_dispatch');
  const steps: Array<[string, string, unknown]> = [
    ['assign', 'dispatcher', { engineerId: 'E001' }],
    ['contact', 'engineerE001', { confirmedAddress: '世纪大道100号', diagnosis: '电容', partsToBring: [] }],
    ['appointment', 'engineerE001', futureSlot()],
    ['check-in', 'engineerE001', { lat: 31.23, lng: 121.47 }],
    ['check-out', 'engineerE001', { result: 'fixed', resolution: 'cleaned' }],
  ];
  for (const [p, as, body] of steps) expect([p, (await call('POST', `/cases/${caseNo}/${p}`, { as: as as never, body })).status]).toEqual([p, 200]);
  await waitForStage(caseNo, 'awaiting_confirmation');
  const token: string = (await call('POST', `/cases/${caseNo}/customer-link`, { as: 'agent' })).body.token;

  // JSON: no reason, or a blank one, is 400 with the field and why; "fixed" still needs its rating.
  for (const body of [{ fixed: false }, { fixed: false, rating: 2, comment: '  ' }]) {
    const r = await call('POST', `/customer/cases/${token}/confirm`, { as: null, body });
    expect([r.status, r.body.error.code, r.body.error.fields]).toEqual([
      400,
      'validation_failed',
      [{ path: 'body.comment', message: NOT_FIXED_REASON_REQUIRED }],
    ]);
  }
  const unrated = await call('POST', `/customer/cases/${token}/confirm`, { as: null, body: { comment: 'fine' } });
  expect([unrated.status, unrated.body.error.fields]).toEqual([400, [{ path: 'body.rating', message: RATING_REQUIRED }]]);

  // The page: a "not fixed" form sent without its reason (what the browser's `required` stops) says what is missing.
  const got = await page(`/customer/cases/${token}?lang=en`);
  const cookie = `cw_csrf=${/cw_csrf=([^;]+)/.exec(got.headers.get('set-cookie') ?? '')![1]!}`;
  const csrf = /name="csrf" value="([^"]+)"/.exec(got.text)![1]!;
  const noReason = await page(`/customer/cases/${token}/forms/confirm`, {
    method: 'POST',
    headers: formHeaders(cookie),
    body: form({ fixed: 'false', comment: ' ', csrf, key: `nr-${Date.now()}-abcdefgh`, lang: 'en' }),
  });
  expect([noReason.status, noReason.text]).toEqual([400, expect.stringContaining('tell us what is still wrong')]);
  expect((await stageOf(caseNo)).stage).toBe('awaiting_confirmation');

  // JSON without a rating, with the reason: the rework, the reason kept and no rating recorded.
  const ok = await call('POST', `/customer/cases/${token}/confirm`, { as: null, body: { fixed: false, comment: 'still noisy' } });
  expect(ok.status).toBe(200);
  const after = (await call('GET', `/cases/${caseNo}`, { as: 'supervisor' })).body;
  expect(after.case.reworks).toBe(1);
  const rework = after.timeline.find((e: { type: string }) => e.type === 'case.rework');
  expect([rework.data.comment, rework.data.rating]).toEqual(['still noisy', undefined]);
  const shown = await page(`/customer/cases/${token}?lang=en`);
  expect(shown.text).toMatch(/You said not fixed<\/strong> at <time[^>]*>[^<]+<\/time>: <q>still noisy<\/q>; the engineer will return\./);
  await call('POST', `/cases/${caseNo}/cancel`, { body: { reason: 'test done' } });
});
