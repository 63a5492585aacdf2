// Workflow side of notifications: build the request (domain/notifications) and call
// notify(). The activity is idempotent per key, so a replay, a retry or the same signal
// handled twice never sends a second message.
import { ActivityFailure, ApplicationFailure, log, proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { NotificationActivities, NotificationResult } from '../activities/notifications';
import type { NotificationRequest } from '../domain/notifications';

/**
 * A gateway outage delays a message, it never drops it: unlimited attempts, 1 s doubling
 * to 1 min between them. Only non-retryable refusals (bad template vars, a channel that
 * is not configured, a provider's 4xx) end the activity.
 */
export const NOTIFY_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  // The send heartbeats: a worker that dies mid-send is noticed in seconds, not a minute.
  heartbeatTimeout: '10 seconds',
  // No maximumAttempts: unlimited.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
};

export type NotifyOutcome = NotificationResult | { key: string; status: 'failed'; error: string };

/**
 * A notifier whose activity runs on `options.taskQueue` (default: the workflow's own).
 * A refused message resolves to { status: 'failed' } — logged, never failing the case.
 */
export function createNotifier(options: Partial<ActivityOptions> = {}) {
  const { sendNotification } = proxyActivities<NotificationActivities>({ ...NOTIFY_ACTIVITY_OPTIONS, ...options });
  return async function notify(request: NotificationRequest): Promise<NotifyOutcome> {
    try {
      return await sendNotification(request);
    } catch (err) {
      if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.nonRetryable) {
        log.warn('notification refused', { key: request.key, event: request.event, channel: request.channel, error: err.cause.message });
        return { key: request.key, status: 'failed', error: err.cause.message };
      }
      throw err;
    }
  };
}

/** Sends one notification from a workflow (activity on the workflow's task queue). */
export const notify = createNotifier();
