// The messages of a customer's reschedule request (改约申请): the case's engineer and the
// dispatcher on duty are told when it arrives, the customer when a dispatcher declines it
// (an accepted one moves the visit through the appointment Update, whose `engineer.assigned`
// SMS tells the customer the new window). Pure, and importing nothing: domain/notifications.ts
// spreads these templates into its catalogue; the vars are built in workflows/caseRescheduleRequests.ts.

export const RESCHEDULE_TEMPLATES = {
  'reschedule.requested': {
    'zh-CN': {
      subject: '改约申请：工单 {caseNo}（#{requestId}）',
      text: '客户申请改约工单 {caseNo}（{product}，{region}），可选时段：{windows}；原因：{reason}。请在调度台处理：POST /reschedule-requests/{requestId}/accept 或 /decline（待处理：GET /reschedule-requests?status=open）。',
    },
    en: {
      subject: 'Reschedule request: case {caseNo} (#{requestId})',
      text: 'The customer asks to move the visit for case {caseNo} ({product}, {region}) to one of: {windows}. Reason: {reason}. Decide in dispatch: POST /reschedule-requests/{requestId}/accept or /decline (open ones: GET /reschedule-requests?status=open).',
    },
  },
  'engineer.reschedule_requested': {
    'zh-CN': {
      subject: '工单 {caseNo}：客户申请改约',
      text: '客户申请改约工单 {caseNo}（{product}），可选时段：{windows}；原因：{reason}。由调度决定（申请 #{requestId}，见 GET /reschedule-requests），在此之前原预约不变。',
    },
    en: {
      subject: 'Case {caseNo}: the customer asks to move the visit',
      text: 'The customer asks to move the visit for case {caseNo} ({product}) to one of: {windows}. Reason: {reason}. A dispatcher decides (request #{requestId}, in GET /reschedule-requests); until then the booked visit stands.',
    },
  },
  'reschedule.declined': {
    'zh-CN': {
      subject: '工单 {caseNo}：改约申请未能接受',
      text: '您好，工单 {caseNo} 的改约申请未能接受，原因：{reason}。原预约不变；如需帮助请致电客服热线 {hotline}。',
    },
    en: {
      subject: 'Case {caseNo}: reschedule request declined',
      text: 'We could not accept your request to move the visit for case {caseNo}. Reason: {reason}. Your booked visit stands; for help call our hotline {hotline}.',
    },
  },
} as const;
