// Rate limits per client address (before authentication), per API key (after it), and a
// lockout of an address that keeps presenting wrong credentials. The counters live in
// PostgreSQL (table rate_limits, migration 0010) so every API replica counts against one
// limit; PostgreSQL is already there, so this needs no new infrastructure (Redis would).
// If PostgreSQL is down or slow, each replica counts in memory on its own until it is
// back (rate-limiter-flexible's insuranceLimiter): limits stay roughly in force, and no
// request fails because of the limiter itself.
import { createHash } from 'node:crypto';
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { Pool } from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, RLWrapperTimeouts } from 'rate-limiter-flexible';
import { HttpError } from './errors';

export interface LimitSettings {
  /** Requests per API key per window (0: off). */
  perKey: { points: number; windowS: number };
  /** Requests per client address per window, before authentication (0: off). */
  perAddress: { points: number; windowS: number };
  /** `limit` failed authentications within `windowS` lock the address out for `lockoutS` (limit 0: off). */
  authFailures: { limit: number; windowS: number; lockoutS: number };
  /** Requests one process works on at once (0: off); see loadShedding.ts. */
  maxInFlight: number;
  /** Event-loop lateness above which a process sheds new requests (0: off); see loadShedding.ts. */
  maxEventLoopDelayMs: number;
}

/** Liveness answers whatever the load: it is never limited nor shed. */
export const LIVENESS_PATH = '/health/live';

/** A slow store must not hold every request: past this the replica counts in memory. */
const STORE_TIMEOUT_MS = 1_000;

type Limiter = RLWrapperTimeouts;

function sharedLimiter(pool: Pool, name: string, opts: { points: number; duration: number; blockDuration?: number }): Limiter {
  const store = new RateLimiterPostgres({
    ...opts,
    keyPrefix: name,
    storeClient: pool,
    storeType: 'pool',
    tableName: 'rate_limits',
    // Made by migration 0010, not by the library at run time.
    tableCreated: true,
    // Once over the limit, a key is refused from memory until its window ends: a flood
    // costs no database round trip per request (blockDuration, the lockout, keeps its own path).
    ...(opts.blockDuration ? {} : { inMemoryBlockOnConsumed: opts.points + 1 }),
  });
  return new RLWrapperTimeouts({
    limiter: store,
    timeoutMs: STORE_TIMEOUT_MS,
    blockDuration: opts.blockDuration ?? 0,
    insuranceLimiter: new RateLimiterMemory(opts),
  });
}

/** The limiter's key for a bearer key: a hash, so no key is ever stored. */
function keyId(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 40);
}

function bearerToken(req: Request): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
}

function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

/** A credential was presented (an Authorization header, or a customer link in the path): its 401 is a guess. */
function presentedCredential(req: Request): boolean {
  return req.get('authorization') !== undefined || req.path.startsWith('/customer/');
}

function tooMany(res: Response, msBeforeNext: number, code: string, message: string): HttpError {
  res.set('Retry-After', String(Math.max(1, Math.ceil(msBeforeNext / 1000))));
  return new HttpError(429, code, message);
}

export interface RateLimits {
  /** Before authentication: the address's lockout and its request limit. */
  beforeAuth: RequestHandler;
  /** After authentication: the key's request limit. */
  afterAuth: RequestHandler;
  /** An error handler that counts a 401 for a presented credential against its address. */
  countFailedAuth: ErrorRequestHandler;
}

export function createRateLimits(pool: Pool, settings: LimitSettings): RateLimits {
  const { perKey, perAddress, authFailures } = settings;
  const byKey = perKey.points > 0 ? sharedLimiter(pool, 'key', { points: perKey.points, duration: perKey.windowS }) : undefined;
  const byAddress = perAddress.points > 0 ? sharedLimiter(pool, 'addr', { points: perAddress.points, duration: perAddress.windowS }) : undefined;
  // The limit-th failure crosses `points` and blocks the address for the lockout.
  const failures =
    authFailures.limit > 0
      ? sharedLimiter(pool, 'authfail', { points: authFailures.limit - 1, duration: authFailures.windowS, blockDuration: authFailures.lockoutS })
      : undefined;

  /** Rejected: the limit's answer; an error (insurance failed too): let the request through. */
  async function over(limiter: Limiter | undefined, key: string, req: Request): Promise<RateLimiterRes | undefined> {
    if (!limiter) return undefined;
    try {
      await limiter.consume(key);
      return undefined;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return rejection;
      req.log?.warn({ err: rejection }, 'rate limiter unavailable; request let through');
      return undefined;
    }
  }

  async function lockedOutMs(address: string, req: Request): Promise<number> {
    if (!failures) return 0;
    try {
      const seen = await failures.get(address);
      return seen && seen.consumedPoints >= authFailures.limit ? seen.msBeforeNext : 0;
    } catch (err) {
      req.log?.warn({ err }, 'lockout check unavailable; request let through');
      return 0;
    }
  }

  return {
    beforeAuth: (req, res, next) => {
      if (req.path === LIVENESS_PATH) return next();
      const address = clientAddress(req);
      Promise.all([lockedOutMs(address, req), over(byAddress, address, req)])
        .then(([lockedMs, limited]) => {
          if (lockedMs > 0) {
            return next(tooMany(res, lockedMs, 'locked_out', 'too many failed authentications from this address; wait for Retry-After seconds'));
          }
          if (limited) return next(tooMany(res, limited.msBeforeNext, 'rate_limited', 'too many requests from this address; retry after Retry-After seconds'));
          next();
        })
        .catch(next);
    },
    afterAuth: (req, res, next) => {
      const token = bearerToken(req);
      if (!token || !req.actor) return next();
      over(byKey, keyId(token), req)
        .then((limited) =>
          next(
            limited ? tooMany(res, limited.msBeforeNext, 'rate_limited', 'too many requests with this API key; retry after Retry-After seconds') : undefined,
          ),
        )
        .catch(next);
    },
    countFailedAuth: (err, req, _res, next) => {
      if (!failures || !(err instanceof HttpError) || err.status !== 401 || !presentedCredential(req)) return next(err);
      // Counted before the 401 leaves, so the address's next request already sees it.
      over(failures, clientAddress(req), req).then(
        () => next(err),
        () => next(err),
      );
    },
  };
}
