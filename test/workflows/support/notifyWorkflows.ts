// A tiny workflow for the notification tests: sends each request through notify(), then
// sends every one of them again (a replayed step / duplicate signal) — the second round
// must find them sent.
import type { NotificationRequest } from '../../../domain/notifications';
import { createNotifier, type NotifyOutcome } from '../../../workflows/notify';

export async function notifyTwice(requests: NotificationRequest[], activityTaskQueue?: string): Promise<{ first: NotifyOutcome[]; second: NotifyOutcome[] }> {
  const notify = createNotifier(activityTaskQueue ? { taskQueue: activityTaskQueue } : {});
  const first = await Promise.all(requests.map((r) => notify(r)));
  const second = await Promise.all(requests.map((r) => notify(r)));
  return { first, second };
}
