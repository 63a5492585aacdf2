// Every activity's error leaves the worker classified and clean:
// - PostgreSQL refusing the data itself (SQLSTATE class 22 "data exception" or 23
//   "integrity constraint violation") will refuse it on every retry: the failure is
//   non-retryable (type UNFIXABLE_BY_RETRY) and the workflow parks the case for a person;
// - any other database error stays retryable (an outage, a restart, a timeout);
// - the message keeps the SQLSTATE, constraint and table but never the query text or its
//   parameters (drizzle's "Failed query: … params: …" carries names, phones, addresses),
//   since it is stored in Temporal's history and shown in the UI.
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInboundCallsInterceptor, ActivityInterceptorsFactory } from '@temporalio/worker';
import { UNFIXABLE_BY_RETRY } from '../domain/failures';

interface PgError {
  code: string;
  severity?: string;
  constraint?: string;
  table?: string;
  column?: string;
}

function pgErrorIn(err: unknown): PgError | undefined {
  for (let e = err as { code?: unknown; severity?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 6; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && typeof e.severity === 'string') return e as PgError;
  }
  return undefined;
}

export function classifyActivityError(err: unknown, activity: string): unknown {
  if (err instanceof ApplicationFailure) return err;
  const pg = pgErrorIn(err);
  if (!pg) return err;
  const where = [pg.table && `table ${pg.table}`, pg.column && `column ${pg.column}`, pg.constraint && `constraint ${pg.constraint}`]
    .filter(Boolean)
    .join(', ');
  const message = `${activity}: PostgreSQL error ${pg.code}${where ? ` (${where})` : ''}`;
  const unfixable = pg.code.startsWith('22') || pg.code.startsWith('23');
  return unfixable
    ? ApplicationFailure.create({ type: UNFIXABLE_BY_RETRY, message, nonRetryable: true, details: [{ sqlState: pg.code, constraint: pg.constraint ?? null }] })
    : ApplicationFailure.create({ type: 'DatabaseError', message, nonRetryable: false, details: [{ sqlState: pg.code }] });
}

export const activityErrorInterceptor: ActivityInterceptorsFactory = (ctx) => {
  const inbound: ActivityInboundCallsInterceptor = {
    async execute(input, next) {
      try {
        return await next(input);
      } catch (err) {
        throw classifyActivityError(err, ctx.info.activityType);
      }
    },
  };
  return { inbound };
};
