// The customer pages without a server: the view model, both languages, escaping, the
// forms' hidden fields, the error pages and the CSRF token.
import type { Request } from 'express';
import { csrfKey, csrfToken, csrfValid } from '../../../api/pages/customer/csrf';
import { renderProblem } from '../../../api/pages/customer/errorPage';
import { MESSAGES, pageLang } from '../../../api/pages/customer/i18n';
import type { FormContext, PageFrame } from '../../../api/pages/customer/layout';
import { caseModel, complaintModel, type CaseRowLike } from '../../../api/pages/customer/model';
import { renderCasePage, renderComplaintPage } from '../../../api/pages/customer/pages';
import { problemOf } from '../../../api/pages/customer/pageErrors';
import { HttpError } from '../../../api/errors';
import { NOT_FIXED_REASON_REQUIRED, RATING_REQUIRED } from '../../../domain/schemas';

const at = (iso: string) => new Date(iso);
const quote = {
  lines: [
    { kind: 'part' as const, partNo: 'CAP-35UF', description: '启动电容 <b>', quantity: 1, unitPrice: 80 },
    { kind: 'labour' as const, description: 'Labour', quantity: 1, unitPrice: 120 },
  ],
  currency: 'CNY',
  total: 200,
  coveredByWarranty: false,
  status: 'awaiting_approval' as const,
};
function row(stage: string, snapshot: object = {}): CaseRowLike {
  return {
    caseNo: 'CS-20261201-000001',
    stage,
    customerLanguage: 'zh-CN',
    productCategory: 'air_conditioner',
    productModel: 'KFR-35GW',
    engineerId: 'E001',
    engineerName: '王师傅',
    appointmentStart: at('2026-12-02T02:00:00Z'),
    appointmentEnd: at('2026-12-02T04:00:00Z'),
    snapshot: { engineerBadgeNo: 'B-1001', ...snapshot },
  };
}
const timeline = [
  { type: 'case.opened', occurredAt: at('2026-12-01T01:00:00Z') },
  { type: 'engineer.assigned', occurredAt: at('2026-12-01T01:05:00Z') },
  { type: 'internal.note', occurredAt: at('2026-12-01T01:06:00Z') },
  { type: 'appointment.booked', occurredAt: at('2026-12-01T01:10:00Z') },
  { type: 'visit.checked_in', occurredAt: at('2026-12-02T02:10:00Z') },
  { type: 'quote.submitted', occurredAt: at('2026-12-02T02:30:00Z') },
];
const frame = (lang: 'zh-CN' | 'en'): PageFrame => ({ lang, hotline: '400-123-4567', path: '/customer/cases/tok' });
const ctx = (lang: 'zh-CN' | 'en'): FormContext => ({ lang, base: '/customer/cases/tok', csrf: 'CSRF-TOKEN', newKey: () => 'k'.repeat(22) });

