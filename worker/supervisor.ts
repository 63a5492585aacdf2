// Keeps a worker running. Worker.run() rejects when Temporal stays unreachable long
// enough, or on any fatal worker error; the supervisor logs it, waits (1 s doubling to
// 30 s, reset after a healthy minute), makes a new NativeConnection + Worker and goes on.
// Used by `npm run worker` and by the launcher's embedded worker. stop() ends it cleanly.
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { Logger } from 'pino';
import { Backoff, errorSummary, sleep, type BackoffOptions } from './backoff';

export interface WorkerSupervisor {
  /** Resolves once stop() has shut the worker down. */
  readonly done: Promise<void>;
  /** Resolves when the first worker starts polling. */
  readonly firstRunning: Promise<void>;
  readonly restarts: number;
  /** The current worker's state ('RUNNING' while it polls), undefined between incarnations. */
  state(): string | undefined;
  stop(): Promise<void>;
}

export function superviseWorker(opts: {
  create: () => Promise<{ worker: Worker; connection: NativeConnection }>;
  logger: Logger;
  /** Each time a worker incarnation starts polling. */
  onRunning?: (incarnation: number) => void;
  backoff?: BackoffOptions;
}): WorkerSupervisor {
  const { logger } = opts;
  const backoff = new Backoff(opts.backoff);
  const abort = new AbortController();
  let current: Worker | undefined;
  let restarts = 0;
  let markRunning!: () => void;
  const firstRunning = new Promise<void>((resolve) => (markRunning = resolve));

  const loop = async () => {
    for (let incarnation = 1; !abort.signal.aborted; incarnation++) {
      const startedAt = Date.now();
      let connection: NativeConnection | undefined;
      try {
        const made = await opts.create();
        connection = made.connection;
        if (abort.signal.aborted) return;
        current = made.worker;
        const running = made.worker.run();
        markRunning();
        opts.onRunning?.(incarnation);
        await running;
        // run() resolves only after shutdown(); anything else is a failure.
        if (abort.signal.aborted) return;
        logger.error('worker stopped by itself');
      } catch (err) {
        if (abort.signal.aborted) return;
        logger.error({ err: errorSummary(err) }, 'worker failed');
      } finally {
        current = undefined;
        await connection?.close().catch(() => undefined);
      }
      const wait = backoff.next(Date.now() - startedAt);
      restarts++;
      logger.warn({ restartInMs: wait, restarts }, 'worker restarting');
      await sleep(wait, abort.signal);
    }
  };
  const done = loop();

  return {
    done,
    firstRunning,
    get restarts() {
      return restarts;
    },
    state: () => current?.getState(),
    async stop() {
      abort.abort();
      // Finishes in-flight tasks (the SDK's graceful shutdown), then run() resolves.
      if (current?.getState() === 'RUNNING') current.shutdown();
      await done;
    },
  };
}
