// The template catalogue and the idempotency key (pure domain code).
import {
  faultInBrief,
  localTime,
  maskRecipient,
  NOTIFICATION_EVENTS,
  NOTIFICATION_LOCALES,
  notificationKey,
  renderNotification,
  templateVars,
  TemplateError,
  windowsText,
} from '../../domain/notifications';
import { scrubForLog } from '../../activities/notifications';

describe('template catalogue', () => {
  test.each(NOTIFICATION_EVENTS)('%s renders in zh-CN and en with every placeholder filled', (event) => {
    const vars = Object.fromEntries(templateVars(event).map((name) => [name, `<${name}>`]));
    for (const locale of NOTIFICATION_LOCALES) {
      const { subject, text } = renderNotification(event, locale, vars);
      expect(subject.length).toBeGreaterThan(3);
      expect(`${subject} ${text}`).not.toMatch(/\{[A-Za-z]/);
    }
    const zh = renderNotification(event, 'zh-CN', vars);
    expect(zh.text).toMatch(/[\u4e00-\u9fff]/);
    const en = renderNotification(event, 'en', vars);
    expect(en.text).not.toMatch(/[\u4e00-\u9fff]/);
  });

  test('covers the events the issue names, and no other', () => {
    expect([...NOTIFICATION_EVENTS].sort()).toEqual(
      [
        'case.opened',
        'engineer.assigned',
        'engineer.offered',
        'engineer.case_assigned',
        'engineer.unassigned',
        'engineer.unassigned_visit_cancelled',
        'engineer.offer_withdrawn',
        'engineer.case_cancelled',
        'engineer.rescheduled',
        'appointment.reminder',
        'engineer.reminder',
        'contact.reminder',
        'quote.awaiting_approval',
        'case.awaiting_confirmation',
        'confirmation.reminder',
        'sla.warning',
        'sla.escalation',
        'complaint.opened',
        'complaint.resolution_proposed',
        'complaint.warning',
        'complaint.escalation',
        'complaint.closed',
        'complaint.assigned',
        'callback.due',
        'maintenance.due',
        'callback.survey',
        'maintenance.reminder',
        'reschedule.requested',
        'engineer.reschedule_requested',
        'reschedule.declined',
      ].sort(),
    );
  });

  test('engineer.assigned tells the customer the engineer, the ID number and the ETA', () => {
    const r = renderNotification('engineer.assigned', 'en', { caseNo: 'CS-1', engineerName: 'Li', engineerId: 'E001', eta: '10:00' });
    expect(r.text).toBe('Engineer Li (ID E001) is handling case CS-1; expected contact or arrival by 10:00.');
  });

  test('engineer.offered tells the engineer the case in brief, the window and the link', () => {
    const vars = {
      caseNo: 'CS-1',
      product: 'air_conditioner KFR-35GW',
      region: 'SH-PD',
      fault: '不制冷',
      expiresAt: '2026-12-01 10:30 (UTC+8)',
      link: 'https://x/engineer/offers/t',
    };
    expect(renderNotification('engineer.offered', 'zh-CN', vars).text).toBe(
      '新工单 CS-1：air_conditioner KFR-35GW，SH-PD，故障：不制冷。请在 2026-12-01 10:30 (UTC+8) 前接单或拒单：https://x/engineer/offers/t',
    );
    expect(renderNotification('engineer.offered', 'en', vars).text).toBe(
      'New case CS-1: air_conditioner KFR-35GW, SH-PD, fault: 不制冷. Accept or decline by 2026-12-01 10:30 (UTC+8): https://x/engineer/offers/t',
    );
  });

  test('faultInBrief keeps a few words and leaves out digit runs (phone, house numbers)', () => {
    expect(faultInBrief('空调不制冷，请打 138 0013 8000 联系')).toBe('空调不制冷，请打 … 联系');
    expect(faultInBrief('a'.repeat(40))).toBe(`${'a'.repeat(30)}…`);
  });

  test('a missing variable is an error, never a blank', () => {
    expect(() => renderNotification('case.awaiting_confirmation', 'en', { caseNo: 'CS-1' })).toThrow(TemplateError);
    expect(() => renderNotification('case.awaiting_confirmation', 'en', { caseNo: 'CS-1', link: '' })).toThrow(/needs link/);
  });
});

describe('notificationKey', () => {
  test('is stable across spellings of the same recipient and carries no address', () => {
    const a = notificationKey('CS-20261122-000001', 'case.opened', '+86 138 0013 8000', 'sms');
    expect(notificationKey('CS-20261122-000001', 'case.opened', '13800138000', 'sms')).toBe(a);
    expect(a).toMatch(/^CS-20261122-000001:case\.opened:sms:[0-9a-f]{16}$/);
    expect(a).not.toContain('8000');
    expect(notificationKey('CS-1', 'case.opened', 'A@B.com', 'email')).toBe(notificationKey('CS-1', 'case.opened', 'a@b.com', 'email'));
  });

  test('differs by subject, event, recipient and channel', () => {
    const keys = new Set([
      notificationKey('CS-1', 'case.opened', '13800138000', 'sms'),
      notificationKey('CS-2', 'case.opened', '13800138000', 'sms'),
      notificationKey('CS-1', 'engineer.assigned', '13800138000', 'sms'),
      notificationKey('CS-1', 'case.opened', '13800138001', 'sms'),
      notificationKey('CS-1', 'case.opened', '13800138000', 'email'),
      notificationKey('CS-1#visit-2', 'case.opened', '13800138000', 'sms'),
    ]);
    expect(keys.size).toBe(6);
  });
});

test('masking for logs', () => {
  expect(maskRecipient('email', 'zhang.san@example.com')).toBe('z***@example.com');
  expect(maskRecipient('sms', '13800138000')).not.toContain('0013');
  expect(scrubForLog('550 mailbox zhang.san@example.com unknown; phone +86 138 0013 8000')).toBe('550 mailbox z***@example.com unknown; phone +86138****8000');
});

describe('localTime', () => {
  test("shows an instant in the service area's time, not ISO-8601", () => {
    expect(localTime('2026-11-22T15:30:00Z', 480)).toBe('2026-11-22 23:30 (UTC+8)');
    expect(localTime(Date.parse('2026-12-31T20:00:00Z'), 480)).toBe('2027-01-01 04:00 (UTC+8)');
    expect(localTime('2026-11-22T15:30:00+08:00', 330)).toBe('2026-11-22 13:00 (UTC+5:30)');
    expect(localTime('2026-11-22T15:30:00Z', -300)).toBe('2026-11-22 10:30 (UTC-5)');
  });
});

describe('a reschedule request', () => {
  test('shows its windows in the service time zone, the end day in full only when it differs', () => {
    const windows = [
      { start: '2026-12-12T01:00:00Z', end: '2026-12-12T03:00:00Z' },
      { start: '2026-12-12T14:00:00Z', end: '2026-12-12T17:00:00Z' },
    ];
    expect(windowsText(windows, 480)).toBe('2026-12-12 09:00–11:00 (UTC+8); 2026-12-12 22:00 (UTC+8) – 2026-12-13 01:00 (UTC+8)');
  });

  test('tells the dispatcher the windows, the reason and where to decide; the customer the reason and the hotline', () => {
    const vars = {
      caseNo: 'CS-1',
      requestId: 7,
      product: 'air_conditioner KFR-35GW',
      region: 'SH-PD',
      windows: '2026-12-12 09:00–11:00 (UTC+8)',
      reason: '出差',
    };
    expect(renderNotification('reschedule.requested', 'en', vars).text).toBe(
      'The customer asks to move the visit for case CS-1 (air_conditioner KFR-35GW, SH-PD) to one of: 2026-12-12 09:00–11:00 (UTC+8). Reason: 出差. ' +
        'Decide in dispatch: POST /reschedule-requests/7/accept or /decline (open ones: GET /reschedule-requests?status=open).',
    );
    expect(renderNotification('engineer.reschedule_requested', 'zh-CN', vars).text).toContain('可选时段：2026-12-12 09:00–11:00 (UTC+8)；原因：出差');
    expect(renderNotification('reschedule.declined', 'en', { caseNo: 'CS-1', reason: 'no engineer free', hotline: '400-1' }).text).toBe(
      'We could not accept your request to move the visit for case CS-1. Reason: no engineer free. Your booked visit stands; for help call our hotline 400-1.',
    );
  });
});
