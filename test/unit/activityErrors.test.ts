// What an activity's error becomes before Temporal stores it: classified, and free of
// drizzle's query text and parameters, PostgreSQL's own message and any customer data.
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { classifyActivityError, scrubErrorMessage } from '../../worker/activityErrors';
import { UNFIXABLE_BY_RETRY } from '../../domain/failures';

const PHONE = '+86 138 0013 8000';
const ADDRESS = '上海市浦东新区世纪大道100号';
const QUERY = 'insert into "case_events" ("case_no", "snapshot") values ($1, $2)';
const PARAMS = ['CS-20261201-000001', JSON.stringify({ customer: { name: '张三', phone: PHONE, address: ADDRESS } })];

/** Everything of a failure Temporal would store: message, details, stack and causes. */
function stored(f: unknown): string {
  const parts: string[] = [];
  for (let e = f as { message?: string; stack?: string; details?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    parts.push(String(e.message), String(e.stack), JSON.stringify(e.details ?? null));
  }
  return parts.join('\n');
}

function pgError(code: string, message: string, extra: Record<string, string> = {}): Error {
  return Object.assign(new Error(message), { code, severity: 'ERROR', ...extra });
}

const noCustomerData = (f: unknown) => {
  const text = stored(f);
  for (const secret of [PHONE, '13800138000', '0013 8000', ADDRESS, '张三', 'Failed query', 'params', '$1'])
    expect([secret, text.includes(secret)]).toEqual([secret, false]);
};

test('a constraint refusal: non-retryable, SQLSTATE, table and constraint kept, query and params gone', () => {
  const err = new DrizzleQueryError(
    QUERY,
    PARAMS,
    pgError('23514', `new row violates check constraint "qa" ${PARAMS[1]}`, { table: 'case_events', constraint: 'qa' }),
  );
  const f = classifyActivityError(err, 'recordCaseEvent') as ApplicationFailure;
  expect(f).toBeInstanceOf(ApplicationFailure);
  expect(f.type).toBe(UNFIXABLE_BY_RETRY);
  expect(f.nonRetryable).toBe(true);
  expect(f.message).toBe('recordCaseEvent: PostgreSQL error 23514 integrity constraint violation (table case_events, constraint qa)');
  noCustomerData(f);
});

test("any other PostgreSQL error (a RAISE quoting the row): retryable, the server's message left out", () => {
  const f = classifyActivityError(new DrizzleQueryError(QUERY, PARAMS, pgError('P0001', `refused ${PARAMS[1]}`)), 'recordCaseEvent') as ApplicationFailure;
  expect(f.type).toBe('DatabaseError');
  expect(f.nonRetryable).toBe(false);
  expect(f.message).toBe('recordCaseEvent: PostgreSQL error P0001 PL/pgSQL error');
  expect(f.details).toEqual([{ sqlState: 'P0001' }]);
  noCustomerData(f);
});

test('a query that failed without a server error (connection lost): retryable, code kept, query and params gone', () => {
  const cause = Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' });
  const f = classifyActivityError(new DrizzleQueryError(QUERY, PARAMS, cause), 'recordCaseEvent') as ApplicationFailure;
  expect(f.nonRetryable).toBe(false);
  expect(f.type).toBe('Error');
  expect(f.message).toBe('recordCaseEvent: database query failed (ECONNRESET)');
  expect(f.cause).toBeUndefined();
  noCustomerData(f);
});

test('any other error: its name is the type, its message cut before query text, phones and e-mails masked', () => {
  const f = classifyActivityError(new TypeError(`cannot send to ${PHONE} or zhang.san@example.com; query: select 1`), 'sendNotification') as ApplicationFailure;
  expect(f.type).toBe('TypeError');
  expect(f.message).toBe('sendNotification: cannot send to ***00 or ***@***');
  noCustomerData(f);
  expect(scrubErrorMessage('timed out after 10000 ms')).toBe('timed out after 10000 ms');
});

test("our own ApplicationFailures pass as made, without a cause; cancellation is the SDK's", () => {
  const own = ApplicationFailure.create({ type: 'SlotConflict', message: 'slot taken', nonRetryable: true });
  expect(classifyActivityError(own, 'bookVisit')).toBe(own);
  const withCause = ApplicationFailure.create({ type: 'X', message: 'kept', nonRetryable: true, cause: new DrizzleQueryError(QUERY, PARAMS) });
  const cleaned = classifyActivityError(withCause, 'a') as ApplicationFailure;
  expect([cleaned.type, cleaned.message, cleaned.nonRetryable, cleaned.cause]).toEqual(['X', 'kept', true, undefined]);
  noCustomerData(cleaned);
  const cancelled = new CancelledFailure('cancelled');
  expect(classifyActivityError(cancelled, 'a')).toBe(cancelled);
});
