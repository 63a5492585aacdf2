// An activity failure that no retry can fix (the database refuses the data itself, see
// worker/activityErrors.ts) parks the workflow instead of failing it or spinning: the
// call waits, the case shows as needing attention (state, search attribute, /ops/stuck),
// and after a person has fixed the cause, ops resume it and the call runs again.
// Nothing here issues a command unless a call fails that way, so histories recorded
// before parking existed replay unchanged.
import { ActivityFailure, ApplicationFailure, condition, defineUpdate, setHandler } from '@temporalio/workflow';
import type { Actor } from '../domain';
import { UNFIXABLE_BY_RETRY } from '../domain/failures';

export interface ParkedCall {
  activity: string;
  error: string;
  since: string;
}

export const resumeParked = defineUpdate<{ resumed: number }, [Actor, { reason: string }]>('resumeParked');

export interface ParkingHooks {
  onPark(parked: ParkedCall): void;
  onResume(parked: ParkedCall[], actor: Actor, reason: string): void;
}

export class Parking {
  private readonly parked = new Map<number, ParkedCall>();
  private nextId = 0;
  private generation = 0;

  constructor(private readonly hooks: ParkingHooks) {
    setHandler(
      resumeParked,
      (actor, body) => {
        const calls = [...this.parked.values()];
        if (calls.length === 0) return { resumed: 0 };
        this.generation += 1;
        this.hooks.onResume(calls, actor, body.reason);
        return { resumed: calls.length };
      },
      {
        validator: (_actor: Actor, body: { reason?: string } | undefined) => {
          if (!body?.reason?.trim()) throw ApplicationFailure.nonRetryable('a reason is required', 'InvalidRequest');
        },
      },
    );
  }

  get calls(): ParkedCall[] {
    return [...this.parked.values()];
  }

  /** The same activities, each call parked (not failed) on an unfixable failure. */
  guard<A extends object>(activities: A): A {
    return new Proxy(activities, {
      get: (target, name) => {
        const fn = (target as Record<string | symbol, unknown>)[name];
        if (typeof fn !== 'function') return fn;
        return (...args: unknown[]) => this.run(String(name), () => (fn as (...a: unknown[]) => Promise<unknown>)(...args));
      },
    });
  }

  private async run<T>(activity: string, call: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        return await call();
      } catch (err) {
        const cause = err instanceof ActivityFailure ? err.cause : undefined;
        if (!(cause instanceof ApplicationFailure) || cause.type !== UNFIXABLE_BY_RETRY) throw err;
        const id = this.nextId++;
        const parked: ParkedCall = { activity, error: cause.message, since: new Date(Date.now()).toISOString() };
        this.parked.set(id, parked);
        this.hooks.onPark(parked);
        const waitingFor = this.generation + 1;
        await condition(() => this.generation >= waitingFor);
        this.parked.delete(id);
      }
    }
  }
}