describe('case page', () => {
  const model = caseModel(row('awaiting_approval', { quote }), timeline, []);

  it('tracks the steps with their times and keeps internal events out', () => {
    expect(model.steps.map((s) => s.state)).toEqual(['done', 'done', 'done', 'current', 'todo', 'todo']);
    expect(model.steps[1]!.at).toBe('2026-12-01T01:05:00.000Z');
    expect(model.events.map((e) => e.label.en)).toEqual(['Quote issued', 'Engineer arrived', 'Visit booked', 'Engineer assigned', 'Request received']);
    expect(model.canApproveQuote).toBe(true);
  });

  it('renders in zh-CN and en, escaped, with links to the confirmation step and no inline script or style', () => {
    const zh = renderCasePage(frame('zh-CN'), ctx('zh-CN'), model, undefined, false);
    const en = renderCasePage(frame('en'), ctx('en'), model, undefined, false);
    expect(zh).toContain('<html lang="zh-CN">');
    expect(zh).toContain(MESSAGES['zh-CN'].quote);
    expect(zh).toContain('王师傅');
    expect(zh).toContain('B-1001');
    expect(en).toContain('Repair quote');
    expect(en).toContain('CAP-35UF');
    expect(en).toContain('400-123-4567');
    expect(zh).toContain('启动电容 &lt;b>');
    expect(zh).toContain('href="/customer/cases/tok?step=approve&amp;lang=zh-CN#confirm-step"');
    for (const html of [zh, en]) {
      expect(html).not.toMatch(/<script|\sstyle=|\son[a-z]+=/i);
      expect(html).toContain('<link rel="stylesheet" href="/assets/customer.css"/>');
      expect(html).not.toContain('/forms/quote');
    }
  });

  it('the confirmation step is one form with the CSRF token, a fresh key and the decision', () => {
    const html = renderCasePage(frame('en'), ctx('en'), model, 'decline', false);
    expect(html).toContain('action="/customer/cases/tok/forms/quote"');
    expect(html).toContain('<input type="hidden" name="csrf" value="CSRF-TOKEN"/>');
    expect(html).toContain(`<input type="hidden" name="key" value="${'k'.repeat(22)}"/>`);
    expect(html).toContain('<input type="hidden" name="approve" value="false"/>');
    expect(html).toContain('Yes, decline');
  });

  it('shows a decision back with its time, and a confirmation instead of its form', () => {
    const decided = caseModel(
      row('archived', {
        quote: { ...quote, status: 'approved', decidedAt: '2026-12-02T02:40:00Z' },
        confirmation: { fixed: true, rating: 4, comment: 'ok', at: '2026-12-02T05:00:00Z', by: { role: 'customer' } },
      }),
      timeline,
      [],
    );
    const html = renderCasePage(frame('en'), ctx('en'), decided, undefined, false);
    expect(html).toContain('You approved the quote');
    expect(html).toContain('You confirmed the repair');
    expect(html).toContain('4 stars');
    expect(html).not.toContain('/forms/confirm');
    // A closed case's link still files a complaint (they mostly come after the visit); nothing else.
    expect(html).toContain('/forms/complaint');
    expect(html).not.toContain('/forms/reschedule');
    expect(decided.nextBy).toBeUndefined();
  });
});

