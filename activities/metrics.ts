// The business counters the activities move. Each is counted where the row that records
// the fact is first inserted (`inserted`), so a retried activity or a replayed workflow
// counts a fact once, as the database holds it once.
import { dispatchOffers, slaBreaches, slaEscalations, slaWarnings } from '../shared/metrics';

const OFFER_OUTCOME: Record<string, string> = {
  'offer.sent': 'sent',
  'offer.accepted': 'accepted',
  'offer.declined': 'declined',
  'offer.expired': 'lapsed',
  'offer.withdrawn': 'withdrawn',
};

export function countCaseEvent(type: string): void {
  const outcome = OFFER_OUTCOME[type];
  if (outcome) dispatchOffers.inc({ outcome });
}

export function countSlaThreshold(r: { clock: string; kind: 'warning' | 'escalation'; level: number }): void {
  (r.kind === 'escalation' ? slaEscalations : slaWarnings).inc({ clock: r.clock, level: String(r.level) });
}

export function countSlaResult(r: { clock: string; priority: string; met: boolean }): void {
  if (!r.met) slaBreaches.inc({ clock: r.clock, priority: r.priority });
}
