// What the customer may see of a case (seed 000 §7.3, seed 002 §二.3: key nodes only).
// An allowlist: a new event type stays internal until it is added here.
export const CUSTOMER_EVENT_LABELS: Record<string, { en: string; 'zh-CN': string }> = {
  'case.opened': { en: 'Request received', 'zh-CN': '已受理' },
  'offer.accepted': { en: 'Engineer assigned', 'zh-CN': '工程师已接单' },
  'engineer.assigned': { en: 'Engineer assigned', 'zh-CN': '工程师已派单' },
  'engineer.reassigned': { en: 'Engineer changed', 'zh-CN': '更换工程师' },
  'contact.recorded': { en: 'Engineer called you', 'zh-CN': '工程师已联系' },
  'appointment.booked': { en: 'Visit booked', 'zh-CN': '已预约上门' },
  'appointment.rescheduled': { en: 'Visit rescheduled', 'zh-CN': '预约已改期' },
  'visit.checked_in': { en: 'Engineer arrived', 'zh-CN': '工程师已到达' },
  'diagnosis.recorded': { en: 'Fault diagnosed', 'zh-CN': '故障已诊断' },
  'quote.submitted': { en: 'Quote issued', 'zh-CN': '已报价' },
  'quote.approved': { en: 'Quote approved', 'zh-CN': '报价已确认' },
  'quote.rejected': { en: 'Quote declined', 'zh-CN': '报价已拒绝' },
  'visit.checked_out': { en: 'Visit finished', 'zh-CN': '服务完成' },
  'case.confirmed': { en: 'Confirmed by you', 'zh-CN': '已确认' },
  'case.rework': { en: 'Reopened for another repair', 'zh-CN': '返修' },
  'case.cancelled': { en: 'Cancelled', 'zh-CN': '已取消' },
};

export function isCustomerVisible(type: string): boolean {
  return type in CUSTOMER_EVENT_LABELS;
}

/** What the customer may see of their complaint: its key steps, not notes or escalations. */
export const CUSTOMER_COMPLAINT_EVENT_LABELS: Record<string, { en: string; 'zh-CN': string }> = {
  'complaint.opened': { en: 'Complaint registered', 'zh-CN': '投诉已受理' },
  'complaint.acknowledged': { en: 'We contacted you', 'zh-CN': '已与您联系' },
  'complaint.investigating': { en: 'Being investigated', 'zh-CN': '调查处理中' },
  'complaint.resolution_proposed': { en: 'Resolution proposed', 'zh-CN': '处理方案待您确认' },
  'complaint.reopened': { en: 'Reopened', 'zh-CN': '重新处理' },
  'complaint.customer_confirmed': { en: 'Resolution accepted', 'zh-CN': '您已接受处理方案' },
  'complaint.callback_verified': { en: 'Follow-up call done', 'zh-CN': '已回访' },
  'complaint.closed': { en: 'Closed', 'zh-CN': '已结案' },
  'complaint.withdrawn': { en: 'Withdrawn', 'zh-CN': '已撤销' },
};
