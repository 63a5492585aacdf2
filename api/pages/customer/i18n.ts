// The customer pages' words, in the two languages customers choose at intake (zh-CN is
// the default). One table per language, checked by tsc to carry the same keys.
import type { Request } from 'express';

export type Lang = 'zh-CN' | 'en';

const zh = {
  title: '我的服务单',
  caseNo: '服务单号',
  product: '产品',
  progress: '服务进度',
  stageNow: '当前',
  engineer: '服务工程师',
  badge: '工号',
  noEngineer: '正在为您安排工程师',
  appointment: '预约上门时间',
  noAppointment: '工程师联系您后确定',
  next: '下一步',
  expectBy: '预计不晚于',
  events: '服务记录',
  hotline: '客服热线',
  hotlineHelp: '如有疑问或需要新链接，请拨打',
  quote: '维修报价',
  part: '配件',
  labour: '人工',
  partNo: '编号',
  qty: '数量',
  total: '合计',
  warrantyCovered: '本次维修在保修范围内，您无需付费。',
  warrantyNot: '本次维修不在保修范围内，费用如上。维修后所换配件享受保修。',
  approve: '同意报价并维修',
  decline: '不同意，不维修',
  confirmApprove: '确认同意报价？',
  confirmDecline: '确认拒绝报价？',
  confirmApproveHelp: '同意后工程师将按报价为您维修。',
  confirmDeclineHelp: '拒绝后工程师将不进行维修，本次上门结束。',
  yesApprove: '是，同意',
  yesDecline: '是，拒绝',
  back: '返回',
  comment: '备注（可选）',
  quoteApproved: '您已同意报价',
  quoteRejected: '您已拒绝报价',
  quoteWaived: '报价已免除',
  at: '时间',
  confirmTitle: '确认维修结果',
  fixedQ: '问题是否已解决？',
  fixed: '已修好',
  notFixed: '没修好，需要返修',
  rating: '服务评分（1-5 星）',
  stars: '星',
  reason: '原因',
  reasonHelp: '没修好时请说明原因',
  submit: '提交',
  finalNote: '提交后不可更改。',
  confirmedFixed: '您已确认修好',
  confirmedRework: '您反馈未修好，我们将安排返修',
  yourRating: '您的评分',
  complaints: '投诉',
  fileComplaint: '我要投诉',
  category: '投诉类别',
  complaintText: '投诉内容',
  complaintStage: '处理进度',
  respondBy: '响应期限',
  resolveBy: '处理期限',
  proposal: '处理方案',
  compensation: '补偿',
  acceptProposal: '接受方案',
  rejectProposal: '不接受方案',
  decidedAccepted: '您已接受处理方案',
  viewComplaint: '查看投诉',
  complaintNo: '投诉单号',
  reschedule: '申请改约',
  language: 'English',
  done: '已提交',
  errorTitle: '无法打开此页面',
  linkExpired: '此链接已过期。',
  linkRevoked: '此链接已被更新的链接替换，请使用我们最近发送给您的链接。',
  linkWithdrawn: '此链接已被撤回。',
  sentNewLink: '已提交。下一步的新链接已通过短信发送给您，请使用新链接继续。',
  linkInvalid: '此链接无效。',
  getNewLink: '请致电客服热线获取新链接：',
  notPossible: '此操作已无法进行',
  movedOn: '服务单已进入下一阶段：',
  readOnly: '服务单已结束，此链接仅供查看。',
  formExpired: '页面已过期，请返回重新提交。',
  invalidInput: '请检查填写的内容。',
  busy: '系统繁忙，请稍后再试。',
  backToCase: '返回服务单',
  required: '必填',
} as const;

type Messages = { [K in keyof typeof zh]: string };

