// How a customer reads the case and complaint stages: a six-step tracker, and for every
// stage one line on what happens next. Staff labels (STAGE_LABELS) are for staff.
import type { Stage } from '../../../domain';
import type { ComplaintCategory, ComplaintStage } from '../../../domain/complaints';
import type { Lang } from './i18n';

type Words = Record<Lang, string>;

/** The tracker's steps, in order, and the timeline event that marks each one reached. */
export const STEPS = [
  { id: 'received', events: ['case.opened'], words: { 'zh-CN': '已受理', en: 'Received' } },
  { id: 'assigned', events: ['offer.accepted', 'engineer.assigned'], words: { 'zh-CN': '工程师接单', en: 'Engineer assigned' } },
  { id: 'booked', events: ['appointment.booked', 'appointment.rescheduled'], words: { 'zh-CN': '已预约', en: 'Visit booked' } },
  { id: 'visit', events: ['visit.checked_in'], words: { 'zh-CN': '上门服务', en: 'On site' } },
  { id: 'confirm', events: ['visit.checked_out'], words: { 'zh-CN': '待您确认', en: 'Your confirmation' } },
  { id: 'done', events: ['case.confirmed'], words: { 'zh-CN': '完成', en: 'Done' } },
] as const satisfies ReadonlyArray<{ id: string; events: readonly string[]; words: Words }>;

/** The step a stage belongs to (index into STEPS). */
export const STAGE_STEP: Record<Stage, number> = {
  accepted: 0,
  offered: 0,
  manual_dispatch: 0,
  dispatched: 1,
  contacted: 1,
  scheduled: 2,
  awaiting_parts: 2,
  on_site: 3,
  awaiting_approval: 3,
  escalated: 3,
  awaiting_confirmation: 4,
  archived: 5,
  cancelled: 5,
};

export const STAGE_WORDS: Record<Stage, Words> = {
  accepted: { 'zh-CN': '已受理', en: 'Received' },
  offered: { 'zh-CN': '正在派单', en: 'Finding an engineer' },
  manual_dispatch: { 'zh-CN': '正在派单', en: 'Finding an engineer' },
  dispatched: { 'zh-CN': '工程师已接单', en: 'Engineer assigned' },
  contacted: { 'zh-CN': '工程师已联系您', en: 'Engineer called you' },
  scheduled: { 'zh-CN': '已预约上门', en: 'Visit booked' },
  on_site: { 'zh-CN': '工程师上门服务中', en: 'Engineer on site' },
  awaiting_approval: { 'zh-CN': '报价待您确认', en: 'Quote waits for you' },
  awaiting_parts: { 'zh-CN': '等待配件', en: 'Waiting for parts' },
  awaiting_confirmation: { 'zh-CN': '维修完成，待您确认', en: 'Repaired: please confirm' },
  escalated: { 'zh-CN': '主管处理中', en: 'A supervisor is handling it' },
  archived: { 'zh-CN': '已完成', en: 'Completed' },
  cancelled: { 'zh-CN': '已取消', en: 'Cancelled' },
};

export const NEXT_WORDS: Record<Stage, Words> = {
  accepted: { 'zh-CN': '我们正在为您安排工程师。', en: 'We are assigning an engineer.' },
  offered: { 'zh-CN': '工程师确认接单。', en: 'An engineer accepts your request.' },
  manual_dispatch: { 'zh-CN': '调度员为您安排工程师。', en: 'A dispatcher assigns an engineer.' },
  dispatched: { 'zh-CN': '工程师将致电您确认上门时间。', en: 'The engineer calls you to agree a visit time.' },
  contacted: { 'zh-CN': '工程师为您预约上门时间。', en: 'The engineer books the visit.' },
  scheduled: { 'zh-CN': '工程师按预约时间上门。', en: 'The engineer comes in the booked window.' },
  on_site: { 'zh-CN': '工程师检测故障并给出报价。', en: 'The engineer diagnoses and quotes.' },
  awaiting_approval: { 'zh-CN': '请确认或拒绝报价，确认后才会维修。', en: 'Approve or decline the quote: nothing is repaired before you approve.' },
  awaiting_parts: { 'zh-CN': '配件到货后工程师再次上门。', en: 'The engineer returns once the parts arrive.' },
  awaiting_confirmation: { 'zh-CN': '请确认维修结果并评价。', en: 'Confirm the repair and rate the service.' },
  escalated: { 'zh-CN': '主管将联系您安排后续处理。', en: 'A supervisor contacts you about the next step.' },
  archived: { 'zh-CN': '服务已完成，感谢您的信任。', en: 'All done: thank you.' },
  cancelled: { 'zh-CN': '服务单已取消。', en: 'This request was cancelled.' },
};

/**
 * Within a stage, what happens next can differ (NextStep in model.ts): on site after the
 * quote is approved the engineer repairs (no longer "diagnoses and quotes"); back at
 * dispatch after "not fixed" a return visit is arranged; after a declined quote the
 * customer confirms a visit without repair.
 */
export const NEXT_SUBSTEP_WORDS = {
  repairing: {
    'zh-CN': '工程师按您同意的报价进行维修，完成后请您确认维修结果。',
    en: 'The engineer repairs at the price you approved; then you confirm the repair.',
  },
  return_visit: { 'zh-CN': '我们正在安排工程师再次上门维修。', en: 'We are arranging a return visit to repair it again.' },
  confirm_no_repair: {
    'zh-CN': '您已拒绝报价，本次未维修：请确认并评价本次服务。',
    en: 'You declined the quote, so nothing was repaired: please confirm and rate the visit.',
  },
} as const satisfies Record<string, Words>;

export const COMPLAINT_STAGE_WORDS: Record<ComplaintStage, Words> = {
  received: { 'zh-CN': '已受理', en: 'Received' },
  acknowledged: { 'zh-CN': '已与您联系', en: 'We contacted you' },
  investigating: { 'zh-CN': '调查处理中', en: 'Being investigated' },
  resolution_proposed: { 'zh-CN': '处理方案待您确认', en: 'A resolution waits for your answer' },
  customer_confirmed: { 'zh-CN': '您已接受处理方案', en: 'You accepted the resolution' },
  callback_verified: { 'zh-CN': '已回访', en: 'Follow-up call done' },
  closed: { 'zh-CN': '已结案', en: 'Closed' },
  withdrawn: { 'zh-CN': '已撤销', en: 'Withdrawn' },
};

export const COMPLAINT_CATEGORY_WORDS: Record<ComplaintCategory, Words> = {
  service_attitude: { 'zh-CN': '服务态度', en: 'Service attitude' },
  repair_quality: { 'zh-CN': '维修质量', en: 'Repair quality' },
  timeliness: { 'zh-CN': '响应及时性', en: 'Timeliness' },
  price_parts: { 'zh-CN': '价格与配件', en: 'Price and parts' },
  other: { 'zh-CN': '其他', en: 'Other' },
};
