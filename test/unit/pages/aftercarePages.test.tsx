// The after-visit sections of the case page without a server: the SMS survey (open,
// answered, closed), the maintenance reminder (open, opt-out step, booked, closed, opted
// out), their refusal pages, and the forms' parsing.
import { AftercareSections, renderAftercareRefusal, type AftercarePageView } from '../../../api/pages/customer/aftercare';
import { MaintenanceBookForm, SurveyForm, isAftercareForm } from '../../../api/pages/customer/aftercareForms';
import type { FormContext } from '../../../api/pages/customer/layout';
import type { MaintenanceView } from '../../../api/customerAftercare';
import { bookingRefusal } from '../../../api/customerAftercare';
import { renderToString } from 'preact-render-to-string';

const ctx = (lang: 'zh-CN' | 'en'): FormContext => ({ lang, base: '/customer/cases/tok', csrf: 'CSRF-TOKEN', newKey: () => 'k'.repeat(22) });
const render = (view: AftercarePageView, lang: 'zh-CN' | 'en' = 'en') => renderToString(<AftercareSections view={view} ctx={ctx(lang)} />);
const survey = { sentAt: '2026-12-01T02:00:00.000Z', closesAt: '2026-12-08T02:00:00.000Z' };
const maintenance: MaintenanceView = {
  reminderId: 7,
  seriesId: 'maintenance-air_conditioner-SN1',
  service: { zh: '空调清洗保养', en: 'air conditioner cleaning' },
  product: { category: 'air_conditioner', model: 'KFR-35GW', serial: 'SN<1>' },
  dueAt: '2027-06-01T02:00:00.000Z',
  closesAt: '2027-07-01T02:00:00.000Z',
  booking: 'open',
};

describe('survey', () => {
  it('open: five labelled star radios, a comment and one POST with the CSRF token and a key', () => {
    const html = render({ survey: { ...survey, status: 'open' }, optOutStep: false });
    expect(html).toContain('action="/customer/cases/tok/forms/survey"');
    expect(html).toContain('name="csrf" value="CSRF-TOKEN"');
    expect(html).toContain(`name="key" value="${'k'.repeat(22)}"`);
    expect(html.match(/type="radio" name="rating"/g)).toHaveLength(5);
    for (const n of [1, 2, 3, 4, 5]) expect(html).toContain(`value="${n}" required`);
    expect(html).toContain('<span class="sr">3 stars</span>');
    expect(html).toContain('<label for="survey-comment">');
    expect(html).toContain('Please answer by');
    expect(html).not.toMatch(/checked/);
  });

  it('answered: the rating, the comment (escaped) and the time, no form', () => {
    const html = render(
      { survey: { ...survey, status: 'answered', rating: 2, comment: '<b>late</b>', answeredAt: '2026-12-02T03:04:00.000Z' }, optOutStep: false },
      'zh-CN',
    );
    expect(html).toContain('感谢您的评价');
    expect(html).toContain('★★☆☆☆');
    expect(html).toContain('&lt;b>late&lt;/b>');
    expect(html).toContain('datetime="2026-12-02T03:04:00.000Z"');
    expect(html).toContain('12月2日 11:04');
    expect(html).not.toContain('<form');
  });

  it('closed: says so, no form', () => {
    const html = render({ survey: { ...survey, status: 'closed' }, optOutStep: false });
    expect(html).toContain('This survey has closed');
    expect(html).not.toContain('<form');
  });
});

