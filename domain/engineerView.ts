// What an engineer may see of a case they hold or are offered: what the visit needs, not
// how dispatch chose (ranking, scores, other engineers), not the customer's rating or
// complaints, not the internal notes of agents and supervisors. An allowlist: a new
// event type stays hidden from engineers until it is added here.
const ENGINEER_EVENT_TYPES = new Set([
  'case.opened',
  'engineer.assigned',
  'engineer.reassigned',
  'contact.recorded',
  'appointment.booked',
  'appointment.rescheduled',
  'visit.checked_in',
  'diagnosis.recorded',
  'quote.submitted',
  'quote.approved',
  'quote.rejected',
  'visit.checked_out',
  'visit.no_show',
  'case.awaiting_confirmation',
  'case.rework',
  'case.cancelled',
]);

/** Offer events name one engineer: each engineer sees only the offers made to them. */
const OWN_OFFER_EVENT_TYPES = new Set(['offer.sent', 'offer.accepted', 'offer.declined', 'offer.expired', 'offer.withdrawn']);

export function isEngineerVisible(event: { type: string; data: Record<string, unknown> }, engineerId: string): boolean {
  if (ENGINEER_EVENT_TYPES.has(event.type)) return true;
  return OWN_OFFER_EVENT_TYPES.has(event.type) && event.data.engineerId === engineerId;
}
