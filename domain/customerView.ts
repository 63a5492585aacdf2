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
