// Messages a workflow sends in the background: a gateway outage delays them (notify()
// retries without limit) but never holds up the case or complaint itself, nor (runs with
// OUTBOX_LANES_PATCH) the messages of another channel.
import { allHandlersFinished, condition, patched } from '@temporalio/workflow';
import { NOTIFICATION_CHANNELS, type NotificationRequest } from '../domain/notifications';
import { notify } from './notify';

/**
 * Patch id, decided once when the outbox starts: one lane per channel, each in order.
 * Before it, one queue for all channels, so an SMTP server that refused connections held
 * the engineers' SMS behind an escalation e-mail retrying for as long as it was down.
 */
export const OUTBOX_LANES_PATCH = 'outbox-channel-lanes';

/** The lanes of OUTBOX_LANES_PATCH runs: one per channel. */
const LANES = NOTIFICATION_CHANNELS.map((channel) => (r: NotificationRequest) => r.channel === channel);

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
    if (!patched(OUTBOX_LANES_PATCH)) return this.lane(() => true, isClosed);
    await Promise.all(LANES.map((accepts) => this.lane(accepts, isClosed)));
  }

  /** Sends the queued messages `accepts` takes, oldest first, one at a time. */
  private async lane(accepts: (r: NotificationRequest) => boolean, isClosed: () => boolean): Promise<void> {
    for (;;) {
      await condition(() => this.queue.some(accepts) || (isClosed() && allHandlersFinished()));
      const at = this.queue.findIndex(accepts);
      if (at < 0) return;
      await notify(this.queue.splice(at, 1)[0]!);
    }
  }
}
