// Load shedding: a process refuses new requests at once with 503 + Retry-After when it
// already works on `maxInFlight` of them, or when its event loop runs late by more than
// `maxEventLoopDelayMs` (its CPU is saturated: requests then wait before any middleware
// sees them, so counting them in flight alone does not notice). Queuing instead (on the
// CPU, the database pool, Temporal) only turns a burst into time-outs for everybody; a
// prompt 503 costs little, lets the client back off and keeps the answered requests
// fast. Liveness is never shed.
import type { RequestHandler } from 'express';
import { HttpError } from './errors';
import { LIVENESS_PATH } from './rateLimits';

/** How often the event loop's lateness is sampled. */
const LAG_SAMPLE_MS = 50;

/** True while the last sample of the event loop ran later than `maxDelayMs`. */
function eventLoopLate(maxDelayMs: number): () => boolean {
  let late = false;
  let expected = Date.now() + LAG_SAMPLE_MS;
  setInterval(() => {
    const now = Date.now();
    late = now - expected > maxDelayMs;
    expected = now + LAG_SAMPLE_MS;
  }, LAG_SAMPLE_MS).unref();
  return () => late;
}

export function shedLoad(opts: { maxInFlight: number; maxEventLoopDelayMs: number }): RequestHandler {
  const { maxInFlight } = opts;
  const late = opts.maxEventLoopDelayMs > 0 ? eventLoopLate(opts.maxEventLoopDelayMs) : () => false;
  let inFlight = 0;
  return (req, res, next) => {
    if (req.path === LIVENESS_PATH) return next();
    if (maxInFlight > 0 && inFlight >= maxInFlight) {
      return next(new HttpError(503, 'overloaded', `the API is at its limit of ${maxInFlight} requests in progress; retry after Retry-After seconds`));
    }
    if (late()) return next(new HttpError(503, 'overloaded', 'the API is saturated (its event loop runs late); retry after Retry-After seconds'));
    inFlight++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      inFlight--;
    };
    // 'close' also comes when the client goes away before the answer.
    res.once('finish', release);
    res.once('close', release);
    next();
  };
}
