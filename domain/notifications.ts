// Notifications: what is sent, to whom, in which language. Pure (no Node modules) so the
// workflows can build requests and keys; the activity renders and sends them.
import { maskPhone } from './privacy';
import { RESCHEDULE_TEMPLATES } from './rescheduleTemplates';

export const NOTIFICATION_CHANNELS = ['sms', 'email', 'webhook'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

export const NOTIFICATION_LOCALES = ['zh-CN', 'en'] as const;
export type NotificationLocale = (typeof NOTIFICATION_LOCALES)[number];

export const NOTIFICATION_STATUSES = ['queued', 'sent', 'failed'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/** Recipient of a webhook notification: every active subscriber whose events match. */
export const WEBHOOK_SUBSCRIBERS = '*';

export type NotificationVars = Record<string, string | number>;

/**
 * Fixed e-mail contacts of SLA and complaint warnings and escalations: only runs started
 * before duty routing (no 'duty-routing' marker in their history) used them, and only for
 * the thresholds they fired before 'duty-routing-open-runs', so those histories replay.
 * Everything firing now routes to people (activities/routing.ts).
 */
export interface EscalationContacts {
  supervisorEmail: string;
  managerEmail: string;
}

export const LEGACY_ESCALATION_CONTACTS: EscalationContacts = { supervisorEmail: 'supervisor@casework.local', managerEmail: 'manager@casework.local' };

/** The contacts a legacy run's input named, over the legacy defaults. */
export function escalationContactsFrom(overrides?: Partial<EscalationContacts>): EscalationContacts {
  return { ...LEGACY_ESCALATION_CONTACTS, ...overrides };
}

export interface NotificationRequest {
  /** Idempotency key: notificationKey(...). One message per key, ever. */
  key: string;
  channel: NotificationChannel;
  /** Phone number (sms), e-mail address (email) or WEBHOOK_SUBSCRIBERS (webhook). */
  recipient: string;
  event: NotificationEvent;
  locale: NotificationLocale;
  vars: NotificationVars;
  caseNo?: string;
  complaintNo?: string;
  /**
   * The person (people.id) the message is for, when the sender knows one: a routed or
   * named staff member, an engineer's linked person. GET /me/notifications lists by it.
   */
  personId?: string;
}

interface Template {
  subject: string;
  text: string;
}

/**
 * The catalogue: one row per event, a subject and a text per locale. `{name}` is replaced
 * by vars.name; every placeholder must be supplied. SMS sends the text only; e-mail the
 * subject and text; webhooks carry both plus the vars. To add an event, add a row.
 */
export const TEMPLATES = {
  'case.opened': {
    'zh-CN': {
      subject: '您的服务工单 {caseNo} 已受理',
      text: '尊敬的{customerName}，您的报修（{product}）已受理，工单号 {caseNo}。我们将尽快安排工程师与您联系。',
    },
    en: {
      subject: 'Service case {caseNo} received',
      text: 'Dear {customerName}, your service request ({product}) has been received as case {caseNo}. An engineer will contact you shortly.',
    },
  },
  'engineer.assigned': {
    'zh-CN': {
      subject: '工单 {caseNo}：工程师已派单',
      text: '工单 {caseNo} 已由工程师{engineerName}（工号 {engineerId}）负责，预计 {eta} 前与您联系或到达。',
    },
    en: {
      subject: 'Case {caseNo}: engineer assigned',
      text: 'Engineer {engineerName} (ID {engineerId}) is handling case {caseNo}; expected contact or arrival by {eta}.',
    },
  },
  'engineer.offered': {
    'zh-CN': {
      subject: '新派单：工单 {caseNo}',
      text: '新工单 {caseNo}：{product}，{region}，故障：{fault}。请在 {expiresAt} 前接单或拒单：{link}',
    },
    en: {
      subject: 'New offer: case {caseNo}',
      text: 'New case {caseNo}: {product}, {region}, fault: {fault}. Accept or decline by {expiresAt}: {link}',
    },
  },
  'engineer.case_assigned': {
    'zh-CN': {
      subject: '工单 {caseNo} 已派给您',
      text: '调度已将工单 {caseNo} 派给您：{product}，{region}，故障：{fault}。请尽快联系客户，详情见工单应用。',
    },
    en: {
      subject: 'Case {caseNo} assigned to you',
      text: 'A dispatcher assigned case {caseNo} to you: {product}, {region}, fault: {fault}. Please call the customer soon; details in the casework app.',
    },
  },
  // No visit was booked (taken back before one was, or a run from before the booked variant).
  'engineer.unassigned': {
    'zh-CN': {
      subject: '工单 {caseNo} 已改派',
      text: '工单 {caseNo}（{product}）已从您名下收回并改派他人，您无需再处理。',
    },
    en: {
      subject: 'Case {caseNo} reassigned',
      text: 'Case {caseNo} ({product}) has been taken off you and goes to someone else; you no longer handle it.',
    },
  },
  // A visit was booked: it is cancelled with the case.
  'engineer.unassigned_visit_cancelled': {
    'zh-CN': {
      subject: '工单 {caseNo} 已改派，预约已取消',
      text: '工单 {caseNo}（{product}）已从您名下收回并改派他人，您无需再处理；原定 {start} 的上门预约已取消，请勿上门。',
    },
    en: {
      subject: 'Case {caseNo} reassigned, visit cancelled',
      text: 'Case {caseNo} ({product}) has been taken off you and goes to someone else; your visit booked for {start} is cancelled, please do not go.',
    },
  },
  // The engineer was offered the case and had not answered.
  'engineer.offer_withdrawn': {
    'zh-CN': {
      subject: '工单 {caseNo} 的派单已撤回',
      text: '工单 {caseNo}（{product}）的派单邀请已撤回，您无需再接单或拒单。',
    },
    en: {
      subject: 'Offer of case {caseNo} withdrawn',
      text: 'The offer of case {caseNo} ({product}) has been withdrawn; you need not accept or decline it.',
    },
  },
  'engineer.case_cancelled': {
    'zh-CN': {
      subject: '工单 {caseNo} 已取消',
      text: '工单 {caseNo}（{product}）已取消，请勿上门。',
    },
    en: {
      subject: 'Case {caseNo} cancelled',
      text: 'Case {caseNo} ({product}) was cancelled; please do not visit.',
    },
  },
  'engineer.rescheduled': {
    'zh-CN': {
      subject: '工单 {caseNo} 预约已改期',
      text: '客户已将工单 {caseNo}（{product}）的上门时间改为 {start} 至 {end}（原 {previous}），原因：{reason}。',
    },
    en: {
      subject: 'Case {caseNo}: visit moved',
      text: 'The customer moved the visit for case {caseNo} ({product}) to {start} – {end} (was {previous}). Reason: {reason}.',
    },
  },
  'appointment.reminder': {
    'zh-CN': {
      subject: '上门提醒：工单 {caseNo}',
      text: '提醒：工程师{engineerName}将于 {start} 上门处理工单 {caseNo}，请保持电话畅通。',
    },
    en: {
      subject: 'Reminder: visit for case {caseNo}',
      text: 'Reminder: engineer {engineerName} will visit at {start} for case {caseNo}. Please keep your phone available.',
    },
  },
  'engineer.reminder': {
    'zh-CN': {
      subject: '上门提醒：工单 {caseNo}',
      text: '提醒：您预约了 {start} 上门处理工单 {caseNo}（{customerName}，{address}），请提前备好工具与配件。',
    },
    en: {
      subject: 'Reminder: visit for case {caseNo}',
      text: 'Reminder: your visit for case {caseNo} ({customerName}, {address}) is at {start}. Bring the tools and parts.',
    },
  },
  'contact.reminder': {
    'zh-CN': {
      subject: '联系提醒：工单 {caseNo}',
      text: '提醒：请在 {lapsesAt} 前联系工单 {caseNo} 的客户{customerName}并记录联系结果，逾期工单将改派他人。',
    },
    en: {
      subject: 'Reminder: contact the customer of case {caseNo}',
      text: 'Reminder: call {customerName} about case {caseNo} and record the contact by {lapsesAt}, or the case is dispatched to someone else.',
    },
  },
  'quote.awaiting_approval': {
    'zh-CN': {
      subject: '工单 {caseNo}：维修报价待您确认',
      text: '工单 {caseNo} 的维修方案与报价（合计 {amount}）待您确认，请打开 {link} 查看并确认后我们再开始维修。',
    },
    en: {
      subject: 'Case {caseNo}: quote awaiting your approval',
      text: 'The repair plan and quote for case {caseNo} (total {amount}) await your approval: {link}. Work starts once you approve.',
    },
  },
  'case.awaiting_confirmation': {
    'zh-CN': {
      subject: '工单 {caseNo}：请确认服务结果',
      text: '工单 {caseNo} 的服务已完成，请打开 {link} 确认结果并评价本次服务。',
    },
    en: {
      subject: 'Case {caseNo}: please confirm the result',
      text: 'The service for case {caseNo} is complete. Please confirm the result and rate the service: {link}',
    },
  },
  'confirmation.reminder': {
    'zh-CN': {
      subject: '提醒：请确认工单 {caseNo} 的服务结果',
      text: '您的工单 {caseNo} 尚未确认，请打开 {link} 确认服务结果并评价。',
    },
    en: {
      subject: 'Reminder: confirm case {caseNo}',
      text: 'Case {caseNo} is still waiting for your confirmation: {link}',
    },
  },
  'sla.warning': {
    'zh-CN': {
      subject: 'SLA 预警：工单 {caseNo}（{stage}）',
      text: '工单 {caseNo} 处于“{stage}”阶段，将于 {deadline} 超时，请尽快处理。',
    },
    en: {
      subject: 'SLA warning: case {caseNo} ({stage})',
      text: 'Case {caseNo} in stage {stage} will breach its deadline at {deadline}. Please act now.',
    },
  },
  'sla.escalation': {
    'zh-CN': {
      subject: 'SLA 升级（第 {level} 级）：工单 {caseNo}',
      text: '工单 {caseNo} 在“{stage}”阶段已于 {deadline} 超时，升级至第 {level} 级，请{role}跟进处理。',
    },
    en: {
      subject: 'SLA escalation (level {level}): case {caseNo}',
      text: 'Case {caseNo} breached its {stage} deadline at {deadline} and is escalated to level {level}; {role}, please follow up.',
    },
  },
  'complaint.opened': {
    'zh-CN': {
      subject: '您的投诉 {complaintNo} 已受理',
      text: '尊敬的{customerName}，您的投诉已受理，编号 {complaintNo}，我们将于 {acknowledgeBy} 前与您联系。',
    },
    en: {
      subject: 'Complaint {complaintNo} received',
      text: 'Dear {customerName}, your complaint has been registered as {complaintNo}. We will contact you by {acknowledgeBy}.',
    },
  },
  'complaint.resolution_proposed': {
    'zh-CN': {
      subject: '投诉 {complaintNo}：处理方案待您确认',
      text: '针对您的投诉 {complaintNo}，我们的处理方案是：{resolution}。请打开 {link} 确认或提出意见。',
    },
    en: {
      subject: 'Complaint {complaintNo}: proposed resolution',
      text: 'Our proposed resolution for complaint {complaintNo}: {resolution}. Please accept or reply: {link}',
    },
  },
  'complaint.closed': {
    'zh-CN': {
      subject: '投诉 {complaintNo} 已结案',
      text: '尊敬的{customerName}，您的投诉 {complaintNo} 已处理完毕并结案。感谢您的反馈，如仍有问题请随时联系我们。',
    },
    en: {
      subject: 'Complaint {complaintNo} closed',
      text: 'Dear {customerName}, your complaint {complaintNo} has been resolved and closed. Thank you for telling us; contact us any time if anything is still wrong.',
    },
  },
  'complaint.warning': {
    'zh-CN': {
      subject: '投诉预警：{complaintNo}（{grade}）',
      text: '投诉 {complaintNo}（{grade}，{stage}）的{clock}时限将于 {deadline} 到期，负责人 {owner}，请尽快处理。',
    },
    en: {
      subject: 'Complaint warning: {complaintNo} ({grade})',
      text: 'Complaint {complaintNo} ({grade}, {stage}) reaches its {clock} deadline at {deadline}; owner {owner}. Please act now.',
    },
  },
  'complaint.escalation': {
    'zh-CN': {
      subject: '投诉升级（第 {level} 级）：{complaintNo}',
      text: '投诉 {complaintNo}（{grade}，{stage}）的{clock}时限已于 {deadline} 超时，升级至第 {level} 级，负责人 {owner}，请{role}跟进。',
    },
    en: {
      subject: 'Complaint escalation (level {level}): {complaintNo}',
      text: 'Complaint {complaintNo} ({grade}, {stage}) missed its {clock} deadline at {deadline} and is escalated to level {level}; owner {owner}. {role}, please follow up.',
    },
  },
  'complaint.assigned': {
    'zh-CN': {
      subject: '投诉 {complaintNo} 已分派给您',
      text: '{ownerName}，投诉 {complaintNo}（{grade}）已分派给您负责：{summary}。请于 {acknowledgeBy} 前联系客户。',
    },
    en: {
      subject: 'Complaint {complaintNo} is now yours',
      text: '{ownerName}, complaint {complaintNo} ({grade}) is assigned to you: {summary}. Please contact the customer by {acknowledgeBy}.',
    },
  },
  'callback.due': {
    'zh-CN': {
      subject: '回访到期：{subjectNo}',
      text: '{subjectNo} 的满意度回访已到期（客户 {customerName}），请于 {due} 前完成回访。',
    },
    en: {
      subject: 'Callback due: {subjectNo}',
      text: 'The satisfaction callback for {subjectNo} (customer {customerName}) is due; please call by {due}.',
    },
  },
  'maintenance.due': {
    'zh-CN': {
      subject: '保养提醒：{product}',
      text: '尊敬的{customerName}，您的{product}（序列号 {serial}）已到保养时间（{due}），如需上门保养请致电客服热线预约。',
    },
    en: {
      subject: 'Maintenance due: {product}',
      text: 'Dear {customerName}, your {product} (serial {serial}) is due for maintenance ({due}). Call our service hotline to book a visit.',
    },
  },
  'callback.survey': {
    'zh-CN': {
      subject: '服务满意度调查：{caseNo}',
      text: '尊敬的{customerName}，我们多次致电未能联系到您。请通过此链接为工单 {caseNo} 的服务评分并留言：{link}',
    },
    en: {
      subject: 'How did we do? {caseNo}',
      text: 'Dear {customerName}, we could not reach you by phone. Please rate the service on case {caseNo} and leave a comment: {link}',
    },
  },
  'maintenance.reminder': {
    'zh-CN': {
      subject: '保养提醒：{service}',
      text: '尊敬的{customerName}，您的{product}（序列号 {serial}）将于 {due} 到期需要{service}。预约上门或退订提醒：{link}，或致电客服热线 {hotline}。',
    },
    en: {
      subject: 'Maintenance reminder: {service}',
      text: 'Dear {customerName}, your {product} (serial {serial}) is due for {service} on {due}. Book a visit or stop these reminders: {link}, or call our hotline {hotline}.',
    },
  },
  ...RESCHEDULE_TEMPLATES,
} as const satisfies Record<string, Record<NotificationLocale, Template>>;

export type NotificationEvent = keyof typeof TEMPLATES;
export const NOTIFICATION_EVENTS = Object.keys(TEMPLATES) as NotificationEvent[];

export function isNotificationEvent(value: string): value is NotificationEvent {
  return Object.prototype.hasOwnProperty.call(TEMPLATES, value);
}

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_]*)\}/g;

