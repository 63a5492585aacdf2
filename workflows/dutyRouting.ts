// Duty routing from a workflow: which roles a threshold names, and the one activity call
// that asks the roster who holds them at this instant (the answer is in the history, so
// replay is deterministic). Used by the case and complaint SLA wiring. Deterministic.
import { patched } from '@temporalio/workflow';
import type { Threshold } from '../domain';
import { isRouted, routingRecord, type RoutedPerson, type Routing } from '../domain/duty';
import type { activities as retryingActivities } from './activities';

/**
 * Patch id of duty routing, taken once when a case or complaint opens (its settings say
 * `routing: 'duty'`): escalations, warnings and the complaint owner go to people.
 */
export const DUTY_ROUTING_PATCH = 'duty-routing';

/**
 * Patch id: runs opened before duty routing (fixed contacts in their settings) route the
 * thresholds that fire from this release on to people too. Those that fired before it
 * replay to the contacts (no marker at that point of their history), so
 * LEGACY_ESCALATION_CONTACTS only ever serves past commands.
 */
export const OPEN_RUNS_ROUTING_PATCH = 'duty-routing-open-runs';

/** Whether a threshold firing now goes to the people on duty: runs with duty routing, and older runs from this release on. */
export function routesToDuty(settings: { routing?: 'duty' }): boolean {
  return settings.routing === 'duty' || patched(OPEN_RUNS_ROUTING_PATCH);
}

/** A warning goes to the supervisor; a level to the supervisor and/or manager its actions name. */
export function thresholdRoles(t: Threshold): string[] {
  if (t.kind === 'warning') return ['supervisor'];
  return [...(t.actions.includes('notify_supervisor') ? ['supervisor'] : []), ...(t.actions.includes('notify_manager') ? ['manager'] : [])];
}

/** The timeline's `notified` field and the people to message. */
export function routedFor(routings: Routing[]): { data: Record<string, unknown>; people: RoutedPerson[] } {
  return { data: { notified: routings.map(routingRecord) }, people: routings.filter(isRouted) };
}

/** Routes a threshold's roles now; undefined (no activity) when it names nobody (level 3). */
export function routeThreshold(
  acts: Pick<typeof retryingActivities, 'routeToDuty'>,
  t: Threshold,
  region: string | undefined,
): Promise<{ data: Record<string, unknown>; people: RoutedPerson[] }> | undefined {
  const roles = thresholdRoles(t);
  if (!roles.length) return undefined;
  return acts.routeToDuty({ roles, region, at: new Date(Date.now()).toISOString() }).then(routedFor);
}
