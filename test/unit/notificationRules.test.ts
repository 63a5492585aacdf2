// Notification helpers beyond test/notifications/templates.test.ts: recipients, keys,
// masking, the link fallback, local time; and the phone helpers of domain/privacy.ts.
import {
  isNotificationEvent,
  linkOrHotline,
  localTime,
  maskEmail,
  maskRecipient,
  NOTIFICATION_CHANNELS,
  NOTIFICATION_LOCALES,
  NOTIFICATION_STATUSES,
  normalizeRecipient,
  notificationKey,
  renderNotification,
  templateVars,
  TemplateError,
  WEBHOOK_SUBSCRIBERS,
  type NotificationLocale,
} from '../../domain/notifications';
import { maskPhone, normalizePhone } from '../../domain/privacy';

/** FNV-1a 64 over the UTF-8 bytes, written independently of the code under test. */
function fnv(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (const b of Buffer.from(text, 'utf8')) h = ((h ^ BigInt(b)) * 0x100000001b3n) % 2n ** 64n;
  return h.toString(16).padStart(16, '0');
}

/** A recipient whose digest starts with a zero (found by trying 'r0', 'r1', …). */
const LEADING_ZERO = 'r0';

test('channels, locales, statuses and the webhook recipient', () => {
  expect(NOTIFICATION_CHANNELS).toEqual(['sms', 'email', 'webhook']);
  expect(NOTIFICATION_LOCALES).toEqual(['zh-CN', 'en']);
  expect(NOTIFICATION_STATUSES).toEqual(['queued', 'sent', 'failed']);
  expect(WEBHOOK_SUBSCRIBERS).toBe('*');
});

describe('recipients and keys', () => {
  test('phones compare by their digits, without the country code 86', () => {
    expect(normalizeRecipient('sms', '+86 138-0013-8000')).toBe('13800138000');
    expect(normalizeRecipient('sms', '8613800138000')).toBe('13800138000');
    // Not a +86 mobile number: kept as digits.
    expect(normalizeRecipient('sms', '+1 212 555 0100')).toBe('12125550100');
    expect(normalizeRecipient('sms', '0086 138 0013 8000')).toBe('008613800138000');
    expect(normalizeRecipient('sms', '9913800138000')).toBe('9913800138000');
    expect(normalizeRecipient('sms', '86 1234 5678')).toBe('8612345678');
  });

  test('e-mail compares trimmed and lower-cased; webhook recipients trimmed only', () => {
    expect(normalizeRecipient('email', '  Zhang.San@Example.COM ')).toBe('zhang.san@example.com');
    expect(normalizeRecipient('webhook', ' * ')).toBe('*');
    expect(normalizeRecipient('webhook', ' Hook ')).toBe('Hook');
  });

  test('a key is subject:event:channel:FNV-1a-64 of the normalised recipient', () => {
    expect(notificationKey('CS-1', 'case.opened', 'a', 'webhook')).toBe('CS-1:case.opened:webhook:af63dc4c8601ec8c');
    expect(notificationKey('CS-1', 'case.opened', 'foobar', 'webhook')).toBe('CS-1:case.opened:webhook:85944171f73967e8');
    expect(notificationKey('CS-1', 'case.opened', '', 'webhook')).toBe('CS-1:case.opened:webhook:cbf29ce484222325');
    // A digest with a leading zero keeps its sixteen digits.
    expect(fnv(LEADING_ZERO)).toMatch(/^0[0-9a-f]{15}$/);
    expect(notificationKey('CS-1', 'case.opened', LEADING_ZERO, 'webhook')).toBe(`CS-1:case.opened:webhook:${fnv(LEADING_ZERO)}`);
    expect(notificationKey('CP-9', 'complaint.opened', '+86 138 0013 8000', 'sms')).toBe(`CP-9:complaint.opened:sms:${fnv('13800138000')}`);
  });

  test('the digest reads text as UTF-8 (two-, three- and four-byte characters)', () => {
    // Including the first character of each UTF-8 length: U+0080, U+0800, U+10000.
    for (const r of ['ü@例子.cn', '客服热线', 'a😀b', 'ß€𝄞', '\u007f\u0080', '\u07ff\u0800', '\uffff\u{10000}']) {
      expect(notificationKey('CS-1', 'case.opened', r, 'webhook')).toBe(`CS-1:case.opened:webhook:${fnv(r)}`);
    }
  });
});

