// Messages a workflow sends in the background, in order: a gateway outage delays them
// (notify() retries without limit) but never holds up the case or complaint itself.
import { allHandlersFinished, condition } from '@temporalio/workflow';
import type { NotificationRequest } from '../domain/notifications';
import { notify } from './notify';

export class Outbox {
  private readonly queue: NotificationRequest[] = [];

  push(request: NotificationRequest): void {
    this.queue.push(request);
  }

  /**
   * Sends until `isClosed()` holds, no update handler is still running (one may queue a
   * message after the step that closed the workflow) and nothing is left.
   */
  async run(isClosed: () => boolean): Promise<void> {
    for (;;) {
      await condition(() => this.queue.length > 0 || (isClosed() && allHandlersFinished()));
      const next = this.queue.shift();
      if (!next) return;
      await notify(next);
    }
  }
}