/** The placeholders an event's templates use (both locales). */
export function templateVars(event: NotificationEvent): string[] {
  const names = new Set<string>();
  for (const t of Object.values(TEMPLATES[event]) as Template[]) {
    for (const m of `${t.subject}\n${t.text}`.matchAll(PLACEHOLDER)) names.add(m[1]!);
  }
  return [...names].sort();
}

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

/** Renders one event's template; a missing variable is an error, never a blank. */
export function renderNotification(event: NotificationEvent, locale: NotificationLocale, vars: NotificationVars): { subject: string; text: string } {
  const byLocale = (TEMPLATES as Record<string, Record<string, Template> | undefined>)[event];
  if (!byLocale) throw new TemplateError(`no template for event '${event}'`);
  const template = byLocale[locale] ?? byLocale.en;
  if (!template) throw new TemplateError(`no template for event '${event}' in ${locale}`);
  const missing = new Set<string>();
  const fill = (s: string) =>
    s.replace(PLACEHOLDER, (_m, name: string) => {
      const v = vars[name];
      if (v === undefined || v === null || v === '') {
        missing.add(name);
        return '';
      }
      return String(v);
    });
  const rendered = { subject: fill(template.subject), text: fill(template.text) };
  if (missing.size) throw new TemplateError(`template '${event}' (${locale}) needs ${[...missing].join(', ')}`);
  return rendered;
}