const en: Messages = {
  title: 'My service request',
  caseNo: 'Request no.',
  product: 'Product',
  progress: 'Progress',
  stageNow: 'now',
  engineer: 'Your engineer',
  badge: 'Badge no.',
  noEngineer: 'We are finding an engineer for you',
  appointment: 'Visit window',
  noAppointment: 'Agreed when the engineer calls you',
  next: 'What happens next',
  expectBy: 'Expect it by',
  events: 'What has happened',
  hotline: 'Service hotline',
  hotlineHelp: 'Questions, or need a new link? Call',
  quote: 'Repair quote',
  part: 'Part',
  labour: 'Labour',
  partNo: 'Part no.',
  qty: 'Qty',
  total: 'Total',
  warrantyCovered: 'This repair is covered by the warranty: you pay nothing.',
  warrantyNot: 'This repair is not covered by the warranty: the price is above. Replaced parts carry a repair warranty.',
  approve: 'Approve and repair',
  decline: 'Decline, do not repair',
  confirmApprove: 'Approve the quote?',
  confirmDecline: 'Decline the quote?',
  confirmApproveHelp: 'The engineer will repair at the quoted price.',
  confirmDeclineHelp: 'The engineer will not repair; this visit ends.',
  yesApprove: 'Yes, approve',
  yesDecline: 'Yes, decline',
  back: 'Back',
  comment: 'Comment (optional)',
  quoteApproved: 'You approved the quote',
  quoteRejected: 'You declined the quote',
  quoteWaived: 'The quote was waived',
  at: 'at',
  confirmTitle: 'Confirm the repair',
  fixedQ: 'Is the problem fixed?',
  fixed: 'Fixed',
  notFixed: 'Not fixed: repair again',
  rating: 'Rate the service (1-5 stars)',
  stars: 'stars',
  reason: 'Reason',
  reasonHelp: 'If not fixed, tell us what is wrong',
  submit: 'Send',
  finalNote: 'This cannot be changed once sent.',
  confirmedFixed: 'You confirmed the repair',
  confirmedRework: 'You told us it is not fixed: we will repair it again',
  yourRating: 'Your rating',
  complaints: 'Complaints',
  fileComplaint: 'Make a complaint',
  category: 'Category',
  complaintText: 'What went wrong',
  complaintStage: 'Status',
  respondBy: 'We respond by',
  resolveBy: 'We resolve by',
  proposal: 'Proposed resolution',
  compensation: 'Compensation',
  acceptProposal: 'Accept',
  rejectProposal: 'Reject',
  decidedAccepted: 'You accepted the resolution',
  viewComplaint: 'View complaint',
  complaintNo: 'Complaint no.',
  reschedule: 'Ask for another time',
  language: '中文',
  done: 'Sent',
  errorTitle: 'This page cannot be shown',
  linkExpired: 'This link has expired.',
  linkRevoked: 'This link was replaced by a newer one: please use the latest link we sent you.',
  linkWithdrawn: 'This link was withdrawn.',
  sentNewLink: 'Sent. We have texted you a new link for the next step: please continue with that one.',
  linkInvalid: 'This link is not valid.',
  getNewLink: 'Call our service hotline for a new link:',
  notPossible: 'This is no longer possible',
  movedOn: 'Your request has moved on to:',
  readOnly: 'Your request is closed: this link now only shows it.',
  formExpired: 'This form has expired: go back and send it again.',
  invalidInput: 'Please check what you entered.',
  busy: 'We are busy: please try again in a moment.',
  backToCase: 'Back to my request',
  required: 'required',
};

export type MessageKey = keyof typeof zh;
export const MESSAGES: Record<Lang, Messages> = { 'zh-CN': zh, en };

export function isLang(v: unknown): v is Lang {
  return v === 'zh-CN' || v === 'en';
}

/**
 * The page's language: ?lang= (the switch on every page), else the customer's own from
 * intake, else the browser's Accept-Language (forged links: no customer known), else zh-CN.
 */
export function pageLang(req: Request, customer?: string | null): Lang {
  const asked = req.query.lang;
  if (isLang(asked)) return asked;
  if (isLang(customer)) return customer;
  return req.acceptsLanguages('zh', 'zh-CN', 'en') === 'en' ? 'en' : 'zh-CN';
}

/** A time as the customer reads it (Asia/Shanghai by default: where the service is). */
export function formatTime(iso: string | Date, lang: Lang, timeZone = 'Asia/Shanghai'): string {
  return new Intl.DateTimeFormat(lang, { timeZone, month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(iso));
}

export function formatMoney(amount: number, currency: string, lang: Lang): string {
  return new Intl.NumberFormat(lang, { style: 'currency', currency }).format(amount);
}

/** Hours and minutes only (the end of a window on the same day). */
export function formatClock(iso: string | Date, lang: Lang, timeZone = 'Asia/Shanghai'): string {
  return new Intl.DateTimeFormat(lang, { timeZone, hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(iso));
}
