// Durable wake-ups. `Alarm`: one loop's timer, re-armed only when its instant changes.
// `WakeClock`: one timer for a whole workflow (patch 'case-one-timer'): every loop that
// waits for an instant (SLA clocks, reminders, the contact and offer windows) holds a
// slot, and a single timer is armed for the earliest instant still ahead, re-armed only
// when that earliest changes. A move that changes several deadlines at once (a stage
// change moves the SLA clocks, the reminders and the contact window together) then
// cancels and starts at most one timer, not one per loop.
import { CancellationScope, condition, isCancellation, sleep } from '@temporalio/workflow';

/** What a loop waits with: resolves when `wake()` holds or the instant `at` (epoch ms) is reached. */
export interface Waiter {
  wait(at: number | undefined, wake: () => boolean): Promise<void>;
}

export class Alarm implements Waiter {
  private armed?: { at: number; fired: Promise<boolean>; scope: CancellationScope };

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

/** One loop's slot on a WakeClock. Its instant stays set after a wait returns until the next wait (or `clear`). */
export class Slot implements Waiter {
  at: number | undefined;

  constructor(private readonly clock: WakeClock) {}

  async wait(at: number | undefined, wake: () => boolean): Promise<void> {
    this.at = at !== undefined && Number.isFinite(at) ? at : undefined;
    const due = this.at;
    this.clock.changed();
    await condition(() => wake() || (due !== undefined && Date.now() >= due));
  }

  /** As `condition(fn, until - now)`: true when `done()` held before the instant. The slot is cleared after. */
  async until(at: number, done: () => boolean): Promise<boolean> {
    await this.wait(at, done);
    this.clear();
    return done();
  }

  clear(): void {
    if (this.at === undefined) return;
    this.at = undefined;
    this.clock.changed();
  }
}

export class WakeClock {
  private readonly slots: Slot[] = [];
  private armed?: { at: number; scope: CancellationScope };
  private dirty = 0;

  constructor() {
    void this.plan();
  }

  slot(): Slot {
    const s = new Slot(this);
    this.slots.push(s);
    return s;
  }

  /** A slot moved. The timer is re-planned once the activation's loops have all settled (many moves, one re-arm). */
  changed(): void {
    this.dirty++;
  }

  /** The earliest instant still ahead; passed instants are their loops' to notice. */
  private earliest(): number | undefined {
    const now = Date.now();
    let min: number | undefined;
    for (const s of this.slots) if (s.at !== undefined && s.at > now && (min === undefined || s.at < min)) min = s.at;
    return min;
  }

  /**
   * Re-plans after each change, as a condition: conditions are checked only after the
   * woken loops' continuations have run and set their new instants.
   */
  private async plan(): Promise<void> {
    let seen = 0;
    for (;;) {
      await condition(() => this.dirty !== seen);
      seen = this.dirty;
      const at = this.earliest();
      if (at === this.armed?.at) continue;
      this.armed?.scope.cancel();
      this.armed = undefined;
      if (at === undefined) continue;
      const scope = new CancellationScope();
      const armed = { at, scope };
      this.armed = armed;
      scope
        .run(() => sleep(Math.max(1, at - Date.now())))
        .then(
          () => {
            // Fired: the loops whose instant it was see Date.now() >= at and move their slots.
            if (this.armed === armed) this.armed = undefined;
            this.dirty++;
          },
          (err: unknown) => {
            if (!isCancellation(err)) throw err;
          },
        );
    }
  }
}