function utf8(input: string): number[] {
  const out: number[] = [];
  for (const ch of input) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return out;
}

/** FNV-1a 64-bit, hex: a short, stable digest that keeps raw addresses out of keys. */
function fnv1a64(input: string): string {
  let h = 0xcbf29ce484222325n;
  for (const b of utf8(input)) {
    h ^= BigInt(b);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

/** How a recipient is compared: phone digits only (no +86), e-mail lower-cased. */
export function normalizeRecipient(channel: NotificationChannel, recipient: string): string {
  if (channel === 'sms') {
    const digits = recipient.replace(/[^0-9]/g, '');
    return digits.length === 13 && digits.startsWith('86') ? digits.slice(2) : digits;
  }
  if (channel === 'email') return recipient.trim().toLowerCase();
  return recipient.trim();
}

/**
 * The idempotency key of one message: subject (case or complaint number, plus an
 * occurrence suffix for events that can legitimately repeat, e.g. `CS-…#visit-2`), event,
 * recipient and channel. The recipient enters as a digest so keys (which reach logs,
 * provider requests and webhook headers) carry no phone number or address.
 */
export function notificationKey(subjectId: string, event: NotificationEvent, recipient: string, channel: NotificationChannel): string {
  return `${subjectId}:${event}:${channel}:${fnv1a64(normalizeRecipient(channel, recipient))}`;
}

/** Masks an e-mail address for logs: z***@example.com. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

/** Masks a recipient for logs and listings, whatever the channel (a NotificationChannel, or any string a row holds). */
export function maskRecipient(channel: string, recipient: string): string {
  if (channel === 'email') return maskEmail(recipient);
  if (channel === 'sms') return maskPhone(recipient);
  return recipient;
}

/** What a message says in place of the customer link when none can be issued (no link secret configured). */
/**
 * The fault as an offer SMS shows it, before the engineer has accepted: a few words, and
 * any run of 5 or more digits (a phone number, a house number) left out.
 */
export function faultInBrief(fault: string, max = 30): string {
  const plain = fault
    .replace(/\s+/g, ' ')
    .replace(/\d[\d -]{3,}\d/g, '…')
    .trim();
  return plain.length > max ? `${plain.slice(0, max)}…` : plain;
}

/** What an offer SMS says in place of the one-tap link when none can be issued. */
export function offerLinkOrApp(link: { url: string } | null, locale: NotificationLocale): string {
  return link?.url ?? (locale === 'en' ? 'the casework app' : '工单应用');
}

export function linkOrHotline(link: { url: string } | null, locale: NotificationLocale): string {
  return link?.url ?? (locale === 'en' ? 'our service hotline' : '客服热线');
}

/**
 * An instant as people in the service area read it: "2026-11-22 17:30 (UTC+8)". Messages
 * show this instead of ISO-8601; the offset is the SLA calendar's (Asia/Shanghai: +480).
 */
export function localTime(instant: string | number, utcOffsetMinutes: number): string {
  const ms = typeof instant === 'number' ? instant : Date.parse(instant);
  if (Number.isNaN(ms)) return String(instant);
  const local = new Date(ms + utcOffsetMinutes * 60_000).toISOString();
  const sign = utcOffsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(utcOffsetMinutes);
  const offset = `UTC${sign}${Math.floor(abs / 60)}${abs % 60 ? `:${String(abs % 60).padStart(2, '0')}` : ''}`;
  return `${local.slice(0, 10)} ${local.slice(11, 16)} (${offset})`;
}

/** Windows (a reschedule request's) as people in the service area read them: "2026-12-12 09:00–11:00 (UTC+8); …" (other days in full). */
export function windowsText(windows: ReadonlyArray<{ start: string; end: string }>, utcOffsetMinutes: number): string {
  return windows
    .map((w) => {
      const start = localTime(w.start, utcOffsetMinutes);
      const end = localTime(w.end, utcOffsetMinutes);
      // The same day: the end's time only.
      return start.slice(0, 10) === end.slice(0, 10) ? `${start.slice(0, 16)}–${end.slice(11)}` : `${start} – ${end}`;
    })
    .join('; ');
}
