// What ops see of a case in the Temporal Web UI and its visibility queries: search
// attributes and the current-details summary, published in step with every change
// (caseCore's `advance`), never from a loop woken by a condition. Deterministic.
import { setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { maskPhone, STAGE_LABELS, type CaseState } from '../domain';
import { SA } from '../domain/searchAttributes';

/**
 * Runs opened with this marker upsert only the search attributes whose value differs
 * from what the run already holds (the start's attributes, then its own upserts), and
 * none when nothing changed: each upsert is a command, a history event and a visibility
 * write. Runs without it upsert all six on every change, as they were recorded.
 */
export const SA_ON_CHANGE_PATCH = 'case-search-attributes-on-change';

type Pair = SearchAttributeUpdatePair;

/** Stage, priority, engineer, SLA state and the next deadline; the summary in Markdown. */
export function publishForOps(state: CaseState, nextDeadline: string | undefined, onlyChanges = false): void {
  const pairs: Pair[] = [
    { key: SA.CaseStage, value: state.stage },
    { key: SA.Priority, value: state.priority },
    { key: SA.AssignedEngineer, value: state.engineerId ?? null },
    { key: SA.SlaBreached, value: state.sla.breached },
    { key: SA.EscalationLevel, value: state.sla.level },
    { key: SA.NextDeadline, value: nextDeadline ? new Date(nextDeadline) : null },
  ];
  upsertChanged(pairs, onlyChanges);
  setCurrentDetails(summary(state));
}

/** Upserts `pairs`, or with `onlyChanges` those whose value differs from the run's current one (nothing if none). */
function upsertChanged(pairs: Pair[], onlyChanges: boolean): void {
  const changed = onlyChanges ? pairs.filter((p) => !sameValue(workflowInfo().typedSearchAttributes.get(p.key), p.value)) : pairs;
  if (changed.length) upsertSearchAttributes(changed);
}

/** workflowInfo() holds what the start event set and this run's upserts since: deterministic on replay. */
function sameValue(held: unknown, wanted: unknown): boolean {
  if (wanted === null || wanted === undefined) return held === undefined || held === null;
  if (wanted instanceof Date) return held instanceof Date && held.getTime() === wanted.getTime();
  return held === wanted;
}

function summary(state: CaseState): string {
  const c = state.intake.customer;
  const p = state.intake.product;
  const lines = [
    `**${state.caseNo}** · ${state.priority} · ${STAGE_LABELS[state.stage]}`,
    // No name or address here (the details are shown beside the history): a masked phone.
    `Customer: ${maskPhone(c.phone)}${c.tier === 'vip' ? ' · VIP' : ''}`,
    `Product: ${p.category} ${p.model} #${p.serial}`,
    `Engineer: ${state.engineerId ? `${state.engineerName ?? ''} ${state.engineerId}`.trim() : '—'}`,
  ];
  if (state.offer) lines.push(`Offer: ${state.offer.engineerName} ${state.offer.engineerId} until ${state.offer.expiresAt}`);
  if (state.appointment) lines.push(`Appointment: ${state.appointment.start} → ${state.appointment.end}`);
  if (state.quote) lines.push(`Quote: ${state.quote.total} ${state.quote.currency} (${state.quote.status})`);
  if (state.reworks) lines.push(`Rework: ${state.reworks}`);
  if (state.sla.nextDeadline) lines.push(`Next SLA deadline: ${state.sla.nextDeadline}`);
  if (state.sla.breached) lines.push(`SLA breached · escalation level ${state.sla.level}`);
  if (state.cancellation) lines.push(`Cancelled: ${state.cancellation.reason}`);
  for (const parked of state.attention ?? []) lines.push(`**Needs attention** since ${parked.since}: ${parked.error}`);
  return lines.join('\n\n');
}

/** The attributes set once, when the case opens (after the first publishForOps; the API sets them at start). */
export function publishOpening(state: CaseState, onlyChanges = false): void {
  upsertChanged(
    [
      { key: SA.CaseNo, value: state.caseNo },
      { key: SA.Region, value: state.intake.customer.region ?? 'unassigned' },
      { key: SA.SlaBreached, value: false },
    ],
    onlyChanges,
  );
}
