// Load shedding: a process works on at most `maxInFlight` requests at once and refuses
// the rest at once with 503 + Retry-After. Queuing them instead (on the database pool,
// on Temporal) only turns a burst into time-outs for everybody; a prompt 503 lets the
// client back off and keeps the answered requests fast. Liveness is never shed.
import type { RequestHandler } from 'express';
import { HttpError } from './errors';
import { LIVENESS_PATH } from './rateLimits';

export function shedLoad(maxInFlight: number): RequestHandler {
  let inFlight = 0;
  return (req, res, next) => {
    if (maxInFlight <= 0 || req.path === LIVENESS_PATH) return next();
    if (inFlight >= maxInFlight) {
      return next(new HttpError(503, 'overloaded', `the API is at its limit of ${maxInFlight} requests in progress; retry after Retry-After seconds`));
    }
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
