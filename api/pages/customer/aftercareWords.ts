// The words of the after-visit sections (the SMS survey, the maintenance reminder) and of
// their refusals, in the customers' two languages. Kept apart from i18n.ts: these sections
// show only on a closed case's link.
import type { Lang } from './i18n';

const zh = {
  surveyTitle: '服务满意度调查',
  surveyHelp: '我们致电回访时未能联系到您。请为本次服务打分，您的意见对我们很重要。',
  surveyRating: '您对本次服务的总体评价（1-5 星）',
  surveyComment: '您的意见或建议（可选）',
  surveyAnswerBy: '请在此时间前回答：',
  surveySend: '提交评价',
  surveyThanks: '感谢您的评价',
  surveyAnswered: '您的评分',
  surveyClosed: '本次满意度调查已结束。如有意见，请致电客服热线。',
  maintenanceTitle: '保养提醒',
  maintenanceDue: '保养到期日',
  maintenanceBookBy: '可预约至',
  maintenanceProduct: '产品',
  serial: '序列号',
  bookHelp: '可填写最多三个方便上门的时间段；不填写也可以，客服会致电与您约定时间。',
  window: '时间段',
  from: '开始',
  to: '结束',
  book: '预约保养上门',
  booked: '您已预约保养',
  bookedCase: '服务单号',
  bookedNext: '客服将与您联系确认上门时间。',
  bookingClosed: '本次保养的预约期已结束。下次保养到期前我们会再提醒您。',
  optOut: '不再接收此产品的保养提醒',
  optOutConfirm: '确认不再接收保养提醒？',
  optOutHelp: '确认后，我们将不再为此产品发送保养提醒。如需保养，仍可致电客服热线预约。',
  optOutYes: '是，不再提醒',
  optedOut: '您已退订此产品的保养提醒',
  refusedTitle: '此操作已无法进行',
  refusedSurveyAnswered: '您已完成本次满意度调查，感谢您的评价。',
  refusedSurveyClosed: '本次满意度调查已结束，无法再提交。',
  refusedBookingClosed: '本次保养的预约期已结束，无法在线预约。需要保养请致电客服热线。',
  refusedAlreadyBooked: '您已预约过本次保养，无需重复预约。',
  refusedOptedOut: '您已退订此产品的保养提醒，无法在线预约。需要保养请致电客服热线。',
  refusedNoReminder: '此链接没有可预约的保养提醒。',
};

type Words = { [K in keyof typeof zh]: string };

const en: Words = {
  surveyTitle: 'How did we do?',
  surveyHelp: 'We could not reach you by phone to ask. Please rate this service: your answer helps us improve.',
  surveyRating: 'Overall, how was the service (1-5 stars)?',
  surveyComment: 'Anything to tell us (optional)',
  surveyAnswerBy: 'Please answer by',
  surveySend: 'Send my rating',
  surveyThanks: 'Thank you for your rating',
  surveyAnswered: 'Your rating',
  surveyClosed: 'This survey has closed. To tell us anything, call our service hotline.',
  maintenanceTitle: 'Maintenance reminder',
  maintenanceDue: 'Due on',
  maintenanceBookBy: 'Book by',
  maintenanceProduct: 'Product',
  serial: 'serial',
  bookHelp: 'Give up to three windows that suit you, or none: we will call you to agree a time.',
  window: 'Window',
  from: 'From',
  to: 'To',
  book: 'Book the maintenance visit',
  booked: 'You booked the maintenance visit',
  bookedCase: 'Request no.',
  bookedNext: 'We will call you to agree the visit time.',
  bookingClosed: 'Booking for this service has closed. We will remind you before the next one is due.',
  optOut: 'Stop maintenance reminders for this product',
  optOutConfirm: 'Stop maintenance reminders?',
  optOutHelp: 'We will send no more maintenance reminders for this product. You can still book by calling our hotline.',
  optOutYes: 'Yes, stop reminders',
  optedOut: 'You stopped the maintenance reminders for this product',
  refusedTitle: 'This is no longer possible',
  refusedSurveyAnswered: 'You have already answered this survey. Thank you.',
  refusedSurveyClosed: 'This survey has closed: answers are no longer taken.',
  refusedBookingClosed: 'Booking for this service has closed, so it cannot be booked online. Call our hotline to book.',
  refusedAlreadyBooked: 'You have already booked this maintenance visit: there is nothing more to do.',
  refusedOptedOut: 'You stopped the maintenance reminders for this product, so it cannot be booked online. Call our hotline to book.',
  refusedNoReminder: 'There is no maintenance reminder to book at this link.',
};

export const AFTERCARE_WORDS: Record<Lang, Words> = { 'zh-CN': zh, en };

/** Why an after-visit form was refused, as the customer is told. */
export type AftercareRefusal = 'survey_answered' | 'survey_closed' | 'booking_closed' | 'already_booked' | 'opted_out' | 'no_reminder';

export const REFUSAL_WORDS: Record<AftercareRefusal, keyof Words> = {
  survey_answered: 'refusedSurveyAnswered',
  survey_closed: 'refusedSurveyClosed',
  booking_closed: 'refusedBookingClosed',
  already_booked: 'refusedAlreadyBooked',
  opted_out: 'refusedOptedOut',
  no_reminder: 'refusedNoReminder',
};