describe('masking', () => {
  test('e-mail: first letter and domain', () => {
    expect(maskEmail('zhang.san@example.com')).toBe('z***@example.com');
    expect(maskEmail('a@b@example.com')).toBe('a***@example.com');
    expect(maskEmail('a@example.com')).toBe('a***@example.com');
    expect(maskEmail('@example.com')).toBe('***');
    expect(maskEmail('no-at-sign')).toBe('***');
  });

  test('phones: country code and the first digits, the last four', () => {
    expect(maskPhone('+86 138 0013 8000')).toBe('+86138****8000');
    expect(maskPhone('138-0013-8000')).toBe('138****8000');
    expect(maskPhone('12345678')).toBe('****5678');
    expect(maskPhone('1234567')).toBe('*******');
    expect(maskPhone('')).toBe('');
  });

  test('by channel', () => {
    expect(maskRecipient('email', 'li@example.com')).toBe('l***@example.com');
    expect(maskRecipient('sms', '13800138000')).toBe('138****8000');
    expect(maskRecipient('webhook', '*')).toBe('*');
  });

  test('duplicates compare phones by their digits, without +86', () => {
    expect(normalizePhone('+86 138 0013 8000')).toBe('13800138000');
    expect(normalizePhone('13800138000')).toBe('13800138000');
    expect(normalizePhone('+1 (212) 555-0100')).toBe('12125550100');
    expect(normalizePhone('9913800138000')).toBe('9913800138000');
    expect(normalizePhone('86 1234 5678')).toBe('8612345678');
  });
});

describe('templates', () => {
  test('event names', () => {
    expect(isNotificationEvent('case.opened')).toBe(true);
    expect(isNotificationEvent('case.closed')).toBe(false);
    expect(isNotificationEvent('toString')).toBe(false);
  });

  test('the placeholders of an event, sorted, from both locales', () => {
    expect(templateVars('engineer.assigned')).toEqual(['caseNo', 'engineerId', 'engineerName', 'eta']);
    expect(templateVars('confirmation.reminder')).toEqual(['caseNo', 'link']);
  });

  test('numbers render as text; the subject is filled too', () => {
    const r = renderNotification('sla.escalation', 'en', { caseNo: 'CS-1', level: 2, stage: 'dispatch', deadline: '10:00', role: 'manager' });
    expect(r.subject).toBe('SLA escalation (level 2): case CS-1');
    expect(r.text).toBe('Case CS-1 breached its dispatch deadline at 10:00 and is escalated to level 2; manager, please follow up.');
    expect(renderNotification('confirmation.reminder', 'zh-CN', { caseNo: 'CS-1', link: 'L' }).subject).toBe('提醒：请确认工单 CS-1 的服务结果');
  });

  test('an unknown locale falls back to English; an unknown event is an error', () => {
    const r = renderNotification('confirmation.reminder', 'fr' as NotificationLocale, { caseNo: 'CS-1', link: 'L' });
    expect(r.text).toBe('Case CS-1 is still waiting for your confirmation: L');
    expect(() => renderNotification('no.such' as never, 'en', {})).toThrow(new TemplateError("no template for event 'no.such'"));
  });

  test('every missing variable is named, in the error', () => {
    expect(() => renderNotification('engineer.assigned', 'en', { caseNo: 'CS-1', eta: '' })).toThrow(
      new TemplateError("template 'engineer.assigned' (en) needs engineerName, engineerId, eta"),
    );
    expect(() => renderNotification('engineer.assigned', 'en', { caseNo: 'CS-1', engineerName: 'Li', engineerId: 'E1', eta: null as never })).toThrow(
      /needs eta$/,
    );
    expect(new TemplateError('x').name).toBe('TemplateError');
  });

  test('without a link secret, messages point to the hotline in the customer’s language', () => {
    expect(linkOrHotline({ url: 'https://x/customer/cases/t' }, 'en')).toBe('https://x/customer/cases/t');
    expect(linkOrHotline(null, 'en')).toBe('our service hotline');
    expect(linkOrHotline(null, 'zh-CN')).toBe('客服热线');
  });
});

test('local time: offsets west and east, with minutes, and text that is no date', () => {
  expect(localTime('2026-11-22T15:30:00Z', -210)).toBe('2026-11-22 12:00 (UTC-3:30)');
  expect(localTime('2026-11-22T15:30:00Z', 0)).toBe('2026-11-22 15:30 (UTC+0)');
  expect(localTime('2026-11-22T15:30:00Z', 345)).toBe('2026-11-22 21:15 (UTC+5:45)');
  expect(localTime('2026-11-22T15:30:00Z', 540)).toBe('2026-11-23 00:30 (UTC+9)');
  expect(localTime('2026-11-22T15:30:00Z', 5)).toBe('2026-11-22 15:35 (UTC+0:05)');
  expect(localTime('tomorrow', 480)).toBe('tomorrow');
});
