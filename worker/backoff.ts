// Restart back-off shared by the worker supervisor and the launcher's child supervisor:
// 1 s doubling to 30 s, back to 1 s once an incarnation stayed up for a healthy period.

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** An incarnation that lived this long resets the delay. */
  healthyMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1_000, maxMs: 30_000, healthyMs: 60_000 };

export class Backoff {
  private delay: number;

  constructor(private readonly opts: BackoffOptions = DEFAULT_BACKOFF) {
    this.delay = opts.initialMs;
  }

  /** The wait before the next attempt, given how long the last one lived. */
  next(livedMs: number): number {
    if (livedMs >= this.opts.healthyMs) this.delay = this.opts.initialMs;
    const wait = this.delay;
    this.delay = Math.min(this.delay * 2, this.opts.maxMs);
    return wait;
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

/** One line for the logs: the message and code of an error, never its data. */
export function errorSummary(err: unknown): { message: string; code?: string } {
  if (!(err instanceof Error)) return { message: String(err) };
  const code = (err as { code?: unknown }).code;
  // Node's codes are strings (ECONNREFUSED) or numbers (gRPC status); nothing else is expected.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  return { message: err.message, ...(code !== undefined ? { code: String(code) } : {}) };
}
