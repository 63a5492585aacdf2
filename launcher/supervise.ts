// Keeps a child server (embedded PostgreSQL, the Temporal dev server) running: when it
// dies unexpectedly it is started again, same ports and data, with back-off. An ordered
// shutdown (stop()) is never mistaken for a death.
import type { Logger } from 'pino';
import { Backoff, errorSummary, sleep, type BackoffOptions } from '../worker/backoff';

export interface SupervisedChild {
  /** Resolves (with how it ended) when the current incarnation exits. */
  waitExit(): Promise<string>;
  /** Starts a new incarnation and waits until it is ready. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface Supervisor {
  readonly restarts: number;
  stop(): Promise<void>;
}

export function superviseChild(name: string, child: SupervisedChild, logger: Logger, backoffOpts?: BackoffOptions): Supervisor {
  const backoff = new Backoff(backoffOpts);
  const abort = new AbortController();
  let restarts = 0;
  let upSince = Date.now();

  const loop = async () => {
    for (;;) {
      const how = await Promise.race([child.waitExit(), new Promise<null>((r) => abort.signal.addEventListener('abort', () => r(null)))]);
      if (how === null || abort.signal.aborted) return;
      // Retries until an incarnation comes up (bounded only by stop()).
      for (;;) {
        const wait = backoff.next(Date.now() - upSince);
        logger.warn({ component: name, exit: how, restartInMs: wait }, `${name} exited unexpectedly; restarting`);
        await sleep(wait, abort.signal);
        if (abort.signal.aborted) return;
        try {
          await child.restart();
          restarts++;
          upSince = Date.now();
          logger.warn({ component: name, restarts }, `${name} restarted`);
          break;
        } catch (err) {
          upSince = Date.now();
          logger.error({ component: name, err: errorSummary(err) }, `${name} failed to restart`);
        }
      }
    }
  };
  const running = loop();

  return {
    get restarts() {
      return restarts;
    },
    async stop() {
      abort.abort();
      // A restart in progress finishes first, so stop() sees the process it started.
      await running;
      await child.stop();
    },
  };
}