describe('confirmation', () => {
  const confirming = caseModel(row('awaiting_confirmation', { quote: { ...quote, status: 'approved' } }), timeline, []);
  const html = renderCasePage(frame('en'), ctx('en'), confirming, undefined, false);
  const forms = html.match(/<form[^>]*forms\/confirm"[\s\S]*?<\/form>/g) ?? [];

  it('"fixed" and "not fixed" are two forms: stars (none pre-set) with the first, a required reason and no rating with the second', () => {
    expect(forms).toHaveLength(2);
    const [fixed, notFixed] = forms as [string, string];
    expect(fixed).toContain('name="fixed" value="true"');
    expect(fixed.match(/name="rating"/g)).toHaveLength(5);
    expect(fixed).not.toContain('checked');
    expect(notFixed).toContain('name="fixed" value="false"');
    expect(notFixed).not.toContain('name="rating"');
    expect(notFixed).toMatch(/<textarea id="rework-reason" name="comment" required/);
    expect(notFixed).toContain('We send an engineer back');
  });

  it('no reschedule form once the visit is done', () => {
    expect(html).not.toContain('/forms/reschedule');
    const onSite = caseModel(row('on_site', { quote: { ...quote, status: 'approved' } }), timeline, []);
    expect(renderCasePage(frame('en'), ctx('en'), onSite, undefined, false)).not.toContain('/forms/reschedule');
    const booked = caseModel(row('scheduled'), timeline.slice(0, 4), []);
    expect(renderCasePage(frame('en'), ctx('en'), booked, undefined, false)).toContain('/forms/reschedule');
  });

  it('"not fixed" is shown back from the rework event while the engineer returns, and stays after the next visit', () => {
    const reworked = [
      ...timeline,
      { type: 'visit.checked_out', occurredAt: at('2026-12-02T03:00:00Z') },
      { type: 'case.rework', occurredAt: at('2026-12-02T05:00:00Z'), data: { comment: 'still <noisy>', rework: 1, previousEngineerId: 'E001' } },
    ];
    // The workflow forgot the answer (confirmation undefined) and is back at dispatch.
    const back = caseModel({ ...row('manual_dispatch', { reworks: 1 }), engineerId: null, engineerName: null }, reworked, []);
    expect(back.notFixed).toEqual([{ at: '2026-12-02T05:00:00.000Z', reason: 'still <noisy>' }]);
    expect(back.next).toBe('return_visit');
    const en = renderCasePage(frame('en'), ctx('en'), back, undefined, false);
    expect(en).toContain('You said not fixed</strong> at <time datetime="2026-12-02T05:00:00.000Z">');
    expect(en).toContain('<q>still &lt;noisy></q>; the engineer will return.');
    expect(en).toContain('We are arranging a return visit to repair it again.');
    expect(en).not.toContain('/forms/confirm');
    const zh = renderCasePage(frame('zh-CN'), ctx('zh-CN'), back, undefined, false);
    expect(zh).toContain('反馈未修好');
    expect(zh).toContain('工程师将再次上门维修');
    // After the return visit, asked again: the earlier answer stays, without "will return", above the forms.
    const again = caseModel(row('awaiting_confirmation', { reworks: 1 }), reworked, []);
    const html2 = renderCasePage(frame('en'), ctx('en'), again, undefined, false);
    expect(html2).toContain('You said not fixed');
    expect(html2).not.toContain('the engineer will return');
    expect(html2).toContain('/forms/confirm');
  });
});

describe('what happens next', () => {
  const next = (stage: string, snap: object, events = timeline) =>
    renderCasePage(frame('en'), ctx('en'), caseModel(row(stage, snap), events, []), undefined, false);

  it('on site follows the quote: diagnose and quote before it, repair after approval', () => {
    expect(next('on_site', {})).toContain('The engineer diagnoses and quotes.');
    const approved = next('on_site', { quote: { ...quote, status: 'approved' } });
    expect(approved).not.toContain('diagnoses and quotes');
    expect(approved).toContain('The engineer repairs at the price you approved');
    expect(next('awaiting_confirmation', { visitOutcome: 'repair_declined' })).toContain('nothing was repaired');
  });

  it('shows the ETA the customer was texted while the visit is booked', () => {
    const booked = [
      ...timeline.slice(0, 4),
      { type: 'customer.notified', occurredAt: at('2026-12-01T01:10:01Z'), data: { template: 'engineer.assigned', eta: '2026-12-02T02:00:00.000Z' } },
    ];
    const html = next('scheduled', {}, booked);
    expect(html).toMatch(/Expected contact or arrival by <time datetime="2026-12-02T02:00:00.000Z">/);
    const zh = renderCasePage(frame('zh-CN'), ctx('zh-CN'), caseModel(row('scheduled'), booked, []), undefined, false);
    expect(zh).toMatch(/预计 <time datetime="2026-12-02T02:00:00.000Z">[^<]+<\/time> 前与您联系或到达/);
    // Not once the engineer is there.
    expect(next('on_site', {}, booked)).not.toContain('Expected contact or arrival');
  });
});

describe('complaint page', () => {
  const c = complaintModel(
    {
      complaintNo: 'CP-20261201-000001',
      stage: 'resolution_proposed',
      category: 'repair_quality',
      summary: 'still noisy',
      acknowledgeBy: at('2026-12-01T03:00:00Z'),
      resolveBy: at('2026-12-03T01:00:00Z'),
      snapshot: { resolution: { text: 'free revisit', compensation: { amount: 50, currency: 'CNY' }, proposedAt: '2026-12-01T05:00:00Z' } },
    },
    [{ type: 'complaint.opened', occurredAt: at('2026-12-01T01:00:00Z') }],
  );
  it('shows the stage, the resolve-by deadline and a proposal to accept or reject', () => {
    const zh = renderComplaintPage({ ...frame('zh-CN'), path: '/customer/complaints/tok' }, { ...ctx('zh-CN'), base: '/customer/complaints/tok' }, c, true);
    expect(zh).toContain('处理方案待您确认');
    expect(zh).toContain('处理期限');
    expect(zh).toContain('free revisit');
    expect(zh).toContain('name="accepted" value="true"');
    expect(zh).toContain('name="accepted" value="false"');
    expect(zh).toContain('已提交');
  });
});

describe('error pages', () => {
  it('say what happened in the language asked, with the hotline', () => {
    const zh = renderProblem(frame('zh-CN'), { kind: 'revoked' });
    expect(zh).toContain('此链接已被更新的链接替换');
    expect(zh).toContain('400-123-4567');
    const en = renderProblem(frame('en'), { kind: 'moved', stage: 'awaiting_confirmation' }, '/customer/cases/tok?lang=en');
    expect(en).toContain('This is no longer possible');
    expect(en).toContain('Repaired: please confirm');
    expect(en).toContain('Back to my request');
    expect(renderProblem(frame('en'), { kind: 'reason_required' })).toContain('tell us what is still wrong');
    expect(renderProblem(frame('zh-CN'), { kind: 'reason_required' })).toContain('请说明哪里还有问题');
  });

  it('maps the API errors to problems a person understands', () => {
    expect(problemOf(new HttpError(401, 'link_expired', 'x'))).toEqual({ kind: 'expired' });
    expect(problemOf(new HttpError(401, 'invalid_link', 'x'))).toEqual({ kind: 'invalid' });
    expect(problemOf(new HttpError(410, 'link_revoked', 'this link was replaced by a newer one'))).toEqual({ kind: 'revoked' });
    expect(problemOf(new HttpError(410, 'link_revoked', 'this link was withdrawn'))).toEqual({ kind: 'withdrawn' });
    expect(problemOf(new HttpError(409, 'illegal_transition', 'x', { currentStage: 'archived' }))).toEqual({ kind: 'moved', stage: 'archived' });
    expect(problemOf(new HttpError(403, 'csrf_failed', 'x'))).toEqual({ kind: 'form_expired' });
    expect(problemOf(new HttpError(400, 'validation_failed', 'x'))).toEqual({ kind: 'invalid_input' });
    const missing = (message: string) => new HttpError(400, 'validation_failed', 'x', { fields: [{ path: 'body.comment', message }] });
    expect(problemOf(missing(NOT_FIXED_REASON_REQUIRED))).toEqual({ kind: 'reason_required' });
    expect(problemOf(missing(RATING_REQUIRED))).toEqual({ kind: 'rating_required' });
    expect(problemOf(Object.assign(new Error('too large'), { status: 413 }))).toEqual({ kind: 'invalid_input' });
    expect(problemOf(new Error('boom'))).toEqual({ kind: 'busy' });
  });
});

describe('language', () => {
  const req = (query: object, acceptLanguage?: string) =>
    ({ query, acceptsLanguages: (...langs: string[]) => (acceptLanguage && langs.find((l) => acceptLanguage.startsWith(l))) || false }) as unknown as Request;
  it('?lang first, then the customer, then the browser, then zh-CN', () => {
    expect(pageLang(req({ lang: 'en' }), 'zh-CN')).toBe('en');
    expect(pageLang(req({}), 'en')).toBe('en');
    expect(pageLang(req({}, 'en-US'), undefined)).toBe('en');
    expect(pageLang(req({}), undefined)).toBe('zh-CN');
    expect(pageLang(req({ lang: 'fr' }), 'xx')).toBe('zh-CN');
  });
});

describe('CSRF token', () => {
  const key = csrfKey('a-test-link-secret-0123456789');
  const nonce = 'n'.repeat(24);
  const req = (cookie?: string) => ({ get: (h: string) => (h === 'cookie' ? cookie : undefined) }) as unknown as Request;
  const token = csrfToken(key, 'link-A', nonce);
  it('holds for the same link and cookie only', () => {
    expect(csrfValid(key, req(`x=1; cw_csrf=${nonce}`), 'link-A', token)).toBe(true);
    expect(csrfValid(key, req(`cw_csrf=${nonce}`), 'link-B', token)).toBe(false);
    expect(csrfValid(key, req(`cw_csrf=${'m'.repeat(24)}`), 'link-A', token)).toBe(false);
    expect(csrfValid(key, req(undefined), 'link-A', token)).toBe(false);
    expect(csrfValid(key, req(`cw_csrf=${nonce}`), 'link-A', undefined)).toBe(false);
    expect(csrfValid(csrfKey('another-secret-0123456789'), req(`cw_csrf=${nonce}`), 'link-A', token)).toBe(false);
  });
});
