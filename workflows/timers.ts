// A durable wake-up that is re-armed only when its instant changes. Loops that re-plan
// on every state change would otherwise cancel and restart their timer each time; this
// keeps one timer per distinct deadline (fewer history events, and no cancel/start
// churn when a deadline and a state change coincide).
import { CancellationScope, condition, isCancellation, sleep } from '@temporalio/workflow';

export class Alarm {
  private armed?: { at: number; fired: Promise<boolean>; scope: CancellationScope };

  /** Resolves when `wake()` holds or the instant `at` (epoch ms) is reached. */
  async wait(at: number | undefined, wake: () => boolean): Promise<void> {
    if (at === undefined || !Number.isFinite(at)) {
      this.disarm();
      await condition(wake);
      return;
    }
    if (!this.armed || this.armed.at !== at) {
      this.disarm();
      const scope = new CancellationScope();
      const fired = scope
        .run(() => sleep(Math.max(1, at - Date.now())))
        .then(
          () => true,
          (err: unknown) => {
            if (isCancellation(err)) return false;
            throw err;
          },
        );
      this.armed = { at, fired, scope };
    }
    const armed = this.armed;
    const fired = await Promise.race([armed.fired, condition(wake).then(() => false)]);
    if (fired && this.armed === armed) this.armed = undefined;
  }

  private disarm(): void {
    this.armed?.scope.cancel();
    this.armed = undefined;
  }
}
