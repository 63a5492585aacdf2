// The activities as case and complaint workflows call them, and how a workflow refuses
// an update. Shared so both workflows retry I/O the same way.
import { ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { CaseActivities } from '../activities';

// Ordinary (not local) activities on purpose: local activities ran about twice as fast,
// but the case has loops woken by conditions (SLA clocks, reminders) whose timers must
// keep their order relative to update completions on replay, and with local activities
// that order differed (a nondeterminism error in the replay test). Correctness first.
export const activities = proxyActivities<CaseActivities>({
  startToCloseTimeout: '30 seconds',
  // A database outage delays the case or complaint; it never loses a step.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Refuses an update (validator or handler): the API maps `type` to its HTTP status. */
export function reject(type: string, message: string, details?: Record<string, unknown>): never {
  throw ApplicationFailure.create({ type, message, details: details ? [details] : undefined, nonRetryable: true });
}
