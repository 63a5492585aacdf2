// Every activity's error leaves the worker classified and clean:
// - PostgreSQL refusing the data itself (SQLSTATE class 22 "data exception" or 23
//   "integrity constraint violation") will refuse it on every retry: the failure is
//   non-retryable (type UNFIXABLE_BY_RETRY) and the workflow parks the case for a person;
// - any other database error stays retryable (an outage, a restart, a timeout);
// - any other error is retried as before, under its own name (the failure type);
// - no failure carries the original error, its causes or its text as is: drizzle's
//   "Failed query: … params: …" and PostgreSQL's own messages (a RAISE, 22P02's "invalid
//   input syntax: <value>") carry names, phones and addresses, and a failure is stored in
//   Temporal's history in clear and shown in the UI and `temporal workflow describe`.
//   The message keeps the activity, the SQLSTATE or error code and, for PostgreSQL, the
//   table, column and constraint; other messages are cut before any query text and have
//   phone numbers and e-mail addresses masked.
import { ApplicationFailure, TemporalFailure } from '@temporalio/common';
import type { ActivityInboundCallsInterceptor, ActivityInterceptorsFactory } from '@temporalio/worker';
import { UNFIXABLE_BY_RETRY } from '../domain/failures';

interface PgError {
  code: string;
  severity?: string;
  constraint?: string;
  table?: string;
  column?: string;
}

/** SQLSTATE classes by name: a useful message without PostgreSQL's text, which may quote the data. */
const SQLSTATE_CLASSES: Record<string, string> = {
  '08': 'connection exception',
  '22': 'data exception',
  '23': 'integrity constraint violation',
  '25': 'invalid transaction state',
  '40': 'transaction rollback',
  '42': 'syntax error or access rule violation',
  '53': 'insufficient resources',
  '54': 'program limit exceeded',
  '55': 'object not in prerequisite state',
  '57': 'operator intervention',
  '58': 'system error',
  P0: 'PL/pgSQL error',
  XX: 'internal error',
};

type Chained = { code?: unknown; severity?: unknown; cause?: unknown; name?: unknown; message?: unknown } | undefined;

function pgErrorIn(err: unknown): PgError | undefined {
  for (let e = err as Chained, depth = 0; e && depth < 6; e = e.cause as Chained, depth++) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && typeof e.severity === 'string') return e as PgError;
  }
  return undefined;
}

/** A system error code (ECONNREFUSED, ETIMEDOUT…) anywhere in the cause chain. */
function errorCodeIn(err: unknown): string | undefined {
  for (let e = err as Chained, depth = 0; e && depth < 6; e = e.cause as Chained, depth++) {
    if (typeof e.code === 'string' && /^[A-Z0-9_]{2,40}$/.test(e.code)) return e.code;
  }
  return undefined;
}

/** The message without query text or parameters, phones and e-mail addresses masked. */
export function scrubErrorMessage(message: string): string {
  const query = message.search(/Failed query:|\bparams:|\bquery:/i);
  const text = query === 0 ? 'database query failed' : query > 0 ? message.slice(0, query).trim() : message;
  return text
    .replace(/[^\s@]+@[^\s@]+\.[^\s@]+/g, '***@***')
    .replace(/\+?\d[\d\s-]{5,}\d/g, (m) => (m.replace(/\D/g, '').length >= 7 ? `***${m.replace(/\D/g, '').slice(-2)}` : m))
    .slice(0, 300);
}

function pgFailure(pg: PgError, activity: string): ApplicationFailure {
  const where = [pg.table && `table ${pg.table}`, pg.column && `column ${pg.column}`, pg.constraint && `constraint ${pg.constraint}`]
    .filter(Boolean)
    .join(', ');
  const kind = SQLSTATE_CLASSES[pg.code.slice(0, 2)];
  const message = `${activity}: PostgreSQL error ${pg.code}${kind ? ` ${kind}` : ''}${where ? ` (${where})` : ''}`;
  const unfixable = pg.code.startsWith('22') || pg.code.startsWith('23');
  return unfixable
    ? ApplicationFailure.create({ type: UNFIXABLE_BY_RETRY, message, nonRetryable: true, details: [{ sqlState: pg.code, constraint: pg.constraint ?? null }] })
    : ApplicationFailure.create({ type: 'DatabaseError', message, nonRetryable: false, details: [{ sqlState: pg.code }] });
}

export function classifyActivityError(err: unknown, activity: string): unknown {
  // Made by our own activities with a message meant for Temporal; its cause is dropped all the same.
  if (err instanceof ApplicationFailure) return err.cause ? withoutCause(err) : err;
  // Cancellation and async completion are signals to the SDK, not errors to clean.
  if (err instanceof TemporalFailure || (err as Chained)?.name === 'CompleteAsyncError') return err;
  const pg = pgErrorIn(err);
  if (pg) return pgFailure(pg, activity);
  const e = err as Chained;
  const name = typeof e?.name === 'string' && e.name !== 'DrizzleQueryError' ? e.name : 'Error';
  const code = errorCodeIn(err);
  const message = `${activity}: ${scrubErrorMessage(typeof e?.message === 'string' ? e.message : String(err))}${code ? ` (${code})` : ''}`;
  return ApplicationFailure.create({ type: name, message, nonRetryable: false, details: code ? [{ code }] : [] });
}

function withoutCause(f: ApplicationFailure): ApplicationFailure {
  return ApplicationFailure.create({
    message: f.message,
    type: f.type ?? undefined,
    nonRetryable: f.nonRetryable ?? false,
    details: f.details ?? undefined,
    nextRetryDelay: f.nextRetryDelay ?? undefined,
  });
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
