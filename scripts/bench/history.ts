// What one case costs Temporal, read from its workflow history: events, workflow tasks,
// Updates, activities by type, timers started and cancelled, search-attribute upserts.
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

const T = temporal.api.enums.v1.EventType;

export interface HistoryCost {
  events: number;
  workflowTasks: number;
  updates: number;
  activities: number;
  localActivities: number;
  byActivity: Record<string, number>;
  timers: number;
  timersCancelled: number;
  upserts: number;
  children: number;
  historyBytes: number;
}

export async function historyCost(client: Client, workflowId: string): Promise<HistoryCost> {
  const handle = client.workflow.getHandle(workflowId);
  await Promise.race([handle.result().catch(() => undefined), new Promise((r) => setTimeout(r, 30_000))]);
  const history = await handle.fetchHistory();
  const events = history.events ?? [];
  const count = (t: temporal.api.enums.v1.EventType) => events.filter((e) => e.eventType === t).length;
  const byActivity: Record<string, number> = {};
  for (const e of events) {
    const name = e.activityTaskScheduledEventAttributes?.activityType?.name;
    if (name) byActivity[name] = (byActivity[name] ?? 0) + 1;
  }
  const localActivities = events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity').length;
  return {
    events: events.length,
    workflowTasks: count(T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
    updates: count(T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED),
    activities: count(T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED),
    localActivities,
    byActivity,
    timers: count(T.EVENT_TYPE_TIMER_STARTED),
    timersCancelled: count(T.EVENT_TYPE_TIMER_CANCELED),
    upserts: count(T.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES),
    children: count(T.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED),
    historyBytes: temporal.api.history.v1.History.encode(history).finish().length,
  };
}

export function printCost(label: string, c: HistoryCost): void {
  const acts = Object.entries(c.byActivity)
    .sort(([, a], [, b]) => b - a)
    .map(([n, k]) => `${k}×${n}`)
    .join(', ');
  console.log(
    `  ${label}: ${c.events} events (${(c.historyBytes / 1024).toFixed(1)} KB), ${c.workflowTasks} workflow tasks, ${c.updates} Updates, ` +
      `${c.activities} activities + ${c.localActivities} local, ${c.timers} timers (${c.timersCancelled} cancelled), ${c.upserts} SA upserts, ${c.children} children`,
  );
  if (acts) console.log(`    activities: ${acts}`);
}