describe('maintenance reminder', () => {
  it('open: the product, the due date, the booking form with three optional windows, a link to the opt-out step', () => {
    const zh = render({ maintenance, optOutStep: false }, 'zh-CN');
    const en = render({ maintenance, optOutStep: false });
    expect(zh).toContain('空调清洗保养');
    expect(zh).toContain('2027年6月1日');
    expect(en).toContain('air conditioner cleaning');
    expect(en).toContain('KFR-35GW (serial SN&lt;1>)');
    expect(en).toContain('Due on <time datetime="2027-06-01T02:00:00.000Z">June 1, 2027</time>');
    expect(en).toContain('Book by <time datetime="2027-07-01T02:00:00.000Z">July 1, 2027</time>');
    expect(en).toContain('action="/customer/cases/tok/forms/maintenance"');
    expect(en.match(/type="datetime-local"/g)).toHaveLength(6);
    expect(en).not.toMatch(/datetime-local"[^>]*required/);
    expect(en).toContain('href="/customer/cases/tok?step=opt-out&amp;lang=en#opt-out"');
    expect(en).not.toContain('/forms/maintenance-opt-out');
  });

  it('the opt-out step: a confirmation with one POST and a way back', () => {
    const html = render({ maintenance, optOutStep: true });
    expect(html.indexOf('id="opt-out"')).toBeLessThan(html.indexOf('id="maintenance"'));
    expect(html).toContain('Stop maintenance reminders?');
    expect(html).toContain('action="/customer/cases/tok/forms/maintenance-opt-out"');
    expect(html).toContain('href="/customer/cases/tok?lang=en#maintenance"');
  });

  it('booked, closed, opted out: shown back, no booking form', () => {
    const booked = render({
      maintenance: { ...maintenance, booking: 'booked', bookedCaseNo: 'CS-20270520-000001', bookedAt: '2027-05-20T01:00:00.000Z' },
      optOutStep: false,
    });
    expect(booked).toContain('You booked the maintenance visit');
    expect(booked).toContain('CS-20270520-000001');
    expect(booked).not.toContain('/forms/maintenance"');
    const closed = render({ maintenance: { ...maintenance, booking: 'closed' }, optOutStep: false }, 'zh-CN');
    expect(closed).toContain('本次保养的预约期已结束');
    expect(closed).not.toContain('/forms/maintenance"');
    const out = render({ maintenance: { ...maintenance, optedOutAt: '2027-05-21T01:00:00.000Z' }, optOutStep: true });
    expect(out).toContain('You stopped the maintenance reminders for this product');
    expect(out).not.toContain('<form');
    expect(out).not.toContain('step=opt-out');
  });

  it('the JSON route refuses an opted-out or closed reminder, and answers a booked one (a retry)', () => {
    expect(bookingRefusal(maintenance)).toBeUndefined();
    expect(bookingRefusal({ ...maintenance, booking: 'booked', optedOutAt: 'x' })).toBeUndefined();
    expect(bookingRefusal({ ...maintenance, optedOutAt: 'x' })).toMatchObject({ status: 409, code: 'maintenance_opted_out' });
    expect(bookingRefusal({ ...maintenance, booking: 'closed' })).toMatchObject({ status: 409, code: 'booking_closed' });
  });
});

describe('refusals and forms', () => {
  it('a refusal is a page in the customer language with the hotline and the way back', () => {
    const html = renderAftercareRefusal(
      { lang: 'zh-CN', hotline: '400-123-4567', path: '/customer/cases/tok' },
      'booking_closed',
      '/customer/cases/tok?lang=zh-CN',
    );
    expect(html).toContain('本次保养的预约期已结束，无法在线预约');
    expect(html).toContain('400-123-4567');
    expect(html).toContain('href="/customer/cases/tok?lang=zh-CN"');
    expect(html).toContain('role="alert"');
  });

  it('parses the survey and booking forms as the JSON bodies', () => {
    expect(SurveyForm.parse({ rating: '4', comment: '  ' })).toEqual({ rating: 4 });
    expect(SurveyForm.safeParse({ rating: '6' }).success).toBe(false);
    expect(MaintenanceBookForm.parse({ start1: '', end1: '' })).toEqual([]);
    expect(MaintenanceBookForm.parse({ start1: '2031-01-06T09:00', end1: '2031-01-06T12:00', start2: '', end2: '' })).toEqual([
      { start: '2031-01-06T09:00:00+08:00', end: '2031-01-06T12:00:00+08:00' },
    ]);
    expect(MaintenanceBookForm.safeParse({ start1: '2031-01-06T09:00', end1: '' }).success).toBe(false);
    expect(MaintenanceBookForm.safeParse({ start1: '2020-01-06T09:00', end1: '2020-01-06T12:00' }).success).toBe(false);
    expect([isAftercareForm('survey'), isAftercareForm('maintenance-opt-out'), isAftercareForm('quote'), isAftercareForm(['survey'])]).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});
