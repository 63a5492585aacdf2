// Every request gets an answer within a bound. Temporal calls carry a gRPC deadline
// (an Update waits for a worker to run it; with none polling it would wait for ever),
// and a last-resort timer answers 503 if a handler is still busy when the request's
// own deadline passes (the handler's late result is then dropped).
import type { NextFunction, Request, Response } from 'express';
import { KPI_REFRESH_TIMEOUT_MS } from '../db/queries/kpi';
import { RETRY_AFTER_SECONDS } from './errors';

export interface ApiDeadlines {
  /** How long a request waits for Temporal: an Update's outcome, an intake, a describe. */
  temporalMs: number;
  /** How long GET of a case or complaint waits for the live workflow query before answering from PostgreSQL. */
  liveQueryMs: number;
  /** The whole request, whatever it waits on. */
  requestMs: number;
  /** How long GET /kpi and the dashboard may spend bringing the KPI rollup up to date (else 503). */
  kpiRefreshMs: number;
}

export const DEFAULT_DEADLINES: ApiDeadlines = { temporalMs: 5_000, liveQueryMs: 2_000, requestMs: 20_000, kpiRefreshMs: KPI_REFRESH_TIMEOUT_MS };

/** Answers 503 when the handler has not answered by the request's deadline. */
export function requestDeadline(ms: number) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      req.log?.warn({ deadlineMs: ms }, 'request deadline passed');
      res
        .set('Retry-After', String(RETRY_AFTER_SECONDS))
        .status(503)
        .json({
          error: { code: 'timeout', message: `no answer within ${ms} ms; retry later (with the same Idempotency-Key for a write)` },
        });
    }, ms);
    timer.unref();
    res.on('close', () => clearTimeout(timer));
    next();
  };
}
